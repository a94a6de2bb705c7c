//! Request context: an id on every response and a span around every request.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::Instrument;

use crate::error::ApiError;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served, also sent back as `X-Request-Id`.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The route pattern of a response served without routing (from the response cache).
#[derive(Debug, Clone)]
pub struct RoutePattern(pub std::sync::Arc<str>);

/// Takes the caller's `X-Request-Id` when it is a plausible id (so traces join up across a proxy),
/// otherwise makes one; wraps the request in a span that every log line inside it carries, and
/// logs one line when the response is ready. The line names the route pattern, never the raw
/// path or query, which may hold tracking codes or search words.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_plausible_id(v))
        .map_or_else(new_request_id, str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        route = tracing::field::Empty,
    );
    let started = Instant::now();
    let outcome = next.call(req).instrument(span.clone()).await;
    // A middleware that fails (CORS refusing an origin) leaves no request to answer with here;
    // its error is rendered as a problem by the server, without our headers. Holding a clone of
    // the request to answer it ourselves would stop the router from matching the path.
    let mut response = match outcome {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) => {
            let status = error.as_response_error().status_code();
            span.in_scope(|| {
                tracing::info!(status = status.as_u16(), "request refused by middleware")
            });
            return Err(ApiError::Http(status, error.to_string()).into());
        }
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    let known = response
        .request()
        .extensions()
        .get::<RoutePattern>()
        .map(|route| route.0.to_string());
    let route = known
        .or_else(|| response.request().match_pattern())
        .unwrap_or_else(|| "(none)".to_owned());
    span.record("route", route.as_str());
    let status = response.status().as_u16();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| tracing::info!(status, elapsed_ms, "request finished"));
    Ok(response)
}

fn is_plausible_id(value: &str) -> bool {
    (8..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn new_request_id() -> String {
    let bits: u128 = rand::random();
    format!("{bits:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_long_random_hex() {
        let (a, b) = (new_request_id(), new_request_id());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(is_plausible_id(&a));
    }

    #[test]
    fn caller_ids_must_look_like_ids() {
        assert!(is_plausible_id("3f2a9c1e-0b7d-4c55-9e2a-1f0c7d3b8a61"));
        assert!(!is_plausible_id("short"));
        assert!(!is_plausible_id("has spaces in it"));
        assert!(!is_plausible_id("line\nbreak-injection"));
        assert!(!is_plausible_id(&"a".repeat(65)));
    }
}
