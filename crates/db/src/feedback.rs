//! Citizen feedback: the items, their submitters' personal data (kept in its own table), the
//! history of every change, each read of personal data, and submission idempotency keys.

use std::collections::HashMap;

use chrono::{DateTime, Months, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::feedback::{
    Classification, Deadlines, FeedbackKind, FeedbackStatus, NewFeedback, content_after_erasure,
    search_text_of,
};
use domain::page::{PageRequest, Paged};

use crate::schema::{
    communes, feedback, feedback_history, feedback_submitters, idempotency_keys,
    personal_data_reads,
};
use crate::{DbConnection, DbError, to_stored, to_utc};

type Db = <DbConnection as Connection>::Backend;

/// An item as stored, without its submitter.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackItem {
    pub id: i64,
    pub commune_id: i64,
    pub tracking_code: String,
    pub kind: FeedbackKind,
    pub subject: String,
    pub content: String,
    pub public_subject: Option<String>,
    pub public_content: Option<String>,
    pub procedure: Option<String>,
    pub resolution_id: Option<i64>,
    pub target_id: Option<i64>,
    pub allow_publication: bool,
    pub status: FeedbackStatus,
    pub classification: Option<Classification>,
    pub reason: Option<String>,
    pub forwarded_to: Option<String>,
    pub assignee_id: Option<i64>,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub personal_data_erased_at: Option<DateTime<Utc>>,
    pub received_on: NaiveDate,
    pub deadlines: Deadlines,
    pub due_date: Option<NaiveDate>,
    pub closed_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The submitter's personal data as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSubmitter {
    pub name: String,
    pub address: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// One change in an item's life.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    /// A username, or `citizen` for the submission.
    pub actor: String,
    pub from: Option<FeedbackStatus>,
    pub to: FeedbackStatus,
    pub note: Option<String>,
}

// Diesel's tuples stop at 16 columns, so an item is read in three parts.
type ContentColumns = (
    feedback::id,
    feedback::commune_id,
    feedback::tracking_code,
    feedback::kind,
    feedback::subject,
    feedback::content,
    feedback::public_subject,
    feedback::public_content,
    feedback::procedure_name,
    feedback::resolution_id,
    feedback::target_id,
    feedback::allow_publication,
);
type WorkflowColumns = (
    feedback::status,
    feedback::classification,
    feedback::reason,
    feedback::forwarded_to,
    feedback::assignee_id,
    feedback::answer,
    feedback::answered_at,
    feedback::personal_data_erased_at,
);
type DateColumns = (
    feedback::received_on,
    feedback::classify_by,
    feedback::forward_by,
    feedback::answer_by,
    feedback::due_date,
    feedback::closed_at,
    feedback::published_at,
    feedback::created_at,
    feedback::updated_at,
);

const ITEM: (ContentColumns, WorkflowColumns, DateColumns) = (
    (
        feedback::id,
        feedback::commune_id,
        feedback::tracking_code,
        feedback::kind,
        feedback::subject,
        feedback::content,
        feedback::public_subject,
        feedback::public_content,
        feedback::procedure_name,
        feedback::resolution_id,
        feedback::target_id,
        feedback::allow_publication,
    ),
    (
        feedback::status,
        feedback::classification,
        feedback::reason,
        feedback::forwarded_to,
        feedback::assignee_id,
        feedback::answer,
        feedback::answered_at,
        feedback::personal_data_erased_at,
    ),
    (
        feedback::received_on,
        feedback::classify_by,
        feedback::forward_by,
        feedback::answer_by,
        feedback::due_date,
        feedback::closed_at,
        feedback::published_at,
        feedback::created_at,
        feedback::updated_at,
    ),
);

#[derive(Queryable)]
struct ContentPart {
    id: i64,
    commune_id: i64,
    tracking_code: String,
    kind: String,
    subject: String,
    content: String,
    public_subject: Option<String>,
    public_content: Option<String>,
    procedure: Option<String>,
    resolution_id: Option<i64>,
    target_id: Option<i64>,
    allow_publication: bool,
}

#[derive(Queryable)]
struct WorkflowPart {
    status: String,
    classification: Option<String>,
    reason: Option<String>,
    forwarded_to: Option<String>,
    assignee_id: Option<i64>,
    answer: Option<String>,
    answered_at: Option<NaiveDateTime>,
    personal_data_erased_at: Option<NaiveDateTime>,
}

#[derive(Queryable)]
struct DatePart {
    received_on: NaiveDate,
    classify_by: NaiveDate,
    forward_by: Option<NaiveDate>,
    answer_by: Option<NaiveDate>,
    due_date: Option<NaiveDate>,
    closed_at: Option<NaiveDateTime>,
    published_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

type ItemRow = (ContentPart, WorkflowPart, DatePart);

fn item_from_row((c, w, d): ItemRow) -> Result<FeedbackItem, DbError> {
    let corrupt = |what: &str| DbError::Corrupt(format!("feedback {} {what}", c.id));
    let kind = FeedbackKind::parse(&c.kind).ok_or_else(|| corrupt("kind"))?;
    let status = FeedbackStatus::parse(&w.status).ok_or_else(|| corrupt("status"))?;
    let classification = match w.classification.as_deref() {
        None => None,
        Some(raw) => Some(Classification::parse(raw).ok_or_else(|| corrupt("classification"))?),
    };
    Ok(FeedbackItem {
        id: c.id,
        commune_id: c.commune_id,
        tracking_code: c.tracking_code,
        kind,
        subject: c.subject,
        content: c.content,
        public_subject: c.public_subject,
        public_content: c.public_content,
        procedure: c.procedure,
        resolution_id: c.resolution_id,
        target_id: c.target_id,
        allow_publication: c.allow_publication,
        status,
        classification,
        reason: w.reason,
        forwarded_to: w.forwarded_to,
        assignee_id: w.assignee_id,
        answer: w.answer,
        answered_at: w.answered_at.map(to_utc),
        personal_data_erased_at: w.personal_data_erased_at.map(to_utc),
        received_on: d.received_on,
        deadlines: Deadlines {
            classify_by: d.classify_by,
            forward_by: d.forward_by,
            answer_by: d.answer_by,
        },
        due_date: d.due_date,
        closed_at: d.closed_at.map(to_utc),
        published_at: d.published_at.map(to_utc),
        created_at: to_utc(d.created_at),
        updated_at: to_utc(d.updated_at),
    })
}

/// A submission to store, with what the API worked out for it.
#[derive(Debug, Clone)]
pub struct NewItem<'a> {
    pub commune_id: i64,
    pub tracking_code: &'a str,
    pub feedback: &'a NewFeedback,
    pub resolution_id: Option<i64>,
    pub target_id: Option<i64>,
    pub received_on: NaiveDate,
    pub deadlines: &'a Deadlines,
    pub due_date: Option<NaiveDate>,
    /// Subject, content and procedure folded for search.
    pub search_text: &'a str,
    pub at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = feedback, treat_none_as_default_value = false)]
struct NewContentRow<'a> {
    commune_id: i64,
    tracking_code: &'a str,
    kind: &'a str,
    subject: &'a str,
    content: &'a str,
    procedure_name: Option<&'a str>,
    resolution_id: Option<i64>,
    target_id: Option<i64>,
    allow_publication: bool,
    status: &'a str,
    search_text: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = feedback, treat_none_as_default_value = false)]
struct NewDatesRow {
    received_on: NaiveDate,
    classify_by: NaiveDate,
    forward_by: Option<NaiveDate>,
    answer_by: Option<NaiveDate>,
    due_date: Option<NaiveDate>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = feedback, treat_none_as_default_value = false)]
struct NewItemRow<'a> {
    #[diesel(embed)]
    content: NewContentRow<'a>,
    #[diesel(embed)]
    dates: NewDatesRow,
}

/// The actor of history entries made by a submission: never the submitter's name.
pub const CITIZEN: &str = "citizen";

/// Stores a submission, its submitter and its first history entry, and returns the item as
/// stored (without reading it back: every statement counts when submissions arrive in
/// thousands). A taken tracking code is a `Conflict` naming the tracking code.
pub fn insert(conn: &mut DbConnection, item: &NewItem<'_>) -> Result<FeedbackItem, DbError> {
    insert_many(conn, std::slice::from_ref(item))?
        .pop()
        .ok_or_else(|| DbError::Corrupt("insert returned no feedback".to_owned()))
}

fn new_item_row<'a>(item: &'a NewItem<'a>) -> NewItemRow<'a> {
    let submission = item.feedback;
    NewItemRow {
        content: NewContentRow {
            commune_id: item.commune_id,
            tracking_code: item.tracking_code,
            kind: submission.kind.as_str(),
            subject: &submission.subject,
            content: &submission.content,
            procedure_name: submission.procedure.as_deref(),
            resolution_id: item.resolution_id,
            target_id: item.target_id,
            allow_publication: submission.allow_publication,
            status: FeedbackStatus::Received.as_str(),
            search_text: item.search_text,
        },
        dates: NewDatesRow {
            received_on: item.received_on,
            classify_by: item.deadlines.classify_by,
            forward_by: item.deadlines.forward_by,
            answer_by: item.deadlines.answer_by,
            due_date: item.due_date,
            created_at: item.at,
            updated_at: item.at,
        },
    }
}

/// A submission as stored, without reading it back.
fn received_item(id: i64, item: &NewItem<'_>) -> FeedbackItem {
    let submission = item.feedback;
    FeedbackItem {
        id,
        commune_id: item.commune_id,
        tracking_code: item.tracking_code.to_owned(),
        kind: submission.kind,
        subject: submission.subject.clone(),
        content: submission.content.clone(),
        public_subject: None,
        public_content: None,
        procedure: submission.procedure.clone(),
        resolution_id: item.resolution_id,
        target_id: item.target_id,
        allow_publication: submission.allow_publication,
        status: FeedbackStatus::Received,
        classification: None,
        reason: None,
        forwarded_to: None,
        assignee_id: None,
        answer: None,
        answered_at: None,
        personal_data_erased_at: None,
        received_on: item.received_on,
        deadlines: *item.deadlines,
        due_date: item.due_date,
        closed_at: None,
        published_at: None,
        created_at: to_utc(item.at),
        updated_at: to_utc(item.at),
    }
}

/// Stores many submissions with one statement per table: all of them, or none (an error leaves
/// the transaction to be rolled back, or a savepoint around it). Returns them in order.
pub fn insert_many(
    conn: &mut DbConnection,
    items: &[NewItem<'_>],
) -> Result<Vec<FeedbackItem>, DbError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<NewItemRow<'_>> = items.iter().map(new_item_row).collect();
    // get_results, not get_result: see STACK notes on SQLite's WAL.
    let stored: Vec<(i64, String)> = crate::on_either_backend!(conn, |conn| {
        diesel::insert_into(feedback::table)
            .values(&rows)
            .returning((feedback::id, feedback::tracking_code))
            .get_results(conn)
    })?;
    let ids: HashMap<String, i64> = stored.into_iter().map(|(id, code)| (code, id)).collect();
    let stored: Vec<FeedbackItem> = items
        .iter()
        .map(|item| {
            ids.get(item.tracking_code)
                .map(|&id| received_item(id, item))
                .ok_or_else(|| DbError::Corrupt("a stored submission has no id".to_owned()))
        })
        .collect::<Result<_, _>>()?;
    let submitters: Vec<_> = items
        .iter()
        .zip(&stored)
        .map(|(item, stored)| {
            let submitter = &item.feedback.submitter;
            (
                feedback_submitters::feedback_id.eq(stored.id),
                feedback_submitters::name.eq(&submitter.name),
                feedback_submitters::address.eq(&submitter.address),
                feedback_submitters::phone.eq(submitter.phone.as_ref().map(|p| p.as_str())),
                feedback_submitters::email.eq(submitter.email.as_ref().map(|e| e.as_str())),
            )
        })
        .collect();
    crate::on_either_backend!(conn, |conn| {
        diesel::insert_into(feedback_submitters::table)
            .values(&submitters)
            .execute(conn)
    })?;
    let history: Vec<_> = items
        .iter()
        .zip(&stored)
        .map(|(item, stored)| {
            (
                feedback_history::feedback_id.eq(stored.id),
                feedback_history::at.eq(item.at),
                feedback_history::actor.eq(CITIZEN),
                feedback_history::to_status.eq(FeedbackStatus::Received.as_str()),
            )
        })
        .collect();
    crate::on_either_backend!(conn, |conn| {
        diesel::insert_into(feedback_history::table)
            .values(&history)
            .execute(conn)
    })?;
    Ok(stored)
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<FeedbackItem, DbError> {
    let row: ItemRow = feedback::table.find(id).select(ITEM).first(conn)?;
    item_from_row(row)
}

pub fn find_by_code(conn: &mut DbConnection, code: &str) -> Result<FeedbackItem, DbError> {
    let row: ItemRow = feedback::table
        .filter(feedback::tracking_code.eq(code))
        .select(ITEM)
        .first(conn)?;
    item_from_row(row)
}

/// Which items a list shows.
#[derive(Debug, Clone, Default)]
pub struct FeedbackFilter {
    pub commune_id: Option<i64>,
    /// The public list: published items only, newest publication first.
    pub published_only: bool,
    pub status: Option<FeedbackStatus>,
    pub classification: Option<Classification>,
    /// Only items whose next deadline is before this day.
    pub due_before: Option<NaiveDate>,
    pub assignee_id: Option<i64>,
    /// Folded search words; every one must appear.
    pub words: Vec<String>,
    /// Only items changed after this instant, in change order, for sync.
    pub updated_since: Option<DateTime<Utc>>,
}

/// Lists items: the public list by publication, newest first; officials' lists by receipt,
/// newest first; with `updated_since`, in change order.
pub fn list(
    conn: &mut DbConnection,
    filter: &FeedbackFilter,
    page: PageRequest,
) -> Result<Paged<FeedbackItem>, DbError> {
    let filtered = || {
        let mut query = feedback::table.into_boxed::<Db>();
        if let Some(commune_id) = filter.commune_id {
            query = query.filter(feedback::commune_id.eq(commune_id));
        }
        if filter.published_only {
            query = query.filter(feedback::status.eq(FeedbackStatus::Published.as_str()));
        }
        if let Some(status) = filter.status {
            query = query.filter(feedback::status.eq(status.as_str()));
        }
        if let Some(classification) = filter.classification {
            query = query.filter(feedback::classification.eq(classification.as_str()));
        }
        if let Some(day) = filter.due_before {
            query = query.filter(feedback::due_date.lt(day));
        }
        if let Some(assignee) = filter.assignee_id {
            query = query.filter(feedback::assignee_id.eq(assignee));
        }
        for word in &filter.words {
            let pattern = format!("%{}%", escape_like(word));
            // The public search sees only the public versions, never what officials removed.
            query = if filter.published_only {
                query.filter(feedback::public_search_text.like(pattern).escape('\\'))
            } else {
                query.filter(feedback::search_text.like(pattern).escape('\\'))
            };
        }
        if let Some(since) = filter.updated_since {
            query = query.filter(feedback::updated_at.gt(to_stored(since)));
        }
        query
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let ordered = if filter.updated_since.is_some() {
        filtered().order((feedback::updated_at.asc(), feedback::id.asc()))
    } else if filter.published_only {
        filtered().order((feedback::published_at.desc(), feedback::id.desc()))
    } else {
        filtered().order((feedback::created_at.desc(), feedback::id.desc()))
    };
    let rows: Vec<ItemRow> = ordered
        .select(ITEM)
        .offset(page.offset())
        .limit(page.limit())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(item_from_row)
        .collect::<Result<_, _>>()?;
    Ok(Paged {
        items,
        total,
        request: page,
    })
}

/// `%` and `_` in a search word match themselves.
fn escape_like(word: &str) -> String {
    word.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The submitters of the given items; erased ones are missing.
pub fn submitters_of(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<HashMap<i64, StoredSubmitter>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<SubmitterRow> = feedback_submitters::table
        .filter(feedback_submitters::feedback_id.eq_any(ids))
        .select((
            feedback_submitters::feedback_id,
            feedback_submitters::name,
            feedback_submitters::address,
            feedback_submitters::phone,
            feedback_submitters::email,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let submitter = StoredSubmitter {
                name: row.name,
                address: row.address,
                phone: row.phone,
                email: row.email,
            };
            (row.feedback_id, submitter)
        })
        .collect())
}

#[derive(Queryable)]
struct SubmitterRow {
    feedback_id: i64,
    name: String,
    address: String,
    phone: Option<String>,
    email: Option<String>,
}

#[derive(Queryable)]
struct HistoryRow {
    at: NaiveDateTime,
    actor: String,
    from: Option<String>,
    to: String,
    note: Option<String>,
}

/// The item's history, oldest first.
pub fn history(conn: &mut DbConnection, id: i64) -> Result<Vec<HistoryEntry>, DbError> {
    let rows: Vec<HistoryRow> = feedback_history::table
        .filter(feedback_history::feedback_id.eq(id))
        .order(feedback_history::id.asc())
        .select((
            feedback_history::at,
            feedback_history::actor,
            feedback_history::from_status,
            feedback_history::to_status,
            feedback_history::note,
        ))
        .load(conn)?;
    let status = |raw: &str| {
        FeedbackStatus::parse(raw)
            .ok_or_else(|| DbError::Corrupt(format!("feedback {id} history status")))
    };
    rows.into_iter()
        .map(|row| {
            Ok(HistoryEntry {
                at: to_utc(row.at),
                actor: row.actor,
                from: row.from.as_deref().map(status).transpose()?,
                to: status(&row.to)?,
                note: row.note,
            })
        })
        .collect()
}

/// Appends a change to the item's history.
pub fn append_history(
    conn: &mut DbConnection,
    id: i64,
    at: NaiveDateTime,
    actor: &str,
    from: Option<FeedbackStatus>,
    to: FeedbackStatus,
    note: Option<&str>,
) -> Result<(), DbError> {
    diesel::insert_into(feedback_history::table)
        .values((
            feedback_history::feedback_id.eq(id),
            feedback_history::at.eq(at),
            feedback_history::actor.eq(actor),
            feedback_history::from_status.eq(from.map(FeedbackStatus::as_str)),
            feedback_history::to_status.eq(to.as_str()),
            feedback_history::note.eq(note),
        ))
        .execute(conn)?;
    Ok(())
}

/// Fields of an item to change; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ItemChanges {
    pub status: Option<FeedbackStatus>,
    pub classification: Option<Option<Classification>>,
    pub reason: Option<Option<String>>,
    pub forwarded_to: Option<Option<String>>,
    pub assignee_id: Option<Option<i64>>,
    pub public_subject: Option<Option<String>>,
    pub public_content: Option<Option<String>>,
    pub public_search_text: Option<Option<String>>,
    /// Only when personal data is erased from the content.
    pub content: Option<String>,
    pub search_text: Option<String>,
    pub answer: Option<Option<String>>,
    pub answered_at: Option<Option<DateTime<Utc>>>,
    pub forward_by: Option<Option<NaiveDate>>,
    pub due_date: Option<Option<NaiveDate>>,
    pub closed_at: Option<Option<DateTime<Utc>>>,
    pub published_at: Option<Option<DateTime<Utc>>>,
}

#[derive(AsChangeset)]
#[diesel(table_name = feedback)]
struct ChangesRow {
    status: Option<&'static str>,
    classification: Option<Option<&'static str>>,
    reason: Option<Option<String>>,
    forwarded_to: Option<Option<String>>,
    assignee_id: Option<Option<i64>>,
    public_subject: Option<Option<String>>,
    public_content: Option<Option<String>>,
    public_search_text: Option<Option<String>>,
    content: Option<String>,
    search_text: Option<String>,
    answer: Option<Option<String>>,
    answered_at: Option<Option<NaiveDateTime>>,
    forward_by: Option<Option<NaiveDate>>,
    due_date: Option<Option<NaiveDate>>,
    closed_at: Option<Option<NaiveDateTime>>,
    published_at: Option<Option<NaiveDateTime>>,
    updated_at: NaiveDateTime,
}

/// Applies the changes and moves `updated_at`, provided the item is still in the status the
/// caller decided from; returns false when it no longer is (another official moved it), so two
/// concurrent moves cannot both pass the workflow's check.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    expected: FeedbackStatus,
    changes: ItemChanges,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let stored = |t: Option<Option<DateTime<Utc>>>| t.map(|t| t.map(to_stored));
    let row = ChangesRow {
        status: changes.status.map(FeedbackStatus::as_str),
        classification: changes
            .classification
            .map(|c| c.map(Classification::as_str)),
        reason: changes.reason,
        forwarded_to: changes.forwarded_to,
        assignee_id: changes.assignee_id,
        public_subject: changes.public_subject,
        public_content: changes.public_content,
        public_search_text: changes.public_search_text,
        content: changes.content,
        search_text: changes.search_text,
        answer: changes.answer,
        answered_at: stored(changes.answered_at),
        forward_by: changes.forward_by,
        due_date: changes.due_date,
        closed_at: stored(changes.closed_at),
        published_at: stored(changes.published_at),
        updated_at: at,
    };
    let updated = diesel::update(
        feedback::table
            .find(id)
            .filter(feedback::status.eq(expected.as_str())),
    )
    .set(&row)
    .execute(conn)?;
    Ok(updated == 1)
}

/// Records that `actor` was shown the personal data of these items.
pub fn record_reads(
    conn: &mut DbConnection,
    ids: &[i64],
    actor: &str,
    request_id: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    if ids.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = ids
        .iter()
        .map(|&id| {
            (
                personal_data_reads::feedback_id.eq(id),
                personal_data_reads::at.eq(at),
                personal_data_reads::actor.eq(actor),
                personal_data_reads::request_id.eq(request_id),
            )
        })
        .collect();
    // One statement for a whole page: officials' lists record up to 100 reads each.
    crate::on_either_backend!(conn, |conn| {
        diesel::insert_into(personal_data_reads::table)
            .values(&rows)
            .execute(conn)
    })?;
    Ok(())
}

/// Who read the item's personal data and when, oldest first.
pub fn reads_of(conn: &mut DbConnection, id: i64) -> Result<Vec<(DateTime<Utc>, String)>, DbError> {
    let rows: Vec<(NaiveDateTime, String)> = personal_data_reads::table
        .filter(personal_data_reads::feedback_id.eq(id))
        .order(personal_data_reads::id.asc())
        .select((personal_data_reads::at, personal_data_reads::actor))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(at, actor)| (to_utc(at), actor))
        .collect())
}

/// Erases the submitter's personal data and notes it in the history; the item stays. Returns
/// false when it was already erased.
pub fn erase_personal_data(
    conn: &mut DbConnection,
    id: i64,
    actor: &str,
    note: &str,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let item = find(conn, id)?;
    // What the citizen typed may hold personal details too: it gives way to the public version.
    let content = content_after_erasure(item.public_content.as_deref());
    let search_text = search_text_of(&item.subject, &content, item.procedure.as_deref());
    // Conditional, so instances erasing at the same time record it once.
    let erased = diesel::update(
        feedback::table
            .find(id)
            .filter(feedback::personal_data_erased_at.is_null()),
    )
    .set((
        feedback::personal_data_erased_at.eq(Some(at)),
        feedback::content.eq(&content),
        feedback::search_text.eq(&search_text),
        feedback::updated_at.eq(at),
    ))
    .execute(conn)?;
    if erased == 0 {
        return Ok(false);
    }
    diesel::delete(feedback_submitters::table.find(id)).execute(conn)?;
    append_history(
        conn,
        id,
        at,
        actor,
        Some(item.status),
        item.status,
        Some(note),
    )?;
    Ok(true)
}

/// Erases the personal data of every item closed longer ago than its commune's retention
/// period; returns the ids erased.
pub fn erase_expired(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    actor: &str,
) -> Result<Vec<i64>, DbError> {
    let retention: Vec<(i64, i32)> = communes::table
        .select((communes::id, communes::feedback_retention_months))
        .load(conn)?;
    let now = to_stored(now);
    let mut erased = Vec::new();
    for (commune_id, months) in retention {
        let Some(cutoff) = now.checked_sub_months(Months::new(u32::try_from(months).unwrap_or(0)))
        else {
            continue;
        };
        let expired: Vec<i64> = feedback::table
            .filter(feedback::commune_id.eq(commune_id))
            .filter(feedback::personal_data_erased_at.is_null())
            .filter(feedback::closed_at.le(cutoff))
            .select(feedback::id)
            .load(conn)?;
        for id in expired {
            if erase_personal_data(conn, id, actor, "retention period ended", now)? {
                erased.push(id);
            }
        }
    }
    Ok(erased)
}

/// The request hash and item of an idempotency key, if the key was used.
pub fn find_idempotency_key(
    conn: &mut DbConnection,
    key: &str,
) -> Result<Option<(String, i64)>, DbError> {
    Ok(find_idempotency_keys(conn, &[key])?.remove(key))
}

pub fn insert_idempotency_key(
    conn: &mut DbConnection,
    key: &str,
    request_hash: &str,
    feedback_id: i64,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    insert_idempotency_keys(conn, &[(key, request_hash, feedback_id)], at)
}

/// Stores many idempotency keys with one statement.
pub fn insert_idempotency_keys(
    conn: &mut DbConnection,
    keys: &[(&str, &str, i64)],
    at: NaiveDateTime,
) -> Result<(), DbError> {
    if keys.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = keys
        .iter()
        .map(|&(key, hash, id)| {
            (
                idempotency_keys::key.eq(key),
                idempotency_keys::request_hash.eq(hash),
                idempotency_keys::feedback_id.eq(id),
                idempotency_keys::created_at.eq(at),
            )
        })
        .collect();
    crate::on_either_backend!(conn, |conn| {
        diesel::insert_into(idempotency_keys::table)
            .values(&rows)
            .execute(conn)
    })?;
    Ok(())
}

/// The request hashes and items of the idempotency keys already used among `keys`.
pub fn find_idempotency_keys(
    conn: &mut DbConnection,
    keys: &[&str],
) -> Result<HashMap<String, (String, i64)>, DbError> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, String, i64)> = idempotency_keys::table
        .filter(idempotency_keys::key.eq_any(keys))
        .select((
            idempotency_keys::key,
            idempotency_keys::request_hash,
            idempotency_keys::feedback_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(key, hash, id)| (key, (hash, id)))
        .collect())
}

/// Forgets idempotency keys made before `before`; returns how many.
pub fn purge_idempotency_keys(
    conn: &mut DbConnection,
    before: DateTime<Utc>,
) -> Result<usize, DbError> {
    Ok(diesel::delete(
        idempotency_keys::table.filter(idempotency_keys::created_at.lt(to_stored(before))),
    )
    .execute(conn)?)
}

/// The commune's feedback settings: deadlines in working days and retention in months.
pub fn limits_of(
    conn: &mut DbConnection,
    commune_id: i64,
) -> Result<domain::feedback::FeedbackLimits, DbError> {
    let (classify, forward, answer, retention): (i32, i32, i32, i32) = communes::table
        .find(commune_id)
        .select((
            communes::feedback_classify_days,
            communes::feedback_forward_days,
            communes::feedback_answer_days,
            communes::feedback_retention_months,
        ))
        .first(conn)?;
    let count = |n: i32| u32::try_from(n).unwrap_or(0);
    Ok(domain::feedback::FeedbackLimits {
        classify_days: count(classify),
        forward_days: count(forward),
        answer_days: count(answer),
        retention_months: count(retention),
    })
}

pub fn set_limits(
    conn: &mut DbConnection,
    commune_id: i64,
    limits: &domain::feedback::FeedbackLimits,
) -> Result<(), DbError> {
    let stored = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let updated = diesel::update(communes::table.find(commune_id))
        .set((
            communes::feedback_classify_days.eq(stored(limits.classify_days)),
            communes::feedback_forward_days.eq(stored(limits.forward_days)),
            communes::feedback_answer_days.eq(stored(limits.answer_days)),
            communes::feedback_retention_months.eq(stored(limits.retention_months)),
        ))
        .execute(conn)?;
    if updated == 0 {
        Err(DbError::NotFound)
    } else {
        Ok(())
    }
}
