//! The audit log: every write, who made it, and the record before and after.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::audit_log;
use crate::{DbConnection, DbError, now, to_utc};

/// One write to record. `before` and `after` are JSON documents of the object.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// The username, or `cli`/`system` for writes no user made through the API.
    pub actor: &'a str,
    pub commune_id: Option<i64>,
    /// What happened, as `object.verb`: `commune.create`.
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: Option<&'a str>,
}

#[derive(Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
struct NewAuditRow<'a> {
    at: NaiveDateTime,
    actor: &'a str,
    commune_id: Option<i64>,
    action: &'a str,
    object_type: &'a str,
    object_id: &'a str,
    before: Option<&'a str>,
    after: Option<&'a str>,
    request_id: Option<&'a str>,
}

/// A recorded write.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct AuditRecord {
    pub id: i64,
    at: NaiveDateTime,
    pub actor: String,
    pub commune_id: Option<i64>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: Option<String>,
}

impl AuditRecord {
    pub fn at(&self) -> DateTime<Utc> {
        to_utc(self.at)
    }
}

/// Records a write; call it inside the transaction that makes the write.
pub fn record(conn: &mut DbConnection, entry: &AuditEntry<'_>) -> Result<(), DbError> {
    record_many(conn, std::slice::from_ref(entry))
}

/// Records many writes with one statement; call it inside the transaction that makes them.
pub fn record_many(conn: &mut DbConnection, entries: &[AuditEntry<'_>]) -> Result<(), DbError> {
    if entries.is_empty() {
        return Ok(());
    }
    let at = now();
    let rows: Vec<NewAuditRow<'_>> = entries
        .iter()
        .map(|entry| NewAuditRow {
            at,
            actor: entry.actor,
            commune_id: entry.commune_id,
            action: entry.action,
            object_type: entry.object_type,
            object_id: &entry.object_id,
            before: entry.before.as_deref(),
            after: entry.after.as_deref(),
            request_id: entry.request_id,
        })
        .collect();
    crate::on_either_backend!(conn, |conn| diesel::insert_into(audit_log::table)
        .values(&rows)
        .execute(conn))?;
    Ok(())
}

/// The history of one object, oldest first.
pub fn for_object(
    conn: &mut DbConnection,
    object_type: &str,
    object_id: &str,
) -> Result<Vec<AuditRecord>, DbError> {
    Ok(audit_log::table
        .filter(audit_log::object_type.eq(object_type))
        .filter(audit_log::object_id.eq(object_id))
        .order(audit_log::id.asc())
        .load(conn)?)
}
