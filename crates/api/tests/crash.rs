//! The promise behind "201": a submission the API acknowledged survives the process being
//! killed (`kill -9`, no graceful shutdown) in the middle of a stream of submissions. Runs the
//! real binary on SQLite, or on PostgreSQL with TEST_DATABASE_URL.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use db::scratch::ScratchDatabase;
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// How many concurrent clients submit while the server is killed.
const CLIENTS: usize = 16;
/// Acknowledged submissions to wait for before killing the server.
const BEFORE_KILL: usize = 300;

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn start(database_url: &str, port: u16) -> std::io::Result<Child> {
    Command::new(env!("CARGO_BIN_EXE_commune-api"))
        .args(["serve", "--demo"])
        .env("DATABASE_URL", database_url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("DEMO_PASSWORD", "mật khẩu thử sập nguồn")
        .env("FEEDBACK_RATE_LIMIT", "100000000")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
}

async fn wait_until_ready(client: &reqwest::Client, base: &str) -> TestResult {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if let Ok(response) = client.get(format!("{base}/readyz")).send().await {
            if response.status().is_success() {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err("the server did not become ready in 30 s".into())
}

fn submission(client: usize, n: usize) -> Value {
    json!({
        "commune": "truong-xuan",
        "kind": "kien_nghi",
        "subject": format!("Kiến nghị số {client}-{n} về giờ tiếp công dân"),
        "content": "Đề nghị UBND xã bố trí tiếp công dân cả sáng thứ Bảy,\nvì người dân đi làm xa.",
        "submitter": {"name": "Hoàng Văn Nam", "address": "Thôn 5, xã Trường Xuân", "phone": "0912345678"},
        "allow_publication": false
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_submissions_survive_kill_9() -> TestResult {
    let scratch = tokio::task::spawn_blocking(ScratchDatabase::create).await??;
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let mut server = start(scratch.url(), port)?;
    wait_until_ready(&client, &base).await?;

    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut senders = Vec::new();
    for id in 0..CLIENTS {
        let (client, base, acknowledged) = (client.clone(), base.clone(), acknowledged.clone());
        senders.push(tokio::spawn(async move {
            for n in 0.. {
                let sent = client
                    .post(format!("{base}/api/v1/feedback"))
                    .json(&submission(id, n))
                    .send()
                    .await;
                // Once the server is gone, connections fail: this client is done.
                let Ok(response) = sent else { break };
                if response.status().as_u16() != 201 {
                    continue;
                }
                let Ok(body) = response.json::<Value>().await else {
                    break;
                };
                if let Some(code) = body["tracking_code"].as_str() {
                    acknowledged
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(code.to_owned());
                }
            }
        }));
    }
    let started = Instant::now();
    while acknowledged
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .len()
        < BEFORE_KILL
    {
        if started.elapsed() > Duration::from_secs(60) {
            return Err("too few submissions were acknowledged".into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // SIGKILL, mid-stream: no drain, no final flush, no checkpoint.
    server.kill()?;
    server.wait()?;
    for sender in senders {
        sender.await?;
    }
    let codes = acknowledged
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();

    let mut restarted = start(scratch.url(), port)?;
    let checked = async {
        wait_until_ready(&client, &base).await?;
        let mut missing = Vec::new();
        for code in &codes {
            let found = client
                .get(format!("{base}/api/v1/feedback/track/{code}"))
                .send()
                .await?;
            if found.status().as_u16() != 200 {
                missing.push(code.clone());
            }
        }
        assert!(
            missing.is_empty(),
            "{} of {} acknowledged submissions are gone: {missing:?}",
            missing.len(),
            codes.len()
        );
        Ok::<_, Box<dyn std::error::Error>>(())
    }
    .await;
    restarted.kill()?;
    restarted.wait()?;
    checked?;
    assert!(codes.len() >= BEFORE_KILL);
    Ok(())
}
