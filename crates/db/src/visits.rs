//! Visit counts per commune, day and page. Instances add what they counted; nothing is replaced.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};

use crate::schema::visit_counts;
use crate::{DbConnection, DbError};

/// One instance's count for a commune, day and page since its last flush.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitDelta {
    pub commune_id: i64,
    pub day: NaiveDate,
    pub path: String,
    pub count: u64,
}

const UPSERT_SQLITE: &str = "INSERT INTO visit_counts (commune_id, day, path, count) VALUES (?, ?, ?, ?) \
     ON CONFLICT (commune_id, day, path) DO UPDATE SET count = visit_counts.count + excluded.count";
const UPSERT_POSTGRES: &str = "INSERT INTO visit_counts (commune_id, day, path, count) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (commune_id, day, path) DO UPDATE SET count = visit_counts.count + excluded.count";

/// Adds the deltas to the stored counts; several instances adding at once sum correctly.
pub fn add(conn: &mut DbConnection, deltas: &[VisitDelta]) -> Result<(), DbError> {
    for delta in deltas {
        let count = i64::try_from(delta.count).unwrap_or(i64::MAX);
        match conn {
            DbConnection::Postgresql(pg) => {
                diesel::sql_query(UPSERT_POSTGRES)
                    .bind::<BigInt, _>(delta.commune_id)
                    .bind::<Date, _>(delta.day)
                    .bind::<Text, _>(&delta.path)
                    .bind::<BigInt, _>(count)
                    .execute(pg)?;
            }
            DbConnection::Sqlite(sqlite) => {
                diesel::sql_query(UPSERT_SQLITE)
                    .bind::<BigInt, _>(delta.commune_id)
                    .bind::<Date, _>(delta.day)
                    .bind::<Text, _>(&delta.path)
                    .bind::<BigInt, _>(count)
                    .execute(sqlite)?;
            }
        }
    }
    Ok(())
}

/// The counts per day from `since` on, and the all-time sum, of a commune (or one of its pages).
pub fn days_and_total(
    conn: &mut DbConnection,
    commune_id: i64,
    path: Option<&str>,
    since: NaiveDate,
) -> Result<(Vec<(NaiveDate, u64)>, u64), DbError> {
    let sum = || diesel::dsl::sql::<BigInt>("CAST(COALESCE(SUM(count), 0) AS BIGINT)");
    let mut recent = visit_counts::table
        .filter(visit_counts::commune_id.eq(commune_id))
        .filter(visit_counts::day.ge(since))
        .group_by(visit_counts::day)
        .select((visit_counts::day, sum()))
        .into_boxed::<<DbConnection as Connection>::Backend>();
    let mut all = visit_counts::table
        .filter(visit_counts::commune_id.eq(commune_id))
        .select(sum())
        .into_boxed::<<DbConnection as Connection>::Backend>();
    if let Some(path) = path {
        recent = recent.filter(visit_counts::path.eq(path.to_owned()));
        all = all.filter(visit_counts::path.eq(path.to_owned()));
    }
    let days: Vec<(NaiveDate, i64)> = recent.load(conn)?;
    let total: i64 = all.first(conn)?;
    let unsigned = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok((
        days.into_iter()
            .map(|(day, n)| (day, unsigned(n)))
            .collect(),
        unsigned(total),
    ))
}
