//! The working-day calendar feedback deadlines count in, and each commune's feedback settings.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use chrono::{Datelike, NaiveDate, Utc};
use db::calendar::{self, CalendarDay};
use db::{DbError, communes};
use domain::calendar::DayKind;
use domain::commune::{CommuneSlug, DEFAULT_TIME_ZONE};
use domain::feedback::FeedbackLimits;
use domain::text::char_len;
use domain::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::audit::{Auditor, Change};
use crate::auth::AuthUser;
use crate::dto::feedback::FeedbackSettings;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::state::AppState;

/// A day that is not what its weekday says: a holiday on a weekday, or a weekend day worked in
/// exchange for a bridged holiday.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2025-04-26", "kind": "workday", "name": "Làm bù cho thứ Sáu 02/5/2025"}))]
pub struct CalendarDayBody {
    pub date: NaiveDate,
    /// `holiday` or `workday`.
    pub kind: String,
    /// What the day is, e.g. `Tết Nguyên đán`; at most 200 characters.
    pub name: String,
}

impl From<CalendarDay> for CalendarDayBody {
    fn from(day: CalendarDay) -> Self {
        Self {
            date: day.day,
            kind: day.kind.as_str().to_owned(),
            name: day.name,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarParams {
    /// The year to list; the current one when absent.
    #[param(example = 2025, minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// The listed days of a year. Weekdays not listed are working days; weekends not listed are not.
#[utoipa::path(
    tag = "calendar",
    params(CalendarParams),
    responses(
        (status = 200, description = "The year's holidays and worked weekend days, by date", body = Vec<CalendarDayBody>),
        (status = 422, description = "A year out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/calendar/days")]
pub async fn list_calendar_days(
    state: web::Data<AppState>,
    Query(params): Query<CalendarParams>,
) -> Result<HttpResponse, ApiError> {
    let year = params
        .year
        .unwrap_or_else(|| Utc::now().with_timezone(&DEFAULT_TIME_ZONE).year());
    let bounds = NaiveDate::from_ymd_opt(year, 1, 1)
        .zip(NaiveDate::from_ymd_opt(year, 12, 31))
        .filter(|_| (2000..=2100).contains(&year));
    let Some((from, to)) = bounds else {
        return Err(
            ValidationErrors::single("year", "out_of_range", "must be 2000 to 2100").into(),
        );
    };
    let days = state
        .read(move |conn| calendar::list(conn, from, to))
        .await?;
    let body: Vec<CalendarDayBody> = days.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "public, max-age=300"))
        .json(body))
}

/// List a day (admins). Deadlines already set are not moved; new ones count with it.
#[utoipa::path(
    tag = "calendar",
    request_body = CalendarDayBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Listed", body = CalendarDayBody),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The day is already listed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/calendar/days")]
pub async fn add_calendar_day(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: AuthUser,
    Json(body): Json<CalendarDayBody>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let mut errors = ValidationErrors::new();
    let kind = DayKind::parse(&body.kind);
    if kind.is_none() {
        errors.add("kind", "invalid_value", "must be holiday or workday");
    }
    let name = body.name.trim().to_owned();
    if name.is_empty() {
        errors.add("name", "required", "must not be empty");
    } else if char_len(&name) > 200 {
        errors.add("name", "too_long", "must be at most 200 characters");
    }
    errors.into_result()?;
    let Some(kind) = kind else {
        return Err(ApiError::Internal("validated kind is missing".to_owned()));
    };
    let day = CalendarDay {
        day: body.date,
        kind,
        name,
    };
    let auditor = Auditor::for_request(auth.username(), &req);
    let created = state
        .write_private(move |conn| {
            calendar::insert(conn, &day).map_err(|e| match e {
                DbError::Conflict(_) => {
                    ApiError::Conflict(format!("{} is already listed.", day.day))
                }
                other => other.into(),
            })?;
            let created = CalendarDayBody::from(day);
            auditor.record(
                conn,
                Change::<(), _> {
                    action: "calendar_day.create",
                    object_type: "calendar_day",
                    object_id: created.date.to_string(),
                    commune_id: None,
                    before: None,
                    after: Some(&created),
                },
            )?;
            Ok::<_, ApiError>(created)
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Remove a listed day (admins).
#[utoipa::path(
    tag = "calendar",
    params(("date" = String, Path, description = "The day, as YYYY-MM-DD", example = "2025-04-26")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The day is not listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/calendar/days/{date}")]
pub async fn delete_calendar_day(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: AuthUser,
    date: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let day: NaiveDate = date
        .parse()
        .map_err(|_| ApiError::not_found("Calendar day"))?;
    let auditor = Auditor::for_request(auth.username(), &req);
    state
        .write_private(move |conn| {
            let before = calendar::find(conn, day).map_err(|e| match e {
                DbError::NotFound => ApiError::not_found("Calendar day"),
                other => other.into(),
            })?;
            calendar::delete(conn, day)?;
            auditor.record(
                conn,
                Change::<_, ()> {
                    action: "calendar_day.delete",
                    object_type: "calendar_day",
                    object_id: day.to_string(),
                    commune_id: None,
                    before: Some(&CalendarDayBody::from(before)),
                    after: None,
                },
            )?;
            Ok::<_, ApiError>(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn settings_of(limits: FeedbackLimits) -> FeedbackSettings {
    FeedbackSettings {
        classify_days: limits.classify_days,
        forward_days: limits.forward_days,
        answer_days: limits.answer_days,
        retention_months: limits.retention_months,
    }
}

/// A commune's feedback deadlines (working days) and how long personal data is kept after an
/// item is closed (months). Settings, not law.
#[utoipa::path(
    tag = "feedback",
    params(("slug" = String, Path, description = "The commune's slug", example = "truong-xuan")),
    responses(
        (status = 200, description = "The settings", body = FeedbackSettings),
        (status = 404, description = "No commune has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/communes/{slug}/feedback-settings")]
pub async fn get_feedback_settings(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let slug = CommuneSlug::parse(&slug).map_err(|_| ApiError::not_found("Commune"))?;
    let limits = state
        .read(move |conn| {
            let commune = communes::find_by_slug(conn, &slug).map_err(commune_not_found)?;
            Ok::<_, ApiError>(db::feedback::limits_of(conn, commune.id)?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-cache"))
        .json(settings_of(limits)))
}

/// Change a commune's feedback settings (admins: the retention period decides when personal
/// data is erased). Items already received keep their deadlines.
#[utoipa::path(
    tag = "feedback",
    params(("slug" = String, Path, description = "The commune's slug", example = "truong-xuan")),
    request_body = FeedbackSettings,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings now", body = FeedbackSettings),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No commune has this slug", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A value out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/communes/{slug}/feedback-settings")]
pub async fn set_feedback_settings(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: AuthUser,
    slug: web::Path<String>,
    Json(body): Json<FeedbackSettings>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let slug = CommuneSlug::parse(&slug).map_err(|_| ApiError::not_found("Commune"))?;
    let mut errors = ValidationErrors::new();
    for (field, value, max) in [
        ("classify_days", body.classify_days, 60),
        ("forward_days", body.forward_days, 60),
        ("answer_days", body.answer_days, 120),
        ("retention_months", body.retention_months, 240),
    ] {
        if !(1..=max).contains(&value) {
            errors.add(field, "out_of_range", format!("must be 1 to {max}"));
        }
    }
    errors.into_result()?;
    let limits = FeedbackLimits {
        classify_days: body.classify_days,
        forward_days: body.forward_days,
        answer_days: body.answer_days,
        retention_months: body.retention_months,
    };
    let auditor = Auditor::for_request(auth.username(), &req);
    let saved = state
        .write_private(move |conn| {
            let commune = communes::find_by_slug(conn, &slug).map_err(commune_not_found)?;
            let before = settings_of(db::feedback::limits_of(conn, commune.id)?);
            db::feedback::set_limits(conn, commune.id, &limits)?;
            let after = settings_of(limits);
            auditor.record(
                conn,
                Change {
                    action: "commune.set_feedback_settings",
                    object_type: "commune",
                    object_id: commune.id.to_string(),
                    commune_id: Some(commune.id),
                    before: Some(&before),
                    after: Some(&after),
                },
            )?;
            Ok::<_, ApiError>(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

fn commune_not_found(error: DbError) -> ApiError {
    match error {
        DbError::NotFound => ApiError::not_found("Commune"),
        other => other.into(),
    }
}
