//! The wire shape of second factors: their status, enrolment, recovery codes, codes sent, and
//! the login's second step.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::Secret;
use crate::service::mfa::{
    self, challenges, enrolment, factors, recovery_codes, sent_codes, tickets,
};

/// A second-factor method a code can be checked against.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SecondFactor {
    Totp,
    HardwareToken,
    RecoveryCode,
    Sms,
    Whatsapp,
}

mirror_enum!(SecondFactor <=> mfa::SecondFactor {
    Totp,
    HardwareToken,
    RecoveryCode,
    Sms,
    Whatsapp,
});

/// A second factor of the account.
#[derive(Serialize, ToSchema)]
pub struct Factor {
    pub id: String,
    /// `totp`, `hardware_token`, `sms` or `whatsapp` (more types may be added).
    #[serde(rename = "type")]
    #[schema(example = "totp")]
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub activated_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<factors::Factor> for Factor {
    fn from(factor: factors::Factor) -> Self {
        Factor {
            id: factor.id.into(),
            kind: factor.kind,
            created_at: factor.created_at,
            activated_at: factor.activated_at,
            last_used_at: factor.last_used_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MfaStatus {
    /// True when at least one factor is active: login asks for a second factor.
    pub enabled: bool,
    pub factors: Vec<Factor>,
    /// Null when the account has no recovery codes.
    pub recovery_codes: Option<RecoveryCodeSummary>,
}

impl From<factors::MfaStatus> for MfaStatus {
    fn from(status: factors::MfaStatus) -> Self {
        MfaStatus {
            enabled: status.enabled,
            factors: status.factors.into_iter().map(Into::into).collect(),
            recovery_codes: status.recovery_codes.map(Into::into),
        }
    }
}

/// A freshly generated set: the only time all codes are shown.
#[derive(Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Single-use codes, `xxxxx-xxxxx`. Store them somewhere safe; they are not shown again.
    #[schema(value_type = Vec<String>, example = json!(["7hx3k-q9m2d", "c4rt8-v1nzp"]))]
    pub codes: Vec<Secret>,
    pub generated_at: DateTime<Utc>,
}

impl From<recovery_codes::RecoveryCodes> for RecoveryCodes {
    fn from(set: recovery_codes::RecoveryCodes) -> Self {
        RecoveryCodes {
            codes: set.codes,
            generated_at: set.generated_at,
        }
    }
}

/// How many codes of the current set are left.
#[derive(Serialize, ToSchema)]
pub struct RecoveryCodeSummary {
    #[schema(example = 7)]
    pub remaining: i64,
    #[schema(example = 8)]
    pub total: i64,
    pub generated_at: DateTime<Utc>,
}

impl From<recovery_codes::RecoveryCodeSummary> for RecoveryCodeSummary {
    fn from(summary: recovery_codes::RecoveryCodeSummary) -> Self {
        RecoveryCodeSummary {
            remaining: summary.remaining,
            total: summary.total,
            generated_at: summary.generated_at,
        }
    }
}

/// What the user needs to add the account to an authenticator app.
#[derive(Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// Pass to the activate call with the first code the app shows.
    pub factor_id: String,
    /// The secret for manual entry: base32, no padding, 160 bits.
    #[schema(value_type = String, example = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")]
    pub secret: Secret,
    #[schema(
        value_type = String,
        example = "otpauth://totp/Tessera:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Tessera&algorithm=SHA1&digits=6&period=30"
    )]
    pub otpauth_uri: Secret,
    /// The `otpauth_uri` as an SVG QR code.
    #[schema(value_type = String)]
    pub qr_svg: Secret,
    /// The same QR code as a `data:image/png;base64,…` URI.
    #[schema(value_type = String)]
    pub qr_png: Secret,
    /// The pending factor is discarded if not activated by then.
    pub expires_at: DateTime<Utc>,
}

impl From<enrolment::TotpEnrolment> for TotpEnrolment {
    fn from(enrolment: enrolment::TotpEnrolment) -> Self {
        TotpEnrolment {
            factor_id: enrolment.factor_id.into(),
            secret: enrolment.secret,
            otpauth_uri: enrolment.otpauth_uri,
            qr_svg: enrolment.qr_svg,
            qr_png: enrolment.qr_png,
            expires_at: enrolment.expires_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Activation {
    pub factor: Factor,
    /// A fresh set of recovery codes when this is the account's first factor; shown only here.
    pub recovery_codes: Option<RecoveryCodes>,
}

impl From<enrolment::Activation> for Activation {
    fn from(activation: enrolment::Activation) -> Self {
        Activation {
            factor: activation.factor.into(),
            recovery_codes: activation.recovery_codes.map(Into::into),
        }
    }
}

/// A code on its way.
#[derive(Serialize, ToSchema)]
pub struct SentCode {
    /// The phone number, masked.
    #[schema(example = "+1•••••0123")]
    pub sent_to: String,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
    /// When another code may be asked for.
    pub resend_after: DateTime<Utc>,
}

impl From<sent_codes::SentCode> for SentCode {
    fn from(code: sent_codes::SentCode) -> Self {
        SentCode {
            sent_to: code.sent_to,
            expires_at: code.expires_at,
            resend_after: code.resend_after,
        }
    }
}

/// A pending SMS or WhatsApp factor, its first code on its way.
#[derive(Serialize, ToSchema)]
pub struct SentCodeEnrolment {
    /// Pass to the activate call with the code that arrives.
    pub factor_id: String,
    /// `sms` or `whatsapp`.
    #[serde(rename = "type")]
    #[schema(example = "sms")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub code: SentCode,
}

impl From<enrolment::SentCodeEnrolment> for SentCodeEnrolment {
    fn from(enrolment: enrolment::SentCodeEnrolment) -> Self {
        SentCodeEnrolment {
            factor_id: enrolment.factor_id.into(),
            kind: enrolment.kind,
            code: enrolment.code.into(),
        }
    }
}

/// The second step of a login.
#[derive(Serialize, ToSchema)]
pub struct LoginChallenge {
    /// Pass to `POST /v1/auth/challenges/{id}/verify`. Keep it secret: it stands for a
    /// verified password.
    #[schema(value_type = String, example = "tsc_8Zq0…")]
    pub id: Secret,
    pub expires_at: DateTime<Utc>,
    /// Methods the code may be given with: `totp`, `recovery_code` (more may be added).
    #[schema(example = json!(["totp", "recovery_code"]))]
    pub methods: Vec<String>,
}

impl From<challenges::LoginChallenge> for LoginChallenge {
    fn from(challenge: challenges::LoginChallenge) -> Self {
        LoginChallenge {
            id: challenge.id.into(),
            expires_at: challenge.expires_at,
            methods: challenge.methods,
        }
    }
}

/// What login answers when enrolment is forced.
#[derive(Serialize, ToSchema)]
pub struct Enrollment {
    /// Send as `Authorization: Bearer` to the enrolment calls (`POST /v1/me/mfa/totp`,
    /// `POST /v1/me/mfa/factors/{id}/activate`); nothing else accepts it. Activation uses it
    /// up and answers with the session.
    #[schema(value_type = String, example = "tse_Qm9…")]
    pub ticket: Secret,
    pub expires_at: DateTime<Utc>,
    /// The factors this ticket may enrol, and nothing else: `totp`; `hardware_token` when
    /// one of your organisations has tokens no one holds (`GET /v1/me/mfa/hardware-tokens`
    /// lists them); `sms` and `whatsapp` when this server sends codes that way (more may be
    /// added).
    #[schema(example = json!(["totp", "hardware_token"]))]
    pub methods: Vec<String>,
}

impl From<tickets::Enrollment> for Enrollment {
    fn from(enrollment: tickets::Enrollment) -> Self {
        Enrollment {
            ticket: enrollment.ticket,
            expires_at: enrollment.expires_at,
            methods: enrollment.methods,
        }
    }
}

/// A kind of second factor, as stored.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FactorType {
    /// An authenticator app.
    Totp,
    /// An organisation's hardware TOTP token, bound by the member.
    HardwareToken,
    /// Codes sent by SMS to a phone number.
    Sms,
    /// Codes sent by WhatsApp to a phone number.
    Whatsapp,
}

mirror_enum!(FactorType <=> mfa::FactorType {
    Totp,
    HardwareToken,
    Sms,
    Whatsapp,
});
