//! The batch step: a run's message reports become one [`Report`], with the findings only the
//! whole run shows (LA206 across messages, [`crate::rules::batch`]) and its totals.

use crate::model::{InputFailure, MessageReport, Report};
use crate::rules;

impl Report {
    /// Builds a report, its batch findings and its summary.
    pub fn new(messages: Vec<MessageReport>, errors: Vec<InputFailure>) -> Report {
        let batch_findings = rules::batch::cross_message(&messages);
        Report::with_batch(messages, batch_findings, errors)
    }
}
