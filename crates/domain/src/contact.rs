//! Phone numbers and e-mail addresses, as Vietnamese contact points write them.

use std::fmt;

use serde::Serialize;

use crate::validation::FieldFailure;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("must be a Vietnamese phone number: 0 and 9 or 10 digits, or +84 and 9 or 10 digits")]
    InvalidPhone,
    #[error("must be an e-mail address such as ten@xa.gov.vn")]
    InvalidEmail,
}

impl FieldFailure for ContactError {
    fn code(&self) -> &'static str {
        "invalid_format"
    }
}

/// A Vietnamese phone number, kept in the form it was written (spaces and dots trimmed).
///
/// Mobile numbers have 10 digits (`0374408758`); landlines 11 (`02373 832 123`); the
/// international form replaces the leading 0 with `+84`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, ContactError> {
        let compact: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
            .collect();
        let national = if let Some(rest) = compact.strip_prefix("+84") {
            rest
        } else if let Some(rest) = compact.strip_prefix('0') {
            rest
        } else {
            return Err(ContactError::InvalidPhone);
        };
        let digits_ok = national.chars().all(|c| c.is_ascii_digit())
            && (9..=10).contains(&national.len())
            && !national.starts_with('0');
        if digits_ok {
            Ok(Self(compact))
        } else {
            Err(ContactError::InvalidPhone)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, checked for shape only (one `@`, a dotted domain, no spaces).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, ContactError> {
        let email = input.trim();
        let Some((local, domain)) = email.split_once('@') else {
            return Err(ContactError::InvalidEmail);
        };
        let shape_ok = !local.is_empty()
            && local.len() <= 64
            && email.len() <= 254
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if shape_ok {
            Ok(Self(email.to_owned()))
        } else {
            Err(ContactError::InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_accepts_the_seed_contact_and_common_forms() {
        for ok in [
            "0374408758",
            "037 440 8758",
            "0374.408.758",
            "+84374408758",
            "02373 832 123",
        ] {
            assert!(Phone::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            Phone::parse(" 037 440 8758 ").map(|p| p.to_string()),
            Ok("0374408758".into())
        );
    }

    #[test]
    fn phone_refuses_what_is_not_a_vietnamese_number() {
        for bad in [
            "",
            "12345",
            "037440875",
            "037440875812",
            "0037440875",
            "số điện thoại",
            "+1 202 555 0100",
        ] {
            assert_eq!(Phone::parse(bad), Err(ContactError::InvalidPhone), "{bad}");
        }
    }

    #[test]
    fn email_accepts_the_seed_contact() {
        assert!(Email::parse("truongxuan.thoxuan@thanhhoa.gov.vn").is_ok());
    }

    #[test]
    fn email_refuses_malformed_addresses() {
        for bad in [
            "",
            "truongxuan",
            "@thanhhoa.gov.vn",
            "a@b",
            "a@.vn",
            "a@b..vn",
            "a b@xa.vn",
            "a@b@c.vn",
        ] {
            assert_eq!(Email::parse(bad), Err(ContactError::InvalidEmail), "{bad}");
        }
    }
}
