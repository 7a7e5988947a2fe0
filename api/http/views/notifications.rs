//! The wire shape of the account's alert preferences, asked for and answered.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::alerts;

/// What the account is told of by email.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"new_device_login": true, "failed_login": false}))]
pub struct NotificationPreferences {
    /// A sign-in from a device not seen before.
    pub new_device_login: bool,
    /// Failed sign-in attempts (wrong password or code, or a lockout).
    pub failed_login: bool,
}

impl From<alerts::NotificationPreferences> for NotificationPreferences {
    fn from(preferences: alerts::NotificationPreferences) -> Self {
        NotificationPreferences {
            new_device_login: preferences.new_device_login,
            failed_login: preferences.failed_login,
        }
    }
}

impl From<NotificationPreferences> for alerts::NotificationPreferences {
    fn from(preferences: NotificationPreferences) -> Self {
        alerts::NotificationPreferences {
            new_device_login: preferences.new_device_login,
            failed_login: preferences.failed_login,
        }
    }
}
