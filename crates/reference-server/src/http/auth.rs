//! The operations tagged `Auth`: sessions, OTP and password login and registration, tokens,
//! and the user's own account. Each method takes the store from the path, the session (when
//! the operation needs one) from its verified token, and calls the [`AuthService`].
//!
//! Replies that send an OTP carry it in `content.otp` only when the request asks with
//! `x-debug-mode: true` and the server runs in development mode.
//!
//! [`AuthService`]: crate::auth::AuthService

use server_runtime::{RequestContext, Verified};
use storefront_server::auth::*;
use storefront_server::ServerVariables as _;
use storefront_types::{GenerateOtpResponseContent, OtpContent};

use super::principal::{session, Principal};
use super::App;
use crate::auth::{OtpChallenge, PhoneChannel, UserUpdate};
use crate::error::{Error, Result};
use crate::security::jwt::AccessClaims;

/// A session's context (the operation needs a bearer token).
type Session = RequestContext<Verified<Principal>>;

/// The content of an OTP reply: the code only when debug mode is asked for and allowed.
fn otp_content(challenge: OtpChallenge, debug: Option<bool>) -> OtpContent {
    let mut content = challenge.content;
    if debug == Some(true) {
        content.otp = challenge.debug_otp;
    }
    content
}

/// The session of a bearer-only operation whose session may be anonymous.
fn claims(ctx: &Session) -> Result<&AccessClaims> {
    session(&ctx.auth)
}

/// A refused token or OTP in the body of an operation whose spec documents 400 (and no 401:
/// the credential at stake is the body's, not the request's).
fn body_credential<T>(result: Result<T>) -> Result<T> {
    result.map_err(|e| match e {
        Error::Unauthorized(m) => Error::BadRequest(m),
        e => e,
    })
}

/// A file part's content type, or an error naming what is accepted.
fn image_type(part: &storefront_types::support::FilePart) -> Result<String> {
    const ACCEPTED: [&str; 4] = ["image/png", "image/jpeg", "image/webp", "image/gif"];
    let given = part
        .content_type
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !ACCEPTED.contains(&given.as_str()) {
        return Err(Error::bad_request(format!(
            "image: the content type must be one of {}",
            ACCEPTED.join(", ")
        )));
    }
    if part.bytes.is_empty() {
        return Err(Error::bad_request("image: the file is empty"));
    }
    Ok(given)
}

impl storefront_server::Auth for App {
    async fn get_anonymous_token(
        &self,
        ctx: RequestContext<Verified<Principal>>,
        _request: GetAnonymousTokenRequest,
    ) -> Result<GetAnonymousTokenReply> {
        let content = self.auth.anonymous_session(ctx.store_id()).await?;
        Ok(GetAnonymousTokenReply::ok(content))
    }

    async fn change_password(
        &self,
        ctx: Session,
        request: ChangePasswordRequest,
    ) -> Result<ChangePasswordReply> {
        let content = self
            .auth
            .change_password(claims(&ctx)?, &request.body)
            .await?;
        Ok(ChangePasswordReply::ok(content))
    }

    async fn forgot_password(
        &self,
        ctx: Session,
        request: ForgotPasswordRequest,
    ) -> Result<ForgotPasswordReply> {
        let challenge = self
            .auth
            .forgot_password(ctx.store_id(), &request.body)
            .await?;
        Ok(ForgotPasswordReply::ok(otp_content(
            challenge,
            request.x_debug_mode,
        )))
    }

    async fn generate_otp(
        &self,
        ctx: Session,
        request: GenerateOtpRequest,
    ) -> Result<GenerateOtpReply> {
        let challenge = self
            .auth
            .generate_otp(ctx.store_id(), Some(claims(&ctx)?), &request.body)
            .await?;
        let content = otp_content(challenge, request.x_debug_mode);
        let mut reply = GenerateOtpResponseContent::new(content.otp_token, content.otp_action);
        reply.otp = content.otp;
        Ok(GenerateOtpReply::ok(reply))
    }

    async fn login_with_email(
        &self,
        ctx: Session,
        request: LoginWithEmailRequest,
    ) -> Result<LoginWithEmailReply> {
        let body = &request.body;
        let challenge = self
            .auth
            .login_with_email(
                ctx.store_id(),
                Some(claims(&ctx)?),
                &body.email,
                body.register_if_not_exists.unwrap_or(false),
            )
            .await?;
        Ok(LoginWithEmailReply::ok(otp_content(
            challenge,
            request.x_debug_mode,
        )))
    }

    async fn login_with_password(
        &self,
        ctx: Session,
        request: LoginWithPasswordRequest,
    ) -> Result<LoginWithPasswordReply> {
        let content = self
            .auth
            .login_with_password(ctx.store_id(), Some(claims(&ctx)?), &request.body)
            .await?;
        Ok(LoginWithPasswordReply::ok(content))
    }

    async fn login_with_phone(
        &self,
        ctx: Session,
        request: LoginWithPhoneRequest,
    ) -> Result<LoginWithPhoneReply> {
        let body = &request.body;
        let challenge = self
            .auth
            .login_with_phone(
                ctx.store_id(),
                Some(claims(&ctx)?),
                Some(body.country_code.as_str().to_owned()),
                &body.phone,
                PhoneChannel::Sms,
                body.register_if_not_exists.unwrap_or(false),
            )
            .await?;
        Ok(LoginWithPhoneReply::ok(otp_content(
            challenge,
            request.x_debug_mode,
        )))
    }

    async fn login_with_whatsapp(
        &self,
        ctx: Session,
        request: LoginWithWhatsappRequest,
    ) -> Result<LoginWithWhatsappReply> {
        let body = &request.body;
        let challenge = self
            .auth
            .login_with_phone(
                ctx.store_id(),
                Some(claims(&ctx)?),
                body.country_code.as_ref().map(|c| c.as_str().to_owned()),
                &body.phone,
                PhoneChannel::Whatsapp,
                body.register_if_not_exists.unwrap_or(false),
            )
            .await
            // the spec documents no 404 here
            .map_err(|e| match e {
                Error::NotFound(m) => Error::BadRequest(m),
                e => e,
            })?;
        Ok(LoginWithWhatsappReply::ok(otp_content(
            challenge,
            request.x_debug_mode,
        )))
    }

    async fn logout(&self, ctx: Session, _request: LogoutRequest) -> Result<LogoutReply> {
        let content = self.auth.logout(claims(&ctx)?).await?;
        Ok(LogoutReply::ok(content))
    }

    async fn refresh_token(
        &self,
        ctx: RequestContext<Option<Verified<Principal>>>,
        request: RefreshTokenRequest,
    ) -> Result<RefreshTokenReply> {
        let content = body_credential(
            self.auth
                .refresh(ctx.store_id(), &request.body.refresh_token)
                .await,
        )?;
        Ok(RefreshTokenReply::ok(content))
    }

    async fn register_with_email(
        &self,
        ctx: Session,
        request: RegisterWithEmailRequest,
    ) -> Result<RegisterWithEmailReply> {
        let challenge = self
            .auth
            .register_with_email(ctx.store_id(), Some(claims(&ctx)?), &request.body)
            .await?;
        Ok(RegisterWithEmailReply::ok(otp_content(
            challenge,
            request.x_debug_mode,
        )))
    }

    async fn register_with_password(
        &self,
        ctx: Session,
        request: RegisterWithPasswordRequest,
    ) -> Result<RegisterWithPasswordReply> {
        let challenge = self
            .auth
            .register_with_password(ctx.store_id(), Some(claims(&ctx)?), &request.body)
            .await?;
        Ok(RegisterWithPasswordReply::ok(otp_content(
            challenge,
            request.x_debug_mode,
        )))
    }

    async fn register_with_phone(
        &self,
        ctx: Session,
        request: RegisterWithPhoneRequest,
    ) -> Result<RegisterWithPhoneReply> {
        let challenge = self
            .auth
            .register_with_phone(
                ctx.store_id(),
                Some(claims(&ctx)?),
                &request.body,
                PhoneChannel::Sms,
            )
            .await?;
        Ok(RegisterWithPhoneReply::ok(otp_content(
            challenge,
            request.x_debug_mode,
        )))
    }

    async fn register_with_whatsapp(
        &self,
        ctx: Session,
        request: RegisterWithWhatsappRequest,
    ) -> Result<RegisterWithWhatsappReply> {
        let challenge = self
            .auth
            .register_with_phone(
                ctx.store_id(),
                Some(claims(&ctx)?),
                &request.body,
                PhoneChannel::Whatsapp,
            )
            .await?;
        Ok(RegisterWithWhatsappReply::ok(otp_content(
            challenge,
            request.x_debug_mode,
        )))
    }

    async fn reset_password(
        &self,
        ctx: Session,
        request: ResetPasswordRequest,
    ) -> Result<ResetPasswordReply> {
        let content = body_credential(
            self.auth
                .reset_password(ctx.store_id(), &request.body)
                .await,
        )?;
        Ok(ResetPasswordReply::ok(content))
    }

    async fn get_user_detail(
        &self,
        ctx: Session,
        request: GetUserDetailRequest,
    ) -> Result<GetUserDetailReply> {
        let user = self.auth.get_user(claims(&ctx)?, &request.id).await?;
        Ok(GetUserDetailReply::ok(
            storefront_types::GetUserDetailResponseContent::new(user),
        ))
    }

    async fn update_user(
        &self,
        ctx: Session,
        request: UpdateUserRequest,
    ) -> Result<UpdateUserReply> {
        let session = claims(&ctx)?;
        if session.ulid != request.id {
            // the spec documents no 404 here
            return Ok(UpdateUserReply::unauthorized(
                "these credentials cannot change this account",
            ));
        }
        let update = UserUpdate::from(&request.body);
        let user = self
            .auth
            .update_user(claims(&ctx)?, &request.id, &update)
            .await?;
        Ok(UpdateUserReply::ok(
            storefront_types::UpdateUserResponseContent::new(user),
        ))
    }

    async fn delete_user(
        &self,
        ctx: Session,
        request: DeleteUserRequest,
    ) -> Result<DeleteUserReply> {
        self.auth.delete_user(claims(&ctx)?, &request.id).await?;
        Ok(DeleteUserReply::ok())
    }

    async fn deactivate_user(
        &self,
        ctx: Session,
        request: DeactivateUserRequest,
    ) -> Result<DeactivateUserReply> {
        self.auth
            .deactivate_user(claims(&ctx)?, &request.id)
            .await?;
        Ok(DeactivateUserReply::ok())
    }

    async fn get_profile_image(
        &self,
        ctx: Session,
        request: GetProfileImageRequest,
    ) -> Result<GetProfileImageReply> {
        let content = self
            .auth
            .get_profile_image(claims(&ctx)?, &request.id)
            .await?;
        Ok(GetProfileImageReply::ok(content))
    }

    async fn update_profile_image(
        &self,
        ctx: Session,
        request: UpdateProfileImageRequest,
    ) -> Result<UpdateProfileImageReply> {
        let image = request
            .body
            .image
            .ok_or_else(|| Error::bad_request("image: is required"))?;
        let content_type = image_type(&image)?;
        let content = self
            .auth
            .set_profile_image(claims(&ctx)?, &request.id, &content_type, &image.bytes)
            .await?;
        Ok(UpdateProfileImageReply::ok(content))
    }

    async fn add_profile_image(
        &self,
        ctx: Session,
        request: AddProfileImageRequest,
    ) -> Result<AddProfileImageReply> {
        if claims(&ctx)?.ulid != request.id {
            // the spec documents no 404 here
            return Ok(AddProfileImageReply::unauthorized(
                "these credentials cannot change this account",
            ));
        }
        let image = request.body.image;
        let content_type = image_type(&image)?;
        let content = self
            .auth
            .set_profile_image(claims(&ctx)?, &request.id, &content_type, &image.bytes)
            .await?;
        Ok(AddProfileImageReply::ok(content))
    }

    async fn remove_profile_image(
        &self,
        ctx: Session,
        request: RemoveProfileImageRequest,
    ) -> Result<RemoveProfileImageReply> {
        self.auth
            .remove_profile_image(claims(&ctx)?, &request.id)
            .await?;
        Ok(RemoveProfileImageReply::ok())
    }

    async fn check_verification_status(
        &self,
        ctx: Session,
        request: CheckVerificationStatusRequest,
    ) -> Result<CheckVerificationStatusReply> {
        claims(&ctx)?;
        let content = self
            .auth
            .check_verification_status(ctx.store_id(), &request.body)
            .await?;
        Ok(CheckVerificationStatusReply::ok(content))
    }

    async fn verify_otp(&self, ctx: Session, request: VerifyOtpRequest) -> Result<VerifyOtpReply> {
        let body = &request.body;
        let content = self
            .auth
            .verify_otp(
                ctx.store_id(),
                Some(claims(&ctx)?),
                &body.otp,
                &body.otp_token,
                &body.otp_action,
            )
            .await?;
        Ok(VerifyOtpReply::ok(content))
    }

    async fn get_notification_preferences(
        &self,
        ctx: Session,
        request: GetNotificationPreferencesRequest,
    ) -> Result<GetNotificationPreferencesReply> {
        let notification_preferences = self
            .auth
            .get_notification_preferences(claims(&ctx)?, &request.id)
            .await?;
        Ok(GetNotificationPreferencesReply::ok(
            storefront_types::GetNotificationPreferencesResponseContent::new(
                notification_preferences,
            ),
        ))
    }

    async fn update_notification_preferences(
        &self,
        ctx: Session,
        request: UpdateNotificationPreferencesRequest,
    ) -> Result<UpdateNotificationPreferencesReply> {
        let notification_preferences = self
            .auth
            .update_notification_preferences(
                claims(&ctx)?,
                &request.id,
                &request.body.notification_preferences,
            )
            .await?;
        Ok(UpdateNotificationPreferencesReply::ok(
            storefront_types::UpdateNotificationPreferencesResponseContent::new(
                notification_preferences,
            ),
        ))
    }

    async fn create_notification_preferences(
        &self,
        ctx: Session,
        request: CreateNotificationPreferencesRequest,
    ) -> Result<CreateNotificationPreferencesReply> {
        let notification_preferences = self
            .auth
            .create_notification_preferences(
                claims(&ctx)?,
                &request.id,
                &request.body.notification_preferences,
            )
            .await?;
        Ok(CreateNotificationPreferencesReply::ok(
            storefront_types::CreateNotificationPreferencesResponseContent::new(
                notification_preferences,
            ),
        ))
    }
}
