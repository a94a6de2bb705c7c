//! Recording writes in the audit log from handlers, in the transaction that makes them.

use actix_web::{HttpMessage, HttpRequest};
use db::DbConnection;
use db::audit::AuditEntry;
use serde::Serialize;

use crate::error::ApiError;
use crate::middleware::RequestId;

/// Who is writing, and under which request id.
#[derive(Debug, Clone)]
pub struct Auditor {
    actor: String,
    request_id: Option<String>,
}

/// One audited change: what it did to which object. `before`/`after` are the response bodies of
/// the object, which carry no password hash.
pub struct Change<'a, B: Serialize, A: Serialize> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub commune_id: Option<i64>,
    pub before: Option<&'a B>,
    pub after: Option<&'a A>,
}

impl Auditor {
    pub fn for_request(actor: &str, req: &HttpRequest) -> Self {
        let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
        Self {
            actor: actor.to_owned(),
            request_id,
        }
    }

    /// For writes no HTTP request made: `cli`, `system`.
    pub fn without_request(actor: &str) -> Self {
        Self {
            actor: actor.to_owned(),
            request_id: None,
        }
    }

    pub fn record<B: Serialize, A: Serialize>(
        &self,
        conn: &mut DbConnection,
        change: Change<'_, B, A>,
    ) -> Result<(), ApiError> {
        let before = to_json(change.before)?;
        let after = to_json(change.after)?;
        db::audit::record(
            conn,
            &AuditEntry {
                actor: &self.actor,
                commune_id: change.commune_id,
                action: change.action,
                object_type: change.object_type,
                object_id: change.object_id,
                before,
                after,
                request_id: self.request_id.as_deref(),
            },
        )?;
        Ok(())
    }
}

fn to_json<T: Serialize>(value: Option<&T>) -> Result<Option<String>, ApiError> {
    value
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| ApiError::Internal(format!("serializing an audit record: {e}")))
}
