//! Coupons, promotions and carts as stored. Their API views (cart pricing, coupon evaluation)
//! come with the carts issue; this module only keeps the data.

use sqlx::Row as _;

use crate::db::{flag, int_flag, Db};
use crate::error::{Error, Result};
use crate::util;

/// A coupon or a promotion's discount rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Discount {
    /// Id.
    pub id: String,
    /// Code customers type (coupons; optional for promotions).
    pub code: Option<String>,
    /// Name or description.
    pub name: String,
    /// For promotions: `discount`, `free-shipping`, ...; for coupons: `discount`.
    pub kind: String,
    /// `percentage` or `fixed-amount`.
    pub discount_type: String,
    /// Percent or amount.
    pub discount_value: f64,
    /// Smallest cart subtotal it applies to.
    pub min_order_amount: f64,
    /// Largest discount (coupons), if capped.
    pub max_discount: Option<f64>,
    /// Whether it can be used.
    pub active: bool,
    /// Unix seconds.
    pub starts_at: i64,
    /// Unix seconds, if it expires.
    pub expires_at: Option<i64>,
}

impl Discount {
    /// The discount on a subtotal: 0 when inactive, not started, expired or under the
    /// minimum; percentages capped by `max_discount`; never more than the subtotal.
    pub fn discount_on(&self, subtotal: f64, now: i64) -> f64 {
        let live = self.active && self.starts_at <= now && self.expires_at.is_none_or(|e| now < e);
        if !live || subtotal < self.min_order_amount {
            return 0.0;
        }
        let raw = match self.discount_type.as_str() {
            "percentage" => subtotal * self.discount_value / 100.0,
            _ => self.discount_value,
        };
        let capped = self.max_discount.map_or(raw, |cap| raw.min(cap));
        util::round2(capped.min(subtotal).max(0.0))
    }
}

/// Inserts a coupon (`code` required); `Conflict` when the code is taken in the store.
pub async fn insert_coupon(db: &Db, store_id: &str, coupon: &Discount) -> Result<()> {
    let code = coupon
        .code
        .as_deref()
        .ok_or_else(|| Error::bad_request("a coupon needs a code"))?;
    // No NULL `f64` is bound: sqlx 0.8's Any driver sends it to PostgreSQL as a `float4`
    // parameter (its Real/Double mapping is swapped), and a connection that prepared this
    // statement with that NULL then refuses a value ("incorrect binary data format"). Without
    // a cap, the NULL is in the SQL text (a statement of its own).
    let max_discount = if coupon.max_discount.is_some() {
        "$11"
    } else {
        "NULL"
    };
    let sql = format!(
        "INSERT INTO coupons (id, store_id, code, description, discount_type, discount_value, min_order_amount, \
         active, starts_at, expires_at, max_discount) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, {max_discount})"
    );
    let mut query = sqlx::query(&sql)
        .bind(&coupon.id)
        .bind(store_id)
        .bind(code.to_uppercase())
        .bind(&coupon.name)
        .bind(&coupon.discount_type)
        .bind(coupon.discount_value)
        .bind(coupon.min_order_amount)
        .bind(int_flag(coupon.active))
        .bind(coupon.starts_at)
        .bind(coupon.expires_at);
    if let Some(cap) = coupon.max_discount {
        query = query.bind(cap);
    }
    query.execute(db.pool()).await.map_err(|e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            Error::Conflict("coupon code taken".into())
        }
        _ => Error::Database(e),
    })?;
    Ok(())
}

fn coupon_from(row: &sqlx::any::AnyRow) -> Result<Discount> {
    Ok(Discount {
        id: row.try_get("id")?,
        code: Some(row.try_get("code")?),
        name: row
            .try_get::<Option<String>, _>("description")?
            .unwrap_or_default(),
        kind: "discount".into(),
        discount_type: row.try_get("discount_type")?,
        discount_value: row.try_get("discount_value")?,
        min_order_amount: row.try_get("min_order_amount")?,
        max_discount: row.try_get("max_discount")?,
        active: flag(row, "active")?,
        starts_at: row.try_get("starts_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

const COUPON_COLUMNS: &str =
    "id, code, description, discount_type, discount_value, min_order_amount, max_discount, \
     active, starts_at, expires_at";

/// The store's coupons by code.
pub async fn list_coupons(db: &Db, store_id: &str) -> Result<Vec<Discount>> {
    sqlx::query(&format!(
        "SELECT {COUPON_COLUMNS} FROM coupons WHERE store_id = $1 ORDER BY code"
    ))
    .bind(store_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(coupon_from)
    .collect()
}

/// The coupon with this code (any case); `NotFound` otherwise.
pub async fn find_coupon(db: &Db, store_id: &str, code: &str) -> Result<Discount> {
    let row = sqlx::query(&format!(
        "SELECT {COUPON_COLUMNS} FROM coupons WHERE store_id = $1 AND code = $2"
    ))
    .bind(store_id)
    .bind(code.trim().to_uppercase())
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| Error::not_found(format!("coupon {code}")))?;
    coupon_from(&row)
}

/// Inserts a promotion.
pub async fn insert_promotion(db: &Db, store_id: &str, promotion: &Discount) -> Result<()> {
    sqlx::query(
        "INSERT INTO promotions (id, store_id, code, name, promotion_type, discount_type, discount_value, \
         min_order_amount, active, starts_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&promotion.id)
    .bind(store_id)
    .bind(promotion.code.as_ref().map(|c| c.to_uppercase()))
    .bind(&promotion.name)
    .bind(&promotion.kind)
    .bind(&promotion.discount_type)
    .bind(promotion.discount_value)
    .bind(promotion.min_order_amount)
    .bind(int_flag(promotion.active))
    .bind(promotion.starts_at)
    .bind(promotion.expires_at)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The store's promotions by id.
pub async fn list_promotions(db: &Db, store_id: &str) -> Result<Vec<Discount>> {
    let rows = sqlx::query(
        "SELECT id, code, name, promotion_type, discount_type, discount_value, min_order_amount, active, starts_at, \
         expires_at FROM promotions WHERE store_id = $1 ORDER BY id",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Discount {
                id: row.try_get("id")?,
                code: row.try_get("code")?,
                name: row.try_get("name")?,
                kind: row.try_get("promotion_type")?,
                discount_type: row.try_get("discount_type")?,
                discount_value: row.try_get("discount_value")?,
                min_order_amount: row.try_get("min_order_amount")?,
                max_discount: None,
                active: flag(row, "active")?,
                starts_at: row.try_get("starts_at")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .collect()
}

/// Creates or replaces a cart document (JSON) of a user.
pub async fn save_cart(
    db: &Db,
    store_id: &str,
    cart_id: &str,
    user_id: &str,
    data: &serde_json::Value,
) -> Result<()> {
    let now = util::now_secs();
    sqlx::query(
        "INSERT INTO carts (id, store_id, user_id, data, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) \
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, user_id = excluded.user_id, updated_at = excluded.updated_at",
    )
    .bind(cart_id)
    .bind(store_id)
    .bind(user_id)
    .bind(serde_json::to_string(data)?)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A cart document by id; `NotFound` otherwise.
pub async fn get_cart(
    db: &Db,
    store_id: &str,
    cart_id: &str,
) -> Result<(String, serde_json::Value)> {
    let row = sqlx::query("SELECT user_id, data FROM carts WHERE store_id = $1 AND id = $2")
        .bind(store_id)
        .bind(cart_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| Error::not_found(format!("cart {cart_id}")))?;
    Ok((
        row.try_get("user_id")?,
        serde_json::from_str(&row.try_get::<String, _>("data")?)?,
    ))
}

/// The latest cart of a user as (cart id, document), if any.
pub async fn get_user_cart(
    db: &Db,
    store_id: &str,
    user_id: &str,
) -> Result<Option<(String, serde_json::Value)>> {
    let row = sqlx::query(
        "SELECT id, data FROM carts WHERE store_id = $1 AND user_id = $2 ORDER BY updated_at DESC, id DESC",
    )
    .bind(store_id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("id")?,
            serde_json::from_str(&r.try_get::<String, _>("data")?)?,
        ))
    })
    .transpose()
}

/// Deletes a cart; `NotFound` when there is none.
pub async fn delete_cart(db: &Db, store_id: &str, cart_id: &str) -> Result<()> {
    let done = sqlx::query("DELETE FROM carts WHERE store_id = $1 AND id = $2")
        .bind(store_id)
        .bind(cart_id)
        .execute(db.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found(format!("cart {cart_id}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welcome10_takes_ten_percent() {
        let coupon = Discount {
            id: "c".into(),
            code: Some("WELCOME10".into()),
            name: "10% off".into(),
            kind: "discount".into(),
            discount_type: "percentage".into(),
            discount_value: 10.0,
            min_order_amount: 0.0,
            max_discount: None,
            active: true,
            starts_at: 0,
            expires_at: None,
        };
        assert_eq!(coupon.discount_on(1999.0, 10), 199.9);
        assert_eq!(
            Discount {
                max_discount: Some(100.0),
                ..coupon.clone()
            }
            .discount_on(1999.0, 10),
            100.0
        );
        assert_eq!(
            Discount {
                active: false,
                ..coupon.clone()
            }
            .discount_on(1999.0, 10),
            0.0
        );
        assert_eq!(
            Discount {
                expires_at: Some(5),
                ..coupon.clone()
            }
            .discount_on(1999.0, 10),
            0.0
        );
        assert_eq!(
            Discount {
                min_order_amount: 5000.0,
                ..coupon
            }
            .discount_on(1999.0, 10),
            0.0
        );
    }
}
