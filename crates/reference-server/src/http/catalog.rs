//! The operations tagged `Catalog`: categories, products, variants, SKUs, search,
//! recommendations and reviews, and their `marketplace` twins on the same data.
//!
//! The marketplace operations answer with the store's one seller, the house seller (see
//! [`super::store`]): a `seller_id` filter naming another seller matches nothing.
//!
//! What the storage layer cannot honour is refused with 400 rather than ignored: a `sort_by`
//! on recommendations (they come in the list's own order), a search `filter` or `sort`, an
//! unknown `product_type`, a negative `nested_level`. `inventory` and `x-customer-group-id`
//! change nothing (no lots, no customer groups in this server); search `facets` come back
//! empty; a review's `images` and `videos` are not kept.

use server_runtime::{Credentials, RequestContext, Verified};
use storefront_server::catalog::*;
use storefront_server::ServerVariables as _;
use storefront_types::{
    CreateReview, GetMarketplaceProductDetailResponseContent, Item,
    ListMarketplaceCrosssellProductsResponseContent, ListMarketplaceProductsResponseContent,
    ListMarketplaceSkusResponseContent, MarketplaceItem, SearchMarketplaceProductsResponseContent,
    SearchProduct, SearchProductFilter, SellerInfo,
};

use super::principal::{session, Principal};
use super::App;
use crate::error::{Error, Result};
use crate::store::catalog::{self, CategoryQuery, Page, ProductQuery, Recommendation};
use crate::store::reviews::{self, NewReview, ReviewQuery};
use crate::store::users;

/// A catalog operation's context: a bearer token or the API key.
type Public = RequestContext<Credentials<Principal>>;
/// A session's context (the operation needs a bearer token).
type Session = RequestContext<Verified<Principal>>;

/// Builds `storefront_types::$to` from `$from`: its `new` gets the fields in parentheses
/// (the constructor's arguments, in its order) followed by the extra values after the `;`,
/// and the fields in braces (the optional ones) are moved across after. The marketplace
/// types are the plain ones plus seller fields; a missing constructor argument is a compile
/// error, an optional field left out stays `None`.
macro_rules! convert {
    ($from:expr => $to:ident($($arg:ident),* $(,)? $(; $($extra:expr),* $(,)?)?) { $($field:ident),* $(,)? }) => {{
        let from = $from;
        let mut to = storefront_types::$to::new($(from.$arg,)* $($($extra,)*)?);
        $(to.$field = from.$field;)*
        to
    }};
}

fn marketplace_item(item: Item, seller: &SellerInfo) -> MarketplaceItem {
    convert!(item => MarketplaceItem(
        product_id, variant_id, sku, product_slug, variant_slug, product_name, variant_name,
        product_type, short_description, active, stock_available, on_subscription,
        on_promotion, category_ids, tags, reviews_count, reviews_rating_sum, attributes,
        images, pricing, promotion, subscription, associated_options;
        seller.id.clone(), seller.clone(),
    ) { backorder, categories, shipping, inventory })
}

fn marketplace_items(items: Vec<Item>, seller: &SellerInfo) -> Vec<MarketplaceItem> {
    items
        .into_iter()
        .map(|item| marketplace_item(item, seller))
        .collect()
}

/// The product types a product can have.
const PRODUCT_TYPES: [&str; 3] = ["physical", "digital", "bundle"];

fn product_type(kind: Option<String>) -> Result<Option<String>> {
    match kind {
        Some(kind) if !PRODUCT_TYPES.contains(&kind.as_str()) => Err(Error::bad_request(format!(
            "product_type must be one of {}",
            PRODUCT_TYPES.join(", ")
        ))),
        other => Ok(other),
    }
}

fn nested_level(level: Option<i64>) -> Result<Option<i64>> {
    match level {
        Some(level) if level < 0 => Err(Error::bad_request("nested_level must be 0 or more")),
        other => Ok(other),
    }
}

/// Recommendations come in their list's order: a `sort_by` cannot be honoured.
fn no_sort(sort_by: Option<&str>) -> Result<()> {
    if sort_by.is_some_and(|s| !s.trim().is_empty()) {
        return Err(Error::bad_request(
            "sort_by is not supported here: recommendations come in relevance order",
        ));
    }
    Ok(())
}

/// The search query, page and limit of a `SearchProduct` body; `BadRequest` for what the
/// search cannot honour (a filter or a sort).
fn search_terms(body: &SearchProduct) -> Result<(&str, Option<i64>, Option<i64>)> {
    let filtered = match &body.filter {
        None => false,
        Some(SearchProductFilter::String(s)) => !s.trim().is_empty(),
        Some(SearchProductFilter::Variant1ItemList(items)) => !items.is_empty(),
    };
    if filtered {
        return Err(Error::bad_request("search filters are not supported"));
    }
    if body.sort.as_ref().is_some_and(|s| !s.is_empty()) {
        return Err(Error::bad_request(
            "sorting search results is not supported: they come best match first",
        ));
    }
    Ok((&body.query, Some(body.page), Some(body.limit)))
}

/// The review a signed-in session writes (`Forbidden` for an anonymous one); the body's
/// `user_id` is not trusted: the review is the session's user's.
async fn create_review(
    app: &App,
    ctx: &Session,
    product_id: &str,
    body: CreateReview,
) -> Result<()> {
    let claims = session(&ctx.auth)?;
    if claims.is_anonymous || !claims.is_logged_in {
        return Err(Error::Forbidden(
            "sign in to write a review: anonymous sessions cannot".into(),
        ));
    }
    let user = users::find(&app.db, ctx.store_id(), &claims.ulid)
        .await?
        .ok_or_else(|| Error::unauthorized("the session's user no longer exists"))?;
    let review = NewReview {
        rating: body.rating,
        review_text: body.review_text,
        order_number: Some(body.order_number).filter(|n| !n.trim().is_empty()),
        tags: Vec::new(),
    };
    reviews::create_review(&app.db, ctx.store_id(), product_id, &user, &review).await?;
    Ok(())
}

fn review_query(
    page: Option<i64>,
    limit: Option<i64>,
    sort_by: Option<String>,
    search: Option<String>,
    review_tag: Option<String>,
) -> ReviewQuery {
    ReviewQuery {
        page,
        limit,
        sort_by,
        search,
        review_tag,
    }
}

impl App {
    /// The house seller, unless `seller_id` names another one (then `None`: nothing matches).
    async fn seller_matching(
        &self,
        store_id: &str,
        seller_id: Option<&str>,
    ) -> Result<Option<SellerInfo>> {
        let seller = super::store::house_seller(self, store_id).await?;
        Ok(seller_id.is_none_or(|id| id == seller.id).then_some(seller))
    }

    async fn recommendations(
        &self,
        ctx: &Public,
        product_ids: Option<Vec<String>>,
        kind: Recommendation,
        sort_by: Option<&str>,
        page: Option<i64>,
        limit: Option<i64>,
    ) -> Result<storefront_types::ListCrosssellProductsResponseContent> {
        no_sort(sort_by)?;
        catalog::list_recommendations(
            &self.db,
            ctx.store_id(),
            &product_ids.unwrap_or_default(),
            kind,
            page,
            limit,
        )
        .await
    }

    async fn marketplace_recommendations(
        &self,
        ctx: &Public,
        product_ids: Option<Vec<String>>,
        kind: Recommendation,
        sort_by: Option<&str>,
        page: Option<i64>,
        limit: Option<i64>,
    ) -> Result<ListMarketplaceCrosssellProductsResponseContent> {
        let plain = self
            .recommendations(ctx, product_ids, kind, sort_by, page, limit)
            .await?;
        let seller = super::store::house_seller(self, ctx.store_id()).await?;
        Ok(ListMarketplaceCrosssellProductsResponseContent::new(
            marketplace_items(plain.products, &seller),
            plain.pagination,
        ))
    }
}

impl storefront_server::Catalog for App {
    async fn list_categories(
        &self,
        ctx: Public,
        request: ListCategoriesRequest,
    ) -> Result<ListCategoriesReply> {
        let query = CategoryQuery {
            search: request.search,
            sort_by: request.sort_by,
            nested_level: nested_level(request.nested_level)?,
            parent_category_id: request.parent_category_id,
            parent_category_slug: request.parent_category_slug,
        };
        let content = catalog::list_categories(&self.db, ctx.store_id(), &query).await?;
        Ok(ListCategoriesReply::ok(content))
    }

    async fn list_marketplace_categories(
        &self,
        ctx: Public,
        request: ListMarketplaceCategoriesRequest,
    ) -> Result<ListMarketplaceCategoriesReply> {
        let query = CategoryQuery {
            search: request.search,
            sort_by: request.sort_by,
            nested_level: nested_level(request.nested_level)?,
            parent_category_id: request.parent_category_id,
            parent_category_slug: request.parent_category_slug,
        };
        let content = catalog::list_categories(&self.db, ctx.store_id(), &query).await?;
        Ok(ListMarketplaceCategoriesReply::ok(content))
    }

    async fn list_marketplace_products(
        &self,
        ctx: Public,
        request: ListMarketplaceProductsRequest,
    ) -> Result<ListMarketplaceProductsReply> {
        let query = ProductQuery {
            page: request.page,
            limit: request.limit,
            sort_by: request.sort_by,
            category_ids: request.category_id.unwrap_or_default(),
            category_slugs: request.category_slug.unwrap_or_default(),
            product_type: None,
            skus: Vec::new(),
        };
        let Some(seller) = self
            .seller_matching(ctx.store_id(), request.seller_id.as_deref())
            .await?
        else {
            return Ok(ListMarketplaceProductsReply::ok(
                ListMarketplaceProductsResponseContent::new(
                    Vec::new(),
                    Page::new(query.page, query.limit)?.pagination(0),
                ),
            ));
        };
        let plain = catalog::list_products(&self.db, ctx.store_id(), &query).await?;
        let products: Vec<_> = plain
            .products
            .into_iter()
            .map(|product| {
                convert!(product => MarketplaceProduct(
                    id, sku, name, slug, short_description, product_type, active,
                    stock_available, on_subscription, on_promotion, has_variant, tags,
                    category_ids, categories, reviews_rating_sum, reviews_count, attributes,
                    pricing, variant_options, promotion, images, subscription, variants,
                    bundle_items;
                    seller.id.clone(), seller.clone(),
                ) { backorder, inventory })
            })
            .collect();
        Ok(ListMarketplaceProductsReply::ok(
            ListMarketplaceProductsResponseContent::new(products, plain.pagination),
        ))
    }

    async fn list_marketplace_crosssell_products(
        &self,
        ctx: Public,
        request: ListMarketplaceCrosssellProductsRequest,
    ) -> Result<ListMarketplaceCrosssellProductsReply> {
        let content = self
            .marketplace_recommendations(
                &ctx,
                request.product_id,
                Recommendation::CrossSell,
                request.sort_by.as_deref(),
                request.page,
                request.limit,
            )
            .await?;
        Ok(ListMarketplaceCrosssellProductsReply::ok(content))
    }

    async fn search_marketplace_products(
        &self,
        ctx: Public,
        request: SearchMarketplaceProductsRequest,
    ) -> Result<SearchMarketplaceProductsReply> {
        let (query, page, limit) = search_terms(&request.body)?;
        let plain = catalog::search_products(&self.db, ctx.store_id(), query, page, limit).await?;
        let seller = super::store::house_seller(self, ctx.store_id()).await?;
        Ok(SearchMarketplaceProductsReply::ok(
            SearchMarketplaceProductsResponseContent::new(
                marketplace_items(plain.skus, &seller),
                plain.facet_distribution,
                plain.facet_stats,
                plain.pagination,
            ),
        ))
    }

    async fn list_marketplace_similar_products(
        &self,
        ctx: Public,
        request: ListMarketplaceSimilarProductsRequest,
    ) -> Result<ListMarketplaceSimilarProductsReply> {
        let content = self
            .marketplace_recommendations(
                &ctx,
                request.product_id,
                Recommendation::Similar,
                request.sort_by.as_deref(),
                request.page,
                request.limit,
            )
            .await?;
        Ok(ListMarketplaceSimilarProductsReply::ok(content))
    }

    async fn list_marketplace_upsell_products(
        &self,
        ctx: Public,
        request: ListMarketplaceUpsellProductsRequest,
    ) -> Result<ListMarketplaceUpsellProductsReply> {
        let content = self
            .marketplace_recommendations(
                &ctx,
                request.product_id,
                Recommendation::UpSell,
                request.sort_by.as_deref(),
                request.page,
                request.limit,
            )
            .await?;
        Ok(ListMarketplaceUpsellProductsReply::ok(content))
    }

    async fn get_marketplace_product_detail(
        &self,
        ctx: Public,
        request: GetMarketplaceProductDetailRequest,
    ) -> Result<GetMarketplaceProductDetailReply> {
        let plain =
            catalog::get_product_detail(&self.db, ctx.store_id(), &request.product_id).await?;
        let product = convert!(plain.product => MarketplaceProductDetail(
            id, sku, name, slug, short_description, product_type, active, stock_available,
            on_subscription, on_promotion, has_variant, tags, category_ids, categories,
            reviews_rating_sum, reviews_count, attributes, pricing, variant_options, promotion,
            images, subscription, variants, bundle_items, description, hsn_code, videos,
            shipping, upselling_product_ids, crossselling_product_ids, seo, metadata,
        ) { backorder, inventory });
        Ok(GetMarketplaceProductDetailReply::ok(
            GetMarketplaceProductDetailResponseContent::new(product),
        ))
    }

    async fn list_marketplace_product_reviews(
        &self,
        ctx: Public,
        request: ListMarketplaceProductReviewsRequest,
    ) -> Result<ListMarketplaceProductReviewsReply> {
        let query = review_query(
            request.page,
            request.limit,
            request.sort_by,
            request.search,
            request.review_tag,
        );
        let content =
            reviews::list_reviews(&self.db, ctx.store_id(), &request.product_id, &query).await?;
        Ok(ListMarketplaceProductReviewsReply::ok(content))
    }

    async fn create_marketplace_product_review(
        &self,
        ctx: Session,
        request: CreateMarketplaceProductReviewRequest,
    ) -> Result<CreateMarketplaceProductReviewReply> {
        create_review(self, &ctx, &request.product_id, request.body).await?;
        Ok(CreateMarketplaceProductReviewReply::ok())
    }

    async fn list_marketplace_product_variants(
        &self,
        ctx: Public,
        request: ListMarketplaceProductVariantsRequest,
    ) -> Result<ListMarketplaceProductVariantsReply> {
        let content =
            catalog::list_product_variants(&self.db, ctx.store_id(), &request.product_id).await?;
        Ok(ListMarketplaceProductVariantsReply::ok(content))
    }

    async fn get_marketplace_variant_detail(
        &self,
        ctx: Public,
        request: GetMarketplaceVariantDetailRequest,
    ) -> Result<GetMarketplaceVariantDetailReply> {
        let content = catalog::get_variant_detail(
            &self.db,
            ctx.store_id(),
            &request.product_id,
            &request.variant_id,
        )
        .await?;
        Ok(GetMarketplaceVariantDetailReply::ok(content))
    }

    async fn list_marketplace_skus(
        &self,
        ctx: Public,
        request: ListMarketplaceSkusRequest,
    ) -> Result<ListMarketplaceSkusReply> {
        let query = ProductQuery {
            page: request.page,
            limit: request.limit,
            sort_by: request.sort_by,
            category_ids: request.category_id.unwrap_or_default(),
            category_slugs: Vec::new(),
            product_type: None,
            skus: request.sku.unwrap_or_default(),
        };
        let Some(seller) = self
            .seller_matching(ctx.store_id(), request.seller_id.as_deref())
            .await?
        else {
            return Ok(ListMarketplaceSkusReply::ok(
                ListMarketplaceSkusResponseContent::new(
                    Vec::new(),
                    Page::new(query.page, query.limit)?.pagination(0),
                ),
            ));
        };
        let plain = catalog::list_skus(&self.db, ctx.store_id(), &query).await?;
        Ok(ListMarketplaceSkusReply::ok(
            ListMarketplaceSkusResponseContent::new(
                marketplace_items(plain.skus, &seller),
                plain.pagination,
            ),
        ))
    }

    async fn list_products(
        &self,
        ctx: Public,
        request: ListProductsRequest,
    ) -> Result<ListProductsReply> {
        let query = ProductQuery {
            page: request.page,
            limit: request.limit,
            sort_by: request.sort_by,
            category_ids: request.category_id.unwrap_or_default(),
            category_slugs: request.category_slug.unwrap_or_default(),
            product_type: product_type(request.product_type)?,
            skus: Vec::new(),
        };
        let content = catalog::list_products(&self.db, ctx.store_id(), &query).await?;
        Ok(ListProductsReply::ok(content))
    }

    async fn list_crosssell_products(
        &self,
        ctx: Public,
        request: ListCrosssellProductsRequest,
    ) -> Result<ListCrosssellProductsReply> {
        let content = self
            .recommendations(
                &ctx,
                request.product_id,
                Recommendation::CrossSell,
                request.sort_by.as_deref(),
                request.page,
                request.limit,
            )
            .await?;
        Ok(ListCrosssellProductsReply::ok(content))
    }

    async fn search_products(
        &self,
        ctx: Public,
        request: SearchProductsRequest,
    ) -> Result<SearchProductsReply> {
        let (query, page, limit) = search_terms(&request.body)?;
        let content =
            catalog::search_products(&self.db, ctx.store_id(), query, page, limit).await?;
        Ok(SearchProductsReply::ok(content))
    }

    async fn list_similar_products(
        &self,
        ctx: Public,
        request: ListSimilarProductsRequest,
    ) -> Result<ListSimilarProductsReply> {
        let content = self
            .recommendations(
                &ctx,
                request.product_id,
                Recommendation::Similar,
                request.sort_by.as_deref(),
                request.page,
                request.limit,
            )
            .await?;
        Ok(ListSimilarProductsReply::ok(content))
    }

    async fn list_upsell_products(
        &self,
        ctx: Public,
        request: ListUpsellProductsRequest,
    ) -> Result<ListUpsellProductsReply> {
        let content = self
            .recommendations(
                &ctx,
                request.product_id,
                Recommendation::UpSell,
                request.sort_by.as_deref(),
                request.page,
                request.limit,
            )
            .await?;
        Ok(ListUpsellProductsReply::ok(content))
    }

    async fn get_product_detail(
        &self,
        ctx: Public,
        request: GetProductDetailRequest,
    ) -> Result<GetProductDetailReply> {
        let content =
            catalog::get_product_detail(&self.db, ctx.store_id(), &request.product_id).await?;
        Ok(GetProductDetailReply::ok(content))
    }

    async fn list_product_reviews(
        &self,
        ctx: Public,
        request: ListProductReviewsRequest,
    ) -> Result<ListProductReviewsReply> {
        let query = review_query(
            request.page,
            request.limit,
            request.sort_by,
            request.search,
            request.review_tag,
        );
        let content =
            reviews::list_reviews(&self.db, ctx.store_id(), &request.product_id, &query).await?;
        Ok(ListProductReviewsReply::ok(content))
    }

    async fn create_product_review(
        &self,
        ctx: Session,
        request: CreateProductReviewRequest,
    ) -> Result<CreateProductReviewReply> {
        create_review(self, &ctx, &request.product_id, request.body).await?;
        Ok(CreateProductReviewReply::ok())
    }

    async fn list_product_variants(
        &self,
        ctx: Public,
        request: ListProductVariantsRequest,
    ) -> Result<ListProductVariantsReply> {
        let content =
            catalog::list_product_variants(&self.db, ctx.store_id(), &request.product_id).await?;
        Ok(ListProductVariantsReply::ok(content))
    }

    async fn get_variant_detail(
        &self,
        ctx: Public,
        request: GetVariantDetailRequest,
    ) -> Result<GetVariantDetailReply> {
        let content = catalog::get_variant_detail(
            &self.db,
            ctx.store_id(),
            &request.product_id,
            &request.variant_id,
        )
        .await?;
        Ok(GetVariantDetailReply::ok(content))
    }

    async fn list_skus(&self, ctx: Public, request: ListSkusRequest) -> Result<ListSkusReply> {
        let query = ProductQuery {
            page: request.page,
            limit: request.limit,
            sort_by: request.sort_by,
            category_ids: request.category_id.unwrap_or_default(),
            category_slugs: request.category_slug.unwrap_or_default(),
            product_type: product_type(request.product_type)?,
            skus: request.sku.unwrap_or_default(),
        };
        let content = catalog::list_skus(&self.db, ctx.store_id(), &query).await?;
        Ok(ListSkusReply::ok(content))
    }
}
