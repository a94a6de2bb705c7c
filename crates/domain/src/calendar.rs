//! Working days, as Vietnamese offices count them: Monday to Friday, less public holidays,
//! plus the Saturdays worked in exchange for a bridged day off.

use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Included};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

/// `add_working_days` gives up after this many days in a row without a working day, so a
/// calendar that is all holidays cannot make it loop forever.
pub const MAX_DAYS_WITHOUT_WORK: u32 = 366 * 10;

/// How a listed day differs from an ordinary week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday, or a bridged day off (nghỉ bù, hoán đổi): no work on a weekday.
    Holiday,
    /// A weekend day worked in exchange for a bridged day off (làm bù).
    Workday,
}

impl DayKind {
    pub const ALL: [Self; 2] = [Self::Holiday, Self::Workday];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::Workday => "workday",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == input)
    }
}

/// The days that break the Monday-to-Friday rule. A holiday on a weekend or a workday on a
/// weekday changes nothing; when a date is listed twice, the last entry wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    exceptions: BTreeMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        Self {
            exceptions: days.into_iter().collect(),
        }
    }

    /// The calendar of [`official_days_off`].
    pub fn official() -> Self {
        Self::new(
            official_days_off()
                .into_iter()
                .map(|(day, kind, _)| (day, kind)),
        )
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        match self.exceptions.get(&day) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !is_weekend(day),
        }
    }

    /// The day `n` working days after `start`: the start day itself never counts (a submission
    /// on Friday afternoon with n=1 is due Monday, if Monday is a working day). n=0 returns
    /// start.
    ///
    /// After [`MAX_DAYS_WITHOUT_WORK`] days in a row without a working day (a calendar that is
    /// all holidays), it gives up and returns the day it reached; at the last date chrono can
    /// represent, it returns that date.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut day = start;
        let mut left = n;
        let mut idle = 0;
        while left > 0 {
            let Some(next) = day.succ_opt() else {
                return day;
            };
            day = next;
            if self.is_working_day(day) {
                left -= 1;
                idle = 0;
            } else {
                idle += 1;
                if idle >= MAX_DAYS_WITHOUT_WORK {
                    return day;
                }
            }
        }
        day
    }

    /// Working days strictly after `from` up to and including `to` (0 when to <= from).
    ///
    /// Counts by arithmetic, not day by day, so a long span costs no more than a short one.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        if to <= from {
            return 0;
        }
        let span = (to - from).num_days();
        let (weeks, rest) = (span / 7, span % 7);
        let tail_weekdays = (1..=rest)
            .filter_map(|k| from.checked_add_days(Days::new((weeks * 7 + k) as u64)))
            .filter(|day| !is_weekend(*day))
            .count() as i64;
        let adjustment: i64 = self
            .exceptions
            .range((Excluded(from), Included(to)))
            .map(|(day, kind)| match (kind, is_weekend(*day)) {
                (DayKind::Holiday, false) => -1,
                (DayKind::Workday, true) => 1,
                _ => 0,
            })
            .sum();
        u32::try_from(weeks * 5 + tail_weekdays + adjustment).unwrap_or(u32::MAX)
    }
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The official days off 2023-2026 (Tết, Giỗ Tổ, 30/4-1/5, Quốc khánh, their bridges and
/// make-up Saturdays), as the government announced them. Weekdays only: a holiday falling on a
/// weekend changes nothing.
const OFFICIAL_DAYS_OFF: &[((i32, u32, u32), DayKind, &str)] = {
    use DayKind::{Holiday as H, Workday as W};
    &[
        ((2023, 1, 2), H, "Nghỉ bù Tết Dương lịch"),
        ((2023, 1, 20), H, "Tết Nguyên đán"),
        ((2023, 1, 23), H, "Tết Nguyên đán"),
        ((2023, 1, 24), H, "Tết Nguyên đán"),
        ((2023, 1, 25), H, "Tết Nguyên đán"),
        ((2023, 1, 26), H, "Tết Nguyên đán"),
        ((2023, 5, 1), H, "Quốc tế Lao động"),
        ((2023, 5, 2), H, "Nghỉ bù Giỗ Tổ Hùng Vương"),
        ((2023, 5, 3), H, "Nghỉ bù Ngày Chiến thắng"),
        ((2023, 9, 1), H, "Quốc khánh"),
        ((2023, 9, 4), H, "Nghỉ bù Quốc khánh"),
        ((2024, 1, 1), H, "Tết Dương lịch"),
        ((2024, 2, 8), H, "Tết Nguyên đán"),
        ((2024, 2, 9), H, "Tết Nguyên đán"),
        ((2024, 2, 12), H, "Tết Nguyên đán"),
        ((2024, 2, 13), H, "Tết Nguyên đán"),
        ((2024, 2, 14), H, "Tết Nguyên đán"),
        ((2024, 4, 18), H, "Giỗ Tổ Hùng Vương"),
        ((2024, 4, 29), H, "Hoán đổi ngày làm việc"),
        ((2024, 4, 30), H, "Ngày Chiến thắng"),
        ((2024, 5, 1), H, "Quốc tế Lao động"),
        ((2024, 5, 4), W, "Làm bù"),
        ((2024, 9, 2), H, "Quốc khánh"),
        ((2024, 9, 3), H, "Quốc khánh"),
        ((2025, 1, 1), H, "Tết Dương lịch"),
        ((2025, 1, 27), H, "Tết Nguyên đán"),
        ((2025, 1, 28), H, "Tết Nguyên đán"),
        ((2025, 1, 29), H, "Tết Nguyên đán"),
        ((2025, 1, 30), H, "Tết Nguyên đán"),
        ((2025, 1, 31), H, "Tết Nguyên đán"),
        ((2025, 4, 7), H, "Giỗ Tổ Hùng Vương"),
        ((2025, 4, 26), W, "Làm bù"),
        ((2025, 4, 30), H, "Ngày Chiến thắng"),
        ((2025, 5, 1), H, "Quốc tế Lao động"),
        ((2025, 5, 2), H, "Hoán đổi ngày làm việc"),
        ((2025, 9, 1), H, "Quốc khánh"),
        ((2025, 9, 2), H, "Quốc khánh"),
        ((2026, 1, 1), H, "Tết Dương lịch"),
        ((2026, 2, 16), H, "Tết Nguyên đán"),
        ((2026, 2, 17), H, "Tết Nguyên đán"),
        ((2026, 2, 18), H, "Tết Nguyên đán"),
        ((2026, 2, 19), H, "Tết Nguyên đán"),
        ((2026, 2, 20), H, "Tết Nguyên đán"),
        ((2026, 4, 27), H, "Nghỉ bù Giỗ Tổ Hùng Vương"),
        ((2026, 4, 30), H, "Ngày Chiến thắng"),
        ((2026, 5, 1), H, "Quốc tế Lao động"),
        ((2026, 9, 1), H, "Quốc khánh"),
        ((2026, 9, 2), H, "Quốc khánh"),
    ]
};

/// The official days off 2023-2026 with their Vietnamese names, to seed a commune's calendar.
pub fn official_days_off() -> Vec<(NaiveDate, DayKind, &'static str)> {
    OFFICIAL_DAYS_OFF
        .iter()
        .filter_map(|&((y, m, d), kind, name)| {
            NaiveDate::from_ymd_opt(y, m, d).map(|day| (day, kind, name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn day_kinds_round_trip_and_serialize_snake_case() {
        for kind in DayKind::ALL {
            assert_eq!(DayKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_string(&kind).ok(),
                Some(format!("\"{}\"", kind.as_str()))
            );
        }
        assert_eq!(DayKind::parse("ngày nghỉ"), None);
    }

    #[test]
    fn the_official_list_is_complete_and_only_lists_days_that_matter() {
        let days = official_days_off();
        assert_eq!(days.len(), OFFICIAL_DAYS_OFF.len());
        for (day, kind, name) in &days {
            match kind {
                DayKind::Holiday => assert!(!is_weekend(*day), "{day} {name}"),
                DayKind::Workday => assert!(is_weekend(*day), "{day} {name}"),
            }
        }
        assert!(days.contains(&(date(2025, 1, 29), DayKind::Holiday, "Tết Nguyên đán")));
        assert!(days.contains(&(
            date(2026, 4, 27),
            DayKind::Holiday,
            "Nghỉ bù Giỗ Tổ Hùng Vương"
        )));
    }

    #[test]
    fn weekends_are_skipped() {
        let calendar = WorkCalendar::default();
        // Friday 2025-03-14 + 1 is Monday 2025-03-17; + 6 is Monday 2025-03-24.
        assert_eq!(
            calendar.add_working_days(date(2025, 3, 14), 1),
            date(2025, 3, 17)
        );
        assert_eq!(
            calendar.add_working_days(date(2025, 3, 14), 6),
            date(2025, 3, 24)
        );
        // Saturday start: the weekend does not count either.
        assert_eq!(
            calendar.add_working_days(date(2025, 3, 15), 1),
            date(2025, 3, 17)
        );
    }

    #[test]
    fn zero_working_days_is_the_start_day_even_on_a_holiday() {
        let calendar = WorkCalendar::official();
        assert_eq!(
            calendar.add_working_days(date(2025, 1, 28), 0),
            date(2025, 1, 28)
        );
        assert_eq!(
            calendar.working_days_between(date(2025, 1, 28), date(2025, 1, 28)),
            0
        );
        assert_eq!(
            calendar.working_days_between(date(2025, 2, 7), date(2025, 1, 24)),
            0
        );
    }

    #[test]
    fn the_tet_2025_break_is_skipped() {
        let calendar = WorkCalendar::official();
        // Friday 24/1 → Sat 25, Sun 26, Tết Mon 27 to Fri 31, Sat 1/2, Sun 2/2 off;
        // Mon 3, Tue 4, Wed 5, Thu 6, Fri 7 February are the 5 working days.
        assert_eq!(
            calendar.add_working_days(date(2025, 1, 24), 5),
            date(2025, 2, 7)
        );
        assert_eq!(
            calendar.add_working_days(date(2025, 1, 24), 1),
            date(2025, 2, 3)
        );
        assert_eq!(
            calendar.working_days_between(date(2025, 1, 24), date(2025, 2, 7)),
            5
        );
        assert!(!calendar.is_working_day(date(2025, 1, 27)));
    }

    #[test]
    fn the_swapped_saturday_of_2025_is_a_working_day() {
        let calendar = WorkCalendar::official();
        assert!(calendar.is_working_day(date(2025, 4, 26)));
        assert!(!calendar.is_working_day(date(2025, 4, 27)));
        assert!(!calendar.is_working_day(date(2025, 5, 2)));
        // Friday 25/4 + 1 is Saturday 26/4 (làm bù); + 2 is Monday 28/4; + 4 skips 30/4 to 2/5
        // and the weekend to Monday 5/5.
        assert_eq!(
            calendar.add_working_days(date(2025, 4, 25), 1),
            date(2025, 4, 26)
        );
        assert_eq!(
            calendar.add_working_days(date(2025, 4, 25), 2),
            date(2025, 4, 28)
        );
        assert_eq!(
            calendar.add_working_days(date(2025, 4, 25), 4),
            date(2025, 5, 5)
        );
    }

    #[test]
    fn a_calendar_of_holidays_only_terminates() {
        let start = date(2025, 1, 1);
        let every_day = (0..=u64::from(MAX_DAYS_WITHOUT_WORK) + 10)
            .filter_map(|k| start.checked_add_days(Days::new(k)))
            .map(|day| (day, DayKind::Holiday));
        let calendar = WorkCalendar::new(every_day);
        let gave_up_on = start.checked_add_days(Days::new(u64::from(MAX_DAYS_WITHOUT_WORK)));
        assert_eq!(Some(calendar.add_working_days(start, 1)), gave_up_on);
        assert_eq!(calendar.add_working_days(NaiveDate::MAX, 3), NaiveDate::MAX);
    }

    fn day_in_2023_to_2026() -> impl Strategy<Value = NaiveDate> {
        (0u64..1461).prop_map(|k| {
            date(2023, 1, 1)
                .checked_add_days(Days::new(k))
                .unwrap_or(NaiveDate::MIN)
        })
    }

    proptest! {
        #[test]
        fn counting_agrees_with_adding(start in day_in_2023_to_2026(), n in 0u32..60) {
            let calendar = WorkCalendar::official();
            let due = calendar.add_working_days(start, n);
            prop_assert_eq!(calendar.working_days_between(start, due), n);
            prop_assert!(n == 0 || calendar.is_working_day(due));
        }

        #[test]
        fn counting_agrees_with_looking_at_each_day(
            from in day_in_2023_to_2026(),
            to in day_in_2023_to_2026(),
        ) {
            let calendar = WorkCalendar::official();
            let by_hand = from
                .iter_days()
                .skip(1)
                .take_while(|day| *day <= to)
                .filter(|day| calendar.is_working_day(*day))
                .count();
            prop_assert_eq!(calendar.working_days_between(from, to) as usize, by_hand);
        }
    }
}
