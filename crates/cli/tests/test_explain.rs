//! `patq explain` end to end: its count line must equal the number `patq indicators` prints
//! for the same filters, on the hand-made Lens fixture and on the real PATSTAT set.

use crate::util;

use patq_testkit::shared_file;
use util::TestCommand;

fn fixture(rel: &str) -> String {
    format!("{}/../../tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// The count at the start of explain's first line ("N applications ...").
fn count(t: &TestCommand, args: &[&str]) -> u64 {
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    let run = t.run(&all).expect_code(0);
    let out = run.stdout();
    let first = out.lines().next().unwrap_or_default();
    let n = first
        .strip_suffix(" applications")
        .or_else(|| first.split(" applications (").next())
        .and_then(|n| n.parse().ok());
    n.unwrap_or_else(|| panic!("no count line in\n{out}"))
}

/// `(country, column)` cells of an indicator CSV, by header name: the first `max` country
/// rows (largest first) and WORLD, so a test on real data runs a bounded number of commands.
fn column(csv: &str, name: &str, max: usize) -> Vec<(String, u64)> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let k = header.iter().position(|h| *h == name).unwrap();
    let cells: Vec<(String, u64)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[k].parse().unwrap())
        })
        .collect();
    let (world, countries) = cells.split_last().unwrap();
    assert_eq!(world.0, "WORLD");
    let mut out: Vec<_> = countries.iter().take(max).cloned().collect();
    out.push(world.clone());
    out
}

/// For the country rows (and WORLD) of F2, F4 and F5, explain with `--country` must list
/// exactly as many applications as the indicator counts.
fn assert_counts_agree(t: &TestCommand, ds: &str, ind: &str, extra: &[&str], max: usize) {
    for (file, col, spec) in [
        ("F2_grants_by_country.csv", "grants", "F2:grants"),
        ("F4_citations.csv", "cited", "F4:cited"),
        ("F5_international.csv", "international", "F5:international"),
        ("F2_grants_by_country.csv", "applications", "F2"),
    ] {
        let csv = std::fs::read_to_string(t.path(&format!("{ind}/{file}"))).unwrap();
        for (country, n) in column(&csv, col, max) {
            let mut args = vec![ds, spec];
            if country != "WORLD" {
                args.extend(["--country", &country]);
            }
            args.extend_from_slice(extra);
            assert_eq!(count(t, &args), n, "{spec} {country} {extra:?}");
        }
    }
}

#[test]
fn lens_fixture_counts_match_indicators() {
    let t = TestCommand::new();
    t.run(&[
        "ingest",
        &fixture("lens_current_drones.csv"),
        "--out",
        "ds",
        "--quiet",
    ])
    .expect_code(0);
    t.run(&["indicators", "ds", "--out", "ind"]).expect_code(0);
    // 14 rows merge into 11 applications. Granted = an invention-grant publication: US
    // 16/123,456 (B2), EP 18765432 (B1), US 16/777,888 (B1) = 3. Cited (cited-by > 0): US
    // 16/123,456, EP 18765432, KR, both CN, the US design = 6. International: the WO filing of
    // the US company and the EP filing of VOLANTIS (FR priority) = 2.
    assert_eq!(count(&t, &["ds", "F2:grants"]), 3);
    assert_eq!(count(&t, &["ds", "F4:cited"]), 6);
    assert_eq!(count(&t, &["ds", "F5:international"]), 2);
    assert_eq!(count(&t, &["ds", "F5:international", "--country", "US"]), 1);
    assert_counts_agree(&t, "ds", "ind", &[], usize::MAX);

    // The listed rows are the ones counted: the three grant keys.
    let run = t
        .run(&["explain", "ds", "F2:grants", "--format", "csv"])
        .expect_code(0);
    assert!(run.stderr().contains("3 applications"), "{}", run.stderr());
    let keys: Vec<String> = run
        .stdout()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["EP18765432", "US16123456", "US16777888"]);

    // F3:multi: the source's Extended Family Size decides. Two or more members: the US
    // application with its WO filing (6), EP 18765432 (3), KR 20180089012 (2) and CN
    // 201910345678 (2) = 4 families, 5 applications; the others state 1 (GB states none and
    // has no link in the file).
    let run = t.run(&["explain", "ds", "F3:multi"]).expect_code(0);
    let out = run.stdout();
    assert!(out.starts_with("5 applications (4 families)"), "{out}");
    assert!(out.contains("US16123456") && out.contains("WOUS2018054321"));
    assert!(out.contains("source family sizes"), "{out}");

    // JSON carries the same count and one row per application.
    let run = t
        .run(&["explain", "ds", "F4:cited", "--format", "json"])
        .expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(v["applications"], 6);
    assert_eq!(v["rows"].as_array().unwrap().len(), 6);
    assert!(
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["cited_by"].as_u64() > Some(0))
    );

    // --group takes a raw name and harmonises it: SKYHOLD's US application, its WO filing
    // and its US design; T1 counts the 8 named companies of the 10 applications with one.
    assert_eq!(
        count(&t, &["ds", "F2", "--group", "Skyhold Robotics Inc"]),
        3
    );
    let run = t.run(&["explain", "ds", "T1:1-9"]).expect_code(0);
    assert!(run.stdout().starts_with("10 applications (8 companies)\n"));

    // --limit cuts the table, not the count.
    let run = t
        .run(&["explain", "ds", "F2", "--limit", "2"])
        .expect_code(0);
    let out = run.stdout();
    assert!(out.starts_with("11 applications\n"), "{out}");
    assert!(out.contains("... 9 more"), "{out}");
}

#[test]
fn unknown_spec_lists_valid_specs() {
    let t = TestCommand::new();
    // The spec is checked before the dataset is read, so no dataset is needed.
    let run = t.run(&["explain", "missing", "F8"]).expect_code(2);
    let err = run.stderr();
    assert!(err.contains("unknown indicator spec \"F8\""), "{err}");
    assert!(
        err.contains("F9:<band>") && err.contains("1-2 | 3-10 | >=11"),
        "{err}"
    );
}

#[test]
fn patstat_counts_match_and_missing_fields_are_errors() {
    let Some(t) = util::ingested(
        "explain_patstat",
        "blockchain-patstat-denter/raw_data_2020_autumn.csv",
    ) else {
        return;
    };
    t.run(&["indicators", "ds", "--out", "ind", "--from", "2018"])
        .expect_code(0);
    // PATSTAT has no applicants, so the company country comes from the filing or receiving
    // office and only WO filings are international: measured 915 for CN (all years).
    assert_eq!(
        count(&t, &["ds", "F5:international", "--country", "CN"]),
        915
    );
    // Filing years per SOURCE.md.
    assert_eq!(count(&t, &["ds", "F6:2018"]), 7817);
    // Families > 10 members: measured 184 families, 3001 applications (F10 says 184).
    let run = t.run(&["explain", "ds", "F10:>10"]).expect_code(0);
    assert!(
        run.stdout().starts_with("3001 applications (184 families)"),
        "{}",
        run.stdout()
    );
    // Every country row agrees with `indicators --from 2018` (F5 and F2 applications; grants
    // and citations are not available, checked below).
    let csv = std::fs::read_to_string(t.path("ind/F5_international.csv")).unwrap();
    for (country, n) in column(&csv, "international", 4) {
        let mut args = vec!["ds", "F5:international", "--from", "2018"];
        if country != "WORLD" {
            args.extend(["--country", &country]);
        }
        assert_eq!(count(&t, &args), n, "F5 {country}");
    }
    let run = t.run(&["explain", "ds", "F2:grants"]).expect_code(2);
    assert!(
        run.stderr()
            .contains("F2:grants: not available: the dataset has no grant status"),
        "{}",
        run.stderr()
    );
}

#[test]
fn lens_drones_counts_match_under_a_topic() {
    let Some(src) = shared_file(
        "explain_drones_topic",
        "lens-csv-oldham/drones_fulltext_families_5884_raw.csv",
    ) else {
        return;
    };
    let t = TestCommand::new();
    t.run(&["ingest", src.to_str().unwrap(), "--out", "ds", "--quiet"])
        .expect_code(0);
    t.write("drone.topic", "drone*\n");
    t.run(&["indicators", "ds", "--out", "ind", "--topic", "drone.topic"])
        .expect_code(0);
    // The topic narrows explain exactly as it narrows the indicators (655 title matches, see
    // test_indicators.rs); the topic line goes to stderr so stdout starts with the count.
    let run = t
        .run(&[
            "explain",
            "ds",
            "F2",
            "--topic",
            "drone.topic",
            "--limit",
            "1",
        ])
        .expect_code(0);
    assert!(
        run.stdout().starts_with("655 applications\n"),
        "{}",
        run.stdout()
    );
    assert!(
        run.stderr()
            .contains("topic drone.topic: 655 of 5880 applications match"),
        "{}",
        run.stderr()
    );
    assert_counts_agree(&t, "ds", "ind", &["--topic", "drone.topic"], 3);
}
