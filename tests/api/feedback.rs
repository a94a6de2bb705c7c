//! Citizen feedback (phản ánh, kiến nghị) end to end: submission, tracking, the officials'
//! workflow, deadlines in working days, and personal data kept from everyone but officials.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use diesel::RunQueryDsl;
use e2e::{TestApp, TestOptions, TestResult, problem, spawn_app_with, spawn_on_database};
use serde_json::{Value, json};

type Failure = Box<dyn std::error::Error>;

const NAME: &str = "Nguyễn Thị Hồng Nhung";
const ADDRESS: &str = "Thôn Yên Trường, xã Trường Xuân, huyện Thọ Xuân, tỉnh Thanh Hóa";
const PHONE: &str = "0912 345 678";
/// The phone number as the server keeps it.
const PHONE_STORED: &str = "0912345678";
const EMAIL: &str = "hongnhung.thoxuan@gmail.com";
const SUBJECT: &str = "Chậm trả kết quả chứng thực bản sao";
const CONTENT: &str = "Ngày 06/3/2025 tôi nộp hồ sơ chứng thực bản sao giấy chứng nhận quyền sử dụng đất\n\
                       tại bộ phận một cửa của UBND xã. Cán bộ tiếp nhận yêu cầu nộp thêm 2,5 triệu đồng\n\
                       mà không có biên lai; đến nay đã quá hạn nhưng hồ sơ chưa có kết quả.";
const PROCEDURE: &str = "Chứng thực bản sao từ bản chính giấy tờ, văn bản";

/// A demo app that takes as many submissions as a test sends.
async fn spawn() -> Result<TestApp, Failure> {
    spawn_app_with(TestOptions::demo().with("FEEDBACK_RATE_LIMIT", "100000")).await
}

fn sample_submission() -> Value {
    json!({
        "commune": "truong-xuan",
        "kind": "phan_anh",
        "subject": SUBJECT,
        "content": CONTENT,
        "procedure": PROCEDURE,
        "submitter": {"name": NAME, "address": ADDRESS, "phone": PHONE, "email": EMAIL},
        "allow_publication": true
    })
}

/// The sample with one top-level field replaced.
fn sample_with(field: &str, value: Value) -> Value {
    let mut body = sample_submission();
    body[field] = value;
    body
}

async fn submit(app: &TestApp, body: &Value) -> reqwest::Result<reqwest::Response> {
    app.post_json("/api/v1/feedback", body).await
}

/// Submits and expects 201; returns the answer.
async fn submitted(app: &TestApp, body: &Value) -> Result<Value, Failure> {
    let response = submit(app, body).await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    assert_eq!(status, 201, "submission: {text}");
    Ok(serde_json::from_str(&text)?)
}

/// The tracking code of a new submission of the sample.
async fn submit_sample(app: &TestApp) -> Result<String, Failure> {
    let answer = submitted(app, &sample_submission()).await?;
    Ok(str_of(&answer["tracking_code"]))
}

fn str_of(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The (field, code) pairs of a validation problem.
fn fields(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| (str_of(&e["field"]), str_of(&e["code"])))
                .collect()
        })
        .unwrap_or_default()
}

fn assert_no_personal_data(text: &str, what: &str) {
    for secret in [
        NAME,
        ADDRESS,
        PHONE,
        PHONE_STORED,
        EMAIL,
        "Hồng Nhung",
        "hongnhung",
    ] {
        assert!(!text.contains(secret), "{what} shows {secret:?}: {text}");
    }
}

/// Tracks an item and returns the answer, after checking it is 200 and shows no personal data
/// and no content.
async fn tracked(app: &TestApp, code: &str) -> Result<Value, Failure> {
    let response = app.get(&format!("/api/v1/feedback/track/{code}")).await?;
    assert_eq!(response.status().as_u16(), 200, "tracking {code}");
    let text = response.text().await?;
    assert_no_personal_data(&text, "tracking");
    assert!(
        !text.contains("Cán bộ tiếp nhận"),
        "tracking shows the content: {text}"
    );
    let body: Value = serde_json::from_str(&text)?;
    assert!(body.get("content").is_none(), "{body}");
    assert!(body.get("submitter").is_none(), "{body}");
    Ok(body)
}

async fn official_list(app: &TestApp, token: &str, query: &str) -> Result<Value, Failure> {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/feedback{query}")))
        .bearer_auth(token)
        .send()
        .await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    assert_eq!(status, 200, "list {query}: {text}");
    Ok(serde_json::from_str(&text)?)
}

async fn get_item(app: &TestApp, token: &str, id: i64) -> reqwest::Result<reqwest::Response> {
    app.client
        .get(app.url(&format!("/api/v1/feedback/{id}")))
        .bearer_auth(token)
        .send()
        .await
}

async fn item(app: &TestApp, token: &str, id: i64) -> Result<Value, Failure> {
    let response = get_item(app, token, id).await?;
    assert_eq!(response.status().as_u16(), 200, "item {id}");
    Ok(response.json().await?)
}

async fn patch(
    app: &TestApp,
    token: &str,
    id: i64,
    body: &Value,
) -> reqwest::Result<reqwest::Response> {
    app.client
        .patch(app.url(&format!("/api/v1/feedback/{id}")))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
}

/// Patches and expects 200; returns the item.
async fn patched(app: &TestApp, token: &str, id: i64, body: &Value) -> Result<Value, Failure> {
    let response = patch(app, token, id, body).await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    assert_eq!(status, 200, "PATCH {body}: {text}");
    Ok(serde_json::from_str(&text)?)
}

async fn answer(
    app: &TestApp,
    token: &str,
    id: i64,
    text: &str,
) -> reqwest::Result<reqwest::Response> {
    app.client
        .post(app.url(&format!("/api/v1/feedback/{id}/answer")))
        .bearer_auth(token)
        .json(&json!({ "answer": text }))
        .send()
        .await
}

/// The id of the item with this tracking code, from the officer's list.
async fn id_of(app: &TestApp, token: &str, code: &str) -> Result<i64, Failure> {
    let list = official_list(app, token, "?per_page=100").await?;
    let id = list["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["tracking_code"] == code))
        .and_then(|i| i["id"].as_i64());
    Ok(id.ok_or_else(|| format!("{code} is not in the officer's list"))?)
}

const ANSWER: &str = "UBND xã Trường Xuân đã kiểm tra: hồ sơ của bà được trả kết quả ngày 20/3/2025.\n\
                      Khoản 2,5 triệu đồng không phải là lệ phí chứng thực; cán bộ liên quan đã hoàn trả và bị kiểm điểm.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Received,
    Classified(&'static str),
    InProgress,
    Answered,
    Rejected,
    Forwarded,
    Published,
}

impl State {
    const EVERY: [Self; 10] = [
        Self::Received,
        Self::Classified("not_accepted"),
        Self::Classified("official_conduct"),
        Self::Classified("within_competence"),
        Self::Classified("outside_competence"),
        Self::InProgress,
        Self::Answered,
        Self::Rejected,
        Self::Forwarded,
        Self::Published,
    ];

    fn status(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Classified(_) => "classified",
            Self::InProgress => "in_progress",
            Self::Answered => "answered",
            Self::Rejected => "rejected",
            Self::Forwarded => "forwarded",
            Self::Published => "published",
        }
    }

    /// The moves DESIGN.md allows by PATCH (answering is a POST).
    fn may_move_to(self, to: &str) -> bool {
        matches!(
            (self, to),
            (Self::Received, "classified")
                | (Self::Classified("not_accepted"), "rejected")
                | (Self::Classified("outside_competence"), "forwarded")
                | (
                    Self::Classified("within_competence" | "official_conduct"),
                    "in_progress"
                )
                | (Self::Answered, "in_progress" | "published")
        )
    }
}

const STATUSES: [&str; 7] = [
    "received",
    "classified",
    "rejected",
    "forwarded",
    "in_progress",
    "answered",
    "published",
];

/// A move to `to` with the fields that move needs.
fn move_to(to: &str) -> Value {
    match to {
        "classified" => json!({"status": to, "classification": "within_competence"}),
        "rejected" => {
            json!({"status": to, "reason": "Nội dung là khiếu nại, đề nghị gửi theo Luật Khiếu nại 2011"})
        }
        "forwarded" => {
            json!({"status": to, "forwarded_to": "Sở Tài nguyên và Môi trường tỉnh Thanh Hóa"})
        }
        "published" => json!({
            "status": to,
            "public_content": "Công dân phản ánh việc chậm trả kết quả chứng thực."
        }),
        _ => json!({ "status": to }),
    }
}

/// Submits the sample and brings it into `state`; returns its id.
async fn item_in_state(app: &TestApp, token: &str, state: State) -> Result<i64, Failure> {
    item_in_state_from(app, token, state, &sample_submission()).await
}

async fn item_in_state_from(
    app: &TestApp,
    token: &str,
    state: State,
    body: &Value,
) -> Result<i64, Failure> {
    let code = str_of(&submitted(app, body).await?["tracking_code"]);
    let id = id_of(app, token, &code).await?;
    let classification = match state {
        State::Received => None,
        State::Classified(classification) => Some(classification),
        State::InProgress | State::Answered | State::Published => Some("within_competence"),
        State::Rejected => Some("not_accepted"),
        State::Forwarded => Some("outside_competence"),
    };
    if let Some(classification) = classification {
        patched(
            app,
            token,
            id,
            &json!({"status": "classified", "classification": classification}),
        )
        .await?;
    }
    match state {
        State::Rejected => {
            patched(app, token, id, &move_to("rejected")).await?;
        }
        State::Forwarded => {
            patched(app, token, id, &move_to("forwarded")).await?;
        }
        State::InProgress | State::Answered | State::Published => {
            patched(app, token, id, &move_to("in_progress")).await?;
            if state != State::InProgress {
                let answered = answer(app, token, id, ANSWER).await?;
                assert_eq!(answered.status().as_u16(), 200, "answer");
            }
            if state == State::Published {
                patched(app, token, id, &move_to("published")).await?;
            }
        }
        State::Received | State::Classified(_) => {}
    }
    assert_eq!(item(app, token, id).await?["status"], state.status());
    Ok(id)
}

// ---- dates, without the production calendar ------------------------------------------------

/// A day as a count of days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Day(i64);

impl Day {
    /// Today in Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
    fn today_in_vietnam() -> Result<Self, Failure> {
        let seconds = i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs())?;
        Ok(Self((seconds + 7 * 3600).div_euclid(86_400)))
    }

    /// Howard Hinnant's days_from_civil.
    fn from_ymd(year: i64, month: i64, day: i64) -> Self {
        let year = if month <= 2 { year - 1 } else { year };
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        Self(era * 146_097 + day_of_era - 719_468)
    }

    fn ymd(self) -> (i64, i64, i64) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        (year, month, day)
    }

    fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('-').map(|p| p.parse::<i64>().ok());
        let (Some(Some(y)), Some(Some(m)), Some(Some(d)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let day = Self::from_ymd(y, m, d);
        (day.ymd() == (y, m, d)).then_some(day)
    }

    fn of(value: &Value) -> Result<Self, Failure> {
        Ok(Self::parse(value.as_str().unwrap_or_default())
            .ok_or_else(|| format!("not a date: {value}"))?)
    }

    /// Monday is 0, Sunday 6; 1970-01-01 was a Thursday.
    fn weekday(self) -> i64 {
        (self.0 + 3).rem_euclid(7)
    }

    fn next(self) -> Self {
        Self(self.0 + 1)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Monday to Friday, minus listed holidays, plus listed weekend workdays.
#[derive(Debug, Default, Clone)]
struct Calendar {
    holidays: HashSet<Day>,
    workdays: HashSet<Day>,
}

impl Calendar {
    /// The listed days of these years, as the public calendar API lists them.
    async fn listed(app: &TestApp, years: &[i64]) -> Result<Self, Failure> {
        let mut calendar = Self::default();
        for year in years {
            let days: Value = app
                .get(&format!("/api/v1/calendar/days?year={year}"))
                .await?
                .json()
                .await?;
            for day in days.as_array().into_iter().flatten() {
                let date = Day::of(&day["date"])?;
                match day["kind"].as_str() {
                    Some("holiday") => calendar.holidays.insert(date),
                    Some("workday") => calendar.workdays.insert(date),
                    _ => return Err(format!("unknown kind in {day}").into()),
                };
            }
        }
        Ok(calendar)
    }

    fn is_working_day(&self, day: Day) -> bool {
        !self.holidays.contains(&day) && (day.weekday() < 5 || self.workdays.contains(&day))
    }

    fn add_working_days(&self, start: Day, n: u32) -> Day {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day = day.next();
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }
}

#[test]
fn the_test_calendar_counts_like_the_design_says() {
    let day = |text| Day::parse(text).unwrap_or(Day(0));
    assert_eq!(day("1970-01-01"), Day(0));
    assert_eq!(day("2026-11-28").to_string(), "2026-11-28");
    assert_eq!(day("2026-11-28").weekday(), 5, "a Saturday");
    assert_eq!(day("2024-02-29").next().to_string(), "2024-03-01");
    assert_eq!(Day::parse("2025-02-29"), None);
    let calendar = Calendar {
        holidays: [
            "2025-01-27",
            "2025-01-28",
            "2025-01-29",
            "2025-01-30",
            "2025-01-31",
        ]
        .into_iter()
        .map(day)
        .collect(),
        workdays: HashSet::new(),
    };
    // Deadlines of the domain's own Tết 2025 example.
    assert_eq!(
        calendar.add_working_days(day("2025-01-24"), 5),
        day("2025-02-07")
    );
    assert_eq!(
        calendar.add_working_days(day("2025-01-24"), 15),
        day("2025-02-21")
    );
}

// ---- 1. the workflow --------------------------------------------------------------------------

#[tokio::test]
async fn the_whole_workflow_from_submission_to_publication() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;

    // The citizen typed personal details into the content too: officials publish a version
    // without them.
    let content = format!("{CONTENT}\nXin liên hệ với tôi, {NAME}, qua số {PHONE}.");
    let response = submit(&app, &sample_with("content", json!(content))).await?;
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("private, no-store")
    );
    let location = header(&response, "location").unwrap_or_default();
    let receipt: Value = response.json().await?;
    let code = str_of(&receipt["tracking_code"]);
    assert_eq!(location, format!("/api/v1/feedback/track/{code}"));
    assert!(
        code.starts_with("PAKN.") && code.len() == "PAKN.20230313.".len() + 10,
        "{code}"
    );
    assert_eq!(receipt["status"], "received");
    assert!(
        receipt["due_date"].is_string() && receipt["received_on"].is_string(),
        "{receipt}"
    );

    assert_eq!(
        tracked(&app, &code.to_lowercase()).await?["tracking_code"],
        code.as_str(),
        "a code typed in lower case"
    );
    let tracking = tracked(&app, &code).await?;
    assert_eq!(
        (
            &tracking["status"],
            &tracking["subject"],
            &tracking["commune"]
        ),
        (&json!("received"), &json!(SUBJECT), &json!("truong-xuan"))
    );
    assert_eq!(tracking["due_date"], receipt["due_date"]);
    assert_eq!(tracking["answer"], Value::Null);
    // An unknown code and a malformed one get the same answer: no hint about other codes.
    let unknown = problem(
        app.get("/api/v1/feedback/track/PAKN.20230313.0000000000")
            .await?,
        404,
    )
    .await?;
    let malformed = problem(app.get("/api/v1/feedback/track/khong-co").await?, 404).await?;
    assert_eq!(unknown, malformed);

    let response = app
        .client
        .get(app.url("/api/v1/feedback"))
        .bearer_auth(&officer)
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("private, no-store")
    );
    let list: Value = response.json().await?;
    assert_eq!(list["total"], 1);
    let listed = &list["items"][0];
    assert_eq!(listed["tracking_code"], code.as_str());
    assert_eq!(
        listed["submitter"],
        json!({"name": NAME, "address": ADDRESS, "phone": PHONE_STORED, "email": EMAIL})
    );
    assert_eq!(listed["content"], content, "wrapped lines kept");
    assert_eq!(listed["procedure"], PROCEDURE);
    let id = listed["id"].as_i64().ok_or("no id")?;

    let classified = patched(
        &app,
        &officer,
        id,
        &json!({"status": "classified", "classification": "within_competence", "note": "Thuộc thẩm quyền UBND xã"}),
    )
    .await?;
    assert_eq!(
        (&classified["status"], &classified["classification"]),
        (&json!("classified"), &json!("within_competence"))
    );
    assert_eq!(classified["due_date"], classified["deadlines"]["answer_by"]);
    let started = patched(
        &app,
        &officer,
        id,
        &json!({"status": "in_progress", "assignee": "officer"}),
    )
    .await?;
    assert_eq!(
        (&started["status"], &started["assignee"]),
        (&json!("in_progress"), &json!("officer"))
    );

    let response = answer(&app, &officer, id, ANSWER).await?;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("private, no-store")
    );
    let answered: Value = response.json().await?;
    assert_eq!(
        (
            &answered["status"],
            &answered["answer"],
            &answered["due_date"]
        ),
        (&json!("answered"), &json!(ANSWER), &Value::Null)
    );
    let tracking = tracked(&app, &code).await?;
    assert_eq!(
        (&tracking["status"], &tracking["answer"]),
        (&json!("answered"), &json!(ANSWER))
    );
    assert!(tracking["answered_at"].is_string(), "{tracking}");

    let public_content = "Công dân phản ánh hồ sơ chứng thực bản sao giấy chứng nhận quyền sử dụng đất\n\
                          nộp ngày 06/3/2025 chậm trả kết quả và bị thu thêm 2,5 triệu đồng không có biên lai.";
    let published = patched(
        &app,
        &officer,
        id,
        &json!({"status": "published", "public_content": public_content}),
    )
    .await?;
    assert_eq!(published["status"], "published");
    assert_eq!(published["public_content"], public_content);
    assert!(published["published_at"].is_string());

    let response = app.get("/api/v1/feedback?commune=truong-xuan").await?;
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().await?;
    assert_no_personal_data(&text, "the public list");
    assert!(
        !text.contains("Cán bộ tiếp nhận"),
        "the original content: {text}"
    );
    let public: Value = serde_json::from_str(&text)?;
    assert_eq!(public["total"], 1);
    let shown = &public["items"][0];
    assert_eq!(
        (
            &shown["id"],
            &shown["subject"],
            &shown["content"],
            &shown["answer"]
        ),
        (
            &json!(id),
            &json!(SUBJECT),
            &json!(public_content),
            &json!(ANSWER)
        )
    );
    assert!(shown.get("submitter").is_none() && shown.get("tracking_code").is_none());
    let tracking = tracked(&app, &code).await?;
    assert_eq!(
        (&tracking["status"], &tracking["answer"]),
        (&json!("published"), &json!(ANSWER))
    );

    let history = item(&app, &officer, id).await?["history"].clone();
    let steps: Vec<(String, Value, String, Value)> = history
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|e| {
                    assert!(e["at"].is_string(), "{e}");
                    (
                        str_of(&e["by"]),
                        e["from"].clone(),
                        str_of(&e["to"]),
                        e["note"].clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let step =
        |by: &str, from: Value, to: &str, note: Value| (by.to_owned(), from, to.to_owned(), note);
    assert_eq!(
        steps,
        [
            step("citizen", Value::Null, "received", Value::Null),
            step(
                "officer",
                json!("received"),
                "classified",
                json!("Thuộc thẩm quyền UBND xã")
            ),
            step("officer", json!("classified"), "in_progress", Value::Null),
            step(
                "officer",
                json!("in_progress"),
                "in_progress",
                json!("assigned to officer")
            ),
            step("officer", json!("in_progress"), "answered", Value::Null),
            step("officer", json!("answered"), "published", Value::Null),
            step(
                "officer",
                json!("published"),
                "published",
                json!("public content set")
            ),
        ]
    );
    Ok(())
}

#[tokio::test]
async fn items_outside_competence_are_forwarded_and_not_accepted_ones_rejected() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;

    let forwarded_code = submit_sample(&app).await?;
    let id = id_of(&app, &officer, &forwarded_code).await?;
    let classified = patched(
        &app,
        &officer,
        id,
        &json!({"status": "classified", "classification": "outside_competence"}),
    )
    .await?;
    let forward_by = &classified["deadlines"]["forward_by"];
    assert!(forward_by.is_string(), "forward_by is set: {classified}");
    assert_eq!(&classified["due_date"], forward_by);
    assert!(Day::of(forward_by)? > Day::of(&classified["received_on"])?);
    let agency = "Sở Tài nguyên và Môi trường tỉnh Thanh Hóa";
    let forwarded = patched(
        &app,
        &officer,
        id,
        &json!({"status": "forwarded", "forwarded_to": agency}),
    )
    .await?;
    assert_eq!(
        (
            &forwarded["status"],
            &forwarded["forwarded_to"],
            &forwarded["due_date"]
        ),
        (&json!("forwarded"), &json!(agency), &Value::Null)
    );
    let tracking = tracked(&app, &forwarded_code).await?;
    assert_eq!(
        (&tracking["status"], &tracking["forwarded_to"]),
        (&json!("forwarded"), &json!(agency))
    );

    let rejected_code = submitted(&app, &sample_with("kind", json!("kien_nghi"))).await?;
    let rejected_code = str_of(&rejected_code["tracking_code"]);
    let id = id_of(&app, &officer, &rejected_code).await?;
    patched(
        &app,
        &officer,
        id,
        &json!({"status": "classified", "classification": "not_accepted"}),
    )
    .await?;
    let reason =
        "Nội dung là khiếu nại về quyết định hành chính, đề nghị gửi theo Luật Khiếu nại 2011";
    let rejected = patched(
        &app,
        &officer,
        id,
        &json!({"status": "rejected", "reason": reason}),
    )
    .await?;
    assert_eq!(
        (&rejected["status"], &rejected["reason"]),
        (&json!("rejected"), &json!(reason))
    );
    let tracking = tracked(&app, &rejected_code).await?;
    assert_eq!(
        (&tracking["status"], &tracking["reason"], &tracking["kind"]),
        (&json!("rejected"), &json!(reason), &json!("kien_nghi"))
    );

    // Officials' filters.
    assert_eq!(
        official_list(&app, &officer, "?status=forwarded").await?["total"],
        1
    );
    assert_eq!(
        official_list(&app, &officer, "?classification=not_accepted").await?["total"],
        1
    );
    assert_eq!(
        official_list(&app, &officer, "?q=chung%20thuc").await?["total"],
        2
    );
    assert_eq!(
        official_list(&app, &officer, "?q=khai%20sinh").await?["total"],
        0
    );
    // Nothing is published.
    let public: Value = app
        .get("/api/v1/feedback?commune=truong-xuan")
        .await?
        .json()
        .await?;
    assert_eq!(public["total"], 0);
    Ok(())
}

// ---- 2. illegal moves -------------------------------------------------------------------------

#[tokio::test]
async fn every_illegal_move_is_409_and_changes_nothing() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    for state in State::EVERY {
        let id = item_in_state(&app, &officer, state).await?;
        let before = item(&app, &officer, id).await?;
        for to in STATUSES {
            if state.may_move_to(to) {
                continue;
            }
            let response = patch(&app, &officer, id, &move_to(to)).await?;
            let status = response.status().as_u16();
            let text = response.text().await?;
            assert_eq!(status, 409, "{state:?} -> {to}: {text}");
        }
        let refused = answer(&app, &officer, id, ANSWER).await?;
        if state == State::InProgress {
            assert_eq!(refused.status().as_u16(), 200, "answering in_progress");
        } else {
            problem(refused, 409).await?;
            let after = item(&app, &officer, id).await?;
            assert_eq!(
                (
                    &after["status"],
                    &after["classification"],
                    &after["history"]
                ),
                (
                    &before["status"],
                    &before["classification"],
                    &before["history"]
                ),
                "{state:?}: a refused move changes nothing"
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn answered_is_reached_by_answering_only() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    let id = item_in_state(&app, &officer, State::InProgress).await?;
    let body = problem(
        patch(&app, &officer, id, &json!({"status": "answered"})).await?,
        409,
    )
    .await?;
    assert_eq!(body["code"], "conflict");
    // An empty answer is not an answer.
    let empty = problem(answer(&app, &officer, id, "   ").await?, 422).await?;
    assert_eq!(
        fields(&empty),
        [("answer".to_owned(), "required".to_owned())]
    );
    assert_eq!(
        answer(&app, &officer, id, ANSWER).await?.status().as_u16(),
        200
    );
    problem(answer(&app, &officer, id, ANSWER).await?, 409).await?;
    // Sent back, then answered anew.
    let back = patched(&app, &officer, id, &move_to("in_progress")).await?;
    assert_eq!(back["status"], "in_progress");
    assert_eq!(
        answer(&app, &officer, id, ANSWER).await?.status().as_u16(),
        200
    );
    Ok(())
}

#[tokio::test]
async fn publishing_without_the_citizens_consent_is_409() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    let private = sample_with("allow_publication", json!(false));
    let id = item_in_state_from(&app, &officer, State::Answered, &private).await?;
    let body = problem(patch(&app, &officer, id, &move_to("published")).await?, 409).await?;
    assert!(str_of(&body["detail"]).contains("publication"), "{body}");
    let still = item(&app, &officer, id).await?;
    assert_eq!(
        (&still["status"], &still["allow_publication"]),
        (&json!("answered"), &json!(false))
    );
    // The citizen still gets the answer by tracking; the public list stays empty.
    let code = str_of(&still["tracking_code"]);
    assert_eq!(tracked(&app, &code).await?["answer"], ANSWER);
    let public: Value = app
        .get("/api/v1/feedback?commune=truong-xuan")
        .await?
        .json()
        .await?;
    assert_eq!(public["total"], 0);
    Ok(())
}

#[tokio::test]
async fn a_move_without_the_fields_it_needs_is_422() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    let received = item_in_state(&app, &officer, State::Received).await?;
    let not_accepted = item_in_state(&app, &officer, State::Classified("not_accepted")).await?;
    let outside = item_in_state(&app, &officer, State::Classified("outside_competence")).await?;
    for (id, body, field, code) in [
        (
            received,
            json!({"status": "classified"}),
            "classification",
            "required",
        ),
        (
            received,
            json!({"status": "classified", "classification": "khong_ro"}),
            "classification",
            "invalid_value",
        ),
        (
            not_accepted,
            json!({"status": "rejected"}),
            "reason",
            "required",
        ),
        (
            not_accepted,
            json!({"status": "rejected", "reason": "   "}),
            "reason",
            "required",
        ),
        (
            outside,
            json!({"status": "forwarded"}),
            "forwarded_to",
            "required",
        ),
        (
            received,
            json!({"status": "da_xong"}),
            "status",
            "invalid_value",
        ),
        (received, json!({}), "body", "required"),
    ] {
        let refused = problem(patch(&app, &officer, id, &body).await?, 422).await?;
        assert_eq!(
            fields(&refused),
            [(field.to_owned(), code.to_owned())],
            "{body}"
        );
    }
    for (id, status) in [
        (received, "received"),
        (not_accepted, "classified"),
        (outside, "classified"),
    ] {
        assert_eq!(item(&app, &officer, id).await?["status"], status);
    }
    Ok(())
}

// ---- 3. who sees an item ----------------------------------------------------------------------

#[tokio::test]
async fn officials_of_another_commune_get_404_for_an_item() -> TestResult {
    let app = spawn().await?;
    let admin = app.login_demo("admin").await?;
    let officer = app.login_demo("officer").await?;
    let editor = app.login_demo("editor").await?;
    let created = app
        .client
        .post(app.url("/api/v1/communes"))
        .bearer_auth(&admin)
        .json(&json!({"slug": "xuan-trach", "name": "Xã Xuân Trạch"}))
        .send()
        .await?;
    assert_eq!(created.status().as_u16(), 201);
    let password = "mật khẩu cán bộ Xuân Trạch";
    let user = app
        .client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"username": "canbo-xuantrach", "password": password, "role": "officer", "commune": "xuan-trach"}))
        .send()
        .await?;
    assert_eq!(user.status().as_u16(), 201);
    let stranger = app.login("canbo-xuantrach", password).await?;

    let id = item_in_state(&app, &officer, State::InProgress).await?;
    let missing = problem(get_item(&app, &officer, 999_999).await?, 404).await?;
    let hidden = problem(get_item(&app, &stranger, id).await?, 404).await?;
    assert_eq!(
        (&hidden["code"], &hidden["detail"]),
        (&missing["code"], &missing["detail"]),
        "the same answer as for no item"
    );
    problem(
        patch(&app, &stranger, id, &move_to("in_progress")).await?,
        404,
    )
    .await?;
    problem(
        patch(&app, &stranger, id, &json!({"assignee": "canbo-xuantrach"})).await?,
        404,
    )
    .await?;
    problem(answer(&app, &stranger, id, ANSWER).await?, 404).await?;
    let other_list = app
        .client
        .get(app.url("/api/v1/feedback?commune=truong-xuan"))
        .bearer_auth(&stranger)
        .send()
        .await?;
    problem(other_list, 403).await?;
    let own = official_list(&app, &stranger, "").await?;
    assert_eq!(own["total"], 0, "their own commune has no items");
    problem(get_item(&app, &editor, id).await?, 404).await?;
    problem(
        patch(&app, &editor, id, &move_to("in_progress")).await?,
        404,
    )
    .await?;
    problem(answer(&app, &editor, id, ANSWER).await?, 404).await?;
    // Only the commune's officers and admins take an item.
    for assignee in ["canbo-xuantrach", "editor", "khong-co-ai"] {
        let refused = problem(
            patch(&app, &officer, id, &json!({ "assignee": assignee })).await?,
            422,
        )
        .await?;
        assert_eq!(
            fields(&refused),
            [("assignee".to_owned(), "not_found".to_owned())],
            "{assignee}"
        );
    }

    // The other way round, once the new commune takes submissions (its directory reloads on a
    // poll).
    let mut theirs = None;
    for _ in 0..50 {
        let response = submit(&app, &sample_with("commune", json!("xuan-trach"))).await?;
        if response.status().as_u16() == 201 {
            theirs = Some(str_of(&response.json::<Value>().await?["tracking_code"]));
            break;
        }
        problem(response, 422).await?;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let theirs = theirs.ok_or("xuan-trach never took a submission")?;
    let their_id = id_of(&app, &stranger, &theirs).await?;
    assert_eq!(
        item(&app, &stranger, their_id).await?["commune"],
        "xuan-trach"
    );
    problem(get_item(&app, &officer, their_id).await?, 404).await?;
    let own_list = official_list(&app, &officer, "").await?;
    assert_eq!(own_list["total"], 1, "the officer lists their own commune");
    let refused = app
        .client
        .get(app.url("/api/v1/feedback?commune=xuan-trach"))
        .bearer_auth(&officer)
        .send()
        .await?;
    problem(refused, 403).await?;
    assert_eq!(
        official_list(&app, &admin, "").await?["total"],
        2,
        "admins see all"
    );
    let erase = app
        .client
        .delete(app.url(&format!("/api/v1/feedback/{id}/personal-data")))
        .bearer_auth(&editor)
        .send()
        .await?;
    problem(erase, 403).await?;

    let anonymous = app.get(&format!("/api/v1/feedback/{id}")).await?;
    problem(anonymous, 401).await?;
    let anonymous = app
        .client
        .patch(app.url(&format!("/api/v1/feedback/{id}")))
        .json(&move_to("answered"))
        .send()
        .await?;
    problem(anonymous, 401).await?;
    let anonymous = app
        .post_json(
            &format!("/api/v1/feedback/{id}/answer"),
            &json!({"answer": ANSWER}),
        )
        .await?;
    problem(anonymous, 401).await?;

    // Nothing changed; the admin sees it.
    let seen = item(&app, &admin, id).await?;
    assert_eq!(
        (&seen["status"], &seen["answer"]),
        (&json!("in_progress"), &Value::Null)
    );
    Ok(())
}

// ---- 4. concurrency ---------------------------------------------------------------------------

#[tokio::test]
async fn four_hundred_concurrent_submissions_are_all_found_with_distinct_codes() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    let mut tasks = Vec::new();
    for i in 0..400 {
        let client = app.client.clone();
        let url = app.url("/api/v1/feedback");
        let body = sample_with(
            "subject",
            json!(format!("Phản ánh số {i}: thủ tục đăng ký khai sinh chậm")),
        );
        tasks.push(tokio::spawn(async move {
            let response = client.post(url).json(&body).send().await?;
            let status = response.status().as_u16();
            let answer: Value = response.json().await?;
            Ok::<_, reqwest::Error>((status, str_of(&answer["tracking_code"])))
        }));
    }
    let mut codes = HashSet::new();
    for task in tasks {
        let (status, code) = task.await??;
        assert_eq!(status, 201);
        assert!(codes.insert(code.clone()), "{code} given twice");
    }
    assert_eq!(codes.len(), 400);

    let mut tracks = Vec::new();
    for code in &codes {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/feedback/track/{code}"));
        tracks.push(tokio::spawn(async move {
            let response = client.get(url).send().await?;
            let status = response.status().as_u16();
            let body: Value = response.json().await?;
            Ok::<_, reqwest::Error>((status, str_of(&body["tracking_code"])))
        }));
    }
    for task in tracks {
        let (status, code) = task.await??;
        assert_eq!(status, 200);
        assert!(codes.contains(&code), "{code}");
    }

    let mut listed = HashSet::new();
    for page in 1..=4 {
        let list = official_list(&app, &officer, &format!("?per_page=100&page={page}")).await?;
        assert_eq!(list["total"], 400);
        for item in list["items"].as_array().into_iter().flatten() {
            listed.insert(str_of(&item["tracking_code"]));
        }
    }
    assert_eq!(listed, codes);
    Ok(())
}

// ---- 5. retries -------------------------------------------------------------------------------

#[tokio::test]
async fn an_idempotency_key_makes_retries_return_the_first_item() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    let key = "6f1c2a52-8d0e-4c1b-9a57-3e2f1b7d9c01";
    let body = sample_submission();
    let mut codes = Vec::new();
    for attempt in 0..3 {
        let request = app
            .client
            .post(app.url("/api/v1/feedback"))
            .header("idempotency-key", key)
            .header("content-type", "application/json");
        // The last retry is spelled differently: the same request all the same.
        let text = if attempt == 2 {
            serde_json::to_string_pretty(&body)?
        } else {
            body.to_string()
        };
        let response = request.body(text).send().await?;
        assert_eq!(response.status().as_u16(), 201, "attempt {attempt}");
        assert_eq!(
            header(&response, "idempotent-replayed"),
            (attempt > 0).then(|| "true".to_owned()),
            "attempt {attempt}"
        );
        let answer: Value = response.json().await?;
        codes.push(str_of(&answer["tracking_code"]));
    }
    assert!(codes.iter().all(|c| c == &codes[0]), "{codes:?}");
    assert_eq!(official_list(&app, &officer, "").await?["total"], 1);

    let other = app
        .client
        .post(app.url("/api/v1/feedback"))
        .header("idempotency-key", key)
        .json(&sample_with(
            "subject",
            json!("Đề nghị niêm yết công khai lệ phí chứng thực"),
        ))
        .send()
        .await?;
    let refused = problem(other, 422).await?;
    assert_eq!(
        fields(&refused),
        [("Idempotency-Key".to_owned(), "reused".to_owned())]
    );
    let list = official_list(&app, &officer, "").await?;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["subject"], SUBJECT);

    let bad_key = app
        .client
        .post(app.url("/api/v1/feedback"))
        .header("idempotency-key", "khóa có dấu")
        .json(&body)
        .send()
        .await?;
    problem(bad_key, 422).await?;
    Ok(())
}

#[tokio::test]
async fn a_burst_with_one_idempotency_key_makes_one_item() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let request = app
            .client
            .post(app.url("/api/v1/feedback"))
            .header("idempotency-key", "b0d3c6e2-5a4f-4e8b-8f1d-2c7a9e6b3d10")
            .json(&sample_submission());
        tasks.push(tokio::spawn(async move {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let replayed = response.headers().contains_key("idempotent-replayed");
            let answer: Value = response.json().await?;
            Ok::<_, reqwest::Error>((status, replayed, str_of(&answer["tracking_code"])))
        }));
    }
    let mut codes = HashSet::new();
    let mut first_answers = 0;
    for task in tasks {
        let (status, replayed, code) = task.await??;
        assert_eq!(status, 201);
        codes.insert(code);
        first_answers += usize::from(!replayed);
    }
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert_eq!(
        first_answers, 1,
        "one answer made the item, the others replayed it"
    );
    let list = official_list(&app, &officer, "").await?;
    assert_eq!(list["total"], 1);
    assert!(codes.contains(&str_of(&list["items"][0]["tracking_code"])));
    Ok(())
}

#[tokio::test]
async fn a_burst_with_one_idempotency_key_on_two_instances_makes_one_item() -> TestResult {
    let first = spawn().await?;
    if !first.database_url.starts_with("postgres") {
        // Several instances on one database is the PostgreSQL deployment; SQLite has one server.
        return Ok(());
    }
    let options = TestOptions::demo().with("FEEDBACK_RATE_LIMIT", "100000");
    let second = spawn_on_database(&first.database_url, options).await?;
    let officer = first.login_demo("officer").await?;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let app = if i % 2 == 0 { &first } else { &second };
        let request = app
            .client
            .post(app.url("/api/v1/feedback"))
            .header("idempotency-key", "9a7e5c31-0b2d-4f6a-8c4e-1d3b5f7a9c20")
            .json(&sample_submission());
        tasks.push(tokio::spawn(async move {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let text = response.text().await?;
            Ok::<_, reqwest::Error>((status, text))
        }));
    }
    let mut codes = HashSet::new();
    let mut refused = Vec::new();
    for task in tasks {
        let (status, text) = task.await??;
        if status == 201 {
            let answer: Value = serde_json::from_str(&text)?;
            codes.insert(str_of(&answer["tracking_code"]));
        } else {
            refused.push(format!("{status} {text}"));
        }
    }
    let list = official_list(&first, &officer, "").await?;
    assert_eq!(list["total"], 1, "one item");
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert_eq!(
        refused,
        Vec::<String>::new(),
        "every retry gets the first answer"
    );
    Ok(())
}

// ---- 6. validation ----------------------------------------------------------------------------

#[tokio::test]
async fn a_submission_without_its_submitter_names_each_missing_field() -> TestResult {
    let app = spawn().await?;
    let mut body = sample_submission();
    body.as_object_mut()
        .map(|fields| fields.remove("submitter"));
    let refused = problem(submit(&app, &body).await?, 422).await?;
    assert_eq!(
        fields(&refused),
        [
            ("submitter.name".to_owned(), "required".to_owned()),
            ("submitter.address".to_owned(), "required".to_owned()),
            ("submitter.phone".to_owned(), "required".to_owned()),
        ]
    );
    // An email alone is a way to reach the citizen.
    let mut email_only = sample_submission();
    email_only["submitter"] = json!({"name": NAME, "address": ADDRESS, "email": EMAIL});
    submitted(&app, &email_only).await?;
    Ok(())
}

#[tokio::test]
async fn complaints_and_denunciations_are_sent_elsewhere() -> TestResult {
    let app = spawn().await?;
    for kind in ["khieu_nai", "to_cao", "Khiếu nại", "TỐ CÁO"] {
        let refused = problem(submit(&app, &sample_with("kind", json!(kind))).await?, 422).await?;
        assert_eq!(
            fields(&refused),
            [("kind".to_owned(), "not_accepted_here".to_owned())],
            "{kind}"
        );
        let message = str_of(&refused["errors"][0]["message"]);
        assert!(
            message.contains("Luật Khiếu nại") && message.contains("Luật Tố cáo"),
            "{message}"
        );
    }
    let refused = problem(
        submit(&app, &sample_with("kind", json!("gop_y"))).await?,
        422,
    )
    .await?;
    assert_eq!(
        fields(&refused),
        [("kind".to_owned(), "invalid_value".to_owned())]
    );
    Ok(())
}

#[tokio::test]
async fn subjects_are_limited_to_200_characters() -> TestResult {
    let app = spawn().await?;
    let subject = |len: usize| -> String {
        "Kiến nghị rút ngắn thời gian đăng ký khai sinh ở xã Trường Xuân "
            .chars()
            .cycle()
            .take(len - 1)
            .chain(std::iter::once('ữ'))
            .collect()
    };
    let refused = problem(
        submit(&app, &sample_with("subject", json!(subject(201)))).await?,
        422,
    )
    .await?;
    assert_eq!(
        fields(&refused),
        [("subject".to_owned(), "too_long".to_owned())]
    );
    let at_limit = subject(200);
    assert!(at_limit.len() > 250, "more bytes than characters");
    submitted(&app, &sample_with("subject", json!(at_limit))).await?;
    let content = problem(
        submit(&app, &sample_with("content", json!("ạ".repeat(10_001)))).await?,
        422,
    )
    .await?;
    assert_eq!(
        fields(&content),
        [("content".to_owned(), "too_long".to_owned())]
    );
    submitted(&app, &sample_with("content", json!("ạ".repeat(10_000)))).await?;
    Ok(())
}

#[tokio::test]
async fn bad_contacts_are_refused_without_repeating_them() -> TestResult {
    let app = spawn().await?;
    for (field, value) in [
        ("phone", "0912 345 67"),
        ("phone", "84912345678"),
        ("email", "hong.nhung@@truongxuan"),
        ("email", "hong nhung@gmail.com"),
    ] {
        let mut body = sample_submission();
        body["submitter"][field] = json!(value);
        let response = submit(&app, &body).await?;
        assert_eq!(response.status().as_u16(), 422, "{value}");
        let text = response.text().await?;
        assert!(!text.contains(value), "{value} repeated: {text}");
        assert!(
            !text.contains("0912") && !text.contains("hong.nhung"),
            "{text}"
        );
        let refused: Value = serde_json::from_str(&text)?;
        assert_eq!(
            fields(&refused),
            [(format!("submitter.{field}"), "invalid_format".to_owned())],
            "{value}"
        );
    }
    let mut international = sample_submission();
    international["submitter"]["phone"] = json!("+84 912 345 678");
    submitted(&app, &international).await?;
    Ok(())
}

#[tokio::test]
async fn html_and_sql_are_stored_as_plain_text() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    let content = "<script>alert(1)</script>'; DROP TABLE feedback;--";
    let subject = "Phản ánh <b>đậm</b> & \"trích dẫn\" ' OR 1=1 --";
    let mut body = sample_with("content", json!(content));
    body["subject"] = json!(subject);
    let code = str_of(&submitted(&app, &body).await?["tracking_code"]);
    let id = id_of(&app, &officer, &code).await?;
    let stored = item(&app, &officer, id).await?;
    assert_eq!(
        (&stored["content"], &stored["subject"]),
        (&json!(content), &json!(subject))
    );
    assert_eq!(tracked(&app, &code).await?["subject"], subject);
    // The table is still there.
    submit_sample(&app).await?;
    assert_eq!(official_list(&app, &officer, "").await?["total"], 2);
    Ok(())
}

#[tokio::test]
async fn nul_and_unknown_communes_are_refused() -> TestResult {
    let app = spawn().await?;
    let nul = problem(
        submit(
            &app,
            &sample_with("content", json!("Nội dung\u{0000}phản ánh")),
        )
        .await?,
        422,
    )
    .await?;
    assert_eq!(
        fields(&nul),
        [("content".to_owned(), "contains_nul".to_owned())]
    );
    let mut nul_name = sample_submission();
    nul_name["submitter"]["name"] = json!("Nguyễn\u{0000}Văn An");
    let refused = problem(submit(&app, &nul_name).await?, 422).await?;
    assert_eq!(fields(&refused)[0].0, "submitter.name");
    let unknown = problem(
        submit(&app, &sample_with("commune", json!("xuan-trach"))).await?,
        422,
    )
    .await?;
    assert_eq!(
        fields(&unknown),
        [("commune".to_owned(), "not_found".to_owned())]
    );
    Ok(())
}

#[tokio::test]
async fn links_to_a_resolution_are_checked() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    let resolutions: Value = app
        .get("/api/v1/resolutions?commune=truong-xuan")
        .await?
        .json()
        .await?;
    let resolution_id = resolutions["items"][0]["id"]
        .as_i64()
        .ok_or("no resolution")?;
    let code = str_of(
        &submitted(&app, &sample_with("resolution_id", json!(resolution_id))).await?["tracking_code"],
    );
    let id = id_of(&app, &officer, &code).await?;
    assert_eq!(
        item(&app, &officer, id).await?["resolution_id"],
        resolution_id
    );
    let refused = problem(
        submit(&app, &sample_with("resolution_id", json!(999_999))).await?,
        422,
    )
    .await?;
    assert_eq!(
        fields(&refused),
        [("resolution_id".to_owned(), "not_found".to_owned())]
    );
    assert_eq!(official_list(&app, &officer, "").await?["total"], 1);
    Ok(())
}

#[tokio::test]
async fn type_errors_do_not_repeat_the_value() -> TestResult {
    let app = spawn().await?;
    let mut number_phone = sample_submission();
    number_phone["submitter"]["phone"] = json!(912_345_678);
    for (body, field, secret) in [
        (
            sample_with("allow_publication", json!("0912345678")),
            "allow_publication",
            "0912345678",
        ),
        (number_phone, "submitter.phone", "912345678"),
        (
            sample_with("resolution_id", json!("Nguyễn Văn An")),
            "resolution_id",
            "Nguyễn Văn An",
        ),
        (
            sample_with("subject", json!(["hongnhung.thoxuan@gmail.com"])),
            "subject",
            "hongnhung",
        ),
    ] {
        let response = submit(&app, &body).await?;
        assert_eq!(response.status().as_u16(), 422, "{field}");
        let text = response.text().await?;
        assert!(!text.contains(secret), "{secret} repeated: {text}");
        let refused: Value = serde_json::from_str(&text)?;
        assert_eq!(
            fields(&refused),
            [(field.to_owned(), "invalid_type".to_owned())]
        );
    }
    let unknown = problem(
        submit(&app, &sample_with("cccd", json!("038190001234"))).await?,
        422,
    )
    .await?;
    assert!(!unknown.to_string().contains("038190001234"), "{unknown}");
    Ok(())
}

// ---- 7. floods --------------------------------------------------------------------------------

#[tokio::test]
async fn the_fourth_submission_in_a_minute_is_429_with_retry_after() -> TestResult {
    let app = spawn_app_with(TestOptions::demo().with("FEEDBACK_RATE_LIMIT", "3")).await?;
    for _ in 0..3 {
        submit_sample(&app).await?;
    }
    let response = submit(&app, &sample_submission()).await?;
    let retry_after = header(&response, "retry-after").unwrap_or_default();
    let body = problem(response, 429).await?;
    assert_eq!(body["code"], "rate_limited");
    let seconds: u64 = retry_after.parse()?;
    assert!((1..=60).contains(&seconds), "Retry-After: {retry_after}");
    // Tracking is not limited.
    assert_eq!(
        app.get("/api/v1/feedback/track/PAKN.20230313.0000000000")
            .await?
            .status()
            .as_u16(),
        404
    );
    Ok(())
}

#[tokio::test]
async fn retries_that_get_their_first_answer_do_not_use_up_the_limit() -> TestResult {
    let app = spawn_app_with(TestOptions::demo().with("FEEDBACK_RATE_LIMIT", "3")).await?;
    let retry = || {
        app.client
            .post(app.url("/api/v1/feedback"))
            .header("idempotency-key", "5b0c1d52-3c1e-4f7a-9a43-2f7e1c0d9b11")
            .json(&sample_submission())
            .send()
    };
    let first = retry().await?;
    assert_eq!(first.status().as_u16(), 201);
    for _ in 0..5 {
        let again = retry().await?;
        assert_eq!(again.status().as_u16(), 201);
        assert_eq!(
            header(&again, "idempotent-replayed").as_deref(),
            Some("true")
        );
    }
    submit_sample(&app).await?;
    submit_sample(&app).await?;
    problem(submit(&app, &sample_submission()).await?, 429).await?;
    Ok(())
}

// ---- 8. personal data -------------------------------------------------------------------------

#[tokio::test]
async fn an_admin_erases_personal_data_and_the_item_and_history_stay() -> TestResult {
    let app = spawn().await?;
    let admin = app.login_demo("admin").await?;
    let officer = app.login_demo("officer").await?;
    let id = item_in_state(&app, &officer, State::Published).await?;
    let before = item(&app, &officer, id).await?;
    assert_eq!(before["submitter"]["name"], NAME);
    let code = str_of(&before["tracking_code"]);
    let history_before = before["history"].as_array().map_or(0, Vec::len);

    let public = app
        .get("/api/v1/feedback?commune=truong-xuan")
        .await?
        .text()
        .await?;
    assert!(public.contains(SUBJECT), "{public}");
    assert_no_personal_data(&public, "the public list");
    let everywhere = app.get("/api/v1/feedback").await?.text().await?;
    assert_no_personal_data(&everywhere, "the public list of every commune");
    tracked(&app, &code).await?;

    let erase = |token: String| {
        app.client
            .delete(app.url(&format!("/api/v1/feedback/{id}/personal-data")))
            .bearer_auth(token)
            .send()
    };
    problem(erase(officer.clone()).await?, 403).await?;
    assert_eq!(item(&app, &officer, id).await?["submitter"]["name"], NAME);
    let erased = erase(admin.clone()).await?;
    assert_eq!(erased.status().as_u16(), 204);

    let after = item(&app, &officer, id).await?;
    assert_eq!(after["submitter"], Value::Null);
    assert!(after["personal_data_erased_at"].is_string(), "{after}");
    // What the citizen typed gives way to the public version officials wrote.
    assert_eq!(
        (&after["status"], &after["content"], &after["answer"]),
        (
            &json!("published"),
            &move_to("published")["public_content"],
            &json!(ANSWER)
        )
    );
    let history = after["history"].as_array().cloned().unwrap_or_default();
    assert_eq!(history.len(), history_before + 1);
    let last = history.last().ok_or("no history")?;
    assert_eq!(
        (&last["by"], &last["from"], &last["to"]),
        (&json!("admin"), &json!("published"), &json!("published"))
    );
    assert!(str_of(&last["note"]).contains("erased"), "{last}");
    assert_eq!(history[0]["to"], "received");
    let list = official_list(&app, &officer, "").await?;
    assert_eq!(list["items"][0]["submitter"], Value::Null);
    assert_no_personal_data(&list.to_string(), "the officer's list after erasure");

    assert_eq!(erase(admin.clone()).await?.status().as_u16(), 204, "again");
    let again = item(&app, &officer, id).await?;
    assert_eq!(
        again["history"].as_array().map_or(0, Vec::len),
        history.len()
    );
    let missing = app
        .client
        .delete(app.url("/api/v1/feedback/999999/personal-data"))
        .bearer_auth(&admin)
        .send()
        .await?;
    problem(missing, 404).await?;
    tracked(&app, &code).await?;

    // The audit log keeps the workflow, never the submitter.
    let audit = on_database(&app, move |database| {
        database.read(|conn| db::audit::for_object(conn, "feedback", &id.to_string()))
    })
    .await?;
    let actions: Vec<&str> = audit.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions.first(), Some(&"feedback.submit"));
    assert_eq!(actions.last(), Some(&"feedback.erase_personal_data"));
    for record in &audit {
        for text in [&record.before, &record.after].into_iter().flatten() {
            assert_no_personal_data(text, &record.action);
        }
    }
    Ok(())
}

// ---- 9. deadlines -----------------------------------------------------------------------------

#[tokio::test]
async fn deadlines_count_working_days_holidays_and_the_communes_settings() -> TestResult {
    let app = spawn().await?;
    let admin = app.login_demo("admin").await?;
    let today = Day::today_in_vietnam()?;
    let (year, _, _) = today.ymd();
    let mut calendar = Calendar::listed(&app, &[year, year + 1]).await?;

    let first = submitted(&app, &sample_submission()).await?;
    let received_on = Day::of(&first["received_on"])?;
    assert!(
        received_on == today || received_on == today.next(),
        "received {received_on}, today in Việt Nam {today}"
    );
    assert_eq!(
        Day::of(&first["due_date"])?,
        calendar.add_working_days(received_on, 5),
        "5 working days by default"
    );
    let tracking = tracked(&app, &str_of(&first["tracking_code"])).await?;
    assert_eq!(
        Day::of(&tracking["deadlines"]["answer_by"])?,
        calendar.add_working_days(received_on, 15)
    );

    // The next two working days become holidays.
    let first_off = calendar.add_working_days(received_on, 1);
    let second_off = calendar.add_working_days(received_on, 2);
    for day in [first_off, second_off] {
        let added = app
            .client
            .post(app.url("/api/v1/calendar/days"))
            .bearer_auth(&admin)
            .json(&json!({"date": day.to_string(), "kind": "holiday", "name": "Nghỉ lễ kỷ niệm thành lập xã"}))
            .send()
            .await?;
        assert_eq!(added.status().as_u16(), 201, "{day}");
        let added: Value = added.json().await?;
        assert_eq!(
            added,
            json!({"date": day.to_string(), "kind": "holiday", "name": "Nghỉ lễ kỷ niệm thành lập xã"})
        );
        calendar.holidays.insert(day);
    }
    let (off_year, _, _) = first_off.ymd();
    let listed: Value = app
        .get(&format!("/api/v1/calendar/days?year={off_year}"))
        .await?
        .json()
        .await?;
    assert!(
        listed
            .as_array()
            .into_iter()
            .flatten()
            .any(|d| d["date"] == first_off.to_string()),
        "{listed}"
    );
    let second = submitted(&app, &sample_submission()).await?;
    let due = Day::of(&second["due_date"])?;
    assert_eq!(
        due,
        calendar.add_working_days(Day::of(&second["received_on"])?, 5)
    );
    assert!(
        due > Day::of(&first["due_date"])?,
        "the holidays move the deadline later"
    );

    // The commune's own limits.
    let settings = "/api/v1/communes/truong-xuan/feedback-settings";
    let defaults: Value = app.get(settings).await?.json().await?;
    assert_eq!(
        defaults,
        json!({"classify_days": 5, "forward_days": 5, "answer_days": 15, "retention_months": 24})
    );
    let shorter =
        json!({"classify_days": 3, "forward_days": 4, "answer_days": 10, "retention_months": 36});
    let set = app
        .client
        .put(app.url(settings))
        .bearer_auth(&admin)
        .json(&shorter)
        .send()
        .await?;
    assert_eq!(set.status().as_u16(), 200);
    assert_eq!(set.json::<Value>().await?, shorter);
    assert_eq!(app.get(settings).await?.json::<Value>().await?, shorter);
    let third = submitted(&app, &sample_submission()).await?;
    let third_received = Day::of(&third["received_on"])?;
    assert_eq!(
        Day::of(&third["due_date"])?,
        calendar.add_working_days(third_received, 3)
    );
    let tracking = tracked(&app, &str_of(&third["tracking_code"])).await?;
    assert_eq!(
        Day::of(&tracking["deadlines"]["answer_by"])?,
        calendar.add_working_days(third_received, 10)
    );

    // Removing the holidays gives the days back to new submissions.
    for day in [first_off, second_off] {
        let removed = app
            .client
            .delete(app.url(&format!("/api/v1/calendar/days/{day}")))
            .bearer_auth(&admin)
            .send()
            .await?;
        assert_eq!(removed.status().as_u16(), 204, "{day}");
        calendar.holidays.remove(&day);
    }
    let fourth = submitted(&app, &sample_submission()).await?;
    let fourth_received = Day::of(&fourth["received_on"])?;
    let fourth_due = Day::of(&fourth["due_date"])?;
    assert_eq!(fourth_due, calendar.add_working_days(fourth_received, 3));

    // A weekend day worked in exchange (làm bù) counts.
    let mut weekend = fourth_received.next();
    while weekend.weekday() < 5 || calendar.workdays.contains(&weekend) {
        weekend = weekend.next();
    }
    let worked = app
        .client
        .post(app.url("/api/v1/calendar/days"))
        .bearer_auth(&admin)
        .json(&json!({"date": weekend.to_string(), "kind": "workday", "name": "Làm bù cho ngày nghỉ hoán đổi"}))
        .send()
        .await?;
    assert_eq!(worked.status().as_u16(), 201, "{weekend}");
    calendar.workdays.insert(weekend);
    let fifth = submitted(&app, &sample_submission()).await?;
    let fifth_due = Day::of(&fifth["due_date"])?;
    assert_eq!(
        fifth_due,
        calendar.add_working_days(Day::of(&fifth["received_on"])?, 3)
    );
    assert!(
        fifth_due < fourth_due,
        "{fifth_due} is earlier than {fourth_due}"
    );
    Ok(())
}

#[tokio::test]
async fn only_admins_change_the_calendar_and_the_settings() -> TestResult {
    let app = spawn().await?;
    let admin = app.login_demo("admin").await?;
    let officer = app.login_demo("officer").await?;
    let day = json!({"date": "2027-01-01", "kind": "holiday", "name": "Tết Dương lịch"});
    let post = |token: &str, body: &Value| {
        app.client
            .post(app.url("/api/v1/calendar/days"))
            .bearer_auth(token)
            .json(body)
            .send()
    };
    problem(post(&officer, &day).await?, 403).await?;
    problem(app.post_json("/api/v1/calendar/days", &day).await?, 401).await?;
    assert_eq!(post(&admin, &day).await?.status().as_u16(), 201);
    let duplicate = problem(post(&admin, &day).await?, 409).await?;
    assert_eq!(duplicate["code"], "conflict");
    let seeded = json!({"date": "2026-09-02", "kind": "holiday", "name": "Quốc khánh"});
    problem(post(&admin, &seeded).await?, 409).await?;
    let bad = problem(
        post(
            &admin,
            &json!({"date": "2027-01-02", "kind": "nghi_le", "name": " "}),
        )
        .await?,
        422,
    )
    .await?;
    assert_eq!(
        fields(&bad),
        [
            ("kind".to_owned(), "invalid_value".to_owned()),
            ("name".to_owned(), "required".to_owned())
        ]
    );
    let days: Value = app
        .get("/api/v1/calendar/days?year=2027")
        .await?
        .json()
        .await?;
    assert_eq!(days, json!([day]));
    let official: Value = app
        .get("/api/v1/calendar/days?year=2026")
        .await?
        .json()
        .await?;
    let tet: Vec<&Value> = official
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["name"] == "Tết Nguyên đán")
        .collect();
    assert_eq!(tet.len(), 5, "Tết 2026 is seeded: {official}");

    let delete = |token: &str, date: &str| {
        app.client
            .delete(app.url(&format!("/api/v1/calendar/days/{date}")))
            .bearer_auth(token)
            .send()
    };
    problem(delete(&officer, "2027-01-01").await?, 403).await?;
    assert_eq!(delete(&admin, "2027-01-01").await?.status().as_u16(), 204);
    problem(delete(&admin, "2027-01-01").await?, 404).await?;
    problem(delete(&admin, "ngay-le").await?, 404).await?;

    let settings = "/api/v1/communes/truong-xuan/feedback-settings";
    let values =
        json!({"classify_days": 3, "forward_days": 5, "answer_days": 15, "retention_months": 24});
    // The retention period decides when personal data is erased: admins only.
    let editor = app.login_demo("editor").await?;
    for token in [&officer, &editor] {
        let refused = app
            .client
            .put(app.url(settings))
            .bearer_auth(token)
            .json(&values)
            .send()
            .await?;
        problem(refused, 403).await?;
    }
    let anonymous = app
        .client
        .put(app.url(settings))
        .json(&values)
        .send()
        .await?;
    problem(anonymous, 401).await?;
    let out_of_range = app
        .client
        .put(app.url(settings))
        .bearer_auth(&admin)
        .json(&json!({"classify_days": 0, "forward_days": 5, "answer_days": 121, "retention_months": 24}))
        .send()
        .await?;
    let refused = problem(out_of_range, 422).await?;
    assert_eq!(
        fields(&refused),
        [
            ("classify_days".to_owned(), "out_of_range".to_owned()),
            ("answer_days".to_owned(), "out_of_range".to_owned())
        ]
    );
    let unchanged: Value = app.get(settings).await?.json().await?;
    assert_eq!(unchanged["classify_days"], 5);
    let by_admin = app
        .client
        .put(app.url(settings))
        .bearer_auth(&admin)
        .json(&values)
        .send()
        .await?;
    assert_eq!(by_admin.status().as_u16(), 200);
    problem(
        app.get("/api/v1/communes/khong-co/feedback-settings")
            .await?,
        404,
    )
    .await?;
    Ok(())
}

// ---- 10. overdue ------------------------------------------------------------------------------

/// Runs `work` on the app's database through a connection of the test's own.
async fn on_database<T: Send + 'static>(
    app: &TestApp,
    work: impl FnOnce(&db::Database) -> Result<T, db::DbError> + Send + 'static,
) -> Result<T, Failure> {
    let url = db::DatabaseUrl::parse(&app.database_url)?;
    let value = tokio::task::spawn_blocking(move || {
        let database = db::Database::open(&url, &db::PoolOptions::default())?;
        work(&database)
    })
    .await??;
    Ok(value)
}

#[tokio::test]
async fn overdue_items_are_listed_for_officials() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let code = submit_sample(&app).await?;
        ids.push(id_of(&app, &officer, &code).await?);
    }
    let late = ids[1];
    let changed = on_database(&app, move |database| {
        database.write(|conn| {
            diesel::sql_query(format!(
                "UPDATE feedback SET due_date = '2020-01-02' WHERE id = {late}"
            ))
            .execute(conn)
            .map_err(db::DbError::from)
        })
    })
    .await?;
    assert_eq!(changed, 1);

    assert_eq!(
        official_list(&app, &officer, "?overdue=false").await?["total"],
        3
    );
    let overdue = official_list(&app, &officer, "?overdue=true").await?;
    assert_eq!(overdue["total"], 1);
    let item = &overdue["items"][0];
    assert_eq!(
        (&item["id"], &item["overdue"], &item["due_date"]),
        (&json!(late), &json!(true), &json!("2020-01-02"))
    );
    let all = official_list(&app, &officer, "").await?;
    let flags: HashMap<i64, bool> = all["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| (i["id"].as_i64().unwrap_or_default(), i["overdue"] == true))
        .collect();
    assert_eq!(
        flags,
        HashMap::from([(ids[0], false), (late, true), (ids[2], false)])
    );
    // The public may not filter by what only officials see.
    let public = problem(app.get("/api/v1/feedback?overdue=true").await?, 422).await?;
    assert_eq!(
        fields(&public),
        [("overdue".to_owned(), "officials_only".to_owned())]
    );
    Ok(())
}

// ---- 11. reads of personal data ---------------------------------------------------------------

#[tokio::test]
async fn each_official_read_of_personal_data_is_recorded() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    let code = submit_sample(&app).await?;
    let id = id_of(&app, &officer, &code).await?;
    let after_list = on_database(&app, move |database| {
        database.read(|conn| db::feedback::reads_of(conn, id))
    })
    .await?;
    assert_eq!(after_list.len(), 1, "the list that found the id");
    item(&app, &officer, id).await?;
    item(&app, &officer, id).await?;
    // Tracking and the public list show no personal data, so they are no reads.
    tracked(&app, &code).await?;
    app.get("/api/v1/feedback?commune=truong-xuan").await?;
    let reads = on_database(&app, move |database| {
        database.read(|conn| db::feedback::reads_of(conn, id))
    })
    .await?;
    let readers: Vec<&str> = reads.iter().map(|(_, who)| who.as_str()).collect();
    assert_eq!(readers, ["officer", "officer", "officer"]);
    Ok(())
}

// ---- what the review found --------------------------------------------------------------------

/// A public list that takes `q` straight from the item's text.
async fn public_total(app: &TestApp, q: &str) -> Result<i64, Failure> {
    let list: Value = app
        .get(&format!("/api/v1/feedback?commune=truong-xuan&q={q}"))
        .await?
        .json()
        .await?;
    Ok(list["total"].as_i64().unwrap_or(-1))
}

#[tokio::test]
async fn the_public_search_never_finds_what_officials_removed() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    let with_id = sample_with(
        "content",
        json!("Tôi là Trần Văn Bình, CCCD 038085001234, đề nghị xã trả lời về lệ phí chứng thực."),
    );
    let id = item_in_state_from(&app, &officer, State::Answered, &with_id).await?;
    let public_content = "Công dân đề nghị xã trả lời về lệ phí chứng thực.";
    patched(
        &app,
        &officer,
        id,
        &json!({"status": "published", "public_subject": "Về lệ phí chứng thực", "public_content": public_content}),
    )
    .await?;
    let list: Value = app
        .get("/api/v1/feedback?commune=truong-xuan")
        .await?
        .json()
        .await?;
    assert_eq!(list["items"][0]["subject"], "Về lệ phí chứng thực");
    assert_eq!(list["items"][0]["content"], public_content);
    assert_eq!(public_total(&app, "le%20phi").await?, 1);
    for removed in [
        "038085001234",
        "Tr%E1%BA%A7n%20V%C4%83n%20B%C3%ACnh",
        "tran%20van%20binh",
    ] {
        assert_eq!(public_total(&app, removed).await?, 0, "q={removed}");
    }
    // The citizen's own subject is public no more either.
    assert_eq!(public_total(&app, "cham%20tra").await?, 0);
    // Officials still find it by what the citizen wrote.
    let officials = official_list(&app, &officer, "?q=038085001234").await?;
    assert_eq!(officials["total"], 1);
    Ok(())
}

#[tokio::test]
async fn a_published_item_keeps_its_public_version() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    let answered = item_in_state(&app, &officer, State::Answered).await?;
    let refused = problem(
        patch(&app, &officer, answered, &json!({"status": "published"})).await?,
        422,
    )
    .await?;
    assert_eq!(
        fields(&refused),
        [("public_content".to_owned(), "required_for_move".to_owned())]
    );
    let published = item_in_state(&app, &officer, State::Published).await?;
    for clearing in [
        json!({"public_content": null}),
        json!({"public_content": "   "}),
    ] {
        problem(patch(&app, &officer, published, &clearing).await?, 422).await?;
    }
    let kept = item(&app, &officer, published).await?;
    assert!(kept["public_content"].is_string(), "{kept}");
    Ok(())
}

#[tokio::test]
async fn erasing_personal_data_also_replaces_what_the_citizen_typed() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    let admin = app.login_demo("admin").await?;
    let edited = item_in_state(&app, &officer, State::InProgress).await?;
    let public_content = "Công dân phản ánh việc chậm trả kết quả chứng thực.";
    patched(
        &app,
        &officer,
        edited,
        &json!({"public_content": public_content}),
    )
    .await?;
    let plain = item_in_state(&app, &officer, State::InProgress).await?;
    for id in [edited, plain] {
        let erased = app
            .client
            .delete(app.url(&format!("/api/v1/feedback/{id}/personal-data")))
            .bearer_auth(&admin)
            .send()
            .await?;
        assert_eq!(erased.status().as_u16(), 204);
    }
    assert_eq!(
        item(&app, &officer, edited).await?["content"],
        public_content
    );
    let plain = item(&app, &officer, plain).await?;
    assert_ne!(plain["content"], CONTENT);
    assert!(
        plain["content"]
            .as_str()
            .unwrap_or_default()
            .contains("xóa"),
        "{plain}"
    );
    // Nor can officials find the erased text any more.
    let found = official_list(&app, &officer, "?q=bien%20lai").await?;
    assert_eq!(found["total"], 0);
    Ok(())
}

#[tokio::test]
async fn concurrent_moves_of_one_item_let_exactly_one_through() -> TestResult {
    let app = spawn().await?;
    let officer = app.login_demo("officer").await?;
    let id = item_in_state(&app, &officer, State::Answered).await?;
    let mut moves = Vec::new();
    for n in 0..10 {
        let body = if n % 2 == 0 {
            move_to("published")
        } else {
            json!({"status": "in_progress"})
        };
        let (client, url, token) = (
            app.client.clone(),
            app.url(&format!("/api/v1/feedback/{id}")),
            officer.clone(),
        );
        moves.push(tokio::spawn(async move {
            client
                .patch(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .map(|r| r.status().as_u16())
        }));
    }
    let mut statuses = Vec::new();
    for handle in moves {
        statuses.push(handle.await??);
    }
    statuses.sort_unstable();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    let history = item(&app, &officer, id).await?["history"].clone();
    let out_of_answered = history
        .as_array()
        .map(|entries| entries.iter().filter(|e| e["from"] == "answered").count())
        .unwrap_or_default();
    assert_eq!(out_of_answered, 1, "{history}");
    Ok(())
}
