//! The data model: a link — as the pipeline carries it between stages ([`AuditedLink`]) and as the
//! report shows it ([`LinkReport`], part of the JSON contract).

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;

use crate::classify::{Class, Classified, Role};
use crate::extract::{Kind, RawLink};
use crate::unwrap::{Hop, Unwrapped};

/// A link after unwrapping and classification: what the rules and the report read.
#[derive(Debug, Clone)]
pub struct AuditedLink {
    /// As extracted.
    pub raw: RawLink,
    /// Its redirect layers.
    pub unwrapped: Unwrapped,
    /// Its class, ESP and role.
    pub classified: Classified,
    /// Column in the message file, when known (with `raw.source_line`).
    pub source_column: Option<u32>,
}

/// One link in the report.
#[derive(Debug, Clone, Serialize)]
pub struct LinkReport {
    /// As it appears after MIME and entity decoding.
    pub url: String,
    /// What it is.
    pub kind: Kind,
    /// Section (`1.2`; `header` for the top-level header).
    pub part: Arc<str>,
    /// 1-based line in the decoded part.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Host of `url`.
    pub host: Option<Arc<str>>,
    /// Redirect layers taken off, outermost first.
    pub hops: Vec<Hop>,
    /// Where the link finally goes; `null` when that cannot be known offline.
    pub destination: Option<String>,
    /// `expected`, `esp-default`, `esp-custom`, `unknown-tracker` or `direct`.
    pub class: Class,
    /// The ESP behind the link.
    pub esp: Option<Arc<str>>,
    /// A known third-party tracker (ad-tech, data beacon) the link is on; the class stays
    /// `direct`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracker: Option<Arc<str>>,
    /// The outermost security gateway or client wrapper.
    pub gateway: Option<Cow<'static, str>>,
    /// `click`, `open`, `unsubscribe` or `asset`.
    pub role: Role,
    /// Host of the URL the class was judged on, when a gateway wraps the link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judged_host: Option<Arc<str>>,
    /// Why `destination` is null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Arc<str>>,
    /// HTML element.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<Cow<'static, str>>,
    /// Attribute or header name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute: Option<Cow<'static, str>>,
    /// Inside an Outlook conditional comment.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub mso: bool,
    /// Visible anchor text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Line in the message source where the URL starts (exact for headers, unencoded and
    /// quoted-printable parts; the part's first body line for base64).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<u32>,
    /// Column in the message source, when known (not in a base64 part).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_column: Option<u32>,
}
