//! Topic queries on the real Lens drones export (titles and CPC codes only: the 2015/16
//! schema has no abstract or claims), against counts made independently in python.

use patq_enrich::Query;
use patq_ingest::{CollectSink, Input, lens_csv};
use patq_testkit::shared_file;

#[test]
fn drones_queries_match_python_counts() {
    let Some(path) = shared_file(
        "drones_queries_match_python_counts",
        "lens-csv-oldham/drones_fulltext_families_5884_raw.csv",
    ) else {
        return;
    };
    let input = Input::load(&path, 0).expect("load");
    let mut sink = CollectSink::default();
    lens_csv::read(&[&input], &mut sink).expect("read");
    let recs = sink.records;
    assert_eq!(recs.len(), 5_884);
    let count = |q: &str| {
        let q = Query::parse(q).unwrap();
        recs.iter().filter(|r| q.matches(r)).count()
    };
    // python3: rows = list(csv.DictReader(...));
    //   words(t) = [w.lower() for w in re.split(r'[^\w]|_', t) if w]
    //   sum(any(w.startswith('drone') or w == 'uav' for w in words(r['Title'])) ...) -> 674
    //   drone* alone -> 655, uav alone -> 25
    assert_eq!(count("drone* OR uav"), 674);
    assert_eq!(count("drone*"), 655);
    assert_eq!(count("UAV"), 25);
    // consecutive 'unmanned', 'aerial', 'vehicle*' in the title -> 133; 127 of them without
    // drone*/uav.
    assert_eq!(count("\"unmanned aerial vehicle*\""), 133);
    assert_eq!(
        count("\"unmanned aerial vehicle*\" AND NOT (drone* OR uav)"),
        127
    );
    // CPC codes (';;' list, spaces removed) starting B64C39/024 -> 386; with drone*/uav -> 101.
    assert_eq!(count("cpc:B64C39/024"), 386);
    assert_eq!(count("cpc:B64C39/024 AND (drone* OR uav)"), 101);
}
