//! Classify › catalog: the entry format of `catalog/*.toml` (and of `[[esp]]` tables in a user's
//! `linkaudit.toml`), as written — before anything is compiled.

use serde::{Deserialize, Serialize};

/// What kind of service an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Marketing email and automation (newsletters, campaigns, journeys).
    Esp,
    /// Transactional email APIs and SMTP relays.
    Transactional,
    /// 1:1 and sales-engagement tracking, mail-client add-ons, tracking mail clients.
    Sales,
    /// Creator, newsletter, commerce, website, community and help-desk platforms that send mail
    /// for their users.
    Platform,
    /// Email analytics and content pixels that senders embed (Litmus, Movable Ink, …).
    Analytics,
    /// Ad, affiliate and data trackers that ride along in mail (newsletter ad networks, ad
    /// servers, data-management beacons): known, named, but nobody's sending platform — their
    /// links stay `direct`.
    Adtech,
}

impl Category {
    /// Every category, in display order.
    pub const ALL: [Category; 6] = [
        Category::Esp,
        Category::Transactional,
        Category::Sales,
        Category::Platform,
        Category::Analytics,
        Category::Adtech,
    ];

    /// The name as written in the catalog.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Esp => "esp",
            Category::Transactional => "transactional",
            Category::Sales => "sales",
            Category::Platform => "platform",
            Category::Analytics => "analytics",
            Category::Adtech => "adtech",
        }
    }
}

/// One service as written in a catalog file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EspEntry {
    /// Display name (the JSON `esp` field).
    pub name: String,
    /// What kind of service it is (required in the built-in catalog).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// Other names: former names, products, the owner.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Where the facts come from: vendor documentation, public tracker lists, observed mail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// URLs that must classify as this entry (checked by the test suite).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
    /// Hosts that exist only for the service's click, open and unsubscribe tracking (domain
    /// suffixes, optionally `host/path-prefix`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracking_hosts: Vec<String>,
    /// The service's hosts for images and hosted pages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content_hosts: Vec<String>,
    /// The vendor's own website domains: tracking only where the path looks like it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vendor_hosts: Vec<String>,
    /// Host regexes for numbered tracking-host families.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracking_patterns: Vec<String>,
    /// Host regexes for numbered content-host families.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content_patterns: Vec<String>,
    /// Click URL shapes (regex on `path?query`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub click: Vec<String>,
    /// Open-pixel URL shapes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub open: Vec<String>,
    /// Unsubscribe URL shapes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsubscribe: Vec<String>,
    /// Asset (image) URL shapes on a branded host.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub asset: Vec<String>,
    /// Software the sender installs on its own server: the shapes also match under a sub-folder.
    #[serde(default, skip_serializing_if = "is_false")]
    pub self_hosted: bool,
    /// CNAME target of a custom tracking domain, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cname: Option<String>,
    /// Hosts a custom tracking domain's CNAME points to, matched as domain suffixes (what
    /// `linkaudit domain` recognises).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cname_targets: Vec<String>,
    /// False when `cname_targets` comes from third parties, not the ESP's own documentation.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub cname_confirmed: bool,
    /// Where custom tracking is switched on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activate: Option<String>,
    /// How to serve the tracking domain over HTTPS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https: Option<String>,
    /// False when the ESP offers no custom tracking domain.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub custom_domain: bool,
    /// Header fingerprints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceEntry>,
}

fn yes() -> bool {
    true
}

impl Default for EspEntry {
    /// An entry with only defaults: as an empty `[[esp]]` table reads (a custom domain,
    /// confirmed CNAME targets).
    fn default() -> EspEntry {
        EspEntry {
            name: String::new(),
            category: None,
            aliases: Vec::new(),
            sources: Vec::new(),
            examples: Vec::new(),
            tracking_hosts: Vec::new(),
            content_hosts: Vec::new(),
            vendor_hosts: Vec::new(),
            tracking_patterns: Vec::new(),
            content_patterns: Vec::new(),
            click: Vec::new(),
            open: Vec::new(),
            unsubscribe: Vec::new(),
            asset: Vec::new(),
            self_hosted: false,
            cname: None,
            cname_targets: Vec::new(),
            cname_confirmed: true,
            activate: None,
            https: None,
            custom_domain: true,
            evidence: Vec::new(),
        }
    }
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl EspEntry {
    /// Adds `extra`'s facts to this entry (a user's `[[esp]]` with a built-in entry's name).
    pub fn extend(&mut self, extra: &EspEntry) {
        for (to, from) in [
            (&mut self.aliases, &extra.aliases),
            (&mut self.sources, &extra.sources),
            (&mut self.examples, &extra.examples),
            (&mut self.tracking_hosts, &extra.tracking_hosts),
            (&mut self.content_hosts, &extra.content_hosts),
            (&mut self.vendor_hosts, &extra.vendor_hosts),
            (&mut self.tracking_patterns, &extra.tracking_patterns),
            (&mut self.content_patterns, &extra.content_patterns),
            (&mut self.click, &extra.click),
            (&mut self.open, &extra.open),
            (&mut self.unsubscribe, &extra.unsubscribe),
            (&mut self.asset, &extra.asset),
            (&mut self.cname_targets, &extra.cname_targets),
        ] {
            to.extend(from.iter().cloned());
        }
        self.evidence.extend(extra.evidence.iter().cloned());
        self.self_hosted |= extra.self_hosted;
        for (to, from) in [
            (&mut self.cname, &extra.cname),
            (&mut self.activate, &extra.activate),
            (&mut self.https, &extra.https),
        ] {
            if from.is_some() {
                to.clone_from(from);
            }
        }
        if extra.category.is_some() {
            self.category = extra.category;
        }
    }
}

/// A header fingerprint as written in a catalog file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceEntry {
    /// Header name.
    pub header: String,
    /// Case-insensitive regex on the unfolded value; any value when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// A fingerprint that forged mail is known to copy: it names the service only together
    /// with another fingerprint of the same entry.
    #[serde(default, skip_serializing_if = "is_false")]
    pub weak: bool,
}

/// A catalog file: `[[esp]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogFile {
    #[serde(default)]
    pub(crate) esp: Vec<EspEntry>,
}

/// The compact form of the built-in catalog that `build.rs` writes from `catalog/*.toml`: one
/// `key<TAB>value` line per value, `@` before each entry, `\` escapes for tab, newline and
/// backslash. Reading it costs a fraction of parsing the TOML, so start-up stays flat as the
/// catalog grows; the TOML stays the source, checked at build time.
pub mod compact {
    use super::{Category, EspEntry, EvidenceEntry};

    fn escape(s: &str, out: &mut String) {
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c => out.push(c),
            }
        }
    }

    fn unescape(s: &str) -> std::borrow::Cow<'_, str> {
        if !s.contains('\\') {
            return std::borrow::Cow::Borrowed(s);
        }
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('t') => out.push('\t'),
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        std::borrow::Cow::Owned(out)
    }

    fn line(out: &mut String, key: &str, value: &str) {
        out.push_str(key);
        out.push('\t');
        escape(value, out);
        out.push('\n');
    }

    /// Writes `entries` in the compact form.
    pub fn write(entries: &[EspEntry]) -> String {
        let mut out = String::new();
        for e in entries {
            out.push_str("@\n");
            line(&mut out, "name", &e.name);
            if let Some(c) = e.category {
                line(&mut out, "category", c.as_str());
            }
            for (key, list) in [
                ("aliases", &e.aliases),
                ("sources", &e.sources),
                ("examples", &e.examples),
                ("tracking_hosts", &e.tracking_hosts),
                ("content_hosts", &e.content_hosts),
                ("vendor_hosts", &e.vendor_hosts),
                ("tracking_patterns", &e.tracking_patterns),
                ("content_patterns", &e.content_patterns),
                ("click", &e.click),
                ("open", &e.open),
                ("unsubscribe", &e.unsubscribe),
                ("asset", &e.asset),
                ("cname_targets", &e.cname_targets),
            ] {
                for v in list {
                    line(&mut out, key, v);
                }
            }
            for (key, value) in [("cname", &e.cname), ("activate", &e.activate), ("https", &e.https)] {
                if let Some(v) = value {
                    line(&mut out, key, v);
                }
            }
            if e.self_hosted {
                line(&mut out, "self_hosted", "");
            }
            if !e.cname_confirmed {
                line(&mut out, "cname_unconfirmed", "");
            }
            if !e.custom_domain {
                line(&mut out, "no_custom_domain", "");
            }
            for ev in &e.evidence {
                if ev.weak {
                    line(&mut out, "evidence_weak", "");
                }
                match &ev.pattern {
                    Some(p) => {
                        let mut v = String::new();
                        escape(&ev.header, &mut v);
                        v.push('\t');
                        escape(p, &mut v);
                        out.push_str("evidence\t");
                        out.push_str(&v);
                        out.push('\n');
                    }
                    None => line(&mut out, "evidence_header", &ev.header),
                }
            }
        }
        out
    }

    /// Reads the compact form. The text is the build's own output: an unknown key is a bug.
    pub fn read(text: &str) -> Result<Vec<EspEntry>, String> {
        let mut entries: Vec<EspEntry> = Vec::new();
        // `evidence_weak` marks the fingerprint on the next evidence line.
        let mut weak = false;
        for (n, raw) in text.lines().enumerate() {
            if raw == "@" {
                entries.push(EspEntry::default());
                continue;
            }
            let (key, value) = raw.split_once('\t').ok_or_else(|| format!("line {}: no tab", n + 1))?;
            let e =
                entries.last_mut().ok_or_else(|| format!("line {}: value before the first entry", n + 1))?;
            let v = || unescape(value).into_owned();
            match key {
                "name" => e.name = v(),
                "category" => {
                    e.category = Some(
                        Category::ALL
                            .into_iter()
                            .find(|c| c.as_str() == value)
                            .ok_or_else(|| format!("line {}: category {value}", n + 1))?,
                    )
                }
                "aliases" => e.aliases.push(v()),
                "sources" => e.sources.push(v()),
                "examples" => e.examples.push(v()),
                "tracking_hosts" => e.tracking_hosts.push(v()),
                "content_hosts" => e.content_hosts.push(v()),
                "vendor_hosts" => e.vendor_hosts.push(v()),
                "tracking_patterns" => e.tracking_patterns.push(v()),
                "content_patterns" => e.content_patterns.push(v()),
                "click" => e.click.push(v()),
                "open" => e.open.push(v()),
                "unsubscribe" => e.unsubscribe.push(v()),
                "asset" => e.asset.push(v()),
                "cname_targets" => e.cname_targets.push(v()),
                "cname" => e.cname = Some(v()),
                "activate" => e.activate = Some(v()),
                "https" => e.https = Some(v()),
                "self_hosted" => e.self_hosted = true,
                "cname_unconfirmed" => e.cname_confirmed = false,
                "no_custom_domain" => e.custom_domain = false,
                "evidence_weak" => weak = true,
                "evidence_header" => {
                    e.evidence.push(EvidenceEntry { header: v(), pattern: None, weak });
                    weak = false;
                }
                "evidence" => {
                    let (header, pattern) = value
                        .split_once('\t')
                        .ok_or_else(|| format!("line {}: evidence without a pattern", n + 1))?;
                    e.evidence.push(EvidenceEntry {
                        header: unescape(header).into_owned(),
                        pattern: Some(unescape(pattern).into_owned()),
                        weak,
                    });
                    weak = false;
                }
                other => return Err(format!("line {}: unknown key {other:?}", n + 1)),
            }
        }
        Ok(entries)
    }
}
