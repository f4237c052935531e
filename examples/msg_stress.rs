//! Mutation stress for the Outlook `.msg` reader, without cargo-fuzz: N mutated or truncated
//! copies of `fixtures/msg/*.msg` (deterministic xorshift edits), each read with
//! `input::msg::read` under `catch_unwind`; a panicking input is written to /tmp/msgpanic-I.msg.
//!
//!     cargo run --release --example msg_stress -- 500000

use std::panic;
fn main() {
    let samples: Vec<Vec<u8>> = ["fixtures/msg/hfig-sample.msg", "fixtures/msg/marirs-attachment.msg"]
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let n: usize = std::env::args().nth(1).map(|s| s.parse().unwrap()).unwrap_or(10000);
    let mut seed: u64 = 0x9E3779B97F4A7C15;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let limits = linkaudit::Limits::default();
    let mut ok = 0;
    let mut err = 0;
    let mut panics = 0;
    for i in 0..n {
        let mut b = samples[(rnd() % 2) as usize].clone();
        let edits = 1 + rnd() % 16;
        for _ in 0..edits {
            let at = (rnd() as usize) % b.len();
            match rnd() % 4 {
                0 => b[at] = rnd() as u8,
                1 => b[at] = 0xFF,
                2 => b[at] = 0,
                _ => {
                    let v = (rnd() as u32).to_le_bytes();
                    for (k, x) in v.iter().enumerate() {
                        if at + k < b.len() {
                            b[at + k] = *x;
                        }
                    }
                }
            }
        }
        if rnd() % 8 == 0 {
            let c = (rnd() as usize) % b.len();
            b.truncate(c.max(8));
        }
        let r = panic::catch_unwind(|| linkaudit::input::msg::read(&b, &limits).map(|r| r.bytes.len()));
        match r {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(_)) => err += 1,
            Err(_) => {
                panics += 1;
                std::fs::write(format!("/tmp/msgpanic-{i}.msg"), &b).unwrap();
            }
        }
    }
    println!("ok {ok} err {err} panics {panics}");
}
