//! The HTML report (`--format html`) checked in a real browser: headless Chromium (Debian's
//! `chromium`, installed by `.ci/run`) renders the report of every fixture and of a hostile
//! message, with all its traffic sent to a proxy on 127.0.0.1 that counts connections.
//!
//! Checked: the page holds no script; no request leaves the page (the proxy sees nothing);
//! each preview, parsed by the browser, outlines exactly the links the findings list says are
//! outlined, and those are exactly the flagged links of the HTML part a browser can draw; the
//! hostile message's scripts never run — even with the preview's own CSP taken out, so the
//! sanitiser is tested on its own.
//!
//! Without Chromium the browser tests are skipped on a developer machine, with a `SKIPPED` line
//! in `cargo test`'s output; CI sets LINKAUDIT_REQUIRE_VALIDATORS so they cannot be skipped there.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;
use regex::Regex;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn fixture_paths() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for family in ["quickstart", "rules", "extract", "wrappers", "html"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join("fixtures").join(family))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

/// Runs linkaudit on `paths`; returns the output file's text.
fn linkaudit(paths: &[PathBuf], format: &str, out: &Path) -> String {
    let status = Command::new(cargo_bin("linkaudit"))
        .current_dir(ROOT)
        .args(paths)
        .args(["--expect", "track.example.com", "--no-config", "--no-progress", "-f", format, "-o"])
        .arg(out)
        .status()
        .unwrap();
    assert!(status.code().is_some_and(|c| c <= 1), "linkaudit failed: {status}");
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn page_is_self_contained_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let page =
        linkaudit(&[Path::new(ROOT).join("fixtures/html/hostile.eml")], "html", &dir.path().join("r.html"));
    // One CSP, no script element, no event handler outside the escaped srcdoc.
    assert!(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"));
    let outside_srcdoc = Regex::new(r#"srcdoc="[^"]*""#).unwrap().replace_all(&page, "");
    let lower = outside_srcdoc.to_ascii_lowercase();
    for bad in ["<script", " onload=", " onerror=", " onclick=", "<iframe src", "<img", "\u{202e}"] {
        assert!(!lower.contains(bad), "{bad:?} in the page outside the preview");
    }
    // The only links are the summary's jumps to a message.
    for href in Regex::new(r#"(?i)\bhref\s*=\s*"([^"]*)""#).unwrap().captures_iter(&outside_srcdoc) {
        assert!(href[1].starts_with("#m"), "link out of the page: {}", &href[1]);
    }
    // The bidi override in the subject and URLs is shown, not obeyed.
    assert!(page.contains("\\u{202e}"));
    // The preview is sandboxed: no script, form, pop-up or navigation; only the page's origin is
    // kept, so that Chromium draws the frame with the page (see src/report/html.rs).
    assert!(page.contains("<iframe sandbox=\"allow-same-origin\""));
    assert!(!page.contains("allow-scripts") && !page.contains("allow-top-navigation"));
    // The link table filters by class without script: a radio button per class, and every row
    // carries its class for the CSS rule that hides the others.
    for class in ["expected", "esp-default", "esp-custom", "direct"] {
        assert!(page.contains(&format!("class=\"f-{class}\"")), "no filter for {class}");
        assert!(page.contains(&format!(".msg:has(.f-{class}:checked) .links tbody tr:not(.c-{class})")));
    }
    let rows = Regex::new(r#"<tr class="c-(esp-default|direct|expected|esp-custom)">"#).unwrap();
    assert!(rows.find_iter(&page).count() >= 30, "every link row is classed");
}

/// A TCP listener on 127.0.0.1 that Chromium uses as its proxy for every request; it counts
/// the request line of every connection and answers none.
struct Proxy {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let r = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                // A busy machine can be slow to send the request line: wait for it a while.
                let _ = stream.set_read_timeout(Some(Duration::from_secs(3)));
                let mut buf = [0u8; 512];
                let n = stream.read(&mut buf).unwrap_or(0);
                let line = String::from_utf8_lossy(&buf[..n]).lines().next().unwrap_or("").to_string();
                // A connection that never sends a request line is Chromium preconnecting to its
                // proxy: it names no URL and loads nothing, so it is not a request.
                if !line.is_empty() {
                    r.lock().unwrap().push(line);
                }
            }
        });
        Proxy { port, requests }
    }

    /// No request from a page. Chromium's own calls home (update, time and account services,
    /// which it makes even with background networking off) are not the page's and are left out.
    fn assert_untouched(&self, what: &str) {
        let requests = self.requests.lock().unwrap();
        let own = Regex::new(r"^\S+ (?:https?://)?[a-z0-9.-]*\b(?:google\.com|googleapis\.com|gstatic\.com|gvt1\.com)(?::\d+)?[/ ]").unwrap();
        let page: Vec<&String> = requests.iter().filter(|r| !own.is_match(r)).collect();
        assert!(page.is_empty(), "{what}: {} requests left the page: {page:?}", page.len());
        eprintln!("{what}: 0 requests from the page ({} of Chromium's own left out)", requests.len());
    }
}

fn chromium() -> Option<&'static str> {
    let found = Command::new("chromium").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("LINKAUDIT_REQUIRE_VALIDATORS").is_none(),
            "chromium is required here but missing"
        );
        // Straight to the process's stderr: libtest swallows `eprintln!` of a passing test, and a
        // skipped check must not look like a passed one.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"SKIPPED (not run, not passed): the HTML report's browser checks need chromium \
              (apt-get install chromium; .ci/run installs it)\n",
        );
    }
    found.then_some("chromium")
}

/// The DOM of `file` after Chromium loaded it (and ran whatever it would run).
fn dump_dom(browser: &str, file: &Path, proxy: &Proxy) -> String {
    dump_dom_with(browser, file, proxy, &[])
}

/// [`dump_dom`] with more Chromium flags (a window size).
fn dump_dom_with(browser: &str, file: &Path, proxy: &Proxy, extra: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(browser)
        .args(extra)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--no-pings",
            "--disable-default-apps",
            "--disable-domain-reliability",
            "--disable-client-side-phishing-detection",
            "--disable-component-extensions-with-background-pages",
            "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--proxy-server=http://127.0.0.1:{}", proxy.port))
        // Loopback goes through the proxy too: nothing may bypass the count.
        .arg("--proxy-bypass-list=<-loopback>")
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish with {}", file.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().unwrap()
}

/// The hostile fixture's scripts all set `document.title` to `PWNED-…` (its text shows the
/// same words escaped, which is fine): did one run?
fn ran(dom: &str) -> bool {
    Regex::new(r"<title>[^<]*PWNED").unwrap().is_match(dom)
}

/// Attribute text as the browser serialised it, back to characters.
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Numbers in `data-la` attributes of a document.
fn outlined_in(dom: &str) -> BTreeSet<usize> {
    let re = Regex::new(r#"data-la="([0-9,]+)""#).unwrap();
    re.captures_iter(dom)
        .flat_map(|c| c[1].split(',').filter_map(|n| n.parse().ok()).collect::<Vec<_>>())
        .collect()
}

/// Per message section of the page: (numbers the list says are outlined, the sections' srcdocs).
fn sections(dom: &str) -> Vec<(BTreeSet<usize>, Vec<String>)> {
    let shown = Regex::new(r#"<li id="m\d+-n(\d+)"[^>]*data-shown="preview""#).unwrap();
    let srcdoc = Regex::new(r#"srcdoc="([^"]*)""#).unwrap();
    dom.split("<section class=\"msg")
        .skip(1)
        .map(|s| {
            let listed = shown.captures_iter(s).filter_map(|c| c[1].parse().ok()).collect();
            let docs = srcdoc.captures_iter(s).map(|c| unescape(&c[1])).collect();
            (listed, docs)
        })
        .collect()
}

/// Flagged links a browser draws in each message's HTML preview, from the JSON report.
fn drawable_flagged(json: &str) -> Vec<usize> {
    let report: serde_json::Value = serde_json::from_str(json).unwrap();
    let drawable = ["anchor", "area", "image", "pixel", "srcset", "background", "form", "media", "frame"];
    report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let html_parts: Vec<&str> = m["parts"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["content_type"] == "text/html")
                .filter_map(|p| p["part"].as_str())
                .collect();
            let mut flagged: BTreeMap<(String, u64, u64), ()> = BTreeMap::new();
            for f in m["findings"].as_array().unwrap() {
                if let (Some(p), Some(l), Some(c)) =
                    (f["part"].as_str(), f["line"].as_u64(), f["column"].as_u64())
                {
                    flagged.insert((p.to_string(), l, c), ());
                }
            }
            m["links"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|l| {
                    let part = l["part"].as_str().unwrap_or("");
                    html_parts.contains(&part)
                        && l.get("mso").is_none()
                        && drawable.contains(&l["kind"].as_str().unwrap_or(""))
                        && flagged.contains_key(&(
                            part.to_string(),
                            l["line"].as_u64().unwrap_or(0),
                            l["column"].as_u64().unwrap_or(0),
                        ))
                })
                .count()
        })
        .collect()
}

#[test]
fn browser_shows_what_the_findings_say_and_nothing_leaves_the_page() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let paths = fixture_paths();
    let page = dir.path().join("report.html");
    linkaudit(&paths, "html", &page);
    let json = linkaudit(&paths, "json", &dir.path().join("report.json"));
    let expected = drawable_flagged(&json);

    // The harness itself: an unsanitised page must be caught on both counts.
    let control = dir.path().join("control.html");
    std::fs::write(
        &control,
        "<title>x</title><img src=\"http://evil.test/c.png\"><script>document.title='PWNED'</script>",
    )
    .unwrap();
    let watcher = Proxy::start();
    assert!(ran(&dump_dom(browser, &control, &watcher)), "the script check sees a script run");
    assert!(
        watcher.requests.lock().unwrap().iter().any(|r| r.contains("evil.test")),
        "the proxy sees a request"
    );

    let proxy = Proxy::start();
    let dom = dump_dom(browser, &page, &proxy);
    assert!(dom.contains("<title>linkaudit report</title>"), "the page did not load: {dom:.300}");
    assert!(!ran(&dom), "a script from the hostile message ran in the page");
    assert_eq!(Regex::new("(?i)<script").unwrap().find_iter(&dom).count(), 0, "script element in the page");

    let sections = sections(&dom);
    assert_eq!(sections.len(), paths.len(), "one section per message");
    let mut outlined_total = 0;
    for (i, (listed, docs)) in sections.iter().enumerate() {
        // Each preview as its own page, without its CSP: the sanitiser alone must hold.
        let mut drawn = BTreeSet::new();
        for (j, doc) in docs.iter().enumerate() {
            let naked =
                doc.replacen("content=\"default-src 'none'; style-src 'unsafe-inline'\"", "content=\"\"", 1);
            assert_ne!(&naked, doc, "the preview has its own CSP");
            let file = dir.path().join(format!("preview-{i}-{j}.html"));
            std::fs::write(&file, naked).unwrap();
            let preview = dump_dom(browser, &file, &proxy);
            assert!(!ran(&preview), "{}: a script ran in the preview", paths[i].display());
            drawn.extend(outlined_in(&preview));
        }
        assert_eq!(&drawn, listed, "{}: outlined in the browser vs. listed as outlined", paths[i].display());
        assert_eq!(
            listed.len(),
            expected[i],
            "{}: every drawable flagged link is outlined",
            paths[i].display()
        );
        outlined_total += listed.len();
    }
    assert!(outlined_total >= 10, "the fixtures outline something: {outlined_total}");
    proxy.assert_untouched("report and previews");
}

#[test]
fn redact_masks_the_preview_too() {
    let message = "From: news@example.com\nTo: bob@example.com\nSubject: hi\nMIME-Version: 1.0\n\
        Content-Type: text/html\n\n<p>Sent to bob@example.com</p>\
        <a href=\"https://u1.ct.sendgrid.net/ls/click?upn=bob@example.com\">x</a>\
        <a href=\"https://example.com/?e=bob%40example.com\">y</a><img src=\"https://example.com/o.gif?bob@example.com\">\n";
    let out = assert_cmd::Command::new(cargo_bin("linkaudit"))
        .args(["-", "--no-config", "--redact", "-f", "html"])
        .write_stdin(message)
        .output()
        .unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains("Sent to [email]"), "the text is masked");
    assert!(!page.contains("bob@") && !page.contains("bob%40"), "an address is left in the page");
}

/// Renders `file` the way a person or a CI job screenshots a report (`--screenshot`, no virtual
/// time) and returns the screenshot's RGB(A) pixels and bytes per pixel.
fn screenshot(browser: &str, file: &Path, png: &Path) -> (Vec<u8>, usize) {
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--window-size=800,600",
            // Every request (there should be none) goes to a closed port.
            "--proxy-server=http://127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", file.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "chromium failed on {}", file.display());
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let bpp = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected screenshot colour type {other:?}"),
    };
    (buf, bpp)
}

/// Pixels that are not (near) white.
fn inked(pixels: &[u8], bpp: usize) -> usize {
    pixels.chunks_exact(bpp).filter(|p| p[..3].iter().any(|&c| c < 235)).count()
}

/// Style added to a copy of a report: its first preview frame fills the window, so a screenshot
/// shows that frame and nothing else of the page.
const PREVIEW_ONLY: &str = "<style>.previews figure:first-of-type iframe{position:fixed;left:0;top:0;\
width:100vw;height:100vh;margin:0;border:0;z-index:2147483647}</style></head>";

/// How often each report is rendered: the blank preview came in one screenshot of two or three.
const RENDERS: usize = 3;

#[test]
fn every_preview_is_drawn_every_time() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut jobs = Vec::new();
    for (i, path) in fixture_paths().into_iter().enumerate() {
        let report = dir.path().join(format!("{i}.html"));
        let page = linkaudit(std::slice::from_ref(&path), "html", &report);
        if !page.contains("<iframe") {
            continue;
        }
        let focused = dir.path().join(format!("{i}-preview.html"));
        std::fs::write(&focused, page.replacen("</head>", PREVIEW_ONLY, 1)).unwrap();
        jobs.extend((0..RENDERS).map(|run| (path.clone(), focused.clone(), run)));
    }
    assert!(jobs.len() >= 20 * RENDERS, "the fixtures have previews: {}", jobs.len() / RENDERS);
    let blank = Mutex::new(Vec::new());
    let next = Mutex::new(jobs.iter());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let Some((path, page, run)) = next.lock().unwrap().next() else { break };
                let png = page.with_extension(format!("{run}.png"));
                let (pixels, bpp) = screenshot(browser, page, &png);
                let ink = inked(&pixels, bpp);
                if ink < 50 {
                    blank.lock().unwrap().push(format!(
                        "{} (render {}): {ink} pixels",
                        path.display(),
                        run + 1
                    ));
                }
            });
        }
    });
    let blank = blank.into_inner().unwrap();
    assert!(blank.is_empty(), "blank previews in {} of {} renders: {blank:#?}", blank.len(), jobs.len());
    eprintln!("{} renders of {} previews, none blank", jobs.len(), jobs.len() / RENDERS);
}

/// A measuring script for a copy of a page (the test's own: the report's copy has its CSP taken
/// out to run it). It writes its findings, one per line, into `<body data-check>`.
const MEASURE_CARDS: &str = r#"<script>
const out = [];
for (const card of document.querySelectorAll('ol.numbered>li, ul.loose>li, ul.fixes>li')) {
  const box = card.getBoundingClientRect();
  if (card.scrollWidth > card.clientWidth + 1) out.push('card ' + card.id + ' scrolls: ' + card.scrollWidth + ' > ' + card.clientWidth);
  for (const el of card.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > box.right + 1) out.push('wider than its card: ' + (card.id || card.className) + ' ' + el.tagName + ' ' + el.textContent.slice(0, 60));
  }
}
for (const code of document.querySelectorAll('ol.numbered>li>code.url')) {
  if (code.textContent.length > 121) out.push('card URL not cut: ' + code.textContent.length + ' characters');
  if (code.textContent.includes('…') && !(code.title.length > code.textContent.length)) out.push('cut URL without the whole one on hover');
}
for (const h of document.querySelectorAll('td.host')) {
  // A host breaks only at a dot: each line of the cell ends at one or at the end.
  const range = document.createRange();
  range.selectNodeContents(h);
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  const dots = (h.textContent.match(/\./g) || []).length;
  if (lines.size > dots + 1) out.push('host broken inside a label: ' + h.textContent);
}
const frames = [...document.querySelectorAll('iframe')].map(f => f.style.height);
document.body.setAttribute('data-check', out.join('\n'));
document.body.setAttribute('data-frames', frames.join(','));
</script></body>"#;

/// The same for a preview document: does the Outlook-only box overlap anything drawn after it,
/// and how tall is the content (for the frame's starting height)?
const MEASURE_PREVIEW: &str = r#"<script>
const out = [];
for (const box of document.querySelectorAll('.la-mso')) {
  const b = box.getBoundingClientRect();
  for (const el of document.querySelectorAll('a, .la-box, [data-la]')) {
    if (box.contains(el) || el.contains(box)) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top)
      out.push('the Outlook-only box overlaps ' + el.tagName + ' "' + el.textContent.trim().slice(0, 40) + '"');
  }
}
document.body.setAttribute('data-check', out.join('\n'));
// The content's height (the document's scrollHeight is at least the window's).
let bottom = document.body.getBoundingClientRect().bottom + parseFloat(getComputedStyle(document.body).marginBottom);
for (const el of document.body.querySelectorAll('*')) bottom = Math.max(bottom, el.getBoundingClientRect().bottom);
document.body.setAttribute('data-height', String(Math.ceil(bottom)));
</script></body>"#;

fn attribute(dom: &str, name: &str) -> String {
    let re = Regex::new(&format!(r#"<body[^>]*\b{name}="([^"]*)""#)).unwrap();
    re.captures(dom).map(|c| unescape(&c[1])).unwrap_or_else(|| panic!("no {name} in {dom:.400}"))
}

/// Issue 17, item 10: finding cards hold their text (a thousand-character URL is cut, whole on
/// hover and under a disclosure; nothing wider than its card, at a desktop and a narrow
/// width), the Outlook-only box does not overlap the button below it, and each preview frame
/// starts at about its content's height (whole up to 760 px, not mostly empty).
#[test]
fn cards_fit_long_urls_are_cut_and_the_outlook_box_clears_the_button() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let proxy = Proxy::start();
    let csp = Regex::new(r#"<meta http-equiv="Content-Security-Policy" content="[^"]*">"#).unwrap();
    let measure = |paths: &[PathBuf], name: &str| {
        let page = linkaudit(paths, "html", &dir.path().join(format!("{name}.html")));
        let measured = csp.replace(&page, "").replacen("</body>", MEASURE_CARDS, 1);
        assert_ne!(measured, page);
        let file = dir.path().join(format!("{name}-measured.html"));
        std::fs::write(&file, &measured).unwrap();
        let mut frames = Vec::new();
        for width in ["1400,1000", "800,1000"] {
            let dom = dump_dom_with(browser, &file, &proxy, &[&format!("--window-size={width}")]);
            let problems = attribute(&dom, "data-check");
            assert!(problems.is_empty(), "{name} at {width}:\n{problems}");
            frames = attribute(&dom, "data-frames").split(',').map(str::to_string).collect();
        }
        (page, frames)
    };
    // Every fixture's cards.
    let (all, _) = measure(&fixture_paths(), "all");
    assert!(all.contains("<details class=\"whole\"><summary>whole URL (998 characters)</summary>"));

    // The previews of a short message with an Outlook-only button, of the long URLs and of a
    // message taller than the largest starting height, each alone about as wide as its frame.
    let paths: Vec<PathBuf> = [
        "fixtures/quickstart/newsletter.eml",
        "fixtures/html/long-urls.eml",
        "fixtures/html/emoji-newsletter.eml",
    ]
    .iter()
    .map(|p| Path::new(ROOT).join(p))
    .collect();
    let (page, frames) = measure(&paths, "three");
    let srcdoc = Regex::new(r#"srcdoc="([^"]*)""#).unwrap();
    let docs: Vec<String> = srcdoc.captures_iter(&page).map(|c| unescape(&c[1])).collect();
    assert_eq!((docs.len(), frames.len()), (3, 3), "{frames:?}");
    for (k, doc) in docs.iter().enumerate() {
        let naked = csp.replace(doc, "").replacen("</body>", MEASURE_PREVIEW, 1);
        let naked = if naked.contains(MEASURE_PREVIEW) { naked } else { format!("{naked}{MEASURE_PREVIEW}") };
        let file = dir.path().join(format!("preview-{k}.html"));
        std::fs::write(&file, naked).unwrap();
        let dom = dump_dom_with(browser, &file, &proxy, &["--window-size=700,900"]);
        let problems = attribute(&dom, "data-check");
        assert!(problems.is_empty(), "{}: {problems}", paths[k].display());
        let content: u32 = attribute(&dom, "data-height").parse().unwrap();
        let frame: u32 = frames[k].trim_end_matches("px").parse().unwrap();
        eprintln!("{}: content {content} px, frame {frame} px", paths[k].display());
        // Whole (up to the largest starting height), and not mostly empty.
        assert!(
            frame >= content.min(760),
            "{}: the frame ({frame}) cuts the content ({content})",
            paths[k].display()
        );
        assert!(
            frame <= (content * 3 / 2).max(200),
            "{}: the frame ({frame}) is mostly empty ({content})",
            paths[k].display()
        );
    }
    assert!(docs[0].contains("<div class=\"la-mso\">"), "the quickstart's Outlook-only box is measured");
    proxy.assert_untouched("measured report and previews");
}
