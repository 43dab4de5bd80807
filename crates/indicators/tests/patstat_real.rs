//! Indicators on the real PATSTAT blockchain extract (no applicants, no grant status, no
//! citations): grants must say "not available", and the yearly trend must match SOURCE.md.

use std::collections::HashMap;

use patq_enrich::Harmonizer;
use patq_indicators::*;
use patq_ingest::{CollectSink, Input, patstat};
use patq_model::PatentRecord;
use patq_testkit::shared_file;

#[test]
fn patstat_grants_not_available_and_trend_matches_source() {
    let Some(path) = shared_file(
        "patstat_grants_not_available_and_trend_matches_source",
        "blockchain-patstat-denter/raw_data_2020_autumn.csv",
    ) else {
        return;
    };
    let input = Input::load(&path, 0).expect("load");
    let mut sink = CollectSink::default();
    patstat::read(&[&input], &mut sink).expect("read");
    // One record per application, as the store merges them.
    let mut by_key: HashMap<patq_model::Text, usize> = HashMap::new();
    let mut recs: Vec<PatentRecord> = Vec::new();
    for r in sink.records {
        match by_key.get(&r.app.key) {
            Some(&i) => {
                recs[i].merge(r);
            }
            None => {
                by_key.insert(r.app.key.clone(), recs.len());
                recs.push(r);
            }
        }
    }
    let c = Corpus::build(&recs, &Harmonizer::default());
    let sel = c.select(&Filters::default());

    let f2 = grants_by_country::compute(&c, &sel);
    assert_eq!(
        f2.grants,
        Availability::NotAvailable {
            needs: "grant status".into()
        }
    );
    assert!(
        f2.rows
            .iter()
            .all(|r| r.grants.is_none() && r.grant_rate.is_none())
    );
    assert_eq!(f2.world.applications, recs.len() as u64);
    let f4 = citations::compute(&c, &sel);
    assert!(!f4.cited.is_available());

    // SOURCE.md: filing years 2018: 7,817; 2019: 7,952; 2020 (partial): 919.
    let t = trend::compute(&c, &sel, None);
    let year = |y: i32| t.rows.iter().find(|r| r.year == y).map(|r| r.applications);
    assert_eq!(year(2018), Some(7_817));
    assert_eq!(year(2019), Some(7_952));
    assert_eq!(year(2020), Some(919));
    assert!(!t.companies.is_available());
    assert!(
        t.to_csv()
            .contains("\n2019,7952,not available: needs applicants\n")
    );

    // Year filter gives the same count as the trend row.
    let sel18 = c.select(&Filters {
        from_year: Some(2018),
        to_year: Some(2018),
        ..Filters::default()
    });
    assert_eq!(sel18.len(), 7_817);
}
