//! Rules of the commune portal. Pure functions and types: no I/O, no web or database crate.

pub mod commune;
pub mod contact;
pub mod page;
pub mod text;
pub mod user;
pub mod validation;

pub use validation::{FieldError, ValidationErrors};
