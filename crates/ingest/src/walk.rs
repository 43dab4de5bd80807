//! Turning the sources named on the command line into the list of files to read: folders are
//! walked recursively, and only regular files are ever read.
//!
//! Why: a named pipe blocks the reader forever, a device such as `/dev/zero` never ends, a
//! socket cannot be opened, and a symlink loop never ends a naive walk. Inside a folder such
//! entries are left out and listed with their reason, so one odd entry never stops the run;
//! symlinks are followed only to regular files and folders, and a folder reached twice (a
//! loop, or a second link to one already walked) is walked once. A source named explicitly
//! that is not a regular file or folder is refused ([`IngestError::NotAFile`]): patq maps or
//! reads each input by the size its metadata gives, and reads PATSTAT tables twice, which a
//! pipe cannot give; the user saves such a stream to a file first.
//!
//! Hidden entries (`.name`) and patq's `SYNTHETIC` marker file are not inputs and are left out
//! silently, as before.

use std::collections::HashSet;
use std::fs::{FileType, Metadata};
use std::io;
use std::path::{Path, PathBuf};

use crate::IngestError;

/// The files to read, in order, and the folder entries left out.
#[derive(Debug, Default)]
pub struct Listing {
    /// Each file with `true` when it was named explicitly (not found in a folder).
    pub files: Vec<(PathBuf, bool)>,
    /// The folder entries left out (pipes, sockets, devices, broken links, loops).
    pub skipped: Vec<Skipped>,
}

/// A folder entry that is not read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The entry's path.
    pub path: PathBuf,
    /// Why it is not read ("socket: not a regular file", "symlink loop", ...).
    pub reason: String,
}

/// Expands `sources`: a folder becomes its regular files (recursively, sorted by path), a
/// regular file stays itself, anything else is an error naming what it is.
pub fn expand(sources: &[PathBuf]) -> Result<Listing, IngestError> {
    let mut out = Listing::default();
    for s in sources {
        let meta = std::fs::metadata(s).map_err(|e| io_error(s, e))?;
        if meta.is_dir() {
            let found = walk(s, &mut out.skipped)?;
            out.files.extend(found.into_iter().map(|p| (p, false)));
        } else if meta.is_file() {
            out.files.push((s.clone(), true));
        } else {
            return Err(IngestError::NotAFile {
                path: s.display().to_string(),
                kind: kind_name(&meta.file_type()),
            });
        }
    }
    Ok(out)
}

/// The regular files under `root`, sorted; entries left out are added to `skipped` in the
/// order met (sorted before returning).
pub fn walk(root: &Path, skipped: &mut Vec<Skipped>) -> Result<Vec<PathBuf>, IngestError> {
    let mut seen: HashSet<PathBuf> = HashSet::new();
    seen.insert(std::fs::canonicalize(root).map_err(|e| io_error(root, e))?);
    let mut stack = vec![root.to_path_buf()];
    let mut found = Vec::new();
    let mut left_out = Vec::new();
    while let Some(dir) = stack.pop() {
        let list = std::fs::read_dir(&dir).map_err(|e| io_error(&dir, e))?;
        for entry in list {
            let entry = entry.map_err(|e| io_error(&dir, e))?;
            let p = entry.path();
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.') || n == "SYNTHETIC")
            {
                continue;
            }
            let ft = entry.file_type().map_err(|e| io_error(&p, e))?;
            match classify(&p, ft) {
                Entry::File => found.push(p),
                Entry::Dir => match std::fs::canonicalize(&p) {
                    Ok(real) if seen.insert(real.clone()) => stack.push(p),
                    Ok(real) => left_out.push(Skipped {
                        path: p,
                        reason: format!(
                            "symlink to a folder already read ({}): a loop or a second link",
                            real.display()
                        ),
                    }),
                    Err(e) => left_out.push(Skipped {
                        path: p,
                        reason: format!("folder that cannot be resolved: {e}"),
                    }),
                },
                Entry::Skip(reason) => left_out.push(Skipped { path: p, reason }),
            }
        }
    }
    found.sort();
    left_out.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.extend(left_out);
    Ok(found)
}

/// What to do with one folder entry.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    File,
    Dir,
    Skip(String),
}

/// Classifies a folder entry by its own type (`ft`, not following links); a symlink by what it
/// points to.
fn classify(path: &Path, ft: FileType) -> Entry {
    if ft.is_file() {
        return Entry::File;
    }
    if ft.is_dir() {
        return Entry::Dir;
    }
    if !ft.is_symlink() {
        return Entry::Skip(format!("{}: not a regular file", kind_name(&ft)));
    }
    match std::fs::metadata(path) {
        Ok(m) => target(&m),
        Err(e) if is_loop(&e) => Entry::Skip("symlink loop".into()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let to = std::fs::read_link(path)
                .map(|t| format!(" (to {})", t.display()))
                .unwrap_or_default();
            Entry::Skip(format!("broken symlink{to}: target does not exist"))
        }
        Err(e) => Entry::Skip(format!("symlink that cannot be followed: {e}")),
    }
}

fn target(m: &Metadata) -> Entry {
    if m.is_file() {
        Entry::File
    } else if m.is_dir() {
        Entry::Dir
    } else {
        Entry::Skip(format!(
            "symlink to a {}: not a regular file",
            kind_name(&m.file_type())
        ))
    }
}

/// True when following a path ran into a symlink loop (ELOOP).
fn is_loop(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// A file type in words, for messages.
pub(crate) fn kind_name(ft: &FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "socket";
        }
        if ft.is_char_device() {
            return "character device";
        }
        if ft.is_block_device() {
            return "block device";
        }
    }
    if ft.is_symlink() {
        "symlink"
    } else if ft.is_dir() {
        "folder"
    } else if ft.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

fn io_error(path: &Path, source: io::Error) -> IngestError {
    IngestError::Io {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mkfifo(p: &Path) {
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a file system entry.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    }

    fn reasons(l: &Listing) -> Vec<(String, String)> {
        l.skipped
            .iter()
            .map(|s| {
                let name = s.path.file_name().unwrap().to_string_lossy().into_owned();
                (name, s.reason.clone())
            })
            .collect()
    }

    #[test]
    fn only_regular_files_are_listed() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::write(root.join("a.csv"), "x").unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/b.csv"), "y").unwrap();
        std::fs::write(root.join(".hidden"), "z").unwrap();
        mkfifo(&root.join("pipe"));
        symlink("/dev/zero", root.join("zero")).unwrap();
        symlink(root.join("loop2"), root.join("loop1")).unwrap();
        symlink(root.join("loop1"), root.join("loop2")).unwrap();
        symlink(root.join("missing"), root.join("broken")).unwrap();
        symlink(root, root.join("sub/up")).unwrap();
        symlink(root.join("a.csv"), root.join("link.csv")).unwrap();
        let l = expand(&[root.to_path_buf()]).unwrap();
        let files: Vec<_> = l.files.iter().map(|(p, e)| (p.clone(), *e)).collect();
        assert_eq!(
            files,
            vec![
                (root.join("a.csv"), false),
                (root.join("link.csv"), false),
                (root.join("sub/b.csv"), false),
            ]
        );
        let r = reasons(&l);
        let names: Vec<&str> = r.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["broken", "loop1", "loop2", "pipe", "up", "zero"]);
        assert!(r[0].1.starts_with("broken symlink"), "{r:?}");
        assert_eq!(r[1].1, "symlink loop");
        assert_eq!(r[3].1, "named pipe (FIFO): not a regular file");
        assert!(r[4].1.contains("folder already read"), "{r:?}");
        assert_eq!(r[5].1, "symlink to a character device: not a regular file");
    }

    #[test]
    fn explicit_special_files_are_refused() {
        let d = tempfile::tempdir().unwrap();
        mkfifo(&d.path().join("pipe"));
        for (p, kind) in [
            (d.path().join("pipe"), "named pipe (FIFO)"),
            (PathBuf::from("/dev/zero"), "character device"),
        ] {
            match expand(&[p]) {
                Err(IngestError::NotAFile { kind: k, .. }) => assert_eq!(k, kind),
                other => panic!("{other:?}"),
            }
        }
        let f = d.path().join("f.csv");
        std::fs::write(&f, "x").unwrap();
        assert_eq!(expand(std::slice::from_ref(&f)).unwrap().files, [(f, true)]);
    }
}
