//! Housekeeping every instance runs: erasing personal data past its commune's retention period
//! and forgetting old idempotency keys. Both are idempotent, so instances may overlap.

use std::time::Duration;

use chrono::Utc;
use db::Database;

use crate::error::ApiError;
use crate::state::off_the_async_threads;

const INTERVAL: Duration = Duration::from_secs(60 * 60);
/// Keys must live at least 24 hours; two days leaves room for clocks and slow retries.
const IDEMPOTENCY_KEY_LIFETIME: chrono::Duration = chrono::Duration::hours(48);

pub async fn run_periodically(db: Database) {
    let mut ticks = tokio::time::interval(INTERVAL);
    loop {
        ticks.tick().await;
        if let Err(error) = run_once(db.clone()).await {
            tracing::warn!(error = %error, "feedback housekeeping failed; retrying next hour");
        }
    }
}

/// One round of housekeeping; returns how many items had their personal data erased.
pub async fn run_once(db: Database) -> Result<usize, ApiError> {
    off_the_async_threads(move || {
        db.write(|conn| {
            let now = Utc::now();
            let erased = db::feedback::erase_expired(conn, now, "system")?;
            let purged =
                db::feedback::purge_idempotency_keys(conn, now - IDEMPOTENCY_KEY_LIFETIME)?;
            if !erased.is_empty() || purged > 0 {
                tracing::info!(
                    erased = erased.len(),
                    idempotency_keys = purged,
                    "feedback housekeeping"
                );
            }
            Ok::<_, db::DbError>(erased.len())
        })
    })
    .await
}
