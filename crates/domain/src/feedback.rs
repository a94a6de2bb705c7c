//! Citizen feedback and petitions (phản ánh, kiến nghị) about administrative procedures, under
//! Nghị định 20/2008/NĐ-CP as amended by Nghị định 92/2017/NĐ-CP.
//!
//! Complaints and denunciations follow other laws and are refused here.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::WorkCalendar;
use crate::contact::{Email, Phone};
use crate::text::{char_len, fold, normalize};
use crate::validation::{FieldFailure, ValidationErrors};

const MAX_SUBJECT_LEN: usize = 200;
const MAX_CONTENT_LEN: usize = 10_000;
const MAX_PROCEDURE_LEN: usize = 500;
const MAX_NAME_LEN: usize = 200;
const MAX_ADDRESS_LEN: usize = 500;

/// What the citizen sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackKind {
    /// Phản ánh: tells of a problem with a procedure or an official's conduct.
    PhanAnh,
    /// Kiến nghị: proposes a change to a procedure.
    KienNghi,
}

impl FeedbackKind {
    pub const ALL: [Self; 2] = [Self::PhanAnh, Self::KienNghi];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PhanAnh => "phan_anh",
            Self::KienNghi => "kien_nghi",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == input)
    }
}

/// Where an item is in its handling. See [`check_move`] for the legal moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackStatus {
    Received,
    Classified,
    Rejected,
    Forwarded,
    InProgress,
    Answered,
    Published,
}

impl FeedbackStatus {
    pub const ALL: [Self; 7] = [
        Self::Received,
        Self::Classified,
        Self::Rejected,
        Self::Forwarded,
        Self::InProgress,
        Self::Answered,
        Self::Published,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Classified => "classified",
            Self::Rejected => "rejected",
            Self::Forwarded => "forwarded",
            Self::InProgress => "in_progress",
            Self::Answered => "answered",
            Self::Published => "published",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == input)
    }

    /// No move leaves a final status.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Rejected | Self::Forwarded | Self::Published)
    }
}

/// The officer's decision on who handles an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// Not feedback the decree covers (a complaint in disguise, no identity, …): rejected.
    NotAccepted,
    /// About how officials of the commune behave: handled here.
    OfficialConduct,
    /// About a procedure the commune decides: handled here.
    WithinCompetence,
    /// About another agency's procedure: forwarded there.
    OutsideCompetence,
}

impl Classification {
    pub const ALL: [Self; 4] = [
        Self::NotAccepted,
        Self::OfficialConduct,
        Self::WithinCompetence,
        Self::OutsideCompetence,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAccepted => "not_accepted",
            Self::OfficialConduct => "official_conduct",
            Self::WithinCompetence => "within_competence",
            Self::OutsideCompetence => "outside_competence",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == input)
    }
}

/// Why a submitted field was refused. Messages state the rule, never the value: the input is
/// personal data and must not end up in logs or responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackError {
    #[error("must not contain the NUL character")]
    InvalidCharacter,
    #[error("is required")]
    Required,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must be phan_anh (phản ánh) or kien_nghi (kiến nghị)")]
    UnknownKind,
    #[error(
        "complaints (khiếu nại) follow the Law on Complaints (Luật Khiếu nại 2011) and \
         denunciations (tố cáo) the Law on Denunciations (Luật Tố cáo 2018): file them with the \
         competent agency; this channel takes feedback and petitions (phản ánh, kiến nghị) about \
         administrative procedures only"
    )]
    NotAcceptedHere,
    #[error("give a phone number or an e-mail address")]
    NoContact,
}

impl FieldFailure for FeedbackError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidCharacter => "invalid_character",
            Self::Required | Self::NoContact => "required",
            Self::TooLong(_) => "too_long",
            Self::UnknownKind => "invalid_value",
            Self::NotAcceptedHere => "not_accepted_here",
        }
    }
}

/// Who sent the feedback, as the client describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmitterInput {
    pub name: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A submission as the client describes it, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackInput {
    pub kind: String,
    pub subject: String,
    pub content: String,
    pub procedure: Option<String>,
    pub submitter: Option<SubmitterInput>,
    pub allow_publication: bool,
}

/// The decree takes no anonymous feedback: a name, an address and a way to reach the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitter {
    pub name: String,
    pub address: String,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
}

/// A validated submission, ready to be stored. Texts are NFC and trimmed; HTML and SQL are
/// plain text, kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeedback {
    pub kind: FeedbackKind,
    pub subject: String,
    pub content: String,
    /// The administrative procedure the feedback is about, if the citizen named one.
    pub procedure: Option<String>,
    pub submitter: Submitter,
    /// The citizen agrees that the answer may be published.
    pub allow_publication: bool,
}

impl NewFeedback {
    /// Validates every field and reports all failures at once.
    pub fn parse(input: FeedbackInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let kind = errors.check("kind", parse_kind(&input.kind));
        let subject = errors.check(
            "subject",
            required_text(Some(&input.subject), MAX_SUBJECT_LEN),
        );
        let content = errors.check(
            "content",
            required_text(Some(&input.content), MAX_CONTENT_LEN),
        );
        let procedure = errors.check(
            "procedure",
            optional_text(input.procedure.as_deref(), MAX_PROCEDURE_LEN),
        );
        let submitter = parse_submitter(input.submitter.unwrap_or_default(), &mut errors);
        let (Some(kind), Some(subject), Some(content), Some(procedure), Some(submitter)) =
            (kind, subject, content, procedure, submitter)
        else {
            return Err(errors);
        };
        Ok(Self {
            kind,
            subject,
            content,
            procedure,
            submitter,
            allow_publication: input.allow_publication,
        })
    }
}

/// Accepts the wire names only, but recognizes a complaint or denunciation however it is
/// written ("khieu_nai", "Khiếu nại", "TỐ CÁO") to explain where it belongs.
fn parse_kind(input: &str) -> Result<FeedbackKind, FeedbackError> {
    let text = normalize(input).map_err(|_| FeedbackError::InvalidCharacter)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(FeedbackError::Required);
    }
    if let Some(kind) = FeedbackKind::parse(text) {
        return Ok(kind);
    }
    match fold(text).replace(' ', "_").as_str() {
        "khieu_nai" | "to_cao" => Err(FeedbackError::NotAcceptedHere),
        _ => Err(FeedbackError::UnknownKind),
    }
}

fn parse_submitter(input: SubmitterInput, errors: &mut ValidationErrors) -> Option<Submitter> {
    let name = errors.check(
        "submitter.name",
        required_text(input.name.as_deref(), MAX_NAME_LEN),
    );
    let address = errors.check(
        "submitter.address",
        required_text(input.address.as_deref(), MAX_ADDRESS_LEN),
    );
    let phone = optional_text(input.phone.as_deref(), usize::MAX);
    let email = optional_text(input.email.as_deref(), usize::MAX);
    if matches!((&phone, &email), (Ok(None), Ok(None))) {
        errors.add(
            "submitter.phone",
            FeedbackError::NoContact.code(),
            FeedbackError::NoContact.to_string(),
        );
        return None;
    }
    let phone = errors.check("submitter.phone", phone).and_then(|p| {
        errors.check(
            "submitter.phone",
            p.as_deref().map(Phone::parse).transpose(),
        )
    });
    let email = errors.check("submitter.email", email).and_then(|e| {
        errors.check(
            "submitter.email",
            e.as_deref().map(Email::parse).transpose(),
        )
    });
    Some(Submitter {
        name: name?,
        address: address?,
        phone: phone?,
        email: email?,
    })
}

/// NFC and trimmed; `Ok(None)` when absent or blank.
fn optional_text(input: Option<&str>, max: usize) -> Result<Option<String>, FeedbackError> {
    let Some(raw) = input else {
        return Ok(None);
    };
    let text = normalize(raw).map_err(|_| FeedbackError::InvalidCharacter)?;
    let text = text.trim();
    if text.is_empty() {
        Ok(None)
    } else if char_len(text) > max {
        Err(FeedbackError::TooLong(max))
    } else {
        Ok(Some(text.to_owned()))
    }
}

fn required_text(input: Option<&str>, max: usize) -> Result<String, FeedbackError> {
    optional_text(input, max)?.ok_or(FeedbackError::Required)
}

/// The code a citizen keeps to follow an item: `PAKN.20230313.7Q2M0XK4ZD`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct TrackingCode(String);

const TRACKING_PREFIX: &str = "PAKN";
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_CHARS: usize = 10;

impl TrackingCode {
    /// `PAKN.YYYYMMDD.XXXXXXXXXX`: the local date of receipt and 50 random bits as 10 Crockford
    /// base32 characters (0-9, A-Z without I, L, O, U). The caller supplies the random bits (the
    /// domain does no I/O); only the low 50 bits are used.
    pub fn new(received_on: NaiveDate, random_bits: u64) -> Self {
        let random: String = (0..RANDOM_CHARS)
            .rev()
            .map(|i| char::from(CROCKFORD[((random_bits >> (5 * i)) & 0x1f) as usize]))
            .collect();
        Self(format!(
            "{TRACKING_PREFIX}.{}.{random}",
            received_on.format("%Y%m%d")
        ))
    }

    /// Reads a code a citizen typed: trims, upper-cases, and maps O->0, I/L->1 as Crockford
    /// does; None when the shape is wrong.
    pub fn parse(input: &str) -> Option<Self> {
        let upper = input.trim().to_ascii_uppercase();
        let mut parts = upper.split('.');
        let (Some(prefix), Some(date), Some(random), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        if prefix != TRACKING_PREFIX {
            return None;
        }
        let date: String = date.chars().map(crockford_lookalike).collect();
        let date_ok = date.len() == 8
            && date.bytes().all(|b| b.is_ascii_digit())
            && NaiveDate::parse_from_str(&date, "%Y%m%d").is_ok();
        let random: String = random.chars().map(crockford_lookalike).collect();
        let random_ok =
            random.len() == RANDOM_CHARS && random.bytes().all(|b| CROCKFORD.contains(&b));
        (date_ok && random_ok).then(|| Self(format!("{TRACKING_PREFIX}.{date}.{random}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Letters a reader mistakes for digits, read as Crockford does.
fn crockford_lookalike(c: char) -> char {
    match c {
        'O' => '0',
        'I' | 'L' => '1',
        _ => c,
    }
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A requested status change, with the fields some moves need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move<'a> {
    pub to: FeedbackStatus,
    pub classification: Option<Classification>,
    pub reason: Option<&'a str>,
    pub forwarded_to: Option<&'a str>,
}

/// What a move depends on in the stored item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemState {
    pub status: FeedbackStatus,
    pub classification: Option<Classification>,
    pub allow_publication: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("cannot move from {} to {}", from.as_str(), to.as_str())]
    Illegal {
        from: FeedbackStatus,
        to: FeedbackStatus,
    },
    #[error("moving to classified needs a classification")]
    NeedsClassification,
    #[error("rejecting needs a reason")]
    NeedsReason,
    #[error("forwarding needs the agency it goes to")]
    NeedsForwardedTo,
    #[error("the citizen did not agree to publication")]
    NoConsent,
    #[error("{0} does not belong to this move")]
    FieldNotForThisMove(&'static str),
}

impl MoveError {
    /// The state of the item forbids the move (HTTP 409); otherwise the request is at fault.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Self::Illegal { .. } | Self::NoConsent)
    }

    /// The request field to fix, for the errors that are not conflicts.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Illegal { .. } | Self::NoConsent => None,
            Self::NeedsClassification => Some("classification"),
            Self::NeedsReason => Some("reason"),
            Self::NeedsForwardedTo => Some("forwarded_to"),
            Self::FieldNotForThisMove(field) => Some(field),
        }
    }
}

impl FieldFailure for MoveError {
    fn code(&self) -> &'static str {
        match self {
            Self::Illegal { .. } => "illegal_transition",
            Self::NoConsent => "no_consent",
            Self::NeedsClassification | Self::NeedsReason | Self::NeedsForwardedTo => "required",
            Self::FieldNotForThisMove(_) => "not_allowed",
        }
    }
}

/// Checks a status change an officer requests. Blank texts count as absent.
///
/// received → classified (with a classification); classified as not_accepted → rejected (with a
/// reason); classified outside_competence → forwarded (with forwarded_to); classified
/// within_competence or official_conduct → in_progress; answered → in_progress (sent back) or
/// published (with the citizen's consent). Answering goes through [`check_answer`].
pub fn check_move(state: &ItemState, mv: &Move) -> Result<(), MoveError> {
    use Classification::{NotAccepted, OfficialConduct, OutsideCompetence, WithinCompetence};
    use FeedbackStatus::{
        Answered, Classified, Forwarded, InProgress, Published, Received, Rejected,
    };

    let legal = match (state.status, mv.to) {
        (Received, Classified) | (Answered, InProgress | Published) => true,
        (Classified, Rejected) => state.classification == Some(NotAccepted),
        (Classified, Forwarded) => state.classification == Some(OutsideCompetence),
        (Classified, InProgress) => {
            matches!(
                state.classification,
                Some(WithinCompetence | OfficialConduct)
            )
        }
        _ => false,
    };
    if !legal {
        return Err(MoveError::Illegal {
            from: state.status,
            to: mv.to,
        });
    }
    if mv.to == Published && !state.allow_publication {
        return Err(MoveError::NoConsent);
    }
    let reason = given(mv.reason);
    let forwarded_to = given(mv.forwarded_to);
    match mv.to {
        Classified if mv.classification.is_none() => return Err(MoveError::NeedsClassification),
        Rejected if reason.is_none() => return Err(MoveError::NeedsReason),
        Forwarded if forwarded_to.is_none() => return Err(MoveError::NeedsForwardedTo),
        _ => {}
    }
    if mv.to != Classified && mv.classification.is_some() {
        return Err(MoveError::FieldNotForThisMove("classification"));
    }
    if mv.to != Rejected && reason.is_some() {
        return Err(MoveError::FieldNotForThisMove("reason"));
    }
    if mv.to != Forwarded && forwarded_to.is_some() {
        return Err(MoveError::FieldNotForThisMove("forwarded_to"));
    }
    Ok(())
}

/// Posting the answer is the only way to `answered`, and only from `in_progress`.
pub fn check_answer(state: &ItemState) -> Result<(), MoveError> {
    if state.status == FeedbackStatus::InProgress {
        Ok(())
    } else {
        Err(MoveError::Illegal {
            from: state.status,
            to: FeedbackStatus::Answered,
        })
    }
}

fn given(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|s| !s.is_empty())
}

/// A commune's own time limits in working days. These are settings, not law: the decree leaves
/// them to the handling agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedbackLimits {
    pub classify_days: u32,
    pub forward_days: u32,
    pub answer_days: u32,
    /// How long an item is kept after receipt, in calendar months.
    pub retention_months: u32,
}

impl Default for FeedbackLimits {
    fn default() -> Self {
        Self {
            classify_days: 5,
            forward_days: 5,
            answer_days: 15,
            retention_months: 24,
        }
    }
}

/// The dates an item must be handled by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    pub classify_by: NaiveDate,
    pub forward_by: Option<NaiveDate>,
    pub answer_by: Option<NaiveDate>,
}

impl Deadlines {
    /// Sets `forward_by` = classified_on + forward_days when the item goes to another agency,
    /// and clears it otherwise.
    pub fn with_classification(
        self,
        classification: Classification,
        classified_on: NaiveDate,
        limits: &FeedbackLimits,
        calendar: &WorkCalendar,
    ) -> Self {
        let forward_by = (classification == Classification::OutsideCompetence)
            .then(|| calendar.add_working_days(classified_on, limits.forward_days));
        Self { forward_by, ..self }
    }
}

/// classify_by = received_on + classify_days; answer_by = received_on + answer_days (set from
/// the start); forward_by is set on classification, see [`Deadlines::with_classification`].
pub fn deadlines_at_receipt(
    received_on: NaiveDate,
    limits: &FeedbackLimits,
    calendar: &WorkCalendar,
) -> Deadlines {
    Deadlines {
        classify_by: calendar.add_working_days(received_on, limits.classify_days),
        forward_by: None,
        answer_by: Some(calendar.add_working_days(received_on, limits.answer_days)),
    }
}

/// The next deadline for an item in `status`. Rejecting is part of classifying, so an item
/// classified not_accepted is still due by `classify_by`; answered and final items are due
/// nothing.
pub fn due_date(
    status: FeedbackStatus,
    classification: Option<Classification>,
    deadlines: &Deadlines,
) -> Option<NaiveDate> {
    use Classification::{NotAccepted, OfficialConduct, OutsideCompetence, WithinCompetence};
    match (status, classification) {
        (FeedbackStatus::Received, _) | (FeedbackStatus::Classified, Some(NotAccepted) | None) => {
            Some(deadlines.classify_by)
        }
        (FeedbackStatus::Classified, Some(OutsideCompetence)) => deadlines.forward_by,
        (FeedbackStatus::Classified, Some(WithinCompetence | OfficialConduct))
        | (FeedbackStatus::InProgress, _) => deadlines.answer_by,
        (
            FeedbackStatus::Answered
            | FeedbackStatus::Rejected
            | FeedbackStatus::Forwarded
            | FeedbackStatus::Published,
            _,
        ) => None,
    }
}

/// Overdue from the day after the due date: the due day itself is still in time.
pub fn is_overdue(due: Option<NaiveDate>, today: NaiveDate) -> bool {
    due.is_some_and(|due| today > due)
}

/// What replaces the content when the submitter's personal data is erased: the public version
/// officials wrote, or a notice. What the citizen typed may itself hold personal details.
pub fn content_after_erasure(public_content: Option<&str>) -> String {
    public_content
        .map(str::to_owned)
        .unwrap_or_else(|| ERASED_CONTENT.to_owned())
}

pub const ERASED_CONTENT: &str = "(Nội dung đã được xóa cùng dữ liệu cá nhân của người gửi.)";

/// Subject, content and procedure folded for search.
pub fn search_text_of(subject: &str, content: &str, procedure: Option<&str>) -> String {
    crate::text::fold(&format!(
        "{subject} {content} {}",
        procedure.unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    fn nhung() -> SubmitterInput {
        SubmitterInput {
            name: Some("Nguyễn Thị Hồng Nhung".into()),
            address: Some("Thôn 3, xã Trường Xuân, huyện Quảng Ninh, tỉnh Quảng Bình".into()),
            phone: Some("0912 345 678".into()),
            email: None,
        }
    }

    fn submission() -> FeedbackInput {
        FeedbackInput {
            kind: "phan_anh".into(),
            subject: "Phản ánh về thời gian giải quyết hồ sơ chứng thực tại UBND xã Trường Xuân"
                .into(),
            content: "Ngày 10/3/2025 tôi nộp hồ sơ chứng thực bản sao từ bản chính, \
                      đến nay chưa được trả kết quả."
                .into(),
            procedure: Some("Chứng thực bản sao từ bản chính".into()),
            submitter: Some(nhung()),
            allow_publication: true,
        }
    }

    fn failures(input: FeedbackInput) -> Vec<(String, &'static str)> {
        NewFeedback::parse(input)
            .err()
            .unwrap_or_default()
            .errors()
            .iter()
            .map(|e| (e.field.clone(), e.code))
            .collect()
    }

    fn owned(pairs: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
        pairs.iter().map(|(f, c)| ((*f).to_owned(), *c)).collect()
    }

    #[test]
    fn enums_round_trip_and_serialize_as_their_wire_names() {
        for kind in FeedbackKind::ALL {
            assert_eq!(FeedbackKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).ok(), Some(kind.as_str().into()));
        }
        for status in FeedbackStatus::ALL {
            assert_eq!(FeedbackStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_value(status).ok(),
                Some(status.as_str().into())
            );
        }
        for c in Classification::ALL {
            assert_eq!(Classification::parse(c.as_str()), Some(c));
            assert_eq!(serde_json::to_value(c).ok(), Some(c.as_str().into()));
        }
        assert_eq!(FeedbackStatus::parse("đã trả lời"), None);
        let finals: Vec<_> = FeedbackStatus::ALL
            .into_iter()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(
            finals,
            [
                FeedbackStatus::Rejected,
                FeedbackStatus::Forwarded,
                FeedbackStatus::Published
            ]
        );
    }

    #[test]
    fn a_realistic_submission_is_accepted() {
        let feedback = NewFeedback::parse(submission()).ok();
        assert_eq!(
            feedback.as_ref().map(|f| f.kind),
            Some(FeedbackKind::PhanAnh)
        );
        assert_eq!(
            feedback.as_ref().map(|f| f.submitter.name.as_str()),
            Some("Nguyễn Thị Hồng Nhung")
        );
        assert_eq!(
            feedback
                .as_ref()
                .and_then(|f| f.submitter.phone.as_ref())
                .map(Phone::as_str),
            Some("0912345678")
        );
        assert_eq!(feedback.as_ref().map(|f| f.allow_publication), Some(true));
    }

    #[test]
    fn decomposed_text_comes_back_composed_and_trimmed() {
        let input = FeedbackInput {
            subject: "  Kie\u{0302}\u{0301}n nghi\u{0323} ve\u{0302}\u{0300} gio\u{031B}\u{0300} tie\u{0302}\u{0301}p da\u{0302}n \n".into(),
            kind: " kien_nghi ".into(),
            ..submission()
        };
        let feedback = NewFeedback::parse(input).ok();
        assert_eq!(
            feedback.as_ref().map(|f| f.subject.as_str()),
            Some("Kiến nghị về giờ tiếp dân")
        );
        assert_eq!(feedback.map(|f| f.kind), Some(FeedbackKind::KienNghi));
    }

    #[test]
    fn multi_line_content_keeps_its_line_breaks() {
        let content = "Kính gửi UBND xã Trường Xuân,\n\nTôi xin phản ánh:\n- hồ sơ nộp ngày 10/3\n- chưa có kết quả";
        let input = FeedbackInput {
            content: format!("\n{content}\n\n"),
            ..submission()
        };
        assert_eq!(
            NewFeedback::parse(input).ok().map(|f| f.content),
            Some(content.to_owned())
        );
    }

    #[test]
    fn html_and_sql_are_plain_text_kept_verbatim() {
        let input = FeedbackInput {
            subject: "<script>alert('xã')</script>".into(),
            content: "'; DROP TABLE feedback; --".into(),
            ..submission()
        };
        let feedback = NewFeedback::parse(input).ok();
        assert_eq!(
            feedback.as_ref().map(|f| f.subject.as_str()),
            Some("<script>alert('xã')</script>")
        );
        assert_eq!(
            feedback.as_ref().map(|f| f.content.as_str()),
            Some("'; DROP TABLE feedback; --")
        );
    }

    #[test]
    fn every_missing_identity_field_is_named_at_once() {
        let without_submitter = FeedbackInput {
            submitter: None,
            ..submission()
        };
        let expected = owned(&[
            ("submitter.name", "required"),
            ("submitter.address", "required"),
            ("submitter.phone", "required"),
        ]);
        assert_eq!(failures(without_submitter), expected);
        let blank = FeedbackInput {
            submitter: Some(SubmitterInput {
                name: Some("  ".into()),
                address: None,
                phone: Some("".into()),
                email: Some(" ".into()),
            }),
            ..submission()
        };
        assert_eq!(failures(blank), expected);
        let message = NewFeedback::parse(FeedbackInput {
            submitter: None,
            ..submission()
        })
        .err()
        .and_then(|e| e.errors().last().map(|e| e.message.clone()));
        assert_eq!(
            message.as_deref(),
            Some("give a phone number or an e-mail address")
        );
    }

    #[test]
    fn an_email_alone_is_enough_to_reach_the_citizen() {
        let input = FeedbackInput {
            submitter: Some(SubmitterInput {
                phone: None,
                email: Some("nhung.nguyen@gmail.com".into()),
                ..nhung()
            }),
            ..submission()
        };
        assert!(NewFeedback::parse(input).is_ok());
    }

    #[test]
    fn a_missing_kind_is_required_not_unknown() {
        let input = FeedbackInput {
            kind: "  ".into(),
            ..submission()
        };
        assert_eq!(failures(input), owned(&[("kind", "required")]));
    }

    #[test]
    fn erasure_keeps_only_the_public_version_of_the_content() {
        assert_eq!(
            content_after_erasure(Some("Công dân đề nghị niêm yết lệ phí.")),
            "Công dân đề nghị niêm yết lệ phí."
        );
        assert_eq!(content_after_erasure(None), ERASED_CONTENT);
        assert_eq!(
            search_text_of("Lệ phí", "Đề nghị\nniêm yết", Some("Chứng thực")),
            "le phi de nghi niem yet chung thuc"
        );
    }

    #[test]
    fn all_failures_are_collected() {
        let input = FeedbackInput {
            kind: "góp ý".into(),
            subject: "".into(),
            content: "Nội dung\0".into(),
            procedure: Some("đ".repeat(501)),
            submitter: Some(SubmitterInput {
                name: Some("Nguyễn Văn A".into()),
                address: Some("Thôn 1".into()),
                phone: Some("12345".into()),
                email: Some("khong-phai-email".into()),
            }),
            allow_publication: false,
        };
        assert_eq!(
            failures(input),
            owned(&[
                ("kind", "invalid_value"),
                ("subject", "required"),
                ("content", "invalid_character"),
                ("procedure", "too_long"),
                ("submitter.phone", "invalid_format"),
                ("submitter.email", "invalid_format"),
            ])
        );
    }

    #[test]
    fn complaints_and_denunciations_are_sent_to_their_own_law() {
        for kind in [
            "khieu_nai",
            "to_cao",
            " Khiếu nại ",
            "TỐ CÁO",
            "to\u{0302}\u{0301} ca\u{0301}o",
        ] {
            let errors = NewFeedback::parse(FeedbackInput {
                kind: kind.into(),
                ..submission()
            })
            .err()
            .unwrap_or_default();
            let first = errors.errors().first();
            assert_eq!(first.map(|e| e.code), Some("not_accepted_here"), "{kind}");
            let message = first.map(|e| e.message.as_str()).unwrap_or_default();
            assert!(message.contains("Luật Khiếu nại 2011"), "{message}");
            assert!(message.contains("Luật Tố cáo 2018"), "{message}");
        }
    }

    #[test]
    fn procedure_is_optional_and_blank_means_none() {
        let input = FeedbackInput {
            procedure: Some("   ".into()),
            ..submission()
        };
        assert_eq!(
            NewFeedback::parse(input).ok().map(|f| f.procedure),
            Some(None)
        );
    }

    #[test]
    fn subjects_are_limited_in_characters_not_bytes() {
        let base = "Kiến nghị rút ngắn thời gian chứng thực ở xã Trường Xuân ";
        let subject_of = |len: usize| {
            let padded: String = base.chars().cycle().take(len - 1).collect();
            padded + "ữ"
        };
        let at_limit = subject_of(200);
        assert!(at_limit.len() > 250);
        let at_limit = FeedbackInput {
            subject: at_limit,
            ..submission()
        };
        assert!(NewFeedback::parse(at_limit).is_ok());
        let over = FeedbackInput {
            subject: subject_of(201),
            ..submission()
        };
        assert_eq!(failures(over), owned(&[("subject", "too_long")]));
        // Counted once composed: 200 letters written with combining marks still fit.
        let decomposed = FeedbackInput {
            subject: "e\u{0323}\u{0302}".repeat(200),
            ..submission()
        };
        assert!(NewFeedback::parse(decomposed).is_ok());
    }

    #[test]
    fn messages_never_repeat_the_personal_data_they_refuse() {
        let (phone, email) = ("0912 345 67", "hong.nhung@@truongxuan");
        let errors = NewFeedback::parse(FeedbackInput {
            submitter: Some(SubmitterInput {
                phone: Some(phone.into()),
                email: Some(email.into()),
                ..nhung()
            }),
            ..submission()
        })
        .err()
        .unwrap_or_default();
        assert_eq!(errors.errors().len(), 2);
        for error in errors.errors() {
            assert!(!error.message.contains(phone), "{}", error.message);
            assert!(!error.message.contains("0912"), "{}", error.message);
            assert!(!error.message.contains(email), "{}", error.message);
            assert!(!error.message.contains("hong.nhung"), "{}", error.message);
        }
    }

    #[test]
    fn tracking_codes_have_the_date_and_fifty_random_bits() {
        let day = date(2023, 3, 13);
        assert_eq!(
            TrackingCode::new(day, 0).as_str(),
            "PAKN.20230313.0000000000"
        );
        assert_eq!(
            TrackingCode::new(day, (1 << 50) - 1).to_string(),
            "PAKN.20230313.ZZZZZZZZZZ"
        );
        assert_eq!(TrackingCode::new(day, 1 << 50), TrackingCode::new(day, 0));
        assert_ne!(TrackingCode::new(day, 1 << 49), TrackingCode::new(day, 0));
        assert_ne!(TrackingCode::new(day, 1), TrackingCode::new(day, 2));
        let code = TrackingCode::new(day, 0x0123_4567_89AB_CDEF);
        assert_eq!(code.as_str().len(), "PAKN.20230313.".len() + 10);
        assert!(code.as_str().starts_with("PAKN.20230313."));
        assert!(!code.as_str()[14..].contains(['I', 'L', 'O', 'U']));
        assert_eq!(serde_json::to_value(&code).ok(), Some(code.as_str().into()));
    }

    #[test]
    fn tracking_codes_read_back_as_citizens_type_them() {
        let code = TrackingCode::new(date(2025, 1, 24), 0x2_F00D_CAFE_1234);
        assert_eq!(TrackingCode::parse(code.as_str()), Some(code.clone()));
        assert_eq!(
            TrackingCode::parse(&format!("  {}\n", code.as_str().to_lowercase())),
            Some(code)
        );
        assert_eq!(
            TrackingCode::parse("pakn.2O230313.oIl0000000").map(|c| c.to_string()),
            Some("PAKN.20230313.0110000000".to_owned())
        );
        for bad in [
            "",
            "PAKN.20230313",
            "PAKN.20230313.000000000",
            "PAKN.20230313.00000000000",
            "PAKN.20230231.0000000000",
            "PAKN.2023313.0000000000",
            "PAKN.20230313.000000000U",
            "PAKN.20230313.00000000Đ0",
            "XYZ.20230313.0000000000",
            "PAKN.20230313.0000000000.1",
            "PAKN-20230313-0000000000",
        ] {
            assert_eq!(TrackingCode::parse(bad), None, "{bad}");
        }
    }

    /// A move carrying exactly the fields its target needs.
    fn complete_move(to: FeedbackStatus) -> Move<'static> {
        Move {
            to,
            classification: (to == FeedbackStatus::Classified)
                .then_some(Classification::WithinCompetence),
            reason: (to == FeedbackStatus::Rejected).then_some("Nội dung là khiếu nại"),
            forwarded_to: (to == FeedbackStatus::Forwarded).then_some("UBND huyện Quảng Ninh"),
        }
    }

    fn state(status: FeedbackStatus, classification: Option<Classification>) -> ItemState {
        ItemState {
            status,
            classification,
            allow_publication: true,
        }
    }

    #[test]
    fn exactly_the_legal_moves_pass() {
        use Classification::*;
        use FeedbackStatus::*;
        let classifications = [None].into_iter().chain(Classification::ALL.map(Some));
        for classification in classifications {
            for from in FeedbackStatus::ALL {
                for to in FeedbackStatus::ALL {
                    let legal = match (from, to) {
                        (Received, Classified) => true,
                        (Classified, Rejected) => classification == Some(NotAccepted),
                        (Classified, Forwarded) => classification == Some(OutsideCompetence),
                        (Classified, InProgress) => {
                            matches!(classification, Some(WithinCompetence | OfficialConduct))
                        }
                        (Answered, InProgress | Published) => true,
                        _ => false,
                    };
                    let result = check_move(&state(from, classification), &complete_move(to));
                    let expected = if legal {
                        Ok(())
                    } else {
                        Err(MoveError::Illegal { from, to })
                    };
                    assert_eq!(result, expected, "{from:?} -> {to:?} as {classification:?}");
                }
                if from.is_final() {
                    assert!(FeedbackStatus::ALL.into_iter().all(|to| {
                        check_move(&state(from, classification), &complete_move(to)).is_err()
                    }));
                }
            }
        }
    }

    #[test]
    fn answering_only_from_in_progress_and_never_by_patch() {
        for from in FeedbackStatus::ALL {
            let item = state(from, Some(Classification::WithinCompetence));
            let expected = if from == FeedbackStatus::InProgress {
                Ok(())
            } else {
                Err(MoveError::Illegal {
                    from,
                    to: FeedbackStatus::Answered,
                })
            };
            assert_eq!(check_answer(&item), expected);
            assert_eq!(
                check_move(&item, &complete_move(FeedbackStatus::Answered)),
                Err(MoveError::Illegal {
                    from,
                    to: FeedbackStatus::Answered
                })
            );
        }
    }

    #[test]
    fn publishing_needs_the_citizens_consent() {
        let item = ItemState {
            allow_publication: false,
            ..state(
                FeedbackStatus::Answered,
                Some(Classification::OfficialConduct),
            )
        };
        let error = check_move(&item, &complete_move(FeedbackStatus::Published)).err();
        assert_eq!(error, Some(MoveError::NoConsent));
        assert_eq!(error.map(|e| e.is_conflict()), Some(true));
        assert_eq!(
            check_move(&item, &complete_move(FeedbackStatus::InProgress)),
            Ok(())
        );
    }

    #[test]
    fn moves_need_their_fields_and_refuse_the_others() {
        use FeedbackStatus::*;
        let received = state(Received, None);
        let not_accepted = state(Classified, Some(Classification::NotAccepted));
        let outside = state(Classified, Some(Classification::OutsideCompetence));
        let within = state(Classified, Some(Classification::WithinCompetence));
        let cases = [
            (
                received,
                Move {
                    classification: None,
                    ..complete_move(Classified)
                },
                MoveError::NeedsClassification,
            ),
            (
                not_accepted,
                Move {
                    reason: None,
                    ..complete_move(Rejected)
                },
                MoveError::NeedsReason,
            ),
            (
                not_accepted,
                Move {
                    reason: Some("  "),
                    ..complete_move(Rejected)
                },
                MoveError::NeedsReason,
            ),
            (
                outside,
                Move {
                    forwarded_to: Some(""),
                    ..complete_move(Forwarded)
                },
                MoveError::NeedsForwardedTo,
            ),
            (
                within,
                Move {
                    classification: Some(Classification::NotAccepted),
                    ..complete_move(InProgress)
                },
                MoveError::FieldNotForThisMove("classification"),
            ),
            (
                within,
                Move {
                    reason: Some("Không rõ"),
                    ..complete_move(InProgress)
                },
                MoveError::FieldNotForThisMove("reason"),
            ),
            (
                not_accepted,
                Move {
                    forwarded_to: Some("Sở Tư pháp"),
                    ..complete_move(Rejected)
                },
                MoveError::FieldNotForThisMove("forwarded_to"),
            ),
        ];
        for (item, mv, expected) in cases {
            let error = check_move(&item, &mv).err();
            assert_eq!(error, Some(expected));
            assert_eq!(error.map(|e| e.is_conflict()), Some(false));
            assert!(error.and_then(|e| e.field()).is_some());
        }
        let illegal = MoveError::Illegal {
            from: Published,
            to: InProgress,
        };
        assert_eq!(
            illegal.to_string(),
            "cannot move from published to in_progress"
        );
        assert_eq!((illegal.is_conflict(), illegal.field()), (true, None));
    }

    #[test]
    fn deadlines_skip_the_tet_2025_break() {
        let calendar = WorkCalendar::official();
        let limits = FeedbackLimits::default();
        // Received Friday 24/1/2025, the last working day before Tết (27/1 to 31/1).
        let received_on = date(2025, 1, 24);
        let deadlines = deadlines_at_receipt(received_on, &limits, &calendar);
        // 5 working days: Mon 3/2 to Fri 7/2.
        assert_eq!(deadlines.classify_by, date(2025, 2, 7));
        assert_eq!(deadlines.forward_by, None);
        // 15 working days: 3/2..7/2, 10/2..14/2, 17/2..21/2.
        assert_eq!(deadlines.answer_by, Some(date(2025, 2, 21)));

        let forwarded = deadlines.with_classification(
            Classification::OutsideCompetence,
            date(2025, 2, 5),
            &limits,
            &calendar,
        );
        assert_eq!(forwarded.forward_by, Some(date(2025, 2, 12)));
        let handled_here = forwarded.with_classification(
            Classification::WithinCompetence,
            date(2025, 2, 5),
            &limits,
            &calendar,
        );
        assert_eq!(handled_here.forward_by, None);
    }

    #[test]
    fn the_due_date_follows_the_status() {
        use Classification::*;
        use FeedbackStatus::*;
        let deadlines = Deadlines {
            classify_by: date(2025, 2, 7),
            forward_by: Some(date(2025, 2, 12)),
            answer_by: Some(date(2025, 2, 21)),
        };
        let cases = [
            (Received, None, Some(date(2025, 2, 7))),
            (Classified, Some(NotAccepted), Some(date(2025, 2, 7))),
            (Classified, Some(OutsideCompetence), Some(date(2025, 2, 12))),
            (Classified, Some(WithinCompetence), Some(date(2025, 2, 21))),
            (Classified, Some(OfficialConduct), Some(date(2025, 2, 21))),
            (InProgress, Some(OfficialConduct), Some(date(2025, 2, 21))),
            (Answered, Some(WithinCompetence), None),
            (Rejected, Some(NotAccepted), None),
            (Forwarded, Some(OutsideCompetence), None),
            (Published, Some(WithinCompetence), None),
        ];
        for (status, classification, expected) in cases {
            assert_eq!(
                due_date(status, classification, &deadlines),
                expected,
                "{status:?}"
            );
        }
        assert!(!is_overdue(Some(date(2025, 2, 7)), date(2025, 2, 7)));
        assert!(is_overdue(Some(date(2025, 2, 7)), date(2025, 2, 8)));
        assert!(!is_overdue(None, date(2030, 1, 1)));
    }
}
