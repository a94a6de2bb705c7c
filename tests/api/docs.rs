use e2e::{TestResult, spawn_app};
use serde_json::Value;

#[tokio::test]
async fn the_served_openapi_document_is_the_committed_one() -> TestResult {
    let app = spawn_app().await?;
    let response = app.get("/api-docs/openapi.json").await?;
    assert_eq!(response.status().as_u16(), 200);
    let served: Value = response.json().await?;
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/openapi.json"
    ))?)?;
    assert_eq!(served, committed);
    assert!(
        served.get("servers").is_none(),
        "the document must not name a server built from BIND_ADDR"
    );
    Ok(())
}

#[tokio::test]
async fn the_docs_ui_is_served_from_the_binary() -> TestResult {
    let app = spawn_app().await?;
    let redirect = app.get("/docs").await?;
    assert!(redirect.status().is_redirection());
    let page = app.get("/docs/").await?;
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await?;
    assert!(html.contains("swagger-ui"), "{html}");
    let bundle = app.get("/docs/swagger-ui-bundle.js").await?;
    assert_eq!(bundle.status().as_u16(), 200);
    assert!(bundle.bytes().await?.len() > 100_000);
    let initializer = app
        .get("/docs/swagger-initializer.js")
        .await?
        .text()
        .await?;
    assert!(
        initializer.contains("/api-docs/openapi.json"),
        "{initializer}"
    );
    assert!(
        initializer.contains(r#""validatorUrl": "none""#),
        "{initializer}"
    );
    Ok(())
}
