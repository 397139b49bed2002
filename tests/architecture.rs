//! The dependency order written in ARCHITECTURE.md holds in the code: every `crate::x` path in
//! `src/` (and every `super::x` between the storage modules) points down the layers, never up
//! or sideways, so the documented architecture cannot drift without this test failing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Module name → layer, from the fenced block `layers` under `heading` in ARCHITECTURE.md:
/// one line per layer, `N: module, module`.
fn layers(architecture: &str, block: &str) -> BTreeMap<String, usize> {
    let fence = format!("```{block}\n");
    let start = architecture
        .find(&fence)
        .unwrap_or_else(|| panic!("ARCHITECTURE.md has no ```{block} block"))
        + fence.len();
    let end = start + architecture[start..].find("```").expect("the block ends");
    let mut found = BTreeMap::new();
    for line in architecture[start..end].lines() {
        let Some((layer, modules)) = line.split_once(':') else {
            continue;
        };
        let layer: usize = layer.trim().parse().expect("a layer number");
        for module in modules.split(',') {
            found.insert(module.trim().to_string(), layer);
        }
    }
    found
}

/// The modules named after each `prefix` (`crate::`, `super::`) in the code of `text`, comment
/// lines left out (doc links are not dependencies). A `$crate::` inside a macro is the macro's
/// own crate, not a dependency, and is left out too.
fn named_after(text: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find(prefix) {
            let before = rest[..at].chars().last();
            let after = &rest[at + prefix.len()..];
            rest = after;
            if before.is_some_and(|c| c == '$' || c.is_alphanumeric() || c == '_') {
                continue;
            }
            let names: Vec<&str> = match after.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(|item| item.trim().split("::").next().unwrap_or_default())
                    .collect(),
                None => vec![after.split("::").next().unwrap_or_default()],
            };
            for name in names {
                let name: String = name
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push(name);
                }
            }
        }
    }
    found
}

/// Every import of `files` (module, text) against `order`: a module may name only modules of
/// a lower layer. Names that `order` does not list are reported too, when `known` says they
/// are modules (so a new module must be placed in the order).
fn violations(
    files: &[(String, String)],
    order: &BTreeMap<String, usize>,
    prefix: &str,
    known: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut wrong = Vec::new();
    for (module, text) in files {
        let Some(&own) = order.get(module) else {
            wrong.push(format!(
                "module `{module}` is not in ARCHITECTURE.md's order"
            ));
            continue;
        };
        for target in named_after(text, prefix) {
            if target == *module || !known(&target) {
                continue;
            }
            match order.get(&target) {
                Some(&layer) if layer < own => {}
                Some(&layer) => wrong.push(format!(
                    "`{module}` (layer {own}) uses `{prefix}{target}` (layer {layer})"
                )),
                None => wrong.push(format!("`{target}` is not in ARCHITECTURE.md's order")),
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    wrong
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// (module, text) of every file under `dir`, the module being the first path component below
/// it (a folder module's files all belong to it) or the file's stem.
fn modules(dir: &Path, skip: &[&str]) -> Vec<(String, String)> {
    let mut paths = Vec::new();
    rust_files(dir, &mut paths);
    let mut files = Vec::new();
    for path in paths {
        let relative = path.strip_prefix(dir).expect("below the folder");
        let first = relative.components().next().expect("a component");
        let name = first.as_os_str().to_string_lossy();
        let module = name.trim_end_matches(".rs").to_string();
        if skip.contains(&module.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a readable source file");
        files.push((module, text));
    }
    files
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn modules_depend_only_on_lower_layers() {
    let architecture = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let order = layers(&architecture, "layers");
    // The binary (`main`, `cli`) reaches the library through its public API only, which the
    // compiler enforces; `lib.rs` declares and re-exports every module.
    let files = modules(&root().join("src"), &["main", "cli", "lib"]);
    assert!(files.len() > 20, "the sources were read");
    let top_level = |name: &str| {
        let src = root().join("src");
        src.join(format!("{name}.rs")).is_file() || src.join(name).is_dir()
    };
    let wrong = violations(&files, &order, "crate::", &top_level);
    assert!(
        wrong.is_empty(),
        "imports against the order:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn storage_modules_depend_only_on_lower_layers() {
    let architecture = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let order = layers(&architecture, "storage-layers");
    let dir = root().join("src/storage");
    let files = modules(&dir, &["mod"]);
    let sibling = |name: &str| dir.join(format!("{name}.rs")).is_file();
    let wrong = violations(&files, &order, "super::", &sibling);
    assert!(
        wrong.is_empty(),
        "imports against the order:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn an_upward_or_unplaced_import_is_caught() {
    let order = layers("```layers\n0: model\n1: query\n2: storage\n```\n", "layers");
    let files = vec![
        ("model".to_string(), "use crate::query::Catalog;".to_string()),
        ("query".to_string(), "use crate::{model::Id, storage};".to_string()),
        ("storage".to_string(), "/// [`x`](crate::query::y)\nfn f() { $crate::query::z; crate::model::Id::new(1); crate::fresh::g(); }".to_string()),
        ("unlisted".to_string(), String::new()),
    ];
    let wrong = violations(&files, &order, "crate::", &|_| true);
    assert_eq!(
        wrong,
        [
            "`fresh` is not in ARCHITECTURE.md's order",
            "`model` (layer 0) uses `crate::query` (layer 1)",
            "`query` (layer 1) uses `crate::storage` (layer 2)",
            "module `unlisted` is not in ARCHITECTURE.md's order",
        ]
    );
}
