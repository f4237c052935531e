//! Input: the text of Gmail's "Show original" page copied into a file.
//!
//! The page opens with a summary table (Message ID, Created at, From, To, Subject, SPF, DKIM,
//! DMARC) and a "Download Original / Copy to clipboard" line before the raw source. The summary
//! would otherwise parse as duplicate headers, so it is cut off here and its SPF/DKIM/DMARC
//! verdicts are kept for the report.

use serde::Serialize;

/// The summary block of a "Show original" page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ShowOriginal {
    /// "Message ID" row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// "Created at" row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// "SPF" row, e.g. `PASS with IP 192.0.2.25`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spf: Option<String>,
    /// "DKIM" row, e.g. `'PASS' with domain example.com`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dkim: Option<String>,
    /// "DMARC" row, e.g. `'PASS'`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dmarc: Option<String>,
}

impl ShowOriginal {
    /// The verdict word of a row (`pass`, `fail`, `neutral`, …), lower-cased and unquoted.
    pub fn verdict(row: &str) -> String {
        row.split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(|c: char| c == '\'' || c == '"')
            .to_ascii_lowercase()
    }
}

/// When `bytes` open with a "Show original" summary, returns it and the raw source after it.
pub(super) fn strip(bytes: &[u8]) -> Option<(ShowOriginal, &[u8])> {
    let first_end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
    let first = String::from_utf8_lossy(&bytes[..first_end]);
    let first = first.trim();
    let is_summary = first.eq_ignore_ascii_case("original message")
        || (first.starts_with("Message ID") && !first.starts_with("Message ID:"));
    if !is_summary {
        return None;
    }
    let mut summary = ShowOriginal::default();
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
        let line = String::from_utf8_lossy(&bytes[pos..end]);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim_start().starts_with("Download Original") {
            return Some((summary, &bytes[end..]));
        }
        if pos > 0 && is_raw_header(line) {
            return Some((summary, &bytes[pos..]));
        }
        if let Some((key, value)) = split_row(line) {
            let value = value.trim_end_matches("Learn more").trim().to_string();
            let slot = match key.to_ascii_lowercase().as_str() {
                "message id" => &mut summary.message_id,
                "created at" => &mut summary.created_at,
                "spf" => &mut summary.spf,
                "dkim" => &mut summary.dkim,
                "dmarc" => &mut summary.dmarc,
                _ => &mut None,
            };
            if !value.is_empty() {
                *slot = Some(value);
            }
        }
        pos = end;
    }
    None
}

/// A summary row is `Key<TAB>value` or `Key:<TAB>value`.
fn split_row(line: &str) -> Option<(&str, &str)> {
    let tab = line.find('\t')?;
    let key = line[..tab].trim().trim_end_matches(':').trim();
    Some((key, &line[tab + 1..]))
}

/// A line of the raw source: `Name: value` with a space (not the summary's tab) after the colon.
fn is_raw_header(line: &str) -> bool {
    let Some(colon) = line.find(':') else { return false };
    let name = &line[..colon];
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !line[colon + 1..].starts_with('\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "Original Message\nMessage ID\t<x@example.com>\n\
Created at:\tTue, Mar 5, 2024 at 11:15 AM (Delivered after 2 seconds)\n\
From:\tShop <news@example.com>\nTo:\ta@example.org\nSubject:\tHi\n\
SPF:\tPASS with IP 192.0.2.25 Learn more\nDKIM:\t'PASS' with domain example.com Learn more\n\
DMARC:\t'FAIL' Learn more\n\nDownload Original\tCopy to clipboard\t\n\
Delivered-To: a@example.org\nSubject: Hi\n\nbody\n";

    #[test]
    fn the_summary_is_cut_and_kept() {
        let (summary, rest) = strip(PAGE.as_bytes()).unwrap();
        assert!(rest.starts_with(b"Delivered-To: a@example.org"));
        assert_eq!(summary.spf.as_deref(), Some("PASS with IP 192.0.2.25"));
        assert_eq!(ShowOriginal::verdict(summary.dkim.as_deref().unwrap()), "pass");
        assert_eq!(ShowOriginal::verdict(summary.dmarc.as_deref().unwrap()), "fail");
        assert_eq!(summary.message_id.as_deref(), Some("<x@example.com>"));
    }

    #[test]
    fn without_the_download_line_the_first_raw_header_starts_the_source() {
        let page = PAGE.replace("Download Original\tCopy to clipboard\t\n", "");
        let (_, rest) = strip(page.as_bytes()).unwrap();
        assert!(rest.starts_with(b"Delivered-To: a@example.org"));
    }

    #[test]
    fn an_ordinary_message_is_left_alone() {
        assert!(strip(b"Message-ID: <x@example.com>\n\nbody").is_none());
    }
}
