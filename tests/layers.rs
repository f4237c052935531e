//! The layering test: the library's top-level modules import each other only downwards, as the
//! table below (and ARCHITECTURE.md) says. It reads every `crate::module` path in `src/` outside
//! comments and `#[cfg(test)]` modules, and fails on an edge the table does not allow, on a
//! top-level module the table does not know, and on a cycle in the table itself.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each library module and what it may import, bottom layer first. Keep in step with
/// ARCHITECTURE.md ("Layers").
const ALLOWED: &[(&str, &[&str])] = &[
    // Leaves: imported by everyone, import nothing.
    ("text", &[]),
    ("limits", &[]),
    ("finding", &[]),
    ("settings", &["finding", "text"]),
    // The stages, in pipeline order.
    ("input", &["limits", "text"]),
    ("message", &["limits", "text"]),
    ("extract", &["message", "limits", "text"]),
    ("unwrap", &["text"]),
    ("classify", &["input", "message", "extract", "unwrap", "finding", "text"]),
    ("options", &["classify", "limits", "settings", "finding"]),
    // The user's own infrastructure (DNS, TLS, HTTP of the tracking domain).
    ("domain", &["classify", "options", "settings", "finding", "text"]),
    // The data model: links, message and run reports.
    ("model", &["input", "message", "extract", "unwrap", "classify", "domain", "finding", "text"]),
    (
        "rules",
        &[
            "model", "options", "settings", "classify", "extract", "unwrap", "message", "input", "finding",
            "text",
        ],
    ),
    // The pipeline: runs the stages and builds the reports.
    (
        "audit",
        &[
            "rules", "model", "options", "classify", "extract", "unwrap", "message", "input", "finding",
            "limits", "text",
        ],
    ),
    // Renderers: read the model (and the rule registry), never run the pipeline.
    (
        "report",
        &[
            "model", "rules", "domain", "options", "classify", "extract", "unwrap", "message", "input",
            "finding", "settings", "limits", "text",
        ],
    ),
    ("explain", &["options", "classify", "extract", "unwrap", "message", "finding", "text"]),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its `#[cfg(test)] mod …` blocks (tests may
/// reach anywhere).
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut skip_depth: Option<i32> = None;
    let mut pending_cfg_test = false;
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(depth) = skip_depth.as_mut() {
            *depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
            if *depth <= 0 {
                skip_depth = None;
            }
            continue;
        }
        if t.starts_with("#[cfg(test)]") {
            pending_cfg_test = true;
            continue;
        }
        if pending_cfg_test {
            pending_cfg_test = false;
            if t.starts_with("mod ") && t.ends_with('{') {
                skip_depth = Some(1);
                continue;
            }
            if t.starts_with("mod ") || t.starts_with("use ") {
                continue; // `#[cfg(test)] mod x;` or a test-only import
            }
        }
        if t.starts_with("//") {
            continue;
        }
        out.push_str(line.split(" //").next().unwrap_or(line));
        out.push('\n');
    }
    out
}

fn edges() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for path in files {
        let rel = path.strip_prefix(&src).expect("under src").to_string_lossy().replace('\\', "/");
        let top = rel.split('/').next().unwrap_or("").trim_end_matches(".rs").to_string();
        if matches!(top.as_str(), "main" | "lib" | "cli") {
            continue; // the binary sits on top of everything
        }
        let code = code_of(&std::fs::read_to_string(&path).expect("read file"));
        for (i, _) in code.match_indices("crate::") {
            let name: String =
                code[i + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if name != top && !name.is_empty() {
                edges.entry(top.clone()).or_default().entry(name).or_default().insert(rel.clone());
            }
        }
    }
    edges
}

#[test]
fn imports_follow_the_layers() {
    let allowed: BTreeMap<&str, BTreeSet<&str>> =
        ALLOWED.iter().map(|(m, deps)| (*m, deps.iter().copied().collect())).collect();
    let mut wrong = Vec::new();
    for (from, tos) in edges() {
        for (to, files) in tos {
            let ok = allowed.get(from.as_str()).is_some_and(|a| a.contains(to.as_str()));
            if !ok {
                wrong
                    .push(format!("{from} → {to} (in {})", files.into_iter().collect::<Vec<_>>().join(", ")));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers (see ARCHITECTURE.md):\n{}", wrong.join("\n"));
}

#[test]
fn every_library_module_has_a_layer() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).expect("lib.rs");
    let known: BTreeSet<&str> = ALLOWED.iter().map(|(m, _)| *m).collect();
    for line in lib.lines() {
        let t = line.trim_start_matches("pub ");
        if let Some(name) = t.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
            assert!(known.contains(name), "module {name} has no layer in tests/layers.rs");
        }
    }
}

#[test]
fn the_table_is_layered() {
    // Each module may only import modules listed before it: the table is its own topological
    // order, so no cycle can hide in it.
    let mut seen = BTreeSet::new();
    for (m, deps) in ALLOWED {
        for d in *deps {
            assert!(seen.contains(d), "{m} imports {d}, which is not below it in the table");
        }
        seen.insert(*m);
    }
}

#[test]
fn the_scanner_sees_imports_and_skips_tests_and_comments() {
    let code = code_of(
        "use crate::a::B;\n// crate::comment\nfn f() { crate::c::d(); }\n#[cfg(test)]\nmod tests {\n    use crate::e;\n    fn g() { if x { crate::f(); } }\n}\n",
    );
    assert!(code.contains("crate::a") && code.contains("crate::c"));
    assert!(!code.contains("crate::comment") && !code.contains("crate::e") && !code.contains("crate::f"));
}
