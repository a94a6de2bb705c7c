use std::time::Duration;

use e2e::{TestOptions, TestResult, problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn healthz_answers_ok() -> TestResult {
    let app = spawn_app().await?;
    let response = app.get("/healthz").await?;
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await?;
    assert_eq!(body["status"], "ok");
    Ok(())
}

#[tokio::test]
async fn readyz_answers_ready_when_the_database_answers() -> TestResult {
    let app = spawn_app().await?;
    let response = app.get("/readyz").await?;
    assert_eq!(response.status().as_u16(), 200);
    Ok(())
}

#[tokio::test]
async fn every_response_carries_a_request_id() -> TestResult {
    let app = spawn_app().await?;
    for path in [
        "/healthz",
        "/api/v1/communes",
        "/nowhere",
        "/api/v1/communes/khong-co",
    ] {
        let response = app.get(path).await?;
        let id = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert_eq!(id.len(), 32, "{path}: {id:?}");
    }
    let first = app.get("/healthz").await?;
    let second = app.get("/healthz").await?;
    assert_ne!(
        first.headers().get("x-request-id"),
        second.headers().get("x-request-id")
    );
    Ok(())
}

#[tokio::test]
async fn a_plausible_caller_request_id_is_kept_and_a_hostile_one_replaced() -> TestResult {
    let app = spawn_app().await?;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "lb-7f3a9c21d4e8")
        .send()
        .await?;
    assert_eq!(
        response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("lb-7f3a9c21d4e8")
    );
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "x")
        .send()
        .await?;
    assert_ne!(
        response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("x")
    );
    Ok(())
}

#[tokio::test]
async fn shutdown_reports_draining_then_stops() -> TestResult {
    let app =
        spawn_app_with(TestOptions::default().with("SHUTDOWN_DRAIN_DELAY_MS", "1500")).await?;
    assert_eq!(app.get("/readyz").await?.status().as_u16(), 200);
    let shutdown = app.shutdown.clone();
    let stopping = tokio::spawn(async move { shutdown.shutdown().await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let body = problem(app.get("/readyz").await?, 503).await?;
    assert_eq!(body["code"], "shutting_down");
    // Still alive while draining: a load balancer has time to move traffic away.
    assert_eq!(app.get("/healthz").await?.status().as_u16(), 200);
    stopping.await?;
    let address = app.address.clone();
    app.server.await??;
    assert!(
        reqwest::get(format!("{address}/healthz")).await.is_err(),
        "still listening after shutdown"
    );
    Ok(())
}

#[tokio::test]
async fn in_flight_requests_finish_during_shutdown() -> TestResult {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let app = spawn_app().await?;
    let body = br#"{"slug": "truong-xuan"}"#;
    let mut stream =
        tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await?;
    // Half a request: headers and the start of the body. The server is now serving it.
    let head = format!(
        "GET /api/v1/communes HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&body[..5]).await?;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let shutdown = app.shutdown.clone();
    let stopping = tokio::spawn(async move { shutdown.shutdown().await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    stream.write_all(&body[5..]).await?;

    let mut response = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&response).contains("\"total\"") {
        let read =
            tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer)).await??;
        if read == 0 {
            break;
        }
        response.extend_from_slice(&buffer[..read]);
    }
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    stopping.await?;
    app.server.await??;
    Ok(())
}

#[tokio::test]
async fn a_database_that_does_not_answer_makes_readyz_503() -> TestResult {
    let app = spawn_app().await?;
    if !app.database_url.starts_with("postgres") {
        // An open SQLite file keeps answering even when unlinked; db's storage tests cover a
        // SQLite database that cannot be opened.
        return Ok(());
    }
    assert_eq!(app.get("/readyz").await?.status().as_u16(), 200);
    drop_database_under_the_server(&app.database_url).await?;
    let body = problem(app.get("/readyz").await?, 503).await?;
    assert_eq!(body["code"], "service_unavailable");
    Ok(())
}

/// Drops the server's PostgreSQL database with its connections.
async fn drop_database_under_the_server(database_url: &str) -> TestResult {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || -> Result<(), String> {
        use diesel::{Connection, PgConnection, RunQueryDsl};
        let (base, name) = url.rsplit_once('/').ok_or("no database name")?;
        let mut admin =
            PgConnection::establish(&format!("{base}/postgres")).map_err(|e| e.to_string())?;
        diesel::sql_query(format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
            .execute(&mut admin)
            .map_err(|e| e.to_string())?;
        Ok(())
    })
    .await??;
    Ok(())
}

#[tokio::test]
async fn two_instances_starting_together_on_one_postgres_database_both_come_up() -> TestResult {
    let first = spawn_app().await?;
    if !first.database_url.starts_with("postgres") {
        // Several instances on one database is the PostgreSQL deployment; SQLite has one server.
        return Ok(());
    }
    // A second fresh database, migrated by two instances at once under the advisory lock.
    let scratch = tokio::task::spawn_blocking(db::scratch::ScratchDatabase::create).await??;
    let (a, b) = tokio::join!(
        e2e::spawn_on_database(scratch.url(), TestOptions::demo()),
        e2e::spawn_on_database(scratch.url(), TestOptions::demo()),
    );
    let (a, b) = (a?, b?);
    for app in [&a, &b] {
        assert_eq!(app.get("/readyz").await?.status().as_u16(), 200);
        let list: serde_json::Value = app.get("/api/v1/communes").await?.json().await?;
        assert_eq!(list["total"], 1, "the demo commune is loaded once");
    }
    drop((a, b));
    drop(scratch);
    Ok(())
}

#[tokio::test]
async fn two_instances_share_tokens_and_never_share_a_tracking_code() -> TestResult {
    let first =
        e2e::spawn_app_with(TestOptions::demo().with("FEEDBACK_RATE_LIMIT", "100000")).await?;
    let second = e2e::spawn_on_database(
        &first.database_url,
        TestOptions::demo().with("FEEDBACK_RATE_LIMIT", "100000"),
    )
    .await?;
    // A token one instance issued works on the other (same JWT_SECRET, same users).
    let token = first.login_demo("officer").await?;
    let me = second
        .client
        .get(second.url("/api/v1/auth/me"))
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(me.status().as_u16(), 200);
    let body = serde_json::json!({
        "commune": "truong-xuan", "kind": "phan_anh", "subject": "Giờ tiếp công dân",
        "content": "Đề nghị tiếp công dân sáng thứ Bảy.",
        "submitter": {"name": "Lê Thị Hoa", "address": "Thôn 2", "phone": "0912345678"}
    });
    let mut sent = Vec::new();
    for n in 0..100 {
        let app = if n % 2 == 0 { &first } else { &second };
        let (client, url, body) = (
            app.client.clone(),
            app.url("/api/v1/feedback"),
            body.clone(),
        );
        sent.push(tokio::spawn(async move {
            let response = client.post(url).json(&body).send().await?;
            response.json::<serde_json::Value>().await
        }));
    }
    let mut codes = std::collections::HashSet::new();
    for answer in sent {
        let answer = answer.await??;
        assert!(answer["tracking_code"].is_string(), "{answer}");
        codes.insert(
            answer["tracking_code"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    assert_eq!(codes.len(), 100, "every submission has its own code");
    let list: serde_json::Value = second
        .client
        .get(second.url("/api/v1/feedback?per_page=1"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(list["total"], 100);
    Ok(())
}
