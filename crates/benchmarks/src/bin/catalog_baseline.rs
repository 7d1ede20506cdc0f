//! The baseline of the load test: list-products written by hand with axum over the reference
//! server's own storage (the same database, seed and query), so that the load test measures
//! what the generated layer costs end to end.
//!
//! `catalog_baseline --database-url URL --addr 127.0.0.1:PORT` prints `api key: ...` and serves
//! `GET /api/v1/demo/storefront/catalog/products` (and `/healthz`) until killed.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use reference_server::db::Db;
use reference_server::store::{catalog, stores};
use serde_json::json;

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"message": message, "success": false, "code": code})),
    )
        .into_response()
}

async fn list_products(
    State(db): State<Db>,
    Path(store): Path<String>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(key) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "missing credentials",
        );
    };
    if stores::verify_api_key(&db, &store, key).await.is_err() {
        return error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "invalid API key");
    }
    let number = |name: &str| query.get(name).map(|v| v.parse::<i64>());
    let (page, limit) = match (number("page").transpose(), number("limit").transpose()) {
        (Ok(page), Ok(limit)) => (page, limit),
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                "page and limit are integers",
            )
        }
    };
    let query = catalog::ProductQuery {
        page,
        limit,
        sort_by: query.get("sort_by").cloned(),
        ..Default::default()
    };
    match catalog::list_products(&db, &store, &query).await {
        Ok(content) => {
            Json(json!({"message": "OK", "success": true, "content": content})).into_response()
        }
        Err(e) => error(
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "ERROR",
            &e.public_message(),
        ),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let url = arg("--database-url").unwrap_or_else(|| "sqlite::memory:".to_owned());
    let addr = arg("--addr").unwrap_or_else(|| "127.0.0.1:8081".to_owned());
    let db = Db::connect(&url).await?;
    let seeded = reference_server::seed::seed(&db, "demo", None).await?;
    println!("api key: {}", seeded.api_key);
    let app = axum::Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/api/v1/{store_id}/storefront/catalog/products",
            get(list_products),
        )
        .with_state(db);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
