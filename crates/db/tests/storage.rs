//! Storage tests against a fresh database: SQLite by default, PostgreSQL with TEST_DATABASE_URL.

use db::communes::{self, CommuneFilter};
use db::scratch::ScratchDatabase;
use db::{Database, DatabaseUrl, DbError, PoolOptions};
use domain::commune::{CommuneInput, CommuneSlug, NewCommune};
use domain::page::PageRequest;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn open(scratch: &ScratchDatabase) -> Result<Database, DbError> {
    let url = DatabaseUrl::parse(scratch.url()).map_err(|e| DbError::Unavailable(e.to_string()))?;
    Database::open(&url, &PoolOptions::default())
}

fn commune(slug: &str, name: &str) -> Result<NewCommune, Box<dyn std::error::Error>> {
    Ok(NewCommune::parse(CommuneInput {
        slug: Some(slug.into()),
        name: Some(name.into()),
        ..CommuneInput::default()
    })?)
}

#[test]
fn both_backends_have_the_same_migrations() -> TestResult {
    let (sqlite, postgres) = db::migration_names()?;
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
    let on_disk = |backend: &str| -> Result<Vec<String>, std::io::Error> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../migrations")
            .join(backend);
        let mut names = std::fs::read_dir(dir)?
            .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<Result<Vec<_>, _>>()?;
        names.sort();
        Ok(names)
    };
    assert_eq!(on_disk("sqlite")?, on_disk("postgres")?);
    Ok(())
}

#[test]
fn every_migration_runs_up_down_and_up_again() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = open(&scratch)?;
    let cycled = database.write(db::run_migrations_one_by_one_up_down_up)?;
    let (names, _) = db::migration_names()?;
    assert_eq!(cycled, names.len());
    // Everything reverts cleanly from the top as well, and applies again.
    database.write(db::revert_all)?;
    assert_eq!(database.migrate()?.len(), names.len());
    Ok(())
}

#[test]
fn migrating_twice_applies_nothing_the_second_time() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = open(&scratch)?;
    assert!(!database.migrate()?.is_empty());
    assert!(database.migrate()?.is_empty());
    Ok(())
}

#[test]
fn communes_round_trip_with_vietnamese_text() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = open(&scratch)?;
    database.migrate()?;
    let new = commune("truong-xuan", "Xã Trường Xuân")?;
    let stored = database.write(|conn| communes::insert(conn, &new))?;
    assert_eq!(stored.name, "Xã Trường Xuân");
    assert_eq!(stored.time_zone.name(), "Asia/Ho_Chi_Minh");
    let slug = CommuneSlug::parse("truong-xuan")?;
    let found = database.read(|conn| communes::find_by_slug(conn, &slug))?;
    assert_eq!(found, stored);
    Ok(())
}

#[test]
fn a_taken_slug_is_a_conflict_and_writes_nothing() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = open(&scratch)?;
    database.migrate()?;
    let first = commune("truong-xuan", "Xã Trường Xuân")?;
    database.write(|conn| communes::insert(conn, &first))?;
    let again = commune("truong-xuan", "Xã Trường Xuân (bản sao)")?;
    let result = database.write(|conn| communes::insert(conn, &again));
    assert!(matches!(result, Err(DbError::Conflict(_))), "{result:?}");
    let all = database
        .read(|conn| communes::list(conn, &CommuneFilter::default(), PageRequest::default()))?;
    assert_eq!(all.total, 1);
    Ok(())
}

#[test]
fn an_unknown_slug_is_not_found() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = open(&scratch)?;
    database.migrate()?;
    let slug = CommuneSlug::parse("khong-co")?;
    let result = database.read(|conn| communes::find_by_slug(conn, &slug));
    assert!(matches!(result, Err(DbError::NotFound)), "{result:?}");
    Ok(())
}

#[test]
fn lists_page_in_slug_order_and_sync_by_change_time() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = open(&scratch)?;
    database.migrate()?;
    for (slug, name) in [
        ("xuan-hong", "Xã Xuân Hồng"),
        ("truong-xuan", "Xã Trường Xuân"),
        ("tho-lap", "Xã Thọ Lập"),
    ] {
        let new = commune(slug, name)?;
        database.write(|conn| communes::insert(conn, &new))?;
    }
    let two_per_page = PageRequest::parse(Some(1), Some(2))?;
    let first_page =
        database.read(|conn| communes::list(conn, &CommuneFilter::default(), two_per_page))?;
    let slugs: Vec<_> = first_page.items.iter().map(|c| c.slug.as_str()).collect();
    assert_eq!(slugs, ["tho-lap", "truong-xuan"]);
    assert_eq!(first_page.total, 3);

    let first_stored = CommuneSlug::parse("xuan-hong")?;
    let oldest = database.read(|conn| communes::find_by_slug(conn, &first_stored))?;
    let since = CommuneFilter {
        updated_since: Some(oldest.updated_at),
    };
    let changed = database.read(|conn| communes::list(conn, &since, PageRequest::default()))?;
    let slugs: Vec<_> = changed.items.iter().map(|c| c.slug.as_str()).collect();
    assert_eq!(slugs, ["truong-xuan", "tho-lap"]);
    Ok(())
}

#[test]
fn a_failed_transaction_leaves_nothing_behind() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = open(&scratch)?;
    database.migrate()?;
    let new = commune("truong-xuan", "Xã Trường Xuân")?;
    let result: Result<(), DbError> = database.write(|conn| {
        communes::insert(conn, &new)?;
        Err(DbError::Conflict("a later step failed".into()))
    });
    assert!(result.is_err());
    let slug = CommuneSlug::parse("truong-xuan")?;
    assert!(!database.read(|conn| communes::exists(conn, &slug))?);
    Ok(())
}

#[test]
fn a_database_that_cannot_be_opened_is_unavailable_not_an_error_of_ours() -> TestResult {
    let folder = tempfile::tempdir()?;
    // A folder where the database file should be: SQLite cannot open it.
    let path = folder.path().join("commune.db");
    std::fs::create_dir_all(&path)?;
    let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display()))?;
    let options = PoolOptions {
        acquire_timeout: std::time::Duration::from_millis(200),
        ..PoolOptions::default()
    };
    let database = Database::open(&url, &options)?;
    let result = database.ping();
    assert!(matches!(result, Err(DbError::Unavailable(_))), "{result:?}");
    Ok(())
}

#[test]
fn audit_entries_are_kept_in_order_per_object() -> TestResult {
    use db::audit::{self, AuditEntry};

    let scratch = ScratchDatabase::create()?;
    let database = open(&scratch)?;
    database.migrate()?;
    let new = commune("truong-xuan", "Xã Trường Xuân")?;
    let stored = database.write(|conn| communes::insert(conn, &new))?;
    for (action, after) in [
        ("commune.create", r#"{"name":"Xã Trường Xuân"}"#),
        ("commune.update", r#"{"name":"Xã Trường Xuân (mới)"}"#),
    ] {
        let entry = AuditEntry {
            actor: "quantri",
            commune_id: Some(stored.id),
            action,
            object_type: "commune",
            object_id: "truong-xuan".to_owned(),
            before: None,
            after: Some(after.to_owned()),
            request_id: Some("3f2a9c1e0b7d4c55"),
        };
        database.write(|conn| audit::record(conn, &entry))?;
    }
    let history = database.read(|conn| audit::for_object(conn, "commune", "truong-xuan"))?;
    let actions: Vec<_> = history.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["commune.create", "commune.update"]);
    assert_eq!(
        history[1].after.as_deref(),
        Some(r#"{"name":"Xã Trường Xuân (mới)"}"#)
    );
    assert!(history[0].at() <= history[1].at());
    Ok(())
}

#[test]
fn updating_a_commune_keeps_its_slug_and_moves_updated_at() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = open(&scratch)?;
    database.migrate()?;
    let original = commune("truong-xuan", "Xã Trường Xuân")?;
    let stored = database.write(|conn| communes::insert(conn, &original))?;
    let renamed = NewCommune {
        name: "Xã Trường Xuân mới".into(),
        ..commune("truong-xuan", "x")?
    };
    let updated = database.write(|conn| communes::update(conn, stored.id, &renamed))?;
    assert_eq!(
        (updated.slug.as_str(), updated.name.as_str()),
        ("truong-xuan", "Xã Trường Xuân mới")
    );
    assert!(updated.updated_at >= stored.updated_at);
    assert_eq!(updated.created_at, stored.created_at);
    let missing = database.write(|conn| communes::update(conn, 9999, &renamed));
    assert!(matches!(missing, Err(DbError::NotFound)), "{missing:?}");
    Ok(())
}
