//! The server: binds its own listener (port 0 in tests), migrates, and shuts down gracefully.

use std::net::TcpListener;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::{Server, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{Condition, ErrorHandlerResponse, ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, ResponseError, web};
use db::Database;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::PasswordHasher;
use crate::cache::{cache_public_reads, poll_data_versions};
use crate::config::{Config, CorsOrigins, Secret};
use crate::error::{ApiError, PROBLEM_JSON};
use crate::fallback::{RouteTable, no_route};
use crate::middleware::request_context;
use crate::state::{AppState, off_the_async_threads};
use crate::visits::flush_periodically;
use crate::{demo, openapi, routes};

#[derive(Debug, Clone, Copy, Default)]
pub struct ServeOptions {
    /// Load the demo commune into the database when it is missing.
    pub demo: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Database(#[from] db::DbError),
    #[error("loading demo data: {0}")]
    Demo(ApiError),
    #[error("loading communes: {0}")]
    Communes(ApiError),
    #[error("BIND_ADDR: cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error(
        "JWT_SECRET: required (at least 32 bytes, for example from `openssl rand -hex 32`); only `serve --demo` runs without it"
    )]
    MissingJwtSecret,
    #[error("password hashing: {0}")]
    Hashing(ApiError),
    #[error("starting the feedback writer: {0}")]
    Writer(std::io::Error),
}

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    drain_delay: Duration,
}

/// Stops a running application the way SIGTERM does.
#[derive(Clone)]
pub struct ShutdownHandle {
    server: actix_web::dev::ServerHandle,
    state: AppState,
    drain_delay: Duration,
}

impl ShutdownHandle {
    /// Reports draining on `/readyz`, waits the drain delay, then stops taking connections and
    /// lets in-flight requests finish.
    pub async fn shutdown(&self) {
        self.state.start_draining();
        tracing::info!(
            drain_delay_ms = self.drain_delay.as_millis() as u64,
            "shutting down"
        );
        if !self.drain_delay.is_zero() {
            tokio::time::sleep(self.drain_delay).await;
        }
        self.server.stop(true).await;
    }
}

impl Application {
    pub async fn build(config: Config, options: ServeOptions) -> Result<Self, StartupError> {
        let jwt_secret = match (&config.jwt_secret, options.demo) {
            (Some(secret), _) => secret.clone(),
            (None, true) => {
                tracing::warn!(
                    "JWT_SECRET is not set: demo mode signs tokens with a random key, so they end with this process"
                );
                Secret::new(rand::random::<[u8; 32]>().to_vec())
            }
            (None, false) => return Err(StartupError::MissingJwtSecret),
        };
        let db = Database::open(&config.database_url, &config.pool)?;
        let migrating = db.clone();
        let applied = off_the_async_threads(move || migrating.migrate())
            .await
            .map_err(|e| StartupError::Database(db::DbError::Migration(e.to_string())))?;
        if !applied.is_empty() {
            tracing::info!(count = applied.len(), "applied migrations");
        }
        if options.demo {
            let given = config
                .demo_password
                .as_ref()
                .map(|p| String::from_utf8_lossy(p.expose()).into_owned());
            let password = given.clone().unwrap_or_else(demo::random_password);
            let load = |db: Database| {
                let password = password.clone();
                off_the_async_threads(move || db.write(|conn| demo::load(conn, &password)))
            };
            // Instances starting together race to add the demo; the loser's transaction fails on
            // the unique slug and rolls back, and its second look finds everything in place.
            let report = match load(db.clone()).await {
                Err(ApiError::Conflict(_)) => load(db.clone()).await,
                outcome => outcome,
            }
            .map_err(StartupError::Demo)?;
            tracing::info!(
                communes_added = report.communes_added,
                resolutions_added = report.resolutions_added,
                accounts_added = report.accounts_added.len(),
                "demo data loaded"
            );
            if !report.accounts_added.is_empty() && given.is_none() {
                // Demo mode only: the one place a password is ever shown, on the terminal.
                println!(
                    "\nDemo accounts ({}) were created with the password:\n\n    {password}\n\nIt is shown once; set DEMO_PASSWORD to choose it.\n",
                    report.accounts_added.join(", ")
                );
            }
        }
        let concurrency =
            std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let hasher =
            off_the_async_threads(move || Ok::<_, ApiError>(PasswordHasher::new(concurrency)))
                .await
                .and_then(|built| built)
                .map_err(StartupError::Hashing)?;

        let spec = openapi::spec();
        let state = AppState::new(
            db,
            &config,
            &jwt_secret,
            RouteTable::from_openapi(&spec),
            hasher,
        )
        .map_err(StartupError::Writer)?;
        state
            .communes
            .reload(&state.db)
            .await
            .map_err(StartupError::Communes)?;
        let listener =
            TcpListener::bind(&config.bind_addr).map_err(|source| StartupError::Bind {
                addr: config.bind_addr.clone(),
                source,
            })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind {
                addr: config.bind_addr.clone(),
                source,
            })?
            .port();

        let app_state = web::Data::new(state.clone());
        let cors_origins = config.cors_origins.clone();
        let mut server = HttpServer::new(move || {
            let (app, _) = App::new()
                .app_data(app_state.clone())
                .app_data(
                    web::PathConfig::default()
                        .error_handler(|_, _| ApiError::not_found("Resource").into()),
                )
                .wrap(from_fn(cache_public_reads))
                .wrap(ErrorHandlers::new().default_handler(problem_for_bare_error))
                .wrap(Condition::new(
                    cors_origins != CorsOrigins::None,
                    cors(&cors_origins),
                ))
                .wrap(from_fn(request_context))
                .into_utoipa_app()
                .configure(routes::configure)
                .split_for_parts();
            app.service(
                SwaggerUi::new("/docs/{_:.*}")
                    .url("/api-docs/openapi.json", spec.clone())
                    .config(utoipa_swagger_ui::Config::default().validator_url("none")),
            )
            .service(web::redirect("/docs", "/docs/"))
            .default_service(web::to(no_route))
        })
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            addr: config.bind_addr.clone(),
            source,
        })?
        .disable_signals()
        .shutdown_timeout(config.shutdown_timeout.as_secs());
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        Ok(Self {
            port,
            server: server.run(),
            state,
            drain_delay: config.shutdown_drain_delay,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle {
            server: self.server.handle(),
            state: self.state.clone(),
            drain_delay: self.drain_delay,
        }
    }

    /// Serves until SIGTERM, Ctrl-C or a `ShutdownHandle` stops the server, then returns once
    /// in-flight requests have finished.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.shutdown_handle();
        let signals = tokio::spawn(async move {
            wait_for_stop_signal().await;
            handle.shutdown().await;
        });
        let poller = tokio::spawn(poll_data_versions(self.state.clone()));
        let flusher = tokio::spawn(flush_periodically(
            self.state.visits.clone(),
            self.state.db.clone(),
        ));
        let maintenance = tokio::spawn(crate::maintenance::run_periodically(self.state.db.clone()));
        let result = self.server.await;
        signals.abort();
        poller.abort();
        flusher.abort();
        maintenance.abort();
        // Visits counted since the last flush are stored before the process ends.
        match self.state.visits.flush(&self.state.db).await {
            Ok(rows) => tracing::info!(rows, "visit counts flushed"),
            Err(error) => tracing::error!(error = %error, "final flush of visit counts failed"),
        }
        if let Err(error) = self.state.db.checkpoint() {
            tracing::warn!(error = %error, "final checkpoint failed");
        }
        tracing::info!("stopped");
        result
    }
}

async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {},
                    _ = terminate.recv() => {},
                }
            }
            Err(error) => {
                tracing::warn!(error = %error, "cannot listen for SIGTERM; Ctrl-C only");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn cors(origins: &CorsOrigins) -> Cors {
    let base = Cors::default()
        .allowed_methods(["GET", "POST", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::IF_NONE_MATCH,
        ])
        .allowed_header("idempotency-key")
        .allowed_header("x-request-id")
        .expose_headers([header::ETAG, header::RETRY_AFTER, header::LOCATION])
        .expose_headers(["x-request-id"])
        .max_age(3600);
    match origins {
        CorsOrigins::None => base,
        CorsOrigins::Any => base.allow_any_origin().send_wildcard(),
        CorsOrigins::List(list) => list
            .iter()
            .fold(base, |cors, origin| cors.allowed_origin(origin)),
    }
}

/// Gives a problem body to error responses made outside our handlers (the router, middleware).
fn problem_for_bare_error<B>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == HeaderValue::from_static(PROBLEM_JSON));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let detail = res.response().error().map_or_else(
        || status.canonical_reason().unwrap_or("Error").to_owned(),
        ToString::to_string,
    );
    let (req, _) = res.into_parts();
    let problem = ApiError::Http(status, detail).error_response();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, problem).map_into_right_body(),
    ))
}
