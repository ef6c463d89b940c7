//! The JWT claims the session reads and the demo issuer writes.

use serde::{Deserialize, Deserializer, Serialize};

/// Registered claims of a session token.
///
/// Time claims are whole seconds since the epoch. A time claim that is
/// present must be a non-negative integer: `"exp": "1893456000"` and
/// `"exp": null` are rejected rather than read as "no expiry".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Subject: who the token is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Issued at, in seconds.
    #[serde(
        default,
        deserialize_with = "strict_seconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub iat: Option<u64>,
    /// Expires at, in seconds: the token is valid while `now < exp`.
    #[serde(
        default,
        deserialize_with = "strict_seconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub exp: Option<u64>,
    /// Not before, in seconds.
    #[serde(
        default,
        deserialize_with = "strict_seconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub nbf: Option<u64>,
    /// Unique token id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
}

/// Reads a present time claim; only an absent claim becomes `None`.
fn strict_seconds<'de, D>(deserializer: D) -> Result<Option<u64>, D::Error>
where
    D: Deserializer<'de>,
{
    u64::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Claims, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn absent_time_claims_are_none() {
        let claims = parse(r#"{"sub":"demo"}"#).expect("valid");

        assert_eq!(claims.exp, None);
        assert_eq!(claims.iat, None);
    }

    #[test]
    fn time_claims_of_the_wrong_type_are_rejected() {
        for json in [
            r#"{"exp":"1893456000"}"#,
            r#"{"exp":null}"#,
            r#"{"exp":-1}"#,
            r#"{"exp":1.5}"#,
            r#"{"iat":"now"}"#,
            r#"{"iat":null}"#,
        ] {
            assert!(parse(json).is_err(), "{json}");
        }
    }

    #[test]
    fn claims_round_trip_through_json() {
        let claims = Claims {
            sub: Some("demo".into()),
            iat: Some(10),
            exp: Some(20),
            nbf: Some(5),
            jti: Some("abc".into()),
        };
        let json = serde_json::to_string(&claims).expect("serializes");

        assert_eq!(parse(&json).expect("parses"), claims);
    }
}
