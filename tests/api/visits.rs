use std::time::Duration;

use e2e::{TestOptions, TestResult, problem, spawn_demo_app, spawn_on_database};
use serde_json::{Value, json};

async fn counts(app: &e2e::TestApp, query: &str) -> Result<Value, Box<dyn std::error::Error>> {
    Ok(app
        .get(&format!("/api/v1/communes/truong-xuan/visits{query}"))
        .await?
        .json()
        .await?)
}

#[tokio::test]
async fn a_visit_counts_at_once_and_the_figures_agree() -> TestResult {
    let app = spawn_demo_app().await?;
    assert_eq!(
        counts(&app, "").await?,
        json!({"today": 0, "yesterday": 0, "this_week": 0, "this_month": 0, "total": 0})
    );
    let response = app
        .post_json(
            "/api/v1/visits",
            &json!({"commune": "truong-xuan", "path": "/nghi-quyet/1"}),
        )
        .await?;
    assert_eq!(response.status().as_u16(), 202);
    app.post_json(
        "/api/v1/visits",
        &json!({"commune": "truong-xuan", "path": "/", "visitor": "abc"}),
    )
    .await?;
    let all = counts(&app, "").await?;
    assert_eq!(
        all,
        json!({"today": 2, "yesterday": 0, "this_week": 2, "this_month": 2, "total": 2})
    );
    let page = counts(&app, "?path=/nghi-quyet/1").await?;
    assert_eq!(
        (page["today"].as_u64(), page["total"].as_u64()),
        (Some(1), Some(1))
    );
    // Flushed within a second, the figures stay the same.
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(counts(&app, "").await?, all);
    Ok(())
}

#[tokio::test]
async fn bad_visits_are_refused() -> TestResult {
    let app = spawn_demo_app().await?;
    problem(
        app.post_json(
            "/api/v1/visits",
            &json!({"commune": "khong-co", "path": "/"}),
        )
        .await?,
        404,
    )
    .await?;
    let long = app
        .post_json(
            "/api/v1/visits",
            &json!({"commune": "truong-xuan", "path": format!("/{}", "a".repeat(512))}),
        )
        .await?;
    assert_eq!(problem(long, 422).await?["errors"][0]["field"], "path");
    problem(
        app.post_json("/api/v1/visits", &json!({"commune": "truong-xuan"}))
            .await?,
        422,
    )
    .await?;
    problem(app.get("/api/v1/communes/khong-co/visits").await?, 404).await?;
    Ok(())
}

#[tokio::test]
async fn two_thousand_concurrent_visits_are_all_counted() -> TestResult {
    let app = spawn_demo_app().await?;
    // At most 200 in flight, so the test stays within file-descriptor limits.
    let in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(200));
    let mut tasks = Vec::new();
    for i in 0..2000 {
        let client = app.client.clone();
        let url = app.url("/api/v1/visits");
        let permit = in_flight.clone().acquire_owned().await?;
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            client
                .post(url)
                .json(&json!({"commune": "truong-xuan", "path": format!("/trang/{}", i % 7)}))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }));
    }
    for task in tasks {
        assert_eq!(task.await??, 202);
    }
    assert_eq!(counts(&app, "").await?["today"], 2000);
    assert_eq!(counts(&app, "?path=/trang/0").await?["today"], 286);
    Ok(())
}

#[tokio::test]
async fn counts_survive_a_graceful_restart() -> TestResult {
    let app = spawn_demo_app().await?;
    for _ in 0..25 {
        app.post_json(
            "/api/v1/visits",
            &json!({"commune": "truong-xuan", "path": "/"}),
        )
        .await?;
    }
    let url = app.database_url.clone();
    // Stopped before the periodic flush: the shutdown flush stores them.
    let database = app.stop().await?;
    let again = spawn_on_database(&url, TestOptions::demo()).await?;
    assert_eq!(counts(&again, "").await?["today"], 25);
    drop(again);
    drop(database);
    Ok(())
}

#[tokio::test]
async fn two_instances_on_one_database_add_up() -> TestResult {
    let first = spawn_demo_app().await?;
    let second = spawn_on_database(&first.database_url, TestOptions::demo()).await?;
    for app in [&first, &second, &first] {
        for _ in 0..10 {
            app.post_json(
                "/api/v1/visits",
                &json!({"commune": "truong-xuan", "path": "/"}),
            )
            .await?;
        }
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(counts(&first, "").await?["today"], 30);
    assert_eq!(counts(&second, "").await?["today"], 30);
    Ok(())
}

#[tokio::test]
async fn an_admin_continues_the_old_portals_total() -> TestResult {
    let app = spawn_demo_app().await?;
    let admin = app.login_demo("admin").await?;
    let editor = app.login_demo("editor").await?;
    let refused = app
        .client
        .put(app.url("/api/v1/communes/truong-xuan/visits/baseline"))
        .bearer_auth(&editor)
        .json(&json!({"total": 1}))
        .send()
        .await?;
    problem(refused, 403).await?;
    app.post_json(
        "/api/v1/visits",
        &json!({"commune": "truong-xuan", "path": "/"}),
    )
    .await?;
    let set = app
        .client
        .put(app.url("/api/v1/communes/truong-xuan/visits/baseline"))
        .bearer_auth(&admin)
        .json(&json!({"total": 174988}))
        .send()
        .await?;
    assert_eq!(set.status().as_u16(), 200);
    let figures = counts(&app, "").await?;
    assert_eq!(
        figures,
        json!({"today": 1, "yesterday": 0, "this_week": 1, "this_month": 1, "total": 174989})
    );
    Ok(())
}
