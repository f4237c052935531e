//! Classify: which ESP(s) a message was sent through, from its header fingerprints (catalog
//! `evidence`: X-SG-EID, X-Mailgun-*, X-PM-*, X-SES-*, Feedback-ID, DKIM `d=`, Received hosts,
//! X-Mailer, …). Every ESP with at least one matching fingerprint is listed once, with its most
//! specific evidence (catalog order), in the order that evidence appears in the header.

use crate::message::HeaderField;
use crate::report::SentVia;

use super::Catalog;

/// The ESPs `headers` show the message went through. `context` (e.g. "in forwarded message
/// 2") is appended to the evidence when given.
pub fn detect(headers: &[HeaderField], catalog: &Catalog, context: Option<&str>) -> Vec<SentVia> {
    let mut found: Vec<(usize, SentVia)> = Vec::new();
    for esp in &catalog.esps {
        // The ESP's evidence in catalog order (the most specific first), each against every header.
        let hit = esp.evidence.iter().find_map(|ev| {
            headers.iter().enumerate().find_map(|(pos, h)| {
                if !h.name.eq_ignore_ascii_case(&ev.header) {
                    return None;
                }
                match &ev.pattern {
                    None => Some((pos, format!("{} header", ev.header))),
                    Some(re) => {
                        let value = h.decoded().unwrap_or_else(|| h.unfolded());
                        re.find(&value).map(|m| {
                            let shown: String = m.as_str().chars().take(60).collect();
                            (pos, format!("{} has \"{}\"", ev.header, shown.trim()))
                        })
                    }
                }
            })
        });
        if let Some((pos, evidence)) = hit {
            let evidence = match context {
                Some(c) => format!("{evidence}, {c}"),
                None => evidence,
            };
            found.push((pos, SentVia { esp: esp.name().to_string(), evidence }));
        }
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
    fn evidence_says_what_matched() {
        let got = detect(
            &[h("DKIM-Signature", "v=1; a=rsa-sha256; d=sendgrid.info; s=smtpapi")],
            Catalog::builtin(),
            None,
        );
        assert_eq!(got[0].evidence, "DKIM-Signature has \"d=sendgrid.info\"");
    }
}
