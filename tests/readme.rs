//! The README is the front door: its usage block must be `linkaudit --help`, and its rule table
//! must list every rule.

use assert_cmd::Command;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The text between `<!-- NAME:start -->` and `<!-- NAME:end -->`, inside its ```text fence.
fn section(readme: &str, name: &str) -> String {
    let start_marker = format!("<!-- {name}:start -->\n```text\n");
    let start = readme.find(&start_marker).unwrap_or_else(|| panic!("README lacks {name} markers"))
        + start_marker.len();
    let end = readme.find(&format!("```\n<!-- {name}:end -->")).expect("end marker");
    readme[start..end].to_string()
}

fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("linkaudit")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn usage_block_matches_help() {
    assert_eq!(
        section(&readme(), "usage"),
        run(&["--help"]),
        "README usage block is out of date: run scripts/update-readme"
    );
}

#[test]
fn sample_output_matches_the_binary() {
    let got =
        run(&["fixtures/quickstart/newsletter.eml", "--expect", "track.example.com", "--color", "never"]);
    assert_eq!(
        section(&readme(), "sample"),
        got,
        "README sample output is out of date: run scripts/update-readme"
    );
}

#[test]
fn rule_table_lists_every_rule() {
    let readme = readme();
    for r in linkaudit::rules::RULES {
        let row = format!("| {} | `{}` | {} |", r.code, r.name, r.severity.as_str());
        assert!(readme.contains(&row), "README rule table lacks {row}");
    }
}

#[test]
fn the_quickstart_example_exists() {
    let readme = readme();
    assert!(readme.contains(
        "cargo run --release --locked -- fixtures/quickstart/newsletter.eml --expect track.example.com"
    ));
    assert!(readme.contains("cargo test --locked"));
    assert!(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/quickstart/newsletter.eml"))
        .exists());
}
