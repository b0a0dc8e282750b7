//! The crate's layers point one way. Every `crate::…` path in `src/` (in code and in doc links,
//! `use crate::{a, b}` groups and `super::super::…` chains that climb to the crate root) is an
//! edge between top-level modules; an edge missing from [`ALLOWED`] fails, and so does an
//! allow-list that would permit a cycle.

use super::common::repo;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Who may use whom, bottom up. `engine`, `stats`, `random` and `publish` know nothing of the
/// crate; the domain (`model`) knows only them; the scenario file is parsed into the domain; the
/// runner (`montecarlo`) runs validated plans; `report` formats results; `results` writes them;
/// studies, experiments, the command line and the commands sit on top.
const ALLOWED: &[(&str, &[&str])] = &[
    ("engine", &[]),
    ("stats", &[]),
    ("random", &[]),
    ("publish", &[]),
    ("model", &["engine", "stats", "random"]),
    ("scenario", &["model", "engine"]),
    ("montecarlo", &["scenario", "model", "engine", "stats", "random"]),
    ("report", &["montecarlo", "scenario", "model", "engine", "stats"]),
    (
        "results",
        &["report", "montecarlo", "scenario", "model", "engine", "publish"],
    ),
    ("experiment", &["model", "engine", "random", "stats", "publish"]),
    (
        "study",
        &[
            "results",
            "report",
            "montecarlo",
            "scenario",
            "model",
            "engine",
            "stats",
            "random",
            "publish",
        ],
    ),
    ("cli", &["study", "experiment", "montecarlo", "scenario", "model"]),
    (
        "commands",
        &[
            "cli",
            "study",
            "experiment",
            "results",
            "report",
            "montecarlo",
            "scenario",
            "model",
            "engine",
            "stats",
            "publish",
        ],
    ),
];

/// Top-level module of a source file (`src/model/clients/traffic.rs` → `model`; `src/cli.rs` →
/// `cli`), with its module path below the crate root.
fn module_of(rel: &Path) -> (String, Vec<String>) {
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" {
        parts.push(stem.to_string());
    }
    (parts[0].clone(), parts)
}

/// Top-level modules named by `crate::` paths and by `super` chains that reach the crate root.
fn targets(text: &str, path: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        // `outage_sim_crate::` or an identifier ending in `crate` is not the keyword.
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let body = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(
                body.split(',')
                    .map(|item| item.trim().split("::").next().unwrap_or("").trim().to_string()),
            );
        } else {
            out.insert(
                rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or("")
                    .to_string(),
            );
        }
    }
    // `super` chains: from a file at depth d (`a/b.rs` is `a::b`, depth 2), k > d steps up reach
    // the crate root (one step is allowed for an inline `mod tests`, which `super` leaves first).
    let mut rest = text;
    while let Some(i) = rest.find("super::") {
        let mut tail = &rest[i..];
        let mut ups = 0;
        while let Some(t) = tail.strip_prefix("super::") {
            ups += 1;
            tail = t;
        }
        rest = tail;
        if ups > path.len() {
            out.insert(
                tail.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or("")
                    .to_string(),
            );
        }
    }
    out.retain(|t| !t.is_empty() && t != "self");
    out
}

fn edges() -> BTreeMap<(String, String), Vec<String>> {
    let src = repo("src");
    let mut files = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        if rel == Path::new("lib.rs") || rel == Path::new("main.rs") {
            continue;
        }
        let (top, path) = module_of(rel);
        let text = std::fs::read_to_string(&f).unwrap();
        for t in targets(&text, &path) {
            if t != top {
                out.entry((top.clone(), t)).or_default().push(rel.display().to_string());
            }
        }
    }
    out
}

#[test]
fn every_edge_between_top_level_modules_is_allowed() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let found = edges();
    assert!(
        found.len() > 20,
        "the scan found only {} edges: it is not reading the sources",
        found.len()
    );
    let mut bad = Vec::new();
    for ((from, to), files) in &found {
        let ok = allowed
            .get(from.as_str())
            .is_some_and(|list| list.contains(&to.as_str()));
        if !ok {
            bad.push(format!("{from} -> {to} (in {})", files.join(", ")));
        }
    }
    assert!(bad.is_empty(), "edges outside the allow-list:\n{}", bad.join("\n"));
}

#[test]
fn every_top_level_module_has_a_layer() {
    let allowed: BTreeSet<&str> = ALLOWED.iter().map(|(m, _)| *m).collect();
    for e in std::fs::read_dir(repo("src")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" || name == "main" {
            continue;
        }
        assert!(allowed.contains(name.as_str()), "src/{name} is in no layer of ALLOWED");
    }
}

#[test]
fn the_allow_list_has_no_cycle() {
    // Kahn's algorithm: repeatedly remove modules all of whose allowed targets are removed.
    let mut left: BTreeMap<&str, BTreeSet<&str>> = ALLOWED
        .iter()
        .map(|(m, to)| (*m, to.iter().copied().collect()))
        .collect();
    while !left.is_empty() {
        let free: Vec<&str> = left.iter().filter(|(_, to)| to.is_empty()).map(|(m, _)| *m).collect();
        assert!(!free.is_empty(), "the allow-list has a cycle among {:?}", left.keys());
        for m in &free {
            left.remove(m);
        }
        for to in left.values_mut() {
            to.retain(|t| !free.contains(t));
        }
    }
}

#[test]
fn the_scan_sees_groups_doc_links_and_super_chains() {
    let path = ["report".to_string(), "figures".to_string(), "mod".to_string()];
    let found = targets(
        "use crate::{model::Plane, stats};\n/// See [`crate::engine`].\nuse super::super::super::random;",
        &path[..2],
    );
    assert_eq!(
        found,
        ["engine", "model", "random", "stats"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}
