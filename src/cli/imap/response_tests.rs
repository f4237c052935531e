//! Case tables for the IMAP response parser: what Dovecot and other servers send, and what a
//! hostile or broken server might.

use super::*;

const L: Limits = Limits { max_line: 200, max_literal: 100 };

fn one(bytes: &[u8]) -> Response {
    match parse(bytes, &L) {
        Ok(Some((r, n))) => {
            assert_eq!(n, bytes.len(), "{:?} not taken whole", String::from_utf8_lossy(bytes));
            r
        }
        other => panic!("{:?}: {other:?}", String::from_utf8_lossy(bytes)),
    }
}

#[test]
fn status_answers() {
    let cases: &[(&[u8], Response)] = &[
        (
            b"* OK [CAPABILITY IMAP4rev1 IDLE] Dovecot ready.\r\n",
            Response::State {
                status: Status::Ok,
                code: Some("CAPABILITY IMAP4rev1 IDLE".into()),
                text: "Dovecot ready.".into(),
            },
        ),
        (
            b"a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
            Response::Tagged {
                tag: "a1".into(),
                status: Status::No,
                code: Some("AUTHENTICATIONFAILED".into()),
                text: "Authentication failed.".into(),
            },
        ),
        (
            b"a2 ok done\n",
            Response::Tagged { tag: "a2".into(), status: Status::Ok, code: None, text: "done".into() },
        ),
        (b"* BYE bye\r\n", Response::State { status: Status::Bye, code: None, text: "bye".into() }),
        (b"+ idling\r\n", Response::Continue("idling".into())),
        (b"+\r\n", Response::Continue(String::new())),
        (b"* 3 EXISTS\r\n", Response::Exists(3)),
        (b"* 2 EXPUNGE\r\n", Response::Expunge(2)),
        (b"* 1 RECENT\r\n", Response::Other),
        (b"* FLAGS (\\Seen \\Deleted)\r\n", Response::Other),
        (b"* SEARCH 1 5 4294967295\r\n", Response::Search(vec![1, 5, 4294967295])),
        (b"* SEARCH\r\n", Response::Search(vec![])),
        (b"* SEARCH 2 4294967296 x\r\n", Response::Search(vec![2])),
        (
            b"* CAPABILITY imap4rev1 AUTH=PLAIN\r\n",
            Response::Capability(vec!["IMAP4REV1".into(), "AUTH=PLAIN".into()]),
        ),
        (b"* LIST (\\HasNoChildren) \".\" {5}\r\nINBOX\r\n", Response::Other),
    ];
    for (bytes, want) in cases {
        assert_eq!(&one(bytes), want, "{:?}", String::from_utf8_lossy(bytes));
    }
}

#[test]
fn fetch_answers() {
    let r = one(b"* 7 FETCH (UID 12 RFC822.SIZE 5 FLAGS (\\Seen $Label) BODY[]<0> {5}\r\nab\r\nc)\r\n");
    assert_eq!(
        r,
        Response::Fetch(Fetch {
            seq: 7,
            uid: Some(12),
            size: Some(5),
            flags: Some(vec!["\\Seen".into(), "$Label".into()]),
            body: Some(b"ab\r\nc".to_vec()),
        })
    );
    // A literal that holds what looks like more responses and a literal announcement.
    let r = one(b"* 1 FETCH (BODY[] {16}\r\n* 2 EXISTS {3}\r\n UID 4)\r\n");
    assert_eq!(
        r,
        Response::Fetch(Fetch {
            seq: 1,
            uid: Some(4),
            body: Some(b"* 2 EXISTS {3}\r\n".to_vec()),
            ..Fetch::default()
        })
    );
    // Quoted body, NIL body, unknown items with nested lists and sections skipped.
    let r = one(
        b"* 1 FETCH (X-GM-LABELS (a (b c)) BODY[HEADER.FIELDS (TO)] {2}\r\nhi UID 9 BODY[] \"a\\\"b\")\r\n",
    );
    assert_eq!(
        r,
        Response::Fetch(Fetch { seq: 1, uid: Some(9), body: Some(b"a\"b".to_vec()), ..Fetch::default() })
    );
    let r = one(b"* 1 FETCH (UID 2 RFC822 NIL)\r\n");
    assert_eq!(r, Response::Fetch(Fetch { seq: 1, uid: Some(2), body: Some(vec![]), ..Fetch::default() }));
}

#[test]
fn incomplete_until_whole() {
    let full: &[u8] = b"* 1 FETCH (UID 3 BODY[] {10}\r\n0123456789)\r\na1 OK done\r\n";
    let first = full.len() - b"a1 OK done\r\n".len();
    for cut in 0..first {
        assert_eq!(parse(&full[..cut], &L), Ok(None), "cut at {cut}");
    }
    let (r, n) = parse(full, &L).unwrap().unwrap();
    assert_eq!(n, first);
    assert!(matches!(r, Response::Fetch(Fetch { uid: Some(3), .. })));
    let (r, _) = parse(&full[n..], &L).unwrap().unwrap();
    assert!(matches!(r, Response::Tagged { status: Status::Ok, .. }));
}

#[test]
fn hostile_answers_are_errors() {
    let long = [b'x'; 300];
    let cases: &[(&[u8], Error)] = &[
        (&long, Error::LineTooLong),
        (b"* 1 FETCH (BODY[] {101}\r\n", Error::LiteralTooLarge(101)),
        (
            b"* 1 FETCH (BODY[] {99999999999999999999}\r\n",
            Error::Malformed("a literal announcement not at the end of a line"),
        ),
        (b"* 1 FETCH (UID x)\r\n", BAD_NUMBER),
        (b"* 1 FETCH (UID 99999999999)\r\n", BAD_NUMBER),
        (b"* 1 FETCH (UID 1\r\n", Error::Malformed("a FETCH item without a name")),
        (b"* 1 FETCH (BODY[ 1)\r\n", Error::Malformed("an unclosed section")),
        (b"* 1 FETCH (BODY[] \"abc)\r\n", Error::Malformed("an unclosed quoted string")),
        (b"* 1 FETCH (BODY[] \"a\\x\")\r\n", Error::Malformed("a bad escape in a quoted string")),
        (b"* 1 FETCH UID 1\r\n", Error::Malformed("FETCH without a list")),
        (b"* 1 FETCH (FOO ((()\r\n", Error::Malformed("a FETCH list cut short")),
        (b"* 1 FETCH (FOO)\r\n", Error::Malformed("a FETCH item without a value")),
        (b"\r\n", Error::Malformed("a line without a tag")),
        (b"a1 MAYBE\r\n", Error::Malformed("a tagged line without OK, NO or BAD")),
    ];
    for (bytes, want) in cases {
        assert_eq!(parse(bytes, &L).map(|_| ()), Err(want.clone()), "{:?}", String::from_utf8_lossy(bytes));
    }
    // Literals within the limit one by one, but not together.
    let mut many = b"* 1 FETCH (A {60}\r\n".to_vec();
    many.extend_from_slice(&[b'x'; 60]);
    many.extend_from_slice(b" B {50}\r\n");
    assert_eq!(parse(&many, &L), Err(Error::LiteralTooLarge(110)));
    // A literal announcement larger than the limit is refused before its bytes arrive.
    assert_eq!(
        parse(b"* 1 FETCH (BODY[] {18446744073709551615}\r\n", &L),
        Err(Error::LiteralTooLarge(u64::MAX))
    );
}

#[test]
fn codes() {
    assert_eq!(code_number(Some("UIDVALIDITY 1733"), "UIDVALIDITY"), Some(1733));
    assert_eq!(code_number(Some("uidnext 5"), "UIDNEXT"), Some(5));
    assert_eq!(code_number(Some("UIDNEXT x"), "UIDNEXT"), None);
    assert_eq!(code_number(Some("UIDVALIDITY"), "UIDVALIDITY"), None);
    assert_eq!(code_number(None, "UIDVALIDITY"), None);
    assert_eq!(code_word(Some("nonexistent")), Some("NONEXISTENT".into()));
}

proptest::proptest! {
    /// Any bytes: no panic, and a response taken is never longer than the input.
    #[test]
    fn any_bytes(data in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
        let mut rest = data.as_slice();
        while let Ok(Some((_, used))) = parse(rest, &L) {
            proptest::prop_assert!(used > 0 && used <= rest.len());
            rest = &rest[used..];
        }
    }

    /// A FETCH of any body (CRLF, braces and `)` included) gives that body back, byte for
    /// byte, whatever comes around it; any cut before its end is incomplete.
    #[test]
    fn fetch_round_trip(
        body in proptest::collection::vec(proptest::num::u8::ANY, 0..100),
        uid in 1u32..,
        flags in proptest::sample::subsequence(vec!["\\Seen", "\\Flagged", "$Label1", "linkaudit-pass"], 0..4),
    ) {
        let mut wire = format!("* 9 FETCH (UID {uid} FLAGS ({}) BODY[]<0> {{{}}}\r\n", flags.join(" "), body.len()).into_bytes();
        wire.extend_from_slice(&body);
        wire.extend_from_slice(b")\r\n");
        let whole = wire.len();
        wire.extend_from_slice(b"L1 OK done\r\n");
        let (r, used) = parse(&wire, &L).unwrap().unwrap();
        proptest::prop_assert_eq!(used, whole);
        proptest::prop_assert_eq!(
            r,
            Response::Fetch(Fetch {
                seq: 9,
                uid: Some(uid),
                size: None,
                flags: Some(flags.iter().map(|f| f.to_string()).collect()),
                body: Some(body.clone()),
            })
        );
        for cut in [0, whole / 2, whole - 1] {
            proptest::prop_assert_eq!(parse(&wire[..cut], &L), Ok(None));
        }
    }
}
