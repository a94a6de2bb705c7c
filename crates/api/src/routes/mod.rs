//! Every route, registered with `.service()` so the OpenAPI document cannot miss one.

pub mod auth;
pub mod calendar;
pub mod communes;
pub mod feedback;
pub mod health;
pub mod resolutions;
pub mod users;
pub mod visits;

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
                .service(resolutions::list_resolutions)
                .service(resolutions::create_resolution)
                .service(resolutions::import_resolution)
                .service(resolutions::get_resolution)
                .service(resolutions::update_resolution)
                .service(resolutions::delete_resolution)
                .service(resolutions::list_targets)
                .service(resolutions::create_target)
                .service(resolutions::get_scorecard)
                .service(resolutions::get_target)
                .service(resolutions::update_target)
                .service(resolutions::update_measure)
                .service(resolutions::create_progress)
                .service(users::list_users)
                .service(users::create_user)
                .service(users::update_user)
                .service(visits::record_visit)
                .service(visits::get_visit_counts)
                .service(visits::set_visit_baseline)
                .service(feedback::submit_feedback)
                .service(feedback::track_feedback)
                .service(feedback::list_feedback)
                .service(feedback::get_feedback)
                .service(feedback::update_feedback)
                .service(feedback::answer_feedback)
                .service(feedback::erase_personal_data)
                .service(calendar::list_calendar_days)
                .service(calendar::add_calendar_day)
                .service(calendar::delete_calendar_day)
                .service(calendar::get_feedback_settings)
                .service(calendar::set_feedback_settings),
        );
}
