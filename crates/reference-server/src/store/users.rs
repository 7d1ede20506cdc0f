//! Users: anonymous and registered, with their profile image.

use sqlx::any::AnyRow;
use sqlx::Row as _;
use storefront_types::{AnonymousUser, NotificationPreferences, User, UserLoginMethodsItem};

use crate::db::{flag, int_flag, Db};
use crate::error::{Error, Result};
use crate::util;

/// Largest accepted profile image, in bytes.
pub const MAX_PROFILE_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// A user as kept in the `users` table (without the profile image bytes). Its `Debug`
/// leaves out the password hash and the contact details.
#[derive(Clone, PartialEq)]
pub struct UserRecord {
    /// ULID of the user; kept when an anonymous user signs up.
    pub id: String,
    /// Store the user belongs to.
    pub store_id: String,
    /// Whether the user is an anonymous session.
    pub is_anonymous: bool,
    /// Email address.
    pub email: Option<String>,
    /// Phone number (without country code).
    pub phone: Option<String>,
    /// Phone country code, such as `91`.
    pub country_code: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Argon2id PHC string, when the user has a password.
    pub password_hash: Option<String>,
    /// False once the account is deactivated.
    pub is_active: bool,
    /// Whether the email was verified by OTP.
    pub email_verified: bool,
    /// Whether the phone was verified by OTP.
    pub phone_verified: bool,
    /// Content type of the profile image, when there is one.
    pub profile_image_type: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

impl UserRecord {
    /// Whether the user is signed in (not anonymous).
    pub fn is_logged_in(&self) -> bool {
        !self.is_anonymous
    }

    /// The customer id of a signed-in user: the user id in this reference server.
    pub fn customer_id(&self) -> Option<String> {
        self.is_logged_in().then(|| self.id.clone())
    }

    /// The URL under which the HTTP layer serves the image bytes (from
    /// [`get_profile_image`]), when there is one:
    /// `/auth/user/{id}/profile-image/file?v={updated_at}` relative to the store's API base.
    /// That route is not an API operation: the HTTP layer adds it.
    pub fn profile_image_url(&self) -> Option<String> {
        self.profile_image_type.as_ref().map(|_| {
            format!(
                "/auth/user/{}/profile-image/file?v={}",
                self.id, self.updated_at
            )
        })
    }

    /// Login methods the user can use.
    pub fn login_methods(&self) -> Vec<UserLoginMethodsItem> {
        let mut methods = Vec::new();
        if self.email.is_some() {
            methods.push(UserLoginMethodsItem::Email);
        }
        if self.phone.is_some() {
            methods.push(UserLoginMethodsItem::Phone);
            methods.push(UserLoginMethodsItem::Whatsapp);
        }
        if self.password_hash.is_some() {
            methods.push(UserLoginMethodsItem::Password);
        }
        methods
    }

    /// The API's `User`, with the given notification preferences.
    pub fn to_user(&self, notification_preferences: NotificationPreferences) -> User {
        let mut user = User::new(
            self.first_name.clone(),
            self.last_name.clone(),
            self.email.clone(),
            self.phone.clone(),
            self.country_code.clone(),
            self.login_methods(),
            notification_preferences,
            None, // business
        );
        user.id = Some(self.id.clone());
        user.is_email_verified = Some(self.email_verified);
        user.is_phone_verified = Some(self.phone_verified);
        user.profile_image_url = Some(self.profile_image_url());
        user.is_anonymous = Some(self.is_anonymous);
        user.is_logged_in = Some(self.is_logged_in());
        // customer_group_id stays None: write-only, accepted in requests, never sent
        // required in the `User` schema: every user, anonymous or not, is a customer record
        user.customer_id = Some(self.id.clone());
        user.customer_group = Some(None);
        user.created_at = util::rfc3339(self.created_at);
        user.modified_at = util::rfc3339(self.updated_at);
        user
    }

    /// The API's `AnonymousUser` view of this user.
    pub fn to_anonymous_user(&self) -> AnonymousUser {
        let mut user = AnonymousUser::new(
            self.id.clone(),
            self.is_anonymous,
            self.is_logged_in(),
            self.first_name.clone(),
            self.last_name.clone(),
            self.phone.clone(),
            self.email.clone(),
            self.profile_image_url(),
        );
        user.is_email_verified = self.email_verified;
        user.is_phone_verified = self.phone_verified;
        user.created_at = util::rfc3339(self.created_at);
        user.modified_at = util::rfc3339(self.updated_at);
        user
    }
}

const COLUMNS: &str = "id, store_id, is_anonymous, email, phone, country_code, first_name, last_name, \
     password_hash, is_active, email_verified, phone_verified, profile_image_type, created_at, updated_at";

fn from_row(row: &AnyRow) -> Result<UserRecord> {
    Ok(UserRecord {
        id: row.try_get("id")?,
        store_id: row.try_get("store_id")?,
        is_anonymous: flag(row, "is_anonymous")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        country_code: row.try_get("country_code")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        password_hash: row.try_get("password_hash")?,
        is_active: flag(row, "is_active")?,
        email_verified: flag(row, "email_verified")?,
        phone_verified: flag(row, "phone_verified")?,
        profile_image_type: row.try_get("profile_image_type")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn map_unique(e: sqlx::Error) -> Error {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            Error::Conflict("email or phone already registered".into())
        }
        _ => Error::Database(e),
    }
}

/// Normalises an email address (trimmed, lower case); `BadRequest` when it is not one.
pub fn normalize_email(email: &str) -> Result<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(Error::bad_request("invalid email address"))
    }
}

/// Normalises a phone number (digits only, 6 to 15 of them); `BadRequest` otherwise.
pub fn normalize_phone(phone: &str) -> Result<String> {
    let digits: String = phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    if (6..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(Error::bad_request("invalid phone number"))
    }
}

/// Creates a new anonymous user in the store.
pub async fn create_anonymous(db: &Db, store_id: &str) -> Result<UserRecord> {
    let now = util::now_secs();
    let user = UserRecord {
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
    };
    insert(db, &user).await?;
    Ok(user)
}

/// Inserts a user record. `Conflict` when its email or phone is taken in the store.
pub async fn insert(db: &Db, user: &UserRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (id, store_id, is_anonymous, email, phone, country_code, first_name, last_name, \
         password_hash, is_active, email_verified, phone_verified, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&user.id)
    .bind(&user.store_id)
    .bind(int_flag(user.is_anonymous))
    .bind(&user.email)
    .bind(&user.phone)
    .bind(&user.country_code)
    .bind(&user.first_name)
    .bind(&user.last_name)
    .bind(&user.password_hash)
    .bind(int_flag(user.is_active))
    .bind(int_flag(user.email_verified))
    .bind(int_flag(user.phone_verified))
    .bind(user.created_at)
    .bind(user.updated_at)
    .execute(db.pool())
    .await
    .map_err(map_unique)?;
    Ok(())
}

/// Writes every field of `user` except id, store and profile image. `Conflict` when the new
/// email or phone is taken; `NotFound` when the user does not exist in the store.
pub async fn update(db: &Db, user: &UserRecord) -> Result<UserRecord> {
    let now = util::now_secs();
    let done = sqlx::query(
        "UPDATE users SET is_anonymous = $1, email = $2, phone = $3, country_code = $4, first_name = $5, \
         last_name = $6, password_hash = $7, is_active = $8, email_verified = $9, phone_verified = $10, \
         updated_at = $11 WHERE store_id = $12 AND id = $13",
    )
    .bind(int_flag(user.is_anonymous))
    .bind(&user.email)
    .bind(&user.phone)
    .bind(&user.country_code)
    .bind(&user.first_name)
    .bind(&user.last_name)
    .bind(&user.password_hash)
    .bind(int_flag(user.is_active))
    .bind(int_flag(user.email_verified))
    .bind(int_flag(user.phone_verified))
    .bind(now)
    .bind(&user.store_id)
    .bind(&user.id)
    .execute(db.pool())
    .await
    .map_err(map_unique)?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found(format!("user {}", user.id)));
    }
    get(db, &user.store_id, &user.id).await
}

/// The user with this id in the store, if any.
pub async fn find(db: &Db, store_id: &str, user_id: &str) -> Result<Option<UserRecord>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users WHERE store_id = $1 AND id = $2"
    ))
    .bind(store_id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The user with this id in the store; `NotFound` otherwise.
pub async fn get(db: &Db, store_id: &str, user_id: &str) -> Result<UserRecord> {
    find(db, store_id, user_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("user {user_id}")))
}

/// The registered user with this (normalised) email in the store, if any.
pub async fn find_by_email(db: &Db, store_id: &str, email: &str) -> Result<Option<UserRecord>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users WHERE store_id = $1 AND email = $2"
    ))
    .bind(store_id)
    .bind(email)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The registered user with this (normalised) phone in the store, if any.
pub async fn find_by_phone(db: &Db, store_id: &str, phone: &str) -> Result<Option<UserRecord>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users WHERE store_id = $1 AND phone = $2"
    ))
    .bind(store_id)
    .bind(phone)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Deletes the user and everything that belongs to them (tokens, preferences, carts).
pub async fn delete(db: &Db, store_id: &str, user_id: &str) -> Result<()> {
    let mut tx = db.pool().begin().await?;
    for table in ["refresh_tokens", "notification_preferences", "carts"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE store_id = $1 AND user_id = $2"
        ))
        .bind(store_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    }
    let done = sqlx::query("DELETE FROM users WHERE store_id = $1 AND id = $2")
        .bind(store_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found(format!("user {user_id}")));
    }
    tx.commit().await?;
    Ok(())
}

/// Stores the profile image (replacing any previous one). `BadRequest` when the content type
/// is not an image or the image is empty or larger than [`MAX_PROFILE_IMAGE_BYTES`].
pub async fn set_profile_image(
    db: &Db,
    store_id: &str,
    user_id: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<UserRecord> {
    if !content_type.starts_with("image/") {
        return Err(Error::bad_request(
            "profile image must be an image/* content type",
        ));
    }
    if bytes.is_empty() || bytes.len() > MAX_PROFILE_IMAGE_BYTES {
        return Err(Error::bad_request("profile image is empty or too large"));
    }
    let done = sqlx::query(
        "UPDATE users SET profile_image = $1, profile_image_type = $2, updated_at = $3 WHERE store_id = $4 AND id = $5",
    )
    .bind(bytes.to_vec())
    .bind(content_type)
    .bind(util::now_secs())
    .bind(store_id)
    .bind(user_id)
    .execute(db.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found(format!("user {user_id}")));
    }
    get(db, store_id, user_id).await
}

/// The profile image as (content type, bytes); `NotFound` when the user has none.
pub async fn get_profile_image(
    db: &Db,
    store_id: &str,
    user_id: &str,
) -> Result<(String, Vec<u8>)> {
    let row = sqlx::query(
        "SELECT profile_image, profile_image_type FROM users WHERE store_id = $1 AND id = $2",
    )
    .bind(store_id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| Error::not_found(format!("user {user_id}")))?;
    let kind: Option<String> = row.try_get("profile_image_type")?;
    let bytes: Option<Vec<u8>> = row.try_get("profile_image")?;
    match (kind, bytes) {
        (Some(kind), Some(bytes)) => Ok((kind, bytes)),
        _ => Err(Error::not_found("profile image")),
    }
}

/// Removes the profile image; `NotFound` when there is none.
pub async fn remove_profile_image(db: &Db, store_id: &str, user_id: &str) -> Result<()> {
    let done = sqlx::query(
        "UPDATE users SET profile_image = NULL, profile_image_type = NULL, updated_at = $1 \
         WHERE store_id = $2 AND id = $3 AND profile_image_type IS NOT NULL",
    )
    .bind(util::now_secs())
    .bind(store_id)
    .bind(user_id)
    .execute(db.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found("profile image"));
    }
    Ok(())
}

/// Of the given emails and phones, those that belong to a user of the store and are verified
/// (check-verification-status). Inputs are normalised; invalid ones are simply not verified.
pub async fn verified_contacts(
    db: &Db,
    store_id: &str,
    emails: &[String],
    phones: &[String],
) -> Result<(Vec<String>, Vec<String>)> {
    let mut verified_emails = Vec::new();
    for email in emails {
        if let Ok(normalized) = normalize_email(email) {
            if let Some(user) = find_by_email(db, store_id, &normalized).await? {
                if user.email_verified {
                    verified_emails.push(email.clone());
                }
            }
        }
    }
    let mut verified_phones = Vec::new();
    for phone in phones {
        if let Ok(normalized) = normalize_phone(phone) {
            if let Some(user) = find_by_phone(db, store_id, &normalized).await? {
                if user.phone_verified {
                    verified_phones.push(phone.clone());
                }
            }
        }
    }
    Ok((verified_emails, verified_phones))
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("store_id", &self.store_id)
            .field("is_anonymous", &self.is_anonymous)
            .field("is_active", &self.is_active)
            .finish_non_exhaustive()
    }
}
