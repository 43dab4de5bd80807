//! The OECD preset on the real shared datasets: which of its four components each source can
//! give, and the ranking (or the typed error) that follows.

use crate::common;

use std::path::{Path, PathBuf};

use patq_enrich::{Harmonizer, Taxonomy};
use patq_indicators::{Corpus, Filters};
use patq_ingest::{IngestError, Input, Sink, lens_csv, lens_json, patstat, uspto_xml};
use patq_rank::{Preset, RankError, Ranking, rank};
use patq_testkit::shared_data;

type Reader = fn(&[&Input], &mut dyn Sink) -> Result<(), IngestError>;

/// The OECD ranking of every application of `files`, companies with more than `min`.
fn oecd(files: &[PathBuf], reader: Reader, min: u64) -> Result<Ranking, RankError> {
    let recs = common::read_merged(files, reader);
    let c = Corpus::build(&recs, &Harmonizer::default());
    let sel = c.select(&Filters::default());
    let mut cfg = Preset::Oecd.config().unwrap();
    cfg.min_applications = min;
    cfg.top = 5;
    println!(
        "{} applications, citation method {}, edges {:?}",
        sel.len(),
        c.citation_method.as_str(),
        c.citation_stats.as_ref().map(|s| s.edges)
    );
    let r = rank(&c, &sel, &cfg, &Taxonomy::default());
    match &r {
        Ok(r) => print!("{}", r.to_table_string(5)),
        Err(e) => println!("{e}"),
    }
    r
}

fn files(dir: &Path, sub: &str, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext)))
        .collect();
    v.sort();
    v
}

#[test]
fn oecd_on_real_sources() {
    let Some(d) = shared_data("oecd_on_real_sources") else {
        return;
    };
    // Lens CSV (2015/16 schema): a cited-by count but no citation lists, no claim counts.
    println!("== Lens CSV drones");
    let only_family = |e: RankError| match e {
        RankError::OecdComponents { available, missing } => {
            assert_eq!(available, "family size");
            assert!(missing.starts_with("forward citations within 5 years (needs citation lists"));
            assert!(missing.contains("; claims (needs claim counts); generality (needs"));
        }
        e => panic!("unexpected error {e}"),
    };
    only_family(oecd(&files(&d, "lens-csv-oldham", "csv"), lens_csv::read, 20).unwrap_err());
    // The PATSTAT extract (tls201 only): no citations, claims or classes.
    println!("== PATSTAT blockchain");
    only_family(
        oecd(
            &[d.join("blockchain-patstat-denter/raw_data_2020_autumn.csv")],
            patstat::read,
            100,
        )
        .unwrap_err(),
    );
    // USPTO grants carry claims and citation lists, but no citation links two documents of
    // this small set: family size and claims only.
    println!("== USPTO XML");
    let r = oecd(&files(&d, "uspto-xml", "xml"), uspto_xml::read, 1).unwrap();
    let known = |r: &Ranking| -> Vec<(bool, u64)> {
        r.oecd
            .as_ref()
            .unwrap()
            .components
            .iter()
            .map(|i| (i.availability.is_available(), i.known))
            .collect()
    };
    assert_eq!(r.applications, 302);
    assert_eq!(
        known(&r),
        [(false, 0), (true, 302), (true, 302), (false, 0)]
    );
    assert_eq!(r.rows.len(), 20);
    assert!(r.rows.iter().all(|x| (0.0..=100.0).contains(&x.score)));
    println!("== Lens JSON");
    let r = oecd(&files(&d, "lens-api-jsonl", "jsonl"), lens_json::read, 0).unwrap();
    assert_eq!(known(&r), [(false, 0), (true, 8), (true, 2), (false, 0)]);
}
