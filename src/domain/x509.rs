//! Domain: the few facts of an X.509 certificate the TLS check reports — subject and issuer
//! common names, the DNS names it covers, and its validity — read straight from DER.
//!
//! rustls verifies certificates but does not show them; a full X.509 crate would be the largest
//! dependency of the tool for five fields. This reader walks the DER structure defensively:
//! anything unexpected gives `None`, never a panic.

/// What the report says about a certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CertInfo {
    /// Subject common name.
    pub subject: Option<String>,
    /// Issuer common name (or organisation).
    pub issuer: Option<String>,
    /// DNS names in the subjectAltName extension.
    pub names: Vec<String>,
    /// Start of validity, seconds since the Unix epoch.
    pub not_before: Option<i64>,
    /// End of validity, seconds since the Unix epoch.
    pub not_after: Option<i64>,
}

/// One DER element: tag and content.
struct Tlv<'a> {
    tag: u8,
    body: &'a [u8],
}

/// Splits the first element off `input`.
fn next(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((Tlv { tag, body: &rest[..len] }, &rest[len..]))
}

/// The elements of a constructed body.
fn children(body: &[u8]) -> impl Iterator<Item = Tlv<'_>> {
    let mut rest = body;
    std::iter::from_fn(move || {
        let (tlv, r) = next(rest)?;
        rest = r;
        Some(tlv)
    })
}

const SEQUENCE: u8 = 0x30;
const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
const OID_O: &[u8] = &[0x55, 0x04, 0x0a];
const OID_SAN: &[u8] = &[0x55, 0x1d, 0x11];

/// Reads a DER-encoded certificate.
pub fn parse(der: &[u8]) -> Option<CertInfo> {
    let (cert, _) = next(der).filter(|(t, _)| t.tag == SEQUENCE)?;
    let tbs = children(cert.body).next().filter(|t| t.tag == SEQUENCE)?;
    let mut fields = children(tbs.body).peekable();
    // [0] version, optional.
    if fields.peek().is_some_and(|t| t.tag == 0xa0) {
        fields.next();
    }
    let _serial = fields.next()?;
    let _signature = fields.next()?;
    let issuer = fields.next()?;
    let validity = fields.next()?;
    let subject = fields.next()?;
    let _key = fields.next()?;
    let mut info = CertInfo {
        issuer: name_attr(issuer.body, OID_CN).or_else(|| name_attr(issuer.body, OID_O)),
        subject: name_attr(subject.body, OID_CN),
        ..CertInfo::default()
    };
    let mut times = children(validity.body);
    info.not_before = times.next().and_then(|t| time(&t));
    info.not_after = times.next().and_then(|t| time(&t));
    // Extensions are in [3].
    for f in fields {
        if f.tag != 0xa3 {
            continue;
        }
        let Some(list) = children(f.body).next() else { continue };
        for ext in children(list.body) {
            let mut parts = children(ext.body);
            let Some(oid) = parts.next() else { continue };
            if oid.body != OID_SAN {
                continue;
            }
            // Optional critical BOOLEAN, then OCTET STRING wrapping the GeneralNames.
            let Some(value) = parts.find(|p| p.tag == 0x04) else { continue };
            let Some((names, _)) = next(value.body) else { continue };
            for n in children(names.body) {
                if n.tag == 0x82 {
                    info.names.push(String::from_utf8_lossy(n.body).into_owned());
                }
            }
        }
    }
    Some(info)
}

/// The first value of attribute `oid` in a Name.
fn name_attr(name: &[u8], oid: &[u8]) -> Option<String> {
    for set in children(name) {
        for attr in children(set.body) {
            let mut parts = children(attr.body);
            if parts.next().is_some_and(|o| o.body == oid) {
                return parts.next().map(|v| String::from_utf8_lossy(v.body).into_owned());
            }
        }
    }
    None
}

/// UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`) as Unix seconds.
fn time(t: &Tlv<'_>) -> Option<i64> {
    let s = std::str::from_utf8(t.body).ok()?;
    let digits = s.strip_suffix('Z')?;
    let (year, rest) = match t.tag {
        0x17 if digits.len() == 12 => {
            let yy: i64 = digits[..2].parse().ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &digits[2..])
        }
        0x18 if digits.len() == 14 => (digits[..4].parse().ok()?, &digits[4..]),
        _ => return None,
    };
    let n = |i: usize| rest.get(i..i + 2).and_then(|d| d.parse::<i64>().ok());
    let (month, day, hour, minute, second) = (n(0)?, n(2)?, n(4)?, n(6)?, n(8)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of Unix seconds.
pub fn date(secs: i64) -> String {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(days_from_civil(2026, 11, 29) * 86_400 + 3600), "2026-11-29");
        assert_eq!(date(days_from_civil(2000, 2, 29) * 86_400), "2000-02-29");
    }

    /// A certificate made by rcgen: (subject CN, issuer CN or self-signed, SAN names, validity).
    struct Made {
        subject: Option<&'static str>,
        issuer: Option<&'static str>,
        names: &'static [&'static str],
        from: (i32, u8, u8),
        to: (i32, u8, u8),
    }

    fn make(m: &Made) -> Vec<u8> {
        let key = rcgen::KeyPair::generate().expect("key");
        let mut params =
            rcgen::CertificateParams::new(m.names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .expect("params");
        params.distinguished_name = rcgen::DistinguishedName::new();
        if let Some(cn) = m.subject {
            params.distinguished_name.push(rcgen::DnType::CommonName, cn);
        }
        params.not_before = rcgen::date_time_ymd(m.from.0, m.from.1, m.from.2);
        params.not_after = rcgen::date_time_ymd(m.to.0, m.to.1, m.to.2);
        let cert = match m.issuer {
            None => params.self_signed(&key).expect("self-signed"),
            Some(issuer_cn) => {
                let ca_key = rcgen::KeyPair::generate().expect("CA key");
                let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
                ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
                ca.distinguished_name = rcgen::DistinguishedName::new();
                ca.distinguished_name.push(rcgen::DnType::CommonName, issuer_cn);
                params.signed_by(&key, &rcgen::Issuer::new(ca, ca_key)).expect("signed")
            }
        };
        cert.der().to_vec()
    }

    fn secs(y: i32, m: u8, d: u8) -> i64 {
        days_from_civil(i64::from(y), i64::from(m), i64::from(d)) * 86_400
    }

    #[test]
    fn rcgen_certificates_read_back() {
        let cases = [
            // A CA-signed server certificate.
            Made {
                subject: Some("track.example.com"),
                issuer: Some("Example Test CA"),
                names: &["track.example.com"],
                from: (2026, 1, 2),
                to: (2027, 3, 4),
            },
            // Self-signed: the issuer is the subject.
            Made {
                subject: Some("self.example.com"),
                issuer: None,
                names: &["self.example.com", "www.self.example.com"],
                from: (2025, 12, 31),
                to: (2026, 2, 28),
            },
            // No common name, many names, a leap day.
            Made {
                subject: None,
                issuer: Some("Other CA"),
                names: &["a.example.com", "b.example.com", "*.c.example.com", "d.example.org"],
                from: (2024, 2, 29),
                to: (2024, 12, 1),
            },
            // Validity past 2049: GeneralizedTime instead of UTCTime.
            Made {
                subject: Some("long.example.com"),
                issuer: Some("Long CA"),
                names: &["long.example.com"],
                from: (2049, 6, 1),
                to: (2051, 1, 1),
            },
            // Before 1970: a negative time.
            Made {
                subject: Some("old.example.com"),
                issuer: None,
                names: &[],
                from: (1960, 1, 1),
                to: (1999, 12, 31),
            },
        ];
        for m in &cases {
            let der = make(m);
            let info = parse(&der).expect("an rcgen certificate parses");
            let subject = m.subject.map(str::to_string);
            assert_eq!(info.subject, subject, "subject");
            let issuer = match m.issuer {
                Some(i) => Some(i.to_string()),
                None => subject.clone(),
            };
            assert_eq!(info.issuer, issuer, "issuer of {:?}", m.subject);
            assert_eq!(info.names, m.names.iter().map(|n| n.to_string()).collect::<Vec<_>>(), "names");
            assert_eq!(info.not_before, Some(secs(m.from.0, m.from.1, m.from.2)), "not before");
            assert_eq!(info.not_after, Some(secs(m.to.0, m.to.1, m.to.2)), "not after");
            // Every prefix of a certificate is refused or read without a panic.
            for cut in 0..der.len() {
                let _ = parse(&der[..cut]);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Bytes from a server we do not trust: any of them, never a panic.
        #[test]
        fn any_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let _ = parse(&bytes);
        }

        /// A real certificate with bytes changed: read or refused, never a panic.
        #[test]
        fn mutated_certificates_never_panic(edits in proptest::collection::vec((0usize..2048, proptest::prelude::any::<u8>()), 1..8)) {
            thread_local! {
                static DER: Vec<u8> = make(&Made {
                    subject: Some("fuzz.example.com"),
                    issuer: Some("Fuzz CA"),
                    names: &["fuzz.example.com", "www.fuzz.example.com"],
                    from: (2026, 1, 1),
                    to: (2027, 1, 1),
                });
            }
            let mut der = DER.with(Clone::clone);
            for (at, byte) in edits {
                let i = at % der.len();
                der[i] = byte;
            }
            let _ = parse(&der);
        }
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(parse(&[]), None);
        assert_eq!(parse(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(parse(&[0x30, 0x03, 0x30, 0x01, 0x00]), None);
    }
}
