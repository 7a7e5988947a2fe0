//! Who was on the other end: the device a User-Agent names, and the place an address is in.

use serde::Serialize;
use utoipa::ToSchema;

use crate::service::client;
use crate::service::devices;

/// Coarse location of an IP address, from the configured MaxMind-format database.
#[derive(Serialize, ToSchema)]
pub struct Location {
    /// ISO 3166-1 alpha-2 country code.
    #[schema(example = "DE")]
    pub country: Option<String>,
    #[schema(example = "Berlin")]
    pub city: Option<String>,
}

impl From<client::Location> for Location {
    fn from(location: client::Location) -> Self {
        Location {
            country: location.country,
            city: location.city,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DeviceInfo {
    /// Device class: `pc`, `smartphone`, `mobilephone`, `appliance`, `crawler` or `misc`.
    #[schema(example = "pc")]
    pub device: Option<String>,
    #[schema(example = "Chrome")]
    pub browser: Option<String>,
    #[schema(example = "131.0.0.0")]
    pub browser_version: Option<String>,
    #[schema(example = "Windows 10")]
    pub os: Option<String>,
    #[schema(example = "NT 10.0")]
    pub os_version: Option<String>,
}

impl From<devices::DeviceInfo> for DeviceInfo {
    fn from(device: devices::DeviceInfo) -> Self {
        DeviceInfo {
            device: device.device,
            browser: device.browser,
            browser_version: device.browser_version,
            os: device.os,
            os_version: device.os_version,
        }
    }
}
