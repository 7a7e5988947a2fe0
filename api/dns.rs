//! DNS look-ups, asked of the configured resolver (`TESSERA_DNS_RESOLVER`, an address and
//! port) or of the system's: the TXT records at a name, for domain verification; and the
//! addresses of a name, for connections to URLs organisations supply (see `egress`). Nothing
//! is kept: a record just published must be seen, and a removed one must not be.

use std::net::{IpAddr, SocketAddr};
use std::sync::OnceLock;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{
    ConnectionConfig, LookupIpStrategy, NameServerConfig, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;

const LOOKUP_FAILED: &str = "the DNS look-up failed; try again later";

/// A resolver asking `server` (`None`: the system's), without a cache, `tweak`ed.
fn build(
    server: Option<SocketAddr>,
    tweak: impl FnOnce(&mut ResolverOpts),
) -> Result<TokioResolver, String> {
    let mut builder = match server {
        Some(addr) => {
            let mut udp = ConnectionConfig::udp();
            udp.port = addr.port();
            let mut tcp = ConnectionConfig::tcp();
            tcp.port = addr.port();
            let server = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
            TokioResolver::builder_with_config(
                ResolverConfig::from_parts(None, vec![], vec![server]),
                TokioRuntimeProvider::default(),
            )
        }
        None => TokioResolver::builder_tokio().map_err(|e| e.to_string())?,
    };
    let options = builder.options_mut();
    options.cache_size = 0;
    options.timeout = std::time::Duration::from_secs(5);
    options.attempts = 1;
    tweak(options);
    builder.build().map_err(|e| e.to_string())
}

/// The resolver `cell` holds, made at the first look-up (inside the runtime).
fn made(
    cell: &OnceLock<Result<TokioResolver, String>>,
    server: Option<SocketAddr>,
    tweak: impl FnOnce(&mut ResolverOpts),
) -> Result<&TokioResolver, String> {
    cell.get_or_init(|| build(server, tweak))
        .as_ref()
        .map_err(|e| {
            tracing::warn!(error = %e, "DNS resolver unusable");
            LOOKUP_FAILED.to_string()
        })
}

/// `name` fully qualified: no search domains are tried.
fn fqdn(name: &str) -> String {
    format!("{}.", name.trim_end_matches('.'))
}

pub struct TxtResolver {
    /// `None`: the system's resolver (`/etc/resolv.conf`).
    server: Option<SocketAddr>,
    /// Made at the first look-up (inside the runtime).
    resolver: OnceLock<Result<TokioResolver, String>>,
}

impl TxtResolver {
    pub fn new(server: Option<SocketAddr>) -> TxtResolver {
        TxtResolver {
            server,
            resolver: OnceLock::new(),
        }
    }

    /// The TXT values at `name` (each record's strings joined, as RFC 7208 reads them); none
    /// when the name or its TXT records do not exist; `Err` with a short reason when the
    /// look-up failed.
    pub async fn txt(&self, name: &str) -> Result<Vec<String>, String> {
        let resolver = made(&self.resolver, self.server, |_| {})?;
        match resolver.txt_lookup(fqdn(name).as_str()).await {
            Ok(lookup) => Ok(lookup
                .answers()
                .iter()
                .filter_map(|record| match &record.data {
                    RData::TXT(txt) => Some(
                        txt.txt_data
                            .iter()
                            .map(|part| String::from_utf8_lossy(part).into_owned())
                            .collect::<String>(),
                    ),
                    _ => None,
                })
                .collect()),
            Err(e) if e.is_nx_domain() || e.is_no_records_found() => Ok(Vec::new()),
            Err(e) => {
                // The cause (which may name the resolver) goes to the log, not to the caller.
                tracing::warn!(error = %e, name, "DNS look-up failed");
                Err(LOOKUP_FAILED.to_string())
            }
        }
    }
}

pub struct AddressResolver {
    /// `None`: the system's resolver (`/etc/resolv.conf`).
    server: Option<SocketAddr>,
    /// Made at the first look-up (inside the runtime).
    resolver: OnceLock<Result<TokioResolver, String>>,
}

impl AddressResolver {
    pub fn new(server: Option<SocketAddr>) -> AddressResolver {
        AddressResolver {
            server,
            resolver: OnceLock::new(),
        }
    }

    /// Every address at `name`, IPv4 and IPv6 (both asked, so that a check sees all of them);
    /// `Err` with a short reason when there is none or the look-up failed.
    pub async fn addresses(&self, name: &str) -> Result<Vec<IpAddr>, String> {
        let resolver = made(&self.resolver, self.server, |options| {
            options.ip_strategy = LookupIpStrategy::Ipv4AndIpv6;
            // Both families may be asked one after the other: a resolver that does not answer
            // costs the request twice this, and a request should not wait longer than that.
            options.timeout = std::time::Duration::from_secs(3);
        })?;
        match resolver.lookup_ip(fqdn(name).as_str()).await {
            Ok(lookup) if lookup.iter().next().is_some() => Ok(lookup.iter().collect()),
            Ok(_) => Err(format!("{name} has no address")),
            Err(e) if e.is_nx_domain() || e.is_no_records_found() => {
                Err(format!("{name} has no address"))
            }
            Err(e) => {
                tracing::warn!(error = %e, name, "DNS look-up failed");
                Err(LOOKUP_FAILED.to_string())
            }
        }
    }
}
