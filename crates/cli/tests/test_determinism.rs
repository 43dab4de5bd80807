//! Determinism: two independent runs of ingest, indicators and report on the same synthetic
//! input give byte-identical Parquet, JSON, JSONL, CSV, HTML and xlsx files.

use crate::util;

use std::collections::BTreeMap;

use util::{TestCommand, snapshot};

/// One full pipeline in a fresh directory; returns every output file keyed `step/path`.
fn pipeline(layout: &str) -> BTreeMap<String, Vec<u8>> {
    let tc = TestCommand::new();
    tc.run(&[
        "generate",
        "--applications",
        "1500",
        "--seed",
        "7",
        "--layout",
        layout,
        "--out",
        "in",
        "--quiet",
    ])
    .expect_code(0);
    tc.run(&["ingest", "in", "-o", "ds", "--quiet"])
        .expect_code(0);
    tc.run(&["indicators", "ds", "--out", "ind"]).expect_code(0);
    tc.run(&["report", "ds", "--out", "rep", "--quiet"])
        .expect_code(0);
    let mut all = BTreeMap::new();
    for step in ["ds", "ind", "rep"] {
        for (name, bytes) in snapshot(&tc.path(step)) {
            all.insert(format!("{step}/{name}"), bytes);
        }
    }
    all
}

#[test]
fn two_runs_give_identical_bytes() {
    for layout in ["both", "patstat"] {
        let (a, b) = (pipeline(layout), pipeline(layout));
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{layout}: different files"
        );
        let differ: Vec<&String> = a.keys().filter(|k| a[*k] != b[*k]).collect();
        assert!(differ.is_empty(), "{layout}: files differ: {differ:?}");
        // Every kind of output the issue names is among those compared.
        for ext in [".parquet", ".json", ".jsonl", ".csv", ".html", ".xlsx"] {
            assert!(
                a.keys().any(|k| k.ends_with(ext)),
                "{layout}: no {ext} output in {:?}",
                a.keys().collect::<Vec<_>>()
            );
        }
    }
}
