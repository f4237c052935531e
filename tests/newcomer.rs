//! What a new user trips over (issue 17), each checked the way the user met it: through the
//! command line (`assert_cmd`). The HTML report's preview and readability are checked in a
//! browser in `tests/html.rs`.

use assert_cmd::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn linkaudit() -> Command {
    let mut c = Command::cargo_bin("linkaudit").unwrap();
    c.current_dir(ROOT).env_remove("NO_COLOR");
    c
}

fn stdout(args: &[&str]) -> String {
    let out = linkaudit().args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// The sections of a `--help` text: heading → the flags listed under it.
fn sections(help: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in help.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            out.push((line.trim_end_matches(':').to_string(), Vec::new()));
        } else if let Some((_, flags)) = out.last_mut() {
            let t = line.trim_start();
            if t.starts_with("--") || (t.starts_with('-') && t.as_bytes().get(2) == Some(&b',')) {
                let long = t.split([',', ' ']).find(|w| w.starts_with("--")).unwrap_or(t);
                flags.push(long.to_string());
            }
        }
    }
    out
}

fn under<'a>(sections: &'a [(String, Vec<String>)], heading: &str) -> &'a [String] {
    sections.iter().find(|(h, _)| h == heading).map_or(&[], |(_, f)| f.as_slice())
}

#[test]
fn help_puts_output_options_under_their_own_heading() {
    for args in [&["-h"][..], &["--help"], &["watch", "--help"], &["watch", "-h"]] {
        let help = stdout(args);
        let s = sections(&help);
        let limits = under(&s, "Limits");
        assert!(!limits.is_empty(), "{args:?}: no Limits heading\n{help}");
        assert!(limits.iter().all(|f| f.starts_with("--max-")), "{args:?}: Limits holds {limits:?}");
        let output = under(&s, "Output");
        assert!(output.contains(&"--format".to_string()), "{args:?}: Output holds {output:?}");
        assert!(output.contains(&"--color".to_string()), "{args:?}: Output holds {output:?}");
    }
    let s = sections(&stdout(&["--help"]));
    assert_eq!(under(&s, "Output"), ["--format", "--output", "--color", "--no-progress"]);
    assert!(under(&s, "Options").contains(&"--threads".to_string()));
    assert!(under(&s, "Domain checks").contains(&"--check-dns".to_string()));
    let s = sections(&stdout(&["domain", "--help"]));
    assert_eq!(under(&s, "Output"), ["--format", "--output"]);
    assert!(under(&s, "Options").contains(&"--expect".to_string()));
    assert!(!under(&s, "Domain checks").contains(&"--expect".to_string()));
}

#[test]
fn the_man_page_has_headings_exit_status_files_and_examples() {
    let man = stdout(&["man"]);
    let sections: Vec<&str> = man.lines().filter(|l| l.starts_with(".SH")).collect();
    for want in
        [".SH OPTIONS", ".SH OUTPUT", ".SH LIMITS", ".SH \"EXIT STATUS\"", ".SH FILES", ".SH EXAMPLES"]
    {
        assert!(sections.contains(&want), "{want} missing: {sections:?}");
    }
    // The limits section holds the limits alone.
    let limits = &man[man.find(".SH LIMITS").unwrap()..];
    let limits = &limits[..limits[1..].find(".SH").unwrap()];
    assert!(!limits.contains("\\-\\-format") && limits.contains("\\-\\-max\\-depth"), "{limits}");
    assert!(man.contains("linkaudit.toml"));
}

#[test]
fn watch_and_domain_help_speak_their_own_terms() {
    let watch = stdout(&["watch", "--help"]);
    assert!(watch.contains("Mark a message ✖"), "{watch}");
    assert!(!watch.contains("Exit with 1 when"), "{watch}");
    let domain = stdout(&["domain", "--help"]);
    assert!(domain.contains("one test suite per host"), "{domain}");
    assert!(!domain.contains("Grouped per message"), "{domain}");
}
