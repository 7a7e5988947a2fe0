//! Where the links in emails lead when the deployment has not named its front-end's pages
//! (`TESSERA_RESET_URL`, `TESSERA_INVITE_URL`, `TESSERA_VERIFY_EMAIL_URL`): a plain page that
//! says what the link is for and which API call takes its token, instead of a 404. The token
//! is never written into the page (nothing from the address is reflected), and the page runs
//! no script and is never cached.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

/// What a link page explains: the link's purpose, the setting that names the real page, and
/// the call that takes the token.
struct LinkPage {
    title: &'static str,
    setting: &'static str,
    call: &'static str,
}

const RESET: LinkPage = LinkPage {
    title: "Reset your password",
    setting: "TESSERA_RESET_URL",
    call: r#"POST /v1/auth/password/reset {"token": "…", "new_password": "…"}"#,
};

const INVITATION: LinkPage = LinkPage {
    title: "Accept an invitation",
    setting: "TESSERA_INVITE_URL",
    call: r#"POST /v1/invitations/accept {"token": "…", "password": "…"}"#,
};

const VERIFY_EMAIL: LinkPage = LinkPage {
    title: "Confirm your email address",
    setting: "TESSERA_VERIFY_EMAIL_URL",
    call: r#"POST /v1/auth/email/verify {"token": "…"}"#,
};

fn page(link: &LinkPage) -> HttpResponse {
    let body = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title></head>\
         <body><h1>{title}</h1>\
         <p>This link is meant for the application that uses this sign-in service, but the \
         service does not know that application's page yet: its operator has to set \
         <code>{setting}</code>.</p>\
         <p>Nothing has happened to your account. If you did not expect this email, ignore \
         it.</p>\
         <p>For developers: the link's <code>token</code> parameter goes to \
         <code>{call}</code>; see <a href=\"/docs/\">the API documentation</a>.</p>\
         </body></html>\n",
        title = link.title,
        setting = link.setting,
        call = link.call.replace('"', "&quot;"),
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ))
        .body(body)
}

/// The pages, at the paths the default link templates name.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/reset-password", web::get().to(|| async { page(&RESET) }))
        .route(
            "/accept-invitation",
            web::get().to(|| async { page(&INVITATION) }),
        )
        .route(
            "/verify-email",
            web::get().to(|| async { page(&VERIFY_EMAIL) }),
        );
}
