use e2e::{TestApp, TestResult, problem, spawn_demo_app};
use serde_json::{Value, json};

const SEED: &str = include_str!("../../fixtures/truong-xuan-2023.txt");

async fn seed_resolution(app: &TestApp) -> Result<Value, Box<dyn std::error::Error>> {
    let list: Value = app
        .get("/api/v1/resolutions?commune=truong-xuan")
        .await?
        .json()
        .await?;
    assert_eq!(list["total"], 1, "{list}");
    Ok(list["items"][0].clone())
}

async fn all_targets(
    app: &TestApp,
    resolution_id: &Value,
    token: Option<&str>,
) -> Result<Vec<Value>, Box<dyn std::error::Error>> {
    let mut request = app.client.get(app.url(&format!(
        "/api/v1/resolutions/{resolution_id}/targets?per_page=100"
    )));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let list: Value = request.send().await?.json().await?;
    Ok(list["items"].as_array().cloned().unwrap_or_default())
}

async fn import(
    app: &TestApp,
    token: &str,
    commune: &str,
    publish: bool,
    text: &str,
) -> reqwest::Result<reqwest::Response> {
    app.client
        .post(app.url(&format!(
            "/api/v1/resolutions/import?commune={commune}&publish={publish}"
        )))
        .bearer_auth(token)
        .header("content-type", "text/plain; charset=utf-8")
        .body(text.to_owned())
        .send()
        .await
}

#[tokio::test]
async fn the_demo_serves_the_seed_resolution_with_its_29_targets() -> TestResult {
    let app = spawn_demo_app().await?;
    let resolution = seed_resolution(&app).await?;
    assert_eq!(
        resolution["title"],
        "NGHỊ QUYẾT CỦA ĐẢNG ỦY XÃ TRƯỜNG XUÂN VỀ MỤC TIÊU, PHƯƠNG HƯỚNG NHIỆM VỤ NĂM 2023"
    );
    assert_eq!(resolution["published_at"], "2023-03-13T14:51:27+07:00");
    assert_eq!(resolution["adopted_on"], "2023-01-07");
    assert_eq!(resolution["year"], 2023);
    assert_eq!(resolution["status"], "published");
    assert_eq!(resolution["commune"], "truong-xuan");
    assert!(
        resolution.get("full_text").is_none(),
        "lists omit the full text"
    );

    let detail: Value = app
        .get(&format!("/api/v1/resolutions/{}", resolution["id"]))
        .await?
        .json()
        .await?;
    assert!(
        detail["full_text"]
            .as_str()
            .unwrap_or_default()
            .contains("Các chỉ tiêu cụ thể")
    );
    assert!(
        detail["sections"].as_array().is_some_and(|s| s.len() >= 3),
        "{}",
        detail["sections"]
    );

    let targets = all_targets(&app, &resolution["id"], None).await?;
    assert_eq!(targets.len(), 29);
    let first = &targets[0];
    assert_eq!(first["number"], 1);
    assert!(
        first["text"]
            .as_str()
            .unwrap_or_default()
            .contains("170,5 tỷ đồng")
    );
    assert_eq!(first["measures"][0]["comparator"], "gt");
    assert_eq!(first["measures"][0]["value"], 170.5);
    assert_eq!(first["measures"][0]["unit"], "tỷ đồng");
    assert_eq!(
        targets[10]["measures"].as_array().map(Vec::len),
        Some(2),
        "target 11 has two measures"
    );

    let page: Value = app
        .get(&format!("/api/v1/resolutions/{}/targets", resolution["id"]))
        .await?
        .json()
        .await?;
    assert_eq!(
        (page["total"].as_i64(), page["per_page"].as_i64()),
        (Some(29), Some(20))
    );
    assert_eq!(page["items"].as_array().map(Vec::len), Some(20));
    Ok(())
}

#[tokio::test]
async fn search_finds_resolutions_with_or_without_diacritics() -> TestResult {
    let app = spawn_demo_app().await?;
    for q in [
        "nghi quyet truong xuan",
        "NGHỊ QUYẾT Trường Xuân",
        "chi tieu cu the",
        "BHYT",
    ] {
        let list: Value = app
            .client
            .get(app.url("/api/v1/resolutions"))
            .query(&[("q", q)])
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(list["total"], 1, "{q}");
    }
    for q in ["nghi quyet tokyo", "100%_", "zzz"] {
        let list: Value = app
            .client
            .get(app.url("/api/v1/resolutions"))
            .query(&[("q", q)])
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(list["total"], 0, "{q}");
    }
    let by_year: Value = app
        .get("/api/v1/resolutions?year=2022")
        .await?
        .json()
        .await?;
    assert_eq!(by_year["total"], 0);
    Ok(())
}

#[tokio::test]
async fn an_imported_draft_is_seen_by_its_editors_only() -> TestResult {
    let app = spawn_demo_app().await?;
    let editor = app.login_demo("editor").await?;
    let response = import(&app, &editor, "truong-xuan", false, SEED).await?;
    assert_eq!(response.status().as_u16(), 201);
    let body: Value = response.json().await?;
    assert_eq!(body["status"], "draft");
    assert_eq!(body["targets"].as_array().map(Vec::len), Some(29));
    assert!(body["warnings"].is_array());
    let id = body["id"].clone();

    problem(app.get(&format!("/api/v1/resolutions/{id}")).await?, 404).await?;
    let public: Value = app
        .get("/api/v1/resolutions?commune=truong-xuan")
        .await?
        .json()
        .await?;
    assert_eq!(public["total"], 1, "the draft is not public");
    let officer = app.login_demo("officer").await?;
    problem(
        app.client
            .get(app.url(&format!("/api/v1/resolutions/{id}")))
            .bearer_auth(&officer)
            .send()
            .await?,
        404,
    )
    .await?;
    let seen = app
        .client
        .get(app.url(&format!("/api/v1/resolutions/{id}")))
        .bearer_auth(&editor)
        .send()
        .await?;
    assert_eq!(seen.status().as_u16(), 200);
    assert_eq!(
        seen.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("private, no-cache")
    );
    let own: Value = app
        .client
        .get(app.url("/api/v1/resolutions?commune=truong-xuan"))
        .bearer_auth(&editor)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(own["total"], 2);

    // Publishing makes it public; a published resolution is archived, never deleted.
    let published = app
        .client
        .patch(app.url(&format!("/api/v1/resolutions/{id}")))
        .bearer_auth(&editor)
        .json(&json!({"status": "published"}))
        .send()
        .await?;
    assert_eq!(published.status().as_u16(), 200);
    assert_eq!(
        app.get(&format!("/api/v1/resolutions/{id}"))
            .await?
            .status()
            .as_u16(),
        200
    );
    problem(
        app.client
            .delete(app.url(&format!("/api/v1/resolutions/{id}")))
            .bearer_auth(&editor)
            .send()
            .await?,
        409,
    )
    .await?;
    problem(
        app.client
            .patch(app.url(&format!("/api/v1/resolutions/{id}")))
            .bearer_auth(&editor)
            .json(&json!({"title": "Khác"}))
            .send()
            .await?,
        409,
    )
    .await?;
    problem(
        app.client
            .patch(app.url(&format!("/api/v1/resolutions/{id}")))
            .bearer_auth(&editor)
            .json(&json!({"status": "draft"}))
            .send()
            .await?,
        409,
    )
    .await?;
    let archived = app
        .client
        .patch(app.url(&format!("/api/v1/resolutions/{id}")))
        .bearer_auth(&editor)
        .json(&json!({"status": "archived"}))
        .send()
        .await?;
    assert_eq!(archived.status().as_u16(), 200);
    Ok(())
}

#[tokio::test]
async fn drafts_can_be_edited_and_deleted() -> TestResult {
    let app = spawn_demo_app().await?;
    let editor = app.login_demo("editor").await?;
    let created = app
        .client
        .post(app.url("/api/v1/resolutions"))
        .bearer_auth(&editor)
        .json(&json!({"commune": "truong-xuan", "title": "Nghị quyết về kế hoạch năm 2024", "year": 2024, "document_number": "12/NQ-HĐND"}))
        .send()
        .await?;
    assert_eq!(created.status().as_u16(), 201);
    let id = created.json::<Value>().await?["id"].clone();
    let target = app
        .client
        .post(app.url(&format!("/api/v1/resolutions/{id}/targets")))
        .bearer_auth(&editor)
        .json(&json!({"text": "Sản lượng lương thực có hạt đạt trên 10.000 tấn"}))
        .send()
        .await?;
    assert_eq!(target.status().as_u16(), 201);
    let target: Value = target.json().await?;
    assert_eq!(target["number"], 1);
    assert_eq!(target["measures"][0]["value"], 10000.0);
    let renamed = app
        .client
        .patch(app.url(&format!("/api/v1/resolutions/{id}")))
        .bearer_auth(&editor)
        .json(&json!({"title": "Nghị quyết 2024 (sửa)", "abstract": "Tóm tắt"}))
        .send()
        .await?;
    assert_eq!(renamed.status().as_u16(), 200);
    let found: Value = app
        .client
        .get(app.url("/api/v1/resolutions"))
        .bearer_auth(&editor)
        .query(&[("q", "12/nq-hdnd")])
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(found["total"], 1);
    let deleted = app
        .client
        .delete(app.url(&format!("/api/v1/resolutions/{id}")))
        .bearer_auth(&editor)
        .send()
        .await?;
    assert_eq!(deleted.status().as_u16(), 204);
    problem(
        app.client
            .get(app.url(&format!("/api/v1/resolutions/{id}")))
            .bearer_auth(&editor)
            .send()
            .await?,
        404,
    )
    .await?;
    problem(
        app.client
            .get(app.url(&format!("/api/v1/targets/{}", target["id"])))
            .bearer_auth(&editor)
            .send()
            .await?,
        404,
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn import_refuses_what_it_cannot_read() -> TestResult {
    let app = spawn_demo_app().await?;
    let editor = app.login_demo("editor").await?;
    assert_eq!(
        problem(
            import(&app, &editor, "truong-xuan", false, "   \n ").await?,
            422
        )
        .await?["code"],
        "validation_failed"
    );
    let latin1 = app
        .client
        .post(app.url("/api/v1/resolutions/import?commune=truong-xuan"))
        .bearer_auth(&editor)
        .header("content-type", "text/plain; charset=utf-8")
        .body(vec![b'N', b'g', 0xE0, b'y', b' ', 0xFF])
        .send()
        .await?;
    assert_eq!(problem(latin1, 400).await?["code"], "malformed_body");
    let json_body = app
        .client
        .post(app.url("/api/v1/resolutions/import?commune=truong-xuan"))
        .bearer_auth(&editor)
        .json(&json!({"text": SEED}))
        .send()
        .await?;
    problem(json_body, 415).await?;
    let unknown = import(&app, &editor, "khong-co", false, SEED).await?;
    assert_eq!(
        problem(unknown, 422).await?["errors"][0]["field"],
        "commune"
    );

    let no_list = import(
        &app,
        &editor,
        "truong-xuan",
        false,
        "NGHỊ QUYẾT VỀ CÔNG TÁC CHUYỂN ĐỔI SỐ\n\nI. MỤC TIÊU\nĐẩy mạnh chuyển đổi số.",
    )
    .await?;
    assert_eq!(no_list.status().as_u16(), 201);
    let body: Value = no_list.json().await?;
    assert_eq!(body["targets"], json!([]));
    assert!(
        body["warnings"].as_array().is_some_and(|w| !w.is_empty()),
        "{body}"
    );
    Ok(())
}

#[tokio::test]
async fn only_editors_of_the_commune_import_and_report() -> TestResult {
    let app = spawn_demo_app().await?;
    let admin = app.login_demo("admin").await?;
    let officer = app.login_demo("officer").await?;
    problem(
        import(&app, &officer, "truong-xuan", false, SEED).await?,
        403,
    )
    .await?;
    let created = app
        .client
        .post(app.url("/api/v1/communes"))
        .bearer_auth(&admin)
        .json(&json!({"slug": "xuan-hong", "name": "Xã Xuân Hồng"}))
        .send()
        .await?;
    assert_eq!(created.status().as_u16(), 201);
    let other_editor = app.client.post(app.url("/api/v1/users")).bearer_auth(&admin)
        .json(&json!({"username": "bientap.xuanhong", "password": "mật khẩu dài đủ", "role": "editor", "commune": "xuan-hong"}))
        .send().await?;
    assert_eq!(other_editor.status().as_u16(), 201);
    let other = app.login("bientap.xuanhong", "mật khẩu dài đủ").await?;
    problem(import(&app, &other, "truong-xuan", true, SEED).await?, 403).await?;

    let resolution = seed_resolution(&app).await?;
    let targets = all_targets(&app, &resolution["id"], None).await?;
    let measure = &targets[0]["measures"][0];
    let report = app
        .client
        .post(app.url(&format!("/api/v1/measures/{}/progress", measure["id"])))
        .bearer_auth(&other)
        .json(&json!({"period": "2023", "value": 180.0}))
        .send()
        .await?;
    problem(report, 403).await?;
    let anonymous = app
        .post_json(
            &format!("/api/v1/measures/{}/progress", measure["id"]),
            &json!({"period": "2023", "value": 180.0}),
        )
        .await?;
    problem(anonymous, 401).await?;
    let patch = app
        .client
        .patch(app.url(&format!("/api/v1/measures/{}", measure["id"])))
        .bearer_auth(&other)
        .json(&json!({"value": 1.0}))
        .send()
        .await?;
    problem(patch, 403).await?;
    Ok(())
}

#[tokio::test]
async fn progress_is_kept_as_history_and_scored() -> TestResult {
    let app = spawn_demo_app().await?;
    let editor = app.login_demo("editor").await?;
    let resolution = seed_resolution(&app).await?;
    let targets = all_targets(&app, &resolution["id"], None).await?;
    let report = |measure: &Value, body: Value| {
        let url = app.url(&format!("/api/v1/measures/{}/progress", measure["id"]));
        let request = app.client.post(url).bearer_auth(&editor).json(&body);
        async move { request.send().await }
    };

    let before: Value = app
        .get(&format!(
            "/api/v1/resolutions/{}/scorecard",
            resolution["id"]
        ))
        .await?
        .json()
        .await?;
    assert_eq!(
        (
            before["period"].as_str(),
            before["total"].as_u64(),
            before["not_reported"].as_u64()
        ),
        (Some("2023"), Some(29), Some(29))
    );

    // Target 1: gt 170.5 tỷ đồng. An estimate below, then a final figure above: exceeded.
    let first = &targets[0]["measures"][0];
    assert_eq!(
        report(
            first,
            json!({"period": "2023", "value": 160.0, "note": "ước tính 6 tháng"})
        )
        .await?
        .status()
        .as_u16(),
        201
    );
    let estimate: Value = app
        .get(&format!(
            "/api/v1/resolutions/{}/scorecard?period=2023",
            resolution["id"]
        ))
        .await?
        .json()
        .await?;
    assert_eq!(estimate["targets"][0]["status"], "not_met");
    assert_eq!(estimate["targets"][0]["measures"][0]["basis"], "estimate");
    assert_eq!(
        report(
            first,
            json!({"period": "2023", "value": 175.2, "final": true})
        )
        .await?
        .status()
        .as_u16(),
        201
    );
    let later_estimate = report(first, json!({"period": "2023", "value": 150.0})).await?;
    assert_eq!(later_estimate.status().as_u16(), 201);

    // Target 8 is qualitative: a number does not fit, achieved does.
    let qualitative = targets[7]["measures"][0].clone();
    assert_eq!(qualitative["comparator"], "qualitative");
    problem(
        report(&qualitative, json!({"period": "2023", "value": 1})).await?,
        422,
    )
    .await?;
    assert_eq!(
        report(
            &qualitative,
            json!({"period": "2023", "achieved": true, "final": true})
        )
        .await?
        .status()
        .as_u16(),
        201
    );
    problem(
        report(first, json!({"period": "2023", "achieved": true})).await?,
        422,
    )
    .await?;
    problem(
        report(first, json!({"period": "năm 2023", "value": 1})).await?,
        422,
    )
    .await?;
    problem(
        report(
            first,
            json!({"period": "2023", "value": 1, "achieved": true}),
        )
        .await?,
        422,
    )
    .await?;

    let scorecard: Value = app
        .get(&format!(
            "/api/v1/resolutions/{}/scorecard?period=2023",
            resolution["id"]
        ))
        .await?
        .json()
        .await?;
    assert_eq!(scorecard["total"], 29);
    assert_eq!(scorecard["met"], 2, "{scorecard}");
    assert_eq!(scorecard["exceeded"], 1);
    assert_eq!(scorecard["not_met"], 0);
    assert_eq!(scorecard["not_reported"], 27);
    assert_eq!(scorecard["targets"][0]["status"], "exceeded");
    assert_eq!(scorecard["targets"][0]["measures"][0]["basis"], "final");
    assert_eq!(scorecard["targets"][0]["measures"][0]["value"], 175.2);
    assert_eq!(scorecard["targets"][7]["status"], "met");

    let target: Value = app
        .get(&format!("/api/v1/targets/{}", targets[0]["id"]))
        .await?
        .json()
        .await?;
    let history = target["measures"][0]["progress"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(history.len(), 3, "no report overwrites another");
    assert_eq!(history[0]["note"], "ước tính 6 tháng");
    problem(
        app.get(&format!(
            "/api/v1/resolutions/{}/scorecard?period=2023-13",
            resolution["id"]
        ))
        .await?,
        422,
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn correcting_a_measure_clears_needs_review() -> TestResult {
    let app = spawn_demo_app().await?;
    let editor = app.login_demo("editor").await?;
    let created = app
        .client
        .post(app.url("/api/v1/resolutions"))
        .bearer_auth(&editor)
        .json(&json!({"commune": "truong-xuan", "title": "Kế hoạch thử"}))
        .send()
        .await?;
    let id = created.json::<Value>().await?["id"].clone();
    let target: Value = app
        .client
        .post(app.url(&format!("/api/v1/resolutions/{id}/targets")))
        .bearer_auth(&editor)
        .json(&json!({"text": "Số lao động được tạo việc làm mới khoảng 150 người"}))
        .send()
        .await?
        .json()
        .await?;
    let measure = target["measures"][0].clone();
    assert_eq!(measure["needs_review"], true, "{measure}");
    let unsure = app
        .client
        .post(app.url(&format!("/api/v1/measures/{}/progress", measure["id"])))
        .bearer_auth(&editor)
        .json(&json!({"period": "2024", "value": 30}))
        .send()
        .await?;
    assert_eq!(
        problem(unsure, 422).await?["errors"][0]["code"],
        "does_not_fit"
    );
    let response = app
        .client
        .patch(app.url(&format!("/api/v1/measures/{}", measure["id"])))
        .bearer_auth(&editor)
        .json(&json!({"comparator": "gte", "value": 30, "unit": "thôn"}))
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    let corrected: Value = response.json().await?;
    assert_eq!(
        (
            corrected["comparator"].as_str(),
            corrected["value"].as_f64(),
            corrected["needs_review"].as_bool()
        ),
        (Some("gte"), Some(30.0), Some(false))
    );
    let inconsistent = app
        .client
        .patch(app.url(&format!("/api/v1/measures/{}", measure["id"])))
        .bearer_auth(&editor)
        .json(&json!({"comparator": "between", "value": 5, "value_max": 1}))
        .send()
        .await?;
    problem(inconsistent, 422).await?;
    let qualitative_with_value = app
        .client
        .patch(app.url(&format!("/api/v1/measures/{}", measure["id"])))
        .bearer_auth(&editor)
        .json(&json!({"comparator": "qualitative"}))
        .send()
        .await?;
    problem(qualitative_with_value, 422).await?;
    Ok(())
}

#[tokio::test]
async fn the_cli_imports_a_file_while_the_server_runs() -> TestResult {
    let app = spawn_demo_app().await?;
    let folder = tempfile::tempdir()?;
    let file = folder.path().join("nghi-quyet.txt");
    std::fs::write(&file, SEED)?;
    let url = app.database_url.clone();
    let message = tokio::task::spawn_blocking(move || {
        let url = db::DatabaseUrl::parse(&url).map_err(|e| e.to_string())?;
        let database =
            db::Database::open(&url, &db::PoolOptions::default()).map_err(|e| e.to_string())?;
        api::cli::run_import(&database, &file, "truong-xuan", true).map_err(|e| e.to_string())
    })
    .await??;
    assert!(message.contains("29 targets"), "{message}");
    let list: Value = app
        .get("/api/v1/resolutions?commune=truong-xuan")
        .await?
        .json()
        .await?;
    assert_eq!(list["total"], 2);
    Ok(())
}
