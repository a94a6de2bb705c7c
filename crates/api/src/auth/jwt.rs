use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::Secret;

pub const ISSUER: &str = "commune-api";
pub const AUDIENCE: &str = "commune-api";
const LEEWAY_SECS: u64 = 30;

/// The claims of an access token. Role and commune are informative for clients; every request
/// checks them again against the stored user, whose token version must still match `ver`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    pub role: String,
    /// The slug of the user's commune; none for admins.
    pub commune: Option<String>,
    pub iat: u64,
    pub exp: u64,
    pub iss: String,
    pub aud: String,
    /// The user's token version when the token was issued.
    pub ver: i64,
}

/// Keys and rules for access tokens, made once at start.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl JwtKeys {
    pub fn new(secret: &Secret, ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = LEEWAY_SECS;
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        Self {
            encoding: EncodingKey::from_secret(secret.expose()),
            decoding: DecodingKey::from_secret(secret.expose()),
            validation,
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Signs a token for the user, valid from `now` (seconds since 1970) for the configured time.
    pub fn issue(
        &self,
        user_id: i64,
        role: &str,
        commune: Option<String>,
        token_version: i64,
        now: u64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user_id.to_string(),
            role: role.to_owned(),
            commune,
            iat: now,
            exp: now + self.ttl.as_secs(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            ver: token_version,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Checks signature, algorithm, expiry, issuer and audience.
    pub fn verify(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(
            &Secret::new(b"0123456789abcdef0123456789abcdef".to_vec()),
            Duration::from_secs(900),
        )
    }

    fn now() -> u64 {
        jsonwebtoken::get_current_timestamp()
    }

    #[test]
    fn a_signed_token_verifies_with_its_claims() {
        // Also proves exactly one crypto backend is compiled in: with none or two, this panics.
        let keys = keys();
        let token = keys
            .issue(7, "editor", Some("truong-xuan".into()), 3, now())
            .unwrap_or_default();
        let claims = keys.verify(&token).ok();
        assert_eq!(
            claims.as_ref().map(|c| (c.sub.as_str(), c.ver)),
            Some(("7", 3))
        );
        assert_eq!(
            claims.and_then(|c| c.commune),
            Some("truong-xuan".to_owned())
        );
    }

    #[test]
    fn expired_tokens_fail_after_the_leeway() {
        let keys = keys();
        let issued_long_ago = now() - 900 - 31;
        let token = keys
            .issue(7, "admin", None, 1, issued_long_ago)
            .unwrap_or_default();
        assert!(keys.verify(&token).is_err());
        let just_expired = now() - 900 - 5;
        let token = keys
            .issue(7, "admin", None, 1, just_expired)
            .unwrap_or_default();
        assert!(keys.verify(&token).is_ok(), "within the 30 s leeway");
    }

    #[test]
    fn tokens_signed_with_another_key_or_algorithm_fail() {
        let other = JwtKeys::new(
            &Secret::new(b"another-secret-another-secret-xx".to_vec()),
            Duration::from_secs(900),
        );
        let forged = other.issue(1, "admin", None, 1, now()).unwrap_or_default();
        assert!(keys().verify(&forged).is_err());
        let unsigned = format!(
            "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.",
            forged.split('.').nth(1).unwrap_or_default()
        );
        assert!(keys().verify(&unsigned).is_err());
    }
}
