//! The README is the front door: its usage block must be `linkaudit --help`, and its rule table
//! must list every rule.

use assert_cmd::Command;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

#[test]
fn usage_block_matches_help() {
    let readme = readme();
    let start = readme.find("<!-- usage:start -->\n```text\n").expect("usage start marker") + 29;
    let end = readme.find("```\n<!-- usage:end -->").expect("usage end marker");
    let documented = &readme[start..end];
    let out = Command::cargo_bin("linkaudit").unwrap().arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert_eq!(documented, help, "README usage block is out of date: paste `linkaudit --help`");
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
