//! `linkaudit watch` end to end: the real binary on a temporary folder while 500 messages land —
//! in bursts, slowly in chunks, renamed in from temporary names, and overwritten — with events
//! and with `--poll`. Every version of every message gets exactly one verdict, none half-read,
//! nothing lost; Ctrl-C exits 0; the report files match a one-shot run byte for byte.
#![cfg(unix)]

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_linkaudit");

/// A message whose subject names it and whose link count depends on it, so a half-read file
/// shows up as a wrong subject or link count.
fn message(name: &str, version: u32, links: usize) -> String {
    // Padding first and links last: a file read before its end shows too few links.
    let mut body = "<p>padding to make the file a few kilobytes long, written in pieces</p>\n".repeat(40);
    for k in 0..links {
        body.push_str(&format!("<p><a href=\"https://track.example.com/ls/click?upn=u001.{name}-{version}-{k}\">link {k}</a></p>\n"));
    }
    format!(
        "From: news@news.example.com\r\nTo: a@example.org\r\nSubject: {name} v{version}\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body>\n{body}</body></html>\n"
    )
}

fn links_for(i: usize) -> usize {
    1 + i % 5
}

struct Watcher {
    child: Child,
    lines: mpsc::Receiver<String>,
}

fn start(dir: &Path, poll: bool, extra: &[&str]) -> Watcher {
    let mut cmd = Command::new(BIN);
    cmd.arg("watch")
        .arg(dir)
        .args(["--no-config", "--format", "json-lines", "--expect", "track.example.com"])
        .args(extra);
    if poll {
        cmd.args(["--poll", "--poll-interval", "50"]);
    }
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // Wait until it says it is watching.
    let stderr = child.stderr.take().unwrap();
    let (ready_tx, ready_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut r = BufReader::new(stderr);
        let mut line = String::new();
        while r.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            if line.contains("watching") {
                let _ = ready_tx.send(());
            }
            line.clear();
        }
    });
    ready_rx.recv_timeout(Duration::from_secs(20)).expect("the watcher did not start");
    Watcher { child, lines: rx }
}

impl Watcher {
    /// Verdicts until `n` have arrived (or 60 s pass).
    fn collect(&self, n: usize, into: &mut Vec<serde_json::Value>) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while into.len() < n && Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                into.push(serde_json::from_str(&line).unwrap());
            }
        }
    }

    fn stop(mut self) -> i32 {
        let _ = Command::new("kill").arg("-INT").arg(self.child.id().to_string()).status();
        let status = self.child.wait().unwrap();
        status.code().unwrap_or(-1)
    }
}

fn scenario(poll: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("inbox");
    let staging = tmp.path().join("staging");
    fs::create_dir_all(&dir).unwrap();
    fs::create_dir_all(&staging).unwrap();
    let w = start(&dir, poll, &["--no-reports"]);
    let mut expected: HashMap<String, usize> = HashMap::new(); // "name vN" → links
    let mut got: Vec<serde_json::Value> = Vec::new();

    // 300 in bursts of 50.
    for burst in 0..6 {
        for j in 0..50 {
            let i = burst * 50 + j;
            let name = format!("burst{i:03}");
            fs::write(dir.join(format!("{name}.eml")), message(&name, 1, links_for(i))).unwrap();
            expected.insert(format!("{name} v1"), links_for(i));
        }
        thread::sleep(Duration::from_millis(50));
    }
    // 50 written slowly, in five pieces over a second, ten at a time.
    for batch in 0..5 {
        let handles: Vec<_> = (0..10)
            .map(|j| {
                let i = 300 + batch * 10 + j;
                let name = format!("slow{i:03}");
                let path = dir.join(format!("{name}.eml"));
                let text = message(&name, 1, links_for(i));
                thread::spawn(move || {
                    let mut f = fs::File::create(&path).unwrap();
                    let bytes = text.as_bytes();
                    let piece = bytes.len() / 5 + 1;
                    for chunk in bytes.chunks(piece) {
                        f.write_all(chunk).unwrap();
                        f.flush().unwrap();
                        thread::sleep(Duration::from_millis(200));
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        for j in 0..10 {
            let i = 300 + batch * 10 + j;
            expected.insert(format!("slow{i:03} v1"), links_for(i));
        }
    }
    // 100 written under a temporary name elsewhere or beside, then renamed in.
    for i in 350..450 {
        let name = format!("renamed{i:03}");
        let text = message(&name, 1, links_for(i));
        let tmp_path: PathBuf = if i % 2 == 0 {
            staging.join(format!("{name}.eml"))
        } else {
            dir.join(format!("{name}.eml.part"))
        };
        fs::write(&tmp_path, text).unwrap();
        fs::rename(&tmp_path, dir.join(format!("{name}.eml"))).unwrap();
        expected.insert(format!("{name} v1"), links_for(i));
    }
    // 50 written, and overwritten once their first verdict is in.
    for i in 450..500 {
        let name = format!("over{i:03}");
        fs::write(dir.join(format!("{name}.eml")), message(&name, 1, links_for(i))).unwrap();
        expected.insert(format!("{name} v1"), links_for(i));
    }
    w.collect(expected.len(), &mut got);
    eprintln!("first phase: {} verdicts of {} expected", got.len(), expected.len());
    for i in 450..500 {
        let name = format!("over{i:03}");
        fs::write(dir.join(format!("{name}.eml")), message(&name, 2, links_for(i + 1))).unwrap();
        expected.insert(format!("{name} v2"), links_for(i + 1));
    }
    w.collect(expected.len(), &mut got);
    // A little longer: nothing more may come.
    thread::sleep(Duration::from_millis(600));
    while let Ok(line) = w.lines.try_recv() {
        got.push(serde_json::from_str(&line).unwrap());
    }
    let code = w.stop();

    let mut seen: HashMap<String, usize> = HashMap::new();
    for v in &got {
        assert_eq!(v["type"], "message", "{v}");
        let subject = v["subject"].as_str().unwrap_or("(none)").to_string();
        let links = v["links"].as_array().unwrap().len();
        let want = expected
            .get(&subject)
            .unwrap_or_else(|| panic!("unexpected or half-read message: {subject:?} {}", v["source"]));
        assert_eq!(links, *want, "{subject}: half-read ({links} links of {want})");
        *seen.entry(subject).or_default() += 1;
    }
    let twice: Vec<(&String, &usize)> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "reported more than once: {twice:?}");
    let missing: Vec<&String> = expected.keys().filter(|k| !seen.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "{} versions never reported, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    assert_eq!(code, 0, "Ctrl-C must stop the watch cleanly");
}

#[test]
fn five_hundred_messages_with_events() {
    scenario(false);
}

#[test]
fn five_hundred_messages_with_polling() {
    scenario(true);
}

#[test]
fn reports_match_a_one_shot_run_and_files_move() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("inbox");
    let reports = tmp.path().join("reports");
    let pass = tmp.path().join("pass");
    let failed = tmp.path().join("fail");
    fs::create_dir_all(&dir).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/quickstart");
    fs::copy(root.join("newsletter.eml"), dir.join("bad.eml")).unwrap();
    fs::copy(root.join("newsletter-fixed.eml"), dir.join("good.eml")).unwrap();
    fs::write(dir.join("notes.txt"), "not an email at all\n").unwrap();
    fs::write(dir.join(".hidden.eml"), "Subject: hidden\n\nx\n").unwrap();
    let out = Command::new(BIN)
        .arg("watch")
        .arg(&dir)
        .args(["--once", "--no-config", "--expect", "track.example.com", "--color", "never"])
        .arg("--reports")
        .arg(&reports)
        .arg("--move-to-pass")
        .arg(&pass)
        .arg("--move-to-fail")
        .arg(&failed)
        .output()
        .unwrap();
    // 2, as a batch run: notes.txt is not an email.
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stdout.contains("✖") && stdout.contains("✔") && stdout.contains("cannot audit"), "{stdout}");
    assert!(
        pass.join("good.eml").exists()
            && failed.join("bad.eml").exists()
            && failed.join("notes.txt").exists()
    );
    // Byte for byte what a one-shot run prints for the same path.
    for name in ["bad.eml", "good.eml"] {
        let one = Command::new(BIN)
            .arg(dir.join(name))
            .args(["--no-config", "--expect", "track.example.com", "--format", "json"])
            .output();
        let _ = one; // the file has moved: compare against the moved copy under its old name below
        let moved = if name == "good.eml" { pass.join(name) } else { failed.join(name) };
        fs::copy(&moved, dir.join(name)).unwrap();
        let one = Command::new(BIN)
            .arg(dir.join(name))
            .args(["--no-config", "--expect", "track.example.com", "--format", "json"])
            .output()
            .unwrap();
        let report = fs::read(reports.join(format!("{name}.linkaudit.json"))).unwrap();
        assert_eq!(String::from_utf8_lossy(&one.stdout), String::from_utf8_lossy(&report), "{name}");
        let text = Command::new(BIN)
            .arg(dir.join(name))
            .args(["--no-config", "--expect", "track.example.com", "--color", "never"])
            .output()
            .unwrap();
        assert_eq!(text.stdout, fs::read(reports.join(format!("{name}.linkaudit.txt"))).unwrap(), "{name}");
    }
}

#[test]
fn a_disappearing_folder_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("inbox");
    fs::create_dir_all(&dir).unwrap();
    let mut w = start(&dir, false, &[]);
    fs::remove_dir_all(&dir).unwrap();
    let status = w.child.wait().unwrap();
    assert_eq!(status.code(), Some(2));
}

#[test]
fn an_mbox_is_streamed_and_matches_a_one_shot_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("inbox");
    let reports = tmp.path().join("reports");
    fs::create_dir_all(&dir).unwrap();
    let mut mbox = String::new();
    for i in 0..3 {
        mbox.push_str("From news@news.example.com Sun Nov 29 10:00:00 2026\n");
        mbox.push_str(&message(&format!("m{i}"), 1, links_for(i)).replace("\r\n", "\n"));
    }
    fs::write(dir.join("sends.mbox"), &mbox).unwrap();
    let args = ["--no-config", "--expect", "track.example.com", "--color", "never"];
    let (stdout, report, one) = watch_once_and_one_shot(&dir, &reports, &args);
    assert_eq!(stdout.lines().count(), 1, "one summary line for the mbox: {stdout}");
    assert!(stdout.contains("sends.mbox  3 messages, 0 failing"), "{stdout}");
    assert_eq!(one, report);
}

/// Runs `watch DIR --once ARGS --reports REPORTS`, then a one-shot JSON audit of DIR/sends.mbox
/// with the same ARGS: watch's standard output, its report file, and the one-shot report.
fn watch_once_and_one_shot(dir: &Path, reports: &Path, args: &[&str]) -> (String, String, String) {
    let out = Command::new(BIN)
        .arg("watch")
        .arg(dir)
        .arg("--once")
        .args(args)
        .arg("--reports")
        .arg(reports)
        .output();
    let stdout = String::from_utf8_lossy(&out.unwrap().stdout).into_owned();
    let report = fs::read_to_string(reports.join("sends.mbox.linkaudit.json")).unwrap();
    let one = Command::new(BIN).arg(dir.join("sends.mbox")).args(args).args(["--format", "json"]).output();
    (stdout, report, String::from_utf8_lossy(&one.unwrap().stdout).into_owned())
}

#[test]
fn redacted_batch_findings_match_a_one_shot_run() {
    // An mbox with findings across its messages (LA206): the report file is redacted exactly as
    // `linkaudit FILE --redact` is, batch findings included.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("inbox");
    let reports = tmp.path().join("reports");
    fs::create_dir_all(&dir).unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/LA206-two-esps-across-messages.mbox");
    fs::copy(&fixture, dir.join("sends.mbox")).unwrap();
    let args = ["--no-config", "--expect", "track.example.com", "--redact"];
    let (_, report, one) = watch_once_and_one_shot(&dir, &reports, &args);
    assert!(report.contains("\"batch_findings\""), "{report}");
    assert_eq!(one, report);
}

/// Runs `watch DIR --once` with a deadline (a hang fails the test instead of stalling it).
fn watch_once_within(dir: &Path, secs: u64) -> (Option<i32>, String) {
    let mut child = Command::new(BIN)
        .arg("watch")
        .arg(dir)
        .args(["--once", "--no-config", "--no-reports", "--color", "never"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            let mut out = String::new();
            std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
            return (status.code(), out);
        }
        thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    (None, String::new())
}

/// Issue 19: `watch --once` exits as a batch run does — 1 when a message has findings at or
/// above `--fail-on`, 0 when none has (it used to exit 0 either way).
#[test]
fn watch_once_exits_with_the_audits_code() {
    let tmp = tempfile::tempdir().unwrap();
    let quickstart = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/quickstart");
    let run = |dir: &Path, extra: &[&str]| {
        let out = Command::new(BIN)
            .arg("watch")
            .arg(dir)
            .args(["--once", "--no-config", "--expect", "track.example.com", "--color", "never"])
            .args(extra)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let mixed = tmp.path().join("mixed");
    fs::create_dir_all(&mixed).unwrap();
    fs::copy(quickstart.join("newsletter.eml"), mixed.join("newsletter.eml")).unwrap();
    fs::copy(quickstart.join("newsletter-fixed.eml"), mixed.join("newsletter-fixed.eml")).unwrap();
    let (code, out) = run(&mixed, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("✖") && out.contains("✔"), "{out}");
    let (code, out) = run(&mixed, &["--fail-on", "never"]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = run(&mixed, &["--format", "json-lines"]);
    assert_eq!(code, Some(1), "{out}");
    let clean = tmp.path().join("clean");
    fs::create_dir_all(&clean).unwrap();
    fs::copy(quickstart.join("newsletter-fixed.eml"), clean.join("newsletter-fixed.eml")).unwrap();
    let (code, out) = run(&clean, &[]);
    assert_eq!(code, Some(0), "{out}");
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

/// Issue 16, item 4: a FIFO named `*.eml` and a symlink to /dev/zero are refused with one line
/// each, and the messages beside them still get their verdicts: nothing blocks or spins.
#[test]
fn fifos_and_devices_are_refused_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("inbox");
    fs::create_dir_all(&dir).unwrap();
    mkfifo(&dir.join("a-fifo.eml"));
    std::os::unix::fs::symlink("/dev/zero", dir.join("b-zero.eml")).unwrap();
    fs::write(dir.join("c-good.eml"), message("good", 1, 1)).unwrap();
    let (code, stdout) = watch_once_within(&dir, 20);
    // Exit 2, as a batch run: two inputs could not be audited.
    assert_eq!(code, Some(2), "watch --once hung or exited otherwise: {stdout}");
    assert!(stdout.contains("a-fifo.eml  cannot audit: not a regular file (a FIFO)"), "{stdout}");
    assert!(stdout.contains("b-zero.eml  cannot audit: not a regular file (a device)"), "{stdout}");
    assert!(stdout.contains("c-good.eml  1 links"), "{stdout}");

    // Live: a FIFO dropped into the folder does not stop the verdicts of what comes after it,
    // and a symlink loop is reported as `--once` reports it.
    let live = tmp.path().join("live");
    fs::create_dir_all(&live).unwrap();
    let w = start(&live, false, &["--no-reports"]);
    mkfifo(&live.join("d-fifo.eml"));
    std::os::unix::fs::symlink("e-loop.eml", live.join("e-loop.eml")).unwrap();
    thread::sleep(Duration::from_millis(300));
    fs::write(live.join("f-good.eml"), message("after", 1, 2)).unwrap();
    let mut got = Vec::new();
    w.collect(3, &mut got);
    let code = w.stop();
    let by_source = |name: &str| got.iter().find(|v| v["source"].as_str().is_some_and(|s| s.ends_with(name)));
    assert!(by_source("d-fifo.eml").is_some_and(|v| v["type"] == "error"), "{got:?}");
    assert!(by_source("e-loop.eml").is_some_and(|v| v["type"] == "error"), "{got:?}");
    assert!(by_source("f-good.eml").is_some_and(|v| v["subject"] == "after v1"), "{got:?}");
    assert_eq!(code, 0);
}

/// Issue 16, item 7: a writer that appends in chunks and closes the file between them, pausing
/// longer than the old 60 ms settle time, gets one verdict, on the whole message (with
/// `--settle 60` it got one on the first chunk).
#[test]
fn a_writer_that_closes_between_chunks_gets_one_whole_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("inbox");
    fs::create_dir_all(&dir).unwrap();
    let w = start(&dir, false, &["--no-reports"]);
    let text = message("chunked", 1, 5);
    let path = dir.join("chunked.eml");
    let bytes = text.as_bytes();
    for chunk in bytes.chunks(bytes.len() / 4 + 1) {
        let mut f = fs::OpenOptions::new().create(true).append(true).open(&path).unwrap();
        f.write_all(chunk).unwrap();
        drop(f);
        thread::sleep(Duration::from_millis(300));
    }
    let mut got = Vec::new();
    w.collect(1, &mut got);
    thread::sleep(Duration::from_millis(1500));
    while let Ok(line) = w.lines.try_recv() {
        got.push(serde_json::from_str(&line).unwrap());
    }
    w.stop();
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0]["links"].as_array().map(Vec::len), Some(5), "half-read: {}", got[0]);
}

/// Issue 16, item 7: a file that grows while it is being audited is not moved to the pass or
/// fail folder.
#[test]
fn a_file_that_changes_during_its_audit_is_not_moved() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("inbox");
    let pass = tmp.path().join("pass");
    let failed = tmp.path().join("fail");
    fs::create_dir_all(&dir).unwrap();
    // An mbox long enough to take seconds to audit in a debug build.
    let mut mbox = String::new();
    for i in 0..3000 {
        mbox.push_str("From news@news.example.com Sun Nov 29 10:00:00 2026\n");
        mbox.push_str(&message(&format!("m{i}"), 1, links_for(i)).replace("\r\n", "\n"));
    }
    let path = dir.join("sends.mbox");
    fs::write(&path, &mbox).unwrap();
    let child = Command::new(BIN)
        .arg("watch")
        .arg(&dir)
        .args(["--once", "--no-config", "--no-reports", "--format", "json-lines"])
        .arg("--move-to-pass")
        .arg(&pass)
        .arg("--move-to-fail")
        .arg(&failed)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    thread::sleep(Duration::from_millis(400));
    let mut f = fs::OpenOptions::new().append(true).open(&path).unwrap();
    f.write_all(b"From news@news.example.com Sun Nov 29 10:00:00 2026\nSubject: late\n\nx\n").unwrap();
    drop(f);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("changed while it was audited: not moved"), "{stderr}");
    assert!(path.exists() && !pass.join("sends.mbox").exists() && !failed.join("sends.mbox").exists());
}

#[test]
fn an_outlook_msg_dropped_in_gets_a_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("inbox");
    fs::create_dir_all(&dir).unwrap();
    let w = start(&dir, false, &["--no-reports"]);
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/msg/marirs-attachment.msg");
    fs::copy(&sample, dir.join("from-outlook.msg")).unwrap();
    let mut got = Vec::new();
    w.collect(1, &mut got);
    assert_eq!(w.stop(), 0);
    assert_eq!(got.len(), 1, "{got:?}");
    let line = got[0].to_string();
    assert!(line.contains("from-outlook.msg") && line.contains("\"container\":\"msg\""), "{line}");
    assert!(line.contains("https://www.docsign-online.com/pixel_b75cd8c513.gif"), "{line}");
}
