//! Demo data: Xã Trường Xuân as its own portal page shows it, and one account per role. Compiled
//! in, so `serve --demo` runs from any folder.

use db::{DbConnection, communes, users};
use domain::commune::{CommuneInput, NewCommune};
use domain::user::{Role, Username};

use crate::audit::{Auditor, Change};
use crate::auth::hash_password_blocking;
use crate::dto::auth::UserResponse;
use crate::dto::communes::CommuneResponse;
use crate::error::ApiError;

pub const DEMO_COMMUNE_SLUG: &str = "truong-xuan";
/// The commune's portal page: its 2023 resolution with 29 targets, published 13/03/2023 14:51:27.
pub const SEED_PAGE: &str = include_str!("../../../fixtures/truong-xuan-2023.txt");
/// The demo accounts: an admin, and an editor and an officer of Xã Trường Xuân.
pub const DEMO_ACCOUNTS: [(&str, Role); 3] = [
    ("admin", Role::Admin),
    ("editor", Role::Editor),
    ("officer", Role::Officer),
];

/// What loading the demo did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub communes_added: usize,
    pub resolutions_added: usize,
    pub accounts_added: Vec<String>,
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

/// Adds what the demo needs and the database lacks; running it again adds nothing. Accounts are
/// added only to a database with no users at all, so a real deployment never gets them.
pub fn load(conn: &mut DbConnection, password: &str) -> Result<DemoReport, ApiError> {
    let auditor = Auditor::without_request("system");
    let mut report = DemoReport::default();
    let new = truong_xuan()?;
    let commune = if communes::exists(conn, &new.slug)? {
        communes::find_by_slug(conn, &new.slug)?
    } else {
        let commune = communes::insert(conn, &new)?;
        let after = CommuneResponse::from(commune.clone());
        auditor.record(
            conn,
            Change::<CommuneResponse, _> {
                action: "commune.create",
                object_type: "commune",
                object_id: commune.slug.to_string(),
                commune_id: Some(commune.id),
                before: None,
                after: Some(&after),
            },
        )?;
        report.communes_added += 1;
        commune
    };
    if db::resolutions::count_for_commune(conn, commune.id)? == 0 {
        // Published as the portal published it; no results are invented.
        crate::routes::resolutions::import_into(conn, &commune, SEED_PAGE, true, &auditor)?;
        report.resolutions_added += 1;
    }
    if users::count(conn)? > 0 {
        return Ok(report);
    }
    for (name, role) in DEMO_ACCOUNTS {
        let username =
            Username::parse(name).map_err(|e| ApiError::Internal(format!("demo username: {e}")))?;
        let commune_id = (role != Role::Admin).then_some(commune.id);
        let hash = hash_password_blocking(password)?;
        let user = users::insert(
            conn,
            &users::NewUser {
                username: &username,
                password_hash: &hash,
                role,
                commune_id,
            },
        )?;
        let after = UserResponse::new(user.clone(), commune_id.map(|_| commune.slug.to_string()));
        auditor.record(
            conn,
            Change::<UserResponse, _> {
                action: "user.create",
                object_type: "user",
                object_id: user.id.to_string(),
                commune_id,
                before: None,
                after: Some(&after),
            },
        )?;
        report.accounts_added.push(name.to_owned());
    }
    Ok(report)
}

/// A password for the demo accounts when `DEMO_PASSWORD` is not set: 20 characters without
/// look-alikes, about 110 bits.
pub fn random_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}
