//! Every route, registered with `.service()` so the OpenAPI document cannot miss one.

pub mod communes;
pub mod health;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(health::healthz)
        .service(health::readyz)
        .service(
            scope::scope("/api/v1")
                .service(communes::list_communes)
                .service(communes::get_commune),
        );
}
