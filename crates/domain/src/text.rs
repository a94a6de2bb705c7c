//! Text as the portal stores and searches it.

use unicode_normalization::UnicodeNormalization;

/// Why a piece of input text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// PostgreSQL cannot store NUL in text, and no legitimate Vietnamese text holds one.
    #[error("must not contain the NUL character")]
    ContainsNul,
}

/// Normalizes input text to Unicode NFC, the form every stored text is in.
///
/// Vietnamese has two common encodings of the same letter ("ệ" as one code point, or "e" plus
/// two combining marks); without one form, equal words would compare unequal.
pub fn normalize(input: &str) -> Result<String, TextError> {
    if input.contains('\0') {
        return Err(TextError::ContainsNul);
    }
    Ok(input.nfc().collect())
}

/// Folds text for search: no tone or vowel marks, `đ` as `d`, lower case, runs of white space
/// as one space. "Nghị quyết Trường Xuân" folds to "nghi quyet truong xuan".
pub fn fold(input: &str) -> String {
    let mut folded = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !folded.is_empty();
            continue;
        }
        if pending_space {
            folded.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => folded.push('d'),
            _ => folded.extend(c.to_lowercase()),
        }
    }
    folded
}

/// Combining diacritical marks (U+0300..U+036F) carry every Vietnamese tone and vowel mark
/// once text is decomposed.
fn is_combining_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Length as a reader counts it: characters, not bytes.
pub fn char_len(input: &str) -> usize {
    input.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_composes_decomposed_vietnamese() {
        let decomposed = "Nghi\u{0323} quye\u{0302}\u{0301}t";
        let normalized = normalize(decomposed).unwrap_or_default();
        assert_eq!(normalized, "Nghị quyết");
        assert_eq!(normalized.chars().count(), 10);
    }

    #[test]
    fn normalize_refuses_nul() {
        assert_eq!(normalize("Xã\0Trường Xuân"), Err(TextError::ContainsNul));
    }

    #[test]
    fn fold_strips_marks_and_case() {
        assert_eq!(
            fold("NGHỊ QUYẾT CỦA ĐẢNG ỦY XÃ TRƯỜNG XUÂN"),
            "nghi quyet cua dang uy xa truong xuan"
        );
        assert_eq!(
            fold("Huyện Thọ Xuân, Tỉnh Thanh Hóa"),
            "huyen tho xuan, tinh thanh hoa"
        );
    }

    #[test]
    fn fold_treats_composed_and_decomposed_alike() {
        assert_eq!(fold("Trường"), fold("Tru\u{031B}o\u{031B}\u{0300}ng"));
    }

    #[test]
    fn fold_collapses_white_space_including_no_break_space() {
        assert_eq!(
            fold("  1-\u{00A0}\u{00A0} Giá trị\n sản xuất "),
            "1- gia tri san xuat"
        );
    }

    #[test]
    fn char_len_counts_letters_not_bytes() {
        assert_eq!(char_len("Trường Xuân"), 11);
    }
}
