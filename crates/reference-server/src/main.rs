//! The reference server's binary: parses the configuration, connects to the database (running
//! the migrations), seeds the demo store on first start, prints the base URL and the API key,
//! and serves the Storefront API until SIGINT or SIGTERM.

use clap::Parser as _;
use reference_server::config::{Config, Mode};
use reference_server::db::Db;
use reference_server::http::{serve, App};
use reference_server::seed;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .init();
    let config = Config::parse();
    match run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("reference-server: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let db = Db::connect(&config.database_url).await?;
    let outcome = seed::seed(&db, &config.store_id, config.api_key.as_deref()).await?;
    let listener = tokio::net::TcpListener::bind(&config.addr).await?;
    let addr = listener.local_addr()?;
    println!(
        "store `{}` ({}), database {:?}",
        config.store_id,
        if outcome.created {
            "seeded now"
        } else {
            "existing"
        },
        db.backend()
    );
    println!(
        "base url: http://{addr}{}",
        storefront_server::BASE_PATH.replace("{store_id}", &config.store_id)
    );
    println!("api key: {}", outcome.api_key);
    match config.mode {
        Mode::Development => println!(
            "mode: development (OTPs are logged, and replies carry them with `x-debug-mode: true`; \
             use --mode production for a deployment)"
        ),
        Mode::Production => println!("mode: production"),
    }
    let app = App::new(db.clone(), config).await?;
    serve(listener, app).await?;
    db.close().await;
    Ok(())
}
