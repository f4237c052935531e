//! Rules LA206–LA209: set-up mistakes the custom-tracking-domain guides warn about — two
//! ESPs behind one tracking host, a branded domain only partly activated, a tracking host on the
//! apex or the From domain itself, and an open pixel on another domain than the clicks.

use std::collections::BTreeMap;

use super::{at_link, at_message, Context, LA206, LA207, LA208, LA209};
use crate::classify::{domain, Class, EspId, HostRole, Role, Shape};
use crate::extract::Kind;
use crate::finding::Finding;
use crate::model::AuditedLink;

/// A tracker-shaped link on a host the sender controls (expected or branded): its ESP by shape.
fn branded_esp(l: &AuditedLink) -> Option<EspId> {
    let c = &l.classified;
    if !matches!(c.class, Class::Expected | Class::EspCustom) || c.role == Role::Asset {
        return None;
    }
    matches!(c.shape, Some(Shape::Click | Shape::Open | Shape::Unsubscribe)).then_some(c.esp).flatten()
}

/// A tracked link on an ESP's shared tracking host.
fn on_shared_host(l: &AuditedLink) -> bool {
    let c = &l.classified;
    c.class == Class::EspDefault && c.host_role == Some(HostRole::Tracking) && c.role != Role::Asset
}

/// Where in the message a link sits, in the words a marketer uses.
pub(crate) fn place(l: &AuditedLink) -> String {
    // Sections of an attached message/rfc822 have a dot, and so have its headers ("2.header").
    let nested = l.raw.part.contains('.') && l.raw.kind != Kind::Header || l.raw.part.ends_with(".header");
    let p = match (l.raw.kind, l.classified.role) {
        (Kind::Header, _) => "the List-Unsubscribe header".to_string(),
        (Kind::Text, _) => format!("the text part (part {})", l.raw.part),
        (Kind::Amp, _) => format!("the AMP part (part {})", l.raw.part),
        (Kind::Vml, _) => "the Outlook-only VML button".to_string(),
        (_, Role::Open) => "the open pixel".to_string(),
        (_, Role::Unsubscribe) => "the footer's unsubscribe link".to_string(),
        _ if l.raw.mso => "the Outlook-only (MSO) block".to_string(),
        _ => format!("the HTML part (part {})", l.raw.part),
    };
    if nested {
        format!("{p} of the attached message")
    } else {
        p
    }
}

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    two_esps_on_one_host(ctx, out);
    partial_activation(ctx, out);
    apex_or_from_host(ctx, out);
    pixel_domain(ctx, out);
}

/// LA206: one CNAME can point to one ESP only.
fn two_esps_on_one_host(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut by_host: BTreeMap<&str, Vec<(EspId, &AuditedLink)>> = BTreeMap::new();
    for l in ctx.links {
        if let (Some(esp), Some(host)) = (branded_esp(l), l.classified.host.as_deref()) {
            let list = by_host.entry(host).or_default();
            if !list.iter().any(|(e, _)| *e == esp) {
                list.push((esp, l));
            }
        }
    }
    for (host, esps) in by_host.into_iter().filter(|(_, e)| e.len() > 1) {
        let names: Vec<&str> = esps.iter().map(|(e, _)| ctx.esp_name(*e)).collect();
        let (_, second) = esps[1];
        out.push(at_link(
            &LA206,
            LA206.severity,
            second,
            format!("the tracking host {host} carries links of two ESPs ({}): its CNAME can point to only one of them", names.join(" and ")),
            Some(two_esps_hint(host, &names)),
        ));
    }
}

pub(crate) fn two_esps_hint(host: &str, names: &[&str]) -> String {
    let base = domain::registrable(host).unwrap_or(host);
    format!(
        "Give each ESP its own tracking subdomain, e.g. track-tx.{base} → {} and track-mkt.{base} → {}, and set each one in its ESP",
        names.first().copied().unwrap_or("the first ESP"),
        names.get(1).copied().unwrap_or("the second ESP")
    )
}

/// LA207: the branded domain works for some links of an ESP, not for others.
fn partial_activation(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut esps: Vec<EspId> = Vec::new();
    for l in ctx.links {
        if let Some(e) = branded_esp(l) {
            if !esps.contains(&e) {
                esps.push(e);
            }
        }
    }
    for esp in esps {
        let branded_hosts: Vec<&str> = dedup(
            ctx.links
                .iter()
                .filter(|l| branded_esp(l) == Some(esp))
                .filter_map(|l| l.classified.host.as_deref()),
        );
        let left: Vec<&AuditedLink> =
            ctx.links.iter().filter(|l| on_shared_host(l) && l.classified.esp == Some(esp)).collect();
        if left.is_empty() {
            continue;
        }
        let shared: Vec<&str> = dedup(left.iter().filter_map(|l| l.classified.host.as_deref()));
        let mut places: Vec<(String, usize)> = Vec::new();
        for l in &left {
            let p = place(l);
            match places.iter_mut().find(|(q, _)| *q == p) {
                Some((_, n)) => *n += 1,
                None => places.push((p, 1)),
            }
        }
        places.sort_by_key(|p| std::cmp::Reverse(p.1));
        let where_: Vec<String> = places.iter().map(|(p, n)| format!("{n} in {p}")).collect();
        let name = ctx.esp_name(esp);
        out.push(at_message(
            &LA207,
            LA207.severity,
            None,
            format!(
                "{name} tracking is branded on {} but {} link{} still use{} the shared domain {}: {}",
                branded_hosts.join(", "),
                left.len(),
                if left.len() == 1 { "" } else { "s" },
                if left.len() == 1 { "s" } else { "" },
                shared.join(", "),
                where_.join(", ")
            ),
            Some(format!(
                "Those parts bypass the branded domain: make it the default for this sending domain in {name} ({}), fix the templates of the parts named, and send a new test",
                ctx.activation_hint(esp)
            )),
        ));
    }
}

fn dedup<'a>(it: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = Vec::new();
    for s in it {
        if !v.contains(&s) {
            v.push(s);
        }
    }
    v
}

/// LA208: a tracking host on the bare apex, or the From host itself.
fn apex_or_from_host(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let from_host = ctx
        .parsed
        .from_address
        .as_deref()
        .and_then(|a| a.rsplit('@').next())
        .map(|d| d.trim_end_matches('.').to_ascii_lowercase());
    let mut seen: Vec<&str> = Vec::new();
    for l in ctx.links {
        let (Some(_), Some(host)) = (branded_esp(l), l.classified.host.as_deref()) else { continue };
        if seen.contains(&host) {
            continue;
        }
        seen.push(host);
        let why = if domain::is_apex(host) {
            Some(format!("the tracking host {host} is the bare apex domain"))
        } else if from_host.as_deref() == Some(host) {
            Some(format!("the tracking host {host} is the From address's own domain"))
        } else {
            None
        };
        if let Some(message) = why {
            let base = domain::registrable(host).unwrap_or(host);
            out.push(at_link(
                &LA208,
                LA208.severity,
                l,
                message,
                Some(format!(
                    "Use a dedicated subdomain such as track.{base}: the apex and the sending domain carry MX, SPF and DMARC records and cannot also be a CNAME to the ESP (check with `dig +short CNAME`)"
                )),
            ));
        }
    }
}

/// LA209: an open pixel on another organisation's domain than the click tracking.
fn pixel_domain(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let tracked = |l: &&AuditedLink| l.classified.class != Class::Direct;
    let click_hosts: Vec<&str> = dedup(
        ctx.links
            .iter()
            .filter(tracked)
            .filter(|l| l.classified.role == Role::Click && l.raw.kind != Kind::Header)
            .filter_map(|l| l.classified.host.as_deref()),
    );
    let click_orgs: Vec<&str> = dedup(click_hosts.into_iter().filter_map(domain::registrable));
    if click_orgs.is_empty() {
        return;
    }
    for l in ctx.links.iter().filter(tracked).filter(|l| l.classified.role == Role::Open) {
        if l.classified.class == Class::EspDefault {
            continue; // LA201 already says it
        }
        let Some(host) = l.classified.host.as_deref() else { continue };
        let Some(org) = domain::registrable(host) else { continue };
        if !click_orgs.contains(&org) {
            out.push(at_link(
                &LA209,
                LA209.severity,
                l,
                format!("the open pixel is on {host}, while click tracking uses {}", click_orgs.join(", ")),
                Some("Set the custom open-tracking domain too (several ESPs configure opens apart from clicks), so pixel and links share your tracking domain".into()),
            ));
        }
    }
}
