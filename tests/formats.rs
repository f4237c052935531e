//! Every output format: a snapshot per format (`tests/snapshots/`, `LINKAUDIT_BLESS=1` rewrites
//! them), JUnit validated against `schemas/junit.xsd` (xmllint), SARIF against
//! `schemas/sarif-2.1.0.schema.json`, and `--redact` leaving no address in any format.

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;

const INPUTS: &[&str] =
    &["fixtures/quickstart/newsletter.eml", "fixtures/rules/LA206-two-esps-across-messages.mbox"];
const FORMATS: &[&str] = &["text", "concise", "json", "json-lines", "junit", "sarif", "github", "markdown"];

fn run(format: &str, extra: &[&str]) -> String {
    let out = Command::cargo_bin("linkaudit")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(INPUTS)
        .args(["--expect", "track.example.com", "--no-config", "--color", "never", "--format", format])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{format}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_format_matches_its_snapshot() {
    let bless = std::env::var_os("LINKAUDIT_BLESS").is_some();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut differ = Vec::new();
    for format in FORMATS {
        let got = run(format, &[]).replace(env!("CARGO_PKG_VERSION"), "VERSION");
        let path = dir.join(format!("{format}.snap"));
        if bless {
            std::fs::write(&path, &got).unwrap();
        } else if std::fs::read_to_string(&path).unwrap_or_default() != got {
            differ.push(format.to_string());
        }
    }
    assert!(
        differ.is_empty(),
        "formats differ from tests/snapshots (LINKAUDIT_BLESS=1 to update): {differ:?}"
    );
}

#[test]
fn json_lines_objects_are_the_json_messages() {
    let json: serde_json::Value = serde_json::from_str(&run("json", &[])).unwrap();
    let lines: Vec<serde_json::Value> =
        run("json-lines", &[]).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let messages: Vec<&serde_json::Value> = lines.iter().filter(|l| l["type"] == "message").collect();
    assert_eq!(messages.len(), json["messages"].as_array().unwrap().len());
    for (line, m) in messages.iter().zip(json["messages"].as_array().unwrap()) {
        let mut line = (*line).clone();
        line.as_object_mut().unwrap().remove("type");
        assert_eq!(&line, m);
    }
    assert_eq!(lines.last().unwrap()["type"], "summary");
    assert_eq!(lines.iter().filter(|l| l["type"] == "finding").count(), 2, "the batch LA206 findings");
}

/// Validators are optional on a developer machine; `.ci/run` installs them and sets
/// LINKAUDIT_REQUIRE_VALIDATORS so that CI never skips.
fn have(tool: &str) -> bool {
    let found = Process::new(tool).arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("LINKAUDIT_REQUIRE_VALIDATORS").is_none(),
            "{tool} is required here but missing"
        );
        // Straight to the process's stderr: libtest swallows `eprintln!` of a passing test, and a
        // skipped check must not look like a passed one.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!(
                "SKIPPED (not run, not passed): the JUnit schema check needs {tool} \
                 (apt-get install libxml2-utils; .ci/run installs it)\n"
            )
            .as_bytes(),
        );
    }
    found
}

#[test]
fn junit_passes_the_xsd() {
    if !have("xmllint") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.xml");
    std::fs::write(&file, run("junit", &[])).unwrap();
    let out = Process::new("xmllint")
        .args(["--noout", "--schema", concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/junit.xsd")])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn sarif_passes_the_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../schemas/sarif-2.1.0.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif", &[])).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&sarif).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(),
        linkaudit::rules::RULES.len()
    );
    // A schema that accepts anything proves nothing: a broken log must fail.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn redact_leaves_no_address_in_any_format() {
    let address = regex::Regex::new(r"(?i)[a-z0-9._%+-]+(@|%40)[a-z0-9-]+\.[a-z0-9.-]+").unwrap();
    assert!(
        address.is_match(&run("json", &[])),
        "the fixtures must carry addresses for this test to mean something"
    );
    for format in FORMATS {
        let redacted = run(format, &["--redact"]);
        let left: Vec<&str> = address.find_iter(&redacted).map(|m| m.as_str()).collect();
        assert!(left.is_empty(), "{format} leaks {left:?}");
    }
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        Command::cargo_bin("linkaudit")
            .unwrap()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicates::str::contains("linkaudit"));
    }
    Command::cargo_bin("linkaudit")
        .unwrap()
        .arg("man")
        .assert()
        .success()
        .stdout(predicates::str::contains(".TH linkaudit"));
}

/// Issue 16, item 2: the Subject, percent-encoded and fullwidth addresses, URL userinfo and
/// image alt text are masked in every format and in the watch report files.
#[test]
fn redact_masks_every_form_of_the_address() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.eml");
    let message = "From: news@news.example.com\r\nTo: victim.person@corp.example\r\nSubject: For victim.person@corp.example only\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
        <a href=\"http://u1.ct.sendgrid.net/ls/click?e=victim.person%40corp%2Eexample\">a</a>\r\n\
        <a href=\"https://victim:hunter2@shop.example.com/\">victim.person＠corp.example</a>\r\n\
        <img src=\"https://cdn.example.com/b.png\" alt=\"Hi victim.person@corp.example\" width=\"40\" height=\"40\">\r\n";
    std::fs::write(&path, message).unwrap();
    let mut formats: Vec<&str> = FORMATS.to_vec();
    formats.push("html");
    for format in formats {
        let out = Command::cargo_bin("linkaudit")
            .unwrap()
            .arg(&path)
            .args(["--no-config", "--redact", "--format", format])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        // Concise and GitHub show neither the Subject nor URLs.
        assert!(matches!(format, "concise" | "github") || stdout.contains("[email]"), "{format}: {stdout}");
        assert!(!stdout.contains("victim"), "{format} leaks: {stdout}");
    }
    // The watch's report files.
    let reports = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("linkaudit")
        .unwrap()
        .args(["watch", "--once", "--no-config", "--redact", "--format", "json-lines", "--reports"])
        .arg(reports.path())
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("victim"));
    for ext in ["json", "txt"] {
        let report = std::fs::read_to_string(reports.path().join(format!("m.eml.linkaudit.{ext}"))).unwrap();
        assert!(report.contains("[email]") && !report.contains("victim"), "{ext}: {report}");
    }
}
