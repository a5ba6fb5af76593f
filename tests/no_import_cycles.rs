//! The source's shape: no two files of the lab use each other's items, directly or through a
//! chain (so every file can be read after the files it uses), and no file is longer than
//! `MAX_LINES` lines unless it is in `LONG_FILES` with a reason.
//!
//! A file's uses are its `use crate::…`, `use super::…`, `use self::…` trees and every inline
//! path starting with `crate::`, `super::`, `self::` or a workspace crate's name (`adaptlab`,
//! `adaptlab_core`, `adaptlab_batch`). A path resolves to the file of its longest prefix that is
//! a module (`a::b` → `src/a/b.rs` or `src/a/b/mod.rs`), else to its crate's root file. Paths
//! written relative to a child module (`fields::all()` in `state/mod.rs`) are not followed: a
//! parent naming its own children is how modules are declared, not a use to be ordered.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails loudly

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The longest a source file may be, in lines.
const MAX_LINES: usize = 400;

/// Files allowed over `MAX_LINES`, each with the reason it is not split yet.
const LONG_FILES: &[(&str, &str)] = &[];

/// Cycles known and not yet removed, each as its files in sorted order (none).
const KNOWN_CYCLES: &[&[&str]] = &[];

/// One crate of the workspace: its name in paths, its source folder and its root file.
struct Crate {
    name: String,
    dir: String,
    root: String,
    /// For a binary sharing its folder with a library: the top-level modules it declares (a file
    /// under `dir` belongs to it only when its first segment is one of these).
    modules: Option<BTreeSet<String>>,
}

/// The sources: path (relative to the workspace) → text with comments and literals removed.
struct Sources {
    files: BTreeMap<String, String>,
    /// Path → number of lines as written.
    lines: BTreeMap<String, usize>,
    crates: Vec<Crate>,
    /// In the library: top-level names re-exported from another crate (`pub use adaptlab_core::{icl, …}`).
    aliases: BTreeMap<String, String>,
}

/// Comments, strings and character literals replaced by a space, so no text inside them is read
/// as code. Lifetimes (`'a`) are kept as they are.
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let (mut out, mut i) = (String::new(), 0);
    let at = |i: usize, s: &str| s.chars().enumerate().all(|(k, ch)| c.get(i + k) == Some(&ch));
    while i < c.len() {
        if at(i, "//") {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if at(i, "/*") {
            let mut depth = 0;
            loop {
                if at(i, "/*") {
                    depth += 1;
                    i += 2;
                } else if at(i, "*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c[i] == 'r' && (at(i + 1, "\"") || at(i + 1, "#")) && !(i > 0 && is_ident(c[i - 1])) {
            let hashes = c[i + 1..].iter().take_while(|&&h| h == '#').count();
            let close: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            i += 2 + hashes;
            while !at(i, &close) {
                i += 1;
            }
            i += close.len();
            out.push(' ');
        } else if c[i] == '"' {
            i += 1;
            while c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(' ');
        } else if c[i] == '\'' && (c.get(i + 2) == Some(&'\'') || c.get(i + 1) == Some(&'\\')) {
            i += 2;
            while c[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push(' ');
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn is_ident(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

/// Tokens: identifiers, `::`, and single punctuation characters (whitespace dropped).
fn tokens(code: &str) -> Vec<String> {
    let c: Vec<char> = code.chars().collect();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < c.len() {
        if is_ident(c[i]) {
            let start = i;
            while i < c.len() && is_ident(c[i]) {
                i += 1;
            }
            out.push(c[start..i].iter().collect());
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
        } else {
            if !c[i].is_whitespace() {
                out.push(c[i].to_string());
            }
            i += 1;
        }
    }
    out
}

/// Expands the use tree at `t[*i..]` into full paths (`a::{b, c::d as e, self}` → `a::b`,
/// `a::c::d`, `a`); a glob keeps its prefix.
fn use_tree(t: &[String], i: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let mut path = prefix.to_vec();
    loop {
        match t.get(*i).map(String::as_str) {
            Some("{") => {
                *i += 1;
                while t.get(*i).is_some_and(|s| s != "}") {
                    use_tree(t, i, &path, out);
                    if t.get(*i).is_some_and(|s| s == ",") {
                        *i += 1;
                    }
                }
                *i += 1;
                return;
            }
            Some("*") => *i += 1,
            Some("::") => {
                *i += 1;
                continue;
            }
            Some(s) if s.chars().all(is_ident) && s != "as" => {
                path.push(s.to_owned());
                *i += 1;
                if t.get(*i).is_some_and(|s| s == "::") {
                    continue;
                }
            }
            _ => {}
        }
        if t.get(*i).is_some_and(|s| s == "as") {
            *i += 2;
        }
        out.push(path);
        return;
    }
}

impl Sources {
    fn read(workspace: &Path) -> Sources {
        let mut files = BTreeMap::new();
        let mut crates = Vec::new();
        let mut dirs = vec![("adaptlab".to_owned(), "src".to_owned())];
        for entry in std::fs::read_dir(workspace.join("crates")).unwrap() {
            let dir = entry.unwrap().path();
            let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
            let name = manifest.lines().find_map(|l| l.strip_prefix("name = \"")).unwrap();
            let folder = dir.file_name().unwrap().to_string_lossy();
            dirs.push((name.trim_end_matches('"').replace('-', "_"), format!("crates/{folder}/src")));
        }
        for (name, dir) in dirs {
            let mut stack = vec![workspace.join(&dir)];
            while let Some(folder) = stack.pop() {
                for entry in std::fs::read_dir(folder).unwrap() {
                    let path = entry.unwrap().path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "rs") {
                        let relative = path.strip_prefix(workspace).unwrap().to_string_lossy().replace('\\', "/");
                        files.insert(relative, std::fs::read_to_string(&path).unwrap());
                    }
                }
            }
            crates.push(Crate { name, root: format!("{dir}/lib.rs"), dir, modules: None });
        }
        Sources::new(files, crates)
    }

    /// Sources from raw texts; adds the library's binary (`src/main.rs`) when there is one.
    fn new(raw: BTreeMap<String, String>, mut crates: Vec<Crate>) -> Sources {
        let files: BTreeMap<String, String> = raw.iter().map(|(p, t)| (p.clone(), strip(t))).collect();
        let lines = raw.iter().map(|(p, t)| (p.clone(), t.lines().count())).collect();
        if let Some(main) = files.get("src/main.rs") {
            let t = tokens(main);
            let modules = t.windows(3).filter(|w| w[0] == "mod" && w[2] == ";").map(|w| w[1].clone()).collect();
            crates.push(Crate {
                name: String::new(),
                dir: "src".into(),
                root: "src/main.rs".into(),
                modules: Some(modules),
            });
        }
        let mut aliases = BTreeMap::new();
        if let Some(lib) = files.get("src/lib.rs") {
            let mut t = tokens(lib).into_iter().peekable();
            while let Some(token) = t.next() {
                if token == "use" {
                    let rest: Vec<String> = t.by_ref().take_while(|s| s != ";").collect();
                    let mut paths = Vec::new();
                    use_tree(&rest, &mut 0, &[], &mut paths);
                    for path in paths.into_iter().filter(|p| p.len() == 2 && crates.iter().any(|c| c.name == p[0])) {
                        aliases.insert(path[1].clone(), path[0].clone());
                    }
                }
            }
        }
        Sources { files, lines, crates, aliases }
    }

    /// The crate a file belongs to: the binary's own modules, else the crate whose folder holds it.
    fn crate_of(&self, file: &str) -> &Crate {
        let bin = self.crates.iter().find(|c| {
            let rest = file.strip_prefix(&format!("{}/", c.dir)).unwrap_or_default();
            c.modules.as_ref().is_some_and(|m| {
                file == c.root || m.iter().any(|m| rest.starts_with(&format!("{m}/")) || rest == format!("{m}.rs"))
            })
        });
        bin.or_else(|| self.crates.iter().find(|c| c.modules.is_none() && file.starts_with(&format!("{}/", c.dir))))
            .unwrap()
    }

    /// The file of the longest prefix of `path` that is a module of `krate`, else its root.
    fn resolve(&self, krate: &Crate, path: &[String]) -> String {
        let path: Vec<&String> = path.iter().filter(|s| *s != "self").collect();
        if krate.modules.is_none() && krate.dir == "src" {
            if let Some(target) = path.first().and_then(|first| self.aliases.get(*first)) {
                let target = self.crates.iter().find(|c| &c.name == target).unwrap();
                return self.resolve(target, &path.iter().map(|s| (*s).clone()).collect::<Vec<_>>());
            }
        }
        for k in (1..=path.len()).rev() {
            let base = format!("{}/{}", krate.dir, path[..k].iter().map(|s| s.as_str()).collect::<Vec<_>>().join("/"));
            let own = krate.modules.as_ref().is_none_or(|m| m.contains(path[0]));
            for candidate in [format!("{base}.rs"), format!("{base}/mod.rs")] {
                if own && self.files.contains_key(&candidate) {
                    return candidate;
                }
            }
        }
        krate.root.clone()
    }

    /// Every file's uses: file → the files whose items it names.
    fn graph(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (file, text) in &self.files {
            let krate = self.crate_of(file);
            let stem = file[krate.dir.len() + 1..].trim_end_matches(".rs");
            let mut module: Vec<String> = stem.split('/').map(str::to_owned).collect();
            if ["mod", "lib", "main"].contains(&module[module.len() - 1].as_str()) {
                module.pop();
            }
            let t = tokens(text);
            let (mut depth, mut inline, mut i) = (0usize, Vec::<(String, usize)>::new(), 0);
            while i < t.len() {
                let mut paths = Vec::new();
                let after_path = i > 0 && (t[i - 1] == "::" || t[i - 1] == "$");
                match t[i].as_str() {
                    "{" => depth += 1,
                    "}" => {
                        depth -= 1;
                        if inline.last().is_some_and(|(_, d)| *d == depth) {
                            inline.pop();
                        }
                    }
                    "mod" if t.get(i + 2).is_some_and(|s| s == "{") => {
                        inline.push((t[i + 1].clone(), depth));
                        depth += 1;
                        i += 2;
                    }
                    // `use<'a>` in a return type is a capture list, not an import.
                    "use" if !after_path && t.get(i + 1).is_none_or(|s| s != "<") => {
                        i += 1;
                        use_tree(&t, &mut i, &[], &mut paths);
                    }
                    _ if !after_path && t.get(i + 1).is_some_and(|s| s == "::") => {
                        let mut path = vec![t[i].clone()];
                        while t.get(i + 1).is_some_and(|s| s == "::")
                            && t.get(i + 2).is_some_and(|s| s.chars().all(is_ident))
                        {
                            path.push(t[i + 2].clone());
                            i += 2;
                        }
                        paths.push(path);
                    }
                    _ => {}
                }
                i += 1;
                let here: Vec<String> = module.iter().cloned().chain(inline.iter().map(|(m, _)| m.clone())).collect();
                for path in paths {
                    let (target_crate, absolute) = match path[0].as_str() {
                        "crate" => (krate, path[1..].to_vec()),
                        "super" | "self" => {
                            let supers = path.iter().take_while(|s| *s == "super").count();
                            let base = &here[..here.len().saturating_sub(supers)];
                            (krate, base.iter().chain(&path[supers..]).cloned().collect())
                        }
                        name => match self.crates.iter().find(|c| !c.name.is_empty() && c.name == name) {
                            Some(c) => (c, path[1..].to_vec()),
                            None => continue,
                        },
                    };
                    let target = self.resolve(target_crate, &absolute);
                    if &target != file {
                        graph.entry(file.clone()).or_default().insert(target);
                    }
                }
            }
        }
        graph
    }
}

/// The sets of two or more files that reach each other (Tarjan's strongly connected components),
/// each sorted.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, (usize, usize)>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
        let n = w.index.len();
        w.index.insert(v, (n, n));
        w.stack.push(v);
        for u in w.graph.get(v).into_iter().flatten() {
            let low = match w.index.get(u.as_str()) {
                None => {
                    visit(w, u);
                    w.index[u.as_str()].1
                }
                Some(&(index, _)) if w.stack.contains(&u.as_str()) => index,
                Some(_) => continue,
            };
            let entry = w.index.get_mut(v).unwrap();
            entry.1 = entry.1.min(low);
        }
        if w.index[v].0 == w.index[v].1 {
            let at = w.stack.iter().rposition(|s| *s == v).unwrap();
            let mut component: Vec<String> = w.stack.split_off(at).into_iter().map(str::to_owned).collect();
            component.sort();
            if component.len() > 1 {
                w.found.push(component);
            }
        }
    }
    let mut w = Walk { graph, index: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for v in graph.keys() {
        if !w.index.contains_key(v.as_str()) {
            visit(&mut w, v);
        }
    }
    w.found
}

fn workspace() -> Sources {
    Sources::read(Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// The uses inside each set of files, as `a → b` lines.
fn describe(graph: &BTreeMap<String, BTreeSet<String>>, component: &[String]) -> String {
    let inside = |(a, targets): (&String, &BTreeSet<String>)| {
        targets.iter().filter(|b| component.contains(b)).map(|b| format!("  {a} → {b}\n")).collect::<String>()
    };
    graph.iter().filter(|(a, _)| component.contains(a)).map(inside).collect()
}

#[test]
fn no_files_use_each_other() {
    let sources = workspace();
    let graph = sources.graph();
    let edges: usize = graph.values().map(BTreeSet::len).sum();
    // About 300 today: far fewer means the reader stopped seeing uses, and would pass anything.
    assert!(edges >= 100, "only {edges} uses between files were resolved: the reader is broken");
    let found = cycles(&graph);
    let known: Vec<Vec<String>> = KNOWN_CYCLES.iter().map(|c| c.iter().map(|s| s.to_string()).collect()).collect();
    let new: Vec<String> = found.iter().filter(|c| !known.contains(c)).map(|c| describe(&graph, c)).collect();
    let new = new.join("\n");
    assert!(new.is_empty(), "files that use each other (move the shared items into a lower file):\n{new}");
    let gone: Vec<&Vec<String>> = known.iter().filter(|c| !found.contains(c)).collect();
    assert!(gone.is_empty(), "no longer cycles, remove them from KNOWN_CYCLES: {gone:?}");
}

#[test]
fn no_file_is_longer_than_max_lines_unless_listed() {
    let sources = workspace();
    assert!(sources.lines.len() > 50, "only {} source files were found", sources.lines.len());
    let listed = |path: &str| LONG_FILES.iter().any(|(p, _)| *p == path);
    let long: Vec<String> = sources
        .lines
        .iter()
        .filter(|(path, &n)| n > MAX_LINES && !listed(path))
        .map(|(path, n)| format!("{path}: {n} lines"))
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines (split them by purpose): {long:#?}");
    let stale: Vec<String> = LONG_FILES
        .iter()
        .filter(|(p, _)| sources.lines.get(*p).is_none_or(|&n| n <= MAX_LINES))
        .map(|(p, why)| format!("{p} ({why})"))
        .collect();
    assert!(stale.is_empty(), "listed in LONG_FILES but not over {MAX_LINES} lines, remove them: {stale:?}");
}

/// The reader on a small made-up workspace: a cycle through `use super::` and an inline
/// `crate::` path is found, and nothing inside comments or strings counts as a use.
#[test]
fn the_reader_finds_a_planted_cycle_and_ignores_text() {
    let files = [
        ("src/lib.rs", "pub mod a;\npub mod b;\npub mod c;\npub mod d;\npub use adaptlab_core::{x, y};"),
        ("src/a.rs", "use super::b::{self, Thing as Other};\n// crate::c::f()\n/* use crate::c; */"),
        ("src/b.rs", "pub fn f() -> char { crate::a::g(); let _ = \"crate::c::h()\"; '\\'' }"),
        ("src/c.rs", "use crate::x::inner::Z;\nfn f<'a>(s: &'a str) {}"),
        ("src/d/mod.rs", "mod tests {\n    use super::*;\n    use crate::c;\n    fn f() { self::g(); }\n}"),
        ("src/main.rs", "mod cli;\nuse adaptlab::d;"),
        ("src/cli/mod.rs", "use crate::Usage;\nfn f() { adaptlab::y::Q::new(); }"),
        ("crates/core/src/lib.rs", "pub mod x;\npub mod y;"),
        ("crates/core/src/x/inner.rs", "use super::super::y::W;"),
        ("crates/core/src/y.rs", "pub struct W;"),
    ];
    let raw = files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    let crates = [("adaptlab", "src"), ("adaptlab_core", "crates/core/src")].map(|(name, dir)| Crate {
        name: name.into(),
        dir: dir.into(),
        root: format!("{dir}/lib.rs"),
        modules: None,
    });
    let graph = Sources::new(raw, crates.into()).graph();
    let edges: BTreeSet<(&str, &str)> =
        graph.iter().flat_map(|(a, bs)| bs.iter().map(move |b| (a.as_str(), b.as_str()))).collect();
    let expected = [
        ("src/a.rs", "src/b.rs"),
        ("src/b.rs", "src/a.rs"),
        ("src/c.rs", "crates/core/src/x/inner.rs"),
        ("src/d/mod.rs", "src/c.rs"),
        ("src/main.rs", "src/d/mod.rs"),
        ("src/lib.rs", "crates/core/src/lib.rs"),
        ("src/lib.rs", "crates/core/src/y.rs"),
        ("src/cli/mod.rs", "src/main.rs"),
        ("src/cli/mod.rs", "crates/core/src/y.rs"),
        ("crates/core/src/x/inner.rs", "crates/core/src/y.rs"),
    ];
    assert_eq!(edges, expected.into_iter().collect());
    assert_eq!(cycles(&graph), vec![vec!["src/a.rs".to_owned(), "src/b.rs".to_owned()]]);
}
