//! Citizen feedback as the API shows it: to the citizen who holds the tracking code, to the
//! public (published items only) and to the officials who handle it.

use chrono::{DateTime, FixedOffset, NaiveDate};
use chrono_tz::Tz;
use db::feedback::{FeedbackItem, HistoryEntry, StoredSubmitter};
use domain::feedback::Deadlines;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::dto::common::{ListResponse, present};
use crate::dto::resolutions::local_time;

/// A citizen's feedback (phản ánh) or petition (kiến nghị) about an administrative procedure.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "commune": "truong-xuan",
    "kind": "phan_anh",
    "subject": "Thời gian giải quyết hồ sơ chứng thực",
    "content": "Hồ sơ chứng thực nộp ngày 06/3/2023 đến nay chưa có kết quả.",
    "procedure": "Chứng thực bản sao từ bản chính",
    "submitter": {"name": "Nguyễn Thị Hồng Nhung", "address": "Thôn 3, xã Trường Xuân", "phone": "0912345678"},
    "allow_publication": true
}))]
pub struct SubmitFeedbackRequest {
    #[schema(example = "truong-xuan")]
    pub commune: String,
    /// `phan_anh` (feedback) or `kien_nghi` (petition). Complaints (`khieu_nai`) and
    /// denunciations (`to_cao`) follow other laws and are refused.
    #[serde(default)]
    pub kind: Option<String>,
    /// At most 200 characters.
    #[serde(default)]
    pub subject: Option<String>,
    /// At most 10,000 characters; stored as plain text.
    #[serde(default)]
    pub content: Option<String>,
    /// The administrative procedure (thủ tục hành chính) it concerns.
    #[serde(default)]
    pub procedure: Option<String>,
    /// The published resolution it concerns.
    #[serde(default)]
    pub resolution_id: Option<i64>,
    /// The target of a published resolution it concerns.
    #[serde(default)]
    pub target_id: Option<i64>,
    /// Name, address, and a phone or an e-mail address: Nghị định 20/2008/NĐ-CP requires them.
    /// Never shown in a public answer.
    #[serde(default)]
    pub submitter: Option<SubmitterRequest>,
    /// Whether the answer may be published with the (edited) content.
    #[serde(default)]
    pub allow_publication: bool,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitterRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// `0xxxxxxxxx` or `+84...`.
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// The answer to a submission: keep the tracking code to follow the item.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionResponse {
    #[schema(example = "PAKN.20230313.7K3Q9XZ2AB")]
    pub tracking_code: String,
    #[schema(example = "received")]
    pub status: &'static str,
    /// The next deadline: classification, in the commune's working days.
    #[schema(example = "2023-03-20")]
    pub due_date: Option<NaiveDate>,
    #[schema(example = "2023-03-13")]
    pub received_on: NaiveDate,
}

impl SubmissionResponse {
    pub fn new(item: &FeedbackItem) -> Self {
        Self {
            tracking_code: item.tracking_code.clone(),
            status: item.status.as_str(),
            due_date: item.due_date,
            received_on: item.received_on,
        }
    }
}

/// The deadlines of an item, in the commune's working days.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlinesResponse {
    #[schema(example = "2023-03-20")]
    pub classify_by: NaiveDate,
    /// Set when the item is classified outside the commune's competence.
    pub forward_by: Option<NaiveDate>,
    #[schema(example = "2023-04-03")]
    pub answer_by: Option<NaiveDate>,
}

impl From<&Deadlines> for DeadlinesResponse {
    fn from(deadlines: &Deadlines) -> Self {
        Self {
            classify_by: deadlines.classify_by,
            forward_by: deadlines.forward_by,
            answer_by: deadlines.answer_by,
        }
    }
}

/// What the holder of a tracking code sees: no personal data, no content.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackingResponse {
    pub tracking_code: String,
    #[schema(example = "truong-xuan")]
    pub commune: String,
    #[schema(example = "phan_anh")]
    pub kind: &'static str,
    pub subject: String,
    /// `received`, `classified`, `rejected`, `forwarded`, `in_progress`, `answered`, `published`.
    #[schema(example = "answered")]
    pub status: &'static str,
    pub received_on: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub deadlines: DeadlinesResponse,
    /// Why the item was not accepted (`rejected`).
    pub reason: Option<String>,
    /// The body it was forwarded to (`forwarded`).
    pub forwarded_to: Option<String>,
    /// The answer, once given (`answered` or `published`).
    pub answer: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<DateTime<FixedOffset>>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Option<DateTime<FixedOffset>>,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<FixedOffset>,
}

impl TrackingResponse {
    pub fn new(item: &FeedbackItem, commune: &str, tz: Tz) -> Self {
        let answer_given = matches!(
            item.status,
            domain::feedback::FeedbackStatus::Answered
                | domain::feedback::FeedbackStatus::Published
        );
        Self {
            tracking_code: item.tracking_code.clone(),
            commune: commune.to_owned(),
            kind: item.kind.as_str(),
            subject: item.subject.clone(),
            status: item.status.as_str(),
            received_on: item.received_on,
            due_date: item.due_date,
            deadlines: (&item.deadlines).into(),
            reason: item.reason.clone(),
            forwarded_to: item.forwarded_to.clone(),
            answer: item.answer.clone().filter(|_| answer_given),
            answered_at: item
                .answered_at
                .filter(|_| answer_given)
                .map(|at| local_time(at, tz)),
            published_at: item.published_at.map(|at| local_time(at, tz)),
            updated_at: local_time(item.updated_at, tz),
        }
    }
}

/// A published item, as anyone may see it: the public version of the content and the answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicFeedback {
    pub id: i64,
    #[schema(example = "truong-xuan")]
    pub commune: String,
    #[schema(example = "kien_nghi")]
    pub kind: &'static str,
    pub subject: String,
    /// The public version of the content officials wrote.
    pub content: String,
    pub procedure: Option<String>,
    pub answer: Option<String>,
    pub received_on: NaiveDate,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<DateTime<FixedOffset>>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Option<DateTime<FixedOffset>>,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<FixedOffset>,
}

impl PublicFeedback {
    pub fn new(item: FeedbackItem, commune: &str, tz: Tz) -> Self {
        Self {
            id: item.id,
            commune: commune.to_owned(),
            kind: item.kind.as_str(),
            subject: item.public_subject.unwrap_or(item.subject),
            content: item.public_content.unwrap_or(item.content),
            procedure: item.procedure,
            answer: item.answer,
            received_on: item.received_on,
            answered_at: item.answered_at.map(|at| local_time(at, tz)),
            published_at: item.published_at.map(|at| local_time(at, tz)),
            updated_at: local_time(item.updated_at, tz),
        }
    }
}

/// The submitter's personal data; shown to officials only, and each showing is recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitterResponse {
    pub name: String,
    pub address: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl From<StoredSubmitter> for SubmitterResponse {
    fn from(s: StoredSubmitter) -> Self {
        Self {
            name: s.name,
            address: s.address,
            phone: s.phone,
            email: s.email,
        }
    }
}

/// One change of an item.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntryResponse {
    #[schema(value_type = String, format = DateTime)]
    pub at: DateTime<FixedOffset>,
    /// The official's username, or `citizen` for the submission.
    #[schema(example = "officer")]
    pub by: String,
    pub from: Option<&'static str>,
    pub to: &'static str,
    pub note: Option<String>,
}

impl HistoryEntryResponse {
    pub fn new(entry: HistoryEntry, tz: Tz) -> Self {
        Self {
            at: local_time(entry.at, tz),
            by: entry.actor,
            from: entry.from.map(|s| s.as_str()),
            to: entry.to.as_str(),
            note: entry.note,
        }
    }
}

/// An item as officials see it, with the submitter's personal data.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficialFeedback {
    pub id: i64,
    pub tracking_code: String,
    #[schema(example = "truong-xuan")]
    pub commune: String,
    #[schema(example = "phan_anh")]
    pub kind: &'static str,
    pub subject: String,
    pub content: String,
    /// What the public sees instead of `subject` once published, when set.
    pub public_subject: Option<String>,
    /// What the public sees instead of `content` once published; required to publish.
    pub public_content: Option<String>,
    pub procedure: Option<String>,
    pub resolution_id: Option<i64>,
    pub target_id: Option<i64>,
    pub allow_publication: bool,
    #[schema(example = "in_progress")]
    pub status: &'static str,
    /// `not_accepted`, `official_conduct`, `within_competence` or `outside_competence`.
    pub classification: Option<&'static str>,
    pub reason: Option<String>,
    pub forwarded_to: Option<String>,
    /// The username of the official handling it.
    pub assignee: Option<String>,
    pub received_on: NaiveDate,
    pub deadlines: DeadlinesResponse,
    pub due_date: Option<NaiveDate>,
    /// Whether the next deadline has passed in the commune's calendar.
    pub overdue: bool,
    /// `null` once erased.
    pub submitter: Option<SubmitterResponse>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub personal_data_erased_at: Option<DateTime<FixedOffset>>,
    pub answer: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<DateTime<FixedOffset>>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Option<DateTime<FixedOffset>>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<FixedOffset>,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<FixedOffset>,
    /// Every change, oldest first (single items only; lists leave it out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntryResponse>>,
}

/// What an official view is built from besides the item.
pub struct OfficialContext<'a> {
    pub commune: &'a str,
    pub tz: Tz,
    pub today: NaiveDate,
    pub assignee: Option<String>,
    pub submitter: Option<StoredSubmitter>,
    pub history: Option<Vec<HistoryEntry>>,
}

impl OfficialFeedback {
    pub fn new(item: FeedbackItem, context: OfficialContext<'_>) -> Self {
        let tz = context.tz;
        Self {
            id: item.id,
            tracking_code: item.tracking_code,
            commune: context.commune.to_owned(),
            kind: item.kind.as_str(),
            subject: item.subject,
            content: item.content,
            public_subject: item.public_subject,
            public_content: item.public_content,
            procedure: item.procedure,
            resolution_id: item.resolution_id,
            target_id: item.target_id,
            allow_publication: item.allow_publication,
            status: item.status.as_str(),
            classification: item.classification.map(|c| c.as_str()),
            reason: item.reason,
            forwarded_to: item.forwarded_to,
            assignee: context.assignee,
            received_on: item.received_on,
            deadlines: (&item.deadlines).into(),
            due_date: item.due_date,
            overdue: domain::feedback::is_overdue(item.due_date, context.today),
            submitter: context.submitter.map(Into::into),
            personal_data_erased_at: item.personal_data_erased_at.map(|at| local_time(at, tz)),
            answer: item.answer,
            answered_at: item.answered_at.map(|at| local_time(at, tz)),
            published_at: item.published_at.map(|at| local_time(at, tz)),
            created_at: local_time(item.created_at, tz),
            updated_at: local_time(item.updated_at, tz),
            history: context.history.map(|entries| {
                entries
                    .into_iter()
                    .map(|e| HistoryEntryResponse::new(e, tz))
                    .collect()
            }),
        }
    }
}

/// What the audit log keeps of an item: its workflow, never the submitter or the content.
#[derive(Debug, Serialize)]
pub struct FeedbackAuditView {
    pub id: i64,
    pub status: &'static str,
    pub classification: Option<&'static str>,
    pub reason: Option<String>,
    pub forwarded_to: Option<String>,
    pub assignee_id: Option<i64>,
    pub public_content_set: bool,
    pub answered: bool,
    pub due_date: Option<NaiveDate>,
    pub personal_data_erased: bool,
}

impl From<&FeedbackItem> for FeedbackAuditView {
    fn from(item: &FeedbackItem) -> Self {
        Self {
            id: item.id,
            status: item.status.as_str(),
            classification: item.classification.map(|c| c.as_str()),
            reason: item.reason.clone(),
            forwarded_to: item.forwarded_to.clone(),
            assignee_id: item.assignee_id,
            public_content_set: item.public_content.is_some(),
            answered: item.answer.is_some(),
            due_date: item.due_date,
            personal_data_erased: item.personal_data_erased_at.is_some(),
        }
    }
}

/// The schema of `GET /feedback`: the public list, or officials' list with personal data. An
/// official's item has every field of a public one, so it is `anyOf`: a `oneOf` would be
/// violated by every official answer.
pub struct FeedbackList;

impl utoipa::PartialSchema for FeedbackList {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::AnyOfBuilder::new()
            .item(<ListResponse<PublicFeedback> as utoipa::PartialSchema>::schema())
            .item(<ListResponse<OfficialFeedback> as utoipa::PartialSchema>::schema())
            .description(Some(
                "The public list (no token), or the commune's items with personal data (an officer's or admin's token).",
            ))
            .into()
    }
}

impl ToSchema for FeedbackList {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use utoipa::PartialSchema;
        schemas.push((
            PublicFeedback::name().into_owned(),
            PublicFeedback::schema(),
        ));
        PublicFeedback::schemas(schemas);
        schemas.push((
            OfficialFeedback::name().into_owned(),
            OfficialFeedback::schema(),
        ));
        OfficialFeedback::schemas(schemas);
    }
}

/// Filters of `GET /feedback`. Without an official's token only `commune`, `q`, `updated_since`
/// and paging apply, and only published items are listed.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedbackListParams {
    #[param(example = "truong-xuan")]
    pub commune: Option<String>,
    /// Officials: one status.
    pub status: Option<String>,
    /// Officials: one classification group.
    pub classification: Option<String>,
    /// Officials: `true` lists only items past their next deadline.
    pub overdue: Option<bool>,
    /// Officials: the username of the official handling the items.
    pub assignee: Option<String>,
    /// Words to find in the subject, content or procedure (marks and case ignored).
    pub q: Option<String>,
    /// RFC 3339; lists items changed after it, in change order.
    pub updated_since: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// A move of an item and the fields that go with it. Every field is optional; send at least one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "classified", "classification": "within_competence", "note": "Thuộc thẩm quyền UBND xã"}))]
pub struct UpdateFeedbackRequest {
    /// The status to move to (see the workflow); `answered` is reached by posting the answer.
    pub status: Option<String>,
    /// With `status: classified`.
    pub classification: Option<String>,
    /// With `status: rejected`: why the item is not accepted.
    pub reason: Option<String>,
    /// With `status: forwarded`: the competent body.
    pub forwarded_to: Option<String>,
    /// The username of an officer of the commune (or an admin); `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub assignee: Option<Option<String>>,
    /// The subject as the public will see it, when the citizen's own holds personal details;
    /// `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub public_subject: Option<Option<String>>,
    /// The content as the public will see it, without personal details; required to publish,
    /// and a published item keeps one. `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub public_content: Option<Option<String>>,
    /// A note for the history.
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerFeedbackRequest {
    /// The answer to the citizen; at most 10,000 characters.
    pub answer: String,
}

/// A commune's feedback deadlines (working days) and retention of personal data (months).
/// Settings of the commune, not rules of law.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackSettings {
    #[schema(example = 5, minimum = 1, maximum = 60)]
    pub classify_days: u32,
    #[schema(example = 5, minimum = 1, maximum = 60)]
    pub forward_days: u32,
    #[schema(example = 15, minimum = 1, maximum = 120)]
    pub answer_days: u32,
    #[schema(example = 24, minimum = 1, maximum = 240)]
    pub retention_months: u32,
}
