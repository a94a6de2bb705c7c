//! Connections: the backend is chosen by the URL scheme, never by trial.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};

use crate::DbError;

/// One connection to either backend; the same diesel queries run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("must start with sqlite:// or postgres:// (got {0:?})")]
    UnknownScheme(String),
    #[error("names no database file after sqlite://")]
    EmptySqlitePath,
}

/// A database location: `sqlite://relative/file.db`, `sqlite:///absolute/file.db` or
/// `postgres://user:password@host:port/name`. Its `Debug` and `Display` hide any password.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, UrlError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(UrlError::EmptySqlitePath);
            }
            // `sqlite:///var/x.db` keeps its leading slash: an absolute path.
            Ok(Self::Sqlite(PathBuf::from(path)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else {
            let scheme = url.split_once("://").map_or("", |(scheme, _)| scheme);
            Err(UrlError::UnknownScheme(scheme.to_owned()))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres(url) => redact_password(url),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// libpq waits for an unreachable host forever unless told otherwise; a caller's own
/// `connect_timeout` in the URL wins.
fn with_connect_timeout(url: &str, timeout: Duration) -> String {
    if url.contains("connect_timeout=") {
        return url.to_owned();
    }
    let seconds = timeout.as_secs().max(2);
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}connect_timeout={seconds}")
}

/// SQLite's `synchronous` level. `Full` syncs the write-ahead log on every commit, so a
/// committed write survives power loss; `Normal` may lose the last commits on power loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqliteSynchronous {
    Normal,
    Full,
}

impl SqliteSynchronous {
    fn pragma(self) -> &'static str {
        match self {
            Self::Normal => "NORMAL",
            Self::Full => "FULL",
        }
    }
}

#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// Connections for reads (and for all work on PostgreSQL).
    pub max_connections: u32,
    /// How long a request waits for a connection before it is told the database is unavailable.
    pub acquire_timeout: Duration,
    /// How long SQLite waits for another process's write lock before giving up.
    pub sqlite_busy_timeout: Duration,
    pub sqlite_synchronous: SqliteSynchronous,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(3),
            sqlite_busy_timeout: Duration::from_secs(5),
            sqlite_synchronous: SqliteSynchronous::Full,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Reader,
    Writer,
}

struct ConnectionManager {
    url: DatabaseUrl,
    options: PoolOptions,
    role: Role,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConnectError(String);

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                PgConnection::establish(&with_connect_timeout(url, self.options.acquire_timeout))
                    .map(DbConnection::Postgresql)
                    .map_err(|e| ConnectError(e.to_string()))
            }
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn =
                    SqliteConnection::establish(&path).map_err(|e| ConnectError(e.to_string()))?;
                conn.batch_execute(&self.sqlite_pragmas())
                    .map_err(|e| ConnectError(format!("setting SQLite pragmas: {e}")))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        conn.batch_execute("SELECT 1")
            .map_err(|e| ConnectError(e.to_string()))
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

impl ConnectionManager {
    /// Pragmas hold per connection, so every new one gets them.
    fn sqlite_pragmas(&self) -> String {
        let options = &self.options;
        let mut pragmas = format!(
            "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; PRAGMA synchronous = {}; \
             PRAGMA foreign_keys = ON; PRAGMA journal_size_limit = 67108864;",
            options.sqlite_busy_timeout.as_millis(),
            options.sqlite_synchronous.pragma(),
        );
        if self.role == Role::Reader {
            // Writes go through the single writer connection; a reader that tried one is a bug.
            pragmas.push_str(" PRAGMA query_only = ON;");
        }
        pragmas
    }
}

#[derive(Debug)]
struct TracingErrorHandler;

impl r2d2::HandleError<ConnectError> for TracingErrorHandler {
    fn handle_error(&self, error: ConnectError) {
        tracing::warn!(error = %error, "database connection failed");
    }
}

type Pool = r2d2::Pool<ConnectionManager>;

/// The database of one deployment: a pool for reads and, on SQLite, a single writer connection
/// (SQLite serializes writers anyway; one connection queues them fairly in this process).
#[derive(Clone)]
pub struct Database {
    url: DatabaseUrl,
    options_timeout: Duration,
    readers: Pool,
    writer: Pool,
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Opens the pools without connecting; the first use connects. A missing folder for a
    /// SQLite file is created.
    pub fn open(url: &DatabaseUrl, options: &PoolOptions) -> Result<Self, DbError> {
        if let DatabaseUrl::Sqlite(path) = url {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| {
                    DbError::Unavailable(format!("creating folder {}: {e}", parent.display()))
                })?;
            }
        }
        Ok(Self::open_lazily(url, options))
    }

    /// Opens the pools without touching the file system or the network.
    pub fn open_lazily(url: &DatabaseUrl, options: &PoolOptions) -> Self {
        let pool = |role: Role, size: u32| {
            r2d2::Pool::builder()
                .max_size(size)
                .min_idle(Some(0))
                .connection_timeout(options.acquire_timeout)
                .error_handler(Box::new(TracingErrorHandler))
                .build_unchecked(ConnectionManager {
                    url: url.clone(),
                    options: options.clone(),
                    role,
                })
        };
        let (readers, writer) = match url.backend() {
            Backend::Postgres => {
                let shared = pool(Role::Writer, options.max_connections.max(1));
                (shared.clone(), shared)
            }
            Backend::Sqlite => (
                pool(Role::Reader, options.max_connections.max(1)),
                pool(Role::Writer, 1),
            ),
        };
        Self {
            url: url.clone(),
            options_timeout: options.acquire_timeout,
            readers,
            writer,
        }
    }

    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Runs read-only work on a pooled connection. Blocks: call it off the async threads.
    pub fn read<T, E: From<DbError>>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.readers.get().map_err(DbError::from)?;
        work(&mut conn)
    }

    /// Runs writes in one transaction: all of them land, or none. The work's own error (a rule
    /// it found broken, say) rolls the transaction back and is returned as it was. Blocks: call
    /// it off the async threads.
    pub fn write<T, E: From<DbError>>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.writer.get().map_err(DbError::from)?;
        let mut failure = None;
        let sqlite = self.backend() == Backend::Sqlite;
        let outcome = conn.transaction::<T, DbError, _>(|conn| {
            if sqlite {
                // Takes the write lock first, waiting `busy_timeout` for another process's
                // writer: a transaction that read first and then wrote would fail at once with
                // SQLITE_BUSY when another process had written meanwhile (WAL snapshots). On a
                // database not yet migrated the table is missing; the transaction then stays
                // deferred, and a busy writer still surfaces as an error of the work itself.
                let _ = conn.batch_execute("DELETE FROM data_versions WHERE 0");
            }
            work(conn).map_err(|error| {
                failure = Some(error);
                DbError::RolledBack
            })
        });
        match (outcome, failure) {
            (Ok(value), _) => Ok(value),
            (Err(_), Some(error)) => Err(error),
            (Err(error), None) => Err(E::from(error)),
        }
    }

    /// Answers whether the database takes queries now; the error says why not. On PostgreSQL a
    /// failed connection reports libpq's own message.
    pub fn ping(&self) -> Result<(), DbError> {
        let mut conn = self.readers.get().map_err(|pool_error| match &self.url {
            DatabaseUrl::Postgres(url) => {
                match PgConnection::establish(&with_connect_timeout(url, self.options_timeout)) {
                    Err(e) => DbError::Unavailable(e.to_string()),
                    Ok(_) => DbError::from(pool_error),
                }
            }
            DatabaseUrl::Sqlite(_) => DbError::from(pool_error),
        })?;
        conn.batch_execute("SELECT 1").map_err(DbError::from)
    }

    /// Applies every pending migration; on PostgreSQL under an advisory lock, so instances that
    /// start together take turns. Returns the versions applied.
    pub fn migrate(&self) -> Result<Vec<String>, DbError> {
        let mut conn = self.writer.get()?;
        crate::migrate::run_pending(&mut conn)
    }

    /// Checkpoints SQLite's write-ahead log into the database file (nothing on PostgreSQL).
    pub fn checkpoint(&self) -> Result<(), DbError> {
        if self.backend() == Backend::Sqlite {
            let mut conn = self.writer.get()?;
            conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")?;
        }
        Ok(())
    }
}

/// Runs one statement on the concrete connection of either backend, for statements diesel's
/// `MultiConnection` does not build itself (multi-row inserts). The body is compiled once per
/// backend.
#[macro_export]
macro_rules! on_either_backend {
    ($conn:expr, |$backend_conn:ident| $body:expr) => {
        match $conn {
            $crate::DbConnection::Postgresql($backend_conn) => $body,
            $crate::DbConnection::Sqlite($backend_conn) => $body,
        }
    };
}

/// Runs `work` in a savepoint of the transaction under way: when it fails its writes are undone
/// and the transaction goes on (on PostgreSQL a failed statement would otherwise spoil it).
pub fn savepoint<T, E: From<DbError>>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    let mut failure = None;
    let outcome = conn.transaction::<T, DbError, _>(|conn| {
        work(conn).map_err(|error| {
            failure = Some(error);
            DbError::RolledBack
        })
    });
    match (outcome, failure) {
        (Ok(value), _) => Ok(value),
        (Err(_), Some(error)) => Err(error),
        (Err(error), None) => Err(E::from(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_backend_by_scheme() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/commune.db"),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("data/commune.db")))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/commune/x.db"),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("/var/lib/commune/x.db")))
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u:p@localhost/db").map(|u| u.backend()),
            Ok(Backend::Postgres)
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://localhost/db").map(|u| u.backend()),
            Ok(Backend::Postgres)
        );
        assert_eq!(
            DatabaseUrl::parse("mysql://x"),
            Err(UrlError::UnknownScheme("mysql".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("data/commune.db"),
            Err(UrlError::UnknownScheme(String::new()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://"),
            Err(UrlError::EmptySqlitePath)
        );
    }

    #[test]
    fn postgres_connections_give_up_on_an_unreachable_host() {
        let timeout = Duration::from_secs(3);
        assert_eq!(
            with_connect_timeout("postgres://h/db", timeout),
            "postgres://h/db?connect_timeout=3"
        );
        assert_eq!(
            with_connect_timeout("postgres://h/db?sslmode=require", timeout),
            "postgres://h/db?sslmode=require&connect_timeout=3"
        );
        assert_eq!(
            with_connect_timeout("postgres://h/db?connect_timeout=9", timeout),
            "postgres://h/db?connect_timeout=9"
        );
    }

    #[test]
    fn printing_a_url_hides_its_password() {
        let url = DatabaseUrl::parse("postgres://commune:s3cret@db:5432/commune").ok();
        let shown = format!("{url:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("commune:***@db:5432/commune"), "{shown}");
    }
}
