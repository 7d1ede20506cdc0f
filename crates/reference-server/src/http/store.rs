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
    Ok(SellerInfo {
        id: store.id,
        trade_name: store.config.brand.name.clone(),
        legal_name: store.name,
        business_type: "company".into(),
        tax_identification_number: String::new(),
    })
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
    SellerReviewStats {
        rating_sum: Some(0.0),
        count: Some(0),
    }
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
        Ok(GetConfigReply::ok(GetConfigResponseContent {
            store_config: Some(config),
        }))
    }

    async fn list_kyc_document(
        &self,
        ctx: Keyed,
        _request: ListKycDocumentRequest,
    ) -> Result<ListKycDocumentReply> {
        let config = stores::get_config(&self.db, ctx.store_id()).await?;
        Ok(ListKycDocumentReply::ok(ListKycDocumentResponseContent {
            kyc_documents: Some(config.kyc_documents),
            is_kyc_enabled: config.is_kyc_enabled,
        }))
    }

    async fn get_seller_detail(
        &self,
        ctx: Keyed,
        request: GetSellerDetailRequest,
    ) -> Result<GetSellerDetailReply> {
        let seller = seller(self, ctx.store_id(), &request.id).await?;
        let description = format!("{} sells every product of this store.", seller.trade_name);
        Ok(GetSellerDetailReply::ok(GetSellerDetailResponseContent {
            seller_detail: Some(SellerDetail {
                id: seller.id,
                trade_name: seller.trade_name,
                legal_name: seller.legal_name,
                business_type: seller.business_type,
                tax_identification_number: seller.tax_identification_number,
                description: Some(description),
            }),
            reviews_stats: Some(no_reviews()),
        }))
    }

    async fn list_seller_reviews(
        &self,
        ctx: Keyed,
        request: ListSellerReviewsRequest,
    ) -> Result<ListSellerReviewsReply> {
        seller(self, ctx.store_id(), &request.id).await?;
        Ok(ListSellerReviewsReply::ok(
            ListSellerReviewsResponseContent {
                reviews: Some(Vec::new()),
                reviews_stats: Some(no_reviews()),
                pagination: Some(Page::new(None, None)?.pagination(0)),
            },
        ))
    }
}
