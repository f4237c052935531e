//! Extract: byte offsets in a decoded part turned into 1-based line and column (in characters).
//!
//! Offsets are looked up in increasing order (the extractors sort them first), so a cursor moves
//! forward through the text once: a 5 MB single-line HTML part with thousands of links costs one
//! pass, not one pass per link.

/// Forward-moving offset → (line, column) converter over one text.
pub struct Cursor<'t> {
    text: &'t str,
    offset: usize,
    line: u32,
    column: u32,
}

impl<'t> Cursor<'t> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'t str) -> Self {
        Cursor { text, offset: 0, line: 1, column: 1 }
    }

    /// Line and column of byte `offset` (clamped to the text, moved back to a char boundary).
    pub fn position(&mut self, offset: usize) -> (u32, u32) {
        let mut target = offset.min(self.text.len());
        while !self.text.is_char_boundary(target) {
            target -= 1;
        }
        if target < self.offset {
            *self = Cursor::new(self.text);
        }
        let slice = &self.text.as_bytes()[self.offset..target];
        match memchr::memrchr(b'\n', slice) {
            Some(last_nl) => {
                self.line += memchr::memchr_iter(b'\n', slice).count() as u32;
                let tail = &self.text[self.offset + last_nl + 1..target];
                self.column = tail.chars().count() as u32 + 1;
            }
            None => {
                self.column += self.text[self.offset..target].chars().count() as u32;
            }
        }
        self.offset = target;
        (self.line, self.column)
    }
}

/// The inverse of [`Cursor`]: byte offsets of 1-based (line, column-in-characters) positions.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    /// Indexes the line starts of `text` (one pass).
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// Byte offset of `line`:`column`, clamped to the line and the text.
    pub fn offset(&self, line: u32, column: u32) -> usize {
        let Some(&start) = self.starts.get((line as usize).saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let skip = (column as usize).saturating_sub(1);
        start + rest.char_indices().nth(skip).map_or(rest.len(), |(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::{Cursor, LineIndex};

    #[test]
    fn offsets_invert_positions() {
        let text = "ab\ncé d\n\nxyz";
        let index = LineIndex::new(text);
        let mut c = Cursor::new(text);
        for offset in text.char_indices().map(|(i, _)| i) {
            let (line, column) = c.position(offset);
            assert_eq!(index.offset(line, column), offset);
        }
        assert_eq!(index.offset(99, 1), text.len());
    }

    #[test]
    fn lines_and_character_columns() {
        let text = "ab\ncé d\n\nxyz";
        let mut c = Cursor::new(text);
        assert_eq!(c.position(0), (1, 1));
        assert_eq!(c.position(1), (1, 2));
        assert_eq!(c.position(3), (2, 1));
        assert_eq!(c.position(text.find('d').unwrap()), (2, 4));
        assert_eq!(c.position(text.find('y').unwrap()), (4, 2));
        // Going back restarts from the top.
        assert_eq!(c.position(4), (2, 2));
        // Past the end clamps.
        assert_eq!(c.position(1000), (4, 4));
    }
}
