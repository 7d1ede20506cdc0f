//! The auth operations over loopback with the generated client, on SQLite and PostgreSQL:
//! anonymous sessions, OTP login and registration (debug mode), password flows, token
//! refresh and rotation, logout, the user's own account and profile image, preferences, and
//! the refusals: wrong, reused and locked OTPs, reused refresh tokens, another user's data,
//! another store's credentials, bad keys, bad bodies.

use base64::Engine as _;
use serde_json::{json, Value};
use storefront::types;

use crate::server::{for_each_server, TestServer};

/// The claims of a JWT, without checking it (the server did).
fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

fn body<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid body")
}

/// A fresh anonymous session: (access token, refresh token).
async fn anonymous(server: &TestServer) -> (String, String) {
    let reply = server
        .public()
        .auth()
        .get_anonymous_token()
        .await
        .expect("anonymous token");
    (reply.content.access_token, reply.content.refresh_token)
}

/// Signs `email` in by OTP from an anonymous session: (access, refresh, user id).
async fn sign_in(server: &TestServer, email: &str) -> (String, String, String) {
    let (access, _) = anonymous(server).await;
    let client = server.with_token(&access);
    let challenge = client
        .auth()
        .login_with_email(body::<types::LoginWithEmailBody>(
            json!({"email": email, "register_if_not_exists": true}),
        ))
        .x_debug_mode(true)
        .await
        .expect("login with email")
        .content;
    let verified = client
        .auth()
        .verify_otp(body::<types::VerifyOtpBody>(json!({
            "otp": challenge.otp.expect("debug mode gives the OTP"),
            "otp_token": challenge.otp_token,
            "otp_action": challenge.otp_action,
        })))
        .await
        .expect("verify otp")
        .content;
    (
        verified.access_token,
        verified.refresh_token,
        verified.user.id.expect("a user id"),
    )
}

fn status<E>(result: Result<impl Sized, storefront::Error<E>>) -> u16 {
    match result {
        Ok(_) => 200,
        Err(e) => e.status().map_or(0, |s| s.as_u16()),
    }
}

#[tokio::test]
async fn an_anonymous_session_has_the_claims_the_sdk_reads() {
    for_each_server(|server| async move {
        let (access, refresh) = anonymous(&server).await;
        let c = claims(&access);
        assert_eq!(c["store_id"], "demo");
        assert_eq!(c["is_anonymous"], true);
        assert_eq!(c["is_logged_in"], false);
        assert!(c["ulid"].as_str().is_some_and(|u| !u.is_empty()));
        assert_eq!(c["anonymous_id"], c["ulid"]);
        let lifetime = c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap();
        assert!(lifetime > 30, "access lifetime {lifetime}");
        assert!(claims(&refresh)["exp"].as_i64().is_some());
    })
    .await;
}

#[tokio::test]
async fn otp_login_keeps_the_anonymous_user_and_logs_in() {
    for_each_server(|server| async move {
        let (access, _) = anonymous(&server).await;
        let anonymous_id = claims(&access)["ulid"].as_str().unwrap().to_owned();
        let client = server.with_token(&access);
        let challenge = client
            .auth()
            .register_with_email(body::<types::RegisterWithEmailBody>(
                json!({"email": "ann@example.com", "first_name": "Ann"}),
            ))
            .x_debug_mode(true)
            .await
            .expect("register")
            .content;
        let otp = challenge.otp.clone().expect("debug OTP");
        // without the header, no OTP in the reply
        let quiet = client
            .auth()
            .login_with_email(body::<types::LoginWithEmailBody>(
                json!({"email": "bob@example.com", "register_if_not_exists": true}),
            ))
            .await
            .expect("login")
            .content;
        assert_eq!(quiet.otp, None);

        let wrong = client
            .auth()
            .verify_otp(body::<types::VerifyOtpBody>(json!({
                "otp": if otp == "000000" { "111111" } else { "000000" },
                "otp_token": challenge.otp_token, "otp_action": "register"})))
            .await;
        assert_eq!(status(wrong), 401);
        let verified = client
            .auth()
            .verify_otp(body::<types::VerifyOtpBody>(json!({
                "otp": otp, "otp_token": challenge.otp_token, "otp_action": "register"})))
            .await
            .expect("verify")
            .content;
        let c = claims(&verified.access_token);
        assert_eq!(
            c["ulid"],
            anonymous_id.as_str(),
            "the user (and its cart) is kept"
        );
        assert_eq!(c["is_logged_in"], true);
        assert_eq!(c["is_anonymous"], false);
        assert_eq!(c["email"], "ann@example.com");
        assert_eq!(c["first_name"], "Ann");
        assert_eq!(c["customer_id"], anonymous_id.as_str());
        // single use
        let reused = client
            .auth()
            .verify_otp(body::<types::VerifyOtpBody>(json!({
                "otp": otp, "otp_token": challenge.otp_token, "otp_action": "register"})))
            .await;
        assert!(matches!(status(reused), 400 | 401), "a used OTP is refused");

        let me = server
            .with_token(&verified.access_token)
            .auth()
            .get_user_detail(&anonymous_id)
            .await
            .expect("own user")
            .content
            .user;
        assert_eq!(me.email.as_deref(), Some("ann@example.com"));
    })
    .await;
}

#[tokio::test]
async fn an_otp_locks_after_too_many_wrong_tries() {
    for_each_server(|server| async move {
        let (access, _) = anonymous(&server).await;
        let client = server.with_token(&access);
        let challenge = client
            .auth()
            .login_with_email(body::<types::LoginWithEmailBody>(json!({"email": "lock@example.com", "register_if_not_exists": true})))
            .x_debug_mode(true)
            .await
            .expect("login")
            .content;
        let otp = challenge.otp.clone().unwrap();
        let wrong = if otp == "000000" { "111111" } else { "000000" };
        let mut statuses = Vec::new();
        for _ in 0..6 {
            let r = client
                .auth()
                .verify_otp(body::<types::VerifyOtpBody>(json!({
                    "otp": wrong, "otp_token": challenge.otp_token, "otp_action": challenge.otp_action})))
                .await;
            statuses.push(status(r));
        }
        assert_eq!(statuses.last(), Some(&400), "{statuses:?}");
        let right = client
            .auth()
            .verify_otp(body::<types::VerifyOtpBody>(json!({
                "otp": otp, "otp_token": challenge.otp_token, "otp_action": challenge.otp_action})))
            .await;
        assert_eq!(status(right), 400, "a locked OTP stays locked");
    })
    .await;
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_rotated_one_is_refused() {
    for_each_server(|server| async move {
        let (_, refresh) = anonymous(&server).await;
        // no Authorization header at all: the refresh token is the credential
        let fresh = server
            .public()
            .auth()
            .refresh_token(types::RefreshTokenBody::new(refresh.clone()))
            .await
            .expect("refresh")
            .content;
        assert_ne!(fresh.refresh_token, refresh);
        // an expired or garbage access token does not stand in the way either
        let again = server
            .with_token("not-a-jwt")
            .auth()
            .refresh_token(types::RefreshTokenBody::new(fresh.refresh_token.clone()))
            .await
            .expect("refresh with a bad access token");
        let reused = server
            .public()
            .auth()
            .refresh_token(types::RefreshTokenBody::new(refresh))
            .await;
        assert_eq!(status(reused), 400);
        // reuse revokes the family: the newest token is refused too
        let family = server
            .public()
            .auth()
            .refresh_token(types::RefreshTokenBody::new(again.content.refresh_token))
            .await;
        assert_eq!(status(family), 400);
    })
    .await;
}

#[tokio::test]
async fn logout_returns_a_fresh_anonymous_pair_and_revokes_the_old_one() {
    for_each_server(|server| async move {
        let (access, refresh, user) = sign_in(&server, "out@example.com").await;
        let out = server
            .with_token(&access)
            .auth()
            .logout()
            .await
            .expect("logout")
            .content;
        let c = claims(&out.access_token);
        assert_eq!(c["is_anonymous"], true);
        assert_ne!(c["ulid"], user.as_str());
        let old = server
            .public()
            .auth()
            .refresh_token(types::RefreshTokenBody::new(refresh))
            .await;
        assert_eq!(status(old), 400);
    })
    .await;
}

#[tokio::test]
async fn password_registration_login_and_change() {
    for_each_server(|server| async move {
        let (access, _) = anonymous(&server).await;
        let client = server.with_token(&access);
        let challenge = client
            .auth()
            .register_with_password(body::<types::RegisterWithPasswordBody>(json!({
                "email": "pw@example.com", "password": "first-password", "confirm_password": "first-password"})))
            .x_debug_mode(true)
            .await
            .expect("register")
            .content;
        client
            .auth()
            .verify_otp(body::<types::VerifyOtpBody>(json!({
                "otp": challenge.otp.unwrap(), "otp_token": challenge.otp_token, "otp_action": "register"})))
            .await
            .expect("verify");
        let (access, _) = anonymous(&server).await;
        let client = server.with_token(&access);
        let wrong = client
            .auth()
            .login_with_password(body::<types::LoginWithPasswordBody>(json!({"email": "pw@example.com", "password": "nope-nope-nope"})))
            .await;
        assert_eq!(status(wrong), 401);
        let session = client
            .auth()
            .login_with_password(body::<types::LoginWithPasswordBody>(json!({"email": "pw@example.com", "password": "first-password"})))
            .await
            .expect("login")
            .content;
        assert_eq!(claims(&session.access_token)["is_logged_in"], true);
        server
            .with_token(&session.access_token)
            .auth()
            .change_password(types::ChangePasswordBody::new("first-password", "second-password", "second-password"))
            .await
            .expect("change password");
        let old = client
            .auth()
            .login_with_password(body::<types::LoginWithPasswordBody>(json!({"email": "pw@example.com", "password": "first-password"})))
            .await;
        assert_eq!(status(old), 401);
    })
    .await;
}

#[tokio::test]
async fn a_user_reads_and_changes_only_their_own_account() {
    for_each_server(|server| async move {
        let (ann, _, ann_id) = sign_in(&server, "ann@example.com").await;
        let (_, _, bob_id) = sign_in(&server, "bob@example.com").await;
        let client = server.with_token(&ann);
        assert_eq!(status(client.auth().get_user_detail(&bob_id).await), 404);
        assert_eq!(status(client.auth().delete_user(&bob_id).await), 404);
        assert_eq!(status(client.auth().get_profile_image(&bob_id).await), 404);

        // profile image: type checked, stored, read back, removed
        let png = types::support::FilePart {
            file_name: Some("me.png".into()),
            content_type: Some("image/png".into()),
            bytes: vec![0x89, b'P', b'N', b'G', 1, 2, 3],
        };
        let text = types::support::FilePart {
            file_name: Some("me.txt".into()),
            content_type: Some("text/plain".into()),
            bytes: b"hello".to_vec(),
        };
        let refused = client
            .auth()
            .add_profile_image(&ann_id, types::AddProfileImageBody::new(text))
            .await;
        assert_eq!(status(refused), 400);
        let added = client
            .auth()
            .add_profile_image(&ann_id, types::AddProfileImageBody::new(png))
            .await
            .expect("add image")
            .content;
        assert!(!added.profile_image_url.is_empty());
        client
            .auth()
            .remove_profile_image(&ann_id)
            .await
            .expect("remove");

        // notification preferences
        let prefs: types::NotificationPreferences = body(json!({
            "transactional": {"email": true, "sms": false, "whatsapp": false},
            "promotional": {"email": false, "sms": false, "whatsapp": false},
            "newsletter": {"email": true, "sms": false, "whatsapp": false}}));
        client
            .auth()
            .create_notification_preferences(
                &ann_id,
                types::GetNotificationPreferencesResponseContent::new(prefs.clone()),
            )
            .await
            .expect("create preferences");
        let read = client
            .auth()
            .get_notification_preferences(&ann_id)
            .await
            .expect("get preferences")
            .content
            .notification_preferences;
        assert_eq!(read, prefs);
    })
    .await;
}

#[tokio::test]
async fn credentials_of_one_store_are_refused_on_another() {
    for_each_server(|server| async move {
        let other = crate::support::create_store(&server.db, "other").await;
        let (access, _) = anonymous(&server).await;
        let on_other = |client: storefront::Client| async move {
            status(client.auth().get_anonymous_token().await)
        };
        assert_eq!(
            on_other(server.for_store("other", &server.api_key)).await,
            401
        );
        assert_eq!(
            on_other(server.for_store("other", &other.api_key)).await,
            200
        );
        assert_eq!(
            on_other(server.for_store("nowhere", &other.api_key)).await,
            404
        );
        let token_elsewhere = storefront::Client::builder()
            .base_url(server.base.replace("/demo/", "/other/"))
            .bearer_token(&access)
            .build()
            .unwrap();
        assert_eq!(status(token_elsewhere.auth().logout().await), 401);
    })
    .await;
}

#[tokio::test]
async fn client_mistakes_are_4xx_envelopes() {
    for_each_server(|server| async move {
        let http = reqwest::Client::new();
        let bad_key = http
            .post(format!("{}/auth/anonymous", server.base))
            .header("x-api-key", "wrong")
            .send()
            .await
            .unwrap();
        assert_eq!(bad_key.status(), 401);
        let none = http
            .post(format!("{}/auth/logout", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(none.status(), 401);
        let (access, _) = anonymous(&server).await;
        let missing_field = http
            .post(format!("{}/auth/login/email", server.base))
            .bearer_auth(&access)
            .json(&json!({"mail": "x@example.com"}))
            .send()
            .await
            .unwrap();
        assert_eq!(missing_field.status(), 400);
        let envelope: Value = missing_field.json().await.unwrap();
        assert_eq!(envelope["success"], false);
        assert_eq!(envelope["errors"]["email"], "is required");
        let bad_email = http
            .post(format!("{}/auth/login/email", server.base))
            .bearer_auth(&access)
            .json(&json!({"email": "not an email"}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad_email.status(), 400);
        let expired = http
            .post(format!("{}/auth/logout", server.base))
            .bearer_auth("eyJhbGciOiJIUzI1NiJ9.e30.x")
            .send()
            .await
            .unwrap();
        assert_eq!(expired.status(), 401);
    })
    .await;
}

/// Verifies an OTP challenge with the code debug mode returned.
async fn verify(
    client: &storefront::Client,
    challenge: Value,
) -> types::LoginWithPasswordResponseContent {
    client
        .auth()
        .verify_otp(body::<types::VerifyOtpBody>(json!({
            "otp": challenge["otp"], "otp_token": challenge["otp_token"],
            "otp_action": challenge["otp_action"]})))
        .await
        .expect("verify otp")
        .content
}

fn json_of<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serializes")
}

#[tokio::test]
async fn phone_whatsapp_and_the_rest_of_the_account_operations() {
    for_each_server(|server| async move {
        // the API key is accepted even when an expired or foreign bearer comes with it
        let with_both = storefront::Client::builder()
            .base_url(&server.base)
            .api_key(&server.api_key)
            .bearer_token("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.x")
            .build()
            .unwrap();
        with_both
            .auth()
            .get_anonymous_token()
            .await
            .expect("anonymous with a stale bearer");

        // register by phone (SMS), then by WhatsApp, then log in by WhatsApp
        let (access, _) = anonymous(&server).await;
        let client = server.with_token(&access);
        let challenge = client
            .auth()
            .register_with_phone(body::<types::RegisterWithPhoneBody>(json!({
                "phone": "9876543210", "country_code": "+91", "first_name": "Ravi"})))
            .x_debug_mode(true)
            .await
            .expect("register with phone")
            .content;
        let ravi = verify(&client, json_of(&challenge)).await;
        assert_eq!(claims(&ravi.access_token)["phone"], "9876543210");
        let (access, _) = anonymous(&server).await;
        let client = server.with_token(&access);
        let challenge = client
            .auth()
            .register_with_whatsapp(body::<types::RegisterWithPhoneBody>(json!({
                "phone": "9876500000", "country_code": "+91", "first_name": "Meera"})))
            .x_debug_mode(true)
            .await
            .expect("register with whatsapp")
            .content;
        verify(&client, json_of(&challenge)).await;
        let challenge = client
            .auth()
            .login_with_whatsapp(body::<types::LoginWithWhatsappBody>(json!({
                "phone": "9876500000", "country_code": "+91"})))
            .x_debug_mode(true)
            .await
            .expect("login with whatsapp")
            .content;
        let meera = verify(&client, json_of(&challenge)).await;
        let unknown = client
            .auth()
            .login_with_phone(body::<types::LoginWithPhoneBody>(json!({
                "phone": "9000000001", "country_code": "+91", "register_if_not_exists": false})))
            .await;
        assert_eq!(status(unknown), 404);
        let challenge = client
            .auth()
            .login_with_phone(body::<types::LoginWithPhoneBody>(json!({
                "phone": "9876543210", "country_code": "+91"})))
            .x_debug_mode(true)
            .await
            .expect("login with phone")
            .content;
        assert_eq!(
            verify(&client, json_of(&challenge))
                .await
                .user
                .first_name
                .as_deref(),
            Some("Ravi")
        );

        // verification status of contacts
        let status_of = server
            .with_token(&meera.access_token)
            .auth()
            .check_verification_status(body::<types::CheckVerificationStatusBody>(json!({
                "phone": ["9876500000", "9111111111"]})))
            .await
            .expect("verification status")
            .content;
        assert_eq!(status_of.verified_phone, ["9876500000"]);

        // forgot and reset a password, by email
        let (ann, _, ann_id) = sign_in(&server, "ann@example.com").await;
        let client = server.with_token(&ann);
        let forgot = client
            .auth()
            .forgot_password(body::<types::ForgotPasswordBody>(
                json!({"email": "ann@example.com"}),
            ))
            .x_debug_mode(true)
            .await
            .expect("forgot password")
            .content;
        let bad = client
            .auth()
            .reset_password(body::<types::ResetPasswordBody>(json!({
                "new_password": "brand-new-pass", "confirm_password": "brand-new-pass",
                "otp_token": forgot.otp_token, "otp": "not-it"})))
            .await;
        assert_eq!(status(bad), 400);
        let reset = client
            .auth()
            .reset_password(body::<types::ResetPasswordBody>(json!({
                "new_password": "brand-new-pass", "confirm_password": "brand-new-pass",
                "otp_token": forgot.otp_token, "otp": forgot.otp})))
            .await
            .expect("reset password")
            .content;
        let ann = reset.access_token;
        let client = server.with_token(&ann);
        let login = server
            .with_token(&anonymous(&server).await.0)
            .auth()
            .login_with_password(body::<types::LoginWithPasswordBody>(json!({
                "email": "ann@example.com", "password": "brand-new-pass"})))
            .await;
        assert_eq!(status(login), 200);

        // generate-otp to verify the email, then update the account
        let otp = client
            .auth()
            .generate_otp(body::<types::GenerateOtpBody>(json!({
                "channel": "email", "email": "ann@example.com", "otp_action": "verify-email"})))
            .x_debug_mode(true)
            .await
            .expect("generate otp")
            .content;
        verify(&client, json_of(&otp)).await;
        let me = client
            .auth()
            .get_user_detail(&ann_id)
            .await
            .expect("me")
            .content
            .user;
        let mut changed = json_of(&me);
        changed["first_name"] = json!("Annie");
        let updated = client
            .auth()
            .update_user(&ann_id, body::<types::User>(changed))
            .await
            .expect("update user")
            .content
            .user;
        assert_eq!(updated.first_name.as_deref(), Some("Annie"));

        // the profile image: replace, read, and its bytes at its URL
        let png = |bytes: &[u8]| types::support::FilePart {
            file_name: Some("me.png".into()),
            content_type: Some("image/png".into()),
            bytes: bytes.to_vec(),
        };
        client
            .auth()
            .add_profile_image(&ann_id, types::AddProfileImageBody::new(png(b"first")))
            .await
            .expect("add image");
        let mut update = types::UpdateProfileImageBody::default();
        update.image = Some(png(b"second"));
        client
            .auth()
            .update_profile_image(&ann_id, update)
            .await
            .expect("update image");
        let url = client
            .auth()
            .get_profile_image(&ann_id)
            .await
            .expect("get image")
            .content
            .profile_image_url;
        let bytes = reqwest::get(format!("{}{url}", server.base))
            .await
            .expect("image url")
            .bytes()
            .await
            .expect("bytes");
        assert_eq!(&bytes[..], b"second");

        // preferences: create, then update
        let prefs = |email: bool| -> types::NotificationPreferences {
            let channels = json!({"email": email, "sms": false, "whatsapp": false});
            body(
                json!({"transactional": channels, "promotional": channels, "newsletter": channels}),
            )
        };
        client
            .auth()
            .create_notification_preferences(
                &ann_id,
                types::GetNotificationPreferencesResponseContent::new(prefs(true)),
            )
            .await
            .expect("create preferences");
        let again = client
            .auth()
            .create_notification_preferences(
                &ann_id,
                types::GetNotificationPreferencesResponseContent::new(prefs(true)),
            )
            .await;
        assert_eq!(status(again), 400, "created once");
        let updated = client
            .auth()
            .update_notification_preferences(
                &ann_id,
                types::GetNotificationPreferencesResponseContent::new(prefs(false)),
            )
            .await
            .expect("update preferences")
            .content
            .notification_preferences;
        assert_eq!(updated, prefs(false));

        // deactivate: the account can no longer be used
        client
            .auth()
            .deactivate_user(&ann_id)
            .await
            .expect("deactivate");
        let after = client.auth().get_user_detail(&ann_id).await;
        assert_eq!(status(after), 401);

        // delete (another account)
        let (ravi_access, ravi_id) = (ravi.access_token, ravi.user.id.expect("id"));
        let ravi_client = server.with_token(&ravi_access);
        ravi_client
            .auth()
            .delete_user(&ravi_id)
            .await
            .expect("delete");
        let gone = server
            .with_token(&anonymous(&server).await.0)
            .auth()
            .login_with_phone(body::<types::LoginWithPhoneBody>(json!({
                "phone": "9876543210", "country_code": "+91", "register_if_not_exists": false})))
            .await;
        assert_eq!(status(gone), 404);
    })
    .await;
}
