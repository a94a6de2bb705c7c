//! Request and response bodies: the JSON contract, separate from domain types and rows.

pub mod auth;
pub mod common;
pub mod communes;
pub mod feedback;
pub mod resolutions;
