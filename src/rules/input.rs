//! Rules LA0xx: what could not be read — undecodable parts, no body, limits reached.

use super::{at_link, at_message, Context, LA002, LA003, LA004};
use crate::finding::{Finding, Severity};
use crate::message::Problem;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for p in &ctx.parsed.problems {
        match p {
            Problem::BrokenEncoding { path, content_type } => out.push(at_message(
                &LA002,
                LA002.severity,
                Some(path.clone()),
                format!("part {path} ({content_type}) has a broken transfer encoding; it was read as far as possible"),
                Some("Re-export the message source (\"Download original\"); a truncated or hand-edited copy loses links".into()),
            )),
            Problem::UnknownCharset { path, charset } => out.push(at_message(
                &LA002,
                LA002.severity,
                Some(path.clone()),
                format!("part {path} declares the unknown charset {charset:?}; it was read as UTF-8"),
                Some("Send with charset=utf-8; non-ASCII characters in links of this part may be wrong".into()),
            )),
            Problem::InvalidBytes { path, count } => out.push(at_message(
                &LA002,
                LA002.severity,
                Some(path.clone()),
                format!("{count} character(s) in part {path} are invalid in its declared charset and were replaced"),
                Some("Check the part's charset declaration; links with non-ASCII characters may be wrong".into()),
            )),
            Problem::UnreadableNestedMessage { path } => out.push(at_message(
                &LA002,
                LA002.severity,
                Some(path.clone()),
                format!("the attached message in part {path} could not be parsed; its links were not audited"),
                Some("Audit the forwarded test send on its own (save it as .eml)".into()),
            )),
            Problem::LimitReached { limit, value, path } => {
                let at = path.as_deref().map(|p| format!(" in part {p}")).unwrap_or_default();
                out.push(at_message(
                    &LA004,
                    LA004.severity,
                    path.clone(),
                    format!("the {limit} limit ({value}) was reached{at}; what lies beyond it was not audited"),
                    Some("If the message is genuine, raise the limit (see `linkaudit --help`)".into()),
                ));
            }
            Problem::UnreadableMsgProperty { property, why } => out.push(at_message(
                &LA002,
                LA002.severity,
                None,
                format!("the Outlook .msg's {property} could not be read ({why}); links only it holds were not audited"),
                Some("Save the message as .eml from Outlook (File → Save As) and audit that".into()),
            )),
            Problem::NoBody => out.push(at_message(
                &LA003,
                LA003.severity,
                None,
                "the message has no text, HTML or AMP body: there is nothing to audit but its headers".into(),
                Some("Audit the full message source of a test send, not a headers-only copy".into()),
            )),
        }
    }
    for (path, error) in &ctx.extracted.html_errors {
        out.push(at_message(
            &LA002,
            LA002.severity,
            Some(path.clone()),
            format!("part {path}: {error}"),
            None,
        ));
    }
    for link in ctx.links.iter().filter(|l| l.unwrapped.depth_limited) {
        out.push(at_link(
            &LA004,
            Severity::Warning,
            link,
            format!(
                "the link is wrapped in more than {} redirect layers; unwrapping stopped there",
                ctx.opts.limits.max_unwrap_depth
            ),
            Some("A chain this deep is unusual: check the template for a link wrapped repeatedly".into()),
        ));
    }
}
