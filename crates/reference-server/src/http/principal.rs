//! Credentials: what the generated router hands each operation after [`Backend`] verified
//! them against the store in the path.

use server_runtime::{AuthError, AuthRequest, Backend, Verified};
use storefront_server::ServerVariables as _;

use super::App;
use crate::error::Error;
use crate::security::jwt::AccessClaims;
use crate::store::stores;

/// What a verified credential says about the caller.
#[derive(Clone, Debug)]
pub enum Principal {
    /// A session's access token (anonymous or signed in) of this store.
    Session(Box<AccessClaims>),
    /// The store's API key.
    ApiKey,
    /// A bearer token that did not verify, sent to an operation that does not need one
    /// (`refresh-token`: the refresh token in the body is the credential).
    Ignored,
}

impl Principal {
    /// The session's claims, or 401 for an API key.
    pub fn session(&self) -> Result<&AccessClaims, Error> {
        match self {
            Principal::Session(claims) => Ok(claims),
            _ => Err(Error::unauthorized(
                "this operation needs a session's access token",
            )),
        }
    }
}

/// The session of an operation that needs a bearer token.
pub(crate) fn session(auth: &Verified<Principal>) -> Result<&AccessClaims, Error> {
    auth.principal().session()
}

/// Maps a storage error during verification: an unknown store is 404, a bad credential 401.
fn refused(error: Error) -> AuthError {
    match error {
        Error::NotFound(_) => AuthError::not_found("no such store"),
        Error::Forbidden(m) => AuthError::forbidden(m),
        Error::Unauthorized(m) => AuthError::invalid(m),
        other => {
            tracing::error!(error = %other, "credential check failed");
            AuthError::invalid("the credential could not be checked")
        }
    }
}

impl Backend for App {
    type Principal = Principal;
    type Error = Error;

    async fn verify_bearer(
        &self,
        token: &str,
        request: &AuthRequest<'_>,
    ) -> Result<Principal, AuthError> {
        let store = request.store_id();
        stores::get_store(&self.db, store).await.map_err(refused)?;
        match self.auth.authenticate(store, token) {
            Ok(claims) => Ok(Principal::Session(Box::new(claims))),
            // the refresh token in the body is what counts: an expired access token is fine
            Err(_) if request.operation == "refresh-token" => Ok(Principal::Ignored),
            Err(e) => Err(refused(e)),
        }
    }

    async fn verify_api_key(
        &self,
        key: &str,
        request: &AuthRequest<'_>,
    ) -> Result<Principal, AuthError> {
        stores::verify_api_key(&self.db, request.store_id(), key)
            .await
            .map_err(refused)?;
        Ok(Principal::ApiKey)
    }
}
