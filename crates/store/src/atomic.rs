//! Atomic output: files and whole directories are written under a temporary name and renamed
//! into place, so a crash never leaves a half-written file under the final name.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{StoreError, io_err};

/// Writes `bytes` to `path` through `path.tmp-<pid>` and a rename.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
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
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Replaces directory `dest` by the finished directory `staged`: the old one is moved aside
/// first and deleted only after the new one is in place, so a reader sees either the old or
/// the new dataset in full.
pub fn replace_dir(staged: &Path, dest: &Path) -> Result<(), StoreError> {
    let old = dest.with_file_name(format!(
        ".{}.old-{}",
        dest.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
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
