//! `linkaudit watch imaps://…` against a real Dovecot the tests start on 127.0.0.1 (its own
//! config, a throwaway CA): `--once` over seeded messages gives the findings of auditing the files
//! directly, in both watch formats, and leaves every flag as it was; a message delivered while
//! watching gets its verdict within seconds, exactly once; a dropped connection (the server
//! restarted, messages delivered while it was down) loses nothing and repeats nothing; a wrong
//! password, an untrusted certificate, a missing mailbox and an unreachable server are clear
//! errors with exit code 2; `--move-to-fail` and `--keyword` change the mailbox when asked. A
//! scripted server (no Dovecot needed) sends what a real one would not: a literal past the input
//! limit, terminal escapes in a refusal, nothing for a UID it listed, a reply cut short.
#![cfg(unix)]

#[path = "imap/dovecot.rs"]
mod dovecot;
#[path = "imap/scripted.rs"]
mod scripted;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use dovecot::{Dovecot, PASSWORD};

const BIN: &str = env!("CARGO_BIN_EXE_linkaudit");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/quickstart").join(name)).unwrap()
}

/// A small message whose subject names it.
fn message(subject: &str, host: &str) -> Vec<u8> {
    format!(
        "From: news@news.example.com\r\nTo: qa@example.org\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><a href=\"https://{host}/ls/click?upn=u001.{subject}\">go</a></body></html>\r\n"
    )
    .into_bytes()
}

fn linkaudit(args: &[&str], password: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("LINKAUDIT_IMAP_PASSWORD")
        .env_remove("LINKAUDIT_IMAP_TOKEN")
        .env("HOME", "/nonexistent");
    if let Some(p) = password {
        cmd.env("LINKAUDIT_IMAP_PASSWORD", p);
    }
    cmd.output().unwrap()
}

fn once(d: &Dovecot, extra: &[&str]) -> Output {
    let url = d.url("INBOX");
    let ca = d.ca();
    let mut args = vec!["watch", url.as_str(), "--once", "--ca-file", ca.to_str().unwrap()];
    args.extend_from_slice(&["--no-config", "--expect", "track.example.com", "--color", "never"]);
    args.extend_from_slice(extra);
    linkaudit(&args, Some(PASSWORD))
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// A message's JSON without the fields that name where it came from.
fn findings_of(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("source");
    }
    v
}

#[test]
fn once_gives_the_findings_of_the_files_and_changes_no_flag() {
    if !dovecot::available() {
        return;
    }
    let d = Dovecot::start(None);
    let names = ["newsletter.eml", "newsletter-fixed.eml"];
    for (i, name) in names.iter().enumerate() {
        d.deliver("", &format!("100{i}.M1P1.test"), &fixture(name));
    }
    let before = d.files("");

    let out = once(&d, &["--format", "json-lines"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let got = lines(&out);
    assert_eq!(got.len(), 2, "{got:?}");
    for (i, name) in names.iter().enumerate() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/quickstart").join(name);
        let direct = linkaudit(
            &[
                path.to_str().unwrap(),
                "--no-config",
                "--expect",
                "track.example.com",
                "--format",
                "json-lines",
            ],
            None,
        );
        let direct: Vec<serde_json::Value> = String::from_utf8_lossy(&direct.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let direct = direct.into_iter().find(|v| v["type"] == "message").unwrap();
        let source = got[i]["source"].as_str().unwrap();
        assert!(source.starts_with(&format!("{};UIDVALIDITY=", d.url("INBOX"))), "{source}");
        assert!(source.ends_with(&format!(";UID={}", i + 1)), "{source}");
        assert_eq!(findings_of(got[i].clone()), findings_of(direct), "{name}");
    }

    // The text format: one line per message, the failing one first (UID order).
    let out = once(&d, &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let text_lines: Vec<&str> = text.lines().collect();
    assert_eq!(text_lines.len(), 2, "{text}");
    assert!(
        text_lines[0].starts_with("✖ imaps://qa@127.0.0.1:") && text_lines[0].contains("LA201"),
        "{text}"
    );
    assert!(text_lines[1].starts_with("✔ ") && text_lines[1].contains(";UID=2  22 links"), "{text}");

    // --reports: one JSON and one text report per message, named by mailbox, UIDVALIDITY, UID.
    let reports = d.dir.path().join("reports");
    assert_eq!(once(&d, &["--reports", reports.to_str().unwrap()]).status.code(), Some(1));
    let mut names: Vec<String> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(names[0].starts_with("INBOX-") && names[0].ends_with("-1.linkaudit.json"), "{names:?}");
    let json = std::fs::read_to_string(reports.join(&names[0])).unwrap();
    assert!(json.contains("\"LA201\""), "{json}");

    // --redact: the mailbox's user name is not in the verdicts either.
    let out = once(&d, &["--redact"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("imaps://[user]@127.0.0.1:") && !text.contains("qa@"), "{text}");

    // --fail-on never: exit 0; --since a future date: nothing to audit, exit 0.
    assert_eq!(once(&d, &["--fail-on", "never"]).status.code(), Some(0));
    let out = once(&d, &["--since", "2099-01-01"]);
    assert_eq!(
        (out.status.code(), out.stdout.len()),
        (Some(0), 0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Read-only: not one flag changed (no \Seen), nothing moved.
    assert_eq!(d.files(""), before, "{}", d.log());
}

/// A running watch.
struct Watch {
    child: Child,
    lines: mpsc::Receiver<String>,
    errors: mpsc::Receiver<String>,
}

fn watch(d: &Dovecot, extra: &[&str]) -> Watch {
    let mut child = Command::new(BIN)
        .arg("watch")
        .arg(d.url("INBOX"))
        .arg("--ca-file")
        .arg(d.ca())
        .args([
            "--no-config",
            "--expect",
            "track.example.com",
            "--format",
            "json-lines",
            "--reconnect-ms",
            "200",
        ])
        .args(extra)
        .env("LINKAUDIT_IMAP_PASSWORD", PASSWORD)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let (etx, errors) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = etx.send(line);
        }
    });
    let w = Watch { child, lines, errors };
    w.wait_stderr("watching imaps://", 20);
    w
}

impl Watch {
    fn wait_stderr(&self, what: &str, secs: u64) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(l) = self.errors.recv_timeout(Duration::from_millis(100)) {
                let done = l.contains(what);
                seen.push(l);
                if done {
                    return seen;
                }
            }
        }
        panic!("no {what:?} on stderr within {secs} s: {seen:?}");
    }

    /// Verdicts arriving within `secs`, until `n` have come.
    fn verdicts(&self, n: usize, secs: f64) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + Duration::from_secs_f64(secs);
        let mut out = Vec::new();
        while out.len() < n && Instant::now() < deadline {
            if let Ok(l) = self.lines.recv_timeout(Duration::from_millis(50)) {
                out.push(serde_json::from_str(&l).unwrap());
            }
        }
        out
    }

    fn stop(mut self) -> Option<i32> {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGINT);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.code();
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        None
    }
}

fn subjects(v: &[serde_json::Value]) -> Vec<String> {
    v.iter().map(|m| m["subject"].as_str().unwrap_or("?").to_string()).collect()
}

#[test]
fn a_message_delivered_while_watching_gets_one_verdict_within_seconds() {
    if !dovecot::available() {
        return;
    }
    let d = Dovecot::start(None);
    d.deliver("", "1.M1.test", &message("first", "track.example.com"));
    let before_files = d.files("");
    let w = watch(&d, &[]);
    assert_eq!(subjects(&w.verdicts(1, 10.0)), ["first"]);

    let start = Instant::now();
    d.deliver("", "2.M2.test", &message("second", "u1234567.ct.sendgrid.net"));
    let got = w.verdicts(1, 10.0);
    let latency = start.elapsed();
    assert_eq!(subjects(&got), ["second"]);
    assert!(latency < Duration::from_secs(5), "{latency:?}");
    eprintln!("IMAP IDLE latency, delivery to verdict: {latency:?}");
    // Exactly once: nothing more comes.
    assert!(w.verdicts(1, 1.5).is_empty());
    assert_eq!(w.stop(), Some(0));
    // Still read-only: the first message kept its (absent) flags.
    let after = d.files("");
    assert!(before_files.iter().all(|f| after.contains(f)), "{before_files:?} → {after:?}");
}

#[test]
fn a_dropped_connection_loses_nothing_and_repeats_nothing() {
    if !dovecot::available() {
        return;
    }
    let mut d = Dovecot::start(None);
    d.deliver("", "1.M1.test", &message("before", "track.example.com"));
    let w = watch(&d, &[]);
    assert_eq!(subjects(&w.verdicts(1, 10.0)), ["before"]);

    // The server goes away; two messages land while it is down; it comes back.
    d.stop();
    d.deliver("", "2.M2.test", &message("while-down-1", "track.example.com"));
    d.deliver("", "3.M3.test", &message("while-down-2", "track.example.com"));
    w.wait_stderr("reconnecting", 10);
    thread::sleep(Duration::from_millis(500));
    d.restart();
    w.wait_stderr("reconnected", 20);
    let got = w.verdicts(2, 10.0);
    assert_eq!(subjects(&got), ["while-down-1", "while-down-2"]);
    // And the watch goes on after the reconnection.
    d.deliver("", "4.M4.test", &message("after", "track.example.com"));
    assert_eq!(subjects(&w.verdicts(1, 10.0)), ["after"]);
    assert!(w.verdicts(1, 1.5).is_empty(), "a message was audited twice");
    assert_eq!(w.stop(), Some(0));
}

#[test]
fn bad_input_is_a_clear_error() {
    if !dovecot::available() {
        return;
    }
    let d = Dovecot::start(None);
    let url = d.url("INBOX");
    let ca = d.ca();
    let ca = ca.to_str().unwrap();
    let cases: Vec<(Vec<String>, Option<&str>, &str)> = vec![
        (vec![url.clone(), "--ca-file".into(), ca.into()], Some("wrong"), "wrong user name or password"),
        (vec![url.clone()], Some(PASSWORD), "certificate of 127.0.0.1 is not trusted"),
        (
            vec![d.url("Nope"), "--ca-file".into(), ca.into()],
            Some(PASSWORD),
            "cannot open the mailbox \"Nope\"",
        ),
        (
            vec![
                format!("imaps://qa@127.0.0.1:{}/INBOX", dovecot::free_port()),
                "--ca-file".into(),
                ca.into(),
            ],
            Some(PASSWORD),
            "cannot connect to 127.0.0.1:",
        ),
        (vec![url.clone()], None, "no password for qa on 127.0.0.1: set LINKAUDIT_IMAP_PASSWORD"),
        (vec!["imaps://qa:pw@127.0.0.1/INBOX".into()], None, "password in the URL"),
    ];
    for (args, password, want) in cases {
        let mut all = vec!["watch".to_string()];
        all.extend(args.iter().cloned());
        all.extend(["--once", "--no-config", "--imap-timeout", "5"].map(String::from));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = linkaudit(&all, password);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert!(!stderr.contains(PASSWORD), "{stderr}");
    }
}

#[test]
fn moves_and_keywords_only_when_asked() {
    if !dovecot::available() {
        return;
    }
    let d = Dovecot::start(None);
    d.deliver("", "1.M1.test", &fixture("newsletter.eml"));
    d.deliver("", "2.M2.test", &fixture("newsletter-fixed.eml"));
    // A non-ASCII name goes over the wire in modified UTF-7, as Dovecot also names its folder.
    let out = once(&d, &["--move-to-fail", "QA-geprüft", "--keyword"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    // The failing message moved into QA-geprüft (created on first use), the passing one stayed,
    // marked with the keyword: Dovecot names keywords by letter, in dovecot-keywords.
    assert_eq!(d.files("QA-gepr&APw-ft").len(), 1, "{}", d.log());
    let inbox = d.files("");
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    let keywords = std::fs::read_to_string(d.maildir().join("dovecot-keywords")).unwrap_or_default();
    assert!(keywords.contains("linkaudit-pass"), "{keywords}");
    let letter =
        keywords.lines().find(|l| l.ends_with("linkaudit-pass")).and_then(|l| l.split(' ').next()).unwrap();
    let letter = (b'a' + letter.parse::<u8>().unwrap()) as char;
    assert!(inbox.iter().next().unwrap().rsplit(":2,").next().unwrap().contains(letter), "{inbox:?}");
    let fail_keywords =
        std::fs::read_to_string(d.maildir().join(".QA-gepr&APw-ft/dovecot-keywords")).unwrap_or_default();
    assert!(fail_keywords.contains("linkaudit-fail"), "{fail_keywords}");
}

/// A tiny OAuth2 introspection endpoint (RFC 7662) on 127.0.0.1: `good-token` is active for
/// the test user, anything else is not.
fn introspection_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/introspect", listener.local_addr().unwrap().port());
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
            let mut req = Vec::new();
            let mut buf = [0u8; 4096];
            // The head, then as many body bytes as Content-Length says.
            loop {
                let n = std::io::Read::read(&mut conn, &mut buf).unwrap_or(0);
                if n == 0 {
                    break;
                }
                req.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&req).to_string();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let len = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().to_string())
                        })
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0);
                    if body.len() >= len {
                        break;
                    }
                }
            }
            let text = String::from_utf8_lossy(&req);
            let json = if text.contains("good-token") {
                format!("{{\"active\":true,\"username\":\"{}\"}}", dovecot::USER)
            } else {
                "{\"active\":false}".to_string()
            };
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
                json.len()
            );
            let _ = std::io::Write::write_all(&mut conn, reply.as_bytes());
        }
    });
    url
}

#[test]
fn xoauth2_logs_in_with_a_token() {
    if !dovecot::available() {
        return;
    }
    let d = Dovecot::start(Some(&introspection_server()));
    d.deliver("", "1.M1.test", &fixture("newsletter-fixed.eml"));
    let url = d.url("INBOX");
    let ca = d.ca();
    let run = |token: &str| {
        let out = Command::new(BIN)
            .args(["watch", &url, "--once", "--oauth2", "--no-config", "--expect", "track.example.com"])
            .arg("--ca-file")
            .arg(&ca)
            .env_remove("LINKAUDIT_IMAP_PASSWORD")
            .env("LINKAUDIT_IMAP_TOKEN", token)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = run("good-token");
    assert_eq!(code, Some(0), "{stdout}{stderr}\n{}", d.log());
    assert!(stdout.contains("22 links"), "{stdout}");
    assert!(d.log().contains("method=XOAUTH2"), "{}", d.log());
    let (code, _, stderr) = run("expired-token");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("refused the login of qa (XOAUTH2)"), "{stderr}");
    assert!(!stderr.contains("expired-token"), "{stderr}");
}

#[test]
fn starttls_password_file_and_polling() {
    if !dovecot::available() {
        return;
    }
    let d = Dovecot::start(None);
    d.deliver("", "1.M1.test", &fixture("newsletter-fixed.eml"));
    let pw = d.dir.path().join("pw");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    let ca = d.ca();
    let url = format!("imap://qa@127.0.0.1:{}/INBOX", d.plain_port);
    let base = ["watch", url.as_str(), "--once", "--no-config", "--expect", "track.example.com"];
    // imap:// upgrades with STARTTLS (the certificate checked as for imaps://); the password
    // comes from the file.
    let mut args = base.to_vec();
    args.extend(["--ca-file", ca.to_str().unwrap(), "--password-file", pw.to_str().unwrap()]);
    let out = linkaudit(&args, None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("22 links"));
    assert!(d.log().lines().any(|l| l.contains("Login: user=<qa>") && l.contains("TLS")), "{}", d.log());
    let mut args = base.to_vec();
    args.extend(["--password-file", pw.to_str().unwrap()]);
    let out = linkaudit(&args, None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not trusted"));
    // ~/.netrc, when neither a file nor the environment gives the password.
    std::fs::write(
        d.dir.path().join(".netrc"),
        format!("machine 127.0.0.1\n  login qa\n  password {PASSWORD}\n"),
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(base)
        .args(["--ca-file", ca.to_str().unwrap()])
        .env_remove("LINKAUDIT_IMAP_PASSWORD")
        .env("HOME", d.dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    // Polling instead of IDLE: a delivered message still gets one verdict.
    let w = watch(&d, &["--poll", "--poll-interval", "100", "--new-only"]);
    d.deliver("", "2.M2.test", &message("polled", "track.example.com"));
    assert_eq!(subjects(&w.verdicts(1, 10.0)), ["polled"]);
    assert!(w.verdicts(1, 1.0).is_empty());
    assert_eq!(w.stop(), Some(0));
}

#[test]
fn the_input_limit_holds_for_mailbox_messages() {
    if !dovecot::available() {
        return;
    }
    // 1.5 MiB with CRLF line ends (what the server sends back), audited with a 1 MiB limit:
    // only 1 MiB + 1 byte is fetched, and the findings are those of the file with that limit.
    let mut big = message("big", "u1234567.ct.sendgrid.net");
    while big.len() < 3 << 19 {
        big.extend_from_slice(b"<p>padding padding padding padding padding padding padding</p>\r\n");
    }
    let d = Dovecot::start(None);
    d.deliver("", "1.M1.test", &big);
    let file = d.dir.path().join("big.eml");
    std::fs::write(&file, &big).unwrap();
    let out = once(&d, &["--format", "json-lines", "--max-input-mb", "1"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let got = lines(&out);
    let direct = linkaudit(
        &[
            file.to_str().unwrap(),
            "--no-config",
            "--expect",
            "track.example.com",
            "--format",
            "json-lines",
            "--max-input-mb",
            "1",
        ],
        None,
    );
    let direct: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&direct.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(got.len(), 1);
    assert!(got[0].to_string().contains("LA004"), "no limit finding: {}", got[0]);
    assert_eq!(findings_of(got[0].clone()), findings_of(direct));
}

#[test]
fn a_message_that_cannot_be_fetched_is_reported_and_the_rest_audited() {
    if !dovecot::available() {
        return;
    }
    let d = Dovecot::start(None);
    d.deliver("", "1.M1.test", &message("unreadable", "track.example.com"));
    d.deliver("", "2.M2.test", &message("fine", "track.example.com"));
    // The mail processes run as nobody: a root-owned file they may not read cannot be fetched.
    let locked = d.maildir().join("new/1.M1.test");
    std::os::unix::fs::chown(&locked, Some(0), Some(0)).unwrap();
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    // Dovecot ends the session when a FETCH fails: the watch reconnects, and after three tries
    // reports the message and goes on.
    let out = once(&d, &["--format", "json-lines", "--reconnect-ms", "50"]);
    let got = lines(&out);
    assert_eq!(out.status.code(), Some(2), "{got:?} {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(got.len(), 2, "{got:?} {}\n{}", String::from_utf8_lossy(&out.stderr), d.log());
    assert_eq!(got[0]["type"], "error", "{got:?}");
    assert_eq!(got[1]["subject"], "fine", "{got:?}");
}

#[test]
fn a_rebuilt_mailbox_is_not_audited_twice() {
    if !dovecot::available() {
        return;
    }
    let mut d = Dovecot::start(None);
    d.deliver("", "1.M1.test", &message("one", "track.example.com"));
    d.deliver("", "2.M2.test", &message("two", "track.example.com"));
    let w = watch(&d, &[]);
    assert_eq!(subjects(&w.verdicts(2, 10.0)), ["one", "two"]);
    // The server forgets its UIDs (a restored backup, a migration): a new UIDVALIDITY.
    d.stop();
    thread::sleep(Duration::from_millis(1100));
    for e in std::fs::read_dir(d.maildir()).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("dovecot") && e.path().is_file() {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    d.restart();
    w.wait_stderr("reconnected", 20);
    w.wait_stderr("changed (the mailbox was rebuilt)", 10);
    d.deliver("", "3.M3.test", &message("three", "track.example.com"));
    // Only the new message: the two already audited are recognised by their content.
    assert_eq!(subjects(&w.verdicts(1, 10.0)), ["three"]);
    assert!(w.verdicts(1, 1.5).is_empty());
    assert_eq!(w.stop(), Some(0));
}
