//! Crash safety: `patq ingest` and `patq report` killed with SIGKILL after seeded pseudo-random
//! delays, and at short delays after the run starts writing. Afterwards the output is the
//! previous run's or the new run's in full (never a mix inside the dataset or the report
//! directory, never a partial file under a final name), `patq info` reads it, and a
//! re-run completes with the same bytes as an uninterrupted run. Inputs are synthetic
//! (`patq generate`).

use crate::util;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use util::{TestCommand, snapshot};

/// Kill points per command.
const KILLS: usize = 8;

/// When to kill a run.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// After this fraction of an uninterrupted run's duration.
    After(f64),
    /// This long after the run starts writing its output (a hidden `.name.tmp-<pid>` entry
    /// appears), to land inside the write and the final rename.
    InWrite(Duration),
}

/// Deterministic kill points from a fixed xorshift sequence, so a failure can be replayed:
/// alternately a fraction in [0.3, 1.6) of the measured duration (past 1.0 because a run on a
/// loaded machine often takes longer than the measured one, and a kill after the end must be
/// harmless too) and a delay in [0, max_write) after writing starts.
fn kill_points(seed: u64, max_write: Duration) -> Vec<Kill> {
    let mut x = seed;
    (0..KILLS)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let u = (x % 1000) as f64 / 1000.0;
            if i % 2 == 0 {
                Kill::After(0.3 + u * 1.3)
            } else {
                Kill::InWrite(max_write.mul_f64(u))
            }
        })
        .collect()
}

/// True when `dir` holds a hidden staging entry of a run in progress.
fn staging_in(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|rd| {
        rd.filter_map(Result::ok).any(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with('.') && n.contains(".tmp-")
        })
    })
}

/// Names in `dir` other than the expected ones: leftovers of a killed run.
fn strays(dir: &Path, expected: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !expected.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

/// Starts `patq ARGS` in `tc`'s directory and sends SIGKILL at `kill` (writing is watched for
/// in `watch`) unless it ended first; returns whether it had ended on its own.
fn run_and_kill(tc: &TestCommand, args: &[&str], kill: Kill, full: Duration, watch: &Path) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_patq"))
        .args(args)
        .current_dir(tc.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut deadline = match kill {
        Kill::After(f) => Some(full.mul_f64(f)),
        Kill::InWrite(_) => None,
    };
    loop {
        if child.try_wait().unwrap().is_some() {
            return true;
        }
        match (deadline, kill) {
            (Some(d), _) if start.elapsed() >= d => break,
            (None, Kill::InWrite(extra)) if staging_in(watch) => {
                deadline = Some(start.elapsed() + extra);
            }
            _ => {}
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    // Child::kill is SIGKILL on Unix: no destructor, no cleanup runs.
    let _ = child.kill();
    child.wait().unwrap().success()
}

/// Runs to completion and returns how long it took.
fn timed(tc: &TestCommand, args: &[&str]) -> Duration {
    let start = Instant::now();
    tc.run(args).expect_code(0);
    start.elapsed()
}

fn generate(tc: &TestCommand, out: &str, apps: &str, seed: &str) {
    tc.run(&[
        "generate",
        "--applications",
        apps,
        "--seed",
        seed,
        "--out",
        out,
        "--quiet",
    ])
    .expect_code(0);
}

#[test]
fn killed_ingest_leaves_the_previous_or_the_new_dataset_whole() {
    let tc = TestCommand::new();
    generate(&tc, "in_a", "300", "1");
    generate(&tc, "in_b", "10000", "2");
    tc.run(&["ingest", "in_a", "-o", "ref_a", "--quiet"])
        .expect_code(0);
    let full = timed(&tc, &["ingest", "in_b", "-o", "ref_b", "--quiet"]);
    let (ref_a, ref_b) = (snapshot(&tc.path("ref_a")), snapshot(&tc.path("ref_b")));
    assert_ne!(ref_a, ref_b);
    tc.run(&["ingest", "in_a", "-o", "ds", "--quiet"])
        .expect_code(0);

    let mut outcomes = Vec::new();
    for f in kill_points(0x5eed_0001, Duration::from_millis(1500)) {
        let finished = run_and_kill(
            &tc,
            &["ingest", "in_b", "-o", "ds", "--quiet"],
            f,
            full,
            tc.dir.path(),
        );
        let now = snapshot(&tc.path("ds"));
        let which = if now == ref_a {
            "old"
        } else if now == ref_b {
            "new"
        } else {
            panic!(
                "killed at {f:?} (run {full:?}): dataset is neither the old nor the new one: {:?}",
                now.keys().collect::<Vec<_>>()
            );
        };
        outcomes.push((f, finished, which));
        tc.run(&["info", "ds"]).expect_code(0);
        // Only hidden staging directories may be left beside it, never a visible name.
        for s in strays(tc.dir.path(), &["in_a", "in_b", "ref_a", "ref_b", "ds"]) {
            assert!(
                s.starts_with(".ds.tmp-") || s.starts_with(".ds.old-"),
                "stray {s}"
            );
        }
        // The next run starts from the old dataset again, so every kill point tests a swap.
        tc.run(&["ingest", "in_a", "-o", "ds", "--quiet"])
            .expect_code(0);
    }
    eprintln!("ingest of {full:?} killed at (point, finished, dataset): {outcomes:?}");
    tc.run(&["ingest", "in_b", "-o", "ds", "--quiet"])
        .expect_code(0);
    assert_eq!(snapshot(&tc.path("ds")), ref_b);
    // The completed runs removed what killed ones left.
    assert_eq!(
        strays(tc.dir.path(), &["in_a", "in_b", "ref_a", "ref_b", "ds"]),
        Vec::<String>::new()
    );
}

#[test]
fn killed_report_leaves_the_previous_or_the_new_report_whole() {
    let tc = TestCommand::new();
    generate(&tc, "in_a", "300", "1");
    generate(&tc, "in_b", "3000", "2");
    tc.run(&["ingest", "in_a", "-o", "ds_a", "--quiet"])
        .expect_code(0);
    tc.run(&["ingest", "in_b", "-o", "ds_b", "--quiet"])
        .expect_code(0);
    let report = |ds: &str, out: &str| ["report", ds, "--out", out, "--quiet"].map(String::from);
    fn args(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let (ra, rb) = (report("ds_a", "rep_a"), report("ds_b", "rep_b"));
    tc.run(&args(&ra)).expect_code(0);
    let full = timed(&tc, &args(&rb));
    let (rep_a, rep_b) = (snapshot(&tc.path("rep_a")), snapshot(&tc.path("rep_b")));
    assert_ne!(rep_a["report.html"], rep_b["report.html"]);
    let expected = ["in_a", "in_b", "ds_a", "ds_b", "rep_a", "rep_b", "rep"];

    let into_a = report("ds_a", "rep");
    let into_b = report("ds_b", "rep");
    let mut outcomes = Vec::new();
    for f in kill_points(0x5eed_0002, Duration::from_millis(400)) {
        tc.run(&args(&into_a)).expect_code(0);
        // The report is staged in a hidden sibling of `rep` (`.rep.tmp-<pid>`).
        let finished = run_and_kill(&tc, &args(&into_b), f, full, tc.dir.path());
        // The directory is the old report or the new one, file for file: nothing partial,
        // no mix of the two, no staging file inside.
        let now = snapshot(&tc.path("rep"));
        let which = if now == rep_a {
            "old"
        } else if now == rep_b {
            "new"
        } else {
            let mixed: Vec<&String> = now
                .iter()
                .filter(|(n, b)| rep_a.get(*n) != Some(*b))
                .map(|(n, _)| n)
                .collect();
            panic!(
                "killed at {f:?} (run {full:?}): rep is neither report; differs from the old in {mixed:?}"
            );
        };
        // Only the killed run's hidden staging may be left beside it.
        for s in strays(tc.dir.path(), &expected) {
            assert!(s.starts_with(".rep.tmp-"), "killed at {f:?}: stray {s}");
        }
        outcomes.push((f, finished, which));
    }
    eprintln!("report of {full:?} killed at (point, finished, report): {outcomes:?}");
    tc.run(&args(&into_b)).expect_code(0);
    assert_eq!(snapshot(&tc.path("rep")), rep_b);
    // The completed run removed the killed runs' staging.
    assert_eq!(strays(tc.dir.path(), &expected), Vec::<String>::new());
}

#[test]
fn report_replaces_only_a_directory_of_its_own() {
    let tc = TestCommand::new();
    generate(&tc, "in_a", "300", "1");
    tc.run(&["ingest", "in_a", "-o", "ds", "--quiet"])
        .expect_code(0);
    // A directory holding someone else's file is refused before any work, and left alone.
    std::fs::create_dir(tc.path("mine")).unwrap();
    std::fs::write(tc.path("mine/notes.txt"), "keep me").unwrap();
    let r = tc
        .run(&["report", "ds", "--out", "mine", "--quiet"])
        .expect_code(2);
    assert!(r.stderr().contains("notes.txt"), "{}", r.stderr());
    assert_eq!(
        snapshot(&tc.path("mine")),
        BTreeMap::from([("notes.txt".to_string(), b"keep me".to_vec())])
    );
    // An earlier report is replaced: a table file the new run does not write goes with it.
    tc.run(&["report", "ds", "--out", "rep", "--quiet"])
        .expect_code(0);
    let first = snapshot(&tc.path("rep"));
    std::fs::write(tc.path("rep/tables/F99_gone.csv"), "old,table\n").unwrap();
    tc.run(&["report", "ds", "--out", "rep", "--quiet"])
        .expect_code(0);
    assert_eq!(snapshot(&tc.path("rep")), first);
    // Through a symlink, the directory it points to is replaced and the link kept.
    std::os::unix::fs::symlink("rep", tc.path("link")).unwrap();
    tc.run(&["report", "ds", "--out", "link", "--quiet"])
        .expect_code(0);
    assert!(tc.path("link").symlink_metadata().unwrap().is_symlink());
    assert_eq!(snapshot(&tc.path("link")), first);
}

/// A run that fails on a full disk (simulated by RLIMIT_FSIZE: writes past the limit fail with
/// EFBIG) exits 2, leaves the previous output as it was and removes its staging directory.
#[test]
fn full_disk_leaves_the_old_output_and_no_staging() {
    let tc = TestCommand::new();
    generate(&tc, "in_a", "300", "1");
    generate(&tc, "in_b", "3000", "2");
    tc.run(&["ingest", "in_a", "-o", "ds", "--quiet"])
        .expect_code(0);
    tc.run(&["report", "ds", "--out", "rep", "--quiet"])
        .expect_code(0);
    let (ds, rep) = (snapshot(&tc.path("ds")), snapshot(&tc.path("rep")));
    let entries = std::fs::read_dir(tc.dir.path()).unwrap().count();
    // 16 KiB: less than the new dataset's applications table and than report.html.
    const LIMIT: u64 = 16 << 10;
    let run = tc
        .run_with_file_limit(&["ingest", "in_b", "-o", "ds", "--quiet"], LIMIT)
        .expect_code(2);
    assert!(
        run.stderr().contains("writing dataset ds") && run.stderr().contains("too large"),
        "{}",
        run.stderr()
    );
    assert_eq!(snapshot(&tc.path("ds")), ds);
    assert_eq!(util::staging_entries(tc.dir.path()), Vec::<String>::new());

    tc.run(&["ingest", "in_b", "-o", "ds_b", "--quiet"])
        .expect_code(0);
    let run = tc
        .run_with_file_limit(&["report", "ds_b", "--out", "rep", "--quiet"], LIMIT)
        .expect_code(2);
    assert!(run.stderr().contains("too large"), "{}", run.stderr());
    assert_eq!(snapshot(&tc.path("rep")), rep);
    assert_eq!(util::staging_entries(tc.dir.path()), Vec::<String>::new());
    // Nothing else was left beside them (ds_b is the one new entry).
    assert_eq!(
        std::fs::read_dir(tc.dir.path()).unwrap().count(),
        entries + 1
    );
}
