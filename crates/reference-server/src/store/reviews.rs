//! Product reviews.

use std::collections::BTreeSet;

use sqlx::Row as _;
use storefront_types::{
    ListMarketplaceProductReviewsResponseContent, ProductReview, ProductReviewStatus,
};

use crate::db::{flag, int_flag, Db};
use crate::error::{Error, Result};
use crate::store::catalog::{parse_sort, Page};
use crate::store::users::UserRecord;
use crate::util;

/// A review to write (create-product-review).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewReview {
    /// Rating, 1 to 5 (halves allowed).
    pub rating: f64,
    /// Text, at most 5000 characters.
    pub review_text: Option<String>,
    /// Order the product was bought in (not checked: orders are not implemented yet).
    pub order_number: Option<String>,
    /// Tags (for filter chips).
    pub tags: Vec<String>,
}

/// Parameters of list-product-reviews.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewQuery {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Page size.
    pub limit: Option<i64>,
    /// `created_at` (default, newest first) or `rating`.
    pub sort_by: Option<String>,
    /// Case-insensitive substring of the review text.
    pub search: Option<String>,
    /// Only reviews with this tag.
    pub review_tag: Option<String>,
}

async fn product_id(db: &Db, store_id: &str, id_or_slug: &str) -> Result<String> {
    let row = sqlx::query(
        "SELECT id FROM products WHERE store_id = $1 AND (id = $2 OR slug = $2) AND active = 1",
    )
    .bind(store_id)
    .bind(id_or_slug)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| Error::not_found(format!("product {id_or_slug}")))?;
    Ok(row.try_get("id")?)
}

/// Inserts a review as it is (for seeding): status `approved`.
pub async fn insert_review(
    db: &Db,
    store_id: &str,
    product_id: &str,
    name: &str,
    email: Option<&str>,
    review: &NewReview,
    created_at: i64,
) -> Result<String> {
    let id = util::new_ulid()?;
    sqlx::query(
        "INSERT INTO reviews (id, store_id, product_id, user_id, order_number, name, email, rating, review_text, tags, \
         status, is_featured, created_at, updated_at) VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8, $9, 'approved', $10, $11, $11)",
    )
    .bind(&id)
    .bind(store_id)
    .bind(product_id)
    .bind(&review.order_number)
    .bind(name)
    .bind(email)
    .bind(review.rating)
    .bind(&review.review_text)
    .bind(serde_json::to_string(&review.tags)?)
    .bind(int_flag(review.rating >= 5.0))
    .bind(created_at)
    .execute(db.pool())
    .await?;
    Ok(id)
}

/// create-product-review: a signed-in user's review of a product (by id or slug), published
/// at once. `Unauthorized` for an anonymous user, `BadRequest` for a rating outside 1..=5 or a
/// text over 5000 characters, `NotFound` for an unknown product, `Conflict` for a second
/// review of the same product by the same user.
pub async fn create_review(
    db: &Db,
    store_id: &str,
    product_id_or_slug: &str,
    user: &UserRecord,
    review: &NewReview,
) -> Result<ProductReview> {
    if user.is_anonymous || user.store_id != store_id {
        return Err(Error::unauthorized("sign in to write a review"));
    }
    if !(1.0..=5.0).contains(&review.rating) || (review.rating * 2.0).fract() != 0.0 {
        return Err(Error::bad_request(
            "rating must be between 1 and 5, in halves",
        ));
    }
    if review
        .review_text
        .as_deref()
        .is_some_and(|t| t.chars().count() > 5000)
    {
        return Err(Error::bad_request(
            "review text is longer than 5000 characters",
        ));
    }
    let product_id = product_id(db, store_id, product_id_or_slug).await?;
    let existing = sqlx::query(
        "SELECT id FROM reviews WHERE store_id = $1 AND product_id = $2 AND user_id = $3",
    )
    .bind(store_id)
    .bind(&product_id)
    .bind(&user.id)
    .fetch_optional(db.pool())
    .await?;
    if existing.is_some() {
        return Err(Error::Conflict("you already reviewed this product".into()));
    }
    let now = util::now_secs();
    let name = [user.first_name.clone(), user.last_name.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    sqlx::query(
        "INSERT INTO reviews (id, store_id, product_id, user_id, order_number, name, email, rating, review_text, tags, \
         status, is_featured, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'approved', 0, $11, $11)",
    )
    .bind(util::new_ulid()?)
    .bind(store_id)
    .bind(&product_id)
    .bind(&user.id)
    .bind(&review.order_number)
    .bind(&name)
    .bind(&user.email)
    .bind(review.rating)
    .bind(&review.review_text)
    .bind(serde_json::to_string(&review.tags)?)
    .bind(now)
    .execute(db.pool())
    .await?;
    let mut created = ProductReview::new();
    created.rating = Some(review.rating);
    created.review_text = review.review_text.clone();
    created.name = Some(name);
    created.email = user.email.clone();
    created.status = Some(ProductReviewStatus::Approved);
    created.is_featured = false;
    created.tags = Some(review.tags.clone());
    created.review_date = Some(util::datetime(now));
    created.created_at = Some(util::datetime(now));
    created.modified_at = Some(util::datetime(now));
    Ok(created)
}

/// list-product-reviews: a page of the approved reviews of a product (by id or slug), with
/// every review tag in use. `NotFound` for an unknown product.
pub async fn list_reviews(
    db: &Db,
    store_id: &str,
    product_id_or_slug: &str,
    query: &ReviewQuery,
) -> Result<ListMarketplaceProductReviewsResponseContent> {
    let page = Page::new(query.page, query.limit)?;
    let sort = parse_sort(query.sort_by.as_deref(), &["created_at", "rating"])?;
    let product_id = product_id(db, store_id, product_id_or_slug).await?;
    let rows = sqlx::query(
        "SELECT id, name, email, rating, review_text, tags, status, is_featured, created_at, updated_at FROM reviews \
         WHERE store_id = $1 AND product_id = $2 AND status = 'approved'",
    )
    .bind(store_id)
    .bind(&product_id)
    .fetch_all(db.pool())
    .await?;
    struct Row {
        id: String,
        review: ProductReview,
        tags: Vec<String>,
        created_at: i64,
        rating: f64,
    }
    let mut all = Vec::new();
    for row in rows {
        let tags: Vec<String> = serde_json::from_str(&row.try_get::<String, _>("tags")?)?;
        let created_at: i64 = row.try_get("created_at")?;
        let updated_at: i64 = row.try_get("updated_at")?;
        let rating: f64 = row.try_get("rating")?;
        let status: String = row.try_get("status")?;
        let id = row.try_get("id")?;
        let mut review = ProductReview::new();
        review.rating = Some(rating);
        review.review_text = row.try_get("review_text")?;
        review.name = row.try_get("name")?;
        review.email = row.try_get("email")?;
        review.status = Some(ProductReviewStatus::from(status.as_str()));
        review.is_featured = flag(&row, "is_featured")?;
        review.tags = Some(tags.clone());
        review.review_date = Some(util::datetime(created_at));
        review.created_at = Some(util::datetime(created_at));
        review.modified_at = Some(util::datetime(updated_at));
        all.push(Row {
            id,
            review,
            tags,
            created_at,
            rating,
        });
    }
    let review_tags: BTreeSet<String> = all.iter().flat_map(|r| r.tags.iter().cloned()).collect();
    if let Some(tag) = &query.review_tag {
        all.retain(|r| r.tags.contains(tag));
    }
    if let Some(search) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let needle = search.to_lowercase();
        all.retain(|r| {
            r.review
                .review_text
                .as_deref()
                .is_some_and(|t| t.to_lowercase().contains(&needle))
        });
    }
    all.sort_by(|a, b| {
        let mut ordering = std::cmp::Ordering::Equal;
        for key in &sort {
            let o = match key.field.as_str() {
                "rating" => a.rating.total_cmp(&b.rating),
                _ => a.created_at.cmp(&b.created_at),
            };
            ordering = ordering.then(if key.descending { o.reverse() } else { o });
        }
        if sort.is_empty() {
            ordering = b.created_at.cmp(&a.created_at);
        }
        ordering.then(a.id.cmp(&b.id))
    });
    let total = all.len() as i64;
    let reviews = page.slice(&all.into_iter().map(|r| r.review).collect::<Vec<_>>());
    let mut content = ListMarketplaceProductReviewsResponseContent::new(reviews);
    content.review_tags = Some(review_tags.into_iter().collect());
    content.pagination = Some(page.pagination(total));
    Ok(content)
}
