//! CLI (IMAP): where the secret comes from — a file named by `--password-file`,
//! `LINKAUDIT_IMAP_PASSWORD` (or, with `--oauth2`, `LINKAUDIT_IMAP_TOKEN`), or `~/.netrc` — never
//! the command line or the config file; and the SASL messages that carry it (PLAIN, XOAUTH2).

use std::path::Path;

use base64::Engine as _;

/// What the client logs in with.
#[derive(Clone)]
pub enum Secret {
    Password(String),
    /// An OAuth2 access token (XOAUTH2: Gmail, Microsoft 365, Dovecot's oauth2 passdb).
    Token(String),
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Secret::Password(_) => "Password(…)",
            Secret::Token(_) => "Token(…)",
        })
    }
}

pub const PASSWORD_ENV: &str = "LINKAUDIT_IMAP_PASSWORD";
pub const TOKEN_ENV: &str = "LINKAUDIT_IMAP_TOKEN";

/// The secret for `user` on `host`: `file` when one is named, else the environment, else
/// `~/.netrc` (passwords only).
pub fn secret(user: &str, host: &str, oauth2: bool, file: Option<&Path>) -> Result<Secret, String> {
    let wrap = |s: String| if oauth2 { Secret::Token(s) } else { Secret::Password(s) };
    let env = if oauth2 { TOKEN_ENV } else { PASSWORD_ENV };
    if let Some(path) = file {
        let text = read_small(path).map_err(|e| format!("--password-file {}: {e}", path.display()))?;
        // The first line, without its line end: `echo pw > file` must work.
        let first = text.lines().next().unwrap_or_default().to_string();
        if first.is_empty() {
            return Err(format!("--password-file {}: the first line is empty", path.display()));
        }
        return Ok(wrap(first));
    }
    if let Some(v) = std::env::var_os(env).filter(|v| !v.is_empty()) {
        return v.into_string().map(wrap).map_err(|_| format!("{env} is not UTF-8"));
    }
    if !oauth2 {
        if let Some(home) = std::env::var_os("HOME") {
            let netrc = Path::new(&home).join(".netrc");
            if let Ok(text) = read_small(&netrc) {
                if let Some(pw) = netrc_password(&text, host, user) {
                    return Ok(Secret::Password(pw));
                }
            }
        }
        return Err(format!(
            "no password for {user} on {host}: set {PASSWORD_ENV}, or use --password-file FILE, or add \
             `machine {host} login {user} password …` to ~/.netrc"
        ));
    }
    Err(format!("no OAuth2 token for {user}: set {TOKEN_ENV} (or use --password-file FILE)"))
}

/// The first 64 KiB of a file as text (a password file named `/dev/zero` must not fill memory).
fn read_small(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?.take(64 * 1024).read_to_string(&mut text)?;
    Ok(text)
}

/// The password of `machine HOST login USER` (or of a `default` entry) in a `.netrc` text.
pub fn netrc_password(text: &str, host: &str, user: &str) -> Option<String> {
    let mut words = text.split_whitespace();
    let mut found: Option<String> = None;
    let mut default: Option<String> = None;
    // The entry being read: (is it for this host or the default, its login, its password).
    let mut entry: Option<(bool, bool, Option<String>, Option<String>)> = None;
    let mut close = |e: Option<(bool, bool, Option<String>, Option<String>)>| {
        if let Some((matches, is_default, login, password)) = e {
            let login_ok = login.as_deref().is_none_or(|l| l == user);
            if matches && login_ok && found.is_none() {
                if is_default {
                    default = default.take().or(password);
                } else {
                    found = password;
                }
            }
        }
    };
    while let Some(w) = words.next() {
        match w {
            "machine" => {
                close(entry.take());
                let m = words.next().unwrap_or_default();
                entry = Some((m.eq_ignore_ascii_case(host), false, None, None));
            }
            "default" => {
                close(entry.take());
                entry = Some((true, true, None, None));
            }
            "login" => {
                let v = words.next().map(str::to_string);
                if let Some(e) = entry.as_mut() {
                    e.2 = v;
                }
            }
            "password" => {
                let v = words.next().map(str::to_string);
                if let Some(e) = entry.as_mut() {
                    e.3 = v;
                }
            }
            "account" => {
                words.next();
            }
            "macdef" => {
                // A macro runs to the next blank line; the word split cannot see it, so stop here:
                // every entry before the macro has been read.
                close(entry.take());
                break;
            }
            _ => {}
        }
    }
    close(entry.take());
    found.or(default)
}

/// The SASL PLAIN initial response, base64: `\0user\0password`.
pub fn plain(user: &str, password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{password}"))
}

/// The XOAUTH2 initial response, base64: `user=USER^Aauth=Bearer TOKEN^A^A`.
pub fn xoauth2(user: &str, token: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("user={user}\x01auth=Bearer {token}\x01\x01"))
}

/// A string for a command line: quoted, or `None` when it cannot be sent quoted (line ends, NUL,
/// or non-ASCII, which LOGIN cannot carry).
pub fn quoted(s: &str) -> Option<String> {
    if s.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0 || !b.is_ascii()) {
        return None;
    }
    Some(format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netrc() {
        let text = "machine other.example.com login qa password nope\n\
                    machine mail.example.com\n  login qa\n  password s3cret\n\
                    machine mail.example.com login boss password theirs\n\
                    default login anyone password fallback\n";
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("mail.example.com", "qa", Some("s3cret")),
            ("MAIL.example.com", "boss", Some("theirs")),
            ("mail.example.com", "nobody", None),
            ("elsewhere.example.com", "anyone", Some("fallback")),
            ("other.example.com", "qa", Some("nope")),
        ];
        for &(host, user, want) in cases {
            assert_eq!(netrc_password(text, host, user).as_deref(), want, "{host} {user}");
        }
        assert_eq!(netrc_password("machine h password p", "h", "anyone").as_deref(), Some("p"));
        assert_eq!(netrc_password("machine h login u macdef x\nmachine h2 password p\n", "h2", "u"), None);
        assert_eq!(netrc_password("", "h", "u"), None);
        assert_eq!(netrc_password("machine", "h", "u"), None);
    }

    #[test]
    fn sasl() {
        // RFC 4616 and Google's XOAUTH2 example.
        assert_eq!(plain("tim", "tanstaaftanstaaf"), "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
        assert_eq!(
            xoauth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"),
            "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=="
        );
    }

    #[test]
    fn quoting() {
        assert_eq!(quoted("INBOX").as_deref(), Some("\"INBOX\""));
        assert_eq!(quoted("a\"b\\c").as_deref(), Some("\"a\\\"b\\\\c\""));
        assert_eq!(quoted("a\r\nb"), None);
        assert_eq!(quoted("pässword"), None);
        assert_eq!(format!("{:?}", Secret::Password("hide".into())), "Password(…)");
    }
}
