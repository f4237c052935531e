//! CLI: `linkaudit domain` and `--check-dns` — which hosts to check, with which expectations
//! (the ESPs, From domains and DKIM selectors the messages show), and the report.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::time::Duration;

use linkaudit::classify::alignment::DomainRole;
use linkaudit::classify::{Catalog, Class, Role};
use linkaudit::domain::{self, DomainOptions, DomainReport};
use linkaudit::report::{self, MessageReport, Report};
use linkaudit::{Options, Severity};

use super::args::{DomainArgs, Format, LimitArgs, NetArgs};
use super::output::{Exit, Writer};
use super::settings::{config_fail_on, load_config, options, threshold};

/// What the messages expect of one tracking host.
#[derive(Debug, Default)]
pub struct Target {
    esps: BTreeSet<String>,
    from: Option<String>,
    dkim: BTreeSet<(String, String)>,
}

/// The tracking hosts of a run, collected message by message (`--check-dns`).
#[derive(Debug, Default)]
pub struct Targets(BTreeMap<String, Target>);

impl Targets {
    /// Hosts given with `--expect` (wildcards cannot be looked up).
    pub fn expected(expect: &[String]) -> Targets {
        let mut t = Targets::default();
        for e in expect.iter().filter(|e| !e.starts_with("*.")) {
            t.0.entry(e.clone()).or_default();
        }
        t
    }

    /// The sender's own tracking hosts in a message (expected or branded), with its ESPs, From
    /// domain and DKIM selectors. A host gets the ESPs only of the messages that use it: two
    /// messages through two ESPs on two hosts are no "one host, two ESPs" case.
    pub fn add(&mut self, m: &MessageReport) {
        let mut hosts: BTreeSet<&str> = BTreeSet::new();
        for l in &m.links {
            if matches!(l.class, Class::Expected | Class::EspCustom) && l.role != Role::Asset {
                if let Some(h) = l.judged_host.as_deref().or(l.host.as_deref()) {
                    hosts.insert(h);
                }
            }
        }
        let from = m.alignment.iter().find(|r| r.role == DomainRole::From).map(|r| r.domain.clone());
        let dkim: Vec<(String, String)> = m
            .alignment
            .iter()
            .filter(|r| r.role == DomainRole::Dkim)
            .filter_map(|r| r.selector.clone().map(|s| (s, r.domain.clone())))
            .collect();
        for h in hosts {
            let t = self.0.entry(h.to_string()).or_default();
            t.esps.extend(m.sent_via.iter().map(|s| s.esp.clone()));
            t.dkim.extend(dkim.iter().cloned());
        }
        // The sender's From domain and DKIM keys apply to every host, also an `--expect` host
        // no message uses (yet).
        for t in self.0.values_mut() {
            if t.from.is_none() {
                t.from.clone_from(&from);
            }
            if t.dkim.is_empty() {
                t.dkim.extend(dkim.iter().cloned());
            }
        }
    }

    /// Checks every host.
    pub fn check(self, net: &NetArgs, opts: &Options) -> Result<Vec<DomainReport>, String> {
        let base = domain_options(net, opts)?;
        Ok(self
            .0
            .into_iter()
            .map(|(host, t)| {
                let o = DomainOptions {
                    esps: t.esps.into_iter().collect(),
                    from: t.from,
                    dkim: t.dkim.into_iter().collect(),
                    ..base.clone()
                };
                domain::check(&host, &o, opts.catalog())
            })
            .collect())
    }
}

/// The network settings and rules of a run.
fn domain_options(net: &NetArgs, opts: &Options) -> Result<DomainOptions, String> {
    if !(net.timeout.is_finite() && net.timeout > 0.0 && net.timeout <= 600.0) {
        return Err(format!("--timeout {} is not between 0 and 600 seconds", net.timeout));
    }
    let extra_roots_pem = match &net.ca_file {
        Some(p) => Some(std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?),
        None => None,
    };
    Ok(DomainOptions {
        resolver: net.resolver,
        timeout: Duration::from_secs_f64(net.timeout),
        tls: !net.no_tls,
        http: !net.no_http && !net.no_tls,
        auth: !net.no_auth,
        port: net.port,
        extra_roots_pem,
        rules: opts.rules.clone(),
        ..DomainOptions::default()
    })
}

/// `linkaudit domain HOST…`.
pub fn run(args: &DomainArgs) -> Exit {
    let prepared = load_config(&args.common).and_then(|config| {
        let opts = options(&args.common, &LimitArgs::default(), &config)?;
        let base = domain_options(&args.net, &opts)?;
        Ok((config, opts, base))
    });
    let (config, opts, base) = match prepared {
        Ok(p) => p,
        Err(e) => {
            eprintln!("linkaudit: error: {e}");
            return Exit::Error;
        }
    };
    let hosts: Vec<String> = if args.hosts.is_empty() {
        opts.expect.iter().filter(|e| !e.starts_with("*.")).cloned().collect()
    } else {
        args.hosts.iter().map(|h| linkaudit::options::normalise_expect(h)).collect()
    };
    if hosts.is_empty() {
        eprintln!("linkaudit: error: no host: give the tracking host (linkaudit domain track.example.com) or set `expect` in linkaudit.toml");
        return Exit::Error;
    }
    if let Some(unknown) = args.esp.iter().find(|e| opts.catalog().by_name(e).is_none()) {
        eprintln!(
            "linkaudit: error: unknown ESP {unknown:?}; known: {}",
            esp_names(opts.catalog()).join(", ")
        );
        return Exit::Error;
    }
    let from = args.from.as_deref().map(linkaudit::options::normalise_expect);
    let dkim: Vec<(String, String)> = match &from {
        Some(f) => args.dkim_selector.iter().map(|s| (s.trim().to_string(), f.clone())).collect(),
        None if !args.dkim_selector.is_empty() => {
            eprintln!("linkaudit: error: --dkim-selector needs --from (the domain the selector signs for)");
            return Exit::Error;
        }
        None => Vec::new(),
    };
    let o = DomainOptions { esps: args.esp.clone(), from, dkim, ..base };
    let domains: Vec<DomainReport> = hosts.iter().map(|h| domain::check(h, &o, opts.catalog())).collect();
    let report = Report::with_batch(Vec::new(), Vec::new(), Vec::new()).with_domains(domains);
    let color = args.format == Format::Text
        && args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let limit = threshold(args.common.fail_on, config_fail_on(&config));
    let text = render(args.format, &report, color, limit, &opts.expect);
    let mut w = Writer::new(args.output.as_deref());
    if let Err(code) = w.write(&text).and_then(|()| w.finish()) {
        return code;
    }
    exit(&report.domains, limit)
}

/// The whole report in `format`.
pub fn render(
    format: Format,
    report: &Report,
    color: bool,
    limit: Option<Severity>,
    expect: &[String],
) -> String {
    let style = report::format::Style { format: format.into(), color };
    report::format::render(report, style, report::format::Settings { fail_on: limit, expect, redact: false })
}

/// 2 when a check could not run (an unrun check is not a pass), else 1 at the threshold.
pub fn exit(domains: &[DomainReport], limit: Option<Severity>) -> Exit {
    if domains.iter().any(DomainReport::incomplete) {
        Exit::Error
    } else if limit.is_some_and(|t| domains.iter().any(|d| d.worst().is_some_and(|w| w >= t))) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// The catalog's ESP names.
fn esp_names(catalog: &Catalog) -> Vec<&str> {
    catalog.esps.iter().map(|e| e.name()).collect()
}
