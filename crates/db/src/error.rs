use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Everything that can go wrong in storage. "Not found" and "database down" are kept apart.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; holds the constraint or column that did.
    #[error("conflicts with an existing record ({0})")]
    Conflict(String),
    /// A foreign key refused the write: the record it points to does not exist.
    #[error("refers to a record that does not exist ({0})")]
    MissingReference(String),
    /// No connection could be had in time, or the server went away.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Query(DieselError),
    /// Stands in, inside `Database::write`, for the work's own error while the transaction
    /// rolls back; callers get that error instead.
    #[error("transaction rolled back")]
    RolledBack,
}

impl From<DieselError> for DbError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Self::Conflict(constraint_of(info.as_ref()))
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                Self::MissingReference(constraint_of(info.as_ref()))
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(info.message().to_owned())
            }
            DieselError::DatabaseError(_, ref info) if is_busy(info.message()) => {
                Self::Unavailable(info.message().to_owned())
            }
            other => Self::Query(other),
        }
    }
}

impl From<r2d2::Error> for DbError {
    fn from(error: r2d2::Error) -> Self {
        Self::Unavailable(error.to_string())
    }
}

fn constraint_of(info: &dyn diesel::result::DatabaseErrorInformation) -> String {
    info.constraint_name()
        .or_else(|| info.column_name())
        .map_or_else(|| info.message().to_owned(), str::to_owned)
}

/// SQLite reports a lock held past the busy timeout as a plain error with this text.
fn is_busy(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database is busy")
}
