//! Demo data: the store `demo` (or the configured id) with a nested catalog of 46 products,
//! variants, SKUs with stock, images, reviews, coupons (`WELCOME10`: 10% off), promotions,
//! and countries with states and pincodes.
//!
//! Deterministic: the same ids, names, prices and stock on every run; only the API key (when
//! not given) is random. Seeding a store that exists changes nothing (except its API key when
//! one is given), so it is safe on every start.

use crate::db::Db;
use crate::error::{Error, Result};
use crate::store::catalog::{
    self, AttributeValue, NewCategory, NewImage, NewProduct, NewVariant, OptionValue,
};
use crate::store::commerce::{self, Discount};
use crate::store::geo::{self, NewCountry};
use crate::store::reviews::{self, NewReview};
use crate::store::stores::{self, StoreRecord};
use crate::util;

/// 2025-01-01T00:00:00Z: the timestamps of the seed data count from here.
pub const SEED_EPOCH: i64 = 1_735_689_600;

/// What [`seed`] did.
#[derive(Clone, PartialEq, Eq)]
pub struct SeedOutcome {
    /// The store's API key (print it at start).
    pub api_key: String,
    /// Whether the store was created now (false: it existed).
    pub created: bool,
}

impl std::fmt::Debug for SeedOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeedOutcome")
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

/// Seeds `store_id` when it does not exist. With `api_key`, the store's key is set to it
/// (also on an existing store); otherwise a new store gets a random key and an existing one
/// keeps its key.
pub async fn seed(db: &Db, store_id: &str, api_key: Option<&str>) -> Result<SeedOutcome> {
    if let Some(existing) = stores::find_store(db, store_id).await? {
        let api_key = match api_key {
            Some(key) if key != existing.api_key => {
                stores::set_api_key(db, store_id, key).await?;
                key.to_owned()
            }
            _ => existing.api_key,
        };
        return Ok(SeedOutcome {
            api_key,
            created: false,
        });
    }
    let api_key = match api_key {
        Some(key) => key.to_owned(),
        None => format!("ak_{}", util::random_token(24)?),
    };
    let mut config = stores::basic_config("Demo Store");
    config.brand.social_media_links.insert(
        "instagram".into(),
        "https://instagram.com/demo-store".into(),
    );
    let record = StoreRecord {
        id: store_id.to_owned(),
        name: "Demo Store".into(),
        api_key: api_key.clone(),
        config,
    };
    // The store row goes first and acts as a lock: when another instance seeds at the same
    // moment, one insert wins and the other instance leaves the seeding to it.
    match stores::create_store(db, &record).await {
        Ok(()) => {}
        Err(Error::Conflict(_)) => {
            let existing = stores::get_store(db, store_id).await?;
            return Ok(SeedOutcome {
                api_key: existing.api_key,
                created: false,
            });
        }
        Err(e) => return Err(e),
    }
    seed_catalog(db, store_id).await?;
    seed_discounts(db, store_id).await?;
    seed_geo(db, store_id).await?;
    Ok(SeedOutcome {
        api_key,
        created: true,
    })
}

struct Leaf {
    slug: &'static str,
    name: &'static str,
    parent: &'static str,
    base_price: f64,
    products: [&'static str; 5],
}

const TOP: [(&str, &str, f64); 3] = [
    ("apparel", "Apparel", 5.0),
    ("home-kitchen", "Home & Kitchen", 12.0),
    ("electronics", "Electronics", 18.0),
];

const LEAVES: [Leaf; 9] = [
    Leaf {
        slug: "t-shirts",
        name: "T-Shirts",
        parent: "apparel",
        base_price: 499.0,
        products: [
            "Classic Cotton T-Shirt",
            "Striped Crew T-Shirt",
            "Graphic Print T-Shirt",
            "Pique Polo T-Shirt",
            "Oversized T-Shirt",
        ],
    },
    Leaf {
        slug: "kurtas",
        name: "Kurtas",
        parent: "apparel",
        base_price: 899.0,
        products: [
            "Cotton Straight Kurta",
            "Linen Short Kurta",
            "Printed A-Line Kurta",
            "Chikankari Kurta",
            "Silk Festive Kurta",
        ],
    },
    Leaf {
        slug: "jeans",
        name: "Jeans",
        parent: "apparel",
        base_price: 1299.0,
        products: [
            "Slim Fit Jeans",
            "Straight Fit Jeans",
            "Relaxed Fit Jeans",
            "Tapered Jeans",
            "Bootcut Jeans",
        ],
    },
    Leaf {
        slug: "cookware",
        name: "Cookware",
        parent: "home-kitchen",
        base_price: 799.0,
        products: [
            "Cast Iron Skillet",
            "Non-Stick Frying Pan",
            "Stainless Steel Kadai",
            "Pressure Cooker 5L",
            "Copper Bottom Saucepan",
        ],
    },
    Leaf {
        slug: "bedding",
        name: "Bedding",
        parent: "home-kitchen",
        base_price: 999.0,
        products: [
            "Cotton Bedsheet Set",
            "Microfibre Pillow",
            "Quilted Comforter",
            "Linen Duvet Cover",
            "Memory Foam Pillow",
        ],
    },
    Leaf {
        slug: "decor",
        name: "Decor",
        parent: "home-kitchen",
        base_price: 399.0,
        products: [
            "Ceramic Vase",
            "Wall Clock",
            "Scented Candle Set",
            "Brass Diya",
            "Jute Rug",
        ],
    },
    Leaf {
        slug: "audio",
        name: "Audio",
        parent: "electronics",
        base_price: 1499.0,
        products: [
            "Wireless Earbuds",
            "Bluetooth Speaker",
            "Over-Ear Headphones",
            "Soundbar",
            "Neckband Earphones",
        ],
    },
    Leaf {
        slug: "chargers-cables",
        name: "Chargers & Cables",
        parent: "electronics",
        base_price: 349.0,
        products: [
            "65W USB-C Charger",
            "Braided USB-C Cable",
            "Power Bank 10000mAh",
            "Wireless Charging Pad",
            "Car Charger",
        ],
    },
    Leaf {
        slug: "wearables",
        name: "Wearables",
        parent: "electronics",
        base_price: 1999.0,
        products: [
            "Fitness Band",
            "Smartwatch",
            "Smart Ring",
            "Kids GPS Watch",
            "Sports Watch",
        ],
    },
];

fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_owned()
}

/// A price ending in 9: `x` rounded down to a multiple of 10, minus 1.
fn price(x: f64) -> f64 {
    ((x / 10.0).floor() * 10.0 - 1.0).max(9.0)
}

fn image(id: String, slug: &str, n: usize, title: &str) -> NewImage {
    NewImage {
        id,
        url: format!("https://images.example.com/demo/{slug}/{n}.jpg"),
        title: Some(title.to_owned()),
        alternate_text: Some(format!("{title}, picture {n}")),
    }
}

fn colour(name: &str) -> OptionValue {
    let hex = match name {
        "Black" => "#212121",
        "White" => "#fafafa",
        "Blue" => "#1e88e5",
        "Grey" => "#9e9e9e",
        "Silver" => "#c0c0c0",
        _ => "#000000",
    };
    OptionValue {
        key: "colour".into(),
        name: "Colour".into(),
        value: name.into(),
        hexcode: Some(hex.into()),
    }
}

/// The deterministic catalog: 9 leaf categories under 3 top-level ones, 5 products each, plus
/// a digital gift card.
pub fn demo_catalog() -> (Vec<NewCategory>, Vec<NewProduct>) {
    let mut categories = Vec::new();
    for (i, (slug, name, _)) in TOP.iter().enumerate() {
        categories.push(NewCategory {
            id: format!("cat_{slug}"),
            parent_id: None,
            name: (*name).into(),
            slug: (*slug).into(),
            description: Some(format!("Everything in {name}.")),
            sort_order: i as i64,
        });
    }
    for (i, leaf) in LEAVES.iter().enumerate() {
        categories.push(NewCategory {
            id: format!("cat_{}", leaf.slug),
            parent_id: Some(format!("cat_{}", leaf.parent)),
            name: leaf.name.into(),
            slug: leaf.slug.into(),
            description: Some(format!("{} for every day.", leaf.name)),
            sort_order: (i % 3) as i64,
        });
    }
    let mut products = Vec::new();
    let mut n = 0usize;
    for (leaf_index, leaf) in LEAVES.iter().enumerate() {
        let tax_rate = TOP
            .iter()
            .find(|t| t.0 == leaf.parent)
            .map_or(18.0, |t| t.2);
        for (j, name) in leaf.products.iter().enumerate() {
            n += 1;
            let id = format!("prod_{n:03}");
            let slug = slugify(name);
            let listing = price(leaf.base_price * (1.0 + j as f64 * 0.35) + 10.0);
            let selling = if j % 2 == 0 {
                price(listing * 0.85 + 10.0)
            } else {
                listing
            };
            let (sizes, colours): (&[&str], &[&str]) = match leaf.parent {
                "apparel" => (&["S", "M", "L"], &["Black", "White"]),
                _ => match leaf.slug {
                    "bedding" | "decor" => (&[], &["Blue", "Grey"]),
                    "audio" => (&[], &["Black", "White"]),
                    "wearables" => (&[], &["Black", "Silver"]),
                    _ => (&[], &[]),
                },
            };
            let sku_base = format!("DEMO-{n:03}");
            // Every product's stock is deterministic; the fourth product of each leaf is sold
            // out entirely.
            let stock_of = |k: usize| {
                if j == 3 {
                    0
                } else {
                    ((n * 7 + k * 3) % 20) as i64 + 1
                }
            };
            let mut variants = Vec::new();
            let size_list: Vec<Option<&str>> = if sizes.is_empty() {
                vec![None]
            } else {
                sizes.iter().map(|s| Some(*s)).collect()
            };
            if !colours.is_empty() {
                for (ci, c) in colours.iter().enumerate() {
                    for size in &size_list {
                        let k = variants.len();
                        let mut options = Vec::new();
                        if let Some(size) = size {
                            options.push(OptionValue {
                                key: "size".into(),
                                name: "Size".into(),
                                value: (*size).into(),
                                hexcode: None,
                            });
                        }
                        options.push(colour(c));
                        let extra = if *size == Some("L") { 100.0 } else { 0.0 };
                        let label = match size {
                            Some(size) => format!("{c} / {size}"),
                            None => (*c).to_owned(),
                        };
                        let code = match size {
                            Some(size) => format!("{sku_base}-{}-{size}", &c[..3].to_uppercase()),
                            None => format!("{sku_base}-{}", &c[..3].to_uppercase()),
                        };
                        variants.push(NewVariant {
                            id: format!("var_{n:03}_{k}"),
                            sku: code,
                            name: format!("{name} {label}"),
                            slug: format!("{slug}-{}", slugify(&label)),
                            options,
                            listing_price: listing + extra,
                            selling_price: selling + extra,
                            stock: stock_of(k),
                            is_default: k == 0,
                            images: if size.is_none() || *size == Some("S") {
                                vec![image(
                                    format!("img_{n:03}_v{k}"),
                                    &slug,
                                    10 + ci,
                                    &format!("{name} in {c}"),
                                )]
                            } else {
                                Vec::new()
                            },
                        });
                    }
                }
            }
            let top = leaf.parent;
            products.push(NewProduct {
                id,
                sku: variants.is_empty().then(|| sku_base.clone()),
                name: (*name).into(),
                slug: slug.clone(),
                short_description: Some(format!("{name}, part of our {} range.", leaf.name)),
                description: Some(format!(
                    "The {name} is a favourite in {}. Built to last, easy to care for, and priced fairly.",
                    leaf.name
                )),
                product_type: "physical".into(),
                active: true,
                tags: vec![leaf.slug.into(), top.into()],
                attributes: vec![
                    AttributeValue {
                        key: "brand".into(),
                        name: "Brand".into(),
                        value: "Demo Basics".into(),
                    },
                    AttributeValue {
                        key: "origin".into(),
                        name: "Country of origin".into(),
                        value: "India".into(),
                    },
                ],
                category_ids: vec![format!("cat_{}", leaf.slug)],
                currency: "INR".into(),
                tax_type: "GST".into(),
                tax_rate,
                price_including_tax: true,
                listing_price: listing,
                selling_price: selling,
                hsn_code: Some(format!("{}", 6100 + leaf_index * 10 + j)),
                backorder: false,
                stock: stock_of(0),
                images: vec![
                    image(format!("img_{n:03}_1"), &slug, 1, name),
                    image(format!("img_{n:03}_2"), &slug, 2, name),
                ],
                variants,
                created_at: SEED_EPOCH + (n as i64) * 3600,
            });
        }
    }
    products.push(NewProduct {
        id: "prod_046".into(),
        sku: Some("DEMO-046".into()),
        name: "Digital Gift Card".into(),
        slug: "digital-gift-card".into(),
        short_description: Some("A gift card delivered by email.".into()),
        description: Some("Send a Demo Store gift card by email; it never expires.".into()),
        product_type: "digital".into(),
        active: true,
        tags: vec!["gift".into()],
        attributes: Vec::new(),
        category_ids: vec!["cat_decor".into()],
        currency: "INR".into(),
        tax_type: "GST".into(),
        tax_rate: 0.0,
        price_including_tax: true,
        listing_price: 500.0,
        selling_price: 500.0,
        hsn_code: None,
        backorder: true,
        stock: 0,
        images: vec![image(
            "img_046_1".into(),
            "digital-gift-card",
            1,
            "Digital Gift Card",
        )],
        variants: Vec::new(),
        created_at: SEED_EPOCH + 46 * 3600,
    });
    (categories, products)
}

async fn seed_catalog(db: &Db, store_id: &str) -> Result<()> {
    let (categories, products) = demo_catalog();
    for category in &categories {
        catalog::insert_category(db, store_id, category).await?;
    }
    for product in &products {
        catalog::insert_product(db, store_id, product).await?;
    }
    // Reviews on the first two products of each leaf category.
    const REVIEWERS: [(&str, &str); 3] = [
        ("Priya S", "priya@example.com"),
        ("Rahul M", "rahul@example.com"),
        ("Anita K", "anita@example.com"),
    ];
    const TEXTS: [(&str, f64, &[&str]); 3] = [
        (
            "Excellent quality, exactly as described.",
            5.0,
            &["quality"],
        ),
        (
            "Good value for money; delivery was quick.",
            4.0,
            &["value", "delivery"],
        ),
        (
            "Decent, but the colour is a little different from the pictures.",
            3.0,
            &["colour"],
        ),
    ];
    let mut k = 0i64;
    for (i, product) in products.iter().enumerate() {
        if i % 5 >= 2 || product.id == "prod_046" {
            continue;
        }
        let count = if i % 5 == 0 { 3 } else { 2 };
        for r in 0..count {
            let (name, email) = REVIEWERS[r];
            let (text, rating, tags) = TEXTS[(r + i) % 3];
            k += 1;
            reviews::insert_review(
                db,
                store_id,
                &product.id,
                name,
                Some(email),
                &NewReview {
                    rating,
                    review_text: Some(text.into()),
                    order_number: Some(format!("ORD-{:05}", 10_000 + k)),
                    tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                },
                SEED_EPOCH + 86_400 * 30 + k * 3600,
            )
            .await?;
        }
    }
    Ok(())
}

async fn seed_discounts(db: &Db, store_id: &str) -> Result<()> {
    let discount = |id: &str,
                    code: Option<&str>,
                    name: &str,
                    kind: &str,
                    dtype: &str,
                    value: f64,
                    min: f64,
                    cap: Option<f64>| Discount {
        id: id.into(),
        code: code.map(Into::into),
        name: name.into(),
        kind: kind.into(),
        discount_type: dtype.into(),
        discount_value: value,
        min_order_amount: min,
        max_discount: cap,
        active: true,
        starts_at: SEED_EPOCH,
        expires_at: None,
    };
    for coupon in [
        discount(
            "cpn_welcome10",
            Some("WELCOME10"),
            "10% off your first order",
            "discount",
            "percentage",
            10.0,
            0.0,
            None,
        ),
        discount(
            "cpn_flat200",
            Some("FLAT200"),
            "₹200 off orders of ₹1999 or more",
            "discount",
            "fixed-amount",
            200.0,
            1999.0,
            None,
        ),
        discount(
            "cpn_big15",
            Some("BIG15"),
            "15% off orders of ₹4999 or more, up to ₹1000",
            "discount",
            "percentage",
            15.0,
            4999.0,
            Some(1000.0),
        ),
    ] {
        commerce::insert_coupon(db, store_id, &coupon).await?;
    }
    for promotion in [
        discount(
            "promo_welcome10",
            Some("WELCOME10"),
            "Welcome offer: 10% off",
            "discount",
            "percentage",
            10.0,
            0.0,
            None,
        ),
        discount(
            "promo_festive5",
            None,
            "Festive sale: 5% off orders of ₹2999 or more",
            "discount",
            "percentage",
            5.0,
            2999.0,
            None,
        ),
        discount(
            "promo_freeship",
            None,
            "Free shipping on orders of ₹999 or more",
            "free-shipping",
            "fixed-amount",
            0.0,
            999.0,
            None,
        ),
    ] {
        commerce::insert_promotion(db, store_id, &promotion).await?;
    }
    Ok(())
}

async fn seed_geo(db: &Db, store_id: &str) -> Result<()> {
    let countries = [
        ("IN", "India", "+91", "INR", "₹", "Indian Rupee", "Asia"),
        (
            "US",
            "United States",
            "+1",
            "USD",
            "$",
            "US Dollar",
            "North America",
        ),
        (
            "GB",
            "United Kingdom",
            "+44",
            "GBP",
            "£",
            "Pound Sterling",
            "Europe",
        ),
        ("DE", "Germany", "+49", "EUR", "€", "Euro", "Europe"),
        (
            "AE",
            "United Arab Emirates",
            "+971",
            "AED",
            "د.إ",
            "UAE Dirham",
            "Asia",
        ),
    ];
    for (iso, name, phone, code, symbol, currency, continent) in countries {
        geo::insert_country(
            db,
            store_id,
            &NewCountry {
                iso_code: iso.into(),
                name: name.into(),
                phone_code: phone.into(),
                currency_code: code.into(),
                currency_symbol: symbol.into(),
                currency_name: currency.into(),
                continent: continent.into(),
            },
        )
        .await?;
    }
    let states: [(&str, &str, &str, Option<&str>); 19] = [
        ("IN", "MH", "Maharashtra", Some("27")),
        ("IN", "KA", "Karnataka", Some("29")),
        ("IN", "DL", "Delhi", Some("07")),
        ("IN", "TN", "Tamil Nadu", Some("33")),
        ("IN", "WB", "West Bengal", Some("19")),
        ("IN", "GJ", "Gujarat", Some("24")),
        ("US", "CA", "California", None),
        ("US", "NY", "New York", None),
        ("US", "TX", "Texas", None),
        ("US", "WA", "Washington", None),
        ("GB", "ENG", "England", None),
        ("GB", "SCT", "Scotland", None),
        ("GB", "WLS", "Wales", None),
        ("GB", "NIR", "Northern Ireland", None),
        ("DE", "BE", "Berlin", None),
        ("DE", "BY", "Bavaria", None),
        ("DE", "HH", "Hamburg", None),
        ("AE", "DU", "Dubai", None),
        ("AE", "AZ", "Abu Dhabi", None),
    ];
    for (country, iso, name, gst) in states {
        geo::insert_state(db, store_id, country, iso, name, gst).await?;
    }
    let pincodes = [
        ("IN", "400001", "Mumbai", "Maharashtra"),
        ("IN", "411001", "Pune", "Maharashtra"),
        ("IN", "560001", "Bengaluru", "Karnataka"),
        ("IN", "110001", "New Delhi", "Delhi"),
        ("IN", "600001", "Chennai", "Tamil Nadu"),
        ("IN", "700001", "Kolkata", "West Bengal"),
        ("IN", "380001", "Ahmedabad", "Gujarat"),
        ("US", "94105", "San Francisco", "California"),
        ("US", "10001", "New York", "New York"),
        ("US", "73301", "Austin", "Texas"),
        ("GB", "SW1A 1AA", "London", "England"),
        ("DE", "10115", "Berlin", "Berlin"),
    ];
    for (country, pincode, city, state) in pincodes {
        geo::insert_pincode(db, store_id, country, pincode, city, state).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_deterministic_and_well_formed() {
        let (categories, products) = demo_catalog();
        assert_eq!(categories.len(), 12);
        assert_eq!(products.len(), 46);
        assert_eq!(demo_catalog().1, products);
        let mut skus = std::collections::HashSet::new();
        for p in &products {
            assert!(p.selling_price <= p.listing_price, "{}", p.name);
            if p.variants.is_empty() {
                assert!(skus.insert(p.sku.clone().unwrap()));
            }
            for v in &p.variants {
                assert!(skus.insert(v.sku.clone()), "duplicate SKU {}", v.sku);
            }
        }
        assert_eq!(slugify("65W USB-C Charger"), "65w-usb-c-charger");
        assert_eq!(price(1234.0), 1229.0);
    }
}
