use std::process::ExitCode;

use api::cli::{Cli, Command};
use api::{Application, Config, ServeOptions, openapi, telemetry};
use clap::Parser;
use db::Database;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve { demo: false });
    if let Command::Openapi = command {
        return match openapi::spec_json() {
            Ok(json) => {
                print!("{json}");
                ExitCode::SUCCESS
            }
            Err(error) => fail(&error),
        };
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    match command {
        Command::Serve { demo } => serve(config, ServeOptions { demo }),
        Command::Migrate => migrate(&config),
        Command::Openapi => ExitCode::SUCCESS,
        Command::Import {
            file,
            commune,
            publish,
        } => {
            let outcome = Database::open(&config.database_url, &config.pool)
                .map_err(api::error::ApiError::from)
                .and_then(|db| api::cli::run_import(&db, &file, &commune, publish));
            match outcome {
                Ok(message) => {
                    println!("{message}");
                    ExitCode::SUCCESS
                }
                Err(error) => fail(&problem_text(&error)),
            }
        }
        Command::User { command } => {
            let outcome = Database::open(&config.database_url, &config.pool)
                .map_err(api::error::ApiError::from)
                .and_then(|db| api::cli::run_user_command(&db, command, &mut std::io::stdin()));
            match outcome {
                Ok(message) => {
                    println!("{message}");
                    ExitCode::SUCCESS
                }
                Err(error) => fail(&problem_text(&error)),
            }
        }
    }
}

fn serve(config: Config, options: ServeOptions) -> ExitCode {
    let bind_addr = config.bind_addr.clone();
    let database = config.database_url.to_string();
    let outcome = actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config, options)
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!(%database, address = %bind_addr, port = app.port(), "listening");
        app.run_until_stopped().await.map_err(|e| e.to_string())
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %error, "the server stopped on an error");
            fail(&error)
        }
    }
}

fn migrate(config: &Config) -> ExitCode {
    let applied = Database::open(&config.database_url, &config.pool).and_then(|db| db.migrate());
    match applied {
        Ok(versions) => {
            println!(
                "applied {} migration(s) to {}",
                versions.len(),
                config.database_url
            );
            for version in versions {
                println!("  {version}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}

/// A CLI error in words: validation errors name their fields.
fn problem_text(error: &api::error::ApiError) -> String {
    match error {
        api::error::ApiError::Validation(errors) => errors
            .errors()
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

fn fail(error: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}
