//! Against a scripted server (no Dovecot needed) that sends what a real one would not: a
//! literal past the input limit, terminal escapes in a refusal, nothing for a UID it listed, a
//! reply cut short, an answer trickled a byte at a time.

use std::io::{BufRead, BufReader};
use std::thread;
use std::time::{Duration, Instant};

use super::linkaudit;

/// A scripted IMAP server on 127.0.0.1 (plain text: allowed to a loopback address), for what a
/// real server would not send: `fetch` answers `UID FETCH` of UID 1; UID 2 is a good message.
fn hostile_server(fetch: &'static [u8]) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            thread::spawn(move || {
                let mut w = conn.try_clone().unwrap();
                let say = |w: &mut std::net::TcpStream, b: &[u8]| std::io::Write::write_all(w, b).is_ok();
                // No capabilities in the greeting, and no SASL-IR: the client must ask, and send
                // its PLAIN response after the `+`.
                if !say(&mut w, b"* OK scripted\r\n") {
                    return;
                }
                let mut authenticating: Option<String> = None;
                for line in BufReader::new(conn).lines().map_while(Result::ok) {
                    if let Some(tag) = authenticating.take() {
                        // base64("\0qa\0pw")
                        let ok =
                            if line == "AHFhAHB3" { "OK logged in" } else { "NO [AUTHENTICATIONFAILED] no" };
                        if !say(&mut w, format!("{tag} {ok}\r\n").as_bytes()) {
                            return;
                        }
                        continue;
                    }
                    let (tag, cmd) = line.split_once(' ').unwrap_or((&line, ""));
                    let upper = cmd.to_ascii_uppercase();
                    let reply: Vec<u8> = if upper == "CAPABILITY" {
                        format!("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n").into_bytes()
                    } else if upper == "AUTHENTICATE PLAIN" {
                        authenticating = Some(tag.to_string());
                        b"+ \r\n".to_vec()
                    } else if upper.starts_with("LOGIN") || upper.starts_with("AUTHENTICATE") {
                        // Only the non-inline AUTHENTICATE PLAIN gets in.
                        format!("{tag} NO [AUTHENTICATIONFAILED] not like this\r\n").into_bytes()
                    } else if upper.starts_with("EXAMINE") {
                        format!("* OK [UIDVALIDITY 7] x\r\n* OK [UIDNEXT 3] x\r\n{tag} OK done\r\n")
                            .into_bytes()
                    } else if upper.starts_with("UID SEARCH") {
                        format!("* SEARCH 1 2\r\n{tag} OK done\r\n").into_bytes()
                    } else if upper.starts_with("UID FETCH 1 ") {
                        // `TAG` in the script is the command's tag (then the script ends it).
                        let script = String::from_utf8_lossy(fetch);
                        if script.contains("TAG") {
                            script.replace("TAG", tag).into_bytes()
                        } else {
                            format!("{script}{tag} OK done\r\n").into_bytes()
                        }
                    } else if upper.starts_with("UID FETCH 2 ") {
                        let body = "Subject: fine\r\nFrom: a@example.com\r\n\r\n<a href=\"https://track.example.com/x\">x</a>\r\n";
                        format!(
                            "* 2 FETCH (UID 2 BODY[]<0> {{{}}}\r\n{body})\r\n{tag} OK done\r\n",
                            body.len()
                        )
                        .into_bytes()
                    } else if upper.starts_with("LOGOUT") {
                        format!("* BYE bye\r\n{tag} OK done\r\n").into_bytes()
                    } else {
                        format!("{tag} OK done\r\n").into_bytes()
                    };
                    if !say(&mut w, &reply) {
                        return;
                    }
                }
            });
        }
    });
    port
}

#[test]
fn a_hostile_server_gets_bounded_reads_and_sanitised_text() {
    let run = |port: u16, extra: &[&str]| {
        let url = format!("imap://qa@127.0.0.1:{port}/INBOX");
        let mut args = vec!["watch", url.as_str(), "--once", "--no-config", "--color", "never"];
        args.extend(["--reconnect-ms", "10", "--imap-timeout", "1", "--expect", "track.example.com"]);
        args.extend(extra);
        let start = Instant::now();
        let out = linkaudit(&args, Some("pw"));
        assert!(start.elapsed() < Duration::from_secs(30), "{args:?} took {:?}", start.elapsed());
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // A literal far beyond the input limit is refused before it is read: after three tries the
    // message is reported, and the next one still audited.
    let port = hostile_server(b"* 1 FETCH (UID 1 BODY[]<0> {99999999999}\r\n");
    let (code, out, err) = run(port, &["--max-input-mb", "1"]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(
        out.contains("cannot audit: cannot fetch it") && out.contains("more than the input limit"),
        "{out}"
    );
    assert!(out.contains(";UID=2  1 links"), "{out}");
    // A refusal whose text holds terminal escapes: shown escaped, and the watch goes on.
    let port = hostile_server(b"TAG NO \x1b]52;c;aGk=\x07\x1b[2J nope\r\n");
    let (code, out, err) = run(port, &[]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out:?}");
    assert!(out.contains(";UID=2  1 links"), "{out}");
    // A FETCH that returns nothing for a UID the search found: reported, not passed over.
    let port = hostile_server(b"");
    let (code, out, err) = run(port, &["--format", "json-lines"]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(out.contains("the server sent no message"), "{out}");
    // A server that stops answering: the read times out (--imap-timeout), exit 2.
    let port = hostile_server(b"* 1 FETCH (UID 1 BODY[]<0> {10}\r\nTAG");
    let (code, out, err) = run(port, &[]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(err.contains("did not answer in time"), "{err}");
}

#[test]
fn a_server_that_trickles_its_answer_hits_the_response_deadline() {
    // One byte every 50 ms, never a line end: each read is quick, the greeting never done.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for mut conn in listener.incoming().map_while(Result::ok) {
            thread::spawn(move || {
                while std::io::Write::write_all(&mut conn, b"x").is_ok() {
                    thread::sleep(Duration::from_millis(50));
                }
            });
        }
    });
    let url = format!("imap://qa@127.0.0.1:{port}/INBOX");
    let start = Instant::now();
    let out = linkaudit(&["watch", &url, "--once", "--no-config", "--imap-timeout", "0.1"], Some("pw"));
    let took = start.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("took longer than 2 s for one answer"), "{err}");
    assert!(took < Duration::from_secs(10), "{took:?}");
}
