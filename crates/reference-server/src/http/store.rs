//! The operations tagged `Store`: the store in the path, its configuration and KYC document
//! types, and its sellers.
//!
//! This reference server has no third-party sellers: every store is its own one seller (the
//! "house seller", whose id is the store id). The marketplace catalog operations list every
//! product as sold by it, `get-seller-detail` describes it, and any other seller id is 404.

use server_runtime::{RequestContext, Verified};
use storefront_server::store::*;
use storefront_server::ServerVariables as _;
use storefront_types::{
    GetConfigResponseContent, GetSellerDetailResponseContent, ListKycDocumentResponseContent,
    ListSellerReviewsResponseContent, SellerDetail, SellerInfo, SellerReviewStats,
};

use super::principal::Principal;
use super::App;
use crate::error::{Error, Result};
use crate::store::catalog::Page;
use crate::store::stores;

/// An API-key operation's context.
type Keyed = RequestContext<Verified<Principal>>;

/// The house seller of `store_id`: the store itself.
pub(super) async fn house_seller(app: &App, store_id: &str) -> Result<SellerInfo> {
    let store = stores::get_store(&app.db, store_id).await?;
    Ok(SellerInfo::new(
        store.id,
        store.config.brand.name.clone(),
        store.name,
        "company",
        String::new(),
    ))
}

/// The house seller when `id` names it; `NotFound` for any other seller.
async fn seller(app: &App, store_id: &str, id: &str) -> Result<SellerInfo> {
    let seller = house_seller(app, store_id).await?;
    if seller.id == id {
        Ok(seller)
    } else {
        Err(Error::not_found(format!("seller {id}")))
    }
}

/// The review figures of a seller: sellers have no reviews here.
fn no_reviews() -> SellerReviewStats {
    let mut stats = SellerReviewStats::default();
    stats.rating_sum = Some(0.0);
    stats.count = Some(0);
    stats
}

impl storefront_server::Store for App {
    async fn check_store(
        &self,
        ctx: Keyed,
        _request: CheckStoreRequest,
    ) -> Result<CheckStoreReply> {
        stores::get_store(&self.db, ctx.store_id()).await?;
        Ok(CheckStoreReply::ok())
    }

    async fn get_config(&self, ctx: Keyed, _request: GetConfigRequest) -> Result<GetConfigReply> {
        let config = stores::get_config(&self.db, ctx.store_id()).await?;
        let mut content = GetConfigResponseContent::default();
        content.store_config = Some(config);
        Ok(GetConfigReply::ok(content))
    }

    async fn list_kyc_document(
        &self,
        ctx: Keyed,
        _request: ListKycDocumentRequest,
    ) -> Result<ListKycDocumentReply> {
        let config = stores::get_config(&self.db, ctx.store_id()).await?;
        let mut content = ListKycDocumentResponseContent::new();
        content.kyc_documents = Some(config.kyc_documents);
        content.is_kyc_enabled = config.is_kyc_enabled;
        Ok(ListKycDocumentReply::ok(content))
    }

    async fn get_seller_detail(
        &self,
        ctx: Keyed,
        request: GetSellerDetailRequest,
    ) -> Result<GetSellerDetailReply> {
        let seller = seller(self, ctx.store_id(), &request.id).await?;
        let description = format!("{} sells every product of this store.", seller.trade_name);
        let mut detail = SellerDetail::new(
            seller.id,
            seller.trade_name,
            seller.legal_name,
            seller.business_type,
            seller.tax_identification_number,
        );
        detail.description = Some(description);
        let mut content = GetSellerDetailResponseContent::default();
        content.seller_detail = Some(detail);
        content.reviews_stats = Some(no_reviews());
        Ok(GetSellerDetailReply::ok(content))
    }

    async fn list_seller_reviews(
        &self,
        ctx: Keyed,
        request: ListSellerReviewsRequest,
    ) -> Result<ListSellerReviewsReply> {
        seller(self, ctx.store_id(), &request.id).await?;
        let mut content = ListSellerReviewsResponseContent::default();
        content.reviews = Some(Vec::new());
        content.reviews_stats = Some(no_reviews());
        content.pagination = Some(Page::new(None, None)?.pagination(0));
        Ok(ListSellerReviewsReply::ok(content))
    }
}
