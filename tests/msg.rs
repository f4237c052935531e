//! Outlook `.msg` input: compound files written here from the fixtures' `.eml` messages give the
//! same links and findings as the `.eml`; the real third-party samples in `fixtures/msg/` give
//! every URL of their bodies; the CLI reads a `.msg` named, found in a folder, or too large.
//! (`watch` is in tests/watch.rs.)

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use linkaudit::report::{json, Report};
use linkaudit::Options;
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// A `.msg` of the header block, text body and HTML body given (the HTML as UTF-8 `PR_HTML`).
fn write_msg(headers: &str, text: Option<&str>, html: Option<&str>) -> Vec<u8> {
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    let mut stream =
        |name: &str, data: &[u8]| cf.create_stream(format!("/{name}")).unwrap().write_all(data).unwrap();
    stream("__substg1.0_007D001F", &utf16(headers));
    if let Some(t) = text {
        stream("__substg1.0_1000001F", &utf16(t));
    }
    if let Some(h) = html {
        stream("__substg1.0_10130102", h.as_bytes());
    }
    // PR_INTERNET_CPID = 65001, after the 32-byte header of a top-level message.
    let mut props = vec![0u8; 32];
    props.extend_from_slice(&0x3FDE_0003u32.to_le_bytes());
    props.extend_from_slice(&[6, 0, 0, 0]);
    props.extend_from_slice(&65001u32.to_le_bytes());
    props.extend_from_slice(&[0; 4]);
    stream("__properties_version1.0", &props);
    cf.flush().unwrap();
    cf.into_inner().into_inner()
}

fn report(name: &str, bytes: &[u8]) -> Value {
    let opts = Options::expecting(["track.example.com"]);
    let messages = linkaudit::audit_all(name, bytes, &opts).unwrap();
    serde_json::from_str(&json::render(&Report::new(messages, Vec::new()))).unwrap()
}

/// What must agree: each link's URL, kind, part, line and column; each finding's code, part,
/// line, column and message.
fn essentials(v: &Value) -> (Vec<String>, Vec<String>) {
    let m = &v["messages"][0];
    let links = m["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!("{} {} {} {}:{} {}", l["url"], l["kind"], l["part"], l["line"], l["column"], l["class"])
        })
        .collect();
    let findings = m["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {} {}:{} {}", f["code"], f["part"], f["line"], f["column"], f["message"]))
        .collect();
    (links, findings)
}

fn fixture_emls() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for family in ["quickstart", "rules", "extract", "catalog", "unknown", "wrappers"] {
        for e in std::fs::read_dir(Path::new(ROOT).join("fixtures").join(family)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "eml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_msg_gives_the_links_of_the_same_messages_eml() {
    let mut compared = 0;
    for path in fixture_emls() {
        let bytes = std::fs::read(&path).unwrap();
        let eml = report("x", &bytes);
        // Messages whose bodies are a text part and/or an HTML part and nothing else: what a
        // .msg holds the same way.
        let parts: Vec<(String, String)> = eml["messages"][0]["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (p["part"].as_str().unwrap().to_string(), p["content_type"].as_str().unwrap().to_string())
            })
            .collect();
        let shape: Vec<(&str, &str)> = parts.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        if !matches!(
            shape[..],
            [("1", "text/plain"), ("2", "text/html")] | [("1", "text/html")] | [("1", "text/plain")]
        ) {
            continue;
        }
        let elsewhere = eml["messages"][0]["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| !matches!(l["part"].as_str(), Some("header" | "1" | "2")));
        let broken = eml["messages"][0]["findings"].as_array().unwrap().iter().any(|f| f["code"] == "LA002");
        if elsewhere || broken {
            // A bounce's copy of the original headers, a broken transfer encoding: nothing a
            // .msg holds.
            continue;
        }
        let parsed = mail_parser::MessageParser::default().parse(&bytes[..]).unwrap();
        let (mut text, mut html) = (None, None);
        for part in &parsed.parts {
            match &part.body {
                mail_parser::PartType::Text(t) if text.is_none() => text = Some(t.to_string()),
                mail_parser::PartType::Html(h) if html.is_none() => html = Some(h.to_string()),
                _ => {}
            }
        }
        let header_end = header_end(&bytes);
        let headers = String::from_utf8_lossy(&bytes[..header_end]);
        let msg = write_msg(&headers, text.as_deref(), html.as_deref());
        let from_msg = report("x", &msg);
        let name = path.strip_prefix(ROOT).unwrap().display().to_string();
        assert_eq!(from_msg["messages"][0]["container"], "msg", "{name}");
        let (el, ef) = essentials(&eml);
        let (ml, mf) = essentials(&from_msg);
        assert_eq!(ml, el, "{name}: links differ");
        assert_eq!(mf, ef, "{name}: findings differ");
        assert_eq!(from_msg["messages"][0]["subject"], eml["messages"][0]["subject"], "{name}");
        // No file positions: the rebuilt message's lines are not the .msg's.
        for l in from_msg["messages"][0]["links"].as_array().unwrap() {
            assert!(l.get("source_line").is_none_or(Value::is_null), "{name}: {l}");
        }
        compared += 1;
    }
    assert!(compared >= 40, "only {compared} fixtures compared");
}

/// Where the header block ends: after its first empty line, or the end.
fn header_end(bytes: &[u8]) -> usize {
    let mut at = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        at += line.len();
        if line == b"\n" || line == b"\r\n" {
            break;
        }
    }
    at
}

fn expected_urls(sample: &Path) -> Vec<String> {
    let list = sample.with_extension("urls.txt");
    let mut urls: Vec<String> =
        std::fs::read_to_string(list).unwrap().lines().filter(|l| !l.is_empty()).map(String::from).collect();
    urls.sort();
    urls
}

fn body_urls(v: &Value) -> Vec<String> {
    let mut urls: Vec<String> = v["messages"][0]["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] != "header")
        .map(|l| l["url"].as_str().unwrap().to_string())
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

#[test]
fn real_samples_give_every_url_of_their_bodies() {
    // MIT-licensed samples from public repositories (fixtures/README.md).
    let mut samples: Vec<PathBuf> = vec![
        Path::new(ROOT).join("fixtures/msg/hfig-sample.msg"),
        Path::new(ROOT).join("fixtures/msg/marirs-attachment.msg"),
    ];
    // The shared corpus, when it is there, may hold more.
    let shared = Path::new(ROOT).join("../shared/corpus/msg");
    match std::fs::read_dir(&shared) {
        Ok(rd) => {
            for e in rd {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "msg") && p.with_extension("urls.txt").exists() {
                    samples.push(p);
                }
            }
        }
        Err(_) => eprintln!("SKIPPED (not run, not passed): ../shared/corpus/msg is absent"),
    }
    for sample in samples {
        let v = report("x", &std::fs::read(&sample).unwrap());
        assert_eq!(body_urls(&v), expected_urls(&sample), "{}", sample.display());
    }
    // The second stores its HTML only inside compressed RTF: the part says so.
    let v = report("x", &std::fs::read(Path::new(ROOT).join("fixtures/msg/marirs-attachment.msg")).unwrap());
    let origins: Vec<&str> =
        v["messages"][0]["parts"].as_array().unwrap().iter().filter_map(|p| p["origin"].as_str()).collect();
    assert_eq!(origins, ["Outlook .msg text body (PR_BODY)", "Outlook .msg HTML body (from compressed RTF)"]);
}

#[test]
fn origins_name_the_paths_the_message_stage_gives() {
    // A message with both bodies and an attached Outlook message with both bodies.
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    let mut stream = |path: &str, data: &[u8]| {
        let parent = Path::new(path).parent().unwrap().to_path_buf();
        cf.create_storage_all(&parent).unwrap();
        cf.create_stream(path).unwrap().write_all(data).unwrap();
    };
    let inner = "/__attach_version1.0_#00000000/__substg1.0_3701000D";
    for at in ["", inner] {
        stream(&format!("{at}/__substg1.0_0037001F"), &utf16("s"));
        stream(&format!("{at}/__substg1.0_1000001F"), &utf16(&format!("text{at} https://t.example.com/")));
        stream(&format!("{at}/__substg1.0_1013001F"), &utf16("<a href=\"https://h.example.com/\">h</a>"));
    }
    let mut props = vec![0u8; 8];
    props.extend_from_slice(&0x3705_0003u32.to_le_bytes());
    props.extend_from_slice(&[6, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]);
    stream("/__attach_version1.0_#00000000/__properties_version1.0", &props);
    cf.flush().unwrap();
    let v = report("x", &cf.into_inner().into_inner());
    let parts: Vec<String> = v["messages"][0]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{} {} {}", p["part"], p["content_type"], p["origin"]))
        .collect();
    assert_eq!(
        parts,
        [
            r#""1.1" "text/plain" "Outlook .msg text body (PR_BODY)""#,
            r#""1.2" "text/html" "Outlook .msg HTML body (PR_HTML)""#,
            r#""2.1" "text/plain" "Outlook .msg text body (PR_BODY)""#,
            r#""2.2" "text/html" "Outlook .msg HTML body (PR_HTML)""#,
        ]
    );
}

fn linkaudit() -> Command {
    let mut cmd = Command::cargo_bin("linkaudit").unwrap();
    cmd.current_dir(ROOT).env_remove("NO_COLOR");
    cmd
}

#[test]
fn the_cli_reads_a_msg_named_or_in_a_folder() {
    let sample = "fixtures/msg/marirs-attachment.msg";
    let out = linkaudit().args([sample, "--no-config", "--color", "never"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("Outlook .msg: part 1 text body (PR_BODY), part 2 HTML body (from compressed RTF)"),
        "{text}"
    );
    assert!(text.contains("Links: 3"), "{text}");
    // In a folder, beside an .eml: both audited, nothing skipped.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(Path::new(ROOT).join(sample), dir.path().join("a.msg")).unwrap();
    std::fs::copy(Path::new(ROOT).join("fixtures/quickstart/newsletter-fixed.eml"), dir.path().join("b.eml"))
        .unwrap();
    let out = linkaudit()
        .arg(dir.path())
        .args(["--no-config", "--format", "json", "--expect", "track.example.com"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sources: Vec<&str> =
        v["messages"].as_array().unwrap().iter().map(|m| m["source"].as_str().unwrap()).collect();
    assert_eq!(sources.len(), 2, "{v}");
    assert!(sources[0].ends_with("a.msg") && sources[1].ends_with("b.eml"), "{sources:?}");
    assert_eq!(v["messages"][0]["container"], "msg");
    assert!(v["messages"][1].get("container").is_none());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("skipped"), "{stderr}");
    // A text file named .msg (Tcl's message catalogs are) is skipped in a folder, like a .txt
    // that is not an email; a broken Outlook .msg is an error.
    std::fs::write(dir.path().join("c.msg"), "::msgcat::mcset fr Hello Bonjour\n").unwrap();
    let out = linkaudit().arg(dir.path()).args(["--no-config", "--format", "json"]).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("c.msg: skipped"), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["messages"].as_array().unwrap().len(), 2, "{v}");
    std::fs::write(dir.path().join("c.msg"), b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 broken").unwrap();
    let out = linkaudit().arg(dir.path()).args(["--no-config", "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["errors"][0]["message"].as_str().unwrap().contains("OLE compound file"), "{v}");
    assert_eq!(out.status.code(), Some(2));
    // SARIF and GitHub annotations name the file without a line for a .msg.
    let out =
        linkaudit().args(["fixtures/msg/hfig-sample.msg", "--no-config", "-f", "github"]).output().unwrap();
    let gh = String::from_utf8(out.stdout).unwrap();
    assert!(gh.contains("::warning file=fixtures/msg/hfig-sample.msg,title=LA102"), "{gh}");
    assert!(!gh.contains(",line="), "{gh}");
    let out =
        linkaudit().args(["fixtures/msg/hfig-sample.msg", "--no-config", "-f", "sarif"]).output().unwrap();
    let sarif = String::from_utf8(out.stdout).unwrap();
    assert!(sarif.contains("LA102") && !sarif.contains("startLine"), "{sarif}");
}

#[test]
fn a_msg_over_the_input_limit_is_unreadable_not_cut() {
    // A compound file cannot be read in part: over --max-input-mb it is an LA001 error.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.msg");
    let mut bytes = std::fs::read(Path::new(ROOT).join("fixtures/msg/marirs-attachment.msg")).unwrap();
    bytes.resize(1024 * 1024 + 512, 0);
    std::fs::write(&big, &bytes).unwrap();
    let out =
        linkaudit().arg(&big).args(["--no-config", "--max-input-mb", "1", "-f", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let error = v["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(error.contains("larger than the input size limit"), "{v}");
    assert_eq!(v["summary"]["unreadable"], 1);
    assert_ne!(out.status.code(), Some(0));
}
