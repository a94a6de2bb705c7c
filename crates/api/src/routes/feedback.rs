//! Citizen feedback (phản ánh, kiến nghị) under Nghị định 20/2008/NĐ-CP: submission and
//! tracking for citizens, the published list for everyone, and the workflow for officials.
//! Personal data is shown to the commune's officers and admins only, and each showing is
//! recorded.

use std::time::Instant;

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::Utc;
use chrono_tz::Tz;
use db::feedback::{self, FeedbackFilter, FeedbackItem, ItemChanges};
use db::{DbConnection, DbError, calendar, communes, users};
use domain::commune::{Commune, CommuneSlug, DEFAULT_TIME_ZONE};
use domain::feedback::{
    Classification, FeedbackInput, FeedbackStatus, ItemState, Move, MoveError, NewFeedback,
    SubmitterInput, TrackingCode, check_answer, check_move, due_date, search_text_of,
};
use domain::page::PageRequest;
use domain::text::{char_len, fold};
use domain::user::{Role, Username};
use domain::validation::ValidationErrors;

use crate::audit::{Auditor, Change};
use crate::auth::{AuthUser, MaybeAuthUser};
use crate::client_ip::client_ip;
use crate::dto::common::{ListResponse, parse_time_param};
use crate::dto::feedback::*;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::middleware::RequestId;
use crate::state::AppState;
use crate::submissions::{Stored, Submission};

const MAX_ANSWER_CHARS: usize = 10_000;
const MAX_SUBJECT_CHARS: usize = 200;
const MAX_NOTE_CHARS: usize = 2_000;
const MAX_FORWARDED_TO_CHARS: usize = 500;
const NO_STORE: (&str, &str) = ("cache-control", "private, no-store");

fn feedback_not_found() -> ApiError {
    ApiError::not_found("Feedback")
}

// ---- citizens -------------------------------------------------------------------------------

/// Submit feedback or a petition about an administrative procedure. Complaints and
/// denunciations follow other laws and are refused. Send an `Idempotency-Key` header (a UUID)
/// so that a retried request returns the first answer instead of making a second item.
#[utoipa::path(
    tag = "feedback",
    request_body = SubmitFeedbackRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "A key of your own (a UUID) that makes retries safe; kept at least 24 hours")),
    responses(
        (status = 201, description = "Stored on disk; keep the tracking code", body = SubmissionResponse,
            headers(("Location" = String, description = "Where to track the item"))),
        (status = 422, description = "Invalid or missing fields, a complaint or denunciation, or an Idempotency-Key reused with a different request", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many submissions from this address; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/feedback")]
pub async fn submit_feedback(
    state: web::Data<AppState>,
    req: HttpRequest,
    Json(body): Json<SubmitFeedbackRequest>,
) -> Result<HttpResponse, ApiError> {
    let limit_key = client_ip(&req, &state.trusted_proxies).map(|ip| format!("ip:{ip}"));
    if let Some(key) = &limit_key {
        state
            .feedback_limiter
            .check(key, Instant::now())
            .map_err(ApiError::RateLimited)?;
    }
    let outcome = store_submission(&state, &req, body).await;
    // Every attempt counts except a retry that got its first answer back: a mobile client
    // retrying a stored submission must not lock itself out of its tracking code.
    let replayed = matches!(&outcome, Ok((_, true)));
    if let (Some(key), false) = (&limit_key, replayed) {
        state.feedback_limiter.record(key, Instant::now());
    }
    outcome.map(|(response, _)| response)
}

/// Validates and stores a submission; the response, and whether it is a replay.
async fn store_submission(
    state: &AppState,
    req: &HttpRequest,
    body: SubmitFeedbackRequest,
) -> Result<(HttpResponse, bool), ApiError> {
    let idempotency = idempotency_key(req)?
        .map(|key| Ok::<_, ApiError>((key, request_hash(&body)?)))
        .transpose()?;
    let mut errors = ValidationErrors::new();
    let commune = state.communes.get(&body.commune);
    if commune.is_none() {
        errors.add("commune", "not_found", "no commune has this slug");
    }
    let input = FeedbackInput {
        kind: body.kind.unwrap_or_default(),
        subject: body.subject.unwrap_or_default(),
        content: body.content.unwrap_or_default(),
        procedure: body.procedure,
        submitter: body.submitter.map(|s| SubmitterInput {
            name: s.name,
            address: s.address,
            phone: s.phone,
            email: s.email,
        }),
        allow_publication: body.allow_publication,
    };
    let parsed = NewFeedback::parse(input).map_err(|e| errors.merge(e)).ok();
    errors.into_result()?;
    let (Some((commune_id, time_zone)), Some(feedback)) = (commune, parsed) else {
        return Err(ApiError::Internal(
            "validated submission is incomplete".to_owned(),
        ));
    };
    let submission = Submission {
        commune_id,
        time_zone,
        feedback,
        resolution_id: body.resolution_id,
        target_id: body.target_id,
        idempotency,
        request_id: req.extensions().get::<RequestId>().map(|id| id.0.clone()),
    };
    let (item, replayed) = match state.submissions.submit(submission).await? {
        Stored::Created(item) => (item, false),
        Stored::Replayed(item) => (item, true),
    };
    let mut response = HttpResponse::Created();
    response.insert_header(NO_STORE).insert_header((
        header::LOCATION,
        format!("/api/v1/feedback/track/{}", item.tracking_code),
    ));
    if replayed {
        response.insert_header(("idempotent-replayed", "true"));
    }
    Ok((response.json(SubmissionResponse::new(&item)), replayed))
}

/// `Idempotency-Key`: 1 to 255 visible ASCII characters.
fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .filter(|key| (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()))
        .map(|key| Some(key.to_owned()))
        .ok_or_else(|| {
            ValidationErrors::single(
                "Idempotency-Key",
                "invalid_format",
                "must be 1 to 255 visible ASCII characters, such as a UUID",
            )
            .into()
        })
}

/// A digest of the request as parsed, so a retry matches whatever its key order or spacing.
fn request_hash(body: &SubmitFeedbackRequest) -> Result<String, ApiError> {
    use blake2::Digest;
    let canonical = serde_json::to_vec(body)
        .map_err(|e| ApiError::Internal(format!("serializing a submission: {e}")))?;
    let digest = blake2::Blake2s256::digest(&canonical);
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// Follow an item with its tracking code: status, deadlines, and the answer once given. Shows
/// no personal data and not the content.
#[utoipa::path(
    tag = "feedback",
    params(("code" = String, Path, description = "The tracking code", example = "PAKN.20230313.7K3Q9XZ2AB")),
    responses(
        (status = 200, description = "The item's progress", body = TrackingResponse),
        (status = 404, description = "No item has this code", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/feedback/track/{code}")]
pub async fn track_feedback(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = TrackingCode::parse(&code).ok_or_else(feedback_not_found)?;
    let response = state
        .read(move |conn| {
            let item =
                feedback::find_by_code(conn, code.as_str()).map_err(not_found_as_feedback)?;
            let commune = communes::find(conn, item.commune_id)?;
            Ok::<_, ApiError>(TrackingResponse::new(
                &item,
                commune.slug.as_str(),
                commune.time_zone,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(NO_STORE).json(response))
}

fn not_found_as_feedback(error: DbError) -> ApiError {
    match error {
        DbError::NotFound => feedback_not_found(),
        other => other.into(),
    }
}

// ---- lists ----------------------------------------------------------------------------------

/// List feedback. Without a token (or with one that handles no feedback): published items
/// only, without personal data. With an officer's or admin's token: the commune's items with
/// personal data, filtered by `status`, `classification`, `overdue`, `assignee` and `q`; each
/// showing of personal data is recorded.
#[utoipa::path(
    tag = "feedback",
    params(FeedbackListParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Without an official's token: published items, newest first, without personal data. With one: the commune's items, newest first, with personal data (`Cache-Control: private, no-store`)", body = FeedbackList),
        (status = 401, description = "A token was sent and is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An officer asked for another commune's items", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters, or officials' filters without an official's token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/feedback")]
pub async fn list_feedback(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuthUser(auth): MaybeAuthUser,
    Query(params): Query<FeedbackListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(params.page, params.per_page)?;
    let mut errors = ValidationErrors::new();
    let slug = errors
        .check(
            "commune",
            params
                .commune
                .as_deref()
                .map(CommuneSlug::parse)
                .transpose(),
        )
        .flatten();
    let updated_since = parse_time_param("updated_since", params.updated_since.as_deref())
        .unwrap_or_else(|e| {
            errors.merge(e);
            None
        });
    let words: Vec<String> = params
        .q
        .as_deref()
        .map(fold)
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let official = auth.filter(|a| matches!(a.user.role, Role::Admin | Role::Officer));
    let Some(official) = official else {
        for (name, given) in [
            ("status", params.status.is_some()),
            ("classification", params.classification.is_some()),
            ("overdue", params.overdue.is_some()),
            ("assignee", params.assignee.is_some()),
        ] {
            if given {
                errors.add(
                    name,
                    "officials_only",
                    "only officers and admins may filter by this; send their token",
                );
            }
        }
        errors.into_result()?;
        let list = state
            .read(move |conn| {
                let commune_id = match slug {
                    None => None,
                    Some(slug) => Some(commune_id_or_none(conn, &slug)?),
                };
                let filter = FeedbackFilter {
                    commune_id,
                    published_only: true,
                    words,
                    updated_since,
                    ..FeedbackFilter::default()
                };
                let paged = feedback::list(conn, &filter, page)?;
                let ids: Vec<i64> = paged.items.iter().map(|i| i.commune_id).collect();
                let communes = communes::find_many(conn, &ids)?;
                Ok::<_, DbError>(ListResponse::from_paged(paged, |item| {
                    let (slug, tz) = communes
                        .get(&item.commune_id)
                        .map_or((String::new(), DEFAULT_TIME_ZONE), |c| {
                            (c.slug.as_str().to_owned(), c.time_zone)
                        });
                    PublicFeedback::new(item, &slug, tz)
                }))
            })
            .await?;
        return Ok(HttpResponse::Ok()
            .insert_header(("cache-control", "public, max-age=0, must-revalidate"))
            .json(list));
    };
    let status = match params.status.as_deref() {
        None => None,
        Some(raw) => FeedbackStatus::parse(raw).map(Some).unwrap_or_else(|| {
            errors.add("status", "invalid_value", status_choices());
            None
        }),
    };
    let classification = match params.classification.as_deref() {
        None => None,
        Some(raw) => Classification::parse(raw).map(Some).unwrap_or_else(|| {
            errors.add("classification", "invalid_value", classification_choices());
            None
        }),
    };
    let assignee = errors.check(
        "assignee",
        params.assignee.as_deref().map(Username::parse).transpose(),
    );
    errors.into_result()?;
    let actor = official.actor();
    let overdue = params.overdue.unwrap_or(false);
    let actor_name = official.username().to_owned();
    let request_id = request_id_of(&req);
    let list = state
        .write_private(move |conn| {
            let (commune_id, tz) = official_scope(conn, slug.as_ref(), actor.commune_id)?;
            let today = today_in(tz);
            let assignee_id = match assignee.flatten() {
                None => None,
                Some(name) => match users::find_by_username(conn, &name) {
                    Ok(user) => Some(user.id),
                    Err(DbError::NotFound) => Some(-1),
                    Err(other) => return Err(other.into()),
                },
            };
            let filter = FeedbackFilter {
                commune_id,
                published_only: false,
                status,
                classification,
                due_before: overdue.then_some(today),
                assignee_id,
                words,
                updated_since,
            };
            let paged = feedback::list(conn, &filter, page)?;
            let ids: Vec<i64> = paged.items.iter().map(|i| i.id).collect();
            let commune_ids: Vec<i64> = paged.items.iter().map(|i| i.commune_id).collect();
            let assignee_ids: Vec<i64> = paged.items.iter().filter_map(|i| i.assignee_id).collect();
            let communes = communes::find_many(conn, &commune_ids)?;
            let usernames = users::usernames_by_id(conn, &assignee_ids)?;
            let mut submitters = feedback::submitters_of(conn, &ids)?;
            let shown: Vec<i64> = submitters.keys().copied().collect();
            feedback::record_reads(conn, &shown, &actor_name, request_id.as_deref(), db::now())?;
            Ok::<_, ApiError>(ListResponse::from_paged(paged, |item| {
                let (slug, tz) = communes
                    .get(&item.commune_id)
                    .map_or((String::new(), DEFAULT_TIME_ZONE), |c| {
                        (c.slug.as_str().to_owned(), c.time_zone)
                    });
                let context = OfficialContext {
                    commune: &slug,
                    tz,
                    today: today_in(tz),
                    assignee: item.assignee_id.and_then(|id| usernames.get(&id).cloned()),
                    submitter: submitters.remove(&item.id),
                    history: None,
                };
                OfficialFeedback::new(item, context)
            }))
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(NO_STORE).json(list))
}

/// Which commune's items an official lists, and the time zone "overdue" is judged in. Officers
/// see their own commune; admins any one, or all.
fn official_scope(
    conn: &mut DbConnection,
    slug: Option<&CommuneSlug>,
    own_commune: Option<i64>,
) -> Result<(Option<i64>, Tz), ApiError> {
    let other_commune = || {
        ApiError::Forbidden("Officers handle the feedback of their own commune only.".to_owned())
    };
    match (slug, own_commune) {
        (None, None) => Ok((None, DEFAULT_TIME_ZONE)),
        (None, Some(own)) => {
            let commune = communes::find(conn, own)?;
            Ok((Some(commune.id), commune.time_zone))
        }
        (Some(slug), own) => match communes::find_by_slug(conn, slug) {
            Ok(commune) if own.is_none_or(|own| own == commune.id) => {
                Ok((Some(commune.id), commune.time_zone))
            }
            Ok(_) => Err(other_commune()),
            // An unknown commune has no items.
            Err(DbError::NotFound) if own.is_none() => Ok((Some(-1), DEFAULT_TIME_ZONE)),
            Err(DbError::NotFound) => Err(other_commune()),
            Err(other) => Err(other.into()),
        },
    }
}

fn commune_id_or_none(conn: &mut DbConnection, slug: &CommuneSlug) -> Result<i64, DbError> {
    match communes::find_by_slug(conn, slug) {
        Ok(commune) => Ok(commune.id),
        // An unknown commune has no items.
        Err(DbError::NotFound) => Ok(-1),
        Err(other) => Err(other),
    }
}

fn request_id_of(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|id| id.0.clone())
}

fn status_choices() -> String {
    let names: Vec<&str> = FeedbackStatus::ALL.iter().map(|s| s.as_str()).collect();
    format!("must be one of {}", names.join(", "))
}

fn classification_choices() -> String {
    let names: Vec<&str> = Classification::ALL.iter().map(|c| c.as_str()).collect();
    format!("must be one of {}", names.join(", "))
}

// ---- officials: one item ----------------------------------------------------------------------

/// Loads an item the official may handle; any other is "not found", so its existence is not
/// confirmed.
fn load_for_official(
    conn: &mut DbConnection,
    auth: &AuthUser,
    id: i64,
) -> Result<(FeedbackItem, Commune), ApiError> {
    let item = feedback::find(conn, id).map_err(not_found_as_feedback)?;
    if !auth.actor().may_handle_feedback(item.commune_id) {
        return Err(feedback_not_found());
    }
    let commune = communes::find(conn, item.commune_id)?;
    Ok((item, commune))
}

/// The official view of an item with its history; records that personal data was shown.
fn official_view(
    conn: &mut DbConnection,
    item: FeedbackItem,
    commune: &Commune,
    actor: &str,
    request_id: Option<&str>,
) -> Result<OfficialFeedback, ApiError> {
    let mut submitters = feedback::submitters_of(conn, &[item.id])?;
    let submitter = submitters.remove(&item.id);
    if submitter.is_some() {
        feedback::record_reads(conn, &[item.id], actor, request_id, db::now())?;
    }
    let assignee = match item.assignee_id {
        None => None,
        Some(id) => users::usernames_by_id(conn, &[id])?.remove(&id),
    };
    let history = feedback::history(conn, item.id)?;
    let tz = commune.time_zone;
    let context = OfficialContext {
        commune: commune.slug.as_str(),
        tz,
        today: today_in(tz),
        assignee,
        submitter,
        history: Some(history),
    };
    Ok(OfficialFeedback::new(item, context))
}

/// One item with the submitter's personal data and its history (officers of its commune and
/// admins; anyone else gets 404).
#[utoipa::path(
    tag = "feedback",
    params(("id" = i64, Path, description = "The item's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The item", body = OfficialFeedback),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or one you may not handle", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/feedback/{id}")]
pub async fn get_feedback(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let request_id = request_id_of(&req);
    let view = state
        .write_private(move |conn| {
            let (item, commune) = load_for_official(conn, &auth, id)?;
            official_view(conn, item, &commune, auth.username(), request_id.as_deref())
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(NO_STORE).json(view))
}

/// Move an item through the workflow, assign it, or set the public version of its content.
/// The legal moves: `received` → `classified` (with `classification`); `classified` →
/// `rejected` (not_accepted, with `reason`), `forwarded` (outside_competence, with
/// `forwarded_to`) or `in_progress` (within_competence, official_conduct); `answered` →
/// `in_progress` (sent back) or `published` (only with the submitter's consent). Any other move
/// is 409.
#[utoipa::path(
    tag = "feedback",
    params(("id" = i64, Path, description = "The item's id")),
    request_body = UpdateFeedbackRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The item after the change", body = OfficialFeedback),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or one you may not handle", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a legal move from the item's status, or publication without consent", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a field the move does not take", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/feedback/{id}")]
pub async fn update_feedback(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: AuthUser,
    id: web::Path<i64>,
    Json(body): Json<UpdateFeedbackRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let update = ParsedUpdate::parse(body)?;
    let auditor = Auditor::for_request(auth.username(), &req);
    let request_id = request_id_of(&req);
    let view = state
        .write_private(move |conn| {
            let (item, commune) = load_for_official(conn, &auth, id)?;
            let before = FeedbackAuditView::from(&item);
            apply_update(conn, &item, &commune, &update, auth.username())?;
            let item = feedback::find(conn, id)?;
            auditor.record(
                conn,
                Change {
                    action: "feedback.update",
                    object_type: "feedback",
                    object_id: id.to_string(),
                    commune_id: Some(item.commune_id),
                    before: Some(&before),
                    after: Some(&FeedbackAuditView::from(&item)),
                },
            )?;
            official_view(conn, item, &commune, auth.username(), request_id.as_deref())
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(NO_STORE).json(view))
}

/// An update with its text fields checked.
struct ParsedUpdate {
    status: Option<FeedbackStatus>,
    classification: Option<Classification>,
    reason: Option<String>,
    forwarded_to: Option<String>,
    assignee: Option<Option<Username>>,
    public_subject: Option<Option<String>>,
    public_content: Option<Option<String>>,
    note: Option<String>,
}

impl ParsedUpdate {
    fn parse(body: UpdateFeedbackRequest) -> Result<Self, ApiError> {
        let mut errors = ValidationErrors::new();
        let status = match body.status.as_deref() {
            None => None,
            Some(raw) => FeedbackStatus::parse(raw).map(Some).unwrap_or_else(|| {
                errors.add("status", "invalid_value", status_choices());
                None
            }),
        };
        let classification = match body.classification.as_deref() {
            None => None,
            Some(raw) => Classification::parse(raw).map(Some).unwrap_or_else(|| {
                errors.add("classification", "invalid_value", classification_choices());
                None
            }),
        };
        let reason = bounded_text(&mut errors, "reason", body.reason, MAX_NOTE_CHARS);
        let forwarded_to = bounded_text(
            &mut errors,
            "forwarded_to",
            body.forwarded_to,
            MAX_FORWARDED_TO_CHARS,
        );
        let note = bounded_text(&mut errors, "note", body.note, MAX_NOTE_CHARS);
        let public_subject = body
            .public_subject
            .map(|text| bounded_text(&mut errors, "public_subject", text, MAX_SUBJECT_CHARS));
        let public_content = body
            .public_content
            .map(|text| bounded_text(&mut errors, "public_content", text, MAX_ANSWER_CHARS));
        let assignee = match body.assignee {
            None => None,
            Some(None) => Some(None),
            Some(Some(name)) => errors
                .check("assignee", Username::parse(&name))
                .map(|name| Some(Some(name)))
                .unwrap_or(None),
        };
        let nothing = status.is_none()
            && assignee.is_none()
            && public_subject.is_none()
            && public_content.is_none()
            && errors.is_empty();
        if nothing {
            errors.add(
                "body",
                "required",
                "send at least one of status, assignee, public_subject and public_content",
            );
        }
        if status.is_none() {
            for (name, given) in [
                ("classification", classification.is_some()),
                ("reason", reason.is_some()),
                ("forwarded_to", forwarded_to.is_some()),
            ] {
                if given {
                    errors.add(name, "unexpected", "goes with a status move only");
                }
            }
        }
        errors.into_result()?;
        Ok(Self {
            status,
            classification,
            reason,
            forwarded_to,
            assignee,
            public_subject,
            public_content,
            note,
        })
    }
}

/// Trimmed text, `None` when empty, refused past `max` characters.
fn bounded_text(
    errors: &mut ValidationErrors,
    field: &str,
    text: Option<String>,
    max: usize,
) -> Option<String> {
    let text = text
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())?;
    if char_len(&text) > max {
        errors.add(
            field,
            "too_long",
            format!("must be at most {max} characters"),
        );
        return None;
    }
    Some(text)
}

fn move_error(error: MoveError) -> ApiError {
    if error.is_conflict() {
        ApiError::Conflict(error.to_string())
    } else {
        use domain::validation::FieldFailure;
        let field = error.field().unwrap_or("status");
        ValidationErrors::single(field, error.code(), error.to_string()).into()
    }
}

fn apply_update(
    conn: &mut DbConnection,
    item: &FeedbackItem,
    commune: &Commune,
    update: &ParsedUpdate,
    actor: &str,
) -> Result<(), ApiError> {
    let at = db::now();
    let now = Utc::now();
    let mut changes = ItemChanges::default();
    let mut status = item.status;
    if let Some(to) = update.status {
        let state = state_of(item);
        let requested = Move {
            to,
            classification: update.classification,
            reason: update.reason.as_deref(),
            forwarded_to: update.forwarded_to.as_deref(),
        };
        check_move(&state, &requested).map_err(move_error)?;
        let mut deadlines = item.deadlines;
        changes.status = Some(to);
        match to {
            FeedbackStatus::Classified => {
                changes.classification = Some(update.classification);
                if let Some(classification) = update.classification {
                    let calendar = calendar::work_calendar(conn)?;
                    let limits = feedback::limits_of(conn, commune.id)?;
                    let today = today_in(commune.time_zone);
                    deadlines =
                        deadlines.with_classification(classification, today, &limits, &calendar);
                    changes.forward_by = Some(deadlines.forward_by);
                }
            }
            FeedbackStatus::Rejected => {
                changes.reason = Some(update.reason.clone());
                changes.closed_at = Some(Some(now));
            }
            FeedbackStatus::Forwarded => {
                changes.forwarded_to = Some(update.forwarded_to.clone());
                changes.closed_at = Some(Some(now));
            }
            FeedbackStatus::InProgress => {
                // Sent back from `answered`: open again until answered anew.
                changes.closed_at = Some(None);
            }
            FeedbackStatus::Published => {
                changes.published_at = Some(Some(now));
                changes.closed_at = Some(Some(now));
            }
            FeedbackStatus::Received | FeedbackStatus::Answered => {}
        }
        let classification = if to == FeedbackStatus::Classified {
            update.classification
        } else {
            item.classification
        };
        changes.due_date = Some(due_date(to, classification, &deadlines));
        let note = match to {
            FeedbackStatus::Classified => update
                .note
                .clone()
                .or_else(|| classification.map(|c| c.as_str().to_owned())),
            FeedbackStatus::Rejected => joined(update.reason.as_deref(), update.note.as_deref()),
            FeedbackStatus::Forwarded => {
                joined(update.forwarded_to.as_deref(), update.note.as_deref())
            }
            _ => update.note.clone(),
        };
        feedback::append_history(
            conn,
            item.id,
            at,
            actor,
            Some(item.status),
            to,
            note.as_deref(),
        )?;
        status = to;
    }
    if let Some(assignee) = &update.assignee {
        let assignee_id = match assignee {
            None => None,
            Some(name) => {
                let user = users::find_by_username(conn, name).map_err(|e| match e {
                    DbError::NotFound => unassignable(),
                    other => other.into(),
                })?;
                if !user.active || !user.actor().may_handle_feedback(commune.id) {
                    return Err(unassignable());
                }
                Some(user.id)
            }
        };
        changes.assignee_id = Some(assignee_id);
        let note = match assignee {
            Some(name) => format!("assigned to {name}"),
            None => "assignment cleared".to_owned(),
        };
        feedback::append_history(conn, item.id, at, actor, Some(status), status, Some(&note))?;
    }
    for (field, given, current) in [
        ("subject", &update.public_subject, &item.public_subject),
        ("content", &update.public_content, &item.public_content),
    ] {
        let Some(text) = given else { continue };
        if text == current {
            continue;
        }
        let note = match text {
            Some(_) => format!("public {field} set"),
            None => format!("public {field} cleared"),
        };
        feedback::append_history(conn, item.id, at, actor, Some(status), status, Some(&note))?;
    }
    changes.public_subject = update.public_subject.clone();
    changes.public_content = update.public_content.clone();
    let public_subject = update
        .public_subject
        .clone()
        .unwrap_or_else(|| item.public_subject.clone());
    let public_content = update
        .public_content
        .clone()
        .unwrap_or_else(|| item.public_content.clone());
    // Publishing shows the public version only: officials must have written one.
    if status == FeedbackStatus::Published && public_content.is_none() {
        return Err(ValidationErrors::single(
            "public_content",
            "required_for_move",
            "a published item shows its public version of the content: set public_content \
             (the content without personal details)",
        )
        .into());
    }
    changes.public_search_text = Some(public_content.as_deref().map(|content| {
        search_text_of(
            public_subject.as_deref().unwrap_or(&item.subject),
            content,
            item.procedure.as_deref(),
        )
    }));
    if !feedback::update(conn, item.id, item.status, changes, at)? {
        return Err(changed_meanwhile());
    }
    Ok(())
}

/// What the workflow rules look at.
fn state_of(item: &FeedbackItem) -> ItemState {
    ItemState {
        status: item.status,
        classification: item.classification,
        allow_publication: item.allow_publication,
    }
}

/// Today in a commune's calendar.
fn today_in(tz: Tz) -> chrono::NaiveDate {
    Utc::now().with_timezone(&tz).date_naive()
}

/// Another official moved the item between our read and our write.
fn changed_meanwhile() -> ApiError {
    ApiError::Conflict("The item was changed meanwhile; read it again and retry.".to_owned())
}

/// A required field and the official's note, both kept in the history.
fn joined(field: Option<&str>, note: Option<&str>) -> Option<String> {
    match (field, note) {
        (Some(field), Some(note)) => Some(format!("{field} ({note})")),
        (field, note) => field.or(note).map(str::to_owned),
    }
}

fn unassignable() -> ApiError {
    ValidationErrors::single(
        "assignee",
        "not_found",
        "must be the username of an active officer of this commune or an admin",
    )
    .into()
}

/// Record the answer: `in_progress` → `answered`. The citizen sees it through tracking; the
/// public only once the item is published.
#[utoipa::path(
    tag = "feedback",
    params(("id" = i64, Path, description = "The item's id")),
    request_body = AnswerFeedbackRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The item after the answer", body = OfficialFeedback),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or one you may not handle", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The item is not in progress", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An empty or too long answer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/feedback/{id}/answer")]
pub async fn answer_feedback(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: AuthUser,
    id: web::Path<i64>,
    Json(body): Json<AnswerFeedbackRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let mut errors = ValidationErrors::new();
    let answer = bounded_text(&mut errors, "answer", Some(body.answer), MAX_ANSWER_CHARS);
    if answer.is_none() && errors.is_empty() {
        errors.add("answer", "required", "must not be empty");
    }
    errors.into_result()?;
    let auditor = Auditor::for_request(auth.username(), &req);
    let request_id = request_id_of(&req);
    let view = state
        .write_private(move |conn| {
            let (item, commune) = load_for_official(conn, &auth, id)?;
            let state = state_of(&item);
            check_answer(&state).map_err(move_error)?;
            let before = FeedbackAuditView::from(&item);
            let at = db::now();
            let now = Utc::now();
            let changes = ItemChanges {
                status: Some(FeedbackStatus::Answered),
                answer: Some(answer),
                answered_at: Some(Some(now)),
                closed_at: Some(Some(now)),
                due_date: Some(due_date(
                    FeedbackStatus::Answered,
                    item.classification,
                    &item.deadlines,
                )),
                ..ItemChanges::default()
            };
            if !feedback::update(conn, id, item.status, changes, at)? {
                return Err(changed_meanwhile());
            }
            feedback::append_history(
                conn,
                id,
                at,
                auth.username(),
                Some(item.status),
                FeedbackStatus::Answered,
                None,
            )?;
            let item = feedback::find(conn, id)?;
            auditor.record(
                conn,
                Change {
                    action: "feedback.answer",
                    object_type: "feedback",
                    object_id: id.to_string(),
                    commune_id: Some(item.commune_id),
                    before: Some(&before),
                    after: Some(&FeedbackAuditView::from(&item)),
                },
            )?;
            official_view(conn, item, &commune, auth.username(), request_id.as_deref())
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(NO_STORE).json(view))
}

/// Erase the submitter's personal data (admins). The item and its history stay; the history
/// notes the erasure. Erasing again changes nothing.
#[utoipa::path(
    tag = "feedback",
    params(("id" = i64, Path, description = "The item's id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Erased"),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/feedback/{id}/personal-data")]
pub async fn erase_personal_data(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin()?;
    let id = id.into_inner();
    let auditor = Auditor::for_request(auth.username(), &req);
    state
        .write_private(move |conn| {
            let item = feedback::find(conn, id).map_err(not_found_as_feedback)?;
            let erased = feedback::erase_personal_data(
                conn,
                id,
                auth.username(),
                "personal data erased on request",
                db::now(),
            )?;
            if erased {
                let after = feedback::find(conn, id)?;
                auditor.record(
                    conn,
                    Change {
                        action: "feedback.erase_personal_data",
                        object_type: "feedback",
                        object_id: id.to_string(),
                        commune_id: Some(item.commune_id),
                        before: Some(&FeedbackAuditView::from(&item)),
                        after: Some(&FeedbackAuditView::from(&after)),
                    },
                )?;
            }
            Ok::<_, ApiError>(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
