//! Signing and verifying session tokens.
//!
//! [`TokenVerifier`] checks a compact JWT and returns its [`Claims`];
//! [`DemoIssuer`] mints tokens for the demo app. Neither ever puts the
//! token itself in an error: a [`TokenError`] names the check that failed.

use std::fmt;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::str::FromStr;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

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
    /// The header lists critical extensions (`crit`), which this verifier
    /// does not understand.
    CriticalExtension,
    /// Signed with an algorithm this verifier does not accept.
    Algorithm,
    /// The signature does not match the header and payload.
    Signature,
    /// The payload is not a JSON object, or a claim has the wrong type.
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
            Self::CriticalExtension => {
                f.write_str("token header lists critical extensions that are not understood")
            }
            Self::Algorithm => {
                f.write_str("token is signed with an algorithm that is not accepted")
            }
            Self::Signature => f.write_str("token signature does not match"),
            Self::Payload => f.write_str("token payload is not a JSON object of claims"),
            Self::ClaimType(claim) => {
                write!(f, "token claim {claim} is not a whole number of seconds")
            }
            Self::Key => f.write_str("token key was refused"),
        }
    }
}

impl std::error::Error for TokenError {}

/// A time claim as found: absent, whole seconds, or something else.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum TimeClaim {
    #[default]
    Absent,
    Seconds(u64),
    Wrong,
}

impl<'de> Deserialize<'de> for TimeClaim {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;

        impl<'de> Visitor<'de> for Visit {
            type Value = TimeClaim;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a time claim")
            }

            fn visit_u64<E>(self, v: u64) -> Result<TimeClaim, E> {
                Ok(TimeClaim::Seconds(v))
            }

            fn visit_i64<E>(self, _: i64) -> Result<TimeClaim, E> {
                Ok(TimeClaim::Wrong)
            }

            fn visit_f64<E>(self, _: f64) -> Result<TimeClaim, E> {
                Ok(TimeClaim::Wrong)
            }

            fn visit_bool<E>(self, _: bool) -> Result<TimeClaim, E> {
                Ok(TimeClaim::Wrong)
            }

            fn visit_str<E>(self, _: &str) -> Result<TimeClaim, E> {
                Ok(TimeClaim::Wrong)
            }

            fn visit_unit<E>(self) -> Result<TimeClaim, E> {
                Ok(TimeClaim::Wrong)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TimeClaim, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TimeClaim::Wrong)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TimeClaim, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TimeClaim::Wrong)
            }
        }

        deserializer.deserialize_any(Visit)
    }
}

/// The payload as read for verification: time claims of any type, so that
/// a wrong one is named rather than reported as unreadable JSON.
#[derive(Deserialize)]
struct Payload {
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    iat: TimeClaim,
    #[serde(default)]
    exp: TimeClaim,
    #[serde(default)]
    nbf: TimeClaim,
    #[serde(default)]
    jti: Option<String>,
}

impl Payload {
    fn into_claims(self) -> Result<Claims, TokenError> {
        let seconds = |claim: TimeClaim, name: &'static str| match claim {
            TimeClaim::Absent => Ok(None),
            TimeClaim::Seconds(s) => Ok(Some(s)),
            TimeClaim::Wrong => Err(TokenError::ClaimType(name)),
        };
        let exp = seconds(self.exp, "exp")?;
        let iat = seconds(self.iat, "iat")?;
        let nbf = seconds(self.nbf, "nbf")?;
        Ok(Claims {
            sub: self.sub,
            iat,
            exp,
            nbf,
            jti: self.jti,
        })
    }
}

/// The header fields the verifier reads; others are ignored.
#[derive(Deserialize)]
struct HeaderFields {
    alg: Option<String>,
    /// Extensions the reader must understand; this one understands none.
    crit: Option<IgnoredAny>,
}

/// The header `{"alg":"HS256","typ":"JWT"}`, base64url-encoded.
const HS256_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

fn decode_part(part: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| TokenError::Encoding)
}

/// Splits a compact token and reads its header's algorithm.
fn split(token: &str) -> Result<(Algorithm, &str, &str, &str), TokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Shape);
    };
    if header.is_empty() || payload.is_empty() {
        return Err(TokenError::Shape);
    }

    let fields: HeaderFields =
        serde_json::from_slice(&decode_part(header)?).map_err(|_| TokenError::Header)?;
    let alg = fields.alg.ok_or(TokenError::Header)?;
    if alg.eq_ignore_ascii_case("none") || signature.is_empty() {
        return Err(TokenError::Unsigned);
    }
    let alg = Algorithm::from_str(&alg).map_err(|_| TokenError::Header)?;
    if fields.crit.is_some() {
        return Err(TokenError::CriticalExtension);
    }
    Ok((alg, header, payload, signature))
}

/// Verifies session tokens: shape, algorithm, signature and claim types.
///
/// Time is not checked here; the session rules compare `exp` and `iat`
/// with their own clock so that tests can control it.
#[derive(Clone)]
pub struct TokenVerifier {
    key: DecodingKey,
    algorithms: Vec<Algorithm>,
}

impl fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("algorithms", &self.algorithms)
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
        Self {
            key,
            algorithms: algorithms.to_vec(),
        }
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
        let (alg, header, payload, signature) = split(token)?;
        decode_part(payload)?;
        decode_part(signature)?;
        if !self.algorithms.contains(&alg) {
            return Err(TokenError::Algorithm);
        }

        let message = &token[..header.len() + 1 + payload.len()];
        let verified = jsonwebtoken::crypto::verify(signature, message.as_bytes(), &self.key, alg)
            .map_err(|_| TokenError::Key)?;
        if !verified {
            return Err(TokenError::Signature);
        }

        // Serde would also read a struct from a JSON array; claims are an
        // object.
        let payload = decode_part(payload)?;
        if payload.trim_ascii_start().first() != Some(&b'{') {
            return Err(TokenError::Payload);
        }
        let payload: Payload = serde_json::from_slice(&payload).map_err(|_| TokenError::Payload)?;
        payload.into_claims()
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
            nbf: None,
            jti: Some(jti.to_owned()),
        };
        let payload = serde_json::to_vec(&claims).map_err(|_| TokenError::Key)?;
        let message = format!("{HS256_HEADER}.{}", URL_SAFE_NO_PAD.encode(payload));
        let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &self.key, Algorithm::HS256)
            .map_err(|_| TokenError::Key)?;
        Ok(format!("{message}.{signature}"))
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
        let crit_header = b64(r#"{"alg":"HS256","crit":["exp"],"exp":1}"#);

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
                format!("{crit_header}.{}.{}", parts[1], parts[2]),
                TokenError::CriticalExtension,
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
        crypto::install();
        let key = EncodingKey::from_secret(DEMO_SECRET).expect("key");
        let sign = |claims: &serde_json::Value| {
            let header = jsonwebtoken::Header::new(Algorithm::HS256);
            jsonwebtoken::encode(&header, claims, &key).expect("signs")
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
    fn a_signed_payload_that_is_not_json_is_rejected() {
        crypto::install();
        let key = EncodingKey::from_secret(DEMO_SECRET).expect("key");
        let message = format!("{HS256_HEADER}.{}", b64("not json"));
        let signature =
            jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256).expect("signs");

        let token = format!("{message}.{signature}");

        assert_eq!(verifier().verify(&token), Err(TokenError::Payload));
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
