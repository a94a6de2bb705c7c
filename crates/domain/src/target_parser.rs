//! Reads the measures out of the wording of one target (chỉ tiêu), as a Vietnamese reader would.
//!
//! The rules, in the order they apply:
//!
//! - `;` and a sentence break (". " before a capital) separate clauses; each clause gives at
//!   least one measure. Inside a clause, a comma separates measures only when the parts on both
//!   sides each hold a value ("Mức độ 3 trên 60%, mức độ 4 trên 60%"); otherwise the comma is part
//!   of the label ("Tỷ lệ lao động nông nghiệp, dưới 27%").
//! - Numbers that belong to the label are not values: years ("năm 2023", a bare 2023), document
//!   numbers ("Nghị định 42/2022/NĐ-CP", "05-NQ/TU"), dates, ordinals and levels ("Mức độ 3",
//!   "giai đoạn 2", "lần thứ 5", "thôn 3"), codes ("Covid-19"), and an age or a duration that
//!   the sentence goes on after ("trẻ em dưới 5 tuổi suy dinh dưỡng", "kỷ niệm 85 năm ngày
//!   truyền thống"). A clause with no other number is qualitative, and that is not a doubt.
//! - The phrase before the value gives the comparator: `trên`, `hơn` gt; `dưới` lt; `từ`,
//!   `đạt`, `tối thiểu`, `ít nhất`, `không dưới`, `≥`, `>=` gte; `không quá`, `tối đa`,
//!   `không vượt quá`, `≤`, `<=` lte; `=` eq; `từ X đến Y`, `X - Y` between. Words after the value
//!   can set it too: `X ... trở lên` gte, `X ... trở xuống` lte. A bare value is gte
//!   ("Tỷ lệ che phủ rừng: 52%").
//! - A new level to reach downwards (`còn X`, `giảm xuống X`, `giảm xuống còn X`) is lte, or lt
//!   with `dưới`. A change counted as such (`tăng X`, `giảm X`, `vượt X`) is gte X: the
//!   increase or the reduction is what is counted ("Giảm hộ nghèo từ 06 hộ trở lên" is gte 6 hộ,
//!   "Thu ngân sách vượt 8% trở lên so với kế hoạch" is gte 8 %), and the verb stays in the label.
//! - Direction: lt and lte are lower-is-better, everything else higher-is-better (a range that
//!   is reached downwards, "giảm xuống còn 2 - 3%", is lower-is-better too). No guessing from
//!   the label: an editor can change the direction.
//! - The unit is `%` when one follows, else a known unit ("tỷ đồng", "tấn", "ha", "con",
//!   "doanh nghiệp", "Đảng viên", "triệu đồng/người/năm"...), else up to four words before a
//!   punctuation mark or a connective ("trở lên", "mới", "so với"...).
//! - The label is the text before the comparator phrase, trimmed of `:`, `,` and a trailing
//!   "đạt". A "so với ..." comparison after the value is added to it. When nothing stands
//!   before the value ("Không quá 3 vụ cháy rừng"), the label is the whole clause; a second
//!   measure split off at a comma borrows the label of the first; measures after a
//!   "head: first part" label borrow the head ("Tỷ lệ trẻ em ... suy dinh dưỡng: Thể thấp còi").
//! - Doubt is marked, never hidden: several values in one clause that the rules cannot tell
//!   apart, an approximate value ("khoảng"), a number that does not parse, or contradicting
//!   words give `needs_review: true` with the whole clause as the label.

use crate::measure::{Comparator, Direction, Measure};
use crate::number::parse_vietnamese_number;

/// The measures of one target, from its text without the list number. Always at least one.
pub fn parse_measures(text: &str) -> Vec<Measure> {
    let clean = collapse_whitespace(text);
    let mut measures: Vec<Measure> = Vec::new();
    for clause in split_clauses(&clean) {
        let quantities = find_quantities(clause);
        let groups = split_groups(clause, &quantities);
        let mut first_label_of_clause: Option<String> = None;
        for (index, group) in groups.iter().enumerate() {
            let sibling_label = if index > 0 {
                first_label_of_clause.as_deref()
            } else {
                None
            };
            if let Some(parsed) = parse_group(clause, group, &quantities, sibling_label) {
                if index == 0 {
                    first_label_of_clause = Some(parsed.base_label.clone());
                }
                measures.push(parsed.measure);
            }
        }
    }
    if measures.is_empty() {
        measures.push(Measure {
            label: clean.clone(),
            comparator: Comparator::Qualitative,
            value: None,
            value_max: None,
            unit: None,
            direction: Direction::HigherIsBetter,
            needs_review: true,
        });
    }
    inherit_heading(&mut measures);
    measures
}

// ---------------------------------------------------------------------------------------------
// Text helpers

/// White space of any kind (the seed pads with U+00A0) as single spaces, trimmed.
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending = false;
    for c in text.chars() {
        if c.is_whitespace() || is_invisible_space(c) {
            pending = !out.is_empty();
            continue;
        }
        if pending {
            out.push(' ');
            pending = false;
        }
        out.push(c);
    }
    out
}

/// Zero-width characters that some portals leave in copied text.
pub(crate) fn is_invisible_space(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

fn chars_eq_ci(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// Where `phrase` starts if `hay` ends with it (case-insensitive, whole words).
fn ci_ends_with(hay: &str, phrase: &str) -> Option<usize> {
    let mut hay_chars = hay.char_indices().rev();
    let mut start = hay.len();
    for pc in phrase.chars().rev() {
        let (i, hc) = hay_chars.next()?;
        if !chars_eq_ci(hc, pc) {
            return None;
        }
        start = i;
    }
    let needs_boundary = phrase.chars().next().is_some_and(char::is_alphanumeric);
    if needs_boundary
        && hay[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    Some(start)
}

/// Where `phrase` ends if `hay` starts with it (case-insensitive, whole words).
fn ci_starts_with(hay: &str, phrase: &str) -> Option<usize> {
    let mut hay_chars = hay.char_indices();
    let mut end = 0;
    for pc in phrase.chars() {
        let (i, hc) = hay_chars.next()?;
        if !chars_eq_ci(hc, pc) {
            return None;
        }
        end = i + hc.len_utf8();
    }
    let needs_boundary = phrase
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    if needs_boundary && hay[end..].chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    Some(end)
}

/// The longest of `phrases` that `hay` ends with: (start, index in `phrases`).
fn longest_suffix(hay: &str, phrases: &[&str]) -> Option<(usize, usize)> {
    phrases
        .iter()
        .enumerate()
        .filter_map(|(index, phrase)| ci_ends_with(hay, phrase).map(|start| (start, index)))
        .min_by_key(|(start, _)| *start)
}

/// The longest of `phrases` that `hay` starts with: (end, index in `phrases`).
fn longest_prefix(hay: &str, phrases: &[&str]) -> Option<(usize, usize)> {
    phrases
        .iter()
        .enumerate()
        .filter_map(|(index, phrase)| ci_starts_with(hay, phrase).map(|end| (end, index)))
        .max_by_key(|(end, _)| *end)
}

fn trim_end_index(s: &str, end: usize) -> usize {
    s[..end].trim_end().len()
}

fn skip_spaces(s: &str, from: usize) -> usize {
    from + (s[from..].len() - s[from..].trim_start().len())
}

fn prev_char(s: &str, index: usize) -> Option<char> {
    s[..index].chars().next_back()
}

fn next_char(s: &str, index: usize) -> Option<char> {
    s[index..].chars().next()
}

// ---------------------------------------------------------------------------------------------
// Clauses and groups

/// Splits at `;` and at sentence breaks (". " followed by a capital letter, not after an
/// abbreviation such as "TP.").
fn split_clauses(text: &str) -> Vec<&str> {
    let mut clauses = Vec::new();
    let mut start = 0;
    let mut depth = 0i32;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            ';' => {
                clauses.push(&text[start..i]);
                start = i + 1;
            }
            '.' if depth == 0 && is_sentence_break(text, i) => {
                clauses.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    clauses.push(&text[start..]);
    clauses
        .into_iter()
        .map(str::trim)
        .filter(|clause| clause.chars().any(char::is_alphanumeric))
        .collect()
}

fn is_sentence_break(text: &str, dot: usize) -> bool {
    let after = &text[dot + 1..];
    if !after.starts_with(' ') {
        return false;
    }
    if !after
        .trim_start()
        .chars()
        .next()
        .is_some_and(char::is_uppercase)
    {
        return false;
    }
    let word_before: String = text[..dot]
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    const ABBREVIATIONS: [&str; 13] = [
        "TP", "Tp", "TX", "Tx", "TT", "ThS", "TS", "PGS", "GS", "BS", "Q", "P", "St",
    ];
    !ABBREVIATIONS.contains(&word_before.as_str())
}

/// A byte range of a clause that becomes one measure.
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
}

/// Splits a clause at commas where both sides hold a value. Parts without a value join the
/// next part that has one (they are its label), or the last one (they are its tail).
fn split_groups(clause: &str, quantities: &[Quantity]) -> Vec<Group> {
    let mut cuts = Vec::new();
    let mut depth = 0i32;
    for (i, c) in clause.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            ',' if depth == 0 => {
                let between_digits = prev_char(clause, i).is_some_and(|p| p.is_ascii_digit())
                    && next_char(clause, i + 1).is_some_and(|n| n.is_ascii_digit());
                if !between_digits {
                    cuts.push(i);
                }
            }
            _ => {}
        }
    }
    let mut segments = Vec::new();
    let mut start = 0;
    for cut in cuts {
        segments.push((start, cut));
        start = cut + 1;
    }
    segments.push((start, clause.len()));

    let has_value = |(s, e): (usize, usize)| quantities.iter().any(|q| q.start >= s && q.start < e);
    let mut groups = Vec::new();
    let mut group_start = 0;
    let value_segments: Vec<(usize, usize)> = segments
        .iter()
        .copied()
        .filter(|seg| has_value(*seg))
        .collect();
    for (n, segment) in value_segments.iter().enumerate() {
        if n + 1 == value_segments.len() {
            break;
        }
        groups.push(Group {
            start: group_start,
            end: segment.1,
        });
        group_start = segment.1 + 1;
    }
    groups.push(Group {
        start: group_start,
        end: clause.len(),
    });
    groups
}

// ---------------------------------------------------------------------------------------------
// Quantities

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    Gt,
    Gte,
    From,
    Lt,
    Lte,
    Eq,
    Approx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    /// "đạt", "là", "chiếm": no meaning of its own.
    Plain,
    /// "còn", "giảm xuống": a level reached downwards.
    Level,
    /// "tăng", "giảm", "vượt": the change is what is counted.
    Change,
    /// "khoảng", "xấp xỉ": not a firm target.
    Approx,
}

/// Comparator phrases that stand right before the number, longest first where it matters.
const BASES: &[(&str, Base)] = &[
    ("trên dưới", Base::Approx),
    ("trên", Base::Gt),
    ("hơn", Base::Gt),
    ("cao hơn", Base::Gt),
    ("lớn hơn", Base::Gt),
    ("nhiều hơn", Base::Gt),
    (">", Base::Gt),
    ("từ", Base::From),
    ("tối thiểu", Base::Gte),
    ("tối thiểu là", Base::Gte),
    ("ít nhất", Base::Gte),
    ("ít nhất là", Base::Gte),
    ("không dưới", Base::Gte),
    ("không thấp hơn", Base::Gte),
    ("không ít hơn", Base::Gte),
    ("≥", Base::Gte),
    (">=", Base::Gte),
    ("=>", Base::Gte),
    ("dưới", Base::Lt),
    ("thấp hơn", Base::Lt),
    ("nhỏ hơn", Base::Lt),
    ("ít hơn", Base::Lt),
    ("<", Base::Lt),
    ("tối đa", Base::Lte),
    ("tối đa là", Base::Lte),
    ("không quá", Base::Lte),
    ("không vượt quá", Base::Lte),
    ("không vượt", Base::Lte),
    ("không cao hơn", Base::Lte),
    ("không lớn hơn", Base::Lte),
    ("không nhiều hơn", Base::Lte),
    ("không hơn", Base::Lte),
    ("≤", Base::Lte),
    ("<=", Base::Lte),
    ("=<", Base::Lte),
    ("=", Base::Eq),
    ("≈", Base::Approx),
];

/// Words that may stand before the comparator phrase (or before the number).
const VERBS: &[(&str, Verb)] = &[
    ("đạt", Verb::Plain),
    ("đạt được", Verb::Plain),
    ("đạt mức", Verb::Plain),
    ("ước đạt", Verb::Plain),
    ("ở mức", Verb::Plain),
    ("là", Verb::Plain),
    ("chiếm", Verb::Plain),
    ("còn", Verb::Level),
    ("xuống", Verb::Level),
    ("xuống còn", Verb::Level),
    ("giảm xuống", Verb::Level),
    ("giảm xuống còn", Verb::Level),
    ("giảm còn", Verb::Level),
    ("hạ xuống", Verb::Level),
    ("hạ xuống còn", Verb::Level),
    ("kéo giảm xuống", Verb::Level),
    ("kéo giảm còn", Verb::Level),
    ("tăng", Verb::Change),
    ("tăng thêm", Verb::Change),
    ("tăng trưởng", Verb::Change),
    ("giảm", Verb::Change),
    ("giảm thêm", Verb::Change),
    ("kéo giảm", Verb::Change),
    ("vượt", Verb::Change),
    ("khoảng", Verb::Approx),
    ("xấp xỉ", Verb::Approx),
    ("gần", Verb::Approx),
];

/// Words right before a number that make it part of the label: "Mức độ 3", "thôn 3" (a year
/// after "năm" and document numbers have their own rules).
const LABEL_NOUNS: &[&str] = &[
    "năm",
    "năm học",
    "niên khóa",
    "niên khoá",
    "giai đoạn",
    "mức độ",
    "cấp độ",
    "khóa",
    "khoá",
    "thứ",
    "điều",
    "khoản",
    "mục",
    "tiêu chí",
    "nhiệm kỳ",
    "thôn",
    "xóm",
    "đội",
    "tổ",
    "khu",
    "bản",
    "ấp",
    "tổ dân phố",
    "quý",
    "tháng",
    "ngày",
    "tuần",
    "loại",
    "hạng",
    "học kỳ",
    "quốc lộ",
    "tỉnh lộ",
    "phiên",
    "covid",
];

/// Document words: a number after them, or after them and "số", is a reference
/// ("Nghị quyết số 05", "Đề án 06").
const DOCUMENT_WORDS: &[&str] = &[
    "nghị định",
    "nghị quyết",
    "quyết định",
    "chỉ thị",
    "thông tư",
    "kết luận",
    "đề án",
    "chương trình",
    "kế hoạch",
    "công văn",
    "thông báo",
    "văn bản",
    "luật",
];

/// Units read after a number; `/...` extensions follow ("triệu đồng/người/năm").
const UNITS: &[&str] = &[
    "tỷ đồng",
    "tỉ đồng",
    "triệu đồng",
    "nghìn đồng",
    "ngàn đồng",
    "đồng",
    "tỷ",
    "tỉ",
    "triệu",
    "nghìn",
    "ngàn",
    "usd",
    "tấn",
    "tạ",
    "kg",
    "ha",
    "hecta",
    "héc ta",
    "m2",
    "m²",
    "m3",
    "m³",
    "km2",
    "km²",
    "km",
    "m",
    "lít",
    "con",
    "người",
    "lượt người",
    "lượt",
    "hộ",
    "hộ gia đình",
    "thôn",
    "xóm",
    "bản",
    "làng",
    "khu dân cư",
    "doanh nghiệp",
    "hợp tác xã",
    "htx",
    "tổ hợp tác",
    "đảng viên",
    "lao động",
    "học sinh",
    "trẻ",
    "trẻ em",
    "trường",
    "lớp",
    "cây",
    "công trình",
    "dự án",
    "mô hình",
    "sản phẩm",
    "vụ",
    "giường bệnh",
    "giường",
    "bác sĩ",
    "tiêu chí",
    "chi bộ",
    "gia đình",
    "cơ sở",
    "cơ quan",
    "nhà",
    "căn",
    "căn nhà",
    "trang trại",
    "gia trại",
    "chiếc",
    "điểm",
    "suất",
    "xã",
    "ngày",
    "tháng",
    "năm",
    "tuổi",
    "giờ",
    "lần",
    "đợt",
    "buổi",
    "cuộc",
    "hồ sơ",
    "thủ tục",
    "câu lạc bộ",
    "hội viên",
    "đoàn viên",
    "thanh niên",
    "tân binh",
    "công dân",
    "tuyến",
    "phòng học",
    "sao",
];

/// Units that measure an amount, after which the rest of the phrase is not a noun to keep.
const MEASUREMENT_UNITS: &[&str] = &[
    "%",
    "‰",
    "tỷ đồng",
    "tỉ đồng",
    "triệu đồng",
    "nghìn đồng",
    "ngàn đồng",
    "đồng",
    "tỷ",
    "tỉ",
    "triệu",
    "nghìn",
    "ngàn",
    "usd",
    "tấn",
    "tạ",
    "kg",
    "ha",
    "hecta",
    "héc ta",
    "m2",
    "m²",
    "m3",
    "m³",
    "km2",
    "km²",
    "km",
    "m",
    "lít",
    "ngày",
    "tháng",
    "năm",
    "tuổi",
    "giờ",
];

/// Time words: after a number and followed by more words, they make it part of the label.
const TIME_WORDS: &[&str] = &["năm", "tuổi", "tháng", "ngày", "tuần", "giờ", "quý"];

/// Words that end a unit read by the fallback rule.
const CONNECTIVES: &[&str] = &[
    "trở", "so", "mới", "trong", "và", "của", "đến", "tới", "tại", "để", "với", "theo", "được",
    "đạt", "trên", "dưới", "từ", "cho", "ở", "hoặc", "hay", "là", "có", "không", "nhằm", "về",
    "vào", "thuộc", "tăng", "giảm", "bằng", "còn", "đã", "sẽ", "hoàn", "tham", "bình", "hàng",
    "mỗi", "trở", "khi", "sau", "trước", "đều", "phải", "cần", "thì", "như",
];

/// Range separators between two numbers.
const RANGE_SEPARATORS: &[&str] = &["-", "–", "—", "~", "÷", "đến", "tới"];

#[derive(Debug, Clone)]
struct Prefix {
    base: Option<Base>,
    verbs: Vec<Verb>,
    /// Where the comparator phrase (with its verbs) starts.
    phrase_start: usize,
    /// Where the label ends: after a change verb ("giảm"), else at `phrase_start`.
    label_end: usize,
    /// The change verb as written, when there is one.
    change_verb: Option<(usize, usize)>,
}

impl Prefix {
    fn has_comparator(&self) -> bool {
        self.base.is_some() || self.verbs.iter().any(|v| *v != Verb::Plain)
    }
}

#[derive(Debug, Clone)]
struct Quantity {
    start: usize,
    value: Option<f64>,
    value_max: Option<f64>,
    unit: Option<String>,
    /// After the number, the range's second number, and the unit.
    end: usize,
    prefix: Prefix,
    in_parens: bool,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
}

fn number_tokens(s: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        if !c.is_ascii_digit() {
            k += 1;
            continue;
        }
        let attached = k > 0 && chars[k - 1].1.is_alphanumeric();
        let mut j = k;
        loop {
            while j < chars.len() && chars[j].1.is_ascii_digit() {
                j += 1;
            }
            let separator = j < chars.len() && matches!(chars[j].1, '.' | ',');
            let digit_after = j + 1 < chars.len() && chars[j + 1].1.is_ascii_digit();
            if separator && digit_after {
                j += 1;
            } else {
                break;
            }
        }
        let end = chars.get(j).map_or(s.len(), |(index, _)| *index);
        if attached {
            // Part of a word or code: "QL47", "m2", "F0".
            while j < chars.len() && chars[j].1.is_alphanumeric() {
                j += 1;
            }
        } else {
            tokens.push(Token { start: i, end });
        }
        k = j.max(k + 1);
    }
    tokens
}

/// Reads the comparator phrase that ends right before `number_start`.
fn read_prefix(s: &str, number_start: usize) -> Prefix {
    let mut cursor = trim_end_index(s, number_start);
    let mut prefix = Prefix {
        base: None,
        verbs: Vec::new(),
        phrase_start: number_start,
        label_end: number_start,
        change_verb: None,
    };
    let base_phrases: Vec<&str> = BASES.iter().map(|(p, _)| *p).collect();
    if let Some((start, index)) = longest_suffix(&s[..cursor], &base_phrases) {
        prefix.base = Some(BASES[index].1);
        prefix.phrase_start = start;
        cursor = trim_end_index(s, start);
    }
    let verb_phrases: Vec<&str> = VERBS.iter().map(|(p, _)| *p).collect();
    for _ in 0..3 {
        match longest_suffix(&s[..cursor], &verb_phrases) {
            Some((start, index)) => {
                let verb = VERBS[index].1;
                if verb == Verb::Change && prefix.change_verb.is_none() {
                    prefix.change_verb = Some((start, cursor));
                }
                prefix.verbs.push(verb);
                prefix.phrase_start = start;
                cursor = trim_end_index(s, start);
            }
            None => break,
        }
    }
    prefix.label_end = match prefix.change_verb {
        Some((_, end)) => end,
        None => prefix.phrase_start,
    };
    prefix
}

/// A unit read after a number.
#[derive(Debug, Clone)]
struct UnitRead {
    unit: Option<String>,
    /// Where the unit ends (`from` when there is none).
    end: usize,
    /// `%` or a unit of the known list, not a guess from the words that follow.
    known: bool,
}

/// The unit after `from`.
fn read_unit(s: &str, from: usize) -> UnitRead {
    let none = UnitRead {
        unit: None,
        end: from,
        known: false,
    };
    let at = skip_spaces(s, from);
    let rest = &s[at..];
    let known_len = match rest.chars().next().filter(|c| matches!(c, '%' | '‰')) {
        Some(c) => Some(c.len_utf8()),
        None => longest_prefix(rest, UNITS).map(|(len, _)| len),
    };
    if let Some(len) = known_len {
        let mut end = at + len;
        // "/người/năm", "/ha", "/vạn dân": per-something extensions.
        while next_char(s, end) == Some('/') {
            let word_len: usize = s[end + 1..]
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .map(char::len_utf8)
                .sum();
            if word_len == 0 {
                break;
            }
            let word = &s[end + 1..end + 1 + word_len];
            end += 1 + word_len;
            if ["vạn", "nghìn", "ngàn", "triệu", "100", "1000", "1.000"]
                .iter()
                .any(|w| chars_eq_str_ci(word, w))
            {
                let next_len: usize = s[end..]
                    .strip_prefix(' ')
                    .map(|t| {
                        t.chars()
                            .take_while(|c| c.is_alphabetic())
                            .map(char::len_utf8)
                            .sum()
                    })
                    .unwrap_or(0);
                if next_len > 0 {
                    end += 1 + next_len;
                }
            }
        }
        return UnitRead {
            unit: Some(s[at..end].to_owned()),
            end,
            known: true,
        };
    }
    // Fallback: up to four words before a punctuation mark, a number or a connective.
    let mut end = at;
    let mut words = 0;
    let mut cursor = at;
    loop {
        let word_len: usize = s[cursor..]
            .chars()
            .take_while(|c| c.is_alphabetic() || *c == '/')
            .map(char::len_utf8)
            .sum();
        if word_len == 0 {
            break;
        }
        let word = &s[cursor..cursor + word_len];
        if CONNECTIVES.iter().any(|c| chars_eq_str_ci(word, c)) {
            break;
        }
        words += 1;
        end = cursor + word_len;
        if words > 4 {
            return none;
        }
        match next_char(s, end) {
            Some(' ') => cursor = end + 1,
            _ => break,
        }
    }
    if words == 0 {
        none
    } else {
        UnitRead {
            unit: Some(s[at..end].to_owned()),
            end,
            known: false,
        }
    }
}

/// What a token is, given its neighbours.
enum TokenRole {
    /// Part of the label, up to the given end (a whole code such as "42/2022/NĐ-CP").
    Label(usize),
    /// A value; `end` is past a ratio's second number ("19/19").
    Value { end: usize },
}

fn classify_token(s: &str, token: Token) -> TokenRole {
    let before = prev_char(s, token.start);
    let after = next_char(s, token.end);
    // "Covid-19", "NĐ-CP/12": a number glued to a word.
    if let Some(sep @ ('-' | '/' | '.')) = before {
        let glued = prev_char(s, token.start - sep.len_utf8()).is_some_and(char::is_alphabetic);
        if glued {
            return TokenRole::Label(code_end(s, token.end));
        }
    }
    // "42/2022/NĐ-CP", "12/6/2017", or a ratio "19/19".
    if after == Some('/') && next_char(s, token.end + 1).is_some_and(|c| c.is_ascii_digit()) {
        let second: usize = s[token.end + 1..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .map(char::len_utf8)
            .sum();
        let second_end = token.end + 1 + second;
        let chained = matches!(next_char(s, second_end), Some('/' | '-' | '.' | ','))
            && next_char(s, second_end + 1).is_some_and(char::is_alphanumeric);
        let numerator = s[token.start..token.end].parse::<u32>().ok();
        let denominator = s[token.end + 1..second_end].parse::<u32>().ok();
        let dated = ci_ends_with(s[..token.start].trim_end(), "ngày").is_some();
        return match (numerator, denominator) {
            (Some(a), Some(b)) if !chained && !dated && a <= b && b <= 1000 && b > 0 => {
                TokenRole::Value { end: second_end }
            }
            _ => TokenRole::Label(code_end(s, token.end)),
        };
    }
    // "05-NQ/TU": a number glued to letters after a dash.
    if after == Some('-') && next_char(s, token.end + 1).is_some_and(char::is_alphabetic) {
        return TokenRole::Label(code_end(s, token.end));
    }
    // "(1)": an enumeration.
    if before == Some('(') && after == Some(')') {
        return TokenRole::Label(token.end + 1);
    }
    let head = &s[..trim_end_index(s, token.start)];
    // "Nghị quyết số 05", "Đề án 06": references to other documents.
    if longest_suffix(head, DOCUMENT_WORDS).is_some() {
        return TokenRole::Label(code_end(s, token.end));
    }
    if let Some(so) = ci_ends_with(head, "số") {
        if longest_suffix(&s[..trim_end_index(s, so)], DOCUMENT_WORDS).is_some() {
            return TokenRole::Label(code_end(s, token.end));
        }
    }
    let digits = &s[token.start..token.end];
    if ci_ends_with(head, "năm").is_some() && is_year(digits) {
        return TokenRole::Label(token.end);
    }
    // "Mức độ 3", "giai đoạn 2", "thôn 3", "tháng 6": unless a unit follows ("khu 5 ha").
    if longest_suffix(head, LABEL_NOUNS).is_some() && !read_unit(s, token.end).known {
        return TokenRole::Label(token.end);
    }
    TokenRole::Value { end: token.end }
}

fn is_year(digits: &str) -> bool {
    digits.len() == 4
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits
            .parse::<u32>()
            .is_ok_and(|y| (1900..=2100).contains(&y))
}

/// The end of a code such as "42/2022/NĐ-CP": up to the next space or punctuation.
fn code_end(s: &str, from: usize) -> usize {
    let len: usize = s[from..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '/' | '-' | '.' | '_'))
        .map(char::len_utf8)
        .sum();
    let end = from + len;
    // Do not swallow a sentence's final dot.
    if s[..end].ends_with('.') {
        end - 1
    } else {
        end
    }
}

fn paren_depth(s: &str, at: usize) -> i32 {
    s[..at].chars().fold(0, |depth, c| match c {
        '(' => depth + 1,
        ')' => (depth - 1).max(0),
        _ => depth,
    })
}

fn is_time_word(unit: &str) -> bool {
    TIME_WORDS.iter().any(|w| chars_eq_str_ci(unit, w))
}

fn chars_eq_str_ci(a: &str, b: &str) -> bool {
    a.chars().count() == b.chars().count()
        && a.chars().zip(b.chars()).all(|(x, y)| chars_eq_ci(x, y))
}

/// Whether the sentence goes on at `from` (words or a number, not a connective that closes
/// the value such as "trở lên").
fn words_follow(s: &str, from: usize) -> bool {
    let rest = s[from..].trim_start();
    if !rest.chars().next().is_some_and(char::is_alphanumeric) {
        return false;
    }
    !["trở lên", "trở xuống", "so với", "trở lại"]
        .iter()
        .any(|p| ci_starts_with(rest, p).is_some())
}

fn find_quantities(s: &str) -> Vec<Quantity> {
    let tokens = number_tokens(s);
    let mut quantities: Vec<Quantity> = Vec::new();
    let mut skip_until = 0;
    // Where the previous number (with its unit) ended and whether it was part of the label:
    // the second number of a range shares its role.
    let mut previous: Option<(usize, bool)> = None;
    for token in tokens {
        if token.start < skip_until {
            continue;
        }
        // A range: "7,5 - 8,0%", "từ 95% đến 97%", "2021 – 2025".
        if let Some((previous_end, previous_was_label)) = previous {
            let between = s[previous_end.min(token.start)..token.start].trim();
            if RANGE_SEPARATORS
                .iter()
                .any(|sep| chars_eq_str_ci(between, sep))
            {
                if previous_was_label {
                    let end = code_end(s, token.end).max(token.end);
                    skip_until = end;
                    previous = Some((end, true));
                    continue;
                }
                if let Some(last) = quantities.last_mut().filter(|q| q.value_max.is_none()) {
                    let read = read_unit(s, token.end);
                    last.value_max = parse_vietnamese_number(&s[token.start..token.end]);
                    last.end = if read.unit.is_some() {
                        read.end
                    } else {
                        token.end
                    };
                    last.end = last.end.max(token.end);
                    if read.known || last.unit.is_none() {
                        if let Some(unit) = read.unit {
                            last.unit = Some(unit);
                        }
                    }
                    skip_until = last.end;
                    previous = Some((last.end, false));
                    continue;
                }
            }
        }
        match classify_token(s, token) {
            TokenRole::Label(end) => {
                skip_until = end;
                previous = Some((end, true));
            }
            TokenRole::Value { end } => {
                let value = parse_vietnamese_number(&s[token.start..token.end]);
                let read = read_unit(s, end);
                let prefix = read_prefix(s, token.start);
                skip_until = end;
                let digits = &s[token.start..token.end];
                // "dưới 5 tuổi suy dinh dưỡng", "kỷ niệm 85 năm ngày truyền thống".
                let time_phrase =
                    read.unit.as_deref().is_some_and(is_time_word) && words_follow(s, read.end);
                // A year on its own: "Đến 2025, ...".
                let year = is_year(digits) && !read.known && !prefix.has_comparator();
                // "trên 1 ha đất canh tác", "mỗi 1 ha": per unit, not a value.
                let per_unit = value == Some(1.0)
                    && read.known
                    && ["trên", "mỗi", "/"]
                        .iter()
                        .any(|w| ci_ends_with(s[..token.start].trim_end(), w).is_some());
                // "sản phẩm OCOP đạt 3 sao": a rating that qualifies what is counted.
                let rating = read
                    .unit
                    .as_deref()
                    .is_some_and(|u| chars_eq_str_ci(u, "sao"));
                if time_phrase || year || per_unit || rating {
                    previous = Some((if read.known { read.end } else { end }, true));
                    continue;
                }
                previous = Some((if read.known { read.end } else { end }, false));
                let unit_end = if read.unit.is_some() { read.end } else { end };
                quantities.push(Quantity {
                    start: token.start,
                    value,
                    value_max: None,
                    unit: read.unit,
                    end: unit_end.max(end),
                    prefix,
                    in_parens: paren_depth(s, token.start) > 0,
                });
            }
        }
    }
    merge_compound_amounts(s, &mut quantities);
    quantities
}

/// "13 tỷ 655 triệu đồng" is 13.655 tỷ đồng.
fn merge_compound_amounts(s: &str, quantities: &mut Vec<Quantity>) {
    let mut k = 0;
    while k + 1 < quantities.len() {
        let (big, small) = (&quantities[k], &quantities[k + 1]);
        let scale = match (big.unit.as_deref(), small.unit.as_deref()) {
            (Some(b), Some(sm)) if is_word(b, &["tỷ", "tỉ"]) && starts_word(sm, "triệu") => {
                Some(1000.0)
            }
            (Some(b), Some(sm))
                if is_word(b, &["triệu"])
                    && (starts_word(sm, "nghìn") || starts_word(sm, "ngàn")) =>
            {
                Some(1000.0)
            }
            _ => None,
        };
        let adjacent = s
            .get(big.end..small.start)
            .is_some_and(|gap| gap.trim().is_empty());
        match (scale, big.value, small.value, small.prefix.has_comparator()) {
            (Some(scale), Some(a), Some(b), false) if adjacent && big.value_max.is_none() => {
                let unit = big.unit.clone().map(|b| {
                    let currency = small.unit.as_deref().is_some_and(|u| u.ends_with("đồng"));
                    if currency { format!("{b} đồng") } else { b }
                });
                let end = small.end;
                // (a * 1000 + b) / 1000 rounds once: 13 tỷ 655 triệu is exactly 13.655.
                let value = Some((a * scale + b) / scale);
                let merged = Quantity {
                    value,
                    unit,
                    end,
                    ..big.clone()
                };
                quantities[k] = merged;
                quantities.remove(k + 1);
            }
            _ => k += 1,
        }
    }
}

fn is_word(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| chars_eq_str_ci(text, w))
}

fn starts_word(text: &str, word: &str) -> bool {
    ci_starts_with(text, word).is_some()
}

// ---------------------------------------------------------------------------------------------
// One measure

struct ParsedGroup {
    measure: Measure,
    /// The label without the "so với" addition, for a sibling to borrow.
    base_label: String,
}

const FILLER_LABELS: &[&str] = &[
    "có",
    "phấn đấu",
    "phấn đấu có",
    "phấn đấu đạt",
    "đạt",
    "trong đó",
    "trong đó có",
];

fn parse_group(
    clause: &str,
    group: &Group,
    quantities: &[Quantity],
    sibling_label: Option<&str>,
) -> Option<ParsedGroup> {
    let text = clause[group.start..group.end].trim();
    let whole = trim_label_punctuation(text);
    if whole.is_empty() {
        return None;
    }
    let inside: Vec<&Quantity> = quantities
        .iter()
        .filter(|q| q.start >= group.start && q.start < group.end)
        .collect();
    if inside.is_empty() {
        let measure = Measure {
            label: whole.clone(),
            comparator: Comparator::Qualitative,
            value: None,
            value_max: None,
            unit: None,
            direction: Direction::HigherIsBetter,
            needs_review: false,
        };
        return Some(ParsedGroup {
            base_label: whole,
            measure,
        });
    }
    let outside_parens: Vec<&Quantity> = inside.iter().copied().filter(|q| !q.in_parens).collect();
    let candidates = if outside_parens.is_empty() {
        inside.clone()
    } else {
        outside_parens
    };
    let mut needs_review = candidates.len() > 1 || candidates.iter().all(|q| q.in_parens);
    let chosen = if candidates.len() == 1 {
        candidates[0]
    } else {
        let with_comparator: Vec<&Quantity> = candidates
            .iter()
            .copied()
            .filter(|q| q.prefix.has_comparator())
            .collect();
        match (with_comparator.last(), candidates.last()) {
            (Some(q), _) | (None, Some(q)) => *q,
            (None, None) => return None,
        }
    };

    // The words after the value, up to the next value of the group.
    let next_start = inside
        .iter()
        .map(|q| q.start)
        .filter(|s| *s > chosen.start)
        .min()
        .unwrap_or(group.end);
    let after = &clause[chosen.end.min(next_start)..next_start];
    let after_trimmed = after.trim_start();
    let up = find_word(after, "trở lên");
    let down = find_word(after, "trở xuống");

    let level = chosen.prefix.verbs.contains(&Verb::Level);
    let approx =
        chosen.prefix.verbs.contains(&Verb::Approx) || chosen.prefix.base == Some(Base::Approx);
    let is_range = chosen.value_max.is_some();
    let mut comparator = if is_range {
        Comparator::Between
    } else {
        match chosen.prefix.base {
            Some(Base::Gt) => Comparator::Gt,
            Some(Base::Gte | Base::From | Base::Approx) => Comparator::Gte,
            Some(Base::Lt) => Comparator::Lt,
            Some(Base::Lte) => Comparator::Lte,
            Some(Base::Eq) => Comparator::Eq,
            None if level => Comparator::Lte,
            None => Comparator::Gte,
        }
    };
    if !is_range {
        if up {
            match comparator {
                Comparator::Lt | Comparator::Lte => needs_review = true,
                Comparator::Eq => comparator = Comparator::Gte,
                _ => {}
            }
        }
        if down {
            match (chosen.prefix.base, comparator) {
                (None | Some(Base::From), _) => comparator = Comparator::Lte,
                (_, Comparator::Gt | Comparator::Gte) => needs_review = true,
                _ => {}
            }
        }
    }
    if approx {
        needs_review = true;
    }
    let (mut value, mut value_max) = (chosen.value, chosen.value_max);
    if value.is_none() || (is_range && value_max.is_none()) {
        needs_review = true;
    }
    if let (Some(low), Some(high)) = (value, value_max) {
        if low > high {
            (value, value_max) = (Some(high), Some(low));
            needs_review = true;
        }
    }
    let direction = match comparator {
        Comparator::Lt | Comparator::Lte => Direction::LowerIsBetter,
        Comparator::Between if level => Direction::LowerIsBetter,
        _ => Direction::HigherIsBetter,
    };

    // The label.
    let core = trim_label(&clause[group.start..chosen.prefix.phrase_start.max(group.start)]);
    let core_is_filler = core.is_empty() || FILLER_LABELS.iter().any(|f| chars_eq_str_ci(&core, f));
    let verb_text = chosen
        .prefix
        .change_verb
        .map(|(start, end)| clause[start..end].trim().to_owned());
    // What follows the value up to the next comma: "mới trở lên", "so với kế hoạch huyện giao".
    let rest = strip_closing_words(
        after_trimmed
            .split([',', ';', '('])
            .next()
            .unwrap_or_default(),
    );
    let rest = rest.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ':' | '/'));
    let comparison = ci_starts_with(rest, "so với").is_some();
    let noun_follows =
        rest.starts_with(char::is_alphanumeric) && !comparison && after.starts_with(' ');
    let base_label = if needs_review {
        whole.clone()
    } else if let Some(subset) =
        sibling_label.filter(|_| starts_with_trong_do(&clause[group.start..group.end]))
    {
        // "..., trong đó thu ngân sách xã 4 tỷ đồng": a part of the first measure.
        let own = clause[group.start..chosen.prefix.label_end.max(group.start)].trim();
        format!("{subset}, {}", trim_label_end(own))
    } else if core_is_filler {
        match (sibling_label, &verb_text) {
            (Some(sibling), Some(verb)) => format!("{sibling} {verb}"),
            (Some(sibling), None) => sibling.to_owned(),
            (None, _) => whole.clone(),
        }
    } else if noun_follows && core.split_whitespace().count() <= 2 {
        // "Hoàn thành 100% chỉ tiêu giao quân": the verb alone says too little.
        whole.clone()
    } else {
        let label = trim_label(&clause[group.start..chosen.prefix.label_end.max(group.start)]);
        if label.is_empty() {
            whole.clone()
        } else if noun_follows {
            // "kết nạp 18 Đảng viên mới", "xây dựng 5 km đường giao thông": keep what is counted.
            let counted = chosen
                .unit
                .as_deref()
                .filter(|u| !MEASUREMENT_UNITS.iter().any(|m| chars_eq_str_ci(u, m)));
            match counted {
                Some(unit) => format!("{label} {unit} {rest}"),
                None => format!("{label} {rest}"),
            }
        } else {
            label
        }
    };
    let mut label = base_label.clone();
    if !needs_review && comparison {
        let comparison = trim_label_punctuation(rest);
        if !comparison.is_empty() {
            label = format!("{label} {comparison}");
        }
    }
    let measure = Measure {
        label,
        comparator,
        value,
        value_max: if comparator == Comparator::Between {
            value_max
        } else {
            None
        },
        unit: chosen.unit.clone(),
        direction,
        needs_review,
    };
    Some(ParsedGroup {
        measure,
        base_label,
    })
}

fn starts_with_trong_do(text: &str) -> bool {
    ci_starts_with(text.trim_start(), "trong đó").is_some()
}

/// Trims the end of a label only (punctuation and "đạt").
fn trim_label_end(text: &str) -> String {
    let mut label = text.trim();
    loop {
        let before = label;
        label = label.trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, ':' | ',' | '-' | '–' | '=' | ';')
        });
        for word in ["đạt được", "đạt", "là", "chiếm", "ở mức"] {
            if let Some(start) = ci_ends_with(label, word) {
                label = label[..start].trim_end();
            }
        }
        if label == before {
            break;
        }
    }
    label.to_owned()
}

/// Whether `text` holds `phrase` as whole words.
fn find_word(text: &str, phrase: &str) -> bool {
    text.char_indices()
        .filter(|(i, _)| *i == 0 || prev_char(text, *i).is_some_and(|c| !c.is_alphanumeric()))
        .any(|(i, _)| ci_starts_with(&text[i..], phrase).is_some())
}

/// Drops "trở lên" and "trở xuống" at either end of what follows a value: "mới trở lên" is
/// "mới".
fn strip_closing_words(text: &str) -> &str {
    let mut rest = text.trim();
    for phrase in ["trở lên", "trở xuống"] {
        if let Some(end) = ci_starts_with(rest, phrase) {
            rest = rest[end..].trim_start();
        }
        if let Some(start) = ci_ends_with(rest, phrase) {
            rest = rest[..start].trim_end();
        }
    }
    rest
}

/// Trims the label: punctuation and connecting words at its ends ("đạt", "Trong đó,").
fn trim_label(text: &str) -> String {
    let mut label = text.trim();
    loop {
        let before = label;
        label = label.trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, ':' | ',' | '-' | '–' | '=' | ';')
        });
        for word in ["đạt được", "đạt", "là", "chiếm", "ở mức", "phấn đấu", "cho"]
        {
            if let Some(start) = ci_ends_with(label, word) {
                let remaining = label[..start].trim_end();
                if !remaining.is_empty() {
                    label = remaining;
                }
            }
        }
        label = label.trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, ':' | ',' | '-' | '–' | '+' | ';')
        });
        for word in ["trong đó", "cụ thể"] {
            if let Some(end) = ci_starts_with(label, word) {
                let remaining = label[end..]
                    .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | ','));
                if !remaining.is_empty() {
                    label = remaining;
                }
            }
        }
        if label == before {
            break;
        }
    }
    label.to_owned()
}

/// The clause without its closing punctuation, as a label.
fn trim_label_punctuation(text: &str) -> String {
    text.trim()
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ';' | '.' | ',' | '/' | ':'))
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'))
        .to_owned()
}

/// "Tỷ lệ trẻ em ... suy dinh dưỡng: Thể cân nặng/tuổi" gives its head to "Thể thấp còi/tuổi".
fn inherit_heading(measures: &mut [Measure]) {
    let Some(first) = measures.first() else {
        return;
    };
    if first.needs_review {
        return;
    }
    let Some((head, rest)) = first.label.split_once(':') else {
        return;
    };
    let head = head.trim().to_owned();
    if head.is_empty() || rest.trim().is_empty() {
        return;
    }
    for measure in measures.iter_mut().skip(1) {
        if !measure.label.contains(':')
            && !measure.needs_review
            && !measure.label.starts_with(&head)
        {
            measure.label = format!("{head}: {}", measure.label);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn one(text: &str) -> Measure {
        let mut measures = parse_measures(text);
        assert_eq!(measures.len(), 1, "{text:?} gave {measures:#?}");
        measures.remove(0)
    }

    fn check(m: &Measure, comparator: Comparator, value: Option<f64>, unit: Option<&str>) {
        assert_eq!(m.comparator, comparator, "{m:#?}");
        assert_eq!(m.value, value, "{m:#?}");
        assert_eq!(m.unit.as_deref(), unit, "{m:#?}");
        assert!(!m.needs_review, "{m:#?}");
    }

    #[test]
    fn tren_is_greater_than() {
        let m = one("Giá trị sản xuất nông, lâm, nghiệp và thủy sản đạt trên 170,5 tỷ đồng;");
        check(&m, Comparator::Gt, Some(170.5), Some("tỷ đồng"));
        assert_eq!(m.label, "Giá trị sản xuất nông, lâm, nghiệp và thủy sản");
        assert_eq!(m.direction, Direction::HigherIsBetter);
        check(
            &one("Sản lượng lương thực có hạt đạt trên 9.850 tấn;"),
            Comparator::Gt,
            Some(9850.0),
            Some("tấn"),
        );
        check(
            &one("Phát triển tổng đàn gia súc, gia cầm trên 205.000 con;"),
            Comparator::Gt,
            Some(205_000.0),
            Some("con"),
        );
        check(
            &one("Tổng đàn gia cầm hơn 50.000 con"),
            Comparator::Gt,
            Some(50_000.0),
            Some("con"),
        );
    }

    #[test]
    fn duoi_is_less_than_and_lower_is_better() {
        let m = one("Tốc độ tăng dân số bình quân hàng năm dưới 0,5 %");
        check(&m, Comparator::Lt, Some(0.5), Some("%"));
        assert_eq!(m.direction, Direction::LowerIsBetter);
        assert_eq!(m.label, "Tốc độ tăng dân số bình quân hàng năm");
    }

    #[test]
    fn tu_tro_len_dat_tu_and_dat_are_at_least() {
        let m = one("Số lượng doanh nghiệp thành lập mới từ 9 doanh nghiệp trở lên;");
        check(&m, Comparator::Gte, Some(9.0), Some("doanh nghiệp"));
        assert_eq!(m.label, "Số lượng doanh nghiệp thành lập mới");
        check(
            &one("Thu nhập bình quân đầu người đạt từ 58 triệu đồng/người/năm;"),
            Comparator::Gte,
            Some(58.0),
            Some("triệu đồng/người/năm"),
        );
        check(
            &one("Tỷ lệ Gia đình kiểu mẫu đạt 3%"),
            Comparator::Gte,
            Some(3.0),
            Some("%"),
        );
        let m = one("Phấn đấu kết nạp 18 Đảng viên mới trở lên");
        check(&m, Comparator::Gte, Some(18.0), Some("Đảng viên"));
        assert_eq!(m.label, "Phấn đấu kết nạp Đảng viên mới");
        check(
            &one("Số lao động được tạo việc làm mới từ 160 trở lên"),
            Comparator::Gte,
            Some(160.0),
            None,
        );
    }

    #[test]
    fn minimums_in_words_and_symbols_are_at_least() {
        check(
            &one("Thu ngân sách nhà nước trên địa bàn tối thiểu 5 tỷ đồng"),
            Comparator::Gte,
            Some(5.0),
            Some("tỷ đồng"),
        );
        check(
            &one("Số người được giải quyết việc làm ít nhất 120 người"),
            Comparator::Gte,
            Some(120.0),
            Some("người"),
        );
        let m = one("Tỷ lệ trường đạt chuẩn quốc gia ≥ 80%");
        check(&m, Comparator::Gte, Some(80.0), Some("%"));
        assert_eq!(m.label, "Tỷ lệ trường đạt chuẩn quốc gia");
        check(
            &one("Tỷ lệ tiêm chủng đầy đủ >= 95%"),
            Comparator::Gte,
            Some(95.0),
            Some("%"),
        );
        check(
            &one("Tỷ lệ thu thuế không dưới 100% dự toán"),
            Comparator::Gte,
            Some(100.0),
            Some("%"),
        );
    }

    #[test]
    fn maximums_are_at_most_and_lower_is_better() {
        let m = one("Không quá 3 vụ cháy rừng");
        check(&m, Comparator::Lte, Some(3.0), Some("vụ"));
        assert_eq!(m.direction, Direction::LowerIsBetter);
        assert_eq!(m.label, "Không quá 3 vụ cháy rừng");
        check(
            &one("Tỷ lệ sinh con thứ 3 trở lên tối đa 5%"),
            Comparator::Lte,
            Some(5.0),
            Some("%"),
        );
        check(
            &one("Số vụ tai nạn giao thông không vượt quá 2 vụ"),
            Comparator::Lte,
            Some(2.0),
            Some("vụ"),
        );
        check(
            &one("Tỷ lệ hộ nghèo ≤ 1,5%"),
            Comparator::Lte,
            Some(1.5),
            Some("%"),
        );
    }

    #[test]
    fn equals_sign_is_equal() {
        let m = one("Khu dân cư được công nhận đạt chuẩn văn hóa = 13;");
        check(&m, Comparator::Eq, Some(13.0), None);
        assert_eq!(m.label, "Khu dân cư được công nhận đạt chuẩn văn hóa");
        check(
            &one("Cơ quan được công nhận văn hóa\u{a0} = 01;"),
            Comparator::Eq,
            Some(1.0),
            None,
        );
    }

    #[test]
    fn ranges_are_between() {
        let m = one("Tốc độ tăng trưởng kinh tế đạt từ 7,5 - 8,0%");
        assert_eq!(
            (m.comparator, m.value, m.value_max),
            (Comparator::Between, Some(7.5), Some(8.0))
        );
        assert_eq!(m.unit.as_deref(), Some("%"));
        assert_eq!(m.label, "Tốc độ tăng trưởng kinh tế");
        assert!(!m.needs_review);
        let m = one("Tỷ lệ tham gia bảo hiểm y tế từ 95% đến 97%");
        assert_eq!(
            (m.comparator, m.value, m.value_max),
            (Comparator::Between, Some(95.0), Some(97.0))
        );
        assert_eq!(m.unit.as_deref(), Some("%"));
        let m = one("Tăng trưởng giá trị sản xuất 8 – 9%");
        assert_eq!(
            (m.comparator, m.value, m.value_max),
            (Comparator::Between, Some(8.0), Some(9.0))
        );
    }

    #[test]
    fn a_bare_value_is_at_least() {
        check(
            &one("Giải phóng mặt bằng cấp QSDĐ 0,48 ha;"),
            Comparator::Gte,
            Some(0.48),
            Some("ha"),
        );
        let m = one("Tỷ lệ che phủ rừng: 52%");
        check(&m, Comparator::Gte, Some(52.0), Some("%"));
        assert_eq!(m.label, "Tỷ lệ che phủ rừng");
        check(
            &one("Thu nhập bình quân đầu người 60 triệu đồng"),
            Comparator::Gte,
            Some(60.0),
            Some("triệu đồng"),
        );
    }

    #[test]
    fn semicolons_separate_measures() {
        let ms = parse_measures(
            "Tỷ lệ người dân tham gia BHYT trên 96%; Số người tham gia BHXH tự nguyện đạt trên 42 người;",
        );
        assert_eq!(ms.len(), 2);
        check(&ms[0], Comparator::Gt, Some(96.0), Some("%"));
        check(&ms[1], Comparator::Gt, Some(42.0), Some("người"));
        assert_eq!(ms[1].label, "Số người tham gia BHXH tự nguyện");
    }

    #[test]
    fn a_comma_between_two_comparator_phrases_separates_measures() {
        let ms =
            parse_measures("Số hồ sơ giải quyết trực tuyến: Mức độ 3 trên 60%, mức độ 4 trên 60%;");
        assert_eq!(ms.len(), 2, "{ms:#?}");
        check(&ms[0], Comparator::Gt, Some(60.0), Some("%"));
        check(&ms[1], Comparator::Gt, Some(60.0), Some("%"));
        assert_eq!(ms[0].label, "Số hồ sơ giải quyết trực tuyến: Mức độ 3");
        assert_eq!(ms[1].label, "Số hồ sơ giải quyết trực tuyến: mức độ 4");
    }

    #[test]
    fn a_comma_inside_the_label_does_not_split() {
        let ms = parse_measures(
            "Tỷ lệ lao động nông nghiệp, dưới 27%;  Lao động qua đào tạo, trên 81%;",
        );
        assert_eq!(ms.len(), 2);
        check(&ms[0], Comparator::Lt, Some(27.0), Some("%"));
        assert_eq!(ms[0].label, "Tỷ lệ lao động nông nghiệp");
        check(&ms[1], Comparator::Gt, Some(81.0), Some("%"));
        assert_eq!(ms[1].label, "Lao động qua đào tạo");
    }

    #[test]
    fn an_age_in_the_label_is_not_the_value() {
        let ms = parse_measures(
            "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng: Thể cân nặng/tuổi dưới 10,5%; Thể thấp còi/tuổi dưới 17,9%;",
        );
        assert_eq!(ms.len(), 2);
        check(&ms[0], Comparator::Lt, Some(10.5), Some("%"));
        assert!(ms[0].label.contains("dưới 5 tuổi"), "{}", ms[0].label);
        check(&ms[1], Comparator::Lt, Some(17.9), Some("%"));
        assert_eq!(
            ms[1].label,
            "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng: Thể thấp còi/tuổi"
        );
        // An age that is the value itself stays the value.
        check(
            &one("Tuổi thọ bình quân đạt 74 tuổi"),
            Comparator::Gte,
            Some(74.0),
            Some("tuổi"),
        );
    }

    #[test]
    fn anniversaries_and_years_are_qualitative() {
        for text in [
            "Tổ chức kỷ niệm 85 năm ngày truyền thống Đảng bộ xã",
            "Hoàn thành nhiệm vụ quốc phòng – quân sự địa phương năm 2023.",
            "Thực hiện tốt Nghị định 42/2022/NĐ-CP về cung cấp thông tin trên môi trường mạng",
            "Triển khai Nghị quyết số 05-NQ/TU của Ban Chấp hành Đảng bộ tỉnh",
            "Hoàn thành chuyển đổi số giai đoạn 2 theo Đề án 06",
            "Thực hiện chương trình giai đoạn 2021 - 2025 đúng tiến độ",
            "Phòng chống dịch Covid-19 hiệu quả",
            "Duy trì các tiêu chí thôn NTM, xã NTM",
        ] {
            let m = one(text);
            assert_eq!(m.comparator, Comparator::Qualitative, "{text}: {m:#?}");
            assert!(!m.needs_review, "{text}");
            assert_eq!(m.value, None);
        }
    }

    #[test]
    fn a_reduction_counted_is_at_least_and_higher_is_better() {
        let m = one("Giảm hộ nghèo từ 06 hộ trở lên");
        check(&m, Comparator::Gte, Some(6.0), Some("hộ"));
        assert_eq!(m.direction, Direction::HigherIsBetter);
        assert_eq!(m.label, "Giảm hộ nghèo");
        let m = one("Tỷ lệ hộ nghèo giảm 1,5%");
        check(&m, Comparator::Gte, Some(1.5), Some("%"));
        assert_eq!(m.label, "Tỷ lệ hộ nghèo giảm");
    }

    #[test]
    fn a_level_reached_downwards_is_at_most_and_lower_is_better() {
        let m = one("Tỷ lệ hộ nghèo giảm xuống còn dưới 2%");
        check(&m, Comparator::Lt, Some(2.0), Some("%"));
        assert_eq!(m.direction, Direction::LowerIsBetter);
        assert_eq!(m.label, "Tỷ lệ hộ nghèo");
        let m = one("Tỷ lệ hộ cận nghèo giảm xuống còn 3,2%");
        check(&m, Comparator::Lte, Some(3.2), Some("%"));
        assert_eq!(m.direction, Direction::LowerIsBetter);
        check(
            &one("Tỷ lệ trẻ suy dinh dưỡng còn dưới 8%"),
            Comparator::Lt,
            Some(8.0),
            Some("%"),
        );
        check(
            &one("Tỷ lệ hộ nghèo còn 1,2%"),
            Comparator::Lte,
            Some(1.2),
            Some("%"),
        );
    }

    #[test]
    fn an_increase_compared_with_something_is_at_least() {
        let m = one("Thu ngân sách vượt 8% trở lên so với kế hoạch huyện giao;");
        check(&m, Comparator::Gte, Some(8.0), Some("%"));
        assert_eq!(m.label, "Thu ngân sách vượt so với kế hoạch huyện giao");
        let m = one("Giá trị sản xuất công nghiệp tăng 12% so với năm 2022");
        check(&m, Comparator::Gte, Some(12.0), Some("%"));
        assert_eq!(m.label, "Giá trị sản xuất công nghiệp tăng so với năm 2022");
    }

    #[test]
    fn a_second_measure_after_a_comma_borrows_the_label() {
        let ms = parse_measures("Tổng giá trị sản xuất đạt 520 tỷ đồng, tăng 8,5% so với năm 2023");
        assert_eq!(ms.len(), 2, "{ms:#?}");
        check(&ms[0], Comparator::Gte, Some(520.0), Some("tỷ đồng"));
        check(&ms[1], Comparator::Gte, Some(8.5), Some("%"));
        assert_eq!(ms[1].label, "Tổng giá trị sản xuất tăng so với năm 2023");
    }

    #[test]
    fn a_number_before_its_noun_with_tro_len_is_at_least() {
        let m = one("Có 100% chi bộ hoàn thành nhiệm vụ trở lên");
        check(&m, Comparator::Gte, Some(100.0), Some("%"));
        let m = one("Có trên 80 % đảng viên hoàn thành tốt nhiệm vụ");
        check(&m, Comparator::Gt, Some(80.0), Some("%"));
    }

    #[test]
    fn sentences_separate_measures_and_a_plain_clause_is_qualitative() {
        let ms = parse_measures(
            "Số thôn đạt tiêu chuẩn về ANTT đạt 13 thôn trở lên; xã đạt chuẩn về An ninh trật tự;",
        );
        assert_eq!(ms.len(), 2);
        check(&ms[0], Comparator::Gte, Some(13.0), Some("thôn"));
        assert_eq!(ms[0].label, "Số thôn đạt tiêu chuẩn về ANTT");
        assert_eq!(ms[1].comparator, Comparator::Qualitative);
        assert_eq!(ms[1].label, "xã đạt chuẩn về An ninh trật tự");
        assert!(!ms[1].needs_review);
    }

    #[test]
    fn compound_amounts_are_one_value() {
        check(
            &one("Thu ngân sách xã năm 2023 đạt 13 tỷ 655 triệu đồng"),
            Comparator::Gte,
            Some(13.655),
            Some("tỷ đồng"),
        );
    }

    #[test]
    fn ratios_count_the_first_number() {
        check(
            &one("Giữ vững 19/19 tiêu chí xã nông thôn mới"),
            Comparator::Gte,
            Some(19.0),
            Some("tiêu chí"),
        );
    }

    #[test]
    fn doubtful_text_is_marked_for_review() {
        let m = one("Xây dựng 3 nhà văn hóa và 2 sân thể thao");
        assert!(m.needs_review);
        assert_eq!(m.label, "Xây dựng 3 nhà văn hóa và 2 sân thể thao");
        assert!(one("Tỷ lệ lao động có việc làm khoảng 90%").needs_review);
        assert!(one("Tỷ lệ hộ nghèo dưới 2% trở lên").needs_review);
        let m = one("");
        assert!(m.needs_review);
        assert_eq!(m.comparator, Comparator::Qualitative);
    }

    #[test]
    fn units_keep_percent_without_its_space() {
        check(
            &one("Tỷ lệ thu gom và xử lý rác thải, trên 98,3 %"),
            Comparator::Gt,
            Some(98.3),
            Some("%"),
        );
    }

    #[test]
    fn parenthesised_numbers_do_not_compete_with_the_value() {
        let m = one("Tỷ lệ hộ nghèo dưới 2% (giảm 0,5% so với năm 2022)");
        check(&m, Comparator::Lt, Some(2.0), Some("%"));
    }

    #[test]
    fn a_part_after_trong_do_keeps_the_whole_in_its_label() {
        let ms = parse_measures(
            "Thu ngân sách nhà nước 12,5 tỷ đồng trở lên, trong đó thu ngân sách xã 4 tỷ đồng.",
        );
        assert_eq!(ms.len(), 2);
        check(&ms[0], Comparator::Gte, Some(12.5), Some("tỷ đồng"));
        check(&ms[1], Comparator::Gte, Some(4.0), Some("tỷ đồng"));
        assert_eq!(
            ms[1].label,
            "Thu ngân sách nhà nước, trong đó thu ngân sách xã"
        );
    }

    #[test]
    fn per_unit_numbers_and_ratings_are_not_values() {
        let m = one("Giá trị sản phẩm trên 1 ha đất canh tác đạt 120 triệu đồng");
        check(&m, Comparator::Gte, Some(120.0), Some("triệu đồng"));
        assert_eq!(m.label, "Giá trị sản phẩm trên 1 ha đất canh tác");
        check(
            &one("Xây dựng 02 sản phẩm OCOP đạt 3 sao trở lên"),
            Comparator::Gte,
            Some(2.0),
            Some("sản phẩm"),
        );
    }

    #[test]
    fn units_per_something_are_kept_whole() {
        let m = one("Tỷ lệ giường bệnh đạt 30 giường/vạn dân");
        check(&m, Comparator::Gte, Some(30.0), Some("giường/vạn dân"));
        assert_eq!(m.label, "Tỷ lệ giường bệnh");
        check(
            &one("Tốc độ tăng trưởng kinh tế bình quân 8,5%/năm"),
            Comparator::Gte,
            Some(8.5),
            Some("%/năm"),
        );
        check(
            &one("Năng suất lúa bình quân đạt 62 tạ/ha"),
            Comparator::Gte,
            Some(62.0),
            Some("tạ/ha"),
        );
    }

    #[test]
    fn a_short_verb_keeps_the_whole_clause_as_label() {
        let m = one("Hoàn thành 100% chỉ tiêu giao quân.");
        check(&m, Comparator::Gte, Some(100.0), Some("%"));
        assert_eq!(m.label, "Hoàn thành 100% chỉ tiêu giao quân");
        let m = one("Xây dựng mới 5 km đường giao thông nông thôn.");
        check(&m, Comparator::Gte, Some(5.0), Some("km"));
        assert_eq!(m.label, "Xây dựng mới đường giao thông nông thôn");
        let m = one("Tổng sản lượng lương thực có hạt ước đạt 7.500 tấn");
        assert_eq!(m.label, "Tổng sản lượng lương thực có hạt");
    }

    #[test]
    fn a_share_structure_gives_one_measure_per_part_under_its_heading() {
        let ms = parse_measures(
            "Cơ cấu kinh tế: Nông, lâm nghiệp, thủy sản 25%; Công nghiệp - xây dựng 40%; Thương mại - dịch vụ 35%.",
        );
        assert_eq!(ms.len(), 3);
        assert_eq!(ms[1].label, "Cơ cấu kinh tế: Công nghiệp - xây dựng");
        check(&ms[2], Comparator::Gte, Some(35.0), Some("%"));
    }

    proptest! {
        // PROPTEST_CASES=200000 for a long run (docs/RELIABILITY.md).
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(300)
        ))]

        #[test]
        fn any_text_gives_at_least_one_measure(text in "\\PC{0,80}") {
            let measures = parse_measures(&text);
            prop_assert!(!measures.is_empty());
            for m in measures {
                if let Some(v) = m.value { prop_assert!(v.is_finite()); }
            }
        }

        #[test]
        fn vietnamese_looking_text_gives_at_least_one_measure(
            text in "[a-zA-ZđĐàáạảãâầấậẩẫăằắặẳẵêềếệểễôồốộổỗơờớợởỡưừứựửữ0-9 .,;:%/()=≥≤<>+–-]{0,80}"
        ) {
            prop_assert!(!parse_measures(&text).is_empty());
        }
    }
}
