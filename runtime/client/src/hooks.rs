//! Hooks: code of the caller's that sees every attempt of every request.

use crate::error::BoxError;
use crate::request::Request;
use crate::response::Response;
use crate::BoxFuture;

/// What a hook wants after a response arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AfterReceive {
    /// Carry on with the response.
    #[default]
    Continue,
    /// Send the request again (once per request at most, whatever the retry policy; e.g. after
    /// refreshing an expired credential). `before_send` hooks run again first.
    Retry,
}

/// Code that runs around every attempt of every request of a client.
///
/// Hooks run in the order they were added. Both methods have defaults that do nothing, so a hook
/// implements what it needs. A hook that fails fails the call with [`crate::Error::Hook`].
pub trait Hook: Send + Sync + 'static {
    /// Called before each attempt is sent, after the client's credentials and default headers
    /// are in place; may edit the request (headers, query, body).
    fn before_send<'a>(&'a self, request: &'a mut Request) -> BoxFuture<'a, Result<(), BoxError>> {
        let _ = request;
        Box::pin(async { Ok(()) })
    }

    /// Called when a response arrived (before retries are considered); may ask for one retry.
    fn after_receive<'a>(
        &'a self,
        request: &'a Request,
        response: &'a Response,
    ) -> BoxFuture<'a, Result<AfterReceive, BoxError>> {
        let _ = (request, response);
        Box::pin(async { Ok(AfterReceive::Continue) })
    }
}
