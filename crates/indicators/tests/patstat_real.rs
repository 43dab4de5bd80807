//! Indicators on the real PATSTAT blockchain extract (no applicants, no grant status, no
//! citations): grants must say "not available", the yearly trend must match SOURCE.md, and
//! F18 (first filings by office) must match the same rule applied to the raw file.

use std::collections::{BTreeMap, HashMap};

use patq_enrich::Harmonizer;
use patq_indicators::*;
use patq_ingest::{CollectSink, Input, patstat};
use patq_model::PatentRecord;
use patq_testkit::shared_file;

const RAW: &str = "blockchain-patstat-denter/raw_data_2020_autumn.csv";

/// The extract read by patq's PATSTAT reader, one record per application as the store merges
/// them; None (with a notice) when ../shared/data is absent.
fn records(test: &str) -> Option<Vec<PatentRecord>> {
    let path = shared_file(test, RAW)?;
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
    Some(recs)
}

#[test]
fn patstat_grants_not_available_and_trend_matches_source() {
    let Some(recs) = records("patstat_grants_not_available_and_trend_matches_source") else {
        return;
    };
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

/// F18 against the raw file read independently (csv crate, PATSTAT's rule: appln_id =
/// earliest_filing_id and ipr_type PI; a PCT filing, appln_auth WO, at its receiving office),
/// and against numbers checked by hand on the file.
#[test]
fn patstat_first_filings_match_the_raw_file() {
    let test = "patstat_first_filings_match_the_raw_file";
    let Some(recs) = records(test) else {
        return;
    };
    let path = shared_file(test, RAW).expect("present when records are");
    let mut raw = csv::Reader::from_path(&path).expect("raw csv");
    let head = raw.headers().expect("header").clone();
    let col = |name: &str| head.iter().position(|h| h == name).expect(name);
    let (id, auth, ipr, ro, earliest) = (
        col("appln_id"),
        col("appln_auth"),
        col("ipr_type"),
        col("receiving_office"),
        col("earliest_filing_id"),
    );
    let mut expected: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let (mut rows, mut later) = (0u64, 0u64);
    for row in raw.records() {
        let row = row.expect("raw row");
        rows += 1;
        if row[id].trim() != row[earliest].trim() {
            later += 1;
            continue;
        }
        if row[ipr].trim() != "PI" {
            continue;
        }
        let pct = row[auth].trim() == "WO";
        let office = match row[ro].trim() {
            r if pct && !r.is_empty() => r,
            _ => row[auth].trim(),
        };
        let e = expected.entry(office.to_string()).or_default();
        e.0 += 1;
        e.1 += u64::from(pct);
    }
    assert_eq!(rows, recs.len() as u64, "one application per raw row");

    let c = Corpus::build(&recs, &Harmonizer::default());
    let sel = c.select(&Filters::default());
    let f18 = first_filings::compute(&c, &sel);
    assert!(f18.available.is_available());
    let got: BTreeMap<String, (u64, u64)> = f18
        .rows
        .iter()
        .map(|r| (r.office.clone(), (r.first_filings, r.pct_filings)))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        (f18.later_filings, f18.other_rights, f18.unknown),
        (later, 0, 0)
    );

    // By hand on the raw file (awk over appln_id = earliest_filing_id, ipr_type PI): 9,488
    // first filings, SOURCE.md's count of `priority` = 1; 38 offices; (office, first
    // filings, of them PCT filings at that receiving office).
    assert_eq!((f18.first_filings, f18.later_filings), (9_488, 15_609));
    assert_eq!(f18.rows.len(), 38);
    let top: Vec<(&str, u64, u64)> = f18
        .rows
        .iter()
        .take(8)
        .map(|r| (r.office.as_str(), r.first_filings, r.pct_filings))
        .collect();
    assert_eq!(
        top,
        [
            ("CN", 5_529, 294),
            ("US", 2_231, 69),
            ("KR", 588, 8),
            ("EP", 285, 49),
            ("GB", 217, 4),
            ("DE", 167, 0),
            ("JP", 106, 31),
            ("FR", 84, 0),
        ]
    );
    assert!(f18.to_csv().starts_with(
        "office,first_filings,pct_filings,share\nCN,5529,294,0.5827\nUS,2231,69,0.2351\n"
    ));
    assert!(f18.to_csv().ends_with("\nTOTAL,9488,535,1.0000\n"));

    // The drill-down lists exactly the counted applications.
    let n = |spec: &str| {
        let s: explain::Spec = spec.parse().expect(spec);
        explain::explain(&c, &sel, s, "CN").expect(spec).apps.len()
    };
    assert_eq!(n("F18:CN"), 5_529);
    assert_eq!(n("F18:us"), 2_231);
    assert_eq!(n("F18"), 9_488);
    assert_eq!(n("F18:TOTAL"), 9_488);

    // A year filter keeps the rule: first filings of 2018 only.
    let sel18 = c.select(&Filters {
        from_year: Some(2018),
        to_year: Some(2018),
        ..Filters::default()
    });
    let f18_2018 = first_filings::compute(&c, &sel18);
    assert!(f18_2018.first_filings < f18.first_filings);
    assert_eq!(
        f18_2018.first_filings + f18_2018.later_filings,
        sel18.len() as u64
    );
}
