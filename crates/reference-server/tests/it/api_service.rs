//! The service around the API: health, metrics, unknown stores, request ids, CORS.

use crate::server::for_each_server;

#[tokio::test]
async fn health_metrics_and_unknown_stores() {
    for_each_server(|server| async move {
        let http = reqwest::Client::new();
        let health = http
            .get(format!("{}/healthz", server.root))
            .send()
            .await
            .expect("healthz");
        assert_eq!(health.status(), 200);

        // an unknown store is 404 in the envelope, whatever the key
        let answer = http
            .get(format!(
                "{}/api/v1/nowhere/storefront/store/config",
                server.root
            ))
            .header("x-api-key", &server.api_key)
            .send()
            .await
            .expect("config");
        assert_eq!(answer.status(), 404);
        assert!(answer.headers().contains_key("x-request-id"));
        let body: serde_json::Value = answer.json().await.expect("json");
        assert_eq!(body["success"], false);
        assert_eq!(body["code"], "NOT_FOUND");

        let metrics = http
            .get(format!("{}/metrics", server.root))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        assert!(
            metrics.contains(r#"storefront_requests_total{operation="get-config",status="404"} 1"#),
            "{metrics}"
        );
        assert!(metrics.contains("storefront_request_duration_seconds_bucket"));
    })
    .await;
}
