//! Atomic output: files and whole directories are written under a temporary name and renamed
//! into place, so a crash never leaves a half-written file under the final name.
//!
//! Staging entries are named `.name.tmp-<pid>` (and `.name.old-<pid>` for a directory moved
//! aside). Those of a process still running are never touched; those of a dead process are
//! deleted only when their content proves them patq's ([`provably_patq`]), because a user's
//! own hidden file may happen to carry such a name.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::tables::{ALL_TABLES, DERIVED_TABLES};
use crate::{StoreError, io_err};

/// Written first into every report directory (and so into its staging directory): what makes
/// a directory provably a patq report, which patq may replace as a whole.
pub const REPORT_MARKER: &str = ".patq-report";

/// The bytes of [`REPORT_MARKER`].
pub const REPORT_MARKER_TEXT: &[u8] =
    b"Written by patq report. patq replaces this directory as a whole on the next run.\n";

/// Writes `bytes` to `path` through `path.tmp-<pid>` and a rename.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    remove_stale(path);
    let tmp = tmp_sibling(path);
    {
        let mut f = fs::File::create(&tmp).map_err(io_err(&tmp))?;
        f.write_all(bytes).map_err(io_err(&tmp))?;
        f.sync_all().map_err(io_err(&tmp))?;
    }
    fs::rename(&tmp, path).map_err(io_err(path))
}

/// A sibling path for temporary output: `<name>.tmp-<pid>`.
pub fn tmp_sibling(path: &Path) -> PathBuf {
    path.with_file_name(format!(".{}.tmp-{}", file_name(path), std::process::id()))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Replaces directory `dest` by the finished directory `staged` in one step where the system
/// allows it (Linux `renameat2(RENAME_EXCHANGE)`), so a reader, or a process killed at any
/// point, sees either the old or the new dataset in full. Elsewhere the old directory is moved
/// aside first and deleted once the new one is in place; a kill between the two renames is
/// repaired by [`recover_dir`] at the next read or write.
///
/// A `dest` that exists and is not a directory is refused before anything moves: the exchange
/// would otherwise swap a user's file into the staging name.
pub fn replace_dir(staged: &Path, dest: &Path) -> Result<(), StoreError> {
    if dest.exists() && !dest.is_dir() {
        let e = std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            "exists and is not a directory; left as it is",
        );
        return Err(io_err(dest)(e));
    }
    if dest.exists() && exchange(staged, dest) {
        // `staged` now holds the old dataset.
        return fs::remove_dir_all(staged).map_err(io_err(staged));
    }
    let old = old_sibling(dest);
    let had_old = dest.exists();
    if had_old {
        fs::rename(dest, &old).map_err(io_err(dest))?;
    }
    if let Err(e) = fs::rename(staged, dest) {
        if had_old {
            let _ = fs::rename(&old, dest);
        }
        return Err(io_err(dest)(e));
    }
    if had_old {
        fs::remove_dir_all(&old).map_err(io_err(&old))?;
    }
    Ok(())
}

fn old_sibling(dest: &Path) -> PathBuf {
    dest.with_file_name(format!(".{}.old-{}", file_name(dest), std::process::id()))
}

/// Atomically swaps two directories; false when the system or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let (Ok(ca), Ok(cb)) = (
        CString::new(a.as_os_str().as_bytes()),
        CString::new(b.as_os_str().as_bytes()),
    ) else {
        return false;
    };
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call; the
    // syscall only reads them. Through `syscall` rather than glibc's wrapper, which older
    // glibc (< 2.28) and musl lack.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    rc == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}

/// Puts back a dataset directory left aside by a process killed inside the two-rename
/// fallback of [`replace_dir`] (`dest` missing, `.dest.old-<pid>` present), and deletes the
/// staging and moved-aside leftovers of processes no longer running.
pub fn recover_dir(dest: &Path) {
    if !dest.exists() {
        let mut olds = leftovers(dest, "old");
        // Several only if several runs died in that window; the latest is the newest dataset.
        olds.sort_by_key(|p| fs::metadata(p).and_then(|m| m.modified()).ok());
        if let Some(latest) = olds.pop() {
            let _ = fs::rename(latest, dest);
        }
    }
    remove_stale(dest);
}

/// Deletes `.name.tmp-<pid>` / `.name.old-<pid>` siblings of `path` whose process is gone and
/// whose content is provably patq's ([`provably_patq`]). Only on systems with `/proc`, where
/// "gone" can be told; elsewhere they stay (hidden names, never read as output).
fn remove_stale(path: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    for kind in ["tmp", "old"] {
        for p in leftovers(path, kind) {
            let pid = p
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.rsplit_once('-'))
                .map(|(_, pid)| pid.to_string())
                .unwrap_or_default();
            if Path::new("/proc").join(&pid).exists() || !provably_patq(&p) {
                continue;
            }
            let _ = if p.is_dir() {
                fs::remove_dir_all(&p)
            } else {
                fs::remove_file(&p)
            };
        }
    }
}

/// Whether a staging entry's content proves it patq's, so deleting it loses nothing of the
/// user's. A directory: it holds the [`REPORT_MARKER`] (reports and their staging), or only
/// files a dataset holds ([`is_dataset_entry`], the dataset staging, which is created before
/// anything else is known), or nothing, where staging entries inside count when they are
/// provably patq's themselves (the marker's own staging file). A file: empty, or beginning as patq begins a file of
/// its final name's extension (Parquet magic, a ZIP header for xlsx, `<!DOCTYPE html>`, JSON,
/// NUL-free UTF-8 for CSV/JSONL, the marker's text). Symlinks and other files stay.
pub fn provably_patq(p: &Path) -> bool {
    let Ok(meta) = p.symlink_metadata() else {
        return false;
    };
    if meta.is_dir() {
        if p.join(REPORT_MARKER).is_file() {
            return true;
        }
        let Ok(entries) = fs::read_dir(p) else {
            return false;
        };
        return entries.filter_map(|e| e.ok()).all(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (e.file_type().is_ok_and(|t| t.is_file()) && is_dataset_entry(&name))
                || (is_staging_name(&name) && provably_patq(&e.path()))
        });
    }
    if !meta.is_file() {
        return false;
    }
    let Some(final_name) = final_name(p) else {
        return false;
    };
    let mut head = Vec::new();
    let read = fs::File::open(p).and_then(|f| f.take(4096).read_to_end(&mut head));
    if read.is_err() {
        return false;
    }
    if head.is_empty() {
        return true;
    }
    if final_name == REPORT_MARKER {
        return head == REPORT_MARKER_TEXT;
    }
    // A character cut by the 4096-byte limit still counts as text (`error_len` None).
    let text = || {
        !head.contains(&0)
            && std::str::from_utf8(&head)
                .err()
                .is_none_or(|e| e.error_len().is_none())
    };
    match final_name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("parquet") => head.starts_with(b"PAR1"),
        Some("xlsx") => head.starts_with(b"PK\x03\x04"),
        Some("html") => head.starts_with(b"<!DOCTYPE html>"),
        Some("json") => text() && matches!(head.first(), Some(b'{' | b'[')),
        Some("csv" | "jsonl" | "tsv") => text(),
        _ => false,
    }
}

/// `name` of a staging entry `.name.tmp-<pid>` / `.name.old-<pid>`.
fn final_name(p: &Path) -> Option<String> {
    let n = p.file_name()?.to_str()?;
    let (stem, pid) = n.rsplit_once('-')?;
    let name = stem
        .strip_suffix(".tmp")
        .or_else(|| stem.strip_suffix(".old"))?;
    (!pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        .then(|| name.strip_prefix('.'))
        .flatten()
        .map(str::to_string)
}

/// Whether `name` is a staging entry's name: `.name.tmp-<digits>` or `.name.old-<digits>`.
pub fn is_staging_name(name: &str) -> bool {
    final_name(Path::new(name)).is_some_and(|n| !n.is_empty())
}

/// Whether a file named `name` belongs in a dataset directory: manifest.json, quarantine.jsonl,
/// a table's or derived table's Parquet file, or the staging file of one of those.
pub fn is_dataset_entry(name: &str) -> bool {
    let own = |n: &str| {
        n == "manifest.json"
            || n == "quarantine.jsonl"
            || ALL_TABLES
                .iter()
                .chain(DERIVED_TABLES.iter())
                .any(|t| t.file_name() == n)
    };
    own(name) || (is_staging_name(name) && final_name(Path::new(name)).is_some_and(|n| own(&n)))
}

/// Guard of a staging directory: dropped before [`Staging::commit`] (an error, a full disk, a
/// panic unwinding), it deletes the directory, so a failed run leaves no hidden copy behind.
/// (A killed process runs no destructor; the next run's [`recover_dir`] removes its staging.)
pub struct Staging {
    path: PathBuf,
    armed: bool,
}

impl Staging {
    /// Guards `path`, usually [`tmp_sibling`] of the output, created here or by the writer.
    pub fn guard(path: PathBuf) -> Staging {
        Staging { path, armed: true }
    }

    /// The guarded staging directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Swaps the staged directory into `dest` ([`replace_dir`]). On failure the guard still
    /// deletes what is left under the staging name when it drops (the new output, or after
    /// an exchange the old one it replaced).
    pub fn commit(mut self, dest: &Path) -> Result<(), StoreError> {
        let result = replace_dir(&self.path, dest);
        self.armed = result.is_err();
        result
    }

    /// The staging directory was consumed by its writer (e.g. swapped in by
    /// `DatasetBuilder::write`): nothing to delete.
    pub fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let Ok(meta) = self.path.symlink_metadata() else {
            return;
        };
        if self.armed {
            let _ = if meta.is_dir() {
                fs::remove_dir_all(&self.path)
            } else {
                fs::remove_file(&self.path)
            };
        }
    }
}

/// Siblings of `path` named `.name.<kind>-<digits>`.
fn leftovers(path: &Path, kind: &str) -> Vec<PathBuf> {
    let prefix = format!(".{}.{kind}-", file_name(path));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix(&prefix))
                .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(path: &Path, content: &str) {
        fs::create_dir_all(path).unwrap();
        fs::write(path.join("manifest.json"), content).unwrap();
    }

    #[test]
    fn replace_dir_swaps_whole_directories() {
        let t = tempfile::tempdir().unwrap();
        let dest = t.path().join("ds");
        dir_with(&dest, "old");
        let staged = tmp_sibling(&dest);
        dir_with(&staged, "new");
        replace_dir(&staged, &dest).unwrap();
        assert_eq!(
            fs::read_to_string(dest.join("manifest.json")).unwrap(),
            "new"
        );
        assert!(!staged.exists());
        assert!(leftovers(&dest, "old").is_empty());
    }

    #[test]
    fn dataset_moved_aside_by_a_killed_run_is_put_back() {
        // What a kill between the two renames of the fallback path leaves: no `ds`, the old
        // dataset under `.ds.old-<pid of a dead process>` and the new one staged.
        let t = tempfile::tempdir().unwrap();
        let dest = t.path().join("ds");
        // PIDs above the kernel's pid_max (4194304) never run.
        dir_with(&t.path().join(".ds.old-99999999"), "old");
        dir_with(&t.path().join(".ds.tmp-99999999"), "half");
        recover_dir(&dest);
        assert_eq!(
            fs::read_to_string(dest.join("manifest.json")).unwrap(),
            "old"
        );
        assert!(leftovers(&dest, "tmp").is_empty());
        assert!(leftovers(&dest, "old").is_empty());
    }

    #[test]
    fn leftovers_of_dead_processes_go_and_live_ones_stay() {
        let t = tempfile::tempdir().unwrap();
        let dest = t.path().join("report.html");
        // PID 1 runs in every PID namespace; 99999999 is above pid_max.
        let live = t.path().join(".report.html.tmp-1");
        fs::write(&live, "<!DOCTYPE html>in progress").unwrap();
        fs::write(
            t.path().join(".report.html.tmp-99999999"),
            "<!DOCTYPE html>dead",
        )
        .unwrap();
        write_file(&dest, b"x").unwrap();
        assert_eq!(fs::read_to_string(&dest).unwrap(), "x");
        assert_eq!(leftovers(&dest, "tmp"), vec![live]);
    }

    /// A dead process's staging name is not proof enough: what patq did not write stays.
    #[test]
    fn leftovers_not_provably_patq_stay() {
        let t = tempfile::tempdir().unwrap();
        let keep = [
            // A user's file that once got a staging name, and content patq never writes
            // under the name it stands for.
            (".thesis.docx.tmp-99999999", &b"PK\x03\x04docx"[..]),
            (".f.txt.tmp-99999999", b"x"),
            (".report.html.tmp-99999998", b"my own page"),
            (".ind.csv.tmp-99999999", b"a\0b"),
        ];
        for (name, bytes) in keep {
            fs::write(t.path().join(name), bytes).unwrap();
        }
        // A directory with a file no dataset holds, and one with neither marker nor dataset.
        let mixed = t.path().join(".ds.tmp-99999999");
        dir_with(&mixed, "half");
        fs::write(mixed.join("thesis.docx"), "mine").unwrap();
        let foreign = t.path().join(".rep.old-99999999");
        fs::create_dir_all(foreign.join("tables")).unwrap();
        for name in [
            "thesis.docx",
            "f.txt",
            "report.html",
            "ind.csv",
            "ds",
            "rep",
        ] {
            remove_stale(&t.path().join(name));
        }
        for (name, bytes) in keep {
            assert_eq!(fs::read(t.path().join(name)).unwrap(), bytes, "{name}");
        }
        assert!(mixed.join("thesis.docx").is_file());
        assert!(foreign.join("tables").is_dir());
        // What patq writes goes: a marked report staging, an empty file, a Parquet file.
        let report = t.path().join(".rep.tmp-99999999");
        fs::create_dir_all(report.join("tables")).unwrap();
        fs::write(report.join(REPORT_MARKER), REPORT_MARKER_TEXT).unwrap();
        fs::write(report.join("tables/F2.csv"), "a,b\n").unwrap();
        fs::write(t.path().join(".x.csv.tmp-99999999"), "").unwrap();
        // A report staging killed while its marker was still being written.
        let early = t.path().join(".early.tmp-99999999");
        fs::create_dir_all(&early).unwrap();
        fs::write(early.join(".patq-report.tmp-99999999"), "").unwrap();
        remove_stale(&t.path().join("early"));
        assert!(!early.exists());
        fs::write(t.path().join(".t.parquet.tmp-99999999"), "PAR1...").unwrap();
        for name in ["rep", "x.csv", "t.parquet"] {
            remove_stale(&t.path().join(name));
        }
        assert!(leftovers(&t.path().join("rep"), "tmp").is_empty());
        assert!(leftovers(&t.path().join("x.csv"), "tmp").is_empty());
        assert!(leftovers(&t.path().join("t.parquet"), "tmp").is_empty());
    }

    /// A regular file at the destination is never swapped aside.
    #[test]
    fn replace_dir_refuses_a_file_and_moves_nothing() {
        let t = tempfile::tempdir().unwrap();
        let dest = t.path().join("f.txt");
        fs::write(&dest, "mine").unwrap();
        let staged = tmp_sibling(&dest);
        dir_with(&staged, "new");
        let err = replace_dir(&staged, &dest).unwrap_err().to_string();
        assert!(
            err.contains("f.txt") && err.contains("not a directory"),
            "{err}"
        );
        assert_eq!(fs::read_to_string(&dest).unwrap(), "mine");
        assert!(staged.join("manifest.json").is_file());
    }

    /// The guard deletes its directory unless committed; a commit swaps it in.
    #[test]
    fn staging_guard_removes_uncommitted_staging() {
        let t = tempfile::tempdir().unwrap();
        let dest = t.path().join("ds");
        dir_with(&dest, "old");
        let g = Staging::guard(tmp_sibling(&dest));
        dir_with(g.path(), "half");
        drop(g);
        assert!(!tmp_sibling(&dest).exists());
        assert_eq!(
            fs::read_to_string(dest.join("manifest.json")).unwrap(),
            "old"
        );
        let g = Staging::guard(tmp_sibling(&dest));
        dir_with(g.path(), "new");
        g.commit(&dest).unwrap();
        assert!(!tmp_sibling(&dest).exists());
        assert_eq!(
            fs::read_to_string(dest.join("manifest.json")).unwrap(),
            "new"
        );
    }

    #[test]
    fn dataset_entries_and_staging_names() {
        for n in ["manifest.json", "applications.parquet", "app_facts.parquet"] {
            assert!(is_dataset_entry(n), "{n}");
        }
        assert!(is_dataset_entry(".app_facts.parquet.tmp-42"));
        for n in [
            "thesis.docx",
            ".thesis.docx.tmp-42",
            "applications.csv",
            ".tmp-42",
        ] {
            assert!(!is_dataset_entry(n), "{n}");
        }
        assert!(
            is_staging_name(".ds.old-7")
                && !is_staging_name(".ds.tmp-")
                && !is_staging_name("ds.tmp-7")
        );
    }
}
