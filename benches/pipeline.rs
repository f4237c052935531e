//! Per-stage benchmarks over a generated corpus (see `corpus.rs`): MIME parse alone
//! (mail-parser), our message walk, extraction, unwrapping, classification, the full audit, and
//! JSON rendering. Throughput is reported in bytes of .eml per second.
//!
//!     cargo bench --bench pipeline

mod corpus;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use linkaudit::classify::{classify, Catalog};
use linkaudit::report::{json, Report};
use linkaudit::{extract, message, unwrap, Limits, Options};

fn stages(c: &mut Criterion) {
    let msgs = corpus::messages(24);
    let bytes: u64 = msgs.iter().map(|m| m.len() as u64).sum();
    let opts = Options::expecting(["track.example.com"]);
    let limits = Limits::default();
    let parsed: Vec<_> = msgs.iter().map(|m| message::parse(m, &limits)).collect();
    let extracted: Vec<_> = parsed.iter().map(extract::extract).collect();
    let links: usize = extracted.iter().map(|e| e.links.len()).sum();
    eprintln!("corpus: {} messages, {:.1} MB, {} links", msgs.len(), bytes as f64 / 1e6, links);
    let unwrapped: Vec<Vec<_>> =
        extracted.iter().map(|e| e.links.iter().map(|l| unwrap::unwrap(&l.url, 8)).collect()).collect();

    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(20);
    g.bench_function("mime parse alone (mail-parser)", |b| {
        b.iter(|| {
            for m in &msgs {
                let msg = mail_parser::MessageParser::default().parse(&m[..]);
                std::hint::black_box(msg.map(|m| m.parts.len()));
            }
        })
    });
    g.bench_function("message walk (parse + decode parts)", |b| {
        b.iter(|| {
            for m in &msgs {
                std::hint::black_box(message::parse(m, &limits));
            }
        })
    });
    g.bench_function("extract", |b| {
        b.iter(|| {
            for p in &parsed {
                std::hint::black_box(extract::extract(p));
            }
        })
    });
    g.bench_function("unwrap", |b| {
        b.iter(|| {
            for e in &extracted {
                for l in &e.links {
                    std::hint::black_box(unwrap::unwrap(&l.url, 8));
                }
            }
        })
    });
    g.bench_function("classify", |b| {
        let catalog = Catalog::builtin();
        b.iter(|| {
            for (e, u) in extracted.iter().zip(&unwrapped) {
                for (l, w) in e.links.iter().zip(u) {
                    std::hint::black_box(classify(l, w, &opts.expect, catalog));
                }
            }
        })
    });
    g.bench_function("full audit", |b| {
        b.iter(|| {
            for m in &msgs {
                std::hint::black_box(linkaudit::audit(m, &opts));
            }
        })
    });
    let reports: Vec<_> = msgs.iter().map(|m| linkaudit::audit(m, &opts)).collect();
    let report = Report::new(reports, Vec::new());
    g.bench_function("json render", |b| b.iter(|| std::hint::black_box(json::render(&report))));
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
