use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use domain::user::{Actor, User};

use crate::error::ApiError;
use crate::state::AppState;

/// The signed-in user of a request. A missing, malformed, forged, expired or revoked token is a
/// 401; every request re-reads the user, so deactivation and password changes take effect at once.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user: User,
}

impl AuthUser {
    pub fn actor(&self) -> Actor {
        self.user.actor()
    }

    pub fn username(&self) -> &str {
        self.user.username.as_str()
    }

    /// 403 unless the user is an admin.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.user.actor().is_admin() {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "Only platform administrators may do this.".to_owned(),
            ))
        }
    }
}

/// The signed-in user when the request carries a token, and nobody when it carries none. A bad
/// token is still a 401, never silently treated as anonymous.
#[derive(Debug, Clone)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

const NO_TOKEN: ApiError = ApiError::Unauthorized {
    reason: "Send an access token: Authorization: Bearer <token>.",
    token_presented: false,
};
const BAD_TOKEN: ApiError = ApiError::Unauthorized {
    reason: "The access token is invalid, expired or revoked; sign in again.",
    token_presented: true,
};

fn bearer_token(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| BAD_TOKEN)?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_owned()))
        }
        _ => Err(BAD_TOKEN),
    }
}

async fn authenticate(state: web::Data<AppState>, token: String) -> Result<AuthUser, ApiError> {
    let claims = state.jwt.verify(&token).map_err(|_| BAD_TOKEN)?;
    let user_id: i64 = claims.sub.parse().map_err(|_| BAD_TOKEN)?;
    let user = state
        .read(move |conn| db::users::find(conn, user_id))
        .await
        .map_err(|error| match error {
            ApiError::NotFound(_) => BAD_TOKEN,
            other => other,
        })?;
    if !user.active || user.token_version != claims.ver {
        return Err(BAD_TOKEN);
    }
    Ok(AuthUser { user })
}

fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("application state is missing".to_owned()))
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = app_state(req);
        Box::pin(async move {
            let token = token?.ok_or(NO_TOKEN)?;
            authenticate(state?, token).await
        })
    }
}

impl FromRequest for MaybeAuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = app_state(req);
        Box::pin(async move {
            match token? {
                None => Ok(Self(None)),
                Some(token) => authenticate(state?, token)
                    .await
                    .map(|user| Self(Some(user))),
            }
        })
    }
}
