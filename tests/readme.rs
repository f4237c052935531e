//! The README is the front door: its sample output must be the binary's, it stays short, and its
//! quick start works; the usage block of docs/usage.md must be `linkaudit --help`, and the rule
//! table of docs/rules/README.md must list every rule.

use assert_cmd::Command;

fn readme() -> String {
    doc("README.md")
}

fn doc(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
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
        section(&doc("docs/usage.md"), "usage"),
        run(&["--help"]),
        "docs/usage.md usage block is out of date: run scripts/update-readme"
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
    let readme = doc("docs/rules/README.md");
    for r in linkaudit::rules::RULES {
        let row = format!("| {} | `{}` | {} |", r.code, r.name, r.severity.as_str());
        assert!(readme.contains(&row), "docs/rules/README.md rule table lacks {row}");
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

#[test]
fn the_readme_is_a_front_door_and_its_links_resolve() {
    let readme = readme();
    assert!(readme.len() <= 16 * 1024, "README.md is {} bytes: keep it a front door (~15 KB)", readme.len());
    for target in readme.split("](").skip(1).filter_map(|s| s.split(')').next()) {
        if target.starts_with("http") {
            continue;
        }
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(target);
        assert!(path.exists(), "README links to {target}, which does not exist");
    }
}
