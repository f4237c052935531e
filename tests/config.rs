//! `linkaudit.toml`: discovered two levels up, flags override it, a broken one is
//! file:line:key and exit 2; `linkaudit init` writes a starter that parses.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn at(dir: &str) -> Command {
    let mut cmd = Command::cargo_bin("linkaudit").unwrap();
    cmd.current_dir(format!("{}/{dir}", env!("CARGO_MANIFEST_DIR")));
    cmd
}

fn codes_and_severities(v: &Value) -> Vec<(String, String)> {
    v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["findings"].as_array().unwrap().clone())
        .map(|f| (f["code"].as_str().unwrap().to_string(), f["severity"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn a_config_two_levels_up_is_used() {
    let out = at("fixtures/config/campaigns/spring").args([".", "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = codes_and_severities(&v);
    // expect from the file: no LA203; LA402 ignored; LA205 raised to error; the allow-listed
    // campaign-archive host has no LA205.
    assert!(!found.iter().any(|(c, _)| c == "LA203" || c == "LA402"), "{found:?}");
    assert_eq!(found.iter().filter(|(c, s)| c == "LA205" && s == "error").count(), 1, "{found:?}");
    assert!(!found.iter().any(|(c, s)| c == "LA205" && s != "error"), "{found:?}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn flags_override_the_config() {
    let out = at("fixtures/config/campaigns/spring")
        .args([
            ".",
            "--format",
            "json",
            "--expect",
            "other.example.com",
            "--fail-on",
            "never",
            "--ignore",
            "LA205",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = codes_and_severities(&v);
    assert!(found.iter().any(|(c, _)| c == "LA203"), "--expect replaces the file's: {found:?}");
    assert!(
        !found.iter().any(|(c, _)| c == "LA205" || c == "LA402"),
        "--ignore adds to the file's: {found:?}"
    );
    assert_eq!(out.status.code(), Some(0), "--fail-on never wins");
    // --no-config ignores the file.
    let out = at("fixtures/config/campaigns/spring")
        .args([".", "--format", "json", "--no-config"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(codes_and_severities(&v).iter().any(|(c, _)| c == "LA402"));
}

#[test]
fn a_broken_config_names_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("linkaudit.toml"),
        "expect = [\"track.example.com\"]\n\n[severity]\nLA205 = \"fatal\"\n",
    )
    .unwrap();
    let msg = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/rules/LA201-esp-default-domain.eml");
    Command::cargo_bin("linkaudit")
        .unwrap()
        .current_dir(dir.path())
        .arg(msg)
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(r"linkaudit\.toml:4:\d+: .*LA205").unwrap());
    std::fs::write(dir.path().join("linkaudit.toml"), "expct = [\"track.example.com\"]\n").unwrap();
    Command::cargo_bin("linkaudit")
        .unwrap()
        .current_dir(dir.path())
        .arg(msg)
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(r"linkaudit\.toml:1:\d+: .*expct").unwrap());
    // --config names a file explicitly.
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "fail-on = \"sometimes\"\n").unwrap();
    Command::cargo_bin("linkaudit")
        .unwrap()
        .arg(msg)
        .arg("--config")
        .arg(&other)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fail-on"));
}

#[test]
fn init_writes_a_starter_that_parses() {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("linkaudit").unwrap().current_dir(dir.path()).arg("init").assert().success();
    assert!(dir.path().join("linkaudit.toml").exists());
    Command::cargo_bin("linkaudit").unwrap().current_dir(dir.path()).arg("init").assert().code(2);
    let msg = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/quickstart/newsletter-fixed.eml");
    Command::cargo_bin("linkaudit").unwrap().current_dir(dir.path()).arg(msg).assert().code(0);
}
