//! Views: the wire shape of the domain's types, each deriving its OpenAPI schema and made
//! `From` the service type it shows, so the service layer knows no wire format. (What only the
//! HTTP layer has, request bodies and answers a handler builds, lives next to its handler.)
//!
//! A view keeps its domain type's name: the schema's name in the spec comes from it.

/// `From` both ways between a wire enum and the domain enum it shows, variant for variant: a
/// variant added to either without the other fails to build.
macro_rules! mirror_enum {
    ($view:ident <=> $domain:ty { $($variant:ident),+ $(,)? }) => {
        impl From<$domain> for $view {
            fn from(value: $domain) -> Self {
                match value {
                    $(<$domain>::$variant => $view::$variant,)+
                }
            }
        }

        impl From<$view> for $domain {
            fn from(value: $view) -> Self {
                match value {
                    $($view::$variant => <$domain>::$variant,)+
                }
            }
        }
    };
}

pub mod accounts;
pub mod admin;
pub mod api_keys;
pub mod audit;
pub mod client;
pub mod domains;
pub mod email;
pub mod hardware_tokens;
pub mod history;
pub mod introspection;
pub mod mfa;
pub mod notifications;
pub mod orgs;
pub mod sessions;
pub mod sso;
pub mod tokens;
