//! The provider an admin names, checked before its settings are saved: its discovery document
//! must answer, and name only https endpoints at public addresses.

use chrono::{DateTime, Utc};

use super::provider::IdentityProvider;
use crate::oidc::OidcError;
use crate::service::error::{Error, FieldError, Result};

/// Fetches `issuer`'s discovery document: 422 `validation_failed` on `issuer` when it cannot
/// be used (`invalid_url` when the issuer or an endpoint it names is not an https URL at a
/// public address: nothing is fetched from an address refused).
pub async fn check(idp: &impl IdentityProvider, issuer: &str, now: DateTime<Utc>) -> Result<()> {
    // Fetched now, not from the cache: what is saved is checked as it resolves today.
    let Err(e) = idp.discover(issuer, now).await else {
        return Ok(());
    };
    let (code, message) = match e {
        OidcError::IssuerUrl | OidcError::Refused("issuer") => (
            "invalid_url",
            "must be the provider's https URL, at a public address".to_string(),
        ),
        OidcError::Refused(endpoint) => (
            "invalid_url",
            format!(
                "its discovery document names a {endpoint} that is not an https URL at a public address"
            ),
        ),
        other => (
            "discovery_failed",
            format!("its discovery document cannot be used: {other}"),
        ),
    };
    Err(Error::invalid(vec![FieldError::new(
        "issuer", code, message,
    )]))
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::jwk::JwkSet;

    use super::*;
    use crate::service::sso::fake_provider::{FakeProvider, ISSUER};

    fn now() -> DateTime<Utc> {
        crate::service::testing::start()
    }

    /// The field error `check` answers when discovery fails with `error`.
    async fn refused_with(error: OidcError) -> FieldError {
        let idp = FakeProvider::new(String::new(), JwkSet { keys: vec![] });
        *idp.discovery_error.borrow_mut() = Some(error);
        let refused = check(&idp, ISSUER, now()).await.unwrap_err();
        assert_eq!(idp.asked.discover.get(), 1);
        let mut errors = refused.denial().unwrap().errors.clone();
        assert_eq!(errors.len(), 1);
        errors.remove(0)
    }

    #[tokio::test]
    async fn a_provider_whose_discovery_answers_is_accepted() {
        let idp = FakeProvider::new(String::new(), JwkSet { keys: vec![] });
        check(&idp, ISSUER, now()).await.unwrap();
        // Fetched, not read from a cache.
        assert_eq!(idp.asked.discover.get(), 1);
        assert_eq!(idp.asked.metadata.get(), 0);
    }

    #[tokio::test]
    async fn the_issuer_is_refused_naming_what_is_wrong() {
        for (error, code, message) in [
            (
                OidcError::Refused("issuer"),
                "invalid_url",
                "must be the provider's https URL, at a public address",
            ),
            (
                OidcError::Refused("jwks_uri"),
                "invalid_url",
                "its discovery document names a jwks_uri that is not an https URL at a public address",
            ),
            (
                OidcError::Status(404),
                "discovery_failed",
                "its discovery document cannot be used: the identity provider answered 404",
            ),
        ] {
            assert_eq!(
                refused_with(error).await,
                FieldError::new("issuer", code, message)
            );
        }
    }
}
