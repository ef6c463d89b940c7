//! An HS256-only crypto provider for `jsonwebtoken`.
//!
//! jsonwebtoken's built-in `rust_crypto` provider links RSA, ECDSA and
//! EdDSA too, which multiplies the size of the wasm file. The session only
//! needs HMAC-SHA256, so this provider supplies that and refuses every
//! other algorithm. An application that verifies tokens from a real issuer
//! with a public key enables jsonwebtoken's `rust_crypto` feature instead;
//! [`install`] then leaves that provider in place.

use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, Result as JwtResult};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, EncodingKey};
use sha2::Sha256;
use signature::{Signer, Verifier};

type HmacSha256 = Hmac<Sha256>;

/// Signs with HMAC-SHA256.
struct Hs256Signer(HmacSha256);

impl Signer<Vec<u8>> for Hs256Signer {
    fn try_sign(&self, msg: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        let mut mac = self.0.clone();
        mac.update(msg);
        Ok(mac.finalize().into_bytes().to_vec())
    }
}

impl JwtSigner for Hs256Signer {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

/// Verifies HMAC-SHA256 signatures in constant time.
struct Hs256Verifier(HmacSha256);

impl Verifier<Vec<u8>> for Hs256Verifier {
    fn verify(&self, msg: &[u8], signature: &Vec<u8>) -> std::result::Result<(), signature::Error> {
        let mut mac = self.0.clone();
        mac.update(msg);
        mac.verify_slice(signature)
            .map_err(|_| signature::Error::new())
    }
}

impl JwtVerifier for Hs256Verifier {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

fn hmac_key(secret: &[u8]) -> JwtResult<HmacSha256> {
    HmacSha256::new_from_slice(secret).map_err(|_| ErrorKind::InvalidKeyFormat.into())
}

fn signer(alg: &Algorithm, key: &EncodingKey) -> JwtResult<Box<dyn JwtSigner>> {
    if *alg != Algorithm::HS256 || key.family() != AlgorithmFamily::Hmac {
        return Err(ErrorKind::InvalidAlgorithm.into());
    }
    Ok(Box::new(Hs256Signer(hmac_key(key.as_bytes())?)))
}

fn verifier(alg: &Algorithm, key: &DecodingKey) -> JwtResult<Box<dyn JwtVerifier>> {
    if *alg != Algorithm::HS256 || key.family() != AlgorithmFamily::Hmac {
        return Err(ErrorKind::InvalidAlgorithm.into());
    }
    Ok(Box::new(Hs256Verifier(hmac_key(key.try_get_as_bytes()?)?)))
}

/// The HS256-only provider. JWK helpers are not supported.
pub static HS256_PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    key_utils: KeyUtils::new_unimplemented(),
};

/// Makes sure jsonwebtoken has a crypto provider: keeps one that is
/// already installed or chosen by crate features, and installs
/// [`HS256_PROVIDER`] otherwise. Safe to call any number of times.
pub fn install() {
    if CryptoProvider::try_get_default().is_none() {
        // Losing a race to another installer is fine: a provider is set.
        _ = HS256_PROVIDER.install_default();
    }
}
