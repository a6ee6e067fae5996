//! The stages import only downwards: each top-level module of `src/` may use only the
//! modules listed before it in `ORDER`, and render's own parts import each other
//! without cycles. Read from the source text, so a new backward `use` fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Leaf first. A module may import only modules listed before it.
const ORDER: &[&str] = &[
    "vocab",
    "atomic_file",
    "cache_dir",
    "sum",
    "chars",
    "time",
    "timings",
    "diagnostics",
    "yaml",
    "contained",
    "i18n",
    "config",
    "content",
    "health",
    "site",
    "theme",
    "render",
    "output",
    "build_cache",
    "pipeline",
    "notify",
    "probe",
    "import",
    "serve",
    "cli",
    "cmd",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The file's text without its unit tests (tests may reach anywhere).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// The names after `prefix` in `text`: `crate::a::x` and `use crate::{a, b::c}` give a and b.
fn names_after(text: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in text.match_indices(prefix) {
        let rest = &text[i + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name = ident(part.trim());
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect()
}

/// The first path component under `base`, without `.rs`.
fn top(base: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(base).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

#[test]
fn no_stage_imports_a_later_one() {
    let base = src();
    let rank: BTreeMap<&str, usize> = ORDER.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let mut wrong = Vec::new();
    for file in rust_files(&base) {
        let module = top(&base, &file);
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(&own) = rank.get(module.as_str()) else {
            panic!("src/{module} is not in ORDER: place it in the stage order");
        };
        for used in names_after(&code(&file), "crate::") {
            if used == module {
                continue;
            }
            match rank.get(used.as_str()) {
                Some(&r) if r < own => {}
                _ => wrong.push(format!("{} uses crate::{used}", file.display())),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the stage order:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn render_parts_import_each_other_without_cycles() {
    let base = src().join("render");
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&base) {
        let part = top(&base, &file);
        if part == "mod" {
            continue;
        }
        let text = code(&file);
        let mut used = names_after(&text, "crate::render::");
        // `super::x` names a sibling only in render's own top-level files.
        if file.parent() == Some(base.as_path()) {
            used.extend(names_after(&text, "super::"));
        }
        used.remove(&part);
        // Items of render/mod.rs (Files, RenderError…) are not parts.
        used.retain(|u| base.join(format!("{u}.rs")).exists() || base.join(u).is_dir());
        edges.entry(part).or_default().extend(used);
    }
    assert!(
        edges.contains_key("views") && edges.contains_key("feeds"),
        "{edges:?}"
    );
    // Depth-first search for a back edge.
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(i) = path.iter().position(|p| p == n) {
            panic!(
                "render parts import in a cycle: {} -> {n}",
                path[i..].join(" -> ")
            );
        }
        if done.contains(n) {
            return;
        }
        path.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            visit(m, edges, path, done);
        }
        path.pop();
        done.insert(n.to_string());
    }
    let mut done = BTreeSet::new();
    for n in edges.keys() {
        visit(n, &edges, &mut Vec::new(), &mut done);
    }
}

#[test]
fn the_scanner_sees_grouped_and_plain_imports() {
    let found = names_after(
        "use crate::{config, site::Site};\nlet x = crate::time::iso(t);",
        "crate::",
    );
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["config", "site", "time"]
    );
}
