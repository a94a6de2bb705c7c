//! Evaluation of targets against reported results, and the scorecard of a resolution.
//!
//! - A measure is **met** when its comparator holds for the reported value (a qualitative
//!   measure: reported as achieved), and **exceeded** when it is met and strictly better than
//!   the target value in its direction. So a met `trên` (gt) or `dưới` (lt) measure is always
//!   exceeded ("đạt và vượt"), a `từ ... trở lên` (gte) measure reached exactly is met, not
//!   exceeded, and an `=` measure is never exceeded.
//! - `between` (từ X đến Y) is met inside the range, bounds included, and never exceeded: the
//!   plan is the range, and a result outside it on either side is outside the plan. A range
//!   whose upper end is only an aspiration should be edited into a `gte` measure.
//! - Attainment percent is actual / target x 100, or target / actual x 100 for a
//!   lower-is-better measure (the low end of a range, or its high end when lower is better).
//!   There is none when the divisor is zero or either number is negative: an actual of 0 on a
//!   lower-is-better measure is exceeded (when below a positive target) with no percent.
//! - A measure that needs review, or with no report, or with a report of the wrong kind (a
//!   number for a qualitative measure, yes/no for a numeric one, a non-finite number) is
//!   not reported.
//! - A target is met when all its measures are met (exceeded counts as met), exceeded when
//!   it is met and one of its measures is exceeded, not met as soon as one reported measure is
//!   not met, and otherwise not reported.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::measure::{Comparator, Direction, Measure};

/// What a progress report says: a number, or achieved yes/no for a qualitative measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    Value(f64),
    Achieved(bool),
}

/// A progress report on one measure for one period, as the scorecard needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: i64,
    pub outcome: Outcome,
    /// A final figure rather than an estimate.
    pub is_final: bool,
    pub reported_at: DateTime<Utc>,
}

/// Per measure and period: the latest final report, else the latest estimate (ties: higher id).
pub fn select_report(reports: &[Report]) -> Option<&Report> {
    let latest = |finals: bool| {
        reports
            .iter()
            .filter(|r| r.is_final == finals)
            .max_by(|a, b| a.reported_at.cmp(&b.reported_at).then(a.id.cmp(&b.id)))
    };
    latest(true).or_else(|| latest(false))
}

/// Where a measure or a target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Exceeded,
    Met,
    NotMet,
    NotReported,
}

/// The evaluation of one measure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeasureResult {
    pub status: Status,
    /// Actual / target x 100 (target / actual when lower is better), when it means something.
    pub attainment_percent: Option<f64>,
}

impl MeasureResult {
    const NOT_REPORTED: Self = Self {
        status: Status::NotReported,
        attainment_percent: None,
    };
}

/// Evaluates one measure against its selected outcome.
pub fn evaluate_measure(measure: &Measure, outcome: Option<&Outcome>) -> MeasureResult {
    if measure.needs_review {
        return MeasureResult::NOT_REPORTED;
    }
    let Some(outcome) = outcome else {
        return MeasureResult::NOT_REPORTED;
    };
    match (measure.comparator, *outcome) {
        (Comparator::Qualitative, Outcome::Achieved(achieved)) => MeasureResult {
            status: if achieved {
                Status::Met
            } else {
                Status::NotMet
            },
            attainment_percent: None,
        },
        (Comparator::Qualitative, Outcome::Value(_)) | (_, Outcome::Achieved(_)) => {
            MeasureResult::NOT_REPORTED
        }
        (comparator, Outcome::Value(actual)) => {
            if !actual.is_finite() {
                return MeasureResult::NOT_REPORTED;
            }
            evaluate_value(measure, comparator, actual).unwrap_or(MeasureResult::NOT_REPORTED)
        }
    }
}

fn evaluate_value(measure: &Measure, comparator: Comparator, actual: f64) -> Option<MeasureResult> {
    let target = measure.value.filter(|v| v.is_finite())?;
    let better = |a: f64, b: f64| match measure.direction {
        Direction::HigherIsBetter => a > b,
        Direction::LowerIsBetter => a < b,
    };
    let (met, exceeded, reference) = match comparator {
        Comparator::Gt => (actual > target, better(actual, target), target),
        Comparator::Gte => (actual >= target, better(actual, target), target),
        Comparator::Lt => (actual < target, better(actual, target), target),
        Comparator::Lte => (actual <= target, better(actual, target), target),
        Comparator::Eq => (nearly_equal(actual, target), false, target),
        Comparator::Between => {
            let high = measure.value_max.filter(|v| v.is_finite())?;
            let (low, high) = if target <= high {
                (target, high)
            } else {
                (high, target)
            };
            let reference = match measure.direction {
                Direction::HigherIsBetter => low,
                Direction::LowerIsBetter => high,
            };
            (low <= actual && actual <= high, false, reference)
        }
        Comparator::Qualitative => return None,
    };
    let status = match (met, exceeded) {
        (true, true) => Status::Exceeded,
        (true, false) => Status::Met,
        (false, _) => Status::NotMet,
    };
    Some(MeasureResult {
        status,
        attainment_percent: attainment(measure.direction, actual, reference),
    })
}

/// Values typed as "13" and parsed from "13" compare equal; only rounding noise is forgiven.
fn nearly_equal(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn attainment(direction: Direction, actual: f64, target: f64) -> Option<f64> {
    let (numerator, denominator) = match direction {
        Direction::HigherIsBetter => (actual, target),
        Direction::LowerIsBetter => (target, actual),
    };
    if denominator <= 0.0 || numerator < 0.0 {
        return None;
    }
    Some(numerator / denominator * 100.0).filter(|p| p.is_finite())
}

/// The status of a target from the results of its measures.
pub fn evaluate_target(measures: &[MeasureResult]) -> Status {
    let statuses = || measures.iter().map(|m| m.status);
    if statuses().any(|s| s == Status::NotMet) {
        Status::NotMet
    } else if measures.is_empty() || statuses().any(|s| s == Status::NotReported) {
        Status::NotReported
    } else if statuses().any(|s| s == Status::Exceeded) {
        Status::Exceeded
    } else {
        Status::Met
    }
}

/// The counts of a scorecard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub total: u32,
    /// Met, exceeded ones included: "hoàn thành 29/29 chỉ tiêu, 7/29 vượt".
    pub met: u32,
    pub exceeded: u32,
    pub not_met: u32,
    pub not_reported: u32,
}

/// Counts targets by status.
pub fn tally(targets: &[Status]) -> Tally {
    targets.iter().fold(Tally::default(), |mut tally, status| {
        tally.total += 1;
        match status {
            Status::Exceeded => {
                tally.met += 1;
                tally.exceeded += 1;
            }
            Status::Met => tally.met += 1,
            Status::NotMet => tally.not_met += 1,
            Status::NotReported => tally.not_reported += 1,
        }
        tally
    })
}

/// Why a progress report does not fit its measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProgressError {
    #[error("the measure needs review: correct its comparator and value before reporting a number")]
    NeedsReview,
    #[error("the measure is qualitative: report achieved yes or no, not a number")]
    QualitativeNeedsAchieved,
    #[error("the measure is numeric: report a value, not achieved yes or no")]
    NumericNeedsValue,
    #[error("the value must be a finite number")]
    NotFinite,
}

/// Whether a report fits its measure: a number for a measure that needs review, a number for a qualitative measure, or achieved yes/no for a numeric one are refused.
pub fn check_outcome(measure: &Measure, outcome: &Outcome) -> Result<(), ProgressError> {
    match (*outcome, measure.comparator) {
        (Outcome::Value(value), _) if !value.is_finite() => Err(ProgressError::NotFinite),
        (Outcome::Value(_), _) if measure.needs_review => Err(ProgressError::NeedsReview),
        (Outcome::Value(_), Comparator::Qualitative) => {
            Err(ProgressError::QualitativeNeedsAchieved)
        }
        (Outcome::Value(_), _) => Ok(()),
        (Outcome::Achieved(_), Comparator::Qualitative) => Ok(()),
        (Outcome::Achieved(_), _) => Err(ProgressError::NumericNeedsValue),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn measure(comparator: Comparator, value: Option<f64>, direction: Direction) -> Measure {
        Measure {
            label: "Giá trị sản xuất".to_owned(),
            comparator,
            value,
            value_max: None,
            unit: Some("tỷ đồng".to_owned()),
            direction,
            needs_review: false,
        }
    }

    fn higher(comparator: Comparator, value: f64) -> Measure {
        measure(comparator, Some(value), Direction::HigherIsBetter)
    }

    fn lower(comparator: Comparator, value: f64) -> Measure {
        measure(comparator, Some(value), Direction::LowerIsBetter)
    }

    fn status(m: &Measure, actual: f64) -> Status {
        evaluate_measure(m, Some(&Outcome::Value(actual))).status
    }

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2023, 12, day, hour, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn report(id: i64, is_final: bool, day: u32) -> Report {
        Report {
            id,
            outcome: Outcome::Value(id as f64),
            is_final,
            reported_at: at(day, 9),
        }
    }

    #[test]
    fn the_latest_final_report_wins_over_later_estimates() {
        let reports = [
            report(1, true, 10),
            report(2, true, 20),
            report(3, false, 25),
        ];
        assert_eq!(select_report(&reports).map(|r| r.id), Some(2));
    }

    #[test]
    fn without_a_final_report_the_latest_estimate_counts() {
        let reports = [
            report(4, false, 5),
            report(5, false, 15),
            report(6, false, 1),
        ];
        assert_eq!(select_report(&reports).map(|r| r.id), Some(5));
        assert_eq!(select_report(&[]), None);
    }

    #[test]
    fn reports_at_the_same_time_are_ordered_by_id() {
        let reports = [
            report(8, true, 10),
            report(9, true, 10),
            report(7, true, 10),
        ];
        assert_eq!(select_report(&reports).map(|r| r.id), Some(9));
    }

    #[test]
    fn a_met_tren_measure_is_exceeded() {
        let m = higher(Comparator::Gt, 170.5);
        let result = evaluate_measure(&m, Some(&Outcome::Value(175.2)));
        assert_eq!(result.status, Status::Exceeded);
        assert!(
            result
                .attainment_percent
                .is_some_and(|p| (p - 175.2 / 170.5 * 100.0).abs() < 1e-9)
        );
        assert_eq!(status(&m, 170.5), Status::NotMet);
        assert_eq!(status(&m, 100.0), Status::NotMet);
    }

    #[test]
    fn a_gte_measure_reached_exactly_is_met_not_exceeded() {
        let m = higher(Comparator::Gte, 9.0);
        let exact = evaluate_measure(&m, Some(&Outcome::Value(9.0)));
        assert_eq!(exact.status, Status::Met);
        assert_eq!(exact.attainment_percent, Some(100.0));
        assert_eq!(status(&m, 12.0), Status::Exceeded);
        assert_eq!(status(&m, 8.0), Status::NotMet);
    }

    #[test]
    fn a_met_duoi_measure_is_exceeded_and_attainment_is_inverted() {
        let m = lower(Comparator::Lt, 0.5);
        let result = evaluate_measure(&m, Some(&Outcome::Value(0.4)));
        assert_eq!(result.status, Status::Exceeded);
        assert!(
            result
                .attainment_percent
                .is_some_and(|p| (p - 125.0).abs() < 1e-9)
        );
        assert_eq!(status(&m, 0.5), Status::NotMet);
    }

    #[test]
    fn a_lte_measure_reached_exactly_is_met() {
        let m = lower(Comparator::Lte, 3.0);
        assert_eq!(status(&m, 3.0), Status::Met);
        assert_eq!(status(&m, 2.0), Status::Exceeded);
        assert_eq!(status(&m, 4.0), Status::NotMet);
    }

    #[test]
    fn an_actual_of_zero_on_a_lower_is_better_measure_is_exceeded_without_percent() {
        let m = lower(Comparator::Lte, 3.0);
        let result = evaluate_measure(&m, Some(&Outcome::Value(0.0)));
        assert_eq!(
            result,
            MeasureResult {
                status: Status::Exceeded,
                attainment_percent: None
            }
        );
    }

    #[test]
    fn a_target_of_zero_gives_no_percent() {
        let m = higher(Comparator::Gte, 0.0);
        let result = evaluate_measure(&m, Some(&Outcome::Value(5.0)));
        assert_eq!(
            result,
            MeasureResult {
                status: Status::Exceeded,
                attainment_percent: None
            }
        );
    }

    #[test]
    fn an_equal_measure_is_met_only_when_equal_and_never_exceeded() {
        let m = higher(Comparator::Eq, 13.0);
        assert_eq!(status(&m, 13.0), Status::Met);
        assert_eq!(status(&m, 14.0), Status::NotMet);
        assert_eq!(status(&m, 12.0), Status::NotMet);
    }

    #[test]
    fn a_range_is_met_inside_and_never_exceeded() {
        let m = Measure {
            value_max: Some(8.0),
            ..higher(Comparator::Between, 7.5)
        };
        assert_eq!(status(&m, 7.5), Status::Met);
        assert_eq!(status(&m, 7.8), Status::Met);
        assert_eq!(status(&m, 8.0), Status::Met);
        assert_eq!(status(&m, 8.5), Status::NotMet);
        assert_eq!(status(&m, 7.0), Status::NotMet);
        let percent = evaluate_measure(&m, Some(&Outcome::Value(7.5))).attainment_percent;
        assert_eq!(percent, Some(100.0));
    }

    #[test]
    fn a_qualitative_measure_is_met_when_achieved() {
        let m = measure(Comparator::Qualitative, None, Direction::HigherIsBetter);
        assert_eq!(
            evaluate_measure(&m, Some(&Outcome::Achieved(true))).status,
            Status::Met
        );
        assert_eq!(
            evaluate_measure(&m, Some(&Outcome::Achieved(false))).status,
            Status::NotMet
        );
        assert_eq!(
            evaluate_measure(&m, Some(&Outcome::Value(1.0))).status,
            Status::NotReported
        );
    }

    #[test]
    fn no_report_or_a_measure_that_needs_review_is_not_reported() {
        let m = higher(Comparator::Gt, 96.0);
        assert_eq!(evaluate_measure(&m, None), MeasureResult::NOT_REPORTED);
        let unsure = Measure {
            needs_review: true,
            ..m.clone()
        };
        assert_eq!(
            evaluate_measure(&unsure, Some(&Outcome::Value(99.0))),
            MeasureResult::NOT_REPORTED
        );
        assert_eq!(
            evaluate_measure(&m, Some(&Outcome::Achieved(true))).status,
            Status::NotReported
        );
        assert_eq!(
            evaluate_measure(&m, Some(&Outcome::Value(f64::NAN))).status,
            Status::NotReported
        );
    }

    fn result(status: Status) -> MeasureResult {
        MeasureResult {
            status,
            attainment_percent: None,
        }
    }

    #[test]
    fn a_target_is_met_when_all_its_measures_are_met() {
        assert_eq!(
            evaluate_target(&[result(Status::Met), result(Status::Met)]),
            Status::Met
        );
    }

    #[test]
    fn a_met_target_with_an_exceeded_measure_is_exceeded() {
        assert_eq!(
            evaluate_target(&[result(Status::Met), result(Status::Exceeded)]),
            Status::Exceeded
        );
        assert_eq!(
            evaluate_target(&[result(Status::Exceeded)]),
            Status::Exceeded
        );
    }

    #[test]
    fn one_reported_measure_not_met_makes_the_target_not_met() {
        let measures = [
            result(Status::Exceeded),
            result(Status::NotMet),
            result(Status::NotReported),
        ];
        assert_eq!(evaluate_target(&measures), Status::NotMet);
    }

    #[test]
    fn a_target_with_a_measure_not_reported_is_not_reported() {
        assert_eq!(
            evaluate_target(&[result(Status::Met), result(Status::NotReported)]),
            Status::NotReported
        );
        assert_eq!(evaluate_target(&[]), Status::NotReported);
    }

    #[test]
    fn the_2022_result_of_the_seed_tallies_29_met_and_7_exceeded() {
        let mut targets = vec![Status::Exceeded; 7];
        targets.extend(vec![Status::Met; 22]);
        assert_eq!(
            tally(&targets),
            Tally {
                total: 29,
                met: 29,
                exceeded: 7,
                not_met: 0,
                not_reported: 0
            }
        );
    }

    #[test]
    fn tally_counts_every_status() {
        let targets = [
            Status::Met,
            Status::NotMet,
            Status::NotReported,
            Status::Exceeded,
            Status::NotReported,
        ];
        assert_eq!(
            tally(&targets),
            Tally {
                total: 5,
                met: 2,
                exceeded: 1,
                not_met: 1,
                not_reported: 2
            }
        );
        assert_eq!(tally(&[]), Tally::default());
    }

    #[test]
    fn statuses_serialize_in_snake_case() {
        let json = serde_json::to_string(&[
            Status::Exceeded,
            Status::Met,
            Status::NotMet,
            Status::NotReported,
        ]);
        assert_eq!(
            json.unwrap_or_default(),
            r#"["exceeded","met","not_met","not_reported"]"#
        );
    }

    #[test]
    fn reports_that_do_not_fit_the_measure_are_refused() {
        let numeric = higher(Comparator::Gt, 96.0);
        let qualitative = measure(Comparator::Qualitative, None, Direction::HigherIsBetter);
        let unsure = Measure {
            needs_review: true,
            ..numeric.clone()
        };
        assert_eq!(check_outcome(&numeric, &Outcome::Value(97.0)), Ok(()));
        assert_eq!(
            check_outcome(&qualitative, &Outcome::Achieved(true)),
            Ok(())
        );
        assert_eq!(
            check_outcome(&unsure, &Outcome::Value(97.0)),
            Err(ProgressError::NeedsReview)
        );
        assert_eq!(
            check_outcome(&qualitative, &Outcome::Value(1.0)),
            Err(ProgressError::QualitativeNeedsAchieved)
        );
        assert_eq!(
            check_outcome(&numeric, &Outcome::Achieved(true)),
            Err(ProgressError::NumericNeedsValue)
        );
        assert_eq!(
            check_outcome(&numeric, &Outcome::Value(f64::INFINITY)),
            Err(ProgressError::NotFinite)
        );
    }
}
