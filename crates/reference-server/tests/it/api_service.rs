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

#[tokio::test]
async fn two_instances_on_one_database_share_sessions_and_data() {
    crate::support::for_each_url(|url, _| async move {
        let one = crate::server::start(&url).await;
        let two = crate::server::start(&url).await;
        assert_eq!(
            one.api_key, two.api_key,
            "the second instance found the seeded store"
        );

        // a session created through one instance is accepted by the other
        let session = one
            .public()
            .auth()
            .get_anonymous_token()
            .await
            .expect("anonymous token")
            .content;
        let user = two
            .with_token(&session.access_token)
            .auth()
            .get_user_detail(&session.user.id)
            .await
            .expect("the other instance accepts the token")
            .content
            .user;
        assert_eq!(user.id.as_ref(), Some(&session.user.id));

        // a change made through one is read through the other
        let rotated = two
            .public()
            .auth()
            .refresh_token(storefront::types::RefreshTokenBody::new(
                session.refresh_token.clone(),
            ))
            .await
            .expect("refresh on the second instance");
        assert!(!rotated.content.access_token.is_empty());
        let reused = one
            .public()
            .auth()
            .refresh_token(storefront::types::RefreshTokenBody::new(
                session.refresh_token,
            ))
            .await;
        assert_eq!(
            reused.err().and_then(|e| e.status()).map(|s| s.as_u16()),
            Some(400),
            "the first instance sees the rotation made on the second"
        );
        one.db.close().await;
        two.db.close().await;
    })
    .await;
}

#[tokio::test]
async fn the_sdk_session_layer_works_against_the_reference_server() {
    for_each_server(|server| async move {
        // refresh well before expiry: every call goes through refresh-token first
        let sdk = storefront::Storefront::builder()
            .base_url(&server.base)
            .api_key(&server.api_key)
            .refresh_margin(std::time::Duration::from_secs(24 * 3600))
            .build()
            .expect("sdk");
        // the catalog takes the API key: no session needed
        let page = sdk
            .catalog()
            .list_products()
            .limit(5)
            .await
            .expect("catalog");
        assert_eq!(page.content.products.len(), 5);
        assert!(sdk.session().tokens().await.unwrap().is_none());
        // an operation that needs a session starts an anonymous one
        let mut query = storefront::types::CheckVerificationStatusBody::default();
        query.email = Some(vec!["nobody@example.com".into()]);
        sdk.auth()
            .check_verification_status(query)
            .await
            .expect("an anonymous session is started");
        let first = sdk.session().tokens().await.unwrap().expect("tokens");
        assert!(sdk.session().is_anonymous().await);
        let user = sdk.session().user_id().await.expect("a user id");
        let me = sdk
            .auth()
            .get_user_detail(&user)
            .await
            .expect("the refreshed token is accepted");
        assert_eq!(me.content.user.id.as_deref(), Some(user.as_str()));
        let second = sdk.session().tokens().await.unwrap().expect("tokens");
        assert_ne!(
            first.refresh_token, second.refresh_token,
            "the refresh token rotated"
        );
    })
    .await;
}
