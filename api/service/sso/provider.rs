//! What a sign-in asks of an organisation's OpenID Connect provider: its metadata (the
//! discovery document), the authorization URL a browser is sent to, the code exchanged for
//! tokens, the signing keys, and the userinfo endpoint. The flow's orchestration
//! (`identify`, `discovery`) runs over this trait, so it can be tested with a provider of the
//! test's making; [`OidcClient`] is the one that goes out on the network.

use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::JwkSet;

use crate::oidc::{
    AuthorizationRequest, CodeExchange, KeySet, OidcClient, OidcError, ProviderMetadata, Tokens,
    UserInfo,
};

/// An organisation's identity provider, as the sign-in sees it.
// Plain `async fn`s: their futures are not promised to be `Send`. The callers await them in
// request handlers, on actix's single-threaded worker runtimes, which ask no more.
#[allow(async_fn_in_trait)]
pub trait IdentityProvider {
    /// The provider's metadata, from a cache or its discovery document.
    async fn metadata(
        &self,
        issuer: &str,
        now: DateTime<Utc>,
    ) -> Result<ProviderMetadata, OidcError>;

    /// The provider's discovery document, fetched now whatever is cached.
    async fn discover(
        &self,
        issuer: &str,
        now: DateTime<Utc>,
    ) -> Result<ProviderMetadata, OidcError>;

    /// The URL a browser is sent to: the authorization endpoint with the code flow's
    /// parameters.
    fn authorization_url(
        &self,
        metadata: &ProviderMetadata,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, OidcError> {
        crate::oidc::authorization_url(metadata, request)
    }

    /// The provider's tokens for an authorization code.
    async fn exchange_code(
        &self,
        metadata: &ProviderMetadata,
        exchange: &CodeExchange<'_>,
    ) -> Result<Tokens, OidcError>;

    /// The provider's signing keys: the cached set, or one fetched anew (a token named a key
    /// the cached set lacks).
    async fn keys(
        &self,
        metadata: &ProviderMetadata,
        now: DateTime<Utc>,
        wanted: KeySet,
    ) -> Result<JwkSet, OidcError>;

    /// The userinfo endpoint's claims for the access token (`None`: the provider has no such
    /// endpoint).
    async fn userinfo(
        &self,
        metadata: &ProviderMetadata,
        access_token: &str,
    ) -> Result<Option<UserInfo>, OidcError>;
}

/// The provider over the network, with its caches (see `crate::oidc`).
impl IdentityProvider for OidcClient {
    async fn metadata(
        &self,
        issuer: &str,
        now: DateTime<Utc>,
    ) -> Result<ProviderMetadata, OidcError> {
        OidcClient::metadata(self, issuer, now).await
    }

    async fn discover(
        &self,
        issuer: &str,
        now: DateTime<Utc>,
    ) -> Result<ProviderMetadata, OidcError> {
        OidcClient::discover(self, issuer, now).await
    }

    async fn exchange_code(
        &self,
        metadata: &ProviderMetadata,
        exchange: &CodeExchange<'_>,
    ) -> Result<Tokens, OidcError> {
        OidcClient::exchange_code(self, metadata, exchange).await
    }

    async fn keys(
        &self,
        metadata: &ProviderMetadata,
        now: DateTime<Utc>,
        wanted: KeySet,
    ) -> Result<JwkSet, OidcError> {
        OidcClient::keys(self, metadata, now, wanted).await
    }

    async fn userinfo(
        &self,
        metadata: &ProviderMetadata,
        access_token: &str,
    ) -> Result<Option<UserInfo>, OidcError> {
        OidcClient::userinfo(self, metadata, access_token).await
    }
}
