use std::time::{Duration, Instant};

use e2e::{TestOptions, TestResult, spawn_demo_app, spawn_on_database};
use serde_json::{Value, json};

#[tokio::test]
async fn public_reads_carry_an_etag_and_answer_304() -> TestResult {
    let app = spawn_demo_app().await?;
    let list: Value = app.get("/api/v1/resolutions").await?.json().await?;
    let path = format!("/api/v1/resolutions/{}/targets", list["items"][0]["id"]);
    for _ in 0..2 {
        // The first request fills the cache, the second is served from it: both validate.
        let first = app.get(&path).await?;
        let etag = first
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(etag.starts_with('"') && etag.len() > 2, "{etag:?}");
        assert_eq!(
            first
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("public, max-age=0, must-revalidate")
        );
        let again = app
            .client
            .get(app.url(&path))
            .header("if-none-match", &etag)
            .send()
            .await?;
        assert_eq!(again.status().as_u16(), 304);
        assert!(again.bytes().await?.is_empty());
        let other = app
            .client
            .get(app.url(&path))
            .header("if-none-match", "\"khac\"")
            .send()
            .await?;
        assert_eq!(other.status().as_u16(), 200);
    }
    Ok(())
}

#[tokio::test]
async fn a_write_through_this_instance_is_visible_at_once() -> TestResult {
    let app = spawn_demo_app().await?;
    let editor = app.login_demo("editor").await?;
    let before: Value = app
        .get("/api/v1/communes/truong-xuan")
        .await?
        .json()
        .await?;
    assert_eq!(before["name"], "Xã Trường Xuân");
    let patched = app
        .client
        .patch(app.url("/api/v1/communes/truong-xuan"))
        .bearer_auth(&editor)
        .json(&json!({"name": "Xã Trường Xuân (mới)"}))
        .send()
        .await?;
    assert_eq!(patched.status().as_u16(), 200);
    let after: Value = app
        .get("/api/v1/communes/truong-xuan")
        .await?
        .json()
        .await?;
    assert_eq!(after["name"], "Xã Trường Xuân (mới)");
    Ok(())
}

#[tokio::test]
async fn a_write_through_another_instance_is_visible_within_a_second() -> TestResult {
    let first = spawn_demo_app().await?;
    let second = spawn_on_database(&first.database_url, TestOptions::demo()).await?;
    let before: Value = first
        .get("/api/v1/communes/truong-xuan")
        .await?
        .json()
        .await?;
    assert_eq!(before["name"], "Xã Trường Xuân");
    let editor = second.login_demo("editor").await?;
    let patched = second
        .client
        .patch(second.url("/api/v1/communes/truong-xuan"))
        .bearer_auth(&editor)
        .json(&json!({"name": "Đổi ở nơi khác"}))
        .send()
        .await?;
    assert_eq!(patched.status().as_u16(), 200);
    let written = Instant::now();
    loop {
        let seen: Value = first
            .get("/api/v1/communes/truong-xuan")
            .await?
            .json()
            .await?;
        if seen["name"] == "Đổi ở nơi khác" {
            break;
        }
        assert!(
            written.elapsed() < Duration::from_millis(1500),
            "still stale after {:?}",
            written.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        written.elapsed() <= Duration::from_secs(1),
        "took {:?}",
        written.elapsed()
    );
    Ok(())
}

#[tokio::test]
async fn answers_for_signed_in_users_never_come_from_the_shared_cache() -> TestResult {
    let app = spawn_demo_app().await?;
    let editor = app.login_demo("editor").await?;
    let created = app
        .client
        .post(app.url("/api/v1/resolutions"))
        .bearer_auth(&editor)
        .json(&json!({"commune": "truong-xuan", "title": "Bản nháp riêng"}))
        .send()
        .await?;
    assert_eq!(created.status().as_u16(), 201);
    for _ in 0..2 {
        let public: Value = app.get("/api/v1/resolutions").await?.json().await?;
        assert_eq!(public["total"], 1);
        let own = app
            .client
            .get(app.url("/api/v1/resolutions"))
            .bearer_auth(&editor)
            .send()
            .await?;
        assert_eq!(
            own.headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("private, no-cache")
        );
        let own: Value = own.json().await?;
        assert_eq!(own["total"], 2);
    }
    Ok(())
}

#[tokio::test]
async fn large_public_answers_are_served_whole_even_when_not_kept() -> TestResult {
    let app = e2e::spawn_app_with(
        TestOptions::demo().with("BODY_LIMIT_BYTES", (4 * 1024 * 1024).to_string()),
    )
    .await?;
    let editor = app.login_demo("editor").await?;
    let paragraph = "Tiếp tục đẩy mạnh cải cách hành chính, nâng cao chất lượng phục vụ nhân dân. "
        .repeat(14_000);
    let text =
        format!("NGHỊ QUYẾT VỀ CẢI CÁCH HÀNH CHÍNH NĂM 2024\n\nI. ĐÁNH GIÁ CHUNG\n{paragraph}\n");
    let imported = app
        .client
        .post(app.url("/api/v1/resolutions/import?commune=truong-xuan&publish=true"))
        .bearer_auth(&editor)
        .header("content-type", "text/plain; charset=utf-8")
        .body(text)
        .send()
        .await?;
    assert_eq!(imported.status().as_u16(), 201);
    let id = imported.json::<Value>().await?["id"].clone();
    for _ in 0..2 {
        let detail = app.get(&format!("/api/v1/resolutions/{id}")).await?;
        assert_eq!(detail.status().as_u16(), 200);
        let body = detail.bytes().await?;
        assert!(body.len() > 2 * 1024 * 1024, "{} bytes", body.len());
    }
    Ok(())
}
