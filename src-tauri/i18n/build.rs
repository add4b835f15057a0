//! Concatenates `locales/<lang>/*.ftl` (sorted by name) into one resource per
//! language, so each area of the app keeps its own message file and the UI
//! (wasm) and the backend embed the very same text.
use std::{env, fs, path::PathBuf};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../locales");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", root.display());
    for lang in ["ja", "en"] {
        let dir = root.join(lang);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("locales/{lang}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
            .collect();
        files.sort();
        let mut all = String::new();
        for f in files {
            println!("cargo:rerun-if-changed={}", f.display());
            all.push_str(&format!("# --- {}\n", f.file_name().unwrap().to_string_lossy()));
            all.push_str(&fs::read_to_string(&f).unwrap());
            all.push('\n');
        }
        fs::write(out.join(format!("{lang}.ftl")), all).unwrap();
    }
}
