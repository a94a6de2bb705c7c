//! Scratch databases for tests: each test gets its own, removed when it is dropped.
//!
//! Without `TEST_DATABASE_URL` a scratch database is a SQLite file in a temporary folder. With
//! `TEST_DATABASE_URL=postgres://user@host:port/db` it is a new PostgreSQL database created
//! through that server (the user needs CREATEDB) and dropped afterwards.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::{DatabaseUrl, DbError};

pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

pub struct ScratchDatabase {
    url: String,
    postgres: Option<PostgresScratch>,
    _folder: Option<tempfile::TempDir>,
}

struct PostgresScratch {
    admin_url: String,
    name: String,
}

impl ScratchDatabase {
    /// A new empty database on the backend `TEST_DATABASE_URL` names (SQLite when unset).
    pub fn create() -> Result<Self, DbError> {
        match std::env::var(TEST_DATABASE_URL) {
            Ok(admin_url) if !admin_url.trim().is_empty() => Self::postgres(admin_url.trim()),
            _ => Self::sqlite(),
        }
    }

    pub fn sqlite() -> Result<Self, DbError> {
        let folder = tempfile::tempdir()
            .map_err(|e| DbError::Unavailable(format!("temporary folder: {e}")))?;
        let url = format!("sqlite://{}", folder.path().join("commune.db").display());
        Ok(Self {
            url,
            postgres: None,
            _folder: Some(folder),
        })
    }

    fn postgres(admin_url: &str) -> Result<Self, DbError> {
        if !matches!(DatabaseUrl::parse(admin_url), Ok(DatabaseUrl::Postgres(_))) {
            return Err(DbError::Unavailable(format!(
                "{TEST_DATABASE_URL} must be a postgres:// URL"
            )));
        }
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name = format!(
            "commune_test_{}_{}_{}",
            std::process::id(),
            nanos % 1_000_000_000_000,
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin =
            PgConnection::establish(admin_url).map_err(|e| DbError::Unavailable(e.to_string()))?;
        diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut admin)?;
        Ok(Self {
            url: with_database_name(admin_url, &name),
            postgres: Some(PostgresScratch {
                admin_url: admin_url.to_owned(),
                name,
            }),
            _folder: None,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        if let Some(pg) = &self.postgres {
            if let Ok(mut admin) = PgConnection::establish(&pg.admin_url) {
                let dropped = diesel::sql_query(format!(
                    "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                    pg.name
                ))
                .execute(&mut admin);
                if let Err(error) = dropped {
                    eprintln!("could not drop scratch database {}: {error}", pg.name);
                }
            }
        }
    }
}

/// Replaces the database name in a PostgreSQL URL, keeping its query string.
fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let (scheme, rest) = base.split_once("://").unwrap_or(("postgres", base));
    let authority = rest
        .split_once('/')
        .map_or(rest, |(authority, _)| authority);
    match query {
        Some(query) => format!("{scheme}://{authority}/{name}?{query}"),
        None => format!("{scheme}://{authority}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database_name;

    #[test]
    fn swaps_the_database_name() {
        assert_eq!(
            with_database_name("postgres://u@127.0.0.1:5432/postgres", "t1"),
            "postgres://u@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database_name("postgres://u@h", "t1"),
            "postgres://u@h/t1"
        );
        assert_eq!(
            with_database_name("postgres://u@h/db?sslmode=disable", "t1"),
            "postgres://u@h/t1?sslmode=disable"
        );
    }
}
