//! Answers for requests no route takes: 405 with `Allow` when the path exists under another
//! method, 404 otherwise. The table comes from the OpenAPI document, which lists every route.

use actix_web::HttpRequest;
use actix_web::http::Method;
use utoipa::openapi::OpenApi;

use crate::error::ApiError;

#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Segment>, Vec<Method>)>,
}

#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Parameter,
}

impl RouteTable {
    pub fn from_openapi(spec: &OpenApi) -> Self {
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .trim_matches('/')
                    .split('/')
                    .map(|s| {
                        if s.starts_with('{') && s.ends_with('}') {
                            Segment::Parameter
                        } else {
                            Segment::Literal(s.to_owned())
                        }
                    })
                    .collect();
                let methods = [
                    (item.get.is_some(), Method::GET),
                    (item.post.is_some(), Method::POST),
                    (item.put.is_some(), Method::PUT),
                    (item.patch.is_some(), Method::PATCH),
                    (item.delete.is_some(), Method::DELETE),
                ]
                .into_iter()
                .filter_map(|(present, method)| present.then_some(method))
                .collect();
                (segments, methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods a path accepts, or none when no route has this path.
    pub fn allowed_methods(&self, path: &str) -> Vec<Method> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut allowed: Vec<Method> = self
            .routes
            .iter()
            .filter(|(segments, _)| {
                segments.len() == parts.len()
                    && segments
                        .iter()
                        .zip(&parts)
                        .all(|(segment, part)| match segment {
                            Segment::Literal(literal) => literal == part,
                            Segment::Parameter => !part.is_empty(),
                        })
            })
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect();
        allowed.dedup();
        allowed
    }
}

/// The app's default service.
pub async fn no_route(
    req: HttpRequest,
    state: actix_web::web::Data<crate::state::AppState>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let allowed = state.routes.allowed_methods(req.path());
    if allowed.is_empty() || allowed.contains(req.method()) {
        Err(ApiError::RouteNotFound)
    } else {
        Err(ApiError::MethodNotAllowed(allowed))
    }
}
