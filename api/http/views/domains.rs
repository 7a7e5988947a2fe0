//! The wire shape of an organisation's domains.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::service::orgs::domains;

/// The DNS record that proves a claim.
#[derive(Serialize, ToSchema)]
pub struct TxtRecord {
    /// Where to publish it.
    #[schema(example = "_tessera-challenge.acme.com")]
    pub name: String,
    /// The TXT record's value, exactly.
    #[schema(example = "tessera-domain-verification=Yp3kN6f0cW2hQ9rT1uV7xA")]
    pub value: String,
}

impl From<domains::TxtRecord> for TxtRecord {
    fn from(record: domains::TxtRecord) -> Self {
        TxtRecord {
            name: record.name,
            value: record.value,
        }
    }
}

/// A domain the organisation claims.
#[derive(Serialize, ToSchema)]
pub struct Domain {
    /// Lower-case, internationalised names in their ASCII (punycode) form.
    #[schema(example = "acme.com")]
    pub domain: String,
    /// Proven: it routes SSO sign-ins and provisions accounts, and the organisation's
    /// provider is trusted for emails at it.
    pub verified: bool,
    /// `dns` or `operator` (more may be added); absent until verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = "dns")]
    pub verified_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub verified_at: Option<DateTime<Utc>>,
    /// Whether the organisation's single sign-on signs in emails at this domain (its
    /// settings' `email_domains`).
    pub sso: bool,
    /// Publish this record, then ask for the check (`POST …/domains/{domain}/verify`).
    pub txt_record: TxtRecord,
    pub created_at: DateTime<Utc>,
}

impl From<domains::Domain> for Domain {
    fn from(domain: domains::Domain) -> Self {
        Domain {
            domain: domain.domain,
            verified: domain.verified,
            verified_by: domain.verified_by,
            verified_at: domain.verified_at,
            sso: domain.sso,
            txt_record: domain.txt_record.into(),
            created_at: domain.created_at,
        }
    }
}
