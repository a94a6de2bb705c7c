//! Demo data: Xã Trường Xuân as its own portal page shows it. Compiled in, so `serve --demo`
//! runs from any folder.

use db::audit::{self, AuditEntry};
use db::{DbConnection, communes};
use domain::commune::{CommuneInput, NewCommune};

use crate::dto::communes::CommuneResponse;
use crate::error::ApiError;

pub const DEMO_COMMUNE_SLUG: &str = "truong-xuan";

/// What loading the demo did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub communes_added: usize,
}

fn truong_xuan() -> Result<NewCommune, ApiError> {
    NewCommune::parse(CommuneInput {
        slug: Some(DEMO_COMMUNE_SLUG.into()),
        name: Some("Xã Trường Xuân".into()),
        district: Some("Huyện Thọ Xuân".into()),
        province: Some("Tỉnh Thanh Hóa".into()),
        feedback_address: Some("Phú Hậu 1, Xã Trường Xuân, Huyện Thọ Xuân".into()),
        feedback_phone: Some("0374408758".into()),
        feedback_email: Some("truongxuan.thoxuan@thanhhoa.gov.vn".into()),
        time_zone: Some("Asia/Ho_Chi_Minh".into()),
    })
    .map_err(|e| ApiError::Internal(format!("demo commune is invalid: {e}")))
}

/// Adds what the demo needs and the database lacks; running it again adds nothing.
pub fn load(conn: &mut DbConnection) -> Result<DemoReport, ApiError> {
    let mut report = DemoReport::default();
    let commune = truong_xuan()?;
    if !communes::exists(conn, &commune.slug)? {
        let stored = communes::insert(conn, &commune)?;
        let after = serde_json::to_string(&CommuneResponse::from(stored.clone()))
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        audit::record(
            conn,
            &AuditEntry {
                actor: "system",
                commune_id: Some(stored.id),
                action: "commune.create",
                object_type: "commune",
                object_id: stored.slug.to_string(),
                before: None,
                after: Some(after),
                request_id: None,
            },
        )?;
        report.communes_added += 1;
    }
    Ok(report)
}
