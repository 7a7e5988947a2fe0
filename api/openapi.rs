//! The root of the OpenAPI document: info, tags, security schemes and the shared error
//! responses. Paths are collected from the handlers as they are registered.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::http::error::{FieldError, Problem};
use responses::*;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tessera",
        description = "Headless identity and multi-factor-authentication API.\n\n\
            Errors are RFC 9457 `application/problem+json` documents with a stable `code`.\n\
            Authenticate with the session token as `Authorization: Bearer tss_…` or as the \
            `tessera_session` cookie (cookie-authenticated writes must come from an allowed Origin).",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    tags(
        (name = "health", description = "Liveness and readiness probes"),
        (name = "accounts", description = "Sign-up"),
        (name = "auth", description = "Login and logout"),
        (name = "me", description = "The signed-in account's profile and password"),
        (name = "sessions", description = "The session check, the account's sessions, and JWT access tokens with their key set"),
        (name = "login-history", description = "The account's login attempts"),
        (name = "mfa", description = "Second factors: authenticator apps and recovery codes"),
        (name = "audit-log", description = "Security-relevant changes to the account"),
        (name = "orgs", description = "Organisations, their members and their audit log"),
        (name = "api-keys", description = "The account's API keys, for scripts and integrations"),
        (name = "introspection", description = "Token introspection for integrators' back-ends (RFC 7662)"),
        (name = "sso", description = "Single sign-on through an organisation's OpenID Connect provider: its settings, and the sign-in"),
        (name = "admin", description = "Support: find, freeze and unfreeze accounts; the outbox of outgoing messages (operator key)"),
    ),
    components(
        schemas(Problem, FieldError),
        responses(
            BadRequest,
            Unauthenticated,
            Forbidden,
            NotFound,
            Conflict,
            Gone,
            Locked,
            PayloadTooLarge,
            UnsupportedMediaType,
            ValidationFailed,
            TooManyAttempts,
            BadGateway,
            Unavailable,
        )
    ),
    servers((url = "/", description = "The server this document was served from")),
    modifiers(&SecuritySchemes, &ErrorCodes),
)]
pub struct ApiDoc;

pub const COOKIE_NAME: &str = "tessera_session";
/// The long-lived cookie that names a browser, so a sign-in from a new one can be told.
pub const DEVICE_COOKIE: &str = "tessera_device";

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("opaque session token (tss_…)")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("API key (tsk_…), for the read calls its scopes name")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "operator_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("operator key (tso_…), from `tessera admin create-operator-key`")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "introspection_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format(
                        "introspection key (tsi_…), from `tessera admin create-introspection-key`",
                    )
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                COOKIE_NAME,
                "Session token cookie set at sign-up and login (HttpOnly, SameSite=Lax).",
            ))),
        );
    }
}

/// Lists every error code on the problem schema's `code` (`x-error-codes`), so SDK users and
/// reviewers see them all; the field stays a string, since codes may be added.
struct ErrorCodes;

impl Modify for ErrorCodes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use strum::IntoEnumIterator;
        use utoipa::openapi::extensions::ExtensionsBuilder;
        use utoipa::openapi::{RefOr, Schema};
        let codes: Vec<&str> = crate::error_code::ErrorCode::iter()
            .map(|code| code.as_str())
            .collect();
        let problem = openapi
            .components
            .as_mut()
            .and_then(|components| components.schemas.get_mut("Problem"));
        if let Some(RefOr::T(Schema::Object(problem))) = problem
            && let Some(RefOr::T(Schema::Object(code))) = problem.properties.get_mut("code")
        {
            let listed = ExtensionsBuilder::new().add("x-error-codes", codes).build();
            code.extensions
                .get_or_insert_with(Default::default)
                .merge(listed);
        }
    }
}

/// The shared error answers, and `Errors<(…)>`: the ones an endpoint documents, as one entry
/// of its `responses(...)` (`Errors<(JsonBody, Unauthenticated, Unavailable)>`), instead of a
/// `(status = N, response = …)` line each.
pub mod responses {
    use std::collections::BTreeMap;
    use std::marker::PhantomData;

    use utoipa::openapi::{Ref, RefOr, Response};
    use utoipa::{IntoResponses, ToResponse};

    use crate::http::error::Problem;

    /// A set of error answers: one shared response, or a tuple of sets.
    pub trait ErrorSet {
        fn add_to(responses: &mut BTreeMap<String, RefOr<Response>>);
    }

    /// The error answers an endpoint documents, each pointing at its shared response.
    pub struct Errors<T: ErrorSet>(PhantomData<T>);

    impl<T: ErrorSet> IntoResponses for Errors<T> {
        fn responses() -> BTreeMap<String, RefOr<Response>> {
            let mut responses = BTreeMap::new();
            T::add_to(&mut responses);
            responses
        }
    }

    macro_rules! tuple_sets {
        ($($set:ident),+) => {
            impl<$($set: ErrorSet),+> ErrorSet for ($($set,)+) {
                fn add_to(responses: &mut BTreeMap<String, RefOr<Response>>) {
                    $($set::add_to(responses);)+
                }
            }
        };
    }
    tuple_sets!(A);
    tuple_sets!(A, B);
    tuple_sets!(A, B, C);
    tuple_sets!(A, B, C, D);
    tuple_sets!(A, B, C, D, E);
    tuple_sets!(A, B, C, D, E, F);
    tuple_sets!(A, B, C, D, E, F, G);
    tuple_sets!(A, B, C, D, E, F, G, H);
    tuple_sets!(A, B, C, D, E, F, G, H, I);
    tuple_sets!(A, B, C, D, E, F, G, H, I, J);

    /// What any endpoint that reads a JSON body may answer besides its own errors.
    pub type JsonBody = (
        BadRequest,
        PayloadTooLarge,
        UnsupportedMediaType,
        ValidationFailed,
    );

    /// A shared response answered with its status.
    macro_rules! error_status {
        ($($name:ident = $status:literal),+ $(,)?) => {
            $(impl ErrorSet for $name {
                fn add_to(responses: &mut BTreeMap<String, RefOr<Response>>) {
                    let shared = Ref::from_response_name(stringify!($name));
                    responses.insert($status.to_string(), RefOr::Ref(shared));
                }
            })+
        };
    }
    error_status!(
        BadRequest = "400",
        Unauthenticated = "401",
        Forbidden = "403",
        NotFound = "404",
        Conflict = "409",
        Gone = "410",
        Locked = "423",
        PayloadTooLarge = "413",
        UnsupportedMediaType = "415",
        ValidationFailed = "422",
        TooManyAttempts = "429",
        BadGateway = "502",
        Unavailable = "503",
    );

    /// Malformed JSON, a bad path or query parameter, or an invalid cursor.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct BadRequest(pub Problem);

    /// No valid session, or wrong credentials.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct Unauthenticated(pub Problem);

    /// Not allowed: `reauthentication_failed` (a password or code given on a valid session —
    /// to confirm a change, or to activate a factor — is wrong or missing; `errors` names it,
    /// `attempts_remaining` may say how many tries are left; the session stays valid), or
    /// `origin_not_allowed` (a browser request from an origin that is not allowed).
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct Forbidden(pub Problem);

    /// No such resource (also for another account's resources).
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct NotFound(pub Problem);

    /// The request conflicts with the current state.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct Conflict(pub Problem);

    /// The challenge or pending item is no longer usable (expired, used up).
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct Gone(pub Problem);

    /// The account is frozen by support (`account_frozen`).
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct Locked(pub Problem);

    /// The request body is larger than the server accepts.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct PayloadTooLarge(pub Problem);

    /// The request body is not `application/json`.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct UnsupportedMediaType(pub Problem);

    /// The body is well-formed JSON but fails validation (unknown field, wrong type, policy).
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct ValidationFailed(pub Problem);

    /// `too_many_attempts` (the account is locked for this client's IP, or for every IP, after
    /// repeated failures) or `rate_limited` (too many attempts of this kind from the client's
    /// IP); retry after `Retry-After` seconds.
    #[derive(ToResponse)]
    #[response(
        content_type = "application/problem+json",
        headers(("Retry-After" = i64, description = "Seconds until the next attempt is allowed"))
    )]
    pub struct TooManyAttempts(pub Problem);

    /// `sso_provider_unavailable`: the organisation's identity provider cannot be reached, or
    /// answered something that is not OpenID Connect.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct BadGateway(pub Problem);

    /// `service_unavailable` (the database cannot be reached or is busy) or `overloaded` (too many
    /// password checks are queued); retry after `Retry-After` seconds.
    #[derive(ToResponse)]
    #[response(
        content_type = "application/problem+json",
        headers(("Retry-After" = i64, description = "Seconds to wait before trying again"))
    )]
    pub struct Unavailable(pub Problem);
}
