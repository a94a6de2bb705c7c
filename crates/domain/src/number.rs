//! Numbers as Vietnamese documents write them: `.` groups thousands, `,` marks decimals.
//!
//! "9.850 tấn" is 9850, "170,5 tỷ đồng" is 170.5, "1.234.567,5" is 1234567.5, "09 ha" is 9.
//!
//! One ambiguity needs a rule: a lone `.` could be an English-style decimal point. A `.`
//! followed by exactly three digits is read as thousands ("205.000" is 205000, "1.500" is 1500),
//! because that is how Vietnamese writes them. Any other lone `.` ("7.5", "98.35") cannot be a
//! thousands separator, so it is read as a decimal point: 7.5.

/// Parses a number written the Vietnamese way; `None` when `s` is not one number.
///
/// Surrounding white space is ignored; a unit such as `%` must be split off by the caller.
/// A leading `-` is allowed. Digits are ASCII.
pub fn parse_vietnamese_number(s: &str) -> Option<f64> {
    let trimmed = s.trim();
    let (negative, body) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    if body.is_empty()
        || !body
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    let (integer, fraction) = match body.split_once(',') {
        Some((integer, fraction)) => {
            if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (grouped_integer(integer)?, Some(fraction))
        }
        None => match grouped_integer(body) {
            Some(integer) => (integer, None),
            None => {
                // Not thousands: a single `.` between digits is a decimal point ("7.5").
                let (integer, fraction) = body.split_once('.')?;
                let plain =
                    |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
                if !plain(integer) || !plain(fraction) {
                    return None;
                }
                (integer.to_owned(), Some(fraction))
            }
        },
    };
    let mut standard = String::with_capacity(body.len() + 2);
    if negative {
        standard.push('-');
    }
    standard.push_str(&integer);
    if let Some(fraction) = fraction {
        standard.push('.');
        standard.push_str(fraction);
    }
    standard
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
}

/// The digits of an integer part: plain digits ("09", "9850"), or groups of three after a first
/// group of one to three, separated by `.` ("9.850", "1.234.567").
fn grouped_integer(part: &str) -> Option<String> {
    let mut groups = part.split('.');
    let first = groups.next()?;
    let digits_only = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if !digits_only(first) {
        return None;
    }
    if !part.contains('.') {
        return Some(first.to_owned());
    }
    if first.len() > 3 {
        return None;
    }
    let mut digits = first.to_owned();
    for group in groups {
        if group.len() != 3 || !digits_only(group) {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

/// Writes a number the Vietnamese way: "9.850", "170,5", "1.234.567,5". Shortest form that
/// reads back to the same value with [`parse_vietnamese_number`].
pub fn format_vietnamese_number(value: f64) -> String {
    let standard = format!("{value}");
    let (sign, unsigned) = match standard.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", standard.as_str()),
    };
    let (integer, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let mut out = String::with_capacity(standard.len() + integer.len() / 3 + 1);
    out.push_str(sign);
    let len = integer.len();
    for (i, digit) in integer.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            out.push('.');
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn dots_group_thousands() {
        assert_eq!(parse_vietnamese_number("9.850"), Some(9850.0));
        assert_eq!(parse_vietnamese_number("205.000"), Some(205_000.0));
        assert_eq!(parse_vietnamese_number("1.234.567"), Some(1_234_567.0));
    }

    #[test]
    fn commas_mark_decimals() {
        assert_eq!(parse_vietnamese_number("170,5"), Some(170.5));
        assert_eq!(parse_vietnamese_number("0,48"), Some(0.48));
        assert_eq!(parse_vietnamese_number("98,3"), Some(98.3));
        assert_eq!(parse_vietnamese_number("1.234.567,5"), Some(1_234_567.5));
    }

    #[test]
    fn leading_zeros_are_kept_out_of_the_value() {
        assert_eq!(parse_vietnamese_number("09"), Some(9.0));
        assert_eq!(parse_vietnamese_number("06"), Some(6.0));
        assert_eq!(parse_vietnamese_number("01"), Some(1.0));
    }

    #[test]
    fn a_dot_not_followed_by_three_digits_is_a_decimal_point() {
        assert_eq!(parse_vietnamese_number("7.5"), Some(7.5));
        assert_eq!(parse_vietnamese_number("98.35"), Some(98.35));
        // Three digits after a single dot are thousands, as Vietnamese writes them.
        assert_eq!(parse_vietnamese_number("1.500"), Some(1500.0));
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for bad in [
            "",
            " ",
            ",5",
            "5,",
            "5.",
            ".5",
            "1,2,3",
            "1.23.456",
            "12.3456.789",
            "1.234,5,6",
            "1,234.5",
            "abc",
            "5%",
            "1 000",
            "--5",
            "-",
        ] {
            assert_eq!(parse_vietnamese_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn surrounding_space_and_a_minus_sign_are_accepted() {
        assert_eq!(parse_vietnamese_number(" 96 "), Some(96.0));
        assert_eq!(parse_vietnamese_number("-2,5"), Some(-2.5));
    }

    #[test]
    fn formatting_writes_the_vietnamese_way() {
        assert_eq!(format_vietnamese_number(9850.0), "9.850");
        assert_eq!(format_vietnamese_number(170.5), "170,5");
        assert_eq!(format_vietnamese_number(1_234_567.5), "1.234.567,5");
        assert_eq!(format_vietnamese_number(0.48), "0,48");
        assert_eq!(format_vietnamese_number(100.0), "100");
        assert_eq!(format_vietnamese_number(-2.5), "-2,5");
    }

    proptest! {
        // PROPTEST_CASES=200000 for a long run (docs/RELIABILITY.md).
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(300)
        ))]

        #[test]
        fn written_numbers_read_back(integer in 0u64..1_000_000_000_000, fraction in proptest::option::of("[0-9]{1,3}")) {
            let grouped = format_vietnamese_number(integer as f64);
            let (written, standard) = match &fraction {
                Some(digits) => (format!("{grouped},{digits}"), format!("{integer}.{digits}")),
                None => (grouped, integer.to_string()),
            };
            prop_assert_eq!(parse_vietnamese_number(&written), standard.parse::<f64>().ok());
        }

        #[test]
        fn formatted_values_round_trip(value in 0.0f64..1e15) {
            prop_assert_eq!(parse_vietnamese_number(&format_vietnamese_number(value)), Some(value));
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,40}") {
            let _ = parse_vietnamese_number(&s);
        }

        #[test]
        fn digit_soup_never_panics(s in "[0-9.,-]{0,20}") {
            if let Some(value) = parse_vietnamese_number(&s) {
                prop_assert!(value.is_finite());
            }
        }
    }
}
