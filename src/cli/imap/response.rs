//! CLI (IMAP): the server's responses, parsed from the bytes read so far — hostile input. A
//! response (its lines and the literals between them) is taken only once it is complete; every
//! line is bounded ([`Limits::max_line`], the literals excepted), every literal too
//! ([`Limits::max_literal`], the input limit), and nothing here panics, recurses or allocates
//! more than the response itself. Only what the client acts on is read out: tagged and untagged
//! status answers with their response codes, CAPABILITY, EXISTS, EXPUNGE, SEARCH and FETCH (UID,
//! RFC822.SIZE, FLAGS, the body); anything else is [`Response::Other`].
//!
//! This file uses only `std`, so the fuzz target `fuzz/fuzz_targets/imap_response.rs` compiles
//! it as it is.

/// Bounds on what one response may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest response, its literals not counted.
    pub max_line: usize,
    /// Largest literal, and most bytes in all the literals of one response.
    pub max_literal: usize,
}

/// The status word of a status response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    No,
    Bad,
    Bye,
    Preauth,
}

/// One server response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// `+ text`: the server waits for more from the client.
    Continue(String),
    /// `TAG OK|NO|BAD [code] text`: a command is done.
    Tagged { tag: String, status: Status, code: Option<String>, text: String },
    /// `* OK|NO|BAD|BYE|PREAUTH [code] text`.
    State { status: Status, code: Option<String>, text: String },
    /// `* CAPABILITY …`, upper-cased.
    Capability(Vec<String>),
    /// `* N EXISTS`.
    Exists(u32),
    /// `* N EXPUNGE`.
    Expunge(u32),
    /// `* SEARCH …`: the numbers found.
    Search(Vec<u32>),
    /// `* N FETCH (…)`.
    Fetch(Fetch),
    /// Anything else (FLAGS, LIST, RECENT, …).
    Other,
}

/// What a FETCH response says about one message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fetch {
    pub seq: u32,
    pub uid: Option<u32>,
    pub size: Option<u64>,
    pub flags: Option<Vec<String>>,
    /// `BODY[]` (or a partial `BODY[]<0>`, or `RFC822`); `NIL` gives an empty body.
    pub body: Option<Vec<u8>>,
}

/// Why the bytes are not a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A line longer than [`Limits::max_line`].
    LineTooLong,
    /// A literal larger than [`Limits::max_literal`].
    LiteralTooLarge(u64),
    /// Not IMAP.
    Malformed(&'static str),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::LineTooLong => write!(f, "the server sent a response line longer than the limit"),
            Error::LiteralTooLarge(n) => {
                write!(f, "the server announced {n} bytes in one answer, more than the input limit (--max-input-mb)")
            }
            Error::Malformed(what) => write!(f, "the server's answer is not IMAP ({what})"),
        }
    }
}

/// The first complete response in `buf` and the number of bytes it takes; `Ok(None)` when more
/// bytes are needed.
pub fn parse(buf: &[u8], limits: &Limits) -> Result<Option<(Response, usize)>, Error> {
    let Some(end) = extent(buf, limits)? else { return Ok(None) };
    let r = &buf[..end];
    let first_end = memchr_nl(r).unwrap_or(r.len());
    let first = trim_crlf(&r[..first_end]);
    let response = if let Some(rest) = first.strip_prefix(b"+") {
        Response::Continue(text(rest.strip_prefix(b" ").unwrap_or(rest)))
    } else if let Some(rest) = first.strip_prefix(b"* ") {
        untagged(rest, r)?
    } else {
        let (tag, rest) = split_word(first);
        if tag.is_empty() || rest.is_empty() {
            return Err(Error::Malformed("a line without a tag"));
        }
        let (word, rest) = split_word(rest);
        let status = status(word).ok_or(Error::Malformed("a tagged line without OK, NO or BAD"))?;
        let (code, text) = code_and_text(rest);
        Response::Tagged { tag: String::from_utf8_lossy(tag).into_owned(), status, code, text }
    };
    Ok(Some((response, end)))
}

/// The length of the first complete response (its lines and literals), if all of it is there.
fn extent(buf: &[u8], limits: &Limits) -> Result<Option<usize>, Error> {
    let mut at = 0;
    let mut line_bytes = 0usize;
    // All the literals of one response together stay within the limit too: a response of
    // endless small literals must not grow the buffer without end.
    let mut literal_bytes = 0u64;
    loop {
        let rest = &buf[at..];
        let Some(nl) = memchr_nl(rest) else {
            return if line_bytes + rest.len() > limits.max_line {
                Err(Error::LineTooLong)
            } else {
                Ok(None)
            };
        };
        line_bytes += nl + 1;
        if line_bytes > limits.max_line {
            return Err(Error::LineTooLong);
        }
        let line = trim_crlf(&rest[..nl]);
        at += nl + 1;
        match literal_len(line) {
            Some(n) => {
                literal_bytes = literal_bytes.saturating_add(n);
                if literal_bytes > limits.max_literal as u64 {
                    return Err(Error::LiteralTooLarge(literal_bytes));
                }
                // n ≤ max_literal, a usize: no overflow on any target this runs on.
                let n = n as usize;
                if buf.len() - at < n {
                    return Ok(None);
                }
                at += n;
            }
            None => return Ok(Some(at)),
        }
    }
}

/// `N` when the line ends with a literal announcement `{N}` (or `{N+}`).
fn literal_len(line: &[u8]) -> Option<u64> {
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|&b| b == b'{')?;
    let digits = &inner[open + 1..];
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    number(digits)
}

fn memchr_nl(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

fn trim_crlf(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// ASCII digits as a number (`None` past `u64::MAX`).
fn number(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 20 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &d| n.checked_mul(10)?.checked_add(u64::from(d - b'0')))
}

fn number32(digits: &[u8]) -> Option<u32> {
    number(digits).and_then(|n| u32::try_from(n).ok())
}

/// The first space-separated word and the rest after the space.
fn split_word(s: &[u8]) -> (&[u8], &[u8]) {
    match s.iter().position(|&b| b == b' ') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, &[]),
    }
}

fn status(word: &[u8]) -> Option<Status> {
    Some(match word.to_ascii_uppercase().as_slice() {
        b"OK" => Status::Ok,
        b"NO" => Status::No,
        b"BAD" => Status::Bad,
        b"BYE" => Status::Bye,
        b"PREAUTH" => Status::Preauth,
        _ => return None,
    })
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `[CODE args] text` → the code (without brackets) and the text.
fn code_and_text(rest: &[u8]) -> (Option<String>, String) {
    if let Some(inner) = rest.strip_prefix(b"[") {
        if let Some(close) = inner.iter().position(|&b| b == b']') {
            let after = &inner[close + 1..];
            return (Some(text(&inner[..close])), text(after.strip_prefix(b" ").unwrap_or(after)));
        }
    }
    (None, text(rest))
}

/// The number a response code gives a name, as in `UIDVALIDITY 123`.
pub fn code_number(code: Option<&str>, name: &str) -> Option<u32> {
    let code = code?;
    let (word, rest) = code.split_once(' ')?;
    if !word.eq_ignore_ascii_case(name) {
        return None;
    }
    rest.split(' ').next().and_then(|n| number32(n.as_bytes()))
}

/// The words of a response code (`AUTHENTICATIONFAILED`, `NONEXISTENT`, …), first word only.
pub fn code_word(code: Option<&str>) -> Option<String> {
    code.map(|c| c.split(' ').next().unwrap_or_default().to_ascii_uppercase())
}

fn untagged(first: &[u8], whole: &[u8]) -> Result<Response, Error> {
    let (word, rest) = split_word(first);
    if let Some(n) = number32(word) {
        let (kind, _) = split_word(rest);
        return Ok(match kind.to_ascii_uppercase().as_slice() {
            b"EXISTS" => Response::Exists(n),
            b"EXPUNGE" => Response::Expunge(n),
            b"FETCH" => Response::Fetch(fetch(n, whole)?),
            _ => Response::Other,
        });
    }
    if let Some(status) = status(word) {
        let (code, text) = code_and_text(rest);
        return Ok(Response::State { status, code, text });
    }
    Ok(match word.to_ascii_uppercase().as_slice() {
        b"CAPABILITY" => Response::Capability(
            rest.split(|&b| b == b' ')
                .filter(|w| !w.is_empty())
                .map(|w| text(w).to_ascii_uppercase())
                .collect(),
        ),
        // ESEARCH-style extras (`(MODSEQ n)`) are not numbers and are left out.
        b"SEARCH" => Response::Search(rest.split(|&b| b == b' ').filter_map(number32).collect()),
        _ => Response::Other,
    })
}

/// A token of a FETCH response.
#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    Atom(&'a [u8]),
    /// A quoted string (unescaped) or a literal.
    String(Vec<u8>),
    Open,
    Close,
}

/// Splits a complete response (literals included) into tokens, after the `* N FETCH` words.
struct Tokens<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Tokens<'a> {
    fn next(&mut self) -> Result<Option<Token<'a>>, Error> {
        while self.b.get(self.at) == Some(&b' ') {
            self.at += 1;
        }
        let Some(&c) = self.b.get(self.at) else { return Ok(None) };
        match c {
            b'\r' | b'\n' => Ok(None),
            b'(' => {
                self.at += 1;
                Ok(Some(Token::Open))
            }
            b')' => {
                self.at += 1;
                Ok(Some(Token::Close))
            }
            b'"' => {
                let mut out = Vec::new();
                let mut i = self.at + 1;
                loop {
                    match self.b.get(i) {
                        None | Some(b'\r' | b'\n') => {
                            return Err(Error::Malformed("an unclosed quoted string"))
                        }
                        Some(b'"') => break,
                        Some(b'\\') => {
                            match self.b.get(i + 1) {
                                Some(&e @ (b'"' | b'\\')) => out.push(e),
                                _ => return Err(Error::Malformed("a bad escape in a quoted string")),
                            }
                            i += 2;
                        }
                        Some(&other) => {
                            out.push(other);
                            i += 1;
                        }
                    }
                }
                self.at = i + 1;
                Ok(Some(Token::String(out)))
            }
            b'{' => {
                let rest = &self.b[self.at..];
                let nl = memchr_nl(rest).ok_or(Error::Malformed("a literal without its line end"))?;
                let n = literal_len(trim_crlf(&rest[..nl]))
                    .ok_or(Error::Malformed("a literal announcement not at the end of a line"))?;
                let start = self.at + nl + 1;
                let end = usize::try_from(n)
                    .ok()
                    .and_then(|n| start.checked_add(n))
                    .filter(|&e| e <= self.b.len())
                    .ok_or(Error::Malformed("a literal cut short"))?;
                self.at = end;
                Ok(Some(Token::String(self.b[start..end].to_vec())))
            }
            _ => {
                let start = self.at;
                let mut i = start;
                while let Some(&c) = self.b.get(i) {
                    match c {
                        b' ' | b'(' | b')' | b'\r' | b'\n' => break,
                        b'[' => {
                            // A section (`BODY[HEADER.FIELDS (A B)]`) may hold spaces and parens.
                            let close = self.b[i..]
                                .iter()
                                .position(|&c| c == b']' || c == b'\n')
                                .filter(|&p| self.b.get(i + p) == Some(&b']'))
                                .ok_or(Error::Malformed("an unclosed section"))?;
                            i += close + 1;
                        }
                        _ => i += 1,
                    }
                }
                self.at = i;
                Ok(Some(Token::Atom(&self.b[start..i])))
            }
        }
    }
}

fn fetch(seq: u32, whole: &[u8]) -> Result<Fetch, Error> {
    let open = whole.iter().position(|&b| b == b'(').ok_or(Error::Malformed("FETCH without a list"))?;
    let first_nl = memchr_nl(whole).unwrap_or(whole.len());
    if open > first_nl {
        return Err(Error::Malformed("FETCH without a list"));
    }
    let mut t = Tokens { b: whole, at: open + 1 };
    let mut f = Fetch { seq, ..Fetch::default() };
    loop {
        let key = match t.next()? {
            Some(Token::Close) => break,
            Some(Token::Atom(a)) => a.to_ascii_uppercase(),
            _ => return Err(Error::Malformed("a FETCH item without a name")),
        };
        match key.as_slice() {
            b"UID" => {
                f.uid = Some(atom_number(t.next()?).and_then(|n| u32::try_from(n).ok()).ok_or(BAD_NUMBER)?)
            }
            b"RFC822.SIZE" => f.size = Some(atom_number(t.next()?).ok_or(BAD_NUMBER)?),
            b"FLAGS" => {
                if t.next()? != Some(Token::Open) {
                    return Err(Error::Malformed("FLAGS without a list"));
                }
                let mut flags = Vec::new();
                loop {
                    match t.next()? {
                        Some(Token::Close) => break,
                        Some(Token::Atom(a)) => flags.push(text(a)),
                        _ => return Err(Error::Malformed("a bad flag")),
                    }
                }
                f.flags = Some(flags);
            }
            k if k == b"RFC822" || k.starts_with(b"BODY[]") => {
                f.body = Some(match t.next()? {
                    Some(Token::String(s)) => s,
                    Some(Token::Atom(a)) if a.eq_ignore_ascii_case(b"NIL") => Vec::new(),
                    _ => return Err(Error::Malformed("a body that is not a string")),
                });
            }
            _ => skip_value(&mut t)?,
        }
    }
    Ok(f)
}

const BAD_NUMBER: Error = Error::Malformed("a FETCH item that should be a number");

fn atom_number(t: Option<Token<'_>>) -> Option<u64> {
    match t {
        Some(Token::Atom(a)) => number(a),
        _ => None,
    }
}

/// Skips one value: an atom, a string, or a parenthesised list (nested, without recursion).
fn skip_value(t: &mut Tokens<'_>) -> Result<(), Error> {
    let mut depth = 0usize;
    loop {
        match t.next()? {
            None => return Err(Error::Malformed("a FETCH list cut short")),
            Some(Token::Open) => depth += 1,
            Some(Token::Close) => {
                if depth == 0 {
                    return Err(Error::Malformed("a FETCH item without a value"));
                }
                depth -= 1;
            }
            Some(_) => {}
        }
        if depth == 0 {
            return Ok(());
        }
    }
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
