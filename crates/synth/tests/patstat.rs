//! The PATSTAT layout of the synthetic corpus: deterministic bytes, read back by the real
//! PATSTAT reader without rejections, citation edges only to earlier-filed applications of
//! the corpus, and a cited share in line with the calibrated F4 rate.

use std::collections::{BTreeSet, HashMap};

use patq_ingest::{CollectSink, Input, patstat};
use patq_synth::{SynthConfig, generate_patstat};

const N: u64 = 4_000;

#[test]
fn same_seed_same_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let cfg = SynthConfig {
        applications: N,
        seed: 3,
    };
    let sa = generate_patstat(&cfg, a.path(), &mut |_| {}).unwrap();
    let sb = generate_patstat(&cfg, b.path(), &mut |_| {}).unwrap();
    assert_eq!(sa.applications, N);
    assert_eq!(sa.files.len(), 8, "seven tables and the marker");
    assert_eq!(
        (sa.publications, sa.citations),
        (sb.publications, sb.citations)
    );
    for f in &sa.files {
        let name = f.file_name().unwrap();
        let x = std::fs::read(a.path().join(name)).unwrap();
        let y = std::fs::read(b.path().join(name)).unwrap();
        assert!(
            x == y,
            "{name:?} differs between two runs with the same seed"
        );
    }
    let marker = std::fs::read_to_string(a.path().join("SYNTHETIC")).unwrap();
    assert!(marker.starts_with("SYNTHETIC DATA - NOT REAL PATENTS"));
}

#[test]
fn read_back_with_edges_to_earlier_applications() {
    let d = tempfile::tempdir().unwrap();
    let cfg = SynthConfig {
        applications: N,
        seed: 11,
    };
    let s = generate_patstat(&cfg, d.path(), &mut |_| {}).unwrap();
    let inputs: Vec<Input> = s
        .files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "csv"))
        .enumerate()
        .map(|(i, f)| Input::load(f, i as u32).unwrap())
        .collect();
    let refs: Vec<&Input> = inputs.iter().collect();
    let mut sink = CollectSink::default();
    patstat::read(&refs, &mut sink).unwrap();
    assert!(
        sink.rejections.is_empty(),
        "rejections: {:?}",
        &sink.rejections[..sink.rejections.len().min(3)]
    );
    let recs = sink.records;
    assert_eq!(recs.len() as u64, N);

    // Publication source id -> (application index, filing date).
    let mut by_pub = HashMap::new();
    for (i, r) in recs.iter().enumerate() {
        for p in &r.publications {
            by_pub.insert(
                p.source_id.clone().unwrap(),
                (i, r.app.filing_date.unwrap()),
            );
        }
    }
    let mut edges = 0u64;
    let mut outside = 0u64;
    let mut cited: BTreeSet<usize> = BTreeSet::new();
    for (i, r) in recs.iter().enumerate() {
        for c in &r.citations {
            match by_pub.get(c.source_id.as_deref().unwrap()) {
                Some(&(j, filed)) => {
                    assert_ne!(i, j, "self-citation");
                    assert!(filed < r.app.filing_date.unwrap(), "edge to a later filing");
                    edges += 1;
                    cited.insert(j);
                }
                None => outside += 1,
            }
        }
    }
    assert_eq!(edges, s.citations, "every edge the writer counted resolves");
    assert!(edges > 0);
    // Outside citations: uniform 0..=16 per application, mean 8.
    let per_app = outside as f64 / N as f64;
    assert!(
        (7.0..9.0).contains(&per_app),
        "outside citations per application {per_app}"
    );
    // F4: 22.81% of applications cited worldwide; the youngest filings have few later
    // applications left to cite them, so the in-corpus share is somewhat lower.
    let rate = cited.len() as f64 / N as f64;
    assert!((0.15..0.26).contains(&rate), "cited share {rate}");

    // Families: every extension claims its family's first filing.
    let multi = recs.iter().filter(|r| !r.priorities.is_empty()).count();
    assert!(multi > 0 && multi < recs.len());
    for r in &recs {
        for p in &r.priorities {
            assert!(
                !p.key.starts_with("PATSTAT:"),
                "priority outside the corpus"
            );
        }
    }
}
