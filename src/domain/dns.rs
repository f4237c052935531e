//! Domain (network): DNS lookups with hickory-resolver — the CNAME chain, addresses, the
//! doubled-zone probe, and the TXT records of SPF, DKIM and DMARC. Every lookup is bounded by
//! the timeout, so an unreachable resolver gives an error in that time, never a hang.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::NetError;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::TokioResolver;

use super::{AuthFacts, DkimFact, DnsFacts};
use crate::classify::domain;

/// Longest CNAME chain followed.
const MAX_CHAIN: usize = 8;

/// A resolver and the runtime it runs on.
pub struct Dns {
    resolver: TokioResolver,
    runtime: tokio::runtime::Runtime,
    timeout: Duration,
    server: String,
}

/// The answer to one lookup.
enum Answer {
    /// Records of the asked type (as text).
    Records(Vec<String>),
    /// The name exists but has no record of that type.
    NoData,
    /// The name does not exist.
    NxDomain,
}

impl Dns {
    /// A resolver asking `server` (or the system's resolvers), each lookup bounded by `timeout`.
    pub fn new(server: Option<SocketAddr>, timeout: Duration) -> Result<Dns, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the DNS runtime: {e}"))?;
        let provider = TokioRuntimeProvider::default();
        let mut builder = match server {
            Some(addr) => {
                let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
                for c in &mut ns.connections {
                    c.port = addr.port();
                }
                TokioResolver::builder_with_config(ResolverConfig::from_name_servers(vec![ns]), provider)
            }
            None => TokioResolver::builder(provider)
                .map_err(|e| format!("cannot read the system's resolver configuration: {e}"))?,
        };
        let opts: &mut ResolverOpts = builder.options_mut();
        opts.timeout = timeout;
        opts.attempts = 1;
        opts.ndots = 0;
        opts.cache_size = 256;
        let resolver = {
            let _guard = runtime.enter();
            builder.build().map_err(|e| format!("cannot set up the resolver: {e}"))?
        };
        let server = server.map_or_else(|| "the system's resolver".to_string(), |a| a.to_string());
        Ok(Dns { resolver, runtime, timeout, server })
    }

    /// One lookup of `name` for `kind`, bounded by the timeout.
    fn lookup(&self, name: &str, kind: RecordType) -> Result<Answer, String> {
        let fqdn = format!("{}.", name.trim_end_matches('.'));
        let query = self.resolver.lookup(fqdn.as_str(), kind);
        let outcome = self.runtime.block_on(async { tokio::time::timeout(self.timeout, query).await });
        let result = match outcome {
            Ok(r) => r,
            Err(_) => return Err(format!("no answer from {} within {}", self.server, seconds(self.timeout))),
        };
        match result {
            Ok(lookup) => {
                let records: Vec<String> = lookup
                    .answers()
                    .iter()
                    .filter(|r| r.record_type() == kind)
                    .filter_map(|r| text(&r.data))
                    .collect();
                Ok(if records.is_empty() { Answer::NoData } else { Answer::Records(records) })
            }
            Err(e) if e.is_nx_domain() => Ok(Answer::NxDomain),
            Err(e) if e.is_no_records_found() => Ok(Answer::NoData),
            Err(NetError::Timeout) => {
                Err(format!("no answer from {} within {}", self.server, seconds(self.timeout)))
            }
            Err(e) => Err(format!("{} failed for {name} {kind}: {e}", self.server)),
        }
    }

    fn records(&self, name: &str, kind: RecordType) -> Result<Vec<String>, String> {
        Ok(match self.lookup(name, kind)? {
            Answer::Records(r) => r,
            Answer::NoData | Answer::NxDomain => Vec::new(),
        })
    }

    /// The CNAME chain, the addresses, and — when the host has no record — the doubled name.
    /// A lookup that fails ends the walk but keeps what was found: the failure is in
    /// [`DnsFacts::error`], the steps it left undone in [`DnsFacts::not_checked`]. A chain that
    /// returns to a name already in it ([`DnsFacts::cname_loop`]) or goes on past
    /// [`MAX_CHAIN`] links ([`DnsFacts::chain_cut`]) has no end to look up.
    pub fn facts(&self, host: &str) -> DnsFacts {
        let mut facts = DnsFacts::default();
        if let Err(e) = self.walk(host, &mut facts) {
            facts.error = Some(e);
        }
        facts
    }

    fn walk(&self, host: &str, facts: &mut DnsFacts) -> Result<(), String> {
        let mut name = host.to_string();
        let mut exists = true;
        let mut ended = false;
        for _ in 0..MAX_CHAIN {
            let answer = self.lookup(&name, RecordType::CNAME).inspect_err(|_| {
                facts.not_checked.push(format!("the CNAME of {name}"));
                facts.not_checked.push("the addresses".to_string());
            })?;
            match answer {
                Answer::Records(targets) => {
                    let Some(target) = targets.into_iter().next() else { break };
                    let seen = target == host || facts.cname.contains(&target);
                    facts.cname.push(target.clone());
                    if seen {
                        facts.cname_loop = Some(target);
                        return Ok(());
                    }
                    name = target;
                }
                Answer::NxDomain if facts.cname.is_empty() => {
                    exists = false;
                    ended = true;
                    break;
                }
                _ => {
                    ended = true;
                    break;
                }
            }
        }
        if !ended {
            // Still a CNAME after MAX_CHAIN links: the chain is cut, its end unknown.
            facts.chain_cut = true;
            facts.not_checked.push(format!("the CNAME of {name} and beyond"));
            facts.not_checked.push("the addresses".to_string());
            return Ok(());
        }
        // The addresses of the end of the chain (the host itself without a CNAME).
        if exists {
            for kind in [RecordType::A, RecordType::AAAA] {
                let records = self.records(&name, kind).inspect_err(|_| {
                    facts.not_checked.push("the addresses".to_string());
                })?;
                for ip in records {
                    if let Ok(ip) = ip.parse() {
                        facts.addresses.push(ip);
                    }
                }
            }
        }
        if facts.cname.is_empty() && facts.addresses.is_empty() {
            if let Some(zone) = domain::registrable(host) {
                let doubled = format!("{host}.{zone}");
                let mut found = |kind| {
                    self.lookup(&doubled, kind).map(|a| matches!(a, Answer::Records(_))).inspect_err(|_| {
                        facts.not_checked.push(format!("{doubled} (the zone name typed twice)"));
                    })
                };
                if found(RecordType::CNAME)? || found(RecordType::A)? {
                    facts.doubled = Some(doubled);
                }
            }
        }
        Ok(())
    }

    /// SPF, DMARC and DKIM records of the From domain.
    pub fn auth(&self, from: &str, dkim: &[(String, String)]) -> Result<AuthFacts, String> {
        let from = from.trim_end_matches('.').to_ascii_lowercase();
        let spf = self
            .records(&from, RecordType::TXT)?
            .into_iter()
            .filter(|t| t.trim_start().to_ascii_lowercase().starts_with("v=spf1"))
            .collect();
        let mut dmarc = None;
        let org = domain::registrable(&from).map(str::to_string);
        for d in std::iter::once(from.clone()).chain(org.filter(|o| *o != from)) {
            let at = format!("_dmarc.{d}");
            let found = self
                .records(&at, RecordType::TXT)?
                .into_iter()
                .find(|t| t.trim_start().to_ascii_lowercase().starts_with("v=dmarc1"));
            if let Some(record) = found {
                dmarc = Some((at, record));
                break;
            }
        }
        let mut keys = Vec::new();
        for (selector, d) in dkim {
            let at = format!("{selector}._domainkey.{d}");
            let record = self.records(&at, RecordType::TXT)?.into_iter().next();
            keys.push(DkimFact { selector: selector.clone(), domain: d.clone(), record });
        }
        Ok(AuthFacts { from, spf, dmarc, dkim: keys })
    }
}

/// A record's data as text: the target of a CNAME, an address, the joined strings of a TXT.
fn text(data: &RData) -> Option<String> {
    match data {
        RData::CNAME(c) => Some(c.0.to_ascii().trim_end_matches('.').to_ascii_lowercase()),
        RData::A(a) => Some(a.0.to_string()),
        RData::AAAA(a) => Some(a.0.to_string()),
        RData::TXT(t) => Some(t.txt_data.iter().map(|d| String::from_utf8_lossy(d)).collect::<String>()),
        _ => None,
    }
}

fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}
