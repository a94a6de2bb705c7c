//! End-to-end tests: one binary, each test with its own server and database.

mod communes;
mod docs;
mod errors;
mod server;
