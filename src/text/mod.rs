//! Leaf helpers for text every stage reads: ASCII case-insensitive matching, raw query access,
//! percent-decoding and lenient base64 ([`codec`]), HTML character references ([`entities`]) and
//! host comparisons ([`host`]). Imports nothing from the crate: the stages import it, never the
//! other way.

pub mod codec;
pub mod entities;
pub mod host;
