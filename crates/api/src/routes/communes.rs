use actix_web::{HttpResponse, get, web};
use db::communes::{self, CommuneFilter};
use domain::commune::CommuneSlug;
use domain::page::PageRequest;

use crate::dto::common::{ListResponse, parse_time_param};
use crate::dto::communes::{CommuneListParams, CommuneResponse};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::state::AppState;

/// List communes.
///
/// Ordered by slug; with `updated_since`, only communes changed after that time, ordered by
/// change time, so an integrator can sync by keeping the last `updated_at` it saw.
#[utoipa::path(
    tag = "communes",
    params(CommuneListParams),
    responses(
        (status = 200, description = "One page of communes", body = ListResponse<CommuneResponse>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/communes")]
pub async fn list_communes(
    state: web::Data<AppState>,
    Query(params): Query<CommuneListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(params.page, params.per_page)?;
    let filter = CommuneFilter {
        updated_since: parse_time_param("updated_since", params.updated_since.as_deref())?,
    };
    let paged = state
        .read(move |conn| communes::list(conn, &filter, page))
        .await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_paged(paged, CommuneResponse::from)))
}

/// Get one commune by its slug.
#[utoipa::path(
    tag = "communes",
    params(("slug" = String, Path, description = "The commune's slug", example = "truong-xuan")),
    responses(
        (status = 200, description = "The commune", body = CommuneResponse),
        (status = 404, description = "No commune has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/communes/{slug}")]
pub async fn get_commune(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let slug = CommuneSlug::parse(&slug).map_err(|_| ApiError::not_found("Commune"))?;
    let commune = state
        .read(move |conn| communes::find_by_slug(conn, &slug))
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::not_found("Commune"),
            other => other,
        })?;
    Ok(HttpResponse::Ok().json(CommuneResponse::from(commune)))
}
