//! The command line: `commune-api [serve [--demo] | migrate | openapi | user ...]`.

use std::io::Read;

use clap::{Parser, Subcommand};
use db::users::{self, NewUser, UserChanges};
use db::{Database, DbError, communes};
use domain::commune::CommuneSlug;
use domain::user::{Password, Role, User, Username};

use crate::audit::{Auditor, Change};
use crate::auth::hash_password_blocking;
use crate::dto::auth::UserResponse;
use crate::error::ApiError;

#[derive(Debug, Parser)]
#[command(
    name = "commune-api",
    version,
    about = "API of the commune portal. Configured by environment variables (see README)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default command).
    Serve {
        /// Load Xã Trường Xuân and demo accounts into the database when missing.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Import a resolution from a UTF-8 text file into a commune (a draft unless --publish).
    Import {
        file: std::path::PathBuf,
        #[arg(long)]
        commune: String,
        #[arg(long)]
        publish: bool,
    },
    /// Manage user accounts; works while a server runs on the same database.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        username: String,
        /// admin, editor or officer.
        #[arg(long)]
        role: String,
        /// The commune's slug (editors and officers).
        #[arg(long)]
        commune: Option<String>,
        /// Read the password from standard input (one trailing newline is dropped).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password from standard input; their tokens stop working.
    SetPassword {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Deactivate a user; their tokens stop working at once.
    Deactivate { username: String },
}

/// Runs a `user` command against the database and says what it did. Never prints the password.
pub fn run_user_command(
    database: &Database,
    command: UserCommand,
    stdin: &mut dyn Read,
) -> Result<String, ApiError> {
    database.migrate()?;
    let auditor = Auditor::without_request("cli");
    match command {
        UserCommand::Add {
            username,
            role,
            commune,
            password_stdin,
        } => {
            let username = Username::parse(&username).map_err(|e| invalid("username", e))?;
            let role = Role::parse(&role).map_err(|e| invalid("role", e))?;
            let commune = commune
                .as_deref()
                .map(CommuneSlug::parse)
                .transpose()
                .map_err(|e| invalid("commune", e))?;
            role.check_commune(commune.as_ref())
                .map_err(|e| invalid("commune", e))?;
            let password = read_password(password_stdin, stdin)?;
            let hash = hash_password_blocking(password.expose())?;
            database.write(|conn| {
                let commune_id = match &commune {
                    Some(slug) => Some(
                        communes::find_by_slug(conn, slug)
                            .map_err(|e| match e {
                                DbError::NotFound => {
                                    ApiError::not_found(&format!("Commune {slug}"))
                                }
                                other => other.into(),
                            })?
                            .id,
                    ),
                    None => None,
                };
                let user = users::insert(
                    conn,
                    &NewUser {
                        username: &username,
                        password_hash: &hash,
                        role,
                        commune_id,
                    },
                )
                .map_err(|e| match e {
                    DbError::Conflict(_) => {
                        ApiError::Conflict(format!("user {username} already exists"))
                    }
                    other => other.into(),
                })?;
                let after =
                    UserResponse::new(user.clone(), commune.as_ref().map(ToString::to_string));
                auditor.record(conn, user_change("user.create", &user, None, Some(&after)))?;
                Ok(format!("added {role} {username}"))
            })
        }
        UserCommand::SetPassword {
            username,
            password_stdin,
        } => {
            let username = Username::parse(&username).map_err(|e| invalid("username", e))?;
            let password = read_password(password_stdin, stdin)?;
            let hash = hash_password_blocking(password.expose())?;
            let changes = UserChanges {
                password_hash: Some(hash),
                ..UserChanges::default()
            };
            change_user(database, &auditor, &username, "user.set_password", &changes)?;
            Ok(format!(
                "set the password of {username}; their tokens no longer work"
            ))
        }
        UserCommand::Deactivate { username } => {
            let username = Username::parse(&username).map_err(|e| invalid("username", e))?;
            let changes = UserChanges {
                active: Some(false),
                ..UserChanges::default()
            };
            change_user(database, &auditor, &username, "user.deactivate", &changes)?;
            Ok(format!(
                "deactivated {username}; their tokens no longer work"
            ))
        }
    }
}

/// Imports a resolution file; says what it read. Works while a server runs on the database.
pub fn run_import(
    database: &Database,
    file: &std::path::Path,
    commune: &str,
    publish: bool,
) -> Result<String, ApiError> {
    database.migrate()?;
    let bytes = std::fs::read(file)
        .map_err(|e| invalid("file", format!("reading {}: {e}", file.display())))?;
    let text =
        String::from_utf8(bytes).map_err(|_| invalid("file", "the file is not UTF-8 text"))?;
    let text = domain::text::normalize(&text).map_err(|e| invalid("file", e))?;
    let slug = CommuneSlug::parse(commune).map_err(|e| invalid("commune", e))?;
    let auditor = Auditor::without_request("cli");
    database.write(|conn| {
        let commune = communes::find_by_slug(conn, &slug).map_err(|e| match e {
            DbError::NotFound => ApiError::not_found(&format!("Commune {slug}")),
            other => other.into(),
        })?;
        let (resolution, response) =
            crate::routes::resolutions::import_into(conn, &commune, &text, publish, &auditor)?;
        let review = response
            .targets
            .iter()
            .filter(|t| t.measures.iter().any(|m| m.needs_review))
            .count();
        let mut message = format!(
            "imported resolution {} ({}) with {} targets, {} to review, as {}",
            resolution.id,
            resolution.fields.title,
            response.targets.len(),
            review,
            resolution.status.as_str()
        );
        for warning in &response.warnings {
            message.push_str(&format!("\nwarning: {warning}"));
        }
        Ok(message)
    })
}

fn change_user(
    database: &Database,
    auditor: &Auditor,
    username: &Username,
    action: &str,
    changes: &UserChanges,
) -> Result<(), ApiError> {
    database.write(|conn| {
        let (before, _) = users::find_with_hash(conn, username).map_err(|e| match e {
            DbError::NotFound => ApiError::not_found(&format!("User {username}")),
            other => other.into(),
        })?;
        let after = users::update(conn, before.id, changes)?;
        let (before_body, after_body) = (
            UserResponse::new(before, None),
            UserResponse::new(after.clone(), None),
        );
        auditor.record(
            conn,
            user_change(action, &after, Some(&before_body), Some(&after_body)),
        )
    })
}

fn user_change<'a>(
    action: &'a str,
    user: &User,
    before: Option<&'a UserResponse>,
    after: Option<&'a UserResponse>,
) -> Change<'a, UserResponse, UserResponse> {
    Change {
        action,
        object_type: "user",
        object_id: user.id.to_string(),
        commune_id: user.commune_id,
        before,
        after,
    }
}

fn invalid(field: &str, error: impl std::fmt::Display) -> ApiError {
    ApiError::Validation(domain::ValidationErrors::single(
        field,
        "invalid_format",
        error.to_string(),
    ))
}

/// The password from standard input, with one trailing newline (`\n` or `\r\n`) dropped.
fn read_password(password_stdin: bool, stdin: &mut dyn Read) -> Result<Password, ApiError> {
    if !password_stdin {
        return Err(invalid(
            "password",
            "pass --password-stdin and write the password to standard input",
        ));
    }
    let mut input = String::new();
    stdin
        .read_to_string(&mut input)
        .map_err(|e| invalid("password", format!("reading standard input: {e}")))?;
    let password = input
        .strip_suffix("\r\n")
        .or_else(|| input.strip_suffix('\n'))
        .unwrap_or(&input);
    Password::parse(password).map_err(|e| invalid("password", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_trailing_newline_is_dropped_and_no_more() {
        let read = |input: &str| {
            read_password(true, &mut input.as_bytes())
                .map(|p| p.expose().to_owned())
                .ok()
        };
        assert_eq!(
            read("mật khẩu dài đủ\n"),
            Some("mật khẩu dài đủ".to_owned())
        );
        assert_eq!(
            read("mật khẩu dài đủ\r\n"),
            Some("mật khẩu dài đủ".to_owned())
        );
        assert_eq!(
            read("mật khẩu dài đủ\n\n"),
            Some("mật khẩu dài đủ\n".to_owned())
        );
        assert_eq!(read("ngắn\n"), None);
        assert!(read_password(false, &mut "mật khẩu dài đủ".as_bytes()).is_err());
    }
}
