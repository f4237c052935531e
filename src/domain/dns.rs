//! Domain (network): DNS lookups with hickory-resolver — the CNAME chain, addresses, the
//! doubled-zone probe, and the TXT records of SPF, DKIM and DMARC. Every lookup is bounded by
//! the timeout, so an unreachable resolver gives an error in that time, never a hang; a closed
//! port fails at once ([`ConnectedUdp`]). Before the host's answers are believed, a sanity
//! lookup ([`Dns::sanity`]) checks that the resolver does not say "no such name" to everything.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::{DnsUdpSocket, RuntimeProvider, TokioRuntimeProvider, TokioTime};
use hickory_resolver::net::NetError;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::Resolver;

use super::{AuthFacts, DkimFact, DnsFacts};
use crate::classify::domain;

/// Longest CNAME chain followed.
const MAX_CHAIN: usize = 8;

/// hickory's tokio runtime with one change: each UDP socket is connected to the server it asks
/// ([`ConnectedSocket`]). hickory sends from an unconnected socket, on which Linux drops the ICMP
/// "port unreachable" a closed resolver port answers with, so the query waited out the whole
/// timeout; a connected socket gets it as a socket error (`ECONNREFUSED`) and the lookup fails
/// at once. Every query gets a fresh socket for one server, so connecting loses nothing (hickory
/// checks the answer's source address anyway).
/// The last socket error is kept for the message: hickory reports only "no connections".
#[derive(Clone, Default)]
struct ConnectedUdp(TokioRuntimeProvider, Arc<Mutex<Option<io::ErrorKind>>>);

type Tokio = TokioRuntimeProvider;

impl RuntimeProvider for ConnectedUdp {
    type Handle = <Tokio as RuntimeProvider>::Handle;
    type Timer = <Tokio as RuntimeProvider>::Timer;
    type Udp = ConnectedSocket;
    type Tcp = <Tokio as RuntimeProvider>::Tcp;

    fn create_handle(&self) -> Self::Handle {
        self.0.create_handle()
    }

    fn connect_tcp(
        &self,
        server_addr: SocketAddr,
        bind_addr: Option<SocketAddr>,
        timeout: Option<Duration>,
    ) -> Pin<Box<dyn Send + Future<Output = Result<Self::Tcp, io::Error>>>> {
        self.0.connect_tcp(server_addr, bind_addr, timeout)
    }

    fn bind_udp(
        &self,
        local_addr: SocketAddr,
        server_addr: SocketAddr,
    ) -> Pin<Box<dyn Send + Future<Output = Result<Self::Udp, io::Error>>>> {
        let last = Arc::clone(&self.1);
        Box::pin(async move {
            let socket = tokio::net::UdpSocket::bind(local_addr).await?;
            socket.connect(server_addr).await?;
            Ok(ConnectedSocket { socket: Arc::new(socket), error: Mutex::new(None), last })
        })
    }
}

/// Waits for a socket's error readiness.
type ErrorReady = Pin<Box<dyn Future<Output = io::Result<tokio::io::Ready>> + Send>>;

/// A UDP socket connected to its server that also wakes on a socket error. tokio wakes a
/// receive only when the socket is readable, and an ICMP error makes it ready with an error,
/// not readable: without the second wait the error would sit unread until the timeout.
pub struct ConnectedSocket {
    socket: Arc<tokio::net::UdpSocket>,
    error: Mutex<Option<ErrorReady>>,
    last: Arc<Mutex<Option<io::ErrorKind>>>,
}

impl DnsUdpSocket for ConnectedSocket {
    type Time = TokioTime;

    fn poll_recv_from(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<(usize, SocketAddr)>> {
        if let Poll::Ready(r) = DnsUdpSocket::poll_recv_from(&*self.socket, cx, buf) {
            return Poll::Ready(r);
        }
        let mut slot = self.error.lock().unwrap_or_else(PoisonError::into_inner);
        let wait = slot.get_or_insert_with(|| {
            let socket = Arc::clone(&self.socket);
            Box::pin(async move { socket.ready(tokio::io::Interest::ERROR).await })
        });
        match wait.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Ready(Ok(_)) => {
                *slot = None;
                match self.socket.take_error() {
                    Ok(Some(e)) | Err(e) => {
                        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(e.kind());
                        Poll::Ready(Err(e))
                    }
                    // Error readiness without an error: nothing to report. Not waiting again
                    // (the readiness may stay set, and polling it would spin); the read's own
                    // waker and the lookup's timeout still end the wait.
                    Ok(None) => Poll::Pending,
                }
            }
        }
    }

    fn poll_send_to(&self, cx: &mut Context<'_>, buf: &[u8], target: SocketAddr) -> Poll<io::Result<usize>> {
        DnsUdpSocket::poll_send_to(&*self.socket, cx, buf, target)
    }
}

/// A resolver and the runtime it runs on.
pub struct Dns {
    resolver: Resolver<ConnectedUdp>,
    /// The last socket error of the resolver's sockets.
    socket_error: Arc<Mutex<Option<io::ErrorKind>>>,
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
        let provider = ConnectedUdp::default();
        let socket_error = Arc::clone(&provider.1);
        let mut builder = match server {
            Some(addr) => {
                let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
                for c in &mut ns.connections {
                    c.port = addr.port();
                }
                Resolver::builder_with_config(ResolverConfig::from_name_servers(vec![ns]), provider)
            }
            None => Resolver::builder(provider)
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
        Ok(Dns { resolver, socket_error, runtime, timeout, server })
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
            Err(e @ (NetError::NoConnections | NetError::Io(_))) => {
                let last = self.socket_error.lock().unwrap_or_else(PoisonError::into_inner).take();
                Err(match last {
                    Some(io::ErrorKind::ConnectionRefused) => format!(
                        "nothing answers DNS at {}: the port is closed (connection refused)",
                        self.server
                    ),
                    _ => format!("{} could not be reached for {name} {kind}: {e}", self.server),
                })
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
        match self.sanity(host) {
            Ok(missing) => facts.zone_missing = missing,
            Err(e) => {
                facts.error = Some(e);
                facts.not_checked.push(format!("the CNAME of {host}"));
                facts.not_checked.push("the addresses".to_string());
                return facts;
            }
        }
        if let Err(e) = self.walk(host, &mut facts) {
            facts.error = Some(e);
        }
        facts
    }

    /// Can the resolver's "no such name" be believed? A resolver (or a captive portal, a
    /// filtering proxy, a broken forwarder) that says NXDOMAIN to every name would otherwise
    /// have the host, its SPF and its DMARC reported missing with confidence.
    ///
    /// The name asked first is the host's registrable domain (`example.com` for
    /// `track.example.com`), SOA: it is the user's own domain, which exists wherever their
    /// setup does; every working resolver answers it, a recursive one and also an internal
    /// server authoritative only for the user's zones; and it goes, like every lookup here,
    /// only to the configured resolver. Only when that name is said not to exist is the DNS
    /// root asked (`.` NS), which exists for every resolver that resolves the internet: a
    /// resolver that denies the root denies everything, and its answers are not used. The root
    /// is not the first question because a server authoritative only for the user's zones
    /// refuses it. If the root is answered, the domain itself is missing (a typo, a lapsed
    /// registration): `Ok(Some(domain))`. Hosts without a registrable domain (an unlisted
    /// suffix such as `.internal`) are not checked.
    fn sanity(&self, host: &str) -> Result<Option<String>, String> {
        let Some(zone) = domain::registrable(host) else { return Ok(None) };
        if !matches!(self.lookup(zone, RecordType::SOA)?, Answer::NxDomain) {
            return Ok(None);
        }
        match self.lookup(".", RecordType::NS) {
            Ok(Answer::NxDomain) => Err(format!(
                "{} answers \"no such name\" even for the DNS root: a filtering or broken resolver, \
                 whose answers cannot be believed",
                self.server
            )),
            Ok(_) => Ok(Some(zone.to_string())),
            Err(e) => Err(format!(
                "{} says {zone} does not exist, and the DNS root could not be asked to tell a missing \
                 domain from a resolver that denies every name ({e})",
                self.server
            )),
        }
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
