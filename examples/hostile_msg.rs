//! Writes hostile Outlook `.msg` files into a folder, for measuring the `.msg` reader's limits
//! with the release binary (docs/performance.md):
//!
//!     cargo run --release --example hostile_msg -- DIR
//!     for f in DIR/*.msg; do /usr/bin/time -v target/release/linkaudit -f json "$f" >/dev/null; done

use std::io::{Cursor, Write};

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

struct Msg(cfb::CompoundFile<Cursor<Vec<u8>>>);

impl Msg {
    fn new() -> Msg {
        Msg(cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap())
    }

    fn stream(&mut self, path: &str, data: &[u8]) {
        let parent = std::path::Path::new(path).parent().unwrap().to_path_buf();
        self.0.create_storage_all(&parent).unwrap();
        self.0.create_stream(path).unwrap().write_all(data).unwrap();
    }

    /// A message's subject and text body, in the storage `at` (`""` on top).
    fn message(&mut self, at: &str, subject: &str, body: &str) {
        self.stream(&format!("{at}/__substg1.0_0037001F"), &utf16(subject));
        self.stream(&format!("{at}/__substg1.0_1000001F"), &utf16(body));
    }

    /// An attachment storage at `at` holding an embedded message.
    fn embedded(&mut self, at: &str) -> String {
        let mut props = vec![0u8; 8];
        props.extend_from_slice(&0x3705_0003u32.to_le_bytes());
        props.extend_from_slice(&[6, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]);
        self.stream(&format!("{at}/__properties_version1.0"), &props);
        format!("{at}/__substg1.0_3701000D")
    }

    fn bytes(mut self) -> Vec<u8> {
        self.0.flush().unwrap();
        self.0.into_inner().into_inner()
    }
}

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: hostile_msg DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: Vec<u8>| std::fs::write(dir.join(name), bytes).unwrap();

    // 1. A 40 MB HTML property (over the 32 MiB part limit), 700,000 links.
    let mut m = Msg::new();
    m.message("", "big html", "text");
    let mut html = String::with_capacity(41 << 20);
    let mut i = 0;
    while html.len() < 40 << 20 {
        html.push_str(&format!("<a href=\"https://x.example.com/p/{i}\">link {i}</a>\n"));
        i += 1;
    }
    m.stream("/__substg1.0_10130102", html.as_bytes());
    write("big-html.msg", m.bytes());

    // 2. A compressed RTF bomb: 4 MB of 17-byte references, about 34 MB of RTF. Each reference
    // points just past the write position (a reference to the write position itself ends the
    // stream).
    let mut body = Vec::new();
    let mut at = 207usize; // the write position, after the preloaded dictionary
    while body.len() < 4 << 20 {
        body.push(0xFF);
        for _ in 0..8 {
            let token = ((((at + 1) % 4096) as u16) << 4) | 0x0F;
            body.extend_from_slice(&token.to_be_bytes());
            at = (at + 17) % 4096;
        }
    }
    let mut rtf = ((body.len() + 12) as u32).to_le_bytes().to_vec();
    rtf.extend_from_slice(&u32::MAX.to_le_bytes());
    rtf.extend_from_slice(b"LZFu\0\0\0\0");
    rtf.extend_from_slice(&body);
    let mut m = Msg::new();
    m.stream("/__substg1.0_0037001F", &utf16("rtf bomb"));
    m.stream("/__substg1.0_10090102", &rtf);
    write("rtf-bomb.msg", m.bytes());

    // 3. 3,000 attached messages, each with a link.
    let mut m = Msg::new();
    m.message("", "many attachments", "outer https://x.example.com/outer");
    for k in 0..3000 {
        let inner = m.embedded(&format!("/__attach_version1.0_#{k:08X}"));
        m.message(&inner, "inner", &format!("https://x.example.com/inner/{k}"));
    }
    write("many-attachments.msg", m.bytes());

    // 4. Attached messages 100 deep.
    let mut m = Msg::new();
    m.message("", "deep", "level 0 https://x.example.com/0");
    let mut at = String::new();
    for level in 1..=100 {
        at = m.embedded(&format!("{at}/__attach_version1.0_#00000000"));
        m.message(&at, "deeper", &format!("level {level} https://x.example.com/{level}"));
    }
    write("deep.msg", m.bytes());
}
