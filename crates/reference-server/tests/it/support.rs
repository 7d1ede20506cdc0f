//! The test harness: runs a test body against SQLite and PostgreSQL, each time on a fresh,
//! isolated database.
//!
//! PostgreSQL comes from `TEST_POSTGRES_URL` (an admin URL such as
//! `postgres://postgres@127.0.0.1:5432/test`); each run creates `rs_test_<random>` and drops it
//! afterwards. Without the variable the PostgreSQL half is skipped with a notice, except when
//! `CI=true`, where that is a failure. A set but unreachable server is a failure.

use std::future::Future;

use reference_server::db::{Backend, Db};
use sqlx::Connection as _;

/// A fresh database of one backend, dropped by [`TestDb::cleanup`].
pub struct TestDb {
    /// URL of the fresh database.
    pub url: String,
    /// Which backend.
    pub backend: Backend,
    admin_url: Option<String>,
    name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
        Self {
            url,
            backend: Backend::Sqlite,
            admin_url: None,
            name: None,
            _dir: Some(dir),
        }
    }

    async fn postgres(admin_url: &str) -> Self {
        sqlx::any::install_default_drivers();
        let name = format!(
            "rs_test_{}",
            reference_server::util::random_token(8).unwrap()
        );
        let mut admin = sqlx::AnyConnection::connect(admin_url)
            .await
            .unwrap_or_else(|e| panic!("TEST_POSTGRES_URL is set but unreachable: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("CREATE DATABASE");
        admin.close().await.ok();
        Self {
            url: replace_database(admin_url, &name),
            backend: Backend::Postgres,
            admin_url: Some(admin_url.to_owned()),
            name: Some(name),
            _dir: None,
        }
    }

    async fn cleanup(self) {
        if let (Some(admin_url), Some(name)) = (&self.admin_url, &self.name) {
            if let Ok(mut admin) = sqlx::AnyConnection::connect(admin_url).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await;
                admin.close().await.ok();
            }
        }
    }
}

/// `url` with its database name replaced by `name`.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let slash = base.rfind('/').expect("database URL has a path");
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let prefix = if slash >= authority_end {
        &base[..slash]
    } else {
        base
    };
    match query {
        Some(query) => format!("{prefix}/{name}?{query}"),
        None => format!("{prefix}/{name}"),
    }
}

/// The PostgreSQL admin URL, or `None` (with a notice) when PostgreSQL tests are skipped.
fn postgres_admin_url() -> Option<String> {
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("TEST_POSTGRES_URL is not set but CI=true: PostgreSQL tests must run in CI");
            }
            eprintln!(
                "notice: TEST_POSTGRES_URL is not set; skipping the PostgreSQL half of this test"
            );
            None
        }
    }
}

/// Runs `body` with the URL of a fresh, empty database of each backend (SQLite, then
/// PostgreSQL). The database is dropped afterwards, also when `body` panics.
pub async fn for_each_url<F, Fut>(body: F)
where
    F: Fn(String, Backend) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let admin = postgres_admin_url();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        // Each database is created right before its run, so that a failure in one run
        // leaves no database of a later run behind.
        let test_db = match (backend, &admin) {
            (Backend::Sqlite, _) => TestDb::sqlite().await,
            (Backend::Postgres, Some(admin)) => TestDb::postgres(admin).await,
            (Backend::Postgres, None) => continue,
        };
        let outcome = tokio::spawn(body(test_db.url.clone(), test_db.backend)).await;
        test_db.cleanup().await;
        if let Err(error) = outcome {
            if error.is_panic() {
                std::panic::resume_unwind(error.into_panic());
            }
            panic!("test task failed: {error}");
        }
    }
}

/// Runs `body` with a connected, migrated [`Db`] of each backend (SQLite, then PostgreSQL).
pub async fn for_each_db<F, Fut>(body: F)
where
    F: Fn(Db) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    for_each_url(move |url, _| {
        let body = body.clone();
        async move {
            let db = Db::connect(&url).await.expect("connect and migrate");
            body(db.clone()).await;
            db.close().await;
        }
    })
    .await;
}

#[test]
fn replace_database_keeps_the_rest() {
    assert_eq!(
        replace_database("postgres://postgres@127.0.0.1:5432/test", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        replace_database("postgres://u:p@h/test?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(replace_database("postgres://h", "x"), "postgres://h/x");
}

/// Creates a store with a plain configuration and a random API key.
pub async fn create_store(db: &Db, id: &str) -> reference_server::store::stores::StoreRecord {
    use reference_server::store::stores;
    let record = stores::StoreRecord {
        id: id.to_owned(),
        name: format!("Store {id}"),
        api_key: reference_server::util::random_token(16).unwrap(),
        config: stores::basic_config(id),
    };
    stores::create_store(db, &record).await.unwrap();
    record
}

/// An auth service over `db` whose OTPs are kept in memory, with a shared stored secret.
pub async fn auth_service(
    db: &Db,
    settings: reference_server::auth::AuthSettings,
) -> (
    reference_server::auth::AuthService,
    std::sync::Arc<reference_server::security::otp::MemorySender>,
) {
    use reference_server::security::{jwt::JwtKeys, otp::MemorySender};
    let secret = reference_server::store::stores::jwt_secret(db, None)
        .await
        .unwrap();
    let sender = std::sync::Arc::new(MemorySender::default());
    let service = reference_server::auth::AuthService::new(
        db.clone(),
        JwtKeys::new(secret.as_bytes()),
        sender.clone(),
        settings,
    );
    (service, sender)
}
