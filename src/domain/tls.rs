//! Domain (network): the TLS handshake with the tracking host (rustls with the ring provider
//! only, webpki roots plus `--ca-file`), what its certificate says, and one `HEAD /` on the
//! root over the verified connection — never a tracked path.
//!
//! The certificate verifier records the verdict instead of aborting the handshake, so an
//! invalid certificate is still read (expiry, names, issuer) and reported with its exact reason.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use super::{x509, DomainOptions, HttpFacts, TlsError, TlsFacts};

/// Largest HTTP response head read.
const MAX_HEAD: usize = 16 * 1024;

/// Verifies like rustls' WebPKI verifier, but records the verdict and lets the handshake finish.
#[derive(Debug)]
struct Recording {
    inner: Arc<WebPkiServerVerifier>,
    verdict: Mutex<Option<Result<(), rustls::Error>>>,
    end_entity: Mutex<Option<Vec<u8>>>,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict =
            self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now).map(|_| ());
        if let Ok(mut v) = self.verdict.lock() {
            *v = Some(verdict);
        }
        if let Ok(mut c) = self.end_entity.lock() {
            *c = Some(end_entity.to_vec());
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The webpki roots, plus the certificates of a PEM file (`--ca-file`; the IMAP watch uses it
/// too).
pub fn roots(extra_pem: Option<&[u8]>) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    if let Some(pem) = extra_pem {
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| format!("--ca-file: {e}"))?;
            roots.add(cert).map_err(|e| format!("--ca-file: {e}"))?;
            added += 1;
        }
        if added == 0 {
            return Err("--ca-file holds no PEM certificate".to_string());
        }
    }
    Ok(roots)
}

/// Connects to `host` on one of `addresses`, reads its certificate, and asks `HEAD /` when the
/// certificate is valid and `opts.http` is set.
pub fn check(host: &str, addresses: &[IpAddr], opts: &DomainOptions) -> (TlsFacts, Option<HttpFacts>) {
    let (facts, stream) = match handshake(host, addresses, opts) {
        Ok(done) => done,
        Err(why) => {
            return (TlsFacts { error: Some(TlsError::Unavailable(why)), ..TlsFacts::default() }, None)
        }
    };
    let http = match stream {
        Some(mut s) if opts.http => Some(head(host, &mut s, opts.timeout)),
        _ => None,
    };
    (facts, http)
}

type Tls = rustls::StreamOwned<ClientConnection, TcpStream>;

/// The handshake's facts and, when the certificate is valid, the open connection. `Err` with
/// the reason when TLS could not be set up or no address answered.
fn handshake(
    host: &str,
    addresses: &[IpAddr],
    opts: &DomainOptions,
) -> Result<(TlsFacts, Option<Tls>), String> {
    let unavailable = |why: String| why;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = roots(opts.extra_roots_pem.as_deref()).map_err(unavailable)?;
    let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| unavailable(format!("cannot set up certificate verification: {e}")))?;
    let verifier = Arc::new(Recording { inner, verdict: Mutex::new(None), end_entity: Mutex::new(None) });
    let config = ClientConfig::builder_with_provider(provider as Arc<CryptoProvider>)
        .with_safe_default_protocol_versions()
        .map_err(|e| unavailable(format!("cannot set up TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| unavailable(format!("{host} is not a valid name: {e}")))?;
    let mut order: Vec<IpAddr> = addresses.iter().copied().filter(IpAddr::is_ipv4).collect();
    order.extend(addresses.iter().copied().filter(IpAddr::is_ipv6));
    let mut last = String::from("no address");
    for ip in order.into_iter().take(3) {
        let addr = SocketAddr::new(ip, opts.port);
        let sock = match TcpStream::connect_timeout(&addr, opts.timeout) {
            Ok(s) => s,
            Err(e) => {
                last = connect_error(&e, addr, opts.timeout);
                continue;
            }
        };
        let _ = sock.set_read_timeout(Some(opts.timeout));
        let _ = sock.set_write_timeout(Some(opts.timeout));
        let conn = ClientConnection::new(Arc::new(config.clone()), name.clone())
            .map_err(|e| unavailable(format!("cannot start TLS: {e}")))?;
        let mut tls = rustls::StreamOwned::new(conn, sock);
        let deadline = Instant::now() + opts.timeout;
        let mut failure = None;
        while tls.conn.is_handshaking() {
            if Instant::now() > deadline {
                failure =
                    Some(format!("the TLS handshake with {addr} took longer than {}", seconds(opts.timeout)));
                break;
            }
            if let Err(e) = tls.conn.complete_io(&mut tls.sock) {
                failure = Some(io_error(&e, addr, opts.timeout));
                break;
            }
        }
        let der = verifier.end_entity.lock().ok().and_then(|c| c.clone());
        let verdict = verifier.verdict.lock().ok().and_then(|v| v.clone());
        let mut facts = TlsFacts { address: Some(addr.to_string()), ..TlsFacts::default() };
        facts.certificate = der.as_deref().and_then(x509::parse);
        if let Some(not_after) = facts.certificate.as_ref().and_then(|c| c.not_after) {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
            facts.expires = Some(x509::date(not_after));
            facts.days_left = Some((not_after - now).div_euclid(86_400));
        }
        if let Some(why) = failure {
            facts.error = Some(match verdict {
                Some(Err(e)) => {
                    TlsError::Certificate(certificate_reason(&e, host, facts.certificate.as_ref()))
                }
                _ => TlsError::Unavailable(why),
            });
            return Ok((facts, None));
        }
        facts.protocol = tls.conn.protocol_version().map(|v| match v {
            rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".to_string(),
            rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".to_string(),
            other => format!("{other:?}"),
        });
        return match verdict {
            Some(Ok(())) => {
                facts.verified = true;
                Ok((facts, Some(tls)))
            }
            Some(Err(e)) => {
                facts.error =
                    Some(TlsError::Certificate(certificate_reason(&e, host, facts.certificate.as_ref())));
                Ok((facts, None))
            }
            None => {
                facts.error = Some(TlsError::Unavailable("the server sent no certificate".to_string()));
                Ok((facts, None))
            }
        };
    }
    Err(unavailable(last))
}

/// The exact reason a certificate was refused, in words.
fn certificate_reason(e: &rustls::Error, host: &str, cert: Option<&x509::CertInfo>) -> String {
    let names = || {
        cert.map(|c| c.names.join(", "))
            .filter(|n| !n.is_empty())
            .or_else(|| cert.and_then(|c| c.subject.clone()))
    };
    let expiry = || cert.and_then(|c| c.not_after).map(x509::date);
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => match expiry() {
                Some(d) => format!("expired on {d}"),
                None => "expired".to_string(),
            },
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "not valid yet".to_string()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                match names() {
                    Some(n) => format!("issued for {n}, not {host}"),
                    None => format!("not issued for {host}"),
                }
            }
            CertificateError::UnknownIssuer => match cert {
                Some(c) if self_signed(c) => format!("self-signed ({})", c.subject.as_deref().unwrap_or("?")),
                Some(c) => format!(
                    "issued by an authority no trusted root vouches for ({})",
                    c.issuer.as_deref().unwrap_or("unknown issuer")
                ),
                None => "issued by an unknown authority".to_string(),
            },
            CertificateError::Revoked => "revoked by its issuer".to_string(),
            CertificateError::BadEncoding => "not a well-formed certificate".to_string(),
            CertificateError::BadSignature => "its signature does not verify".to_string(),
            CertificateError::UnsupportedSignatureAlgorithmContext { .. }
            | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
                "signed with an algorithm that is not accepted".to_string()
            }
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
                "not issued for serving a website (its key usage does not allow TLS servers)".to_string()
            }
            CertificateError::UnhandledCriticalExtension => {
                "it has a critical extension that cannot be checked".to_string()
            }
            CertificateError::Other(o) => match o.0.downcast_ref::<webpki::Error>() {
                Some(w) => webpki_reason(w, cert),
                None => format!("refused: {o}"),
            },
            other => format!("refused: {other}"),
        },
        other => other.to_string(),
    }
}

/// Issuer and subject are the same: nobody but the server vouches for the certificate.
fn self_signed(c: &x509::CertInfo) -> bool {
    c.issuer.is_some() && c.issuer == c.subject
}

/// The reasons webpki gives that rustls passes on as "other", in words.
fn webpki_reason(e: &webpki::Error, cert: Option<&x509::CertInfo>) -> String {
    match e {
        webpki::Error::CaUsedAsEndEntity => match cert {
            Some(c) if self_signed(c) => format!(
                "self-signed: a CA certificate ({}) is used as the server's own certificate",
                c.subject.as_deref().unwrap_or("?")
            ),
            _ => "a CA certificate is used as the server's own certificate".to_string(),
        },
        webpki::Error::EndEntityUsedAsCa => {
            "a server certificate is used to issue another certificate in the chain".to_string()
        }
        webpki::Error::UnsupportedCertVersion => "an old certificate format (not X.509 v3)".to_string(),
        #[allow(deprecated)]
        webpki::Error::RequiredEkuNotFound | webpki::Error::RequiredEkuNotFoundContext(_) => {
            "not issued for serving a website (no TLS server purpose)".to_string()
        }
        webpki::Error::InvalidSignatureForPublicKey => "its signature does not verify".to_string(),
        webpki::Error::MaximumPathDepthExceeded | webpki::Error::MaximumPathBuildCallsExceeded => {
            "its chain is too long to verify".to_string()
        }
        webpki::Error::PathLenConstraintViolated => "its chain breaks a path length constraint".to_string(),
        webpki::Error::NameConstraintViolation => "its names break its issuer's name constraints".to_string(),
        other => format!("refused by the certificate check ({other})"),
    }
}

fn connect_error(e: &std::io::Error, addr: SocketAddr, timeout: Duration) -> String {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => format!("connection to {addr} refused"),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            format!("no connection to {addr} within {}", seconds(timeout))
        }
        _ => format!("cannot connect to {addr}: {}", io_words(e)),
    }
}

fn io_error(e: &std::io::Error, addr: SocketAddr, timeout: Duration) -> String {
    match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            format!("{addr} did not answer the TLS handshake within {}", seconds(timeout))
        }
        _ => format!("the TLS handshake with {addr} failed: {}", io_words(e)),
    }
}

/// `HEAD /` over the verified connection; the status, `Location` and `Server`. The whole answer
/// head must come within `timeout` (a server that sends it a byte at a time does not stretch
/// that), and what went wrong is said in words.
fn head(host: &str, tls: &mut Tls, timeout: Duration) -> HttpFacts {
    let request = format!(
        "HEAD / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: linkaudit/{} (tracking-domain check)\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    let failed = |why: String| HttpFacts { error: Some(why), ..HttpFacts::default() };
    let within = format!("within {}", seconds(timeout));
    if let Err(e) = tls.write_all(request.as_bytes()).and_then(|()| tls.flush()) {
        return failed(match e.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                format!("the request could not be sent {within}")
            }
            _ => format!("the request could not be sent: {}", io_words(&e)),
        });
    }
    let deadline = Instant::now() + timeout;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.len() >= MAX_HEAD {
            break;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return failed(incomplete(&buf, &within));
        }
        let _ = tls.sock.set_read_timeout(Some(left));
        match tls.read(&mut chunk) {
            Ok(0) if buf.is_empty() => {
                return failed("the server closed the connection without answering".into())
            }
            Ok(0) => return failed("the server closed the connection in the middle of its answer".into()),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) => {
                return failed(incomplete(&buf, &within));
            }
            Err(e) => return failed(format!("the connection failed: {}", io_words(&e))),
        }
    }
    parse_head(&String::from_utf8_lossy(&buf))
}

/// What a read that ran out of time got.
fn incomplete(buf: &[u8], within: &str) -> String {
    if buf.is_empty() {
        format!("no HTTP answer {within}")
    } else {
        format!("the HTTP answer did not come whole {within} ({} bytes of it arrived)", buf.len())
    }
}

/// An I/O error in words, without the operating system's error number.
fn io_words(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionReset => "the server reset the connection".into(),
        ConnectionAborted => "the connection was aborted".into(),
        BrokenPipe => "the server closed the connection".into(),
        UnexpectedEof => "the server closed the connection".into(),
        InvalidData => format!("the server sent data that is not valid TLS ({e})"),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_lowercase(),
                None => text,
            }
        }
    }
}

fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Status, `Location` and `Server` of an HTTP response head.
pub fn parse_head(text: &str) -> HttpFacts {
    let mut lines = text.split("\r\n");
    let status = lines
        .next()
        .filter(|l| l.starts_with("HTTP/"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse::<u16>().ok());
    let mut facts = HttpFacts { status, ..HttpFacts::default() };
    if status.is_none() {
        facts.error = Some("the answer is not an HTTP response".to_string());
        return facts;
    }
    for line in lines.take_while(|l| !l.is_empty()) {
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "location" => facts.location = Some(value.trim().to_string()),
                "server" => facts.server = Some(value.trim().to_string()),
                _ => {}
            }
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::parse_head;

    #[test]
    fn heads() {
        let h = parse_head("HTTP/1.1 302 Found\r\nLocation: https://example.com/\r\nServer: nginx\r\n\r\n");
        assert_eq!(
            (h.status, h.location.as_deref(), h.server.as_deref()),
            (Some(302), Some("https://example.com/"), Some("nginx"))
        );
        assert_eq!(parse_head("garbage").error.as_deref(), Some("the answer is not an HTTP response"));
        assert_eq!(parse_head("HTTP/1.1 404 Not Found\r\n\r\n").status, Some(404));
    }
}
