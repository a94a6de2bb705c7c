//! Communes (xã): the tenants of the platform. Everything else belongs to one.

use std::fmt;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::contact::{Email, Phone};
use crate::text::char_len;
use crate::validation::{FieldFailure, ValidationErrors};

/// The time zone of every Vietnamese commune unless told otherwise.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Asia::Ho_Chi_Minh;

const MAX_SLUG_LEN: usize = 64;
const MAX_NAME_LEN: usize = 200;
const MAX_ADDRESS_LEN: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CommuneError {
    #[error(
        "must be 1 to 64 characters of a-z, 0-9 and single hyphens inside, such as truong-xuan"
    )]
    InvalidSlug,
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must be an IANA time zone such as Asia/Ho_Chi_Minh")]
    UnknownTimeZone,
}

impl FieldFailure for CommuneError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidSlug | Self::UnknownTimeZone => "invalid_format",
            Self::Empty => "required",
            Self::TooLong(_) => "too_long",
        }
    }
}

/// The short name of a commune in URLs: `truong-xuan`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CommuneSlug(String);

impl CommuneSlug {
    pub fn parse(input: &str) -> Result<Self, CommuneError> {
        let shape_ok = !input.is_empty()
            && input.len() <= MAX_SLUG_LEN
            && input
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !input.starts_with('-')
            && !input.ends_with('-')
            && !input.contains("--");
        if shape_ok {
            Ok(Self(input.to_owned()))
        } else {
            Err(CommuneError::InvalidSlug)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CommuneSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses an IANA time zone name.
pub fn parse_time_zone(input: &str) -> Result<Tz, CommuneError> {
    input
        .trim()
        .parse::<Tz>()
        .map_err(|_| CommuneError::UnknownTimeZone)
}

/// Where citizens send feedback about administrative procedures (the seed page's
/// "Địa chỉ tiếp nhận phản ánh, kiến nghị").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackContact {
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A commune as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Commune {
    pub id: i64,
    pub slug: CommuneSlug,
    pub name: String,
    pub district: Option<String>,
    pub province: Option<String>,
    pub feedback_contact: FeedbackContact,
    pub time_zone: Tz,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Visits an earlier portal had counted; the total continues from it.
    pub visits_baseline: u64,
}

/// A commune as a client describes it, before validation.
#[derive(Debug, Clone, Default)]
pub struct CommuneInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub district: Option<String>,
    pub province: Option<String>,
    pub feedback_address: Option<String>,
    pub feedback_phone: Option<String>,
    pub feedback_email: Option<String>,
    pub time_zone: Option<String>,
}

/// A validated commune, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCommune {
    pub slug: CommuneSlug,
    pub name: String,
    pub district: Option<String>,
    pub province: Option<String>,
    pub feedback_contact: FeedbackContact,
    pub time_zone: Tz,
}

impl NewCommune {
    /// Validates every field and reports all failures at once.
    pub fn parse(input: CommuneInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let slug = match input.slug.as_deref() {
            None => {
                errors.add("slug", "required", "slug is required");
                None
            }
            Some(raw) => errors.check("slug", CommuneSlug::parse(raw.trim())),
        };
        let name = match input.name.as_deref() {
            None => {
                errors.add("name", "required", "name is required");
                None
            }
            Some(raw) => errors.check("name", required_text(raw, MAX_NAME_LEN)),
        };
        let district = errors.check(
            "district",
            optional_text(input.district.as_deref(), MAX_NAME_LEN),
        );
        let province = errors.check(
            "province",
            optional_text(input.province.as_deref(), MAX_NAME_LEN),
        );
        let address = errors.check(
            "feedback_contact.address",
            optional_text(input.feedback_address.as_deref(), MAX_ADDRESS_LEN),
        );
        let phone = errors.check(
            "feedback_contact.phone",
            blank_to_none(input.feedback_phone.as_deref())
                .map(Phone::parse)
                .transpose(),
        );
        let email = errors.check(
            "feedback_contact.email",
            blank_to_none(input.feedback_email.as_deref())
                .map(Email::parse)
                .transpose(),
        );
        let time_zone = match blank_to_none(input.time_zone.as_deref()) {
            None => Some(DEFAULT_TIME_ZONE),
            Some(raw) => errors.check("time_zone", parse_time_zone(raw)),
        };
        let (
            Some(slug),
            Some(name),
            Some(district),
            Some(province),
            Some(address),
            Some(phone),
            Some(email),
            Some(time_zone),
        ) = (
            slug, name, district, province, address, phone, email, time_zone,
        )
        else {
            return Err(errors);
        };
        Ok(Self {
            slug,
            name,
            district,
            province,
            feedback_contact: FeedbackContact {
                address,
                phone: phone.map(|p| p.to_string()),
                email: email.map(|e| e.to_string()),
            },
            time_zone,
        })
    }
}

fn blank_to_none(input: Option<&str>) -> Option<&str> {
    input.map(str::trim).filter(|s| !s.is_empty())
}

fn required_text(input: &str, max: usize) -> Result<String, CommuneError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        Err(CommuneError::Empty)
    } else if char_len(trimmed) > max {
        Err(CommuneError::TooLong(max))
    } else {
        Ok(trimmed.to_owned())
    }
}

fn optional_text(input: Option<&str>, max: usize) -> Result<Option<String>, CommuneError> {
    blank_to_none(input)
        .map(|s| required_text(s, max))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truong_xuan() -> CommuneInput {
        CommuneInput {
            slug: Some("truong-xuan".into()),
            name: Some("Xã Trường Xuân".into()),
            district: Some("Huyện Thọ Xuân".into()),
            province: Some("Tỉnh Thanh Hóa".into()),
            feedback_address: Some("Phú Hậu 1, Xã Trường Xuân, Huyện Thọ Xuân".into()),
            feedback_phone: Some("0374408758".into()),
            feedback_email: Some("truongxuan.thoxuan@thanhhoa.gov.vn".into()),
            time_zone: None,
        }
    }

    #[test]
    fn the_seed_commune_is_valid_and_defaults_to_vietnam_time() {
        let commune = NewCommune::parse(truong_xuan());
        let commune = commune.ok();
        assert_eq!(
            commune.as_ref().map(|c| c.slug.as_str()),
            Some("truong-xuan")
        );
        assert_eq!(
            commune.as_ref().map(|c| c.time_zone),
            Some(DEFAULT_TIME_ZONE)
        );
    }

    #[test]
    fn slugs_are_lowercase_ascii_with_inner_hyphens() {
        for ok in ["truong-xuan", "xa-1", "a"] {
            assert!(CommuneSlug::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Truong-Xuan",
            "trường-xuân",
            "-a",
            "a-",
            "a--b",
            "a/b",
            "../etc",
            &"a".repeat(65),
        ] {
            assert!(CommuneSlug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let input = CommuneInput {
            slug: Some("Trường Xuân".into()),
            name: Some("   ".into()),
            feedback_phone: Some("123".into()),
            feedback_email: Some("khong-phai-email".into()),
            time_zone: Some("Asia/Hanoi_Typo".into()),
            ..CommuneInput::default()
        };
        let errors = NewCommune::parse(input).err().unwrap_or_default();
        let fields: Vec<_> = errors.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "slug",
                "name",
                "feedback_contact.phone",
                "feedback_contact.email",
                "time_zone"
            ]
        );
    }

    #[test]
    fn missing_slug_and_name_are_required() {
        let errors = NewCommune::parse(CommuneInput::default())
            .err()
            .unwrap_or_default();
        let codes: Vec<_> = errors
            .errors()
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect();
        assert_eq!(codes, [("slug", "required"), ("name", "required")]);
    }

    #[test]
    fn names_are_limited_in_characters_not_bytes() {
        let long_vietnamese = "Xã Trường Xuân ".repeat(13); // 195 characters, far more bytes
        let input = CommuneInput {
            name: Some(long_vietnamese),
            ..truong_xuan()
        };
        assert!(NewCommune::parse(input).is_ok());
    }
}
