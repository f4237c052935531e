//! CLI: `linkaudit catalog [QUERY]` (the services linkaudit knows) and `linkaudit explain
//! URL|HOST` (how one link is judged).

use std::fmt::Write;

use linkaudit::classify::catalog::{Catalog, Esp};
use linkaudit::report::sanitize::terminal;

use super::args::{CatalogArgs, CommonArgs, ExplainArgs, LimitArgs, RulesFormat};
use super::output::{emit, Exit};
use super::settings::{load_config, options};

/// Does `esp` answer `query`: a word of its name, aliases, hosts, CNAME targets or category, or
/// the owner of a host or URL?
fn matches(catalog: &Catalog, id: usize, esp: &Esp, query: &str) -> bool {
    let q = query.trim().to_ascii_lowercase();
    if q.is_empty() {
        return true;
    }
    let e = &esp.entry;
    let text = std::iter::once(&e.name)
        .chain(&e.aliases)
        .chain(&e.tracking_hosts)
        .chain(&e.content_hosts)
        .chain(&e.vendor_hosts)
        .chain(&e.cname_targets);
    if text.into_iter().any(|t| t.to_ascii_lowercase().contains(&q)) || esp.category().as_str() == q {
        return true;
    }
    // A URL or host: the entry that owns it.
    let host =
        linkaudit::classify::host_of(&q).or_else(|| linkaudit::classify::host_of(&format!("https://{q}/")));
    host.is_some_and(|h| catalog.explain_host(&h, "/").is_some_and(|m| m.esp == id))
}

fn list(items: &[String]) -> String {
    items.iter().map(|s| terminal(s)).collect::<Vec<_>>().join(", ")
}

pub fn catalog(args: &CatalogArgs) -> Exit {
    let common =
        CommonArgs { config: args.config.clone(), no_config: args.no_config, ..CommonArgs::default() };
    let opts = match load_config(&common).and_then(|c| options(&common, &LimitArgs::default(), &c)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("linkaudit: error: {e}");
            return Exit::Error;
        }
    };
    let catalog = opts.catalog();
    if let Some(c) = &args.category {
        if !linkaudit::classify::Category::ALL.iter().any(|k| k.as_str().eq_ignore_ascii_case(c)) {
            eprintln!("linkaudit: error: unknown category {c:?} (esp, transactional, sales, platform, analytics, adtech)");
            return Exit::Error;
        }
    }
    let found: Vec<(usize, &Esp)> = catalog
        .esps
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            args.category.as_deref().is_none_or(|c| e.category().as_str().eq_ignore_ascii_case(c))
        })
        .filter(|(id, e)| args.query.as_deref().is_none_or(|q| matches(catalog, *id, e, q)))
        .collect();
    let text = match args.format {
        RulesFormat::Json => {
            let items: Vec<serde_json::Value> = found
                .iter()
                .map(|(_, e)| {
                    let mut v = serde_json::to_value(&e.entry).unwrap_or_default();
                    if let Some(o) = v.as_object_mut() {
                        o.insert("category".into(), e.category().as_str().into());
                    }
                    v
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&items).unwrap_or_default();
            s.push('\n');
            s
        }
        RulesFormat::Text if found.len() == 1 => detail(found[0].1),
        RulesFormat::Text => {
            let mut s = String::new();
            for (_, e) in &found {
                let en = &e.entry;
                let hosts: Vec<String> =
                    en.tracking_hosts.iter().chain(&en.content_hosts).take(3).cloned().collect();
                let more = en.tracking_hosts.len() + en.content_hosts.len() > 3;
                let _ = writeln!(
                    s,
                    "{:<28} {:<13} {}{}",
                    terminal(e.name()),
                    e.category().as_str(),
                    list(&hosts),
                    if more { ", …" } else { "" }
                );
            }
            let _ = writeln!(s, "{} of {} services", found.len(), catalog.esps.len());
            s
        }
    };
    if found.is_empty() && args.format == RulesFormat::Text {
        eprintln!("linkaudit: no service matches (try a name, a host or a URL)");
        return Exit::Findings;
    }
    emit(&text, None).unwrap_or(Exit::Clean)
}

/// Everything the catalog knows of one service.
fn detail(e: &Esp) -> String {
    let en = &e.entry;
    let mut s = format!("{} ({})\n", terminal(e.name()), e.category().as_str());
    let mut field = |label: &str, items: &[String]| {
        if !items.is_empty() {
            let _ = writeln!(s, "  {label:<18} {}", list(items));
        }
    };
    field("also known as", &en.aliases);
    field("tracking hosts", &en.tracking_hosts);
    field("content hosts", &en.content_hosts);
    field("vendor domains", &en.vendor_hosts);
    field("host patterns", &[en.tracking_patterns.clone(), en.content_patterns.clone()].concat());
    field("click shapes", &en.click);
    field("open shapes", &en.open);
    field("unsubscribe shapes", &en.unsubscribe);
    field("asset shapes", &en.asset);
    field("CNAME targets", &en.cname_targets);
    let evidence: Vec<String> = en
        .evidence
        .iter()
        .map(|ev| match &ev.pattern {
            Some(p) => format!("{}: {p}", ev.header),
            None => ev.header.clone(),
        })
        .collect();
    field("header evidence", &evidence);
    field("examples", &en.examples);
    for (label, v) in [("custom domain", &en.activate), ("CNAME", &en.cname), ("HTTPS", &en.https)] {
        if let Some(v) = v {
            let _ = writeln!(s, "  {label:<18} {}", terminal(v));
        }
    }
    if !en.custom_domain {
        let _ = writeln!(s, "  {:<18} none: links stay on the shared domain", "custom domain");
    }
    if en.self_hosted {
        let _ = writeln!(
            s,
            "  {:<18} installed by the sender; shapes match under a sub-folder too",
            "self-hosted"
        );
    }
    let _ = writeln!(s, "  sources:");
    for src in &en.sources {
        let _ = writeln!(s, "    {}", terminal(src));
    }
    s
}

pub fn explain(args: &ExplainArgs) -> Exit {
    let opts = match load_config(&args.common).and_then(|c| options(&args.common, &LimitArgs::default(), &c))
    {
        Ok(o) => o,
        Err(e) => {
            eprintln!("linkaudit: error: {e}");
            return Exit::Error;
        }
    };
    let e = linkaudit::explain::explain(&args.target, &opts);
    let text = match args.format {
        RulesFormat::Json => {
            let mut s = linkaudit::report::json::to_string_pretty(&e).unwrap_or_default();
            s.push('\n');
            s
        }
        RulesFormat::Text => {
            let mut s = String::new();
            let _ = writeln!(s, "{}", terminal(&e.url));
            for step in &e.steps {
                let _ = writeln!(s, "  · {}", terminal(step));
            }
            let who =
                e.esp.as_deref().or(e.tracker.as_deref()).map(|n| format!(" ({n})")).unwrap_or_default();
            let _ = writeln!(s, "class: {}{who}, role: {}", e.class.as_str(), e.role.as_str());
            match (&e.destination, &e.note) {
                (Some(d), _) => {
                    let _ = writeln!(s, "destination: {}", terminal(d));
                }
                (None, Some(n)) => {
                    let _ = writeln!(s, "destination: unknown — {}", terminal(n));
                }
                _ => {}
            }
            for (i, m) in e.matches.iter().enumerate() {
                let _ =
                    writeln!(s, "{} ({}): {} {}", m.name, m.category.as_str(), m.matched, terminal(&m.rule));
                // An entry's sources once, after its last match.
                if e.matches[i + 1..].iter().all(|n| n.name != m.name) {
                    for src in &m.sources {
                        let _ = writeln!(s, "  source: {}", terminal(src));
                    }
                }
            }
            s
        }
    };
    emit(&text, None).unwrap_or(Exit::Clean)
}
