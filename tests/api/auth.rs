use e2e::{
    DEMO_PASSWORD, TEST_JWT_SECRET, TestOptions, TestResult, problem, spawn_app_with,
    spawn_demo_app,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

fn sign(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap_or_default()
}

fn claims(sub: &str, iat: u64, exp: u64) -> Value {
    json!({"sub": sub, "role": "admin", "commune": null, "iat": iat, "exp": exp, "iss": "commune-api", "aud": "commune-api", "ver": 1})
}

#[tokio::test]
async fn login_gives_a_bearer_token_that_names_the_user() -> TestResult {
    let app = spawn_demo_app().await?;
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"username": "editor", "password": DEMO_PASSWORD}),
        )
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let body: Value = response.json().await?;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    let token = body["access_token"].as_str().unwrap_or_default();
    let me: Value = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(me["username"], "editor");
    assert_eq!(me["role"], "editor");
    assert_eq!(me["commune"], "truong-xuan");
    assert!(me.get("password_hash").is_none() && me.get("password").is_none());
    Ok(())
}

#[tokio::test]
async fn a_wrong_username_and_a_wrong_password_get_the_same_answer() -> TestResult {
    let app = spawn_demo_app().await?;
    let wrong_password = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"username": "admin", "password": "sai mật khẩu rồi"}),
        )
        .await?;
    let wrong_user = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"username": "khong-ai-ca", "password": "sai mật khẩu rồi"}),
        )
        .await?;
    let odd_user = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"username": "Tên Lạ!", "password": "sai mật khẩu rồi"}),
        )
        .await?;
    let a = problem(wrong_password, 401).await?;
    let b = problem(wrong_user, 401).await?;
    let c = problem(odd_user, 401).await?;
    assert_eq!(a, b);
    assert_eq!(b, c);
    Ok(())
}

#[tokio::test]
async fn every_kind_of_bad_token_is_refused_with_a_bearer_challenge() -> TestResult {
    let app = spawn_demo_app().await?;
    let admin_id = {
        let token = app.login_demo("admin").await?;
        let me: Value = app
            .client
            .get(app.url("/api/v1/auth/me"))
            .bearer_auth(&token)
            .send()
            .await?
            .json()
            .await?;
        me["id"].to_string()
    };
    let valid_shape = sign(&claims(&admin_id, now(), now() + 600), TEST_JWT_SECRET);
    let payload = valid_shape.split('.').nth(1).unwrap_or_default().to_owned();
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("not a JWT", Some("Bearer khong-phai-token".to_owned())),
        ("another scheme", Some(format!("Basic {valid_shape}"))),
        (
            "forged",
            Some(format!(
                "Bearer {}",
                sign(
                    &claims(&admin_id, now(), now() + 600),
                    "another-secret-another-secret-another"
                )
            )),
        ),
        (
            "unsigned",
            Some(format!(
                "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}."
            )),
        ),
        (
            "expired",
            Some(format!(
                "Bearer {}",
                sign(
                    &claims(&admin_id, now() - 4000, now() - 3600),
                    TEST_JWT_SECRET
                )
            )),
        ),
        ("wrong audience", {
            let mut c = claims(&admin_id, now(), now() + 600);
            c["aud"] = json!("another-service");
            Some(format!("Bearer {}", sign(&c, TEST_JWT_SECRET)))
        }),
        ("no expiry", {
            let mut c = claims(&admin_id, now(), now() + 600);
            c.as_object_mut().map(|o| o.remove("exp"));
            Some(format!("Bearer {}", sign(&c, TEST_JWT_SECRET)))
        }),
        ("old token version", {
            let mut c = claims(&admin_id, now(), now() + 600);
            c["ver"] = json!(0);
            Some(format!("Bearer {}", sign(&c, TEST_JWT_SECRET)))
        }),
        (
            "unknown user",
            Some(format!(
                "Bearer {}",
                sign(&claims("999999", now(), now() + 600), TEST_JWT_SECRET)
            )),
        ),
    ];
    for (case, header) in cases {
        let mut request = app.client.get(app.url("/api/v1/auth/me"));
        if let Some(header) = &header {
            request = request.header("authorization", header);
        }
        let response = request.send().await?;
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(challenge.starts_with("Bearer"), "{case}: {challenge:?}");
        let body = problem(response, 401).await?;
        assert_eq!(body["code"], "unauthorized", "{case}");
    }
    // The same claims, correctly signed and current, are accepted: the cases above fail for their flaw.
    let accepted = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .bearer_auth(&valid_shape)
        .send()
        .await?;
    assert_eq!(accepted.status().as_u16(), 200);
    Ok(())
}

#[tokio::test]
async fn failed_logins_are_throttled_per_username() -> TestResult {
    let app = spawn_app_with(TestOptions::demo().with("LOGIN_RATE_LIMIT", "3")).await?;
    for _ in 0..3 {
        let response = app
            .post_json(
                "/api/v1/auth/login",
                &json!({"username": "admin", "password": "đoán bừa mật khẩu"}),
            )
            .await?;
        assert_eq!(response.status().as_u16(), 401);
    }
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"username": "admin", "password": DEMO_PASSWORD}),
        )
        .await?;
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let body = problem(response, 429).await?;
    assert_eq!(body["code"], "rate_limited");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    Ok(())
}

#[tokio::test]
async fn a_changed_password_or_a_deactivation_revokes_old_tokens() -> TestResult {
    let app = spawn_demo_app().await?;
    let admin = app.login_demo("admin").await?;
    let editor = app.login_demo("editor").await?;
    let officer = app.login_demo("officer").await?;
    let users: Value = app
        .client
        .get(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .send()
        .await?
        .json()
        .await?;
    let id_of = |name: &str| {
        users["items"]
            .as_array()
            .and_then(|items| items.iter().find(|u| u["username"] == name))
            .map(|u| u["id"].clone())
            .unwrap_or(Value::Null)
    };

    let changed = app
        .client
        .patch(app.url(&format!("/api/v1/users/{}", id_of("editor"))))
        .bearer_auth(&admin)
        .json(&json!({"password": "mật khẩu mới hoàn toàn"}))
        .send()
        .await?;
    assert_eq!(changed.status().as_u16(), 200);
    problem(
        app.client
            .get(app.url("/api/v1/auth/me"))
            .bearer_auth(&editor)
            .send()
            .await?,
        401,
    )
    .await?;
    app.login("editor", "mật khẩu mới hoàn toàn").await?;

    let deactivated = app
        .client
        .patch(app.url(&format!("/api/v1/users/{}", id_of("officer"))))
        .bearer_auth(&admin)
        .json(&json!({"active": false}))
        .send()
        .await?;
    assert_eq!(deactivated.status().as_u16(), 200);
    problem(
        app.client
            .get(app.url("/api/v1/auth/me"))
            .bearer_auth(&officer)
            .send()
            .await?,
        401,
    )
    .await?;
    let login = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"username": "officer", "password": DEMO_PASSWORD}),
        )
        .await?;
    problem(login, 401).await?;
    Ok(())
}

#[tokio::test]
async fn the_server_refuses_to_start_without_a_jwt_secret_outside_demo_mode() -> TestResult {
    let result = spawn_app_with(TestOptions::default().with("JWT_SECRET", "")).await;
    let message = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("JWT_SECRET"), "{message}");
    Ok(())
}
