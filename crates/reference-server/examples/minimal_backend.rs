//! A Storefront backend in one file, the way a backend author writes one on the generated
//! `storefront-server` traits: three operations (get-cart, list-products,
//! login-with-password) over an SQLite pool, with `?` on storage errors, the envelope
//! constructors, and credentials checked against the store in the path. The tags not
//! implemented are not routed (their paths answer 404).
//!
//! `cargo run -p reference-server --example minimal_backend` serves it on 127.0.0.1:3000;
//! `cargo test -p reference-server --example minimal_backend` runs the requests below.

use std::sync::Arc;

use argon2::{Argon2, PasswordHash, PasswordVerifier};
use sqlx::sqlite::SqlitePool;
use sqlx::Row as _;
use storefront_server::auth::{LoginWithPasswordReply, LoginWithPasswordRequest};
use storefront_server::carts::{GetCartReply, GetCartRequest};
use storefront_server::catalog::{ListProductsReply, ListProductsRequest};
use storefront_server::prelude::*;
use storefront_server::{
    AuthError, AuthRequest, Backend, Credentials, ErrorResponse, IntoErrorResponse, RequestContext,
    Verified,
};
use storefront_types as types;

/// The backend: a database pool, nothing else.
struct Shop {
    pool: SqlitePool,
}

/// Who called: a session's user, an anonymous session, or the store's API key.
#[derive(Clone, Debug)]
enum Caller {
    User(String),
    Anonymous,
    Store,
}

/// What can go wrong; `?` converts storage errors into it.
#[derive(Debug)]
enum ShopError {
    NotFound(&'static str),
    WrongPassword,
    Storage(String),
}

impl From<sqlx::Error> for ShopError {
    fn from(e: sqlx::Error) -> Self {
        ShopError::Storage(e.to_string())
    }
}

impl From<serde_json::Error> for ShopError {
    fn from(e: serde_json::Error) -> Self {
        ShopError::Storage(e.to_string())
    }
}

impl IntoErrorResponse for ShopError {
    fn into_error_response(self) -> ErrorResponse {
        match self {
            ShopError::NotFound(what) => ErrorResponse::not_found(format!("no such {what}")),
            ShopError::WrongPassword => ErrorResponse::unauthorized("wrong email or password"),
            // logged with the request id; the caller reads "internal error"
            ShopError::Storage(detail) => ErrorResponse::internal_error(detail),
        }
    }
}

impl Backend for Shop {
    type Principal = Caller;
    type Error = ShopError;

    async fn verify_bearer(
        &self,
        token: &str,
        request: &AuthRequest<'_>,
    ) -> Result<Caller, AuthError> {
        // a token is valid only for the store in the path
        sqlx::query("SELECT user_id FROM sessions WHERE token = ? AND store_id = ?")
            .bind(token)
            .bind(request.store_id())
            .fetch_optional(&self.pool)
            .await
            .map_err(|_| AuthError::invalid("the session could not be checked"))?
            .map(|row| match row.get::<Option<String>, _>("user_id") {
                Some(user) => Caller::User(user),
                None => Caller::Anonymous,
            })
            .ok_or_else(|| AuthError::invalid("unknown or expired token"))
    }

    async fn verify_api_key(
        &self,
        key: &str,
        request: &AuthRequest<'_>,
    ) -> Result<Caller, AuthError> {
        sqlx::query("SELECT 1 FROM stores WHERE id = ? AND api_key = ?")
            .bind(request.store_id())
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(|_| AuthError::invalid("the key could not be checked"))?
            .map(|_| Caller::Store)
            .ok_or_else(|| AuthError::invalid("unknown API key"))
    }
}

impl storefront_server::Carts for Shop {
    async fn get_cart(
        &self,
        ctx: RequestContext<Verified<Caller>>,
        request: GetCartRequest,
    ) -> Result<GetCartReply, ShopError> {
        let Caller::User(user) = ctx.principal() else {
            return Ok(GetCartReply::unauthorized("sign in to see a cart"));
        };
        let row =
            sqlx::query("SELECT data FROM carts WHERE id = ? AND store_id = ? AND user_id = ?")
                .bind(&request.id)
                .bind(ctx.store_id())
                .bind(user)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(ShopError::NotFound("cart"))?;
        let cart: types::Cart = serde_json::from_str(row.get("data"))?;
        Ok(GetCartReply::ok(types::GetCartResponseContent::new(cart)))
    }
}

impl storefront_server::Catalog for Shop {
    async fn list_products(
        &self,
        ctx: RequestContext<Credentials<Caller>>,
        request: ListProductsRequest,
    ) -> Result<ListProductsReply, ShopError> {
        let limit = request.limit.unwrap_or(25);
        let page = request.page.unwrap_or(1);
        let rows = sqlx::query(
            "SELECT data FROM products WHERE store_id = ? ORDER BY id LIMIT ? OFFSET ?",
        )
        .bind(ctx.store_id())
        .bind(limit)
        .bind((page - 1) * limit)
        .fetch_all(&self.pool)
        .await?;
        let products = rows
            .iter()
            .map(|row| serde_json::from_str(row.get("data")))
            .collect::<Result<Vec<types::Product>, _>>()?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM products WHERE store_id = ?")
            .bind(ctx.store_id())
            .fetch_one(&self.pool)
            .await?;
        let pages = (total + limit - 1) / limit;
        let mut pagination =
            types::Pagination::new(total, pages, limit, (page < pages).then_some(page + 1));
        pagination.previous_page = (page > 1).then_some(page - 1);
        Ok(ListProductsReply::ok(
            types::ListProductsResponseContent::new(products, pagination),
        ))
    }
}

impl storefront_server::Auth for Shop {
    async fn login_with_password(
        &self,
        ctx: RequestContext<Verified<Caller>>,
        request: LoginWithPasswordRequest,
    ) -> Result<LoginWithPasswordReply, ShopError> {
        let types::LoginWithPasswordBody::Variant1(login) = request.body else {
            return Ok(LoginWithPasswordReply::bad_request(
                "sign in with an email here",
            ));
        };
        let row = sqlx::query(
            "SELECT id, password_hash, profile FROM users WHERE email = ? AND store_id = ?",
        )
        .bind(&login.email)
        .bind(ctx.store_id())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(ShopError::WrongPassword)?;
        let hash: String = row.get("password_hash");
        let hash = PasswordHash::new(&hash).map_err(|e| ShopError::Storage(e.to_string()))?;
        Argon2::default()
            .verify_password(login.password.as_bytes(), &hash)
            .map_err(|_| ShopError::WrongPassword)?;
        let user: String = row.get("id");
        let token = format!("session-{user}-{}", ctx.request_id);
        sqlx::query("INSERT INTO sessions (token, store_id, user_id) VALUES (?, ?, ?)")
            .bind(&token)
            .bind(ctx.store_id())
            .bind(&user)
            .execute(&self.pool)
            .await?;
        let profile: types::User = serde_json::from_str(row.get("profile"))?;
        Ok(LoginWithPasswordReply::ok(
            types::LoginWithPasswordResponseContent::new(profile, token, String::new()),
        ))
    }
}

/// The router of the three tags, each answered by the same backend.
fn app(shop: Shop) -> server_runtime::axum::Router {
    let shop = Arc::new(shop);
    storefront_server::Routes::new()
        .auth(Arc::clone(&shop))
        .carts(Arc::clone(&shop))
        .catalog(shop)
        .build()
}

/// An in-memory database with one store, an anonymous session (`anon-token`), one user
/// (`ann@example.com` / `correct horse`) and a cart of hers written by an older version
/// (its JSON no longer decodes).
async fn demo_pool() -> Result<SqlitePool, Box<dyn std::error::Error>> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    // one connection: every connection to `sqlite::memory:` is a database of its own
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await?;
    for statement in [
        "CREATE TABLE stores (id TEXT PRIMARY KEY, api_key TEXT NOT NULL)",
        "CREATE TABLE users (id TEXT PRIMARY KEY, store_id TEXT, email TEXT, password_hash TEXT, profile TEXT)",
        "CREATE TABLE sessions (token TEXT PRIMARY KEY, store_id TEXT, user_id TEXT)",
        "CREATE TABLE carts (id TEXT PRIMARY KEY, store_id TEXT, user_id TEXT, data TEXT)",
        "CREATE TABLE products (id TEXT PRIMARY KEY, store_id TEXT, data TEXT)",
        "INSERT INTO stores VALUES ('demo', 'pk_demo')",
        "INSERT INTO sessions VALUES ('anon-token', 'demo', NULL)",
    ] {
        sqlx::query(statement).execute(&pool).await?;
    }
    let salt = SaltString::from_b64("c29tZXNhbHRzb21lc2FsdA").map_err(|e| e.to_string())?;
    let hash = Argon2::default()
        .hash_password(b"correct horse", &salt)
        .map_err(|e| e.to_string())?
        .to_string();
    let channels = serde_json::json!({"email": true, "sms": false, "whatsapp": false});
    let profile = serde_json::json!({
        "id": "u1", "first_name": "Ann", "last_name": null, "email": "ann@example.com",
        "is_email_verified": true, "phone": null, "country_code": null,
        "is_phone_verified": false, "profile_image_url": null, "is_anonymous": false,
        "is_logged_in": true, "login_methods": ["password"], "customer_id": "u1",
        "customer_group": null, "business": null,
        "notification_preferences": {
            "transactional": channels, "promotional": channels, "newsletter": channels
        },
    });
    sqlx::query("INSERT INTO users VALUES ('u1', 'demo', 'ann@example.com', ?, ?)")
        .bind(hash)
        .bind(profile.to_string())
        .execute(&pool)
        .await?;
    let legacy = serde_json::json!({"id": "c-legacy", "total": "12.00"});
    sqlx::query("INSERT INTO carts VALUES ('c-legacy', 'demo', 'u1', ?)")
        .bind(legacy.to_string())
        .execute(&pool)
        .await?;
    Ok(pool)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let shop = Shop {
        pool: demo_pool().await?,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("serving http://127.0.0.1:3000/api/v1/demo/storefront (api key pk_demo)");
    server_runtime::axum::serve(listener, app(shop)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt as _;
    use serde_json::{json, Value};
    use server_runtime::axum::body::Body;
    use tower::ServiceExt as _;

    use super::*;

    /// One database for the requests of a test.
    async fn router() -> server_runtime::axum::Router {
        let pool = demo_pool().await.expect("demo database");
        app(Shop { pool })
    }

    async fn call(
        app: &server_runtime::axum::Router,
        request: http::Request<Body>,
    ) -> (u16, Value) {
        let response = app.clone().oneshot(request).await.expect("infallible");
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    fn login(password: &str) -> http::Request<Body> {
        http::Request::post("/api/v1/demo/storefront/auth/login/password")
            .header("authorization", "Bearer anon-token")
            .header("content-type", "application/json")
            .body(Body::from(
                json!({"email": "ann@example.com", "password": password}).to_string(),
            ))
            .expect("request")
    }

    fn get_cart(id: &str, token: &str) -> http::Request<Body> {
        http::Request::get(format!("/api/v1/demo/storefront/carts/{id}"))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request")
    }

    #[tokio::test]
    async fn login_then_carts_through_question_marks_and_constructors() {
        let app = router().await;
        let (status, body) = call(&app, login("wrong")).await;
        assert_eq!(
            (status, body["message"].as_str()),
            (401, Some("wrong email or password"))
        );

        let (status, body) = call(&app, login("correct horse")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["content"]["user"]["email"], "ann@example.com");
        let token = body["content"]["access_token"]
            .as_str()
            .expect("token")
            .to_owned();

        let (status, body) = call(&app, get_cart("c9", &token)).await;
        assert_eq!((status, body["code"].as_str()), (404, Some("NOT_FOUND")));
        let (status, body) = call(&app, get_cart("c9", "anon-token")).await;
        assert_eq!(
            (status, body["message"].as_str()),
            (401, Some("sign in to see a cart"))
        );
        // a row that does not decode: a 500 that says nothing about the row
        let (status, body) = call(&app, get_cart("c-legacy", &token)).await;
        assert_eq!(
            (status, body["message"].as_str()),
            (500, Some("internal error"))
        );
    }

    #[tokio::test]
    async fn products_are_listed_with_the_api_key_and_refused_with_another_stores() {
        let app = router().await;
        let request = |store: &str| {
            http::Request::get(format!(
                "/api/v1/{store}/storefront/catalog/products?limit=10"
            ))
            .header("x-api-key", "pk_demo")
            .body(Body::empty())
            .expect("request")
        };
        let (status, body) = call(&app, request("demo")).await;
        assert_eq!(status, 200);
        assert_eq!(body["message"], "OK");
        assert_eq!(body["content"]["pagination"]["total_records"], 0);
        assert_eq!(call(&app, request("other")).await.0, 401);
    }

    #[tokio::test]
    async fn tags_not_implemented_are_not_routed() {
        let request = http::Request::get("/api/v1/demo/storefront/wishlist/u1")
            .body(Body::empty())
            .expect("request");
        assert_eq!(call(&router().await, request).await.0, 404);
    }
}
