//! What every request can reach: the database and the server's own state.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::web;
use db::{Database, DbConnection, DbError};
use tracing::Span;

use crate::auth::{JwtKeys, PasswordHasher};
use crate::cache::ResponseCache;
use crate::config::{Config, Secret};
use crate::error::ApiError;
use crate::fallback::RouteTable;
use crate::ratelimit::RateLimiter;
use crate::submissions::SubmissionQueue;
use crate::visits::{CommuneDirectory, VisitCounter};

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub body_limit: usize,
    pub routes: Arc<RouteTable>,
    pub jwt: Arc<JwtKeys>,
    pub hasher: PasswordHasher,
    /// Failed logins, keyed `user:NAME` and `ip:ADDRESS`.
    pub login_limiter: Arc<RateLimiter>,
    pub trusted_proxies: Arc<Vec<IpAddr>>,
    pub cache: Arc<ResponseCache>,
    pub visits: Arc<VisitCounter>,
    /// Communes by slug, for counting visits without a query.
    pub communes: Arc<CommuneDirectory>,
    /// Feedback submissions, keyed `ip:ADDRESS`.
    pub feedback_limiter: Arc<RateLimiter>,
    /// The group-commit writer of feedback submissions.
    pub submissions: SubmissionQueue,
    draining: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(
        db: Database,
        config: &Config,
        jwt_secret: &Secret,
        routes: RouteTable,
        hasher: PasswordHasher,
    ) -> std::io::Result<Self> {
        let writers = match db.backend() {
            db::Backend::Sqlite => 1,
            db::Backend::Postgres => (config.pool.max_connections as usize / 2).clamp(1, 8),
        };
        let submissions = SubmissionQueue::start(db.clone(), writers)?;
        Ok(Self {
            db,
            body_limit: config.body_limit,
            routes: Arc::new(routes),
            jwt: Arc::new(JwtKeys::new(jwt_secret, config.jwt_ttl)),
            hasher,
            login_limiter: Arc::new(RateLimiter::new(
                config.login_rate_limit,
                Duration::from_secs(60),
            )),
            trusted_proxies: Arc::new(config.trusted_proxies.clone()),
            cache: ResponseCache::new(),
            visits: VisitCounter::new(),
            communes: CommuneDirectory::new(),
            feedback_limiter: Arc::new(RateLimiter::new(
                config.feedback_rate_limit,
                Duration::from_secs(60),
            )),
            submissions,
            draining: Arc::new(AtomicBool::new(false)),
        })
    }

    /// A state whose database is never opened, for extractor tests.
    #[cfg(test)]
    pub fn for_limit_tests(body_limit: usize) -> Self {
        let url = db::DatabaseUrl::Sqlite("/nonexistent/never-opened.db".into());
        let db = Database::open_lazily(&url, &db::PoolOptions::default());
        let mut config = Config::from_lookup(|_| None).unwrap_or_else(|_| unreachable!());
        config.body_limit = body_limit;
        let hasher = PasswordHasher::new(1).unwrap_or_else(|_| unreachable!());
        Self::new(
            db,
            &config,
            &Secret::new(vec![7; 32]),
            RouteTable::default(),
            hasher,
        )
        .unwrap_or_else(|_| unreachable!())
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
        let written = self.write_private(work).await;
        if written.is_ok() {
            // Readers on this instance see the write at once; others within a poll.
            self.cache.invalidate();
        }
        written
    }
}

impl AppState {
    /// Runs database writes in one transaction, like `write`, for writes that change nothing
    /// the public response cache holds (feedback workflow, records of reads), so it stays warm.
    pub async fn write_private<T, E>(
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
