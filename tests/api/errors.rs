use e2e::{TestOptions, TestResult, problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn an_unknown_route_is_a_404_problem() -> TestResult {
    let app = spawn_app().await?;
    let body = problem(app.get("/api/v1/khong-co").await?, 404).await?;
    assert_eq!(body["code"], "route_not_found");
    assert_eq!(body["type"], "about:blank");
    Ok(())
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem_with_allow() -> TestResult {
    let app = spawn_app().await?;
    let response = app
        .client
        .delete(app.url("/api/v1/communes/truong-xuan"))
        .send()
        .await?;
    let allow = response
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = problem(response, 405).await?;
    assert_eq!(body["code"], "method_not_allowed");
    assert!(allow.contains("GET"), "{allow}");
    let body = problem(app.client.put(app.url("/healthz")).send().await?, 405).await?;
    assert_eq!(body["code"], "method_not_allowed");
    Ok(())
}

#[tokio::test]
async fn problem_responses_are_never_cached() -> TestResult {
    let app = spawn_app().await?;
    let response = app.get("/nowhere").await?;
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    Ok(())
}

#[tokio::test]
async fn cors_allows_configured_origins_only() -> TestResult {
    let app = spawn_app_with(TestOptions::default().with(
        "CORS_ALLOWED_ORIGINS",
        "https://truongxuan.thoxuan.thanhhoa.gov.vn",
    ))
    .await?;
    let allowed = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/communes"))
        .header("origin", "https://truongxuan.thoxuan.thanhhoa.gov.vn")
        .header("access-control-request-method", "GET")
        .send()
        .await?;
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("https://truongxuan.thoxuan.thanhhoa.gov.vn")
    );
    let simple = app
        .client
        .get(app.url("/api/v1/communes"))
        .header("origin", "https://truongxuan.thoxuan.thanhhoa.gov.vn")
        .send()
        .await?;
    assert!(
        simple
            .headers()
            .get("access-control-expose-headers")
            .is_some()
    );
    let refused = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/communes"))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "GET")
        .send()
        .await?;
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    Ok(())
}

#[tokio::test]
async fn without_cors_configuration_no_origin_is_granted() -> TestResult {
    let app = spawn_app().await?;
    let response = app
        .client
        .get(app.url("/api/v1/communes"))
        .header("origin", "https://a.example")
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    Ok(())
}
