//! End-to-end tests of the synthetic corpus: determinism, calibration against the published
//! figures (computed from the files as written, through the real readers), and readability by
//! the patq Lens CSV, Lens JSON and PatentsView readers.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use patq_ingest::{CollectSink, Input, lens_csv, lens_json, patentsview};
use patq_model::{PartyRole, PatentRecord, PubClass};
use patq_synth::{SynthConfig, generate_lens_csv, generate_lens_json, generate_patentsview};

fn lens(dir: &Path, applications: u64, seed: u64) -> patq_synth::SynthSummary {
    let cfg = SynthConfig { applications, seed };
    let mut calls = 0;
    let s = generate_lens_csv(&cfg, dir, &mut |_| calls += 1).expect("generate");
    assert!(calls >= 1, "progress was never reported");
    s
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    let sa = lens(a.path(), 3_000, 7);
    let sb = lens(b.path(), 3_000, 7);
    lens(c.path(), 3_000, 8);
    assert_eq!(sa.applications, 3_000);
    assert_eq!(
        (sa.applications, sa.publications, sa.citations),
        (sb.applications, sb.publications, sb.citations)
    );
    for name in ["synthetic-lens.csv", "SYNTHETIC"] {
        let x = std::fs::read(a.path().join(name)).unwrap();
        let y = std::fs::read(b.path().join(name)).unwrap();
        assert!(x == y, "{name} differs between two runs with the same seed");
    }
    let x = std::fs::read(a.path().join("synthetic-lens.csv")).unwrap();
    let z = std::fs::read(c.path().join("synthetic-lens.csv")).unwrap();
    assert!(x != z, "another seed gave the same corpus");

    let pa = tempfile::tempdir().unwrap();
    let pb = tempfile::tempdir().unwrap();
    let cfg = SynthConfig {
        applications: 3_000,
        seed: 7,
    };
    generate_patentsview(&cfg, pa.path(), &mut |_| {}).unwrap();
    let s = generate_patentsview(&cfg, pb.path(), &mut |_| {}).unwrap();
    for f in &s.files {
        let name = f.file_name().unwrap();
        let x = std::fs::read(pa.path().join(name)).unwrap();
        let y = std::fs::read(pb.path().join(name)).unwrap();
        assert!(
            x == y,
            "{name:?} differs between two runs with the same seed"
        );
    }
    // No temporary file is left behind.
    for d in [a.path(), pa.path()] {
        for e in std::fs::read_dir(d).unwrap() {
            let n = e.unwrap().file_name();
            assert!(!n.to_string_lossy().starts_with('.'), "left over: {n:?}");
        }
    }
}

#[test]
fn marker_says_synthetic() {
    let d = tempfile::tempdir().unwrap();
    let s = lens(d.path(), 500, 1);
    let marker = std::fs::read_to_string(d.path().join("SYNTHETIC")).unwrap();
    assert!(marker.starts_with("SYNTHETIC DATA - NOT REAL PATENTS"));
    assert!(marker.contains("seed: 1") && marker.contains("applications: 500"));
    assert_eq!(s.files.len(), 2);
}

/// Per-application facts derived from the merged records, as patq's analytics would.
struct AppFacts {
    country: String,
    office: String,
    granted: bool,
    utility: bool,
    cited_by: u32,
    filing_year: i32,
}

/// Reads the Lens CSV with the real reader, merges rows per application and computes the
/// facts; also returns the number of rows read and the families (union-find over priorities).
fn read_lens(path: &Path) -> (usize, Vec<AppFacts>, Vec<usize>, usize) {
    let input = Input::load(path, 0).unwrap();
    let mut sink = CollectSink::default();
    lens_csv::read(&[&input], &mut sink).unwrap();
    assert!(
        sink.rejections.is_empty(),
        "rejections: {:?}",
        &sink.rejections[..sink.rejections.len().min(3)]
    );
    assert!(sink.skips.is_empty());
    let rows = sink.records.len();
    let mut by_key: BTreeMap<patq_model::Text, PatentRecord> = BTreeMap::new();
    for r in sink.records {
        match by_key.get_mut(&r.app.key) {
            Some(existing) => {
                let conflicts = existing.merge(r);
                assert!(conflicts.is_empty(), "merge conflicts {conflicts:?}");
            }
            None => {
                by_key.insert(r.app.key.clone(), r);
            }
        }
    }
    // Union-find over application keys and priority keys (INPADOC-style families).
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut parent: Vec<usize> = Vec::new();
    fn id(k: &str, index: &mut HashMap<String, usize>, parent: &mut Vec<usize>) -> usize {
        *index.entry(k.to_string()).or_insert_with(|| {
            parent.push(parent.len());
            parent.len() - 1
        })
    }
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut facts = Vec::new();
    let mut app_ids = Vec::new();
    let mut first_filings = std::collections::HashSet::new();
    for r in by_key.values() {
        let a = id(&r.app.key, &mut index, &mut parent);
        app_ids.push(a);
        for p in &r.priorities {
            let b = id(&p.key, &mut index, &mut parent);
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            parent[ra] = rb;
        }
        let first = r
            .priorities
            .iter()
            .min_by_key(|p| p.date)
            .expect("every synthetic application claims a priority");
        first_filings.insert(first.key.clone());
        facts.push(AppFacts {
            country: first.office.to_string(),
            office: (r.publications[0].office.clone()).to_string(),
            granted: r.app.granted == Some(true),
            utility: r
                .publications
                .iter()
                .any(|p| p.class == PubClass::UtilityModel),
            cited_by: r.app.cited_by_count.unwrap_or(0),
            filing_year: r.app.filing_year.unwrap_or(0),
        });
    }
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    for a in app_ids {
        *sizes.entry(find(&mut parent, a)).or_default() += 1;
    }
    (
        rows,
        facts,
        sizes.into_values().collect(),
        first_filings.len(),
    )
}

fn share(num: usize, den: usize) -> f64 {
    num as f64 / den.max(1) as f64
}

fn assert_near(what: &str, got: f64, want: f64, tol: f64) {
    println!("{what}: {:.2}% (target {:.2}%)", got * 100.0, want * 100.0);
    assert!(
        (got - want).abs() <= tol,
        "{what}: {:.2}% is not within {:.0}pp of {:.2}%",
        got * 100.0,
        tol * 100.0,
        want * 100.0
    );
}

#[test]
fn calibrated_to_the_published_figures() {
    for seed in [42, 2024] {
        println!("seed {seed}");
        calibrated(seed);
    }
}

fn calibrated(seed: u64) {
    let d = tempfile::tempdir().unwrap();
    let s = lens(d.path(), 20_000, seed);
    let (rows, facts, families, first_filings) = read_lens(&d.path().join("synthetic-lens.csv"));
    // No two applications share a key by accident: the families found by linking priorities
    // are exactly the generated ones, one per first filing.
    assert_eq!(families.len(), first_filings);
    assert_eq!(rows as u64, s.publications, "the reader sees every row");
    assert_eq!(facts.len(), 20_000, "distinct applications");
    assert_eq!(
        facts.iter().map(|f| f.cited_by as u64).sum::<u64>(),
        s.citations
    );

    let n = facts.len();
    let of = |c: &str| facts.iter().filter(|f| f.country == c).collect::<Vec<_>>();
    let cn = of("CN");
    let us = of("US");
    let kr = of("KR");
    assert_near("CN share of applications", share(cn.len(), n), 0.57, 0.03);
    assert_near("US share of applications", share(us.len(), n), 0.18, 0.03);
    let rate = |v: &[&AppFacts]| share(v.iter().filter(|f| f.granted).count(), v.len());
    assert_near("CN grant rate", rate(&cn), 0.19, 0.03);
    assert_near("US grant rate", rate(&us), 0.26, 0.03);
    assert_near("KR grant rate", rate(&kr), 0.43, 0.03);
    let all: Vec<&AppFacts> = facts.iter().collect();
    assert_near("world grant rate", rate(&all), 0.2113, 0.03);

    let cited = facts.iter().filter(|f| f.cited_by > 0).count();
    assert_near("cited share", share(cited, n), 0.2281, 0.03);
    let cn_cited: Vec<u32> = cn.iter().map(|f| f.cited_by).filter(|&c| c > 0).collect();
    let band12 = cn_cited.iter().filter(|&&c| c <= 2).count();
    let band10 = cn_cited.iter().filter(|&&c| c > 10).count();
    assert_near(
        "CN cited 1-2 times",
        share(band12, cn_cited.len()),
        0.57,
        0.04,
    );
    assert_near(
        "CN cited > 10 times",
        share(band10, cn_cited.len()),
        0.11,
        0.03,
    );

    let multi = families.iter().filter(|&&s| s >= 2).count();
    assert_near(
        "families with >= 2 members",
        share(multi, families.len()),
        0.35,
        0.05,
    );
    let intl =
        |v: &[&AppFacts], c: &str| share(v.iter().filter(|f| f.office != c).count(), v.len());
    assert_near("CN international share", intl(&cn, "CN"), 0.23, 0.04);
    assert_near("US international share", intl(&us, "US"), 0.40, 0.05);

    // WO and utility models are never invention grants; no grant after the cut-off.
    assert!(
        facts
            .iter()
            .all(|f| !(f.granted && (f.office == "WO" || f.utility)))
    );
    assert!(facts.iter().any(|f| f.utility));
    // Filing years 2015-2020, rising every year.
    let mut per_year = BTreeMap::new();
    for f in &facts {
        *per_year.entry(f.filing_year).or_insert(0usize) += 1;
    }
    let years: Vec<i32> = per_year.keys().copied().collect();
    assert_eq!(years, (2015..=2020).collect::<Vec<_>>());
    let counts: Vec<usize> = per_year.values().copied().collect();
    assert!(counts.windows(2).all(|w| w[0] < w[1]), "{counts:?}");
}

#[test]
fn lens_rows_have_the_expected_shape() {
    let d = tempfile::tempdir().unwrap();
    lens(d.path(), 2_000, 3);
    let text = std::fs::read_to_string(d.path().join("synthetic-lens.csv")).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.starts_with("#,Jurisdiction,Kind,Display Key,Lens ID,"));
    let input = Input::from_str("synthetic-lens.csv", &text);
    assert_eq!(
        patq_ingest::detect(&input.text),
        Some(patq_ingest::Format::LensCsv)
    );
    let mut sink = CollectSink::default();
    lens_csv::read(&[&input], &mut sink).unwrap();
    let recs = &sink.records;
    // Every grant is a second row of an application that has its own publication, except US
    // patents granted before publication (B1).
    let grants = recs.iter().filter(|r| r.app.granted == Some(true)).count();
    assert!(grants > 0);
    let latest = recs
        .iter()
        .flat_map(|r| r.publications.iter().filter_map(|p| p.date))
        .max()
        .unwrap();
    assert!(latest <= chrono::NaiveDate::from_ymd_opt(2021, 6, 30).unwrap());
    for r in recs {
        assert!(
            r.parties
                .iter()
                .all(|p| p.name.starts_with("SYNTH") || p.role == patq_model::PartyRole::Inventor),
            "non-synthetic company name in {:?}",
            r.parties
        );
        assert!(
            r.app
                .abstract_text
                .as_deref()
                .unwrap_or("")
                .contains("Synthetic record")
        );
        assert!(!r.classes.is_empty());
        let p = &r.publications[0];
        if p.class == PubClass::Grant {
            let kind = p.kind.as_str();
            let ok = match p.office.as_str() {
                "US" => kind == "B1" || kind == "B2",
                "CN" => kind == "B",
                "EP" | "KR" => kind == "B1",
                "JP" => kind == "B2",
                _ => kind.starts_with('B'),
            };
            assert!(ok, "grant kind {kind} at {}", p.office);
        }
    }
}

#[test]
fn patentsview_tables_are_read_back() {
    let d = tempfile::tempdir().unwrap();
    let cfg = SynthConfig {
        applications: 5_000,
        seed: 11,
    };
    let s = generate_patentsview(&cfg, d.path(), &mut |_| {}).unwrap();
    assert!(s.applications > 50, "{s:?}");
    let inputs: Vec<Input> = s
        .files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "tsv"))
        .enumerate()
        .map(|(i, f)| Input::load(f, i as u32).unwrap())
        .collect();
    assert_eq!(inputs.len(), 7);
    let refs: Vec<&Input> = inputs.iter().collect();
    let mut sink = CollectSink::default();
    patentsview::read(&refs, &mut sink).unwrap();
    assert!(sink.rejections.is_empty(), "{:?}", &sink.rejections[..1]);
    assert_eq!(sink.records.len() as u64, s.applications);
    assert!(sink.skips.iter().all(|k| k.kind.starts_with("attached:")));
    let cites: usize = sink.records.iter().map(|r| r.citations.len()).sum();
    assert_eq!(cites as u64, s.citations);
    assert!(sink.records.iter().all(|r| r.app.granted == Some(true)));
    assert!(
        sink.records
            .iter()
            .all(|r| r.app.key.starts_with("US") && r.app.filing_date.is_some())
    );
    // Foreign-origin grants carry their priority, so they join the Lens family.
    assert!(
        sink.records
            .iter()
            .any(|r| r.priorities.iter().any(|p| p.office == "CN"))
    );
    // The PatentsView keys are the Lens keys of the same applications.
    let ld = tempfile::tempdir().unwrap();
    lens(ld.path(), 5_000, 11);
    let input = Input::load(&ld.path().join("synthetic-lens.csv"), 0).unwrap();
    let mut lsink = CollectSink::default();
    lens_csv::read(&[&input], &mut lsink).unwrap();
    let lens_granted_us: std::collections::BTreeSet<String> = lsink
        .records
        .iter()
        .filter(|r| r.app.granted == Some(true) && r.app.office == "US")
        .map(|r| r.app.key.to_string())
        .collect();
    let pv: std::collections::BTreeSet<String> =
        sink.records.iter().map(|r| r.app.key.to_string()).collect();
    assert_eq!(pv, lens_granted_us);
}

/// Reads a corpus file with `read` and merges its publications into applications by key.
fn applications(
    path: &Path,
    read: fn(&[&Input], &mut dyn patq_ingest::Sink) -> Result<(), patq_ingest::IngestError>,
) -> BTreeMap<String, PatentRecord> {
    let input = Input::load(path, 0).unwrap();
    let mut sink = CollectSink::default();
    read(&[&input], &mut sink).unwrap();
    assert!(sink.rejections.is_empty(), "{:?}", sink.rejections.first());
    let mut apps: BTreeMap<String, PatentRecord> = BTreeMap::new();
    for r in sink.records {
        match apps.get_mut(r.app.key.as_str()) {
            Some(a) => {
                let conflicts = a.merge(r);
                assert!(conflicts.is_empty(), "{conflicts:?}");
            }
            None => {
                apps.insert(r.app.key.to_string(), r);
            }
        }
    }
    apps
}

/// The Lens JSON layout is the Lens CSV corpus with citation lists: the same applications
/// with the same facts, read through the real readers, and every citation names a
/// publication of the corpus filed before the citing application.
#[test]
fn lens_json_is_the_csv_corpus_with_citation_lists() {
    let cfg = SynthConfig {
        applications: 3_000,
        seed: 7,
    };
    let c = tempfile::tempdir().unwrap();
    let j = tempfile::tempdir().unwrap();
    let j2 = tempfile::tempdir().unwrap();
    generate_lens_csv(&cfg, c.path(), &mut |_| {}).unwrap();
    let s = generate_lens_json(&cfg, j.path(), &mut |_| {}).unwrap();
    generate_lens_json(&cfg, j2.path(), &mut |_| {}).unwrap();
    let file = patq_synth::LENS_JSON_FILE;
    assert!(
        std::fs::read(j.path().join(file)).unwrap() == std::fs::read(j2.path().join(file)).unwrap(),
        "two runs with the same seed differ"
    );
    let csv = applications(&c.path().join(patq_synth::LENS_CSV_FILE), lens_csv::read);
    let json = applications(&j.path().join(file), lens_json::read);
    assert_eq!(s.applications, 3_000);
    assert_eq!(json.len(), 3_000);
    let only_csv: Vec<&String> = csv.keys().filter(|k| !json.contains_key(*k)).collect();
    let only_json: Vec<&String> = json.keys().filter(|k| !csv.contains_key(*k)).collect();
    assert!(
        only_csv.is_empty() && only_json.is_empty(),
        "only in the CSV: {:?}; only in the JSON: {:?}",
        &only_csv[..only_csv.len().min(5)],
        &only_json[..only_json.len().min(5)]
    );
    for (key, a) in &csv {
        let b = &json[key];
        assert_eq!(a.app.filing_date, b.app.filing_date, "{key}");
        assert_eq!(a.is_granted(), b.is_granted(), "{key}");
        assert_eq!(a.app.title, b.app.title, "{key}");
        assert_eq!(
            a.app.earliest_priority_date, b.app.earliest_priority_date,
            "{key}"
        );
        assert_eq!(a.app.cited_by_count, b.app.cited_by_count, "{key}");
        // The CSV also lists owners, which the JSON layout leaves out.
        let named = |r: &PatentRecord, role: PartyRole| {
            let mut v: Vec<String> = r
                .parties
                .iter()
                .filter(|p| p.role == role)
                .map(|p| p.name.to_string())
                .collect();
            v.sort();
            v
        };
        for role in [PartyRole::Applicant, PartyRole::Inventor] {
            assert_eq!(named(a, role), named(b, role), "{key}");
        }
        assert!(a.citations.is_empty());
    }
    // Publications by Lens ID, with their application's filing date.
    let mut filed: HashMap<String, (String, chrono::NaiveDate)> = HashMap::new();
    for (key, r) in &json {
        for p in &r.publications {
            let id = p
                .source_id
                .as_deref()
                .expect("every publication has a Lens ID");
            filed.insert(id.to_string(), (key.clone(), r.app.filing_date.unwrap()));
        }
    }
    let mut edges = 0u64;
    let mut cited: HashMap<&str, u32> = HashMap::new();
    for (key, r) in &json {
        for c in &r.citations {
            let id = c
                .source_id
                .as_deref()
                .expect("a citation names its Lens ID");
            let (target, date) = &filed[id];
            assert!(*date < r.app.filing_date.unwrap(), "{key} cites {target}");
            *cited.entry(target.as_str()).or_default() += 1;
            edges += 1;
        }
    }
    assert_eq!(edges, s.citations);
    assert!(edges > 1_000, "{edges}");
    // The lists never exceed the source's cited-by count.
    for (target, n) in cited {
        assert!(n <= json[target].app.cited_by_count.unwrap(), "{target}");
    }
}
