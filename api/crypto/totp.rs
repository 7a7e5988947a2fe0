//! RFC 6238 TOTP. Verification takes the time as an argument and reports which time step
//! matched, so the caller can refuse a step that was already used (replay).

use subtle::ConstantTimeEq;
use totp_lite::{Sha1, Sha256, Sha512, totp_custom};

use super::tokens::random_bytes;

/// The HMAC hash of a TOTP credential. Authenticator apps use SHA-1; hardware tokens may
/// use the others (RFC 6238 allows all three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    #[default]
    Sha1,
    Sha256,
    Sha512,
}

impl Algorithm {
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    pub fn parse(text: &str) -> Option<Algorithm> {
        match text.trim().to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Some(Algorithm::Sha1),
            "SHA256" => Some(Algorithm::Sha256),
            "SHA512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }
}

/// Parameters of one TOTP credential: authenticator apps use SHA-1, 6 digits, 30 s.
#[derive(Debug, Clone, Copy)]
pub struct TotpParams {
    pub digits: u32,
    pub period: u64,
    pub algorithm: Algorithm,
}

impl TotpParams {
    /// What authenticator apps use.
    pub fn authenticator_app() -> Self {
        TotpParams {
            digits: 6,
            period: 30,
            algorithm: Algorithm::Sha1,
        }
    }
}

/// A fresh 160-bit secret.
pub fn generate_secret() -> [u8; 20] {
    random_bytes::<20>()
}

/// Base32 without padding, as authenticator apps expect it.
pub fn encode_secret(secret: &[u8]) -> String {
    base32::encode(base32::Alphabet::Rfc4648 { padding: false }, secret)
}

pub fn decode_secret(text: &str) -> Option<Vec<u8>> {
    base32::decode(base32::Alphabet::Rfc4648 { padding: false }, text)
}

pub fn time_step(unix_seconds: i64, params: TotpParams) -> i64 {
    unix_seconds.div_euclid(params.period as i64)
}

pub fn code_at_step(secret: &[u8], step: i64, params: TotpParams) -> String {
    let time = (step.max(0) as u64) * params.period;
    match params.algorithm {
        Algorithm::Sha1 => totp_custom::<Sha1>(params.period, params.digits, secret, time),
        Algorithm::Sha256 => totp_custom::<Sha256>(params.period, params.digits, secret, time),
        Algorithm::Sha512 => totp_custom::<Sha512>(params.period, params.digits, secret, time),
    }
}

/// The step of `code` within ±1 step of `unix_seconds` that is newer than `last_used_step`,
/// if there is one. Every candidate is compared in constant time.
pub fn verify(
    secret: &[u8],
    code: &str,
    unix_seconds: i64,
    last_used_step: Option<i64>,
    params: TotpParams,
) -> Option<i64> {
    let code = code.trim();
    if code.len() != params.digits as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = time_step(unix_seconds, params);
    let mut matched = None;
    for step in [now - 1, now, now + 1] {
        let expected = code_at_step(secret, step, params);
        let fresh = last_used_step.is_none_or(|used| step > used);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) && fresh && matched.is_none() {
            matched = Some(step);
        }
    }
    matched
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B: the seeds are the ASCII strings below; 8 digits, 30 s.
    const SEED_SHA1: &[u8] = b"12345678901234567890";
    const SEED_SHA256: &[u8] = b"12345678901234567890123456789012";
    const SEED_SHA512: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    const VECTORS: [(u64, &str, &str, &str); 6] = [
        (59, "94287082", "46119246", "90693936"),
        (1111111109, "07081804", "68084774", "25091201"),
        (1111111111, "14050471", "67062674", "99943326"),
        (1234567890, "89005924", "91819424", "93441116"),
        (2000000000, "69279037", "90698825", "38618901"),
        (20000000000, "65353130", "77737706", "47863826"),
    ];

    #[test]
    fn rfc_6238_appendix_b_vectors() {
        for (time, sha1, sha256, sha512) in VECTORS {
            assert_eq!(
                totp_custom::<Sha1>(30, 8, SEED_SHA1, time),
                sha1,
                "SHA-1 at {time}"
            );
            assert_eq!(
                totp_custom::<Sha256>(30, 8, SEED_SHA256, time),
                sha256,
                "SHA-256 at {time}"
            );
            assert_eq!(
                totp_custom::<Sha512>(30, 8, SEED_SHA512, time),
                sha512,
                "SHA-512 at {time}"
            );
        }
        let eight = TotpParams {
            digits: 8,
            period: 30,
            algorithm: Algorithm::Sha1,
        };
        for (time, sha1, _, _) in VECTORS {
            let step = time_step(time as i64, eight);
            assert_eq!(code_at_step(SEED_SHA1, step, eight), sha1);
            assert_eq!(
                verify(SEED_SHA1, sha1, time as i64, None, eight),
                Some(step)
            );
        }
    }

    #[test]
    fn accepts_one_step_either_side_and_refuses_used_steps() {
        let params = TotpParams::authenticator_app();
        let secret = generate_secret();
        let now = 1_700_000_000;
        let step = time_step(now, params);
        let code = |s| code_at_step(&secret, s, params);
        assert_eq!(verify(&secret, &code(step), now, None, params), Some(step));
        assert_eq!(
            verify(&secret, &code(step - 1), now, None, params),
            Some(step - 1)
        );
        assert_eq!(
            verify(&secret, &code(step + 1), now, None, params),
            Some(step + 1)
        );
        assert_eq!(verify(&secret, &code(step - 2), now, None, params), None);
        assert_eq!(verify(&secret, &code(step), now, Some(step), params), None);
        assert_eq!(
            verify(&secret, &code(step + 1), now, Some(step), params),
            Some(step + 1)
        );
        assert_eq!(verify(&secret, "12345", now, None, params), None);
        assert_eq!(verify(&secret, "abcdef", now, None, params), None);
    }

    #[test]
    fn secrets_are_160_bits_base32_without_padding() {
        let secret = generate_secret();
        let text = encode_secret(&secret);
        assert_eq!(text.len(), 32);
        assert!(!text.contains('='));
        assert_eq!(decode_secret(&text).unwrap(), secret);
    }
}
