//! Per-commune data versions: every write to a commune's public data moves its version on, in
//! the writing transaction, so each instance's cache can see within a poll that it is stale.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::schema::data_versions;
use crate::{DbConnection, DbError};

/// Moves the commune's version on by one.
pub fn bump(conn: &mut DbConnection, commune_id: i64) -> Result<(), DbError> {
    // The same upsert on both backends; only the placeholder differs.
    match conn {
        DbConnection::Postgresql(pg) => {
            diesel::sql_query(
                "INSERT INTO data_versions (commune_id, version) VALUES ($1, 1) \
                 ON CONFLICT (commune_id) DO UPDATE SET version = data_versions.version + 1",
            )
            .bind::<BigInt, _>(commune_id)
            .execute(pg)?;
        }
        DbConnection::Sqlite(sqlite) => {
            diesel::sql_query(
                "INSERT INTO data_versions (commune_id, version) VALUES (?, 1) \
                 ON CONFLICT (commune_id) DO UPDATE SET version = data_versions.version + 1",
            )
            .bind::<BigInt, _>(commune_id)
            .execute(sqlite)?;
        }
    }
    Ok(())
}

/// Every commune's current version.
pub fn all(conn: &mut DbConnection) -> Result<HashMap<i64, i64>, DbError> {
    let rows: Vec<(i64, i64)> = data_versions::table
        .select((data_versions::commune_id, data_versions::version))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
