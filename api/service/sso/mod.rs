//! Single sign-on through an organisation's OpenID Connect provider (issue 13; in progress:
//! the ID-token checks and PKCE are here, the flow and its API come next).

pub mod id_token;
pub mod pkce;
