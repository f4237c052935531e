//! Allocation counts per stage (debugging aid, not shipped).
#[path = "../benches/corpus.rs"]
mod corpus;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
struct Counting;
static N: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        N.fetch_add(1, Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, s: usize) -> *mut u8 {
        N.fetch_add(1, Relaxed);
        unsafe { System.realloc(p, l, s) }
    }
}
#[global_allocator]
static A: Counting = Counting;
use linkaudit::classify::{classify, Catalog};
use linkaudit::{extract, message, unwrap, Limits, Options};
fn main() {
    let msgs = corpus::messages(24);
    let opts = Options::expecting(["track.example.com"]);
    let catalog = Catalog::builtin();
    let _ = linkaudit::audit(&msgs[0], &opts);
    let limits = Limits::default();
    let c = || N.load(Relaxed);
    let t = c();
    let parsed: Vec<_> = msgs.iter().map(|m| message::parse(m, &limits)).collect();
    let p = c() - t;
    let t = c();
    let ex: Vec<_> = parsed.iter().map(extract::extract).collect();
    let e = c() - t;
    let links: usize = ex.iter().map(|e| e.links.len()).sum();
    let t = c();
    let un: Vec<Vec<_>> =
        ex.iter().map(|e| e.links.iter().map(|l| unwrap::unwrap(&l.url, 8)).collect()).collect();
    let u = c() - t;
    let t = c();
    for (e, uu) in ex.iter().zip(&un) {
        for (l, w) in e.links.iter().zip(uu) {
            std::hint::black_box(classify(l, w, &opts.expect, catalog));
        }
    }
    let cl = c() - t;
    let t = c();
    for m in &msgs {
        std::hint::black_box(linkaudit::audit(m, &opts));
    }
    let full = c() - t;
    let per = |x: usize| x as f64 / links as f64;
    println!("links {links}: parse {:.2}, extract {:.2}, unwrap {:.2}, classify {:.2}, full {:.2} allocations per link", per(p), per(e), per(u), per(cl), per(full));
}
