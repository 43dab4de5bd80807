//! `patq sql`: the printed queries and the derived `app_facts` table, and (when Python with
//! duckdb is installed) scripts/spark_check.py running the DuckDB half of the SQL check, which
//! asserts the SQL gives every number `patq indicators` gives.
//!
//! The DuckDB check skips with a notice when `python3 -c "import duckdb"` fails, unless
//! `PATQ_SQL_CHECK=1` is set, which makes a missing duckdb a failure (CI sets it after
//! `pip install duckdb`; CI alone does not, so a runner without Python still builds). The
//! Spark half is run by hand (docs/DISTRIBUTED.md): pyspark is ~300 MB and its JVM start
//! alone takes ~14 s here.

use crate::util;

use std::path::Path;
use std::process::Command;

use util::TestCommand;

#[test]
fn sql_writes_app_facts_and_prints_every_query() {
    let t = TestCommand::new();
    let fixture = patq_testkit::workspace_root().join("tests/fixtures/lens_current_drones.csv");
    t.run(&["ingest", fixture.to_str().unwrap(), "-o", "ds", "-q"])
        .expect_code(0);
    let out = t
        .run(&["sql", "--dialect", "spark", "--dataset", "ds"])
        .expect_code(0)
        .stdout();
    assert!(t.path("ds/app_facts.parquet").exists());
    // No temporary file is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(t.path("ds"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
    for id in [
        "F2_grants_by_country",
        "F3_families",
        "F4_citations",
        "F5_international",
        "F6_trend",
        "F7_office_grant_trend",
        "T1_company_size_bands",
        "F9_citation_bands",
        "F10_family_size_bands",
        "T2_quality_index",
    ] {
        assert!(out.contains(&format!("-- query: {id}\n")), "{id} missing");
    }
    assert!(out.contains("USING parquet OPTIONS (path '"));
    // The dataset still loads as before: app_facts is an extra file, not a table of the manifest.
    t.run(&["info", "ds"]).expect_code(0);
    // A parameter that could break out of a string literal is refused.
    let bad = t.run(&["sql", "--grant-office", "CN' OR '1"]);
    assert_eq!(bad.code(), 2);
}

fn duckdb_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("PATQ_SQL_CHECK").is_none(),
            "PATQ_SQL_CHECK is set but python3 cannot import duckdb (pip install duckdb)"
        );
        eprintln!("SKIPPED DuckDB SQL check: python3 with duckdb not found (pip install duckdb)");
    }
    ok
}

fn check(t: &TestCommand, dataset: &Path) {
    let script = patq_testkit::workspace_root().join("scripts/spark_check.py");
    let out = Command::new("python3")
        .arg(script)
        .args(["--patq", env!("CARGO_BIN_EXE_patq"), "--engines", "duckdb"])
        .arg("--dataset")
        .arg(dataset)
        .arg("--work")
        .arg(t.path("check"))
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("duckdb: 0 differences"),
        "SQL check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn duckdb_sql_equals_patq_on_a_synthetic_corpus() {
    if !duckdb_available() {
        return;
    }
    let t = TestCommand::new();
    t.run(&["generate", "--applications", "20000", "-o", "gen", "-q"])
        .expect_code(0);
    t.run(&["ingest", "gen/synthetic-lens.csv", "-o", "ds", "-q"])
        .expect_code(0);
    check(&t, &t.path("ds"));
}

#[test]
fn duckdb_sql_equals_patq_on_patstat_blockchain() {
    checked_shared_file(
        "duckdb_sql_equals_patq_on_patstat_blockchain",
        "blockchain-patstat-denter/raw_data_2020_autumn.csv",
    );
}

/// Ingests `file` of ../shared/data and runs [`check`] on it; None when the file or DuckDB is
/// missing (each prints its skip notice, or fails under CI).
fn checked_shared_file(test: &str, file: &str) -> Option<TestCommand> {
    let src = patq_testkit::shared_file(test, file)?;
    if !duckdb_available() {
        return None;
    }
    let t = TestCommand::new();
    t.run(&["ingest", src.to_str().unwrap(), "-o", "ds", "-q"])
        .expect_code(0);
    check(&t, &t.path("ds"));
    Some(t)
}

/// A landscape unlike the reference's: F7's office (US, the busiest) and T2's threshold (no
/// group has more than 100 applications, so it comes from the data) are chosen by the SQL as
/// patq chooses them.
#[test]
fn duckdb_sql_equals_patq_on_lens_drones() {
    let Some(t) = checked_shared_file(
        "duckdb_sql_equals_patq_on_lens_drones",
        "lens-csv-oldham/drones_fulltext_families_5884_raw.csv",
    ) else {
        return;
    };
    let reference = std::fs::read_to_string(t.path("check/ref/T2_quality_index.json")).unwrap();
    assert!(
        reference.contains("threshold from the data"),
        "{}",
        &reference[..reference.len().min(2000)]
    );
}
