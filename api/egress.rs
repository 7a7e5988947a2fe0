//! Egress that stays outside (DESIGN §6): where this server may connect for a URL an
//! organisation supplies (its identity provider's issuer and the endpoints the provider's
//! discovery document names). Any account can create an organisation, so without this the
//! server would fetch, on anyone's behalf, from its own ports, the private network it sits in
//! or the cloud's metadata service.
//!
//! A name is resolved and every address it has is checked: one address inside refuses the
//! name. The checked addresses are the only ones connected to: the HTTP client resolves
//! through [`PinnedResolver`], which checks what it resolved before handing it to the
//! connector, so a DNS answer that changes after a check (rebinding) reaches nothing inside.
//! IP literals never reach a resolver (the connector dials them as they are): they are checked
//! by [`Egress::check_literal`] before every request.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use ipnet::{Ipv4Net, Ipv6Net};
use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::dns::AddressResolver;

/// IPv4 ranges that are not the public internet (RFC 6890 and its successors). Loopback
/// (127.0.0.0/8) is apart: allowed in development.
const INSIDE_V4: [Ipv4Net; 14] = [
    // "This network": 0.0.0.0 reaches this machine.
    Ipv4Net::new_assert(Ipv4Addr::new(0, 0, 0, 0), 8),
    Ipv4Net::new_assert(Ipv4Addr::new(10, 0, 0, 0), 8),
    // Shared address space (carrier-grade NAT).
    Ipv4Net::new_assert(Ipv4Addr::new(100, 64, 0, 0), 10),
    // Link-local, where clouds answer metadata (169.254.169.254) with credentials.
    Ipv4Net::new_assert(Ipv4Addr::new(169, 254, 0, 0), 16),
    Ipv4Net::new_assert(Ipv4Addr::new(172, 16, 0, 0), 12),
    // IETF protocol assignments.
    Ipv4Net::new_assert(Ipv4Addr::new(192, 0, 0, 0), 24),
    // Documentation.
    Ipv4Net::new_assert(Ipv4Addr::new(192, 0, 2, 0), 24),
    // 6to4 relays (deprecated).
    Ipv4Net::new_assert(Ipv4Addr::new(192, 88, 99, 0), 24),
    Ipv4Net::new_assert(Ipv4Addr::new(192, 168, 0, 0), 16),
    // Benchmarking.
    Ipv4Net::new_assert(Ipv4Addr::new(198, 18, 0, 0), 15),
    // Documentation.
    Ipv4Net::new_assert(Ipv4Addr::new(198, 51, 100, 0), 24),
    Ipv4Net::new_assert(Ipv4Addr::new(203, 0, 113, 0), 24),
    // Multicast.
    Ipv4Net::new_assert(Ipv4Addr::new(224, 0, 0, 0), 4),
    // Reserved, and the broadcast address 255.255.255.255.
    Ipv4Net::new_assert(Ipv4Addr::new(240, 0, 0, 0), 4),
];

/// The public IPv6 internet: global unicast. Everything outside it is refused: unspecified,
/// loopback (apart, allowed in development), IPv4-mapped and -compatible, NAT64, discard-only,
/// unique local (fc00::/7), link-local (fe80::/10), multicast…
const GLOBAL_V6: Ipv6Net = Ipv6Net::new_assert(Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3);

/// Inside global unicast, what is not the public internet either.
const INSIDE_GLOBAL_V6: [Ipv6Net; 4] = [
    // IETF protocol assignments, Teredo (2001::/32, an IPv4 address inside) among them.
    Ipv6Net::new_assert(Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23),
    // Documentation.
    Ipv6Net::new_assert(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32),
    // 6to4: an IPv4 address inside.
    Ipv6Net::new_assert(Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16),
    // Documentation (RFC 9637).
    Ipv6Net::new_assert(Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20),
];

/// Whether this server may connect to `ip`: a public address, or with `allow_loopback`
/// (development and tests) one of this machine's loopback addresses. An IPv6 address that
/// carries an IPv4 one (`::ffff:127.0.0.1`, 6to4, Teredo…) is refused whatever it carries:
/// unwrapping it would be one more spelling of an address to get right.
pub fn permits(ip: IpAddr, allow_loopback: bool) -> bool {
    match ip {
        IpAddr::V4(ip) if ip.is_loopback() => allow_loopback,
        IpAddr::V4(ip) => !INSIDE_V4.iter().any(|net| net.contains(&ip)),
        IpAddr::V6(ip) if ip == Ipv6Addr::LOCALHOST => allow_loopback,
        IpAddr::V6(ip) => {
            GLOBAL_V6.contains(&ip) && !INSIDE_GLOBAL_V6.iter().any(|net| net.contains(&ip))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EgressError {
    /// The host is, or resolves to, an address this server does not connect to.
    #[error("{0} is not a public address")]
    Refused(IpAddr),
    /// The host has no address, or the look-up failed.
    #[error("{0}")]
    Unresolved(String),
}

/// Whether `error` (or one of its causes) is a refusal of this module: reqwest reports a
/// resolver's error as a connection error, the refusal its cause.
pub fn is_refusal(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if matches!(
            e.downcast_ref::<EgressError>(),
            Some(EgressError::Refused(_))
        ) {
            return true;
        }
        cause = e.source();
    }
    false
}

/// `url`'s host as an address, when it is one. The URL parser has already turned the other
/// spellings of an IPv4 address (`0x7f.1`, `2130706433`) into the dotted one.
fn literal(url: &Url) -> Option<IpAddr> {
    url.host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// The addresses outbound connections may reach, and the DNS that names them.
#[derive(Clone)]
pub struct Egress {
    /// This machine's loopback is allowed (development and tests): never anything else inside.
    allow_loopback: bool,
    dns: Arc<AddressResolver>,
}

impl Egress {
    pub fn new(allow_loopback: bool, dns_server: Option<SocketAddr>) -> Egress {
        Egress {
            allow_loopback,
            dns: Arc::new(AddressResolver::new(dns_server)),
        }
    }

    fn checked(&self, ip: IpAddr) -> Result<IpAddr, EgressError> {
        if permits(ip, self.allow_loopback) {
            Ok(ip)
        } else {
            Err(EgressError::Refused(ip))
        }
    }

    /// `url`'s host when it is an IP literal, checked; a name passes (it is checked as it is
    /// resolved). Called before every request: the connector dials a literal without asking
    /// the resolver.
    pub fn check_literal(&self, url: &Url) -> Result<(), EgressError> {
        match literal(url) {
            Some(ip) => self.checked(ip).map(drop),
            None if url.host_str().is_some() => Ok(()),
            None => Err(EgressError::Unresolved("the URL has no host".into())),
        }
    }

    /// `url`'s host checked: a literal as it is, a name resolved and every address checked.
    /// For URLs that must be fit before they are used (an issuer being saved, the endpoints
    /// its discovery document names), whether or not this server connects to them.
    pub async fn check(&self, url: &Url) -> Result<(), EgressError> {
        self.check_literal(url)?;
        match (literal(url), url.host_str()) {
            (None, Some(name)) => self.resolve(name).await.map(drop),
            _ => Ok(()),
        }
    }

    /// Every address of `name`, each one checked: one address inside refuses them all.
    pub async fn resolve(&self, name: &str) -> Result<Vec<IpAddr>, EgressError> {
        let addresses = self
            .dns
            .addresses(name)
            .await
            .map_err(EgressError::Unresolved)?;
        addresses.into_iter().map(|ip| self.checked(ip)).collect()
    }

    /// The resolver for an HTTP client whose connections must stay outside.
    pub fn resolver(&self) -> PinnedResolver {
        PinnedResolver(self.clone())
    }
}

/// reqwest's resolver that hands the connector only addresses it has just checked: what is
/// connected to is what was checked, whatever the DNS answers next.
pub struct PinnedResolver(Egress);

impl Resolve for PinnedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let egress = self.0.clone();
        let name = name.as_str().to_string();
        Box::pin(async move {
            let addresses = egress.resolve(&name).await?;
            // Port 0: reqwest puts the URL's port (or the scheme's) in its place.
            let addrs: Addrs = Box::new(
                addresses
                    .into_iter()
                    .map(|ip| SocketAddr::new(ip, 0))
                    .collect::<Vec<_>>()
                    .into_iter(),
            );
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn only_public_addresses_are_reached_and_loopback_only_when_allowed() {
        for public in [
            "93.184.215.14",
            "1.1.1.1",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
        ] {
            assert!(permits(ip(public), false), "{public}");
        }
        for inside in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.5",
            "100.64.0.1",
            "100.127.255.254",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.170",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.5",
            "::ffff:93.184.215.14",
            "::127.0.0.1",
            "64:ff9b::a00:5",
            "100::1",
            "2001::1",
            "2001:db8::1",
            "2002:a00:5::1",
            "3fff::1",
            "fc00::1",
            "fd00::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
        ] {
            assert!(!permits(ip(inside), false), "{inside}");
            assert!(!permits(ip(inside), true), "{inside} (loopback allowed)");
        }
        for loopback in ["127.0.0.1", "127.1.2.3", "::1"] {
            assert!(!permits(ip(loopback), false), "{loopback}");
            assert!(permits(ip(loopback), true), "{loopback} (loopback allowed)");
        }
    }

    #[test]
    fn literals_are_checked_however_they_are_spelled() {
        let egress = Egress::new(false, None);
        for url in [
            "https://0x7f.0.0.1/",
            "https://2130706433/",
            "https://127.1/",
            "https://[::ffff:7f00:1]/",
            "https://[0:0:0:0:0:ffff:127.0.0.1]/",
            "https://0.0.0.0/",
            "https://[::]/",
        ] {
            let url = Url::parse(url).unwrap();
            assert!(
                matches!(egress.check_literal(&url), Err(EgressError::Refused(_))),
                "{url}"
            );
        }
        let named = Url::parse("https://login.example.com/").unwrap();
        assert_eq!(egress.check_literal(&named), Ok(()));
    }

    #[actix_web::test]
    async fn a_name_of_this_machine_is_not_connected_to() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = reqwest::Client::builder()
            .dns_resolver(Egress::new(false, None).resolver())
            .no_proxy()
            .build()
            .unwrap();
        // The resolver answers `localhost` itself (RFC 6761): no DNS server is needed.
        let error = client
            .get(format!("http://localhost:{port}/"))
            .send()
            .await
            .unwrap_err();
        assert!(is_refusal(&error), "{error:?}");
        assert!(
            listener.accept().is_err(),
            "nothing connected to this machine"
        );
    }
}
