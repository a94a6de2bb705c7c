use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::measure::Measure;
use domain::records::{ProgressRecord, Resolution, StoredMeasure, StoredSection, Target};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A time shown in the commune's own time zone, e.g. `2023-03-13T14:51:27+07:00`.
pub fn local_time(at: DateTime<Utc>, tz: Tz) -> DateTime<FixedOffset> {
    at.with_timezone(&tz).fixed_offset()
}

/// A resolution without its full text, as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResolutionSummary {
    pub id: i64,
    /// The slug of the commune that adopted it.
    #[schema(example = "truong-xuan")]
    pub commune: String,
    /// Its own number and symbol, such as `12/NQ-HĐND`, when it has one.
    pub document_number: Option<String>,
    #[schema(
        example = "NGHỊ QUYẾT CỦA ĐẢNG ỦY XÃ TRƯỜNG XUÂN VỀ MỤC TIÊU, PHƯƠNG HƯỚNG NHIỆM VỤ NĂM 2023"
    )]
    pub title: String,
    #[schema(example = "Ban chấp hành Đảng bộ xã Trường Xuân")]
    pub issuing_body: Option<String>,
    #[schema(example = "2023-01-07")]
    pub adopted_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    #[serde(rename = "abstract")]
    pub abstract_text: Option<String>,
    /// When the portal published it, in the commune's time zone.
    #[schema(value_type = Option<String>, format = DateTime, example = "2023-03-13T14:51:27+07:00")]
    pub published_at: Option<DateTime<FixedOffset>>,
    #[schema(example = 2023)]
    pub year: Option<i32>,
    /// `draft`, `published` or `archived`.
    #[schema(example = "published")]
    pub status: &'static str,
    /// The author or source line ("Nguồn ...").
    pub source: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ResolutionSummary {
    pub fn new(resolution: &Resolution, commune_slug: &str, tz: Tz) -> Self {
        let fields = &resolution.fields;
        Self {
            id: resolution.id,
            commune: commune_slug.to_owned(),
            document_number: fields.document_number.clone(),
            title: fields.title.clone(),
            issuing_body: fields.issuing_body.clone(),
            adopted_on: fields.adopted_on,
            effective_on: fields.effective_on,
            abstract_text: fields.abstract_text.clone(),
            published_at: fields.published_at.map(|at| local_time(at, tz)),
            year: fields.year,
            status: resolution.status.as_str(),
            source: fields.source.clone(),
            created_at: resolution.created_at,
            updated_at: resolution.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionResponse {
    #[schema(example = "I")]
    pub number: String,
    #[schema(example = "ĐÁNH GIÁ CHUNG")]
    pub heading: String,
    pub body: String,
}

impl From<StoredSection> for SectionResponse {
    fn from(section: StoredSection) -> Self {
        Self {
            number: section.number,
            heading: section.heading,
            body: section.body,
        }
    }
}

/// A resolution with its full text and sections.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResolutionResponse {
    #[serde(flatten)]
    pub summary: ResolutionSummary,
    pub full_text: String,
    pub sections: Vec<SectionResponse>,
}

/// The answer to an import: the resolution, the targets read from it and what to check.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResponse {
    #[serde(flatten)]
    pub resolution: ResolutionResponse,
    pub targets: Vec<TargetResponse>,
    /// What the import could not read with confidence, or ignored.
    pub warnings: Vec<String>,
}

/// One measurable part of a target.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureResponse {
    pub id: i64,
    #[schema(example = "Giá trị sản xuất nông, lâm, nghiệp và thủy sản")]
    pub label: String,
    /// `gt`, `gte`, `lt`, `lte`, `eq`, `between` or `qualitative`.
    #[schema(example = "gt")]
    pub comparator: &'static str,
    /// The target value; the low end for `between`; null for `qualitative`.
    #[schema(example = 170.5)]
    pub value: Option<f64>,
    /// The high end for `between`.
    pub value_max: Option<f64>,
    #[schema(example = "tỷ đồng")]
    pub unit: Option<String>,
    /// `higher_is_better` or `lower_is_better`.
    #[schema(example = "higher_is_better")]
    pub direction: &'static str,
    /// The import was unsure; an editor should correct it with PATCH /api/v1/measures/{id}.
    pub needs_review: bool,
    /// Reports against this measure, oldest first (only on GET /api/v1/targets/{id}).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<Vec<ProgressResponse>>,
}

impl MeasureResponse {
    pub fn new(stored: StoredMeasure, progress: Option<Vec<ProgressResponse>>) -> Self {
        let Measure {
            label,
            comparator,
            value,
            value_max,
            unit,
            direction,
            needs_review,
        } = stored.measure;
        Self {
            id: stored.id,
            label,
            comparator: comparator.as_str(),
            value,
            value_max,
            unit,
            direction: direction.as_str(),
            needs_review,
            progress,
        }
    }
}

/// A target (chỉ tiêu) of a resolution.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetResponse {
    pub id: i64,
    pub resolution_id: i64,
    #[schema(example = 1)]
    pub number: i32,
    /// The original wording, never rewritten.
    #[schema(example = "Giá trị sản xuất nông, lâm, nghiệp và thủy sản đạt trên 170,5 tỷ đồng;")]
    pub text: String,
    pub measures: Vec<MeasureResponse>,
    pub updated_at: DateTime<Utc>,
}

impl TargetResponse {
    pub fn new(
        target: Target,
        mut progress_of: impl FnMut(i64) -> Option<Vec<ProgressResponse>>,
    ) -> Self {
        Self {
            id: target.id,
            resolution_id: target.resolution_id,
            number: target.number,
            text: target.text,
            measures: target
                .measures
                .into_iter()
                .map(|m| {
                    let progress = progress_of(m.id);
                    MeasureResponse::new(m, progress)
                })
                .collect(),
            updated_at: target.updated_at,
        }
    }
}

/// A result reported against a measure.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressResponse {
    pub id: i64,
    pub measure_id: i64,
    #[schema(example = "2023")]
    pub period: String,
    #[schema(example = 175.2)]
    pub value: Option<f64>,
    /// For qualitative measures.
    pub achieved: Option<bool>,
    /// A final figure, or an estimate made during the period.
    #[serde(rename = "final")]
    pub is_final: bool,
    pub note: Option<String>,
    pub reported_at: DateTime<Utc>,
}

impl From<ProgressRecord> for ProgressResponse {
    fn from(record: ProgressRecord) -> Self {
        Self {
            id: record.id,
            measure_id: record.measure_id,
            period: record.period,
            value: record.value,
            achieved: record.achieved,
            is_final: record.is_final,
            note: record.note,
            reported_at: record.reported_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResolutionListParams {
    /// A commune's slug.
    #[param(example = "truong-xuan")]
    pub commune: Option<String>,
    #[param(example = 2023)]
    pub year: Option<i32>,
    /// `draft` (editors of the commune only), `published` or `archived`.
    pub status: Option<String>,
    /// Words to find in the title, number or text, with or without diacritics:
    /// `nghi quyet truong xuan` finds "Nghị quyết ... Trường Xuân".
    #[param(example = "nghi quyet truong xuan")]
    pub q: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    /// Only resolutions changed after this RFC 3339 time, in change order (for sync).
    #[param(value_type = Option<String>, format = DateTime)]
    pub updated_since: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// The slug of the commune the resolution belongs to.
    #[param(example = "truong-xuan")]
    pub commune: String,
    /// Publish at once; a draft otherwise.
    pub publish: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScorecardParams {
    /// `2023`, `2023-H1`, `2023-Q3` or `2023-09`; the resolution's year when absent.
    #[param(example = "2023")]
    pub period: Option<String>,
}

/// A new resolution typed in rather than imported.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateResolutionRequest {
    #[schema(example = "truong-xuan")]
    pub commune: String,
    pub title: String,
    pub document_number: Option<String>,
    pub issuing_body: Option<String>,
    pub adopted_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    #[serde(rename = "abstract")]
    pub abstract_text: Option<String>,
    pub year: Option<i32>,
    pub source: Option<String>,
    pub full_text: Option<String>,
    /// Publish at once; a draft otherwise.
    pub publish: Option<bool>,
}

/// Changes to a resolution: document fields (drafts only) and its status (`published` for a
/// draft, `archived` for a published one).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateResolutionRequest {
    pub status: Option<String>,
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<String>)]
    pub document_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<String>)]
    pub issuing_body: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub adopted_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub effective_on: Option<Option<NaiveDate>>,
    #[serde(
        default,
        rename = "abstract",
        deserialize_with = "crate::dto::common::present"
    )]
    #[schema(value_type = Option<String>)]
    pub abstract_text: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<i32>)]
    pub year: Option<Option<i32>>,
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<String>)]
    pub source: Option<Option<String>>,
}

/// A target added by hand. Without `measures`, they are read from the text as the import does.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTargetRequest {
    /// The next free number when absent.
    #[schema(minimum = 1, maximum = 9999)]
    pub number: Option<i32>,
    pub text: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTargetRequest {
    /// New wording (drafts only: a published target's text is the record).
    pub text: String,
}

/// A correction of a measure by an editor; it clears `needs_review`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeasureRequest {
    pub label: Option<String>,
    pub comparator: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<f64>)]
    pub value: Option<Option<f64>>,
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<f64>)]
    pub value_max: Option<Option<f64>>,
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<String>)]
    pub unit: Option<Option<String>>,
    pub direction: Option<String>,
}

/// A result: `{"period": "2023", "value": 175.2}`, or `{"period": "2023", "achieved": true}`
/// for a qualitative measure.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressRequest {
    #[schema(example = "2023")]
    pub period: String,
    #[schema(example = 175.2)]
    pub value: Option<f64>,
    pub achieved: Option<bool>,
    /// A final figure (true) or an estimate (false, the default).
    #[serde(rename = "final")]
    pub is_final: Option<bool>,
    pub note: Option<String>,
}

/// How one measure stands in a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureScore {
    pub measure_id: i64,
    pub label: String,
    /// `exceeded`, `met`, `not_met` or `not_reported`.
    pub status: &'static str,
    pub value: Option<f64>,
    pub achieved: Option<bool>,
    /// actual/target × 100 (target/actual when lower is better).
    pub attainment_percent: Option<f64>,
    /// `final` or `estimate`: which report counted; null when none did.
    pub basis: Option<&'static str>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetScore {
    pub target_id: i64,
    pub number: i32,
    pub text: String,
    pub status: &'static str,
    pub measures: Vec<MeasureScore>,
}

/// How a resolution's targets stand in a period: "29/29 chỉ tiêu đạt, 7 vượt".
#[derive(Debug, Serialize, ToSchema)]
pub struct ScorecardResponse {
    pub resolution_id: i64,
    #[schema(example = "2023")]
    pub period: String,
    pub total: u32,
    /// Met targets, exceeded ones included.
    pub met: u32,
    pub exceeded: u32,
    pub not_met: u32,
    pub not_reported: u32,
    pub targets: Vec<TargetScore>,
}
