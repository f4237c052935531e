//! Stage 7 (rules → **report**): the report model — the JSON output contract — and its
//! renderers, one per file: [`text`], [`concise`], [`json`], [`json_lines`], [`junit`],
//! [`sarif`], [`github`], [`markdown`].
//!
//! Field names follow ARCHITECTURE.md's contract ("extend freely, rename never"). Order is
//! deterministic: links by part, line, column; findings by part, line, column, code; messages
//! by source and index.

pub mod concise;
pub mod format;
pub mod github;
pub mod html;
pub mod json;
pub mod json_lines;
pub mod junit;
pub mod markdown;
pub mod preview;
pub mod redact;
pub mod sanitize;
pub mod sarif;
pub mod tally;
pub mod text;
pub mod untrusted;

pub use crate::classify::SentVia;
pub use crate::model::{
    cmp_parts, display_source, BatchFinding, InputFailure, LinkReport, MessageReport, PartSummary, Preview,
    Report, Summary, WorstMessage,
};
