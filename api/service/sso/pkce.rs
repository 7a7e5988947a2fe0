//! PKCE (RFC 7636) with the S256 method: the verifier stays with whoever started the sign-in
//! (this server in the browser flow, the app in the app flow), the provider sees only its
//! SHA-256 until the code is redeemed. The same S256 binds a browser flow's login code to the
//! front-end that started it (`exchange_challenge`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::crypto::tokens::random_bytes;

/// A fresh code verifier: 43 characters of base64url over 32 random bytes.
pub fn new_verifier() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// The `code_challenge` for `verifier` (method S256).
pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether `text` has the shape of an S256 challenge: 43 characters of base64url.
pub fn is_challenge(text: &str) -> bool {
    text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `text` has the shape of a code verifier (RFC 7636 §4.1): 43 to 128 characters of
/// A–Z, a–z, 0–9, `-`, `.`, `_` and `~`.
pub fn is_verifier(text: &str) -> bool {
    (43..=128).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Whether `verifier` answers `challenge` (compared in constant time).
pub fn verifies(challenge: &str, verifier: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(
        challenge
            .as_bytes()
            .ct_eq(self::challenge(verifier).as_bytes()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_rfc_7636s_s256() {
        // RFC 7636, Appendix B.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let verifier = new_verifier();
        assert_eq!(verifier.len(), 43);
        assert!(is_challenge(&challenge(&verifier)));
        assert!(verifies(&challenge(&verifier), &verifier));
        assert!(!verifies(&challenge(&verifier), "another"));
        assert!(!is_challenge("too short") && !is_challenge(&format!("{}=", &verifier[..42])));
        assert!(is_verifier(&verifier) && is_verifier(&"a.b_c~d-".repeat(16)));
        assert!(!is_verifier(&verifier[..42]) && !is_verifier(&"a".repeat(129)));
        assert!(!is_verifier(&format!("{}+/", &verifier[..41])));
        assert_ne!(verifier, new_verifier());
    }
}
