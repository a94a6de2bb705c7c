//! Users, their roles, and what each role may do.

use std::fmt;

use serde::Serialize;

use crate::text::char_len;
use crate::validation::FieldFailure;

pub const MIN_PASSWORD_CHARS: usize = 10;
/// Long enough for any passphrase, short enough that hashing cannot be used to burn CPU.
pub const MAX_PASSWORD_CHARS: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error(
        "must be 3 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"
    )]
    InvalidUsername,
    #[error("must be at least {MIN_PASSWORD_CHARS} characters")]
    PasswordTooShort,
    #[error("must be at most {MAX_PASSWORD_CHARS} characters")]
    PasswordTooLong,
    #[error("must be admin, editor or officer")]
    UnknownRole,
    #[error("editors and officers belong to one commune; admins to none")]
    CommuneMismatch,
}

impl FieldFailure for UserError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidUsername | Self::UnknownRole => "invalid_format",
            Self::PasswordTooShort => "too_short",
            Self::PasswordTooLong => "too_long",
            Self::CommuneMismatch => "invalid_combination",
        }
    }
}

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The whole platform: communes, users, everything.
    Admin,
    /// Resolutions, targets and progress of one commune, and its details.
    Editor,
    /// Citizen feedback of one commune.
    Officer,
}

impl Role {
    pub fn parse(input: &str) -> Result<Self, UserError> {
        match input.trim() {
            "admin" => Ok(Self::Admin),
            "editor" => Ok(Self::Editor),
            "officer" => Ok(Self::Officer),
            _ => Err(UserError::UnknownRole),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Editor => "editor",
            Self::Officer => "officer",
        }
    }

    /// Admins belong to no commune; everyone else to exactly one.
    pub fn check_commune<T>(self, commune: Option<T>) -> Result<Option<T>, UserError> {
        match (self, commune) {
            (Self::Admin, None) => Ok(None),
            (Self::Editor | Self::Officer, Some(id)) => Ok(Some(id)),
            _ => Err(UserError::CommuneMismatch),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A login name: lower-case ASCII so that look-alike Unicode names cannot impersonate others.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, UserError> {
        let name = input.trim().to_ascii_lowercase();
        let shape_ok = (3..=64).contains(&name.len())
            && name.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
            && name
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric());
        if shape_ok {
            Ok(Self(name))
        } else {
            Err(UserError::InvalidUsername)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password as typed. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(input: &str) -> Result<Self, UserError> {
        let chars = char_len(input);
        if chars < MIN_PASSWORD_CHARS {
            Err(UserError::PasswordTooShort)
        } else if chars > MAX_PASSWORD_CHARS {
            Err(UserError::PasswordTooLong)
        } else {
            Ok(Self(input.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A user as stored, without the password hash.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: i64,
    pub username: Username,
    pub role: Role,
    pub commune_id: Option<i64>,
    pub active: bool,
    /// Changes when the password changes or the user is deactivated; tokens carry it, so older
    /// tokens stop working at once.
    pub token_version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            role: self.role,
            commune_id: self.commune_id,
        }
    }
}

/// Someone acting on the platform, as far as permissions go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    /// The commune an editor or officer belongs to; `None` for admins.
    pub commune_id: Option<i64>,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// May change the commune itself and its resolutions, targets and progress.
    pub fn may_edit(&self, commune_id: i64) -> bool {
        self.is_admin() || (self.role == Role::Editor && self.commune_id == Some(commune_id))
    }

    /// May read and handle the commune's citizen feedback.
    pub fn may_handle_feedback(&self, commune_id: i64) -> bool {
        self.is_admin() || (self.role == Role::Officer && self.commune_id == Some(commune_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lower_case_ascii() {
        assert_eq!(
            Username::parse("  CanBo.TruongXuan ").map(|u| u.to_string()),
            Ok("canbo.truongxuan".into())
        );
        for bad in [
            "ab",
            "cán-bộ",
            "_admin",
            "a b c",
            "x".repeat(65).as_str(),
            "admin\u{0430}",
        ] {
            assert_eq!(
                Username::parse(bad),
                Err(UserError::InvalidUsername),
                "{bad}"
            );
        }
    }

    #[test]
    fn passwords_count_characters_and_never_print() {
        assert_eq!(
            Password::parse("ngắn quá"),
            Err(UserError::PasswordTooShort)
        );
        let vietnamese = Password::parse("mật khẩu dài");
        assert!(vietnamese.is_ok());
        assert_eq!(format!("{vietnamese:?}"), "Ok(Password(***))");
        assert_eq!(
            Password::parse(&"x".repeat(257)),
            Err(UserError::PasswordTooLong)
        );
    }

    #[test]
    fn admins_have_no_commune_and_others_exactly_one() {
        assert_eq!(Role::Admin.check_commune::<i64>(None), Ok(None));
        assert_eq!(
            Role::Admin.check_commune(Some(1)),
            Err(UserError::CommuneMismatch)
        );
        assert_eq!(Role::Editor.check_commune(Some(1)), Ok(Some(1)));
        assert_eq!(
            Role::Officer.check_commune::<i64>(None),
            Err(UserError::CommuneMismatch)
        );
    }

    #[test]
    fn permissions_follow_role_and_commune() {
        let admin = Actor {
            user_id: 1,
            role: Role::Admin,
            commune_id: None,
        };
        let editor = Actor {
            user_id: 2,
            role: Role::Editor,
            commune_id: Some(7),
        };
        let officer = Actor {
            user_id: 3,
            role: Role::Officer,
            commune_id: Some(7),
        };
        assert!(admin.may_edit(7) && admin.may_handle_feedback(8));
        assert!(editor.may_edit(7));
        assert!(!editor.may_edit(8));
        assert!(!editor.may_handle_feedback(7));
        assert!(officer.may_handle_feedback(7));
        assert!(!officer.may_handle_feedback(8));
        assert!(!officer.may_edit(7));
    }
}
