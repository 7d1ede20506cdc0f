//! Prometheus metrics: requests and their latency per operation and status, recorded by a
//! middleware that names the operation from axum's `MatchedPath` through the generated
//! `OPERATIONS` table, and served as text at `GET /metrics`.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use server_runtime::OperationInfo;

/// The labels of a request: its operation (or the route of routes outside the API, or
/// `unmatched`) and the status answered.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    operation: String,
    status: u16,
}

/// The metrics of one process (a scrape reads this instance's figures).
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Mutex<Registry>>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(|| {
            // 0.5 ms .. ~16 s
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register(
            "storefront_requests",
            "Requests answered, per operation and status",
            requests.clone(),
        );
        registry.register(
            "storefront_request_duration_seconds",
            "Time to answer a request, per operation and status",
            latency.clone(),
        );
        Metrics {
            registry: Arc::new(Mutex::new(registry)),
            requests,
            latency,
        }
    }
}

impl Metrics {
    /// The metrics in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let registry = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        if prometheus_client::encoding::text::encode(&mut out, &registry).is_err() {
            tracing::error!("could not encode the metrics");
        }
        out
    }
}

/// The operation a request reached, from its matched route and method.
fn operation_name(request: &Request) -> String {
    let Some(route) = request.extensions().get::<MatchedPath>() else {
        return "unmatched".to_owned();
    };
    match OperationInfo::find(
        storefront_server::OPERATIONS,
        request.method().as_str(),
        route.as_str(),
    ) {
        Some(op) => op.id.to_owned(),
        None => route.as_str().to_owned(),
    }
}

/// The middleware: counts and times every request.
pub async fn record(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let operation = operation_name(&request);
    let started = Instant::now();
    let response = next.run(request).await;
    let labels = RequestLabels {
        operation,
        status: response.status().as_u16(),
    };
    metrics.requests.get_or_create(&labels).inc();
    metrics
        .latency
        .get_or_create(&labels)
        .observe(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
pub async fn scrape(State(metrics): State<Metrics>) -> Response {
    (
        [(
            http::header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.render(),
    )
        .into_response()
}
