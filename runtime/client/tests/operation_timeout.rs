//! The operation timeout against a local HTTP mock (wiremock): it bounds the whole call, retries
//! and `Retry-After` waits included, where the attempt timeout bounds one attempt.

use std::time::{Duration, Instant};

use client_runtime::{Client, Error, Method, Request, RequestOptions, RetryPolicy, StatusCode};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A client that would retry a `503` with `Retry-After: 1` for about nine seconds.
fn patient(server: &MockServer) -> client_runtime::ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .timeout(Duration::from_secs(30))
        .retry(
            RetryPolicy::default()
                .max_attempts(10)
                .max_retry_after(Duration::from_secs(30)),
        )
}

fn get_status() -> Request {
    Request::new(Method::GET, "/status", "get-status")
}

#[tokio::test]
async fn the_operation_timeout_ends_retries_that_honour_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/status"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "1"))
        .mount(&server)
        .await;
    let client = patient(&server).build().expect("client");
    let started = Instant::now();
    let request = get_status()
        .options(RequestOptions::default().operation_timeout(Duration::from_millis(1500)));
    let err = client.execute(request).await.expect_err("never a 200");
    let elapsed = started.elapsed();
    match err {
        Error::OperationTimeout {
            timeout,
            attempts,
            last_status,
        } => {
            assert_eq!(timeout, Duration::from_millis(1500));
            assert_eq!(attempts, 2, "sent at 0 s and 1 s; the wait for 2 s was cut");
            assert_eq!(last_status, Some(StatusCode::SERVICE_UNAVAILABLE));
        }
        other => panic!("expected an operation timeout, got {other:?}"),
    }
    // retries alone would go on for about nine seconds
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn the_client_default_applies_and_a_request_overrides_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/status"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(400)))
        .mount(&server)
        .await;
    let client = patient(&server)
        .operation_timeout(Duration::from_millis(100))
        .build()
        .expect("client");
    // the attempt timeout (30 s) would wait; the client's operation timeout does not
    let err = client.execute(get_status()).await.expect_err("too slow");
    assert!(err.is_operation_timeout(), "{err:?}");
    assert!(err.is_timeout());
    assert!(
        matches!(
            err,
            Error::OperationTimeout {
                attempts: 1,
                last_status: None,
                ..
            }
        ),
        "{err:?}"
    );
    // a request with a longer one gets its answer
    let request =
        get_status().options(RequestOptions::default().operation_timeout(Duration::from_secs(5)));
    let response = client.execute(request).await.expect("in time");
    assert_eq!(response.status, StatusCode::OK);
    // and so does a client without one that shares the connections
    let response = client
        .with_operation_timeout(None)
        .execute(get_status())
        .await
        .expect("no operation timeout");
    assert_eq!(response.status, StatusCode::OK);
}

#[tokio::test]
async fn a_call_that_ends_in_time_keeps_its_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/status"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/status"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = patient(&server)
        .operation_timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let response = client
        .execute(get_status())
        .await
        .expect("the retry succeeds");
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
