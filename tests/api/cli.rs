use api::cli::{UserCommand, run_user_command};
use e2e::{TestResult, problem, spawn_demo_app};
use serde_json::json;

/// Runs a `user` command on the app's database, as `commune-api user ...` would beside it.
async fn run(
    database_url: &str,
    command: UserCommand,
    stdin: &'static str,
) -> Result<String, String> {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || {
        let url = db::DatabaseUrl::parse(&url).map_err(|e| e.to_string())?;
        let database =
            db::Database::open(&url, &db::PoolOptions::default()).map_err(|e| e.to_string())?;
        run_user_command(&database, command, &mut stdin.as_bytes()).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

fn add(role: &str, commune: Option<&str>, password_stdin: bool) -> UserCommand {
    UserCommand::Add {
        username: "bientap2".into(),
        role: role.into(),
        commune: commune.map(Into::into),
        password_stdin,
    }
}

#[tokio::test]
async fn the_cli_adds_users_and_revokes_them_while_the_server_runs() -> TestResult {
    let app = spawn_demo_app().await?;
    let added = run(
        &app.database_url,
        add("editor", Some("truong-xuan"), true),
        "mật khẩu dòng lệnh\n",
    )
    .await?;
    assert_eq!(added, "added editor bientap2");
    let token = app.login("bientap2", "mật khẩu dòng lệnh").await?;

    run(
        &app.database_url,
        UserCommand::Deactivate {
            username: "bientap2".into(),
        },
        "",
    )
    .await?;
    problem(
        app.client
            .get(app.url("/api/v1/auth/me"))
            .bearer_auth(&token)
            .send()
            .await?,
        401,
    )
    .await?;
    let login = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"username": "bientap2", "password": "mật khẩu dòng lệnh"}),
        )
        .await?;
    problem(login, 401).await?;
    Ok(())
}

#[tokio::test]
async fn the_cli_sets_passwords_and_old_tokens_stop_working() -> TestResult {
    let app = spawn_demo_app().await?;
    let token = app.login_demo("officer").await?;
    let command = UserCommand::SetPassword {
        username: "officer".into(),
        password_stdin: true,
    };
    run(&app.database_url, command, "mật khẩu mới của cán bộ\r\n").await?;
    problem(
        app.client
            .get(app.url("/api/v1/auth/me"))
            .bearer_auth(&token)
            .send()
            .await?,
        401,
    )
    .await?;
    app.login("officer", "mật khẩu mới của cán bộ").await?;
    Ok(())
}

#[tokio::test]
async fn the_cli_refuses_bad_input_without_writing() -> TestResult {
    let app = spawn_demo_app().await?;
    let cases = [
        (add("editor", Some("truong-xuan"), true), "ngắn\n"),
        (
            add("editor", Some("truong-xuan"), false),
            "mật khẩu dài đủ\n",
        ),
        (add("editor", None, true), "mật khẩu dài đủ\n"),
        (add("editor", Some("khong-co"), true), "mật khẩu dài đủ\n"),
        (add("superuser", None, true), "mật khẩu dài đủ\n"),
    ];
    for (command, stdin) in cases {
        let outcome = run(&app.database_url, command, stdin).await;
        assert!(outcome.is_err(), "{outcome:?}");
    }
    let admin = app.login_demo("admin").await?;
    let users: serde_json::Value = app
        .client
        .get(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(users["total"], 3);
    Ok(())
}
