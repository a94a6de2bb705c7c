//! Communes: the tenants.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::commune::{Commune, CommuneSlug, FeedbackContact, NewCommune};
use domain::page::{PageRequest, Paged};

use crate::schema::communes;
use crate::{DbConnection, DbError, now, to_stored, to_utc};

type Db = <DbConnection as Connection>::Backend;

#[derive(Queryable)]
struct CommuneRow {
    id: i64,
    slug: String,
    name: String,
    district: Option<String>,
    province: Option<String>,
    feedback_address: Option<String>,
    feedback_phone: Option<String>,
    feedback_email: Option<String>,
    time_zone: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    visits_baseline: i64,
    // Read with `feedback::limits_of`; here because a row holds every column.
    _feedback_classify_days: i32,
    _feedback_forward_days: i32,
    _feedback_answer_days: i32,
    _feedback_retention_months: i32,
}

impl TryFrom<CommuneRow> for Commune {
    type Error = DbError;

    fn try_from(row: CommuneRow) -> Result<Self, DbError> {
        let slug = CommuneSlug::parse(&row.slug)
            .map_err(|e| DbError::Corrupt(format!("commune {} slug: {e}", row.id)))?;
        let time_zone = domain::commune::parse_time_zone(&row.time_zone)
            .map_err(|e| DbError::Corrupt(format!("commune {} time zone: {e}", row.id)))?;
        Ok(Self {
            id: row.id,
            slug,
            name: row.name,
            district: row.district,
            province: row.province,
            feedback_contact: FeedbackContact {
                address: row.feedback_address,
                phone: row.feedback_phone,
                email: row.feedback_email,
            },
            time_zone,
            created_at: to_utc(row.created_at),
            updated_at: to_utc(row.updated_at),
            visits_baseline: u64::try_from(row.visits_baseline).unwrap_or(0),
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = communes)]
struct NewCommuneRow<'a> {
    slug: &'a str,
    name: &'a str,
    district: Option<&'a str>,
    province: Option<&'a str>,
    feedback_address: Option<&'a str>,
    feedback_phone: Option<&'a str>,
    feedback_email: Option<&'a str>,
    time_zone: &'a str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Which communes a list shows.
#[derive(Debug, Clone, Default)]
pub struct CommuneFilter {
    /// Only communes changed after this instant; the list is then ordered by change time, so a
    /// client can sync by remembering the last `updated_at` it saw.
    pub updated_since: Option<DateTime<Utc>>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &CommuneFilter,
    page: PageRequest,
) -> Result<Paged<Commune>, DbError> {
    let filtered = || {
        let mut query = communes::table.into_boxed::<Db>();
        if let Some(since) = filter.updated_since {
            query = query.filter(communes::updated_at.gt(to_stored(since)));
        }
        query
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let ordered = if filter.updated_since.is_some() {
        filtered().order((communes::updated_at.asc(), communes::id.asc()))
    } else {
        filtered().order((communes::slug.asc(), communes::id.asc()))
    };
    let rows: Vec<CommuneRow> = ordered
        .offset(page.offset())
        .limit(page.limit())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(Commune::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Paged {
        items,
        total,
        request: page,
    })
}

pub fn find_by_slug(conn: &mut DbConnection, slug: &CommuneSlug) -> Result<Commune, DbError> {
    let row: CommuneRow = communes::table
        .filter(communes::slug.eq(slug.as_str()))
        .first(conn)?;
    row.try_into()
}

pub fn exists(conn: &mut DbConnection, slug: &CommuneSlug) -> Result<bool, DbError> {
    let found: i64 = communes::table
        .filter(communes::slug.eq(slug.as_str()))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// Stores a new commune; a taken slug is a `Conflict`.
pub fn insert(conn: &mut DbConnection, commune: &NewCommune) -> Result<Commune, DbError> {
    let at = now();
    let contact = &commune.feedback_contact;
    diesel::insert_into(communes::table)
        .values(NewCommuneRow {
            slug: commune.slug.as_str(),
            name: &commune.name,
            district: commune.district.as_deref(),
            province: commune.province.as_deref(),
            feedback_address: contact.address.as_deref(),
            feedback_phone: contact.phone.as_deref(),
            feedback_email: contact.email.as_deref(),
            time_zone: commune.time_zone.name(),
            created_at: at,
            updated_at: at,
        })
        .execute(conn)?;
    find_by_slug(conn, &commune.slug)
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Commune, DbError> {
    let row: CommuneRow = communes::table.find(id).first(conn)?;
    row.try_into()
}

/// Replaces the commune's details (its slug stays: it is the commune's name in URLs).
pub fn update(conn: &mut DbConnection, id: i64, commune: &NewCommune) -> Result<Commune, DbError> {
    let contact = &commune.feedback_contact;
    let updated = diesel::update(communes::table.find(id))
        .set((
            communes::name.eq(&commune.name),
            communes::district.eq(commune.district.as_deref()),
            communes::province.eq(commune.province.as_deref()),
            communes::feedback_address.eq(contact.address.as_deref()),
            communes::feedback_phone.eq(contact.phone.as_deref()),
            communes::feedback_email.eq(contact.email.as_deref()),
            communes::time_zone.eq(commune.time_zone.name()),
            communes::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(DbError::NotFound);
    }
    find(conn, id)
}

/// The slugs of the given communes, for lists that name each item's commune.
pub fn slugs_by_id(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, DbError> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let pairs: Vec<(i64, String)> = communes::table
        .filter(communes::id.eq_any(ids))
        .select((communes::id, communes::slug))
        .load(conn)?;
    Ok(pairs.into_iter().collect())
}

/// The given communes by id, for lists that show each item's commune.
pub fn find_many(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Commune>, DbError> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<CommuneRow> = communes::table
        .filter(communes::id.eq_any(ids))
        .load(conn)?;
    rows.into_iter()
        .map(|row| Commune::try_from(row).map(|c| (c.id, c)))
        .collect()
}

/// Sets what an earlier portal had counted, so the visit total continues from it.
pub fn set_visits_baseline(conn: &mut DbConnection, id: i64, baseline: u64) -> Result<(), DbError> {
    let baseline = i64::try_from(baseline)
        .map_err(|_| DbError::Corrupt("visit baseline out of range".to_owned()))?;
    let updated = diesel::update(communes::table.find(id))
        .set((
            communes::visits_baseline.eq(baseline),
            communes::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if updated == 0 {
        Err(DbError::NotFound)
    } else {
        Ok(())
    }
}

/// Every commune, for in-memory lookups on hot paths.
pub fn all(conn: &mut DbConnection) -> Result<Vec<Commune>, DbError> {
    let rows: Vec<CommuneRow> = communes::table.order(communes::id.asc()).load(conn)?;
    rows.into_iter().map(Commune::try_from).collect()
}
