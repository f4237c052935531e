//! CLI: the run's settings — the config file discovered (or named) and merged with the flags into
//! the audit's options, and the failure threshold. Every command (audit, watch, domain, catalog)
//! takes its settings from here.

use std::sync::Arc;

use linkaudit::{Limits, Options, Severity};

use super::args::{CommonArgs, FailOn, LimitArgs};
use super::config::{self, Config};

/// The failure threshold: the flag, else the config's, else error.
pub(crate) fn threshold(flag: Option<FailOn>, config: Option<FailOn>) -> Option<Severity> {
    match flag.or(config).unwrap_or(FailOn::Error) {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

/// The config's fail-on value.
pub(crate) fn config_fail_on(config: &Config) -> Option<FailOn> {
    match config.fail_on.as_deref() {
        Some("error") => Some(FailOn::Error),
        Some("warning") => Some(FailOn::Warning),
        Some("info") => Some(FailOn::Info),
        Some("never") => Some(FailOn::Never),
        _ => None,
    }
}

pub(crate) fn load_config(args: &CommonArgs) -> Result<Config, String> {
    if args.no_config {
        if args.verbose {
            eprintln!("linkaudit: config: none (--no-config)");
        }
        return Ok(Config::default());
    }
    let here = std::env::current_dir().ok();
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => here.as_deref().and_then(config::discover),
    };
    match path {
        Some(p) => {
            if args.verbose {
                let shown = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
                eprintln!("linkaudit: config: {}", shown.display());
            }
            config::load(&p)
        }
        None => {
            if args.verbose {
                let from = here.map_or_else(|| "here".to_string(), |d| d.display().to_string());
                eprintln!("linkaudit: config: none (no linkaudit.toml in {from} or a folder above it)");
            }
            Ok(Config::default())
        }
    }
}

/// The audit's options from the flags and the config; `limits` are the `--max-*` flags (absent
/// for `linkaudit domain`, which audits no message).
pub(crate) fn options(args: &CommonArgs, limits: &LimitArgs, config: &Config) -> Result<Options, String> {
    let (expect, what): (Vec<&str>, &str) = if args.expect.is_empty() {
        (config.expect.iter().map(String::as_str).collect(), "expect in linkaudit.toml:")
    } else {
        (args.expect.iter().flat_map(|e| e.split(',')).collect(), "--expect")
    };
    let mut opts = Options::default();
    if !config.esp.is_empty() {
        opts.catalog = Some(Arc::new(linkaudit::classify::Catalog::with_extra(&config.esp)?));
    }
    for raw in expect {
        let checked = linkaudit::options::check_expect(raw, what, opts.catalog())?;
        if let Some(note) = checked.note.filter(|_| !args.quiet) {
            eprintln!("linkaudit: note: {note}");
        }
        if !opts.expect.contains(&checked.host) {
            opts.expect.push(checked.host);
        }
    }
    let d = Limits::default();
    let l = &config.limits;
    let mib = |m: usize| m.saturating_mul(1024 * 1024);
    opts.limits = Limits {
        max_input_bytes: limits.max_input_mb.or(l.max_input_mb).map_or(d.max_input_bytes, mib),
        max_depth: limits.max_depth.or(l.max_depth).unwrap_or(d.max_depth),
        max_parts: limits.max_parts.or(l.max_parts).unwrap_or(d.max_parts),
        max_header_fields: limits.max_header_fields.or(l.max_header_fields).unwrap_or(d.max_header_fields),
        max_part_bytes: limits.max_part_mb.or(l.max_part_mb).map_or(d.max_part_bytes, mib),
        max_links: limits.max_links.or(l.max_links).unwrap_or(d.max_links),
        max_unwrap_depth: limits.max_unwrap_depth.or(l.max_unwrap_depth).unwrap_or(d.max_unwrap_depth),
    };
    opts.rules.select = if args.select.is_empty() { config.select.clone() } else { args.select.clone() };
    opts.rules.ignore = config.ignore.iter().chain(&args.ignore).cloned().collect();
    for s in opts.rules.select.iter().chain(&opts.rules.ignore) {
        let known = linkaudit::rules::RULES.iter().any(|r| {
            r.name.eq_ignore_ascii_case(s)
                || (s.len() <= r.code.len() && r.code[..s.len()].eq_ignore_ascii_case(s))
        });
        if !known {
            return Err(format!("{s:?} matches no rule code, prefix or name (see `linkaudit rules`)"));
        }
    }
    opts.rules.severity = config.severity.clone();
    opts.rules.allow_hosts =
        config.allow_hosts.iter().map(|h| linkaudit::options::normalise_expect(h)).collect();
    Ok(opts)
}
