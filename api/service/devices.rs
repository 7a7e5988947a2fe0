//! Device, browser and operating system, parsed from a User-Agent with woothee.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Device class: `pc`, `smartphone`, `mobilephone`, `appliance`, `crawler` or `misc`.
    pub device: Option<String>,
    pub browser: Option<String>,
    pub browser_version: Option<String>,
    pub os: Option<String>,
    pub os_version: Option<String>,
}

fn known(value: &str) -> Option<String> {
    (!value.is_empty() && value != woothee::woothee::VALUE_UNKNOWN).then(|| value.to_string())
}

/// Parsed User-Agents, by the header's text: a session check describes its session's device,
/// and parsing takes longer than the rest of the check. Users share a few hundred distinct
/// User-Agents; the cache starts over when it holds more.
static DESCRIBED: LazyLock<Mutex<HashMap<String, DeviceInfo>>> = LazyLock::new(Default::default);
const DESCRIBED_MAX: usize = 4096;

pub fn describe(user_agent: Option<&str>) -> DeviceInfo {
    let Some(user_agent) = user_agent else {
        return DeviceInfo::default();
    };
    let cache = || DESCRIBED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = cache().get(user_agent) {
        return known.clone();
    }
    let info = parse(user_agent);
    let mut cache = cache();
    if cache.len() >= DESCRIBED_MAX {
        cache.clear();
    }
    cache.insert(user_agent.to_string(), info.clone());
    info
}

fn parse(user_agent: &str) -> DeviceInfo {
    let Some(parsed) = woothee::parser::Parser::new().parse(user_agent) else {
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
