//! HTTP handlers, one file per resource. Handlers only extract, authorise, call one service
//! function and shape the response.

pub mod accounts;
pub mod admin;
pub mod api_keys;
pub mod audit_log;
pub mod auth;
pub mod body;
pub mod domains;
pub mod email;
pub mod error;
pub mod extract;
pub mod hardware_tokens;
pub mod health;
pub mod introspection;
pub mod invitations;
pub mod link_pages;
pub mod login_history;
pub mod me;
pub mod metrics;
pub mod mfa;
pub mod middleware;
pub mod notifications;
pub mod orgs;
pub mod page_types;
pub mod password_reset;
pub mod sessions;
pub mod sso;
pub mod sso_identities;
pub mod sso_settings;
pub mod tokens;
pub mod views;

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpResponse, guard, web};
use utoipa::openapi::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error_code::ErrorCode;
use crate::openapi::COOKIE_NAME;
use crate::state::AppState;
use error::ApiError;

/// Registers every documented operation. Shared by the server and the spec export, so the
/// spec is exactly what is served.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::live)
        .service(health::ready)
        .service(accounts::sign_up)
        .service(auth::login)
        .service(auth::logout)
        .service(password_reset::forgot)
        .service(password_reset::reset)
        .service(sessions::current)
        .service(tokens::mint)
        .service(tokens::jwks)
        .service(introspection::introspect)
        .service(sessions::list)
        .service(sessions::revoke_others)
        .service(sessions::revoke)
        .service(me::get)
        .service(me::update)
        .service(me::change_password)
        .service(me::verify_whatsapp)
        .service(email::change)
        .service(email::confirm_change)
        .service(email::resend)
        .service(email::verify)
        .service(email::request_verification)
        .service(notifications::get)
        .service(notifications::set)
        .service(login_history::list)
        .service(auth::verify_challenge)
        .service(auth::deliver_code)
        .service(mfa::status)
        .service(mfa::enroll_totp)
        .service(mfa::enroll_sms)
        .service(mfa::enroll_whatsapp)
        .service(mfa::activate)
        .service(mfa::disable)
        .service(mfa::remove_factor)
        .service(mfa::send_confirmation_code)
        .service(mfa::regenerate_recovery_codes)
        .service(mfa::reveal_recovery_codes)
        .service(audit_log::list)
        .service(orgs::create)
        .service(orgs::get)
        .service(orgs::update)
        .service(orgs::members)
        .service(orgs::add_member)
        .service(orgs::update_member)
        .service(orgs::remove_member)
        .service(orgs::member_mfa)
        .service(orgs::set_member_requirement)
        .service(orgs::reset_member_mfa)
        .service(orgs::my_orgs)
        .service(invitations::create)
        .service(invitations::list)
        .service(invitations::resend)
        .service(invitations::revoke)
        .service(invitations::accept)
        .service(hardware_tokens::register)
        .service(hardware_tokens::import)
        .service(hardware_tokens::list)
        .service(hardware_tokens::remove)
        .service(hardware_tokens::bind)
        .service(hardware_tokens::free_to_bind)
        .service(api_keys::create)
        .service(api_keys::list)
        .service(api_keys::rotate)
        .service(api_keys::delete)
        .service(admin::find_accounts)
        .service(admin::freeze)
        .service(admin::unfreeze)
        .service(admin::list_outbox)
        .service(orgs::audit_log)
        .service(sso_settings::put_settings)
        .service(sso_settings::get_settings)
        .service(sso_settings::delete_settings)
        .service(sso::start)
        .service(sso::callback_redirect)
        .service(sso::callback)
        .service(sso::exchange)
        .service(sso_identities::link)
        .service(sso_identities::list_identities)
        .service(sso_identities::unlink)
        .service(domains::add)
        .service(domains::list)
        .service(domains::verify)
        .service(domains::remove);
}

/// Which 405 resources [`method_fallbacks`] registers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Fallbacks {
    /// Before the handlers: those of literal paths that a parameterised sibling would
    /// otherwise capture (`…/hardware-tokens/import` vs `…/hardware-tokens/{token_id}`). Each
    /// steps aside (its guard fails) for the methods its path serves.
    Shadowed,
    /// After the handlers: every other path's, as the last resort.
    Rest,
}

/// Whether documented path `general` would match the requests of `literal`: same segments,
/// a parameter where `literal` has a word.
fn captures(general: &str, literal: &str) -> bool {
    let (g, l): (Vec<&str>, Vec<&str>) =
        (general.split('/').collect(), literal.split('/').collect());
    general != literal
        && g.len() == l.len()
        && g.iter()
            .zip(&l)
            .all(|(g, l)| g == l || (g.starts_with('{') && !l.starts_with('{')))
}

/// For documented paths, resources that answer 405 (with `Allow`) to the methods the path
/// does not declare.
pub fn method_fallbacks(cfg: &mut web::ServiceConfig, spec: &OpenApi, which: Fallbacks) {
    let all: Vec<&String> = spec.paths.paths.keys().collect();
    for (path, item) in spec.paths.paths.iter() {
        let shadowed = all.iter().any(|other| captures(other, path));
        if shadowed != (which == Fallbacks::Shadowed) {
            continue;
        }
        let methods = [
            ("GET", &item.get),
            ("PUT", &item.put),
            ("POST", &item.post),
            ("DELETE", &item.delete),
            ("OPTIONS", &item.options),
            ("HEAD", &item.head),
            ("PATCH", &item.patch),
            ("TRACE", &item.trace),
        ];
        let mut allowed = methods
            .iter()
            .filter(|(_, op)| op.is_some())
            .map(|(m, _)| *m)
            .collect::<Vec<_>>();
        // HEAD is answered wherever GET is (see middleware::head_as_get).
        if item.get.is_some() && item.head.is_none() {
            allowed.insert(1, "HEAD");
        }
        let allow = allowed.join(", ");
        let answer = move || {
            let allow = allow.clone();
            async move {
                Err::<HttpResponse, _>(ApiError::Request {
                    code: ErrorCode::MethodNotAllowed,
                    detail: format!("This resource allows: {allow}."),
                    allow: Some(allow),
                })
            }
        };
        let resource = web::resource(path.as_str());
        cfg.service(match which {
            Fallbacks::Shadowed => resource
                .guard(guard::fn_guard(move |ctx| {
                    !allowed.contains(&ctx.head().method.as_str())
                }))
                .to(answer),
            Fallbacks::Rest => resource.default_service(web::to(answer)),
        });
    }
}

pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::request(ErrorCode::NotFound, "No such resource."))
}

pub fn session_cookie(state: &AppState, token: &str) -> Cookie<'static> {
    Cookie::build(COOKIE_NAME, token.to_string())
        .path("/")
        .http_only(true)
        .secure(state.settings.cookie_secure)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(
            state.env.sessions.absolute.num_seconds(),
        ))
        .finish()
}

/// Names the client's device for sign-in alerts: a mobile client's `device_id`, else the
/// `tessera_device` cookie; a client with neither gets a new cookie, returned to be set on the
/// answer. A `device_id` must be 1 to 128 characters without control characters (422).
pub fn name_device(
    state: &AppState,
    client: &mut crate::service::ClientInfo,
    device_id: Option<String>,
) -> Result<Option<Cookie<'static>>, ApiError> {
    if let Some(device_id) = device_id {
        let length = device_id.chars().count();
        if !(1..=128).contains(&length) || device_id.chars().any(char::is_control) {
            return Err(
                crate::service::Error::invalid(vec![crate::service::FieldError::new(
                    "device_id",
                    "invalid",
                    "must be 1 to 128 characters without control characters",
                )])
                .into(),
            );
        }
        client.device = Some(device_id);
        return Ok(None);
    }
    if client.device.is_some() {
        return Ok(None);
    }
    let device = crate::crypto::tokens::random_token("tsd_");
    client.device = Some(device.clone());
    Ok(Some(
        Cookie::build(crate::openapi::DEVICE_COOKIE, device)
            .path("/")
            .http_only(true)
            .secure(state.settings.cookie_secure)
            .same_site(SameSite::Lax)
            .max_age(time::Duration::days(400))
            .finish(),
    ))
}

pub fn cleared_session_cookie(state: &AppState) -> Cookie<'static> {
    let mut cookie = session_cookie(state, "");
    cookie.make_removal();
    cookie
}

#[cfg(test)]
mod tests {
    use super::captures;

    #[test]
    fn a_parameter_captures_a_word_in_its_place_and_nothing_else() {
        let general = "/v1/orgs/{org_id}/hardware-tokens/{token_id}";
        assert!(captures(
            general,
            "/v1/orgs/{org_id}/hardware-tokens/import"
        ));
        assert!(!captures(general, general));
        assert!(!captures(general, "/v1/orgs/{org_id}/hardware-tokens"));
        assert!(!captures("/v1/me/sessions/{id}", "/v1/me/api-keys/x"));
    }
}
