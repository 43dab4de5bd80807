//! `patq report` end to end: the default run on the built-in synthetic corpus (labelled
//! synthetic, self-contained, deterministic) and the real PATSTAT and Lens drones sets.

use crate::util;

use patq_testkit::external_refs;

use util::TestCommand;

#[test]
fn default_report_is_synthetic_self_contained_and_deterministic() {
    let t = TestCommand::new();
    let run = t
        .run(&["report", "--out", "a", "--applications", "3000", "--quiet"])
        .expect_code(0);
    assert!(
        run.stdout().contains("SYNTHETIC DATA: report:"),
        "{}",
        run.stdout()
    );
    let html = std::fs::read_to_string(t.path("a/report.html")).unwrap();
    assert!(html.contains("<title>SYNTHETIC DATA"));
    assert!(html.contains("class=\"synthetic\""));
    assert!(
        external_refs(&html).is_empty(),
        "{:?}",
        external_refs(&html)
    );
    // The report is static: not even an inline script.
    assert!(!html.contains("<script"));
    // Every figure of the suite plus T2/F11 has a section; most draw a chart.
    for id in [
        "f2-grants-by-country",
        "f3-families",
        "f4-citations",
        "f5-international",
        "f6-trend",
        "f7-office-grant-trend",
        "f8-international-offices",
        "f9-citation-bands",
        "f10-family-size-bands",
        "f12-top-company-trend",
        "t1-company-size-bands",
        "t3-industries",
        "f13-17-scenarios",
        "p-company-profiles",
        "t2-quality-index",
        "f11-top-countries",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{id}\"")),
            "{id} missing"
        );
    }
    assert!(html.matches("<svg").count() >= 15, "too few charts");
    // The built-in corpus carries citation lists, so no panel is left without data.
    assert!(
        run.stdout().contains(", 0 with a not-available panel)"),
        "{}",
        run.stdout()
    );
    assert!(!html.contains("not available"));
    let f4 = std::fs::read_to_string(t.path("a/tables/F4_citations.csv")).unwrap();
    assert!(
        f4.lines().skip(1).all(|l| l.ends_with(",citation lists")),
        "{f4}"
    );
    // Each synthetic figure carries the label, not only the banner.
    assert!(html.matches("<span class=\"tag\">SYNTHETIC</span>").count() > 20);
    let xlsx = std::fs::read(t.path("a/report.xlsx")).unwrap();
    assert_eq!(&xlsx[..2], b"PK");
    let f2 = std::fs::read_to_string(t.path("a/tables/F2_grants_by_country.csv")).unwrap();
    assert!(f2.starts_with("country,applications,grants,grant_rate\n"));
    assert!(f2.lines().any(|l| l.starts_with("WORLD,3000,")), "{f2}");

    // Same input, same bytes: report again from the dataset the first run generated.
    t.run(&["report", "a/synthetic/dataset", "--out", "b", "--quiet"])
        .expect_code(0);
    for f in [
        "report.xlsx",
        "tables/T2_quality_index.csv",
        "tables/F4_citations.json",
    ] {
        assert_eq!(
            std::fs::read(t.path(&format!("a/{f}"))).unwrap(),
            std::fs::read(t.path(&format!("b/{f}"))).unwrap(),
            "{f} differs between runs"
        );
    }
    // The HTML names its dataset path, which differs; everything else is identical.
    let html_b = std::fs::read_to_string(t.path("b/report.html")).unwrap();
    assert_eq!(
        html.replace("a/synthetic/dataset", "DS"),
        html_b
            .replace(&t.path("a/synthetic/dataset").display().to_string(), "DS")
            .replace("a/synthetic/dataset", "DS")
    );
}

#[test]
fn patstat_report_shows_not_available_panels() {
    let Some(t) = util::ingested(
        "report_patstat",
        "blockchain-patstat-denter/raw_data_2020_autumn.csv",
    ) else {
        return;
    };
    let run = t
        .run(&["report", "ds", "--out", "rep", "--quiet"])
        .expect_code(0);
    assert!(!run.stdout().contains("SYNTHETIC"), "{}", run.stdout());
    let html = std::fs::read_to_string(t.path("rep/report.html")).unwrap();
    assert!(!html.contains("SYNTHETIC"));
    assert!(external_refs(&html).is_empty());
    assert!(!html.contains("<script"));
    // No grant status in the extract: F2 says so instead of printing zero grants.
    assert!(html.contains("not available: needs grant status"));
    // F6 still draws the real yearly counts (SOURCE.md: 2018 7817, 2019 7952, 2020 919).
    let f6 = std::fs::read_to_string(t.path("rep/tables/F6_trend.csv")).unwrap();
    assert!(f6.contains("2019,7952,"), "{f6}");
    // The data-quality section comes first and says what the figures stand on; F18 is drawn.
    let dq = html
        .find("<section id=\"dq-field-coverage\"")
        .expect("coverage section");
    assert!(dq < html.find("<section id=\"f2-grants-by-country\"").unwrap());
    let cov = std::fs::read_to_string(t.path("rep/tables/DQ_field_coverage.csv")).unwrap();
    assert!(
        cov.contains("\nfiling year,25097,25097,1.0000,")
            && cov.contains("\ncitation lists,0,25097,0.0000,"),
        "{cov}"
    );
    assert!(html.contains("<section id=\"f18-first-filings\""));
    let f18 = std::fs::read_to_string(t.path("rep/tables/F18_first_filings.csv")).unwrap();
    assert!(f18.ends_with("\nTOTAL,9488,535,1.0000\n"), "{f18}");
}

#[test]
fn lens_drones_report_renders_grants_and_industries() {
    let Some(t) = util::ingested(
        "report_lens",
        "lens-csv-oldham/drones_fulltext_families_5884_raw.csv",
    ) else {
        return;
    };
    t.run(&["report", "ds", "--out", "rep", "--quiet"])
        .expect_code(0);
    let f2 = std::fs::read_to_string(t.path("rep/tables/F2_grants_by_country.csv")).unwrap();
    // 5,880 applications, 1,552 granted (1,539 Lens "Granted Patent" + 13 grants by kind code
    // that Lens types "unknown"; see crates/indicators/tests/lens_figures_real.rs).
    assert!(
        f2.lines().any(|l| l.starts_with("WORLD,5880,1552,")),
        "{f2}"
    );
    let html = std::fs::read_to_string(t.path("rep/report.html")).unwrap();
    assert!(html.contains("<section id=\"t3-industries\""));
    assert!(html.matches("<svg").count() >= 10);
    // A drones landscape gets WIPO's technology fields, and nothing of blockchain.
    assert!(html.contains("Mechanical engineering: Transport"));
    assert!(
        !html.to_lowercase().contains("blockchain"),
        "blockchain wording"
    );
    assert!(
        html.contains("core not available: needs a core-technology rule: the wipo taxonomy"),
        "the core dimension's drop is not stated"
    );
    // The dataset was ingested from an absolute path and lives in an absolute temp dir;
    // neither reaches what the report shows others: the source by its file name only.
    let src = patq_testkit::shared_file("report_lens", "lens-csv-oldham").unwrap();
    let absolute = [
        src.display().to_string(),
        std::fs::canonicalize(&src).unwrap().display().to_string(),
        t.path("").display().to_string(),
        std::fs::canonicalize(t.path(""))
            .unwrap()
            .display()
            .to_string(),
    ];
    // The template escapes '/' in text; read the page as a person would.
    let html = html.replace("&#x2f;", "/");
    assert!(
        html.contains("drones_fulltext_families_5884_raw.csv (lens-csv"),
        "source not named"
    );
    let xlsx = xlsx_text(&t.path("rep/report.xlsx"));
    assert!(xlsx.contains("drones_fulltext_families_5884_raw.csv (lens-csv"));
    for a in &absolute {
        assert!(!html.contains(a.as_str()), "report.html shows {a}");
        assert!(!xlsx.contains(a.as_str()), "report.xlsx shows {a}");
    }
}

/// Every XML part of a workbook, uncompressed and joined.
fn xlsx_text(path: &std::path::Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        std::io::Read::read_to_string(&mut part, &mut all).unwrap();
    }
    all
}

/// A landscape far smaller than the reference report's still gets a quality index: no company
/// of the drones or jet-engine exports has more than 100 applications, so the threshold is
/// lowered to the largest that admits 10 companies, and the rule is stated.
#[test]
fn small_lens_landscapes_get_a_ranked_quality_index() {
    for (name, file, threshold, ranked) in [
        (
            "t2_drones",
            "lens-csv-oldham/drones_fulltext_families_5884_raw.csv",
            28,
            10,
        ),
        ("t2_jets", "lens-csv-jetengines/lens-export.csv", 21, 11),
    ] {
        let Some(t) = util::ingested(name, file) else {
            return;
        };
        let out = t
            .run(&["rank", "ds", "--out", "rk"])
            .expect_code(0)
            .stdout();
        assert!(
            out.contains(&format!(
                "more than {threshold} applications, {ranked} companies"
            )),
            "{out}"
        );
        let t2 = std::fs::read_to_string(t.path("rk/T2_quality_index.csv")).unwrap();
        let rows: Vec<&str> = t2.lines().skip(1).collect();
        assert_eq!(rows.len(), ranked, "{t2}");
        // Every ranked company has its rank intervals (weights and bootstrap, p5 and p95).
        for row in rows {
            let cells: Vec<&str> = row.split(',').collect();
            let n = cells.len();
            assert!(
                cells[n - 8..].iter().all(|c| c.parse::<u32>().is_ok()),
                "{row}"
            );
            assert!(cells[3].parse::<u32>().unwrap() > threshold, "{row}");
        }
        // The reference preset keeps the report's fixed threshold: nobody is ranked.
        let reference = t
            .run(&["rank", "ds", "--preset", "reference"])
            .expect_code(0)
            .stdout();
        assert!(
            reference.contains("Quality index (reference): 0 companies with more than 100"),
            "{reference}"
        );
        // The whole report of either landscape says nothing of blockchain, and its T2 table
        // has the ranked companies with the rule beside it.
        t.run(&["report", "ds", "--out", "rep", "--quiet"])
            .expect_code(0);
        let html = std::fs::read_to_string(t.path("rep/report.html")).unwrap();
        assert!(!html.to_lowercase().contains("blockchain"), "{name}");
        assert!(html.contains("threshold from the data"), "{name}");
    }
}

/// T3 by WIPO technology fields on both Lens exports, against counts made independently in
/// python from the raw files' CPC and IPCR columns and WIPO's concordance CSV (prefix match
/// after removing spaces; an application counted once per field). On the drones file the
/// rows AU 2000/022464 A and D are one application, as patq reads them.
#[test]
fn t3_technology_fields_match_an_independent_count() {
    for (name, file, expected) in [
        (
            "t3_drones",
            "lens-csv-oldham/drones_fulltext_families_5884_raw.csv",
            &[
                ("f32", 1535),
                ("f10", 1038),
                ("f06", 1058),
                ("f22", 11),
                ("f28", 14),
                ("unclassified", 41),
            ][..],
        ),
        (
            "t3_jets",
            "lens-csv-jetengines/lens-export.csv",
            &[
                ("f27", 2055),
                ("f32", 584),
                ("f23", 336),
                ("f24", 337),
                ("f06", 44),
                ("f22", 6),
                ("unclassified", 16),
            ][..],
        ),
    ] {
        let Some(t) = util::ingested(name, file) else {
            return;
        };
        let out = t.run(&["indicators", "ds", "--out", "ind"]).expect_code(0);
        assert!(out.stdout().contains("taxonomy wipo"), "{}", out.stdout());
        let t3 = std::fs::read_to_string(t.path("ind/T3_industries.csv")).unwrap();
        for (field, apps) in expected {
            let row = t3
                .lines()
                .find(|l| l.starts_with(&format!("{field},")))
                .unwrap_or_else(|| panic!("{field} missing:\n{t3}"));
            // industry,name,companies,applications,... with quoted names holding commas.
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(row.as_bytes());
            let rec = r.records().next().unwrap().unwrap();
            assert_eq!(rec[3].parse::<u64>().unwrap(), *apps, "{name} {row}");
        }
        // With the drones profile the core dimension is back, ruled by B64C39/02 or B64U.
        let ranked = t
            .run(&["rank", "ds", "--taxonomy", "drones"])
            .expect_code(0)
            .stdout();
        assert!(!ranked.contains("core not available"), "{ranked}");
    }
}
