//! Users and their password hashes. A hash leaves this module only for the login check.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::page::{PageRequest, Paged};
use domain::user::{Role, User, Username};

use crate::schema::users;
use crate::{DbConnection, DbError, now, to_stored, to_utc};

#[derive(Queryable)]
struct UserRow {
    id: i64,
    username: String,
    password_hash: String,
    role: String,
    commune_id: Option<i64>,
    active: bool,
    token_version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl UserRow {
    fn into_user(self) -> Result<(User, String), DbError> {
        let username = Username::parse(&self.username)
            .map_err(|e| DbError::Corrupt(format!("user {} username: {e}", self.id)))?;
        let role = Role::parse(&self.role)
            .map_err(|e| DbError::Corrupt(format!("user {} role: {e}", self.id)))?;
        let user = User {
            id: self.id,
            username,
            role,
            commune_id: self.commune_id,
            active: self.active,
            token_version: self.token_version,
            created_at: to_utc(self.created_at),
            updated_at: to_utc(self.updated_at),
        };
        Ok((user, self.password_hash))
    }
}

/// A user to store; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a Username,
    pub password_hash: &'a str,
    pub role: Role,
    pub commune_id: Option<i64>,
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub role_and_commune: Option<(Role, Option<i64>)>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
}

pub fn insert(conn: &mut DbConnection, user: &NewUser<'_>) -> Result<User, DbError> {
    let at = now();
    diesel::insert_into(users::table)
        .values((
            users::username.eq(user.username.as_str()),
            users::password_hash.eq(user.password_hash),
            users::role.eq(user.role.as_str()),
            users::commune_id.eq(user.commune_id),
            users::active.eq(true),
            users::token_version.eq(1),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    find_with_hash(conn, user.username).map(|(user, _)| user)
}

/// The user and their password hash, for checking a login.
pub fn find_with_hash(
    conn: &mut DbConnection,
    username: &Username,
) -> Result<(User, String), DbError> {
    let row: UserRow = users::table
        .filter(users::username.eq(username.as_str()))
        .first(conn)?;
    row.into_user()
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<User, DbError> {
    let row: UserRow = users::table.find(id).first(conn)?;
    row.into_user().map(|(user, _)| user)
}

pub fn list(conn: &mut DbConnection, page: PageRequest) -> Result<Paged<User>, DbError> {
    let total: i64 = users::table.count().get_result(conn)?;
    let rows: Vec<UserRow> = users::table
        .order(users::username.asc())
        .offset(page.offset())
        .limit(page.limit())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|row| row.into_user().map(|(user, _)| user))
        .collect::<Result<_, _>>()?;
    Ok(Paged {
        items,
        total,
        request: page,
    })
}

pub fn count(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(users::table.count().get_result(conn)?)
}

/// Applies the changes. A new password, a deactivation or a new role or commune moves the token
/// version on, so every token issued before stops working.
pub fn update(conn: &mut DbConnection, id: i64, changes: &UserChanges) -> Result<User, DbError> {
    let row: UserRow = users::table.find(id).first(conn)?;
    let (before, old_hash) = row.into_user()?;
    let (role, commune_id) = changes
        .role_and_commune
        .unwrap_or((before.role, before.commune_id));
    let revokes = changes.password_hash.is_some()
        || changes.active == Some(false)
        || (role, commune_id) != (before.role, before.commune_id);
    let after = User {
        role,
        commune_id,
        active: changes.active.unwrap_or(before.active),
        token_version: before.token_version + i64::from(revokes),
        updated_at: to_utc(now()),
        ..before
    };
    diesel::update(users::table.find(id))
        .set((
            users::role.eq(after.role.as_str()),
            users::commune_id.eq(after.commune_id),
            users::active.eq(after.active),
            users::token_version.eq(after.token_version),
            users::password_hash.eq(changes.password_hash.as_deref().unwrap_or(&old_hash)),
            users::updated_at.eq(to_stored(after.updated_at)),
        ))
        .execute(conn)?;
    Ok(after)
}

pub fn find_by_username(conn: &mut DbConnection, username: &Username) -> Result<User, DbError> {
    find_with_hash(conn, username).map(|(user, _)| user)
}

/// The usernames of the given users, for lists that name each item's official.
pub fn usernames_by_id(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, DbError> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let pairs: Vec<(i64, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::username))
        .load(conn)?;
    Ok(pairs.into_iter().collect())
}
