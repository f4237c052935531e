//! Limits on the work one message may cause: every stage reads them, so they sit in a leaf that
//! imports nothing from the crate.

use serde::Serialize;

/// Limits on the work one message may cause. Hitting one is an input finding (LA004), never a
/// crash: the audit goes on with what fits.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Limits {
    /// Largest message accepted, in bytes (input beyond it is cut and reported).
    pub max_input_bytes: usize,
    /// Deepest MIME nesting (multipart and message/rfc822 levels) that is walked.
    pub max_depth: usize,
    /// Most MIME parts walked per message.
    pub max_parts: usize,
    /// Most header fields per message, all header blocks together (the input is cut before
    /// the first field past it).
    pub max_header_fields: usize,
    /// Largest decoded text part scanned for links, in bytes.
    pub max_part_bytes: usize,
    /// Most links reported per message.
    pub max_links: usize,
    /// Most redirect layers unwrapped per link.
    pub max_unwrap_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 64 * 1024 * 1024,
            max_depth: 64,
            max_parts: 10_000,
            max_header_fields: 50_000,
            max_part_bytes: 32 * 1024 * 1024,
            max_links: 50_000,
            max_unwrap_depth: 8,
        }
    }
}
