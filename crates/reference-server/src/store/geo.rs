//! Countries, their states and postal codes (pincodes).

use sqlx::Row as _;
use storefront_types::{
    Country, CountryState, ListCountryPincodesResponseContent, Pagination, Pincode,
};

use crate::db::Db;
use crate::error::{Error, Result};
use crate::store::catalog::Page;

/// A country to insert.
#[derive(Clone, Debug, PartialEq)]
pub struct NewCountry {
    /// ISO 3166-1 alpha-2 code, such as `IN`.
    pub iso_code: String,
    /// Name.
    pub name: String,
    /// Calling code, such as `+91`.
    pub phone_code: String,
    /// Currency code.
    pub currency_code: String,
    /// Currency symbol.
    pub currency_symbol: String,
    /// Currency name.
    pub currency_name: String,
    /// Continent.
    pub continent: String,
}

/// Inserts a country.
pub async fn insert_country(db: &Db, store_id: &str, c: &NewCountry) -> Result<()> {
    sqlx::query(
        "INSERT INTO countries (store_id, iso_code, name, phone_code, currency_code, currency_symbol, currency_name, continent) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(store_id)
    .bind(&c.iso_code)
    .bind(&c.name)
    .bind(&c.phone_code)
    .bind(&c.currency_code)
    .bind(&c.currency_symbol)
    .bind(&c.currency_name)
    .bind(&c.continent)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Inserts a state of a country.
pub async fn insert_state(
    db: &Db,
    store_id: &str,
    country_iso_code: &str,
    iso_code: &str,
    name: &str,
    gst_code: Option<&str>,
) -> Result<()> {
    sqlx::query("INSERT INTO states (store_id, country_iso_code, iso_code, name, gst_code) VALUES ($1, $2, $3, $4, $5)")
        .bind(store_id)
        .bind(country_iso_code)
        .bind(iso_code)
        .bind(name)
        .bind(gst_code)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Inserts a pincode of a country.
pub async fn insert_pincode(
    db: &Db,
    store_id: &str,
    country_iso_code: &str,
    pincode: &str,
    city: &str,
    state_name: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO pincodes (store_id, country_iso_code, pincode, city, state_name) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(store_id)
    .bind(country_iso_code)
    .bind(pincode)
    .bind(city)
    .bind(state_name)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// list-countries: the store's countries by name.
pub async fn list_countries(db: &Db, store_id: &str) -> Result<Vec<Country>> {
    let rows = sqlx::query(
        "SELECT iso_code, name, phone_code, currency_code, currency_symbol, currency_name, continent FROM countries \
         WHERE store_id = $1 ORDER BY iso_code",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    let mut countries = rows
        .iter()
        .map(|r| {
            let iso: String = r.try_get("iso_code")?;
            let mut country = Country::default();
            country.id = Some(iso.clone());
            country.country_name = Some(r.try_get("name")?);
            country.country_code = Some(r.try_get("phone_code")?);
            country.flag_icon_url = Some(format!("https://flagcdn.com/{}.svg", iso.to_lowercase()));
            country.country_iso_code = Some(iso);
            country.currency_code = Some(r.try_get("currency_code")?);
            country.currency_symbol = Some(r.try_get("currency_symbol")?);
            country.currency_name = Some(r.try_get("currency_name")?);
            country.continent = Some(r.try_get("continent")?);
            Ok(country)
        })
        .collect::<Result<Vec<_>>>()?;
    countries.sort_by(|a, b| a.country_name.cmp(&b.country_name));
    Ok(countries)
}

async fn country_name(db: &Db, store_id: &str, iso: &str) -> Result<String> {
    let row = sqlx::query("SELECT name FROM countries WHERE store_id = $1 AND iso_code = $2")
        .bind(store_id)
        .bind(iso.to_uppercase())
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| Error::not_found(format!("country {iso}")))?;
    Ok(row.try_get("name")?)
}

/// list-country-states: the states of a country (ISO code, any case) by name; `NotFound` for
/// a country the store does not have.
pub async fn list_states(
    db: &Db,
    store_id: &str,
    country_iso_code: &str,
) -> Result<Vec<CountryState>> {
    country_name(db, store_id, country_iso_code).await?;
    let rows = sqlx::query(
        "SELECT iso_code, name, gst_code FROM states WHERE store_id = $1 AND country_iso_code = $2 ORDER BY iso_code",
    )
    .bind(store_id)
    .bind(country_iso_code.to_uppercase())
    .fetch_all(db.pool())
    .await?;
    let mut states = rows
        .iter()
        .map(|r| {
            let iso: String = r.try_get("iso_code")?;
            let mut state = CountryState::new(r.try_get::<String, _>("name")?, iso.clone());
            state.id = Some(iso);
            state.gst_code = r.try_get("gst_code")?;
            Ok(state)
        })
        .collect::<Result<Vec<_>>>()?;
    states.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(states)
}

/// list-country-pincodes: a page of a country's pincodes in order, optionally those starting
/// with `prefix`; `NotFound` for an unknown country. The pagination is returned beside the
/// content (the response content has no pagination field).
pub async fn list_pincodes(
    db: &Db,
    store_id: &str,
    country_iso_code: &str,
    prefix: Option<&str>,
    page: Option<i64>,
    limit: Option<i64>,
) -> Result<(ListCountryPincodesResponseContent, Pagination)> {
    let page = Page::new(page, limit)?;
    let country = country_name(db, store_id, country_iso_code).await?;
    let iso = country_iso_code.to_uppercase();
    let rows = sqlx::query(
        "SELECT pincode, city, state_name FROM pincodes WHERE store_id = $1 AND country_iso_code = $2 ORDER BY pincode",
    )
    .bind(store_id)
    .bind(&iso)
    .fetch_all(db.pool())
    .await?;
    let mut all = Vec::new();
    for r in rows {
        let pincode: String = r.try_get("pincode")?;
        if prefix.is_some_and(|p| !pincode.starts_with(p.trim())) {
            continue;
        }
        let mut entry = Pincode::default();
        entry.pincode = Some(pincode);
        entry.city = Some(r.try_get("city")?);
        entry.state_name = Some(r.try_get("state_name")?);
        entry.country_name = Some(country.clone());
        entry.country_iso_code = Some(iso.clone());
        all.push(entry);
    }
    let mut content = ListCountryPincodesResponseContent::default();
    content.pincodes = Some(page.slice(&all));
    Ok((content, page.pagination(all.len() as i64)))
}
