use std::time::Instant;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use db::{DbError, communes, users};
use domain::user::Username;

use crate::auth::AuthUser;
use crate::client_ip::client_ip;
use crate::dto::auth::{LoginRequest, TokenResponse, UserResponse};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::state::AppState;

const WRONG_CREDENTIALS: ApiError = ApiError::Unauthorized {
    reason: "Wrong username or password.",
    token_presented: false,
};

/// Sign in: exchange a username and password for an access token.
///
/// A wrong username and a wrong password get the same answer after the same work. Failed
/// attempts are limited per username and per client address (`LOGIN_RATE_LIMIT` a minute).
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong username or password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    Json(body): Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = Instant::now();
    let username = Username::parse(&body.username).ok();
    let keys: Vec<String> = [
        client_ip(&req, &state.trusted_proxies).map(|ip| format!("ip:{ip}")),
        username.as_ref().map(|name| format!("user:{name}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    for key in &keys {
        state
            .login_limiter
            .check(key, now)
            .map_err(ApiError::RateLimited)?;
    }

    let found = match username {
        None => None,
        Some(name) => {
            state
                .read(move |conn| match users::find_with_hash(conn, &name) {
                    Ok(found) => Ok(Some(found)),
                    Err(DbError::NotFound) => Ok(None),
                    Err(error) => Err(error),
                })
                .await?
        }
    };
    let (user, hash) = found.map_or((None, None), |(user, hash)| (Some(user), Some(hash)));
    let password_matches = state.hasher.verify(body.password, hash).await?;
    let Some(user) = user.filter(|user| password_matches && user.active) else {
        for key in &keys {
            state.login_limiter.record(key, now);
        }
        return Err(WRONG_CREDENTIALS);
    };
    if let Some(key) = keys.iter().find(|key| key.starts_with("user:")) {
        state.login_limiter.reset(key);
    }

    let commune_id = user.commune_id;
    let commune = match commune_id {
        Some(id) => Some(
            state
                .read(move |conn| communes::find(conn, id))
                .await?
                .slug
                .to_string(),
        ),
        None => None,
    };
    let issued_at = jsonwebtoken::get_current_timestamp();
    let token = state
        .jwt
        .issue(
            user.id,
            user.role.as_str(),
            commune,
            user.token_version,
            issued_at,
        )
        .map_err(|e| ApiError::Internal(format!("signing a token: {e}")))?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(TokenResponse {
            access_token: token,
            token_type: "Bearer",
            expires_in: state.jwt.ttl().as_secs(),
        }))
}

/// The signed-in user.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = UserResponse),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/auth/me")]
pub async fn get_me(state: web::Data<AppState>, auth: AuthUser) -> Result<HttpResponse, ApiError> {
    let user = auth.user;
    let commune = match user.commune_id {
        Some(id) => Some(
            state
                .read(move |conn| communes::find(conn, id))
                .await?
                .slug
                .to_string(),
        ),
        None => None,
    };
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "private, no-store"))
        .json(UserResponse::new(user, commune)))
}
