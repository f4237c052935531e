//! Build script: checks the service catalog (`catalog/*.toml`, the source of truth) and writes
//! it to `OUT_DIR` in the compact form the library reads at start-up (see
//! `src/classify/catalog/schema.rs`, `compact`), so that start-up does not parse TOML.

#[allow(dead_code)]
#[path = "src/classify/catalog/schema.rs"]
mod schema;

/// The catalog files, in lookup order: a URL shape of an earlier entry wins over a later one's.
const FILES: [&str; 5] = ["esps.toml", "marketing.toml", "sales.toml", "platforms.toml", "adtech.toml"];

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
    let mut entries = Vec::new();
    let mut files = String::from(
        "/// The built-in catalog files, in lookup order.\npub const FILES: &[(&str, &str)] = &[\n",
    );
    for name in FILES {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("catalog/{name}: {e}"));
        let file: schema::CatalogFile = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("catalog/{name} is not a valid catalog file: {e}"));
        entries.extend(file.esp);
        files.push_str(&format!("    ({name:?}, include_str!({:?})),\n", path.display().to_string()));
    }
    files.push_str("];\n");
    println!("cargo:rerun-if-changed=src/classify/catalog/schema.rs");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("catalog.compact"), schema::compact::write(&entries))
        .expect("OUT_DIR is writable");
    std::fs::write(out.join("catalog_files.rs"), files).expect("OUT_DIR is writable");
}
