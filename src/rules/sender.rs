//! Rules LA403–LA404: the sender's domains — Return-Path, DKIM and tracking hosts aligned with
//! the From address (DMARC-style, organisational domain), and failed SPF/DKIM/DMARC verdicts.

use super::{at_message, Context, LA403, LA404};
use crate::classify::alignment::DomainRole;
use crate::finding::Finding;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let rows = ctx.alignment;
    let Some(from) = rows.iter().find(|r| r.role == DomainRole::From) else { return };
    let Some(from_org) = from.org.as_deref() else { return };
    if let Some(rp) = rows.iter().find(|r| r.role == DomainRole::ReturnPath && r.aligned == Some(false)) {
        out.push(at_message(
            &LA403,
            LA403.severity,
            Some("header".into()),
            format!("the Return-Path domain {} is not aligned with the From domain {from_org}: SPF passes for {}, not for you", rp.domain, rp.org.as_deref().unwrap_or(&rp.domain)),
            Some(format!("Set a custom bounce (MAIL FROM / Return-Path) domain on a subdomain of {from_org} in the ESP's domain authentication settings")),
        ));
    }
    let dkim: Vec<_> = rows.iter().filter(|r| r.role == DomainRole::Dkim).collect();
    if !dkim.is_empty() && !dkim.iter().any(|r| r.aligned == Some(true)) {
        let signers: Vec<String> = dkim.iter().map(|r| format!("d={}", r.domain)).collect();
        out.push(at_message(
            &LA403,
            LA403.severity,
            Some("header".into()),
            format!("no DKIM signature is aligned with the From domain {from_org} (signed by {})", signers.join(", ")),
            Some(format!("Authenticate {from_org} in the ESP (its DKIM CNAME or TXT records) so it signs with d={from_org} or a subdomain of it")),
        ));
    }
    for t in rows.iter().filter(|r| r.role == DomainRole::Tracking && r.aligned == Some(false)) {
        // Hosts on an ESP's shared domain already have LA201.
        let esp_default = ctx.links.iter().any(|l| {
            l.classified.host.as_deref() == Some(t.domain.as_str())
                && l.classified.class == crate::classify::Class::EspDefault
        });
        if esp_default {
            continue;
        }
        out.push(at_message(
            &LA403,
            LA403.severity,
            None,
            format!(
                "the tracking host {} is not on the From domain {from_org} ({} instead)",
                t.domain,
                t.org.as_deref().unwrap_or("unknown")
            ),
            Some(format!(
                "Use a tracking subdomain of {from_org} (for example track.{from_org}), CNAMEd to the ESP"
            )),
        ));
    }
    if let Some(auth) = ctx.authentication {
        for (name, verdict) in [("SPF", &auth.spf), ("DKIM", &auth.dkim), ("DMARC", &auth.dmarc)] {
            let Some(v) = verdict.as_deref() else { continue };
            if matches!(v, "fail" | "softfail" | "permerror" | "hardfail") {
                out.push(at_message(
                    &LA404,
                    LA404.severity,
                    Some("header".into()),
                    format!("{name} {v} according to {}", auth.source),
                    Some(match name {
                        "SPF" => "Add the ESP's sending servers to the SPF record of the Return-Path domain (usually an include: the ESP documents)".to_string(),
                        "DKIM" => "Check the DKIM records the ESP asks for (selector CNAMEs or TXT) and that the message was not altered in transit".to_string(),
                        _ => format!("DMARC needs SPF or DKIM to pass for a domain aligned with From ({from_org}): fix the LA403 findings first"),
                    }),
                ));
            }
        }
    }
}
