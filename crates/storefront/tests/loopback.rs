//! The generated client against the generated server, over 127.0.0.1: a backend implements a
//! JSON, a query and a multipart operation; the client calls them and gets typed results back,
//! and the server's validation and 501 answers arrive as the client's typed errors.

use std::net::SocketAddr;

use storefront::types::{self, support::FilePart, AddProfileImageBody, RefreshTokenBody};
use storefront::{Client, Error};
use storefront_server::auth::{
    AddProfileImageReply, AddProfileImageRequest, RefreshTokenReply, RefreshTokenRequest,
};
use storefront_server::orders::{ListOrdersReply, ListOrdersRequest};
use storefront_server::{
    AuthError, AuthRequest, Backend, ErrorResponse, RequestContext, ServerVariables as _, Verified,
};

/// A backend with three operations.
struct Shop;

impl Backend for Shop {
    type Principal = String;
    type Error = ErrorResponse;

    async fn verify_bearer(
        &self,
        token: &str,
        _request: &AuthRequest<'_>,
    ) -> Result<String, AuthError> {
        match token {
            "let-me-in" => Ok("u1".to_owned()),
            _ => Err(AuthError::invalid("unknown token")),
        }
    }
}

impl storefront_server::Auth for Shop {
    async fn refresh_token(
        &self,
        ctx: RequestContext<Option<Verified<String>>>,
        request: RefreshTokenRequest,
    ) -> Result<RefreshTokenReply, ErrorResponse> {
        Ok(RefreshTokenReply::ok_with_message(
            format!("refreshed for {}", ctx.principal().map_or("?", |p| p)),
            types::ChangePasswordResponseContent::new(
                format!("access-from-{}", request.body.refresh_token),
                "r2",
            ),
        ))
    }

    async fn add_profile_image(
        &self,
        _ctx: RequestContext<Verified<String>>,
        request: AddProfileImageRequest,
    ) -> Result<AddProfileImageReply, ErrorResponse> {
        let image = request.body.image;
        Ok(AddProfileImageReply::ok_with_message(
            "stored",
            types::GetProfileImageResponseContent::new(format!(
                "https://cdn.example/{}/{}?type={}&bytes={}",
                request.id,
                image.file_name.unwrap_or_default(),
                image.content_type.unwrap_or_default(),
                String::from_utf8_lossy(&image.bytes)
            )),
        ))
    }
}

impl storefront_server::Orders for Shop {
    async fn list_orders(
        &self,
        ctx: RequestContext<Verified<String>>,
        request: ListOrdersRequest,
    ) -> Result<ListOrdersReply, ErrorResponse> {
        let mut content = types::ListOrdersResponseContent::default();
        content.orders = Some(vec![]);
        content.pagination = Some(types::Pagination::new(
            0,
            1,
            request.limit.unwrap_or(25),
            None,
        ));
        Ok(ListOrdersReply::ok_with_message(
            format!(
                "store {} user {} statuses {}",
                ctx.store_id(),
                request.user_id,
                request.status.unwrap_or_default().join("+")
            ),
            content,
        ))
    }
}

impl storefront_server::Analytics for Shop {}
impl storefront_server::Campaigns for Shop {}
impl storefront_server::Carts for Shop {}
impl storefront_server::Catalog for Shop {}
impl storefront_server::Customers for Shop {}
impl storefront_server::Fulfillment for Shop {}
impl storefront_server::Helpers for Shop {}
impl storefront_server::Payments for Shop {}
impl storefront_server::Pos for Shop {}
impl storefront_server::Store for Shop {}
impl storefront_server::Subscriptions for Shop {}
impl storefront_server::Wishlist for Shop {}

/// Serves the generated router on a free port of 127.0.0.1 until the test ends.
async fn serve() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("bound");
    tokio::spawn(async move {
        axum::serve(listener, storefront_server::router(Shop))
            .await
            .expect("serves");
    });
    addr
}

fn client(addr: SocketAddr, token: &str) -> Client {
    Client::builder()
        .base_url(format!("http://{addr}/api/v1/s1/storefront"))
        .bearer_token(token)
        .build()
        .expect("client")
}

#[tokio::test]
async fn json_operation() {
    let addr = serve().await;
    let response = client(addr, "let-me-in")
        .auth()
        .refresh_token(RefreshTokenBody::new("r1"))
        .await
        .expect("a 200");
    assert_eq!(response.message, "refreshed for u1");
    assert_eq!(response.content.access_token, "access-from-r1");
    assert_eq!(response.content.refresh_token, "r2");
}

#[tokio::test]
async fn query_operation() {
    let addr = serve().await;
    let response = client(addr, "let-me-in")
        .orders()
        .list_orders("u 1")
        .limit(10)
        .status(["confirmed", "shipped"])
        .await
        .expect("a 200");
    assert_eq!(
        response.message.as_deref(),
        Some("store s1 user u 1 statuses confirmed+shipped")
    );
    let pagination = response
        .content
        .and_then(|c| c.pagination)
        .expect("a pagination");
    assert_eq!(pagination.limit, 10);
}

#[tokio::test]
async fn multipart_operation() {
    let addr = serve().await;
    let image = FilePart::new(b"PNGDATA".to_vec())
        .with_file_name("me.png")
        .with_content_type("image/png");
    let response = client(addr, "let-me-in")
        .auth()
        .add_profile_image("u 1", AddProfileImageBody::new(image))
        .await
        .expect("a 200");
    assert_eq!(
        response.content.profile_image_url,
        "https://cdn.example/u 1/me.png?type=image/png&bytes=PNGDATA"
    );
}

#[tokio::test]
async fn server_errors_are_typed_client_errors() {
    let addr = serve().await;
    // refused credentials: the documented 401, with the server's envelope
    let err = client(addr, "nope")
        .orders()
        .list_orders("u1")
        .await
        .expect_err("a 401");
    match err.api_error() {
        Some(storefront::client::orders::ListOrdersError::Unauthorized(body)) => {
            assert_eq!(body.code, "UNAUTHORIZED");
            assert_eq!(body.message, "unknown token");
            assert!(!body.success);
        }
        other => panic!("not the typed 401: {other:?} ({err})"),
    }
    // an operation the backend does not implement: 501, undocumented
    let err = client(addr, "let-me-in")
        .wishlist()
        .get_wishlist("u1")
        .await
        .expect_err("a 501");
    assert!(
        matches!(err, Error::Unexpected { status, .. } if status == 501),
        "{err}"
    );
}
