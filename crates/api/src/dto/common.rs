use chrono::{DateTime, Utc};
use domain::page::Paged;
use domain::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse<T: ToSchema> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    /// How many items the whole list holds.
    pub total: i64,
}

impl<T: ToSchema> ListResponse<T> {
    pub fn from_paged<D>(paged: Paged<D>, convert: impl FnMut(D) -> T) -> Self {
        Self {
            page: paged.request.page(),
            per_page: paged.request.per_page(),
            total: paged.total,
            items: paged.items.into_iter().map(convert).collect(),
        }
    }
}

/// For `Option<Option<T>>` fields with `#[serde(default)]`: absent stays `None` ("leave as
/// is"), `null` becomes `Some(None)` ("clear"), a value `Some(Some(v))`.
pub fn present<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Parses an RFC 3339 time from a query parameter. A `+` in a query string arrives as a space
/// unless the client encoded it, so a space before the offset is read as `+`.
pub fn parse_time_param(
    field: &str,
    raw: Option<&str>,
) -> Result<Option<DateTime<Utc>>, ValidationErrors> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    DateTime::parse_from_rfc3339(&raw.replace(' ', "+"))
        .map(|at| Some(at.with_timezone(&Utc)))
        .map_err(|_| {
            ValidationErrors::single(
                field,
                "invalid_format",
                "must be an RFC 3339 time such as 2023-03-13T14:51:27+07:00",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_with_an_unencoded_plus_still_parse() {
        let expected = DateTime::parse_from_rfc3339("2023-03-13T07:51:27Z")
            .map(|t| t.with_timezone(&Utc))
            .ok();
        assert_eq!(
            parse_time_param("updated_since", Some("2023-03-13T14:51:27+07:00"))
                .ok()
                .flatten(),
            expected
        );
        assert_eq!(
            parse_time_param("updated_since", Some("2023-03-13T14:51:27 07:00"))
                .ok()
                .flatten(),
            expected
        );
        assert!(parse_time_param("updated_since", Some("13/03/2023")).is_err());
        assert_eq!(parse_time_param("updated_since", None).ok().flatten(), None);
    }
}
