//! Embedded migrations, one folder per backend with the same names.

use diesel::RunQueryDsl;
use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel::sqlite::Sqlite;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::{DbConnection, DbError};

const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Any constant works as long as every instance uses the same one: "commune" in ASCII.
const MIGRATION_LOCK_KEY: i64 = 0x0063_6f6d_6d75_6e65;

fn migration_error(error: impl std::fmt::Display) -> DbError {
    DbError::Migration(error.to_string())
}

pub(crate) fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    let applied = match conn {
        DbConnection::Postgresql(pg) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                .execute(pg)?;
            let result = pg
                .run_pending_migrations(POSTGRES)
                .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>());
            let unlocked =
                diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
                    .execute(pg);
            let applied = result.map_err(migration_error)?;
            unlocked?;
            applied
        }
        DbConnection::Sqlite(sqlite) => sqlite
            .run_pending_migrations(SQLITE)
            .map_err(migration_error)?
            .iter()
            .map(ToString::to_string)
            .collect(),
    };
    Ok(applied)
}

/// The names of the embedded migrations of each backend: (SQLite, PostgreSQL).
pub fn migration_names() -> Result<(Vec<String>, Vec<String>), DbError> {
    let sqlite = MigrationSource::<Sqlite>::migrations(&SQLITE).map_err(migration_error)?;
    let postgres = MigrationSource::<Pg>::migrations(&POSTGRES).map_err(migration_error)?;
    let sqlite = sqlite.iter().map(|m| m.name().to_string()).collect();
    let postgres = postgres.iter().map(|m| m.name().to_string()).collect();
    Ok((sqlite, postgres))
}

#[cfg(feature = "test-support")]
/// Applies each pending migration, reverts it and applies it again, so every `down.sql` is
/// proven to undo its `up.sql`.
pub fn run_migrations_one_by_one_up_down_up(conn: &mut DbConnection) -> Result<usize, DbError> {
    fn cycle<DB, C>(conn: &mut C, source: impl Fn() -> EmbeddedMigrations) -> Result<usize, DbError>
    where
        DB: diesel::backend::Backend,
        C: MigrationHarness<DB>,
        EmbeddedMigrations: MigrationSource<DB>,
    {
        let mut count = 0;
        while !conn
            .pending_migrations(source())
            .map_err(migration_error)?
            .is_empty()
        {
            conn.run_next_migration(source()).map_err(migration_error)?;
            conn.revert_last_migration(source())
                .map_err(migration_error)?;
            conn.run_next_migration(source()).map_err(migration_error)?;
            count += 1;
        }
        Ok(count)
    }
    match conn {
        DbConnection::Postgresql(pg) => cycle(pg, || POSTGRES),
        DbConnection::Sqlite(sqlite) => cycle(sqlite, || SQLITE),
    }
}

#[cfg(feature = "test-support")]
/// Reverts every applied migration, newest first.
pub fn revert_all(conn: &mut DbConnection) -> Result<usize, DbError> {
    let reverted = match conn {
        DbConnection::Postgresql(pg) => pg
            .revert_all_migrations(POSTGRES)
            .map_err(migration_error)?
            .len(),
        DbConnection::Sqlite(sqlite) => sqlite
            .revert_all_migrations(SQLITE)
            .map_err(migration_error)?
            .len(),
    };
    Ok(reverted)
}
