//! Resolutions, targets, measures and progress reports as stored, with their ids.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::measure::Measure;

/// A resolution's life: drafts are edited and may be deleted; published ones are public and are
/// archived, never deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionStatus {
    Draft,
    Published,
    Archived,
}

impl ResolutionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Archived => "archived",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        match input {
            "draft" => Some(Self::Draft),
            "published" => Some(Self::Published),
            "archived" => Some(Self::Archived),
            _ => None,
        }
    }

    /// Whether anyone may read it without signing in.
    pub fn is_public(self) -> bool {
        matches!(self, Self::Published | Self::Archived)
    }
}

/// The document fields of a resolution (those Nghị định 42/2022/NĐ-CP asks portals to publish).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResolutionFields {
    pub document_number: Option<String>,
    pub title: String,
    pub issuing_body: Option<String>,
    pub adopted_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    pub abstract_text: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub year: Option<i32>,
    pub source: Option<String>,
    pub full_text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    pub id: i64,
    pub commune_id: i64,
    pub status: ResolutionStatus,
    pub fields: ResolutionFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredSection {
    pub position: i32,
    pub number: String,
    pub heading: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredMeasure {
    pub id: i64,
    pub target_id: i64,
    pub measure: Measure,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: i64,
    pub resolution_id: i64,
    pub number: i32,
    /// The original wording, never rewritten.
    pub text: String,
    pub measures: Vec<StoredMeasure>,
    pub updated_at: DateTime<Utc>,
}

/// A result reported against a measure for a period. Reports are never overwritten.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressRecord {
    pub id: i64,
    pub measure_id: i64,
    /// `2023`, `2023-H1`, `2023-Q3`, `2023-09`.
    pub period: String,
    pub value: Option<f64>,
    pub achieved: Option<bool>,
    pub is_final: bool,
    pub note: Option<String>,
    pub reported_by: String,
    pub reported_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be a period such as 2023, 2023-H1, 2023-Q3 or 2023-09")]
pub struct PeriodError;

impl crate::validation::FieldFailure for PeriodError {
    fn code(&self) -> &'static str {
        "invalid_format"
    }
}

/// Checks a reporting period: a year (`2023`), a half (`2023-H1`), a quarter (`2023-Q3`) or a
/// month (`2023-09`).
pub fn parse_period(input: &str) -> Result<String, PeriodError> {
    let period = input.trim().to_ascii_uppercase();
    let (year, part) = period
        .split_once('-')
        .map_or((period.as_str(), None), |(y, p)| (y, Some(p)));
    let year_ok = year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && ("1900"..="2200").contains(&year);
    let part_ok = match part {
        None => true,
        Some("H1" | "H2" | "Q1" | "Q2" | "Q3" | "Q4") => true,
        Some(month) => month.len() == 2 && matches!(month.parse::<u8>(), Ok(1..=12)),
    };
    if year_ok && part_ok {
        Ok(period)
    } else {
        Err(PeriodError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_years_halves_quarters_or_months() {
        for ok in [
            "2023",
            "2023-H1",
            "2023-h2",
            "2023-Q3",
            "2023-09",
            " 2024-12 ",
        ] {
            assert!(parse_period(ok).is_ok(), "{ok}");
        }
        assert_eq!(parse_period("2023-h1"), Ok("2023-H1".to_owned()));
        for bad in [
            "",
            "23",
            "2023-13",
            "2023-00",
            "2023-Q5",
            "năm 2023",
            "2023/09",
        ] {
            assert_eq!(parse_period(bad), Err(PeriodError), "{bad}");
        }
    }
}
