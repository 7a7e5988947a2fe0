//! An identity provider of the test's making, for the unit tests of what runs over
//! [`IdentityProvider`]: it answers from what the test gave it, and counts what it is asked.

use std::cell::{Cell, RefCell};

use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::JwkSet;

use super::provider::IdentityProvider;
use crate::oidc::{CodeExchange, KeySet, OidcError, ProviderMetadata, Tokens, UserInfo};

pub const ISSUER: &str = "https://idp.example.com";

pub struct FakeProvider {
    pub metadata: ProviderMetadata,
    /// Answered (once) by `discover` or `metadata` instead of the metadata.
    pub discovery_error: RefCell<Option<OidcError>>,
    /// Answered (once) by the token endpoint instead of the tokens.
    pub exchange_error: RefCell<Option<OidcError>>,
    pub id_token: String,
    pub access_token: Option<String>,
    /// The key set a cache would hold (asked for `KeySet::Cached`).
    pub cached_keys: JwkSet,
    /// The key set the provider publishes now (asked for `KeySet::Fresh`).
    pub fresh_keys: JwkSet,
    /// The userinfo endpoint's `sub` and `email`; `None`: no such endpoint.
    pub userinfo: Option<(String, Option<String>)>,
    pub asked: Asked,
}

/// What the provider was asked, and how often.
#[derive(Default)]
pub struct Asked {
    pub metadata: Cell<usize>,
    pub discover: Cell<usize>,
    pub cached_keys: Cell<usize>,
    pub fresh_keys: Cell<usize>,
    pub userinfo: Cell<usize>,
    /// The code, the verifier and the client secret of each exchange.
    pub exchanges: RefCell<Vec<(String, String, String)>>,
}

impl Asked {
    /// Whether the provider was asked nothing at all.
    pub fn nothing(&self) -> bool {
        let calls = [
            &self.metadata,
            &self.discover,
            &self.cached_keys,
            &self.fresh_keys,
            &self.userinfo,
        ];
        calls.iter().all(|calls| calls.get() == 0) && self.exchanges.borrow().is_empty()
    }
}

fn count(calls: &Cell<usize>) {
    calls.set(calls.get() + 1);
}

impl FakeProvider {
    /// A provider at [`ISSUER`] that answers a code with `id_token` and publishes `keys`.
    pub fn new(id_token: String, keys: JwkSet) -> FakeProvider {
        FakeProvider {
            metadata: ProviderMetadata {
                issuer: ISSUER.to_string(),
                authorization_endpoint: format!("{ISSUER}/authorize?tenant=acme"),
                token_endpoint: format!("{ISSUER}/token"),
                jwks_uri: format!("{ISSUER}/jwks"),
                userinfo_endpoint: Some(format!("{ISSUER}/userinfo")),
            },
            discovery_error: RefCell::new(None),
            exchange_error: RefCell::new(None),
            id_token,
            access_token: Some("the-access-token".to_string()),
            cached_keys: keys.clone(),
            fresh_keys: keys,
            userinfo: None,
            asked: Asked::default(),
        }
    }

    fn answer_metadata(&self) -> Result<ProviderMetadata, OidcError> {
        match self.discovery_error.take() {
            Some(error) => Err(error),
            None => Ok(self.metadata.clone()),
        }
    }
}

impl IdentityProvider for FakeProvider {
    async fn metadata(
        &self,
        _issuer: &str,
        _now: DateTime<Utc>,
    ) -> Result<ProviderMetadata, OidcError> {
        count(&self.asked.metadata);
        self.answer_metadata()
    }

    async fn discover(
        &self,
        _issuer: &str,
        _now: DateTime<Utc>,
    ) -> Result<ProviderMetadata, OidcError> {
        count(&self.asked.discover);
        self.answer_metadata()
    }

    async fn exchange_code(
        &self,
        _metadata: &ProviderMetadata,
        exchange: &CodeExchange<'_>,
    ) -> Result<Tokens, OidcError> {
        self.asked.exchanges.borrow_mut().push((
            exchange.code.to_string(),
            exchange.code_verifier.to_string(),
            exchange.client_secret.to_string(),
        ));
        if let Some(error) = self.exchange_error.take() {
            return Err(error);
        }
        Ok(Tokens {
            id_token: self.id_token.clone(),
            access_token: self.access_token.clone(),
        })
    }

    async fn keys(
        &self,
        _metadata: &ProviderMetadata,
        _now: DateTime<Utc>,
        wanted: KeySet,
    ) -> Result<JwkSet, OidcError> {
        if wanted == KeySet::Cached {
            count(&self.asked.cached_keys);
            Ok(self.cached_keys.clone())
        } else {
            count(&self.asked.fresh_keys);
            Ok(self.fresh_keys.clone())
        }
    }

    async fn userinfo(
        &self,
        _metadata: &ProviderMetadata,
        _access_token: &str,
    ) -> Result<Option<UserInfo>, OidcError> {
        count(&self.asked.userinfo);
        Ok(self.userinfo.clone().map(|(sub, email)| UserInfo {
            sub,
            email,
            email_verified: Some(serde_json::Value::String("true".into())),
        }))
    }
}
