//! The catalog, store and helpers operations over loopback with the generated client, on
//! SQLite and PostgreSQL, against the seeded demo store: product listings (pagination,
//! category filters, sorting), details by id and by slug, variants, SKUs, categories, search,
//! recommendations, reviews (signed-in users only), the marketplace twins, the store's
//! configuration and sellers, countries, states and pincodes; and the refusals in the error
//! envelope: missing or wrong credentials, another store's key, bad parameters.

use serde_json::{json, Value};
use storefront::types;

use crate::server::{for_each_server, TestServer};

fn body<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid body")
}

fn status<E>(result: Result<impl Sized, storefront::Error<E>>) -> u16 {
    match result {
        Ok(_) => 200,
        Err(e) => e.status().map_or(0, |s| s.as_u16()),
    }
}

/// The status and the envelope's code of a create-review refusal.
fn error_code(
    result: Result<
        impl Sized,
        storefront::Error<storefront::client::catalog::CreateProductReviewError>,
    >,
) -> (u16, String) {
    use storefront::client::catalog::CreateProductReviewError as E;
    let error = result.err().expect("a refusal");
    let status = error.status().map_or(0, |s| s.as_u16());
    let code = match error.into_api_error() {
        Some(E::BadRequest(e)) => e.code,
        Some(E::Unauthorized(e) | E::NotFound(e)) => e.code,
        _ => String::new(),
    };
    (status, code)
}

/// An anonymous session's access token.
async fn anonymous(server: &TestServer) -> String {
    server
        .public()
        .auth()
        .get_anonymous_token()
        .await
        .expect("anonymous token")
        .content
        .access_token
}

/// Registers `email` (first name `first_name`) by OTP in debug mode: the access token of the
/// signed-in session and the user id.
async fn signed_in(server: &TestServer, email: &str, first_name: &str) -> (String, String) {
    let client = server.with_token(&anonymous(server).await);
    let challenge = client
        .auth()
        .register_with_email(body::<types::RegisterWithEmailBody>(
            json!({"email": email, "first_name": first_name}),
        ))
        .x_debug_mode(true)
        .await
        .expect("register")
        .content;
    let verified = client
        .auth()
        .verify_otp(body::<types::VerifyOtpBody>(json!({
            "otp": challenge.otp.expect("debug mode gives the OTP"),
            "otp_token": challenge.otp_token,
            "otp_action": challenge.otp_action,
        })))
        .await
        .expect("verify otp")
        .content;
    (verified.access_token, verified.user.id.expect("a user id"))
}

fn search(query: &str, page: i64, limit: i64) -> types::SearchProduct {
    let mut search = types::SearchProduct::new(query);
    search.page = page;
    search.limit = limit;
    search
}

fn review(rating: f64, text: &str) -> types::CreateReview {
    let mut review = types::CreateReview::new("someone-else", "ORD-1", rating);
    review.review_text = Some(text.into());
    review
}

/// A raw GET of `path` (under the API's base) with these headers: (status, JSON body).
async fn raw_get(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut request = reqwest::Client::new().get(format!("{}{path}", server.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let answer = request.send().await.expect("send");
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

/// Asserts the error envelope with `status` and `code`.
fn assert_envelope((status, body): &(u16, Value), expected: u16, code: &str) {
    assert_eq!(*status, expected, "{body}");
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn products_paginate_filter_by_category_and_sort() {
    for_each_server(|server| async move {
        let catalog = server.public();
        let first = catalog
            .catalog()
            .list_products()
            .limit(10)
            .await
            .expect("page 1")
            .content;
        assert_eq!(first.products.len(), 10);
        let p = &first.pagination;
        assert_eq!((p.total_records, p.total_pages), (46, 5));
        assert_eq!((p.previous_page, p.next_page), (None, Some(2)));
        let last = catalog
            .catalog()
            .list_products()
            .limit(10)
            .page(5)
            .await
            .expect("page 5")
            .content;
        assert_eq!(last.products.len(), 6);
        assert_eq!(last.pagination.next_page, None);
        assert!(last
            .products
            .iter()
            .all(|p| first.products.iter().all(|q| q.id != p.id)));

        // a top-level category's filter covers its subcategories
        let apparel = catalog
            .catalog()
            .list_products()
            .category_slug(["apparel"])
            .limit(100)
            .await
            .expect("apparel")
            .content;
        assert_eq!(apparel.pagination.total_records, 15);
        let shirts = catalog
            .catalog()
            .list_products()
            .category_id(["cat_t-shirts"])
            .await
            .expect("t-shirts")
            .content;
        assert_eq!(shirts.products.len(), 5);
        assert!(shirts
            .products
            .iter()
            .all(|p| p.category_ids == ["cat_t-shirts"]));
        let digital = catalog
            .catalog()
            .list_products()
            .product_type("digital")
            .await
            .expect("digital")
            .content;
        assert_eq!(digital.products.len(), 1);
        assert_eq!(digital.products[0].slug, "digital-gift-card");

        // sorted by price, dearest first
        let dear = catalog
            .catalog()
            .list_products()
            .sort_by(r#"{"selling_price":"desc"}"#)
            .limit(100)
            .await
            .expect("sorted")
            .content
            .products;
        assert_eq!(dear.len(), 46);
        assert!(dear
            .windows(2)
            .all(|w| w[0].pricing.selling_price >= w[1].pricing.selling_price));

        // SKUs: one per variant, filtered by code
        let skus = catalog
            .catalog()
            .list_skus()
            .category_id(["cat_t-shirts"])
            .limit(100)
            .await
            .expect("skus")
            .content;
        assert_eq!(skus.pagination.total_records, 30, "5 shirts x 6 variants");
        let code = skus.skus[0].sku.clone();
        let one = catalog
            .catalog()
            .list_skus()
            .sku([code.clone()])
            .await
            .expect("one sku")
            .content;
        assert_eq!(one.skus.len(), 1);
        assert_eq!(one.skus[0].sku, code);

        // categories: the top level with their children, or one parent's children
        let top = catalog
            .catalog()
            .list_categories()
            .await
            .expect("categories")
            .content
            .categories;
        assert_eq!(top.len(), 3);
        assert!(top
            .iter()
            .all(|c| c.child_categories.as_ref().is_some_and(|k| k.len() == 3)));
        let flat = catalog
            .catalog()
            .list_categories()
            .nested_level(0)
            .await
            .expect("flat")
            .content
            .categories;
        assert!(flat.iter().all(|c| c.child_categories.is_none()));
        let children = catalog
            .catalog()
            .list_categories()
            .parent_category_slug("apparel")
            .await
            .expect("children")
            .content
            .categories;
        assert_eq!(children.len(), 3);
        assert!(children
            .iter()
            .all(|c| c.parent_category_id.as_deref() == Some("cat_apparel")));
        let unknown = catalog
            .catalog()
            .list_categories()
            .parent_category_id("cat_nothing")
            .await;
        assert_eq!(status(unknown), 404);
    })
    .await;
}

#[tokio::test]
async fn product_and_variant_details_by_id_and_by_slug() {
    for_each_server(|server| async move {
        let catalog = server.public();
        let by_id = catalog
            .catalog()
            .get_product_detail("prod_001")
            .await
            .expect("by id")
            .content
            .product;
        let by_slug = catalog
            .catalog()
            .get_product_detail(by_id.slug.clone())
            .await
            .expect("by slug")
            .content
            .product;
        assert_eq!(by_slug.id, "prod_001");
        assert_eq!(by_id, by_slug);
        assert!(by_id.description.is_some());
        assert!(by_id.has_variant);
        assert_eq!(
            status(catalog.catalog().get_product_detail("prod_999").await),
            404
        );

        let variants = catalog
            .catalog()
            .list_product_variants(by_id.slug.clone())
            .await
            .expect("variants")
            .content
            .variants;
        assert_eq!(variants.len(), 6, "2 colours x 3 sizes");
        assert!(variants.iter().all(|v| v.product_id == "prod_001"));
        let chosen = &variants[1];
        let detail = catalog
            .catalog()
            .get_variant_detail("prod_001", chosen.id.clone())
            .await
            .expect("variant by id")
            .content
            .variant;
        assert_eq!(detail.id, chosen.id);
        let by_slugs = catalog
            .catalog()
            .get_variant_detail(by_id.slug.clone(), chosen.slug.clone())
            .await
            .expect("variant by slugs")
            .content
            .variant;
        assert_eq!(by_slugs.id, chosen.id);
        assert_eq!(
            status(
                catalog
                    .catalog()
                    .get_variant_detail("prod_001", "var_002_0")
                    .await
            ),
            404,
            "another product's variant"
        );
        // a product without variants has none
        let none = catalog
            .catalog()
            .list_product_variants("digital-gift-card")
            .await
            .expect("no variants")
            .content
            .variants;
        assert!(none.is_empty());
    })
    .await;
}

#[tokio::test]
async fn search_and_recommendations() {
    for_each_server(|server| async move {
        let catalog = server.public();
        let found = catalog
            .catalog()
            .search_products(search("kurta", 1, 10))
            .await
            .expect("search")
            .content;
        assert_eq!(found.skus.len(), 10);
        assert!(found.pagination.total_records > 10);
        assert!(
            found.skus.iter().all(|s| s.category_ids == ["cat_kurtas"]),
            "{:?}",
            found.skus
        );
        let second = catalog
            .catalog()
            .search_products(search("kurta", 2, 10))
            .await
            .expect("page 2")
            .content;
        assert!(second
            .skus
            .iter()
            .all(|s| found.skus.iter().all(|f| f.sku != s.sku)));
        let nothing = catalog
            .catalog()
            .search_products(search("zzzqqq", 1, 10))
            .await
            .expect("no match")
            .content;
        assert!(nothing.skus.is_empty());
        assert_eq!(nothing.pagination.total_records, 0);
        // an empty filter and sort are no filter and no sort
        let mut plain = search("kurta", 1, 10);
        plain.filter = Some(types::SearchProductFilter::String(String::new()));
        plain.sort = Some(Vec::new());
        let same = catalog
            .catalog()
            .search_products(plain)
            .await
            .expect("empty filter")
            .content;
        assert_eq!(same.skus, found.skus);

        let similar = catalog
            .catalog()
            .list_similar_products()
            .product_id(["prod_001"])
            .await
            .expect("similar")
            .content;
        assert_eq!(similar.products.len(), 4, "the other t-shirts");
        assert!(similar
            .products
            .iter()
            .all(|i| i.category_ids == ["cat_t-shirts"] && i.product_id != "prod_001"));
        let price = catalog
            .catalog()
            .get_product_detail("prod_001")
            .await
            .expect("detail")
            .content
            .product
            .pricing
            .selling_price;
        let upsell = catalog
            .catalog()
            .list_upsell_products()
            .product_id(["prod_001"])
            .await
            .expect("up-sell")
            .content;
        assert!(!upsell.products.is_empty());
        assert!(upsell
            .products
            .iter()
            .all(|i| i.pricing.selling_price > price));
        let crosssell = catalog
            .catalog()
            .list_crosssell_products()
            .product_id(["prod_001"])
            .limit(50)
            .await
            .expect("cross-sell")
            .content;
        assert_eq!(crosssell.pagination.total_records, 31, "outside apparel");
        assert!(crosssell.products.iter().all(|i| !i
            .category_ids
            .iter()
            .any(|c| c == "cat_t-shirts" || c == "cat_kurtas" || c == "cat_jeans")));
        assert_eq!(
            status(catalog.catalog().list_similar_products().await),
            400,
            "product_id is required"
        );
        assert_eq!(
            status(
                catalog
                    .catalog()
                    .list_upsell_products()
                    .product_id(["prod_999"])
                    .await
            ),
            404
        );
    })
    .await;
}

#[tokio::test]
async fn reviews_are_listed_and_written_by_signed_in_users_only() {
    for_each_server(|server| async move {
        let listed = server
            .public()
            .catalog()
            .list_product_reviews("prod_001")
            .await
            .expect("reviews")
            .content;
        assert_eq!(listed.reviews.len(), 3);
        assert!(listed
            .review_tags
            .as_ref()
            .is_some_and(|t| t.contains(&"quality".to_owned())));
        let tagged = server
            .public()
            .catalog()
            .list_product_reviews("prod_001")
            .review_tag("quality")
            .await
            .expect("tagged")
            .content;
        assert_eq!(tagged.reviews.len(), 1);

        // an anonymous session may not write one: refused as FORBIDDEN (in a 401, as the
        // spec documents no 403 for this operation)
        let anonymous = server.with_token(&anonymous(&server).await);
        let refused = anonymous
            .catalog()
            .create_product_review("prod_003", review(4.0, "Nice"))
            .await;
        assert_eq!(error_code(refused), (401, "FORBIDDEN".to_owned()));
        // nor may the API key alone
        let keyed = server
            .public()
            .catalog()
            .create_product_review("prod_003", review(4.0, "Nice"))
            .await;
        assert_eq!(status(keyed), 401);

        let (token, _user) = signed_in(&server, "reviewer@example.com", "Rita").await;
        let user = server.with_token(&token);
        user.catalog()
            .create_product_review("prod_003", review(4.5, "Fits well, soft fabric."))
            .await
            .expect("a signed-in user's review");
        let now = user
            .catalog()
            .list_product_reviews("prod_003")
            .await
            .expect("reviews")
            .content
            .reviews;
        assert_eq!(now.len(), 1);
        assert_eq!(now[0].rating, Some(4.5));
        // the review is the session's user's, whatever the body's user_id says
        assert_eq!(now[0].name.as_deref(), Some("Rita"));
        assert_eq!(now[0].email.as_deref(), Some("reviewer@example.com"));

        let again = user
            .catalog()
            .create_product_review("prod_003", review(5.0, "Again"))
            .await;
        assert_eq!(error_code(again), (400, "CONFLICT".to_owned()));
        let bad = user
            .catalog()
            .create_product_review("prod_004", review(7.0, "Too good"))
            .await;
        assert_eq!(status(bad), 400);
        let unknown = user
            .catalog()
            .create_product_review("prod_999", review(4.0, "Where?"))
            .await;
        assert_eq!(status(unknown), 404);
        // the marketplace twin writes to the same reviews
        user.catalog()
            .create_marketplace_product_review("prod_004", review(3.0, "Fine."))
            .await
            .expect("marketplace review");
        let twin = server
            .public()
            .catalog()
            .list_marketplace_product_reviews("prod_004")
            .await
            .expect("marketplace reviews")
            .content;
        assert_eq!(twin.reviews.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn marketplace_twins_answer_with_the_house_seller() {
    for_each_server(|server| async move {
        let client = server.public();
        let products = client
            .catalog()
            .list_marketplace_products()
            .limit(5)
            .await
            .expect("marketplace products")
            .content;
        assert_eq!(products.products.len(), 5);
        assert_eq!(products.pagination.total_records, 46);
        let seller = products.products[0].seller_detail.clone();
        assert!(products.products.iter().all(|p| p.seller_id == seller.id));
        assert_eq!(seller.id, "demo");
        let plain = client
            .catalog()
            .list_products()
            .limit(5)
            .await
            .expect("products")
            .content;
        let ids = |v: Vec<String>| v;
        assert_eq!(
            ids(products.products.iter().map(|p| p.id.clone()).collect()),
            ids(plain.products.iter().map(|p| p.id.clone()).collect())
        );
        let elsewhere = client
            .catalog()
            .list_marketplace_products()
            .seller_id("seller_x")
            .await
            .expect("another seller")
            .content;
        assert!(elsewhere.products.is_empty());
        assert_eq!(elsewhere.pagination.total_records, 0);

        let detail = client
            .catalog()
            .get_marketplace_product_detail("classic-cotton-t-shirt")
            .await
            .expect("marketplace detail")
            .content
            .product;
        assert_eq!(detail.id, "prod_001");
        let skus = client
            .catalog()
            .list_marketplace_skus()
            .category_id(["cat_jeans"])
            .limit(3)
            .await
            .expect("marketplace skus")
            .content;
        assert_eq!(skus.skus.len(), 3);
        assert!(skus.skus.iter().all(|s| s.seller_id == seller.id));
        let similar = client
            .catalog()
            .list_marketplace_similar_products()
            .product_id(["prod_001"])
            .await
            .expect("marketplace similar")
            .content;
        assert_eq!(similar.products.len(), 4);
        let found = client
            .catalog()
            .search_marketplace_products(search("kurta", 1, 5))
            .await
            .expect("marketplace search")
            .content;
        assert_eq!(found.skus.len(), 5);
        let categories = client
            .catalog()
            .list_marketplace_categories()
            .await
            .expect("marketplace categories")
            .content;
        assert_eq!(categories.categories.len(), 3);
        let variants = client
            .catalog()
            .list_marketplace_product_variants("prod_001")
            .await
            .expect("marketplace variants")
            .content
            .variants;
        assert_eq!(variants.len(), 6);
        client
            .catalog()
            .get_marketplace_variant_detail("prod_001", variants[0].id.clone())
            .await
            .expect("marketplace variant");

        // the seller is the store
        let about = client
            .store()
            .get_seller_detail(seller.id.clone())
            .await
            .expect("seller")
            .content
            .expect("content");
        assert_eq!(
            about.seller_detail.map(|s| s.trade_name),
            Some(seller.trade_name.clone())
        );
        let reviews = client
            .store()
            .list_seller_reviews(seller.id.clone())
            .await
            .expect("seller reviews")
            .content
            .expect("content");
        assert_eq!(reviews.reviews.map(|r| r.len()), Some(0));
        assert_eq!(
            status(client.store().get_seller_detail("seller_x").await),
            404
        );
        assert_eq!(
            status(client.store().list_seller_reviews("seller_x").await),
            404
        );
    })
    .await;
}

#[tokio::test]
async fn store_config_countries_states_and_pincodes() {
    for_each_server(|server| async move {
        let client = server.public();
        client.store().check_store().await.expect("check store");
        let config = client
            .store()
            .get_config()
            .await
            .expect("config")
            .content
            .and_then(|c| c.store_config)
            .expect("a configuration");
        assert!(!config.brand.name.is_empty());
        let kyc = client
            .store()
            .list_kyc_document()
            .await
            .expect("kyc")
            .content
            .expect("content");
        assert_eq!(kyc.is_kyc_enabled, config.is_kyc_enabled);

        let countries = client
            .helpers()
            .list_countries()
            .await
            .expect("countries")
            .content
            .and_then(|c| c.countries)
            .expect("countries");
        assert_eq!(countries.len(), 5);
        assert!(countries
            .iter()
            .any(|c| c.country_iso_code.as_deref() == Some("IN")));
        let states = client
            .helpers()
            .list_country_states("in")
            .await
            .expect("states")
            .content
            .and_then(|c| c.states)
            .expect("states");
        assert_eq!(states.len(), 6);
        assert!(states
            .iter()
            .any(|s| s.iso_code == "MH" && s.gst_code.as_deref() == Some("27")));
        let pincodes = client
            .helpers()
            .list_country_pincodes("IN")
            .pincode("4")
            .await
            .expect("pincodes")
            .content
            .and_then(|c| c.pincodes)
            .expect("pincodes");
        let codes: Vec<_> = pincodes.iter().filter_map(|p| p.pincode.clone()).collect();
        assert_eq!(codes, ["400001", "411001"]);
        let paged = client
            .helpers()
            .list_country_pincodes("IN")
            .limit(2)
            .page(2)
            .await
            .expect("page 2")
            .content
            .and_then(|c| c.pincodes)
            .expect("pincodes");
        assert_eq!(paged.len(), 2);
        // the content has no pagination: the total comes in a header
        let answer = reqwest::Client::new()
            .get(format!(
                "{}/common/countries/IN/pincodes?limit=2",
                server.base
            ))
            .header("x-api-key", &server.api_key)
            .send()
            .await
            .expect("send");
        assert_eq!(answer.status(), 200);
        assert_eq!(
            answer
                .headers()
                .get("x-total-count")
                .and_then(|v| v.to_str().ok()),
            Some("7")
        );
        assert_eq!(
            status(client.helpers().list_country_states("ZZ").await),
            404
        );
        assert_eq!(
            status(client.helpers().list_country_states("India").await),
            400
        );
    })
    .await;
}

#[tokio::test]
async fn refusals_come_in_the_error_envelope() {
    for_each_server(|server| async move {
        let key = server.api_key.clone();
        let keyed = [("x-api-key", key.as_str())];

        // credentials
        assert_envelope(
            &raw_get(&server, "/catalog/products", &[]).await,
            401,
            "UNAUTHORIZED",
        );
        assert_envelope(
            &raw_get(&server, "/catalog/products", &[("x-api-key", "wrong")]).await,
            401,
            "UNAUTHORIZED",
        );
        assert_envelope(
            &raw_get(
                &server,
                "/catalog/products",
                &[("authorization", "Bearer not.a.token")],
            )
            .await,
            401,
            "UNAUTHORIZED",
        );
        assert_envelope(
            &raw_get(&server, "/store/config", &[("x-api-key", "wrong")]).await,
            401,
            "UNAUTHORIZED",
        );
        // another store: its key is not the demo store's, and the demo key is not its
        let other = reference_server::seed::seed(&server.db, "other", None)
            .await
            .expect("seed another store");
        let demo_key_elsewhere = server.for_store("other", &key);
        assert_eq!(
            status(demo_key_elsewhere.catalog().list_products().await),
            401
        );
        assert_eq!(status(demo_key_elsewhere.store().get_config().await), 401);
        let other_key_here = server.for_store("demo", &other.api_key);
        assert_eq!(status(other_key_here.catalog().list_products().await), 401);
        assert_eq!(
            status(
                server
                    .for_store("other", &other.api_key)
                    .store()
                    .check_store()
                    .await
            ),
            200
        );
        assert_eq!(
            status(
                server
                    .for_store("nowhere", &key)
                    .catalog()
                    .list_products()
                    .await
            ),
            404
        );
        // a demo session's token on another store
        let token = anonymous(&server).await;
        let mut misplaced = reqwest::Client::new()
            .get(format!(
                "{}/catalog/products",
                server.base.replace("/demo/", "/other/")
            ))
            .bearer_auth(&token)
            .send()
            .await
            .expect("send");
        assert_eq!(misplaced.status(), 401);
        misplaced = reqwest::Client::new()
            .get(format!("{}/catalog/products", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .expect("send");
        assert_eq!(misplaced.status(), 200, "the token works at home");

        // parameters
        for path in [
            "/catalog/products?limit=0",
            "/catalog/products?limit=101",
            "/catalog/products?page=0",
            "/catalog/products?page=abc",
            "/catalog/products?limit=ten",
            "/catalog/products?sort_by=password_hash",
            "/catalog/products?sort_by=%7Bnot%20json",
            "/catalog/products?sort_by=%7B%22name%22%3A%22sideways%22%7D",
            "/catalog/products?product_type=spaceship",
            "/catalog/products?inventory=maybe",
            "/catalog/skus?limit=1000",
            "/catalog/marketplace/products?page=-1",
            "/catalog/marketplace/products?seller_id=seller_x&limit=0",
            "/catalog/categories?nested_level=-1",
            "/catalog/categories?sort_by=password",
            "/catalog/products/similar",
            "/catalog/products/similar?product_id=prod_001&sort_by=name",
            "/catalog/products/up-sell?product_id=prod_001&limit=0",
            "/catalog/products/prod_001/reviews?sort_by=email",
            "/catalog/products/prod_001/reviews?page=0",
            "/common/countries/IN/pincodes?limit=0",
            "/common/countries/INDIA/states",
        ] {
            let answer = raw_get(&server, path, &keyed).await;
            assert_eq!(
                answer.0, 400,
                "{path} on {:?}: {}",
                server.backend, answer.1
            );
            assert_eq!(answer.1["success"], false, "{path}");
            // ours are BAD_REQUEST; the generated router's parse errors VALIDATION_ERROR
            assert!(
                ["BAD_REQUEST", "VALIDATION_ERROR"]
                    .contains(&answer.1["code"].as_str().unwrap_or("")),
                "{path}: {}",
                answer.1
            );
            assert!(answer.1["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        for path in [
            "/catalog/products/prod_999",
            "/catalog/products/prod_999/variants",
            "/catalog/products/prod_001/variants/var_999",
            "/catalog/products/prod_999/reviews",
            "/catalog/marketplace/products/prod_999",
            "/common/countries/ZZ/pincodes",
            "/store/sellers/seller_x",
        ] {
            assert_envelope(&raw_get(&server, path, &keyed).await, 404, "NOT_FOUND");
        }

        // search bodies
        let post = |body: Value| {
            reqwest::Client::new()
                .post(format!("{}/catalog/products/search", server.base))
                .header("x-api-key", key.clone())
                .json(&body)
                .send()
        };
        for bad in [
            json!({"query": "kurta", "page": 0, "limit": 10}),
            json!({"query": "kurta", "page": 1, "limit": 0}),
            json!({"query": "kurta", "page": 1, "limit": 10, "sort": ["name:asc"]}),
            json!({"query": "kurta", "page": 1, "limit": 10, "filter": "price > 10"}),
            json!({"query": "kurta", "page": 1, "limit": 10, "filter": [["price > 10"]]}),
            json!({"query": "kurta", "page": "one", "limit": 10}),
            json!({"page": 1, "limit": 10}),
        ] {
            let answer = post(bad.clone()).await.expect("send");
            assert_eq!(answer.status(), 400, "{bad}");
            let envelope: Value = answer.json().await.expect("json");
            assert_eq!(envelope["success"], false, "{bad}");
        }
    })
    .await;
}
