//! What `--out` may name: checked before a subcommand reads or writes anything, so a path that
//! holds something of the user's is refused (exit 2) with nothing moved.
//!
//! Rules (docs/RELIABILITY.md, "Output paths"): an output is written where nothing is, into an
//! empty directory, or over an earlier output of the same kind, recognised by its content
//! ([`Kind`]); anything else inside it, at any depth, refuses. A regular file is never an
//! output directory. The output may not be an input, lie inside one, or contain one. A
//! directory that patq replaces as a whole (dataset, report) may not be named through `.` or
//! `..`, nor be the current directory or one of its parents: the swap renames the directory
//! the shell stands in (`rename(".")` is EBUSY, and a swapped current directory leaves the
//! shell in a deleted one), so the user is asked to name a directory of its own.

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use patq_store::atomic::{REPORT_MARKER, is_dataset_entry, is_staging_name};

/// What a subcommand writes at `--out`, and so what it may write over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A dataset (`ingest`), replaced as a whole: an earlier dataset (manifest.json) holding
    /// only dataset files.
    Dataset,
    /// A report (`report`), replaced as a whole: an earlier report, proved by its
    /// [`REPORT_MARKER`], holding only report files (tables/ and synthetic/ checked to the
    /// bottom).
    Report,
    /// Tables written into the directory file by file (`indicators`, `rank`, `sql
    /// --reference`): only figure tables (`F2_....csv`, `T1_....json`, `P_....csv`).
    Tables,
    /// A generated corpus (`generate`): its `SYNTHETIC` marker and the generator's files.
    Corpus,
    /// The demo's directory (`demo`, and a report's synthetic/): corpus/ and dataset/.
    Demo,
}

impl Kind {
    /// Whether the directory itself is swapped for the new one (rather than written into).
    fn replaces_directory(self) -> bool {
        matches!(self, Kind::Dataset | Kind::Report)
    }

    /// The file whose presence proves an earlier output of this kind.
    fn marker(self) -> Option<&'static str> {
        match self {
            Kind::Dataset => Some("manifest.json"),
            Kind::Report => Some(REPORT_MARKER),
            Kind::Corpus => Some(patq_synth::MARKER),
            Kind::Tables | Kind::Demo => None,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Dataset => "a patq dataset",
            Kind::Report => "a patq report",
            Kind::Tables => "patq's indicator tables",
            Kind::Corpus => "a corpus patq generated",
            Kind::Demo => "patq demo's output",
        }
    }
}

/// Names listed in a refusal before "and N more".
const LISTED: usize = 10;

/// Refuses `out` (exit 2, naming it and what blocks it) unless `kind` may be written there
/// without losing anything of the user's; `inputs` are the paths the run reads.
pub fn check(out: &Path, kind: Kind, inputs: &[&Path]) -> Result<()> {
    check_option("--out", out, kind, inputs)
}

/// [`check`] for an output given by another option (`option`, named in the messages).
pub fn check_option(option: &str, out: &Path, kind: Kind, inputs: &[&Path]) -> Result<()> {
    let shown = format!("{option} {}", out.display());
    if kind.replaces_directory() && names_dot(out) {
        bail!(
            "{shown}: name the output directory itself, not `.` or `..`: patq replaces \
             it as a whole; give a new directory, e.g. --out ds"
        );
    }
    let abs = resolve(out).with_context(|| format!("{shown}: cannot resolve the path"))?;
    if kind.replaces_directory() {
        let cwd = std::env::current_dir().context("reading the current directory")?;
        let cwd = fs::canonicalize(&cwd).unwrap_or(cwd);
        if cwd.starts_with(&abs) {
            bail!(
                "{shown} is the current directory or one of its parents, which patq \
                 would replace as a whole; give a directory of its own, e.g. --out ds"
            );
        }
    }
    for input in inputs {
        let Ok(inp) = fs::canonicalize(input) else {
            continue;
        };
        let how = if inp == abs {
            "is"
        } else if abs.starts_with(&inp) {
            "is inside"
        } else if inp.starts_with(&abs) {
            "contains"
        } else {
            continue;
        };
        bail!(
            "{shown} {how} the input {}; patq would write over what it reads; give \
             {option} a directory apart from the inputs",
            input.display()
        );
    }
    let meta = match fs::metadata(&abs) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("{shown}: cannot read")),
    };
    if !meta.is_dir() {
        bail!(
            "{shown} is a file, not a directory; patq writes a directory there and \
             leaves files alone: remove it or give another path"
        );
    }
    let blocking = foreign(&abs, kind).with_context(|| format!("{shown}: cannot list"))?;
    if blocking.is_empty() {
        return Ok(());
    }
    let unmarked = match kind.marker() {
        Some(m) if !abs.join(m).exists() => format!(" (it has no {m}, so patq did not write it)"),
        _ => String::new(),
    };
    bail!(
        "{shown} holds what is not part of {}{unmarked}: {}; patq writes only where nothing is, \
         into an empty directory or over its own earlier output: give another directory, or \
         move those away (nothing was changed)",
        kind.noun(),
        listing(&blocking)
    )
}

/// `a, b, c` for up to [`LISTED`] names, then `and N more`.
fn listing(names: &[String]) -> String {
    let mut text = names
        .iter()
        .take(LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > LISTED {
        text.push_str(&format!(" and {} more", names.len() - LISTED));
    }
    text
}

/// Whether the path as typed ends in `.` or `..` (or is a root): it names no directory entry
/// that a rename could replace.
fn names_dot(p: &Path) -> bool {
    let text = p.as_os_str().to_string_lossy();
    let trimmed = text.trim_end_matches('/');
    trimmed.is_empty()
        || matches!(trimmed, "." | "..")
        || trimmed.ends_with("/.")
        || trimmed.ends_with("/..")
}

/// The absolute path `p` names with symlinks resolved, for a path that need not exist: the
/// deepest existing ancestor is canonicalized and the rest appended.
pub fn resolve(p: &Path) -> Result<PathBuf> {
    if let Ok(c) = fs::canonicalize(p) {
        return Ok(c);
    }
    let abs = std::path::absolute(p)?;
    let mut rest = Vec::new();
    let mut base = abs.as_path();
    loop {
        if let Ok(c) = fs::canonicalize(base) {
            let mut out = c;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(n) => out.push(n),
                    _ => {}
                }
            }
            return Ok(out);
        }
        let Some(parent) = base.parent() else {
            return Ok(abs.clone());
        };
        if let Some(last) = base.components().next_back() {
            rest.push(last);
        }
        base = parent;
    }
}

/// Entries of `dir` (relative paths, sorted) that `kind` did not write: empty when patq may
/// write its output there.
fn foreign(dir: &Path, kind: Kind) -> Result<Vec<String>> {
    let mut out = Vec::new();
    walk(dir, kind, "", &mut out)?;
    out.sort();
    Ok(out)
}

/// Adds to `out` what in `dir` (shown under `prefix`) is not `kind`'s.
fn walk(dir: &Path, kind: Kind, prefix: &str, out: &mut Vec<String>) -> Result<()> {
    let mut names = Vec::new();
    for e in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let e = e?;
        // A symlink counts as a file: replacing the directory removes the link, not its target.
        let is_dir = e.file_type()?.is_dir();
        names.push((e.file_name().to_string_lossy().into_owned(), is_dir));
    }
    let has = |n: &str| names.iter().any(|(m, _)| m == n);
    // Staging of killed runs is patq's own (its removal is `atomic::recover_dir`'s business).
    let visible = names
        .iter()
        .filter(|(n, _)| !is_staging_name(n))
        .collect::<Vec<_>>();
    if visible.is_empty() {
        return Ok(());
    }
    let proof = kind.marker().is_none_or(has);
    for (name, is_dir) in visible {
        let rel = format!("{prefix}{name}{}", if *is_dir { "/" } else { "" });
        let sub = match (kind, name.as_str(), is_dir) {
            (Kind::Report, "tables", true) => Some(Kind::Tables),
            (Kind::Report, "synthetic", true) => Some(Kind::Demo),
            (Kind::Demo, "corpus", true) => Some(Kind::Corpus),
            (Kind::Demo, "dataset", true) => Some(Kind::Dataset),
            _ => None,
        };
        if let Some(sub) = sub {
            walk(&dir.join(name), sub, &rel, out)?;
        } else if *is_dir || !is_own_file(kind, name, proof) {
            out.push(rel);
        }
    }
    Ok(())
}

/// Whether a file named `name` is one `kind` writes; `proof`: the directory holds the
/// kind's marker.
fn is_own_file(kind: Kind, name: &str, proof: bool) -> bool {
    // The generated Lens files are written before the corpus's marker, and their names say
    // what they are; PatentsView and PATSTAT names are those of real downloads, so they need
    // the marker.
    if kind == Kind::Corpus
        && (name == patq_synth::LENS_CSV_FILE || name == patq_synth::LENS_JSON_FILE)
    {
        return true;
    }
    if !proof {
        return false;
    }
    match kind {
        Kind::Dataset => is_dataset_entry(name),
        Kind::Report => matches!(name, "report.html" | "report.xlsx") || name == REPORT_MARKER,
        Kind::Tables => is_table_file(name),
        Kind::Corpus => {
            name == patq_synth::MARKER
                || (name.starts_with("g_") && name.ends_with(".tsv"))
                || (name.starts_with("tls") && name.ends_with(".csv"))
        }
        Kind::Demo => false,
    }
}

/// A figure table's file name: `F`, `T` or `P`, then a digit or `_`, then letters, digits,
/// `_` or `-`, ending `.csv` or `.json` (`F2_grants_by_country.csv`, `F13-17_scenarios.json`,
/// `P_company_profiles.csv`); or the data-quality table, `DQ_` and the same
/// (`DQ_field_coverage.csv`).
fn is_table_file(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".csv")
        .or_else(|| name.strip_suffix(".json"))
    else {
        return false;
    };
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if let Some(rest) = stem.strip_prefix("DQ_") {
        return !rest.is_empty() && rest.chars().all(word);
    }
    let mut chars = stem.chars();
    matches!(chars.next(), Some('F' | 'T' | 'P'))
        && chars.next().is_some_and(|c| c.is_ascii_digit() || c == '_')
        && chars.all(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names() {
        for n in [
            "F2_grants_by_country.csv",
            "F13-17_scenarios.json",
            "P_company_profiles.csv",
            "T1_x.json",
            "F99_gone.csv",
            "DQ_field_coverage.csv",
            "DQ_field_coverage.json",
        ] {
            assert!(is_table_file(n), "{n}");
        }
        for n in [
            "thesis.docx",
            "notes.csv",
            "Final.csv",
            "F2.docx",
            "F2 x.csv",
            "DQ_.csv",
            "DQ.csv",
        ] {
            assert!(!is_table_file(n), "{n}");
        }
    }

    #[test]
    fn dot_paths() {
        for p in [".", "..", "./", "a/.", "a/..", "/", "../.."] {
            assert!(names_dot(Path::new(p)), "{p}");
        }
        for p in ["ds", "../ds", "./ds", "a/b", ".ds"] {
            assert!(!names_dot(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn listing_cuts_after_ten() {
        let names: Vec<String> = (0..13).map(|i| format!("f{i}")).collect();
        assert_eq!(
            listing(&names),
            "f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 and 3 more"
        );
    }

    #[test]
    fn resolves_a_path_that_does_not_exist_yet() {
        let t = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(t.path()).unwrap();
        assert_eq!(
            resolve(&t.path().join("a/b/../c")).unwrap(),
            base.join("a/c")
        );
    }
}
