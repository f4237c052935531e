//! `linkaudit domain` against real servers the test starts on 127.0.0.1: an authoritative DNS
//! server (hickory-server, in-process) serving the guide's mistakes, and a TLS server (rustls)
//! with rcgen certificates — valid, expiring, expired, wrong name, self-signed — that answers
//! `HEAD /` and records what it was asked. Nothing here touches the internet.

#![cfg(feature = "network")]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, UdpSocket};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use hickory_server::proto::op::{Message, ResponseCode};
use hickory_server::proto::rr::rdata::{A, CNAME, SOA, TXT};
use hickory_server::proto::rr::{Name, RData, Record};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};
use hickory_server::Server;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

struct Fixture {
    dns: SocketAddr,
    tls_port: u16,
    ca_file: PathBuf,
    requests: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (tls_port, ca_pem, requests) = start_tls();
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, ca_pem).unwrap();
        Fixture { dns: start_dns(), tls_port, ca_file, requests, _dir: dir }
    })
}

fn name(s: &str) -> Name {
    Name::from_str(s).unwrap()
}

fn zone(origin: &str, records: &[(&str, RData)]) -> InMemoryZoneHandler {
    let mut z = InMemoryZoneHandler::empty(name(origin), ZoneType::Primary, AxfrPolicy::Deny);
    let soa =
        SOA::new(name(&format!("ns.{origin}")), name(&format!("admin.{origin}")), 1, 3600, 600, 86400, 60);
    assert!(z.upsert_mut(Record::from_rdata(name(origin), 60, RData::SOA(soa)), 1));
    for (n, data) in records {
        assert!(z.upsert_mut(Record::from_rdata(name(n), 60, data.clone()), 1), "{n}");
    }
    z
}

fn cname(target: &str) -> RData {
    RData::CNAME(CNAME(name(target)))
}

fn a(ip: [u8; 4]) -> RData {
    RData::A(A(Ipv4Addr::from(ip)))
}

fn txt(s: &str) -> RData {
    RData::TXT(TXT::new(vec![s.to_string()]))
}

/// The DNS server: example.com with every case, and the ESP targets at 127.0.0.1.
fn start_dns() -> SocketAddr {
    let example = zone(
        "example.com.",
        &[
            ("example.com.", a([93, 184, 215, 14])),
            ("example.com.", txt("v=spf1 include:sendgrid.net ~all")),
            ("_dmarc.example.com.", txt("v=DMARC1; p=none; rua=mailto:reports@example.com")),
            (
                "s1._domainkey.example.com.",
                txt("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"),
            ),
            ("track.example.com.", cname("sendgrid.net.")),
            ("links.example.com.example.com.", cname("sendgrid.net.")),
            ("proxied.example.com.", a([104, 16, 1, 1])),
            ("mg.example.com.", cname("mailgun.org.")),
            ("other.example.com.", cname("elsewhere.example.net.")),
            ("valid.example.com.", cname("sendgrid.net.")),
            ("expiring.example.com.", cname("sendgrid.net.")),
            ("expired.example.com.", cname("sendgrid.net.")),
            ("wrong.example.com.", cname("sendgrid.net.")),
            ("selfsigned.example.com.", cname("sendgrid.net.")),
            ("ca.example.com.", cname("sendgrid.net.")),
            ("silent.example.com.", cname("sendgrid.net.")),
            ("drip.example.com.", cname("sendgrid.net.")),
            // A loop, a chain of twenty links, and a chain into a zone this server refuses.
            ("loop.example.com.", cname("loop2.example.com.")),
            ("loop2.example.com.", cname("loop.example.com.")),
            ("c0.example.com.", cname("c1.example.com.")),
            ("c1.example.com.", cname("c2.example.com.")),
            ("c2.example.com.", cname("c3.example.com.")),
            ("c3.example.com.", cname("c4.example.com.")),
            ("c4.example.com.", cname("c5.example.com.")),
            ("c5.example.com.", cname("c6.example.com.")),
            ("c6.example.com.", cname("c7.example.com.")),
            ("c7.example.com.", cname("c8.example.com.")),
            ("c8.example.com.", cname("c9.example.com.")),
            ("c9.example.com.", cname("c10.example.com.")),
            ("c10.example.com.", cname("c11.example.com.")),
            ("c11.example.com.", cname("sendgrid.net.")),
            ("refused.example.com.", cname("target.unserved.test.")),
        ],
    );
    // A registrable domain with a CNAME at its apex (served from the parent zone: an
    // authoritative store refuses a CNAME beside the SOA, some DNS panels do not).
    let apex = zone("org.", &[("example.org.", cname("sendgrid.net."))]);
    let bare = zone("example.net.", &[]);
    let sendgrid = zone("sendgrid.net.", &[("sendgrid.net.", a([127, 0, 0, 1]))]);
    let mailgun = zone("mailgun.org.", &[("mailgun.org.", a([127, 0, 0, 1]))]);
    let mut catalog = Catalog::new();
    for (origin, z) in [
        ("example.com.", example),
        ("org.", apex),
        ("example.net.", bare),
        ("sendgrid.net.", sendgrid),
        ("mailgun.org.", mailgun),
    ] {
        catalog.upsert(name(origin).into(), vec![Arc::new(z)]);
    }
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    socket.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let mut server = Server::new(catalog);
            server.register_socket(tokio::net::UdpSocket::from_std(socket).unwrap());
            let _ = server.block_until_done().await;
        });
    });
    addr
}

#[derive(Debug)]
struct BySni(std::collections::HashMap<String, Arc<CertifiedKey>>);

impl ResolvesServerCert for BySni {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        hello.server_name().and_then(|n| self.0.get(n).cloned())
    }
}

/// `YYYY, MM, DD` of now plus `days`.
fn in_days(days: i64) -> (i32, u8, u8) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let d = linkaudit::domain::x509::date(now + days * 86_400);
    (d[..4].parse().unwrap(), d[5..7].parse().unwrap(), d[8..10].parse().unwrap())
}

/// The TLS server: one certificate per SNI name, `HEAD /` answered with a redirect.
fn start_tls() -> (u16, String, Arc<Mutex<Vec<String>>>) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "linkaudit test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut by_name = std::collections::HashMap::new();
    let cases: [(&str, &str, (i64, i64), bool); 8] = [
        ("valid.example.com", "valid.example.com", (-10, 200), false),
        ("expiring.example.com", "expiring.example.com", (-80, 5), false),
        ("expired.example.com", "expired.example.com", (-400, -30), false),
        ("wrong.example.com", "other.example.org", (-10, 200), false),
        ("selfsigned.example.com", "selfsigned.example.com", (-10, 200), true),
        // A self-signed CA certificate used as the server's own.
        ("ca.example.com", "ca.example.com", (-10, 200), true),
        ("silent.example.com", "silent.example.com", (-10, 200), false),
        ("drip.example.com", "drip.example.com", (-10, 200), false),
    ];
    for (sni, san, validity, self_signed) in cases {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec![san.to_string()]).unwrap();
        params.distinguished_name.push(rcgen::DnType::CommonName, san);
        if sni == "ca.example.com" {
            params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        }
        let (from, to) = validity;
        let (y, m, d) = in_days(from);
        params.not_before = rcgen::date_time_ymd(y, m, d);
        let (y, m, d) = in_days(to);
        params.not_after = rcgen::date_time_ymd(y, m, d);
        let cert = if self_signed {
            params.self_signed(&key).unwrap()
        } else {
            params.signed_by(&key, &issuer).unwrap()
        };
        let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let signer = provider.key_provider.load_private_key(der).unwrap();
        let chain: Vec<CertificateDer<'static>> = vec![cert.der().clone()];
        by_name.insert(sni.to_string(), Arc::new(CertifiedKey::new(chain, signer)));
    }
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(BySni(by_name))),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(sock) = stream else { continue };
            let config = config.clone();
            let seen = seen.clone();
            std::thread::spawn(move || {
                let _ = sock.set_read_timeout(Some(Duration::from_secs(5)));
                let Ok(conn) = rustls::ServerConnection::new(config) else { return };
                let mut tls = rustls::StreamOwned::new(conn, sock);
                let mut buf = [0u8; 4096];
                let Ok(n) = tls.read(&mut buf) else { return };
                let request = String::from_utf8_lossy(&buf[..n]).to_string();
                let sni = tls.conn.server_name().unwrap_or("").to_string();
                seen.lock().unwrap().push(format!("{sni} {}", request.lines().next().unwrap_or("")));
                match tls.conn.server_name() {
                    // Reads the request and never answers.
                    Some("silent.example.com") => {
                        std::thread::sleep(Duration::from_secs(10));
                        return;
                    }
                    // Drip-feeds the status line, a byte every 300 ms.
                    Some("drip.example.com") => {
                        for b in b"HTTP/1.1 200 OK\r\n\r\n" {
                            if tls.write_all(&[*b]).and_then(|()| tls.flush()).is_err() {
                                return;
                            }
                            std::thread::sleep(Duration::from_millis(300));
                        }
                        return;
                    }
                    _ => {}
                }
                let _ = tls.write_all(b"HTTP/1.1 302 Found\r\nLocation: https://www.example.com/\r\nServer: test\r\nContent-Length: 0\r\n\r\n");
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.conn.complete_io(&mut tls.sock);
            });
        }
    });
    (port, ca_cert.pem(), requests)
}

/// Runs `linkaudit domain` against the fixture's servers; returns (exit code, JSON report).
fn domain(args: &[&str]) -> (i32, serde_json::Value) {
    let f = fixture();
    let out = Command::cargo_bin("linkaudit")
        .unwrap()
        .args(["domain", "--no-config", "-f", "json", "--timeout", "3"])
        .arg(format!("--resolver={}", f.dns))
        .arg(format!("--port={}", f.tls_port))
        .arg("--ca-file")
        .arg(&f.ca_file)
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap_or(-1), json)
}

fn codes(report: &serde_json::Value) -> Vec<String> {
    report["domains"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn dns_cases_give_their_findings() {
    let cases: [(&[&str], &[&str]); 7] = [
        (&["track.example.com", "--esp", "sendgrid", "--no-tls"], &[]),
        (&["links.example.com", "--no-tls"], &["LA902"]),
        (&["nothing.example.com", "--no-tls"], &["LA901"]),
        (&["example.com", "--no-tls"], &["LA903"]),
        (&["example.org", "--no-tls"], &["LA903"]),
        (&["proxied.example.com", "--no-tls"], &["LA904"]),
        (&["mg.example.com", "--esp", "sendgrid", "--no-tls"], &["LA905"]),
    ];
    for (args, want) in cases {
        let (code, report) = domain(args);
        assert_eq!(
            codes(&report),
            want.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            "{args:?}: {report:#}"
        );
        assert_eq!(code, if want.is_empty() { 0 } else { 1 }, "{args:?}");
    }
    let (_, report) = domain(&["other.example.com", "--no-tls"]);
    assert_eq!(codes(&report), ["LA906"]);
    let (_, report) = domain(&["track.example.com", "--esp", "sendgrid,mailgun", "--no-tls"]);
    assert_eq!(codes(&report), ["LA907"]);
    let (_, report) = domain(&["track.example.com", "--no-tls"]);
    let dns = &report["domains"][0]["dns"];
    assert_eq!(dns["cname"], serde_json::json!(["sendgrid.net"]));
    assert_eq!(dns["esp"], "SendGrid");
}

#[test]
fn tls_cases_give_their_findings_and_http_asks_only_the_root() {
    let (code, report) = domain(&["valid.example.com", "--no-auth"]);
    assert_eq!(code, 0, "{report:#}");
    assert!(codes(&report).is_empty(), "{report:#}");
    let d = &report["domains"][0];
    assert_eq!(d["tls"]["verified"], true);
    assert_eq!(d["tls"]["certificate"]["issuer"], "linkaudit test CA");
    assert_eq!(d["http"]["status"], 302);
    assert_eq!(d["http"]["location"], "https://www.example.com/");

    // --no-http keeps the TLS check and skips the request.
    // (Other tests run at the same time: count this host's requests only.)
    let valid = || fixture().requests.lock().unwrap().iter().filter(|r| r.starts_with("valid.")).count();
    let before = valid();
    let (_, report) = domain(&["valid.example.com", "--no-auth", "--no-http"]);
    assert_eq!(report["domains"][0]["tls"]["verified"], true);
    assert!(report["domains"][0]["http"].is_null(), "{report:#}");
    assert_eq!(valid(), before, "--no-http sent a request");

    let cases = [
        ("expiring.example.com", "LA912", "expires in"),
        ("expired.example.com", "LA911", "expired on"),
        ("wrong.example.com", "LA911", "issued for other.example.org, not wrong.example.com"),
        ("selfsigned.example.com", "LA911", "self-signed"),
    ];
    for (host, code, words) in cases {
        let (_, report) = domain(&[host, "--no-auth"]);
        let findings = report["domains"][0]["findings"].as_array().unwrap();
        assert_eq!(codes(&report), [code], "{host}: {report:#}");
        let message = findings[0]["message"].as_str().unwrap();
        assert!(message.contains(words), "{host}: {message}");
    }
    // Only the root was ever requested, and only over a valid certificate.
    let requests = fixture().requests.lock().unwrap().clone();
    assert!(!requests.is_empty());
    assert!(requests.iter().all(|r| r.ends_with(".example.com HEAD / HTTP/1.1")), "{requests:?}");
}

/// Issue 16, items 8 and 10: a CNAME loop and a chain longer than linkaudit follows are errors
/// that say so (LA908, exit 1); a chain whose next lookup the resolver refuses is kept and shown,
/// with the steps that did not run as "not checked" (LA900, exit 2), never as "none".
#[test]
fn loops_cut_chains_and_refused_lookups() {
    let (code, report) = domain(&["loop.example.com", "--no-tls", "--esp", "sendgrid"]);
    assert_eq!(codes(&report), ["LA908"], "{report:#}");
    assert_eq!(code, 1);
    let message = report["domains"][0]["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("loops: loop.example.com → loop2.example.com → loop.example.com"), "{message}");
    assert_eq!(report["domains"][0]["dns"]["cname_loop"], "loop.example.com");

    let (code, report) = domain(&["c0.example.com", "--no-tls", "--esp", "sendgrid"]);
    assert_eq!(codes(&report), ["LA908"], "{report:#}");
    assert_eq!(code, 1);
    assert_eq!(report["domains"][0]["dns"]["chain_cut"], true);
    assert_eq!(report["domains"][0]["dns"]["cname"].as_array().map(Vec::len), Some(8));

    let (code, report) = domain(&["refused.example.com", "--esp", "sendgrid"]);
    assert_eq!(codes(&report), ["LA900"], "{report:#}");
    assert_eq!(code, 2);
    let d = &report["domains"][0];
    assert_eq!(d["dns"]["cname"], serde_json::json!(["target.unserved.test"]), "{report:#}");
    assert!(d["dns"]["error"].is_string(), "{report:#}");
    assert_eq!(d["not_checked"], serde_json::json!(["TLS", "HTTP"]), "{report:#}");
    // In words: the chain found, then what was not checked.
    let f = fixture();
    let out = Command::cargo_bin("linkaudit")
        .unwrap()
        .args(["domain", "refused.example.com", "--no-config", "--timeout", "3", "--esp", "sendgrid"])
        .arg(format!("--resolver={}", f.dns))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("CNAME:     refused.example.com → target.unserved.test → next step not checked"),
        "{text}"
    );
    assert!(text.contains("addresses: not checked") && !text.contains("CNAME:     none"), "{text}");
}

/// Issue 16, item 9: certificate and HTTP failures in words.
#[test]
fn tls_and_http_failures_in_words() {
    let (_, report) = domain(&["ca.example.com", "--no-auth"]);
    let message = report["domains"][0]["findings"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(
            "self-signed: a CA certificate (ca.example.com) is used as the server's own certificate"
        ),
        "{report:#}"
    );
    assert!(!message.contains("Other(") && !message.contains("CaUsedAsEndEntity"), "{message}");
    for host in ["silent.example.com", "drip.example.com"] {
        let (_, report) = domain(&[host, "--no-auth"]);
        let d = &report["domains"][0];
        assert_eq!(codes(&report), ["LA921"], "{host}: {report:#}");
        let error = d["http"]["error"].as_str().unwrap_or_default();
        let want = if host == "silent.example.com" {
            "no HTTP answer within 3 s".to_string()
        } else {
            "the HTTP answer did not come whole within 3 s".to_string()
        };
        assert!(error.starts_with(&want), "{host}: {error}");
        assert!(!error.contains("os error") && !error.contains("not an HTTP response"), "{error}");
    }
}

#[test]
fn mail_authentication_records() {
    let (_, report) =
        domain(&["track.example.com", "--no-tls", "--from", "example.com", "--dkim-selector", "s1,s2"]);
    assert_eq!(codes(&report), ["LA932", "LA934"], "{report:#}");
    let auth = &report["domains"][0]["auth"];
    assert_eq!(auth["spf"][0], "v=spf1 include:sendgrid.net ~all");
    // DMARC falls back to the organisational domain, as receivers do.
    let (_, report) = domain(&["track.example.com", "--no-tls", "--from", "news.example.com"]);
    assert_eq!(codes(&report), ["LA931", "LA934"], "{report:#}");
    assert_eq!(report["domains"][0]["auth"]["dmarc"][0], "_dmarc.example.com");
    let (_, report) = domain(&["track.example.com", "--no-tls", "--from", "example.net"]);
    assert_eq!(codes(&report), ["LA931", "LA933"], "{report:#}");
}

#[test]
fn unreachable_resolver_and_silent_servers_end_within_the_timeout() {
    // Nothing listens: an error at once.
    let closed = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    // A resolver that reads queries and never answers.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let silent_addr = silent.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        while silent.recv(&mut buf).is_ok() {}
    });
    for resolver in [closed, silent_addr] {
        let start = Instant::now();
        let out = Command::cargo_bin("linkaudit")
            .unwrap()
            .args(["domain", "track.example.com", "--no-config", "--timeout", "1", "--no-tls"])
            .arg(format!("--resolver={resolver}"))
            .output()
            .unwrap();
        let took = start.elapsed();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(text.contains("LA900"), "{text}");
        assert!(took < Duration::from_secs(5), "{resolver}: took {took:?}");
    }
    // A TLS port that accepts and never speaks.
    let mute = TcpListener::bind("127.0.0.1:0").unwrap();
    let mute_port = mute.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in mute.incoming() {
            held.push(s);
        }
    });
    let f = fixture();
    let start = Instant::now();
    let out = Command::cargo_bin("linkaudit")
        .unwrap()
        .args(["domain", "valid.example.com", "--no-config", "--timeout", "1", "--no-auth", "-f", "concise"])
        .arg(format!("--resolver={}", f.dns))
        .arg(format!("--port={mute_port}"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("LA913") && text.contains("did not answer the TLS handshake"), "{text}");
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
}

/// A resolver on 127.0.0.1 that answers "no such name" (NXDOMAIN) to every question, or — with
/// `root_exists` — to every question but the DNS root's. Raw UDP, hickory's message codec.
fn start_nxdomain_resolver(root_exists: bool) -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1500];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            let Ok(request) = Message::from_vec(&buf[..n]) else { continue };
            let root = request.queries.first().is_some_and(|q| q.name().is_root());
            let mut response = request.into_response();
            response.metadata.response_code =
                if root && root_exists { ResponseCode::NoError } else { ResponseCode::NXDomain };
            let _ = socket.send_to(&response.to_vec().unwrap(), from);
        }
    });
    addr
}

fn domain_at(resolver: SocketAddr, args: &[&str]) -> (i32, String, serde_json::Value) {
    let run = |format: &str| {
        Command::cargo_bin("linkaudit")
            .unwrap()
            .args(["domain", "--no-config", "--timeout", "3", "-f", format])
            .arg(format!("--resolver={resolver}"))
            .args(args)
            .output()
            .unwrap()
    };
    let text = run("text");
    let json = serde_json::from_slice(&run("json").stdout).unwrap();
    (text.status.code().unwrap_or(-1), String::from_utf8_lossy(&text.stdout).into_owned(), json)
}

/// Issue 17, item 8: a resolver that says "no such name" to everything does not get the host,
/// SPF and DMARC reported missing: the sanity lookup (the registrable domain, then the DNS root)
/// catches it, and nothing is reported as checked.
#[test]
fn a_resolver_that_denies_every_name_is_not_believed() {
    let liar = start_nxdomain_resolver(false);
    let (code, text, report) = domain_at(liar, &["track.example.com", "--from", "example.com"]);
    assert_eq!(code, 2, "{text}");
    assert_eq!(codes(&report), ["LA900"], "{report:#}");
    assert!(text.contains("answers \"no such name\" even for the DNS root"), "{text}");
    assert!(text.contains("CNAME:     not checked") && !text.contains("CNAME:     none"), "{text}");
    assert!(!text.contains("SPF:") && !text.contains("DMARC:"), "{text}");
    assert!(!text.contains("LA901") && !text.contains("LA931") && !text.contains("LA933"), "{text}");
    assert_eq!(
        report["domains"][0]["not_checked"],
        serde_json::json!(["TLS", "HTTP", "SPF, DKIM and DMARC"])
    );

    // A resolver that answers for the root: the domain itself is missing, and the finding says so.
    let honest = start_nxdomain_resolver(true);
    let (code, text, report) = domain_at(honest, &["track.nosuch-example.com", "--no-tls"]);
    assert_eq!((code, codes(&report)), (1, vec!["LA901".to_string()]), "{text}");
    assert!(text.contains("nosuch-example.com itself does not exist"), "{text}");
    assert_eq!(report["domains"][0]["dns"]["zone_missing"], "nosuch-example.com");

    // A resolver that refuses the root (the fixture's: authoritative for its zones only) cannot
    // tell the two apart: not checked, not "missing".
    let (code, text, _) = domain_at(fixture().dns, &["track.nosuch.org", "--no-tls"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("says nosuch.org does not exist, and the DNS root could not be asked"), "{text}");
    assert!(!text.contains("LA901"), "{text}");
}

/// Issue 17, item 8: a closed resolver port fails at once (the ICMP "port unreachable" read as
/// a refused connection), not after the timeout.
#[test]
fn a_closed_resolver_port_fails_at_once() {
    let closed = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let start = Instant::now();
    let out = Command::cargo_bin("linkaudit")
        .unwrap()
        .args(["domain", "track.example.com", "--no-config", "--timeout", "20", "--from", "example.com"])
        .arg(format!("--resolver={closed}"))
        .output()
        .unwrap();
    let took = start.elapsed();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains(&format!("nothing answers DNS at {closed}: the port is closed")), "{text}");
    assert!(text.contains("CNAME:     not checked"), "{text}");
    // Well below the 20 s timeout (a debug binary under a loaded machine starts in well under 5 s).
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

#[test]
fn every_format_renders_a_domain() {
    let f = fixture();
    for format in ["text", "concise", "json-lines", "junit", "sarif", "github", "markdown", "html"] {
        let out = Command::cargo_bin("linkaudit")
            .unwrap()
            .args(["domain", "mg.example.com", "--no-config", "--no-tls", "--esp", "sendgrid", "-f", format])
            .arg(format!("--resolver={}", f.dns))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{format}: {text}");
        assert!(text.contains("LA905"), "{format}: {text}");
        if format == "sarif" {
            let schema: serde_json::Value =
                serde_json::from_str(include_str!("../schemas/sarif-2.1.0.schema.json")).unwrap();
            let log: serde_json::Value = serde_json::from_str(&text).unwrap();
            let validator = jsonschema::validator_for(&schema).unwrap();
            let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{errors:?}");
        }
    }
}

#[test]
fn check_dns_checks_the_hosts_the_messages_use() {
    let f = fixture();
    let out = Command::cargo_bin("linkaudit")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["fixtures/quickstart/newsletter-fixed.eml", "--no-config", "--expect", "track.example.com"])
        .args(["--check-dns", "--no-tls", "-f", "json"])
        .arg(format!("--resolver={}", f.dns))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &report["domains"][0];
    assert_eq!(d["host"], "track.example.com", "{report:#}");
    assert_eq!(d["dns"]["esp"], "SendGrid");
    // The From domain and the DKIM selector come from the message.
    assert_eq!(d["auth"]["from"], "news.example.com");
    assert_eq!(d["auth"]["dkim"][0]["selector"], "s1");
    assert_eq!(report["domains"].as_array().unwrap().len(), 1);
    assert_eq!(report["summary"]["domains"], 1);
}

#[test]
fn check_dns_gives_each_host_only_the_esps_of_its_own_messages() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let send = |name: &str, header: &str, url: &str| {
        let text = format!(
            "From: news@example.com\nTo: qa@example.org\nSubject: {name}\n{header}\nMIME-Version: 1.0\nContent-Type: text/html\n\n<a href=\"{url}\">x</a>\n"
        );
        std::fs::write(dir.path().join(format!("{name}.eml")), text).unwrap();
    };
    send("tx", "X-SG-EID: abc", "https://track.example.com/ls/click?upn=u001.abc");
    send("mkt", "X-Mailgun-Sid: abc", "https://mg.example.com/c/eJxVjEEKwjAQRfeeIhsCXcSZprZ");
    let out = Command::cargo_bin("linkaudit")
        .unwrap()
        .arg(dir.path())
        .args([
            "--no-config",
            "--expect",
            "track.example.com,mg.example.com",
            "--check-dns",
            "--no-tls",
            "--no-auth",
        ])
        .args(["-f", "json"])
        .arg(format!("--resolver={}", f.dns))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let domains = report["domains"].as_array().unwrap();
    assert_eq!(domains.len(), 2, "{report:#}");
    for d in domains {
        let codes: Vec<&str> =
            d["findings"].as_array().unwrap().iter().filter_map(|f| f["code"].as_str()).collect();
        assert!(codes.is_empty(), "{}: {codes:?}", d["host"]);
    }
}

#[test]
fn domain_help_lists_only_what_applies() {
    let out = Command::cargo_bin("linkaudit").unwrap().args(["domain", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    // The message limits (`--max-*`) mean nothing to a domain check; the audit still has them.
    assert!(!help.contains("--max-"), "{help}");
    assert!(help.contains("--resolver") && help.contains("--expect"), "{help}");
    let audit = Command::cargo_bin("linkaudit").unwrap().arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&audit.stdout).contains("--max-unwrap-depth"));
}
