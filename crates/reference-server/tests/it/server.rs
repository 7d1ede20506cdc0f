//! A running reference server for loopback tests: the binary's router on 127.0.0.1, over a
//! fresh database of each backend, with the demo store seeded, and generated clients to call it.

use std::future::Future;
use std::net::SocketAddr;

use clap::Parser as _;
use reference_server::config::Config;
use reference_server::db::{Backend, Db};
use reference_server::http::App;
use storefront::Client;

use crate::support::for_each_url;

/// A server answering on loopback until the test ends.
#[derive(Clone, Debug)]
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub root: String,
    /// The API's base URL (`.../api/v1/demo/storefront`).
    pub base: String,
    /// The demo store's API key.
    pub api_key: String,
    /// The database.
    pub db: Db,
    /// Which backend.
    pub backend: Backend,
}

impl TestServer {
    /// A client sending the API key only.
    pub fn public(&self) -> Client {
        Client::builder()
            .base_url(&self.base)
            .api_key(&self.api_key)
            .build()
            .expect("client")
    }

    /// A client sending this access token (and no API key).
    pub fn with_token(&self, token: &str) -> Client {
        Client::builder()
            .base_url(&self.base)
            .bearer_token(token)
            .build()
            .expect("client")
    }

    /// A client of another store id on the same server.
    pub fn for_store(&self, store: &str, api_key: &str) -> Client {
        Client::builder()
            .base_url(self.base.replace("/demo/", &format!("/{store}/")))
            .api_key(api_key)
            .build()
            .expect("client")
    }
}

/// The configuration of a test server on `url` (development mode: debug OTPs).
pub fn config(url: &str) -> Config {
    Config::parse_from([
        "reference-server",
        "--database-url",
        url,
        "--addr",
        "127.0.0.1:0",
    ])
}

/// Starts a server on `url` (migrated and seeded), on a free loopback port.
pub async fn start(url: &str) -> TestServer {
    let db = Db::connect(url).await.expect("connect");
    let seeded = reference_server::seed::seed(&db, "demo", None)
        .await
        .expect("seed");
    let app = App::new(db.clone(), config(url)).await.expect("app");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = reference_server::http::serve(listener, app).await;
    });
    TestServer {
        root: format!("http://{addr}"),
        base: format!("http://{addr}/api/v1/demo/storefront"),
        api_key: seeded.api_key,
        backend: db.backend(),
        db,
    }
}

/// Runs `body` against a fresh server on SQLite, then on PostgreSQL (when configured).
pub async fn for_each_server<F, Fut>(body: F)
where
    F: Fn(TestServer) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    for_each_url(move |url, _| {
        let body = body.clone();
        async move {
            let server = start(&url).await;
            let db = server.db.clone();
            body(server).await;
            db.close().await;
        }
    })
    .await;
}
