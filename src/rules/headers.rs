//! Rules LA4xx: headers — List-Unsubscribe on the ESP's shared domain, one-click unsubscribe
//! (RFC 8058) missing.

use super::{at_link, Context, LA401, LA402};
use crate::classify::Class;
use crate::extract::Kind;
use crate::finding::Finding;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for link in ctx.links.iter().filter(|l| l.raw.kind == Kind::Header && is_web(&l.raw.url)) {
        let c = &link.classified;
        if c.class == Class::EspDefault {
            let esp = c.esp.unwrap_or(0);
            let name = ctx.esp_name(esp);
            out.push(at_link(
                &LA401,
                LA401.severity,
                link,
                format!("List-Unsubscribe URL on {name}'s shared domain {}", c.host.as_deref().unwrap_or("?")),
                Some(format!(
                    "Where the ESP puts unsubscribe URLs on the tracking host (SendGrid, Mailjet, Elastic Email, SFMC), they move to your domain once the branded tracking domain is active: {}",
                    ctx.activation_hint(esp)
                )),
            ));
        }
    }
    let top_level_https = ctx.links.iter().find(|l| {
        l.raw.kind == Kind::Header
            && &*l.raw.part == "header"
            && l.raw.url.get(..8).is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    });
    if let Some(link) = top_level_https {
        if !ctx.extracted.list_unsubscribe_post {
            out.push(at_link(
                &LA402,
                LA402.severity,
                link,
                "List-Unsubscribe has an https URL but there is no List-Unsubscribe-Post header".into(),
                Some("Add `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058) and accept a POST at that URL: Gmail and Yahoo require one-click unsubscribe from bulk senders".into()),
            ));
        }
    }
}

fn is_web(url: &str) -> bool {
    crate::text::codec::is_web_url(url)
}
