//! Resolutions (nghị quyết) as imported from their plain text.

use chrono::{NaiveDate, NaiveDateTime};

use crate::measure::Measure;

/// A numbered part of a resolution: "I. ĐÁNH GIÁ CHUNG", "II. MỤC TIÊU", "III. GIẢI PHÁP...".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The Roman numeral as written: "I", "II", "III".
    pub number: String,
    /// The heading without its numeral: "ĐÁNH GIÁ CHUNG".
    pub heading: String,
    /// The text of the section up to the next one, as written.
    pub body: String,
}

/// A target (chỉ tiêu) as the import found it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedTarget {
    /// 1..n, as numbered in the text.
    pub number: u32,
    /// The full original wording, wrapped lines joined with a space; never rewritten.
    pub text: String,
    /// At least one; what could not be read is a measure with `needs_review`.
    pub measures: Vec<Measure>,
}

/// Everything the import read from the text of a resolution.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedResolution {
    /// "NGHỊ QUYẾT CỦA ĐẢNG ỦY XÃ TRƯỜNG XUÂN VỀ MỤC TIÊU, PHƯƠNG HƯỚNG NHIỆM VỤ NĂM 2023".
    pub title: String,
    /// The resolution's own number and symbol, such as "12/NQ-HĐND", when it has one.
    pub document_number: Option<String>,
    /// "Ban chấp hành Đảng bộ xã Trường Xuân".
    pub issuing_body: Option<String>,
    /// The day it was adopted: "Ngày 07/01/2023, Ban chấp hành ... đã tổ chức hội nghị".
    pub adopted_on: Option<NaiveDate>,
    /// When the portal posted it, in the commune's local time: "Ngày 13/03/2023 14:51:27".
    pub posted_at: Option<NaiveDateTime>,
    /// The year the resolution is for ("nhiệm vụ năm 2023").
    pub year: Option<i32>,
    /// The "Nguồn ..." line: author or source.
    pub source: Option<String>,
    /// The text in NFC, otherwise exactly as given.
    pub full_text: String,
    pub sections: Vec<Section>,
    pub targets: Vec<ImportedTarget>,
    /// What the reader should check: no target list found, a repeated copy ignored...
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the text is empty")]
    Empty,
    #[error("the text must not contain the NUL character")]
    ContainsNul,
}
