//! The auth service: the Storefront auth flows in terms of the storage layer.
//!
//! Sessions are JWT pairs. Every flow starts from an anonymous session
//! ([`AuthService::anonymous_session`]); OTP login or registration returns an `otp_token`
//! and `otp_action`, and [`AuthService::verify_otp`] turns the anonymous user into the
//! signed-in user, keeping its user id (so its cart follows), or signs into the existing
//! account. Refresh tokens rotate on every use; a rotated token presented again revokes its
//! whole family. Secrets (passwords, codes, tokens) are never logged, except OTP codes by the
//! [`LogSender`] in development mode.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use storefront_types::{
    ChangePasswordBody, ChangePasswordResponseContent, CheckVerificationStatusBody,
    CheckVerificationStatusResponseContent, ForgotPasswordBody, GenerateOtpBody,
    GetAnonymousTokenResponseContent, GetProfileImageResponseContent, LoginWithPasswordBody,
    LoginWithPasswordResponseContent, LogoutResponseContent, NotificationPreferences, OtpContent,
    RegisterWithEmailBody, RegisterWithPasswordBody, RegisterWithPhoneBody, ResetPasswordBody,
    User, VerifyOtpBodyOtpAction,
};

use crate::config::Config;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::security::jwt::{AccessClaims, JwtKeys, RefreshClaims, ACCESS, REFRESH};
use crate::security::otp::{self, FanOutSender, LogSender, OtpMessage, OtpSender, OutboxSender};
use crate::security::password;
use crate::store::users::{self, normalize_email, normalize_phone, UserRecord};
use crate::store::{otps, preferences, stores, tokens};
use crate::util;

/// Lifetimes and limits of the auth flows.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// Access token lifetime.
    pub access_ttl: Duration,
    /// Refresh token lifetime.
    pub refresh_ttl: Duration,
    /// OTP lifetime.
    pub otp_ttl: Duration,
    /// Wrong codes that lock an OTP.
    pub otp_max_attempts: u32,
    /// Development mode: OTP challenges carry the code ([`OtpChallenge::debug_otp`]).
    pub debug: bool,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            access_ttl: Duration::from_secs(3600),
            refresh_ttl: Duration::from_secs(30 * 86400),
            otp_ttl: Duration::from_secs(600),
            otp_max_attempts: 5,
            debug: true,
        }
    }
}

/// A pair of tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenPair {
    /// The access JWT.
    pub access_token: String,
    /// The refresh JWT.
    pub refresh_token: String,
}

impl std::fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenPair(<redacted>)")
    }
}

/// The answer to an OTP request: the API's `OtpContent`, plus the code itself in development
/// mode, for the HTTP layer to return when the request has `x-debug-mode: true`.
#[derive(Clone, PartialEq)]
pub struct OtpChallenge {
    /// `otp_token` and `otp_action` to pass to verify-otp (or reset-password).
    pub content: OtpContent,
    /// The code, only in development mode.
    pub debug_otp: Option<String>,
}

impl std::fmt::Debug for OtpChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtpChallenge")
            .field("otp_action", &self.content.otp_action)
            .finish_non_exhaustive()
    }
}

/// The channel of a phone OTP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneChannel {
    /// Text message.
    Sms,
    /// WhatsApp message.
    Whatsapp,
}

impl PhoneChannel {
    fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Whatsapp => "whatsapp",
        }
    }
}

/// The fields update-user may change. Email and phone change only through an OTP
/// (`update-email` / `update-phone`), so a different value is refused.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserUpdate {
    /// New first name.
    pub first_name: Option<String>,
    /// New last name.
    pub last_name: Option<String>,
    /// Email as sent (must equal the current one).
    pub email: Option<String>,
    /// Phone as sent (must equal the current one).
    pub phone: Option<String>,
    /// New phone country code.
    pub country_code: Option<String>,
}

impl From<&User> for UserUpdate {
    fn from(user: &User) -> Self {
        Self {
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            email: user.email.clone(),
            phone: user.phone.clone(),
            country_code: user.country_code.clone(),
        }
    }
}

/// What an OTP action needs when the code is verified.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct OtpPayload {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    country_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    password_hash: Option<String>,
}

/// A contact an OTP goes to.
#[derive(Clone, Debug)]
enum Contact {
    Email(String),
    Phone {
        phone: String,
        country_code: Option<String>,
        channel: PhoneChannel,
    },
}

impl Contact {
    fn email(email: &str) -> Result<Self> {
        Ok(Self::Email(normalize_email(email)?))
    }

    fn phone(phone: &str, country_code: Option<String>, channel: PhoneChannel) -> Result<Self> {
        Ok(Self::Phone {
            phone: normalize_phone(phone)?,
            country_code: country_code.filter(|c| !c.trim().is_empty()),
            channel,
        })
    }

    fn channel(&self) -> &'static str {
        match self {
            Self::Email(_) => "email",
            Self::Phone { channel, .. } => channel.as_str(),
        }
    }

    fn destination(&self) -> &str {
        match self {
            Self::Email(email) => email,
            Self::Phone { phone, .. } => phone,
        }
    }

    async fn find_user(&self, db: &Db, store_id: &str) -> Result<Option<UserRecord>> {
        match self {
            Self::Email(email) => users::find_by_email(db, store_id, email).await,
            Self::Phone { phone, .. } => users::find_by_phone(db, store_id, phone).await,
        }
    }

    fn fill(&self, payload: &mut OtpPayload) {
        match self {
            Self::Email(email) => payload.email = Some(email.clone()),
            Self::Phone {
                phone,
                country_code,
                ..
            } => {
                payload.phone = Some(phone.clone());
                payload.country_code.clone_from(country_code);
            }
        }
    }
}

fn some_nonempty(value: Option<Option<String>>) -> Option<String> {
    value
        .flatten()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The auth service. Holds no state besides its configuration: everything is in the database.
#[derive(Clone, Debug)]
pub struct AuthService {
    db: Db,
    keys: JwtKeys,
    sender: Arc<dyn OtpSender>,
    settings: AuthSettings,
}

impl AuthService {
    /// A service over `db`, signing with `keys` and sending OTPs through `sender`.
    pub fn new(db: Db, keys: JwtKeys, sender: Arc<dyn OtpSender>, settings: AuthSettings) -> Self {
        Self {
            db,
            keys,
            sender,
            settings,
        }
    }

    /// A service as the configuration says: the JWT secret from `--jwt-secret` or the database
    /// (created there on first start), OTPs logged and, with `--otp-outbox`, written to a file.
    pub async fn from_config(db: Db, config: &Config) -> Result<Self> {
        let secret = stores::jwt_secret(&db, config.jwt_secret.as_deref()).await?;
        let log = LogSender {
            debug: config.otp_debug(),
        };
        let sender: Arc<dyn OtpSender> = match &config.otp_outbox {
            Some(path) => Arc::new(FanOutSender(vec![
                Box::new(log),
                Box::new(OutboxSender { path: path.clone() }),
            ])),
            None => Arc::new(log),
        };
        let settings = AuthSettings {
            access_ttl: config.access_token_ttl(),
            refresh_ttl: config.refresh_token_ttl(),
            otp_ttl: config.otp_ttl(),
            otp_max_attempts: config.otp_max_attempts,
            debug: config.otp_debug(),
        };
        Ok(Self::new(
            db,
            JwtKeys::new(secret.as_bytes()),
            sender,
            settings,
        ))
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The settings.
    pub fn settings(&self) -> &AuthSettings {
        &self.settings
    }

    // ----- sessions -------------------------------------------------------------------------

    /// Verifies an access token for this store (signature, expiry, type, store): the claims of
    /// the session, or `Unauthorized`. Stateless: it does not read the database.
    pub fn authenticate(&self, store_id: &str, access_token: &str) -> Result<AccessClaims> {
        let claims = self.keys.verify_access(access_token)?;
        if claims.store_id != store_id {
            return Err(Error::unauthorized("token of another store"));
        }
        Ok(claims)
    }

    /// The user of a session: `Unauthorized` when it no longer exists, `Forbidden` when it
    /// is deactivated.
    pub async fn session_user(&self, session: &AccessClaims) -> Result<UserRecord> {
        let user = users::find(&self.db, &session.store_id, &session.ulid)
            .await?
            .ok_or_else(|| Error::unauthorized("user no longer exists"))?;
        if !user.is_active {
            return Err(Error::Forbidden("account deactivated".into()));
        }
        Ok(user)
    }

    /// Issues a token pair for `user`; `family` continues a rotation chain.
    async fn issue(
        &self,
        user: &UserRecord,
        anonymous_id: Option<String>,
        family: Option<String>,
    ) -> Result<TokenPair> {
        self.issue_with_jti(user, anonymous_id, family, util::new_ulid()?)
            .await
    }

    /// Issues a token pair whose refresh token has the id `jti`.
    async fn issue_with_jti(
        &self,
        user: &UserRecord,
        anonymous_id: Option<String>,
        family: Option<String>,
        jti: String,
    ) -> Result<TokenPair> {
        let now = util::now_secs();
        let ttl = |d: Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2);
        let access = AccessClaims {
            ulid: user.id.clone(),
            is_anonymous: user.is_anonymous,
            is_logged_in: user.is_logged_in(),
            customer_id: user.customer_id(),
            store_id: user.store_id.clone(),
            anonymous_id: anonymous_id.clone(),
            email: user.email.clone(),
            phone: user.phone.clone(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            iat: now,
            exp: now.saturating_add(ttl(self.settings.access_ttl)),
            token_type: ACCESS.into(),
        };
        let refresh = RefreshClaims {
            ulid: user.id.clone(),
            store_id: user.store_id.clone(),
            jti: jti.clone(),
            iat: now,
            exp: now.saturating_add(ttl(self.settings.refresh_ttl)),
            token_type: REFRESH.into(),
        };
        let access_token = self.keys.sign_access(&access)?;
        let refresh_token = self.keys.sign_refresh(&refresh)?;
        tokens::insert(
            &self.db,
            &tokens::RefreshTokenRecord {
                jti,
                token_hash: util::sha256_hex(&refresh_token),
                store_id: user.store_id.clone(),
                user_id: user.id.clone(),
                family_id: match family {
                    Some(family) => family,
                    None => util::new_ulid()?,
                },
                anonymous_id,
                expires_at: refresh.exp,
                rotated_at: None,
                replaced_by: None,
                revoked_at: None,
            },
        )
        .await?;
        Ok(TokenPair {
            access_token,
            refresh_token,
        })
    }

    async fn user_view(&self, user: &UserRecord) -> Result<User> {
        let prefs = preferences::get_or_default(&self.db, &user.store_id, &user.id).await?;
        Ok(user.to_user(prefs))
    }

    /// get-anonymous-token: a new anonymous user and its token pair. `NotFound` when the
    /// store does not exist.
    pub async fn anonymous_session(
        &self,
        store_id: &str,
    ) -> Result<GetAnonymousTokenResponseContent> {
        stores::get_store(&self.db, store_id).await?;
        let user = users::create_anonymous(&self.db, store_id).await?;
        let pair = self.issue(&user, Some(user.id.clone()), None).await?;
        Ok(GetAnonymousTokenResponseContent::new(
            user.to_anonymous_user(),
            pair.access_token,
            pair.refresh_token,
        ))
    }

    /// refresh-token: exchanges a refresh token for a new pair. The old token is spent; using
    /// it again is refused and revokes every token descended from the same login.
    pub async fn refresh(
        &self,
        store_id: &str,
        refresh_token: &str,
    ) -> Result<ChangePasswordResponseContent> {
        let claims = self.keys.verify_refresh(refresh_token)?;
        if claims.store_id != store_id {
            return Err(Error::unauthorized("token of another store"));
        }
        let record = tokens::find(&self.db, store_id, &claims.jti)
            .await?
            .ok_or_else(|| Error::unauthorized("unknown refresh token"))?;
        if !util::constant_time_eq(&record.token_hash, &util::sha256_hex(refresh_token)) {
            return Err(Error::unauthorized("unknown refresh token"));
        }
        if record.revoked_at.is_some() {
            return Err(Error::unauthorized("refresh token revoked"));
        }
        if record.rotated_at.is_some() {
            tokens::revoke_family(&self.db, store_id, &record.family_id).await?;
            tracing::warn!(store_id, user_id = %record.user_id, "refresh token reuse: family revoked");
            return Err(Error::unauthorized("refresh token reuse detected"));
        }
        if record.expires_at <= util::now_secs() {
            return Err(Error::unauthorized("refresh token expired"));
        }
        let user = users::find(&self.db, store_id, &record.user_id)
            .await?
            .ok_or_else(|| Error::unauthorized("user no longer exists"))?;
        if !user.is_active {
            return Err(Error::Forbidden("account deactivated".into()));
        }
        // Claim the old token first (atomic), so that two concurrent refreshes of one token
        // cannot both succeed.
        let successor = util::new_ulid()?;
        tokens::mark_rotated(&self.db, store_id, &record.jti, &successor).await?;
        let pair = self
            .issue_with_jti(
                &user,
                record.anonymous_id.clone(),
                Some(record.family_id.clone()),
                successor,
            )
            .await?;
        Ok(ChangePasswordResponseContent::new(
            pair.access_token,
            pair.refresh_token,
        ))
    }

    /// logout: revokes every refresh token of the user and starts a fresh anonymous session.
    pub async fn logout(&self, session: &AccessClaims) -> Result<LogoutResponseContent> {
        tokens::revoke_user(&self.db, &session.store_id, &session.ulid).await?;
        let user = users::create_anonymous(&self.db, &session.store_id).await?;
        let pair = self.issue(&user, Some(user.id.clone()), None).await?;
        Ok(LogoutResponseContent::new(
            pair.access_token,
            pair.refresh_token,
            self.user_view(&user).await?,
        ))
    }

    // ----- OTPs -----------------------------------------------------------------------------

    async fn send_otp(
        &self,
        store_id: &str,
        session: Option<&AccessClaims>,
        contact: &Contact,
        action: &str,
        payload: OtpPayload,
        deliver: bool,
    ) -> Result<OtpChallenge> {
        let otp_token = util::random_token(32)?;
        let id = util::sha256_hex(&otp_token);
        let code = otp::generate_code()?;
        let now = util::now_secs();
        let ttl = i64::try_from(self.settings.otp_ttl.as_secs()).unwrap_or(i64::MAX / 2);
        otps::insert(
            &self.db,
            &otps::OtpRecord {
                id: id.clone(),
                store_id: store_id.to_owned(),
                channel: contact.channel().to_owned(),
                destination: contact.destination().to_owned(),
                code_hash: otp::hash_code(&id, &code),
                action: action.to_owned(),
                user_id: session.map(|s| s.ulid.clone()),
                attempts: 0,
                max_attempts: i64::from(self.settings.otp_max_attempts),
                expires_at: now.saturating_add(ttl),
                used_at: None,
                payload: serde_json::to_value(&payload)?,
            },
        )
        .await?;
        if deliver {
            self.sender.send(&OtpMessage {
                channel: contact.channel().to_owned(),
                destination: contact.destination().to_owned(),
                code: code.clone(),
                action: action.to_owned(),
                at: util::rfc3339(now).unwrap_or_default(),
            })?;
        }
        Ok(OtpChallenge {
            content: OtpContent::new(otp_token, action),
            debug_otp: (self.settings.debug && deliver).then_some(code),
        })
    }

    /// Checks a code against the OTP of `otp_token`: wrong codes count towards the lock,
    /// expired, used and locked OTPs never verify, and a correct code is spent at once.
    async fn check_otp(
        &self,
        store_id: &str,
        otp_token: &str,
        code: &str,
        actions: &[&str],
    ) -> Result<(otps::OtpRecord, OtpPayload)> {
        let id = util::sha256_hex(otp_token);
        let record = otps::find(&self.db, store_id, &id)
            .await?
            .ok_or_else(|| Error::unauthorized("invalid OTP token"))?;
        if !actions.contains(&record.action.as_str()) {
            return Err(Error::bad_request(
                "otp_action does not match the OTP token",
            ));
        }
        if record.used_at.is_some() {
            return Err(Error::unauthorized("OTP already used"));
        }
        if record.attempts >= record.max_attempts {
            return Err(Error::TooManyAttempts(
                "OTP locked after too many wrong codes".into(),
            ));
        }
        if record.expires_at <= util::now_secs() {
            return Err(Error::unauthorized("OTP expired"));
        }
        let matches = otp::is_well_formed(code)
            && util::constant_time_eq(&record.code_hash, &otp::hash_code(&id, code));
        if !matches {
            let attempts = otps::record_failure(&self.db, store_id, &id).await?;
            if attempts >= record.max_attempts {
                return Err(Error::TooManyAttempts(
                    "OTP locked after too many wrong codes".into(),
                ));
            }
            return Err(Error::unauthorized("wrong OTP"));
        }
        otps::consume(&self.db, store_id, &id).await?;
        let payload = serde_json::from_value(record.payload.clone())?;
        Ok((record, payload))
    }

    async fn otp_login(
        &self,
        store_id: &str,
        session: Option<&AccessClaims>,
        contact: Contact,
        register_if_not_exists: bool,
    ) -> Result<OtpChallenge> {
        stores::get_store(&self.db, store_id).await?;
        let mut payload = OtpPayload::default();
        contact.fill(&mut payload);
        match contact.find_user(&self.db, store_id).await? {
            Some(user) => {
                if !user.is_active {
                    return Err(Error::Forbidden("account deactivated".into()));
                }
                payload.target_user_id = Some(user.id);
                self.send_otp(store_id, session, &contact, "login", payload, true)
                    .await
            }
            None if register_if_not_exists => {
                self.send_otp(store_id, session, &contact, "register", payload, true)
                    .await
            }
            None => Err(Error::not_found("no account with this email or phone")),
        }
    }

    /// login-with-email: an OTP to the address; action `login`, or `register` when there is
    /// no account and `register_if_not_exists`. `NotFound` when there is no account otherwise.
    pub async fn login_with_email(
        &self,
        store_id: &str,
        session: Option<&AccessClaims>,
        email: &str,
        register_if_not_exists: bool,
    ) -> Result<OtpChallenge> {
        self.otp_login(
            store_id,
            session,
            Contact::email(email)?,
            register_if_not_exists,
        )
        .await
    }

    /// login-with-phone / login-with-whatsapp: like [`Self::login_with_email`] for a phone.
    pub async fn login_with_phone(
        &self,
        store_id: &str,
        session: Option<&AccessClaims>,
        country_code: Option<String>,
        phone: &str,
        channel: PhoneChannel,
        register_if_not_exists: bool,
    ) -> Result<OtpChallenge> {
        let contact = Contact::phone(phone, country_code, channel)?;
        self.otp_login(store_id, session, contact, register_if_not_exists)
            .await
    }

    async fn otp_register(
        &self,
        store_id: &str,
        session: Option<&AccessClaims>,
        contact: Contact,
        mut payload: OtpPayload,
    ) -> Result<OtpChallenge> {
        stores::get_store(&self.db, store_id).await?;
        if contact.find_user(&self.db, store_id).await?.is_some() {
            return Err(Error::Conflict(
                "an account with this email or phone exists".into(),
            ));
        }
        if let Some(email) = &payload.email {
            if users::find_by_email(&self.db, store_id, email)
                .await?
                .is_some()
            {
                return Err(Error::Conflict("an account with this email exists".into()));
            }
        }
        if let Some(phone) = &payload.phone {
            if users::find_by_phone(&self.db, store_id, phone)
                .await?
                .is_some()
            {
                return Err(Error::Conflict("an account with this phone exists".into()));
            }
        }
        contact.fill(&mut payload);
        self.send_otp(store_id, session, &contact, "register", payload, true)
            .await
    }

    /// register-with-email: an OTP (action `register`) to the address; the account is created
    /// by verify-otp. `Conflict` when the email (or given phone) is registered.
    pub async fn register_with_email(
        &self,
        store_id: &str,
        session: Option<&AccessClaims>,
        body: &RegisterWithEmailBody,
    ) -> Result<OtpChallenge> {
        let contact = Contact::email(&body.email)?;
        let payload = OtpPayload {
            first_name: Some(body.first_name.trim().to_owned()).filter(|n| !n.is_empty()),
            last_name: some_nonempty(body.last_name.clone()),
            phone: some_nonempty(body.phone.clone())
                .map(|p| normalize_phone(&p))
                .transpose()?,
            ..OtpPayload::default()
        };
        self.otp_register(store_id, session, contact, payload).await
    }

    /// register-with-phone / register-with-whatsapp: like [`Self::register_with_email`].
    pub async fn register_with_phone(
        &self,
        store_id: &str,
        session: Option<&AccessClaims>,
        body: &RegisterWithPhoneBody,
        channel: PhoneChannel,
    ) -> Result<OtpChallenge> {
        let country_code = body.country_code.as_ref().map(|c| c.as_str().to_owned());
        let contact = Contact::phone(&body.phone, country_code, channel)?;
        let payload = OtpPayload {
            first_name: Some(body.first_name.trim().to_owned()).filter(|n| !n.is_empty()),
            last_name: some_nonempty(body.last_name.clone()),
            email: some_nonempty(body.email.clone())
                .map(|e| normalize_email(&e))
                .transpose()?,
            ..OtpPayload::default()
        };
        self.otp_register(store_id, session, contact, payload).await
    }

    /// register-with-password: validates and hashes the password, then sends an OTP (action
    /// `register`) to the email or phone; verify-otp creates the account with that password.
    pub async fn register_with_password(
        &self,
        store_id: &str,
        session: Option<&AccessClaims>,
        body: &RegisterWithPasswordBody,
    ) -> Result<OtpChallenge> {
        let (contact, password, confirm, payload) = match body {
            RegisterWithPasswordBody::RegisterWithEmailPassword(b) => (
                Contact::email(&b.email)?,
                &b.password,
                &b.confirm_password,
                OtpPayload {
                    phone: some_nonempty(b.phone.clone())
                        .map(|p| normalize_phone(&p))
                        .transpose()?,
                    country_code: some_nonempty(b.country_code.clone()),
                    ..OtpPayload::default()
                },
            ),
            RegisterWithPasswordBody::RegisterWithPhonePassword(b) => (
                Contact::phone(
                    &b.phone,
                    some_nonempty(b.country_code.clone()),
                    PhoneChannel::Sms,
                )?,
                &b.password,
                &b.confirm_password,
                OtpPayload {
                    email: some_nonempty(b.email.clone())
                        .map(|e| normalize_email(&e))
                        .transpose()?,
                    ..OtpPayload::default()
                },
            ),
        };
        if password != confirm {
            return Err(Error::bad_request("password and confirm_password differ"));
        }
        password::validate(password)?;
        let payload = OtpPayload {
            password_hash: Some(password::hash_password(password)?),
            ..payload
        };
        self.otp_register(store_id, session, contact, payload).await
    }

    /// generate-otp: an OTP for `register`, `reset-password`, `verify-email`/`verify-phone`
    /// (the session user's own contact) or `update-email`/`update-phone` (a new contact for
    /// the session user).
    pub async fn generate_otp(
        &self,
        store_id: &str,
        session: Option<&AccessClaims>,
        body: &GenerateOtpBody,
    ) -> Result<OtpChallenge> {
        let (contact, action) = match body {
            GenerateOtpBody::GenerateOtpWithEmail(b) => {
                (Contact::email(&b.email)?, b.otp_action.as_str().to_owned())
            }
            GenerateOtpBody::GenerateOtpWithPhone(b) => {
                let channel = match b.channel.as_str() {
                    "whatsapp" => PhoneChannel::Whatsapp,
                    _ => PhoneChannel::Sms,
                };
                let contact =
                    Contact::phone(&b.phone, some_nonempty(b.country_code.clone()), channel)?;
                (contact, b.otp_action.as_str().to_owned())
            }
        };
        match action.as_str() {
            "register" => {
                self.otp_register(store_id, session, contact, OtpPayload::default())
                    .await
            }
            "reset-password" => self.reset_otp(store_id, contact).await,
            "verify-email" | "verify-phone" | "update-email" | "update-phone" => {
                let session = session.ok_or_else(|| Error::unauthorized("sign in first"))?;
                let user = self.session_user(session).await?;
                if user.is_anonymous {
                    return Err(Error::unauthorized("sign in first"));
                }
                let owner = contact.find_user(&self.db, store_id).await?;
                let is_update = action.starts_with("update-");
                match owner {
                    Some(owner) if owner.id != user.id => {
                        return Err(Error::Conflict(
                            "this email or phone belongs to another account".into(),
                        ))
                    }
                    None if !is_update => {
                        return Err(Error::bad_request(
                            "this email or phone is not the account's",
                        ))
                    }
                    _ => {}
                }
                let mut payload = OtpPayload {
                    target_user_id: Some(user.id.clone()),
                    ..OtpPayload::default()
                };
                contact.fill(&mut payload);
                self.send_otp(store_id, Some(session), &contact, &action, payload, true)
                    .await
            }
            other => Err(Error::bad_request(format!(
                "unsupported otp_action {other}"
            ))),
        }
    }

    /// verify-otp: checks the code and carries out the OTP's action, returning the user and a
    /// new token pair. `register` turns the session's anonymous user into the new account
    /// (same user id) or creates one; `login` signs into the existing account; `verify_*` and
    /// `update_*` change the session user's contact. Errors: `Unauthorized` for a wrong,
    /// expired or used code or an unknown token, `TooManyAttempts` once locked, `BadRequest`
    /// when `otp_action` does not match, `Conflict` when the contact was taken meanwhile.
    pub async fn verify_otp(
        &self,
        store_id: &str,
        session: Option<&AccessClaims>,
        otp_code: &str,
        otp_token: &str,
        otp_action: &VerifyOtpBodyOtpAction,
    ) -> Result<LoginWithPasswordResponseContent> {
        let action = otp_action.as_str().to_owned();
        let allowed: &[&str] = match action.as_str() {
            "login" | "register" => &["login", "register"],
            "verify-email" | "verify-phone" | "update-email" | "update-phone" => &[
                "verify-email",
                "verify-phone",
                "update-email",
                "update-phone",
            ],
            _ => {
                return Err(Error::bad_request(format!(
                    "unsupported otp_action {action}"
                )))
            }
        };
        // `login` and `register` are interchangeable on verify: login-with-* with
        // register_if_not_exists answers with either.
        let (record, payload) = self
            .check_otp(store_id, otp_token, otp_code, allowed)
            .await?;
        let session_user = match session {
            Some(s) if s.store_id == store_id => users::find(&self.db, store_id, &s.ulid).await?,
            _ => None,
        };
        let anonymous_id = session.and_then(|s| s.anonymous_id.clone()).or_else(|| {
            session_user
                .as_ref()
                .filter(|u| u.is_anonymous)
                .map(|u| u.id.clone())
        });
        let email_verified = record.channel == "email";
        let user = match record.action.as_str() {
            "login" => {
                let target = payload
                    .target_user_id
                    .as_deref()
                    .ok_or_else(|| Error::Internal("login OTP without user".into()))?;
                let mut user = users::get(&self.db, store_id, target).await?;
                if !user.is_active {
                    return Err(Error::Forbidden("account deactivated".into()));
                }
                if email_verified {
                    user.email_verified = true;
                } else {
                    user.phone_verified = true;
                }
                users::update(&self.db, &user).await?
            }
            "register" => {
                let now = util::now_secs();
                let base = match session_user.filter(|u| u.is_anonymous && u.is_active) {
                    Some(anonymous) => anonymous,
                    None => UserRecord {
                        id: util::new_ulid()?,
                        store_id: store_id.to_owned(),
                        is_anonymous: true,
                        email: None,
                        phone: None,
                        country_code: None,
                        first_name: None,
                        last_name: None,
                        password_hash: None,
                        is_active: true,
                        email_verified: false,
                        phone_verified: false,
                        profile_image_type: None,
                        created_at: now,
                        updated_at: now,
                    },
                };
                let existed = users::find(&self.db, store_id, &base.id).await?.is_some();
                let user = UserRecord {
                    is_anonymous: false,
                    email: payload.email.clone().or(base.email.clone()),
                    phone: payload.phone.clone().or(base.phone.clone()),
                    country_code: payload.country_code.clone().or(base.country_code.clone()),
                    first_name: payload.first_name.clone().or(base.first_name.clone()),
                    last_name: payload.last_name.clone().or(base.last_name.clone()),
                    password_hash: payload.password_hash.clone().or(base.password_hash.clone()),
                    email_verified: email_verified && payload.email.is_some(),
                    phone_verified: !email_verified && payload.phone.is_some(),
                    ..base
                };
                if existed {
                    users::update(&self.db, &user).await?
                } else {
                    users::insert(&self.db, &user).await?;
                    users::get(&self.db, store_id, &user.id).await?
                }
            }
            "verify-email" | "verify-phone" | "update-email" | "update-phone" => {
                let target = payload
                    .target_user_id
                    .as_deref()
                    .ok_or_else(|| Error::Internal("verify OTP without user".into()))?;
                if session_user.as_ref().map(|u| u.id.as_str()) != Some(target) {
                    return Err(Error::Forbidden("OTP of another user".into()));
                }
                let mut user = users::get(&self.db, store_id, target).await?;
                if let Some(email) = payload.email {
                    user.email = Some(email);
                    user.email_verified = true;
                }
                if let Some(phone) = payload.phone {
                    user.phone = Some(phone);
                    user.phone_verified = true;
                    if payload.country_code.is_some() {
                        user.country_code = payload.country_code;
                    }
                }
                users::update(&self.db, &user).await?
            }
            other => return Err(Error::Internal(format!("OTP with action {other}"))),
        };
        // The session's old refresh tokens must not turn into the signed-in user's.
        if let Some(s) = session {
            tokens::revoke_user(&self.db, store_id, &s.ulid).await?;
        }
        let pair = self.issue(&user, anonymous_id, None).await?;
        Ok(LoginWithPasswordResponseContent::new(
            self.user_view(&user).await?,
            pair.access_token,
            pair.refresh_token,
        ))
    }

    // ----- passwords ------------------------------------------------------------------------

    /// login-with-password: email or phone with a password. `Unauthorized` for an unknown
    /// account or a wrong password (the same message for both), `Forbidden` when deactivated.
    pub async fn login_with_password(
        &self,
        store_id: &str,
        session: Option<&AccessClaims>,
        body: &LoginWithPasswordBody,
    ) -> Result<LoginWithPasswordResponseContent> {
        let (user, password) = match body {
            LoginWithPasswordBody::Variant0(b) => {
                let phone = normalize_phone(&b.phone)?;
                (
                    users::find_by_phone(&self.db, store_id, &phone).await?,
                    &b.password,
                )
            }
            LoginWithPasswordBody::Variant1(b) => {
                let email = normalize_email(&b.email)?;
                (
                    users::find_by_email(&self.db, store_id, &email).await?,
                    &b.password,
                )
            }
        };
        let invalid = || Error::unauthorized("invalid credentials");
        let Some(user) = user.filter(|u| u.password_hash.is_some()) else {
            // Spend the time of a real check, so that timing does not reveal which accounts
            // exist.
            password::verify_password(password, password::dummy_hash());
            return Err(invalid());
        };
        let hash = user.password_hash.as_deref().unwrap_or_default();
        if !password::verify_password(password, hash) {
            return Err(invalid());
        }
        if !user.is_active {
            return Err(Error::Forbidden("account deactivated".into()));
        }
        let anonymous_id = session.and_then(|s| s.anonymous_id.clone());
        if let Some(s) = session {
            tokens::revoke_user(&self.db, store_id, &s.ulid).await?;
        }
        let pair = self.issue(&user, anonymous_id, None).await?;
        Ok(LoginWithPasswordResponseContent::new(
            self.user_view(&user).await?,
            pair.access_token,
            pair.refresh_token,
        ))
    }

    /// change-password: checks the old password, stores the new one, revokes every refresh
    /// token of the user and returns a new pair.
    pub async fn change_password(
        &self,
        session: &AccessClaims,
        body: &ChangePasswordBody,
    ) -> Result<ChangePasswordResponseContent> {
        let mut user = self.session_user(session).await?;
        if user.is_anonymous {
            return Err(Error::unauthorized("sign in first"));
        }
        let hash = user
            .password_hash
            .as_deref()
            .ok_or_else(|| Error::bad_request("the account has no password"))?;
        if !password::verify_password(&body.old_password, hash) {
            return Err(Error::unauthorized("old password is wrong"));
        }
        if body.new_password != body.confirm_password {
            return Err(Error::bad_request(
                "new_password and confirm_password differ",
            ));
        }
        password::validate(&body.new_password)?;
        user.password_hash = Some(password::hash_password(&body.new_password)?);
        let user = users::update(&self.db, &user).await?;
        tokens::revoke_user(&self.db, &user.store_id, &user.id).await?;
        let pair = self
            .issue(&user, session.anonymous_id.clone(), None)
            .await?;
        Ok(ChangePasswordResponseContent::new(
            pair.access_token,
            pair.refresh_token,
        ))
    }

    async fn reset_otp(&self, store_id: &str, contact: Contact) -> Result<OtpChallenge> {
        let user = contact.find_user(&self.db, store_id).await?;
        let mut payload = OtpPayload {
            target_user_id: user.as_ref().map(|u| u.id.clone()),
            ..OtpPayload::default()
        };
        contact.fill(&mut payload);
        // Unknown contacts get a token too (so that the answer does not reveal which
        // accounts exist), but nothing is sent and the token can never verify.
        self.send_otp(
            store_id,
            None,
            &contact,
            "reset-password",
            payload,
            user.is_some(),
        )
        .await
    }

    /// forgot-password: an OTP (action `reset-password`) for reset-password.
    pub async fn forgot_password(
        &self,
        store_id: &str,
        body: &ForgotPasswordBody,
    ) -> Result<OtpChallenge> {
        stores::get_store(&self.db, store_id).await?;
        let contact = match body {
            ForgotPasswordBody::SendOtpWithEmail(b) => Contact::email(&b.email)?,
            ForgotPasswordBody::SendOtpWithPhone(b) => {
                Contact::phone(&b.phone, b.country_code.clone(), PhoneChannel::Sms)?
            }
        };
        self.reset_otp(store_id, contact).await
    }

    /// reset-password: checks the OTP of forgot-password, sets the new password, revokes every
    /// refresh token of the user and signs them in.
    pub async fn reset_password(
        &self,
        store_id: &str,
        body: &ResetPasswordBody,
    ) -> Result<LogoutResponseContent> {
        if body.new_password != body.confirm_password {
            return Err(Error::bad_request(
                "new_password and confirm_password differ",
            ));
        }
        password::validate(&body.new_password)?;
        let (record, payload) = self
            .check_otp(store_id, &body.otp_token, &body.otp, &["reset-password"])
            .await?;
        let target = payload
            .target_user_id
            .ok_or_else(|| Error::unauthorized("invalid OTP token"))?;
        let mut user = users::get(&self.db, store_id, &target).await?;
        if !user.is_active {
            return Err(Error::Forbidden("account deactivated".into()));
        }
        user.password_hash = Some(password::hash_password(&body.new_password)?);
        if record.channel == "email" {
            user.email_verified = true;
        } else {
            user.phone_verified = true;
        }
        let user = users::update(&self.db, &user).await?;
        tokens::revoke_user(&self.db, store_id, &user.id).await?;
        let pair = self.issue(&user, None, None).await?;
        Ok(LogoutResponseContent::new(
            pair.access_token,
            pair.refresh_token,
            self.user_view(&user).await?,
        ))
    }

    // ----- the user -------------------------------------------------------------------------

    /// The session user when `user_id` is theirs; `NotFound` for another user's id (whether
    /// it exists is not the caller's to know).
    async fn own_user(&self, session: &AccessClaims, user_id: &str) -> Result<UserRecord> {
        if session.ulid != user_id {
            return Err(Error::not_found("no such user"));
        }
        self.session_user(session).await
    }

    /// get-user-detail: the session's own user.
    pub async fn get_user(&self, session: &AccessClaims, user_id: &str) -> Result<User> {
        let user = self.own_user(session, user_id).await?;
        self.user_view(&user).await
    }

    /// update-user: names and country code. A different email or phone is `BadRequest`
    /// (those change through generate-otp with `update-email` / `update-phone`).
    pub async fn update_user(
        &self,
        session: &AccessClaims,
        user_id: &str,
        update: &UserUpdate,
    ) -> Result<User> {
        let mut user = self.own_user(session, user_id).await?;
        if let Some(email) = &update.email {
            if user.email.as_deref() != Some(normalize_email(email)?.as_str()) {
                return Err(Error::bad_request(
                    "change the email with generate-otp (update-email)",
                ));
            }
        }
        if let Some(phone) = &update.phone {
            if user.phone.as_deref() != Some(normalize_phone(phone)?.as_str()) {
                return Err(Error::bad_request(
                    "change the phone with generate-otp (update-phone)",
                ));
            }
        }
        let clean = |v: &Option<String>| {
            v.as_ref()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        if update.first_name.is_some() {
            user.first_name = clean(&update.first_name);
        }
        if update.last_name.is_some() {
            user.last_name = clean(&update.last_name);
        }
        if update.country_code.is_some() {
            user.country_code = clean(&update.country_code);
        }
        let user = users::update(&self.db, &user).await?;
        self.user_view(&user).await
    }

    /// delete-user: deletes the account and everything that belongs to it.
    pub async fn delete_user(&self, session: &AccessClaims, user_id: &str) -> Result<()> {
        self.own_user(session, user_id).await?;
        users::delete(&self.db, &session.store_id, user_id).await
    }

    /// deactivate-user: the account can no longer sign in; its refresh tokens are revoked.
    pub async fn deactivate_user(&self, session: &AccessClaims, user_id: &str) -> Result<()> {
        let mut user = self.own_user(session, user_id).await?;
        user.is_active = false;
        users::update(&self.db, &user).await?;
        tokens::revoke_user(&self.db, &session.store_id, user_id).await?;
        Ok(())
    }

    /// add-profile-image / update-profile-image: stores the image; returns its URL.
    pub async fn set_profile_image(
        &self,
        session: &AccessClaims,
        user_id: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<GetProfileImageResponseContent> {
        self.own_user(session, user_id).await?;
        let user =
            users::set_profile_image(&self.db, &session.store_id, user_id, content_type, bytes)
                .await?;
        Ok(GetProfileImageResponseContent::new(
            user.profile_image_url().unwrap_or_default(),
        ))
    }

    /// get-profile-image: the image's URL; `NotFound` when there is none.
    pub async fn get_profile_image(
        &self,
        session: &AccessClaims,
        user_id: &str,
    ) -> Result<GetProfileImageResponseContent> {
        let user = self.own_user(session, user_id).await?;
        let url = user
            .profile_image_url()
            .ok_or_else(|| Error::not_found("profile image"))?;
        Ok(GetProfileImageResponseContent::new(url))
    }

    /// remove-profile-image.
    pub async fn remove_profile_image(&self, session: &AccessClaims, user_id: &str) -> Result<()> {
        self.own_user(session, user_id).await?;
        users::remove_profile_image(&self.db, &session.store_id, user_id).await
    }

    /// get-notification-preferences: the stored ones, or the defaults.
    pub async fn get_notification_preferences(
        &self,
        session: &AccessClaims,
        user_id: &str,
    ) -> Result<NotificationPreferences> {
        self.own_user(session, user_id).await?;
        preferences::get_or_default(&self.db, &session.store_id, user_id).await
    }

    /// create-notification-preferences: `Conflict` when they exist.
    pub async fn create_notification_preferences(
        &self,
        session: &AccessClaims,
        user_id: &str,
        prefs: &NotificationPreferences,
    ) -> Result<NotificationPreferences> {
        self.own_user(session, user_id).await?;
        preferences::create(&self.db, &session.store_id, user_id, prefs).await
    }

    /// update-notification-preferences: replaces them (creating them when missing).
    pub async fn update_notification_preferences(
        &self,
        session: &AccessClaims,
        user_id: &str,
        prefs: &NotificationPreferences,
    ) -> Result<NotificationPreferences> {
        self.own_user(session, user_id).await?;
        preferences::upsert(&self.db, &session.store_id, user_id, prefs).await
    }

    /// check-verification-status: which of the given emails and phones are verified in the store.
    pub async fn check_verification_status(
        &self,
        store_id: &str,
        body: &CheckVerificationStatusBody,
    ) -> Result<CheckVerificationStatusResponseContent> {
        let (verified_email, verified_phone) = users::verified_contacts(
            &self.db,
            store_id,
            body.email.as_deref().unwrap_or_default(),
            body.phone.as_deref().unwrap_or_default(),
        )
        .await?;
        Ok(CheckVerificationStatusResponseContent::new(
            verified_phone,
            verified_email,
        ))
    }
}
