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

#[cfg(test)]
mod tests {
    use super::Cursor;

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
