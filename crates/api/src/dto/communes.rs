use chrono::{DateTime, Utc};
use domain::commune::{Commune, CommuneInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Where citizens send feedback about administrative procedures.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackContactBody {
    #[schema(example = "Phú Hậu 1, Xã Trường Xuân, Huyện Thọ Xuân")]
    pub address: Option<String>,
    #[schema(example = "0374408758")]
    pub phone: Option<String>,
    #[schema(example = "truongxuan.thoxuan@thanhhoa.gov.vn")]
    pub email: Option<String>,
}

/// A commune (xã).
#[derive(Debug, Serialize, ToSchema)]
pub struct CommuneResponse {
    /// The commune's identifier in URLs.
    #[schema(example = "truong-xuan")]
    pub slug: String,
    #[schema(example = "Xã Trường Xuân")]
    pub name: String,
    #[schema(example = "Huyện Thọ Xuân")]
    pub district: Option<String>,
    #[schema(example = "Tỉnh Thanh Hóa")]
    pub province: Option<String>,
    pub feedback_contact: FeedbackContactBody,
    /// IANA time zone of the commune's calendar (days, weeks, deadlines).
    #[schema(example = "Asia/Ho_Chi_Minh")]
    pub time_zone: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Commune> for CommuneResponse {
    fn from(commune: Commune) -> Self {
        Self {
            slug: commune.slug.to_string(),
            name: commune.name,
            district: commune.district,
            province: commune.province,
            feedback_contact: FeedbackContactBody {
                address: commune.feedback_contact.address,
                phone: commune.feedback_contact.phone,
                email: commune.feedback_contact.email,
            },
            time_zone: commune.time_zone.name().to_owned(),
            created_at: commune.created_at,
            updated_at: commune.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommuneListParams {
    /// Page number, from 1.
    #[param(minimum = 1, example = 1)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (larger values are capped); 20 by default.
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<i64>,
    /// Only communes changed after this RFC 3339 time, ordered by change time (for sync).
    /// Without it the list is ordered by slug.
    #[param(value_type = Option<String>, format = DateTime, example = "2023-03-13T14:51:27+07:00")]
    pub updated_since: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackContactRequest {
    pub address: Option<String>,
    /// A Vietnamese phone number: `0` and 9 or 10 digits, or `+84`.
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A new commune; `slug` and `name` are required.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCommuneRequest {
    #[schema(example = "truong-xuan")]
    pub slug: Option<String>,
    #[schema(example = "Xã Trường Xuân")]
    pub name: Option<String>,
    pub district: Option<String>,
    pub province: Option<String>,
    pub feedback_contact: Option<FeedbackContactRequest>,
    /// IANA time zone; `Asia/Ho_Chi_Minh` when absent.
    pub time_zone: Option<String>,
}

impl From<CreateCommuneRequest> for CommuneInput {
    fn from(request: CreateCommuneRequest) -> Self {
        let contact = request.feedback_contact.unwrap_or_default();
        Self {
            slug: request.slug,
            name: request.name,
            district: request.district,
            province: request.province,
            feedback_address: contact.address,
            feedback_phone: contact.phone,
            feedback_email: contact.email,
            time_zone: request.time_zone,
        }
    }
}

/// Changes to a commune: absent fields stay, `null` clears an optional one. The slug cannot change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCommuneRequest {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<String>)]
    pub district: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<String>)]
    pub province: Option<Option<String>>,
    pub feedback_contact: Option<UpdateFeedbackContactRequest>,
    pub time_zone: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateFeedbackContactRequest {
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::common::present")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
}

impl UpdateCommuneRequest {
    /// The commune as it would be after the changes, ready to validate as a whole.
    pub fn apply_to(self, current: Commune) -> CommuneInput {
        let contact = self.feedback_contact.unwrap_or_default();
        let keep = current.feedback_contact;
        CommuneInput {
            slug: Some(current.slug.to_string()),
            name: Some(self.name.unwrap_or(current.name)),
            district: self.district.unwrap_or(current.district),
            province: self.province.unwrap_or(current.province),
            feedback_address: contact.address.unwrap_or(keep.address),
            feedback_phone: contact.phone.unwrap_or(keep.phone),
            feedback_email: contact.email.unwrap_or(keep.email),
            time_zone: Some(
                self.time_zone
                    .unwrap_or_else(|| current.time_zone.name().to_owned()),
            ),
        }
    }
}
