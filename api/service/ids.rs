//! Ids of the domain's things, one type each, so one cannot be passed for another. Stored as
//! text (UUIDv7, time-ordered); the database rows keep plain strings.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new, time-ordered id.
            pub fn generate() -> Self {
                $name(uuid::Uuid::now_v7().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        /// From a database row or a request path.
        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        /// From a path parameter the HTTP layer parsed as a UUID.
        impl From<uuid::Uuid> for $name {
            fn from(id: uuid::Uuid) -> Self {
                $name(id.to_string())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// An account.
    AccountId
);
id_type!(
    /// A second factor (pending or active).
    FactorId
);
id_type!(
    /// An organisation.
    OrgId
);
id_type!(
    /// A session (not its token: the id may be shown and passed around).
    SessionId
);

/// An id for a row that has no type of its own (events, code rows).
pub fn row_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
