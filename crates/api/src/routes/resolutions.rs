//! Resolutions, their targets and measures, progress reports and scorecards.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{TimeZone, Utc};
use db::resolutions::{self, NewProgress, NewResolution, ResolutionFilter, Visibility};
use db::{DbConnection, DbError, communes, versions};
use domain::commune::{Commune, CommuneSlug};
use domain::evaluation::{self, Outcome, Report, Status};
use domain::page::PageRequest;
use domain::records::{Resolution, ResolutionFields, ResolutionStatus, parse_period};
use domain::text::fold;
use domain::validation::ValidationErrors;

use crate::audit::{Auditor, Change};
use crate::auth::{AuthUser, MaybeAuthUser};
use crate::dto::common::{ListResponse, parse_time_param};
use crate::dto::resolutions::*;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, PlainText, Query};
use crate::state::AppState;

/// Resolutions number their targets 1, 2, 3...; no real one comes near this.
const MAX_TARGET_NUMBER: i32 = 9_999;

// ---- reads ----------------------------------------------------------------------------------

/// List resolutions: published ones for everyone, drafts too for editors of their commune.
#[utoipa::path(
    tag = "resolutions",
    params(ResolutionListParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of resolutions, newest first", body = ListResponse<ResolutionSummary>),
        (status = 401, description = "A token was sent and is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/resolutions")]
pub async fn list_resolutions(
    state: web::Data<AppState>,
    MaybeAuthUser(auth): MaybeAuthUser,
    Query(params): Query<ResolutionListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(params.page, params.per_page)?;
    let mut errors = ValidationErrors::new();
    let status = match params.status.as_deref() {
        None => None,
        Some(raw) => ResolutionStatus::parse(raw).map(Some).unwrap_or_else(|| {
            errors.add(
                "status",
                "invalid_format",
                "must be draft, published or archived",
            );
            None
        }),
    };
    let slug = errors.check(
        "commune",
        params
            .commune
            .as_deref()
            .map(CommuneSlug::parse)
            .transpose(),
    );
    let updated_since = parse_time_param("updated_since", params.updated_since.as_deref())
        .unwrap_or_else(|e| {
            errors.merge(e);
            None
        });
    errors.into_result()?;
    let words = params
        .q
        .as_deref()
        .map(fold)
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let visibility = visibility_for(auth.as_ref());
    let year = params.year;
    let (paged, communes) = state
        .read(move |conn| {
            let commune_id = match slug.flatten() {
                None => None,
                Some(slug) => match communes::find_by_slug(conn, &slug) {
                    Ok(commune) => Some(commune.id),
                    // An unknown commune has no resolutions.
                    Err(DbError::NotFound) => Some(-1),
                    Err(other) => return Err(other),
                },
            };
            let filter = ResolutionFilter {
                commune_id,
                year,
                status,
                words,
                updated_since,
            };
            let paged = resolutions::list(conn, &filter, visibility, page)?;
            let ids: Vec<i64> = paged.items.iter().map(|r| r.commune_id).collect();
            Ok((paged, communes::find_many(conn, &ids)?))
        })
        .await?;
    let list = ListResponse::from_paged(paged, |resolution| summary(&resolution, &communes));
    Ok(HttpResponse::Ok()
        .insert_header(cache_control(auth.is_some()))
        .json(list))
}

/// One resolution with its full text and sections.
#[utoipa::path(
    tag = "resolutions",
    params(("id" = i64, Path, description = "The resolution's id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The resolution", body = ResolutionResponse),
        (status = 401, description = "A token was sent and is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resolution, or a draft you may not see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/resolutions/{id}")]
pub async fn get_resolution(
    state: web::Data<AppState>,
    MaybeAuthUser(auth): MaybeAuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let visibility = visibility_for(auth.as_ref());
    let response = state
        .read(move |conn| {
            let (resolution, commune) = load_visible(conn, id, visibility)?;
            let sections = resolutions::sections(conn, id)?;
            Ok::<_, ApiError>(full_response(&resolution, &commune, sections))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(cache_control(auth.is_some()))
        .json(response))
}

/// The targets of a resolution with their measures, in number order.
#[utoipa::path(
    tag = "resolutions",
    params(("id" = i64, Path, description = "The resolution's id"), PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of targets", body = ListResponse<TargetResponse>),
        (status = 401, description = "A token was sent and is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resolution, or a draft you may not see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/resolutions/{id}/targets")]
pub async fn list_targets(
    state: web::Data<AppState>,
    MaybeAuthUser(auth): MaybeAuthUser,
    id: web::Path<i64>,
    Query(params): Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(params.page, params.per_page)?;
    let id = id.into_inner();
    let visibility = visibility_for(auth.as_ref());
    let targets = state
        .read(move |conn| {
            load_visible(conn, id, visibility)?;
            Ok::<_, ApiError>(resolutions::targets_of(conn, id)?)
        })
        .await?;
    let total = i64::try_from(targets.len()).unwrap_or(i64::MAX);
    let start = usize::try_from(page.offset()).unwrap_or(usize::MAX);
    let items = targets
        .into_iter()
        .skip(start)
        .take(page.per_page() as usize);
    let list = ListResponse {
        items: items.map(|t| TargetResponse::new(t, |_| None)).collect(),
        page: page.page(),
        per_page: page.per_page(),
        total,
    };
    Ok(HttpResponse::Ok()
        .insert_header(cache_control(auth.is_some()))
        .json(list))
}

/// One target with its measures and every progress report on them.
#[utoipa::path(
    tag = "resolutions",
    params(("id" = i64, Path, description = "The target's id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The target", body = TargetResponse),
        (status = 401, description = "A token was sent and is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such target, or one of a draft you may not see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/targets/{id}")]
pub async fn get_target(
    state: web::Data<AppState>,
    MaybeAuthUser(auth): MaybeAuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let visibility = visibility_for(auth.as_ref());
    let response = state
        .read(move |conn| {
            let resolution =
                resolutions::resolution_of_target(conn, id).map_err(not_found("Target"))?;
            if !visibility.allows(&resolution) {
                return Err(ApiError::not_found("Target"));
            }
            let target = resolutions::find_target(conn, id)?;
            let ids: Vec<i64> = target.measures.iter().map(|m| m.id).collect();
            let mut by_measure: HashMap<i64, Vec<ProgressResponse>> = HashMap::new();
            for record in resolutions::progress_of(conn, &ids, None)? {
                by_measure
                    .entry(record.measure_id)
                    .or_default()
                    .push(record.into());
            }
            Ok(TargetResponse::new(target, |measure_id| {
                Some(by_measure.remove(&measure_id).unwrap_or_default())
            }))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(cache_control(auth.is_some()))
        .json(response))
}

/// How the resolution's targets stand in a period.
///
/// Per measure, the latest final report counts, else the latest estimate. A target is met when
/// all its measures are, exceeded when met with at least one measure better than its target,
/// not met when a reported measure is not met, and not reported otherwise.
#[utoipa::path(
    tag = "resolutions",
    params(("id" = i64, Path, description = "The resolution's id"), ScorecardParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The scorecard", body = ScorecardResponse),
        (status = 401, description = "A token was sent and is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resolution, or a draft you may not see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid period", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/resolutions/{id}/scorecard")]
pub async fn get_scorecard(
    state: web::Data<AppState>,
    MaybeAuthUser(auth): MaybeAuthUser,
    id: web::Path<i64>,
    Query(params): Query<ScorecardParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let visibility = visibility_for(auth.as_ref());
    let requested = params
        .period
        .as_deref()
        .map(parse_period)
        .transpose()
        .map_err(|e| ValidationErrors::single("period", "invalid_format", e.to_string()))?;
    let scorecard = state
        .read(move |conn| {
            let (resolution, _) = load_visible(conn, id, visibility)?;
            let period = match requested {
                Some(period) => period,
                None => resolution
                    .fields
                    .year
                    .map(|y| y.to_string())
                    .ok_or_else(|| {
                        ValidationErrors::single(
                            "period",
                            "required",
                            "this resolution has no year; name the period",
                        )
                    })?,
            };
            let targets = resolutions::targets_of(conn, id)?;
            let ids: Vec<i64> = targets
                .iter()
                .flat_map(|t| t.measures.iter().map(|m| m.id))
                .collect();
            let mut reports: HashMap<i64, Vec<Report>> = HashMap::new();
            for record in resolutions::progress_of(conn, &ids, Some(&period))? {
                let outcome = match (record.value, record.achieved) {
                    (Some(value), _) => Outcome::Value(value),
                    (None, Some(achieved)) => Outcome::Achieved(achieved),
                    (None, None) => continue,
                };
                reports.entry(record.measure_id).or_default().push(Report {
                    id: record.id,
                    outcome,
                    is_final: record.is_final,
                    reported_at: record.reported_at,
                });
            }
            Ok::<_, ApiError>(score(id, period, targets, &reports))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(cache_control(auth.is_some()))
        .json(scorecard))
}

fn score(
    resolution_id: i64,
    period: String,
    targets: Vec<domain::records::Target>,
    reports: &HashMap<i64, Vec<Report>>,
) -> ScorecardResponse {
    let mut statuses = Vec::with_capacity(targets.len());
    let mut scores = Vec::with_capacity(targets.len());
    for target in targets {
        let mut results = Vec::with_capacity(target.measures.len());
        let mut measures = Vec::with_capacity(target.measures.len());
        for stored in &target.measures {
            let chosen = reports
                .get(&stored.id)
                .and_then(|list| evaluation::select_report(list));
            let result = evaluation::evaluate_measure(&stored.measure, chosen.map(|r| &r.outcome));
            results.push(result);
            measures.push(MeasureScore {
                measure_id: stored.id,
                label: stored.measure.label.clone(),
                status: status_name(result.status),
                value: chosen.and_then(|r| match r.outcome {
                    Outcome::Value(v) => Some(v),
                    Outcome::Achieved(_) => None,
                }),
                achieved: chosen.and_then(|r| match r.outcome {
                    Outcome::Achieved(a) => Some(a),
                    Outcome::Value(_) => None,
                }),
                attainment_percent: result.attainment_percent,
                basis: chosen.map(|r| if r.is_final { "final" } else { "estimate" }),
            });
        }
        let status = evaluation::evaluate_target(&results);
        statuses.push(status);
        scores.push(TargetScore {
            target_id: target.id,
            number: target.number,
            text: target.text,
            status: status_name(status),
            measures,
        });
    }
    let tally = evaluation::tally(&statuses);
    ScorecardResponse {
        resolution_id,
        period,
        total: tally.total,
        met: tally.met,
        exceeded: tally.exceeded,
        not_met: tally.not_met,
        not_reported: tally.not_reported,
        targets: scores,
    }
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Exceeded => "exceeded",
        Status::Met => "met",
        Status::NotMet => "not_met",
        Status::NotReported => "not_reported",
    }
}

// ---- writes ---------------------------------------------------------------------------------

/// Import a resolution from its plain text: its document fields, sections and numbered targets.
///
/// Always creates a new resolution, a draft unless `publish=true`. Text the parser cannot read
/// with confidence becomes a measure marked `needs_review`; nothing is dropped.
#[utoipa::path(
    tag = "resolutions",
    params(ImportParams),
    security(("bearer" = [])),
    request_body(content = String, content_type = "text/plain", description = "The text of the resolution, UTF-8"),
    responses(
        (status = 201, description = "Imported", body = ImportResponse),
        (status = 400, description = "The text is not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin or an editor of this commune", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The text is over the size limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not text/plain", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty text or unknown commune", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/resolutions/import")]
pub async fn import_resolution(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    Query(params): Query<ImportParams>,
    PlainText(text): PlainText,
) -> Result<HttpResponse, ApiError> {
    let slug = CommuneSlug::parse(&params.commune)
        .map_err(|e| ValidationErrors::single("commune", "invalid_format", e.to_string()))?;
    let publish = params.publish.unwrap_or(false);
    let auditor = Auditor::for_request(auth.username(), &req);
    let actor = auth.actor();
    let response = state
        .write(move |conn| {
            let commune = commune_for_write(conn, &slug)?;
            if !actor.may_edit(commune.id) {
                return Err(forbidden());
            }
            let (_, response) = import_into(conn, &commune, &text, publish, &auditor)?;
            Ok::<_, ApiError>(response)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "location",
            format!("/api/v1/resolutions/{}", response.resolution.summary.id),
        ))
        .json(response))
}

/// Imports text into a commune in the caller's transaction and audits it; shared with the CLI
/// and the demo.
pub fn import_into(
    conn: &mut DbConnection,
    commune: &Commune,
    text: &str,
    publish: bool,
    auditor: &Auditor,
) -> Result<(Resolution, ImportResponse), ApiError> {
    let imported = domain::import::import_resolution(text)
        .map_err(|e| ValidationErrors::single("body", "invalid", e.to_string()))?;
    let published_at = imported
        .posted_at
        .and_then(|local| commune.time_zone.from_local_datetime(&local).earliest())
        .map(|at| at.with_timezone(&Utc))
        .or_else(|| publish.then(Utc::now));
    let fields = ResolutionFields {
        document_number: imported.document_number.clone(),
        title: imported.title.clone(),
        issuing_body: imported.issuing_body.clone(),
        adopted_on: imported.adopted_on,
        effective_on: None,
        abstract_text: None,
        published_at,
        year: imported.year,
        source: imported.source.clone(),
        full_text: imported.full_text.clone(),
    };
    let status = if publish {
        ResolutionStatus::Published
    } else {
        ResolutionStatus::Draft
    };
    let search_text = search_text_of(&fields);
    let id = resolutions::insert(
        conn,
        &NewResolution {
            commune_id: commune.id,
            status,
            fields: &fields,
            search_text: &search_text,
            sections: &imported.sections,
            targets: &imported.targets,
        },
    )?;
    versions::bump(conn, commune.id)?;
    let resolution = resolutions::find(conn, id)?;
    let sections = resolutions::sections(conn, id)?;
    let targets = resolutions::targets_of(conn, id)?;
    let response = ImportResponse {
        resolution: full_response(&resolution, commune, sections),
        targets: targets
            .into_iter()
            .map(|t| TargetResponse::new(t, |_| None))
            .collect(),
        warnings: imported.warnings,
    };
    auditor.record(
        conn,
        resolution_change(
            "resolution.import",
            &resolution,
            None,
            Some(&response.resolution.summary),
        ),
    )?;
    Ok((resolution, response))
}

/// Create a resolution from its fields (its targets are added afterwards).
#[utoipa::path(
    tag = "resolutions",
    security(("bearer" = [])),
    request_body = CreateResolutionRequest,
    responses(
        (status = 201, description = "Created", body = ResolutionResponse),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin or an editor of this commune", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/resolutions")]
pub async fn create_resolution(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    Json(body): Json<CreateResolutionRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = ValidationErrors::new();
    let slug = errors.check("commune", CommuneSlug::parse(&body.commune));
    let title = body.title.trim().to_owned();
    if title.is_empty() {
        errors.add("title", "required", "title must not be empty");
    }
    if let Some(year) = body.year.filter(|y| !(1900..=2200).contains(y)) {
        errors.add(
            "year",
            "out_of_range",
            format!("{year} is not a plausible year"),
        );
    }
    let Some(slug) = slug else {
        return Err(errors.into());
    };
    errors.into_result()?;
    let publish = body.publish.unwrap_or(false);
    let fields = ResolutionFields {
        document_number: trimmed(body.document_number),
        title,
        issuing_body: trimmed(body.issuing_body),
        adopted_on: body.adopted_on,
        effective_on: body.effective_on,
        abstract_text: trimmed(body.abstract_text),
        published_at: publish.then(Utc::now),
        year: body.year,
        source: trimmed(body.source),
        full_text: body.full_text.unwrap_or_default(),
    };
    let auditor = Auditor::for_request(auth.username(), &req);
    let actor = auth.actor();
    let response = state
        .write(move |conn| {
            let commune = commune_for_write(conn, &slug)?;
            if !actor.may_edit(commune.id) {
                return Err(forbidden());
            }
            let status = if publish {
                ResolutionStatus::Published
            } else {
                ResolutionStatus::Draft
            };
            let search_text = search_text_of(&fields);
            let id = resolutions::insert(
                conn,
                &NewResolution {
                    commune_id: commune.id,
                    status,
                    fields: &fields,
                    search_text: &search_text,
                    sections: &[],
                    targets: &[],
                },
            )?;
            versions::bump(conn, commune.id)?;
            let resolution = resolutions::find(conn, id)?;
            let response = full_response(&resolution, &commune, Vec::new());
            auditor.record(
                conn,
                resolution_change(
                    "resolution.create",
                    &resolution,
                    None,
                    Some(&response.summary),
                ),
            )?;
            Ok::<_, ApiError>(response)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "location",
            format!("/api/v1/resolutions/{}", response.summary.id),
        ))
        .json(response))
}

/// Change a resolution: its document fields while it is a draft, and its status (publish a
/// draft, archive a published one). A published resolution is never deleted.
#[utoipa::path(
    tag = "resolutions",
    params(("id" = i64, Path, description = "The resolution's id")),
    security(("bearer" = [])),
    request_body = UpdateResolutionRequest,
    responses(
        (status = 200, description = "Updated", body = ResolutionResponse),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin or an editor of this commune", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resolution", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Fields of a published resolution, or a move its status does not allow", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/resolutions/{id}")]
pub async fn update_resolution(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    id: web::Path<i64>,
    Json(body): Json<UpdateResolutionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let new_status = body
        .status
        .as_deref()
        .map(|raw| {
            ResolutionStatus::parse(raw).ok_or_else(|| {
                ValidationErrors::single(
                    "status",
                    "invalid_format",
                    "must be draft, published or archived",
                )
            })
        })
        .transpose()?;
    let auditor = Auditor::for_request(auth.username(), &req);
    let actor = auth.actor();
    let response = state
        .write(move |conn| {
            let (resolution, commune) = load_for_write(conn, id, &actor)?;
            let before = summary_of(&resolution, &commune);
            let changes_fields = body.title.is_some()
                || body.document_number.is_some()
                || body.issuing_body.is_some()
                || body.adopted_on.is_some()
                || body.effective_on.is_some()
                || body.abstract_text.is_some()
                || body.year.is_some()
                || body.source.is_some();
            if changes_fields && resolution.status != ResolutionStatus::Draft {
                return Err(ApiError::Conflict(
                    "A published resolution is the record: its fields no longer change. Archive it and import a new one.".to_owned(),
                ));
            }
            let status = match (resolution.status, new_status) {
                (current, None) => current,
                (current, Some(next)) if current == next => current,
                (ResolutionStatus::Draft, Some(ResolutionStatus::Published))
                | (ResolutionStatus::Published, Some(ResolutionStatus::Archived)) => new_status.unwrap_or(resolution.status),
                (current, Some(next)) => {
                    return Err(ApiError::Conflict(format!(
                        "A {} resolution cannot become {}.",
                        current.as_str(),
                        next.as_str()
                    )));
                }
            };
            let mut fields = resolution.fields.clone();
            if let Some(title) = body.title {
                let title = title.trim().to_owned();
                if title.is_empty() {
                    return Err(ValidationErrors::single("title", "required", "title must not be empty").into());
                }
                fields.title = title;
            }
            apply(&mut fields.document_number, body.document_number.map(trimmed));
            apply(&mut fields.issuing_body, body.issuing_body.map(trimmed));
            apply(&mut fields.adopted_on, body.adopted_on);
            apply(&mut fields.effective_on, body.effective_on);
            apply(&mut fields.abstract_text, body.abstract_text.map(trimmed));
            apply(&mut fields.year, body.year);
            apply(&mut fields.source, body.source.map(trimmed));
            if status == ResolutionStatus::Published && fields.published_at.is_none() {
                fields.published_at = Some(Utc::now());
            }
            resolutions::update_fields(conn, id, status, &fields, &search_text_of(&fields))?;
            versions::bump(conn, commune.id)?;
            let updated = resolutions::find(conn, id)?;
            let response = full_response(&updated, &commune, resolutions::sections(conn, id)?);
            auditor.record(conn, resolution_change("resolution.update", &updated, Some(&before), Some(&response.summary)))?;
            Ok::<_, ApiError>(response)
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Delete a draft resolution with its targets. Published resolutions are archived instead.
#[utoipa::path(
    tag = "resolutions",
    params(("id" = i64, Path, description = "The resolution's id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin or an editor of this commune", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resolution", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/resolutions/{id}")]
pub async fn delete_resolution(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let auditor = Auditor::for_request(auth.username(), &req);
    let actor = auth.actor();
    state
        .write(move |conn| {
            let (resolution, commune) = load_for_write(conn, id, &actor)?;
            if resolution.status != ResolutionStatus::Draft {
                return Err(ApiError::Conflict(
                    "Only drafts are deleted; archive a published resolution instead.".to_owned(),
                ));
            }
            let before = summary_of(&resolution, &commune);
            resolutions::delete(conn, id)?;
            versions::bump(conn, commune.id)?;
            auditor.record(
                conn,
                resolution_change::<ResolutionSummary>(
                    "resolution.delete",
                    &resolution,
                    Some(&before),
                    None,
                ),
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Add a target to a draft resolution; its measures are read from the text.
#[utoipa::path(
    tag = "resolutions",
    params(("id" = i64, Path, description = "The resolution's id")),
    security(("bearer" = [])),
    request_body = CreateTargetRequest,
    responses(
        (status = 201, description = "Created", body = TargetResponse),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin or an editor of this commune", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resolution", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The number is taken, or the resolution is not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/resolutions/{id}/targets")]
pub async fn create_target(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    id: web::Path<i64>,
    Json(body): Json<CreateTargetRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let text = body.text.trim().to_owned();
    if text.is_empty() {
        return Err(ValidationErrors::single("text", "required", "text must not be empty").into());
    }
    if body
        .number
        .is_some_and(|n| !(1..=MAX_TARGET_NUMBER).contains(&n))
    {
        return Err(ValidationErrors::single(
            "number",
            "out_of_range",
            format!("numbers are 1 to {MAX_TARGET_NUMBER}"),
        )
        .into());
    }
    let auditor = Auditor::for_request(auth.username(), &req);
    let actor = auth.actor();
    let response = state
        .write(move |conn| {
            let (resolution, commune) = load_for_write(conn, id, &actor)?;
            require_draft(&resolution)?;
            let existing = resolutions::targets_of(conn, id)?;
            let next = existing
                .iter()
                .map(|t| t.number)
                .max()
                .unwrap_or(0)
                .saturating_add(1);
            let number = body.number.unwrap_or(next);
            if number > MAX_TARGET_NUMBER {
                return Err(ApiError::Conflict(format!(
                    "A resolution holds at most {MAX_TARGET_NUMBER} targets."
                )));
            }
            let measures = domain::target_parser::parse_measures(&text);
            let target_id = resolutions::insert_target(conn, id, number, &text, &measures)
                .map_err(|e| match e {
                    DbError::Conflict(_) => {
                        ApiError::Conflict(format!("Target {number} already exists."))
                    }
                    other => other.into(),
                })?;
            resolutions::touch(conn, id)?;
            versions::bump(conn, commune.id)?;
            let response =
                TargetResponse::new(resolutions::find_target(conn, target_id)?, |_| None);
            auditor.record(
                conn,
                Change::<TargetResponse, _> {
                    action: "target.create",
                    object_type: "target",
                    object_id: target_id.to_string(),
                    commune_id: Some(commune.id),
                    before: None,
                    after: Some(&response),
                },
            )?;
            Ok::<_, ApiError>(response)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("location", format!("/api/v1/targets/{}", response.id)))
        .json(response))
}

/// Change the wording of a target of a draft resolution (its measures stay; correct them with
/// PATCH /api/v1/measures/{id}).
#[utoipa::path(
    tag = "resolutions",
    params(("id" = i64, Path, description = "The target's id")),
    security(("bearer" = [])),
    request_body = UpdateTargetRequest,
    responses(
        (status = 200, description = "Updated", body = TargetResponse),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin or an editor of this commune", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such target", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The resolution is not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/targets/{id}")]
pub async fn update_target(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    id: web::Path<i64>,
    Json(body): Json<UpdateTargetRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let text = body.text.trim().to_owned();
    if text.is_empty() {
        return Err(ValidationErrors::single("text", "required", "text must not be empty").into());
    }
    let auditor = Auditor::for_request(auth.username(), &req);
    let actor = auth.actor();
    let response = state
        .write(move |conn| {
            let resolution =
                resolutions::resolution_of_target(conn, id).map_err(not_found("Target"))?;
            let (resolution, commune) = load_for_write(conn, resolution.id, &actor)?;
            require_draft(&resolution)?;
            let before = TargetResponse::new(resolutions::find_target(conn, id)?, |_| None);
            resolutions::update_target_text(conn, id, &text)?;
            resolutions::touch(conn, resolution.id)?;
            versions::bump(conn, commune.id)?;
            let after = TargetResponse::new(resolutions::find_target(conn, id)?, |_| None);
            auditor.record(
                conn,
                Change {
                    action: "target.update",
                    object_type: "target",
                    object_id: id.to_string(),
                    commune_id: Some(commune.id),
                    before: Some(&before),
                    after: Some(&after),
                },
            )?;
            Ok::<_, ApiError>(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Correct a measure; this clears `needs_review`. Allowed on published resolutions too: the
/// target's text stays the record, the measure is how it is read.
#[utoipa::path(
    tag = "resolutions",
    params(("id" = i64, Path, description = "The measure's id")),
    security(("bearer" = [])),
    request_body = UpdateMeasureRequest,
    responses(
        (status = 200, description = "Updated", body = MeasureResponse),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin or an editor of this commune", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measure", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid or inconsistent fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/measures/{id}")]
pub async fn update_measure(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    id: web::Path<i64>,
    Json(body): Json<UpdateMeasureRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let auditor = Auditor::for_request(auth.username(), &req);
    let actor = auth.actor();
    let response = state
        .write(move |conn| {
            let stored = resolutions::find_measure(conn, id).map_err(not_found("Measure"))?;
            let resolution = resolutions::resolution_of_target(conn, stored.target_id)?;
            let (resolution, commune) = load_for_write(conn, resolution.id, &actor)?;
            let corrected = corrected_measure(&stored.measure, body)?;
            let before = MeasureResponse::new(stored, None);
            let updated = resolutions::update_measure(conn, id, &corrected)?;
            resolutions::touch(conn, resolution.id)?;
            versions::bump(conn, commune.id)?;
            let after = MeasureResponse::new(updated, None);
            auditor.record(
                conn,
                Change {
                    action: "measure.update",
                    object_type: "measure",
                    object_id: id.to_string(),
                    commune_id: Some(commune.id),
                    before: Some(&before),
                    after: Some(&after),
                },
            )?;
            Ok::<_, ApiError>(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

fn corrected_measure(
    current: &domain::measure::Measure,
    body: UpdateMeasureRequest,
) -> Result<domain::measure::Measure, ApiError> {
    use domain::measure::{Comparator, Direction};
    let mut errors = ValidationErrors::new();
    let mut measure = current.clone();
    if let Some(label) = body.label {
        let label = label.trim().to_owned();
        if label.is_empty() {
            errors.add("label", "required", "label must not be empty");
        }
        measure.label = label;
    }
    if let Some(raw) = body.comparator.as_deref() {
        match Comparator::parse(raw) {
            Some(comparator) => measure.comparator = comparator,
            None => errors.add(
                "comparator",
                "invalid_format",
                "must be gt, gte, lt, lte, eq, between or qualitative",
            ),
        }
    }
    if let Some(raw) = body.direction.as_deref() {
        match Direction::parse(raw) {
            Some(direction) => measure.direction = direction,
            None => errors.add(
                "direction",
                "invalid_format",
                "must be higher_is_better or lower_is_better",
            ),
        }
    }
    apply(&mut measure.value, body.value);
    apply(&mut measure.value_max, body.value_max);
    apply(&mut measure.unit, body.unit.map(trimmed));
    for (field, value) in [("value", measure.value), ("value_max", measure.value_max)] {
        if value.is_some_and(|v| !v.is_finite()) {
            errors.add(field, "invalid", "must be a finite number");
        }
    }
    match measure.comparator {
        Comparator::Qualitative => {
            if measure.value.is_some() || measure.value_max.is_some() {
                errors.add(
                    "value",
                    "invalid_combination",
                    "a qualitative measure has no value",
                );
            }
        }
        Comparator::Between => match (measure.value, measure.value_max) {
            (Some(low), Some(high)) if low <= high => {}
            _ => errors.add(
                "value_max",
                "invalid_combination",
                "between needs value <= value_max",
            ),
        },
        _ => {
            if measure.value.is_none() {
                errors.add("value", "required", "this comparator needs a value");
            }
            if measure.value_max.is_some() {
                errors.add(
                    "value_max",
                    "invalid_combination",
                    "only between has a value_max",
                );
            }
        }
    }
    errors.into_result()?;
    measure.needs_review = false;
    Ok(measure)
}

/// Report a result against a measure. Reports are kept; a new one never overwrites an old one.
#[utoipa::path(
    tag = "resolutions",
    params(("id" = i64, Path, description = "The measure's id")),
    security(("bearer" = [])),
    request_body = ProgressRequest,
    responses(
        (status = 201, description = "Recorded", body = ProgressResponse),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin or an editor of this commune", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measure", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid period, or a result that does not fit the measure", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/measures/{id}/progress")]
pub async fn create_progress(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    id: web::Path<i64>,
    Json(body): Json<ProgressRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let period = parse_period(&body.period)
        .map_err(|e| ValidationErrors::single("period", "invalid_format", e.to_string()))?;
    let outcome = match (body.value, body.achieved) {
        (Some(value), None) => Outcome::Value(value),
        (None, Some(achieved)) => Outcome::Achieved(achieved),
        _ => {
            return Err(ValidationErrors::single(
                "value",
                "invalid_combination",
                "send either value (a number) or achieved (true or false)",
            )
            .into());
        }
    };
    let note = trimmed(body.note);
    let is_final = body.is_final.unwrap_or(false);
    let auditor = Auditor::for_request(auth.username(), &req);
    let actor = auth.actor();
    let reporter = auth.username().to_owned();
    let response = state
        .write(move |conn| {
            let stored = resolutions::find_measure(conn, id).map_err(not_found("Measure"))?;
            let resolution = resolutions::resolution_of_target(conn, stored.target_id)?;
            let (resolution, commune) = load_for_write(conn, resolution.id, &actor)?;
            evaluation::check_outcome(&stored.measure, &outcome).map_err(|e| {
                ValidationErrors::single(
                    if body.value.is_some() {
                        "value"
                    } else {
                        "achieved"
                    },
                    "does_not_fit",
                    e.to_string(),
                )
            })?;
            let record = resolutions::insert_progress(
                conn,
                &NewProgress {
                    measure_id: id,
                    period: &period,
                    value: body.value,
                    achieved: body.achieved,
                    is_final,
                    note: note.as_deref(),
                    reported_by: &reporter,
                },
            )?;
            resolutions::touch(conn, resolution.id)?;
            versions::bump(conn, commune.id)?;
            let response = ProgressResponse::from(record);
            auditor.record(
                conn,
                Change::<ProgressResponse, _> {
                    action: "progress.create",
                    object_type: "progress_report",
                    object_id: response.id.to_string(),
                    commune_id: Some(commune.id),
                    before: None,
                    after: Some(&response),
                },
            )?;
            Ok::<_, ApiError>(response)
        })
        .await?;
    Ok(HttpResponse::Created().json(response))
}

// ---- helpers --------------------------------------------------------------------------------

/// What the caller may see: editors see their commune's drafts, admins everything.
fn visibility_for(auth: Option<&AuthUser>) -> Visibility {
    match auth.map(AuthUser::actor) {
        Some(actor) if actor.is_admin() => Visibility::All,
        Some(actor) if actor.role == domain::user::Role::Editor => actor
            .commune_id
            .map_or(Visibility::Public, Visibility::WithDraftsOf),
        _ => Visibility::Public,
    }
}

/// Answers that depend on who asks (drafts) must not be kept by shared caches.
fn cache_control(authenticated: bool) -> (&'static str, &'static str) {
    if authenticated {
        ("cache-control", "private, no-cache")
    } else {
        ("cache-control", "public, max-age=0, must-revalidate")
    }
}

fn load_visible(
    conn: &mut DbConnection,
    id: i64,
    visibility: Visibility,
) -> Result<(Resolution, Commune), ApiError> {
    let resolution = resolutions::find(conn, id).map_err(not_found("Resolution"))?;
    if !visibility.allows(&resolution) {
        return Err(ApiError::not_found("Resolution"));
    }
    let commune = communes::find(conn, resolution.commune_id)?;
    Ok((resolution, commune))
}

/// The resolution to change; 404 when it does not exist, 403 when it is another commune's
/// (its existence is public once published; drafts of others stay hidden as 404).
fn load_for_write(
    conn: &mut DbConnection,
    id: i64,
    actor: &domain::user::Actor,
) -> Result<(Resolution, Commune), ApiError> {
    let resolution = resolutions::find(conn, id).map_err(not_found("Resolution"))?;
    if !actor.may_edit(resolution.commune_id) {
        return Err(if resolution.status.is_public() {
            forbidden()
        } else {
            ApiError::not_found("Resolution")
        });
    }
    let commune = communes::find(conn, resolution.commune_id)?;
    Ok((resolution, commune))
}

fn require_draft(resolution: &Resolution) -> Result<(), ApiError> {
    if resolution.status == ResolutionStatus::Draft {
        Ok(())
    } else {
        Err(ApiError::Conflict(
            "Targets of a published resolution are the record; they no longer change.".to_owned(),
        ))
    }
}

fn commune_for_write(conn: &mut DbConnection, slug: &CommuneSlug) -> Result<Commune, ApiError> {
    communes::find_by_slug(conn, slug).map_err(|e| match e {
        DbError::NotFound => ValidationErrors::single(
            "commune",
            "unknown",
            format!("no commune has the slug {slug}"),
        )
        .into(),
        other => other.into(),
    })
}

fn forbidden() -> ApiError {
    ApiError::Forbidden(
        "Only an admin or an editor of this commune may change its resolutions.".to_owned(),
    )
}

fn not_found(what: &'static str) -> impl Fn(DbError) -> ApiError {
    move |error| match error {
        DbError::NotFound => ApiError::not_found(what),
        other => other.into(),
    }
}

fn summary(resolution: &Resolution, communes: &HashMap<i64, Commune>) -> ResolutionSummary {
    match communes.get(&resolution.commune_id) {
        Some(commune) => summary_of(resolution, commune),
        None => ResolutionSummary::new(resolution, "", domain::commune::DEFAULT_TIME_ZONE),
    }
}

fn summary_of(resolution: &Resolution, commune: &Commune) -> ResolutionSummary {
    ResolutionSummary::new(resolution, commune.slug.as_str(), commune.time_zone)
}

fn full_response(
    resolution: &Resolution,
    commune: &Commune,
    sections: Vec<domain::records::StoredSection>,
) -> ResolutionResponse {
    ResolutionResponse {
        summary: summary_of(resolution, commune),
        full_text: resolution.fields.full_text.clone(),
        sections: sections.into_iter().map(SectionResponse::from).collect(),
    }
}

fn resolution_change<'a, A: serde::Serialize>(
    action: &'a str,
    resolution: &Resolution,
    before: Option<&'a ResolutionSummary>,
    after: Option<&'a A>,
) -> Change<'a, ResolutionSummary, A> {
    Change {
        action,
        object_type: "resolution",
        object_id: resolution.id.to_string(),
        commune_id: Some(resolution.commune_id),
        before,
        after,
    }
}

/// The folded text a search matches: number, title, body, abstract, issuing body.
fn search_text_of(fields: &ResolutionFields) -> String {
    let parts = [
        fields.document_number.as_deref(),
        Some(fields.title.as_str()),
        fields.issuing_body.as_deref(),
        fields.abstract_text.as_deref(),
        Some(fields.full_text.as_str()),
    ];
    fold(&parts.into_iter().flatten().collect::<Vec<_>>().join(" "))
}

fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn apply<T>(field: &mut Option<T>, change: Option<Option<T>>) {
    if let Some(value) = change {
        *field = value;
    }
}
