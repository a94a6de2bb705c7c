//! The OpenAPI document, generated from the handlers' annotations.

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::{FieldErrorBody, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Commune portal API",
        description = "Resolutions (nghị quyết) of Vietnamese communes, their targets (chỉ tiêu) and results, \
citizen feedback (phản ánh, kiến nghị) and visit counts. JSON everywhere; times are RFC 3339; \
errors are RFC 9457 `application/problem+json` with a stable `code`. Lists are paginated with \
`page` and `per_page` (at most 100) and report `total`.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    tags(
        (name = "health", description = "Liveness and readiness for orchestrators and load balancers"),
        (name = "communes", description = "Communes (xã): the tenants of the platform"),
        (name = "resolutions", description = "Resolutions (nghị quyết), their targets (chỉ tiêu), measures, progress reports and scorecards"),
        (name = "visits", description = "The portal's visit counter: today, yesterday, this week, this month, total"),
        (name = "auth", description = "Signing in and the signed-in user"),
        (name = "users", description = "User accounts (admins only)"),
        (name = "feedback", description = "Citizen feedback and petitions (phản ánh, kiến nghị) about administrative procedures, under Nghị định 20/2008/NĐ-CP"),
        (name = "calendar", description = "The working-day calendar feedback deadlines count in: holidays and swapped working days"),
    ),
    components(schemas(Problem, FieldErrorBody)),
    modifiers(&BearerAuth),
)]
struct ApiDoc;

/// Declares the `bearer` scheme that protected operations list in their `security`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .description(Some("An access token from POST /api/v1/auth/login."))
            .build();
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The document for the routes `routes::configure` registers; built without a server.
pub fn spec() -> utoipa::openapi::OpenApi {
    let openapi = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts()
        .1;
    with_default_problem(openapi)
}

/// Every operation can also answer the errors any route may give (a malformed body, a body too
/// large, a wrong content type, a rate limit, an unavailable database): documented once, as the
/// `default` response, so clients know every error is a problem document.
fn with_default_problem(mut openapi: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let problem = ResponseBuilder::new()
        .description(
            "Any other error: 400 malformed body, 401, 404, 405, 413 body too large, 415 wrong \
             content type, 422, 429 with Retry-After, 500, 503 with Retry-After",
        )
        .content(
            crate::error::PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build();
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            operation
                .responses
                .responses
                .entry("default".to_owned())
                .or_insert_with(|| problem.clone().into());
        }
    }
    openapi
}

/// The document as committed in `openapi/openapi.json`.
pub fn spec_json() -> Result<String, serde_json::Error> {
    spec().to_pretty_json().map(|mut json| {
        json.push('\n');
        json
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");

    /// Fails when the committed document drifts from the code; `UPDATE_OPENAPI=1` rewrites it.
    #[test]
    fn committed_openapi_document_matches_the_code() -> Result<(), Box<dyn std::error::Error>> {
        let generated = spec_json()?;
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(COMMITTED, &generated)?;
            return Ok(());
        }
        let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
        assert!(
            committed == generated,
            "openapi/openapi.json differs from the code; run `UPDATE_OPENAPI=1 cargo test -p api openapi` and commit it"
        );
        Ok(())
    }

    #[test]
    fn protected_operations_declare_bearer_and_their_401() {
        let spec = spec();
        let has_scheme = spec
            .components
            .as_ref()
            .is_some_and(|c| c.security_schemes.contains_key("bearer"));
        assert!(has_scheme);
        for (path, item) in &spec.paths.paths {
            for operation in [&item.get, &item.post, &item.put, &item.patch, &item.delete]
                .into_iter()
                .flatten()
            {
                if operation.security.is_some() {
                    assert!(
                        operation.responses.responses.contains_key("401"),
                        "{path} lacks its 401"
                    );
                }
            }
        }
    }

    #[test]
    fn every_operation_has_a_tag_and_an_operation_id() {
        for (path, item) in &spec().paths.paths {
            for operation in [&item.get, &item.post, &item.put, &item.patch, &item.delete]
                .into_iter()
                .flatten()
            {
                assert!(
                    operation.tags.as_ref().is_some_and(|t| !t.is_empty()),
                    "{path} has no tag"
                );
                assert!(
                    operation.operation_id.is_some(),
                    "{path} has no operation id"
                );
            }
        }
    }
}
