//! Validation errors that name the field, so a client can point at the input to fix.

use serde::Serialize;

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `feedback_contact.phone`.
    pub field: String,
    /// Stable machine-readable reason, e.g. `required`, `too_long`, `invalid_format`.
    pub code: &'static str,
    /// Human-readable explanation.
    pub message: String,
}

/// All the fields of one input that failed validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("validation failed for {}", self.field_names())]
pub struct ValidationErrors {
    errors: Vec<FieldError>,
}

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        let mut errors = Self::new();
        errors.add(field, code, message);
        errors
    }

    pub fn add(
        &mut self,
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) {
        self.errors.push(FieldError {
            field: field.into(),
            code,
            message: message.into(),
        });
    }

    /// Keeps the value when `result` is ok; records the error under `field` otherwise.
    pub fn check<T, E: FieldFailure>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error.code(), error.to_string());
                None
            }
        }
    }

    /// Adds every failure of `other`.
    pub fn merge(&mut self, other: ValidationErrors) {
        self.errors.extend(other.errors);
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// `Ok(())` when nothing failed, so callers can `?` after collecting every field.
    pub fn into_result(self) -> Result<(), Self> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    fn field_names(&self) -> String {
        self.errors
            .iter()
            .map(|e| e.field.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// An error about one value, with a stable code for clients.
pub trait FieldFailure: std::fmt::Display {
    fn code(&self) -> &'static str;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("quá dài")]
    struct TooLong;

    impl FieldFailure for TooLong {
        fn code(&self) -> &'static str {
            "too_long"
        }
    }

    #[test]
    fn check_collects_every_failure() {
        let mut errors = ValidationErrors::new();
        let kept: Option<u8> = errors.check("name", Ok::<u8, TooLong>(1));
        let lost: Option<u8> = errors.check("subject", Err(TooLong));
        assert_eq!(kept, Some(1));
        assert_eq!(lost, None);
        assert_eq!(errors.errors().len(), 1);
        assert_eq!(errors.errors()[0].field, "subject");
        assert_eq!(errors.errors()[0].code, "too_long");
        assert_eq!(errors.to_string(), "validation failed for subject");
        assert!(errors.into_result().is_err());
    }
}
