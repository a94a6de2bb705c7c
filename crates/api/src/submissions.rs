//! Group commit of citizen submissions. "201" means the item is on disk, and SQLite syncs the
//! log once per commit; so one writer thread takes every submission waiting, stores them in one
//! transaction (each in its own savepoint, so one bad item fails alone) and then answers each.
//! Under load many submissions share a sync; a lone submission waits for nobody.

use std::collections::{HashMap, HashSet};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::Utc;
use chrono_tz::Tz;
use db::audit::AuditEntry;
use db::feedback::{self, FeedbackItem, NewItem};
use db::{Database, DbConnection, DbError, calendar, resolutions};
use domain::calendar::WorkCalendar;
use domain::feedback::{
    Deadlines, FeedbackLimits, FeedbackStatus, NewFeedback, TrackingCode, deadlines_at_receipt,
    due_date, search_text_of,
};
use domain::validation::ValidationErrors;
use tokio::sync::oneshot;

use crate::dto::feedback::FeedbackAuditView;
use crate::error::ApiError;

/// Submissions waiting beyond this many are refused with 503 rather than queued without bound.
const QUEUE_CAPACITY: usize = 8192;
/// The most submissions one transaction stores.
const MAX_BATCH: usize = 512;
/// How many times one submission is tried when it clashes with a stored one.
const ATTEMPTS: usize = 4;

/// A validated submission, ready to store.
#[derive(Debug)]
pub struct Submission {
    pub commune_id: i64,
    pub time_zone: Tz,
    pub feedback: NewFeedback,
    pub resolution_id: Option<i64>,
    pub target_id: Option<i64>,
    /// The `Idempotency-Key` and a hash of the request it came with.
    pub idempotency: Option<(String, String)>,
    pub request_id: Option<String>,
}

#[derive(Debug)]
pub enum Stored {
    Created(Box<FeedbackItem>),
    /// A retry with a known `Idempotency-Key`: the item the first request made.
    Replayed(Box<FeedbackItem>),
}

struct Job {
    submission: Submission,
    reply: oneshot::Sender<Result<Stored, ApiError>>,
}

/// The queue in front of the writer thread. Cloning shares it; the thread ends when the last
/// clone is dropped.
#[derive(Clone)]
pub struct SubmissionQueue {
    sender: SyncSender<Job>,
}

impl SubmissionQueue {
    /// Starts `writers` threads that share the queue. SQLite has one writer connection, so one
    /// thread; on PostgreSQL several transactions commit side by side and each batch waits on
    /// round trips more than on the server.
    pub fn start(db: Database, writers: usize) -> std::io::Result<Self> {
        let (sender, receiver) = sync_channel(QUEUE_CAPACITY);
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..writers.max(1) {
            let (db, receiver) = (db.clone(), receiver.clone());
            std::thread::Builder::new()
                .name(format!("feedback-writer-{n}"))
                .spawn(move || {
                    while let Some(jobs) = next_batch(&receiver) {
                        // A bug that panics fails its batch (each submitter gets a 500, nothing
                        // was committed), not every later submission.
                        let written =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                write_batch(&db, jobs)
                            }));
                        if written.is_err() {
                            tracing::error!("the feedback writer panicked; batch refused");
                        }
                    }
                })?;
        }
        Ok(Self { sender })
    }

    /// Stores the submission durably, or says why not.
    pub async fn submit(&self, submission: Submission) -> Result<Stored, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .try_send(Job { submission, reply })
            .map_err(|error| match error {
                TrySendError::Full(_) => {
                    ApiError::Unavailable("feedback submission queue is full".to_owned())
                }
                TrySendError::Disconnected(_) => {
                    ApiError::Internal("feedback writer has stopped".to_owned())
                }
            })?;
        answer
            .await
            .map_err(|_| ApiError::Internal("feedback writer dropped a submission".to_owned()))?
    }
}

/// Waits for one submission, then takes every other one already waiting (up to a batch).
/// `None` once every sender is gone.
fn next_batch(receiver: &Mutex<Receiver<Job>>) -> Option<Vec<Job>> {
    let receiver = receiver.lock().unwrap_or_else(PoisonError::into_inner);
    let mut jobs = vec![receiver.recv().ok()?];
    while jobs.len() < MAX_BATCH {
        match receiver.try_recv() {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
    Some(jobs)
}

fn write_batch(db: &Database, jobs: Vec<Job>) {
    let submissions: Vec<&Submission> = jobs.iter().map(|job| &job.submission).collect();
    match db.write(|conn| store_batch(conn, &submissions)) {
        Ok(outcomes) => {
            for (job, outcome) in jobs.into_iter().zip(outcomes) {
                let _ = job.reply.send(outcome);
            }
        }
        Err(error) => {
            // Nothing of the batch was committed: every submitter is told so.
            tracing::error!(error = %error, size = jobs.len(), "storing feedback failed");
            let unavailable = matches!(error, DbError::Unavailable(_));
            for job in jobs {
                let _ = job.reply.send(Err(if unavailable {
                    ApiError::Unavailable("database unavailable".to_owned())
                } else {
                    ApiError::Internal("storing feedback failed".to_owned())
                }));
            }
        }
    }
}

/// Why one submission of a batch was not stored; its savepoint is rolled back.
enum ItemFailure {
    Refused(ApiError),
    Storage(DbError),
}

impl From<DbError> for ItemFailure {
    fn from(error: DbError) -> Self {
        Self::Storage(error)
    }
}

fn store_batch(
    conn: &mut DbConnection,
    submissions: &[&Submission],
) -> Result<Vec<Result<Stored, ApiError>>, DbError> {
    let calendar = calendar::work_calendar(conn)?;
    let mut limits = HashMap::new();
    for submission in submissions {
        if let std::collections::hash_map::Entry::Vacant(entry) =
            limits.entry(submission.commune_id)
        {
            entry.insert(feedback::limits_of(conn, submission.commune_id)?);
        }
    }
    let limits_of = |s: &Submission| limits.get(&s.commune_id).copied().unwrap_or_default();
    let keys: Vec<&str> = submissions
        .iter()
        .filter_map(|s| s.idempotency.as_ref().map(|(key, _)| key.as_str()))
        .collect();
    let known_keys = feedback::find_idempotency_keys(conn, &keys)?;

    let mut outcomes: Vec<Option<Result<Stored, ApiError>>> =
        submissions.iter().map(|_| None).collect();
    let mut keys_in_batch = HashSet::new();
    // Stored with one statement per table; the rest each on its own, after them.
    let mut together = Vec::new();
    let mut alone = Vec::new();
    for (index, submission) in submissions.iter().enumerate() {
        if let Some((key, hash)) = &submission.idempotency {
            if let Some((stored_hash, id)) = known_keys.get(key) {
                outcomes[index] = Some(replay(conn, hash, stored_hash, *id)?);
                continue;
            }
            if !keys_in_batch.insert(key.as_str()) {
                // The same key twice in one batch: the second finds the first once stored.
                alone.push(index);
                continue;
            }
        }
        match check_links(conn, submission) {
            Ok(()) => together.push(index),
            Err(ItemFailure::Refused(error)) => outcomes[index] = Some(Err(error)),
            Err(ItemFailure::Storage(error)) => return Err(error),
        }
    }

    let batch: Vec<&Submission> = together.iter().map(|&i| submissions[i]).collect();
    let prepared: Vec<Prepared> = batch
        .iter()
        .map(|s| prepare(s, &calendar, &limits_of(s)))
        .collect();
    match db::savepoint(conn, |conn| store_together(conn, &batch, &prepared)) {
        Ok(items) => {
            for (&index, item) in together.iter().zip(items) {
                outcomes[index] = Some(Ok(Stored::Created(Box::new(item))));
            }
        }
        Err(error @ DbError::Unavailable(_)) => return Err(error),
        // One of them clashed (a taken tracking code, or a key another instance's writer has
        // just stored): each is tried on its own, so only that one is affected.
        Err(_) => alone.extend(&together),
    }
    alone.sort_unstable();
    for index in alone {
        let submission = submissions[index];
        outcomes[index] = Some(store_alone(
            conn,
            submission,
            &calendar,
            &limits_of(submission),
        ));
    }
    Ok(outcomes
        .into_iter()
        .map(|outcome| {
            outcome.unwrap_or_else(|| {
                Err(ApiError::Internal(
                    "a submission was left out of its batch".to_owned(),
                ))
            })
        })
        .collect())
}

/// The answer to a retry: the first request's item, unless the key came with another request.
fn replay(
    conn: &mut DbConnection,
    hash: &str,
    stored_hash: &str,
    id: i64,
) -> Result<Result<Stored, ApiError>, DbError> {
    if hash != stored_hash {
        return Ok(Err(ValidationErrors::single(
            "Idempotency-Key",
            "reused",
            "this key was used with a different request; use a new key for a new submission",
        )
        .into()));
    }
    Ok(Ok(Stored::Replayed(Box::new(feedback::find(conn, id)?))))
}

/// What the writer works out for a submission before storing it.
struct Prepared {
    tracking_code: TrackingCode,
    received_on: chrono::NaiveDate,
    deadlines: Deadlines,
    due: Option<chrono::NaiveDate>,
    search_text: String,
    at: chrono::NaiveDateTime,
}

fn prepare(submission: &Submission, calendar: &WorkCalendar, limits: &FeedbackLimits) -> Prepared {
    let received_on = Utc::now().with_timezone(&submission.time_zone).date_naive();
    let deadlines = deadlines_at_receipt(received_on, limits, calendar);
    let feedback = &submission.feedback;
    Prepared {
        tracking_code: TrackingCode::new(received_on, rand::random()),
        received_on,
        deadlines,
        due: due_date(FeedbackStatus::Received, None, &deadlines),
        search_text: search_text_of(
            &feedback.subject,
            &feedback.content,
            feedback.procedure.as_deref(),
        ),
        at: db::now(),
    }
}

fn new_item<'a>(submission: &'a Submission, prepared: &'a Prepared) -> NewItem<'a> {
    NewItem {
        commune_id: submission.commune_id,
        tracking_code: prepared.tracking_code.as_str(),
        feedback: &submission.feedback,
        resolution_id: submission.resolution_id,
        target_id: submission.target_id,
        received_on: prepared.received_on,
        deadlines: &prepared.deadlines,
        due_date: prepared.due,
        search_text: &prepared.search_text,
        at: prepared.at,
    }
}

/// The audit entry of a submission: its workflow state, never the submitter or the content.
fn audit_entry<'a>(submission: &'a Submission, item: &FeedbackItem) -> AuditEntry<'a> {
    AuditEntry {
        actor: feedback::CITIZEN,
        commune_id: Some(submission.commune_id),
        action: "feedback.submit",
        object_type: "feedback",
        object_id: item.id.to_string(),
        before: None,
        after: serde_json::to_string(&FeedbackAuditView::from(item)).ok(),
        request_id: submission.request_id.as_deref(),
    }
}

/// Stores the submissions with one statement per table.
fn store_together(
    conn: &mut DbConnection,
    submissions: &[&Submission],
    prepared: &[Prepared],
) -> Result<Vec<FeedbackItem>, DbError> {
    let new_items: Vec<NewItem<'_>> = submissions
        .iter()
        .zip(prepared)
        .map(|(s, p)| new_item(s, p))
        .collect();
    let items = feedback::insert_many(conn, &new_items)?;
    let keys: Vec<(&str, &str, i64)> = submissions
        .iter()
        .zip(&items)
        .filter_map(|(s, item)| {
            let (key, hash) = s.idempotency.as_ref()?;
            Some((key.as_str(), hash.as_str(), item.id))
        })
        .collect();
    feedback::insert_idempotency_keys(conn, &keys, db::now())?;
    let entries: Vec<AuditEntry<'_>> = submissions
        .iter()
        .zip(&items)
        .map(|(s, item)| audit_entry(s, item))
        .collect();
    db::audit::record_many(conn, &entries)?;
    Ok(items)
}

/// Stores one submission in its own savepoint, trying again after a clash: a taken tracking
/// code gets a new one, and a key another writer has just stored is found the second time.
fn store_alone(
    conn: &mut DbConnection,
    submission: &Submission,
    calendar: &WorkCalendar,
    limits: &FeedbackLimits,
) -> Result<Stored, ApiError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match db::savepoint(conn, |conn| store_one(conn, submission, calendar, limits)) {
            Ok(stored) => return Ok(stored),
            Err(ItemFailure::Refused(error)) => return Err(error),
            Err(ItemFailure::Storage(DbError::Conflict(_))) if attempt < ATTEMPTS => continue,
            Err(ItemFailure::Storage(error)) => return Err(error.into()),
        }
    }
}

fn store_one(
    conn: &mut DbConnection,
    submission: &Submission,
    calendar: &WorkCalendar,
    limits: &FeedbackLimits,
) -> Result<Stored, ItemFailure> {
    if let Some((key, hash)) = &submission.idempotency {
        if let Some((stored_hash, id)) = feedback::find_idempotency_key(conn, key)? {
            return replay(conn, hash, &stored_hash, id)?.map_err(ItemFailure::Refused);
        }
    }
    check_links(conn, submission)?;
    let prepared = prepare(submission, calendar, limits);
    let item = store_together(conn, &[submission], &[prepared])?
        .pop()
        .ok_or_else(|| DbError::Corrupt("a stored submission went missing".to_owned()))?;
    Ok(Stored::Created(Box::new(item)))
}

/// A linked resolution or target must be a public one of the same commune.
fn check_links(conn: &mut DbConnection, submission: &Submission) -> Result<(), ItemFailure> {
    let refuse = |field: &str, message: &str| {
        ItemFailure::Refused(ValidationErrors::single(field, "not_found", message).into())
    };
    if let Some(resolution_id) = submission.resolution_id {
        match resolutions::find(conn, resolution_id) {
            Ok(r) if r.commune_id == submission.commune_id && r.status.is_public() => {}
            Ok(_) | Err(DbError::NotFound) => {
                return Err(refuse(
                    "resolution_id",
                    "no published resolution of this commune has this id",
                ));
            }
            Err(other) => return Err(other.into()),
        }
    }
    if let Some(target_id) = submission.target_id {
        match resolutions::resolution_of_target(conn, target_id) {
            Ok(r)
                if r.commune_id == submission.commune_id
                    && r.status.is_public()
                    && submission.resolution_id.is_none_or(|id| id == r.id) => {}
            Ok(_) | Err(DbError::NotFound) => {
                return Err(refuse(
                    "target_id",
                    "no target of a published resolution of this commune (and of resolution_id, when given) has this id",
                ));
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}
