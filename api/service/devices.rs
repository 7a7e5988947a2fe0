//! Device, browser and operating system, parsed from a User-Agent with woothee.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Default, Serialize, ToSchema, PartialEq, Eq)]
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

fn known(value: &str) -> Option<String> {
    (!value.is_empty() && value != woothee::woothee::VALUE_UNKNOWN).then(|| value.to_string())
}

pub fn describe(user_agent: Option<&str>) -> DeviceInfo {
    let Some(parsed) = user_agent.and_then(|ua| woothee::parser::Parser::new().parse(ua)) else {
        return DeviceInfo::default();
    };
    DeviceInfo {
        device: known(parsed.category),
        browser: known(parsed.name),
        browser_version: known(parsed.version),
        os: known(parsed.os),
        os_version: known(&parsed.os_version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_chrome_on_windows_and_tolerates_garbage() {
        let info = describe(Some(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        ));
        assert_eq!(info.browser.as_deref(), Some("Chrome"));
        assert_eq!(info.os.as_deref(), Some("Windows 10"));
        assert_eq!(info.device.as_deref(), Some("pc"));
        assert_eq!(describe(Some("")).browser, None);
        assert_eq!(describe(None), DeviceInfo::default());
    }
}
