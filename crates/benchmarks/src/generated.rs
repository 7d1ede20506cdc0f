//! A trivial backend on the generated server traits: it checks the token and answers values
//! built once, so that what is measured is the generated handler and `server-runtime`.

use std::sync::Arc;

use server_runtime::{
    AuthError, AuthRequest, Backend, Credentials, ErrorResponse, RequestContext, Verified,
};
use storefront_server::auth::{AddProfileImageReply, AddProfileImageRequest};
use storefront_server::carts::{GetCartReply, GetCartRequest, UpdateCartReply, UpdateCartRequest};
use storefront_server::catalog::{ListProductsReply, ListProductsRequest};
use storefront_types as types;

use crate::{verify, Replies};

/// The backend.
pub struct Bench {
    replies: Replies,
}

impl Backend for Bench {
    type Principal = &'static str;
    type Error = ErrorResponse;

    async fn verify_bearer(
        &self,
        token: &str,
        _: &AuthRequest<'_>,
    ) -> Result<&'static str, AuthError> {
        verify(token).ok_or_else(|| AuthError::invalid("unknown token"))
    }

    async fn verify_api_key(
        &self,
        key: &str,
        _: &AuthRequest<'_>,
    ) -> Result<&'static str, AuthError> {
        verify(key).ok_or_else(|| AuthError::invalid("unknown key"))
    }
}

impl storefront_server::Carts for Bench {
    async fn get_cart(
        &self,
        _ctx: RequestContext<Verified<&'static str>>,
        _request: GetCartRequest,
    ) -> Result<GetCartReply, ErrorResponse> {
        Ok(GetCartReply::ok(types::GetCartResponseContent::new(
            self.replies.cart.clone(),
        )))
    }

    async fn update_cart(
        &self,
        _ctx: RequestContext<Verified<&'static str>>,
        request: UpdateCartRequest,
    ) -> Result<UpdateCartReply, ErrorResponse> {
        std::hint::black_box(request);
        Ok(UpdateCartReply::ok(types::UpdateCartResponseContent::new(
            self.replies.cart.clone(),
        )))
    }
}

impl storefront_server::Catalog for Bench {
    async fn list_products(
        &self,
        _ctx: RequestContext<Credentials<&'static str>>,
        request: ListProductsRequest,
    ) -> Result<ListProductsReply, ErrorResponse> {
        std::hint::black_box(request);
        Ok(ListProductsReply::ok(self.replies.products.clone()))
    }
}

impl storefront_server::Auth for Bench {
    async fn add_profile_image(
        &self,
        _ctx: RequestContext<Verified<&'static str>>,
        request: AddProfileImageRequest,
    ) -> Result<AddProfileImageReply, ErrorResponse> {
        let image = request.body.image;
        Ok(AddProfileImageReply::ok(
            types::AddProfileImageResponseContent::new(format!(
                "/images/{}/{}",
                request.id,
                image.bytes.len()
            )),
        ))
    }
}

/// The generated routers of the three tags, answered by [`Bench`].
pub fn router(replies: Replies) -> axum::Router {
    let bench = Arc::new(Bench { replies });
    storefront_server::Routes::new()
        .auth(Arc::clone(&bench))
        .carts(Arc::clone(&bench))
        .catalog(bench)
        .build()
}
