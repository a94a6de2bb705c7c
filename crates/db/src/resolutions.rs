//! Resolutions, their sections, targets, measures and progress reports.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::measure::{Comparator, Direction, Measure};
use domain::page::{PageRequest, Paged};
use domain::records::{
    ProgressRecord, Resolution, ResolutionFields, ResolutionStatus, StoredMeasure, StoredSection,
    Target,
};
use domain::resolution::{ImportedTarget, Section};

use crate::schema::{measures, progress_reports, resolution_sections, resolutions, targets};
use crate::{DbConnection, DbError, now, to_stored, to_utc};

type Db = <DbConnection as Connection>::Backend;

/// The columns of a resolution without its full text, for lists.
type SummaryColumns = (
    resolutions::id,
    resolutions::commune_id,
    resolutions::document_number,
    resolutions::title,
    resolutions::issuing_body,
    resolutions::adopted_on,
    resolutions::effective_on,
    resolutions::abstract_text,
    resolutions::published_at,
    resolutions::year,
    resolutions::status,
    resolutions::source,
    resolutions::created_at,
    resolutions::updated_at,
);

const SUMMARY: SummaryColumns = (
    resolutions::id,
    resolutions::commune_id,
    resolutions::document_number,
    resolutions::title,
    resolutions::issuing_body,
    resolutions::adopted_on,
    resolutions::effective_on,
    resolutions::abstract_text,
    resolutions::published_at,
    resolutions::year,
    resolutions::status,
    resolutions::source,
    resolutions::created_at,
    resolutions::updated_at,
);

#[derive(Queryable)]
struct SummaryRow {
    id: i64,
    commune_id: i64,
    document_number: Option<String>,
    title: String,
    issuing_body: Option<String>,
    adopted_on: Option<NaiveDate>,
    effective_on: Option<NaiveDate>,
    abstract_text: Option<String>,
    published_at: Option<NaiveDateTime>,
    year: Option<i32>,
    status: String,
    source: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl SummaryRow {
    fn into_resolution(self, full_text: String) -> Result<Resolution, DbError> {
        let status = ResolutionStatus::parse(&self.status).ok_or_else(|| {
            DbError::Corrupt(format!("resolution {} status {:?}", self.id, self.status))
        })?;
        Ok(Resolution {
            id: self.id,
            commune_id: self.commune_id,
            status,
            fields: ResolutionFields {
                document_number: self.document_number,
                title: self.title,
                issuing_body: self.issuing_body,
                adopted_on: self.adopted_on,
                effective_on: self.effective_on,
                abstract_text: self.abstract_text,
                published_at: self.published_at.map(to_utc),
                year: self.year,
                source: self.source,
                full_text,
            },
            created_at: to_utc(self.created_at),
            updated_at: to_utc(self.updated_at),
        })
    }
}

/// Who is looking decides which resolutions exist for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Published and archived resolutions only.
    Public,
    /// Public ones, and the drafts of this commune (its editors).
    WithDraftsOf(i64),
    /// Everything (platform admins).
    All,
}

impl Visibility {
    pub fn allows(self, resolution: &Resolution) -> bool {
        match self {
            Self::All => true,
            Self::WithDraftsOf(commune_id) => {
                resolution.status.is_public() || resolution.commune_id == commune_id
            }
            Self::Public => resolution.status.is_public(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ResolutionFilter {
    pub commune_id: Option<i64>,
    pub year: Option<i32>,
    pub status: Option<ResolutionStatus>,
    /// Folded search words; every one must appear.
    pub words: Vec<String>,
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// Lists resolutions newest first (by adoption date, then id); with `updated_since`, in change
/// order for sync. Lists omit the full text: `Resolution::fields.full_text` is empty.
pub fn list(
    conn: &mut DbConnection,
    filter: &ResolutionFilter,
    visibility: Visibility,
    page: PageRequest,
) -> Result<Paged<Resolution>, DbError> {
    // On SQLite the FTS5 index narrows the rows to those holding every word as a word prefix;
    // LIKE then keeps substring semantics on both backends (PostgreSQL's trigram index serves it).
    let fts_match = match conn {
        DbConnection::Sqlite(_) => fts5_query(&filter.words),
        DbConnection::Postgresql(_) => None,
    };
    let filtered = || {
        let mut query = resolutions::table.into_boxed::<Db>();
        if let Some(fts_match) = &fts_match {
            query = query.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "resolutions.id IN (SELECT rowid FROM resolutions_fts WHERE resolutions_fts MATCH ",
                )
                .bind::<diesel::sql_types::Text, _>(fts_match.clone())
                .sql(")"),
            );
        }
        query = match visibility {
            Visibility::All => query,
            Visibility::Public => {
                query.filter(resolutions::status.ne(ResolutionStatus::Draft.as_str()))
            }
            Visibility::WithDraftsOf(commune_id) => query.filter(
                resolutions::status
                    .ne(ResolutionStatus::Draft.as_str())
                    .or(resolutions::commune_id.eq(commune_id)),
            ),
        };
        if let Some(commune_id) = filter.commune_id {
            query = query.filter(resolutions::commune_id.eq(commune_id));
        }
        if let Some(year) = filter.year {
            query = query.filter(resolutions::year.eq(year));
        }
        if let Some(status) = filter.status {
            query = query.filter(resolutions::status.eq(status.as_str()));
        }
        for word in &filter.words {
            query = query.filter(
                resolutions::search_text
                    .like(format!("%{}%", escape_like(word)))
                    .escape('\\'),
            );
        }
        if let Some(since) = filter.updated_since {
            query = query.filter(resolutions::updated_at.gt(to_stored(since)));
        }
        query
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let ordered = if filter.updated_since.is_some() {
        filtered().order((resolutions::updated_at.asc(), resolutions::id.asc()))
    } else {
        filtered().order((resolutions::adopted_on.desc(), resolutions::id.desc()))
    };
    let rows: Vec<SummaryRow> = ordered
        .select(SUMMARY)
        .offset(page.offset())
        .limit(page.limit())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|row| row.into_resolution(String::new()))
        .collect::<Result<_, _>>()?;
    Ok(Paged {
        items,
        total,
        request: page,
    })
}

/// An FTS5 query requiring every word as a prefix of a token: `"nghi"* AND "quyet"*`. Words
/// with no letter or digit are left to LIKE.
fn fts5_query(words: &[String]) -> Option<String> {
    let terms: Vec<String> = words
        .iter()
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .map(|word| format!("\"{}\"*", word.replace('"', "\"\"")))
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" AND "))
    }
}

fn escape_like(word: &str) -> String {
    word.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Resolution, DbError> {
    let (row, full_text): (SummaryRow, String) = resolutions::table
        .find(id)
        .select((SUMMARY, resolutions::full_text))
        .first(conn)?;
    row.into_resolution(full_text)
}

pub fn sections(
    conn: &mut DbConnection,
    resolution_id: i64,
) -> Result<Vec<StoredSection>, DbError> {
    let rows: Vec<(i32, String, String, String)> = resolution_sections::table
        .filter(resolution_sections::resolution_id.eq(resolution_id))
        .order(resolution_sections::position.asc())
        .select((
            resolution_sections::position,
            resolution_sections::number,
            resolution_sections::heading,
            resolution_sections::body,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(position, number, heading, body)| StoredSection {
            position,
            number,
            heading,
            body,
        })
        .collect())
}

/// A resolution to store, with what the import read from its text.
#[derive(Debug, Clone)]
pub struct NewResolution<'a> {
    pub commune_id: i64,
    pub status: ResolutionStatus,
    pub fields: &'a ResolutionFields,
    /// Folded text for search.
    pub search_text: &'a str,
    pub sections: &'a [Section],
    pub targets: &'a [ImportedTarget],
}

/// Stores a resolution with its sections, targets and measures; returns its id.
pub fn insert(conn: &mut DbConnection, new: &NewResolution<'_>) -> Result<i64, DbError> {
    let at = now();
    let fields = new.fields;
    // get_results, not get_result: see STACK notes on SQLite's WAL.
    let ids: Vec<i64> = diesel::insert_into(resolutions::table)
        .values((
            resolutions::commune_id.eq(new.commune_id),
            resolutions::document_number.eq(fields.document_number.as_deref()),
            resolutions::title.eq(&fields.title),
            resolutions::issuing_body.eq(fields.issuing_body.as_deref()),
            resolutions::adopted_on.eq(fields.adopted_on),
            resolutions::effective_on.eq(fields.effective_on),
            resolutions::abstract_text.eq(fields.abstract_text.as_deref()),
            resolutions::published_at.eq(fields.published_at.map(to_stored)),
            resolutions::year.eq(fields.year),
            resolutions::status.eq(new.status.as_str()),
            resolutions::source.eq(fields.source.as_deref()),
            resolutions::full_text.eq(&fields.full_text),
            resolutions::search_text.eq(new.search_text),
            resolutions::created_at.eq(at),
            resolutions::updated_at.eq(at),
        ))
        .returning(resolutions::id)
        .get_results(conn)?;
    let id = ids.first().copied().ok_or(DbError::NotFound)?;
    for (position, section) in new.sections.iter().enumerate() {
        diesel::insert_into(resolution_sections::table)
            .values((
                resolution_sections::resolution_id.eq(id),
                resolution_sections::position.eq(i32::try_from(position + 1).unwrap_or(i32::MAX)),
                resolution_sections::number.eq(&section.number),
                resolution_sections::heading.eq(&section.heading),
                resolution_sections::body.eq(&section.body),
            ))
            .execute(conn)?;
    }
    for target in new.targets {
        insert_target(
            conn,
            id,
            i32::try_from(target.number).unwrap_or(i32::MAX),
            &target.text,
            &target.measures,
        )?;
    }
    Ok(id)
}

/// Adds a target with its measures to a resolution; a taken number is a `Conflict`.
pub fn insert_target(
    conn: &mut DbConnection,
    resolution_id: i64,
    number: i32,
    text: &str,
    measures: &[Measure],
) -> Result<i64, DbError> {
    let at = now();
    let ids: Vec<i64> = diesel::insert_into(targets::table)
        .values((
            targets::resolution_id.eq(resolution_id),
            targets::number.eq(number),
            targets::text.eq(text),
            targets::created_at.eq(at),
            targets::updated_at.eq(at),
        ))
        .returning(targets::id)
        .get_results(conn)?;
    let target_id = ids.first().copied().ok_or(DbError::NotFound)?;
    for (position, measure) in measures.iter().enumerate() {
        diesel::insert_into(measures::table)
            .values((
                measures::target_id.eq(target_id),
                measures::position.eq(i32::try_from(position + 1).unwrap_or(i32::MAX)),
                measures::label.eq(&measure.label),
                measures::comparator.eq(measure.comparator.as_str()),
                measures::value.eq(measure.value),
                measures::value_max.eq(measure.value_max),
                measures::unit.eq(measure.unit.as_deref()),
                measures::direction.eq(measure.direction.as_str()),
                measures::needs_review.eq(measure.needs_review),
                measures::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(target_id)
}

type MeasureRow = (
    i64,
    i64,
    String,
    String,
    Option<f64>,
    Option<f64>,
    Option<String>,
    String,
    bool,
    NaiveDateTime,
);

const MEASURE_COLUMNS: (
    measures::id,
    measures::target_id,
    measures::label,
    measures::comparator,
    measures::value,
    measures::value_max,
    measures::unit,
    measures::direction,
    measures::needs_review,
    measures::updated_at,
) = (
    measures::id,
    measures::target_id,
    measures::label,
    measures::comparator,
    measures::value,
    measures::value_max,
    measures::unit,
    measures::direction,
    measures::needs_review,
    measures::updated_at,
);

fn into_measure(row: MeasureRow) -> Result<StoredMeasure, DbError> {
    let (
        id,
        target_id,
        label,
        comparator,
        value,
        value_max,
        unit,
        direction,
        needs_review,
        updated_at,
    ) = row;
    let comparator = Comparator::parse(&comparator)
        .ok_or_else(|| DbError::Corrupt(format!("measure {id} comparator {comparator:?}")))?;
    let direction = Direction::parse(&direction)
        .ok_or_else(|| DbError::Corrupt(format!("measure {id} direction {direction:?}")))?;
    Ok(StoredMeasure {
        id,
        target_id,
        measure: Measure {
            label,
            comparator,
            value,
            value_max,
            unit,
            direction,
            needs_review,
        },
        updated_at: to_utc(updated_at),
    })
}

/// The targets of a resolution in number order, each with its measures: two queries.
pub fn targets_of(conn: &mut DbConnection, resolution_id: i64) -> Result<Vec<Target>, DbError> {
    let rows: Vec<(i64, i64, i32, String, NaiveDateTime)> = targets::table
        .filter(targets::resolution_id.eq(resolution_id))
        .order(targets::number.asc())
        .select((
            targets::id,
            targets::resolution_id,
            targets::number,
            targets::text,
            targets::updated_at,
        ))
        .load(conn)?;
    let measure_rows: Vec<MeasureRow> = measures::table
        .inner_join(targets::table)
        .filter(targets::resolution_id.eq(resolution_id))
        .order((measures::target_id.asc(), measures::position.asc()))
        .select(MEASURE_COLUMNS)
        .load(conn)?;
    let mut by_target: HashMap<i64, Vec<StoredMeasure>> = HashMap::new();
    for row in measure_rows {
        let measure = into_measure(row)?;
        by_target
            .entry(measure.target_id)
            .or_default()
            .push(measure);
    }
    Ok(rows
        .into_iter()
        .map(|(id, resolution_id, number, text, updated_at)| Target {
            id,
            resolution_id,
            number,
            text,
            measures: by_target.remove(&id).unwrap_or_default(),
            updated_at: to_utc(updated_at),
        })
        .collect())
}

/// One target with its measures.
pub fn find_target(conn: &mut DbConnection, target_id: i64) -> Result<Target, DbError> {
    let (id, resolution_id, number, text, updated_at): (i64, i64, i32, String, NaiveDateTime) =
        targets::table
            .find(target_id)
            .select((
                targets::id,
                targets::resolution_id,
                targets::number,
                targets::text,
                targets::updated_at,
            ))
            .first(conn)?;
    let measure_rows: Vec<MeasureRow> = measures::table
        .filter(measures::target_id.eq(id))
        .order(measures::position.asc())
        .select(MEASURE_COLUMNS)
        .load(conn)?;
    let measures = measure_rows
        .into_iter()
        .map(into_measure)
        .collect::<Result<_, _>>()?;
    Ok(Target {
        id,
        resolution_id,
        number,
        text,
        measures,
        updated_at: to_utc(updated_at),
    })
}

pub fn find_measure(conn: &mut DbConnection, measure_id: i64) -> Result<StoredMeasure, DbError> {
    let row: MeasureRow = measures::table
        .find(measure_id)
        .select(MEASURE_COLUMNS)
        .first(conn)?;
    into_measure(row)
}

/// The resolution a target belongs to.
pub fn resolution_of_target(
    conn: &mut DbConnection,
    target_id: i64,
) -> Result<Resolution, DbError> {
    let resolution_id: i64 = targets::table
        .find(target_id)
        .select(targets::resolution_id)
        .first(conn)?;
    find(conn, resolution_id)
}

pub fn update_target_text(
    conn: &mut DbConnection,
    target_id: i64,
    text: &str,
) -> Result<(), DbError> {
    let updated = diesel::update(targets::table.find(target_id))
        .set((targets::text.eq(text), targets::updated_at.eq(now())))
        .execute(conn)?;
    if updated == 0 {
        Err(DbError::NotFound)
    } else {
        Ok(())
    }
}

pub fn update_measure(
    conn: &mut DbConnection,
    measure_id: i64,
    measure: &Measure,
) -> Result<StoredMeasure, DbError> {
    let updated = diesel::update(measures::table.find(measure_id))
        .set((
            measures::label.eq(&measure.label),
            measures::comparator.eq(measure.comparator.as_str()),
            measures::value.eq(measure.value),
            measures::value_max.eq(measure.value_max),
            measures::unit.eq(measure.unit.as_deref()),
            measures::direction.eq(measure.direction.as_str()),
            measures::needs_review.eq(measure.needs_review),
            measures::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(DbError::NotFound);
    }
    find_measure(conn, measure_id)
}

pub fn update_fields(
    conn: &mut DbConnection,
    id: i64,
    status: ResolutionStatus,
    fields: &ResolutionFields,
    search_text: &str,
) -> Result<(), DbError> {
    let updated = diesel::update(resolutions::table.find(id))
        .set((
            resolutions::document_number.eq(fields.document_number.as_deref()),
            resolutions::title.eq(&fields.title),
            resolutions::issuing_body.eq(fields.issuing_body.as_deref()),
            resolutions::adopted_on.eq(fields.adopted_on),
            resolutions::effective_on.eq(fields.effective_on),
            resolutions::abstract_text.eq(fields.abstract_text.as_deref()),
            resolutions::published_at.eq(fields.published_at.map(to_stored)),
            resolutions::year.eq(fields.year),
            resolutions::status.eq(status.as_str()),
            resolutions::source.eq(fields.source.as_deref()),
            resolutions::search_text.eq(search_text),
            resolutions::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if updated == 0 {
        Err(DbError::NotFound)
    } else {
        Ok(())
    }
}

/// Deletes a resolution with everything under it (drafts only: the caller checks).
pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
    let deleted = diesel::delete(resolutions::table.find(id)).execute(conn)?;
    if deleted == 0 {
        Err(DbError::NotFound)
    } else {
        Ok(())
    }
}

/// Marks a resolution changed (a target or measure under it was written).
pub fn touch(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
    diesel::update(resolutions::table.find(id))
        .set(resolutions::updated_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct NewProgress<'a> {
    pub measure_id: i64,
    pub period: &'a str,
    pub value: Option<f64>,
    pub achieved: Option<bool>,
    pub is_final: bool,
    pub note: Option<&'a str>,
    pub reported_by: &'a str,
}

pub fn insert_progress(
    conn: &mut DbConnection,
    new: &NewProgress<'_>,
) -> Result<ProgressRecord, DbError> {
    let at = now();
    let ids: Vec<i64> = diesel::insert_into(progress_reports::table)
        .values((
            progress_reports::measure_id.eq(new.measure_id),
            progress_reports::period.eq(new.period),
            progress_reports::value.eq(new.value),
            progress_reports::achieved.eq(new.achieved),
            progress_reports::is_final.eq(new.is_final),
            progress_reports::note.eq(new.note),
            progress_reports::reported_by.eq(new.reported_by),
            progress_reports::reported_at.eq(at),
        ))
        .returning(progress_reports::id)
        .get_results(conn)?;
    let id = ids.first().copied().ok_or(DbError::NotFound)?;
    Ok(ProgressRecord {
        id,
        measure_id: new.measure_id,
        period: new.period.to_owned(),
        value: new.value,
        achieved: new.achieved,
        is_final: new.is_final,
        note: new.note.map(str::to_owned),
        reported_by: new.reported_by.to_owned(),
        reported_at: to_utc(at),
    })
}

type ProgressRow = (
    i64,
    i64,
    String,
    Option<f64>,
    Option<bool>,
    bool,
    Option<String>,
    String,
    NaiveDateTime,
);

/// Every report on the given measures (optionally for one period), oldest first.
pub fn progress_of(
    conn: &mut DbConnection,
    measure_ids: &[i64],
    period: Option<&str>,
) -> Result<Vec<ProgressRecord>, DbError> {
    if measure_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = progress_reports::table
        .filter(progress_reports::measure_id.eq_any(measure_ids))
        .into_boxed::<Db>();
    if let Some(period) = period {
        query = query.filter(progress_reports::period.eq(period.to_owned()));
    }
    let rows: Vec<ProgressRow> = query
        .order((
            progress_reports::reported_at.asc(),
            progress_reports::id.asc(),
        ))
        .select((
            progress_reports::id,
            progress_reports::measure_id,
            progress_reports::period,
            progress_reports::value,
            progress_reports::achieved,
            progress_reports::is_final,
            progress_reports::note,
            progress_reports::reported_by,
            progress_reports::reported_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                measure_id,
                period,
                value,
                achieved,
                is_final,
                note,
                reported_by,
                reported_at,
            )| ProgressRecord {
                id,
                measure_id,
                period,
                value,
                achieved,
                is_final,
                note,
                reported_by,
                reported_at: to_utc(reported_at),
            },
        )
        .collect())
}

/// How many resolutions a commune has, in any status.
pub fn count_for_commune(conn: &mut DbConnection, commune_id: i64) -> Result<i64, DbError> {
    Ok(resolutions::table
        .filter(resolutions::commune_id.eq(commune_id))
        .count()
        .get_result(conn)?)
}
