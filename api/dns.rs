//! DNS look-ups for domain verification: the TXT records at a name, asked of the configured
//! resolver (`TESSERA_DNS_RESOLVER`, an address and port) or of the system's. Nothing is kept:
//! a record just published must be seen, and a removed one must not be.

use std::net::SocketAddr;
use std::sync::OnceLock;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;

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

    fn build(&self) -> Result<TokioResolver, String> {
        let mut builder = match self.server {
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
        builder.build().map_err(|e| e.to_string())
    }

    /// The TXT values at `name` (each record's strings joined, as RFC 7208 reads them); none
    /// when the name or its TXT records do not exist; `Err` with a short reason when the
    /// look-up failed.
    pub async fn txt(&self, name: &str) -> Result<Vec<String>, String> {
        let resolver = self
            .resolver
            .get_or_init(|| self.build())
            .as_ref()
            .map_err(|e| {
                tracing::warn!(error = %e, "DNS resolver unusable");
                "the DNS look-up failed; try again later".to_string()
            })?;
        // Fully qualified: no search domains.
        let fqdn = format!("{}.", name.trim_end_matches('.'));
        match resolver.txt_lookup(fqdn.as_str()).await {
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
                Err("the DNS look-up failed; try again later".to_string())
            }
        }
    }
}
