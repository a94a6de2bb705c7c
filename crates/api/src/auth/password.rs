use std::sync::Arc;

use argon2::{Argon2, PasswordHash, PasswordHasher as _, PasswordVerifier as _};
use tokio::sync::Semaphore;

use crate::error::ApiError;
use crate::state::off_the_async_threads;

/// Hashes a password with argon2id (19 MiB, 2 passes: the OWASP baseline). Blocks for tens of
/// milliseconds: call it off the async threads.
pub fn hash_password_blocking(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| ApiError::Internal(format!("hashing a password: {e}")))
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Hashes and checks passwords with bounded concurrency: each hash takes 19 MiB and a core for
/// tens of milliseconds, so a flood of logins waits here instead of exhausting memory.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// Checked when the username is unknown, so that case costs the same as a wrong password.
    dummy_hash: Arc<String>,
}

impl PasswordHasher {
    pub fn new(concurrency: usize) -> Result<Self, ApiError> {
        let random: [u8; 16] = rand::random();
        let dummy_hash = hash_password_blocking(&format!("{random:?}"))?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: Arc::new(dummy_hash),
        })
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let _permit = self.permit().await?;
        off_the_async_threads(move || hash_password_blocking(&password)).await
    }

    /// Checks a password against the stored hash, or against a dummy when there is none.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, ApiError> {
        let _permit = self.permit().await?;
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.as_ref().clone());
        let matches =
            off_the_async_threads(move || Ok::<_, ApiError>(verify_blocking(&password, &hash)))
                .await?;
        Ok(known && matches)
    }

    async fn permit(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
        self.permits
            .acquire()
            .await
            .map_err(|_| ApiError::ShuttingDown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let hash = hash_password_blocking("mật khẩu dài đủ").unwrap_or_default();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_blocking("mật khẩu dài đủ", &hash));
        assert!(!verify_blocking("mat khau dai du", &hash));
        assert!(!verify_blocking("anything", "not a hash"));
    }
}
