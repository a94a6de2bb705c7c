//! The visit counter.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::Utc;
use db::{DbError, communes};
use domain::commune::CommuneSlug;
use domain::validation::ValidationErrors;
use domain::visits::{CounterCalendar, counts_from_days, parse_path};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::audit::{Auditor, Change};
use crate::auth::AuthUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::state::AppState;

/// A visit to a page of a commune's portal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitRequest {
    #[schema(example = "truong-xuan")]
    pub commune: String,
    /// The page, as the front end names it (at most 512 characters).
    #[schema(example = "/nghi-quyet/1")]
    pub path: String,
    /// Accepted for compatibility and not stored: counts are not tied to visitors.
    pub visitor: Option<String>,
}

/// Visits counted in the commune's calendar (weeks start on Monday).
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitCountsResponse {
    #[schema(example = 1)]
    pub today: u64,
    #[schema(example = 0)]
    pub yesterday: u64,
    #[schema(example = 1)]
    pub this_week: u64,
    #[schema(example = 1)]
    pub this_month: u64,
    #[schema(example = 174989)]
    pub total: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitCountParams {
    /// One page's counts instead of the whole portal's.
    #[param(example = "/nghi-quyet/1")]
    pub path: Option<String>,
}

/// What an earlier portal had counted, so the total continues from it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitBaselineRequest {
    #[schema(example = 174988)]
    pub total: u64,
}

/// Count a visit. Counted in memory and stored within a second; no database write per visit.
#[utoipa::path(
    tag = "visits",
    request_body = VisitRequest,
    responses(
        (status = 202, description = "Counted"),
        (status = 404, description = "No commune has this slug", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (a path over 512 characters)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/visits")]
pub async fn record_visit(
    state: web::Data<AppState>,
    Json(body): Json<VisitRequest>,
) -> Result<HttpResponse, ApiError> {
    let path = parse_path(&body.path)
        .map_err(|e| ValidationErrors::single("path", "invalid_length", e.to_string()))?;
    if body.visitor.as_ref().is_some_and(|v| v.len() > 256) {
        return Err(ValidationErrors::single("visitor", "too_long", "at most 256 bytes").into());
    }
    let (commune_id, tz) = state
        .communes
        .get(&body.commune)
        .ok_or_else(|| ApiError::not_found("Commune"))?;
    let day = CounterCalendar::at(Utc::now(), tz).today;
    state.visits.record(commune_id, day, &path);
    Ok(HttpResponse::Accepted().finish())
}

/// The visit counts of a commune, or of one of its pages.
#[utoipa::path(
    tag = "visits",
    params(("slug" = String, Path, description = "The commune's slug", example = "truong-xuan"), VisitCountParams),
    responses(
        (status = 200, description = "The counts", body = VisitCountsResponse),
        (status = 404, description = "No commune has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/communes/{slug}/visits")]
pub async fn get_visit_counts(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    Query(params): Query<VisitCountParams>,
) -> Result<HttpResponse, ApiError> {
    let slug = CommuneSlug::parse(&slug).map_err(|_| ApiError::not_found("Commune"))?;
    let path = params
        .path
        .as_deref()
        .map(parse_path)
        .transpose()
        .map_err(|e| ValidationErrors::single("path", "invalid_length", e.to_string()))?;
    let counts = counts_for(&state, slug, path).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-cache"))
        .json(counts))
}

async fn counts_for(
    state: &AppState,
    slug: CommuneSlug,
    path: Option<String>,
) -> Result<VisitCountsResponse, ApiError> {
    let now = Utc::now();
    let query_path = path.clone();
    let (commune, calendar, days, all_time) = state
        .read(move |conn| {
            let commune = communes::find_by_slug(conn, &slug).map_err(|e| match e {
                DbError::NotFound => ApiError::not_found("Commune"),
                other => other.into(),
            })?;
            let calendar = CounterCalendar::at(now, commune.time_zone);
            let (days, all_time) = db::visits::days_and_total(
                conn,
                commune.id,
                query_path.as_deref(),
                calendar.earliest(),
            )?;
            Ok::<_, ApiError>((commune, calendar, days, all_time))
        })
        .await?;
    let unflushed = state.visits.unflushed(commune.id, path.as_deref());
    let unflushed_total: u64 = unflushed.iter().map(|(_, n)| n).sum();
    // A page's counts start from zero; the baseline belongs to the whole portal.
    let baseline = if path.is_some() {
        0
    } else {
        commune.visits_baseline
    };
    let counts = counts_from_days(
        &calendar,
        days.into_iter().chain(unflushed),
        all_time + unflushed_total,
        baseline,
    );
    Ok(VisitCountsResponse {
        today: counts.today,
        yesterday: counts.yesterday,
        this_week: counts.this_week,
        this_month: counts.this_month,
        total: counts.total,
    })
}

/// Set what an earlier portal had counted (admins), so the total continues instead of restarting.
#[utoipa::path(
    tag = "visits",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The commune's slug", example = "truong-xuan")),
    request_body = VisitBaselineRequest,
    responses(
        (status = 200, description = "The counts with the new starting total", body = VisitCountsResponse),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No commune has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/communes/{slug}/visits/baseline")]
pub async fn set_visit_baseline(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    slug: web::Path<String>,
    Json(body): Json<VisitBaselineRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let slug = CommuneSlug::parse(&slug).map_err(|_| ApiError::not_found("Commune"))?;
    if body.total > i64::MAX as u64 {
        return Err(ValidationErrors::single("total", "out_of_range", "too large").into());
    }
    let auditor = Auditor::for_request(auth.username(), &req);
    let lookup = slug.clone();
    state
        .write(move |conn| {
            let commune = communes::find_by_slug(conn, &lookup).map_err(|e| match e {
                DbError::NotFound => ApiError::not_found("Commune"),
                other => other.into(),
            })?;
            let before = VisitBaselineRequest {
                total: commune.visits_baseline,
            };
            communes::set_visits_baseline(conn, commune.id, body.total)?;
            db::versions::bump(conn, commune.id)?;
            auditor.record(
                conn,
                Change {
                    action: "commune.set_visits_baseline",
                    object_type: "commune",
                    object_id: commune.slug.to_string(),
                    commune_id: Some(commune.id),
                    before: Some(&before),
                    after: Some(&body),
                },
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(counts_for(&state, slug, None).await?))
}
