//! Storage of the commune portal: one portable diesel schema over SQLite and PostgreSQL.
//!
//! Query functions take a connection and return domain types; SQL stays in this crate.

pub mod audit;
pub mod calendar;
pub mod communes;
mod error;
pub mod feedback;
mod migrate;
mod pool;
pub mod resolutions;
pub mod schema;
#[cfg(feature = "test-support")]
pub mod scratch;
pub mod users;
pub mod versions;
pub mod visits;

pub use error::DbError;
pub use migrate::migration_names;
#[cfg(feature = "test-support")]
pub use migrate::{revert_all, run_migrations_one_by_one_up_down_up};
pub use pool::{
    Backend, Database, DatabaseUrl, DbConnection, PoolOptions, SqliteSynchronous, UrlError,
    savepoint,
};

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// The current time as stored: UTC, truncated to microseconds so both backends hold the same
/// value (PostgreSQL keeps microseconds; SQLite keeps the text we give it).
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

pub(crate) fn to_utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

pub(crate) fn to_stored(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc().trunc_subsecs(6)
}
