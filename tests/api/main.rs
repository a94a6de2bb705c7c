//! End-to-end tests: one binary, each test with its own server and database.

mod auth;
mod caching;
mod cli;
mod communes;
mod docs;
mod errors;
mod feedback;
mod permissions;
mod resolutions;
mod server;
mod visits;
