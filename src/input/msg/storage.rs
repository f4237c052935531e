//! Outlook `.msg`: the compound file's storages read as MAPI property sets (MS-OXMSG).
//!
//! A message, an attachment and an embedded message are each a storage. Variable-length
//! properties are streams named `__substg1.0_IIIITTTT` (property id and type in hex); fixed-size
//! ones are 16-byte records in `__properties_version1.0`, after a header of 32 bytes (the
//! top-level message), 24 (an embedded message) or 8 (an attachment). Attachments are storages
//! `__attach_version1.0_#XXXXXXXX`; an attached Outlook message is the storage
//! `__substg1.0_3701000D` inside one. Recipients and named properties are not read.
//!
//! The compound file itself is read by the `cfb` crate. Every stream is read through a budget
//! shared by the whole file, so that directory entries pointing at the same sectors cannot make
//! a small file read as a large one.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

/// Property types.
pub(super) const PT_LONG: u16 = 0x0003;
pub(super) const PT_STRING8: u16 = 0x001E;
pub(super) const PT_UNICODE: u16 = 0x001F;
pub(super) const PT_BINARY: u16 = 0x0102;

/// Entries looked at in one storage (a message has a few hundred properties at most).
const MAX_ENTRIES: usize = 4096;

/// How a storage holds its properties: the header size of `__properties_version1.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Message,
    Embedded,
    Attachment,
}

impl Kind {
    fn header_len(self) -> usize {
        match self {
            Kind::Message => 32,
            Kind::Embedded => 24,
            Kind::Attachment => 8,
        }
    }
}

/// The properties of one storage, not yet read.
#[derive(Debug, Default)]
pub(super) struct Props {
    /// `(id, type, path)` of each property stream.
    streams: Vec<(u16, u16, PathBuf)>,
    /// `(id, type, value)` of each fixed-size property.
    fixed: Vec<(u16, u16, [u8; 8])>,
    /// Attachment storages, in name order.
    pub attachments: Vec<PathBuf>,
    /// The embedded message's storage (in an attachment).
    pub embedded: Option<PathBuf>,
    /// Whether the storage has any property at all.
    pub any: bool,
}

impl Props {
    /// A fixed-size `PT_LONG` property.
    pub fn long(&self, id: u16) -> Option<u32> {
        self.fixed
            .iter()
            .find(|(i, t, _)| *i == id && *t == PT_LONG)
            .map(|(_, _, v)| u32::from_le_bytes([v[0], v[1], v[2], v[3]]))
    }

    /// The stream of property `id` with one of `types` (the first type found wins).
    fn stream(&self, id: u16, types: &[u16]) -> Option<(u16, &Path)> {
        types.iter().find_map(|&t| {
            self.streams.iter().find(|(i, ty, _)| *i == id && *ty == t).map(|(_, ty, p)| (*ty, p.as_path()))
        })
    }
}

/// The compound file and what is left of the read budget.
pub(super) struct Store<'a> {
    cf: cfb::CompoundFile<Cursor<&'a [u8]>>,
    budget: usize,
    /// A read stopped at the budget.
    pub cut: bool,
    /// The largest cap that a stream read with [`Store::read_within`] was longer than.
    pub capped: Option<usize>,
}

impl<'a> Store<'a> {
    /// Opens the compound file in `bytes`; at most `budget` bytes of streams will be read.
    pub fn open(bytes: &'a [u8], budget: usize) -> std::io::Result<Store<'a>> {
        let cf = cfb::CompoundFile::open(Cursor::new(bytes))?;
        Ok(Store { cf, budget, cut: false, capped: None })
    }

    /// Lists the properties, attachments and embedded message of the storage at `path`.
    pub fn props(&mut self, path: &Path, kind: Kind) -> Props {
        let mut props = Props::default();
        let entries: Vec<cfb::Entry> = match self.cf.read_storage(path) {
            Ok(e) => e.take(MAX_ENTRIES).collect(),
            Err(_) => return props,
        };
        let mut properties = None;
        for e in entries {
            let name = e.name();
            if e.is_stream() {
                if let Some((id, ty)) = name.strip_prefix("__substg1.0_").and_then(tag) {
                    props.streams.push((id, ty, e.path().to_path_buf()));
                    props.any = true;
                } else if name == "__properties_version1.0" {
                    properties = Some(e.path().to_path_buf());
                }
            } else if e.is_storage() {
                if name.starts_with("__attach_version1.0_#") {
                    props.attachments.push(e.path().to_path_buf());
                } else if name == "__substg1.0_3701000D" {
                    props.embedded = Some(e.path().to_path_buf());
                }
            }
        }
        props.attachments.sort();
        if let Some(p) = properties {
            // 16 bytes a property: MAX_ENTRIES records are plenty.
            let raw = self.read(&p, kind.header_len() + 16 * MAX_ENTRIES);
            props.fixed = fixed(&raw, kind.header_len());
            props.any |= !props.fixed.is_empty();
        }
        props
    }

    /// Reads the stream at `path`, at most `cap` bytes (and what the budget allows); a longer
    /// stream is recorded in [`Store::capped`].
    pub fn read_within(&mut self, path: &Path, cap: usize) -> Vec<u8> {
        let out = self.read(path, cap);
        if out.len() == cap && self.cf.entry(path).is_ok_and(|e| e.len() > cap as u64) {
            self.capped = self.capped.max(Some(cap));
        }
        out
    }

    /// Reads the stream at `path`, at most `cap` bytes (and what the budget allows).
    pub fn read(&mut self, path: &Path, cap: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let Ok(stream) = self.cf.open_stream(path) else { return out };
        let allowed = cap.min(self.budget);
        let want = usize::try_from(stream.len()).unwrap_or(usize::MAX).min(cap);
        if want > self.budget {
            self.cut = true;
        }
        // A stream that ends early, or whose sectors cannot be read, gives what was read.
        let _ = stream.take(allowed as u64).read_to_end(&mut out);
        self.budget -= out.len().min(self.budget);
        out
    }

    /// A string property: `PT_UNICODE`, else `PT_STRING8` decoded in code page `cp`.
    pub fn string(&mut self, props: &Props, id: u16, cap: usize, cp: Option<u32>) -> Option<String> {
        let (ty, path) = props.stream(id, &[PT_UNICODE, PT_STRING8])?;
        let path = path.to_path_buf();
        let raw = self.read_within(&path, cap);
        Some(if ty == PT_UNICODE {
            super::codepage::utf16le(&raw)
        } else {
            let end = memchr::memchr(0, &raw).unwrap_or(raw.len());
            super::codepage::decode(&raw[..end], cp)
        })
    }

    /// A `PT_BINARY` property.
    pub fn binary(&mut self, props: &Props, id: u16, cap: usize) -> Option<Vec<u8>> {
        let (_, path) = props.stream(id, &[PT_BINARY])?;
        let path = path.to_path_buf();
        Some(self.read_within(&path, cap))
    }

    /// Whether property `id` is there as a stream of one of `types`.
    pub fn has(&self, props: &Props, id: u16, types: &[u16]) -> bool {
        props.stream(id, types).is_some()
    }
}

/// `IIIITTTT` in hex: the property id and type.
fn tag(hex: &str) -> Option<(u16, u16)> {
    if hex.len() != 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let v = u32::from_str_radix(hex, 16).ok()?;
    Some(((v >> 16) as u16, (v & 0xFFFF) as u16))
}

/// The fixed-size property records after a header of `header` bytes.
fn fixed(raw: &[u8], header: usize) -> Vec<(u16, u16, [u8; 8])> {
    raw.get(header..)
        .unwrap_or_default()
        .chunks_exact(16)
        .map(|r| {
            let tag = u32::from_le_bytes([r[0], r[1], r[2], r[3]]);
            let mut v = [0u8; 8];
            v.copy_from_slice(&r[8..16]);
            ((tag >> 16) as u16, (tag & 0xFFFF) as u16, v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_names() {
        let cases: &[(&str, Option<(u16, u16)>)] = &[
            ("1000001F", Some((0x1000, PT_UNICODE))),
            ("007d001e", Some((0x007D, PT_STRING8))),
            ("10130102", Some((0x1013, PT_BINARY))),
            ("3701000D", Some((0x3701, 0x000D))),
            ("1000001", None),
            ("1000001F0", None),
            ("1000001G", None),
            ("+1000001", None),
            ("", None),
        ];
        for (name, want) in cases {
            assert_eq!(tag(name), *want, "{name}");
        }
    }

    #[test]
    fn property_records() {
        let mut raw = vec![0xAA; 8];
        raw.extend_from_slice(&[0x03, 0x00, 0x05, 0x37, 6, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]);
        raw.extend_from_slice(&[0x03, 0x00, 0xDE, 0x3F, 6, 0, 0, 0, 0xE9, 0xFD, 0, 0, 0, 0, 0, 0]);
        raw.extend_from_slice(&[1, 2, 3]); // a cut record is dropped
        let props = Props { fixed: fixed(&raw, 8), ..Props::default() };
        assert_eq!(props.long(0x3705), Some(5));
        assert_eq!(props.long(0x3FDE), Some(65001));
        assert_eq!(props.long(0x3FFD), None);
        assert!(fixed(&raw, 1000).is_empty());
        assert!(fixed(&[], 32).is_empty());
    }
}
