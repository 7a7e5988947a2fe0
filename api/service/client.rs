//! Who is on the other end of a request, as far as the server can tell.

use serde::Serialize;

use super::rate_limit;

/// The client's address, agent and coarse location. Empty for work the server does on its
/// own (maintenance, the command line).
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub location: Option<Location>,
    /// The device, as the `tessera_device` cookie or a mobile client's `device_id` names it.
    pub device: Option<String>,
}

impl ClientInfo {
    /// The address rate limits and lockouts count this client under (IPv6 by /64).
    pub fn ip_key(&self) -> String {
        rate_limit::ip_key(self.ip.as_deref())
    }
}

/// Coarse location of an IP address, from the configured MaxMind-format database. Serialized
/// into the `login.*` webhooks' payload.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Location {
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    pub city: Option<String>,
}

impl Location {
    pub fn from_columns(country: Option<String>, city: Option<String>) -> Option<Location> {
        (country.is_some() || city.is_some()).then_some(Location { country, city })
    }
}
