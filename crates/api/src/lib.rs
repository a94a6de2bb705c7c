//! The commune portal's HTTP API and command line.

pub mod audit;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod client_ip;
pub mod config;
pub mod demo;
pub mod dto;
pub mod error;
pub mod extract;
pub mod fallback;
pub mod maintenance;
pub mod middleware;
pub mod openapi;
pub mod ratelimit;
pub mod routes;
pub mod startup;
pub mod state;
pub mod submissions;
pub mod telemetry;
pub mod visits;

pub use config::Config;
pub use startup::{Application, ServeOptions, ShutdownHandle, StartupError};
