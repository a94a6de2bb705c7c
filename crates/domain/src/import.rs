//! Import of a resolution from its plain text, as copied from a commune portal.
//!
//! What the import reads (each from the first copy of the resolution when the page prints it
//! twice, as portals do with a list view and a detail view):
//!
//! - the title: the first line starting with "NGHỊ QUYẾT" that says more than the bare word
//!   (or the bare word with the "CỦA ..." / "Về ..." lines under it); page furniture such as
//!   the visit counter before it is skipped;
//! - when the portal posted it ("Ngày 13/03/2023 14:51:27", "Đăng lúc: ..."), when it was adopted
//!   ("Ngày 07/01/2023, Ban chấp hành ..." or "... thông qua ngày ..."), who issued it ("CỦA BAN
//!   CHẤP HÀNH ĐẢNG BỘ XÃ ...", a "HỘI ĐỒNG NHÂN DÂN XÃ ..." header, or the title), the year
//!   ("năm 2023" in the title), its own number ("Số: 12/NQ-HĐND" in the header, never a number
//!   cited in the body) and the "Nguồn ..." line;
//! - the sections, numbered with Roman numerals at the start of a line;
//! - the targets: the list after a heading with "chỉ tiêu cụ thể" or "chỉ tiêu chủ yếu",
//!   numbered `1-`, `1.`, `1)`, `(1)` (also inline: "(1) ...; (2) ...") or bulleted `-`, `+`,
//!   numbered 1..n in order. Wrapped lines are joined with one space, even after an empty line.
//!   Group headings inside the list ("a) Về kinh tế:" over `-` items) are not targets. The list
//!   ends at the next Roman section, an "Điều N." article, a heading in capitals, a line numbered
//!   like the list's own heading ("3. Nhiệm vụ" after "2. Các chỉ tiêu"), page furniture, or —
//!   after the last target — a new paragraph or bullet the target did not announce with ":".
//!
//! Text is never dropped or rewritten: a target's text is its wording with the line breaks
//! joined (and no-break spaces read as spaces), and `full_text` is the whole input in NFC.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::resolution::{ImportError, ImportedResolution, ImportedTarget, Section};
use crate::target_parser::{is_invisible_space, parse_measures};
use crate::text;

/// Reads a resolution from its plain text.
pub fn import_resolution(text: &str) -> Result<ImportedResolution, ImportError> {
    let full_text = text::normalize(text).map_err(|_| ImportError::ContainsNul)?;
    if full_text
        .chars()
        .all(|c| c.is_whitespace() || is_invisible_space(c))
    {
        return Err(ImportError::Empty);
    }
    let lines: Vec<Line<'_>> = full_text.split('\n').map(Line::new).collect();
    let mut warnings = Vec::new();

    let title = find_title(&lines);
    let region_end = match first_copy_end(&lines, title.as_ref()) {
        Some(end) => {
            warnings.push(format!(
                "the text holds the resolution twice; the repeated copy from line {} on was ignored",
                end + 1
            ));
            end
        }
        None => lines.len(),
    };
    let region = &lines[..region_end];

    let section_starts = find_section_starts(region);
    let body_limit = region
        .iter()
        .enumerate()
        .skip(section_starts.first().map_or(0, |(index, _)| *index))
        .find(|(_, line)| is_source_line(line) || is_furniture(line))
        .map_or(region.len(), |(index, _)| index);
    let sections = build_sections(region, &section_starts, body_limit);
    if sections.is_empty() {
        warnings.push("no sections numbered I., II., III. were found".to_owned());
    }

    let targets_heading = find_targets_heading(region);
    let header_end = section_starts
        .first()
        .map(|(index, _)| *index)
        .or(targets_heading)
        .unwrap_or(region.len().min(40));
    let header = &region[..header_end];

    let title_text = match &title {
        Some(found) => found.text.clone(),
        None => {
            warnings.push("no title starting with \"NGHỊ QUYẾT\" was found".to_owned());
            fallback_title(region)
        }
    };

    let targets = match targets_heading {
        Some(heading) => {
            let items = read_target_list(region, heading, &mut warnings);
            if items.is_empty() {
                warnings.push("the list of targets after its heading is empty".to_owned());
            }
            items
        }
        None => {
            warnings.push(
                "no list of targets was found (a heading such as \"Các chỉ tiêu cụ thể\" or \
                 \"Các chỉ tiêu chủ yếu\")"
                    .to_owned(),
            );
            Vec::new()
        }
    };
    let targets: Vec<ImportedTarget> = targets
        .into_iter()
        .enumerate()
        .map(|(index, text)| ImportedTarget {
            number: u32::try_from(index + 1).unwrap_or(u32::MAX),
            measures: parse_measures(&text),
            text,
        })
        .collect();
    for target in &targets {
        if target.measures.iter().any(|m| m.needs_review) {
            warnings.push(format!(
                "target {}: a measure could not be read with confidence and needs review",
                target.number
            ));
        }
    }

    let title_line = title
        .as_ref()
        .map(|found| found.lines.clone())
        .unwrap_or_default();
    Ok(ImportedResolution {
        title: title_text.clone(),
        document_number: find_document_number(header).or_else(|| number_in_title(&title_text)),
        issuing_body: find_issuing_body(header, &title_line, &title_text, region),
        adopted_on: find_adopted_on(region, header),
        posted_at: find_posted_at(region).or_else(|| find_posted_at(&lines)),
        year: find_year(&title_text, header),
        source: find_source(region),
        full_text: full_text.clone(),
        sections,
        targets,
        warnings,
    })
}

// ---------------------------------------------------------------------------------------------
// Lines

#[derive(Debug, Clone)]
struct Line<'a> {
    /// As written (NFC), without a trailing carriage return.
    raw: &'a str,
    /// No-break and other spaces as plain spaces, trimmed; runs of spaces kept.
    clean: String,
    /// Folded for comparisons: "nghi quyet".
    folded: String,
}

impl<'a> Line<'a> {
    fn new(raw: &'a str) -> Self {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let clean: String = raw
            .chars()
            .filter(|c| !is_invisible_space(*c))
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect();
        let clean = clean.trim().to_owned();
        let folded = text::fold(&clean);
        Self { raw, clean, folded }
    }

    fn is_blank(&self) -> bool {
        self.clean.is_empty()
    }
}

fn has_lowercase(s: &str) -> bool {
    s.chars().any(char::is_lowercase)
}

/// A heading in capitals: at least four letters and none in lower case.
fn is_all_caps(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).count() >= 4 && !has_lowercase(s)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_furniture(line: &Line<'_>) -> bool {
    const EXACT: &[&str] = &[
        "thu tuc hanh chinh",
        "truy cap",
        "tin lien quan",
        "cac tin khac",
        "tin khac",
        "chia se",
        "ve dau trang",
    ];
    const PREFIX: &[&str] = &[
        "dia chi tiep nhan phan anh",
        "hom nay:",
        "hom qua:",
        "tat ca:",
        "bai viet lien quan",
        "ban quyen",
        "lien ket website",
        "in bai viet",
    ];
    let folded = line.folded.trim_end_matches([':', '.']);
    EXACT.contains(&folded) || PREFIX.iter().any(|p| line.folded.starts_with(p))
}

fn is_source_line(line: &Line<'_>) -> bool {
    line.folded.starts_with("nguon ") || line.folded.starts_with("nguon:")
}

fn is_article_line(line: &Line<'_>) -> bool {
    // "Điều 2. Tổ chức thực hiện".
    line.folded
        .strip_prefix("dieu ")
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

// ---------------------------------------------------------------------------------------------
// Title and repeated copies

#[derive(Debug, Clone)]
struct TitleFound {
    /// The lines the title was read from (one, or the bare word and the lines under it).
    lines: Vec<usize>,
    text: String,
}

fn is_bare_resolution_word(line: &Line<'_>) -> bool {
    line.folded
        .trim_end_matches(|c: char| c.is_ascii_punctuation() || c == ' ')
        == "nghi quyet"
}

fn find_title(lines: &[Line<'_>]) -> Option<TitleFound> {
    const TITLE_STARTS: &[&str] = &[
        "ve ",
        "cua ",
        "so ",
        "hoi nghi",
        "ky hop",
        "dai hoi",
        "thong qua",
        "ban chap hanh",
        "hdnd",
        "hoi dong",
    ];
    for (index, line) in lines.iter().enumerate() {
        if find_roman_heading(line).is_some() {
            // The title comes before the first section.
            break;
        }
        if !line.folded.starts_with("nghi quyet") {
            continue;
        }
        if is_bare_resolution_word(line) {
            let mut parts = vec!["NGHỊ QUYẾT".to_owned()];
            let mut used = vec![index];
            for (next_index, next) in lines.iter().enumerate().skip(index + 1) {
                if next.is_blank() || next.clean.chars().all(|c| c.is_ascii_punctuation()) {
                    continue;
                }
                if (next.folded.starts_with("cua ") || next.folded.starts_with("ve "))
                    && parts.len() < 3
                {
                    parts.push(next.clean.trim_end_matches('.').trim().to_owned());
                    used.push(next_index);
                    continue;
                }
                break;
            }
            if parts.len() > 1 {
                return Some(TitleFound {
                    lines: used,
                    text: collapse(&parts.join(" ")),
                });
            }
            continue;
        }
        let rest = line.folded.trim_start_matches("nghi quyet").trim_start();
        let title_like =
            !has_lowercase(&line.clean) || TITLE_STARTS.iter().any(|s| rest.starts_with(s));
        if title_like && line.clean.chars().count() <= 400 {
            return Some(TitleFound {
                lines: vec![index],
                text: collapse(&line.clean),
            });
        }
    }
    None
}

fn fallback_title(region: &[Line<'_>]) -> String {
    region
        .iter()
        .filter(|line| !line.is_blank() && !is_furniture(line))
        .find(|line| line.clean.chars().any(char::is_alphabetic) && !line.folded.ends_with(':'))
        .map(|line| collapse(&line.clean).chars().take(300).collect())
        .unwrap_or_default()
}

/// Where a repeated copy of the resolution starts, if the text holds one.
fn first_copy_end(lines: &[Line<'_>], title: Option<&TitleFound>) -> Option<usize> {
    let mut candidates = Vec::new();
    if let Some(title) = title {
        let key: Vec<&str> = title
            .lines
            .iter()
            .map(|i| lines[*i].clean.as_str())
            .collect();
        let last = title.lines.last().copied().unwrap_or(0);
        for start in last + 1..lines.len() {
            if lines[start].clean == key[0] && lines_match(lines, start, &key) {
                candidates.push(start);
                break;
            }
        }
    }
    // The first section printed again: back up over the header lines printed before it.
    let starts = find_section_starts(lines);
    if let Some((first, _)) = starts.first() {
        let first = *first;
        let header: HashSet<&str> = lines[..first]
            .iter()
            .map(|l| l.clean.as_str())
            .filter(|c| !c.is_empty())
            .collect();
        if let Some(again) =
            (first + 1..lines.len()).find(|i| lines[*i].clean == lines[first].clean)
        {
            let mut start = again;
            while start > first + 1 {
                let previous = &lines[start - 1];
                if previous.is_blank() || header.contains(previous.clean.as_str()) {
                    start -= 1;
                } else {
                    break;
                }
            }
            while start < again && lines[start].is_blank() {
                start += 1;
            }
            candidates.push(start);
        }
    }
    // A cut is a repeat only if the first copy already holds the resolution's content (a page
    // may print the title as its heading and again at the top of the document).
    candidates
        .into_iter()
        .filter(|cut| {
            let first = &lines[..*cut];
            !find_section_starts(first).is_empty() || !targets_heading_candidates(first).is_empty()
        })
        .min()
}

/// Whether the non-blank lines from `start` are `key`, in order.
fn lines_match(lines: &[Line<'_>], start: usize, key: &[&str]) -> bool {
    let mut expected = key.iter();
    let mut current = expected.next();
    for line in &lines[start..] {
        let Some(want) = current else { return true };
        if line.is_blank() {
            continue;
        }
        if line.clean != *want {
            return false;
        }
        current = expected.next();
    }
    current.is_none()
}

// ---------------------------------------------------------------------------------------------
// Sections

/// "I. ĐÁNH GIÁ CHUNG." → ("I", 1, "ĐÁNH GIÁ CHUNG").
fn find_roman_heading(line: &Line<'_>) -> Option<(String, u32, String)> {
    let mut text = line.clean.as_str();
    for prefix in ["PHẦN ", "Phần "] {
        if let Some(rest) = text.strip_prefix(prefix) {
            text = rest;
        }
    }
    let numeral: String = text
        .chars()
        .take_while(|c| matches!(c, 'I' | 'V' | 'X'))
        .collect();
    if numeral.is_empty() {
        return None;
    }
    let rest = &text[numeral.len()..];
    let rest = rest.strip_prefix(['.', ')', ':', '-', '–', '/'])?;
    let heading = rest.trim();
    if !heading.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    let value = roman_value(&numeral)?;
    let heading = heading.trim_end_matches(['.', ':', ' ']).to_owned();
    Some((numeral, value, heading))
}

fn roman_value(numeral: &str) -> Option<u32> {
    const NUMERALS: [&str; 30] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
        "XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV", "XXVI",
        "XXVII", "XXVIII", "XXIX", "XXX",
    ];
    NUMERALS
        .iter()
        .position(|n| *n == numeral)
        .and_then(|p| u32::try_from(p + 1).ok())
}

/// The lines that open a section, numbered I, II, III... in order.
fn find_section_starts(lines: &[Line<'_>]) -> Vec<(usize, (String, String))> {
    let mut starts = Vec::new();
    let mut expected = 1;
    for (index, line) in lines.iter().enumerate() {
        if let Some((numeral, value, heading)) = find_roman_heading(line) {
            if value == expected {
                starts.push((index, (numeral, heading)));
                expected += 1;
            }
        }
    }
    starts
}

fn build_sections(
    region: &[Line<'_>],
    starts: &[(usize, (String, String))],
    limit: usize,
) -> Vec<Section> {
    starts
        .iter()
        .enumerate()
        .filter(|(_, (start, _))| *start < limit)
        .map(|(n, (start, (number, heading)))| {
            let end = starts
                .get(n + 1)
                .map_or(limit, |(next, _)| *next)
                .min(limit)
                .max(*start + 1);
            let body_lines = &region[start + 1..end];
            let first = body_lines
                .iter()
                .position(|l| !l.is_blank())
                .unwrap_or(body_lines.len());
            let last = body_lines
                .iter()
                .rposition(|l| !l.is_blank())
                .map_or(first, |p| p + 1);
            let body = body_lines[first..last.max(first)]
                .iter()
                .map(|l| l.raw)
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_owned();
            Section {
                number: number.clone(),
                heading: heading.clone(),
                body,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Targets

/// Lines that head the list of targets: "2.Các chỉ tiêu cụ thể:", "CÁC CHỈ TIÊU CHỦ YẾU". A sentence
/// that only mentions them ("hoàn thành 18/20 chỉ tiêu chủ yếu.") is not a heading.
fn targets_heading_candidates(region: &[Line<'_>]) -> Vec<usize> {
    const HEADINGS: &[&str] = &[
        "chi tieu cu the",
        "chi tieu chu yeu",
        "chi tieu chinh",
        "chi tieu phan dau",
    ];
    region
        .iter()
        .enumerate()
        .filter(|(_, line)| {
            let Some(at) = HEADINGS.iter().filter_map(|h| line.folded.find(h)).min() else {
                return false;
            };
            let before = &line.folded[..at];
            let text = parse_marker(&line.clean).map_or(line.clean.as_str(), |m| m.text);
            let heading_part = text.split(':').next().unwrap_or_default();
            let digits_outside_years =
                heading_part
                    .split(|c: char| !c.is_ascii_digit())
                    .any(|run| {
                        !run.is_empty()
                            && !(run.len() == 4 && (run.starts_with("19") || run.starts_with("20")))
                    });
            before.chars().count() <= 40
                && heading_part.chars().count() <= 100
                && !digits_outside_years
        })
        .map(|(index, _)| index)
        .collect()
}

/// The heading of the list: the first candidate that a list follows, else the first one.
fn find_targets_heading(region: &[Line<'_>]) -> Option<usize> {
    let candidates = targets_heading_candidates(region);
    candidates
        .iter()
        .copied()
        .find(|heading| !read_target_list(region, *heading, &mut Vec::new()).is_empty())
        .or_else(|| candidates.first().copied())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// `1-`
    Dash,
    /// `1.`
    Dot,
    /// `1)`
    Paren,
    /// `(1)`
    Enclosed,
    /// `2.1.`
    Decimal,
    /// `a)`, `b.`
    Letter,
    /// `A.`, `B)`
    UpperLetter,
    /// `-`
    Minus,
    /// `+`
    Plus,
    /// `•`, `*`
    Bullet,
}

impl Style {
    fn is_numbered(self) -> bool {
        matches!(self, Self::Dash | Self::Dot | Self::Paren | Self::Enclosed)
    }

    fn is_bullet(self) -> bool {
        matches!(self, Self::Minus | Self::Plus | Self::Bullet)
    }
}

#[derive(Debug, Clone)]
struct Marker<'a> {
    style: Style,
    number: Option<u32>,
    /// The text after the marker.
    text: &'a str,
}

fn parse_marker(clean: &str) -> Option<Marker<'_>> {
    let first = clean.chars().next()?;
    let after = |skip: usize| clean[skip..].trim_start();
    match first {
        '(' => {
            let digits: String = clean[1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let close = 1 + digits.len();
            if !digits.is_empty() && clean[close..].starts_with(')') {
                return Some(Marker {
                    style: Style::Enclosed,
                    number: digits.parse().ok(),
                    text: after(close + 1),
                });
            }
            None
        }
        '0'..='9' => {
            let digits: String = clean.chars().take_while(char::is_ascii_digit).collect();
            if digits.len() > 3 {
                return None;
            }
            let number = digits.parse().ok();
            let rest = &clean[digits.len()..];
            let next = rest.chars().next()?;
            let tail = &rest[next.len_utf8()..];
            let starts_text = |t: &str| {
                t.trim_start()
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_ascii_digit())
            };
            match next {
                '-' | '–' if starts_text(tail) => Some(Marker {
                    style: Style::Dash,
                    number,
                    text: tail.trim_start(),
                }),
                ')' => Some(Marker {
                    style: Style::Paren,
                    number,
                    text: tail.trim_start(),
                }),
                '.' if tail.starts_with(|c: char| c.is_ascii_digit()) => {
                    // "2.1." or "2.1 Về kinh tế", but not "9.850 tấn".
                    let sub: String = tail.chars().take_while(char::is_ascii_digit).collect();
                    let sub_rest = &tail[sub.len()..];
                    let punctuated = sub_rest.starts_with(['.', ')']);
                    let text = sub_rest.trim_start_matches(['.', ')']).trim_start();
                    let capital = text.chars().next().is_some_and(char::is_uppercase);
                    (sub.len() <= 2 && (punctuated || capital) && !text.is_empty()).then_some(
                        Marker {
                            style: Style::Decimal,
                            number,
                            text,
                        },
                    )
                }
                '.' if starts_text(tail) && !tail.trim_start().is_empty() => Some(Marker {
                    style: Style::Dot,
                    number,
                    text: tail.trim_start(),
                }),
                _ => None,
            }
        }
        '-' | '–' | '—' | '+' | '•' | '●' | '*' | '·' | '▪' | '\u{F0B7}' | '\u{F0A7}' | '○'
        | '◦' => {
            let tail = &clean[first.len_utf8()..];
            if tail.trim_start().starts_with(|c: char| c.is_ascii_digit()) && !tail.starts_with(' ')
            {
                return None; // "-5%"
            }
            let style = match first {
                '-' | '–' | '—' => Style::Minus,
                '+' => Style::Plus,
                _ => Style::Bullet,
            };
            Some(Marker {
                style,
                number: None,
                text: tail.trim_start(),
            })
        }
        c if c.is_alphabetic() && clean.chars().nth(1).is_some_and(|p| matches!(p, ')' | '.')) => {
            let tail = &clean[c.len_utf8() + 1..];
            if !tail.starts_with(' ') && !tail.starts_with(|t: char| t.is_alphabetic()) {
                return None;
            }
            let style = if c.is_uppercase() {
                Style::UpperLetter
            } else {
                Style::Letter
            };
            Some(Marker {
                style,
                number: None,
                text: tail.trim_start(),
            })
        }
        _ => None,
    }
}

/// Reads the list of targets after the heading at `heading`; returns their texts in order.
fn read_target_list(
    region: &[Line<'_>],
    heading: usize,
    warnings: &mut Vec<String>,
) -> Vec<String> {
    let heading_style = parse_marker(&region[heading].clean).map(|m| m.style);

    // The block the list can live in: up to the next section, page furniture or capitals.
    let mut block = Vec::new();
    for (index, line) in region.iter().enumerate().skip(heading + 1) {
        if line.is_blank() {
            continue;
        }
        let marker = parse_marker(&line.clean);
        let hard_stop = find_roman_heading(line).is_some()
            || is_furniture(line)
            || is_source_line(line)
            || is_article_line(line)
            || marker
                .as_ref()
                .is_some_and(|m| m.style == Style::UpperLetter)
            || (marker.is_none() && is_all_caps(&line.clean));
        if hard_stop {
            break;
        }
        block.push((index, marker));
    }

    // Which marker the targets carry: the first one that does not head a group of other items.
    let marked: Vec<(usize, &Marker<'_>)> = block
        .iter()
        .filter_map(|(index, marker)| marker.as_ref().map(|m| (*index, m)))
        .collect();
    let is_group_heading = |position: usize| -> bool {
        let (_, marker) = marked[position];
        let Some((_, next)) = marked.get(position + 1) else {
            return false;
        };
        let text = marker.text.trim_end();
        let has_digit = text.chars().any(|c| c.is_ascii_digit());
        let may_head = match marker.style {
            Style::Plus | Style::Bullet => false,
            Style::Minus => text.ends_with(':') || !has_digit,
            _ => true,
        };
        may_head
            && next.style != marker.style
            && (text.ends_with(':')
                || matches!(marker.style, Style::Letter | Style::Decimal)
                || (!has_digit && text.chars().count() <= 80))
    };
    let heading_tail = region[heading]
        .clean
        .split_once(':')
        .map(|(_, tail)| tail.trim())
        .unwrap_or_default();
    let Some(leaf) = (0..marked.len())
        .find(|p| !is_group_heading(*p))
        .map(|p| marked[p].1.style)
    else {
        return if has_enclosed_number(heading_tail, 1) {
            split_inline_enumeration(heading_tail)
        } else {
            Vec::new()
        };
    };
    let last_leaf_line = marked
        .iter()
        .filter(|(_, m)| m.style == leaf)
        .map(|(i, _)| *i)
        .max()
        .unwrap_or(0);

    let mut items: Vec<String> = Vec::new();
    let mut current: Option<usize> = None;
    // The current target ends its own line with ":", announcing sub-points.
    let mut announces = false;
    let mut last_number: Option<u32> = None;
    let mut numbering_differs = false;
    for (index, marker) in &block {
        let line = &region[*index];
        let more_items_follow = *index < last_leaf_line;
        match marker {
            Some(marker) if marker.style == leaf => {
                if let (true, Some(number)) = (leaf.is_numbered(), marker.number) {
                    let expected = last_number.map_or(1, |n| n + 1);
                    if number != expected {
                        if Some(leaf) == heading_style {
                            break; // "3. Nhiệm vụ..." after a list numbered like its heading.
                        }
                        let text = marker.text.trim_end();
                        let reads_like_heading = text.ends_with(':')
                            || (!text.chars().any(|c| c.is_ascii_digit())
                                && text.chars().count() <= 80);
                        if number < expected && reads_like_heading {
                            break; // "2. Nhiệm vụ, giải pháp" after target 12.
                        }
                        if number != 1 {
                            numbering_differs = true;
                        }
                    }
                    last_number = Some(number);
                }
                items.push(marker.text.trim_end().to_owned());
                announces = marker.text.trim_end().ends_with(':');
                current = Some(items.len() - 1);
            }
            Some(marker) => {
                // After the last target, only sub-points it announces with ":" belong to it.
                let sub_point = marker.style.is_bullet() && announces && current.is_some();
                let ends_list = !(more_items_follow || sub_point);
                if Some(marker.style) == heading_style || ends_list {
                    break;
                }
                let marked_position = marked.iter().position(|(i, _)| i == index);
                if marked_position.is_some_and(is_group_heading) {
                    current = None;
                    last_number = None;
                    continue;
                }
                if let Some(item) = current {
                    join_line(&mut items[item], &line.clean);
                }
            }
            None => {
                let Some(item) = current else { continue };
                // A wrapped line goes on the target; after the last target, a new paragraph
                // (a capital after a finished sentence or clause) ends the list.
                let starts_upper = line.clean.chars().next().is_some_and(char::is_uppercase);
                let finished = items[item].ends_with(['.', ';']);
                if starts_upper && finished && !more_items_follow {
                    break;
                }
                join_line(&mut items[item], &line.clean);
            }
        }
    }
    // "Các chỉ tiêu chủ yếu: (1) ...; (2) ...; (3) ..." on one line or in one item.
    if items.is_empty() && has_enclosed_number(heading_tail, 1) {
        items = split_inline_enumeration(heading_tail);
    } else if leaf == Style::Enclosed {
        items = items
            .iter()
            .flat_map(|item| split_inline_enumeration_from(item))
            .collect();
    }
    if numbering_differs {
        warnings.push(
            "the targets are not numbered 1..n in the text; they were numbered in order".to_owned(),
        );
    }
    let count = items.len();
    items.retain(|text| !text.trim().is_empty());
    if items.len() != count {
        warnings.push("a list marker without text was skipped".to_owned());
    }
    items
}

fn has_enclosed_number(text: &str, number: u32) -> bool {
    text.contains(&format!("({number})"))
}

/// Splits "(1) A; (2) B; (3) C" into "A;", "B;", "C"; the text before "(1)" is an introduction.
fn split_inline_enumeration(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut number = 1u32;
    let Some(mut start) = text.find("(1)").map(|at| at + 3) else {
        return items;
    };
    loop {
        number += 1;
        let marker = format!("({number})");
        match text[start..].find(&marker) {
            Some(offset) => {
                items.push(text[start..start + offset].trim().to_owned());
                start += offset + marker.len();
            }
            None => {
                items.push(text[start..].trim().to_owned());
                break;
            }
        }
    }
    items.retain(|item| !item.is_empty());
    items
}

/// An item "(3) A; (4) B" read as one line: "A;" and "B".
fn split_inline_enumeration_from(item: &str) -> Vec<String> {
    // The item's own number was removed with its marker; look for any later "(n)" that follows
    // a separator, in increasing order.
    let mut pieces = Vec::new();
    let mut rest = item;
    loop {
        let next = (2..=200u32).find_map(|n| {
            let marker = format!("({n})");
            rest.match_indices(&marker)
                .find(|(at, _)| rest[..*at].trim_end().ends_with([';', '.']))
                .map(|(at, m)| (at, m.len()))
        });
        match next {
            Some((at, len)) if at > 0 => {
                pieces.push(rest[..at].trim().to_owned());
                rest = rest[at + len..].trim_start();
            }
            _ => {
                pieces.push(rest.trim().to_owned());
                break;
            }
        }
    }
    pieces.retain(|piece| !piece.is_empty());
    pieces
}

fn join_line(text: &mut String, continuation: &str) {
    let continuation = continuation.trim();
    if continuation.is_empty() {
        return;
    }
    let trimmed_len = text.trim_end().len();
    text.truncate(trimmed_len);
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(continuation);
}

// ---------------------------------------------------------------------------------------------
// Document fields

/// "Ngày 13/03/2023 14:51:27", "Đăng lúc: 13/03/2023 14:51:27 (GMT+7)".
fn find_posted_at(lines: &[Line<'_>]) -> Option<NaiveDateTime> {
    lines
        .iter()
        .filter(|line| line.clean.chars().count() <= 100)
        .find_map(|line| {
            let (date, end) = find_numeric_date(&line.clean)?;
            let time = parse_time(line.clean[end..].trim_start())?;
            Some(NaiveDateTime::new(date, time))
        })
}

/// The first "dd/mm/yyyy" in `s`: the date and where it ends.
fn find_numeric_date(s: &str) -> Option<(NaiveDate, usize)> {
    let bytes = s.as_bytes();
    (0..bytes.len()).find_map(|start| {
        if !bytes[start].is_ascii_digit() || (start > 0 && bytes[start - 1].is_ascii_digit()) {
            return None;
        }
        parse_numeric_date_at(s, start)
    })
}

fn parse_numeric_date_at(s: &str, start: usize) -> Option<(NaiveDate, usize)> {
    let bytes = s.as_bytes();
    let read_digits = |from: usize, max: usize| -> Option<(u32, usize)> {
        let len = bytes[from..]
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if len == 0 || bytes.get(from + len).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        Some((s[from..from + len].parse().ok()?, from + len))
    };
    let (day, after_day) = read_digits(start, 2)?;
    let separator = *bytes.get(after_day)?;
    if !matches!(separator, b'/' | b'-' | b'.') {
        return None;
    }
    let (month, after_month) = read_digits(after_day + 1, 2)?;
    if bytes.get(after_month) != Some(&separator) {
        return None;
    }
    let year_start = after_month + 1;
    let year_len = bytes[year_start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if year_len != 4 {
        return None;
    }
    let year: i32 = s[year_start..year_start + 4].parse().ok()?;
    Some((NaiveDate::from_ymd_opt(year, month, day)?, year_start + 4))
}

/// "14:51:27" or "14:51" at the start of `s`.
fn parse_time(s: &str) -> Option<NaiveTime> {
    let token: &str = s
        .split(|c: char| !(c.is_ascii_digit() || c == ':'))
        .next()?;
    let mut parts = token.split(':');
    let hour: u32 = parts.next()?.parse().ok()?;
    let minute: u32 = parts.next()?.parse().ok()?;
    let second: u32 = match parts.next() {
        Some(part) => part.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// "ngày 15 tháng 12 năm 2023" anywhere in `s`.
fn find_worded_date(s: &str) -> Option<NaiveDate> {
    let folded = text::fold(s);
    let mut search = folded.as_str();
    while let Some(at) = search.find("ngay ") {
        let rest = &search[at + 5..];
        let parsed = (|| {
            let (day, rest) = split_number(rest)?;
            let rest = rest.trim_start().strip_prefix("thang")?;
            let (month, rest) = split_number(rest.trim_start())?;
            let rest = rest.trim_start().strip_prefix("nam")?;
            let (year, _) = split_number(rest.trim_start())?;
            NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
        })();
        if parsed.is_some() {
            return parsed;
        }
        search = rest;
    }
    None
}

fn split_number(s: &str) -> Option<(u32, &str)> {
    let len = s.bytes().take_while(u8::is_ascii_digit).count();
    if len == 0 || len > 4 {
        return None;
    }
    Some((s[..len].parse().ok()?, &s[len..]))
}

/// "Ngày 07/01/2023, Ban chấp hành ... đã tổ chức hội nghị", "... thông qua ngày ...", or the
/// "..., ngày 07 tháng 01 năm 2023" line of the header.
fn find_adopted_on(region: &[Line<'_>], header: &[Line<'_>]) -> Option<NaiveDate> {
    let opening = region.iter().find_map(|line| {
        if !line.folded.starts_with("ngay ") {
            return None;
        }
        let rest = line.clean.split_once(' ')?.1.trim_start();
        let (date, end) = parse_numeric_date_at(rest, 0)?;
        let after = rest[end..].trim_start();
        let is_time = after.starts_with(|c: char| c.is_ascii_digit());
        (!is_time).then_some(date)
    });
    if opening.is_some() {
        return opening;
    }
    let passed = region.iter().find_map(|line| {
        let at = line.folded.find("thong qua ngay")?;
        let rest = &line.folded[at + "thong qua ".len()..];
        find_worded_date(rest).or_else(|| {
            let rest = rest.trim_start_matches("ngay").trim_start();
            parse_numeric_date_at(rest, 0).map(|(date, _)| date)
        })
    });
    if passed.is_some() {
        return passed;
    }
    header
        .iter()
        .filter(|line| line.folded.contains(", ngay ") || line.folded.starts_with("ngay "))
        .find_map(|line| find_worded_date(&line.clean))
}

/// "Số: 12/NQ-HĐND" in the header; a number cited in the body is not the resolution's own.
fn find_document_number(header: &[Line<'_>]) -> Option<String> {
    header.iter().find_map(|line| {
        let rest = line
            .clean
            .strip_prefix("Số")
            .or_else(|| line.clean.strip_prefix("SỐ"))?;
        if !rest.starts_with([':', ' ']) {
            return None;
        }
        let rest = rest.trim_start_matches([':', ' ']);
        let field = rest.split("  ").next().unwrap_or_default();
        let field = field.split('\t').next().unwrap_or_default();
        // "12 /NQ-HĐND" written with spaces around the slash.
        let compact = field
            .replace(" /", "/")
            .replace("/ ", "/")
            .replace(" -", "-")
            .replace("- ", "-");
        let number = compact
            .split_whitespace()
            .next()?
            .trim_end_matches([',', '.', ';']);
        let valid = number.chars().any(|c| c.is_ascii_digit()) && number.contains(['/', '-']);
        valid.then(|| number.to_owned())
    })
}

/// "Nghị quyết số 12/NQ-HĐND về ...": a title that names the resolution's own number.
fn number_in_title(title: &str) -> Option<String> {
    let folded = text::fold(title);
    if !folded.starts_with("nghi quyet so ") {
        return None;
    }
    let rest = title.split_whitespace().nth(3)?;
    let number = rest.trim_end_matches([',', '.', ';', ':']);
    let valid = number.starts_with(|c: char| c.is_ascii_digit()) && number.contains(['/', '-']);
    valid.then(|| number.to_owned())
}

fn find_issuing_body(
    header: &[Line<'_>],
    title_lines: &[usize],
    title: &str,
    region: &[Line<'_>],
) -> Option<String> {
    // "CỦA BAN CHẤP HÀNH ĐẢNG BỘ XÃ TRƯỜNG XUÂN" under the bare title word.
    let of_line = header.iter().enumerate().find_map(|(index, line)| {
        let body = line.clean.strip_prefix("CỦA ")?;
        let is_whole_title = title_lines.first() == Some(&index) && title_lines.len() == 1;
        (!is_whole_title && body.chars().count() <= 120)
            .then(|| body.trim_end_matches('.').trim().to_owned())
    });
    // "HỘI ĐỒNG NHÂN DÂN XÃ PHÚ LỘC      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".
    const BODIES: &[&str] = &[
        "hoi dong nhan dan",
        "dang uy",
        "dang bo",
        "ban chap hanh",
        "ban thuong vu",
        "uy ban nhan dan",
    ];
    let header_line = || {
        let place_words = ["XÃ ", "PHƯỜNG ", "THỊ TRẤN "];
        let found: Vec<(usize, String)> = header
            .iter()
            .enumerate()
            .filter_map(|(index, line)| {
                if has_lowercase(&line.clean) || !BODIES.iter().any(|b| line.folded.starts_with(b))
                {
                    return None;
                }
                let mut body = line.clean.as_str();
                for cut in ["CỘNG HÒA", "CỘNG HOÀ", "ĐẢNG CỘNG SẢN", "  ", "\t"] {
                    if let Some(at) = body.find(cut).filter(|at| *at > 0) {
                        body = &body[..at];
                    }
                }
                let body = body.trim();
                (!body.is_empty() && body.chars().count() <= 120).then(|| (index, body.to_owned()))
            })
            .collect();
        let names_place = |body: &str| place_words.iter().any(|w| body.contains(w.trim_end()));
        if let Some((_, body)) = found.iter().find(|(_, body)| names_place(body)) {
            return Some(body.clone());
        }
        // "HỘI ĐỒNG NHÂN DÂN" with "XÃ PHÚ LỘC" on the next line.
        let (index, body) = found.first()?;
        let next = header.iter().skip(index + 1).find(|line| !line.is_blank());
        match next {
            Some(line) if place_words.iter().any(|w| line.clean.starts_with(w)) => {
                let place = line.clean.split("  ").next().unwrap_or_default();
                let place = place.split("CỘNG H").next().unwrap_or_default().trim();
                Some(format!("{body} {place}"))
            }
            _ => Some(body.clone()),
        }
    };
    // "NGHỊ QUYẾT CỦA ĐẢNG ỦY XÃ TRƯỜNG XUÂN VỀ ...".
    let from_title = || {
        let at = title.find(" CỦA ")?;
        let rest = &title[at + " CỦA ".len()..];
        let body = rest
            .split(" VỀ ")
            .next()
            .unwrap_or(rest)
            .split(" Về ")
            .next()
            .unwrap_or(rest)
            .trim();
        (!body.is_empty()).then(|| body.to_owned())
    };
    // "Ngày 07/01/2023, Ban chấp hành Đảng bộ xã Trường Xuân khoá XXI, đã tổ chức ...".
    let from_opening = || {
        region.iter().find_map(|line| {
            if !line.folded.starts_with("ngay ") {
                return None;
            }
            let (_, rest) = line.clean.split_once(", ")?;
            let end = [
                " khoá ",
                " khóa ",
                " nhiệm kỳ ",
                ",",
                " đã ",
                " tại ",
                " họp ",
                " tổ chức ",
            ]
            .iter()
            .filter_map(|stop| rest.find(stop))
            .min()?;
            let body = rest[..end].trim();
            let folded = text::fold(body);
            BODIES
                .iter()
                .any(|b| folded.starts_with(b))
                .then(|| body.to_owned())
        })
    };
    let body = of_line
        .or_else(header_line)
        .or_else(from_title)
        .or_else(from_opening)?;
    let body = collapse(&body);
    Some(if has_lowercase(&body) {
        body
    } else {
        sentence_case(&body)
    })
}

/// "BAN CHẤP HÀNH ĐẢNG BỘ XÃ TRƯỜNG XUÂN" → "Ban chấp hành Đảng bộ xã Trường Xuân": lower case but
/// for the first letter, "Đảng", and the place names after xã, huyện, tỉnh...
fn sentence_case(upper: &str) -> String {
    const PLACES: &[&str] = &[
        "xã",
        "phường",
        "huyện",
        "quận",
        "tỉnh",
        "thị trấn",
        "thị xã",
        "thành phố",
    ];
    let words: Vec<String> = upper.split_whitespace().map(str::to_lowercase).collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut in_place_name = false;
    let mut index = 0;
    while index < words.len() {
        let word = &words[index];
        let two = words.get(index + 1).map(|next| format!("{word} {next}"));
        let place_word = if two.as_deref().is_some_and(|t| PLACES.contains(&t)) {
            two
        } else if PLACES.contains(&word.as_str()) {
            Some(word.clone())
        } else {
            None
        };
        if let Some(place) = place_word {
            index += place.split(' ').count();
            out.push(place);
            in_place_name = true;
            continue;
        }
        let cased = if in_place_name || word == "đảng" || out.is_empty() {
            capitalize(word)
        } else {
            word.clone()
        };
        out.push(cased);
        index += 1;
    }
    out.join(" ")
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "năm 2023" in the title, else in a "Về ..." line of the header.
fn find_year(title: &str, header: &[Line<'_>]) -> Option<i32> {
    let year_in = |s: &str| {
        let folded = text::fold(s);
        folded
            .match_indices("nam ")
            .filter_map(|(at, _)| {
                let digits: String = folded[at + 4..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                (digits.len() == 4)
                    .then(|| digits.parse::<i32>().ok())
                    .flatten()
            })
            .filter(|year| (1900..=2200).contains(year))
            .last()
    };
    year_in(title).or_else(|| {
        header
            .iter()
            .filter(|line| line.folded.starts_with("ve "))
            .find_map(|line| year_in(&line.clean))
    })
}

/// "Nguồn Nguyễn Quang Lĩnh: ĐUV, Phó CNKTĐU, ..." → "Nguyễn Quang Lĩnh: ĐUV, Phó CNKTĐU, ...".
fn find_source(region: &[Line<'_>]) -> Option<String> {
    region
        .iter()
        .filter(|line| is_source_line(line))
        .find_map(|line| {
            let word_end = line
                .clean
                .char_indices()
                .nth(5)
                .map_or(line.clean.len(), |(i, _)| i);
            let rest = line.clean[word_end..].trim_start();
            let rest = rest
                .strip_prefix("tin:")
                .or_else(|| rest.strip_prefix("tin :"))
                .unwrap_or(rest);
            let rest = rest.trim_start_matches([':', ' ']).trim();
            (!rest.is_empty()).then(|| rest.to_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Line<'_> {
        Line::new(text)
    }

    #[test]
    fn capitals_are_put_in_sentence_case_with_names_kept() {
        assert_eq!(
            sentence_case("BAN CHẤP HÀNH ĐẢNG BỘ XÃ TRƯỜNG XUÂN"),
            "Ban chấp hành Đảng bộ xã Trường Xuân"
        );
        assert_eq!(
            sentence_case("HỘI ĐỒNG NHÂN DÂN THỊ TRẤN LAM SƠN"),
            "Hội đồng nhân dân thị trấn Lam Sơn"
        );
        assert_eq!(sentence_case("ĐẢNG ỦY XÃ AN BÌNH"), "Đảng ủy xã An Bình");
    }

    #[test]
    fn list_markers_are_recognised() {
        let style = |text: &str| parse_marker(text).map(|m| (m.style, m.number, m.text.to_owned()));
        assert_eq!(
            style("1-\u{a0} Giá trị"),
            Some((
                Style::Dash,
                Some(1),
                "\u{a0} Giá trị".trim_start().to_owned()
            ))
        );
        assert_eq!(
            style("12. Tỷ lệ"),
            Some((Style::Dot, Some(12), "Tỷ lệ".to_owned()))
        );
        assert_eq!(
            style("1.Mục tiêu chung:"),
            Some((Style::Dot, Some(1), "Mục tiêu chung:".to_owned()))
        );
        assert_eq!(
            style("3) Tỷ lệ"),
            Some((Style::Paren, Some(3), "Tỷ lệ".to_owned()))
        );
        assert_eq!(
            style("(4) Tỷ lệ"),
            Some((Style::Enclosed, Some(4), "Tỷ lệ".to_owned()))
        );
        assert_eq!(
            style("2.1. Về kinh tế"),
            Some((Style::Decimal, Some(2), "Về kinh tế".to_owned()))
        );
        assert_eq!(
            style("a) Về kinh tế:"),
            Some((Style::Letter, None, "Về kinh tế:".to_owned()))
        );
        assert_eq!(
            style("- Tỷ lệ"),
            Some((Style::Minus, None, "Tỷ lệ".to_owned()))
        );
        assert_eq!(
            style("+ Tỷ lệ"),
            Some((Style::Plus, None, "Tỷ lệ".to_owned()))
        );
        // Not markers: a number that starts a wrapped line, a negative number, a date.
        assert_eq!(style("9.850 tấn;"), None);
        assert_eq!(style("-5%"), None);
        assert_eq!(style("13/03/2023 14:51:27"), None);
        assert_eq!(style("nguyện đạt trên 42 người;"), None);
    }

    #[test]
    fn roman_headings_are_recognised() {
        let heading = |text: &str| find_roman_heading(&Line::new(text));
        assert_eq!(
            heading("I. ĐÁNH GIÁ CHUNG."),
            Some(("I".to_owned(), 1, "ĐÁNH GIÁ CHUNG".to_owned()))
        );
        assert_eq!(
            heading("II. MỤC TIÊU:"),
            Some(("II".to_owned(), 2, "MỤC TIÊU".to_owned()))
        );
        assert_eq!(
            heading("PHẦN IV- NHIỆM VỤ"),
            Some(("IV".to_owned(), 4, "NHIỆM VỤ".to_owned()))
        );
        assert_eq!(heading("Ít nhất 5 hộ"), None);
        assert_eq!(heading("XI"), None);
    }

    #[test]
    fn dates_and_times_are_read_from_their_lines() {
        let posted = find_posted_at(&[line("Đăng lúc: 13/03/2023 14:51:27 (GMT+7)")]);
        assert_eq!(
            posted,
            NaiveDate::from_ymd_opt(2023, 3, 13).and_then(|d| d.and_hms_opt(14, 51, 27))
        );
        assert_eq!(
            find_posted_at(&[line("Ngày 07/01/2023, Ban chấp hành ...")]),
            None
        );
        let adopted = find_adopted_on(
            &[
                line("Ngày 13/03/2023 14:51:27"),
                line("Ngày 07/01/2023, Ban chấp hành"),
            ],
            &[],
        );
        assert_eq!(adopted, NaiveDate::from_ymd_opt(2023, 1, 7));
        assert_eq!(
            find_worded_date("Phú Lộc, ngày 20 tháng 12 năm 2023"),
            NaiveDate::from_ymd_opt(2023, 12, 20)
        );
        assert_eq!(parse_numeric_date_at("31/02/2023", 0), None);
    }

    #[test]
    fn only_a_number_in_the_header_is_the_resolutions_own() {
        assert_eq!(
            find_document_number(&[line(
                "Số: 12/NQ-HĐND          Phú Lộc, ngày 20 tháng 12 năm 2023"
            )])
            .as_deref(),
            Some("12/NQ-HĐND")
        );
        assert_eq!(
            find_document_number(&[line("Số 05 -NQ/ĐU")]).as_deref(),
            Some("05-NQ/ĐU")
        );
        assert_eq!(
            find_document_number(&[line("Số lượng doanh nghiệp thành lập mới từ 9")]),
            None
        );
        assert_eq!(
            find_document_number(&[line("Đẩy mạnh thực hiện Nghị quyết số 05-NQ/TU")]),
            None
        );
    }

    #[test]
    fn the_source_line_loses_its_word() {
        let source = find_source(&[line("\u{a0}Nguồn Nguyễn Quang Lĩnh: ĐUV,\u{a0} Phó CNKTĐU")]);
        assert_eq!(
            source.as_deref(),
            Some("Nguyễn Quang Lĩnh: ĐUV,  Phó CNKTĐU")
        );
        assert_eq!(
            find_source(&[line("Nguồn: Văn phòng Đảng ủy")]).as_deref(),
            Some("Văn phòng Đảng ủy")
        );
    }

    #[test]
    fn inline_enumerations_split_at_their_numbers() {
        assert_eq!(
            split_inline_enumeration("gồm: (1) A đạt 5%; (2) B; (3) C."),
            ["A đạt 5%;", "B;", "C."]
        );
        assert_eq!(
            split_inline_enumeration_from("A đạt 5%; (4) B"),
            ["A đạt 5%;", "B"]
        );
        assert_eq!(
            split_inline_enumeration_from("Tỷ lệ (2) chỉ tiêu"),
            ["Tỷ lệ (2) chỉ tiêu"]
        );
    }

    #[test]
    fn empty_text_is_refused() {
        assert_eq!(import_resolution(""), Err(ImportError::Empty));
        assert_eq!(import_resolution(" \n\u{a0}\t\n"), Err(ImportError::Empty));
        assert_eq!(
            import_resolution("NGHỊ QUYẾT\0"),
            Err(ImportError::ContainsNul)
        );
    }
}
