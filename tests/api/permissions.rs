use std::time::Duration;

use e2e::{TestApp, TestResult, problem, spawn_demo_app};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Writes raw bytes to the server and reads what it answers until it closes or goes quiet.
async fn raw_exchange(address: &str, request: &[u8]) -> Result<String, Box<dyn std::error::Error>> {
    let mut stream = tokio::net::TcpStream::connect(address.trim_start_matches("http://")).await?;
    stream.write_all(request).await?;
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while let Ok(Ok(read)) =
        tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buffer)).await
    {
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..read]);
        if String::from_utf8_lossy(&answer).contains('}') {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

async fn create_commune(
    app: &TestApp,
    token: &str,
    slug: &str,
) -> reqwest::Result<reqwest::Response> {
    app.client
        .post(app.url("/api/v1/communes"))
        .bearer_auth(token)
        .json(&json!({"slug": slug, "name": "Xã Xuân Hồng", "district": "Huyện Thọ Xuân", "province": "Tỉnh Thanh Hóa"}))
        .send()
        .await
}

#[tokio::test]
async fn only_admins_add_communes() -> TestResult {
    let app = spawn_demo_app().await?;
    let admin = app.login_demo("admin").await?;
    let created = create_commune(&app, &admin, "xuan-hong").await?;
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(
        created
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/api/v1/communes/xuan-hong")
    );
    let body: Value = created.json().await?;
    assert_eq!(body["time_zone"], "Asia/Ho_Chi_Minh");

    let again = problem(create_commune(&app, &admin, "xuan-hong").await?, 409).await?;
    assert_eq!(again["code"], "conflict");
    for role in ["editor", "officer"] {
        let token = app.login_demo(role).await?;
        let refused = problem(create_commune(&app, &token, "xuan-lai").await?, 403).await?;
        assert_eq!(refused["code"], "forbidden", "{role}");
    }
    let anonymous = app
        .post_json(
            "/api/v1/communes",
            &json!({"slug": "xuan-lai", "name": "Xã Xuân Lai"}),
        )
        .await?;
    problem(anonymous, 401).await?;
    let list: Value = app.get("/api/v1/communes").await?.json().await?;
    assert_eq!(list["total"], 2, "refused writes wrote nothing");
    Ok(())
}

#[tokio::test]
async fn a_new_commune_is_validated_field_by_field() -> TestResult {
    let app = spawn_demo_app().await?;
    let admin = app.login_demo("admin").await?;
    let response = app
        .client
        .post(app.url("/api/v1/communes"))
        .bearer_auth(&admin)
        .json(&json!({"slug": "Xuân Hồng", "feedback_contact": {"phone": "123", "email": "khong-phai-email"}}))
        .send()
        .await?;
    let body = problem(response, 422).await?;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|x| x["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        fields,
        [
            "slug",
            "name",
            "feedback_contact.phone",
            "feedback_contact.email"
        ]
    );
    let unknown = app
        .client
        .post(app.url("/api/v1/communes"))
        .bearer_auth(&admin)
        .json(&json!({"slug": "xuan-hong", "name": "Xã Xuân Hồng", "owner": "editor"}))
        .send()
        .await?;
    problem(unknown, 422).await?;
    let malformed = app
        .client
        .post(app.url("/api/v1/communes"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"slug\": ")
        .send()
        .await?;
    assert_eq!(problem(malformed, 400).await?["code"], "malformed_body");
    // The server refuses a declared oversize body before reading it, and may close the
    // connection while a client is still uploading; so only the headers are sent here.
    let head = format!(
        "POST /api/v1/communes HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer {admin}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        2 * 1024 * 1024
    );
    let answer = raw_exchange(&app.address, head.as_bytes()).await?;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("application/problem+json") && answer.contains("payload_too_large"),
        "{answer}"
    );
    let nul = app
        .client
        .post(app.url("/api/v1/communes"))
        .bearer_auth(&admin)
        .json(&json!({"slug": "xuan-hong", "name": "Xã\u{0000}Xuân Hồng"}))
        .send()
        .await?;
    assert_eq!(problem(nul, 422).await?["errors"][0]["field"], "name");
    Ok(())
}

#[tokio::test]
async fn editors_change_their_own_commune_only() -> TestResult {
    let app = spawn_demo_app().await?;
    let admin = app.login_demo("admin").await?;
    let editor = app.login_demo("editor").await?;
    let officer = app.login_demo("officer").await?;
    assert_eq!(
        create_commune(&app, &admin, "xuan-hong")
            .await?
            .status()
            .as_u16(),
        201
    );

    let own = app
        .client
        .patch(app.url("/api/v1/communes/truong-xuan"))
        .bearer_auth(&editor)
        .json(&json!({"feedback_contact": {"phone": "0373 123 456"}, "district": null}))
        .send()
        .await?;
    assert_eq!(own.status().as_u16(), 200);
    let body: Value = own.json().await?;
    assert_eq!(body["feedback_contact"]["phone"], "0373123456");
    assert_eq!(
        body["feedback_contact"]["email"], "truongxuan.thoxuan@thanhhoa.gov.vn",
        "absent fields stay"
    );
    assert_eq!(body["district"], Value::Null, "null clears");
    assert_eq!(body["name"], "Xã Trường Xuân");

    let other = app
        .client
        .patch(app.url("/api/v1/communes/xuan-hong"))
        .bearer_auth(&editor)
        .json(&json!({"name": "Đổi tên"}))
        .send()
        .await?;
    problem(other, 403).await?;
    let officer_write = app
        .client
        .patch(app.url("/api/v1/communes/truong-xuan"))
        .bearer_auth(&officer)
        .json(&json!({"name": "Đổi tên"}))
        .send()
        .await?;
    problem(officer_write, 403).await?;
    let slug_change = app
        .client
        .patch(app.url("/api/v1/communes/truong-xuan"))
        .bearer_auth(&admin)
        .json(&json!({"slug": "khac"}))
        .send()
        .await?;
    problem(slug_change, 422).await?;
    let missing = app
        .client
        .patch(app.url("/api/v1/communes/khong-co"))
        .bearer_auth(&admin)
        .json(&json!({"name": "X"}))
        .send()
        .await?;
    problem(missing, 404).await?;
    let renamed = app
        .client
        .patch(app.url("/api/v1/communes/xuan-hong"))
        .bearer_auth(&admin)
        .json(&json!({"name": "Xã Xuân Hồng mới"}))
        .send()
        .await?;
    assert_eq!(renamed.status().as_u16(), 200);
    Ok(())
}

#[tokio::test]
async fn only_admins_manage_users_and_nobody_raises_their_own_role() -> TestResult {
    let app = spawn_demo_app().await?;
    let admin = app.login_demo("admin").await?;
    let editor = app.login_demo("editor").await?;
    let me: Value = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .bearer_auth(&editor)
        .send()
        .await?
        .json()
        .await?;

    let raise = app
        .client
        .patch(app.url(&format!("/api/v1/users/{}", me["id"])))
        .bearer_auth(&editor)
        .json(&json!({"role": "admin", "commune": null}))
        .send()
        .await?;
    problem(raise, 403).await?;
    problem(
        app.client
            .get(app.url("/api/v1/users"))
            .bearer_auth(&editor)
            .send()
            .await?,
        403,
    )
    .await?;
    let create = app
        .client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&editor)
        .json(&json!({"username": "ke-gian", "password": "mật khẩu dài đủ", "role": "admin"}))
        .send()
        .await?;
    problem(create, 403).await?;
    let still: Value = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .bearer_auth(&editor)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(still["role"], "editor");

    let created = app
        .client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"username": "canbo.truongxuan", "password": "mật khẩu dài đủ", "role": "officer", "commune": "truong-xuan"}))
        .send()
        .await?;
    assert_eq!(created.status().as_u16(), 201);
    let body: Value = created.json().await?;
    assert_eq!(
        (body["role"].as_str(), body["commune"].as_str()),
        (Some("officer"), Some("truong-xuan"))
    );
    assert!(body.get("password_hash").is_none());
    app.login("canbo.truongxuan", "mật khẩu dài đủ").await?;

    for (payload, field) in [
        (
            json!({"username": "x1", "password": "mật khẩu dài đủ", "role": "officer", "commune": "truong-xuan"}),
            "username",
        ),
        (
            json!({"username": "ngan-qua", "password": "ngắn", "role": "officer", "commune": "truong-xuan"}),
            "password",
        ),
        (
            json!({"username": "vai-tro", "password": "mật khẩu dài đủ", "role": "chairman", "commune": "truong-xuan"}),
            "role",
        ),
        (
            json!({"username": "khong-xa", "password": "mật khẩu dài đủ", "role": "officer"}),
            "commune",
        ),
        (
            json!({"username": "admin-xa", "password": "mật khẩu dài đủ", "role": "admin", "commune": "truong-xuan"}),
            "commune",
        ),
        (
            json!({"username": "xa-la", "password": "mật khẩu dài đủ", "role": "editor", "commune": "khong-co"}),
            "commune",
        ),
    ] {
        let response = app
            .client
            .post(app.url("/api/v1/users"))
            .bearer_auth(&admin)
            .json(&payload)
            .send()
            .await?;
        let body = problem(response, 422).await?;
        assert_eq!(body["errors"][0]["field"], field, "{payload}");
    }
    let duplicate = app
        .client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"username": "editor", "password": "mật khẩu dài đủ", "role": "admin"}))
        .send()
        .await?;
    problem(duplicate, 409).await?;
    let listed: Value = app
        .client
        .get(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(listed["total"], 4);
    Ok(())
}

#[tokio::test]
async fn writes_are_audited_with_the_user_and_request() -> TestResult {
    let app = spawn_demo_app().await?;
    let editor = app.login_demo("editor").await?;
    let response = app
        .client
        .patch(app.url("/api/v1/communes/truong-xuan"))
        .bearer_auth(&editor)
        .header("x-request-id", "audit-test-0001")
        .json(&json!({"name": "Xã Trường Xuân (sửa)"}))
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    let url = db::DatabaseUrl::parse(&app.database_url)?;
    let history = tokio::task::spawn_blocking(move || {
        let database = db::Database::open(&url, &db::PoolOptions::default())?;
        database.read(|conn| db::audit::for_object(conn, "commune", "truong-xuan"))
    })
    .await??;
    let last = history.last().ok_or("no audit record")?;
    assert_eq!(
        (last.actor.as_str(), last.action.as_str()),
        ("editor", "commune.update")
    );
    assert_eq!(last.request_id.as_deref(), Some("audit-test-0001"));
    assert!(
        last.before
            .as_deref()
            .unwrap_or_default()
            .contains("\"Xã Trường Xuân\"")
    );
    assert!(
        last.after
            .as_deref()
            .unwrap_or_default()
            .contains("Xã Trường Xuân (sửa)")
    );
    Ok(())
}
