//! Named page types for the spec: one per item type, each referencing its item schema, so
//! generated SDKs get clean names instead of inlined generics.

use serde::Serialize;
use utoipa::ToSchema;

use super::views::admin::OutboxEntry;
use super::views::api_keys::ApiKey;
use super::views::audit::AuditEvent;
use super::views::hardware_tokens::{FreeToken, HardwareToken};
use super::views::history::LoginEvent;
use super::views::orgs::{Invitation, Member, Membership};
use super::views::sessions::SessionListItem;
use super::views::sso::SsoIdentity;
use crate::service::pagination::Page;

macro_rules! page_type {
    ($name:ident, $item:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(Serialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Pass as `cursor` to get the next page; null on the last page.
            pub next_cursor: Option<String>,
        }

        // From a page of the items, or of the domain type they are a view of.
        impl<T: Into<$item>> From<Page<T>> for $name {
            fn from(page: Page<T>) -> Self {
                $name {
                    items: page.items.into_iter().map(Into::into).collect(),
                    next_cursor: page.next_cursor,
                }
            }
        }
    };
}

page_type!(
    SessionPage,
    SessionListItem,
    "A page of sessions, newest first."
);
page_type!(
    LoginEventPage,
    LoginEvent,
    "A page of login attempts, newest first."
);
page_type!(
    AuditEventPage,
    AuditEvent,
    "A page of audit events, newest first."
);
page_type!(
    MemberPage,
    Member,
    "A page of an organisation's members, newest first."
);
page_type!(
    HardwareTokenPage,
    HardwareToken,
    "A page of an organisation's hardware tokens, newest first."
);
page_type!(
    FreeTokenPage,
    FreeToken,
    "A page of hardware tokens no one holds yet, newest first."
);
page_type!(
    ApiKeyPage,
    ApiKey,
    "A page of the account's API keys, newest first."
);
page_type!(
    OutboxPage,
    OutboxEntry,
    "A page of outgoing messages, newest first."
);

page_type!(
    InvitationPage,
    Invitation,
    "A page of an organisation's invitations, newest first."
);
page_type!(
    MembershipPage,
    Membership,
    "A page of the account's organisations, newest membership first."
);
page_type!(
    SsoIdentityPage,
    SsoIdentity,
    "A page of the account's links to organisations' identity providers, newest first."
);
