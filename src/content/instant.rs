//! Times in the post cache as seconds and nanoseconds since the epoch: chrono's own
//! serde writes RFC 3339 text and parses it back, a fifth of decoding a cached post.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Write `t` as `(seconds, nanoseconds)` since the Unix epoch; exact, leap seconds too.
pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    parts(t).serialize(s)
}

/// Read what [`serialize`] wrote; a value out of chrono's range is an error.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let (secs, nanos) = <(i64, u32)>::deserialize(d)?;
    from_parts(secs, nanos)
}

fn parts(t: &DateTime<Utc>) -> (i64, u32) {
    (t.timestamp(), t.timestamp_subsec_nanos())
}

fn from_parts<E: serde::de::Error>(secs: i64, nanos: u32) -> Result<DateTime<Utc>, E> {
    DateTime::from_timestamp(secs, nanos).ok_or_else(|| E::custom("time out of range"))
}

/// The same for an optional time.
pub mod option {
    use super::*;

    /// Write `t` as `Option<(seconds, nanoseconds)>`.
    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        t.as_ref().map(parts).serialize(s)
    }

    /// Read what [`serialize`] wrote.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<(i64, u32)>::deserialize(d)?
            .map(|(secs, nanos)| from_parts::<D::Error>(secs, nanos))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Times {
        #[serde(with = "super")]
        at: DateTime<Utc>,
        #[serde(with = "super::option")]
        until: Option<DateTime<Utc>>,
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn times_come_back_exactly() {
        for (at, until) in [
            (t("2026-11-20T03:12:00Z"), None),
            (
                t("2026-11-20T03:12:00.123456789+02:00"),
                Some(t("2027-01-01T00:00:00Z")),
            ),
            (
                t("1969-12-31T23:59:59.999999999Z"),
                Some(t("0001-01-01T00:00:00Z")),
            ),
            // A leap second: chrono keeps it as nanoseconds past a billion.
            (t("2016-12-31T23:59:60.5Z"), Some(t("9999-12-31T23:59:59Z"))),
        ] {
            let v = Times { at, until };
            let bytes = postcard::to_stdvec(&v).unwrap();
            let back: Times = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back, v);
            assert_eq!(back.at.to_rfc3339(), at.to_rfc3339());
        }
    }

    #[test]
    fn a_time_out_of_range_is_an_error() {
        #[derive(Serialize)]
        struct Raw {
            at: (i64, u32),
            until: Option<(i64, u32)>,
        }
        for raw in [
            Raw {
                at: (i64::MAX, 0),
                until: None,
            },
            Raw {
                at: (0, 2_000_000_000),
                until: None,
            },
            Raw {
                at: (0, 0),
                until: Some((i64::MIN, 0)),
            },
        ] {
            let bytes = postcard::to_stdvec(&raw).unwrap();
            assert!(postcard::from_bytes::<Times>(&bytes).is_err());
        }
        let ok = postcard::to_stdvec(&Raw {
            at: (0, 0),
            until: Some((60, 0)),
        })
        .unwrap();
        let back: Times = postcard::from_bytes(&ok).unwrap();
        assert_eq!(back.until, Some(t("1970-01-01T00:01:00Z")));
    }
}
