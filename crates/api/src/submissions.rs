//! Group commit of citizen submissions. "201" means the item is on disk, and SQLite syncs the
//! log once per commit; so one writer thread takes every submission waiting, stores them in one
//! transaction (each in its own savepoint, so one bad item fails alone) and then answers each.
//! Under load many submissions share a sync; a lone submission waits for nobody.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

use chrono::Utc;
use chrono_tz::Tz;
use db::audit::AuditEntry;
use db::feedback::{self, FeedbackItem, NewItem};
use db::{Database, DbConnection, DbError, calendar, resolutions};
use domain::calendar::WorkCalendar;
use domain::feedback::{
    FeedbackLimits, FeedbackStatus, NewFeedback, TrackingCode, deadlines_at_receipt, due_date,
};
use domain::validation::ValidationErrors;
use tokio::sync::oneshot;

use crate::dto::feedback::FeedbackAuditView;
use crate::error::ApiError;

/// Submissions waiting beyond this many are refused with 503 rather than queued without bound.
const QUEUE_CAPACITY: usize = 8192;
/// The most submissions one transaction stores.
const MAX_BATCH: usize = 512;
/// Tracking codes are random; a clash with an existing one is retried this many times.
const CODE_ATTEMPTS: usize = 4;

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
    pub fn start(db: Database) -> std::io::Result<Self> {
        let (sender, receiver) = sync_channel(QUEUE_CAPACITY);
        std::thread::Builder::new()
            .name("feedback-writer".to_owned())
            .spawn(move || write_batches(&db, &receiver))?;
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

fn write_batches(db: &Database, receiver: &Receiver<Job>) {
    while let Ok(first) = receiver.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
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
    let mut outcomes = Vec::with_capacity(submissions.len());
    for submission in submissions {
        let commune_limits = match limits.get(&submission.commune_id) {
            Some(found) => *found,
            None => {
                let found = feedback::limits_of(conn, submission.commune_id)?;
                limits.insert(submission.commune_id, found);
                found
            }
        };
        let outcome = db::savepoint(conn, |conn| {
            store_one(conn, submission, &calendar, &commune_limits)
        });
        outcomes.push(match outcome {
            Ok(stored) => Ok(stored),
            Err(ItemFailure::Refused(error)) => Err(error),
            Err(ItemFailure::Storage(error)) => Err(error.into()),
        });
    }
    Ok(outcomes)
}

fn store_one(
    conn: &mut DbConnection,
    submission: &Submission,
    calendar: &WorkCalendar,
    limits: &FeedbackLimits,
) -> Result<Stored, ItemFailure> {
    if let Some((key, hash)) = &submission.idempotency {
        if let Some((stored_hash, id)) = feedback::find_idempotency_key(conn, key)? {
            if &stored_hash != hash {
                return Err(ItemFailure::Refused(
                    ValidationErrors::single(
                        "Idempotency-Key",
                        "reused",
                        "this key was used with a different request; use a new key for a new submission",
                    )
                    .into(),
                ));
            }
            return Ok(Stored::Replayed(Box::new(feedback::find(conn, id)?)));
        }
    }
    check_links(conn, submission)?;
    let now = Utc::now();
    let at = db::now();
    let received_on = now.with_timezone(&submission.time_zone).date_naive();
    let deadlines = deadlines_at_receipt(received_on, limits, calendar);
    let due = due_date(FeedbackStatus::Received, None, &deadlines);
    let search_text = domain::text::fold(&format!(
        "{} {} {}",
        submission.feedback.subject,
        submission.feedback.content,
        submission.feedback.procedure.as_deref().unwrap_or_default()
    ));
    let mut attempt = 0;
    let id = loop {
        attempt += 1;
        let code = TrackingCode::new(received_on, rand::random());
        let item = NewItem {
            commune_id: submission.commune_id,
            tracking_code: code.as_str(),
            feedback: &submission.feedback,
            resolution_id: submission.resolution_id,
            target_id: submission.target_id,
            received_on,
            deadlines: &deadlines,
            due_date: due,
            search_text: &search_text,
            at,
        };
        match db::savepoint(conn, |conn| feedback::insert(conn, &item)) {
            Ok(id) => break id,
            Err(DbError::Conflict(constraint))
                if constraint.contains("tracking_code") && attempt < CODE_ATTEMPTS =>
            {
                continue;
            }
            Err(other) => return Err(other.into()),
        }
    };
    if let Some((key, hash)) = &submission.idempotency {
        feedback::insert_idempotency_key(conn, key, hash, id, at)?;
    }
    let item = feedback::find(conn, id)?;
    let after = serde_json::to_string(&FeedbackAuditView::from(&item)).ok();
    db::audit::record(
        conn,
        &AuditEntry {
            actor: feedback::CITIZEN,
            commune_id: Some(submission.commune_id),
            action: "feedback.submit",
            object_type: "feedback",
            object_id: id.to_string(),
            before: None,
            after,
            request_id: submission.request_id.as_deref(),
        },
    )?;
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
