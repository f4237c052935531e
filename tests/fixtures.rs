//! Golden tests over `fixtures/`: every message is audited and compared with the `.snap` file
//! beside it (links with kind, class, ESP and destination; findings with code and location), and
//! audited again with the other line endings (CRLF ↔ LF), which must give the same JSON.
//!
//! After an intended change, regenerate the snapshots with `LINKAUDIT_BLESS=1 cargo test` and
//! review the diff.

use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};

use linkaudit::report::{json, Report};
use linkaudit::Options;

const FAMILIES: &[&str] =
    &["quickstart", "rules", "extract", "input", "wrappers", "html", "catalog", "unknown"];

/// `--expect` used for a fixture: `track.example.com`, unless the fixture is about another value.
fn expect_for(path: &Path) -> Vec<&'static str> {
    match path.file_name().and_then(|n| n.to_str()) {
        Some("LA204-apex-expected.eml") => vec!["example.com"],
        _ => vec!["track.example.com"],
    }
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for family in FAMILIES {
        let mut files: Vec<PathBuf> = fs::read_dir(root.join(family))
            .expect("fixture folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
                matches!(ext, "eml" | "emlx" | "mbox" | "txt")
            })
            .collect();
        files.sort();
        out.extend(files);
    }
    assert!(out.len() >= 20, "fixtures missing: found {}", out.len());
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(path).display().to_string()
}

fn audit(path: &Path, bytes: &[u8]) -> Report {
    let opts = Options::expecting(expect_for(path));
    let name = relative(path);
    match linkaudit::audit_all(&name, bytes, &opts) {
        Ok(messages) => Report::new(messages, Vec::new()),
        Err(e) => panic!("{name}: {e}"),
    }
}

fn snapshot(path: &Path, report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {} --expect {}", relative(path), expect_for(path).join(","));
    for m in &report.messages {
        let _ = writeln!(s, "message {} from={:?} subject={:?}", m.index, m.from, m.subject);
        for v in &m.sent_via {
            let _ = writeln!(s, "  sent via {} ({})", v.esp, v.evidence);
        }
        for r in &m.alignment {
            let _ = writeln!(
                s,
                "  domain {} {} org={} aligned={}",
                r.role.label(),
                r.domain,
                r.org.as_deref().unwrap_or("-"),
                r.aligned.map_or("-".to_string(), |a| a.to_string())
            );
        }
        if let Some(a) = &m.authentication {
            let _ = writeln!(s, "  auth {} spf={:?} dkim={:?} dmarc={:?}", a.source, a.spf, a.dkim, a.dmarc);
        }
        for l in &m.links {
            let dest = match (&l.destination, &l.note) {
                (Some(d), _) if d != &l.url => format!(" -> {d}"),
                (Some(_), _) => String::new(),
                (None, Some(note)) => format!(" -> ({note})"),
                (None, None) => " -> (unknown)".into(),
            };
            let _ = writeln!(
                s,
                "  link {}:{}:{} {} {} {} {}{} {}{}",
                l.part,
                l.line,
                l.column,
                serde_json::to_value(l.kind).unwrap().as_str().unwrap(),
                l.class.as_str(),
                l.role.as_str(),
                l.esp.as_deref().unwrap_or("-"),
                l.gateway.as_deref().map(|g| format!(" via {g}")).unwrap_or_default(),
                l.url,
                dest
            );
        }
        for f in &m.findings {
            let at = match (&f.part, f.line, f.column) {
                (Some(p), Some(l), Some(c)) => format!("{p}:{l}:{c}"),
                (Some(p), _, _) => p.clone(),
                _ => "message".into(),
            };
            let _ = writeln!(s, "  {} {} {} {}", f.code, f.severity.as_str(), at, f.message);
        }
    }
    for b in &report.batch_findings {
        let _ = writeln!(
            s,
            "across messages {}: {} {} {}",
            b.index,
            b.finding.code,
            b.finding.severity.as_str(),
            b.finding.message
        );
    }
    s
}

#[test]
fn fixtures_match_their_snapshots() {
    let bless = std::env::var_os("LINKAUDIT_BLESS").is_some();
    let mut failures = Vec::new();
    for path in fixtures() {
        let bytes = fs::read(&path).unwrap();
        let got = snapshot(&path, &audit(&path, &bytes));
        let snap = path.with_extension(format!("{}.snap", path.extension().unwrap().to_str().unwrap()));
        if bless {
            fs::write(&snap, &got).unwrap();
            continue;
        }
        let want = fs::read_to_string(&snap).unwrap_or_default();
        if want != got {
            failures.push(format!("{}\n--- want\n{want}--- got\n{got}", relative(&path)));
        }
    }
    assert!(failures.is_empty(), "snapshots differ (LINKAUDIT_BLESS=1 to update):\n{}", failures.join("\n"));
}

fn swap_line_endings(bytes: &[u8]) -> Vec<u8> {
    let crlf = bytes.windows(2).any(|w| w == b"\r\n");
    if crlf {
        String::from_utf8_lossy(bytes).replace("\r\n", "\n").into_bytes()
    } else {
        let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 20);
        for &b in bytes {
            if b == b'\n' {
                out.push(b'\r');
            }
            out.push(b);
        }
        out
    }
}

#[test]
fn crlf_and_lf_give_the_same_report() {
    for path in fixtures() {
        if path.extension().is_some_and(|e| e == "emlx") {
            continue; // the .emlx byte count is part of the format
        }
        let bytes = fs::read(&path).unwrap();
        let other = swap_line_endings(&bytes);
        assert_ne!(bytes, other, "{}", relative(&path));
        let a = json::render(&audit(&path, &bytes));
        let b = json::render(&audit(&path, &other));
        assert_eq!(a, b, "{}: CRLF and LF reports differ", relative(&path));
    }
}

/// Every rule is shown working: a message rule by a fixture whose snapshot has its code, the
/// domain checks (LA9xx, they need a DNS and TLS server) and LA001 (input that is no message,
/// which gives no snapshot) by the test file that starts what they need.
#[test]
fn every_rule_has_a_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut snapshots = String::new();
    for path in fixtures() {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("eml");
        snapshots
            .push_str(&fs::read_to_string(path.with_extension(format!("{ext}.snap"))).unwrap_or_default());
    }
    let elsewhere = |code: &str| -> Option<&'static str> {
        match code {
            "LA001" => Some("tests/cli.rs"),
            c if c.starts_with("LA9") => Some("tests/domain.rs"),
            _ => None,
        }
    };
    let mut missing = Vec::new();
    for rule in linkaudit::rules::RULES {
        let shown = match elsewhere(rule.code) {
            Some(file) => fs::read_to_string(root.join(file)).unwrap_or_default().contains(rule.code),
            None => snapshots.contains(&format!(" {} ", rule.code)),
        };
        if !shown {
            missing.push(format!("{} {}", rule.code, rule.name));
        }
    }
    assert!(
        missing.is_empty(),
        "rules without a fixture (add fixtures/rules/CODE-….eml):\n{}",
        missing.join("\n")
    );
}
