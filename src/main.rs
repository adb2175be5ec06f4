use std::process::ExitCode;

use mutual_aid_bot::{app, config::Config};
use tracing_subscriber::EnvFilter;

/// jemalloc instead of the C library's allocator: the bot allocates on the runtime's threads and
/// frees on others (SQLite's, the sender's), and glibc's malloc spent ~18% of the bot's CPU in the
/// load benchmark's flood merging and searching its free lists; jemalloc took 8-15% less CPU per
/// update there, for ~20% more peak memory (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    // A missing .env is fine: the settings may come from the environment itself.
    let _ = dotenvy::dotenv();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(command) = args.first() {
        return match (command.as_str(), args.get(1)) {
            ("backup", Some(path)) => backup(path).await,
            _ => {
                eprintln!(
                    "usage: mutual-aid-bot            run the bot (settings from .env)\n       mutual-aid-bot backup FILE  copy the live database into FILE"
                );
                ExitCode::from(2)
            }
        };
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("mutual-aid-bot: {e}");
            return ExitCode::from(2);
        }
    };
    // A panic message must not carry the token either.
    let token = config.token.clone();
    std::panic::set_hook(Box::new(move |info| {
        eprintln!(
            "mutual-aid-bot: internal error: {}",
            info.to_string().replace(&token, "<token>")
        );
    }));
    match app::run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mutual-aid-bot: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `mutual-aid-bot backup FILE`: needs only DATABASE_URL, works while the bot runs.
async fn backup(path: &str) -> ExitCode {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| mutual_aid_bot::config::DEFAULT_DATABASE_URL.to_owned());
    match mutual_aid_bot::db::backup(&url, std::path::Path::new(path)).await {
        Ok(()) => {
            println!("mutual-aid-bot: backup written to {path}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mutual-aid-bot: {e}");
            ExitCode::FAILURE
        }
    }
}
