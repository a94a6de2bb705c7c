//! Every error as RFC 9457 `application/problem+json`, with a stable snake_case `code`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use db::DbError;
use domain::validation::ValidationErrors;
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "about:blank",
    "title": "Unprocessable Content",
    "status": 422,
    "detail": "The request has invalid fields.",
    "code": "validation_failed",
    "errors": [{"field": "slug", "code": "required", "message": "slug is required"}]
}))]
pub struct Problem {
    /// Always `about:blank`: `code` identifies the kind of problem.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// Stable, machine-readable: `not_found`, `validation_failed`, `conflict`...
    pub code: &'static str,
    /// The fields that failed validation (422 only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldErrorBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorBody {
    /// Path of the field, e.g. `feedback_contact.phone`.
    pub field: String,
    /// Stable reason: `required`, `too_long`, `invalid_format`, `invalid_type`...
    pub code: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
    #[error("no route for this path")]
    RouteNotFound,
    #[error("method not allowed")]
    MethodNotAllowed(Vec<Method>),
    #[error("malformed request body: {0}")]
    MalformedBody(String),
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("request body over {0} bytes")]
    PayloadTooLarge(usize),
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    /// No usable credentials: a missing, malformed, forged, expired or revoked token, or a
    /// failed login. `token_presented` says whether a token came with the request.
    #[error("unauthorized: {reason}")]
    Unauthorized {
        reason: &'static str,
        token_presented: bool,
    },
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("too many requests; retry after {0} s")]
    RateLimited(u64),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("shutting down")]
    ShuttingDown,
    /// An error raised outside our handlers (a middleware, the router), kept at its status.
    #[error("{1}")]
    Http(StatusCode, String),
    /// The cause goes to the log; the client learns nothing of it.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "not_found",
            Self::RouteNotFound => "route_not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::MalformedBody(_) => "malformed_body",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::Validation(_) => "validation_failed",
            Self::Unauthorized { .. } => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::Conflict(_) => "conflict",
            Self::RateLimited(_) => "rate_limited",
            Self::Unavailable(_) => "service_unavailable",
            Self::ShuttingDown => "shutting_down",
            Self::Http(status, _) => http_code(*status),
            Self::Internal(_) => "internal_error",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::NotFound(what) => what.clone(),
            Self::RouteNotFound => "No resource exists at this path.".to_owned(),
            Self::MethodNotAllowed(allowed) => {
                let names: Vec<_> = allowed.iter().map(Method::as_str).collect();
                format!("This path accepts {}.", names.join(", "))
            }
            Self::MalformedBody(reason) => format!("The request body could not be read: {reason}"),
            Self::UnsupportedMediaType(expected) => format!("Send the body as {expected}."),
            Self::PayloadTooLarge(limit) => {
                format!("The request body is larger than {limit} bytes.")
            }
            Self::Validation(_) => "The request has invalid fields.".to_owned(),
            Self::Unauthorized { reason, .. } => (*reason).to_owned(),
            Self::Forbidden(reason) => reason.clone(),
            Self::Conflict(reason) => reason.clone(),
            Self::RateLimited(seconds) => format!("Too many attempts; try again in {seconds} s."),
            Self::Unavailable(_) => {
                "The service cannot answer right now; try again shortly.".to_owned()
            }
            Self::ShuttingDown => {
                "This instance is shutting down; send requests to another.".to_owned()
            }
            Self::Http(status, _) if status.is_server_error() => {
                "Something went wrong on our side; it has been logged.".to_owned()
            }
            Self::Http(_, detail) => detail.clone(),
            Self::Internal(_) => "Something went wrong on our side; it has been logged.".to_owned(),
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let errors = match self {
            Self::Validation(errors) => errors
                .errors()
                .iter()
                .map(|e| FieldErrorBody {
                    field: e.field.clone(),
                    code: e.code.to_owned(),
                    message: e.message.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: self.detail(),
            code: self.code(),
            errors,
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::NotFound(format!("{what} not found."))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound(_) | Self::RouteNotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::MalformedBody(_) => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::ShuttingDown => StatusCode::SERVICE_UNAVAILABLE,
            Self::Http(status, _) => *status,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => tracing::error!(cause = %cause, "internal error"),
            Self::Unavailable(cause) => tracing::warn!(cause = %cause, "service unavailable"),
            Self::Http(status, cause) if status.is_server_error() => {
                tracing::error!(cause = %cause, "internal error")
            }
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        response.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
        match self {
            Self::MethodNotAllowed(allowed) => {
                let names: Vec<_> = allowed.iter().map(Method::as_str).collect();
                response.insert_header((header::ALLOW, names.join(", ")));
            }
            Self::Unavailable(_) | Self::ShuttingDown => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            Self::RateLimited(seconds) => {
                response.insert_header((header::RETRY_AFTER, seconds.to_string()));
            }
            Self::Unauthorized {
                token_presented, ..
            } => {
                // RFC 6750: say the token is bad only when one was sent.
                let challenge = if *token_presented {
                    r#"Bearer realm="commune-api", error="invalid_token""#
                } else {
                    r#"Bearer realm="commune-api""#
                };
                response.insert_header((header::WWW_AUTHENTICATE, challenge));
            }
            _ => {}
        }
        match serde_json::to_vec(&self.problem()) {
            Ok(body) => response.body(body),
            Err(_) => response.finish(),
        }
    }
}

/// A code for statuses raised outside our handlers.
fn http_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "route_not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        411 => "length_required",
        413 => "payload_too_large",
        414 => "uri_too_long",
        415 => "unsupported_media_type",
        431 => "headers_too_large",
        503 => "service_unavailable",
        _ if status.is_client_error() => "client_error",
        _ => "internal_error",
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => Self::NotFound("Not found.".to_owned()),
            DbError::Conflict(_) => {
                Self::Conflict("A record with the same key already exists.".to_owned())
            }
            DbError::MissingReference(_) => {
                Self::Conflict("The request refers to a record that does not exist.".to_owned())
            }
            DbError::Unavailable(cause) => Self::Unavailable(cause),
            other => Self::Internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::body::MessageBody;
    use serde_json::{Value, json};

    use super::*;

    fn render(error: &ApiError) -> (u16, Option<String>, Value) {
        let response = error.error_response();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.into_body().try_into_bytes().unwrap_or_default();
        (
            status,
            content_type,
            serde_json::from_slice(&body).unwrap_or(Value::Null),
        )
    }

    #[test]
    fn each_variant_renders_its_status_and_code_as_problem_json() {
        let cases = [
            (ApiError::not_found("Commune"), 404, "not_found"),
            (ApiError::RouteNotFound, 404, "route_not_found"),
            (
                ApiError::MethodNotAllowed(vec![Method::GET]),
                405,
                "method_not_allowed",
            ),
            (ApiError::MalformedBody("EOF".into()), 400, "malformed_body"),
            (
                ApiError::UnsupportedMediaType("application/json".into()),
                415,
                "unsupported_media_type",
            ),
            (ApiError::PayloadTooLarge(1024), 413, "payload_too_large"),
            (
                ApiError::Validation(ValidationErrors::single(
                    "slug",
                    "required",
                    "slug is required",
                )),
                422,
                "validation_failed",
            ),
            (ApiError::Conflict("taken".into()), 409, "conflict"),
            (
                ApiError::Unauthorized {
                    reason: "Sign in first.",
                    token_presented: false,
                },
                401,
                "unauthorized",
            ),
            (ApiError::Forbidden("Not yours.".into()), 403, "forbidden"),
            (ApiError::RateLimited(30), 429, "rate_limited"),
            (
                ApiError::Unavailable("pool timed out".into()),
                503,
                "service_unavailable",
            ),
            (
                ApiError::Internal("disk on fire".into()),
                500,
                "internal_error",
            ),
        ];
        for (error, status, code) in cases {
            let (got_status, content_type, body) = render(&error);
            assert_eq!(got_status, status, "{code}");
            assert_eq!(content_type.as_deref(), Some(PROBLEM_JSON), "{code}");
            assert_eq!(body["code"], code);
            assert_eq!(body["status"], status);
            assert_eq!(body["type"], "about:blank");
        }
    }

    #[test]
    fn validation_lists_the_fields() {
        let mut errors = ValidationErrors::new();
        errors.add("slug", "required", "slug is required");
        errors.add(
            "feedback_contact.phone",
            "invalid_format",
            "must be a Vietnamese phone number",
        );
        let (_, _, body) = render(&ApiError::Validation(errors));
        assert_eq!(
            body["errors"],
            json!([
                {"field": "slug", "code": "required", "message": "slug is required"},
                {"field": "feedback_contact.phone", "code": "invalid_format", "message": "must be a Vietnamese phone number"}
            ])
        );
    }

    #[test]
    fn internal_and_unavailable_errors_reveal_no_cause() {
        for error in [
            ApiError::Internal("connection to 10.0.0.5 refused".into()),
            ApiError::Unavailable("pool at 10.0.0.5".into()),
        ] {
            let (_, _, body) = render(&error);
            assert!(!body.to_string().contains("10.0.0.5"), "{body}");
        }
    }

    #[test]
    fn refusals_carry_their_challenge_and_retry_time() {
        let response = ApiError::Unauthorized {
            reason: "x",
            token_presented: true,
        }
        .error_response();
        let challenge = response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok());
        assert_eq!(
            challenge,
            Some(r#"Bearer realm="commune-api", error="invalid_token""#)
        );
        let response = ApiError::RateLimited(42).error_response();
        assert_eq!(
            response
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some("42")
        );
    }

    #[test]
    fn method_not_allowed_names_the_allowed_methods() {
        let response =
            ApiError::MethodNotAllowed(vec![Method::GET, Method::PATCH]).error_response();
        assert_eq!(
            response
                .headers()
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok()),
            Some("GET, PATCH")
        );
    }
}
