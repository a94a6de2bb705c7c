//! The working-day calendar: public holidays and swapped working days, shared by every commune.

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::calendar::{DayKind, WorkCalendar};

use crate::schema::calendar_days;
use crate::{DbConnection, DbError};

/// A listed day: a holiday on a weekday, or a weekend day worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDay {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

#[derive(Queryable)]
struct CalendarDayRow {
    day: NaiveDate,
    kind: String,
    name: String,
}

impl TryFrom<CalendarDayRow> for CalendarDay {
    type Error = DbError;

    fn try_from(row: CalendarDayRow) -> Result<Self, DbError> {
        let kind = DayKind::parse(&row.kind)
            .ok_or_else(|| DbError::Corrupt(format!("calendar day {} kind", row.day)))?;
        Ok(Self {
            day: row.day,
            kind,
            name: row.name,
        })
    }
}

/// The listed days from `from` to `to` inclusive, in date order.
pub fn list(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<CalendarDay>, DbError> {
    let rows: Vec<CalendarDayRow> = calendar_days::table
        .filter(calendar_days::day.ge(from))
        .filter(calendar_days::day.le(to))
        .order(calendar_days::day.asc())
        .load(conn)?;
    rows.into_iter().map(CalendarDay::try_from).collect()
}

/// The calendar deadlines are counted in. Every listed day is loaded: a few dozen a year.
pub fn work_calendar(conn: &mut DbConnection) -> Result<WorkCalendar, DbError> {
    let rows: Vec<CalendarDayRow> = calendar_days::table.load(conn)?;
    let days = rows
        .into_iter()
        .map(CalendarDay::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(WorkCalendar::new(days.into_iter().map(|d| (d.day, d.kind))))
}

pub fn find(conn: &mut DbConnection, day: NaiveDate) -> Result<CalendarDay, DbError> {
    let row: CalendarDayRow = calendar_days::table.find(day).first(conn)?;
    row.try_into()
}

/// Lists a day; a day already listed is a `Conflict`.
pub fn insert(conn: &mut DbConnection, day: &CalendarDay) -> Result<(), DbError> {
    diesel::insert_into(calendar_days::table)
        .values((
            calendar_days::day.eq(day.day),
            calendar_days::kind.eq(day.kind.as_str()),
            calendar_days::name.eq(&day.name),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes a listed day; `NotFound` when it was not listed.
pub fn delete(conn: &mut DbConnection, day: NaiveDate) -> Result<(), DbError> {
    let deleted = diesel::delete(calendar_days::table.find(day)).execute(conn)?;
    if deleted == 0 {
        Err(DbError::NotFound)
    } else {
        Ok(())
    }
}
