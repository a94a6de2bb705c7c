use chrono::{DateTime, Utc};
use domain::commune::Commune;
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
