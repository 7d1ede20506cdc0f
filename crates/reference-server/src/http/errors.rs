//! The crate's [`Error`] as the API's error envelope: what a caller can act on keeps its
//! status and message; database and other internal failures become a 500 whose details are
//! logged with the request id and never sent.

use server_runtime::{ErrorResponse, IntoErrorResponse};

use crate::error::Error;

impl IntoErrorResponse for Error {
    fn into_error_response(self) -> ErrorResponse {
        match self {
            Error::NotFound(m) => ErrorResponse::not_found(m),
            Error::Unauthorized(m) => ErrorResponse::unauthorized(m),
            Error::Forbidden(m) => ErrorResponse::unauthorized(m).with_code("FORBIDDEN"),
            Error::Conflict(m) => ErrorResponse::bad_request(m).with_code("CONFLICT"),
            Error::BadRequest(m) => ErrorResponse::bad_request(m),
            Error::TooManyAttempts(m) => {
                ErrorResponse::bad_request(m).with_code("TOO_MANY_ATTEMPTS")
            }
            internal => ErrorResponse::internal_error(internal),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_keep_their_message_and_internal_ones_leak_nothing() {
        let e = Error::not_found("product p1").into_error_response();
        assert_eq!(
            (e.status, e.code.as_str(), e.message.as_str()),
            (404, "NOT_FOUND", "product p1")
        );
        let e = Error::TooManyAttempts("locked".into()).into_error_response();
        assert_eq!((e.status, e.code.as_str()), (400, "TOO_MANY_ATTEMPTS"));
        let e = Error::Conflict("taken".into()).into_error_response();
        assert_eq!((e.status, e.code.as_str()), (400, "CONFLICT"));
        let e = Error::Internal("secret=xyz broke".into()).into_error_response();
        assert_eq!(e.status, 500);
        assert!(!e.message.contains("xyz"));
        assert!(e.detail().is_some_and(|d| d.contains("xyz")));
    }
}
