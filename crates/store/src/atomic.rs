//! Atomic output: files and whole directories are written under a temporary name and renamed
//! into place, so a crash never leaves a half-written file under the final name.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{StoreError, io_err};

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
pub fn replace_dir(staged: &Path, dest: &Path) -> Result<(), StoreError> {
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

/// Deletes `.name.tmp-<pid>` / `.name.old-<pid>` siblings of `path` whose process is gone.
/// Only on systems with `/proc`, where "gone" can be told; elsewhere they stay (hidden names,
/// never read as output).
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
            if Path::new("/proc").join(&pid).exists() {
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
        fs::write(&live, "in progress").unwrap();
        fs::write(t.path().join(".report.html.tmp-99999999"), "dead").unwrap();
        write_file(&dest, b"x").unwrap();
        assert_eq!(fs::read_to_string(&dest).unwrap(), "x");
        assert_eq!(leftovers(&dest, "tmp"), vec![live]);
    }
}
