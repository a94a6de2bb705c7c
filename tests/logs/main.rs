//! Personal data never reaches a log line: a whole feedback workflow, with refused submissions,
//! runs with logging at debug level into a buffer, which is then searched for the submitter's
//! details.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use e2e::{TestResult, spawn_demo_app};
use serde_json::{Value, json};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Buffer {
    fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

const NAME: &str = "Phạm Thị Bảo Ngọc";
const ADDRESS: &str = "Xóm Bàu Sen, thôn Cổ Giang";
const PHONE: &str = "0987654321";
const EMAIL: &str = "bao.ngoc.pham@example.vn";

fn submission(submitter: Value) -> Value {
    json!({
        "commune": "truong-xuan",
        "kind": "kien_nghi",
        "subject": "Kiến nghị về lệ phí chứng thực",
        "content": "Đề nghị niêm yết công khai mức lệ phí 2,5 nghìn đồng/trang.",
        "submitter": submitter,
        "allow_publication": true,
    })
}

#[tokio::test]
async fn no_log_line_holds_a_citizens_personal_data() -> TestResult {
    let logs = Buffer::default();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new("debug"))
        .json()
        .with_current_span(true)
        .with_span_list(true)
        .with_writer(logs.clone())
        .try_init()
        .map_err(|e| e.to_string())?;
    let app = spawn_demo_app().await?;
    let person = json!({"name": NAME, "address": ADDRESS, "phone": PHONE, "email": EMAIL});

    let created = app
        .post_json("/api/v1/feedback", &submission(person.clone()))
        .await?;
    assert_eq!(created.status().as_u16(), 201);
    let code = created.json::<Value>().await?["tracking_code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // Refused submissions that carry personal data in the rejected fields.
    let refused = [
        json!({"name": NAME, "address": ADDRESS, "phone": "0987-654-32X"}),
        json!({"name": NAME, "address": ADDRESS, "email": "bao.ngoc.pham@@example.vn"}),
        json!({"name": NAME, "address": ADDRESS, "phone": 987654321}),
        json!({"name": format!("{NAME}\u{0}"), "address": ADDRESS, "phone": PHONE}),
    ];
    for submitter in refused {
        let response = app
            .post_json("/api/v1/feedback", &submission(submitter))
            .await?;
        assert_eq!(response.status().as_u16(), 422);
    }
    let mut complaint = submission(person.clone());
    complaint["kind"] = json!("khieu_nai");
    let response = app.post_json("/api/v1/feedback", &complaint).await?;
    assert_eq!(response.status().as_u16(), 422);

    // Officials read, move, answer, publish and erase.
    let officer = app.login_demo("officer").await?;
    let list: Value = app
        .client
        .get(app.url("/api/v1/feedback"))
        .bearer_auth(&officer)
        .send()
        .await?
        .json()
        .await?;
    let id = list["items"][0]["id"].as_i64().unwrap_or_default();
    let item = format!("/api/v1/feedback/{id}");
    for body in [
        json!({"status": "classified", "classification": "within_competence"}),
        json!({"status": "in_progress", "assignee": "officer"}),
    ] {
        let moved = app
            .client
            .patch(app.url(&item))
            .bearer_auth(&officer)
            .json(&body)
            .send()
            .await?;
        assert_eq!(moved.status().as_u16(), 200);
    }
    let answered = app
        .client
        .post(app.url(&format!("{item}/answer")))
        .bearer_auth(&officer)
        .json(&json!({"answer": "UBND xã đã niêm yết mức lệ phí tại bộ phận một cửa."}))
        .send()
        .await?;
    assert_eq!(answered.status().as_u16(), 200);
    let tracked = app.get(&format!("/api/v1/feedback/track/{code}")).await?;
    assert_eq!(tracked.status().as_u16(), 200);
    let admin = app.login_demo("admin").await?;
    let erased = app
        .client
        .delete(app.url(&format!("{item}/personal-data")))
        .bearer_auth(&admin)
        .send()
        .await?;
    assert_eq!(erased.status().as_u16(), 204);
    // A public read twice: the second comes from the response cache, and its log line still
    // names the route.
    let resolutions: Value = app.get("/api/v1/resolutions").await?.json().await?;
    let resolution = resolutions["items"][0]["id"].as_i64().unwrap_or_default();
    for _ in 0..2 {
        let targets = app
            .get(&format!("/api/v1/resolutions/{resolution}/targets"))
            .await?;
        assert_eq!(targets.status().as_u16(), 200);
    }
    app.stop().await?;

    let text = logs.text();
    let logged_targets = text
        .lines()
        .filter(|line| {
            line.contains("request finished") && line.contains("/api/v1/resolutions/{id}/targets")
        })
        .count();
    assert_eq!(logged_targets, 2, "a cache hit's log line names its route");
    assert!(
        text.contains("request finished") && text.contains("/api/v1/feedback/{id}/answer"),
        "the requests were logged"
    );
    for secret in [
        NAME,
        "Bảo Ngọc",
        ADDRESS,
        "Bàu Sen",
        PHONE,
        "987654321",
        "0987-654-32X",
        "bao.ngoc.pham",
        code.as_str(),
    ] {
        assert!(!text.contains(secret), "a log line holds {secret:?}");
    }
    Ok(())
}
