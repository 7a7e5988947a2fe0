//! PKCE (RFC 7636) with the S256 method: the verifier stays on the server, the provider sees
//! only its SHA-256.

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
        assert_ne!(verifier, new_verifier());
    }
}
