use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use db::users::{self, NewUser, UserChanges};
use db::{DbConnection, DbError, communes};
use domain::commune::CommuneSlug;
use domain::page::PageRequest;
use domain::user::{Password, Role, User, Username};
use domain::validation::ValidationErrors;

use crate::audit::{Auditor, Change};
use crate::auth::AuthUser;
use crate::dto::auth::{CreateUserRequest, UpdateUserRequest, UserResponse};
use crate::dto::common::ListResponse;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::state::AppState;

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserListParams {
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// List user accounts (admins only).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(UserListParams),
    responses(
        (status = 200, description = "One page of users, by username", body = ListResponse<UserResponse>),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    auth: AuthUser,
    Query(params): Query<UserListParams>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let page = PageRequest::parse(params.page, params.per_page)?;
    let (paged, slugs) = state
        .read(move |conn| {
            let paged = users::list(conn, page)?;
            let ids: Vec<i64> = paged.items.iter().filter_map(|u| u.commune_id).collect();
            let slugs = communes::slugs_by_id(conn, &ids)?;
            Ok::<_, DbError>((paged, slugs))
        })
        .await?;
    let list = ListResponse::from_paged(paged, |user| {
        let slug = user.commune_id.and_then(|id| slugs.get(&id).cloned());
        UserResponse::new(user, slug)
    });
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "private, no-store"))
        .json(list))
}

/// Create a user account (admins only).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = UserResponse),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The username is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    Json(body): Json<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let mut errors = ValidationErrors::new();
    let username = errors.check("username", Username::parse(&body.username));
    let password = errors.check("password", Password::parse(&body.password));
    let role = errors.check("role", Role::parse(&body.role));
    let commune = errors.check(
        "commune",
        body.commune.as_deref().map(CommuneSlug::parse).transpose(),
    );
    let (Some(username), Some(password), Some(role), Some(commune)) =
        (username, password, role, commune)
    else {
        return Err(errors.into());
    };
    role.check_commune(commune.as_ref())
        .map_err(|e| ValidationErrors::single("commune", "invalid_combination", e.to_string()))?;

    let hash = state.hasher.hash(password.expose().to_owned()).await?;
    let auditor = Auditor::for_request(auth.username(), &req);
    let created = state
        .write(move |conn| {
            let commune_id = commune
                .as_ref()
                .map(|slug| commune_id_for(conn, slug))
                .transpose()?;
            let user = users::insert(
                conn,
                &NewUser {
                    username: &username,
                    password_hash: &hash,
                    role,
                    commune_id,
                },
            )
            .map_err(|e| match e {
                DbError::Conflict(_) => {
                    ApiError::Conflict("A user with this username already exists.".to_owned())
                }
                other => other.into(),
            })?;
            let response = UserResponse::new(user.clone(), commune.map(|s| s.to_string()));
            auditor.record(
                conn,
                user_change("user.create", &user, None, Some(&response)),
            )?;
            Ok::<_, ApiError>(response)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("location", format!("/api/v1/users/{}", created.id)))
        .insert_header(("cache-control", "private, no-store"))
        .json(created))
}

/// Change a user's role, commune, active flag or password (admins only). A new password, a
/// deactivation or a new role or commune revokes the user's tokens at once.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The user's id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "Updated", body = UserResponse),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    id: web::Path<i64>,
    Json(body): Json<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    let mut errors = ValidationErrors::new();
    let role = errors.check("role", body.role.as_deref().map(Role::parse).transpose());
    let commune = errors.check(
        "commune",
        body.commune
            .clone()
            .map(|slug| slug.as_deref().map(CommuneSlug::parse).transpose())
            .transpose(),
    );
    let password = errors.check(
        "password",
        body.password.as_deref().map(Password::parse).transpose(),
    );
    let (Some(role), Some(commune), Some(password)) = (role, commune, password) else {
        return Err(errors.into());
    };
    let password_hash = match password {
        Some(password) => Some(state.hasher.hash(password.expose().to_owned()).await?),
        None => None,
    };
    let auditor = Auditor::for_request(auth.username(), &req);
    let updated = state
        .write(move |conn| {
            let before = users::find(conn, id).map_err(not_found_user)?;
            let before_slug = before
                .commune_id
                .map(|cid| communes::find(conn, cid).map(|c| c.slug))
                .transpose()?;
            let role_and_commune = if role.is_some() || commune.is_some() {
                let new_role = role.unwrap_or(before.role);
                let new_commune = commune.unwrap_or(before_slug.clone());
                new_role.check_commune(new_commune.as_ref()).map_err(|e| {
                    ValidationErrors::single("commune", "invalid_combination", e.to_string())
                })?;
                let commune_id = new_commune
                    .as_ref()
                    .map(|slug| commune_id_for(conn, slug))
                    .transpose()?;
                Some((new_role, commune_id))
            } else {
                None
            };
            let after = users::update(
                conn,
                id,
                &UserChanges {
                    role_and_commune,
                    active: body.active,
                    password_hash,
                },
            )?;
            let after_slug = after
                .commune_id
                .map(|cid| communes::find(conn, cid).map(|c| c.slug.to_string()))
                .transpose()?;
            let before_body = UserResponse::new(before, before_slug.map(|s| s.to_string()));
            let after_body = UserResponse::new(after.clone(), after_slug);
            auditor.record(
                conn,
                user_change("user.update", &after, Some(&before_body), Some(&after_body)),
            )?;
            Ok::<_, ApiError>(after_body)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "private, no-store"))
        .json(updated))
}

fn user_change<'a>(
    action: &'a str,
    user: &User,
    before: Option<&'a UserResponse>,
    after: Option<&'a UserResponse>,
) -> Change<'a, UserResponse, UserResponse> {
    Change {
        action,
        object_type: "user",
        object_id: user.id.to_string(),
        commune_id: user.commune_id,
        before,
        after,
    }
}

fn not_found_user(error: DbError) -> ApiError {
    match error {
        DbError::NotFound => ApiError::not_found("User"),
        other => other.into(),
    }
}

/// The id of the commune a request names; an unknown slug is an invalid field, not a 404.
fn commune_id_for(conn: &mut DbConnection, slug: &CommuneSlug) -> Result<i64, ApiError> {
    match communes::find_by_slug(conn, slug) {
        Ok(commune) => Ok(commune.id),
        Err(DbError::NotFound) => Err(ValidationErrors::single(
            "commune",
            "unknown",
            format!("no commune has the slug {slug}"),
        )
        .into()),
        Err(other) => Err(other.into()),
    }
}
