//! CLI (IMAP): a small IMAP4rev1 client over rustls — connect (TLS, STARTTLS or loopback plain
//! text), log in (AUTHENTICATE PLAIN or XOAUTH2, LOGIN as the fallback), EXAMINE / SELECT,
//! UID SEARCH, UID FETCH of `BODY.PEEK[]` (never sets `\Seen`), IDLE, NOOP, UID MOVE (or COPY,
//! STORE `\Deleted` and UID EXPUNGE), UID STORE of a keyword, LOGOUT. Every read has a timeout;
//! every answer goes through the bounded parser in [`super::response`].

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};

use super::auth::{self, Secret};
use super::response::{self, code_number, code_word, Fetch, Limits, Response, Status};
use super::url::{MailboxUrl, Security};

/// A whole response may take this many read timeouts (10 minutes at the default 30 s: a
/// 64 MiB message at 110 KB/s).
const RESPONSE_TIMEOUTS: u32 = 20;

fn secs(d: Duration) -> String {
    format!("{:.0} s", d.as_secs_f64())
}

/// How a failure should be handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The connection broke or timed out: reconnect.
    Network,
    /// Wrong password, untrusted certificate, missing mailbox, no TLS: retrying cannot help.
    Fatal,
    /// The server refused one command (NO/BAD): the session goes on.
    Refused,
}

#[derive(Debug, Clone)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
}

impl Error {
    fn new(kind: Kind, message: impl Into<String>) -> Error {
        Error { kind, message: message.into() }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// What `EXAMINE` / `SELECT` says of a mailbox.
#[derive(Debug, Clone, Copy)]
pub struct Mailbox {
    pub uidvalidity: u32,
    pub uidnext: Option<u32>,
}

/// One step of an IDLE wait.
#[derive(Debug, PartialEq, Eq)]
pub enum Idle {
    /// New messages may have arrived (EXISTS).
    News,
    /// Nothing within the tick.
    Quiet,
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(t) => &t.sock,
        }
    }
}

pub struct Client {
    stream: Stream,
    buf: Vec<u8>,
    limits: Limits,
    tag: u32,
    caps: Vec<String>,
    timeout: Duration,
    host: String,
}

/// TLS settings: the webpki roots plus `--ca-file`.
pub fn tls_config(ca_pem: Option<&[u8]>) -> std::result::Result<Arc<ClientConfig>, String> {
    let roots = linkaudit::domain::tls::roots(ca_pem)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

impl Client {
    /// Connects, secures the connection as the URL asks, and reads the greeting.
    pub fn connect(
        url: &MailboxUrl,
        tls: &Arc<ClientConfig>,
        timeout: Duration,
        limits: Limits,
    ) -> Result<Client> {
        let place = format!("{}:{}", url.host, url.port);
        let addrs: Vec<_> = (url.host.as_str(), url.port)
            .to_socket_addrs()
            .map_err(|e| Error::new(Kind::Network, format!("cannot find {}: {e}", url.host)))?
            .collect();
        let mut last = Error::new(Kind::Network, format!("{} has no address", url.host));
        let mut sock = None;
        for addr in addrs.iter().take(3) {
            match TcpStream::connect_timeout(addr, timeout) {
                Ok(s) => {
                    sock = Some(s);
                    break;
                }
                Err(e) => last = Error::new(Kind::Network, format!("cannot connect to {place}: {e}")),
            }
        }
        let sock = sock.ok_or(last)?;
        let _ = sock.set_nodelay(true);
        let stream = Stream::Plain(sock);
        let mut c = Client {
            stream,
            buf: Vec::new(),
            limits,
            tag: 0,
            caps: Vec::new(),
            timeout,
            host: url.host.clone(),
        };
        c.set_timeout(timeout)?;
        if url.security == Security::Tls {
            c.start_tls(tls)?;
        }
        match c.read()? {
            Response::State { status: Status::Ok | Status::Preauth, code, .. } => {
                c.take_caps(code.as_deref())
            }
            Response::State { status: Status::Bye, text, .. } => {
                return Err(Error::new(Kind::Network, format!("{place} refused the connection: {text}")))
            }
            _ => return Err(Error::new(Kind::Fatal, format!("{place} did not greet as an IMAP server"))),
        }
        // Not every greeting lists the capabilities (Microsoft's does not).
        if c.caps.is_empty() {
            c.capability()?;
        }
        if url.security == Security::StartTls {
            if c.has("STARTTLS") {
                c.command("STARTTLS")?;
                c.buf.clear();
                c.start_tls(tls)?;
                c.capability()?;
            } else if !url.loopback() {
                return Err(Error::new(
                    Kind::Fatal,
                    format!("{place} offers no STARTTLS: use imaps:// (plain imap:// only to localhost)"),
                ));
            }
        }
        Ok(c)
    }

    fn start_tls(&mut self, tls: &Arc<ClientConfig>) -> Result<()> {
        let name = ServerName::try_from(self.host.clone())
            .map_err(|e| Error::new(Kind::Fatal, format!("{} is not a valid server name: {e}", self.host)))?;
        let conn = ClientConnection::new(tls.clone(), name)
            .map_err(|e| Error::new(Kind::Fatal, format!("cannot start TLS: {e}")))?;
        let Stream::Plain(sock) = &self.stream else { return Ok(()) };
        let sock =
            sock.try_clone().map_err(|e| Error::new(Kind::Network, format!("cannot start TLS: {e}")))?;
        let mut tls = StreamOwned::new(conn, sock);
        while tls.conn.is_handshaking() {
            if let Err(e) = tls.conn.complete_io(&mut tls.sock) {
                return Err(tls_error(&e, &self.host));
            }
        }
        self.stream = Stream::Tls(Box::new(tls));
        Ok(())
    }

    fn set_timeout(&self, t: Duration) -> Result<()> {
        let sock = self.stream.tcp();
        sock.set_read_timeout(Some(t))
            .and_then(|()| sock.set_write_timeout(Some(self.timeout)))
            .map_err(|e| Error::new(Kind::Network, e.to_string()))
    }

    /// Does the server advertise `cap`?
    pub fn has(&self, cap: &str) -> bool {
        self.caps.iter().any(|c| c == cap)
    }

    fn take_caps(&mut self, code: Option<&str>) {
        if let Some(rest) = code.and_then(|c| c.strip_prefix("CAPABILITY ")) {
            self.caps = rest.split(' ').map(str::to_ascii_uppercase).collect();
        }
    }

    fn capability(&mut self) -> Result<()> {
        for r in self.command("CAPABILITY")? {
            if let Response::Capability(caps) = r {
                self.caps = caps;
            }
        }
        Ok(())
    }

    fn send(&mut self, line: &str) -> Result<()> {
        let bytes = format!("{line}\r\n");
        let result = match &mut self.stream {
            Stream::Plain(s) => s.write_all(bytes.as_bytes()).and_then(|()| s.flush()),
            Stream::Tls(t) => t.write_all(bytes.as_bytes()).and_then(|()| t.flush()),
        };
        result.map_err(|e| network(&e, &self.host))
    }

    /// The next response; a read timeout is an error of kind Network (or `Ok(None)` from
    /// [`Client::try_read`]).
    fn read(&mut self) -> Result<Response> {
        // A whole response gets at most this long, however its bytes trickle in (each read has
        // the timeout; a server sending one byte just under it would otherwise never be done).
        let deadline = Instant::now() + self.timeout.saturating_mul(RESPONSE_TIMEOUTS);
        match self.try_read(Some(deadline))? {
            Some(r) => Ok(r),
            None => Err(Error::new(Kind::Network, format!("{} did not answer in time", self.host))),
        }
    }

    /// The next response, or `None` when the read timed out (what was read stays buffered).
    fn try_read(&mut self, deadline: Option<Instant>) -> Result<Option<Response>> {
        loop {
            if deadline.is_some_and(|d| Instant::now() > d) {
                return Err(Error::new(
                    Kind::Network,
                    format!(
                        "{} took longer than {} for one answer",
                        self.host,
                        secs(self.timeout * RESPONSE_TIMEOUTS)
                    ),
                ));
            }
            match response::parse(&self.buf, &self.limits) {
                Ok(Some((r, n))) => {
                    self.buf.drain(..n);
                    return Ok(Some(r));
                }
                Ok(None) => {}
                Err(e) => return Err(Error::new(Kind::Network, format!("{}: {e}", self.host))),
            }
            let mut chunk = [0u8; 64 * 1024];
            let got = match &mut self.stream {
                Stream::Plain(s) => s.read(&mut chunk),
                Stream::Tls(t) => t.read(&mut chunk),
            };
            match got {
                Ok(0) => {
                    return Err(Error::new(Kind::Network, format!("{} closed the connection", self.host)))
                }
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e)
                    if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
                {
                    return Ok(None)
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(network(&e, &self.host)),
            }
        }
    }

    fn next_tag(&mut self) -> String {
        self.tag += 1;
        format!("L{}", self.tag)
    }

    /// Sends a command and collects the untagged answers until its tagged one; NO and BAD are
    /// errors of kind Refused.
    pub fn command(&mut self, cmd: &str) -> Result<Vec<Response>> {
        let tag = self.next_tag();
        self.send(&format!("{tag} {cmd}"))?;
        self.finish(&tag, cmd)
    }

    fn finish(&mut self, tag: &str, cmd: &str) -> Result<Vec<Response>> {
        let mut out = Vec::new();
        loop {
            match self.read()? {
                Response::Tagged { tag: t, status, code, text } if t == tag => {
                    self.take_caps(code.as_deref());
                    return match status {
                        Status::Ok => Ok(out),
                        _ => Err(Error {
                            kind: Kind::Refused,
                            message: refusal(cmd, code_word(code.as_deref()).as_deref(), &text),
                        }),
                    };
                }
                Response::State { status: Status::Bye, text, .. } => {
                    return Err(Error::new(
                        Kind::Network,
                        format!("{} closed the session: {text}", self.host),
                    ))
                }
                Response::Continue(_) => {
                    return Err(Error::new(
                        Kind::Network,
                        format!("{} asked for more than was sent", self.host),
                    ))
                }
                r => out.push(r),
            }
        }
    }

    /// Logs in; a refusal is fatal (a wrong password does not get right by retrying).
    pub fn login(&mut self, user: &str, secret: &Secret) -> Result<()> {
        let tag = self.next_tag();
        // The SASL initial response goes on the command line when the server takes that
        // (SASL-IR), else after its first `+`.
        let sasl = |mechanism: &str, initial: String, ir: bool| {
            if ir {
                (format!("{tag} AUTHENTICATE {mechanism} {initial}"), None)
            } else {
                (format!("{tag} AUTHENTICATE {mechanism}"), Some(initial))
            }
        };
        let ir = self.has("SASL-IR");
        let ((line, mut pending), what) = match secret {
            Secret::Token(token) => (sasl("XOAUTH2", auth::xoauth2(user, token), ir), "XOAUTH2"),
            Secret::Password(pw) if self.has("AUTH=PLAIN") => {
                (sasl("PLAIN", auth::plain(user, pw), ir), "PLAIN")
            }
            Secret::Password(pw) => {
                if self.has("LOGINDISABLED") {
                    return Err(Error::new(
                        Kind::Fatal,
                        format!("{} does not allow logging in here", self.host),
                    ));
                }
                let (Some(u), Some(p)) = (auth::quoted(user), auth::quoted(pw)) else {
                    return Err(Error::new(
                        Kind::Fatal,
                        "the server takes no AUTHENTICATE PLAIN, and LOGIN cannot carry this user name or password",
                    ));
                };
                ((format!("{tag} LOGIN {u} {p}"), None), "LOGIN")
            }
        };
        self.send(&line)?;
        loop {
            match self.read()? {
                // The initial response, if it was not sent inline; after it, a challenge is a
                // failed XOAUTH2's error: answered with an empty line, the server then says NO.
                Response::Continue(_) => {
                    let answer = pending.take().unwrap_or_default();
                    self.send(&answer)?;
                }
                Response::Tagged { tag: t, status, code, text } if t == tag => {
                    let had_caps = code.as_deref().is_some_and(|c| c.starts_with("CAPABILITY "));
                    self.take_caps(code.as_deref());
                    if status != Status::Ok {
                        let why = if code_word(code.as_deref()).as_deref() == Some("AUTHENTICATIONFAILED") {
                            "wrong user name or password".to_string()
                        } else {
                            text
                        };
                        return Err(Error::new(
                            Kind::Fatal,
                            format!("{} refused the login of {user} ({what}): {why}", self.host),
                        ));
                    }
                    // What the server offers after login (IDLE, MOVE) may differ from before.
                    if !had_caps {
                        self.capability()?;
                    }
                    return Ok(());
                }
                Response::State { status: Status::Bye, text, .. } => {
                    return Err(Error::new(
                        Kind::Network,
                        format!("{} closed the session: {text}", self.host),
                    ))
                }
                _ => {}
            }
        }
    }

    /// Opens the mailbox: read-only (EXAMINE) unless `write`.
    pub fn open(&mut self, mailbox: &str, write: bool) -> Result<Mailbox> {
        let name = quote_mailbox(mailbox)?;
        let verb = if write { "SELECT" } else { "EXAMINE" };
        let answers = self.command(&format!("{verb} {name}")).map_err(|e| match e.kind {
            Kind::Refused => {
                Error::new(Kind::Fatal, format!("cannot open the mailbox {mailbox:?}: {}", e.message))
            }
            _ => e,
        })?;
        let mut uidvalidity = None;
        let mut uidnext = None;
        for r in answers {
            if let Response::State { code, .. } = r {
                uidvalidity = uidvalidity.or(code_number(code.as_deref(), "UIDVALIDITY"));
                uidnext = uidnext.or(code_number(code.as_deref(), "UIDNEXT"));
            }
        }
        let uidvalidity = uidvalidity.ok_or_else(|| {
            Error::new(
                Kind::Fatal,
                format!("{} gave the mailbox no UIDVALIDITY: cannot track messages", self.host),
            )
        })?;
        Ok(Mailbox { uidvalidity, uidnext })
    }

    /// `UID SEARCH criteria`: the UIDs, ascending.
    pub fn search(&mut self, criteria: &str) -> Result<Vec<u32>> {
        let mut uids = Vec::new();
        for r in self.command(&format!("UID SEARCH {criteria}"))? {
            if let Response::Search(found) = r {
                uids.extend(found);
            }
        }
        uids.sort_unstable();
        uids.dedup();
        Ok(uids)
    }

    /// The first `cap` bytes of a message (`BODY.PEEK[]<0.cap>`: no `\Seen`), and its flags.
    /// `Ok(None)` when the message is gone.
    pub fn fetch(&mut self, uid: u32, cap: usize) -> Result<Option<Fetch>> {
        let answers = self.command(&format!("UID FETCH {uid} (UID FLAGS BODY.PEEK[]<0.{cap}>)"))?;
        Ok(answers.into_iter().find_map(|r| match r {
            Response::Fetch(f) if f.uid == Some(uid) && f.body.is_some() => Some(f),
            _ => None,
        }))
    }

    /// Moves a message into another mailbox (UID MOVE, or COPY + `\Deleted` + UID EXPUNGE).
    pub fn move_to(&mut self, uid: u32, mailbox: &str) -> Result<()> {
        let name = quote_mailbox(mailbox)?;
        if self.has("MOVE") {
            return match self.command(&format!("UID MOVE {uid} {name}")) {
                // The target does not exist yet: create it once, then move.
                Err(e) if e.kind == Kind::Refused && e.message.contains("TRYCREATE") => {
                    self.command(&format!("CREATE {name}"))?;
                    self.command(&format!("UID MOVE {uid} {name}")).map(drop)
                }
                other => other.map(drop),
            };
        }
        if !self.has("UIDPLUS") {
            return Err(Error::new(Kind::Refused, "the server can neither MOVE nor UID EXPUNGE: not moved"));
        }
        self.command(&format!("UID COPY {uid} {name}"))?;
        self.command(&format!("UID STORE {uid} +FLAGS.SILENT (\\Deleted)"))?;
        self.command(&format!("UID EXPUNGE {uid}")).map(drop)
    }

    /// Adds a keyword to a message.
    pub fn add_keyword(&mut self, uid: u32, keyword: &str) -> Result<()> {
        self.command(&format!("UID STORE {uid} +FLAGS.SILENT ({keyword})")).map(drop)
    }

    pub fn noop(&mut self) -> Result<Vec<Response>> {
        self.command("NOOP")
    }

    /// Starts IDLE; returns its tag once the server has accepted it, and whether news (EXISTS)
    /// came before that (a message that landed between the last search and IDLE).
    pub fn idle(&mut self) -> Result<(String, bool)> {
        let tag = self.next_tag();
        self.send(&format!("{tag} IDLE"))?;
        let mut news = false;
        loop {
            match self.read()? {
                Response::Continue(_) => return Ok((tag, news)),
                Response::Exists(_) => news = true,
                Response::Tagged { tag: t, text, .. } if t == tag => {
                    return Err(Error::new(Kind::Refused, format!("IDLE refused: {text}")))
                }
                Response::State { status: Status::Bye, text, .. } => {
                    return Err(Error::new(
                        Kind::Network,
                        format!("{} closed the session: {text}", self.host),
                    ))
                }
                _ => {}
            }
        }
    }

    /// Waits up to `tick` in IDLE for news.
    pub fn idle_wait(&mut self, tick: Duration) -> Result<Idle> {
        self.set_timeout(tick)?;
        let got = self.try_read(None);
        self.set_timeout(self.timeout)?;
        match got? {
            None => Ok(Idle::Quiet),
            Some(Response::Exists(_)) => Ok(Idle::News),
            Some(Response::State { status: Status::Bye, text, .. }) => {
                Err(Error::new(Kind::Network, format!("{} closed the session: {text}", self.host)))
            }
            Some(Response::Tagged { text, .. }) => {
                Err(Error::new(Kind::Network, format!("{} ended IDLE: {text}", self.host)))
            }
            Some(_) => Ok(Idle::Quiet),
        }
    }

    /// Ends IDLE.
    pub fn idle_done(&mut self, tag: &str) -> Result<()> {
        self.send("DONE")?;
        self.finish(tag, "IDLE").map(drop)
    }

    /// Says goodbye (best effort).
    pub fn logout(mut self) {
        let _ = self.command("LOGOUT");
    }
}

fn quote_mailbox(mailbox: &str) -> Result<String> {
    auth::quoted(&super::url::mailbox_utf7(mailbox))
        .ok_or_else(|| Error::new(Kind::Fatal, format!("the mailbox name {mailbox:?} holds a line break")))
}

fn refusal(cmd: &str, code: Option<&str>, text: &str) -> String {
    let verb = cmd.split(' ').take(2).collect::<Vec<_>>().join(" ");
    match code {
        Some("NONEXISTENT") => format!("it does not exist ({text})"),
        Some("TRYCREATE") => format!("{verb} refused (TRYCREATE): {text}"),
        _ => format!("{verb} refused: {text}"),
    }
}

fn network(e: &std::io::Error, host: &str) -> Error {
    if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) {
        return Error::new(Kind::Network, format!("{host} did not answer in time"));
    }
    Error::new(Kind::Network, format!("connection to {host}: {e}"))
}

/// A failed handshake in words; a certificate problem is fatal.
fn tls_error(e: &std::io::Error, host: &str) -> Error {
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
    match inner {
        Some(rustls::Error::InvalidCertificate(c)) => {
            use rustls::CertificateError as C;
            let why = match c {
                C::UnknownIssuer => {
                    "issued by an authority no trusted root vouches for (a private CA? use --ca-file)"
                        .to_string()
                }
                C::Expired | C::ExpiredContext { .. } => "expired".to_string(),
                C::NotValidForName | C::NotValidForNameContext { .. } => format!("not issued for {host}"),
                other => format!("{other:?}"),
            };
            Error::new(Kind::Fatal, format!("the certificate of {host} is not trusted: {why}"))
        }
        Some(other) => Error::new(Kind::Fatal, format!("TLS with {host} failed: {other}")),
        None => network(e, host),
    }
}
