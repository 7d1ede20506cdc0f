use reference_server::db::Db;
use reference_server::error::Error;
use reference_server::seed;
use reference_server::store::catalog::{self, CategoryQuery, ProductQuery, Recommendation};
use reference_server::store::reviews::{self, NewReview, ReviewQuery};
use reference_server::store::{commerce, geo, stores, users};

use crate::support::{for_each_db, for_each_url};

async fn seeded(db: &Db) -> String {
    seed::seed(db, "demo", None).await.unwrap().api_key
}

fn query() -> ProductQuery {
    ProductQuery::default()
}

#[tokio::test]
async fn seed_is_idempotent_and_keeps_the_key() {
    for_each_url(|url, _| async move {
        let a = Db::connect(&url).await.unwrap();
        let first = seed::seed(&a, "demo", None).await.unwrap();
        assert!(first.created);
        assert!(first.api_key.starts_with("ak_"));
        // A second instance (or a restart) seeds nothing and sees the same key.
        let b = Db::connect(&url).await.unwrap();
        let second = seed::seed(&b, "demo", None).await.unwrap();
        assert!(!second.created);
        assert_eq!(second.api_key, first.api_key);
        assert_eq!(
            catalog::list_products(&b, "demo", &query())
                .await
                .unwrap()
                .pagination
                .total_records,
            46
        );
        // A configured key replaces the stored one.
        let third = seed::seed(&b, "demo", Some("configured-key"))
            .await
            .unwrap();
        assert_eq!(third.api_key, "configured-key");
        stores::verify_api_key(&a, "demo", "configured-key")
            .await
            .unwrap();
        assert!(stores::verify_api_key(&a, "demo", &first.api_key)
            .await
            .is_err());
        assert_eq!(stores::count_stores(&a).await.unwrap(), 1);
        a.close().await;
        b.close().await;
    })
    .await;
}

#[tokio::test]
async fn categories_are_nested_with_product_counts() {
    for_each_db(|db| async move {
        seeded(&db).await;
        let top = catalog::list_categories(&db, "demo", &CategoryQuery::default())
            .await
            .unwrap();
        let slugs: Vec<_> = top.categories.iter().map(|c| c.slug.as_str()).collect();
        assert_eq!(slugs, ["apparel", "home-kitchen", "electronics"]);
        let apparel = &top.categories[0];
        assert_eq!(apparel.product_count, 15);
        let children: Vec<_> = apparel
            .child_categories
            .as_ref()
            .unwrap()
            .iter()
            .map(|c| c.slug.as_str())
            .collect();
        assert_eq!(children, ["t-shirts", "kurtas", "jeans"]);
        assert_eq!(
            top.categories[1].product_count, 16,
            "the gift card is in decor"
        );
        let children = catalog::list_categories(
            &db,
            "demo",
            &CategoryQuery {
                parent_category_slug: Some("electronics".into()),
                sort_by: Some("name".into()),
                ..CategoryQuery::default()
            },
        )
        .await
        .unwrap();
        let names: Vec<_> = children
            .categories
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["Audio", "Chargers & Cables", "Wearables"]);
        assert_eq!(
            children.categories[0].parent_category_id.as_deref(),
            Some("cat_electronics")
        );
        let search = catalog::list_categories(
            &db,
            "demo",
            &CategoryQuery {
                search: Some("JEAN".into()),
                ..CategoryQuery::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(search.categories.len(), 1);
        let flat = catalog::list_categories(
            &db,
            "demo",
            &CategoryQuery {
                nested_level: Some(0),
                ..CategoryQuery::default()
            },
        )
        .await
        .unwrap();
        assert!(flat.categories[0].child_categories.is_none());
        assert!(matches!(
            catalog::list_categories(
                &db,
                "demo",
                &CategoryQuery {
                    parent_category_id: Some("nope".into()),
                    ..CategoryQuery::default()
                }
            )
            .await,
            Err(Error::NotFound(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn products_paginate() {
    for_each_db(|db| async move {
        seeded(&db).await;
        let page = |page: i64| {
            let db = db.clone();
            async move {
                catalog::list_products(
                    &db,
                    "demo",
                    &ProductQuery {
                        page: Some(page),
                        limit: Some(10),
                        ..query()
                    },
                )
                .await
                .unwrap()
            }
        };
        let first = page(1).await;
        assert_eq!(first.products.len(), 10);
        assert_eq!(first.pagination.total_records, 46);
        assert_eq!(first.pagination.total_pages, 5);
        assert_eq!(first.pagination.next_page, Some(2));
        assert_eq!(first.pagination.previous_page, None);
        let last = page(5).await;
        assert_eq!(last.products.len(), 6);
        assert_eq!(last.pagination.next_page, None);
        assert_eq!(last.pagination.previous_page, Some(4));
        assert!(page(6).await.products.is_empty());
        // Pages do not overlap and cover everything.
        let mut ids = std::collections::HashSet::new();
        for n in 1..=5 {
            for p in page(n).await.products {
                assert!(ids.insert(p.id));
            }
        }
        assert_eq!(ids.len(), 46);
        assert!(matches!(
            catalog::list_products(
                &db,
                "demo",
                &ProductQuery {
                    limit: Some(0),
                    ..query()
                }
            )
            .await,
            Err(Error::BadRequest(_))
        ));
        assert!(matches!(
            catalog::list_products(
                &db,
                "demo",
                &ProductQuery {
                    page: Some(0),
                    ..query()
                }
            )
            .await,
            Err(Error::BadRequest(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn products_filter_and_sort() {
    for_each_db(|db| async move {
        seeded(&db).await;
        let list = |q: ProductQuery| {
            let db = db.clone();
            async move {
                catalog::list_products(
                    &db,
                    "demo",
                    &ProductQuery {
                        limit: Some(100),
                        ..q
                    },
                )
                .await
            }
        };
        let apparel = list(ProductQuery {
            category_slugs: vec!["apparel".into()],
            ..query()
        })
        .await
        .unwrap();
        assert_eq!(
            apparel.pagination.total_records, 15,
            "a parent category includes its children"
        );
        let jeans = list(ProductQuery {
            category_ids: vec!["cat_jeans".into()],
            ..query()
        })
        .await
        .unwrap();
        assert_eq!(jeans.products.len(), 5);
        assert!(jeans
            .products
            .iter()
            .all(|p| p.category_ids == ["cat_jeans"]));
        let both = list(ProductQuery {
            category_ids: vec!["cat_jeans".into()],
            category_slugs: vec!["audio".into()],
            ..query()
        })
        .await
        .unwrap();
        assert_eq!(both.products.len(), 10);
        let digital = list(ProductQuery {
            product_type: Some("digital".into()),
            ..query()
        })
        .await
        .unwrap();
        assert_eq!(digital.products.len(), 1);
        assert_eq!(digital.products[0].slug, "digital-gift-card");
        assert!(list(ProductQuery {
            category_slugs: vec!["nope".into()],
            ..query()
        })
        .await
        .unwrap()
        .products
        .is_empty());

        let by_price = list(ProductQuery {
            sort_by: Some(r#"{"selling_price":"asc"}"#.into()),
            ..query()
        })
        .await
        .unwrap();
        let prices: Vec<rust_decimal::Decimal> = by_price
            .products
            .iter()
            .map(|p| p.pricing.selling_price)
            .collect();
        assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");
        let by_name = list(ProductQuery {
            sort_by: Some("-name".into()),
            ..query()
        })
        .await
        .unwrap();
        let names: Vec<&str> = by_name.products.iter().map(|p| p.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.reverse();
        assert_eq!(names, sorted);
        let newest = list(ProductQuery {
            sort_by: Some(r#"{"created_at":"desc"}"#.into()),
            ..query()
        })
        .await
        .unwrap();
        assert_eq!(newest.products[0].id, "prod_046");
        assert!(matches!(
            list(ProductQuery {
                sort_by: Some("password".into()),
                ..query()
            })
            .await,
            Err(Error::BadRequest(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn product_detail_by_id_or_slug_with_variants() {
    for_each_db(|db| async move {
        seeded(&db).await;
        let by_id = catalog::get_product_detail(&db, "demo", "prod_001")
            .await
            .unwrap()
            .product;
        let by_slug = catalog::get_product_detail(&db, "demo", "classic-cotton-t-shirt")
            .await
            .unwrap()
            .product;
        assert_eq!(by_id, by_slug);
        assert_eq!(by_id.name, "Classic Cotton T-Shirt");
        assert!(by_id.has_variant);
        assert_eq!(by_id.variants.len(), 6);
        assert_eq!(by_id.categories[0].slug, "t-shirts");
        assert_eq!(by_id.reviews_count, 3);
        assert_eq!(by_id.pricing.tax_rate, 5.0);
        assert!(by_id.pricing.selling_price_excluding_tax < by_id.pricing.selling_price);
        let options = by_id.variant_options.as_ref().unwrap();
        assert_eq!(
            options.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(),
            ["size", "colour"]
        );
        assert!(!by_id.upselling_product_ids.is_empty());
        assert!(!by_id.crossselling_product_ids.is_empty());
        assert!(by_id.images[0].url_zoom.ends_with("?w=1600"));
        // The serialised product is valid against its own type (round trip).
        let json = serde_json::to_value(&by_id).unwrap();
        assert_eq!(
            json["variants"][0]["associated_options"]["colour"]["value"]["hexcode"],
            "#212121"
        );

        let variants = catalog::list_product_variants(&db, "demo", "classic-cotton-t-shirt")
            .await
            .unwrap()
            .variants;
        assert_eq!(variants.len(), 6);
        assert!(variants[0].is_default);
        let detail = catalog::get_variant_detail(&db, "demo", "prod_001", &variants[2].slug)
            .await
            .unwrap()
            .variant;
        assert_eq!(detail.id, variants[2].id);
        assert_eq!(detail.variant_options.len(), 2);
        assert!(matches!(
            catalog::get_variant_detail(&db, "demo", "prod_001", "nope").await,
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            catalog::get_product_detail(&db, "demo", "nope").await,
            Err(Error::NotFound(_))
        ));

        // Sold out: the fourth product of every leaf.
        let sold_out = catalog::get_product_detail(&db, "demo", "prod_004")
            .await
            .unwrap()
            .product;
        assert!(!sold_out.stock_available);
        // A simple product has no variants; the gift card is backordered so always available.
        let card = catalog::get_product_detail(&db, "demo", "digital-gift-card")
            .await
            .unwrap()
            .product;
        assert!(!card.has_variant && card.variants.is_empty() && card.stock_available);
    })
    .await;
}

#[tokio::test]
async fn skus_list_every_variant_and_filter() {
    for_each_db(|db| async move {
        seeded(&db).await;
        let all = catalog::list_skus(
            &db,
            "demo",
            &ProductQuery {
                limit: Some(100),
                ..query()
            },
        )
        .await
        .unwrap();
        // 15 apparel x 6 + (bedding, decor, audio, wearables) 20 x 2 + cookware 5 + chargers 5 + gift card.
        assert_eq!(all.pagination.total_records, 90 + 40 + 5 + 5 + 1);
        assert_eq!(all.pagination.total_pages, 2);
        let one = catalog::list_skus(
            &db,
            "demo",
            &ProductQuery {
                skus: vec!["DEMO-016".into()],
                ..query()
            },
        )
        .await
        .unwrap();
        assert_eq!(one.skus.len(), 1);
        assert_eq!(one.skus[0].product_slug, "cast-iron-skillet");
        assert_eq!(one.skus[0].variant_id, None);
        let jeans = catalog::list_skus(
            &db,
            "demo",
            &ProductQuery {
                category_slugs: vec!["jeans".into()],
                limit: Some(100),
                ..query()
            },
        )
        .await
        .unwrap();
        assert_eq!(jeans.skus.len(), 30);
        assert!(jeans
            .skus
            .iter()
            .all(|s| s.variant_id.is_some() && s.associated_options.is_some()));
        let cheap_first = catalog::list_skus(
            &db,
            "demo",
            &ProductQuery {
                sort_by: Some("price".into()),
                limit: Some(100),
                ..query()
            },
        )
        .await
        .unwrap();
        let prices: Vec<rust_decimal::Decimal> = cheap_first
            .skus
            .iter()
            .map(|s| s.pricing.selling_price)
            .collect();
        assert!(prices.windows(2).all(|w| w[0] <= w[1]));
        catalog::set_stock(&db, "demo", "DEMO-016", 0)
            .await
            .unwrap();
        let one = catalog::list_skus(
            &db,
            "demo",
            &ProductQuery {
                skus: vec!["DEMO-016".into()],
                ..query()
            },
        )
        .await
        .unwrap();
        assert!(!one.skus[0].stock_available);
        assert!(matches!(
            catalog::set_stock(&db, "demo", "NOPE", 1).await,
            Err(Error::NotFound(_))
        ));
        catalog::set_stock(&db, "demo", "DEMO-017", 3)
            .await
            .unwrap();
        assert_eq!(
            catalog::reserve_stock(&db, "demo", "DEMO-017", 2)
                .await
                .unwrap(),
            1
        );
        assert!(matches!(
            catalog::reserve_stock(&db, "demo", "DEMO-017", 2).await,
            Err(Error::Conflict(_))
        ));
        assert_eq!(
            catalog::reserve_stock(&db, "demo", "DEMO-017", 1)
                .await
                .unwrap(),
            0
        );
        assert!(matches!(
            catalog::reserve_stock(&db, "demo", "DEMO-017", 0).await,
            Err(Error::BadRequest(_))
        ));
        assert!(matches!(
            catalog::reserve_stock(&db, "demo", "NOPE", 1).await,
            Err(Error::NotFound(_))
        ));
        assert!(catalog::reserve_stock(&db, "other", "DEMO-018", 1)
            .await
            .is_err());
    })
    .await;
}

#[tokio::test]
async fn full_text_search() {
    for_each_db(|db| async move {
        seeded(&db).await;
        let kurtas = catalog::search_products(&db, "demo", "kurta", None, Some(100))
            .await
            .unwrap();
        let products: std::collections::BTreeSet<_> =
            kurtas.skus.iter().map(|s| s.product_slug.clone()).collect();
        assert_eq!(products.len(), 5, "{products:?}");
        assert_eq!(kurtas.pagination.total_records, 30, "6 SKUs each");
        // Prefixes, several words (all must match), case.
        let ids = catalog::search_product_ids(&db, "demo", "COTT kurt")
            .await
            .unwrap();
        assert_eq!(ids, ["prod_006"]);
        assert_eq!(
            catalog::search_product_ids(&db, "demo", "usb-c")
                .await
                .unwrap()
                .len(),
            2
        );
        // Category names and option values are searchable.
        assert_eq!(
            catalog::search_product_ids(&db, "demo", "wearables")
                .await
                .unwrap()
                .len(),
            5
        );
        assert!(
            catalog::search_product_ids(&db, "demo", "silver")
                .await
                .unwrap()
                .len()
                >= 5
        );
        assert!(catalog::search_product_ids(&db, "demo", "zzzzqq")
            .await
            .unwrap()
            .is_empty());
        // Query syntax from users is inert.
        for hostile in [
            "\"",
            "OR",
            "a* AND NOT b",
            "name:x",
            "'; DROP TABLE products; --",
            ":*",
            "&|!",
        ] {
            catalog::search_products(&db, "demo", hostile, None, None)
                .await
                .unwrap();
        }
        let paged = catalog::search_products(&db, "demo", "shirt", Some(2), Some(5))
            .await
            .unwrap();
        assert_eq!(paged.skus.len(), 5);
        assert_eq!(paged.pagination.previous_page, Some(1));
    })
    .await;
}

#[tokio::test]
async fn recommendations_follow_the_documented_rules() {
    for_each_db(|db| async move {
        seeded(&db).await;
        let ids = ["prod_001".to_string()];
        let similar =
            catalog::list_recommendations(&db, "demo", &ids, Recommendation::Similar, None, None)
                .await
                .unwrap();
        assert_eq!(similar.products.len(), 4);
        assert!(similar
            .products
            .iter()
            .all(|i| i.category_ids == ["cat_t-shirts"] && i.product_id != "prod_001"));
        let base = catalog::get_product_detail(&db, "demo", "prod_001")
            .await
            .unwrap()
            .product
            .pricing
            .selling_price;
        let upsell =
            catalog::list_recommendations(&db, "demo", &ids, Recommendation::UpSell, None, None)
                .await
                .unwrap();
        assert!(!upsell.products.is_empty());
        assert!(upsell
            .products
            .iter()
            .all(|i| i.pricing.selling_price > base || i.variant_id.is_some()));
        let cross = catalog::list_recommendations(
            &db,
            "demo",
            &ids,
            Recommendation::CrossSell,
            None,
            Some(100),
        )
        .await
        .unwrap();
        assert_eq!(
            cross.pagination.total_records, 31,
            "everything outside apparel"
        );
        assert!(cross
            .products
            .iter()
            .all(|i| !["cat_t-shirts", "cat_kurtas", "cat_jeans"]
                .contains(&i.category_ids[0].as_str())));
        assert!(matches!(
            catalog::list_recommendations(&db, "demo", &[], Recommendation::Similar, None, None)
                .await,
            Err(Error::BadRequest(_))
        ));
        assert!(matches!(
            catalog::list_recommendations(
                &db,
                "demo",
                &["nope".into()],
                Recommendation::Similar,
                None,
                None
            )
            .await,
            Err(Error::NotFound(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn reviews_list_and_create() {
    for_each_db(|db| async move {
        seeded(&db).await;
        let listed = reviews::list_reviews(&db, "demo", "prod_001", &ReviewQuery::default())
            .await
            .unwrap();
        assert_eq!(listed.reviews.len(), 3);
        assert!(listed
            .review_tags
            .as_ref()
            .unwrap()
            .contains(&"quality".to_string()));
        let dates: Vec<_> = listed
            .reviews
            .iter()
            .map(|r| r.created_at.unwrap())
            .collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
        let tagged = reviews::list_reviews(
            &db,
            "demo",
            "prod_001",
            &ReviewQuery {
                review_tag: Some("quality".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(tagged.reviews.len(), 1);
        let best = reviews::list_reviews(
            &db,
            "demo",
            "prod_001",
            &ReviewQuery {
                sort_by: Some("-rating".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(best.reviews[0].rating, Some(5.0));
        let searched = reviews::list_reviews(
            &db,
            "demo",
            "prod_001",
            &ReviewQuery {
                search: Some("COLOUR".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(searched.reviews.len(), 1);

        let anonymous = users::create_anonymous(&db, "demo").await.unwrap();
        let review = NewReview {
            rating: 4.5,
            review_text: Some("Lovely".into()),
            order_number: Some("ORD-1".into()),
            tags: vec!["fit".into()],
        };
        assert!(matches!(
            reviews::create_review(&db, "demo", "prod_001", &anonymous, &review).await,
            Err(Error::Unauthorized(_))
        ));
        let mut user = anonymous.clone();
        user.is_anonymous = false;
        user.email = Some("r@example.com".into());
        user.first_name = Some("Ravi".into());
        let user = users::update(&db, &user).await.unwrap();
        for bad in [0.0, 5.5, 3.3] {
            let r = NewReview {
                rating: bad,
                ..review.clone()
            };
            assert!(matches!(
                reviews::create_review(&db, "demo", "prod_001", &user, &r).await,
                Err(Error::BadRequest(_))
            ));
        }
        let created = reviews::create_review(&db, "demo", "classic-cotton-t-shirt", &user, &review)
            .await
            .unwrap();
        assert_eq!(created.name.as_deref(), Some("Ravi"));
        assert!(matches!(
            reviews::create_review(&db, "demo", "prod_001", &user, &review).await,
            Err(Error::Conflict(_))
        ));
        assert!(matches!(
            reviews::create_review(&db, "demo", "nope", &user, &review).await,
            Err(Error::NotFound(_))
        ));
        let product = catalog::get_product_detail(&db, "demo", "prod_001")
            .await
            .unwrap()
            .product;
        assert_eq!(product.reviews_count, 4);
        assert_eq!(product.reviews_rating_sum, 5.0 + 4.0 + 3.0 + 4.5);
    })
    .await;
}

#[tokio::test]
async fn geo_data() {
    for_each_db(|db| async move {
        seeded(&db).await;
        let countries = geo::list_countries(&db, "demo").await.unwrap();
        assert_eq!(countries.len(), 5);
        let india = countries
            .iter()
            .find(|c| c.country_iso_code.as_deref() == Some("IN"))
            .unwrap();
        assert_eq!(india.currency_code.as_deref(), Some("INR"));
        assert_eq!(india.country_code.as_deref(), Some("+91"));
        let states = geo::list_states(&db, "demo", "in").await.unwrap();
        assert_eq!(states.len(), 6);
        assert_eq!(
            states
                .iter()
                .find(|s| s.iso_code == "MH")
                .unwrap()
                .gst_code
                .as_deref(),
            Some("27")
        );
        assert!(matches!(
            geo::list_states(&db, "demo", "ZZ").await,
            Err(Error::NotFound(_))
        ));
        let (pincodes, pagination) = geo::list_pincodes(&db, "demo", "IN", Some("4"), None, None)
            .await
            .unwrap();
        let codes: Vec<_> = pincodes
            .pincodes
            .unwrap()
            .into_iter()
            .map(|p| p.pincode.unwrap())
            .collect();
        assert_eq!(codes, ["400001", "411001"]);
        assert_eq!(pagination.total_records, 2);
        let (page, pagination) = geo::list_pincodes(&db, "demo", "IN", None, Some(2), Some(3))
            .await
            .unwrap();
        assert_eq!(page.pincodes.unwrap().len(), 3);
        assert_eq!(pagination.total_records, 7);
    })
    .await;
}

#[tokio::test]
async fn config_coupons_and_promotions() {
    for_each_db(|db| async move {
        seeded(&db).await;
        let config = stores::get_config(&db, "demo").await.unwrap();
        assert_eq!(config.brand.name, "Demo Store");
        assert_eq!(config.currency.code, "INR");
        assert!(matches!(
            stores::get_config(&db, "nope").await,
            Err(Error::NotFound(_))
        ));
        let welcome = commerce::find_coupon(&db, "demo", "welcome10")
            .await
            .unwrap();
        assert_eq!(
            welcome.discount_on(1000.0, reference_server::util::now_secs()),
            100.0
        );
        assert_eq!(commerce::list_coupons(&db, "demo").await.unwrap().len(), 3);
        let promotions = commerce::list_promotions(&db, "demo").await.unwrap();
        assert!(promotions
            .iter()
            .any(|p| p.code.as_deref() == Some("WELCOME10") && p.discount_value == 10.0));
        // Carts are stored as documents.
        commerce::save_cart(
            &db,
            "demo",
            "cart1",
            "user1",
            &serde_json::json!({"items": []}),
        )
        .await
        .unwrap();
        commerce::save_cart(
            &db,
            "demo",
            "cart1",
            "user1",
            &serde_json::json!({"items": [1]}),
        )
        .await
        .unwrap();
        assert_eq!(
            commerce::get_cart(&db, "demo", "cart1").await.unwrap().1["items"][0],
            1
        );
        assert_eq!(
            commerce::get_user_cart(&db, "demo", "user1")
                .await
                .unwrap()
                .unwrap()
                .0,
            "cart1"
        );
        assert!(commerce::get_cart(&db, "other", "cart1").await.is_err());
        commerce::delete_cart(&db, "demo", "cart1").await.unwrap();
        assert!(matches!(
            commerce::delete_cart(&db, "demo", "cart1").await,
            Err(Error::NotFound(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn catalogs_of_two_stores_do_not_mix() {
    for_each_db(|db| async move {
        let demo_key = seeded(&db).await;
        let other_key = seed::seed(&db, "other", None).await.unwrap().api_key;
        assert_ne!(demo_key, other_key);
        // Same ids in both stores; changing one leaves the other alone.
        catalog::set_stock(&db, "other", "DEMO-016", 0)
            .await
            .unwrap();
        let sku = |store: &'static str| {
            let db = db.clone();
            async move {
                catalog::list_skus(
                    &db,
                    store,
                    &ProductQuery {
                        skus: vec!["DEMO-016".into()],
                        ..query()
                    },
                )
                .await
                .unwrap()
                .skus[0]
                    .stock_available
            }
        };
        assert!(sku("demo").await);
        assert!(!sku("other").await);
        let mut user = users::create_anonymous(&db, "other").await.unwrap();
        user.is_anonymous = false;
        let user = users::update(&db, &user).await.unwrap();
        reviews::create_review(
            &db,
            "other",
            "prod_002",
            &user,
            &NewReview {
                rating: 1.0,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            catalog::get_product_detail(&db, "demo", "prod_002")
                .await
                .unwrap()
                .product
                .reviews_count,
            2
        );
        assert_eq!(
            catalog::get_product_detail(&db, "other", "prod_002")
                .await
                .unwrap()
                .product
                .reviews_count,
            3
        );
        // A user of one store cannot review in another.
        assert!(reviews::create_review(
            &db,
            "demo",
            "prod_003",
            &user,
            &NewReview {
                rating: 1.0,
                ..Default::default()
            }
        )
        .await
        .is_err());
        // A store without data sees nothing.
        crate::support::create_store(&db, "empty").await;
        assert_eq!(
            catalog::list_products(&db, "empty", &query())
                .await
                .unwrap()
                .pagination
                .total_records,
            0
        );
        assert!(catalog::search_product_ids(&db, "empty", "kurta")
            .await
            .unwrap()
            .is_empty());
        assert!(geo::list_countries(&db, "empty").await.unwrap().is_empty());
        assert!(catalog::get_product_detail(&db, "empty", "prod_001")
            .await
            .is_err());
    })
    .await;
}

#[tokio::test]
async fn two_instances_seeding_at_once_seed_once() {
    for_each_url(|url, _| async move {
        let a = Db::connect(&url).await.unwrap();
        let b = Db::connect(&url).await.unwrap();
        let (x, y) = tokio::join!(seed::seed(&a, "demo", None), seed::seed(&b, "demo", None));
        let (x, y) = (x.unwrap(), y.unwrap());
        assert_eq!(x.api_key, y.api_key);
        assert_eq!(u8::from(x.created) + u8::from(y.created), 1);
        // Both have returned, so the instance that seeded has finished.
        assert_eq!(
            catalog::list_products(&a, "demo", &query())
                .await
                .unwrap()
                .pagination
                .total_records,
            46
        );
        a.close().await;
        b.close().await;
    })
    .await;
}
