//! The reference server's binary: parses the configuration, connects to the database, runs
//! the migrations, seeds the demo store and prints its API key.

use clap::Parser as _;
use reference_server::auth::AuthService;
use reference_server::config::Config;
use reference_server::db::Db;
use reference_server::seed;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    match run(&config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("reference-server: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: &Config) -> reference_server::error::Result<()> {
    let db = Db::connect(&config.database_url).await?;
    let outcome = seed::seed(&db, &config.store_id, config.api_key.as_deref()).await?;
    // Creates (or reads) the shared JWT secret, so that every instance signs alike.
    let _auth = AuthService::from_config(db.clone(), config).await?;
    println!(
        "store: {} ({})",
        config.store_id,
        if outcome.created {
            "seeded"
        } else {
            "existing"
        }
    );
    println!("api key: {}", outcome.api_key);
    println!("mode: {:?}", config.mode);
    // TODO(wiring): build the axum router from the generated server traits over `_auth` and
    // the `store` repositories, and serve it on `config.addr`.
    db.close().await;
    Ok(())
}
