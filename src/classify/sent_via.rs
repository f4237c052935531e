//! Classify: which ESP(s) a message was sent through, from its header fingerprints (catalog
//! `evidence`: X-SG-EID, X-Mailgun-*, X-PM-*, X-SES-*, Feedback-ID, DKIM `d=`, Received hosts,
//! X-Mailer, …). Every ESP with at least one matching fingerprint is listed once, with its most
//! specific evidence (catalog order), in the order that evidence appears in the header.

use serde::Serialize;

use crate::message::HeaderField;

use super::Catalog;

/// An ESP the message was sent through, and why linkaudit thinks so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentVia {
    /// ESP name.
    pub esp: String,
    /// The header evidence.
    pub evidence: String,
}

/// The ESPs `headers` show the message went through. `context` (e.g. "in forwarded message
/// 2") is appended to the evidence when given.
pub fn detect(headers: &[HeaderField], catalog: &Catalog, context: Option<&str>) -> Vec<SentVia> {
    // Per ESP, its most specific fingerprint that matched (lowest index in its evidence list)
    // and the first header that shows it, and whether a fingerprint that is not weak matched.
    let mut best: Vec<Option<(usize, usize)>> = Vec::new();
    let mut strong: Vec<bool> = Vec::new();
    for (pos, h) in headers.iter().enumerate() {
        catalog.evidence_hits(
            &h.name,
            || h.decoded().unwrap_or_else(|| h.unfolded()),
            |esp, index| {
                if best.len() <= esp {
                    best.resize(esp + 1, None);
                    strong.resize(esp + 1, false);
                }
                if best[esp].is_none_or(|(i, _)| index < i) {
                    best[esp] = Some((index, pos));
                }
                strong[esp] |= !catalog.esps[esp].evidence[index].weak;
            },
        );
    }
    let mut found: Vec<(usize, SentVia)> = Vec::new();
    for (esp, hit) in best.iter().enumerate() {
        let Some((index, pos)) = *hit else { continue };
        // Weak fingerprints alone (headers forged mail copies) name nobody.
        if !strong[esp] {
            continue;
        }
        let e = &catalog.esps[esp];
        let ev = &e.evidence[index];
        let evidence = match ev.regex() {
            None => format!("{} header", ev.header),
            Some(re) => {
                let h = &headers[pos];
                let value = h.decoded().unwrap_or_else(|| h.unfolded());
                let shown: String =
                    re.find(&value).map(|m| m.as_str().chars().take(60).collect()).unwrap_or_default();
                format!("{} has \"{}\"", ev.header, shown.trim())
            }
        };
        let evidence = match context {
            Some(c) => format!("{evidence}, {c}"),
            None => evidence,
        };
        found.push((pos, SentVia { esp: e.name().to_string(), evidence }));
    }
    found.sort_by_key(|(pos, _)| *pos);
    found.into_iter().map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(name: &str, raw: &str) -> HeaderField {
        HeaderField { name: name.into(), raw: raw.into(), line: 1, column: 1 }
    }

    fn names(headers: &[HeaderField]) -> Vec<String> {
        detect(headers, Catalog::builtin(), None).into_iter().map(|s| s.esp).collect()
    }

    #[test]
    fn fingerprints() {
        assert_eq!(names(&[h("X-SG-EID", "u001.abc")]), ["SendGrid"]);
        assert_eq!(names(&[h("Feedback-ID", "1.us-east-1.abc=:AmazonSES")]), ["Amazon SES"]);
        assert_eq!(names(&[h("X-Mailgun-Sid", "WyJ")]), ["Mailgun"]);
        assert_eq!(names(&[h("X-PM-Message-Id", "c8118413-013f")]), ["Postmark"]);
        assert_eq!(
            names(&[h("Received", "from o1.outbound-mail.sendgrid.net (o1 [149.72.1.1])")]),
            ["SendGrid"]
        );
        assert_eq!(
            names(&[
                h("X-Kmail-Account", "Xbux6s"),
                h("Message-ID", "<6E.A7@ma.mta1vrest.cc.prd.sparkpost>")
            ]),
            ["Klaviyo", "SparkPost"]
        );
        assert!(names(&[h("From", "a@example.com"), h("Received", "from mx.example.org")]).is_empty());
    }

    #[test]
    fn weak_fingerprints_need_company() {
        // A kit copies X-SFMC-Stack and List-ID .xt.local into mail sent elsewhere.
        let forged = [h("X-SFMC-Stack", "11"), h("List-ID", "<.7289367.xt.local>")];
        assert!(names(&forged).is_empty());
        let genuine = [h("X-SFMC-Stack", "11"), h("x-job", "7289367_2209531")];
        assert_eq!(names(&genuine), ["Salesforce Marketing Cloud"]);
        // SES's Message-ID fingerprint is its exact format, not the domain alone.
        assert!(names(&[h("Message-ID", "<Ab12Cd34Ef56Gh78Ij90Kl12Mn@email.amazonses.com>")]).is_empty());
        assert_eq!(
            names(&[h(
                "Message-ID",
                "<0100018b69130900-ec71f0a1-2b3c-4d5e-8f90-123456789abc-000000@email.amazonses.com>"
            )]),
            ["Amazon SES"]
        );
    }

    #[test]
    fn evidence_says_what_matched() {
        let got = detect(
            &[h("DKIM-Signature", "v=1; a=rsa-sha256; d=sendgrid.info; s=smtpapi")],
            Catalog::builtin(),
            None,
        );
        assert_eq!(got[0].evidence, "DKIM-Signature has \"d=sendgrid.info\"");
    }
}
