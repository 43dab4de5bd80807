//! Forward citations inverted from the real USPTO XML and EPO OPS files. These samples are
//! small and unrelated (a few hundred grants of different weeks, one EP family), so their
//! citations point outside the dataset: the test pins how many citations were seen and that
//! none was resolved by mistake, counts checked independently with python.

use std::collections::HashMap;

use patq_enrich::{CitationGraph, CitationStats, Families};
use patq_ingest::{CollectSink, Input, epo_ops, uspto_xml};
use patq_model::PatentRecord;
use patq_testkit::{shared_data, shared_file};

/// One record per application key, as the store merges them.
fn merged(records: Vec<PatentRecord>) -> Vec<PatentRecord> {
    let mut by_key: HashMap<patq_model::Text, usize> = HashMap::new();
    let mut out: Vec<PatentRecord> = Vec::new();
    for r in records {
        match by_key.get(&r.app.key) {
            Some(&i) => {
                out[i].merge(r);
            }
            None => {
                by_key.insert(r.app.key.clone(), out.len());
                out.push(r);
            }
        }
    }
    out
}

fn none_resolved(seen: u64) -> CitationStats {
    CitationStats {
        seen,
        unresolved: seen,
        ..CitationStats::default()
    }
}

#[test]
fn uspto_xml_citations_all_point_outside() {
    let Some(dir) = shared_data("uspto_xml_citations_all_point_outside") else {
        return;
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir.join("uspto-xml"))
        .expect("uspto-xml folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")))
        .collect();
    paths.sort();
    let inputs: Vec<Input> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| Input::load(p, i as u32).expect("load"))
        .collect();
    let refs: Vec<&Input> = inputs.iter().collect();
    let mut sink = CollectSink::default();
    uspto_xml::read(&refs, &mut sink).expect("read");
    // 320 documents read; ipg120327.18 repeats 18 grants of ipg120327.196, so 302 applications.
    assert_eq!(sink.records.len(), 320);
    let recs = merged(sink.records);
    assert_eq!(recs.len(), 302);
    let g = CitationGraph::build(&recs);
    eprintln!("USPTO XML: {} applications, {:?}", recs.len(), g.stats);
    // python3: split the files at `<?xml`, key each document by its publication doc-number and
    // take the set of (country, doc-number, kind, date) of its <patcit> elements: 6,987
    // patcit elements, 6,545 distinct per publication. Comparing every cited number (zeros
    // stripped, US pre-grant 11-digit form too) with the 303 publication numbers and the
    // application numbers of the files finds no match: the files are single weeks years
    // apart, and grants cite older patents.
    assert_eq!(g.stats, none_resolved(6_545));
    assert!(!g.has_edges());
    assert!(g.forward_counts().iter().all(|&c| c == 0));
}

#[test]
fn epo_ops_family_cites_only_outside_documents() {
    let Some(path) = shared_file(
        "epo_ops_family_cites_only_outside_documents",
        "epo-ops-xml/get_family_with_biblio.xml",
    ) else {
        return;
    };
    let input = Input::load(&path, 0).expect("load");
    let mut sink = CollectSink::default();
    epo_ops::read(&[&input], &mut sink).expect("read");
    let recs = merged(sink.records);
    let keys: Vec<&str> = recs.iter().map(|r| r.app.key.as_str()).collect();
    assert_eq!(keys, ["EP10167109", "CA2744162", "US13167395"]);
    let g = CitationGraph::build(&recs);
    eprintln!("EPO OPS family: {:?}", g.stats);
    // python3 over the exchange documents: EP2400812 A1 6 patcit, B1 0, CA2744162 A1 0,
    // US2012057518 A1 29, US9648662 B2 37 (the A1's 29 among them): 6 + 37 = 43 distinct
    // per application. The members cite prior art (US 2004097263 A1, WO 02054790 A2, ...),
    // never each other.
    assert_eq!(g.stats, none_resolved(43));
    let f = Families::build(&recs);
    assert_eq!(f.extended_count(), 1);
    let fc = g.family_citations(&f);
    assert_eq!(fc.per_family, vec![0]);
    assert_eq!(fc.per_app, vec![0, 0, 0]);
    // The US member's DOCDB pre-grant number and the USPTO form of it meet at one key, so a
    // USPTO XML citation of US 2012/0057518 would resolve to this family's US application.
    let us = &recs[2].publications[0];
    assert_eq!((us.number.as_str(), us.kind.as_str()), ("2012057518", "A1"));
    assert_eq!(
        patq_enrich::citations::doc_key(&us.office, &us.number, Some(&us.kind)),
        patq_enrich::citations::doc_key("US", "20120057518", Some("A1"))
    );
}
