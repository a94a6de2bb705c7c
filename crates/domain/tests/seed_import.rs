//! The Trường Xuân 2023 resolution, as its portal prints it, read as a careful reader would.

use chrono::NaiveDate;
use domain::import::import_resolution;
use domain::measure::{Comparator, Direction, Measure};
use domain::resolution::{ImportError, ImportedResolution};

const SEED: &str = include_str!("../../../fixtures/truong-xuan-2023.txt");

fn seed() -> Result<ImportedResolution, ImportError> {
    import_resolution(SEED)
}

/// Comparator, value, value_max, unit.
type Expected = (Comparator, Option<f64>, Option<f64>, Option<&'static str>);

const fn m(comparator: Comparator, value: f64, unit: Option<&'static str>) -> Expected {
    (comparator, Some(value), None, unit)
}

const QUALITATIVE: Expected = (Comparator::Qualitative, None, None, None);

use Comparator::{Eq, Gt, Gte, Lt};

const PERCENT: Option<&str> = Some("%");

/// The measures of targets 1..29, in order.
const EXPECTED: [&[Expected]; 29] = [
    /* 1 */ &[m(Gt, 170.5, Some("tỷ đồng"))],
    /* 2 */ &[m(Gt, 9850.0, Some("tấn"))],
    /* 3 */ &[m(Gt, 9.0, Some("ha"))],
    /* 4 */ &[m(Gt, 205_000.0, Some("con"))],
    /* 5 */ &[m(Gte, 9.0, Some("doanh nghiệp"))],
    // "vượt 8% trở lên so với kế hoạch": what is counted is how far revenue goes beyond the
    // district's plan, at least 8 %.
    /* 6 */
    &[m(Gte, 8.0, PERCENT)],
    /* 7 */ &[m(Gte, 58.0, Some("triệu đồng/người/năm"))],
    /* 8 */ &[QUALITATIVE],
    /* 9 */ &[m(Gt, 92.0, PERCENT)],
    /* 10 */ &[m(Lt, 0.5, PERCENT)],
    /* 11 */ &[m(Gt, 96.0, PERCENT), m(Gt, 42.0, Some("người"))],
    /* 12 */ &[m(Lt, 10.5, PERCENT), m(Lt, 17.9, PERCENT)],
    /* 13 */ &[m(Gt, 91.0, PERCENT)],
    /* 14 */ &[m(Eq, 13.0, None)],
    /* 15 */ &[m(Eq, 1.0, None)],
    /* 16 */ &[m(Gte, 6.0, Some("hộ"))],
    /* 17 */ &[m(Lt, 27.0, PERCENT), m(Gt, 81.0, PERCENT)],
    /* 18 */ &[m(Gte, 160.0, None), m(Gt, 14.0, None)],
    /* 19 */ &[m(Gte, 3.0, PERCENT), m(Gte, 5.0, PERCENT)],
    /* 20 */ &[m(Gt, 60.0, PERCENT), m(Gt, 60.0, PERCENT)],
    /* 21 */ &[m(Gte, 0.48, Some("ha"))],
    /* 22 */ &[m(Eq, 100.0, PERCENT), m(Gt, 95.0, PERCENT)],
    /* 23 */ &[m(Gt, 98.3, PERCENT)],
    /* 24 */ &[QUALITATIVE],
    /* 25 */ &[m(Gte, 13.0, Some("thôn")), QUALITATIVE],
    /* 26 */ &[QUALITATIVE],
    /* 27 */ &[QUALITATIVE],
    /* 28 */ &[m(Gte, 18.0, Some("Đảng viên"))],
    // 100% of cells complete their tasks or better; of them at least 80% complete them well;
    // more than 80% of members complete them well; the committee completes them excellently.
    /* 29 */
    &[
        m(Gte, 100.0, PERCENT),
        m(Gte, 80.0, PERCENT),
        m(Gt, 80.0, PERCENT),
        QUALITATIVE,
    ],
];

/// Comparator, value, value_max, unit, as owned values to compare with what was read.
type Summary = (Comparator, Option<f64>, Option<f64>, Option<String>);

fn summary(measure: &Measure) -> Summary {
    (
        measure.comparator,
        measure.value,
        measure.value_max,
        measure.unit.clone(),
    )
}

fn owned(expected: &Expected) -> Summary {
    (
        expected.0,
        expected.1,
        expected.2,
        expected.3.map(str::to_owned),
    )
}

#[test]
fn seed_targets_are_read_as_a_careful_reader_would() -> Result<(), ImportError> {
    let resolution = seed()?;
    assert_eq!(resolution.targets.len(), 29);
    for (target, expected) in resolution.targets.iter().zip(EXPECTED) {
        let found: Vec<Summary> = target.measures.iter().map(summary).collect();
        let expected: Vec<Summary> = expected.iter().map(owned).collect();
        assert_eq!(found, expected, "target {}: {}", target.number, target.text);
        for measure in &target.measures {
            assert!(
                !measure.needs_review,
                "target {} needs review: {measure:?}",
                target.number
            );
            let expected_direction = match measure.comparator {
                Comparator::Lt | Comparator::Lte => Direction::LowerIsBetter,
                _ => Direction::HigherIsBetter,
            };
            assert_eq!(
                measure.direction, expected_direction,
                "target {}",
                target.number
            );
            assert!(!measure.label.is_empty(), "target {}", target.number);
        }
    }
    Ok(())
}

#[test]
fn seed_labels_keep_the_words_of_the_resolution() -> Result<(), ImportError> {
    let resolution = seed()?;
    let label = |target: usize, measure: usize| {
        resolution.targets[target - 1].measures[measure]
            .label
            .clone()
    };
    assert_eq!(
        label(1, 0),
        "Giá trị sản xuất nông, lâm, nghiệp và thủy sản"
    );
    assert_eq!(label(6, 0), "Thu ngân sách vượt so với kế hoạch huyện giao");
    assert_eq!(label(11, 1), "Số người tham gia BHXH tự nguyện");
    assert_eq!(
        label(12, 0),
        "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng: Thể cân nặng/tuổi"
    );
    assert_eq!(
        label(12, 1),
        "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng: Thể thấp còi/tuổi"
    );
    assert_eq!(label(16, 0), "Giảm hộ nghèo");
    assert_eq!(label(17, 0), "Tỷ lệ lao động nông nghiệp");
    assert_eq!(label(20, 1), "Số hồ sơ giải quyết trực tuyến: mức độ 4");
    assert_eq!(label(25, 1), "xã đạt chuẩn về An ninh trật tự");
    assert_eq!(
        label(27, 0),
        "Tổ chức kỷ niệm 85 năm ngày truyền thống Đảng bộ xã"
    );
    Ok(())
}

#[test]
fn seed_wrapped_targets_are_joined_with_one_space() -> Result<(), ImportError> {
    let resolution = seed()?;
    assert_eq!(
        resolution.targets[10].text,
        "Tỷ lệ người dân tham gia BHYT trên 96%; Số người tham gia BHXH tự nguyện đạt trên 42 người;"
    );
    assert_eq!(
        resolution.targets[11].text,
        "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng: Thể cân nặng/tuổi dưới 10,5%; Thể thấp còi/tuổi dưới 17,9%;"
    );
    assert_eq!(
        resolution.targets[0].text,
        "Giá trị sản xuất nông, lâm, nghiệp và thủy sản đạt trên 170,5 tỷ đồng;"
    );
    Ok(())
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn import_keeps_the_text_of_every_target() -> Result<(), ImportError> {
    let resolution = seed()?;
    let input = collapse(SEED);
    for (index, target) in resolution.targets.iter().enumerate() {
        assert_eq!(target.number as usize, index + 1);
        assert!(
            input.contains(&collapse(&target.text)),
            "target {} is not verbatim: {}",
            target.number,
            target.text
        );
        assert_eq!(target.text, target.text.trim(), "target {}", target.number);
        assert!(!target.text.contains('\n'));
    }
    // The longest target keeps every sentence, up to its last word.
    assert!(
        resolution.targets[28]
            .text
            .ends_with("Đảng bộ phấn đấu hoàn thành xuất xắc nhiệm vụ.")
    );
    Ok(())
}

#[test]
fn seed_document_fields_are_read() -> Result<(), ImportError> {
    let resolution = seed()?;
    assert_eq!(
        resolution.title,
        "NGHỊ QUYẾT CỦA ĐẢNG ỦY XÃ TRƯỜNG XUÂN VỀ MỤC TIÊU, PHƯƠNG HƯỚNG NHIỆM VỤ NĂM 2023"
    );
    assert_eq!(resolution.adopted_on, NaiveDate::from_ymd_opt(2023, 1, 7));
    assert_eq!(
        resolution.posted_at,
        NaiveDate::from_ymd_opt(2023, 3, 13).and_then(|d| d.and_hms_opt(14, 51, 27))
    );
    assert_eq!(resolution.year, Some(2023));
    assert_eq!(
        resolution.issuing_body.as_deref(),
        Some("Ban chấp hành Đảng bộ xã Trường Xuân")
    );
    // The seed has no number of its own: "05-NQ/TU" is a provincial resolution it cites.
    assert_eq!(resolution.document_number, None);
    assert_eq!(
        resolution.source.as_deref(),
        Some("Nguyễn Quang Lĩnh: ĐUV,  Phó CNKTĐU, Công chức VP - TK")
    );
    Ok(())
}

#[test]
fn seed_sections_are_the_roman_numbered_parts_of_the_first_copy() -> Result<(), ImportError> {
    let resolution = seed()?;
    let headings: Vec<(&str, &str)> = resolution
        .sections
        .iter()
        .map(|s| (s.number.as_str(), s.heading.as_str()))
        .collect();
    assert_eq!(
        headings,
        [
            ("I", "ĐÁNH GIÁ CHUNG"),
            ("II", "MỤC TIÊU"),
            ("III", "GIẢI PHÁP TỔ CHỨC THỰC HIỆN")
        ]
    );
    let [first, second, third] = &resolution.sections[..] else {
        panic!("three sections expected");
    };
    assert!(
        first
            .body
            .starts_with("Trong năm 2022 Đảng bộ, chính quyền")
    );
    assert!(!first.body.contains("II. MỤC TIÊU"));
    assert!(second.body.starts_with("1.Mục tiêu chung:"));
    assert!(second.body.contains("29-"));
    assert!(
        third
            .body
            .ends_with("Phấn đấu xây dựng Đảng bộ hoàn thành suất xắc nhiệm vụ năm 2023./.")
    );
    // Page furniture is in no section: the source line, the repeated copy, the TTHC contact.
    for section in &resolution.sections {
        assert!(!section.body.contains("Nguồn"));
        assert!(!section.body.contains("THỦ TỤC HÀNH CHÍNH"));
        assert!(!section.body.contains("truongxuan.thoxuan@thanhhoa.gov.vn"));
        assert!(!section.body.contains("Đăng lúc"));
    }
    Ok(())
}

#[test]
fn the_repeated_copy_is_ignored_with_a_warning() -> Result<(), ImportError> {
    let resolution = seed()?;
    assert!(
        resolution
            .warnings
            .iter()
            .any(|w| w.contains("twice") && w.contains("line 199")),
        "{:?}",
        resolution.warnings
    );
    assert_eq!(resolution.targets.len(), 29);
    assert_eq!(resolution.sections.len(), 3);
    // The visit counter and the contact block are neither sections nor targets.
    assert!(
        resolution
            .targets
            .iter()
            .all(|t| !t.text.contains("174989") && !t.text.contains("SĐT"))
    );
    Ok(())
}

#[test]
fn full_text_keeps_the_whole_input_in_nfc() -> Result<(), ImportError> {
    let resolution = seed()?;
    assert_eq!(resolution.full_text, SEED);
    Ok(())
}
