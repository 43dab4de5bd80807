//! `patq indicators` end to end: on the real PATSTAT set (no grant status, no applicants) and
//! on a small synthetic corpus (grants present).

mod util;

use patq_testkit::shared_file;
use util::TestCommand;

#[test]
fn patstat_says_not_available_instead_of_zeros() {
    let Some(src) = shared_file(
        "indicators_patstat",
        "blockchain-patstat-denter/raw_data_2020_autumn.csv",
    ) else {
        return;
    };
    let t = TestCommand::new();
    t.run(&["ingest", src.to_str().unwrap(), "--out", "ds", "--quiet"])
        .expect_code(0);
    t.run(&["indicators", "ds", "--out", "ind"]).expect_code(0);
    let f2 = std::fs::read_to_string(t.path("ind/F2_grants_by_country.csv")).unwrap();
    assert!(f2.contains("not available: needs grant status"), "{f2}");
    let f6 = std::fs::read_to_string(t.path("ind/F6_trend.csv")).unwrap();
    // Filing years per SOURCE.md.
    for line in ["2018,7817,", "2019,7952,", "2020,919,"] {
        assert!(f6.contains(line), "{line} missing in\n{f6}");
    }
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(t.path("ind/F2_grants_by_country.json")).unwrap(),
    )
    .unwrap();
    assert!(
        json["definition"].as_str().is_some_and(|d| !d.is_empty()),
        "{json}"
    );
    // A year filter narrows the selection.
    let run = t
        .run(&[
            "indicators",
            "ds",
            "--out",
            "ind2018",
            "--from",
            "2018",
            "--to",
            "2018",
        ])
        .expect_code(0);
    assert!(
        run.stdout()
            .contains("indicators for 7817 of 25097 applications"),
        "{}",
        run.stdout()
    );
}

#[test]
fn synthetic_corpus_has_grant_rates_and_is_labelled() {
    let t = TestCommand::new();
    t.run(&[
        "generate",
        "--applications",
        "3000",
        "--seed",
        "5",
        "--out",
        "corpus",
        "--quiet",
    ])
    .expect_code(0);
    t.run(&["ingest", "corpus", "--out", "ds", "--quiet"])
        .expect_code(0);
    let run = t.run(&["indicators", "ds", "--out", "ind"]).expect_code(0);
    assert!(
        run.stdout()
            .starts_with("SYNTHETIC DATA: indicators for 3000 of 3000"),
        "{}",
        run.stdout()
    );
    let f2 = std::fs::read_to_string(t.path("ind/F2_grants_by_country.csv")).unwrap();
    let world = f2
        .lines()
        .find(|l| l.starts_with("WORLD,"))
        .expect("world row");
    let rate: f64 = world.rsplit(',').next().unwrap().parse().unwrap();
    // The generator is calibrated to the report's world grant rate of 21.13%.
    assert!((0.15..0.28).contains(&rate), "{world}");
}
