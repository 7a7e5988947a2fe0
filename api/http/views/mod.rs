//! Views: the wire shape of the domain's types, each deriving its OpenAPI schema and made
//! `From` the service type it shows, so the service layer knows no wire format. (What only the
//! HTTP layer has, request bodies and answers a handler builds, lives next to its handler.)
//!
//! A view keeps its domain type's name: the schema's name in the spec comes from it.

pub mod accounts;
pub mod client;
pub mod history;
pub mod sessions;
