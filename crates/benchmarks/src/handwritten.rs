//! The same four operations written by hand with axum extractors, as a careful backend author
//! would: the same credential check, the same required fields and types (serde), the same
//! error envelope for every mistake, the same replies.

use std::sync::Arc;

use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde_json::json;
use storefront_types as types;

use crate::{verify, Replies};

type Shared = State<Arc<Replies>>;

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = json!({"message": message.into(), "success": false, "code": code});
    (status, Json(body)).into_response()
}

fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "UNAUTHORIZED",
        "missing or unknown credentials",
    )
}

/// The bearer token's user, if the request has a valid one.
fn bearer(headers: &HeaderMap) -> Option<&'static str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?;
    verify(token.trim())
}

/// The caller by bearer token or `X-Api-Key`.
fn bearer_or_key(headers: &HeaderMap) -> Option<&'static str> {
    bearer(headers).or_else(|| verify(headers.get("x-api-key")?.to_str().ok()?))
}

async fn get_cart(
    State(replies): Shared,
    headers: HeaderMap,
    Path((_store, _id)): Path<(String, String)>,
) -> Response {
    if bearer(&headers).is_none() {
        return unauthorized();
    }
    Json(types::GetCartResponse::new(
        "OK",
        true,
        types::GetCartResponseContent::new(replies.cart.clone()),
    ))
    .into_response()
}

/// The query of list-products, parsed as the spec says (repeated keys for arrays).
#[derive(Debug, Default)]
struct ProductQuery {
    page: Option<i64>,
    limit: Option<i64>,
    sort_by: Option<String>,
    category_id: Vec<String>,
    category_slug: Vec<String>,
    inventory: Option<bool>,
    product_type: Option<String>,
}

fn parse_query(query: &str) -> Result<ProductQuery, String> {
    let mut q = ProductQuery::default();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match &*key {
            "page" => q.page = Some(value.parse().map_err(|_| "page: not an integer")?),
            "limit" => q.limit = Some(value.parse().map_err(|_| "limit: not an integer")?),
            "sort_by" => q.sort_by = Some(value.into_owned()),
            "category_id" => q.category_id.push(value.into_owned()),
            "category_slug" => q.category_slug.push(value.into_owned()),
            "inventory" => {
                q.inventory = Some(value.parse().map_err(|_| "inventory: not a boolean")?)
            }
            "product_type" => q.product_type = Some(value.into_owned()),
            _ => {}
        }
    }
    Ok(q)
}

async fn list_products(
    State(replies): Shared,
    headers: HeaderMap,
    Path(_store): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if bearer_or_key(&headers).is_none() {
        return unauthorized();
    }
    let query = match parse_query(query.as_deref().unwrap_or_default()) {
        Ok(q) => q,
        Err(problem) => return error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", problem),
    };
    std::hint::black_box((query, headers.get("x-customer-group-id")));
    Json(types::ListProductsResponse::new(
        "OK",
        true,
        replies.products.clone(),
    ))
    .into_response()
}

async fn update_cart(
    State(replies): Shared,
    headers: HeaderMap,
    Path((_store, _id)): Path<(String, String)>,
    body: Result<Json<types::UpdateCartItem>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if bearer(&headers).is_none() {
        return unauthorized();
    }
    let Json(item) = match body {
        Ok(body) => body,
        // axum answers a wrong type with 422; the API (and the generated server) with 400
        Err(rejection) if rejection.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            return error(
                rejection.status(),
                "UNSUPPORTED_MEDIA_TYPE",
                rejection.body_text(),
            )
        }
        Err(rejection) => {
            return error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                rejection.body_text(),
            )
        }
    };
    std::hint::black_box(item);
    Json(types::UpdateCartResponse::new(
        "OK",
        true,
        types::UpdateCartResponseContent::new(replies.cart.clone()),
    ))
    .into_response()
}

async fn add_profile_image(
    headers: HeaderMap,
    Path((_store, id)): Path<(String, String)>,
    mut multipart: Multipart,
) -> Response {
    if bearer(&headers).is_none() {
        return unauthorized();
    }
    let mut image = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("image") => {
                let file_name = field.file_name().map(str::to_owned);
                let content_type = field.content_type().map(str::to_owned);
                match field.bytes().await {
                    Ok(bytes) => {
                        image = Some(types::support::FilePart {
                            file_name,
                            content_type,
                            bytes: bytes.to_vec(),
                        })
                    }
                    Err(e) => {
                        return error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", e.body_text())
                    }
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", e.body_text()),
        }
    }
    let Some(image) = image else {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "image: is required",
        );
    };
    Json(types::AddProfileImageResponse::new(
        "OK",
        true,
        types::AddProfileImageResponseContent::new(format!("/images/{id}/{}", image.bytes.len())),
    ))
    .into_response()
}

/// The hand-written router, at the same paths.
pub fn router(replies: Replies) -> axum::Router {
    let base = "/api/v1/{store_id}/storefront";
    axum::Router::new()
        .route(&format!("{base}/carts/{{id}}"), get(get_cart))
        .route(&format!("{base}/carts/{{id}}/items"), post(update_cart))
        .route(&format!("{base}/catalog/products"), get(list_products))
        .route(
            &format!("{base}/auth/user/{{id}}/profile-image"),
            post(add_profile_image),
        )
        .with_state(Arc::new(replies))
}
