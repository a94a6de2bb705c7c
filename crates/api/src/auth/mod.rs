//! Who is calling: access tokens, password hashes, and the extractors handlers ask for.

mod extractor;
mod jwt;
mod password;

pub use extractor::{AuthUser, MaybeAuthUser};
pub use jwt::{Claims, JwtKeys};
pub use password::{PasswordHasher, hash_password_blocking};
