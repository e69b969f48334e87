//! The shape of the source itself: no file imports another that imports it back, directly or
//! round a ring, and nothing outside `src/ui/` names egui. A file's imports are the `crate::…`
//! and `super::…` paths in its code (comments, doc links and `#[cfg(test)]` modules left out),
//! resolved to the file that defines the item, through `pub use` re-exports; re-exports and
//! `mod` declarations themselves are not imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The two crates of the package: the library (`src/lib.rs` and its modules) and the binary
/// (`src/main.rs` and `src/cli/`). Each has its own `crate::`.
#[derive(Clone, Copy, Debug)]
enum Crate {
    Library,
    Binary,
}

/// Every `.rs` file of `krate`, by module path (`["store", "file"]`; the crate root is `[]`).
fn modules(krate: Crate) -> BTreeMap<Vec<String>, PathBuf> {
    fn walk(dir: &Path, prefix: &[String], out: &mut BTreeMap<Vec<String>, PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                let mut p = prefix.to_vec();
                p.push(name);
                walk(&path, &p, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let mut p = prefix.to_vec();
                if name != "mod" && name != "lib" && name != "main" {
                    p.push(name);
                }
                out.insert(p, path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&src, &[], &mut out);
    let binary = |module: &Vec<String>, path: &PathBuf| {
        path.ends_with("main.rs") || module.first().is_some_and(|m| m == "cli")
    };
    out.retain(|module, path| binary(module, path) == matches!(krate, Crate::Binary));
    out
}

/// The code of a file without comments and without its `#[cfg(test)]` module.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Paths (`a::b::c`) starting at `crate::` or `super::`, with `{…}` groups expanded.
fn paths_in(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        if !code.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let rest = &code[i..];
        let starts = (rest.starts_with("crate::") || rest.starts_with("super::"))
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if !starts {
            i += 1;
            continue;
        }
        let len = path_len(rest);
        expand(&rest[..len], &mut out);
        i += len.max(1);
    }
    out
}

/// Length of the path at the start of `s`, a `{…}` group included.
fn path_len(s: &str) -> usize {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            c if depth == 0 && !(c.is_alphanumeric() || c == '_' || c == ':' || c == '*') => {
                return i;
            }
            _ => {}
        }
    }
    s.len()
}

fn expand(path: &str, out: &mut Vec<String>) {
    let Some(open) = path.find('{') else {
        out.push(path.trim_end_matches("::").to_owned());
        return;
    };
    let prefix = &path[..open];
    let inner = &path[open + 1..path.len() - 1];
    // Split the group at top-level commas.
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand_item(prefix, &inner[start..i], out);
                start = i + 1;
            }
            _ => {}
        }
    }
    expand_item(prefix, &inner[start..], out);
}

fn expand_item(prefix: &str, item: &str, out: &mut Vec<String>) {
    let item = item.split_whitespace().next().unwrap_or("");
    if item.is_empty() || item == "self" {
        out.push(prefix.trim_end_matches("::").to_owned());
    } else {
        expand(&format!("{prefix}{item}"), out);
    }
}

/// The module path a `crate::`/`super::` path names, from inside module `from`.
fn absolute(from: &[String], path: &str) -> Vec<String> {
    let mut segments: Vec<String> = path.split("::").map(str::to_owned).collect();
    let mut base: Vec<String> = if segments[0] == "crate" {
        segments.remove(0);
        Vec::new()
    } else {
        // `super` names the parent module, whether the file is `a.rs` or `a/mod.rs`.
        let mut base = from.to_vec();
        while segments.first().is_some_and(|s| s == "super") {
            segments.remove(0);
            base.pop();
        }
        base
    };
    base.extend(segments);
    base
}

/// The code without its re-exports (`pub use …;`), and the paths those re-export.
fn split_re_exports(code: &str) -> (String, Vec<String>) {
    let mut rest = String::new();
    let mut exported = Vec::new();
    let mut text = code;
    loop {
        let at = ["pub use ", "pub(crate) use "]
            .iter()
            .filter_map(|p| text.find(p).map(|i| (i, p.len())))
            .min();
        let Some((i, len)) = at else {
            rest.push_str(text);
            return (rest, exported);
        };
        rest.push_str(&text[..i]);
        let end = text[i..].find(';').map_or(text.len(), |e| i + e);
        let statement: String = text[i + len..end].split_whitespace().collect();
        expand(&statement, &mut exported);
        text = &text[(end + 1).min(text.len())..];
    }
}

/// `pub use child::{X, Y}` of a module: item name → the child module that defines it.
fn re_exports(modules: &BTreeMap<Vec<String>, PathBuf>) -> BTreeMap<Vec<String>, Vec<String>> {
    let mut map = BTreeMap::new();
    for (module, path) in modules {
        let (_, items) = split_re_exports(&code(path));
        for item in items {
            {
                let segments: Vec<&str> = item.split("::").collect();
                let (Some(name), Some(child)) = (segments.last(), segments.first()) else {
                    continue;
                };
                if *child == "crate" || *child == "super" || segments.len() < 2 {
                    continue;
                }
                let mut key = module.clone();
                key.push((*name).to_owned());
                let mut target = module.clone();
                target.extend(
                    segments[..segments.len() - 1]
                        .iter()
                        .map(|s| (*s).to_owned()),
                );
                map.insert(key, target);
            }
        }
    }
    map
}

/// The file an absolute path lands in: the longest module prefix, through re-exports.
fn resolve(
    path: &[String],
    modules: &BTreeMap<Vec<String>, PathBuf>,
    re_exports: &BTreeMap<Vec<String>, Vec<String>>,
) -> Option<Vec<String>> {
    for len in (0..=path.len()).rev() {
        let prefix = &path[..len];
        if modules.contains_key(prefix) {
            if len < path.len() {
                let mut key = prefix.to_vec();
                key.push(path[len].clone());
                if let Some(target) = re_exports.get(&key) {
                    return Some(target.clone());
                }
            }
            return Some(prefix.to_vec());
        }
    }
    None
}

fn import_graph(krate: Crate) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let modules = modules(krate);
    let re_exports = re_exports(&modules);
    let mut graph = BTreeMap::new();
    for (module, path) in &modules {
        let code: String = code(path)
            .lines()
            .filter(|l| {
                !l.trim_start().starts_with("pub use ")
                    && !l.trim_start().starts_with("pub(crate) use ")
            })
            .collect::<Vec<_>>()
            .join("\n");
        let mut deps = BTreeSet::new();
        for p in paths_in(&code) {
            let abs = absolute(module, &p);
            if let Some(target) = resolve(&abs, &modules, &re_exports)
                && &target != module
                && !target.is_empty()
            {
                deps.insert(target);
            }
        }
        graph.insert(module.clone(), deps);
    }
    graph
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    for (krate, at_least) in [(Crate::Library, 30), (Crate::Binary, 8)] {
        let graph = import_graph(krate);
        assert!(
            graph.len() > at_least,
            "the scan found the modules of the {krate:?}: {:?}",
            graph.keys()
        );
        if let Some(ring) = find_ring(&graph) {
            let names: Vec<String> = ring.iter().map(|m| m.join("::")).collect();
            panic!(
                "files of the {krate:?} import each other: {}",
                names.join(" → ")
            );
        }
    }
}

/// A ring of imports in `graph`, if there is one.
fn find_ring(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<Vec<String>>> {
    // Depth-first search for a back edge.
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        stack: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            let mut ring = stack[i..].to_vec();
            ring.push(node.clone());
            return Some(ring);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(ring) = visit(next, graph, stack, done) {
                return Some(ring);
            }
        }
        stack.pop();
        done.insert(node.clone());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_scan_sees_real_imports() {
    // The graph must hold edges known to exist, or the test above proves nothing.
    let graphs = [import_graph(Crate::Library), import_graph(Crate::Binary)];
    let module = |name: &str| -> Vec<String> {
        name.split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let edge = |from: &str, to: &str| {
        graphs[0]
            .get(&module(from))
            .is_some_and(|deps| deps.contains(&module(to)))
    };
    let binary_edge = |from: &str, to: &str| {
        graphs[1]
            .get(&module(from))
            .is_some_and(|deps| deps.contains(&module(to)))
    };
    assert!(
        binary_edge("cli::stats", "cli"),
        "a subcommand uses cli's helpers"
    );
    assert!(edge("edit", "rules"), "edit uses rules");
    assert!(edge("store::file", "store::ron_writer"));
    assert!(edge("store::file", "store::stamp"));
    assert!(edge("ui::app", "ui::panes"));
    assert!(
        edge("validate", "model::document"),
        "through model's re-export of DocumentError"
    );
    // And it would see a ring: a made-up pair, and the scan of its paths.
    let ring: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = [
        (module("cli::a"), BTreeSet::from([module("cli::b")])),
        (module("cli::b"), BTreeSet::from([module("cli::a")])),
    ]
    .into();
    assert!(find_ring(&ring).is_some());
    let paths = paths_in("use super::b::{X, y::Z};\nlet v = crate::a::f();");
    assert_eq!(paths, vec!["super::b::X", "super::b::y::Z", "crate::a::f"]);
}

#[test]
fn only_the_ui_names_egui() {
    for (module, path) in modules(Crate::Library) {
        if module.first().is_some_and(|m| m == "ui") {
            continue;
        }
        let code = code(&path);
        for word in ["egui::", "eframe::", "rfd::", "arboard::"] {
            assert!(
                !code.contains(word),
                "{} uses {word}: the core must build without the GUI",
                path.display()
            );
        }
    }
}

#[test]
fn only_the_binary_names_its_command_line_crates() {
    for (_, path) in modules(Crate::Library) {
        let code = code(&path);
        // (`csv` is the core's too: tables of texts added as documents.)
        for word in ["clap::", "indicatif::", "env_logger::"] {
            assert!(
                !code.contains(word),
                "{} uses {word}: the command line's crates belong to the binary (feature `cli`)",
                path.display()
            );
        }
    }
}

/// Every file of a project may come from someone else, so the library opens files in one
/// place: `project_dir`, which checks paths, kinds and sizes. Outside it, nothing reads or
/// writes a file's contents itself — but two files that keep a file open across calls, each
/// after asking `project_dir` where the file really is: the lock (the OS lock is held on an
/// open file) and the journal (appended to and flushed record by record).
#[test]
fn the_library_opens_files_only_through_the_project_door() {
    const ALLOWED: [&str; 3] = [
        "project_dir",
        "project/lock.rs",
        "project/workspace/journal/file.rs",
    ];
    const OPENING: [&str; 8] = [
        "std::fs::read(",
        "std::fs::read_to_string(",
        "std::fs::write(",
        "std::fs::copy(",
        "std::fs::rename(",
        "File::open(",
        "File::create(",
        "OpenOptions",
    ];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for path in modules(Crate::Library).into_values() {
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if ALLOWED.iter().any(|a| rel.starts_with(a)) {
            continue;
        }
        let code = code(&path);
        for word in OPENING {
            if code.contains(word) {
                found.push(format!("{rel} uses {word}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "open files through crate::project_dir instead: {found:#?}"
    );
}
