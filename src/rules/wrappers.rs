//! Rules LA3xx: redirect wrappers — links whose destination a security gateway hides.

use std::collections::BTreeMap;

use super::{at_link, Context, LA301};
use crate::finding::Finding;
use crate::model::AuditedLink;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut hidden: BTreeMap<&str, (usize, &AuditedLink)> = BTreeMap::new();
    for link in ctx.links {
        if link.unwrapped.first_non_gateway.is_none() {
            let name = link.unwrapped.gateway.unwrap_or("a security gateway");
            hidden.entry(name).or_insert((0, link)).0 += 1;
        }
    }
    for (gateway, (count, first)) in hidden {
        let what = if count == 1 { "1 link is".to_string() } else { format!("{count} links are") };
        out.push(at_link(
            &LA301,
            LA301.severity,
            first,
            format!("{what} rewritten by {gateway}, which hides the destination: the tracking domain underneath cannot be checked offline"),
            Some("Audit a copy of the test send from a mailbox without URL rewriting (or the ESP's own test send), before the gateway touches it".into()),
        ));
    }
}
