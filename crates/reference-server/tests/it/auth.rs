use std::time::Duration;

use reference_server::auth::{AuthService, AuthSettings, PhoneChannel, UserUpdate};
use reference_server::db::Db;
use reference_server::error::Error;
use reference_server::security::jwt::AccessClaims;
use reference_server::security::otp::MemorySender;
use reference_server::store::{otps, stores, tokens, users};
use storefront_types::{
    ChangePasswordBody, CheckVerificationStatusBody, ForgotPasswordBody, GenerateOtpBody,
    GenerateOtpWithEmail, GenerateOtpWithEmailOtpAction, LoginWithPasswordBody,
    LoginWithPasswordBodyVariant1, NotificationChannelPreferences, NotificationPreferences,
    RegisterWithEmailBody, RegisterWithEmailPassword, RegisterWithPasswordBody, ResetPasswordBody,
    SendOtpWithEmail, VerifyOtpBodyOtpAction,
};

use crate::support::{auth_service, create_store, for_each_db, for_each_url};

async fn setup(db: &Db, settings: AuthSettings) -> (AuthService, std::sync::Arc<MemorySender>) {
    create_store(db, "demo").await;
    auth_service(db, settings).await
}

async fn anonymous(auth: &AuthService) -> AccessClaims {
    let session = auth.anonymous_session("demo").await.unwrap();
    auth.authenticate("demo", &session.access_token).unwrap()
}

/// Registers `email` by OTP from a fresh anonymous session; returns the anonymous claims and
/// the verify answer.
async fn register_email(
    auth: &AuthService,
    sender: &MemorySender,
    email: &str,
) -> (
    AccessClaims,
    storefront_types::LoginWithPasswordResponseContent,
) {
    let session = anonymous(auth).await;
    let mut body = RegisterWithEmailBody::new(email, "Asha");
    body.last_name = Some(Some("Rao".into()));
    let challenge = auth
        .register_with_email("demo", Some(&session), &body)
        .await
        .unwrap();
    assert_eq!(challenge.content.otp_action, "register");
    let code = sender.last_code(email).unwrap();
    assert_eq!(challenge.debug_otp.as_deref(), Some(code.as_str()));
    let verified = auth
        .verify_otp(
            "demo",
            Some(&session),
            &code,
            &challenge.content.otp_token,
            &VerifyOtpBodyOtpAction::Register,
        )
        .await
        .unwrap();
    (session, verified)
}

/// A check-verification-status body asking about these emails and phones.
fn verification_query(emails: &[&str], phones: &[&str]) -> CheckVerificationStatusBody {
    let mut body = CheckVerificationStatusBody::default();
    body.email = Some(emails.iter().map(|e| e.to_string()).collect());
    body.phone = Some(phones.iter().map(|p| p.to_string()).collect());
    body
}

fn register_password_body(email: &str, password: &str) -> RegisterWithPasswordBody {
    RegisterWithPasswordBody::RegisterWithEmailPassword(Box::new(RegisterWithEmailPassword::new(
        email, password, password,
    )))
}

fn password_login(email: &str, password: &str) -> LoginWithPasswordBody {
    LoginWithPasswordBody::Variant1(Box::new(LoginWithPasswordBodyVariant1::new(
        email, password,
    )))
}

#[tokio::test]
async fn anonymous_session_issues_verifiable_tokens() {
    for_each_db(|db| async move {
        let (auth, _) = setup(&db, AuthSettings::default()).await;
        let session = auth.anonymous_session("demo").await.unwrap();
        assert!(session.user.is_anonymous);
        assert!(!session.user.is_logged_in);
        let claims = auth.authenticate("demo", &session.access_token).unwrap();
        assert_eq!(claims.ulid, session.user.id);
        assert_eq!(
            claims.anonymous_id.as_deref(),
            Some(session.user.id.as_str())
        );
        assert!(claims.is_anonymous && !claims.is_logged_in);
        assert_eq!(claims.customer_id, None);
        assert_eq!(claims.exp - claims.iat, 3600);
        // An access token is not a refresh token, and a token of demo is not another store's.
        assert!(auth.refresh("demo", &session.access_token).await.is_err());
        assert!(matches!(
            auth.authenticate("other", &session.access_token),
            Err(Error::Unauthorized(_))
        ));
        assert!(matches!(
            auth.anonymous_session("nope").await,
            Err(Error::NotFound(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn otp_registration_keeps_the_anonymous_user_id() {
    for_each_db(|db| async move {
        let (auth, sender) = setup(&db, AuthSettings::default()).await;
        let (session, verified) = register_email(&auth, &sender, "asha@example.com").await;
        assert_eq!(verified.user.id.as_deref(), Some(session.ulid.as_str()));
        assert_eq!(verified.user.is_logged_in, Some(true));
        assert_eq!(verified.user.is_email_verified, Some(true));
        assert_eq!(verified.user.first_name.as_deref(), Some("Asha"));
        let claims = auth.authenticate("demo", &verified.access_token).unwrap();
        assert!(claims.is_logged_in && !claims.is_anonymous);
        assert_eq!(claims.customer_id.as_deref(), Some(session.ulid.as_str()));
        assert_eq!(claims.email.as_deref(), Some("asha@example.com"));
        assert_eq!(claims.anonymous_id.as_deref(), Some(session.ulid.as_str()));
        // Registering the same email again is a conflict.
        let again = anonymous(&auth).await;
        let err = auth
            .register_with_email(
                "demo",
                Some(&again),
                &RegisterWithEmailBody::new("ASHA@example.com", "X"),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err}");
    })
    .await;
}

#[tokio::test]
async fn otp_login_signs_into_the_existing_account() {
    for_each_db(|db| async move {
        let (auth, sender) = setup(&db, AuthSettings::default()).await;
        let (first, _) = register_email(&auth, &sender, "asha@example.com").await;
        let session = anonymous(&auth).await;
        // Unknown accounts are not found unless registration is asked for.
        let err = auth
            .login_with_email("demo", Some(&session), "nobody@example.com", false)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound(_)));
        let challenge = auth
            .login_with_email("demo", Some(&session), "nobody@example.com", true)
            .await
            .unwrap();
        assert_eq!(challenge.content.otp_action, "register");

        let challenge = auth
            .login_with_email("demo", Some(&session), "asha@example.com", false)
            .await
            .unwrap();
        assert_eq!(challenge.content.otp_action, "login");
        let code = sender.last_code("asha@example.com").unwrap();
        let verified = auth
            .verify_otp(
                "demo",
                Some(&session),
                &code,
                &challenge.content.otp_token,
                &VerifyOtpBodyOtpAction::Login,
            )
            .await
            .unwrap();
        assert_eq!(verified.user.id.as_deref(), Some(first.ulid.as_str()));
        let claims = auth.authenticate("demo", &verified.access_token).unwrap();
        assert_eq!(claims.ulid, first.ulid);
        assert_eq!(claims.anonymous_id.as_deref(), Some(session.ulid.as_str()));
    })
    .await;
}

#[tokio::test]
async fn phone_otp_login_by_whatsapp() {
    for_each_db(|db| async move {
        let (auth, sender) = setup(&db, AuthSettings::default()).await;
        let session = anonymous(&auth).await;
        let challenge = auth
            .login_with_phone(
                "demo",
                Some(&session),
                Some("+91".into()),
                "98765 43210",
                PhoneChannel::Whatsapp,
                true,
            )
            .await
            .unwrap();
        let messages = sender.messages();
        assert_eq!(messages[0].channel, "whatsapp");
        assert_eq!(messages[0].destination, "9876543210");
        let verified = auth
            .verify_otp(
                "demo",
                Some(&session),
                &messages[0].code,
                &challenge.content.otp_token,
                &VerifyOtpBodyOtpAction::Login,
            )
            .await
            .unwrap();
        assert_eq!(verified.user.phone.as_deref(), Some("9876543210"));
        assert_eq!(verified.user.is_phone_verified, Some(true));
        assert!(matches!(
            auth.login_with_phone("demo", None, None, "12ab", PhoneChannel::Sms, true)
                .await,
            Err(Error::BadRequest(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn wrong_used_expired_and_locked_otps_are_refused() {
    for_each_db(|db| async move {
        let (auth, sender) = setup(
            &db,
            AuthSettings {
                otp_max_attempts: 3,
                ..AuthSettings::default()
            },
        )
        .await;
        let session = anonymous(&auth).await;
        let login = |email: &'static str| {
            let auth = auth.clone();
            let session = session.clone();
            async move {
                auth.login_with_email("demo", Some(&session), email, true)
                    .await
                    .unwrap()
            }
        };
        let verify = |code: String, token: String| {
            let auth = auth.clone();
            let session = session.clone();
            async move {
                auth.verify_otp(
                    "demo",
                    Some(&session),
                    &code,
                    &token,
                    &VerifyOtpBodyOtpAction::Register,
                )
                .await
            }
        };

        // Wrong code, then the right one still works; then it is spent.
        let c = login("a@example.com").await;
        let code = sender.last_code("a@example.com").unwrap();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert!(matches!(
            verify(wrong.into(), c.content.otp_token.clone()).await,
            Err(Error::Unauthorized(_))
        ));
        assert!(matches!(
            verify("abc".into(), c.content.otp_token.clone()).await,
            Err(Error::Unauthorized(_))
        ));
        verify(code.clone(), c.content.otp_token.clone())
            .await
            .unwrap();
        assert!(
            matches!(
                verify(code, c.content.otp_token.clone()).await,
                Err(Error::Unauthorized(_))
            ),
            "single use"
        );

        // Locked after max attempts, even for the right code.
        let session2 = anonymous(&auth).await;
        let c = auth
            .login_with_email("demo", Some(&session2), "b@example.com", true)
            .await
            .unwrap();
        let code = sender.last_code("b@example.com").unwrap();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let v = |code: String| {
            let auth = auth.clone();
            let session2 = session2.clone();
            let token = c.content.otp_token.clone();
            async move {
                auth.verify_otp(
                    "demo",
                    Some(&session2),
                    &code,
                    &token,
                    &VerifyOtpBodyOtpAction::Register,
                )
                .await
            }
        };
        assert!(matches!(v(wrong.into()).await, Err(Error::Unauthorized(_))));
        assert!(matches!(v(wrong.into()).await, Err(Error::Unauthorized(_))));
        assert!(matches!(
            v(wrong.into()).await,
            Err(Error::TooManyAttempts(_))
        ));
        assert!(matches!(v(code).await, Err(Error::TooManyAttempts(_))));

        // Unknown token, mismatching action.
        assert!(matches!(
            verify("123456".into(), "nope".into()).await,
            Err(Error::Unauthorized(_))
        ));
        let c = login("c@example.com").await;
        let code = sender.last_code("c@example.com").unwrap();
        let err = auth
            .verify_otp(
                "demo",
                Some(&session),
                &code,
                &c.content.otp_token,
                &VerifyOtpBodyOtpAction::ResetPassword,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::BadRequest(_)), "{err}");
    })
    .await;
}

#[tokio::test]
async fn expired_otps_are_refused() {
    for_each_db(|db| async move {
        let (auth, sender) = setup(
            &db,
            AuthSettings {
                otp_ttl: Duration::ZERO,
                ..AuthSettings::default()
            },
        )
        .await;
        let session = anonymous(&auth).await;
        let c = auth
            .login_with_email("demo", Some(&session), "a@example.com", true)
            .await
            .unwrap();
        let code = sender.last_code("a@example.com").unwrap();
        let err = auth
            .verify_otp(
                "demo",
                Some(&session),
                &code,
                &c.content.otp_token,
                &VerifyOtpBodyOtpAction::Register,
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Unauthorized(ref m) if m.contains("expired")),
            "{err}"
        );
    })
    .await;
}

#[tokio::test]
async fn production_mode_returns_no_debug_code() {
    for_each_db(|db| async move {
        let (auth, sender) = setup(
            &db,
            AuthSettings {
                debug: false,
                ..AuthSettings::default()
            },
        )
        .await;
        let c = auth
            .login_with_email("demo", None, "a@example.com", true)
            .await
            .unwrap();
        assert_eq!(c.debug_otp, None);
        assert_eq!(sender.messages().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_is_refused() {
    for_each_db(|db| async move {
        let (auth, _) = setup(&db, AuthSettings::default()).await;
        let session = auth.anonymous_session("demo").await.unwrap();
        let first = auth.refresh("demo", &session.refresh_token).await.unwrap();
        assert_ne!(first.refresh_token, session.refresh_token);
        let claims = auth.authenticate("demo", &first.access_token).unwrap();
        assert_eq!(claims.ulid, session.user.id);
        // The spent token records its successor; only hashes are stored.
        let old_jti = jti_of(&session.refresh_token);
        let old = tokens::find(&db, "demo", &old_jti).await.unwrap().unwrap();
        assert!(old.rotated_at.is_some());
        assert_eq!(
            old.replaced_by.as_deref(),
            Some(jti_of(&first.refresh_token).as_str())
        );
        assert_eq!(
            old.token_hash,
            reference_server::util::sha256_hex(&session.refresh_token)
        );
        assert!(tokens::find(&db, "other", &old_jti)
            .await
            .unwrap()
            .is_none());
        // Reusing the rotated token is refused and revokes the family, so the successor dies too.
        let err = auth
            .refresh("demo", &session.refresh_token)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Unauthorized(ref m) if m.contains("reuse")),
            "{err}"
        );
        assert!(matches!(
            auth.refresh("demo", &first.refresh_token).await,
            Err(Error::Unauthorized(_))
        ));
        // Other store, garbage.
        let other = auth.anonymous_session("demo").await.unwrap();
        create_store(&db, "other").await;
        assert!(auth.refresh("other", &other.refresh_token).await.is_err());
        assert!(auth.refresh("demo", "garbage").await.is_err());
        assert!(auth.refresh("demo", &other.refresh_token).await.is_ok());
    })
    .await;
}

#[tokio::test]
async fn expired_refresh_tokens_are_refused() {
    for_each_db(|db| async move {
        let (auth, _) = setup(
            &db,
            AuthSettings {
                refresh_ttl: Duration::ZERO,
                ..AuthSettings::default()
            },
        )
        .await;
        let session = auth.anonymous_session("demo").await.unwrap();
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert!(matches!(
            auth.refresh("demo", &session.refresh_token).await,
            Err(Error::Unauthorized(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn logout_revokes_and_starts_an_anonymous_session() {
    for_each_db(|db| async move {
        let (auth, sender) = setup(&db, AuthSettings::default()).await;
        let (_, verified) = register_email(&auth, &sender, "asha@example.com").await;
        let claims = auth.authenticate("demo", &verified.access_token).unwrap();
        let out = auth.logout(&claims).await.unwrap();
        assert_eq!(out.user.is_anonymous, Some(true));
        assert_ne!(out.user.id.as_deref(), Some(claims.ulid.as_str()));
        assert!(matches!(
            auth.refresh("demo", &verified.refresh_token).await,
            Err(Error::Unauthorized(_))
        ));
        auth.refresh("demo", &out.refresh_token).await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn password_registration_login_change_and_reset() {
    for_each_db(|db| async move {
        let (auth, sender) = setup(&db, AuthSettings::default()).await;
        let session = anonymous(&auth).await;
        // Mismatch and weak passwords are bad requests.
        let mismatch = RegisterWithPasswordBody::RegisterWithEmailPassword(Box::new(
            RegisterWithEmailPassword::new("p@example.com", "password-one", "password-two"),
        ));
        assert!(matches!(
            auth.register_with_password("demo", Some(&session), &mismatch)
                .await,
            Err(Error::BadRequest(_))
        ));
        assert!(matches!(
            auth.register_with_password(
                "demo",
                Some(&session),
                &register_password_body("p@example.com", "short")
            )
            .await,
            Err(Error::BadRequest(_))
        ));
        let c = auth
            .register_with_password(
                "demo",
                Some(&session),
                &register_password_body("p@example.com", "first-password"),
            )
            .await
            .unwrap();
        let code = sender.last_code("p@example.com").unwrap();
        auth.verify_otp(
            "demo",
            Some(&session),
            &code,
            &c.content.otp_token,
            &VerifyOtpBodyOtpAction::Register,
        )
        .await
        .unwrap();

        // Wrong password and unknown account: the same Unauthorized.
        let wrong = auth
            .login_with_password(
                "demo",
                None,
                &password_login("p@example.com", "not-the-password"),
            )
            .await;
        assert!(matches!(wrong, Err(Error::Unauthorized(ref m)) if m == "invalid credentials"));
        let unknown = auth
            .login_with_password(
                "demo",
                None,
                &password_login("q@example.com", "first-password"),
            )
            .await;
        assert!(matches!(unknown, Err(Error::Unauthorized(ref m)) if m == "invalid credentials"));
        let login = auth
            .login_with_password(
                "demo",
                None,
                &password_login("P@Example.com", "first-password"),
            )
            .await
            .unwrap();
        assert!(login
            .user
            .login_methods
            .contains(&storefront_types::UserLoginMethodsItem::Password));

        // Change password: old one checked, tokens revoked.
        let claims = auth.authenticate("demo", &login.access_token).unwrap();
        let change = |old: &str, new: &str| ChangePasswordBody::new(old, new, new);
        assert!(matches!(
            auth.change_password(&claims, &change("nope-nope", "second-password"))
                .await,
            Err(Error::Unauthorized(_))
        ));
        let changed = auth
            .change_password(&claims, &change("first-password", "second-password"))
            .await
            .unwrap();
        assert!(auth.refresh("demo", &login.refresh_token).await.is_err());
        auth.refresh("demo", &changed.refresh_token).await.unwrap();
        auth.login_with_password(
            "demo",
            None,
            &password_login("p@example.com", "second-password"),
        )
        .await
        .unwrap();

        // Forgot and reset.
        let forgot = auth
            .forgot_password(
                "demo",
                &ForgotPasswordBody::SendOtpWithEmail(Box::new(SendOtpWithEmail::new(
                    "p@example.com",
                ))),
            )
            .await
            .unwrap();
        assert_eq!(forgot.content.otp_action, "reset-password");
        let code = sender.last_code("p@example.com").unwrap();
        let reset = |otp: &str| {
            ResetPasswordBody::new(
                "third-password",
                "third-password",
                forgot.content.otp_token.clone(),
                otp,
            )
        };
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert!(matches!(
            auth.reset_password("demo", &reset(wrong)).await,
            Err(Error::Unauthorized(_))
        ));
        let done = auth.reset_password("demo", &reset(&code)).await.unwrap();
        assert_eq!(done.user.email.as_deref(), Some("p@example.com"));
        assert!(
            auth.reset_password("demo", &reset(&code)).await.is_err(),
            "single use"
        );
        auth.login_with_password(
            "demo",
            None,
            &password_login("p@example.com", "third-password"),
        )
        .await
        .unwrap();
        assert!(auth
            .login_with_password(
                "demo",
                None,
                &password_login("p@example.com", "second-password")
            )
            .await
            .is_err());

        // An unknown address gets a token too, but nothing is sent.
        let sent = sender.messages().len();
        let unknown = auth
            .forgot_password(
                "demo",
                &ForgotPasswordBody::SendOtpWithEmail(Box::new(SendOtpWithEmail::new(
                    "ghost@example.com",
                ))),
            )
            .await
            .unwrap();
        assert_eq!(unknown.debug_otp, None);
        assert_eq!(sender.messages().len(), sent);
    })
    .await;
}

#[tokio::test]
async fn user_profile_preferences_and_deactivation() {
    for_each_db(|db| async move {
        let (auth, sender) = setup(&db, AuthSettings::default()).await;
        let (_, verified) = register_email(&auth, &sender, "asha@example.com").await;
        let claims = auth.authenticate("demo", &verified.access_token).unwrap();
        let id = claims.ulid.clone();

        let user = auth.get_user(&claims, &id).await.unwrap();
        assert_eq!(user.email.as_deref(), Some("asha@example.com"));
        let other = anonymous(&auth).await;
        assert!(matches!(
            auth.get_user(&claims, &other.ulid).await,
            Err(Error::NotFound(_))
        ));

        let updated = auth
            .update_user(
                &claims,
                &id,
                &UserUpdate {
                    first_name: Some("Asha K".into()),
                    ..UserUpdate::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(updated.first_name.as_deref(), Some("Asha K"));
        let err = auth
            .update_user(
                &claims,
                &id,
                &UserUpdate {
                    email: Some("new@example.com".into()),
                    ..UserUpdate::default()
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::BadRequest(_)));

        // Update the email through an OTP.
        let c = auth
            .generate_otp(
                "demo",
                Some(&claims),
                &GenerateOtpBody::GenerateOtpWithEmail(Box::new(GenerateOtpWithEmail::new(
                    "new@example.com",
                    GenerateOtpWithEmailOtpAction::UpdateEmail,
                ))),
            )
            .await
            .unwrap();
        let code = sender.last_code("new@example.com").unwrap();
        let v = auth
            .verify_otp(
                "demo",
                Some(&claims),
                &code,
                &c.content.otp_token,
                &VerifyOtpBodyOtpAction::UpdateEmail,
            )
            .await
            .unwrap();
        assert_eq!(v.user.email.as_deref(), Some("new@example.com"));
        let claims = auth.authenticate("demo", &v.access_token).unwrap();

        // Profile image.
        assert!(matches!(
            auth.get_profile_image(&claims, &id).await,
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            auth.set_profile_image(&claims, &id, "text/plain", b"x")
                .await,
            Err(Error::BadRequest(_))
        ));
        let url = auth
            .set_profile_image(&claims, &id, "image/png", b"\x89PNG")
            .await
            .unwrap();
        assert!(url.profile_image_url.contains(&id));
        assert_eq!(
            users::get_profile_image(&db, "demo", &id).await.unwrap(),
            ("image/png".into(), b"\x89PNG".to_vec())
        );
        auth.remove_profile_image(&claims, &id).await.unwrap();
        assert!(matches!(
            auth.remove_profile_image(&claims, &id).await,
            Err(Error::NotFound(_))
        ));

        // Notification preferences.
        let defaults = auth
            .get_notification_preferences(&claims, &id)
            .await
            .unwrap();
        assert!(defaults.transactional.email && !defaults.promotional.email);
        let all_on = NotificationChannelPreferences::new(true, true, true);
        let prefs = NotificationPreferences::new(all_on.clone(), all_on.clone(), all_on);
        auth.create_notification_preferences(&claims, &id, &prefs)
            .await
            .unwrap();
        assert!(matches!(
            auth.create_notification_preferences(&claims, &id, &prefs)
                .await,
            Err(Error::Conflict(_))
        ));
        let mut changed = prefs.clone();
        changed.newsletter.sms = false;
        auth.update_notification_preferences(&claims, &id, &changed)
            .await
            .unwrap();
        assert_eq!(
            auth.get_notification_preferences(&claims, &id)
                .await
                .unwrap(),
            changed
        );
        assert_eq!(
            auth.get_user(&claims, &id)
                .await
                .unwrap()
                .notification_preferences,
            changed
        );

        // Verification status.
        let status = auth
            .check_verification_status(
                "demo",
                &verification_query(
                    &["new@example.com", "asha@example.com", "bad"],
                    &["9999999999"],
                ),
            )
            .await
            .unwrap();
        assert_eq!(status.verified_email, vec!["new@example.com".to_string()]);
        assert!(status.verified_phone.is_empty());

        // Deactivate: refresh and login refused.
        auth.deactivate_user(&claims, &id).await.unwrap();
        assert!(auth.refresh("demo", &v.refresh_token).await.is_err());
        assert!(matches!(
            auth.get_user(&claims, &id).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            auth.login_with_email("demo", None, "new@example.com", false)
                .await,
            Err(Error::Forbidden(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn delete_user_removes_the_account() {
    for_each_db(|db| async move {
        let (auth, sender) = setup(&db, AuthSettings::default()).await;
        let (_, verified) = register_email(&auth, &sender, "asha@example.com").await;
        let claims = auth.authenticate("demo", &verified.access_token).unwrap();
        auth.delete_user(&claims, &claims.ulid).await.unwrap();
        assert!(users::find(&db, "demo", &claims.ulid)
            .await
            .unwrap()
            .is_none());
        assert!(auth.refresh("demo", &verified.refresh_token).await.is_err());
        // The email is free again.
        register_email(&auth, &sender, "asha@example.com").await;
    })
    .await;
}

#[tokio::test]
async fn stores_are_isolated() {
    for_each_db(|db| async move {
        let (auth, sender) = setup(&db, AuthSettings::default()).await;
        let other = create_store(&db, "other").await;
        let demo = stores::get_store(&db, "demo").await.unwrap();
        register_email(&auth, &sender, "asha@example.com").await;
        // The account does not exist in the other store; the same email registers there anew.
        assert!(matches!(
            auth.login_with_email("other", None, "asha@example.com", false)
                .await,
            Err(Error::NotFound(_))
        ));
        assert!(users::find_by_email(&db, "other", "asha@example.com")
            .await
            .unwrap()
            .is_none());
        auth.register_with_email(
            "other",
            None,
            &RegisterWithEmailBody::new("asha@example.com", "A"),
        )
        .await
        .unwrap();
        // Keys are per store.
        stores::verify_api_key(&db, "demo", &demo.api_key)
            .await
            .unwrap();
        assert!(matches!(
            stores::verify_api_key(&db, "demo", &other.api_key).await,
            Err(Error::Unauthorized(_))
        ));
        assert!(matches!(
            stores::verify_api_key(&db, "nope", &demo.api_key).await,
            Err(Error::NotFound(_))
        ));
        // A session of one store is no session in the other.
        let session = auth.anonymous_session("demo").await.unwrap();
        assert!(auth.authenticate("other", &session.access_token).is_err());
        let claims = auth.authenticate("demo", &session.access_token).unwrap();
        let mut forged = claims.clone();
        forged.store_id = "other".into();
        assert!(matches!(
            auth.session_user(&forged).await,
            Err(Error::Unauthorized(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn two_instances_share_state() {
    for_each_url(|url, _| async move {
        let a = Db::connect(&url).await.unwrap();
        let b = Db::connect(&url).await.unwrap();
        create_store(&a, "demo").await;
        let (auth_a, sender) = auth_service(&a, AuthSettings::default()).await;
        let (auth_b, _) = auth_service(&b, AuthSettings::default()).await;
        // An OTP asked on A verifies on B; B's token refreshes on A; reuse on B is refused.
        let session = auth_a.anonymous_session("demo").await.unwrap();
        let claims = auth_b.authenticate("demo", &session.access_token).unwrap();
        let c = auth_a
            .login_with_email("demo", Some(&claims), "x@example.com", true)
            .await
            .unwrap();
        let code = sender.last_code("x@example.com").unwrap();
        let verified = auth_b
            .verify_otp(
                "demo",
                Some(&claims),
                &code,
                &c.content.otp_token,
                &VerifyOtpBodyOtpAction::Register,
            )
            .await
            .unwrap();
        let next = auth_a
            .refresh("demo", &verified.refresh_token)
            .await
            .unwrap();
        assert!(auth_b
            .refresh("demo", &verified.refresh_token)
            .await
            .is_err());
        assert!(
            auth_b.refresh("demo", &next.refresh_token).await.is_err(),
            "family revoked on reuse"
        );
        assert!(users::find_by_email(&a, "demo", "x@example.com")
            .await
            .unwrap()
            .is_some());
        a.close().await;
        b.close().await;
    })
    .await;
}

/// The `jti` claim of a JWT, read without verifying it.
fn jti_of(token: &str) -> String {
    let payload = token.split('.').nth(1).unwrap();
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let (mut out, mut buffer, mut bits) = (Vec::new(), 0u32, 0);
    for c in payload.bytes() {
        buffer = (buffer << 6) | ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    let claims: serde_json::Value = serde_json::from_slice(&out).unwrap();
    claims["jti"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn expired_rows_are_cleaned_up() {
    for_each_db(|db| async move {
        let (auth, _) = setup(
            &db,
            AuthSettings {
                otp_ttl: Duration::ZERO,
                refresh_ttl: Duration::ZERO,
                ..AuthSettings::default()
            },
        )
        .await;
        auth.anonymous_session("demo").await.unwrap();
        auth.login_with_email("demo", None, "a@example.com", true)
            .await
            .unwrap();
        let later = reference_server::util::now_secs() + 10;
        assert_eq!(tokens::delete_expired(&db, later).await.unwrap(), 1);
        assert_eq!(otps::delete_expired(&db, later).await.unwrap(), 1);
        assert_eq!(otps::delete_expired(&db, later).await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn phone_registration_and_verification_status() {
    for_each_db(|db| async move {
        let (auth, sender) = setup(&db, AuthSettings::default()).await;
        let session = anonymous(&auth).await;
        let mut body = storefront_types::RegisterWithPhoneBody::new("9876543210", "Vikram");
        body.country_code = Some(storefront_types::LoginWithWhatsappBodyCountryCode::V91);
        body.email = Some(Some("vikram@example.com".into()));
        let c = auth
            .register_with_phone("demo", Some(&session), &body, PhoneChannel::Sms)
            .await
            .unwrap();
        assert_eq!(sender.messages()[0].channel, "sms");
        let code = sender.last_code("9876543210").unwrap();
        let v = auth
            .verify_otp(
                "demo",
                Some(&session),
                &code,
                &c.content.otp_token,
                &VerifyOtpBodyOtpAction::Register,
            )
            .await
            .unwrap();
        assert_eq!(v.user.country_code.as_deref(), Some("+91"));
        assert_eq!(v.user.is_phone_verified, Some(true));
        assert_eq!(
            v.user.is_email_verified,
            Some(false),
            "the email was not verified"
        );
        assert!(matches!(
            auth.register_with_phone("demo", None, &body, PhoneChannel::Whatsapp)
                .await,
            Err(Error::Conflict(_))
        ));
        // Verify the email by OTP; then both show as verified.
        let claims = auth.authenticate("demo", &v.access_token).unwrap();
        let c = auth
            .generate_otp(
                "demo",
                Some(&claims),
                &GenerateOtpBody::GenerateOtpWithEmail(Box::new(GenerateOtpWithEmail::new(
                    "vikram@example.com",
                    GenerateOtpWithEmailOtpAction::VerifyEmail,
                ))),
            )
            .await
            .unwrap();
        let code = sender.last_code("vikram@example.com").unwrap();
        auth.verify_otp(
            "demo",
            Some(&claims),
            &code,
            &c.content.otp_token,
            &VerifyOtpBodyOtpAction::VerifyEmail,
        )
        .await
        .unwrap();
        let status = auth
            .check_verification_status(
                "demo",
                &verification_query(&["vikram@example.com"], &["98765-43210", "1111111111"]),
            )
            .await
            .unwrap();
        assert_eq!(status.verified_email, ["vikram@example.com"]);
        assert_eq!(status.verified_phone, ["98765-43210"]);
        // An anonymous session cannot ask to verify a contact, nor verify another user's.
        let anon = anonymous(&auth).await;
        let ask = GenerateOtpBody::GenerateOtpWithEmail(Box::new(GenerateOtpWithEmail::new(
            "vikram@example.com",
            GenerateOtpWithEmailOtpAction::VerifyEmail,
        )));
        assert!(matches!(
            auth.generate_otp("demo", Some(&anon), &ask).await,
            Err(Error::Unauthorized(_))
        ));
    })
    .await;
}
