use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, Problem};
use crate::state::{AppState, off_the_async_threads};

#[derive(Serialize, ToSchema)]
pub struct HealthResponse {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The process is up and answering.
#[utoipa::path(tag = "health", responses((status = 200, description = "The process answers", body = HealthResponse)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(r#"{"status":"ok"}"#)
}

/// The instance can serve traffic: its database answers and it is not shutting down.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready for traffic", body = HealthResponse),
        (status = 503, description = "The database does not answer, or the instance is shutting down", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if state.is_draining() {
        return Err(ApiError::ShuttingDown);
    }
    let db = state.db.clone();
    off_the_async_threads(move || db.ping()).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(r#"{"status":"ready"}"#))
}
