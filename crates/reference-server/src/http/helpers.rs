//! The operations tagged `Helpers`: countries, their states and pincodes.

use server_runtime::{RequestContext, Verified};
use storefront_server::helpers::*;
use storefront_server::ServerVariables as _;
use storefront_types::{ListCountriesResponseContent, ListCountryStatesResponseContent};

use super::principal::Principal;
use super::App;
use crate::error::{Error, Result};
use crate::store::geo;

/// An API-key operation's context.
type Keyed = RequestContext<Verified<Principal>>;

/// An ISO 3166-1 alpha-2 code (any case); `BadRequest` for anything else.
fn country_code(code: &str) -> Result<&str> {
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(code)
    } else {
        Err(Error::bad_request(
            "country_iso_code must be a two-letter ISO 3166-1 code",
        ))
    }
}

impl storefront_server::Helpers for App {
    async fn list_countries(
        &self,
        ctx: Keyed,
        _request: ListCountriesRequest,
    ) -> Result<ListCountriesReply> {
        let countries = geo::list_countries(&self.db, ctx.store_id()).await?;
        let mut content = ListCountriesResponseContent::default();
        content.countries = Some(countries);
        Ok(ListCountriesReply::ok(content))
    }

    async fn list_country_pincodes(
        &self,
        ctx: Keyed,
        request: ListCountryPincodesRequest,
    ) -> Result<ListCountryPincodesReply> {
        let (content, pagination) = geo::list_pincodes(
            &self.db,
            ctx.store_id(),
            country_code(&request.country_iso_code)?,
            request.pincode.as_deref(),
            request.page,
            request.limit,
        )
        .await?;
        // the response content has no pagination: its total goes in a header
        ctx.set_response_header("x-total-count", &pagination.total_records.to_string());
        Ok(ListCountryPincodesReply::ok(content))
    }

    async fn list_country_states(
        &self,
        ctx: Keyed,
        request: ListCountryStatesRequest,
    ) -> Result<ListCountryStatesReply> {
        let states = geo::list_states(
            &self.db,
            ctx.store_id(),
            country_code(&request.country_iso_code)?,
        )
        .await?;
        let mut content = ListCountryStatesResponseContent::default();
        content.states = Some(states);
        Ok(ListCountryStatesReply::ok(content))
    }
}
