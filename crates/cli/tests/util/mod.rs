//! `TestCommand`: runs the real `patq` binary in a fresh temporary directory, as a user would.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct TestCommand {
    pub dir: tempfile::TempDir,
}

impl Default for TestCommand {
    fn default() -> Self {
        Self::new()
    }
}

impl TestCommand {
    pub fn new() -> TestCommand {
        TestCommand {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file into the temporary directory.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// Runs `patq ARGS` in the temporary directory.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_patq"))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("patq runs");
        Run { out }
    }
}

pub struct Run {
    pub out: Output,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.out.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    /// Asserts the exit code, printing both streams when it differs.
    pub fn expect_code(self, code: i32) -> Run {
        assert_eq!(
            self.code(),
            code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// Reads a dataset's manifest as JSON.
pub fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

/// All files of a directory with their bytes, sorted by name.
pub fn dir_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Every file under `dir` (relative path -> bytes), hidden names included.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// A fresh temp dir with `../shared/data/<rel>` ingested into `ds`; None (after the skip
/// notice) when the shared data is absent outside CI.
#[allow(dead_code)]
pub fn ingested(test: &str, rel: &str) -> Option<TestCommand> {
    let src = patq_testkit::shared_file(test, rel)?;
    let t = TestCommand::new();
    t.run(&["ingest", src.to_str().unwrap(), "--out", "ds", "--quiet"])
        .expect_code(0);
    Some(t)
}

/// A fresh temp dir with a generated SYNTHETIC corpus of `applications` (seed `seed`, in
/// `layout`, else the default layouts) in `corpus` and ingested into `ds`.
#[allow(dead_code)]
pub fn generated(applications: u32, seed: u32, layout: Option<&str>) -> TestCommand {
    let t = TestCommand::new();
    let (n, seed) = (applications.to_string(), seed.to_string());
    let mut args = vec!["generate", "--applications", &n, "--seed", &seed];
    if let Some(l) = layout {
        args.extend(["--layout", l]);
    }
    args.extend(["--out", "corpus", "--quiet"]);
    t.run(&args).expect_code(0);
    t.run(&["ingest", "corpus", "--out", "ds", "--quiet"])
        .expect_code(0);
    t
}

impl TestCommand {
    /// Runs `patq ARGS` with files limited to `bytes` (RLIMIT_FSIZE) and SIGXFSZ ignored, so
    /// a write past the limit fails with EFBIG as on a full disk (ENOSPC), without root.
    #[cfg(target_os = "linux")]
    pub fn run_with_file_limit(&self, args: &[&str], bytes: u64) -> Run {
        use std::os::unix::process::CommandExt;
        #[repr(C)]
        struct Rlimit {
            cur: u64,
            max: u64,
        }
        unsafe extern "C" {
            fn setrlimit(resource: i32, rlim: *const Rlimit) -> i32;
            fn signal(signum: i32, handler: usize) -> usize;
        }
        // Linux values (x86-64 and aarch64): RLIMIT_FSIZE 1, SIGXFSZ 25, SIG_IGN 1.
        const RLIMIT_FSIZE: i32 = 1;
        const SIGXFSZ: i32 = 25;
        const SIG_IGN: usize = 1;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_patq"));
        cmd.args(args).current_dir(self.dir.path());
        // SAFETY: between fork and exec the closure only makes two async-signal-safe system
        // calls on stack data; an ignored signal stays ignored across exec.
        unsafe {
            cmd.pre_exec(move || {
                let lim = Rlimit {
                    cur: bytes,
                    max: bytes,
                };
                if signal(SIGXFSZ, SIG_IGN) == usize::MAX || setrlimit(RLIMIT_FSIZE, &lim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        Run {
            out: cmd.output().expect("patq runs"),
        }
    }
}

/// Hidden staging entries (`.name.tmp-<pid>`, `.name.old-<pid>`) directly in `dir`.
pub fn staging_entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && (n.contains(".tmp-") || n.contains(".old-")))
        .collect();
    v.sort();
    v
}
