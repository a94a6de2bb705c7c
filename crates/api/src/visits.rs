//! Counting visits without a database write per visit: counts gather in memory and are added to
//! the database at most a second later (and at shutdown), as additive upserts that several
//! instances can make at once. Reads on this instance include what is not flushed yet.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use chrono::NaiveDate;
use chrono_tz::Tz;
use db::visits::VisitDelta;
use domain::commune::Commune;
use domain::visits::{MAX_PATHS_PER_DAY, OTHER_PATH};

use crate::error::ApiError;
use crate::state::off_the_async_threads;

pub const FLUSH_INTERVAL: Duration = Duration::from_secs(1);

type Key = (i64, NaiveDate, String);

/// Visits counted by this instance and not yet in the database.
#[derive(Default)]
pub struct VisitCounter {
    pending: Mutex<HashMap<Key, u64>>,
    /// Pages seen per commune and day, to bound how many distinct paths one day can hold.
    paths: Mutex<HashMap<(i64, NaiveDate), HashSet<String>>>,
}

impl VisitCounter {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Counts one visit; a page past the day's limit of distinct pages counts as `(other)`.
    pub fn record(&self, commune_id: i64, day: NaiveDate, path: &str) {
        let path = {
            let mut paths = self.paths.lock().unwrap_or_else(PoisonError::into_inner);
            if paths.len() > 4 * 1024 {
                // Days past are kept only while they may still be flushed; forget them now.
                paths.retain(|(_, seen_day), _| *seen_day >= day.pred_opt().unwrap_or(day));
            }
            let seen = paths.entry((commune_id, day)).or_default();
            if seen.contains(path) || seen.len() < MAX_PATHS_PER_DAY {
                if !seen.contains(path) {
                    seen.insert(path.to_owned());
                }
                path.to_owned()
            } else {
                OTHER_PATH.to_owned()
            }
        };
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        *pending.entry((commune_id, day, path)).or_insert(0) += 1;
    }

    /// What this instance counted for a commune (or one page) and has not flushed, per day.
    pub fn unflushed(&self, commune_id: i64, path: Option<&str>) -> Vec<(NaiveDate, u64)> {
        let pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        pending
            .iter()
            .filter(|((commune, _, page), _)| {
                *commune == commune_id && path.is_none_or(|p| p == page)
            })
            .map(|((_, day, _), count)| (*day, *count))
            .collect()
    }

    fn take(&self) -> Vec<VisitDelta> {
        let taken =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        taken
            .into_iter()
            .map(|((commune_id, day, path), count)| VisitDelta {
                commune_id,
                day,
                path,
                count,
            })
            .collect()
    }

    fn put_back(&self, deltas: Vec<VisitDelta>) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        for delta in deltas {
            *pending
                .entry((delta.commune_id, delta.day, delta.path))
                .or_insert(0) += delta.count;
        }
    }

    /// Adds what is pending to the database in one transaction; on failure it stays pending.
    pub async fn flush(&self, db: &db::Database) -> Result<usize, ApiError> {
        let deltas = self.take();
        if deltas.is_empty() {
            return Ok(0);
        }
        let count = deltas.len();
        let db = db.clone();
        let to_write = deltas.clone();
        match off_the_async_threads(move || db.write(|conn| db::visits::add(conn, &to_write))).await
        {
            Ok(()) => Ok(count),
            Err(error) => {
                self.put_back(deltas);
                Err(error)
            }
        }
    }
}

/// Flushes the counter every second until the task is stopped.
pub async fn flush_periodically(counter: Arc<VisitCounter>, db: db::Database) {
    let mut interval = tokio::time::interval(FLUSH_INTERVAL);
    loop {
        interval.tick().await;
        if let Err(error) = counter.flush(&db).await {
            tracing::warn!(error = %error, "flushing visit counts failed; they stay pending");
        }
    }
}

/// Communes by slug, in memory, so counting a visit needs no query. Reloaded when the data
/// versions move (a commune was added or changed here or elsewhere).
#[derive(Default)]
pub struct CommuneDirectory {
    by_slug: RwLock<HashMap<String, (i64, Tz)>>,
}

impl CommuneDirectory {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn get(&self, slug: &str) -> Option<(i64, Tz)> {
        self.by_slug
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(slug)
            .copied()
    }

    pub fn replace(&self, communes: Vec<Commune>) {
        let map = communes
            .into_iter()
            .map(|c| (c.slug.to_string(), (c.id, c.time_zone)))
            .collect();
        *self.by_slug.write().unwrap_or_else(PoisonError::into_inner) = map;
    }

    pub async fn reload(&self, db: &db::Database) -> Result<(), ApiError> {
        let db = db.clone();
        let communes = off_the_async_threads(move || db.read(db::communes::all)).await?;
        self.replace(communes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2023, 3, 13).unwrap_or_default()
    }

    #[test]
    fn visits_add_up_per_page_and_day() {
        let counter = VisitCounter::default();
        for _ in 0..3 {
            counter.record(1, day(), "/nghi-quyet/1");
        }
        counter.record(1, day(), "/");
        counter.record(2, day(), "/");
        assert_eq!(
            counter
                .unflushed(1, None)
                .iter()
                .map(|(_, n)| n)
                .sum::<u64>(),
            4
        );
        assert_eq!(
            counter.unflushed(1, Some("/nghi-quyet/1")),
            vec![(day(), 3)]
        );
        let taken = counter.take();
        assert_eq!(taken.iter().map(|d| d.count).sum::<u64>(), 5);
        assert!(counter.unflushed(1, None).is_empty());
        counter.put_back(taken);
        assert_eq!(counter.unflushed(2, None), vec![(day(), 1)]);
    }

    #[test]
    fn pages_past_the_daily_limit_count_as_other() {
        let counter = VisitCounter::default();
        for i in 0..MAX_PATHS_PER_DAY + 5 {
            counter.record(1, day(), &format!("/trang/{i}"));
        }
        counter.record(1, day(), "/trang/0");
        assert_eq!(counter.unflushed(1, Some(OTHER_PATH)), vec![(day(), 5)]);
        assert_eq!(counter.unflushed(1, Some("/trang/0")), vec![(day(), 2)]);
        let total: u64 = counter.unflushed(1, None).iter().map(|(_, n)| n).sum();
        assert_eq!(total, MAX_PATHS_PER_DAY as u64 + 6, "nothing is lost");
    }
}
