//! CLI (IMAP): the mailbox a watch reads, `imaps://USER@HOST[:PORT]/MAILBOX` (TLS from the
//! start, port 993) or `imap://…` (port 143: STARTTLS, or plain text to `localhost` / a loopback
//! address only). The user name and the mailbox are percent-decoded (`alice%40example.com`); a
//! password in the URL is refused — it would sit in the shell history and the process list.

use percent_encoding::percent_decode_str;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `imaps://`: TLS from the first byte.
    Tls,
    /// `imap://`: STARTTLS when the server offers it; plain text only to a loopback host.
    StartTls,
}

/// A parsed mailbox URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxUrl {
    pub security: Security,
    pub user: String,
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    pub port: u16,
    pub mailbox: String,
}

/// Is `arg` meant as a mailbox URL rather than a folder?
pub fn is_mailbox_url(arg: &str) -> bool {
    let lower = arg.get(..8).unwrap_or(arg).to_ascii_lowercase();
    lower.starts_with("imaps://") || lower.starts_with("imap://")
}

impl MailboxUrl {
    /// Parses `imaps://USER@HOST[:PORT]/MAILBOX`.
    pub fn parse(arg: &str) -> Result<MailboxUrl, String> {
        let url = url::Url::parse(arg).map_err(|e| format!("{arg:?} is not a mailbox URL: {e}"))?;
        let (security, default_port) = match url.scheme() {
            "imaps" => (Security::Tls, 993),
            "imap" => (Security::StartTls, 143),
            other => return Err(format!("{other}:// is not a mailbox URL: use imaps://USER@HOST/MAILBOX")),
        };
        if url.password().is_some() {
            return Err("a password in the URL would be seen in the shell history and the process list: \
                        remove it and set LINKAUDIT_IMAP_PASSWORD (or use --password-file or ~/.netrc)"
                .to_string());
        }
        let user = decode(url.username(), "user name")?;
        if user.is_empty() {
            return Err(format!("{arg:?} names no user: imaps://USER@HOST/MAILBOX"));
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) => decode(d, "host")?.to_ascii_lowercase(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => return Err(format!("{arg:?} names no host")),
        };
        if host.is_empty() {
            return Err(format!("{arg:?} names no host"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!("{arg:?}: a mailbox URL has no ?query or #fragment"));
        }
        let path = url.path().strip_prefix('/').unwrap_or(url.path());
        let mailbox = decode(path, "mailbox")?;
        let mailbox = if mailbox.is_empty() { "INBOX".to_string() } else { mailbox };
        if mailbox.contains(';') {
            return Err(format!("{arg:?}: name a mailbox, not a message (no ;UID=…)"));
        }
        Ok(MailboxUrl { security, user, host, port: url.port().unwrap_or(default_port), mailbox })
    }

    /// May this connection go without TLS? Only to this machine.
    pub fn loopback(&self) -> bool {
        self.host == "localhost" || self.host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// The URL as verdicts name it (`imaps://qa@host:993/INBOX`), and with
    /// `;UIDVALIDITY=…/;UID=…` (RFC 5092) a message in it.
    pub fn show(&self, message: Option<(u32, u32)>) -> String {
        let scheme = match self.security {
            Security::Tls => "imaps",
            Security::StartTls => "imap",
        };
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        let user = percent_encoding::utf8_percent_encode(&self.user, USER).to_string();
        let mailbox = percent_encoding::utf8_percent_encode(&self.mailbox, MAILBOX).to_string();
        let mut out = format!("{scheme}://{user}@{host}:{}/{mailbox}", self.port);
        if let Some((validity, uid)) = message {
            out.push_str(&format!(";UIDVALIDITY={validity}/;UID={uid}"));
        }
        out
    }
}

const USER: &percent_encoding::AsciiSet =
    &percent_encoding::CONTROLS.add(b'@').add(b':').add(b'/').add(b'%').add(b' ').add(b';');
const MAILBOX: &percent_encoding::AsciiSet =
    &percent_encoding::CONTROLS.add(b'%').add(b' ').add(b';').add(b'?').add(b'#');

/// A mailbox name as IMAP4rev1 spells it on the wire: modified UTF-7 (RFC 3501 5.1.3) — printable
/// ASCII as itself, `&` as `&-`, anything else as UTF-16 in base64 (`,` for `/`) between `&` and
/// `-`.
pub fn mailbox_utf7(name: &str) -> String {
    use base64::Engine as _;
    fn flush(pending: &mut Vec<u16>, out: &mut String) {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        out.push('&');
        out.push_str(&base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes).replace('/', ","));
        out.push('-');
        pending.clear();
    }
    let mut out = String::with_capacity(name.len());
    let mut pending = Vec::new();
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

fn decode(s: &str, what: &str) -> Result<String, String> {
    let decoded = percent_decode_str(s)
        .decode_utf8()
        .map_err(|_| format!("the {what} in the mailbox URL is not UTF-8 once decoded"))?;
    if decoded.chars().any(|c| c.is_control()) {
        return Err(format!("the {what} in the mailbox URL holds a control character"));
    }
    Ok(decoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let cases: &[(&str, Security, &str, &str, u16, &str)] = &[
            ("imaps://qa@mail.example.com/INBOX", Security::Tls, "qa", "mail.example.com", 993, "INBOX"),
            ("imaps://qa@Mail.Example.com", Security::Tls, "qa", "mail.example.com", 993, "INBOX"),
            ("imaps://qa@127.0.0.1:10993/", Security::Tls, "qa", "127.0.0.1", 10993, "INBOX"),
            ("imap://qa@localhost/QA%20sends", Security::StartTls, "qa", "localhost", 143, "QA sends"),
            (
                "IMAPS://alice%40gmail.com@imap.gmail.com/[Gmail]/All",
                Security::Tls,
                "alice@gmail.com",
                "imap.gmail.com",
                993,
                "[Gmail]/All",
            ),
            ("imaps://qa@[::1]:2000/Test/Sub", Security::Tls, "qa", "::1", 2000, "Test/Sub"),
        ];
        for &(arg, security, user, host, port, mailbox) in cases {
            assert!(is_mailbox_url(arg), "{arg}");
            let u = MailboxUrl::parse(arg).unwrap_or_else(|e| panic!("{arg}: {e}"));
            assert_eq!(
                u,
                MailboxUrl { security, user: user.into(), host: host.into(), port, mailbox: mailbox.into() },
                "{arg}"
            );
        }
    }

    #[test]
    fn refuses() {
        let cases: &[(&str, &str)] = &[
            ("imaps://qa:secret@mail.example.com/INBOX", "password in the URL"),
            ("imaps://mail.example.com/INBOX", "names no user"),
            ("imaps://qa@/INBOX", "not a mailbox URL"),
            ("pop3://qa@mail.example.com/", "not a mailbox URL"),
            ("imaps://qa@mail.example.com/INBOX?x=1", "no ?query"),
            ("imaps://qa@mail.example.com/INBOX;UID=4", "not a message"),
            ("imaps://q%0Aa@mail.example.com/INBOX", "control character"),
            ("imaps://qa@mail.example.com/%FF", "not UTF-8"),
            ("imaps://qa@mail.example.com:99999/", "not a mailbox URL"),
        ];
        for (arg, want) in cases {
            let err = MailboxUrl::parse(arg).expect_err(arg);
            assert!(err.contains(want), "{arg}: {err}");
        }
        assert!(!is_mailbox_url("./imap"));
        assert!(!is_mailbox_url("imap:"));
    }

    #[test]
    fn modified_utf7() {
        let cases = [
            ("INBOX", "INBOX"),
            ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
            ("Tom & Jerry", "Tom &- Jerry"),
            ("Prüfung", "Pr&APw-fung"),
            ("😀", "&2D3eAA-"),
            ("", ""),
        ];
        for (name, wire) in cases {
            assert_eq!(mailbox_utf7(name), wire, "{name}");
        }
    }

    #[test]
    fn loopback_and_show() {
        let u = |s: &str| MailboxUrl::parse(s).unwrap();
        assert!(u("imap://qa@localhost/").loopback());
        assert!(u("imap://qa@127.0.0.1/").loopback());
        assert!(u("imap://qa@[::1]/").loopback());
        assert!(!u("imap://qa@mail.example.com/").loopback());
        assert!(!u("imap://qa@10.0.0.1/").loopback());
        assert_eq!(
            u("imaps://alice%40example.com@[::1]/QA%20sends").show(Some((7, 12))),
            "imaps://alice%40example.com@[::1]:993/QA%20sends;UIDVALIDITY=7/;UID=12"
        );
    }
}
