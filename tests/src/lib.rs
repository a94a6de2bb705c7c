//! Test harness: every test gets its own server on a random port and its own fresh database
//! (a SQLite file in a temporary folder, or a new PostgreSQL database when `TEST_DATABASE_URL`
//! is set), and speaks HTTP to it.

use std::collections::HashMap;
use std::time::Duration;

use api::{Application, Config, ServeOptions, ShutdownHandle};
use db::scratch::ScratchDatabase;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The signing key every test server uses, so tests can forge and expire tokens on purpose.
pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0001";
/// The password of the demo accounts (`admin`, `editor`, `officer`) in tests.
pub const DEMO_PASSWORD: &str = "mật khẩu thử nghiệm";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub shutdown: ShutdownHandle,
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
    pub database_url: String,
    /// The scratch database this app owns (none when started on another app's database).
    /// Declared last so it is dropped after the server that uses it.
    database: Option<ScratchDatabase>,
}

/// Variables a test sets on top of the defaults.
#[derive(Debug, Default, Clone)]
pub struct TestOptions {
    pub demo: bool,
    pub env: HashMap<&'static str, String>,
}

impl TestOptions {
    pub fn demo() -> Self {
        Self {
            demo: true,
            ..Self::default()
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.env.insert(name, value.into());
        self
    }
}

pub async fn spawn_app() -> Result<TestApp, Box<dyn std::error::Error>> {
    spawn_app_with(TestOptions::default()).await
}

pub async fn spawn_demo_app() -> Result<TestApp, Box<dyn std::error::Error>> {
    spawn_app_with(TestOptions::demo()).await
}

pub async fn spawn_app_with(options: TestOptions) -> Result<TestApp, Box<dyn std::error::Error>> {
    let database = tokio::task::spawn_blocking(ScratchDatabase::create).await??;
    let database_url = database.url().to_owned();
    start(Some(database), database_url, options).await
}

/// Starts a server on a database that already exists (a restart, or a second instance); the
/// caller keeps owning that database.
pub async fn spawn_on_database(
    database_url: &str,
    options: TestOptions,
) -> Result<TestApp, Box<dyn std::error::Error>> {
    start(None, database_url.to_owned(), options).await
}

async fn start(
    database: Option<ScratchDatabase>,
    database_url: String,
    options: TestOptions,
) -> Result<TestApp, Box<dyn std::error::Error>> {
    let mut env = HashMap::from([
        ("DATABASE_URL", database_url.clone()),
        ("BIND_ADDR", "127.0.0.1:0".to_owned()),
        ("WORKERS", "2".to_owned()),
        ("DATABASE_POOL_SIZE", "4".to_owned()),
        ("JWT_SECRET", TEST_JWT_SECRET.to_owned()),
        ("DEMO_PASSWORD", DEMO_PASSWORD.to_owned()),
    ]);
    env.extend(options.env.iter().map(|(k, v)| (*k, v.clone())));
    let config = Config::from_lookup(|name| env.get(name).cloned())?;
    if std::env::var_os("TEST_LOG").is_some() {
        api::telemetry::init(config.log_format);
    }
    let app = Application::build(config, ServeOptions { demo: options.demo }).await?;
    let address = format!("http://127.0.0.1:{}", app.port());
    let shutdown = app.shutdown_handle();
    let server = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()?;
    Ok(TestApp {
        address,
        client,
        shutdown,
        server,
        database_url,
        database,
    })
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Result<reqwest::Response> {
        self.client.get(self.url(path)).send().await
    }

    /// Signs in and returns the access token; fails the test on any other answer.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<String, Box<dyn std::error::Error>> {
        let response = self
            .post_json(
                "/api/v1/auth/login",
                &serde_json::json!({"username": username, "password": password}),
            )
            .await?;
        assert_eq!(response.status().as_u16(), 200, "login of {username}");
        let body: serde_json::Value = response.json().await?;
        Ok(body["access_token"].as_str().unwrap_or_default().to_owned())
    }

    /// Signs in as one of the demo accounts.
    pub async fn login_demo(&self, username: &str) -> Result<String, Box<dyn std::error::Error>> {
        self.login(username, DEMO_PASSWORD).await
    }

    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Result<reqwest::Response> {
        self.client.post(self.url(path)).json(body).send().await
    }

    /// Stops the server as SIGTERM would and waits for it to finish.
    pub async fn stop(self) -> Result<Option<ScratchDatabase>, Box<dyn std::error::Error>> {
        self.shutdown.shutdown().await;
        self.server.await??;
        Ok(self.database)
    }
}

/// Reads a problem document and checks its media type and status.
pub async fn problem(
    response: reqwest::Response,
    status: u16,
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    assert_eq!(
        response.status().as_u16(),
        status,
        "status of {}",
        response.url()
    );
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        content_type,
        "application/problem+json",
        "content type of {}",
        response.url()
    );
    let body: serde_json::Value = response.json().await?;
    assert_eq!(body["status"], status);
    Ok(body)
}
