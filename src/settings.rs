//! Rule settings: which rules run and at which severity, and the hosts meant to be direct — as a
//! config file or flags set them. A leaf: it imports only [`crate::finding`] and [`crate::text`].

use crate::finding::Severity;

/// Rule selection and severities, as a config file or flags set them (ruff's model).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSettings {
    /// Codes, code prefixes (`LA2`) or names to run; every rule when empty.
    pub select: Vec<String>,
    /// Codes, code prefixes or names not to run.
    pub ignore: Vec<String>,
    /// Severity overrides by code.
    pub severity: std::collections::BTreeMap<String, Severity>,
    /// Hosts whose links are meant to be direct or on a domain you accept (`*.cdn.example.com`):
    /// no LA205 or LA210 for them.
    pub allow_hosts: Vec<String>,
}

impl RuleSettings {
    /// Does `selector` (a code, a code prefix or a name) pick the rule `code`/`name`?
    fn picks(selector: &str, code: &str, name: &str) -> bool {
        let s = selector.trim();
        s.eq_ignore_ascii_case(name)
            || (!s.is_empty() && code.len() >= s.len() && code[..s.len()].eq_ignore_ascii_case(s))
    }

    /// Is the rule enabled?
    pub fn enabled(&self, code: &str, name: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| Self::picks(s, code, name)))
            && !self.ignore.iter().any(|s| Self::picks(s, code, name))
    }

    /// Is `host` on the allow-list?
    pub fn allowed_host(&self, host: &str) -> bool {
        crate::text::host::position_in(&self.allow_hosts, host).is_some()
    }
}
