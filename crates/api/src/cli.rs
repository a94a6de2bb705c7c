//! The command line: `commune-api [serve [--demo] | migrate | openapi]`.

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "commune-api",
    version,
    about = "API of the commune portal. Configured by environment variables (see README)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default command).
    Serve {
        /// Load Xã Trường Xuân as demo data into the database when missing.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
}
