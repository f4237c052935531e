//! Rules LA1xx: plain `http:` — on a tracking link or pixel (error), on a direct link, an image
//! or a destination (warning).

use super::{at_link, Context, LA101, LA102};
use crate::classify::{Class, Role};
use crate::finding::Finding;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for link in ctx.links {
        let c = &link.classified;
        let tracked = matches!(c.class, Class::Expected | Class::EspDefault | Class::EspCustom)
            && c.role != Role::Asset;
        let host = c.host.as_deref().unwrap_or("?");
        if c.insecure && tracked {
            let esp = c.esp.map(|e| format!(" ({})", ctx.esp_name(e))).unwrap_or_default();
            let how = c
                .esp
                .and_then(|e| ctx.catalog.esps[e].entry.https.clone())
                .unwrap_or_else(|| "Turn on HTTPS for the tracking domain in the ESP (some ESPs need a CDN with a certificate in front of it)".into());
            out.push(at_link(
                &LA101,
                LA101.severity,
                link,
                format!("{} on {host}{esp} uses plain http", super::tracking::describe(link)),
                Some(format!("{how}; then send a new test. http tracking links are flagged as not secure and can be altered in transit")),
            ));
        } else if c.insecure {
            out.push(at_link(
                &LA102,
                LA102.severity,
                link,
                format!("{} to {host} uses plain http", super::tracking::describe(link)),
                Some("Use the https:// form of this URL".into()),
            ));
        }
        // A destination behind a tracker, decoded offline.
        if c.judged < link.unwrapped.hops.len() {
            if let Some(dest) = c
                .destination
                .as_deref()
                .filter(|d| d.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("http://")))
            {
                out.push(at_link(
                    &LA102,
                    LA102.severity,
                    link,
                    format!("the link's destination {dest} uses plain http"),
                    Some("Link to the https:// form of the destination".into()),
                ));
            }
        }
    }
}
