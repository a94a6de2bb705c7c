//! Feedback storage: the seeded calendar, retention of personal data, idempotency keys and
//! savepoints, on SQLite by default and PostgreSQL with TEST_DATABASE_URL.

use chrono::{Duration, Months, NaiveDate, Utc};
use db::feedback::{self, ItemChanges, NewItem};
use db::scratch::ScratchDatabase;
use db::{Database, DatabaseUrl, DbError, PoolOptions, calendar, communes};
use domain::calendar::official_days_off;
use domain::commune::{CommuneInput, CommuneSlug, NewCommune};
use domain::feedback::{
    Deadlines, FeedbackInput, FeedbackLimits, FeedbackStatus, NewFeedback, SubmitterInput,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn open(scratch: &ScratchDatabase) -> Result<Database, Box<dyn std::error::Error>> {
    let url = DatabaseUrl::parse(scratch.url())?;
    let database = Database::open(&url, &PoolOptions::default())?;
    database.migrate()?;
    Ok(database)
}

fn submission() -> Result<NewFeedback, Box<dyn std::error::Error>> {
    Ok(NewFeedback::parse(FeedbackInput {
        kind: "phan_anh".into(),
        subject: "Chậm trả kết quả đăng ký khai sinh".into(),
        content: "Hồ sơ nộp ngày 06/3/2023,\nhẹn trả ngày 08/3/2023 nhưng chưa có kết quả.".into(),
        procedure: Some("Đăng ký khai sinh".into()),
        submitter: Some(SubmitterInput {
            name: Some("Lê Văn Thành".into()),
            address: Some("Thôn Trung Hóa, xã Trường Xuân".into()),
            phone: Some("0912345678".into()),
            email: None,
        }),
        allow_publication: false,
    })?)
}

/// A commune and one received item in it; returns the item's id.
fn item(database: &Database, code: &str) -> Result<i64, Box<dyn std::error::Error>> {
    let new = submission()?;
    let day = NaiveDate::from_ymd_opt(2023, 3, 13).ok_or("date")?;
    let deadlines = Deadlines {
        classify_by: day,
        forward_by: None,
        answer_by: Some(day),
    };
    let id = database.write(|conn| {
        let commune = match communes::find_by_slug(conn, &CommuneSlug::parse("truong-xuan")?) {
            Ok(found) => found,
            Err(DbError::NotFound) => communes::insert(
                conn,
                &NewCommune::parse(CommuneInput {
                    slug: Some("truong-xuan".into()),
                    name: Some("Xã Trường Xuân".into()),
                    ..CommuneInput::default()
                })?,
            )?,
            Err(other) => return Err(other.into()),
        };
        let stored = feedback::insert(
            conn,
            &NewItem {
                commune_id: commune.id,
                tracking_code: code,
                feedback: &new,
                resolution_id: None,
                target_id: None,
                received_on: day,
                deadlines: &deadlines,
                due_date: Some(day),
                search_text: "cham tra ket qua",
                at: db::now(),
            },
        )?;
        assert_eq!(
            feedback::find(conn, stored.id)?,
            stored,
            "returned as stored"
        );
        Ok::<_, Box<dyn std::error::Error>>(stored.id)
    })?;
    Ok(id)
}

#[test]
fn the_seeded_calendar_is_the_official_list() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = open(&scratch)?;
    let from = NaiveDate::from_ymd_opt(2023, 1, 1).ok_or("date")?;
    let to = NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    let stored = database.read(|conn| calendar::list(conn, from, to))?;
    let stored: Vec<_> = stored.into_iter().map(|d| (d.day, d.kind)).collect();
    let mut official: Vec<_> = official_days_off()
        .into_iter()
        .map(|(day, kind, _)| (day, kind))
        .collect();
    official.sort_by_key(|(day, _)| *day);
    assert_eq!(stored, official);
    Ok(())
}

#[test]
fn personal_data_is_erased_once_the_retention_period_ends() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = open(&scratch)?;
    let closed = item(&database, "PAKN.20230313.AAAAAAAAAA")?;
    let open_item = item(&database, "PAKN.20230313.BBBBBBBBBB")?;
    let closed_at = Utc::now() - Duration::days(1);
    database.write(|conn| {
        let changes = ItemChanges {
            status: Some(FeedbackStatus::Answered),
            closed_at: Some(Some(closed_at)),
            ..ItemChanges::default()
        };
        feedback::update(conn, closed, FeedbackStatus::Received, changes, db::now())
    })?;

    // Within the default 24 months nothing is erased.
    let erased = database.write(|conn| feedback::erase_expired(conn, Utc::now(), "system"))?;
    assert!(erased.is_empty());

    let later = closed_at
        .checked_add_months(Months::new(24))
        .ok_or("date")?
        + Duration::seconds(1);
    let erased = database.write(|conn| feedback::erase_expired(conn, later, "system"))?;
    assert_eq!(erased, [closed], "only the closed item, never the open one");
    let (item, submitters, history) = database.read(|conn| {
        Ok::<_, DbError>((
            feedback::find(conn, closed)?,
            feedback::submitters_of(conn, &[closed, open_item])?,
            feedback::history(conn, closed)?,
        ))
    })?;
    assert!(item.personal_data_erased_at.is_some());
    assert_eq!(
        item.subject, "Chậm trả kết quả đăng ký khai sinh",
        "the item stays"
    );
    assert!(!submitters.contains_key(&closed));
    assert!(submitters.contains_key(&open_item));
    let last = history.last().ok_or("history")?;
    assert_eq!(last.actor, "system");
    assert_eq!(last.note.as_deref(), Some("retention period ended"));

    // Again: nothing more to erase.
    let erased = database.write(|conn| feedback::erase_expired(conn, later, "system"))?;
    assert!(erased.is_empty());
    Ok(())
}

#[test]
fn a_shorter_retention_setting_erases_sooner() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = open(&scratch)?;
    let id = item(&database, "PAKN.20230313.CCCCCCCCCC")?;
    let closed_at = Utc::now() - Duration::days(40);
    database.write(|conn| {
        let item = feedback::find(conn, id)?;
        feedback::set_limits(
            conn,
            item.commune_id,
            &FeedbackLimits {
                retention_months: 1,
                ..FeedbackLimits::default()
            },
        )?;
        let changes = ItemChanges {
            status: Some(FeedbackStatus::Answered),
            closed_at: Some(Some(closed_at)),
            ..ItemChanges::default()
        };
        feedback::update(conn, id, FeedbackStatus::Received, changes, db::now())
    })?;
    let erased = database.write(|conn| feedback::erase_expired(conn, Utc::now(), "system"))?;
    assert_eq!(erased, [id]);
    Ok(())
}

#[test]
fn idempotency_keys_are_kept_then_purged() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = open(&scratch)?;
    let id = item(&database, "PAKN.20230313.DDDDDDDDDD")?;
    database.write(|conn| {
        feedback::insert_idempotency_key(conn, "3f2a9c1e-0b7d", "hash-1", id, db::now())
    })?;
    let again = database.write(|conn| {
        feedback::insert_idempotency_key(conn, "3f2a9c1e-0b7d", "hash-2", id, db::now())
    });
    assert!(matches!(again, Err(DbError::Conflict(_))), "{again:?}");
    let found = database.read(|conn| feedback::find_idempotency_key(conn, "3f2a9c1e-0b7d"))?;
    assert_eq!(found, Some(("hash-1".to_owned(), id)));

    let purged = database
        .write(|conn| feedback::purge_idempotency_keys(conn, Utc::now() - Duration::hours(48)))?;
    assert_eq!(purged, 0, "a fresh key is kept");
    let purged = database
        .write(|conn| feedback::purge_idempotency_keys(conn, Utc::now() + Duration::seconds(1)))?;
    assert_eq!(purged, 1);
    Ok(())
}

#[test]
fn a_failed_savepoint_leaves_the_rest_of_the_transaction() -> TestResult {
    let scratch = ScratchDatabase::create()?;
    let database = open(&scratch)?;
    let first = item(&database, "PAKN.20230313.EEEEEEEEEE")?;
    let new = submission()?;
    let (kept, clash) = database.write(|conn| {
        let item = feedback::find(conn, first)?;
        let insert = |conn: &mut db::DbConnection, code: &str| {
            feedback::insert(
                conn,
                &NewItem {
                    commune_id: item.commune_id,
                    tracking_code: code,
                    feedback: &new,
                    resolution_id: None,
                    target_id: None,
                    received_on: item.received_on,
                    deadlines: &item.deadlines,
                    due_date: item.due_date,
                    search_text: "x",
                    at: db::now(),
                },
            )
        };
        // The same tracking code again fails alone; the transaction goes on.
        let clash = db::savepoint(conn, |conn| insert(conn, "PAKN.20230313.EEEEEEEEEE"));
        let kept = db::savepoint(conn, |conn| insert(conn, "PAKN.20230313.FFFFFFFFFF"))?;
        Ok::<_, DbError>((kept, clash))
    })?;
    assert!(
        matches!(&clash, Err(DbError::Conflict(c)) if c.contains("tracking_code")),
        "{clash:?}"
    );
    let found = database.read(|conn| feedback::find_by_code(conn, "PAKN.20230313.FFFFFFFFFF"))?;
    assert_eq!(found, kept);
    Ok(())
}
