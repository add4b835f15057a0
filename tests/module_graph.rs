//! The app crate's modules (`src-tauri/src`) depend on each other without a
//! cycle: the services depend downward on the context, never back up. Read
//! from the sources: every `crate::x` (and `crate::{x, …}`) outside comments
//! is an edge from the file's top-level module to `x` (an item of `lib.rs`
//! itself, such as `crate::started`, is an edge to `lib`). The entry points
//! — `lib.rs`, `commands.rs`, `cli/`, `main.rs` — may depend on everything;
//! nothing else may depend on them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ENTRY_POINTS: [&str; 4] = ["lib", "commands", "cli", "main"];

type Graph = BTreeMap<String, BTreeSet<String>>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the source folder reads") {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `desk.rs` → `desk`,
/// `cli/batch.rs` → `cli`.
fn module_of(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

/// The line without its comment (`//`, `///`, `//!` to the end of the line,
/// when the `//` is not inside a string literal).
fn code_of(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i + 1 < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes[i + 1] == b'/' => return &line[..i],
            _ => {}
        }
        i += 1;
    }
    line
}

fn ident_at(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

/// The top-level names a piece of code reaches through `crate::`.
fn crate_refs(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = &rest[..at];
        rest = &rest[at + "crate::".len()..];
        // `madoguchi_crate::…` or `$crate::…` are not this crate's paths.
        if before.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d}`: the first segment of each (one level).
            let close = group.find('}').unwrap_or(group.len());
            for item in group[..close].split(',') {
                let name = ident_at(item.trim());
                if !name.is_empty() {
                    out.push(name.to_string());
                }
            }
        } else {
            let name = ident_at(rest);
            if !name.is_empty() {
                out.push(name.to_string());
            }
        }
    }
    out
}

fn graph() -> Graph {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&root, f)).collect();
    let mut graph = Graph::new();
    for file in &files {
        let from = module_of(&root, file);
        let text = std::fs::read_to_string(file).unwrap();
        let edges = graph.entry(from.clone()).or_default();
        for line in text.lines() {
            for name in crate_refs(code_of(line)) {
                let to = if modules.contains(&name) { name } else { "lib".to_string() };
                if to != from {
                    edges.insert(to);
                }
            }
        }
    }
    graph
}

/// A cycle of the graph as `a → b → … → a`, if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(n: &str, graph: &Graph, marks: &mut BTreeMap<String, Mark>, path: &mut Vec<String>) -> Option<Vec<String>> {
        match marks.get(n) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = path.iter().position(|p| p == n).unwrap();
                let mut cycle = path[start..].to_vec();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(n.to_string(), Mark::Open);
        path.push(n.to_string());
        for next in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(next, graph, marks, path) {
                return Some(c);
            }
        }
        path.pop();
        marks.insert(n.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for n in graph.keys() {
        if let Some(c) = visit(n, graph, &mut marks, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

#[test]
fn the_app_modules_have_no_import_cycle() {
    let graph = graph();
    // The reading finds the edges it should (else this test could not fail).
    for (from, to) in [("desk", "context"), ("checks", "context"), ("session", "context"), ("commands", "desk")] {
        assert!(graph.get(from).is_some_and(|e| e.contains(to)), "{from} → {to} not found: {graph:?}");
    }
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle among the app's modules: {}", cycle.join(" → "));
    }
}

#[test]
fn nothing_depends_on_the_entry_points() {
    let graph = graph();
    let wrong: Vec<String> = graph
        .iter()
        .filter(|(from, _)| !ENTRY_POINTS.contains(&from.as_str()))
        .flat_map(|(from, to)| to.iter().filter(|t| ENTRY_POINTS.contains(&t.as_str())).map(move |t| format!("{from} → {t}")))
        .collect();
    assert!(wrong.is_empty(), "modules depending on an entry point: {wrong:?}");
}

#[test]
fn the_services_depend_on_the_context_not_on_the_desk() {
    let graph = graph();
    for service in ["checks", "clinical", "consents", "print", "disaster", "batch", "home_visit", "session", "audit_view"] {
        let edges = &graph[service];
        assert!(edges.contains("context"), "{service} does not work over the context: {edges:?}");
        assert!(!edges.contains("desk"), "{service} depends on the desk: {edges:?}");
    }
}

#[test]
fn a_cycle_is_found_and_named() {
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(find_cycle(&g).map(|c| c.join(" → ")), Some("a → b → c → a".to_string()));
    g.get_mut("c").unwrap().clear();
    assert_eq!(find_cycle(&g), None);
    assert_eq!(crate_refs("use crate::{desk::Desk, context};  x = crate::words::say(l, m);"), ["desk", "context", "words"]);
    assert_eq!(code_of(r#"let u = "http://x"; // crate::desk"#), r#"let u = "http://x"; "#);
}
