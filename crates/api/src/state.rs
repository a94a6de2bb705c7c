//! What every request can reach: the database and the server's own state.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::web;
use db::{Database, DbConnection, DbError};
use tracing::Span;

use crate::error::ApiError;
use crate::fallback::RouteTable;

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub body_limit: usize,
    pub routes: Arc<RouteTable>,
    draining: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(db: Database, body_limit: usize, routes: RouteTable) -> Self {
        Self {
            db,
            body_limit,
            routes: Arc::new(routes),
            draining: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A state whose database is never opened, for extractor tests.
    #[cfg(test)]
    pub fn for_limit_tests(body_limit: usize) -> Self {
        let url = db::DatabaseUrl::Sqlite("/nonexistent/never-opened.db".into());
        let db = Database::open_lazily(&url, &db::PoolOptions::default());
        Self::new(db, body_limit, RouteTable::default())
    }

    /// Set once shutdown starts: `/readyz` answers 503 from then on.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Runs read-only database work on the blocking pool, in the request's span.
    pub async fn read<T, E>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, ApiError>
    where
        T: Send + 'static,
        E: From<DbError> + Into<ApiError> + Send + 'static,
    {
        let db = self.db.clone();
        off_the_async_threads(move || db.read(work)).await
    }

    /// Runs database writes in one transaction on the blocking pool, in the request's span.
    pub async fn write<T, E>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, ApiError>
    where
        T: Send + 'static,
        E: From<DbError> + Into<ApiError> + Send + 'static,
    {
        let db = self.db.clone();
        off_the_async_threads(move || db.write(work)).await
    }
}

/// Diesel blocks; the async workers must not.
pub async fn off_the_async_threads<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    let span = Span::current();
    web::block(move || span.in_scope(work))
        .await
        .map_err(|e| ApiError::Internal(format!("blocking task failed: {e}")))?
        .map_err(Into::into)
}
