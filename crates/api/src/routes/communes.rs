use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use db::DbError;
use db::communes::{self, CommuneFilter};
use domain::commune::{Commune, CommuneSlug, NewCommune};
use domain::page::PageRequest;

use crate::audit::{Auditor, Change};
use crate::auth::AuthUser;
use crate::dto::common::{ListResponse, parse_time_param};
use crate::dto::communes::{
    CommuneListParams, CommuneResponse, CreateCommuneRequest, UpdateCommuneRequest,
};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
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
        .read(move |conn| communes::find_by_slug(conn, &slug).map_err(commune_not_found))
        .await?;
    Ok(HttpResponse::Ok().json(CommuneResponse::from(commune)))
}

/// Add a commune (admins only).
#[utoipa::path(
    tag = "communes",
    security(("bearer" = [])),
    request_body = CreateCommuneRequest,
    responses(
        (status = 201, description = "Created", body = CommuneResponse),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The slug is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/communes")]
pub async fn create_commune(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    Json(body): Json<CreateCommuneRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let new = NewCommune::parse(body.into())?;
    let auditor = Auditor::for_request(auth.username(), &req);
    let created = state
        .write(move |conn| {
            let commune = communes::insert(conn, &new).map_err(|e| match e {
                DbError::Conflict(_) => ApiError::Conflict(format!(
                    "A commune with the slug {} already exists.",
                    new.slug
                )),
                other => other.into(),
            })?;
            db::versions::bump(conn, commune.id)?;
            let response = CommuneResponse::from(commune.clone());
            auditor.record(
                conn,
                commune_change("commune.create", &commune, None, Some(&response)),
            )?;
            Ok::<_, ApiError>(response)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("location", format!("/api/v1/communes/{}", created.slug)))
        .json(created))
}

/// Change a commune's details (an admin, or an editor of that commune). The slug cannot change.
#[utoipa::path(
    tag = "communes",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The commune's slug", example = "truong-xuan")),
    request_body = UpdateCommuneRequest,
    responses(
        (status = 200, description = "Updated", body = CommuneResponse),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin or an editor of this commune", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No commune has this slug", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/communes/{slug}")]
pub async fn update_commune(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    slug: web::Path<String>,
    Json(body): Json<UpdateCommuneRequest>,
) -> Result<HttpResponse, ApiError> {
    let slug = CommuneSlug::parse(&slug).map_err(|_| ApiError::not_found("Commune"))?;
    let actor = auth.actor();
    let auditor = Auditor::for_request(auth.username(), &req);
    let updated = state
        .write(move |conn| {
            let current = communes::find_by_slug(conn, &slug).map_err(commune_not_found)?;
            // Checked against the commune being changed, never one named in the body.
            if !actor.may_edit(current.id) {
                return Err(ApiError::Forbidden(
                    "Only an admin or an editor of this commune may change it.".to_owned(),
                ));
            }
            let before = CommuneResponse::from(current.clone());
            let changed = NewCommune::parse(body.apply_to(current.clone()))?;
            let commune = communes::update(conn, current.id, &changed)?;
            db::versions::bump(conn, commune.id)?;
            let after = CommuneResponse::from(commune.clone());
            auditor.record(
                conn,
                commune_change("commune.update", &commune, Some(&before), Some(&after)),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(updated))
}

fn commune_change<'a>(
    action: &'a str,
    commune: &Commune,
    before: Option<&'a CommuneResponse>,
    after: Option<&'a CommuneResponse>,
) -> Change<'a, CommuneResponse, CommuneResponse> {
    Change {
        action,
        object_type: "commune",
        object_id: commune.slug.to_string(),
        commune_id: Some(commune.id),
        before,
        after,
    }
}

fn commune_not_found(error: DbError) -> ApiError {
    match error {
        DbError::NotFound => ApiError::not_found("Commune"),
        other => other.into(),
    }
}
