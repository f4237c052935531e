//! Batch runs: 10,000 messages generated from the fixtures, audited in one run, give for every
//! message exactly the report it gets when audited alone, in a deterministic order.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use rayon::prelude::*;

const MESSAGES: usize = 10_000;

fn fixture_messages() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for family in ["quickstart", "rules", "extract", "wrappers"] {
        for e in fs::read_dir(root.join(family)).unwrap() {
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
fn ten_thousand_messages_in_one_batch_match_each_alone() {
    let sources = fixture_messages();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::with_capacity(MESSAGES);
    for i in 0..MESSAGES {
        let sub = dir.path().join(format!("{:02}", i / 1000));
        fs::create_dir_all(&sub).unwrap();
        let path = sub.join(format!("{i:05}.eml"));
        fs::copy(&sources[i % sources.len()], &path).unwrap();
        files.push(path);
    }
    let out = Command::cargo_bin("linkaudit")
        .unwrap()
        .arg(dir.path())
        .args(["--expect", "track.example.com", "--no-config", "--format", "json-lines", "--no-progress"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("{\"type\":\"message\"")).collect();
    assert_eq!(lines.len(), MESSAGES);
    // Each message alone, through the same library call the CLI makes for one file.
    let opts = linkaudit::Options::expecting(["track.example.com"]);
    let alone: Vec<String> = files
        .par_iter()
        .map(|p| {
            let bytes = fs::read(p).unwrap();
            let reports = linkaudit::audit_all(&p.display().to_string(), &bytes, &opts).unwrap();
            linkaudit::report::json_lines::render_message(&reports[0]).trim_end().to_string()
        })
        .collect();
    for (i, (batch, single)) in lines.iter().zip(&alone).enumerate() {
        assert_eq!(batch, single, "message {i} differs");
    }
    // And a few through the real binary, one process per file.
    for p in files.iter().step_by(MESSAGES / 4) {
        let one = Command::cargo_bin("linkaudit")
            .unwrap()
            .arg(p)
            .args(["--expect", "track.example.com", "--no-config", "--format", "json-lines"])
            .output()
            .unwrap();
        let line = String::from_utf8(one.stdout).unwrap().lines().next().unwrap().to_string();
        assert!(lines.contains(&line.as_str()));
    }
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["messages"], MESSAGES);
}

#[test]
fn thread_count_does_not_change_the_output() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let run = |threads: &str| {
        Command::cargo_bin("linkaudit")
            .unwrap()
            .arg(&dir)
            .args(["--no-config", "--format", "json", "-j", threads])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run("1"), run("2"));
}
