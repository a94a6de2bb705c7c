//! Every route, registered with `.service()` so the OpenAPI document cannot miss one.

pub mod auth;
pub mod communes;
pub mod health;
pub mod users;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(health::healthz)
        .service(health::readyz)
        .service(
            scope::scope("/api/v1")
                .service(auth::login)
                .service(auth::get_me)
                .service(communes::list_communes)
                .service(communes::create_commune)
                .service(communes::get_commune)
                .service(communes::update_commune)
                .service(users::list_users)
                .service(users::create_user)
                .service(users::update_user),
        );
}
