//! linkaudit — audit the links and pixels of a raw email before a campaign goes out.
//!
//! Every link and open pixel of a test send (HTML, AMP, text parts, Outlook-only VML, CSS,
//! `List-Unsubscribe`) is found, unwrapped through security gateways and redirect layers,
//! classified against a catalog of ESPs, and checked: is it on the sender's own tracking domain,
//! or still on an ESP's shared one, or on plain http?
//!
//! The data flows through one module per stage:
//! [`input`] → [`message`] → [`extract`] → [`unwrap`] → [`classify`] → [`rules`] → [`report`],
//! run end to end by the pipeline ([`audit()`]). Under the stages sit leaves every stage reads
//! ([`text`], [`limits`], [`finding`] with the rule registry, [`settings`]); the plain data they
//! hand on is in [`model`]; [`options`] assembles what a run is asked to do; [`domain`] checks
//! the user's own tracking domain. Imports only go down: ARCHITECTURE.md has the table, and
//! `tests/layers.rs` holds the code to it.
//! The library is pure — bytes in, a report out, no I/O — so it runs unchanged in the CLI, a
//! watched folder, a CI step or a batch job.
//!
//! ```
//! let raw = b"From: shop@example.com\r\nSubject: Sale\r\nContent-Type: text/html\r\n\r\n\
//!             <a href=\"https://u123.ct.sendgrid.net/ls/click?upn=abc\">Shop</a>\r\n";
//! let opts = linkaudit::Options::expecting(["track.example.com"]);
//! let report = linkaudit::audit(raw, &opts);
//! assert_eq!(report.links[0].esp.as_deref(), Some("SendGrid"));
//! assert!(report.findings.iter().any(|f| f.code == "LA201"));
//! ```
#![warn(missing_docs)]

mod audit;
pub mod classify;
pub mod domain;
pub mod explain;
pub mod extract;
pub mod finding;
pub mod input;
pub mod limits;
pub mod message;
pub mod model;
pub mod options;
pub mod report;
pub mod rules;
pub mod settings;
pub mod text;
pub mod unwrap;

pub use audit::{audit, audit_all, audit_message, AuditedLink};
pub use finding::{Finding, Severity};
pub use limits::Limits;
pub use options::Options;
pub use report::{MessageReport, Report};
