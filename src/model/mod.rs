//! The data model: plain types the stages hand on and the report renders — links, message and
//! run reports, batch findings. Only data and the small methods that read it: building a report
//! belongs to the pipeline ([`crate::audit`]), cross-message findings to the batch step, and
//! rendering to [`crate::report`]. It imports the stages' vocabulary types below it (a link's
//! [`Kind`](crate::extract::Kind), [`Class`](crate::classify::Class), …), never anything above.

mod link;
mod message;
mod run;

pub use link::{AuditedLink, LinkReport};
pub use message::{cmp_parts, display_source, MessageReport, PartSummary, Preview};
pub use run::{BatchFinding, InputFailure, Report, Summary, WorstMessage};
