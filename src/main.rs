use std::process::ExitCode;

use mutual_aid_bot::{app, config::Config};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    // A missing .env is fine: the settings may come from the environment itself.
    let _ = dotenvy::dotenv();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("mutual-aid-bot: {e}");
            return ExitCode::from(2);
        }
    };
    match app::run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mutual-aid-bot: {e}");
            ExitCode::FAILURE
        }
    }
}
