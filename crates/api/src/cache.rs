//! A cache of public responses (no Authorization header), shared by the workers of one instance.
//!
//! Every entry remembers the generation it was filled in. A write through this instance moves
//! the generation on when it commits; a poller moves it on when the database's data versions
//! change (a write by another instance or the CLI), so a stale entry lives at most one poll.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage, HttpResponse, web};

use crate::middleware::RoutePattern;
use crate::state::AppState;

/// How often the database's data versions are compared with what this instance saw.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// Past this many entries the cache starts over, so odd query strings cannot grow it unbounded.
const MAX_ENTRIES: usize = 10_000;
/// Bodies larger than this are served but not kept.
const MAX_CACHED_BODY: usize = 2 * 1024 * 1024;

#[derive(Clone)]
struct Entry {
    generation: u64,
    etag: HeaderValue,
    body: Bytes,
    /// The route pattern the response came from, for the request log: asking the router again
    /// for a hit's pattern matched every route's regex and cost a seventh of the CPU.
    route: Option<Arc<str>>,
}

#[derive(Default)]
pub struct ResponseCache {
    generation: AtomicU64,
    entries: RwLock<HashMap<String, Entry>>,
}

impl ResponseCache {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Everything cached so far is stale.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn get(&self, key: &str) -> Option<Entry> {
        let generation = self.generation.load(Ordering::SeqCst);
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(key)
            .filter(|e| e.generation == generation)
            .cloned()
    }

    fn put(&self, key: String, entry: Entry) {
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, entry);
    }
}

/// Public reads that depend only on the database's public data. Visit counts, feedback and the
/// accounts API are not among them.
fn is_cacheable(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/v1/") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    matches!(
        parts.as_slice(),
        ["communes"]
            | ["communes", _]
            | ["resolutions"]
            | ["resolutions", _]
            | ["resolutions", _, "targets" | "scorecard"]
            | ["targets", _]
    )
}

/// A strong validator from the body: FNV-1a, the same on every instance.
fn etag_of(body: &[u8]) -> HeaderValue {
    let hash = body.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    });
    HeaderValue::from_str(&format!("\"{hash:016x}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

fn not_modified(req: &ServiceRequest, etag: &HeaderValue) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == "*" || tag.trim().as_bytes() == etag.as_bytes())
        })
}

fn respond(req: ServiceRequest, entry: &Entry) -> ServiceResponse<BoxBody> {
    if let Some(route) = &entry.route {
        req.extensions_mut().insert(RoutePattern(Arc::clone(route)));
    }
    let mut response = if not_modified(&req, &entry.etag) {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok()
            .content_type("application/json")
            .body(entry.body.clone())
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, entry.etag.clone());
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=0, must-revalidate"),
    );
    req.into_response(response)
}

/// Serves public reads from the cache, fills it on a miss, and answers `If-None-Match` with 304.
pub async fn cache_public_reads(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let cacheable = req.method() == Method::GET
        && !req.headers().contains_key(header::AUTHORIZATION)
        && is_cacheable(req.path());
    let Some(state) = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .filter(|_| cacheable)
    else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let key = format!("{}?{}", req.path(), req.query_string());
    if let Some(entry) = state.cache.get(&key) {
        return Ok(respond(req, &entry));
    }
    // The generation before the read: a write that lands meanwhile makes this entry stale.
    let generation = state.cache.generation.load(Ordering::SeqCst);
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.call(req).await?;
    if response.status() != StatusCode::OK {
        return Ok(response.map_into_boxed_body());
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    // Our own JSON, already built in memory: reading it whole costs no more than sending it.
    let body = match actix_web::body::to_bytes(body).await {
        Ok(body) => body,
        Err(error) => {
            let error: Box<dyn std::error::Error> = error.into();
            let problem =
                crate::error::ApiError::Internal(format!("reading a response body: {error}"));
            return Ok(ServiceResponse::new(
                request,
                actix_web::ResponseError::error_response(&problem),
            ));
        }
    };
    let entry = Entry {
        generation,
        etag: etag_of(&body),
        body,
        route: request.match_pattern().map(Arc::from),
    };
    if entry.body.len() <= MAX_CACHED_BODY {
        state.cache.put(key, entry.clone());
    }
    let mut response = head.set_body(BoxBody::new(entry.body.clone()));
    if let Some(tags) = if_none_match.as_ref().and_then(|v| v.to_str().ok()) {
        if tags
            .split(',')
            .any(|tag| tag.trim().as_bytes() == entry.etag.as_bytes())
        {
            response = HttpResponse::NotModified()
                .insert_header((
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=0, must-revalidate"),
                ))
                .finish();
        }
    }
    response.headers_mut().insert(header::ETAG, entry.etag);
    Ok(ServiceResponse::new(request, response))
}

/// Watches the database's data versions and invalidates the cache when they move.
pub async fn poll_data_versions(state: AppState) {
    let mut seen: Option<HashMap<i64, i64>> = None;
    let mut interval = tokio::time::interval(POLL_INTERVAL);
    loop {
        interval.tick().await;
        let db = state.db.clone();
        match crate::state::off_the_async_threads(move || db.read(db::versions::all)).await {
            Ok(versions) => {
                // The first poll also reloads: a commune may have come between start-up and now.
                if seen.as_ref() != Some(&versions) {
                    state.cache.invalidate();
                    if let Err(error) = state.communes.reload(&state.db).await {
                        tracing::warn!(error = %error, "reloading communes failed");
                    }
                }
                seen = Some(versions);
            }
            Err(error) => tracing::warn!(error = %error, "polling data versions failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_data_routes_are_cached() {
        for path in [
            "/api/v1/communes",
            "/api/v1/communes/truong-xuan",
            "/api/v1/resolutions",
            "/api/v1/resolutions/1",
            "/api/v1/resolutions/1/targets",
            "/api/v1/resolutions/1/scorecard",
            "/api/v1/targets/7",
        ] {
            assert!(is_cacheable(path), "{path}");
        }
        for path in [
            "/api/v1/communes/truong-xuan/visits",
            "/api/v1/feedback",
            "/api/v1/users",
            "/api/v1/auth/me",
            "/healthz",
            "/api/v1/feedback/track/x",
        ] {
            assert!(!is_cacheable(path), "{path}");
        }
    }

    #[test]
    fn etags_depend_on_the_body_only() {
        assert_eq!(etag_of(b"{\"a\":1}"), etag_of(b"{\"a\":1}"));
        assert_ne!(etag_of(b"{\"a\":1}"), etag_of(b"{\"a\":2}"));
    }

    #[test]
    fn invalidation_makes_every_entry_stale() {
        let cache = ResponseCache::default();
        cache.put(
            "k".into(),
            Entry {
                generation: 0,
                etag: etag_of(b"x"),
                body: Bytes::from_static(b"x"),
                route: None,
            },
        );
        assert!(cache.get("k").is_some());
        cache.invalidate();
        assert!(cache.get("k").is_none());
    }
}
