//! CLI: `linkaudit.toml` — found by walking up from the current folder (`linkaudit.toml`, then
//! `.linkaudit.toml`, in each folder), or given with `--config`. It holds the expected tracking
//! domains, rule selection and severities, allow-listed hosts, extra ESP catalog entries, limits
//! and the failure threshold. Flags override it. A bad file is an error naming file:line and the
//! key (exit 2).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use linkaudit::classify::catalog::EspEntry;
use linkaudit::Severity;
use serde::Deserialize;

/// File names looked for, in order, in each folder.
pub const NAMES: &[&str] = &["linkaudit.toml", ".linkaudit.toml"];

/// The file's contents.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Expected tracking hosts (`expect = "host"` is a list of one).
    #[serde(default, deserialize_with = "one_or_many")]
    pub expect: Vec<String>,
    /// Failure threshold: error, warning, info or never.
    pub fail_on: Option<String>,
    /// Rules to run (codes, prefixes or names).
    #[serde(default)]
    pub select: Vec<String>,
    /// Rules not to run.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Hosts whose links are meant to be direct.
    #[serde(default)]
    pub allow_hosts: Vec<String>,
    /// Severity overrides by rule code.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Limits.
    #[serde(default)]
    pub limits: LimitsConfig,
    /// Extra catalog entries (the format of catalog/*.toml, see docs/catalog.md).
    #[serde(default)]
    pub esp: Vec<EspEntry>,
}

/// A list, or one string as a list of one.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// `[limits]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitsConfig {
    pub max_input_mb: Option<usize>,
    pub max_depth: Option<usize>,
    pub max_parts: Option<usize>,
    pub max_header_fields: Option<usize>,
    pub max_part_mb: Option<usize>,
    pub max_links: Option<usize>,
    pub max_unwrap_depth: Option<usize>,
}

/// The first config file in `start` or one of its ancestors.
pub fn discover(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        for name in NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Reads and checks a config file; the error is `file:line:column: key: problem`.
pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the config: {e}", path.display()))?;
    parse(&text).map_err(|(line, col, msg)| format!("{}:{line}:{col}: {msg}", path.display()))
}

/// Parses config text; errors carry the 1-based line and column.
pub fn parse(text: &str) -> Result<Config, (usize, usize, String)> {
    let config: Config = toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        let key = key_at(text, line);
        let msg = e.message().trim().to_string();
        (
            line,
            col,
            match key {
                Some(k) if !msg.contains(&format!("`{k}`")) => format!("`{k}`: {msg}"),
                _ => msg,
            },
        )
    })?;
    for code in config.severity.keys() {
        if linkaudit::rules::rule(code).is_none() {
            let (line, col) = find(text, code);
            return Err((
                line,
                col,
                format!("`severity.{code}`: unknown rule {code:?} (see `linkaudit rules`)"),
            ));
        }
    }
    for (list, name) in [(&config.select, "select"), (&config.ignore, "ignore")] {
        for s in list {
            let known = linkaudit::rules::RULES.iter().any(|r| {
                r.name.eq_ignore_ascii_case(s)
                    || (s.len() <= r.code.len() && r.code[..s.len()].eq_ignore_ascii_case(s))
            });
            if !known {
                let (line, col) = find(text, s);
                return Err((line, col, format!("`{name}`: {s:?} matches no rule code, prefix or name")));
            }
        }
    }
    if let Some(f) = &config.fail_on {
        if !matches!(f.as_str(), "error" | "warning" | "info" | "never") {
            let (line, col) = find(text, "fail-on");
            return Err((line, col, format!("`fail-on`: {f:?} is not error, warning, info or never")));
        }
    }
    if !config.esp.is_empty() {
        linkaudit::classify::Catalog::with_extra(&config.esp).map_err(|e| {
            let (line, col) = find(text, "[[esp]]");
            (line, col, format!("`esp`: {e}"))
        })?;
    }
    Ok(config)
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The key of a `key = value` line, if line `line` is one.
fn key_at(text: &str, line: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let (k, _) = l.split_once('=')?;
    let k = k.trim().trim_matches('"');
    (!k.is_empty() && !k.starts_with('#')).then(|| k.to_string())
}

fn find(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle).map_or((1, 1), |i| line_col(text, i))
}

/// The starter file `linkaudit init` writes.
pub const STARTER: &str = r#"# linkaudit configuration — found by walking up from the current folder.
# Command-line flags override every value here. `linkaudit rules` lists the rules.

# Your tracking host(s): every tracked link and pixel should use one of them.
# Two ESPs need two hosts (one CNAME points to one ESP).
expect = ["track.example.com"]
# expect = ["track-tx.example.com", "track-mkt.example.com"]

# Exit with 1 when a finding is at least this severe: error, warning, info or never.
fail-on = "error"

# Rules to run and to skip, by code, code prefix or name (empty select = all rules).
select = []
ignore = []
# ignore = ["LA107", "one-click-unsubscribe-missing"]

# Hosts whose links are meant to be direct, or ESP-owned hosts you accept:
# no untracked-link (LA210) or esp-hosted-content (LA205) findings for them.
allow-hosts = []
# allow-hosts = ["www.example.com", "*.social.example.net"]

# Severity overrides by rule code.
[severity]
# LA205 = "info"
# LA402 = "error"

# Limits that keep hostile input bounded (the defaults are shown).
[limits]
# max-input-mb = 64
# max-depth = 64
# max-parts = 10000
# max-header-fields = 50000
# max-part-mb = 32
# max-links = 50000
# max-unwrap-depth = 8

# Extra catalog entries, in the format of the built-in catalog (docs/catalog.md);
# an entry named like a built-in ESP adds to it.
# [[esp]]
# name = "In-house tracker"
# tracking_hosts = ["clicks.example-esp.net"]
# click = ['^/r/[A-Za-z0-9]{20,}']
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_file_parses() {
        let c = parse(STARTER).unwrap();
        assert_eq!(c.expect, ["track.example.com"]);
    }

    #[test]
    fn one_expected_host_may_be_a_string() {
        assert_eq!(parse("expect = \"track.example.com\"\n").unwrap().expect, ["track.example.com"]);
        assert!(parse("expect = 3\n").is_err());
    }

    #[test]
    fn errors_name_line_and_key() {
        let (line, _, msg) = parse("expect = [\"a.example.com\"]\nexpct = 1\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(msg.contains("expct"), "{msg}");
        let (line, _, msg) = parse("expect = []\n[severity]\nLA205 = \"fatal\"\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(msg.contains("LA205"), "{msg}");
        let (line, _, msg) = parse("ignore = [\n  \"LA999\",\n]\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(msg.contains("LA999"), "{msg}");
    }
}
