//! Rules LA2xx: the tracking domain — links and pixels on an ESP's shared domain, tracker-shaped
//! links on an unexpected host, the expected domain not used at all, an apex as the expected
//! domain, and ESP-hosted images and pages.

use std::collections::BTreeMap;

use super::{at_link, at_message, Context, LA201, LA202, LA203, LA204, LA205, LA210, LA211};
use crate::classify::{expect, Category, Class, HostRole, Role};
use crate::extract::Kind;
use crate::finding::{Finding, Severity};
use crate::model::AuditedLink;
use crate::text::codec::starts_with_ignore_case;

/// "click-tracked link in the text part", "open-tracking pixel", "Outlook-only VML button link" …
pub(crate) fn describe(link: &AuditedLink) -> String {
    let c = &link.classified;
    let what = match (c.role, link.raw.kind) {
        (Role::Open, _) => "open-tracking pixel",
        (Role::Unsubscribe, Kind::Header) => "List-Unsubscribe URL",
        (Role::Unsubscribe, _) => "unsubscribe link",
        (Role::Click, Kind::Vml) => "Outlook-only VML button link",
        (Role::Click, Kind::Form) => "form action",
        (Role::Click, _) if matches!(c.class, Class::Direct) => "link",
        (Role::Click, _) => "click-tracked link",
        (Role::Asset, Kind::Image | Kind::Srcset | Kind::Amp) => "image",
        (Role::Asset, Kind::Background | Kind::Css) => "background image",
        (Role::Asset, Kind::Link) => "linked resource",
        (Role::Asset, Kind::Script) => "script",
        (Role::Asset, Kind::Vml) => "Outlook-only VML image",
        (Role::Asset, _) => "resource",
    };
    let place = match link.raw.kind {
        Kind::Text => " in the text part",
        Kind::Amp => " in the AMP part",
        _ if link.raw.mso && link.raw.kind != Kind::Vml => " in an Outlook-only (MSO) block",
        _ => "",
    };
    format!("{what}{place}")
}

/// Does the URL's path end in an image file's extension (`/images/hero.png?w=600`)?
fn image_path(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Some((_, ext)) = path.rsplit_once('.') else { return false };
    ["png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "bmp", "ico", "tif", "tiff"]
        .iter()
        .any(|e| ext.eq_ignore_ascii_case(e))
}

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // One pass over the links for the per-link rules; LA202 without --expect gathers per host.
    let mut branded = Branded::new();
    for link in ctx.links.iter().filter(|l| judged_for_tracking(l)) {
        match link.classified.class {
            Class::EspDefault if shared_tracking(link) => la201(ctx, link, out),
            Class::EspDefault => la205(ctx, link, out),
            Class::EspCustom if link.classified.role != Role::Asset => la202(ctx, link, &mut branded, out),
            _ => {}
        }
    }
    la202_per_host(ctx, branded, out);
    la203(ctx, out);
    la204(ctx, out);
    la210(ctx, out);
    la211(ctx, out);
}

/// Branded tracking hosts without `--expect`: (host, ESP) → (links, the first one).
type Branded<'a> = BTreeMap<(String, usize), (usize, &'a AuditedLink)>;

/// Links the tracking-domain rules judge: a host, not the List-Unsubscribe header (LA401 judges
/// that), not `mailto:` (never tracked).
fn judged_for_tracking(link: &AuditedLink) -> bool {
    link.classified.host.is_some()
        && link.raw.kind != Kind::Header
        && !link.raw.url.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("mailto:"))
}

/// A click, open or unsubscribe link on an ESP's shared tracking host (not an asset).
fn shared_tracking(link: &AuditedLink) -> bool {
    link.classified.host_role == Some(HostRole::Tracking) && link.classified.role != Role::Asset
}

/// LA201 esp-default-tracking-domain: a tracked link or pixel on an ESP's shared tracking
/// domain. An email-analytics pixel (Litmus, Movable Ink) is on its vendor's domain by design: a
/// warning of its own.
fn la201(ctx: &Context<'_>, link: &AuditedLink, out: &mut Vec<Finding>) {
    let c = &link.classified;
    let (Some(host), Some(esp)) = (c.host.as_deref(), c.esp) else { return };
    let name = ctx.esp_name(esp);
    if ctx.catalog.esps[esp].category() == Category::Analytics {
        out.push(at_link(
            &LA201,
            Severity::Warning,
            link,
            format!("{} of {name} (email analytics) on its shared domain {host}", describe(link)),
            Some(format!("{name}'s pixel shares {host} with every sender that embeds it: use its custom tracking domain where {name} offers one, or keep it out of production sends")),
        ));
    } else {
        out.push(at_link(
            &LA201,
            LA201.severity,
            link,
            format!("{} on {name}'s shared tracking domain {host}", describe(link)),
            Some(ctx.activation_hint(esp)),
        ));
    }
}

/// LA205 esp-hosted-content: an image, page or unsubscribe page on an ESP's own domain.
fn la205(ctx: &Context<'_>, link: &AuditedLink, out: &mut Vec<Finding>) {
    let c = &link.classified;
    let (Some(host), Some(esp)) = (c.host.as_deref(), c.esp) else { return };
    let name = ctx.esp_name(esp);
    let what = match c.role {
        Role::Asset => describe(link),
        Role::Unsubscribe => "unsubscribe page".into(),
        // An image's URL written out (a text part has no <img>) is an image.
        _ if image_path(&link.raw.url) => match link.raw.kind {
            Kind::Text => "image URL in the text part".into(),
            _ => "link to an image".into(),
        },
        _ => "hosted page".into(),
    };
    out.push(at_link(
        &LA205,
        LA205.severity,
        link,
        format!("{what} on {name}'s domain {host}"),
        Some(format!(
            "Host images on your own domain or CDN, and use {name}'s branded content/tracking domain where it has one: {}",
            ctx.activation_hint(esp)
        )),
    ));
}

/// LA202 unexpected-tracking-domain: tracking through an ESP on a branded host that is not the
/// expected one — an error per link with `--expect`; without it, the link is counted for one note
/// per branded host ([`la202_per_host`]).
fn la202<'a>(ctx: &Context<'_>, link: &'a AuditedLink, branded: &mut Branded<'a>, out: &mut Vec<Finding>) {
    let c = &link.classified;
    let (Some(host), Some(esp)) = (c.host.as_deref(), c.esp) else { return };
    let expected = &ctx.opts.expect;
    if expected.is_empty() {
        branded.entry((host.to_string(), esp)).or_insert((0, link)).0 += 1;
        return;
    }
    let name = ctx.esp_name(esp);
    out.push(at_link(
        &LA202,
        LA202.severity,
        link,
        format!(
            "{} tracked through {name} on {host}, not on the expected {}",
            describe(link),
            expected.join(" or ")
        ),
        Some(format!(
            "If {host} is yours too, add it with --expect; otherwise make {} the {name} tracking domain: {}",
            ctx.expected_or_placeholder(),
            ctx.activation_hint(esp)
        )),
    ));
}

/// LA202 without `--expect`: one note per branded host saying how to check it.
fn la202_per_host(ctx: &Context<'_>, branded: Branded<'_>, out: &mut Vec<Finding>) {
    for ((host, esp), (count, first)) in branded {
        let name = ctx.esp_name(esp);
        let what = if count == 1 {
            "1 tracked link or pixel uses".to_string()
        } else {
            format!("{count} tracked links and pixels use")
        };
        out.push(at_link(
            &LA202,
            Severity::Info,
            first,
            format!("{what} the branded domain {host} ({name})"),
            Some(format!("If {host} is your tracking domain, run with --expect {host} to check that every link and pixel uses it")),
        ));
    }
}

/// LA203 expected-tracking-domain-unused: `--expect` is given and no link or pixel uses it.
fn la203(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let expected = &ctx.opts.expect;
    let no_body = ctx.parsed.problems.contains(&crate::message::Problem::NoBody);
    if expected.is_empty() || no_body || ctx.links.iter().any(|l| l.classified.class == Class::Expected) {
        return;
    }
    let mut elsewhere: Vec<String> = Vec::new();
    for l in ctx.links {
        let c = &l.classified;
        let analytics = c.esp.is_some_and(|e| ctx.catalog.esps[e].category() == Category::Analytics);
        if matches!(c.class, Class::EspDefault | Class::EspCustom | Class::UnknownTracker)
            && c.role != Role::Asset
            && !analytics
        {
            let who = match c.esp {
                Some(e) => ctx.esp_name(e),
                None => "unknown tracker",
            };
            if let Some(h) = &c.host {
                let s = format!("{h} ({who})");
                if !elsewhere.contains(&s) {
                    elsewhere.push(s);
                }
            }
        }
    }
    let message = if elsewhere.is_empty() {
        format!(
            "no link or pixel uses the expected tracking domain {}; no tracked link was found at all",
            expected.join(" or ")
        )
    } else {
        format!(
            "no link or pixel uses the expected tracking domain {}; tracked links use {}",
            expected.join(" or "),
            elsewhere.join(", ")
        )
    };
    let esp = ctx
        .links
        .iter()
        .find_map(|l| {
            let c = &l.classified;
            matches!(c.class, Class::EspDefault | Class::EspCustom).then_some(c.esp).flatten()
        })
        .or_else(|| ctx.sending_esp());
    let sent = ctx
        .sending_esp()
        .map(|e| format!("This message was sent through {}. ", ctx.esp_name(e)))
        .unwrap_or_default();
    let hint = match esp {
        Some(e) => format!(
            "{sent}The branded tracking domain is not active for this message: {}. Then send a new test",
            ctx.activation_hint(e)
        ),
        None => "Check that click tracking is on and the branded tracking domain is active for this sending domain, then send a new test".into(),
    };
    out.push(at_message(&LA203, LA203.severity, None, message, Some(hint)));
}

/// LA204 expected-domain-is-apex: the expected tracking domain is a registrable apex, not a
/// subdomain.
fn la204(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for e in &ctx.opts.expect {
        if expect::is_apex(e) {
            out.push(at_message(
                &LA204,
                LA204.severity,
                None,
                format!("the expected tracking domain {e} is a registrable apex domain, not a subdomain"),
                Some(format!(
                    "Use a dedicated subdomain such as track.{e}: a CNAME cannot sit at the apex next to MX and SPF records, and tracking on the apex ties the ESP's redirects to your main domain's reputation. To accept every subdomain of {e}, pass --expect '*.{e}'"
                )),
            ));
        }
    }
}

/// LA211 unknown-tracking-host: click, open or unsubscribe tracking on a host the catalog does
/// not know. With
/// `--expect`, an error per link (it is not on the expected domain, and nobody knows whose it
/// is); without, a warning per host.
fn la211(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let expected = &ctx.opts.expect;
    let mut per_host: Vec<(&str, usize, &AuditedLink)> = Vec::new();
    for l in ctx.links {
        let c = &l.classified;
        if c.class != Class::UnknownTracker || c.role == Role::Asset {
            continue;
        }
        let Some(host) = c.host.as_deref() else { continue };
        if expected.is_empty() {
            match per_host.iter_mut().find(|(h, _, _)| *h == host) {
                Some((_, n, _)) => *n += 1,
                None => per_host.push((host, 1, l)),
            }
            continue;
        }
        out.push(at_link(
            &LA211,
            LA211.severity,
            l,
            format!(
                "{} on {host}, a tracking host linkaudit does not know, not on the expected {}",
                describe(l),
                expected.join(" or ")
            ),
            Some(teach(ctx, host)),
        ));
    }
    for (host, n, first) in per_host {
        let what = if n == 1 {
            "1 tracked link or pixel uses".to_string()
        } else {
            format!("{n} tracked links and pixels use")
        };
        out.push(at_link(
            &LA211,
            Severity::Warning,
            first,
            format!("{what} {host}, a tracking host linkaudit does not know"),
            Some(teach(ctx, host)),
        ));
    }
}

/// How to teach linkaudit an unknown tracking host.
fn teach(ctx: &Context<'_>, host: &str) -> String {
    let expect = if ctx.opts.expect.is_empty() { "run with" } else { "add" };
    format!(
        "If {host} is your own tracking domain, {expect} --expect {host}. If it belongs to an ESP or tracking service, teach linkaudit in linkaudit.toml: [[esp]] name = \"…\", tracking_hosts = [\"{host}\"] (and see `linkaudit explain URL`)"
    )
}

/// LA210 untracked-link: with tracking active, click links that were not rewritten at all.
fn la210(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if ctx.opts.expect.is_empty() || !ctx.links.iter().any(|l| l.classified.class != Class::Direct) {
        return;
    }
    let mut hosts: Vec<(String, usize)> = Vec::new();
    let mut first: Option<&AuditedLink> = None;
    for l in ctx.links {
        let c = &l.classified;
        let clickable = matches!(l.raw.kind, Kind::Anchor | Kind::Area | Kind::Vml | Kind::Amp | Kind::Text);
        if c.class != Class::Direct
            || c.third_party.is_some()
            || c.role != Role::Click
            || !clickable
            || starts_with_ignore_case(&l.raw.url, "mailto:")
        {
            continue;
        }
        let Some(host) = c.host.clone() else { continue };
        if ctx.opts.rules.allowed_host(&host) {
            continue;
        }
        first.get_or_insert(l);
        match hosts.iter_mut().find(|(h, _)| **h == *host) {
            Some((_, n)) => *n += 1,
            None => hosts.push((host.to_string(), 1)),
        }
    }
    let Some(first) = first else { return };
    let total: usize = hosts.iter().map(|(_, n)| n).sum();
    let list: Vec<String> = hosts.iter().take(8).map(|(h, n)| format!("{h} ({n})")).collect();
    out.push(at_link(
        &LA210,
        LA210.severity,
        first,
        format!(
            "{total} click link{} not tracked: {}{}",
            if total == 1 { " is" } else { "s are" },
            list.join(", "),
            if hosts.len() > 8 { ", …" } else { "" }
        ),
        Some("If these links are meant to be direct, list their hosts under allow-hosts in linkaudit.toml; otherwise check why the ESP did not rewrite them (click tracking off for the template or link)".into()),
    ));
}
