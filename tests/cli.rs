//! CLI tests on the built binary (assert_cmd): exit codes, stdout, stderr, formats, inputs.

use std::fs;
use std::io::Write;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn linkaudit() -> Command {
    let mut cmd = Command::cargo_bin("linkaudit").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env_remove("NO_COLOR");
    cmd
}

fn json_of(args: &[&str]) -> (Value, i32) {
    let out = linkaudit().args(args).args(["--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    (v, out.status.code().unwrap())
}

fn links(v: &Value) -> Vec<Value> {
    v["messages"].as_array().unwrap().iter().flat_map(|m| m["links"].as_array().unwrap().clone()).collect()
}

/// Codes of every finding: per message, then across messages.
fn codes(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| {
            m["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string())
        })
        .collect();
    if let Some(batch) = v["batch_findings"].as_array() {
        out.extend(batch.iter().map(|f| f["code"].as_str().unwrap().to_string()));
    }
    out
}

#[test]
fn links_on_the_sendgrid_default_domain_fail_with_the_fix() {
    let (v, code) = json_of(&["fixtures/rules/LA201-esp-default-domain.eml"]);
    assert_eq!(code, 1);
    let links = links(&v);
    assert_eq!(links.len(), 2);
    for l in &links {
        assert_eq!(l["class"], "esp-default");
        assert_eq!(l["esp"], "SendGrid");
        assert_eq!(l["host"], "u1234567.ct.sendgrid.net");
    }
    let findings = v["messages"][0]["findings"].as_array().unwrap();
    let la201: Vec<&Value> = findings.iter().filter(|f| f["code"] == "LA201").collect();
    assert_eq!(la201.len(), 2, "one error per link");
    for f in la201 {
        assert_eq!(f["severity"], "error");
        assert_eq!(f["name"], "esp-default-tracking-domain");
        assert!(f["hint"].as_str().unwrap().contains("Link Branding"));
        assert!(f["line"].as_u64().is_some() && f["column"].as_u64().is_some() && f["part"] == "1");
    }
}

#[test]
fn all_links_on_the_expected_domain_pass() {
    linkaudit()
        .args(["fixtures/quickstart/newsletter-fixed.eml", "--expect", "track.example.com"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no findings"));
}

#[test]
fn an_http_tracking_link_is_an_error() {
    let (v, code) =
        json_of(&["fixtures/rules/LA101-http-tracking-link.eml", "--expect", "track.example.com"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&v), ["LA101"]);
}

#[test]
fn every_kind_of_link_is_found() {
    let (v, _) = json_of(&["fixtures/quickstart/newsletter.eml", "--expect", "track.example.com"]);
    let links = links(&v);
    let kind_of = |needle: &str| -> Vec<String> {
        links
            .iter()
            .filter(|l| l["url"].as_str().unwrap().contains(needle))
            .map(|l| l["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(kind_of("T3V0bG9vay1idXR0b24"), ["vml"], "Outlook VML button");
    assert!(kind_of("hero-bg.jpg").contains(&"css".to_string()), "CSS background");
    assert!(kind_of("hero-bg.jpg").contains(&"background".to_string()), "background attribute");
    assert_eq!(kind_of("logo@2x.png"), ["srcset"]);
    assert_eq!(kind_of("VGV4dC1wYXJ0LXNob3A"), ["text"], "text-part URL");
    assert_eq!(kind_of("lu/unsubscribe"), ["header"], "List-Unsubscribe");
    assert_eq!(kind_of("wf/open"), ["pixel"]);
    let vml = links.iter().find(|l| l["kind"] == "vml").unwrap();
    assert_eq!(vml["mso"], true);
    assert_eq!(vml["class"], "esp-default");
}

#[test]
fn gateway_wrapped_esp_links_are_unwrapped_and_judged_by_the_esp() {
    let (v, _) = json_of(&["fixtures/wrappers/safelinks-around-sendgrid.eml"]);
    let l = &links(&v)[0];
    assert_eq!(l["gateway"], "Microsoft SafeLinks");
    assert_eq!(l["class"], "esp-default");
    assert_eq!(l["esp"], "SendGrid");
    assert_eq!(l["hops"][0]["via"], "safelinks");
    assert_eq!(l["hops"][0]["url"], "https://u1234567.ct.sendgrid.net/ls/click?upn=u001.U2FmZUxpbmtz-2FaBc");

    let (v, _) = json_of(&["fixtures/wrappers/proofpoint-v3-around-ses.eml"]);
    let l = &links(&v)[0];
    assert_eq!(l["gateway"], "Proofpoint URL Defense");
    assert_eq!((l["class"].as_str(), l["esp"].as_str()), (Some("esp-default"), Some("Amazon SES")));
    assert_eq!(l["destination"], "https://shop.example.com/boots");
    let vias: Vec<&str> = l["hops"].as_array().unwrap().iter().map(|h| h["via"].as_str().unwrap()).collect();
    assert_eq!(vias, ["proofpoint", "ses"]);
}

#[test]
fn a_missing_file_is_one_line_and_exit_2() {
    let out = linkaudit().arg("no-such-message.eml").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no-such-message.eml") && stderr.contains("no such file"));
    assert!(out.stdout.is_empty());
}

#[test]
fn the_run_goes_on_after_an_unreadable_input() {
    let (v, code) = json_of(&["no-such-message.eml", "fixtures/rules/LA402-one-click-missing.eml"]);
    assert_eq!(code, 2, "an unreadable input makes the audit incomplete");
    assert_eq!(v["messages"].as_array().unwrap().len(), 1);
    assert_eq!(v["errors"][0]["source"], "no-such-message.eml");
    assert_eq!(v["summary"]["unreadable"], 1);
}

#[test]
fn not_an_email_random_bytes_and_empty_input_are_clear_errors() {
    linkaudit()
        .arg("fixtures/input/not-an-email.html")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an email message").and(predicate::str::contains("HTML")));
    let dir = tempfile::tempdir().unwrap();
    let random = dir.path().join("random.eml");
    let mut bytes = Vec::new();
    let mut x: u32 = 0x1234_5678;
    for _ in 0..4096 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.push((x & 0xff) as u8);
    }
    fs::write(&random, &bytes).unwrap();
    linkaudit().arg(&random).assert().code(2).stderr(predicate::str::contains("not an email message"));
    let empty = dir.path().join("empty.eml");
    fs::write(&empty, b"").unwrap();
    linkaudit().arg(&empty).assert().code(2).stderr(predicate::str::contains("empty input"));
}

#[test]
fn ten_thousand_nested_multiparts_give_a_limit_finding() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.eml");
    let mut f = fs::File::create(&path).unwrap();
    writeln!(f, "From: a@example.com\nSubject: deep\nMIME-Version: 1.0").unwrap();
    for i in 0..10_000 {
        writeln!(f, "Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}").unwrap();
    }
    writeln!(f, "Content-Type: text/html\n\n<a href=\"https://u1.ct.sendgrid.net/ls/click?upn=x\">x</a>")
        .unwrap();
    drop(f);
    let (v, code) = json_of(&[path.to_str().unwrap()]);
    assert!(code == 0 || code == 1);
    assert!(codes(&v).contains(&"LA004".to_string()), "{:?}", codes(&v));
}

#[test]
fn ten_thousand_nested_messages_do_not_overflow_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep-rfc822.eml");
    let mut body = String::from("From: a@example.com\nSubject: deep\n");
    for _ in 0..10_000 {
        body.push_str("Content-Type: message/rfc822\n\nFrom: b@example.com\nSubject: inner\n");
    }
    body.push_str("Content-Type: text/plain\n\nhttps://x.example.com/\n");
    fs::write(&path, body).unwrap();
    let (v, _) = json_of(&[path.to_str().unwrap()]);
    assert!(codes(&v).contains(&"LA004".to_string()));
}

#[test]
fn stdin_folders_and_mbox() {
    let msg = fs::read("fixtures/rules/LA201-esp-default-domain.eml").unwrap();
    let out = linkaudit().args(["-", "--format", "json"]).write_stdin(msg).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["messages"][0]["source"], "-");
    assert_eq!(out.status.code(), Some(1));

    let (v, _) = json_of(&["fixtures/rules"]);
    let count = |ext: &str| {
        fs::read_dir("fixtures/rules")
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == ext))
            .count()
    };
    // Every .eml, and each of the two messages of every .mbox.
    assert_eq!(v["messages"].as_array().unwrap().len(), count("eml") + 2 * count("mbox"));

    let (v, _) = json_of(&["fixtures/input/two-messages.mbox"]);
    let indexes: Vec<u64> =
        v["messages"].as_array().unwrap().iter().map(|m| m["index"].as_u64().unwrap()).collect();
    assert_eq!(indexes, [0, 1]);
}

#[test]
fn show_original_pages_keep_their_verdicts() {
    let (v, code) = json_of(&["fixtures/input/gmail-show-original.txt", "--expect", "track.example.com"]);
    assert_eq!(code, 0);
    assert_eq!(v["messages"][0]["show_original"]["dmarc"], "'PASS'");
    assert_eq!(v["messages"][0]["subject"], "The spring sale is on");
}

#[test]
fn fail_on_sets_the_threshold() {
    let f = "fixtures/rules/LA402-one-click-missing.eml";
    linkaudit().args([f, "--expect", "track.example.com"]).assert().code(0);
    linkaudit().args([f, "--expect", "track.example.com", "--fail-on", "warning"]).assert().code(1);
    linkaudit().args(["fixtures/rules/LA201-esp-default-domain.eml", "--fail-on", "never"]).assert().code(0);
}

#[test]
fn concise_is_one_line_per_finding() {
    linkaudit()
        .args(["fixtures/rules/LA201-esp-default-domain.eml", "--format", "concise"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::is_match(
                r"^fixtures/rules/LA201-esp-default-domain.eml:11:13: LA201 \[error\] click-tracked link",
            )
            .unwrap(),
        );
}

#[test]
fn output_file_and_colour() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    linkaudit()
        .args(["fixtures/rules/LA201-esp-default-domain.eml", "--format", "json", "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("");
    let v: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["version"], 1);
    linkaudit()
        .args(["fixtures/rules/LA201-esp-default-domain.eml", "--color", "always"])
        .assert()
        .stdout(predicate::str::contains("\x1b[1;31merror[LA201]"));
    linkaudit()
        .args(["fixtures/rules/LA201-esp-default-domain.eml"])
        .assert()
        .stdout(predicate::str::contains("\x1b[").not());
}

#[test]
fn rules_are_listed_and_explained() {
    linkaudit()
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("LA201  esp-default-tracking-domain"));
    linkaudit().args(["rules", "LA201"]).assert().code(0).stdout(predicate::str::contains("## How to fix"));
    linkaudit().args(["rules", "LA999"]).assert().code(2);
}

#[test]
fn bad_flags_exit_2() {
    linkaudit().args(["--format", "yaml", "x.eml"]).assert().code(2);
    linkaudit().assert().code(2).stderr(predicate::str::contains("no input"));
}

#[test]
fn two_esps_on_one_tracking_host() {
    let (v, code) = json_of(&["fixtures/rules/LA206-two-esps-one-host.eml", "--expect", "track.example.com"]);
    assert_eq!(code, 1);
    let esps: Vec<String> = links(&v).iter().filter_map(|l| l["esp"].as_str().map(String::from)).collect();
    assert_eq!(esps, ["SendGrid", "Mailgun"]);
    let f = v["messages"][0]["findings"].as_array().unwrap().iter().find(|f| f["code"] == "LA206").unwrap();
    assert!(f["message"].as_str().unwrap().contains("SendGrid and Mailgun"));
    assert!(f["hint"].as_str().unwrap().contains("track-tx.example.com"));
    // Across two messages of one run, too.
    let (v, _) =
        json_of(&["fixtures/rules/LA206-two-esps-across-messages.mbox", "--expect", "track.example.com"]);
    assert_eq!(codes(&v).iter().filter(|c| *c == "LA206").count(), 2);
}

#[test]
fn partial_activation_names_the_text_part() {
    let (v, _) = json_of(&["fixtures/quickstart/newsletter.eml", "--expect", "track.example.com"]);
    let f = v["messages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "LA207")
        .unwrap()
        .clone();
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("text part"), "{msg}");
    assert!(msg.contains("Outlook-only VML button"), "{msg}");
    assert!(msg.contains("u1234567.ct.sendgrid.net") && msg.contains("track.example.com"), "{msg}");
}

#[test]
fn sent_via_alignment_and_authentication_in_json_and_text() {
    let (v, _) = json_of(&["fixtures/quickstart/newsletter.eml", "--expect", "track.example.com"]);
    let m = &v["messages"][0];
    assert_eq!(m["sent_via"][0]["esp"], "SendGrid");
    assert_eq!(m["sent_via"][0]["evidence"], "X-SG-EID header");
    let rows = m["alignment"].as_array().unwrap();
    let row = |role: &str, domain: &str| {
        rows.iter()
            .find(|r| r["role"] == role && r["domain"] == domain)
            .unwrap_or_else(|| panic!("{role} {domain}"))
            .clone()
    };
    assert_eq!(row("from", "news.example.com")["org"], "example.com");
    assert_eq!(row("return-path", "em1234.news.example.com")["aligned"], true);
    assert_eq!(row("dkim", "news.example.com")["selector"], "s1");
    assert_eq!(row("tracking", "u1234567.ct.sendgrid.net")["aligned"], false);
    assert_eq!(m["authentication"]["dmarc"], "pass");
    assert_eq!(m["authentication"]["source"], "Authentication-Results by mx.example.org");

    linkaudit()
        .args(["fixtures/quickstart/newsletter.eml", "--expect", "track.example.com"])
        .assert()
        .stdout(
            predicate::str::contains("Sent via: SendGrid (X-SG-EID header)")
                .and(predicate::str::contains("Authentication: SPF pass · DKIM pass · DMARC pass"))
                .and(
                    predicate::str::is_match(
                        r"Return-Path +em1234\.news\.example\.com +example\.com +aligned",
                    )
                    .unwrap(),
                )
                .and(
                    predicate::str::is_match(
                        r"tracking +u1234567\.ct\.sendgrid\.net +sendgrid\.net +not aligned",
                    )
                    .unwrap(),
                ),
        );

    let (v, _) = json_of(&["fixtures/rules/LA404-authentication-failure.eml"]);
    let la404: Vec<String> = v["messages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "LA404")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(la404.len(), 3, "{la404:?}");
    assert!(la404.iter().any(|m| m.starts_with("DMARC fail")));
}

#[test]
fn every_rule_fixture_raises_its_rule() {
    for entry in fs::read_dir("fixtures/rules").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if name.ends_with(".snap") {
            continue;
        }
        let code = &name[..5];
        let expect = if code == "LA204" { "example.com" } else { "track.example.com" };
        let (v, _) = json_of(&[path.to_str().unwrap(), "--expect", expect]);
        assert!(codes(&v).iter().any(|c| c == code), "{name} does not raise {code}: {:?}", codes(&v));
    }
    // LA001 has its fixture among the inputs.
    linkaudit().arg("fixtures/input/not-an-email.html").assert().code(2);
}

#[test]
fn an_mbox_is_streamed_with_the_same_reports_as_in_memory() {
    let one = fs::read("fixtures/input/two-messages.mbox").unwrap();
    // 150 messages: more than one parallel chunk; LF and CRLF line endings.
    let mut lf = Vec::new();
    for _ in 0..75 {
        lf.extend_from_slice(&one);
        lf.extend_from_slice(b"\n");
    }
    let crlf = String::from_utf8(lf.clone()).unwrap().replace('\n', "\r\n").into_bytes();
    for mbox in [lf, crlf] {
        streamed_equals_in_memory(mbox);
    }
}

fn streamed_equals_in_memory(mbox: Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.mbox");
    fs::write(&path, &mbox).unwrap();
    let name = path.display().to_string();

    let opts = linkaudit::Options::expecting(["track.example.com"]);
    let in_memory = linkaudit::audit_all(&name, &mbox, &opts).unwrap();
    assert_eq!(in_memory.len(), 150);
    let expected = serde_json::to_value(linkaudit::report::Report::new(in_memory, Vec::new())).unwrap();

    let (v, _) = json_of(&[&name, "--expect", "track.example.com", "-j", "2"]);
    assert_eq!(v, expected);

    let out = linkaudit()
        .args(["-", "--format", "json", "--expect", "track.example.com"])
        .write_stdin(mbox)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let indexes: Vec<u64> =
        v["messages"].as_array().unwrap().iter().map(|m| m["index"].as_u64().unwrap()).collect();
    assert_eq!(indexes, (0..150).collect::<Vec<u64>>());
}

#[test]
fn every_limit_has_a_flag_and_is_reported() {
    let f = "fixtures/quickstart/newsletter.eml";
    for (flag, limit) in [
        ("--max-part-mb", "part size"),
        ("--max-links", "links"),
        ("--max-parts", "parts"),
        ("--max-depth", "depth"),
    ] {
        let (v, _) = json_of(&[f, flag, "0", "--fail-on", "never"]);
        let hit = v["messages"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["code"] == "LA004" && x["message"].as_str().unwrap().contains(limit));
        assert!(hit, "{flag} 0 gives an LA004 about {limit}: {v:#}");
    }
}

#[test]
fn an_oversized_message_in_a_streamed_mbox_is_cut_and_the_next_one_audited() {
    let mut mbox =
        b"From a@example.com Tue Mar  5 10:15:00 2024\nFrom: a@example.com\nSubject: big\n\n".to_vec();
    for _ in 0..40_000 {
        mbox.extend_from_slice(b"https://shop.example.com/a-long-path-to-fill-the-message\n");
    }
    mbox.extend_from_slice(b"\nFrom b@example.com Tue Mar  5 10:16:00 2024\nFrom: b@example.com\nSubject: small\n\nhttps://shop.example.com/small\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.mbox");
    fs::write(&path, &mbox).unwrap();
    let (v, _) = json_of(&[&path.display().to_string(), "--max-input-mb", "1", "--max-links", "100000"]);
    let messages = v["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    let cut = messages[0]["findings"].as_array().unwrap();
    assert!(
        cut.iter().any(|f| f["code"] == "LA004" && f["message"].as_str().unwrap().contains("input")),
        "{cut:#?}"
    );
    assert_eq!(messages[1]["subject"], "small");
    assert_eq!(messages[1]["links"][0]["url"], "https://shop.example.com/small");
}

#[test]
fn an_mbox_with_no_message_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.mbox");
    fs::write(&path, "From a@example.com Tue Mar  5 10:15:00 2024\n\n").unwrap();
    linkaudit()
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("an mbox \"From \" line with no message after it"));
}

#[test]
fn output_is_the_same_whatever_the_number_of_threads() {
    // Workers render each message's output; the main thread adds separators and writes in
    // input order. One thread and four must give the same bytes in every streaming format.
    for format in ["text", "concise", "json", "json-lines", "github"] {
        let run = |threads: &str| {
            let out = linkaudit()
                .args([
                    "fixtures/rules",
                    "fixtures/input",
                    "--no-config",
                    "--no-progress",
                    "--color",
                    "always",
                ])
                .args(["--expect", "track.example.com", "-f", format, "-j", threads])
                .output()
                .unwrap();
            (out.stdout, out.status.code())
        };
        let (one, code) = run("1");
        assert!(!one.is_empty(), "{format}");
        assert_eq!(run("4"), (one, code), "{format}");
    }
}

#[test]
fn many_and_large_inputs_keep_their_order_across_chunks() {
    // 150 messages (more than one chunk of inputs) with four of about 700 KB among them (more
    // than one chunk of bytes), as a folder and as one mbox: every message comes out once, in
    // input order, and the same with one thread and four.
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("messages");
    fs::create_dir(&folder).unwrap();
    let base = fs::read_to_string("fixtures/quickstart/newsletter.eml").unwrap();
    let mut mbox = String::new();
    for i in 0..150 {
        let mut m = base.replacen("Subject: ", &format!("Subject: Message {i:03} "), 1);
        if i % 40 == 7 {
            // An epilogue after the last boundary: a large message with the same links.
            m.push_str(&"padding line of the epilogue\r\n".repeat(24_000));
        }
        fs::write(folder.join(format!("{i:03}.eml")), &m).unwrap();
        mbox.push_str("From sender@example.com Sat Nov 28 00:00:00 2026\n");
        mbox.push_str(&m);
        mbox.push('\n');
    }
    let mbox_path = dir.path().join("all.mbox");
    fs::write(&mbox_path, mbox).unwrap();
    let want: Vec<String> = (0..150).map(|i| format!("Message {i:03} ")).collect();
    for input in [folder.as_path(), mbox_path.as_path()] {
        let run = |threads: &str| {
            let out = linkaudit()
                .arg(input)
                .args(["--no-config", "--no-progress", "-f", "json-lines", "-j", threads])
                .output()
                .unwrap();
            String::from_utf8(out.stdout).unwrap()
        };
        let one = run("1");
        let subjects: Vec<String> = one
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["type"] == "message")
            .map(|v| v["subject"].as_str().unwrap().chars().take(12).collect())
            .collect();
        assert_eq!(subjects, want, "{}", input.display());
        assert_eq!(run("4"), one, "{}", input.display());
    }
}

#[test]
fn the_catalog_lists_every_service_with_its_sources() {
    let out = linkaudit().args(["catalog", "--format", "json", "--no-config"]).output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let services = v.as_array().unwrap();
    assert!(services.len() >= 250, "{} services", services.len());
    for s in services {
        assert!(!s["sources"].as_array().unwrap().is_empty(), "{} has no source", s["name"]);
        assert!(s["category"].is_string());
    }
    // A query finds a service by name, by host, or by a URL on its host.
    for query in ["mixmax", "trk.klclick1.com", "https://u1.ct.sendgrid.net/ls/click?upn=x"] {
        linkaudit()
            .args(["catalog", "--no-config", query])
            .assert()
            .success()
            .stdout(predicate::str::contains("sources:"));
    }
    linkaudit()
        .args(["catalog", "--no-config", "--category", "sales"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Yesware").and(predicate::str::contains("services")));
    linkaudit().args(["catalog", "--no-config", "no-such-service-anywhere"]).assert().code(1);
    linkaudit().args(["catalog", "--no-config", "--category", "nope"]).assert().code(2);
}

#[test]
fn explain_shows_the_decision_for_catalog_hosts_gateways_and_unknown_hosts() {
    linkaudit()
        .args(["explain", "--no-config", "https://u123.ct.sendgrid.net/ls/click?upn=abc"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("shared tracking host of SendGrid (catalog: sendgrid.net)")
                .and(predicate::str::contains("class: esp-default (SendGrid)"))
                .and(predicate::str::contains("source: ")),
        );
    let wrapped = "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Furl4821.example.com%2Fls%2Fclick%3Fupn%3Dabc&data=1";
    linkaudit().args(["explain", "--no-config", wrapped]).assert().success().stdout(
        predicate::str::contains("layer 1: safelinks")
            .and(predicate::str::contains("Microsoft SafeLinks wraps the link"))
            .and(predicate::str::contains("class: esp-custom (SendGrid)")),
    );
    let out = linkaudit()
        .args(["explain", "--no-config", "--format", "json", "https://click.mailer.test/c/AbC123xYz789DeF"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["class"], "direct");
    assert_eq!(v["tracker_shaped"], true);
    assert!(v["steps"].as_array().unwrap().iter().any(|s| s.as_str().unwrap().contains("unknown-tracker")));
    // --expect is honoured.
    linkaudit()
        .args(["explain", "--no-config", "--expect", "click.mailer.test", "click.mailer.test"])
        .assert()
        .success()
        .stdout(predicate::str::contains("class: expected"));
}

/// Issue 16, items 1 and 3: a hostile Subject, link and file name reach no terminal raw in any
/// format, and nothing of them is live Markdown.
#[test]
fn hostile_text_reaches_no_format_raw() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "\u{1b}[2J\u{1b}]52;c;aGk=\u{7}\u{9b}31m\u{202e}";
    let path = dir.path().join(format!("x{evil}.eml"));
    let message = format!(
        "From: a@example.com\r\nSubject: {evil} ![p](https://evil.example/p.gif) @octocat\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<a href=\"http://x.example/{evil}\">{evil}</a>\r\n"
    );
    fs::write(&path, message).unwrap();
    for format in ["text", "concise", "json", "json-lines", "junit", "sarif", "github", "markdown", "html"] {
        let out = linkaudit().arg(&path).args(["--no-config", "--format", format]).output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        for c in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(!stdout.contains(c), "{format} writes {c:?} raw");
            assert!(!String::from_utf8_lossy(&out.stderr).contains(c), "{format}: stderr");
        }
        if format == "markdown" {
            assert!(stdout.contains("`\\u{1b}[2J"), "{stdout}");
            assert!(stdout.contains(" ![p](https://evil.example/p.gif) @octocat`\n"), "{stdout}");
        }
    }
}

/// Issue 16, item 4: a batch run over a folder with a FIFO and a symlink to /dev/zero named like
/// messages ends, refusing each with one line (exit 2), and audits the rest.
#[cfg(unix)]
#[test]
fn a_folder_with_a_fifo_and_a_device_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("mkfifo").arg(dir.path().join("a.eml")).status().unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("b.eml")).unwrap();
    fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/quickstart/newsletter-fixed.eml"),
        dir.path().join("c.eml"),
    )
    .unwrap();
    let out = linkaudit()
        .arg(dir.path())
        .args(["--no-config", "--format", "concise"])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a.eml: not a regular file (a FIFO)"), "{stderr}");
    assert!(stderr.contains("b.eml: not a regular file (a device)"), "{stderr}");
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
}
