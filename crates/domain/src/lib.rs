//! Rules of the commune portal. Pure functions and types: no I/O, no web or database crate.

pub mod calendar;
pub mod commune;
pub mod contact;
pub mod evaluation;
pub mod feedback;
pub mod import;
pub mod measure;
pub mod number;
pub mod page;
pub mod records;
pub mod resolution;
pub mod target_parser;
pub mod text;
pub mod user;
pub mod validation;
pub mod visits;

pub use validation::{FieldError, ValidationErrors};
