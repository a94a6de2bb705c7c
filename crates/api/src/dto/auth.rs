use chrono::{DateTime, Utc};
use domain::user::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "editor")]
    pub username: String,
    #[schema(example = "a long passphrase", format = Password)]
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the token expires.
    #[schema(example = 900)]
    pub expires_in: u64,
}

/// A user account; never carries the password or its hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: i64,
    #[schema(example = "editor")]
    pub username: String,
    /// `admin`, `editor` or `officer`.
    #[schema(example = "editor")]
    pub role: String,
    /// The slug of the user's commune; null for admins.
    #[schema(example = "truong-xuan")]
    pub commune: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl UserResponse {
    pub fn new(user: User, commune_slug: Option<String>) -> Self {
        Self {
            id: user.id,
            username: user.username.to_string(),
            role: user.role.to_string(),
            commune: commune_slug,
            active: user.active,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[schema(example = "canbo.truongxuan")]
    pub username: String,
    /// At least 10 characters.
    #[schema(format = Password)]
    pub password: String,
    #[schema(example = "officer")]
    pub role: String,
    /// The commune's slug; required for editors and officers, absent for admins.
    #[schema(example = "truong-xuan")]
    pub commune: Option<String>,
}

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub role: Option<String>,
    /// The commune's slug; `null` for an admin. Send it together with `role` when either changes.
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<String>)]
    pub commune: Option<Option<String>>,
    pub active: Option<bool>,
    #[schema(format = Password)]
    pub password: Option<String>,
}
