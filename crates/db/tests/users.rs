//! Users on a fresh database: SQLite by default, PostgreSQL with TEST_DATABASE_URL.

use db::communes;
use db::scratch::ScratchDatabase;
use db::users::{self, NewUser, UserChanges};
use db::{Database, DatabaseUrl, DbError, PoolOptions};
use domain::commune::{CommuneInput, NewCommune};
use domain::user::{Role, Username};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn migrated(scratch: &ScratchDatabase) -> Result<Database, Box<dyn std::error::Error>> {
    let database = Database::open(&DatabaseUrl::parse(scratch.url())?, &PoolOptions::default())?;
    database.migrate()?;
    Ok(database)
}

fn truong_xuan(database: &Database) -> Result<i64, Box<dyn std::error::Error>> {
    let commune = NewCommune::parse(CommuneInput {
        slug: Some("truong-xuan".into()),
        name: Some("Xã Trường Xuân".into()),
        ..CommuneInput::default()
    })?;
    Ok(database.write(|conn| communes::insert(conn, &commune))?.id)
}

#[test]
fn a_user_is_stored_with_role_and_commune() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = migrated(&scratch)?;
    let commune_id = truong_xuan(&database)?;
    let username = Username::parse("bientap.truongxuan")?;
    let stored = database.write(|conn| {
        users::insert(
            conn,
            &NewUser {
                username: &username,
                password_hash: "$argon2id$fake",
                role: Role::Editor,
                commune_id: Some(commune_id),
            },
        )
    })?;
    assert_eq!(
        (
            stored.role,
            stored.commune_id,
            stored.active,
            stored.token_version
        ),
        (Role::Editor, Some(commune_id), true, 1)
    );
    let (found, hash) = database.read(|conn| users::find_with_hash(conn, &username))?;
    assert_eq!(found, stored);
    assert_eq!(hash, "$argon2id$fake");
    Ok(())
}

#[test]
fn usernames_are_unique() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = migrated(&scratch)?;
    let username = Username::parse("quantri")?;
    let new = NewUser {
        username: &username,
        password_hash: "h",
        role: Role::Admin,
        commune_id: None,
    };
    database.write(|conn| users::insert(conn, &new))?;
    let again = database.write(|conn| users::insert(conn, &new));
    assert!(matches!(again, Err(DbError::Conflict(_))), "{again:?}");
    Ok(())
}

#[test]
fn the_database_refuses_an_admin_bound_to_a_commune() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = migrated(&scratch)?;
    let commune_id = truong_xuan(&database)?;
    let username = Username::parse("quantri")?;
    let new = NewUser {
        username: &username,
        password_hash: "h",
        role: Role::Admin,
        commune_id: Some(commune_id),
    };
    let result = database.write(|conn| users::insert(conn, &new));
    assert!(result.is_err(), "{result:?}");
    assert_eq!(database.read(users::count)?, 0);
    Ok(())
}

#[test]
fn a_new_password_or_deactivation_moves_the_token_version_on() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = migrated(&scratch)?;
    let username = Username::parse("quantri")?;
    let new = NewUser {
        username: &username,
        password_hash: "old",
        role: Role::Admin,
        commune_id: None,
    };
    let user = database.write(|conn| users::insert(conn, &new))?;

    let unchanged = database.write(|conn| {
        users::update(
            conn,
            user.id,
            &UserChanges {
                active: Some(true),
                ..UserChanges::default()
            },
        )
    })?;
    assert_eq!(unchanged.token_version, 1);

    let changes = UserChanges {
        password_hash: Some("new".into()),
        ..UserChanges::default()
    };
    let repassworded = database.write(|conn| users::update(conn, user.id, &changes))?;
    assert_eq!(repassworded.token_version, 2);
    assert_eq!(
        database
            .read(|conn| users::find_with_hash(conn, &username))?
            .1,
        "new"
    );

    let deactivated = database.write(|conn| {
        users::update(
            conn,
            user.id,
            &UserChanges {
                active: Some(false),
                ..UserChanges::default()
            },
        )
    })?;
    assert_eq!((deactivated.active, deactivated.token_version), (false, 3));
    Ok(())
}

#[test]
fn updating_an_unknown_user_is_not_found() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = migrated(&scratch)?;
    let result = database.write(|conn| users::update(conn, 999, &UserChanges::default()));
    assert!(matches!(result, Err(DbError::NotFound)), "{result:?}");
    Ok(())
}
