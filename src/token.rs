//! Signing and verifying session tokens.
//!
//! [`TokenVerifier`] checks a compact JWT and returns its [`Claims`];
//! [`DemoIssuer`] mints tokens for the demo app. Neither ever puts the
//! token itself in an error: a [`TokenError`] names the check that failed.

use std::fmt;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::Value;

use crate::claims::Claims;
use crate::crypto;
use crate::rules::token_exp;

/// The demo issuer's HMAC secret.
///
/// DEMO ONLY. Anyone can read it in the shipped wasm, so anyone can mint a
/// token the demo accepts. A real application gets its tokens from a server
/// and verifies them with the issuer's public key (see the README).
pub const DEMO_SECRET: &[u8] = b"leptos-jwt-session DEMO ONLY secret: not for production";

/// The check a token failed. Never carries the token or a claim value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// Not three non-empty parts separated by dots.
    Shape,
    /// A part is not base64url.
    Encoding,
    /// The header is not a JSON object naming a known algorithm.
    Header,
    /// The header says `alg: none`: the token is unsigned.
    Unsigned,
    /// Signed with an algorithm this verifier does not accept.
    Algorithm,
    /// The signature does not match the header and payload.
    Signature,
    /// The payload is not a JSON object.
    Payload,
    /// A time claim is present but not a whole number of seconds.
    ClaimType(&'static str),
    /// The key was refused by the crypto provider.
    Key,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Shape => f.write_str("token is not three dot-separated parts"),
            Self::Encoding => f.write_str("token has a part that is not base64url"),
            Self::Header => f.write_str("token header is not JSON naming a known algorithm"),
            Self::Unsigned => f.write_str("token is unsigned (alg none)"),
            Self::Algorithm => {
                f.write_str("token is signed with an algorithm that is not accepted")
            }
            Self::Signature => f.write_str("token signature does not match"),
            Self::Payload => f.write_str("token payload is not a JSON object"),
            Self::ClaimType(claim) => {
                write!(f, "token claim {claim} is not a whole number of seconds")
            }
            Self::Key => f.write_str("token key was refused"),
        }
    }
}

impl std::error::Error for TokenError {}

fn map_jwt_error(error: &jsonwebtoken::errors::Error) -> TokenError {
    match error.kind() {
        ErrorKind::InvalidSignature => TokenError::Signature,
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => TokenError::Algorithm,
        ErrorKind::Base64(_) => TokenError::Encoding,
        ErrorKind::InvalidToken => TokenError::Shape,
        ErrorKind::Json(_) | ErrorKind::Utf8(_) => TokenError::Payload,
        _ => TokenError::Key,
    }
}

/// Checks the parts a signature check cannot explain well: the shape, the
/// encoding and an unsigned header.
fn check_shape(token: &str) -> Result<(), TokenError> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return Err(TokenError::Shape);
    };
    if header.is_empty() || payload.is_empty() {
        return Err(TokenError::Shape);
    }

    let header = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| TokenError::Encoding)?;
    let header: Value = serde_json::from_slice(&header).map_err(|_| TokenError::Header)?;
    match header.get("alg").and_then(Value::as_str) {
        Some(alg) if alg.eq_ignore_ascii_case("none") => {
            return Err(TokenError::Unsigned);
        }
        Some(_) => {}
        None => return Err(TokenError::Header),
    }

    if signature.is_empty() {
        return Err(TokenError::Unsigned);
    }
    URL_SAFE_NO_PAD
        .decode(payload)
        .and(URL_SAFE_NO_PAD.decode(signature))
        .map(|_| ())
        .map_err(|_| TokenError::Encoding)
}

/// Verifies session tokens: shape, algorithm, signature and claim types.
///
/// Time is not checked here; the session rules compare `exp` and `iat`
/// with their own clock so that tests can control it.
#[derive(Clone)]
pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
}

impl fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("algorithms", &self.validation.algorithms)
            .finish_non_exhaustive()
    }
}

impl TokenVerifier {
    /// A verifier for the given key and accepted algorithms.
    ///
    /// Algorithms other than HS256 need a crypto provider that supports
    /// them, such as jsonwebtoken's `rust_crypto` feature.
    pub fn new(key: DecodingKey, algorithms: &[Algorithm]) -> Self {
        crypto::install();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = algorithms.to_vec();
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        Self { key, validation }
    }

    /// A verifier for HS256 tokens signed with `secret`.
    ///
    /// # Errors
    ///
    /// [`TokenError::Key`] if the secret is refused.
    pub fn hs256(secret: &[u8]) -> Result<Self, TokenError> {
        let key = DecodingKey::from_secret(secret).map_err(|_| TokenError::Key)?;
        Ok(Self::new(key, &[Algorithm::HS256]))
    }

    /// Verifies `token` and returns its claims.
    ///
    /// # Errors
    ///
    /// A [`TokenError`] naming the first check that failed.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        check_shape(token)?;
        let data = jsonwebtoken::decode::<Value>(token, &self.key, &self.validation)
            .map_err(|error| map_jwt_error(&error))?;

        let payload = data.claims;
        if !payload.is_object() {
            return Err(TokenError::Payload);
        }
        for claim in ["exp", "iat", "nbf"] {
            if payload.get(claim).is_some_and(|v| v.as_u64().is_none()) {
                return Err(TokenError::ClaimType(claim));
            }
        }
        serde_json::from_value(payload).map_err(|_| TokenError::Payload)
    }
}

/// Mints HS256 session tokens for the demo app.
///
/// Stands in for a real login server; see [`DEMO_SECRET`].
pub struct DemoIssuer {
    key: EncodingKey,
    subject: String,
}

impl DemoIssuer {
    /// An issuer signing with `secret` for the user `subject`.
    ///
    /// # Errors
    ///
    /// [`TokenError::Key`] if the secret is refused.
    pub fn new(secret: &[u8], subject: &str) -> Result<Self, TokenError> {
        crypto::install();
        let key = EncodingKey::from_secret(secret).map_err(|_| TokenError::Key)?;
        Ok(Self {
            key,
            subject: subject.to_owned(),
        })
    }

    /// Issues a token for a session set at `set_time_ms` lasting `timeout`:
    /// `iat` is the set-time's second and `exp` the first whole second at
    /// or after the session's end, so the token never ends first.
    ///
    /// # Errors
    ///
    /// [`TokenError::Key`] if signing fails.
    pub fn issue(
        &self,
        set_time_ms: u64,
        timeout: Duration,
        jti: &str,
    ) -> Result<String, TokenError> {
        let timeout_ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        let claims = Claims {
            sub: Some(self.subject.clone()),
            iat: Some(set_time_ms / 1000),
            exp: Some(token_exp(set_time_ms, timeout_ms)),
            jti: Some(jti.to_owned()),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.key)
            .map_err(|_| TokenError::Key)
    }
}

/// A fresh random token id: 16 bytes as 32 hex digits.
///
/// # Errors
///
/// Fails when the platform has no random source.
pub fn random_jti() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SET_TIME: u64 = 1_700_000_000_123;

    fn issue() -> String {
        DemoIssuer::new(DEMO_SECRET, "demo")
            .expect("key")
            .issue(SET_TIME, Duration::from_secs(30), "jti-1")
            .expect("signs")
    }

    fn verifier() -> TokenVerifier {
        TokenVerifier::hs256(DEMO_SECRET).expect("key")
    }

    fn b64(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Replaces the payload of a signed token, keeping its signature.
    fn with_payload(token: &str, payload: &str) -> String {
        let parts: Vec<&str> = token.split('.').collect();
        format!("{}.{}.{}", parts[0], b64(payload), parts[2])
    }

    #[test]
    fn issued_token_verifies_with_the_expected_claims() {
        let claims = verifier().verify(&issue()).expect("valid");

        assert_eq!(claims.sub.as_deref(), Some("demo"));
        assert_eq!(claims.iat, Some(1_700_000_000));
        assert_eq!(claims.exp, Some(1_700_000_031));
        assert_eq!(claims.jti.as_deref(), Some("jti-1"));
    }

    #[test]
    fn every_malformed_token_names_its_failed_check() {
        let good = issue();
        let parts: Vec<&str> = good.split('.').collect();
        let signed_body = format!("{}.{}", parts[0], parts[1]);
        let none_header = b64(r#"{"alg":"none","typ":"JWT"}"#);
        let hs512_header = b64(r#"{"alg":"HS512","typ":"JWT"}"#);

        let cases = [
            (String::new(), TokenError::Shape),
            ("abc".to_owned(), TokenError::Shape),
            ("a.b".to_owned(), TokenError::Shape),
            ("a.b.c.d".to_owned(), TokenError::Shape),
            (format!(".{}.{}", parts[1], parts[2]), TokenError::Shape),
            (
                format!("{}.%%%.{}", parts[0], parts[2]),
                TokenError::Encoding,
            ),
            (
                format!("!!.{}.{}", parts[1], parts[2]),
                TokenError::Encoding,
            ),
            (format!("{signed_body}.***"), TokenError::Encoding),
            (
                format!("{}.{}.{}", b64("[1]"), parts[1], parts[2]),
                TokenError::Header,
            ),
            (format!("{none_header}.{}.", parts[1]), TokenError::Unsigned),
            (
                format!("{none_header}.{}.{}", parts[1], parts[2]),
                TokenError::Unsigned,
            ),
            (format!("{signed_body}."), TokenError::Unsigned),
            (
                format!("{hs512_header}.{}.{}", parts[1], parts[2]),
                TokenError::Algorithm,
            ),
            (
                with_payload(&good, r#"{"sub":"admin","exp":9999999999}"#),
                TokenError::Signature,
            ),
            (
                format!("{signed_body}.{}", b64("forged-signature")),
                TokenError::Signature,
            ),
        ];
        for (token, error) in cases {
            assert_eq!(verifier().verify(&token), Err(error), "{token}");
        }
    }

    #[test]
    fn a_token_signed_with_another_secret_fails_the_signature_check() {
        let other = DemoIssuer::new(b"another secret", "demo")
            .expect("key")
            .issue(SET_TIME, Duration::from_secs(30), "x")
            .expect("signs");

        assert_eq!(verifier().verify(&other), Err(TokenError::Signature));
    }

    #[test]
    fn signed_payloads_with_bad_claims_are_rejected() {
        let key = EncodingKey::from_secret(DEMO_SECRET).expect("key");
        let sign = |claims: &Value| {
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).expect("signs")
        };
        let cases = [
            (
                serde_json::json!({"exp": "1893456000"}),
                TokenError::ClaimType("exp"),
            ),
            (
                serde_json::json!({"exp": null}),
                TokenError::ClaimType("exp"),
            ),
            (
                serde_json::json!({"exp": 1.5}),
                TokenError::ClaimType("exp"),
            ),
            (serde_json::json!({"iat": -3}), TokenError::ClaimType("iat")),
            (
                serde_json::json!({"nbf": "soon"}),
                TokenError::ClaimType("nbf"),
            ),
            (
                serde_json::json!(["not", "an", "object"]),
                TokenError::Payload,
            ),
            (serde_json::json!("text"), TokenError::Payload),
        ];
        for (claims, error) in cases {
            assert_eq!(verifier().verify(&sign(&claims)), Err(error), "{claims}");
        }
    }

    #[test]
    fn errors_never_contain_the_token() {
        let token = issue();
        let tampered = with_payload(&token, r#"{"sub":"x"}"#);
        let error = verifier().verify(&tampered).expect_err("tampered");

        let message = error.to_string();
        for part in tampered.split('.') {
            assert!(!message.contains(part));
        }
    }

    #[test]
    fn random_ids_differ() {
        let a = random_jti().expect("random");
        let b = random_jti().expect("random");

        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
