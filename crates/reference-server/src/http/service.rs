//! The service: the generated routers of the tags this server implements, `/healthz` and
//! `/metrics` beside the API, the tower layers every request goes through, and serving with
//! graceful shutdown.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{HeaderName, StatusCode};
use tower_http::compression::CompressionLayer;
use tower_http::cors::CorsLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use super::metrics::{self, Metrics};
use super::App;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole HTTP service of `app`: the API under `storefront_server::BASE_PATH` (the tags
/// implemented; the others' paths answer 404), `GET /healthz`, `GET /metrics`, request ids,
/// tracing, CORS, compression, a 30 s timeout, and the body limits of the generated router.
pub fn router(app: App) -> Router {
    let metrics = Metrics::default();
    let shared = Arc::new(app.clone());
    let api = storefront_server::Routes::new()
        .auth(Arc::clone(&shared))
        .catalog(Arc::clone(&shared))
        .store(Arc::clone(&shared))
        .helpers(Arc::clone(&shared))
        .merge(
            Router::new()
                .route("/healthz", get(healthz))
                .route(
                    &format!(
                        "{}/auth/user/{{id}}/profile-image/file",
                        storefront_server::BASE_PATH
                    ),
                    get(profile_image_file),
                )
                .with_state(app),
        )
        .merge(
            Router::new()
                .route("/metrics", get(metrics::scrape))
                .with_state(metrics.clone()),
        )
        .build();
    api.layer(axum::middleware::from_fn_with_state(
        metrics,
        metrics::record,
    ))
    .layer(CompressionLayer::new())
    .layer(CorsLayer::permissive().expose_headers([REQUEST_ID]))
    .layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        Duration::from_secs(30),
    ))
    .layer(PropagateRequestIdLayer::new(REQUEST_ID))
    .layer(TraceLayer::new_for_http())
    .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
async fn healthz(State(app): State<App>) -> Response {
    match app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// The bytes of a user's profile image, at the URL its `profile_image_url` gives (outside the
/// API's operations, like a CDN would serve it): 404 in the envelope when there is none.
async fn profile_image_file(
    State(app): State<App>,
    axum::extract::Path((store, id)): axum::extract::Path<(String, String)>,
) -> Response {
    match crate::store::users::get_profile_image(&app.db, &store, &id).await {
        Ok((content_type, bytes)) => (
            [
                (http::header::CONTENT_TYPE, content_type),
                (
                    http::header::CACHE_CONTROL,
                    "public, max-age=300".to_owned(),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => server_runtime::IntoErrorResponse::into_error_response(e).into_response(),
    }
}

/// Serves `app` on `listener` until SIGINT or SIGTERM, then finishes the requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, app: App) -> std::io::Result<()> {
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
