//! Every `code` the API can answer, in one list: the stable, machine-readable part of every
//! problem document. Clients branch on these; never rename one.
//!
//! The service layer and the HTTP layer both produce codes from this list; `http::error` maps
//! each to its status once. Tests check that every code is produced somewhere and documented
//! in the spec (`x-error-codes` on the problem schema).

use serde::Serialize;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::Display,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    // The request's shape, refused by the HTTP layer.
    MalformedJson,
    UnreadableBody,
    InvalidBody,
    UnknownField,
    MissingField,
    UnsupportedMediaType,
    PayloadTooLarge,
    InvalidPathParameter,
    InvalidQueryParameter,
    MethodNotAllowed,
    OriginNotAllowed,
    // Lists.
    InvalidCursor,
    InvalidLimit,
    // Validation of what the request asks for.
    ValidationFailed,
    // Who is asking.
    Unauthenticated,
    InvalidCredentials,
    InvalidCode,
    ReauthenticationFailed,
    /// An organisation member without the role the call needs.
    InsufficientRole,
    /// An API key without the scope the call needs.
    InsufficientScope,
    NotFound,
    // State and policy.
    EmailTaken,
    TotpAlreadyActive,
    FactorAlreadyActive,
    MfaNotEnabled,
    AlreadyAMember,
    LastOwner,
    /// The last factor cannot go while an organisation requires MFA.
    MfaRequiredByPolicy,
    /// Support froze the account.
    AccountFrozen,
    /// An organisation's hardware tokens have unique serials.
    SerialTaken,
    /// A member holds the hardware token.
    TokenAssigned,
    FactorExpired,
    FactorExhausted,
    ChallengeUsed,
    ChallengeExhausted,
    ChallengeExpired,
    /// The server has no provider for the channel (SMS, WhatsApp).
    ChannelUnavailable,
    /// A password reset token that is unknown, used or expired.
    ResetTokenInvalid,
    // Email addresses.
    /// An email verification link or code that is unknown, wrong, used, superseded or expired.
    EmailVerificationInvalid,
    /// The account's email address is proven already.
    EmailAlreadyVerified,
    /// The organisation's identity provider keeps the account's email address.
    EmailManagedByIdp,
    // Membership and management (who may act on whose credentials).
    /// The organisation does not manage the account: its factors are the owner's alone.
    AccountNotManaged,
    /// Only accounts the organisation manages are added directly; others are invited.
    InvitationRequired,
    /// The invitation is unknown, revoked, or accepted already.
    InvitationInvalid,
    /// The invitation's 7 days have passed.
    InvitationExpired,
    /// The invitation names another email address than the signed-in account's.
    InvitationForAnotherAccount,
    /// An account with the invited address exists: it signs in, then accepts.
    SignInRequired,
    /// A managed account cannot leave the organisation that manages it.
    ManagedAccountCannotLeave,
    /// A bound on what one account or organisation may make (organisations, hardware tokens).
    LimitReached,
    // Domains.
    /// The domain is not (or not yet) proven to be the organisation's: the TXT record was not
    /// found, or a change needs a verified domain.
    DomainNotVerified,
    /// Another organisation has verified the domain.
    DomainTaken,
    // Single sign-on.
    /// No organisation signs the email (or the organisation) in through SSO.
    SsoNotConfigured,
    /// The callback's `state` is unknown, was used, or is for the other kind of callback.
    SsoStateInvalid,
    /// The sign-in at the provider took longer than 10 minutes.
    SsoFlowExpired,
    /// The browser flow's login code is unknown, used or expired.
    SsoLoginCodeInvalid,
    /// The provider answered with an error (`access_denied`…) instead of a code.
    SsoDenied,
    /// The provider refused the code (used already, expired, or not issued to us).
    SsoCodeRefused,
    /// The provider's ID token failed a check (signature, issuer, audience, expiry, nonce…).
    SsoIdTokenInvalid,
    /// The provider cannot be reached or answers nonsense.
    SsoProviderUnavailable,
    /// No account is linked to the identity, and none may be created for it.
    SsoAccountNotProvisioned,
    /// An account with the provider's email exists, managed by another organisation.
    SsoAccountExists,
    /// An account with the provider's email exists whose email was never proven: its owner
    /// signs in (password and second factor) and links the identity.
    SsoLinkRequired,
    /// The identity at the provider signs in another account.
    SsoIdentityLinkedElsewhere,
    /// The account's password is kept by its organisation's identity provider.
    PasswordManagedByIdp,
    /// The change needs a recent sign-in at the identity provider (SSO accounts).
    ReauthenticationRequired,
    // Limits.
    TooManyAttempts,
    RateLimited,
    Overloaded,
    // The server.
    ServiceUnavailable,
    InternalError,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
