//! Stage 6's output: a finding — what a user should act on, with a permanent rule code, a
//! severity, a message about this instance, where it is, and a hint saying how to fix it
//! (ruff / ShellCheck model) — and the [`registry`] of rules that name them. The bottom of the
//! data model: it imports nothing from the crate.

pub mod registry;

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Should be fixed.
    Warning,
    /// Must be fixed before the campaign goes out.
    Error,
}

impl Severity {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!("unknown severity {other:?} (expected error, warning or info)")),
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Permanent rule code (`LA201`).
    pub code: &'static str,
    /// Rule name (`esp-default-tracking-domain`).
    pub name: &'static str,
    /// Severity of this instance.
    pub severity: Severity,
    /// What was found, about this instance.
    pub message: String,
    /// The link's URL, for link findings.
    pub url: Option<String>,
    /// Section of the part (`1.2`, `header`), when it has a location.
    pub part: Option<String>,
    /// 1-based line.
    pub line: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
    /// How to fix it.
    pub hint: Option<String>,
    /// Line in the message source file (for annotations in CI), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<u32>,
    /// Column in the message source file, when known (not in a base64 part).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_column: Option<u32>,
}
