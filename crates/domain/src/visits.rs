//! The visit counter: today, yesterday, this week, this month and in all, counted in the
//! commune's own calendar (weeks start on Monday). Every figure comes from the same daily counts,
//! so they cannot contradict each other: the week and the month always hold today.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::text::char_len;
use crate::validation::FieldFailure;

pub const MAX_PATH_CHARS: usize = 512;
/// Paths beyond this many distinct ones per commune and day are counted under [`OTHER_PATH`].
pub const MAX_PATHS_PER_DAY: usize = 10_000;
pub const OTHER_PATH: &str = "(other)";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VisitError {
    #[error("must be 1 to 512 characters")]
    BadPathLength,
}

impl FieldFailure for VisitError {
    fn code(&self) -> &'static str {
        "invalid_length"
    }
}

/// The page visited, as the front end names it: `/nghi-quyet/1`.
pub fn parse_path(input: &str) -> Result<String, VisitError> {
    let path = input.trim();
    if path.is_empty() || char_len(path) > MAX_PATH_CHARS {
        Err(VisitError::BadPathLength)
    } else {
        Ok(path.to_owned())
    }
}

/// The days that matter at one instant, in a commune's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterCalendar {
    pub today: NaiveDate,
    pub yesterday: NaiveDate,
    /// Monday of this week.
    pub week_start: NaiveDate,
    /// The first of this month.
    pub month_start: NaiveDate,
}

impl CounterCalendar {
    pub fn at(now: DateTime<Utc>, tz: Tz) -> Self {
        let today = now.with_timezone(&tz).date_naive();
        let back = |days: u64| today.checked_sub_days(Days::new(days)).unwrap_or(today);
        Self {
            today,
            yesterday: back(1),
            week_start: back(u64::from(today.weekday().num_days_from_monday())),
            month_start: today.with_day(1).unwrap_or(today),
        }
    }

    /// The earliest day any figure but the total needs.
    pub fn earliest(&self) -> NaiveDate {
        self.yesterday.min(self.week_start).min(self.month_start)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct VisitCounts {
    pub today: u64,
    pub yesterday: u64,
    pub this_week: u64,
    pub this_month: u64,
    pub total: u64,
}

/// Adds daily counts up into the figures a portal shows. `days` needs every day from
/// `calendar.earliest()` on; `all_time` is the sum of every day ever counted, and `baseline` what
/// an earlier portal had counted before.
pub fn counts_from_days(
    calendar: &CounterCalendar,
    days: impl IntoIterator<Item = (NaiveDate, u64)>,
    all_time: u64,
    baseline: u64,
) -> VisitCounts {
    let mut counts = VisitCounts {
        total: all_time.saturating_add(baseline),
        ..VisitCounts::default()
    };
    for (day, count) in days {
        if day == calendar.today {
            counts.today += count;
        }
        if day == calendar.yesterday {
            counts.yesterday += count;
        }
        // Days after today (another instance's clock ahead of ours) belong to no window yet.
        if day >= calendar.week_start && day <= calendar.today {
            counts.this_week += count;
        }
        if day >= calendar.month_start && day <= calendar.today {
            counts.this_month += count;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;

    const VN: Tz = chrono_tz::Asia::Ho_Chi_Minh;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn the_day_turns_at_local_midnight_not_utc() {
        // 16:59 UTC is 23:59 in Vietnam; 17:00 UTC is already the next day there.
        assert_eq!(
            CounterCalendar::at(utc(2023, 3, 12, 16, 59), VN).today,
            date(2023, 3, 12)
        );
        assert_eq!(
            CounterCalendar::at(utc(2023, 3, 12, 17, 0), VN).today,
            date(2023, 3, 13)
        );
    }

    #[test]
    fn yesterday_crosses_week_month_and_year_boundaries() {
        let new_year = CounterCalendar::at(utc(2023, 12, 31, 17, 30), VN); // 1 Jan 2024, 00:30 local
        assert_eq!(new_year.today, date(2024, 1, 1));
        assert_eq!(new_year.yesterday, date(2023, 12, 31));
        assert_eq!(new_year.month_start, date(2024, 1, 1));
        assert_eq!(
            new_year.week_start,
            date(2024, 1, 1),
            "1 Jan 2024 is a Monday"
        );
        let sunday = CounterCalendar::at(utc(2023, 3, 12, 3, 0), VN);
        assert_eq!(sunday.week_start, date(2023, 3, 6));
        let march_first = CounterCalendar::at(utc(2024, 3, 1, 3, 0), VN);
        assert_eq!(march_first.yesterday, date(2024, 2, 29), "a leap day");
    }

    #[test]
    fn the_seed_page_contradiction_cannot_happen() {
        // The seed portal showed today 1, this month 0. Ours derives both from the same days.
        let calendar = CounterCalendar::at(utc(2023, 3, 13, 7, 51), VN);
        let counts = counts_from_days(&calendar, [(date(2023, 3, 13), 1)], 1, 174_988);
        assert_eq!(
            counts,
            VisitCounts {
                today: 1,
                yesterday: 0,
                this_week: 1,
                this_month: 1,
                total: 174_989
            }
        );
    }

    proptest! {
        #[test]
        fn the_figures_never_contradict_each_other(
            now_secs in 1_600_000_000i64..2_000_000_000,
            counts in proptest::collection::vec((0u64..60, 0u64..1_000), 0..40),
            baseline in 0u64..1_000_000,
        ) {
            let now = DateTime::from_timestamp(now_secs, 0).unwrap_or_default();
            let calendar = CounterCalendar::at(now, VN);
            let days: Vec<(NaiveDate, u64)> = counts
                .iter()
                .map(|(back, n)| (calendar.today.checked_sub_days(Days::new(*back)).unwrap_or(calendar.today), *n))
                .collect();
            let all_time = days.iter().map(|(_, n)| n).sum();
            let figures = counts_from_days(&calendar, days.clone(), all_time, baseline);
            prop_assert!(figures.this_week >= figures.today);
            prop_assert!(figures.this_month >= figures.today);
            prop_assert!(figures.total >= figures.this_month);
            prop_assert!(figures.total >= figures.this_week);
            prop_assert!(figures.total >= figures.yesterday);
            let today: u64 = days.iter().filter(|(d, _)| *d == calendar.today).map(|(_, n)| n).sum();
            prop_assert_eq!(figures.today, today);
        }
    }

    #[test]
    fn paths_are_bounded() {
        assert_eq!(
            parse_path(" /nghi-quyet/1 "),
            Ok("/nghi-quyet/1".to_owned())
        );
        assert_eq!(parse_path(""), Err(VisitError::BadPathLength));
        assert!(parse_path(&"đ".repeat(512)).is_ok());
        assert_eq!(parse_path(&"đ".repeat(513)), Err(VisitError::BadPathLength));
    }
}
