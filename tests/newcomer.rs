//! What a new user trips over (issue 17), each checked the way the user met it: through the
//! command line (`assert_cmd`). The HTML report's preview and readability are checked in a
//! browser in `tests/html.rs`.

use std::path::Path;

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

fn run_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = linkaudit().arg(dir).args(["--no-config", "--no-progress"]).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_gate_that_finds_no_message_fails() {
    let dir = tempfile::tempdir().unwrap();
    // An empty folder, in every format: exit 2 and a message naming the folder.
    for format in ["text", "json", "github", "junit"] {
        let (code, _, err) = run_in(dir.path(), &["-f", format]);
        assert_eq!(code, 2, "{format}: {err}");
        assert!(err.contains("no messages found in"), "{format}: {err}");
        assert!(err.contains(".eml, .emlx, .msg, .mbox, .mbx and .txt"), "{format}: {err}");
    }
    // Files of other kinds: counted.
    std::fs::write(dir.path().join("a.docx"), b"PK\x03\x04").unwrap();
    std::fs::write(dir.path().join("b.docx"), b"PK\x03\x04").unwrap();
    std::fs::write(dir.path().join("report.pdf"), b"%PDF-1.7").unwrap();
    std::fs::write(dir.path().join(".DS_Store"), b"x").unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"remember the sale\n").unwrap();
    let (code, out, err) = run_in(dir.path(), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("3 other files in the folders skipped (2 .docx, 1 .pdf)"), "{err}");
    assert!(err.contains("notes.txt: skipped, not an email message"), "{err}");
    assert!(!err.contains("DS_Store"), "{err}");
    // A wrong path is no pass either.
    let (code, _, err) = run_in(&dir.path().join("not-downloaded"), &["-f", "json"]);
    assert_eq!(code, 2, "{err}");
    // One message among them: audited, the others still counted, the exit code the findings'.
    std::fs::copy(
        Path::new(ROOT).join("fixtures/quickstart/newsletter-fixed.eml"),
        dir.path().join("ok.eml"),
    )
    .unwrap();
    let (code, out, err) = run_in(dir.path(), &["--expect", "track.example.com"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("summary: 1 message"), "{out}");
    assert!(err.contains("3 other files"), "{err}");
}

#[test]
fn folders_explicit_paths_and_watch_take_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let sends = dir.path().join("sends");
    std::fs::create_dir(&sends).unwrap();
    // Gmail's "Show original" saved as text (the README's way), an mbox named .mbx, an .eml.
    std::fs::copy(Path::new(ROOT).join("fixtures/input/gmail-show-original.txt"), sends.join("a.txt"))
        .unwrap();
    std::fs::copy(Path::new(ROOT).join("fixtures/input/two-messages.mbox"), sends.join("b.mbx")).unwrap();
    std::fs::copy(Path::new(ROOT).join("fixtures/quickstart/newsletter.eml"), sends.join("c.eml")).unwrap();
    let sources = |json: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        v["messages"].as_array().unwrap().iter().map(|m| m["source"].as_str().unwrap().to_string()).collect()
    };
    let (_, folder, err) = run_in(&sends, &["-f", "json"]);
    let folder = sources(&folder);
    assert_eq!(folder.len(), 4, "{folder:?} {err}");
    let explicit = linkaudit()
        .args([sends.join("a.txt"), sends.join("b.mbx"), sends.join("c.eml")])
        .args(["--no-config", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(sources(&String::from_utf8(explicit.stdout).unwrap()), folder);
    let watched = linkaudit()
        .arg("watch")
        .arg(&sends)
        .args(["--once", "--no-config", "--no-reports", "-f", "json-lines"])
        .output()
        .unwrap();
    let watched: Vec<String> = String::from_utf8(watched.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "message")
        .map(|v| v["source"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(watched, folder);
}

#[test]
fn annotations_point_at_the_message_file_line_of_each_link() {
    let quickstart = ["fixtures/quickstart/newsletter.eml", "--no-config", "--expect", "track.example.com"];
    let github = stdout(&[&quickstart[..], &["-f", "github"]].concat());
    let at: Vec<&str> =
        github.lines().filter_map(|l| l.split(",title=").next()?.split("newsletter.eml").nth(1)).collect();
    // The URLs start on these lines of the file (quoted-printable parts, one cut by a soft
    // break: the VML button's `https://` ends line 73).
    assert_eq!(
        at,
        [
            ",line=1",
            ",line=17,col=20",
            ",line=32,col=16",
            ",line=35,col=10",
            ",line=37,col=10",
            ",line=40,col=14",
            ",line=73,col=68",
            ",line=89,col=16",
            ",line=97,col=16"
        ],
        "{github}"
    );
    let file = std::fs::read_to_string(Path::new(ROOT).join("fixtures/quickstart/newsletter.eml")).unwrap();
    let lines: Vec<&str> = file.lines().collect();
    assert!(lines[31][15..].starts_with("https://u1234567.ct.sendgrid.net"));
    assert!(lines[72][67..].starts_with("https://="));

    let sarif: serde_json::Value =
        serde_json::from_str(&stdout(&[&quickstart[..], &["-f", "sarif"]].concat())).unwrap();
    let regions: Vec<(u64, u64)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            Some((region["startLine"].as_u64()?, region["startColumn"].as_u64()?))
        })
        .collect();
    assert!(regions.contains(&(32, 16)) && regions.contains(&(73, 68)), "{regions:?}");

    // A base64 part: its first body line, no column (documented in docs/json.md).
    let github = stdout(&["fixtures/html/emoji-newsletter.eml", "--no-config", "-f", "github"]);
    let body = std::fs::read_to_string(Path::new(ROOT).join("fixtures/html/emoji-newsletter.eml")).unwrap();
    let first = body.lines().position(|l| l == "Content-Transfer-Encoding: base64").unwrap() + 3;
    let html: Vec<&str> = github.lines().filter(|l| l.contains("[part 2 ")).collect();
    assert!(!html.is_empty(), "{github}");
    assert!(html.iter().all(|l| l.contains(&format!(",line={first},title="))), "{first}: {html:?}");
}

#[test]
fn concise_follows_the_path_line_col_convention_and_ends_with_a_count() {
    let out = stdout(&[
        "fixtures/quickstart/newsletter.eml",
        "fixtures/input/two-messages.mbox",
        "--no-config",
        "--expect",
        "track.example.com",
        "-f",
        "concise",
    ]);
    let convention =
        regex::Regex::new(r"^[^:]+\.(eml|mbox):\d+:\d+: LA\d{3} \[(error|warning|info)\] ").unwrap();
    let (last, findings) =
        out.lines().collect::<Vec<_>>().split_last().map(|(l, f)| (*l, f.to_vec())).unwrap();
    assert!(findings.iter().all(|l| convention.is_match(l)), "{out}");
    assert!(out.contains("newsletter.eml:32:16: LA201 [error] click-tracked link in the text part"), "{out}");
    assert!(out.contains("(part 1 line 6:16)"), "{out}");
    // mbox messages: the file's own lines, the message numbered from 1.
    assert!(
        out.contains("two-messages.mbox:22:6: LA201") && out.contains("(message #2, part 1 line 1:6)"),
        "{out}"
    );
    assert_eq!(
        last,
        format!("Found {} findings (8 errors, 3 warnings, 0 info) in 3 messages.", findings.len())
    );
}

#[test]
fn mbox_messages_are_numbered_from_one() {
    let text = stdout(&["fixtures/input/two-messages.mbox", "--no-config"]);
    assert!(text.starts_with("fixtures/input/two-messages.mbox#1\n"), "{text}");
    assert!(text.contains("\nfixtures/input/two-messages.mbox#2\n"), "{text}");
}

#[test]
fn watch_sums_up_an_mbox_and_writes_no_report_into_the_folder_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let sends = dir.path().join("sends");
    std::fs::create_dir(&sends).unwrap();
    // 40 messages, every fourth with a shared-domain link.
    let mut mbox = String::new();
    for i in 0..40 {
        let host = if i % 4 == 0 { "u1.ct.sendgrid.net" } else { "track.example.com" };
        mbox.push_str(&format!(
            "From news@example.com Sun Nov 29 10:00:00 2026\nFrom: news@example.com\nSubject: m{i}\nX-SG-EID: x\n\
             Content-Type: text/html\n\n<a href=\"https://{host}/ls/click?upn=u001.abc{i}\">x</a>\n\n"
        ));
    }
    std::fs::write(sends.join("big.mbox"), &mbox).unwrap();
    std::fs::copy(Path::new(ROOT).join("fixtures/quickstart/newsletter-fixed.eml"), sends.join("one.eml"))
        .unwrap();
    let watch = |extra: &[&str]| {
        let out = linkaudit()
            .arg("watch")
            .arg(&sends)
            .args(["--once", "--no-config", "--expect", "track.example.com", "--color", "never"])
            .args(extra)
            .output()
            .unwrap();
        // 1: the mbox has failing messages (watch --once exits as a batch run does).
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let out = watch(&[]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "one line per file: {out}");
    assert!(
        lines[0].starts_with("✖ ")
            && lines[0].contains("big.mbox  40 messages, 10 failing · 40 links · 20 errors"),
        "{out}"
    );
    assert!(lines[0].contains("· #1 LA20"), "the first worst finding, with its message number: {out}");
    assert!(lines[1].starts_with("✔ ") && lines[1].contains("one.eml  22 links"), "{out}");
    // Nothing was written into the watched folder.
    let mut names: Vec<String> = std::fs::read_dir(&sends)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["big.mbox", "one.eml"]);
    // Per message on request.
    assert_eq!(watch(&["--per-message"]).lines().count(), 41);
    // Reports where asked.
    let reports = dir.path().join("reports");
    watch(&["--reports", reports.to_str().unwrap()]);
    assert!(
        reports.join("big.mbox.linkaudit.json").exists() && reports.join("one.eml.linkaudit.txt").exists()
    );
}

#[test]
fn a_skipped_check_says_so_in_the_test_output() {
    // The schema test binary, built beside this one by `cargo test`.
    let deps = std::env::current_exe().unwrap().parent().unwrap().to_path_buf();
    let formats = std::fs::read_dir(&deps)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("formats-") && !n.contains('.'))
        })
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    let Some(formats) = formats else { return }; // run alone (`--test newcomer`): nothing to check
    let out = std::process::Command::new(formats)
        .arg("junit_passes_the_xsd")
        .env_remove("LINKAUDIT_REQUIRE_VALIDATORS")
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{err}");
    assert!(err.contains("SKIPPED (not run, not passed): the JUnit schema check needs xmllint"), "{err}");
}

#[test]
fn polish_limits_output_file_and_one_spelling_of_info() {
    // A size limit of 0 would audit nothing.
    let out =
        linkaudit().args(["fixtures/quickstart/newsletter.eml", "--max-input-mb", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("0 would read nothing"));
    // -o says what it wrote.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.json");
    let out = linkaudit()
        .args([
            "fixtures/quickstart/newsletter.eml",
            "--no-config",
            "--expect",
            "track.example.com",
            "-f",
            "json",
            "-o",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "wrote {} (json report: 1 message, 6 errors, 3 warnings, 0 info)",
            file.display()
        )),
        "{err}"
    );
    // "info" whatever the count, in every human format.
    for format in ["text", "markdown", "concise"] {
        let text = stdout(&["fixtures/quickstart/newsletter.eml", "--no-config", "-f", format]);
        assert!(!text.contains("infos"), "{format}: {text}");
    }
    let dir2 = tempfile::tempdir().unwrap();
    std::fs::write(dir2.path().join("linkaudit.toml"), "expect = \"track.example.com\"\n").unwrap();
    let out = Command::cargo_bin("linkaudit")
        .unwrap()
        .current_dir(dir2.path())
        .arg(Path::new(ROOT).join("fixtures/quickstart/newsletter-fixed.eml"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "expect = \"host\" is a list of one: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = linkaudit().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Polish: `--expect` values that can only be mistakes are errors (exit 2) before anything is
/// audited; a value that was normalised says what is used; the config's `expect` is checked too.
#[test]
fn expect_values_are_checked_and_normalisation_is_told() {
    let msg = "fixtures/quickstart/newsletter-fixed.eml";
    for (value, words) in [
        ("", "is empty"),
        ("*example.com", "a wildcard is `*.` in front of a domain"),
        ("track.*.com", "a wildcard is `*.` in front of a domain"),
        ("*.com", "com is a public suffix"),
        ("sendgrid.net", "sendgrid.net is SendGrid's shared domain"),
        ("list-manage.com", "list-manage.com is Mailchimp's shared domain"),
    ] {
        let (code, out, err) = run(&[msg, "--no-config", "--expect", value]);
        assert_eq!(code, 2, "--expect {value:?}: {err}");
        assert!(
            err.contains("linkaudit: error: --expect") && err.contains(words),
            "--expect {value:?}: {err}"
        );
        assert!(out.is_empty(), "{out}");
    }
    let (code, _, err) = run(&[msg, "--no-config", "--expect", "HTTPS://Track.Example.com/"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("note: --expect HTTPS://Track.Example.com/: using track.example.com"), "{err}");
    // -q keeps the note (and the "wrote" line) to itself; errors still come.
    let (code, _, err) = run(&[msg, "--no-config", "-q", "--expect", "HTTPS://Track.Example.com/"]);
    assert_eq!((code, err.as_str()), (0, ""));
    // The config's `expect` is held to the same rules.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("linkaudit.toml"), "expect = [\"sendgrid.net\"]\n").unwrap();
    let out = Command::cargo_bin("linkaudit")
        .unwrap()
        .current_dir(dir.path())
        .arg(Path::new(ROOT).join(msg))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("expect in linkaudit.toml: sendgrid.net: sendgrid.net is SendGrid's shared domain"),
        "{err}"
    );
}

/// Polish: `-v` says which linkaudit.toml is used (or that none is), as ruff does.
#[test]
fn verbose_names_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("campaigns");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(dir.path().join("linkaudit.toml"), "expect = \"track.example.com\"\n").unwrap();
    let msg = Path::new(ROOT).join("fixtures/quickstart/newsletter-fixed.eml");
    let run_here = |dir: &Path, flags: &[&str]| {
        let out =
            Command::cargo_bin("linkaudit").unwrap().current_dir(dir).arg(&msg).args(flags).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, err) = run_here(&sub, &["-v"]);
    let config = std::fs::canonicalize(dir.path().join("linkaudit.toml")).unwrap();
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains(&format!("linkaudit: config: {}", config.display())), "{err}");
    let (_, err) = run_here(&sub, &["-v", "--no-config"]);
    assert!(err.contains("linkaudit: config: none (--no-config)"), "{err}");
    let (_, err) = run_here(&sub, &[]);
    assert!(!err.contains("config:"), "{err}");
    let (code, err) = run_here(&sub, &["-q", "-v"]);
    assert_eq!(code, Some(2), "-q and -v together: {err}");
}

/// Polish: a PDF (or an image, or a ZIP) given by path is named for what it is.
#[test]
fn a_pdf_is_named_as_a_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("newsletter.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n").unwrap();
    let out = linkaudit().arg(&pdf).arg("--no-config").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("newsletter.pdf: not an email message: a PDF document"), "{err}");
    // Found in a folder under a name a folder reads: the same words, as a note.
    std::fs::copy(&pdf, dir.path().join("newsletter.txt")).unwrap();
    let (_, _, err) = run_in(dir.path(), &[]);
    assert!(err.contains("newsletter.txt: skipped, not an email message: a PDF document"), "{err}");
}

/// Polish: `linkaudit rules` lines its columns up, whatever the longest name.
#[test]
fn rules_columns_are_aligned() {
    let text = stdout(&["rules"]);
    // Where each column starts: after two or more spaces (a summary has single spaces).
    let columns = |l: &str| -> Vec<usize> {
        let b = l.as_bytes();
        (2..b.len()).filter(|&i| b[i] != b' ' && b[i - 1] == b' ' && b[i - 2] == b' ').take(3).collect()
    };
    let first = columns(text.lines().next().unwrap_or_default());
    assert_eq!(first.len(), 3, "{text}");
    for line in text.lines() {
        assert_eq!(columns(line), first, "not aligned: {line}\n{text}");
    }
}

/// Polish: the Markdown report has a URL column, each URL in a code span (never a live link)
/// and cut around `…` when long.
#[test]
fn markdown_has_a_url_column() {
    let text = stdout(&[
        "fixtures/html/long-urls.eml",
        "--no-config",
        "--expect",
        "track.example.com",
        "-f",
        "markdown",
    ]);
    assert!(text.contains("| | rule | finding | URL | where |"), "{text}");
    let row = text.lines().find(|l| l.contains("LA201")).unwrap_or_default();
    assert!(row.contains("`https://u1234567.ct.sendgrid.net/ls/click?upn=u001."), "{row}");
    assert!(row.contains('…') && row.len() < 400, "{row}");
    assert!(!row.contains("](") && !row.contains("<http"), "{row}");
}

/// Polish: an image URL written out in a text part is called an image, not a hosted page.
#[test]
fn an_image_url_in_a_text_part_is_an_image() {
    let message = "From: news@example.com\nTo: qa@example.org\nSubject: hi\nMIME-Version: 1.0\n\
        Content-Type: text/plain\n\nOur new look: https://mcusercontent.com/abc123/images/hero.png\n\
        Archive: https://us6.campaign-archive.com/?u=abc&id=def\n";
    let out = linkaudit().args(["-", "--no-config", "-f", "concise"]).write_stdin(message).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("image URL in the text part on Mailchimp's domain mcusercontent.com"), "{text}");
    assert!(text.contains("hosted page on Mailchimp's domain us6.campaign-archive.com"), "{text}");
}
