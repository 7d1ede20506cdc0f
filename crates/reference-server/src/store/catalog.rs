//! The catalog: categories (nested), products, variants, SKUs with stock, images, search and
//! recommendations.
//!
//! Reads return the API's types (`Product`, `ProductDetail`, `Variant`, `VariantDetail`,
//! `Item`, `ProductCategory`) inside the response contents of the matching operations.
//!
//! Rules worth knowing:
//! - A category filter matches products in those categories *and their descendants*.
//! - `sort_by` is the spec's JSON object (`{"selling_price":"asc"}`), or `field`, `-field`,
//!   `field:desc`. Fields: `name`, `selling_price` (alias `price`), `listing_price`,
//!   `created_at`, `updated_at`. Default: name ascending. Ties break on id.
//! - Pagination: `page` from 1 (default 1), `limit` 1..=100 (default 20).
//! - Recommendations (one `Item` per product, its default variant):
//!   similar = active products sharing a category with any given product;
//!   up-sell = similar products with a higher selling price than the dearest given one;
//!   cross-sell = active products under none of the given products' top-level categories.

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row as _;
use storefront_types::{
    AssociatedOption, AssociatedOptionValue, CartItemProductType, CartItemTaxType, Category,
    ColorOption, ColorOptionValue, GetMarketplaceVariantDetailResponseContent,
    GetProductDetailResponseContent, Item, ListCategoriesResponseContent,
    ListCrosssellProductsResponseContent, ListMarketplaceProductVariantsResponseContent,
    ListProductsResponseContent, ListSkusResponseContent, Pagination, Product, ProductAttribute,
    ProductCategory, ProductDetail, ProductImage, ProductPricing, SearchProductsResponseContent,
    Seo, SingleSelectAttribute, SingleSelectOption, Variant, VariantDetail, VariantOption,
    VariantOptionType, VariantOptionValueItem,
};

use crate::db::{flag, int_flag, Arg, Backend, Db, SqlBuilder};
use crate::error::{Error, Result};
use crate::util;

/// Default page size.
pub const DEFAULT_LIMIT: i64 = 20;
/// Largest page size.
pub const MAX_LIMIT: i64 = 100;

// ----- paging and sorting ---------------------------------------------------------------------

/// A validated page request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// Page number, from 1.
    pub page: i64,
    /// Page size.
    pub limit: i64,
}

impl Page {
    /// Validates the optional `page` and `limit` query parameters; `BadRequest` when out of range.
    pub fn new(page: Option<i64>, limit: Option<i64>) -> Result<Self> {
        let page = page.unwrap_or(1);
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if page < 1 {
            return Err(Error::bad_request("page starts at 1"));
        }
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::bad_request(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            )));
        }
        Ok(Self { page, limit })
    }

    /// Rows to skip.
    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.limit)
    }

    /// The spec's pagination object for `total` records.
    pub fn pagination(&self, total: i64) -> Pagination {
        let total_pages = if total == 0 {
            0
        } else {
            (total + self.limit - 1) / self.limit
        };
        let mut pagination = Pagination::new(
            total,
            total_pages,
            self.limit,
            (self.page < total_pages).then(|| self.page + 1),
        );
        pagination.previous_page = (self.page > 1).then(|| self.page - 1);
        pagination
    }

    /// This page of `items`.
    pub fn slice<T: Clone>(&self, items: &[T]) -> Vec<T> {
        let start = usize::try_from(self.offset()).unwrap_or(usize::MAX);
        let limit = usize::try_from(self.limit).unwrap_or(0);
        items.iter().skip(start).take(limit).cloned().collect()
    }
}

/// A sort key parsed from `sort_by`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortKey {
    /// The field.
    pub field: String,
    /// Descending?
    pub descending: bool,
}

/// Parses `sort_by` (see the module docs); `BadRequest` for fields outside `allowed`.
pub fn parse_sort(sort_by: Option<&str>, allowed: &[&str]) -> Result<Vec<SortKey>> {
    let Some(raw) = sort_by.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(Vec::new());
    };
    let mut keys = Vec::new();
    let direction = |d: &str| match d.trim().to_ascii_lowercase().as_str() {
        "asc" | "1" => Ok(false),
        "desc" | "-1" => Ok(true),
        other => Err(Error::bad_request(format!(
            "unknown sort direction {other}"
        ))),
    };
    if raw.starts_with('{') {
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(raw)
            .map_err(|_| Error::bad_request("sort_by is not a JSON object"))?;
        for (field, dir) in map {
            let dir = match &dir {
                serde_json::Value::String(s) => direction(s)?,
                serde_json::Value::Number(n) => direction(&n.to_string())?,
                _ => return Err(Error::bad_request("sort direction must be asc or desc")),
            };
            keys.push(SortKey {
                field,
                descending: dir,
            });
        }
    } else {
        for part in raw.split(',') {
            let part = part.trim();
            let (field, descending) = if let Some(field) = part.strip_prefix('-') {
                (field.to_owned(), true)
            } else if let Some((field, dir)) = part.split_once(':') {
                (field.to_owned(), direction(dir)?)
            } else {
                (part.to_owned(), false)
            };
            keys.push(SortKey { field, descending });
        }
    }
    for key in &mut keys {
        if key.field == "price" {
            key.field = "selling_price".into();
        }
        if key.field == "modified_at" {
            key.field = "updated_at".into();
        }
        if !allowed.contains(&key.field.as_str()) {
            return Err(Error::bad_request(format!("cannot sort by {}", key.field)));
        }
    }
    Ok(keys)
}

const PRODUCT_SORT_FIELDS: &[&str] = &[
    "name",
    "selling_price",
    "listing_price",
    "created_at",
    "updated_at",
];

/// ORDER BY of products (alias `p`) for `keys`, with a backend-independent string order.
fn product_order(db: &Db, keys: &[SortKey]) -> String {
    let name = match db.backend() {
        Backend::Sqlite => "p.name COLLATE BINARY",
        Backend::Postgres => "p.name COLLATE \"C\"",
    };
    let mut parts: Vec<String> = keys
        .iter()
        .map(|k| {
            let column = match k.field.as_str() {
                "name" => name.to_owned(),
                other => format!("p.{other}"),
            };
            format!("{column} {}", if k.descending { "DESC" } else { "ASC" })
        })
        .collect();
    if keys.is_empty() {
        parts.push(format!("{name} ASC"));
    }
    parts.push("p.id ASC".into());
    parts.join(", ")
}

// ----- writing ----------------------------------------------------------------------------------

/// A category to insert.
#[derive(Clone, Debug, PartialEq)]
pub struct NewCategory {
    /// Id.
    pub id: String,
    /// Parent category, for nesting.
    pub parent_id: Option<String>,
    /// Name.
    pub name: String,
    /// Unique slug in the store.
    pub slug: String,
    /// Description.
    pub description: Option<String>,
    /// Position among its siblings.
    pub sort_order: i64,
}

/// A variant option value, such as size `M` or colour `Red` (`#d32f2f`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptionValue {
    /// Option key, such as `size`.
    pub key: String,
    /// Option name, such as `Size`.
    pub name: String,
    /// The value, such as `M`.
    pub value: String,
    /// For colour options, the colour as `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hexcode: Option<String>,
}

/// A single-select product attribute (`material`: `Cotton`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttributeValue {
    /// Attribute key.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// An image to insert.
#[derive(Clone, Debug, PartialEq)]
pub struct NewImage {
    /// Id.
    pub id: String,
    /// Base URL; the sizes are `?w=64`, `?w=240`, `?w=800`, `?w=1600` of it.
    pub url: String,
    /// Title.
    pub title: Option<String>,
    /// Alternate text.
    pub alternate_text: Option<String>,
}

/// A variant to insert.
#[derive(Clone, Debug, PartialEq)]
pub struct NewVariant {
    /// Id.
    pub id: String,
    /// SKU code (unique in the store).
    pub sku: String,
    /// Name.
    pub name: String,
    /// Slug.
    pub slug: String,
    /// Options that identify it.
    pub options: Vec<OptionValue>,
    /// Listing (MRP) price, including tax when the product's prices do.
    pub listing_price: f64,
    /// Selling price.
    pub selling_price: f64,
    /// Units in stock.
    pub stock: i64,
    /// Whether it is the product's default variant.
    pub is_default: bool,
    /// Its own images.
    pub images: Vec<NewImage>,
}

/// A product to insert with its variants, SKUs, stock and images.
#[derive(Clone, Debug, PartialEq)]
pub struct NewProduct {
    /// Id.
    pub id: String,
    /// SKU code of a product without variants.
    pub sku: Option<String>,
    /// Name.
    pub name: String,
    /// Unique slug in the store.
    pub slug: String,
    /// Short description.
    pub short_description: Option<String>,
    /// Long description.
    pub description: Option<String>,
    /// `physical`, `digital` or `bundle`.
    pub product_type: String,
    /// Whether it is listed.
    pub active: bool,
    /// Tags.
    pub tags: Vec<String>,
    /// Attributes.
    pub attributes: Vec<AttributeValue>,
    /// Categories it is in.
    pub category_ids: Vec<String>,
    /// Currency code.
    pub currency: String,
    /// Tax type (`GST`).
    pub tax_type: String,
    /// Tax rate in percent.
    pub tax_rate: f64,
    /// Whether the prices include tax.
    pub price_including_tax: bool,
    /// Listing price (of the default variant for products with variants).
    pub listing_price: f64,
    /// Selling price (of the default variant for products with variants).
    pub selling_price: f64,
    /// HSN code.
    pub hsn_code: Option<String>,
    /// Whether it can be ordered out of stock.
    pub backorder: bool,
    /// Units in stock of a product without variants.
    pub stock: i64,
    /// Product images.
    pub images: Vec<NewImage>,
    /// Variants (empty for a simple product).
    pub variants: Vec<NewVariant>,
    /// Unix seconds.
    pub created_at: i64,
}

/// Inserts a category; `Conflict` when the slug is taken in the store.
pub async fn insert_category(db: &Db, store_id: &str, category: &NewCategory) -> Result<()> {
    sqlx::query(
        "INSERT INTO categories (id, store_id, parent_id, name, slug, description, active, sort_order) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
    )
    .bind(&category.id)
    .bind(store_id)
    .bind(&category.parent_id)
    .bind(&category.name)
    .bind(&category.slug)
    .bind(&category.description)
    .bind(category.sort_order)
    .execute(db.pool())
    .await
    .map_err(conflict("category slug or id taken"))?;
    Ok(())
}

fn conflict(message: &'static str) -> impl Fn(sqlx::Error) -> Error {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => Error::Conflict(message.into()),
        _ => Error::Database(e),
    }
}

/// Inserts a product with its category links, variants, SKUs, images and search entry, in one
/// transaction. `Conflict` when its id, slug or a SKU is taken; `BadRequest` for an unknown
/// category, a missing SKU or a negative price.
pub async fn insert_product(db: &Db, store_id: &str, product: &NewProduct) -> Result<()> {
    if product.variants.is_empty() && product.sku.is_none() {
        return Err(Error::bad_request("a product without variants needs a SKU"));
    }
    if product.selling_price < 0.0
        || product.listing_price < 0.0
        || product
            .variants
            .iter()
            .any(|v| v.selling_price < 0.0 || v.listing_price < 0.0)
    {
        return Err(Error::bad_request("prices cannot be negative"));
    }
    let categories = load_categories(db, store_id).await?;
    let mut category_names = Vec::new();
    for id in &product.category_ids {
        let category = categories
            .iter()
            .find(|c| &c.id == id)
            .ok_or_else(|| Error::bad_request(format!("unknown category {id}")))?;
        category_names.push(category.name.clone());
    }
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "INSERT INTO products (id, store_id, sku, name, slug, short_description, description, product_type, active, \
         has_variant, tags, attributes, currency, tax_type, tax_rate, price_including_tax, listing_price, selling_price, \
         min_order_quantity, max_order_quantity, incremental_quantity, hsn_code, backorder, seo_title, seo_description, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         $18, 1, NULL, 1, $19, $20, $21, $22, $23, $23)",
    )
    .bind(&product.id)
    .bind(store_id)
    .bind(&product.sku)
    .bind(&product.name)
    .bind(&product.slug)
    .bind(&product.short_description)
    .bind(&product.description)
    .bind(&product.product_type)
    .bind(int_flag(product.active))
    .bind(int_flag(!product.variants.is_empty()))
    .bind(serde_json::to_string(&product.tags)?)
    .bind(serde_json::to_string(&product.attributes)?)
    .bind(&product.currency)
    .bind(&product.tax_type)
    .bind(product.tax_rate)
    .bind(int_flag(product.price_including_tax))
    .bind(product.listing_price)
    .bind(product.selling_price)
    .bind(&product.hsn_code)
    .bind(int_flag(product.backorder))
    .bind(&product.name)
    .bind(&product.short_description)
    .bind(product.created_at)
    .execute(&mut *tx)
    .await
    .map_err(conflict("product id or slug taken"))?;
    for category_id in &product.category_ids {
        sqlx::query("INSERT INTO product_categories (store_id, product_id, category_id) VALUES ($1, $2, $3)")
            .bind(store_id)
            .bind(&product.id)
            .bind(category_id)
            .execute(&mut *tx)
            .await?;
    }
    let insert_image = |variant_id: Option<String>, image: NewImage, sort_order: i64| {
        sqlx::query(
            "INSERT INTO product_images (id, store_id, product_id, variant_id, sort_order, url, title, alternate_text) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(image.id)
        .bind(store_id.to_owned())
        .bind(product.id.clone())
        .bind(variant_id)
        .bind(sort_order)
        .bind(image.url)
        .bind(image.title)
        .bind(image.alternate_text)
    };
    for (i, image) in product.images.iter().enumerate() {
        insert_image(None, image.clone(), i as i64)
            .execute(&mut *tx)
            .await
            .map_err(conflict("image id taken"))?;
    }
    if let Some(sku) = product.sku.as_ref().filter(|_| product.variants.is_empty()) {
        sqlx::query("INSERT INTO skus (store_id, sku, product_id, variant_id, stock) VALUES ($1, $2, $3, NULL, $4)")
            .bind(store_id)
            .bind(sku)
            .bind(&product.id)
            .bind(product.stock)
            .execute(&mut *tx)
            .await
            .map_err(conflict("SKU taken"))?;
    }
    let mut option_words = Vec::new();
    for (i, variant) in product.variants.iter().enumerate() {
        sqlx::query(
            "INSERT INTO variants (id, store_id, product_id, sku, name, slug, is_default, active, options, listing_price, \
             selling_price, sort_order) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $10, $11)",
        )
        .bind(&variant.id)
        .bind(store_id)
        .bind(&product.id)
        .bind(&variant.sku)
        .bind(&variant.name)
        .bind(&variant.slug)
        .bind(int_flag(variant.is_default))
        .bind(serde_json::to_string(&variant.options)?)
        .bind(variant.listing_price)
        .bind(variant.selling_price)
        .bind(i as i64)
        .execute(&mut *tx)
        .await
        .map_err(conflict("variant id taken"))?;
        sqlx::query("INSERT INTO skus (store_id, sku, product_id, variant_id, stock) VALUES ($1, $2, $3, $4, $5)")
            .bind(store_id)
            .bind(&variant.sku)
            .bind(&product.id)
            .bind(&variant.id)
            .bind(variant.stock)
            .execute(&mut *tx)
            .await
            .map_err(conflict("SKU taken"))?;
        for (j, image) in variant.images.iter().enumerate() {
            insert_image(Some(variant.id.clone()), image.clone(), j as i64)
                .execute(&mut *tx)
                .await
                .map_err(conflict("image id taken"))?;
        }
        option_words.extend(variant.options.iter().map(|o| o.value.clone()));
    }
    let body = [
        product.short_description.clone().unwrap_or_default(),
        product.description.clone().unwrap_or_default(),
        product.tags.join(" "),
        category_names.join(" "),
        option_words.join(" "),
    ]
    .join(" ");
    sqlx::query(
        "INSERT INTO product_search (product_id, store_id, name, body) VALUES ($1, $2, $3, $4)",
    )
    .bind(&product.id)
    .bind(store_id)
    .bind(&product.name)
    .bind(body)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets the stock of a SKU; `NotFound` when the store has no such SKU.
pub async fn set_stock(db: &Db, store_id: &str, sku: &str, stock: i64) -> Result<()> {
    let done = sqlx::query("UPDATE skus SET stock = $1 WHERE store_id = $2 AND sku = $3")
        .bind(stock)
        .bind(store_id)
        .bind(sku)
        .execute(db.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found(format!("SKU {sku}")));
    }
    Ok(())
}

/// Takes `quantity` units of a SKU out of stock, atomically: `Conflict` when fewer are in
/// stock (nothing is taken then), `NotFound` for an unknown SKU, `BadRequest` for a quantity
/// below 1. Returns the stock left.
pub async fn reserve_stock(db: &Db, store_id: &str, sku: &str, quantity: i64) -> Result<i64> {
    if quantity < 1 {
        return Err(Error::bad_request("quantity must be at least 1"));
    }
    let done = sqlx::query(
        "UPDATE skus SET stock = stock - $1 WHERE store_id = $2 AND sku = $3 AND stock >= $1",
    )
    .bind(quantity)
    .bind(store_id)
    .bind(sku)
    .execute(db.pool())
    .await?;
    let row = sqlx::query("SELECT stock FROM skus WHERE store_id = $1 AND sku = $2")
        .bind(store_id)
        .bind(sku)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| Error::not_found(format!("SKU {sku}")))?;
    if done.rows_affected() == 0 {
        return Err(Error::Conflict(format!("not enough stock of {sku}")));
    }
    Ok(row.try_get("stock")?)
}

// ----- categories --------------------------------------------------------------------------------

/// A category as stored, with its count of active products (its own and its descendants').
#[derive(Clone, Debug, PartialEq)]
struct CategoryRow {
    id: String,
    parent_id: Option<String>,
    name: String,
    slug: String,
    description: Option<String>,
    active: bool,
    sort_order: i64,
}

async fn load_categories(db: &Db, store_id: &str) -> Result<Vec<CategoryRow>> {
    let rows = sqlx::query(
        "SELECT id, parent_id, name, slug, description, active, sort_order FROM categories WHERE store_id = $1 \
         ORDER BY sort_order, id",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CategoryRow {
                id: row.try_get("id")?,
                parent_id: row.try_get("parent_id")?,
                name: row.try_get("name")?,
                slug: row.try_get("slug")?,
                description: row.try_get("description")?,
                active: flag(row, "active")?,
                sort_order: row.try_get("sort_order")?,
            })
        })
        .collect()
}

/// The category tree of a store, loaded once per call.
struct Tree {
    categories: Vec<CategoryRow>,
    /// Active product ids per category (direct links).
    products: HashMap<String, HashSet<String>>,
}

impl Tree {
    async fn load(db: &Db, store_id: &str) -> Result<Self> {
        let categories = load_categories(db, store_id).await?;
        let rows = sqlx::query(
            "SELECT pc.category_id, pc.product_id FROM product_categories pc JOIN products p ON p.id = pc.product_id AND p.store_id = pc.store_id \
             WHERE pc.store_id = $1 AND p.store_id = $1 AND p.active = 1",
        )
        .bind(store_id)
        .fetch_all(db.pool())
        .await?;
        let mut products: HashMap<String, HashSet<String>> = HashMap::new();
        for row in rows {
            products
                .entry(row.try_get("category_id")?)
                .or_default()
                .insert(row.try_get("product_id")?);
        }
        Ok(Self {
            categories,
            products,
        })
    }

    fn get(&self, id: &str) -> Option<&CategoryRow> {
        self.categories.iter().find(|c| c.id == id)
    }

    fn children(&self, id: &str) -> Vec<&CategoryRow> {
        self.categories
            .iter()
            .filter(|c| c.parent_id.as_deref() == Some(id))
            .collect()
    }

    /// `id` and every category below it.
    fn with_descendants(&self, id: &str) -> Vec<String> {
        let mut out = vec![id.to_owned()];
        let mut i = 0;
        while i < out.len() {
            let current = out[i].clone();
            out.extend(self.children(&current).into_iter().map(|c| c.id.clone()));
            i += 1;
        }
        out
    }

    /// The top-level ancestor of `id`.
    fn root_of(&self, id: &str) -> String {
        let mut current = id.to_owned();
        for _ in 0..64 {
            match self.get(&current).and_then(|c| c.parent_id.clone()) {
                Some(parent) => current = parent,
                None => break,
            }
        }
        current
    }

    fn product_count(&self, id: &str) -> i64 {
        let mut all = HashSet::new();
        for category in self.with_descendants(id) {
            if let Some(products) = self.products.get(&category) {
                all.extend(products.iter().cloned());
            }
        }
        all.len() as i64
    }

    fn category(&self, row: &CategoryRow) -> Category {
        Category::new(
            row.id.clone(),
            row.name.clone(),
            row.slug.clone(),
            row.description.clone(),
            row.parent_id.clone(),
            self.product_count(&row.id),
            row.active,
        )
    }

    /// Category ids matching the given ids and slugs, with their descendants; `None` when no
    /// filter is given.
    fn resolve(&self, ids: &[String], slugs: &[String]) -> Option<Vec<String>> {
        if ids.is_empty() && slugs.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        for row in &self.categories {
            if ids.contains(&row.id) || slugs.contains(&row.slug) {
                out.extend(self.with_descendants(&row.id));
            }
        }
        out.sort();
        out.dedup();
        Some(out)
    }
}

/// Parameters of list-categories.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CategoryQuery {
    /// Case-insensitive substring of the name or slug; searches every level.
    pub search: Option<String>,
    /// `name` or `sort_order` (default `sort_order`).
    pub sort_by: Option<String>,
    /// 0: no child categories; otherwise (default) the direct children.
    pub nested_level: Option<i64>,
    /// Only the children of this category.
    pub parent_category_id: Option<String>,
    /// Only the children of the category with this slug.
    pub parent_category_slug: Option<String>,
}

/// list-categories: top-level categories (or the children of the given parent, or every
/// category matching `search`), each with its direct children. `NotFound` for an unknown
/// parent.
pub async fn list_categories(
    db: &Db,
    store_id: &str,
    query: &CategoryQuery,
) -> Result<ListCategoriesResponseContent> {
    let tree = Tree::load(db, store_id).await?;
    let sort = parse_sort(query.sort_by.as_deref(), &["name", "sort_order"])?;
    let parent = match (&query.parent_category_id, &query.parent_category_slug) {
        (Some(id), _) => Some(
            tree.get(id)
                .ok_or_else(|| Error::not_found(format!("category {id}")))?
                .id
                .clone(),
        ),
        (None, Some(slug)) => Some(
            tree.categories
                .iter()
                .find(|c| &c.slug == slug)
                .ok_or_else(|| Error::not_found(format!("category {slug}")))?
                .id
                .clone(),
        ),
        (None, None) => None,
    };
    let mut roots: Vec<&CategoryRow> = match (&parent, query.search.as_deref().map(str::trim)) {
        (Some(parent), _) => tree.children(parent),
        (None, Some(search)) if !search.is_empty() => {
            let needle = search.to_lowercase();
            tree.categories
                .iter()
                .filter(|c| c.name.to_lowercase().contains(&needle) || c.slug.contains(&needle))
                .collect()
        }
        _ => tree
            .categories
            .iter()
            .filter(|c| c.parent_id.is_none())
            .collect(),
    };
    roots.retain(|c| c.active);
    let order = |a: &&CategoryRow, b: &&CategoryRow| {
        let mut ordering = std::cmp::Ordering::Equal;
        for key in &sort {
            let o = match key.field.as_str() {
                "name" => a.name.cmp(&b.name),
                _ => a.sort_order.cmp(&b.sort_order),
            };
            ordering = ordering.then(if key.descending { o.reverse() } else { o });
        }
        ordering
            .then(a.sort_order.cmp(&b.sort_order))
            .then(a.id.cmp(&b.id))
    };
    roots.sort_by(order);
    let nested = query.nested_level.unwrap_or(1) != 0;
    let categories: Vec<ProductCategory> = roots
        .iter()
        .map(|row| {
            let base = tree.category(row);
            let child_categories = nested.then(|| {
                let mut children = tree.children(&row.id);
                children.retain(|c| c.active);
                children.sort_by(order);
                children.iter().map(|c| tree.category(c)).collect()
            });
            ProductCategory::new(
                base.id,
                base.name,
                base.slug,
                base.description,
                base.parent_category_id,
                base.product_count,
                base.active,
                child_categories,
            )
        })
        .collect();
    let total = categories.len() as i64;
    Ok(ListCategoriesResponseContent::new(
        categories,
        Pagination::new(total, i64::from(total > 0), total.max(1), None),
    ))
}

// ----- loading products -------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct ProductRow {
    id: String,
    sku: Option<String>,
    name: String,
    slug: String,
    short_description: Option<String>,
    description: Option<String>,
    product_type: String,
    active: bool,
    has_variant: bool,
    tags: Vec<String>,
    attributes: Vec<AttributeValue>,
    currency: String,
    tax_type: String,
    tax_rate: f64,
    price_including_tax: bool,
    listing_price: f64,
    selling_price: f64,
    min_order_quantity: i64,
    max_order_quantity: Option<i64>,
    incremental_quantity: i64,
    hsn_code: Option<String>,
    backorder: bool,
    seo_title: Option<String>,
    seo_description: Option<String>,
}

const PRODUCT_COLUMNS: &str = "p.id, p.sku, p.name, p.slug, p.short_description, p.description, p.product_type, \
     p.active, p.has_variant, p.tags, p.attributes, p.currency, p.tax_type, p.tax_rate, p.price_including_tax, \
     p.listing_price, p.selling_price, p.min_order_quantity, p.max_order_quantity, p.incremental_quantity, \
     p.hsn_code, p.backorder, p.seo_title, p.seo_description";

fn product_row(row: &AnyRow) -> Result<ProductRow> {
    Ok(ProductRow {
        id: row.try_get("id")?,
        sku: row.try_get("sku")?,
        name: row.try_get("name")?,
        slug: row.try_get("slug")?,
        short_description: row.try_get("short_description")?,
        description: row.try_get("description")?,
        product_type: row.try_get("product_type")?,
        active: flag(row, "active")?,
        has_variant: flag(row, "has_variant")?,
        tags: serde_json::from_str(&row.try_get::<String, _>("tags")?)?,
        attributes: serde_json::from_str(&row.try_get::<String, _>("attributes")?)?,
        currency: row.try_get("currency")?,
        tax_type: row.try_get("tax_type")?,
        tax_rate: row.try_get("tax_rate")?,
        price_including_tax: flag(row, "price_including_tax")?,
        listing_price: row.try_get("listing_price")?,
        selling_price: row.try_get("selling_price")?,
        min_order_quantity: row.try_get("min_order_quantity")?,
        max_order_quantity: row.try_get("max_order_quantity")?,
        incremental_quantity: row.try_get("incremental_quantity")?,
        hsn_code: row.try_get("hsn_code")?,
        backorder: flag(row, "backorder")?,
        seo_title: row.try_get("seo_title")?,
        seo_description: row.try_get("seo_description")?,
    })
}

#[derive(Clone, Debug)]
struct VariantRow {
    id: String,
    sku: Option<String>,
    name: String,
    slug: String,
    is_default: bool,
    active: bool,
    options: Vec<OptionValue>,
    listing_price: f64,
    selling_price: f64,
}

#[derive(Clone, Debug)]
struct ImageRow {
    id: String,
    variant_id: Option<String>,
    sort_order: i64,
    url: String,
    title: Option<String>,
    alternate_text: Option<String>,
}

impl ImageRow {
    fn to_image(&self) -> ProductImage {
        ProductImage::new(
            self.id.clone(),
            self.title.clone(),
            self.alternate_text.clone(),
            self.sort_order,
            format!("{}?w=64", self.url),
            format!("{}?w=240", self.url),
            format!("{}?w=800", self.url),
            format!("{}?w=1600", self.url),
        )
    }
}

/// A product with everything its API views need.
#[derive(Clone, Debug)]
struct Loaded {
    product: ProductRow,
    categories: Vec<Category>,
    variants: Vec<VariantRow>,
    images: Vec<ImageRow>,
    /// Stock per SKU code.
    stock: HashMap<String, i64>,
    reviews_count: i64,
    reviews_rating_sum: f64,
}

/// Loads a product by id or slug; `NotFound` when the store has none (or it is inactive).
async fn load(db: &Db, store_id: &str, id_or_slug: &str, tree: &Tree) -> Result<Loaded> {
    let row = sqlx::query(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM products p WHERE p.store_id = $1 AND (p.id = $2 OR p.slug = $2) AND p.active = 1"
    ))
    .bind(store_id)
    .bind(id_or_slug)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| Error::not_found(format!("product {id_or_slug}")))?;
    let product = product_row(&row)?;
    let id = product.id.clone();
    let category_ids: Vec<String> = sqlx::query(
        "SELECT category_id FROM product_categories WHERE store_id = $1 AND product_id = $2 ORDER BY category_id",
    )
    .bind(store_id)
    .bind(&id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| r.try_get("category_id"))
    .collect::<Result<_, _>>()?;
    let categories = category_ids
        .iter()
        .filter_map(|c| tree.get(c))
        .map(|c| tree.category(c))
        .collect();
    let variants = sqlx::query(
        "SELECT id, sku, name, slug, is_default, active, options, listing_price, selling_price FROM variants \
         WHERE store_id = $1 AND product_id = $2 ORDER BY sort_order, id",
    )
    .bind(store_id)
    .bind(&id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(VariantRow {
            id: r.try_get("id")?,
            sku: r.try_get("sku")?,
            name: r.try_get("name")?,
            slug: r.try_get("slug")?,
            is_default: flag(r, "is_default")?,
            active: flag(r, "active")?,
            options: serde_json::from_str(&r.try_get::<String, _>("options")?)?,
            listing_price: r.try_get("listing_price")?,
            selling_price: r.try_get("selling_price")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let images = sqlx::query(
        "SELECT id, variant_id, sort_order, url, title, alternate_text FROM product_images \
         WHERE store_id = $1 AND product_id = $2 ORDER BY sort_order, id",
    )
    .bind(store_id)
    .bind(&id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(ImageRow {
            id: r.try_get("id")?,
            variant_id: r.try_get("variant_id")?,
            sort_order: r.try_get("sort_order")?,
            url: r.try_get("url")?,
            title: r.try_get("title")?,
            alternate_text: r.try_get("alternate_text")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let mut stock = HashMap::new();
    for r in sqlx::query("SELECT sku, stock FROM skus WHERE store_id = $1 AND product_id = $2")
        .bind(store_id)
        .bind(&id)
        .fetch_all(db.pool())
        .await?
    {
        stock.insert(
            r.try_get::<String, _>("sku")?,
            r.try_get::<i64, _>("stock")?,
        );
    }
    let ratings: Vec<f64> =
        sqlx::query("SELECT rating FROM reviews WHERE store_id = $1 AND product_id = $2 AND status = 'approved'")
            .bind(store_id)
            .bind(&id)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| r.try_get("rating"))
            .collect::<Result<_, _>>()?;
    Ok(Loaded {
        product,
        categories,
        variants,
        images,
        stock,
        reviews_count: ratings.len() as i64,
        reviews_rating_sum: ratings.iter().sum(),
    })
}

fn associated_options(options: &[OptionValue]) -> AssociatedOption {
    options
        .iter()
        .map(|o| {
            let value = match &o.hexcode {
                Some(hex) => AssociatedOptionValue::ColorOption(Box::new(ColorOption::new(
                    o.name.clone(),
                    ColorOptionValue::new(hex.clone(), o.value.clone()),
                ))),
                None => AssociatedOptionValue::SingleSelectOption(Box::new(
                    SingleSelectOption::new(o.name.clone(), o.value.clone()),
                )),
            };
            (o.key.clone(), value)
        })
        .collect::<BTreeMap<_, _>>()
}

impl Loaded {
    fn pricing(&self, listing: f64, selling: f64) -> ProductPricing {
        let p = &self.product;
        let (listing, selling) = (util::money(listing), util::money(selling));
        let excluding = if p.price_including_tax {
            let divisor = Decimal::ONE + util::money(p.tax_rate) / Decimal::ONE_HUNDRED;
            util::round_money(selling / divisor)
        } else {
            selling
        };
        let mut pricing = ProductPricing::new(
            p.currency.clone(),
            p.tax_rate,
            p.price_including_tax,
            listing,
            selling,
            p.max_order_quantity,
            excluding,
        );
        pricing.tax_type = CartItemTaxType::from(p.tax_type.as_str());
        pricing.min_order_quantity = p.min_order_quantity;
        pricing.incremental_quantity = p.incremental_quantity;
        pricing
    }

    fn in_stock(&self, sku: Option<&str>) -> bool {
        self.product.backorder || sku.and_then(|s| self.stock.get(s)).is_some_and(|n| *n > 0)
    }

    fn product_images(&self) -> Vec<ProductImage> {
        self.images
            .iter()
            .filter(|i| i.variant_id.is_none())
            .map(ImageRow::to_image)
            .collect()
    }

    /// A variant's own images, or the product's when it has none.
    fn variant_images(&self, variant_id: &str) -> Vec<ProductImage> {
        let own: Vec<_> = self
            .images
            .iter()
            .filter(|i| i.variant_id.as_deref() == Some(variant_id))
            .map(ImageRow::to_image)
            .collect();
        if own.is_empty() {
            self.product_images()
        } else {
            own
        }
    }

    fn attributes(&self) -> Vec<ProductAttribute> {
        self.product
            .attributes
            .iter()
            .map(|a| {
                ProductAttribute::SingleSelectAttribute(Box::new(SingleSelectAttribute::new(
                    a.key.clone(),
                    a.name.clone(),
                    a.key.clone(),
                    a.value.clone(),
                )))
            })
            .collect()
    }

    fn variant_options(&self) -> Vec<VariantOption> {
        let mut options: Vec<VariantOption> = Vec::new();
        for variant in &self.variants {
            for o in &variant.options {
                let item = match &o.hexcode {
                    Some(hex) => {
                        let mut map = serde_json::Map::new();
                        map.insert("name".into(), o.value.clone().into());
                        map.insert("hexcode".into(), hex.clone().into());
                        VariantOptionValueItem::Object(map)
                    }
                    None => VariantOptionValueItem::String(o.value.clone()),
                };
                match options.iter_mut().find(|x| x.key == o.key) {
                    Some(existing) => {
                        if !existing.value.contains(&item) {
                            existing.value.push(item);
                        }
                    }
                    None => options.push(VariantOption::new(
                        o.name.clone(),
                        o.key.clone(),
                        if o.hexcode.is_some() {
                            VariantOptionType::Color
                        } else {
                            VariantOptionType::SingleSelect
                        },
                        vec![item],
                    )),
                }
            }
        }
        options
    }

    fn default_variant(&self) -> Option<&VariantRow> {
        self.variants
            .iter()
            .find(|v| v.is_default)
            .or_else(|| self.variants.first())
    }

    fn variant(&self, v: &VariantRow) -> Variant {
        let p = &self.product;
        let mut variant = Variant::new(
            v.id.clone(),
            p.id.clone(),
            v.sku.clone(),
            v.slug.clone(),
            v.name.clone(),
            p.name.clone(),
            p.short_description.clone(),
            v.active,
            self.in_stock(v.sku.as_deref()),
            false, // on_promotion
            false, // on_subscription
            v.is_default,
            associated_options(&v.options),
            self.variant_images(&v.id),
            Vec::new(), // videos
            self.pricing(v.listing_price, v.selling_price),
            Vec::new(), // subscription
            None,       // promotion
        );
        variant.backorder = Some(p.backorder);
        variant
    }

    fn category_ids(&self) -> Vec<String> {
        self.categories.iter().map(|c| c.id.clone()).collect()
    }

    fn product(&self) -> Product {
        let p = &self.product;
        let stock_available = if p.has_variant {
            self.variants
                .iter()
                .any(|v| self.in_stock(v.sku.as_deref()))
        } else {
            self.in_stock(p.sku.as_deref())
        };
        let mut product = Product::new(
            p.id.clone(),
            p.sku.clone(),
            p.name.clone(),
            p.slug.clone(),
            p.short_description.clone(),
            CartItemProductType::from(p.product_type.as_str()),
            p.active,
            stock_available,
            false, // on_subscription
            false, // on_promotion
            p.has_variant,
            Some(p.tags.clone()),
            self.category_ids(),
            self.categories.clone(),
            self.reviews_rating_sum,
            self.reviews_count,
            self.attributes(),
            self.pricing(p.listing_price, p.selling_price),
            p.has_variant.then(|| self.variant_options()),
            None, // promotion
            self.product_images(),
            Vec::new(), // subscription
            self.variants
                .iter()
                .map(|v| self.variant(v))
                .collect::<Vec<_>>(),
            Vec::new(), // bundle_items
        );
        product.backorder = Some(p.backorder);
        product
    }

    fn seo(&self) -> Seo {
        Seo::new(
            self.product.seo_title.clone(),
            self.product.seo_description.clone(),
            Some(self.product.tags.clone()),
        )
    }

    fn detail(&self, upsell: Vec<String>, crosssell: Vec<String>) -> ProductDetail {
        let b = self.product();
        let mut detail = ProductDetail::new(
            b.id,
            b.sku,
            b.name,
            b.slug,
            b.short_description,
            b.product_type,
            b.active,
            b.stock_available,
            b.on_subscription,
            b.on_promotion,
            b.has_variant,
            b.tags,
            b.category_ids,
            b.categories,
            b.reviews_rating_sum,
            b.reviews_count,
            b.attributes,
            b.pricing,
            b.variant_options,
            b.promotion,
            b.images,
            b.subscription,
            b.variants,
            b.bundle_items,
            self.product.description.clone(),
            self.product.hsn_code.clone(),
            Vec::new(), // videos
            None,       // shipping
            upsell.into_iter().map(Some).collect::<Vec<_>>(),
            crosssell,
            self.seo(),
            None, // metadata
        );
        detail.backorder = b.backorder;
        detail.inventory = b.inventory;
        detail
    }

    fn variant_detail(&self, v: &VariantRow) -> VariantDetail {
        let b = self.variant(v);
        let mut detail = VariantDetail::new(
            b.id,
            b.product_id,
            b.sku,
            b.slug,
            b.name,
            b.product_name,
            b.short_description,
            b.active,
            b.stock_available,
            b.on_promotion,
            b.on_subscription,
            b.is_default,
            b.associated_options,
            b.images,
            b.videos,
            b.pricing,
            b.subscription,
            b.promotion,
            CartItemProductType::from(self.product.product_type.as_str()),
            self.product.description.clone(),
            self.category_ids(),
            Some(self.product.tags.clone()),
            Some(self.reviews_rating_sum),
            self.reviews_count,
            self.product.hsn_code.clone(),
            self.variant_options(),
            self.attributes(),
            Vec::new(), // variant_attributes
            None,       // shipping
            self.seo(),
            None, // metadata
        );
        detail.backorder = b.backorder;
        detail.inventory = b.inventory;
        detail
    }

    /// The SKU item of a variant, or of the product itself when `variant` is `None`.
    fn item(&self, variant: Option<&VariantRow>) -> Item {
        let p = &self.product;
        let (sku, variant_id, variant_slug, variant_name, pricing, images, options) = match variant
        {
            Some(v) => (
                v.sku.clone().unwrap_or_default(),
                Some(v.id.clone()),
                v.slug.clone(),
                Some(v.name.clone()),
                self.pricing(v.listing_price, v.selling_price),
                self.variant_images(&v.id),
                Some(associated_options(&v.options)),
            ),
            None => (
                p.sku.clone().unwrap_or_default(),
                None,
                p.slug.clone(),
                None,
                self.pricing(p.listing_price, p.selling_price),
                self.product_images(),
                None,
            ),
        };
        let stock_available = self.in_stock(Some(&sku));
        let mut item = Item::new(
            p.id.clone(),
            variant_id,
            sku,
            p.slug.clone(),
            variant_slug,
            p.name.clone(),
            variant_name,
            CartItemProductType::from(p.product_type.as_str()),
            p.short_description.clone(),
            p.active,
            stock_available,
            false, // on_subscription
            false, // on_promotion
            self.category_ids(),
            Some(p.tags.clone()),
            self.reviews_count,
            Some(self.reviews_rating_sum),
            self.attributes(),
            images,
            pricing,
            None,       // promotion
            Vec::new(), // subscription
            options,
        );
        item.backorder = Some(p.backorder);
        item.categories = Some(self.categories.clone());
        item
    }

    /// One item for the product: its default variant's, or its own.
    fn default_item(&self) -> Item {
        self.item(self.default_variant())
    }

    fn item_for_sku(&self, sku: &str) -> Option<Item> {
        if self.product.has_variant {
            self.variants
                .iter()
                .find(|v| v.sku.as_deref() == Some(sku))
                .map(|v| self.item(Some(v)))
        } else {
            (self.product.sku.as_deref() == Some(sku)).then(|| self.item(None))
        }
    }
}

// ----- products ---------------------------------------------------------------------------------

/// Parameters of list-products and list-skus.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProductQuery {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Page size, 1..=100.
    pub limit: Option<i64>,
    /// Sort order (see the module docs).
    pub sort_by: Option<String>,
    /// Only items in these categories (or below them).
    pub category_ids: Vec<String>,
    /// Only items in the categories with these slugs (or below them).
    pub category_slugs: Vec<String>,
    /// Only products of this type (`physical`, `digital`, `bundle`).
    pub product_type: Option<String>,
    /// list-skus only: only these SKU codes.
    pub skus: Vec<String>,
}

/// The WHERE clause of product listings (products aliased `p`), or `None` when a category
/// filter matches no category (so nothing can match).
fn product_filter(store_id: &str, query: &ProductQuery, tree: &Tree) -> Option<SqlBuilder> {
    let mut sql = SqlBuilder::new(" WHERE p.store_id = ");
    sql.bind(Arg::Text(store_id.to_owned()))
        .push(" AND p.active = 1");
    if let Some(kind) = &query.product_type {
        sql.push(" AND p.product_type = ")
            .bind(Arg::Text(kind.clone()));
    }
    if let Some(categories) = tree.resolve(&query.category_ids, &query.category_slugs) {
        if categories.is_empty() {
            return None;
        }
        sql.push(
            " AND p.id IN (SELECT pc.product_id FROM product_categories pc WHERE pc.store_id = ",
        )
        .bind(Arg::Text(store_id.to_owned()))
        .push(" AND pc.category_id IN ")
        .bind_list(&categories)
        .push(")");
    }
    Some(sql)
}

async fn count(db: &Db, from: &str, filter: &SqlBuilder) -> Result<i64> {
    let mut sql = SqlBuilder::new(&format!("SELECT COUNT(*) AS n FROM {from}"));
    sql.push(&filter.sql);
    let mut counted = filter.clone();
    counted.sql = sql.sql;
    Ok(counted.fetch_one(db).await?.try_get("n")?)
}

/// list-products: a page of active products with the filters of [`ProductQuery`].
pub async fn list_products(
    db: &Db,
    store_id: &str,
    query: &ProductQuery,
) -> Result<ListProductsResponseContent> {
    let page = Page::new(query.page, query.limit)?;
    let sort = parse_sort(query.sort_by.as_deref(), PRODUCT_SORT_FIELDS)?;
    let tree = Tree::load(db, store_id).await?;
    let Some(filter) = product_filter(store_id, query, &tree) else {
        return Ok(ListProductsResponseContent::new(
            Vec::new(),
            page.pagination(0),
        ));
    };
    let total = count(db, "products p", &filter).await?;
    let mut select = filter.clone();
    select.sql = format!(
        "SELECT p.id FROM products p{} ORDER BY {}",
        filter.sql,
        product_order(db, &sort)
    );
    select
        .push(" LIMIT ")
        .bind(Arg::Int(page.limit))
        .push(" OFFSET ")
        .bind(Arg::Int(page.offset()));
    let mut products = Vec::new();
    for row in select.fetch_all(db).await? {
        let id: String = row.try_get("id")?;
        products.push(load(db, store_id, &id, &tree).await?.product());
    }
    Ok(ListProductsResponseContent::new(
        products,
        page.pagination(total),
    ))
}

/// list-skus: a page of SKU items (one per variant, or per product without variants) with the
/// filters of [`ProductQuery`]; sorted like products, then by SKU.
pub async fn list_skus(
    db: &Db,
    store_id: &str,
    query: &ProductQuery,
) -> Result<ListSkusResponseContent> {
    let page = Page::new(query.page, query.limit)?;
    let sort = parse_sort(query.sort_by.as_deref(), PRODUCT_SORT_FIELDS)?;
    let tree = Tree::load(db, store_id).await?;
    let Some(mut filter) = product_filter(store_id, query, &tree) else {
        return Ok(ListSkusResponseContent::new(Vec::new(), page.pagination(0)));
    };
    filter
        .push(" AND s.store_id = ")
        .bind(Arg::Text(store_id.to_owned()));
    if !query.skus.is_empty() {
        filter.push(" AND s.sku IN ").bind_list(&query.skus);
    }
    let from = "skus s JOIN products p ON p.id = s.product_id AND p.store_id = s.store_id \
        LEFT JOIN variants v ON v.id = s.variant_id AND v.store_id = s.store_id";
    let total = count(db, from, &filter).await?;
    let order = product_order(db, &sort).replace(
        "p.selling_price",
        "COALESCE(v.selling_price, p.selling_price)",
    );
    let order = order.replace(
        "p.listing_price",
        "COALESCE(v.listing_price, p.listing_price)",
    );
    let mut select = filter.clone();
    select.sql = format!(
        "SELECT s.sku, s.product_id FROM {from}{} ORDER BY {order}, s.sku",
        filter.sql
    );
    select
        .push(" LIMIT ")
        .bind(Arg::Int(page.limit))
        .push(" OFFSET ")
        .bind(Arg::Int(page.offset()));
    let mut cache: HashMap<String, Loaded> = HashMap::new();
    let mut skus = Vec::new();
    for row in select.fetch_all(db).await? {
        let sku: String = row.try_get("sku")?;
        let product_id: String = row.try_get("product_id")?;
        if !cache.contains_key(&product_id) {
            let loaded = load(db, store_id, &product_id, &tree).await?;
            cache.insert(product_id.clone(), loaded);
        }
        if let Some(item) = cache.get(&product_id).and_then(|l| l.item_for_sku(&sku)) {
            skus.push(item);
        }
    }
    Ok(ListSkusResponseContent::new(skus, page.pagination(total)))
}

/// get-product-detail: the product by id or slug, with up-sell and cross-sell ids (first 10
/// of each by the module's rules). `NotFound` when the store has no such active product.
pub async fn get_product_detail(
    db: &Db,
    store_id: &str,
    id_or_slug: &str,
) -> Result<GetProductDetailResponseContent> {
    let tree = Tree::load(db, store_id).await?;
    let loaded = load(db, store_id, id_or_slug, &tree).await?;
    let ids = [loaded.product.id.clone()];
    let upsell = recommend(db, store_id, &ids, Recommendation::UpSell, &tree).await?;
    let crosssell = recommend(db, store_id, &ids, Recommendation::CrossSell, &tree).await?;
    let first = |v: Vec<String>| v.into_iter().take(10).collect();
    Ok(GetProductDetailResponseContent::new(
        loaded.detail(first(upsell), first(crosssell)),
    ))
}

/// list-product-variants: the variants of a product (by id or slug); empty for a product
/// without variants.
pub async fn list_product_variants(
    db: &Db,
    store_id: &str,
    product_id_or_slug: &str,
) -> Result<ListMarketplaceProductVariantsResponseContent> {
    let tree = Tree::load(db, store_id).await?;
    let loaded = load(db, store_id, product_id_or_slug, &tree).await?;
    Ok(ListMarketplaceProductVariantsResponseContent::new(
        loaded
            .variants
            .iter()
            .map(|v| loaded.variant(v))
            .collect::<Vec<_>>(),
    ))
}

/// get-variant-detail: one variant (by id or slug) of a product (by id or slug).
pub async fn get_variant_detail(
    db: &Db,
    store_id: &str,
    product_id_or_slug: &str,
    variant_id_or_slug: &str,
) -> Result<GetMarketplaceVariantDetailResponseContent> {
    let tree = Tree::load(db, store_id).await?;
    let loaded = load(db, store_id, product_id_or_slug, &tree).await?;
    let variant = loaded
        .variants
        .iter()
        .find(|v| v.id == variant_id_or_slug || v.slug == variant_id_or_slug)
        .ok_or_else(|| Error::not_found(format!("variant {variant_id_or_slug}")))?;
    Ok(GetMarketplaceVariantDetailResponseContent::new(
        loaded.variant_detail(variant),
    ))
}

// ----- search -----------------------------------------------------------------------------------

/// The words of a search query: alphanumeric runs, lower case, at most 10.
fn search_terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(10)
        .collect()
}

/// Ids of active products matching every word of `query` (as a prefix), best first.
pub async fn search_product_ids(db: &Db, store_id: &str, query: &str) -> Result<Vec<String>> {
    let terms = search_terms(query);
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let rows = match db.backend() {
        Backend::Sqlite => {
            // FTS5 query syntax: each word quoted (no operators from the user) as a prefix.
            let fts: Vec<String> = terms.iter().map(|t| format!("\"{t}\"*")).collect();
            sqlx::query(
                "SELECT s.product_id FROM product_search s JOIN products p ON p.id = s.product_id AND p.store_id = s.store_id \
                 WHERE product_search MATCH $1 AND s.store_id = $2 AND p.active = 1 ORDER BY rank, s.product_id",
            )
            .bind(fts.join(" "))
            .bind(store_id)
            .fetch_all(db.pool())
            .await?
        }
        Backend::Postgres => {
            let tsquery: Vec<String> = terms.iter().map(|t| format!("{t}:*")).collect();
            sqlx::query(
                "SELECT s.product_id FROM product_search s JOIN products p ON p.id = s.product_id AND p.store_id = s.store_id \
                 WHERE to_tsvector('simple', s.name || ' ' || s.body) @@ to_tsquery('simple', $1) \
                 AND s.store_id = $2 AND p.active = 1 \
                 ORDER BY ts_rank(to_tsvector('simple', s.name || ' ' || s.body), to_tsquery('simple', $1)) DESC, \
                 s.product_id",
            )
            .bind(tsquery.join(" & "))
            .bind(store_id)
            .fetch_all(db.pool())
            .await?
        }
    };
    Ok(rows
        .iter()
        .map(|r| r.try_get("product_id"))
        .collect::<Result<_, _>>()?)
}

/// search-products: SKU items of the products matching `query` (full text over name,
/// descriptions, tags, category names and option values; every word must match as a prefix),
/// best match first. Facets are not computed (empty maps).
pub async fn search_products(
    db: &Db,
    store_id: &str,
    query: &str,
    page: Option<i64>,
    limit: Option<i64>,
) -> Result<SearchProductsResponseContent> {
    let page = Page::new(page, limit)?;
    let tree = Tree::load(db, store_id).await?;
    let mut items = Vec::new();
    for id in search_product_ids(db, store_id, query).await? {
        let loaded = load(db, store_id, &id, &tree).await?;
        if loaded.product.has_variant {
            items.extend(loaded.variants.iter().map(|v| loaded.item(Some(v))));
        } else {
            items.push(loaded.item(None));
        }
    }
    Ok(SearchProductsResponseContent::new(
        page.slice(&items),
        BTreeMap::new(),
        BTreeMap::new(),
        page.pagination(items.len() as i64),
    ))
}

// ----- recommendations --------------------------------------------------------------------------

/// Which recommendation list (see the module docs for the rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recommendation {
    /// Same category.
    Similar,
    /// Same category, dearer.
    UpSell,
    /// Other top-level categories.
    CrossSell,
}

/// Ids of the recommended products for `product_ids`, in the list's order.
async fn recommend(
    db: &Db,
    store_id: &str,
    product_ids: &[String],
    kind: Recommendation,
    tree: &Tree,
) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT id, selling_price, name FROM products WHERE store_id = $1 AND active = 1",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    let mut products: Vec<(String, f64, String)> = Vec::new();
    for row in rows {
        products.push((
            row.try_get("id")?,
            row.try_get("selling_price")?,
            row.try_get("name")?,
        ));
    }
    let mut categories_of: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (category, ids) in &tree.products {
        for id in ids {
            categories_of
                .entry(id.as_str())
                .or_default()
                .insert(category.as_str());
        }
    }
    let mut given_categories: HashSet<&str> = HashSet::new();
    let mut max_price = f64::MIN;
    for id in product_ids {
        let (_, price, _) = products
            .iter()
            .find(|(p, _, _)| p == id)
            .ok_or_else(|| Error::not_found(format!("product {id}")))?;
        max_price = max_price.max(*price);
        given_categories.extend(
            categories_of
                .get(id.as_str())
                .into_iter()
                .flatten()
                .copied(),
        );
    }
    let given_roots: HashSet<String> = given_categories.iter().map(|c| tree.root_of(c)).collect();
    let mut chosen: Vec<&(String, f64, String)> = products
        .iter()
        .filter(|(id, price, _)| {
            if product_ids.contains(id) {
                return false;
            }
            let cats = categories_of.get(id.as_str());
            let shares = cats.is_some_and(|c| c.iter().any(|x| given_categories.contains(x)));
            match kind {
                Recommendation::Similar => shares,
                Recommendation::UpSell => shares && *price > max_price,
                Recommendation::CrossSell => cats.is_some_and(|c| {
                    !c.is_empty() && c.iter().all(|x| !given_roots.contains(&tree.root_of(x)))
                }),
            }
        })
        .collect();
    match kind {
        Recommendation::UpSell => chosen.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0))),
        _ => chosen.sort_by(|a, b| a.2.cmp(&b.2).then(a.0.cmp(&b.0))),
    }
    Ok(chosen.into_iter().map(|(id, _, _)| id.clone()).collect())
}

/// list-similar-products, list-upsell-products, list-crosssell-products: a page of items (one
/// per product) recommended for `product_ids`. `BadRequest` without product ids, `NotFound`
/// for an unknown one.
pub async fn list_recommendations(
    db: &Db,
    store_id: &str,
    product_ids: &[String],
    kind: Recommendation,
    page: Option<i64>,
    limit: Option<i64>,
) -> Result<ListCrosssellProductsResponseContent> {
    if product_ids.is_empty() {
        return Err(Error::bad_request("product_id is required"));
    }
    let page = Page::new(page, limit)?;
    let tree = Tree::load(db, store_id).await?;
    let ids = recommend(db, store_id, product_ids, kind, &tree).await?;
    let mut products = Vec::new();
    for id in page.slice(&ids) {
        products.push(load(db, store_id, &id, &tree).await?.default_item());
    }
    Ok(ListCrosssellProductsResponseContent::new(
        products,
        page.pagination(ids.len() as i64),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages() {
        let page = Page::new(Some(2), Some(10)).unwrap();
        let p = page.pagination(25);
        assert_eq!(
            (p.total_pages, p.previous_page, p.next_page),
            (3, Some(1), Some(3))
        );
        let last = Page::new(Some(3), Some(10)).unwrap().pagination(25);
        assert_eq!(last.next_page, None);
        assert_eq!(Page::new(None, None).unwrap().pagination(0).total_pages, 0);
        assert!(Page::new(Some(0), None).is_err());
        assert!(Page::new(None, Some(101)).is_err());
        assert_eq!(
            page.slice(&(0..25).collect::<Vec<_>>()),
            (10..20).collect::<Vec<_>>()
        );
    }

    #[test]
    fn sort_syntax() {
        let keys = parse_sort(
            Some(r#"{"price":"desc","name":"asc"}"#),
            PRODUCT_SORT_FIELDS,
        )
        .unwrap();
        assert_eq!(
            keys[0],
            SortKey {
                field: "selling_price".into(),
                descending: true
            }
        );
        assert!(!keys[1].descending);
        assert!(parse_sort(Some("-created_at"), PRODUCT_SORT_FIELDS).unwrap()[0].descending);
        assert!(parse_sort(Some("name:desc"), PRODUCT_SORT_FIELDS).unwrap()[0].descending);
        assert!(parse_sort(Some("password_hash"), PRODUCT_SORT_FIELDS).is_err());
        assert!(parse_sort(Some("{not json"), PRODUCT_SORT_FIELDS).is_err());
        assert!(parse_sort(Some(r#"{"name":"sideways"}"#), PRODUCT_SORT_FIELDS).is_err());
    }

    #[test]
    fn search_terms_drop_operators() {
        assert_eq!(
            search_terms("Cotton \"kurta\" OR* (x)"),
            ["cotton", "kurta", "or", "x"]
        );
        assert!(search_terms("  --  ").is_empty());
    }
}
