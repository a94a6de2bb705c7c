//! Resolutions of other communes: other headers, list styles and phrasing.

use chrono::NaiveDate;
use domain::import::import_resolution;
use domain::measure::{Comparator, Direction};
use domain::resolution::{ImportError, ImportedResolution};
use proptest::prelude::*;

/// A people's council resolution: two-column header, "Điều" articles, grouped `-` lists.
const PEOPLES_COUNCIL: &str = "HỘI ĐỒNG NHÂN DÂN\r
XÃ PHÚ LỘC\r
Số: 12/NQ-HĐND\r
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\r
Độc lập - Tự do - Hạnh phúc\r
Phú Lộc, ngày 20 tháng 12 năm 2023\r
\r
NGHỊ QUYẾT\r
Về nhiệm vụ phát triển kinh tế - xã hội năm 2024\r
\r
HỘI ĐỒNG NHÂN DÂN XÃ PHÚ LỘC\r
KHÓA XXI, KỲ HỌP THỨ 8\r
\r
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\r
Căn cứ Nghị quyết số 05-NQ/TU của Ban Chấp hành Đảng bộ tỉnh;\r
Xét Tờ trình số 45/TTr-UBND ngày 10/12/2023 của Ủy ban nhân dân xã;\r
\r
QUYẾT NGHỊ:\r
\r
Điều 1. Thông qua mục tiêu, chỉ tiêu và nhiệm vụ, giải pháp phát triển kinh tế - xã hội năm 2024 như sau:\r
1. Mục tiêu tổng quát\r
Tiếp tục phát triển kinh tế nhanh và bền vững.\r
2. Các chỉ tiêu chủ yếu\r
a) Về kinh tế:\r
- Tổng giá trị sản xuất đạt 520 tỷ đồng, tăng 8,5% so với năm 2023;\r
- Thu nhập bình quân đầu người đạt 62 triệu\r
đồng/người/năm;\r
- Thu ngân sách nhà nước trên địa bàn tối thiểu 5 tỷ đồng.\r
b) Về văn hóa - xã hội:\r
- Tỷ lệ hộ nghèo giảm xuống còn dưới 2%;\r
- Tỷ lệ tham gia bảo hiểm y tế từ 95% đến 97%;\r
- Tỷ lệ trường đạt chuẩn quốc gia ≥ 80%.\r
c) Về môi trường:\r
- Tỷ lệ che phủ rừng: 52%;\r
- Không quá 3 vụ cháy rừng.\r
3. Nhiệm vụ và giải pháp chủ yếu\r
- Tập trung chỉ đạo sản xuất nông nghiệp.\r
- Đẩy mạnh cải cách hành chính.\r
Điều 2. Tổ chức thực hiện\r
Giao Ủy ban nhân dân xã tổ chức thực hiện Nghị quyết.\r
Nghị quyết này đã được Hội đồng nhân dân xã Phú Lộc khóa XXI, kỳ họp thứ 8 thông qua ngày 20 tháng 12 năm 2023 và có hiệu lực từ ngày ký./.\r
";

fn import(text: &str) -> Result<ImportedResolution, ImportError> {
    import_resolution(text)
}

fn texts(resolution: &ImportedResolution) -> Vec<&str> {
    resolution.targets.iter().map(|t| t.text.as_str()).collect()
}

#[test]
fn a_peoples_council_resolution_gives_its_fields_and_grouped_targets() -> Result<(), ImportError> {
    let r = import(PEOPLES_COUNCIL)?;
    assert_eq!(
        r.title,
        "NGHỊ QUYẾT Về nhiệm vụ phát triển kinh tế - xã hội năm 2024"
    );
    assert_eq!(r.document_number.as_deref(), Some("12/NQ-HĐND"));
    assert_eq!(
        r.issuing_body.as_deref(),
        Some("Hội đồng nhân dân xã Phú Lộc")
    );
    assert_eq!(r.adopted_on, NaiveDate::from_ymd_opt(2023, 12, 20));
    assert_eq!(r.posted_at, None);
    assert_eq!(r.year, Some(2024));
    assert_eq!(r.source, None);
    // The group headings "a) Về kinh tế:" are not targets, and the list ends at "3. Nhiệm vụ".
    assert_eq!(
        texts(&r),
        [
            "Tổng giá trị sản xuất đạt 520 tỷ đồng, tăng 8,5% so với năm 2023;",
            "Thu nhập bình quân đầu người đạt 62 triệu đồng/người/năm;",
            "Thu ngân sách nhà nước trên địa bàn tối thiểu 5 tỷ đồng.",
            "Tỷ lệ hộ nghèo giảm xuống còn dưới 2%;",
            "Tỷ lệ tham gia bảo hiểm y tế từ 95% đến 97%;",
            "Tỷ lệ trường đạt chuẩn quốc gia ≥ 80%.",
            "Tỷ lệ che phủ rừng: 52%;",
            "Không quá 3 vụ cháy rừng.",
        ]
    );
    let numbers: Vec<u32> = r.targets.iter().map(|t| t.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7, 8]);
    let first = &r.targets[0].measures;
    assert_eq!(first.len(), 2);
    assert_eq!(
        (first[0].comparator, first[0].value),
        (Comparator::Gte, Some(520.0))
    );
    assert_eq!(
        (first[1].comparator, first[1].value),
        (Comparator::Gte, Some(8.5))
    );
    assert_eq!(first[1].label, "Tổng giá trị sản xuất tăng so với năm 2023");
    let poverty = &r.targets[3].measures[0];
    assert_eq!(
        (poverty.comparator, poverty.value, poverty.direction),
        (Comparator::Lt, Some(2.0), Direction::LowerIsBetter)
    );
    let insurance = &r.targets[4].measures[0];
    assert_eq!(
        (insurance.comparator, insurance.value, insurance.value_max),
        (Comparator::Between, Some(95.0), Some(97.0))
    );
    let fires = &r.targets[7].measures[0];
    assert_eq!(
        (fires.comparator, fires.value, fires.unit.as_deref()),
        (Comparator::Lte, Some(3.0), Some("vụ"))
    );
    assert!(
        r.targets
            .iter()
            .flat_map(|t| &t.measures)
            .all(|m| !m.needs_review)
    );
    assert!(r.warnings.iter().any(|w| w.contains("no sections")));
    Ok(())
}

#[test]
fn an_enclosed_numbered_list_is_read() -> Result<(), ImportError> {
    let r = import(
        "NGHỊ QUYẾT CỦA ĐẢNG ỦY XÃ AN BÌNH VỀ NHIỆM VỤ NĂM 2024\n\
         I. ĐÁNH GIÁ KẾT QUẢ NĂM 2023\n\
         Năm 2023 hoàn thành 18/20 chỉ tiêu chủ yếu.\n\
         II. MỤC TIÊU, CHỈ TIÊU NĂM 2024\n\
         CÁC CHỈ TIÊU CHỦ YẾU:\n\
         (1) Thu ngân sách trên địa bàn tối thiểu 5 tỷ đồng;\n\
         (2) Tốc độ tăng trưởng kinh tế đạt từ 7,5 - 8,0%;\n\
         (3) Tỷ lệ hộ nghèo giảm xuống còn dưới 2%, hộ cận nghèo\n\
         dưới 4%;\n\
         (4) Duy trì xã đạt chuẩn nông thôn mới nâng cao.\n\
         III. NHIỆM VỤ, GIẢI PHÁP\n\
         1. Phát triển kinh tế\n\
         - Chuyển đổi cơ cấu cây trồng.\n",
    )?;
    assert_eq!(r.issuing_body.as_deref(), Some("Đảng ủy xã An Bình"));
    assert_eq!(r.year, Some(2024));
    assert_eq!(
        texts(&r),
        [
            "Thu ngân sách trên địa bàn tối thiểu 5 tỷ đồng;",
            "Tốc độ tăng trưởng kinh tế đạt từ 7,5 - 8,0%;",
            "Tỷ lệ hộ nghèo giảm xuống còn dưới 2%, hộ cận nghèo dưới 4%;",
            "Duy trì xã đạt chuẩn nông thôn mới nâng cao.",
        ]
    );
    let growth = &r.targets[1].measures[0];
    assert_eq!(
        (growth.comparator, growth.value, growth.value_max),
        (Comparator::Between, Some(7.5), Some(8.0))
    );
    assert_eq!(growth.unit.as_deref(), Some("%"));
    assert_eq!(r.targets[2].measures.len(), 2);
    assert_eq!(r.targets[3].measures[0].comparator, Comparator::Qualitative);
    let sections: Vec<&str> = r.sections.iter().map(|s| s.number.as_str()).collect();
    assert_eq!(sections, ["I", "II", "III"]);
    Ok(())
}

#[test]
fn an_inline_enumeration_is_split_into_targets() -> Result<(), ImportError> {
    let r = import(
        "NGHỊ QUYẾT VỀ NHIỆM VỤ NĂM 2024\n\
         I. MỤC TIÊU\n\
         2. Các chỉ tiêu chủ yếu: (1) Tốc độ tăng trưởng kinh tế đạt 8%; (2) Thu nhập bình quân \
         đầu người đạt 65 triệu đồng; (3) Tỷ lệ hộ nghèo dưới 1,5%.\n\
         II. GIẢI PHÁP\n",
    )?;
    assert_eq!(
        texts(&r),
        [
            "Tốc độ tăng trưởng kinh tế đạt 8%;",
            "Thu nhập bình quân đầu người đạt 65 triệu đồng;",
            "Tỷ lệ hộ nghèo dưới 1,5%.",
        ]
    );
    Ok(())
}

#[test]
fn a_dotted_list_ends_at_the_next_heading_numbered_like_its_own() -> Result<(), ImportError> {
    let r = import(
        "NGHỊ QUYẾT\n\
         CỦA ĐẢNG ỦY XÃ HÒA PHÚ\n\
         Về phương hướng, nhiệm vụ năm 2024\n\
         I. MỤC TIÊU\n\
         1. Mục tiêu chung: phát triển bền vững.\n\
         2. Các chỉ tiêu cụ thể:\n\
         1. Giá trị sản xuất nông nghiệp đạt trên 90 tỷ đồng.\n\
         2. Tỷ lệ che phủ rừng: 52%.\n\
         3. Kết nạp 10 đảng viên mới trở lên.\n\
         3. Nhiệm vụ, giải pháp\n\
         - Tăng cường lãnh đạo.\n\
         II. TỔ CHỨC THỰC HIỆN\n",
    )?;
    assert_eq!(
        r.title,
        "NGHỊ QUYẾT CỦA ĐẢNG ỦY XÃ HÒA PHÚ Về phương hướng, nhiệm vụ năm 2024"
    );
    assert_eq!(r.issuing_body.as_deref(), Some("Đảng ủy xã Hòa Phú"));
    assert_eq!(
        texts(&r),
        [
            "Giá trị sản xuất nông nghiệp đạt trên 90 tỷ đồng.",
            "Tỷ lệ che phủ rừng: 52%.",
            "Kết nạp 10 đảng viên mới trở lên.",
        ]
    );
    let cover = &r.targets[1].measures[0];
    assert_eq!(
        (cover.comparator, cover.value, cover.label.as_str()),
        (Comparator::Gte, Some(52.0), "Tỷ lệ che phủ rừng")
    );
    Ok(())
}

#[test]
fn plus_bullets_under_minus_group_headings_are_the_targets() -> Result<(), ImportError> {
    let r = import(
        "NGHỊ QUYẾT VỀ NHIỆM VỤ NĂM 2024\n\
         I. MỤC TIÊU\n\
         Các chỉ tiêu chủ yếu:\n\
         - Chỉ tiêu về kinh tế:\n\
         + Tổng sản lượng lương thực đạt 7.200 tấn trở lên;\n\
         + Thu nhập bình quân 60 triệu đồng/người/năm;\n\
         - Chỉ tiêu về xã hội:\n\
         + Tỷ lệ người dân tham gia BHYT đạt 95%;\n\
         + Tỷ lệ hộ nghèo dưới 1,5%.\n\
         II. GIẢI PHÁP\n\
         - Tăng cường công tác tuyên truyền.\n",
    )?;
    assert_eq!(
        texts(&r),
        [
            "Tổng sản lượng lương thực đạt 7.200 tấn trở lên;",
            "Thu nhập bình quân 60 triệu đồng/người/năm;",
            "Tỷ lệ người dân tham gia BHYT đạt 95%;",
            "Tỷ lệ hộ nghèo dưới 1,5%.",
        ]
    );
    let numbers: Vec<u32> = r.targets.iter().map(|t| t.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4]);
    Ok(())
}

#[test]
fn a_minus_bulleted_list_is_numbered_in_order() -> Result<(), ImportError> {
    let r = import(
        "NGHỊ QUYẾT VỀ NHIỆM VỤ NĂM 2024\n\
         CÁC CHỈ TIÊU CHỦ YẾU\n\
         - Tỷ lệ trường đạt chuẩn quốc gia ≥ 80%;\n\
         -\u{a0}Tỷ lệ hộ gia đình văn hóa từ 90% trở lên;\n\
         - Số người tham gia BHXH tự nguyện tăng thêm 30 người.\n\
         NHIỆM VỤ, GIẢI PHÁP\n\
         - Đẩy mạnh tuyên truyền.\n",
    )?;
    assert_eq!(r.targets.len(), 3);
    assert_eq!(
        r.targets[1].text,
        "Tỷ lệ hộ gia đình văn hóa từ 90% trở lên;"
    );
    assert_eq!(r.targets[2].number, 3);
    Ok(())
}

#[test]
fn a_heading_numbered_lower_than_the_next_target_ends_the_list() -> Result<(), ImportError> {
    let r = import(
        "Nghị quyết số 12/NQ-HĐND về nhiệm vụ năm 2024 của HĐND xã Phú Lộc\n\
         CÁC CHỈ TIÊU CHỦ YẾU\n\
         1. Tỷ lệ hộ nghèo dưới 2%;\n\
         2. Tỷ lệ che phủ rừng đạt 52%;\n\
         3. Thu nhập bình quân 65 triệu đồng/người/năm.\n\
         2. Nhiệm vụ, giải pháp chủ yếu\n\
         - Phát triển nông nghiệp hàng hóa.\n",
    )?;
    assert_eq!(r.targets.len(), 3);
    assert_eq!(r.document_number.as_deref(), Some("12/NQ-HĐND"));
    assert_eq!(r.year, Some(2024));
    assert!(r.targets[2].text.ends_with("triệu đồng/người/năm."));
    Ok(())
}

#[test]
fn a_paragraph_after_the_last_target_is_not_part_of_it() -> Result<(), ImportError> {
    let r = import(
        "NGHỊ QUYẾT VỀ NHIỆM VỤ NĂM 2024\n\
         Các chỉ tiêu cụ thể:\n\
         1- Tỷ lệ hộ nghèo dưới 2%;\n\
         2- Kết nạp 18 đảng viên mới trở lên;\n\
         Để thực hiện thắng lợi các mục tiêu trên, cần tập trung một số giải pháp:\n\
         - Tăng cường sự lãnh đạo của cấp ủy.\n",
    )?;
    assert_eq!(
        texts(&r),
        [
            "Tỷ lệ hộ nghèo dưới 2%;",
            "Kết nạp 18 đảng viên mới trở lên;"
        ]
    );
    Ok(())
}

#[test]
fn sub_points_announced_by_the_last_target_belong_to_it() -> Result<(), ImportError> {
    let r = import(
        "NGHỊ QUYẾT VỀ NHIỆM VỤ NĂM 2024\n\
         Các chỉ tiêu cụ thể:\n\
         1- Tỷ lệ hộ nghèo dưới 2%;\n\
         2- Công tác xây dựng Đảng:\n\
         + 100% chi bộ hoàn thành nhiệm vụ;\n\
         + Kết nạp 18 đảng viên mới.\n\
         II. GIẢI PHÁP\n",
    )?;
    assert_eq!(
        texts(&r),
        [
            "Tỷ lệ hộ nghèo dưới 2%;",
            "Công tác xây dựng Đảng: + 100% chi bộ hoàn thành nhiệm vụ; + Kết nạp 18 đảng viên mới.",
        ]
    );
    Ok(())
}

#[test]
fn a_text_without_a_target_list_imports_with_a_warning() -> Result<(), ImportError> {
    let r = import("NGHỊ QUYẾT VỀ CÔNG TÁC CÁN BỘ\nI. NỘI DUNG\nKiện toàn Ban chỉ đạo.\n")?;
    assert!(r.targets.is_empty());
    assert!(r.warnings.iter().any(|w| w.contains("no list of targets")));
    assert_eq!(r.sections.len(), 1);
    Ok(())
}

#[test]
fn empty_or_blank_text_is_refused_and_nul_too() {
    assert_eq!(import(""), Err(ImportError::Empty));
    assert_eq!(import(" \u{a0}\r\n\t \n"), Err(ImportError::Empty));
    assert_eq!(import("NGHỊ QUYẾT\0"), Err(ImportError::ContainsNul));
}

#[test]
fn decomposed_input_is_stored_in_nfc() -> Result<(), ImportError> {
    // "NGHỊ QUYẾT" written with combining marks.
    let decomposed = "NGHI\u{0323} QUYE\u{0302}\u{0301}T VE\u{0302}\u{0300} NHIE\u{0302}\u{0323}M VU\u{0323} NA\u{0306}M 2024\n";
    let r = import(decomposed)?;
    assert_eq!(r.title, "NGHỊ QUYẾT VỀ NHIỆM VỤ NĂM 2024");
    assert_eq!(r.full_text, "NGHỊ QUYẾT VỀ NHIỆM VỤ NĂM 2024\n");
    assert_eq!(r.year, Some(2024));
    Ok(())
}

#[test]
fn a_title_printed_twice_before_any_content_is_not_a_repeated_copy() -> Result<(), ImportError> {
    let r = import(
        "NGHỊ QUYẾT VỀ NHIỆM VỤ NĂM 2024\n\nNGHỊ QUYẾT VỀ NHIỆM VỤ NĂM 2024\nI. MỤC TIÊU\n\
         Các chỉ tiêu cụ thể:\n1- Tỷ lệ hộ nghèo dưới 2%\n",
    )?;
    assert_eq!(r.targets.len(), 1);
    assert!(!r.warnings.iter().any(|w| w.contains("twice")));
    Ok(())
}

const TARGET_TEXT: &str = "[A-ZĐa-zđàáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]\
     [A-Za-zđàáảãạăắằẳẵặâấầẩẫậêếềểễệôốồổỗộơớờởỡợưứừửữự0-9 ,;%:/.=≥-]{0,60}\
     [a-zđ0-9%;.]";

proptest! {
    // PROPTEST_CASES=200000 for a long run (docs/RELIABILITY.md).
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(200)
        ))]

    #[test]
    fn any_text_imports_without_panic(text in "\\PC{0,300}") {
        let _ = import_resolution(&text);
    }

    #[test]
    fn any_lines_import_without_panic(lines in proptest::collection::vec("[ \u{a0}]{0,3}(I\\.|II\\.|1-|1\\.|\\(1\\)|-|\\+|a\\)|NGHỊ QUYẾT|Các chỉ tiêu cụ thể:|Nguồn|Ngày 07/01/2023,)?[\\PC]{0,40}", 0..25)) {
        let text = lines.join("\n");
        if let Ok(resolution) = import_resolution(&text) {
            for target in &resolution.targets {
                prop_assert!(!target.measures.is_empty());
                prop_assert!(!target.text.contains('\n'));
            }
        }
    }

    #[test]
    fn any_target_text_gives_at_least_one_measure(text in "\\PC{0,120}") {
        prop_assert!(!domain::target_parser::parse_measures(&text).is_empty());
    }

    #[test]
    fn generated_lists_keep_every_target_text_verbatim(items in proptest::collection::vec(TARGET_TEXT, 1..6)) {
        let list: Vec<String> = items.iter().enumerate().map(|(i, text)| format!("{}- {text}", i + 1)).collect();
        let text = format!("NGHỊ QUYẾT VỀ NHIỆM VỤ NĂM 2024\n2. Các chỉ tiêu cụ thể:\n{}\n", list.join("\n"));
        let resolution = import_resolution(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let found: Vec<&str> = resolution.targets.iter().map(|t| t.text.as_str()).collect();
        let expected: Vec<&str> = items.iter().map(String::as_str).collect();
        prop_assert_eq!(found, expected);
    }
}
