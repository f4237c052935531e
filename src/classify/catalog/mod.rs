//! Classify: the service catalog — `catalog/*.toml`, embedded at build time and parsed once —
//! with fast lookups by host (a suffix table, then host patterns grouped by their literal
//! suffix), by vendor domain, and by URL shape (grouped by first path segment). Regexes are
//! compiled group by group when a message first needs them, so start-up does not grow with the
//! catalog.
//!
//! Layout: [`schema`] (the entry format), `hosts` (host table), `shapes` (URL shapes),
//! `evidence` (header fingerprints).

mod evidence;
mod hosts;
mod literal;
pub mod schema;
mod shapes;

use std::cell::RefCell;
use std::hash::Hasher;

use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};

use serde::Serialize;

pub use evidence::Evidence;
use evidence::EvidenceIndex;
use hosts::{HostEntry, HostTable};
use schema::CatalogFile;
pub use schema::{Category, EspEntry, EvidenceEntry};
use shapes::ShapeIndex;

// `FILES`: the catalog files shipped with linkaudit, in lookup order (a URL shape of an earlier
// file wins over a later one's), as written by build.rs.
include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

/// The built-in catalog in the compact form build.rs writes (see [`schema::compact`]).
const BUILTIN_COMPACT: &str = include_str!(concat!(env!("OUT_DIR"), "/catalog.compact"));

static BUILTIN_CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    let entries =
        schema::compact::read(BUILTIN_COMPACT).expect("the built-in catalog's compact form is valid");
    Catalog::from_entries(entries, false).expect("the built-in catalog is valid")
});

/// The hash of `bytes` (FxHash): the slot of a host in the per-thread tables (catalog lookups,
/// shared host strings).
pub(crate) fn slot_hash(bytes: &[u8]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(bytes);
    hasher.finish()
}

/// What an ESP-owned host is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostRole {
    /// Click, open and unsubscribe tracking.
    Tracking,
    /// Images, hosted pages, unsubscribe pages.
    Content,
    /// The vendor's own website (`vendor_hosts`): tracking only where the URL looks like it;
    /// classification decides, and never reports this role.
    Vendor,
}

/// What an ESP URL shape is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// A click-tracking redirect.
    Click,
    /// An open-tracking pixel.
    Open,
    /// An unsubscribe or preferences link.
    Unsubscribe,
    /// An image served by the ESP.
    Asset,
}

impl Shape {
    /// The catalog field it is written in.
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Click => "click",
            Shape::Open => "open",
            Shape::Unsubscribe => "unsubscribe",
            Shape::Asset => "asset",
        }
    }
}

/// One service, compiled.
#[derive(Debug, Clone)]
pub struct Esp {
    /// The entry as written.
    pub entry: EspEntry,
    /// Its header fingerprints.
    pub evidence: Vec<Evidence>,
    /// The name, shared by every link report that names this ESP.
    shared_name: Arc<str>,
    /// The note on a link whose destination is this ESP's tracking token, shared likewise.
    token_note: Arc<str>,
}

impl Esp {
    /// Display name.
    pub fn name(&self) -> &str {
        &self.entry.name
    }

    /// What kind of service it is (`esp` when the entry does not say).
    pub fn category(&self) -> Category {
        self.entry.category.unwrap_or(Category::Esp)
    }

    /// Display name, as a shared string (one per catalog, not one per link).
    pub fn shared_name(&self) -> Arc<str> {
        self.shared_name.clone()
    }

    /// "… tracking token: destination not recoverable offline", as a shared string.
    pub fn token_note(&self) -> Arc<str> {
        self.token_note.clone()
    }
}

/// Index of an ESP in [`Catalog::esps`].
pub type EspId = usize;

/// Why a host belongs to a service: the catalog rule that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostMatch {
    /// The service.
    pub esp: EspId,
    /// What the host is for.
    pub role: HostRole,
    /// The catalog text that matched: a host suffix (`host/path-prefix`) or a host pattern.
    pub rule: String,
}

/// The catalog rule a host matched.
enum HostRule<'a> {
    /// A host suffix entry, and the suffix.
    Exact(&'a HostEntry, &'a str),
    /// A host pattern, by index.
    Pattern(usize),
}

/// The compiled catalog.
#[derive(Debug)]
pub struct Catalog {
    /// Every service, in file order.
    pub esps: Vec<Esp>,
    hosts: HostTable,
    shapes: ShapeIndex,
    shape_meta: Vec<(EspId, Shape)>,
    evidence: EvidenceIndex,
    /// Tells compiled catalogs apart in the per-thread memo of host lookups.
    id: u64,
}

/// Slots of the per-thread memo of host lookups.
const MEMO_SLOTS: usize = 64;

/// A remembered host lookup: catalog id, host, result.
type MemoSlot = (u64, String, Option<(EspId, HostRole)>);

static NEXT_CATALOG_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static PATTERN_MEMO: RefCell<Vec<MemoSlot>> = RefCell::new(vec![(0, String::new(), None); MEMO_SLOTS]);
}

impl Catalog {
    /// The built-in catalog.
    pub fn builtin() -> &'static Catalog {
        &BUILTIN_CATALOG
    }

    /// Compiles a catalog from TOML text.
    pub fn from_toml(text: &str) -> Result<Catalog, String> {
        let file: CatalogFile = toml::from_str(text).map_err(|e| e.to_string())?;
        Catalog::from_entries(file.esp, true)
    }

    /// The built-in entries followed by `extra` (from a user's config); an extra entry with the
    /// name of a built-in one adds to it.
    pub fn with_extra(extra: &[EspEntry]) -> Result<Catalog, String> {
        let mut entries: Vec<EspEntry> = Catalog::builtin().esps.iter().map(|e| e.entry.clone()).collect();
        for e in extra {
            match entries.iter_mut().find(|b| b.name.eq_ignore_ascii_case(&e.name)) {
                Some(b) => b.extend(e),
                None => entries.push(e.clone()),
            }
        }
        Catalog::from_entries(entries, true)
    }

    /// Compiles `entries`. With `validate`, every pattern is checked now, so that a user's bad
    /// pattern is an error at start-up rather than a pattern that never matches; the built-in
    /// catalog is checked by its tests instead, and compiles lazily.
    fn from_entries(entries: Vec<EspEntry>, validate: bool) -> Result<Catalog, String> {
        let mut exact: FxHashMap<String, Vec<HostEntry>> = FxHashMap::default();
        let mut content_patterns = Vec::new();
        let mut tracking_patterns = Vec::new();
        let mut shape_sources = Vec::new();
        let mut shape_meta = Vec::new();
        let mut evidence_index = EvidenceIndex::default();
        let mut esps = Vec::with_capacity(entries.len());
        for (id, entry) in entries.into_iter().enumerate() {
            for (list, role) in
                [(&entry.tracking_hosts, HostRole::Tracking), (&entry.content_hosts, HostRole::Content)]
            {
                for h in list {
                    let h = h.trim().to_ascii_lowercase();
                    let (host, prefix) = match h.find('/') {
                        Some(i) => (h[..i].to_string(), Some(h[i..].to_string())),
                        None => (h.clone(), None),
                    };
                    exact.entry(host).or_default().push(HostEntry { esp: id, role, path_prefix: prefix });
                }
            }
            for h in &entry.vendor_hosts {
                let h = h.trim().to_ascii_lowercase();
                exact.entry(h).or_default().push(HostEntry {
                    esp: id,
                    role: HostRole::Vendor,
                    path_prefix: None,
                });
            }
            for p in &entry.content_patterns {
                content_patterns.push((p.clone(), (id, HostRole::Content)));
            }
            for p in &entry.tracking_patterns {
                tracking_patterns.push((p.clone(), (id, HostRole::Tracking)));
            }
            // Open before unsubscribe before asset before click: click shapes are the broadest.
            for (list, shape) in [
                (&entry.open, Shape::Open),
                (&entry.unsubscribe, Shape::Unsubscribe),
                (&entry.asset, Shape::Asset),
                (&entry.click, Shape::Click),
            ] {
                for p in list {
                    shape_sources.push((p.clone(), entry.self_hosted));
                    shape_meta.push((id, shape));
                }
            }
            let evidence: Vec<Evidence> = entry
                .evidence
                .iter()
                .map(|e| Evidence::new(e.header.clone(), e.pattern.clone(), e.weak))
                .collect();
            for (i, ev) in evidence.iter().enumerate() {
                if validate {
                    if let Some(p) = &ev.pattern {
                        evidence::evidence_regex(p)
                            .map_err(|err| format!("{}: evidence pattern {p:?}: {err}", entry.name))?;
                    }
                }
                evidence_index.add(id, i, ev);
            }
            let shared_name: Arc<str> = Arc::from(entry.name.as_str());
            let token_note =
                Arc::from(format!("{} tracking token: destination not recoverable offline", entry.name));
            esps.push(Esp { entry, evidence, shared_name, token_note });
        }
        // Entries with a path prefix are tried before the bare host.
        for list in exact.values_mut() {
            list.sort_by_key(|e| (e.path_prefix.is_none(), e.role == HostRole::Vendor));
        }
        content_patterns.extend(tracking_patterns);
        let hosts = HostTable::new(exact, content_patterns);
        let shapes = ShapeIndex::new(shape_sources, validate).map_err(|e| format!("URL shape: {e}"))?;
        let catalog = Catalog {
            esps,
            hosts,
            shapes,
            shape_meta,
            evidence: evidence_index,
            id: NEXT_CATALOG_ID.fetch_add(1, Ordering::Relaxed),
        };
        if validate {
            catalog.hosts.compile_all()?;
        }
        Ok(catalog)
    }

    /// Compiles every pattern now (the tests, benchmarks): the first that does not compile.
    pub fn compile_all(&self) -> Result<(), String> {
        self.hosts.compile_all()?;
        self.shapes.compile_all()?;
        self.evidence.compile_all()
    }

    /// The ESP that owns `host` (lower-case, no trailing dot), and what for. The longest
    /// matching suffix decides: `www.vendor.example` as a vendor host beats `vendor.example` as
    /// a content host.
    pub fn host(&self, host: &str, path: &str) -> Option<(EspId, HostRole)> {
        // A message's links share a few hosts, and the host patterns (regexes) cost more than
        // the rest of a lookup: answers that do not depend on the path are remembered per thread
        // in a small direct-mapped table (a pure function's results, so nothing else changes).
        let slot = (slot_hash(host.as_bytes()) % MEMO_SLOTS as u64) as usize;
        let remembered = PATTERN_MEMO.with(|memo| {
            let memo = memo.borrow();
            let entry = &memo[slot];
            (entry.0 == self.id && entry.1 == host).then_some(entry.2)
        });
        if let Some(found) = remembered {
            return found;
        }
        let (found, path_dependent) = self.host_uncached(host, path);
        if !path_dependent {
            PATTERN_MEMO.with(|memo| {
                let entry = &mut memo.borrow_mut()[slot];
                entry.0 = self.id;
                entry.1.clear();
                entry.1.push_str(host);
                entry.2 = found;
            });
        }
        found
    }

    /// [`Catalog::host`] without the memo; also says whether the answer could differ for
    /// another path (an entry of one of the host's suffixes has a path prefix).
    fn host_uncached(&self, host: &str, path: &str) -> (Option<(EspId, HostRole)>, bool) {
        let (found, path_dependent) = self.host_rule(host, path);
        let found = found.map(|rule| match rule {
            HostRule::Exact(e, _) => (e.esp, e.role),
            HostRule::Pattern(i) => self.hosts.pattern_at(i).1,
        });
        (found, path_dependent)
    }

    /// The host lookup, with the catalog rule that decided it.
    fn host_rule<'a>(&'a self, host: &'a str, path: &str) -> (Option<HostRule<'a>>, bool) {
        let mut path_dependent = false;
        let mut suffix = host;
        // A vendor's website is the weakest claim: a host pattern (a numbered tracking family
        // on the vendor's domain) still beats it.
        let mut vendor = None;
        loop {
            if let Some(list) = self.hosts.exact.get(suffix) {
                path_dependent |= list.iter().any(|e| e.path_prefix.is_some());
                let hit = list.iter().find(|e| e.path_prefix.as_deref().is_none_or(|p| path.starts_with(p)));
                match hit {
                    Some(e) if e.role == HostRole::Vendor => {
                        vendor = Some(HostRule::Exact(e, suffix));
                        break;
                    }
                    Some(e) => return (Some(HostRule::Exact(e, suffix)), path_dependent),
                    None => {}
                }
            }
            match suffix.find('.') {
                Some(i) => suffix = &suffix[i + 1..],
                None => break,
            }
        }
        (self.hosts.pattern(host).map(HostRule::Pattern).or(vendor), path_dependent)
    }

    /// [`Catalog::host`] with the rule that matched (for `linkaudit explain`).
    pub fn explain_host(&self, host: &str, path: &str) -> Option<HostMatch> {
        self.host_rule(host, path).0.map(|rule| match rule {
            HostRule::Exact(e, suffix) => HostMatch {
                esp: e.esp,
                role: e.role,
                rule: format!("{suffix}{}", e.path_prefix.as_deref().unwrap_or("")),
            },
            HostRule::Pattern(i) => {
                let (p, (esp, role)) = self.hosts.pattern_at(i);
                HostMatch { esp, role, rule: p.to_string() }
            }
        })
    }

    /// The ESP URL shape `path_query` (`/path?query`) has, if any (first in catalog order).
    pub fn shape(&self, path_query: &str) -> Option<(EspId, Shape)> {
        self.shapes.first(path_query).map(|i| self.shape_meta[i])
    }

    /// [`Catalog::shape`] with the pattern that matched (for `linkaudit explain`).
    pub fn explain_shape(&self, path_query: &str) -> Option<(EspId, Shape, &str)> {
        self.shapes
            .first(path_query)
            .map(|i| (self.shape_meta[i].0, self.shape_meta[i].1, self.shapes.source(i)))
    }

    /// Calls `hit(esp, fingerprint index)` for each fingerprint a header shows.
    pub(crate) fn evidence_hits(
        &self,
        name: &str,
        value: impl FnOnce() -> String,
        hit: impl FnMut(EspId, usize),
    ) {
        self.evidence.hits(name, value, hit);
    }

    /// The ESP named `name` (case-insensitive).
    pub fn by_name(&self, name: &str) -> Option<EspId> {
        self.esps.iter().position(|e| e.name().eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn the_compact_form_reads_back_what_the_toml_says() {
        let mut from_toml = Vec::new();
        for (_, text) in FILES {
            let file: CatalogFile = toml::from_str(text).unwrap();
            from_toml.extend(file.esp);
        }
        let from_compact = schema::compact::read(BUILTIN_COMPACT).unwrap();
        let json = |e: &[EspEntry]| serde_json::to_string(e).unwrap();
        assert_eq!(json(&from_compact), json(&from_toml));
        let odd = EspEntry {
            name: "Tab\there\nand \\ back".into(),
            activate: Some("a\tb".into()),
            evidence: vec![
                EvidenceEntry { header: "X-A".into(), pattern: Some("x\ty".into()), weak: true },
                EvidenceEntry { header: "X-B".into(), pattern: None, weak: false },
            ],
            ..EspEntry::default()
        };
        let round = schema::compact::read(&schema::compact::write(std::slice::from_ref(&odd))).unwrap();
        assert_eq!(json(&round), json(std::slice::from_ref(&odd)));
        let off = EspEntry {
            name: "Off".into(),
            cname_confirmed: false,
            custom_domain: false,
            ..EspEntry::default()
        };
        let round = schema::compact::read(&schema::compact::write(std::slice::from_ref(&off))).unwrap();
        assert_eq!(json(&round), json(&[off]));
    }

    #[test]
    fn the_builtin_catalog_compiles() {
        let c = Catalog::builtin();
        assert!(c.esps.len() > 40);
    }

    #[rstest]
    #[case("u123.ct.sendgrid.net", "/ls/click", Some(("SendGrid", HostRole::Tracking)))]
    #[case("cdn.mcauto-images-production.sendgrid.net", "/a.png", Some(("SendGrid", HostRole::Content)))]
    #[case("abc.us6.list-manage.com", "/track/click", Some(("Mailchimp", HostRole::Tracking)))]
    #[case("us6.campaign-archive.com", "/", Some(("Mailchimp", HostRole::Content)))]
    #[case("substack.com", "/redirect/2/x", Some(("Substack", HostRole::Tracking)))]
    #[case("carlos.substack.com", "/p/x", Some(("Substack", HostRole::Content)))]
    #[case("elevator.cmail20.com", "/t/x", Some(("Campaign Monitor", HostRole::Tracking)))]
    #[case("i7.cmail20.com", "/ei/x.png", Some(("Campaign Monitor", HostRole::Content)))]
    #[case("t.hubspotemail.net", "/x", Some(("HubSpot", HostRole::Tracking)))]
    #[case("hs-1.s.hubspotemail.net", "/x", Some(("HubSpot", HostRole::Content)))]
    #[case("x.mkto-ab0244.com", "/dc/x", Some(("Marketo", HostRole::Tracking)))]
    #[case("shop.example.com", "/", None)]
    #[case("notsendgrid.net", "/", None)]
    fn hosts(#[case] host: &str, #[case] path: &str, #[case] want: Option<(&str, HostRole)>) {
        let c = Catalog::builtin();
        let got = c.host(host, path).map(|(id, r)| (c.esps[id].name(), r));
        assert_eq!(got, want);
    }

    #[test]
    fn the_host_memo_keeps_catalogs_apart() {
        let toml =
            |pattern: &str| format!("[[esp]]\nname = \"Numbered\"\ntracking_patterns = ['{pattern}']\n");
        let a = Catalog::from_toml(&toml(r"^t\d+\.numbered\.test$")).unwrap();
        let b = Catalog::from_toml(&toml(r"^x\d+\.numbered\.test$")).unwrap();
        // Path-prefixed entries are never answered from the memo.
        let c = Catalog::builtin();
        let (with, without) = (c.host("substack.com", "/redirect/2/x"), c.host("substack.com", "/p/x"));
        assert_ne!(with, without);
        assert_eq!(c.host("substack.com", "/redirect/2/x"), with);
        for _ in 0..2 {
            assert!(a.host("t1.numbered.test", "/").is_some());
            assert!(b.host("t1.numbered.test", "/").is_none());
            assert!(b.host("x1.numbered.test", "/").is_some());
            assert!(a.host("x1.numbered.test", "/").is_none());
        }
    }

    /// Every shared tracking host of the research catalog's quick index (§1.0) is known.
    #[rstest]
    #[case("u123.ct.sendgrid.net", "SendGrid")]
    #[case("click.pstmrk.it", "Postmark")]
    #[case("ea.pstmrk.it", "Postmark")]
    #[case("fcjdafh.r.af.d.sendibt2.com", "Brevo")]
    #[case("x.r.bh.d.sendibt3.com", "Brevo")]
    #[case("x.r.a.d.sendibm1.com", "Brevo")]
    #[case("x.sendibtd.com", "Brevo")]
    #[case("x.sendibw.com", "Brevo")]
    #[case("lu001.r.sp1-brevo.net", "Brevo")]
    #[case("r.mailin.fr", "Brevo")]
    #[case("r.brevolinks.com", "Brevo")]
    #[case("qpvvmjwx.r.us-east-1.awstrack.me", "Amazon SES")]
    #[case("southampton.us13.list-manage.com", "Mailchimp")]
    #[case("mailchi.mp", "Mailchimp")]
    #[case("mandrillapp.com", "Mandrill")]
    #[case("d11qdb04.na1.hubspotlinks.com", "HubSpot")]
    #[case("t.hubspotemail.net", "HubSpot")]
    #[case("t.hubspotfree.net", "HubSpot")]
    #[case("t.sidekickopen06.com", "HubSpot")]
    #[case("t.signaux.com", "HubSpot")]
    #[case("t.senal.com", "HubSpot")]
    #[case("t.sigopn03.com", "HubSpot")]
    #[case("track.getsidekick.com", "HubSpot")]
    #[case("trk.klclick.com", "Klaviyo")]
    #[case("trk.klclick1.com", "Klaviyo")]
    #[case("ctrk.klclick3.com", "Klaviyo")]
    #[case("trk.klaviyomail.com", "Klaviyo")]
    #[case("manage.kmail-lists.com", "Klaviyo")]
    #[case("r20.rs6.net", "Constant Contact")]
    #[case("visitor.constantcontact.com", "Constant Contact")]
    #[case("acme.createsend.com", "Campaign Monitor")]
    #[case("i1.createsend1.com", "Campaign Monitor")]
    #[case("brand.cmail19.com", "Campaign Monitor")]
    #[case("spgo.io", "SparkPost")]
    #[case("go.sparkpostmail.com", "SparkPost")]
    #[case("x.sparkpostmail2.com", "SparkPost")]
    #[case("post.eu.spmailtechnol.com", "SparkPost")]
    #[case("unsub.spmta.com", "SparkPost")]
    #[case("e.customeriomail.com", "Customer.io")]
    #[case("track.customer.io", "Customer.io")]
    #[case("links.iterable.com", "Iterable")]
    #[case("links.eu.iterable.com", "Iterable")]
    #[case("cl.exct.net", "Salesforce Marketing Cloud")]
    #[case("pixel.inbox.exacttarget.com", "Salesforce Marketing Cloud")]
    #[case("cdp3.tracking.e360.salesforce.com", "Salesforce Marketing Cloud")]
    #[case("mkto-a0244.com", "Marketo")]
    #[case("x.lt.acemlna.com", "ActiveCampaign")]
    #[case("x.lt.acemlnd.com", "ActiveCampaign")]
    #[case("x.lt.emlnk.com", "ActiveCampaign")]
    #[case("x.emlnk9.com", "ActiveCampaign")]
    #[case("acct.activehosted.com", "ActiveCampaign")]
    #[case("click.convertkit-mail2.com", "Kit")]
    #[case("x.convertkit-mail.com", "Kit")]
    #[case("click.mlsend.com", "MailerLite")]
    #[case("abcdefgh12345678.click.mailersend.net", "MailerSend")]
    #[case("xmjhp.mjt.lu", "Mailjet")]
    #[case("16o2l.trk.elasticemail.com", "Elastic Email")]
    #[case("etrck.com", "Elastic Email")]
    #[case("x-y.maillist-manage.com", "Zoho Campaigns")]
    #[case("x-y.maillist-manage.in", "Zoho Campaigns")]
    #[case("clicks.aweber.com", "AWeber")]
    #[case("openrate.aweber.com", "AWeber")]
    #[case("t.dripemail2.com", "Drip")]
    #[case("eotrx.substackcdn.com", "Substack")]
    #[case("email.mg1.substack.com", "Substack")]
    #[case("link.mail.beehiiv.com", "beehiiv")]
    #[case("us-east-1.resend-clicks.com", "Resend")]
    #[case("resend-clicks-a.com", "Resend")]
    #[case("lnk.etransmail.com", "Netcore")]
    #[case("links.mkt3337.com", "Acoustic")]
    #[case("s1234.t.en25.com", "Oracle Eloqua")]
    #[case("via.intercom.io", "Intercom")]
    #[case("x.intercom-mail-200.com", "Intercom")]
    #[case("brand.attentivemail.com", "Attentive")]
    #[case("click.icptrack.com", "iContact")]
    #[case("abcd.engage.squarespace-mail.com", "Squarespace")]
    #[case("t.lever-analytics.com", "Lever")]
    #[case("links.govdelivery.com", "GovDelivery")]
    #[case("nts.embluemail.com", "emBlue")]
    #[case("p1.t.ltrmnt.com", "Lettermint")]
    #[case("bml.co", "BigMailer")]
    #[case("bigmailer.link", "BigMailer")]
    fn every_shared_host_of_the_quick_index(#[case] host: &str, #[case] esp: &str) {
        let c = Catalog::builtin();
        let got = c.host(host, "/").map(|(id, _)| c.esps[id].name());
        assert_eq!(got, Some(esp), "{host}");
    }

    #[test]
    fn path_qualified_hosts_need_their_path() {
        let c = Catalog::builtin();
        let name = |h: &str, p: &str| c.host(h, p).map(|(id, _)| c.esps[id].name());
        assert_eq!(name("mailchimp.com", "/mctx/clicks"), Some("Mailchimp"));
        assert_eq!(name("mailchimp.com", "/features"), None);
        assert_eq!(name("app.hive.co", "/email/elt/x"), Some("Hive"));
        assert_eq!(name("app.hive.co", "/pricing"), None);
        // The vendor's app and API hosts: only their tracking paths.
        assert_eq!(name("app.getresponse.com", "/click.html"), Some("GetResponse"));
        assert_eq!(name("api.elasticemail.com", "/tracking/click"), Some("Elastic Email"));
    }

    #[rstest]
    #[case("/ls/click?upn=abc", Some(("SendGrid", Shape::Click)))]
    #[case("/wf/open?upn=abc", Some(("SendGrid", Shape::Open)))]
    #[case("/c/eJwVjUuOwyAQRE9jdlh8GjosWGQz17AwDTEKCR6bkef4IVJtnuqp", Some(("Mailgun", Shape::Click)))]
    #[case("/o/eJwVjUuOwyAQRE9jdlh8GjosWGQz17AwDTEKCR6bkef4", Some(("Mailgun", Shape::Open)))]
    #[case("/e3t/Ctc/2O+113/d2MBYV04/VXcc", Some(("HubSpot", Shape::Click)))]
    #[case("/?qs=1abc9c574ab8479a65fdc247a2c72e69681b4e710514ee7f1f7957d81a89195a", Some(("Salesforce Marketing Cloud", Shape::Click)))]
    #[case("/f/a/Edbo0JcFEvAMzsApjUwQaA~~/AABVuxA~/UDEyCQ", Some(("SparkPost", Shape::Click)))]
    #[case("/mk/cl/f/sh/7nVU1aA2nfsTSzF50tlaorLNTMB40yT/OmzPBgIe_cTH", Some(("Brevo", Shape::Click)))]
    #[case("/r/?id=h68799c5d,5f683c8,22f42bb&p1=x", Some(("Adobe Campaign", Shape::Click)))]
    #[case("/products/shoes?id=7", None)]
    #[case("/c/abc", None)]
    #[case("/img/logo.png", None)]
    fn shapes(#[case] pq: &str, #[case] want: Option<(&str, Shape)>) {
        let c = Catalog::builtin();
        let got = c.shape(pq).map(|(id, s)| (c.esps[id].name(), s));
        assert_eq!(got, want);
    }

    #[rstest]
    // Anchored patterns: one search, the first pattern in catalog order wins.
    #[case("['^/c/']", "['^/c/x']", "/c/x", Some(("First", Shape::Click)))]
    #[case("['^/d/']", "['^/c/x']", "/c/x", Some(("Second", Shape::Open)))]
    // An unanchored pattern: still catalog order, not the leftmost match.
    #[case("['/zz']", "['^/a']", "/a/zz", Some(("First", Shape::Click)))]
    #[case("['/zz']", "['^/a']", "/b/z", None)]
    fn the_first_shape_in_catalog_order_wins(
        #[case] first_click: &str,
        #[case] second_open: &str,
        #[case] pq: &str,
        #[case] want: Option<(&str, Shape)>,
    ) {
        let c = Catalog::from_toml(&format!(
            "[[esp]]\nname = \"First\"\nclick = {first_click}\n[[esp]]\nname = \"Second\"\nopen = {second_open}\n"
        ))
        .unwrap();
        assert_eq!(c.shape(pq).map(|(id, s)| (c.esps[id].name(), s)), want);
    }

    #[test]
    fn extra_entries_extend_the_catalog() {
        let extra: CatalogFile = toml::from_str(
            "[[esp]]\nname = \"Inhouse\"\ntracking_hosts = [\"clicks.inhouse.example\"]\n\
             [[esp]]\nname = \"SendGrid\"\ntracking_hosts = [\"sg-legacy.example\"]\n",
        )
        .unwrap();
        let c = Catalog::with_extra(&extra.esp).unwrap();
        let name = |h: &str| c.host(h, "/").map(|(id, _)| c.esps[id].name().to_string());
        assert_eq!(name("clicks.inhouse.example").as_deref(), Some("Inhouse"));
        assert_eq!(name("a.sg-legacy.example").as_deref(), Some("SendGrid"));
    }
}
