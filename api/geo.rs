//! Coarse IP geolocation from an optional MaxMind-format City database: infrastructure the
//! HTTP layer uses to describe where a request came from.

use std::net::IpAddr;
use std::path::Path;

use maxminddb::{Reader, geoip2};

use crate::service::Location;

pub struct GeoLocator {
    reader: Option<Reader<Vec<u8>>>,
}

impl GeoLocator {
    pub fn disabled() -> Self {
        GeoLocator { reader: None }
    }

    pub fn open(path: &Path) -> Result<Self, maxminddb::MaxMindDbError> {
        Reader::open_readfile(path).map(|reader| GeoLocator {
            reader: Some(reader),
        })
    }

    pub fn locate(&self, ip: &str) -> Option<Location> {
        let reader = self.reader.as_ref()?;
        let ip: IpAddr = ip.parse().ok()?;
        let city: geoip2::City = reader.lookup(ip).ok()??;
        let country = city.country.and_then(|c| c.iso_code).map(str::to_string);
        let name = city
            .city
            .and_then(|c| c.names)
            .and_then(|names| names.get("en").map(|s| s.to_string()));
        Location::from_columns(country, name)
    }
}
