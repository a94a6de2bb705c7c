//! Targets (chỉ tiêu) and their measures: what a resolution promises, in numbers.

use std::fmt;

use serde::Serialize;

/// How a measure's actual value is compared with its target value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// `trên X`: strictly more than X.
    Gt,
    /// `từ X trở lên`, `đạt X`, `tối thiểu X`, a bare value: at least X.
    Gte,
    /// `dưới X`: strictly less than X.
    Lt,
    /// `không quá X`, `tối đa X`: at most X.
    Lte,
    /// `= X`.
    Eq,
    /// `từ X đến Y`, `X - Y`: between X and Y inclusive (`value` and `value_max`).
    Between,
    /// No number to compare: reported as achieved or not.
    Qualitative,
}

impl Comparator {
    pub const ALL: [Self; 7] = [
        Self::Gt,
        Self::Gte,
        Self::Lt,
        Self::Lte,
        Self::Eq,
        Self::Between,
        Self::Qualitative,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gt => "gt",
            Self::Gte => "gte",
            Self::Lt => "lt",
            Self::Lte => "lte",
            Self::Eq => "eq",
            Self::Between => "between",
            Self::Qualitative => "qualitative",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == input)
    }
}

impl fmt::Display for Comparator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether more or less of the measured quantity is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HigherIsBetter => "higher_is_better",
            Self::LowerIsBetter => "lower_is_better",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        match input {
            "higher_is_better" => Some(Self::HigherIsBetter),
            "lower_is_better" => Some(Self::LowerIsBetter),
            _ => None,
        }
    }
}

/// One measurable part of a target. Target 11 of the Trường Xuân 2023 resolution has two:
/// health insurance coverage above 96 %, and more than 42 people in voluntary social insurance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    /// What is measured, in the resolution's words: "Tỷ lệ người dân tham gia BHYT".
    pub label: String,
    pub comparator: Comparator,
    /// The target value; the low end for `Between`; none for `Qualitative`.
    pub value: Option<f64>,
    /// The high end for `Between`.
    pub value_max: Option<f64>,
    /// `tỷ đồng`, `tấn`, `ha`, `%`, `người`...
    pub unit: Option<String>,
    pub direction: Direction,
    /// The parser was unsure; an editor should check this measure.
    pub needs_review: bool,
}
