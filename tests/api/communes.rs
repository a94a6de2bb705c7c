use e2e::{TestOptions, TestResult, problem, spawn_app, spawn_demo_app, spawn_on_database};
use serde_json::{Value, json};

#[tokio::test]
async fn the_demo_commune_is_served_with_the_seed_contact() -> TestResult {
    let app = spawn_demo_app().await?;
    let response = app.get("/api/v1/communes/truong-xuan").await?;
    assert_eq!(response.status().as_u16(), 200);
    let commune: Value = response.json().await?;
    assert_eq!(commune["slug"], "truong-xuan");
    assert_eq!(commune["name"], "Xã Trường Xuân");
    assert_eq!(commune["district"], "Huyện Thọ Xuân");
    assert_eq!(commune["province"], "Tỉnh Thanh Hóa");
    assert_eq!(
        commune["feedback_contact"],
        json!({
            "address": "Phú Hậu 1, Xã Trường Xuân, Huyện Thọ Xuân",
            "phone": "0374408758",
            "email": "truongxuan.thoxuan@thanhhoa.gov.vn"
        })
    );
    assert_eq!(commune["time_zone"], "Asia/Ho_Chi_Minh");
    Ok(())
}

#[tokio::test]
async fn the_commune_list_is_paginated_with_a_total() -> TestResult {
    let app = spawn_demo_app().await?;
    let list: Value = app.get("/api/v1/communes").await?.json().await?;
    assert_eq!(list["total"], 1);
    assert_eq!(list["page"], 1);
    assert_eq!(list["per_page"], 20);
    assert_eq!(list["items"][0]["slug"], "truong-xuan");

    let capped: Value = app
        .get("/api/v1/communes?per_page=1000&page=2")
        .await?
        .json()
        .await?;
    assert_eq!(capped["per_page"], 100);
    assert_eq!(capped["page"], 2);
    assert_eq!(capped["items"], json!([]));
    assert_eq!(capped["total"], 1);
    Ok(())
}

#[tokio::test]
async fn an_empty_database_lists_no_communes() -> TestResult {
    let app = spawn_app().await?;
    let list: Value = app.get("/api/v1/communes").await?.json().await?;
    assert_eq!(
        list,
        json!({"items": [], "page": 1, "per_page": 20, "total": 0})
    );
    Ok(())
}

#[tokio::test]
async fn starting_the_demo_again_adds_nothing_twice() -> TestResult {
    let first = spawn_demo_app().await?;
    let database_url = first.database_url.clone();
    let scratch = first.stop().await?;
    let second = spawn_on_database(&database_url, TestOptions::demo()).await?;
    let list: Value = second.get("/api/v1/communes").await?.json().await?;
    assert_eq!(list["total"], 1);
    drop(second);
    drop(scratch);
    Ok(())
}

#[tokio::test]
async fn updated_since_filters_for_sync() -> TestResult {
    let app = spawn_demo_app().await?;
    let commune: Value = app
        .get("/api/v1/communes/truong-xuan")
        .await?
        .json()
        .await?;
    let updated_at = commune["updated_at"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let before: Value = app
        .client
        .get(app.url("/api/v1/communes"))
        .query(&[("updated_since", "2020-01-01T00:00:00+07:00")])
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(before["total"], 1);
    let after: Value = app
        .client
        .get(app.url("/api/v1/communes"))
        .query(&[("updated_since", updated_at.as_str())])
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(after["total"], 0);
    Ok(())
}

#[tokio::test]
async fn bad_list_parameters_are_422_naming_the_parameter() -> TestResult {
    let app = spawn_app().await?;
    for (query, field) in [
        ("page=0", "page"),
        ("per_page=-5", "per_page"),
        ("page=abc", "page"),
        ("updated_since=hom-qua", "updated_since"),
    ] {
        let body = problem(app.get(&format!("/api/v1/communes?{query}")).await?, 422).await?;
        assert_eq!(body["code"], "validation_failed", "{query}");
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
    Ok(())
}

#[tokio::test]
async fn an_unknown_or_malformed_slug_is_404() -> TestResult {
    let app = spawn_demo_app().await?;
    for slug in [
        "khong-co",
        "Truong-Xuan",
        "tr%C6%B0%E1%BB%9Dng-xu%C3%A2n",
        "..%2F..%2Fetc%2Fpasswd",
    ] {
        let body = problem(app.get(&format!("/api/v1/communes/{slug}")).await?, 404).await?;
        assert_eq!(body["code"], "not_found", "{slug}");
    }
    Ok(())
}
