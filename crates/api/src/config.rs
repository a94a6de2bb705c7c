//! Configuration, read once from environment variables at start.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use db::{DatabaseUrl, PoolOptions, SqliteSynchronous};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/commune.db";
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:8080";
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// A variable that is set but cannot be used; the message names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub reason: String,
}

/// A secret that never prints: `Debug` shows its length only.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

pub const MIN_JWT_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Which web origins may call the API from a browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    /// No cross-origin calls (the default).
    None,
    /// Any origin (`*`): suits a public read API; credentials are never allowed.
    Any,
    List(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: DatabaseUrl,
    pub bind_addr: String,
    pub log_format: LogFormat,
    pub cors_origins: CorsOrigins,
    pub pool: PoolOptions,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// How long in-flight requests may take to finish once shutdown starts.
    pub shutdown_timeout: Duration,
    /// How long `/readyz` reports draining before the listener closes, so a load balancer
    /// stops sending new requests first.
    pub shutdown_drain_delay: Duration,
    /// HTTP worker threads; actix chooses (one per core) when unset.
    pub workers: Option<usize>,
    /// Signs access tokens (HS256). Required unless serving the demo.
    pub jwt_secret: Option<Secret>,
    pub jwt_ttl: Duration,
    /// Failed logins allowed per username and per client address in a minute.
    pub login_rate_limit: u32,
    /// Feedback submissions allowed per client address in a minute.
    pub feedback_rate_limit: u32,
    /// Proxies whose `X-Forwarded-For` is believed; everyone else is known by the socket.
    pub trusted_proxies: Vec<IpAddr>,
    /// The demo accounts' password; printed once at start when unset.
    pub demo_password: Option<Secret>,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds the configuration from any source of variables (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let database_url =
            DatabaseUrl::parse(&database_url).map_err(|e| invalid("DATABASE_URL", e))?;

        let log_format = match var("LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(invalid(
                    "LOG_FORMAT",
                    format!("must be text or json, not {other:?}"),
                ));
            }
        };

        let cors_origins = match var("CORS_ALLOWED_ORIGINS").as_deref() {
            None => CorsOrigins::None,
            Some("*") => CorsOrigins::Any,
            Some(list) => CorsOrigins::List(parse_origins(list)?),
        };

        let sqlite_synchronous = match var("SQLITE_SYNCHRONOUS")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("full") => SqliteSynchronous::Full,
            Some("normal") => SqliteSynchronous::Normal,
            Some(other) => {
                return Err(invalid(
                    "SQLITE_SYNCHRONOUS",
                    format!("must be full or normal, not {other:?}"),
                ));
            }
        };
        let defaults = PoolOptions::default();
        let pool = PoolOptions {
            max_connections: number(&var, "DATABASE_POOL_SIZE", 1..=1000)?
                .unwrap_or(defaults.max_connections),
            acquire_timeout: number(&var, "DATABASE_ACQUIRE_TIMEOUT_MS", 1..=600_000)?
                .map_or(defaults.acquire_timeout, Duration::from_millis),
            sqlite_busy_timeout: defaults.sqlite_busy_timeout,
            sqlite_synchronous,
        };

        Ok(Self {
            database_url,
            bind_addr: var("BIND_ADDR").unwrap_or_else(|| DEFAULT_BIND_ADDR.to_owned()),
            log_format,
            cors_origins,
            pool,
            body_limit: number(&var, "BODY_LIMIT_BYTES", 1024..=64 * 1024 * 1024)?
                .unwrap_or(DEFAULT_BODY_LIMIT),
            shutdown_timeout: number(&var, "SHUTDOWN_TIMEOUT_SECS", 0..=3600)?
                .map_or(Duration::from_secs(30), Duration::from_secs),
            shutdown_drain_delay: number(&var, "SHUTDOWN_DRAIN_DELAY_MS", 0..=600_000)?
                .map_or(Duration::ZERO, Duration::from_millis),
            workers: number(&var, "WORKERS", 1..=256)?,
            jwt_secret: match var("JWT_SECRET") {
                Some(secret) if secret.len() < MIN_JWT_SECRET_BYTES => {
                    return Err(invalid(
                        "JWT_SECRET",
                        format!(
                            "must be at least {MIN_JWT_SECRET_BYTES} bytes (for example: openssl rand -hex 32)"
                        ),
                    ));
                }
                secret => secret.map(|s| Secret::new(s.into_bytes())),
            },
            jwt_ttl: number(&var, "JWT_TTL_SECS", 60..=86_400)?
                .map_or(Duration::from_secs(15 * 60), Duration::from_secs),
            login_rate_limit: number(&var, "LOGIN_RATE_LIMIT", 1..=100_000)?.unwrap_or(5),
            feedback_rate_limit: number(&var, "FEEDBACK_RATE_LIMIT", 1..=100_000_000)?
                .unwrap_or(10),
            trusted_proxies: var("TRUSTED_PROXIES")
                .map_or(Ok(Vec::new()), |list| parse_addresses(&list))?,
            demo_password: match var("DEMO_PASSWORD") {
                Some(password) if password.chars().count() < domain::user::MIN_PASSWORD_CHARS => {
                    return Err(invalid(
                        "DEMO_PASSWORD",
                        format!(
                            "must be at least {} characters",
                            domain::user::MIN_PASSWORD_CHARS
                        ),
                    ));
                }
                password => password.map(|p| Secret::new(p.into_bytes())),
            },
        })
    }
}

fn invalid(var: &'static str, reason: impl ToString) -> ConfigError {
    ConfigError {
        var,
        reason: reason.to_string(),
    }
}

fn number<T>(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    range: std::ops::RangeInclusive<T>,
) -> Result<Option<T>, ConfigError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    let Some(raw) = var(name) else {
        return Ok(None);
    };
    match raw.parse::<T>() {
        Ok(value) if range.contains(&value) => Ok(Some(value)),
        _ => Err(invalid(
            name,
            format!(
                "must be a whole number from {} to {}, not {raw:?}",
                range.start(),
                range.end()
            ),
        )),
    }
}

fn parse_addresses(list: &str) -> Result<Vec<IpAddr>, ConfigError> {
    list.split(',')
        .map(str::trim)
        .filter(|address| !address.is_empty())
        .map(|address| {
            address.parse().map_err(|_| {
                invalid(
                    "TRUSTED_PROXIES",
                    format!("{address:?} is not an IP address such as 10.0.0.2"),
                )
            })
        })
        .collect()
}

fn parse_origins(list: &str) -> Result<Vec<String>, ConfigError> {
    list.split(',')
        .map(str::trim)
        .filter(|origin| !origin.is_empty())
        .map(|origin| {
            let scheme_ok = origin.starts_with("https://") || origin.starts_with("http://");
            if scheme_ok && !origin.ends_with('/') && !origin.contains(' ') {
                Ok(origin.to_owned())
            } else {
                Err(invalid(
                    "CORS_ALLOWED_ORIGINS",
                    format!("{origin:?} is not an origin such as https://xa.example.vn (no trailing slash), or *"),
                ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_need_no_variables() {
        let config = config(&[]).ok();
        let config = config.as_ref();
        assert_eq!(config.map(|c| c.bind_addr.as_str()), Some("127.0.0.1:8080"));
        assert_eq!(
            config.map(|c| c.database_url.backend()),
            Some(db::Backend::Sqlite)
        );
        assert_eq!(config.map(|c| c.body_limit), Some(1024 * 1024));
        assert_eq!(
            config.map(|c| c.cors_origins.clone()),
            Some(CorsOrigins::None)
        );
    }

    #[test]
    fn errors_name_the_variable() {
        let error = config(&[("DATABASE_URL", "mysql://x")]).err();
        assert_eq!(error.map(|e| e.var), Some("DATABASE_URL"));
        let error = config(&[("DATABASE_POOL_SIZE", "many")]).err();
        assert_eq!(error.as_ref().map(|e| e.var), Some("DATABASE_POOL_SIZE"));
        assert!(
            error
                .map(|e| e.to_string())
                .unwrap_or_default()
                .starts_with("DATABASE_POOL_SIZE: ")
        );
        assert_eq!(
            config(&[("LOG_FORMAT", "xml")]).err().map(|e| e.var),
            Some("LOG_FORMAT")
        );
        assert_eq!(
            config(&[("CORS_ALLOWED_ORIGINS", "xa.vn")])
                .err()
                .map(|e| e.var),
            Some("CORS_ALLOWED_ORIGINS")
        );
    }

    #[test]
    fn cors_origins_are_a_list_or_any() {
        let list = config(&[(
            "CORS_ALLOWED_ORIGINS",
            "https://a.vn, http://localhost:3000",
        )])
        .map(|c| c.cors_origins);
        assert_eq!(
            list,
            Ok(CorsOrigins::List(vec![
                "https://a.vn".into(),
                "http://localhost:3000".into()
            ]))
        );
        assert_eq!(
            config(&[("CORS_ALLOWED_ORIGINS", "*")]).map(|c| c.cors_origins),
            Ok(CorsOrigins::Any)
        );
    }

    #[test]
    fn auth_settings_are_checked() {
        let short = config(&[("JWT_SECRET", "too-short")]).err();
        assert_eq!(short.map(|e| e.var), Some("JWT_SECRET"));
        let secret = "k".repeat(32);
        let ok = config(&[
            ("JWT_SECRET", &secret),
            ("TRUSTED_PROXIES", "10.0.0.2, ::1"),
        ])
        .ok();
        assert_eq!(ok.as_ref().map(|c| c.trusted_proxies.len()), Some(2));
        assert_eq!(
            ok.as_ref().map(|c| c.jwt_ttl),
            Some(Duration::from_secs(900))
        );
        assert_eq!(ok.map(|c| c.login_rate_limit), Some(5));
        assert_eq!(
            config(&[("TRUSTED_PROXIES", "proxy.local")])
                .err()
                .map(|e| e.var),
            Some("TRUSTED_PROXIES")
        );
        assert_eq!(
            config(&[("JWT_TTL_SECS", "5")]).err().map(|e| e.var),
            Some("JWT_TTL_SECS")
        );
        assert_eq!(
            config(&[("DEMO_PASSWORD", "short")]).err().map(|e| e.var),
            Some("DEMO_PASSWORD")
        );
    }

    #[test]
    fn printing_the_config_hides_secrets() {
        let shown = format!(
            "{:?}",
            config(&[
                ("JWT_SECRET", &"s3cr3t".repeat(8)),
                ("DEMO_PASSWORD", "mật khẩu thử nghiệm")
            ])
        );
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("mật khẩu"),
            "{shown}"
        );
    }

    #[test]
    fn printing_the_config_hides_the_database_password() {
        let shown = format!(
            "{:?}",
            config(&[("DATABASE_URL", "postgres://u:hunter2hunter2@db/x")])
        );
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
