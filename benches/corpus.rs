//! Bench corpus: realistic marketing mails generated from the fixtures' shapes — 20–200 KB,
//! multipart/alternative with a quoted-printable or base64 HTML part and a text part, 100–300
//! links each (tracked anchors, images with srcset, CSS backgrounds, an Outlook VML button, a
//! pixel, List-Unsubscribe).

use base64::Engine;

/// `count` messages, sizes spread between about 20 and 200 KB.
pub fn messages(count: usize) -> Vec<Vec<u8>> {
    (0..count).map(|i| message(i, 20 + (180 * i) / count.max(1))).collect()
}

fn qp(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 11 / 10);
    for line in text.split('\n') {
        let mut col = 0;
        for c in line.chars() {
            let enc = match c {
                '=' => "=3D".to_string(),
                c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
                c => {
                    let mut b = [0u8; 4];
                    c.encode_utf8(&mut b).bytes().map(|x| format!("={x:02X}")).collect()
                }
            };
            if col + enc.len() > 75 {
                out.push_str("=\r\n");
                col = 0;
            }
            col += enc.len();
            out.push_str(&enc);
        }
        out.push_str("\r\n");
    }
    out
}

fn message(seed: usize, kb: usize) -> Vec<u8> {
    let target = kb * 1024;
    let mut html = String::from(
        "<!DOCTYPE html><html xmlns:v=\"urn:schemas-microsoft-com:vml\"><head><meta charset=\"utf-8\">\
         <style>.hero{background-image:url(https://cdn.example.com/hero.jpg)}td{font-family:Arial}</style></head><body>\n\
         <!--[if mso]><v:roundrect href=\"https://u1234567.ct.sendgrid.net/ls/click?upn=u001.T3V0bG9vaw-2FxYz\" style=\"width:200px\"><center>Shop</center></v:roundrect><![endif]-->\n",
    );
    let mut text = String::from("The spring sale is on — all the offers:\n\n");
    let mut links = 0;
    let mut k: usize = 0;
    while html.len() < target * 7 / 10 {
        let host = if k.is_multiple_of(7) { "u1234567.ct.sendgrid.net" } else { "track.example.com" };
        html.push_str(&format!(
            "<table role=\"presentation\" width=\"100%\"><tr><td background=\"https://cdn.example.com/bg/{k}.jpg\" style=\"padding:12px;background-image:url('https://cdn.example.com/bg/{k}-inline.jpg')\">\
             <a href=\"https://{host}/ls/click?upn=u001.UHJvZHVjdC0{seed}-{k}-2FaBcDeFgHiJkLmNoPq\"><img src=\"https://cdn.example.com/p/{k}.jpg\" srcset=\"https://cdn.example.com/p/{k}.jpg 1x, https://cdn.example.com/p/{k}@2x.jpg 2x\" width=\"280\" alt=\"Product {k} — été\"></a>\
             <p style=\"color:#333333;font-size:14px;line-height:20px\">A description of product {k} that goes on for a while, so that the message is as wordy as real newsletters are, with prices &amp; offers &euro;{k}.</p>\
             </td></tr></table>\n"
        ));
        links += 6;
        if k.is_multiple_of(3) {
            text.push_str(&format!(
                "Product {k}: https://{host}/ls/click?upn=u001.VGV4dC0{seed}-{k}-2FaBc\n"
            ));
            links += 1;
        }
        k += 1;
        if links > 300 {
            // Past 300 links, keep growing with text only.
            while html.len() < target * 7 / 10 {
                html.push_str("<p style=\"font-size:14px\">More words about the season, the range and the people who make it, repeated to reach the size of a long newsletter.</p>\n");
            }
        }
    }
    html.push_str("<img src=\"https://track.example.com/wf/open?upn=u001.T3Blbg-2FpIx\" width=\"1\" height=\"1\" alt=\"\"></body></html>\n");
    let (cte, body) = if seed.is_multiple_of(2) {
        ("quoted-printable", qp(&html))
    } else {
        let b64 = base64::engine::general_purpose::STANDARD.encode(html.as_bytes());
        let wrapped: Vec<String> =
            b64.as_bytes().chunks(76).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
        ("base64", wrapped.join("\r\n") + "\r\n")
    };
    format!(
        "From: Example Outfitters <news@news.example.com>\r\nTo: alice@example.org\r\nSubject: Spring sale {seed}\r\n\
         Date: Tue, 10 Mar 2026 09:30:00 +0000\r\nMessage-ID: <bench-{seed}@news.example.com>\r\nMIME-Version: 1.0\r\n\
         X-SG-EID: u001.QmVuY2g\r\n\
         List-Unsubscribe: <https://track.example.com/lu/unsubscribe?oc=u001.TGlzdA-2FaBc>, <mailto:unsubscribe@news.example.com>\r\n\
         List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\
         Content-Type: multipart/alternative; boundary=\"b{seed}\"\r\n\r\n\
         --b{seed}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{}\r\n\
         --b{seed}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: {cte}\r\n\r\n{body}\r\n--b{seed}--\r\n",
        qp(&text)
    )
    .into_bytes()
}
