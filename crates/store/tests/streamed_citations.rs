//! The indicators' loading path: records without their citation lists, and the citations
//! table streamed as borrowed rows, give back exactly what `load_records` gives.

use patq_ingest::Sink;
use patq_model::*;
use patq_store::DatasetBuilder;
use patq_store::read::{for_each_citation, load_records, load_records_except};

fn app(office: &str, number: &str) -> PatentRecord {
    let mut r = PatentRecord::default();
    r.app.key = app_key(office, number);
    r.app.office = office.into();
    r.app.number = number.into();
    r
}

fn applicant(seq: u32, name: String) -> Party {
    Party {
        role: PartyRole::Applicant,
        seq,
        name,
        country: None,
    }
}

fn cite(office: Option<&str>, number: &str, kind: Option<&str>, source: Option<&str>) -> Citation {
    Citation {
        office: office.map(Into::into),
        number: number.into(),
        kind: kind.map(Into::into),
        date: None,
        category: Some("X".into()),
        cited_by: None,
        source_id: source.map(Into::into),
    }
}

#[test]
fn citations_stream_in_key_order_with_record_indices() {
    let tmp = tempfile::tempdir().unwrap();
    let mut b = DatasetBuilder::new();
    // Given out of key order: the dataset sorts applications by key (EP1 < US2 < US3).
    let mut us3 = app("US", "3");
    us3.citations = patq_model::thin_vec![
        cite(Some("US"), "2", None, None),
        cite(None, "PATSTAT:9", None, Some("9")),
    ];
    let us2 = app("US", "2");
    let mut ep1 = app("EP", "1");
    ep1.citations = patq_model::thin_vec![cite(Some("US"), "3", Some("B2"), Some("p3"))];
    for r in [us3, us2, ep1] {
        b.record(r).unwrap();
    }
    let ds = tmp.path().join("ds");
    b.write(&ds).unwrap();

    let (_, full) = load_records(&ds).unwrap();
    let (_, lean) = load_records_except(&ds, &["citations"]).unwrap();
    let keys: Vec<&str> = lean.iter().map(|r| r.app.key.as_str()).collect();
    assert_eq!(keys, ["EP1", "US2", "US3"]);
    assert!(lean.iter().all(|r| r.citations.is_empty()));
    // Everything but the citation lists is the same as the full load.
    for (l, f) in lean.iter().zip(&full) {
        let mut f = f.clone();
        f.citations.clear();
        assert_eq!(*l, f);
    }

    let mut rows = Vec::new();
    let n = for_each_citation(&ds, &lean, |i, c| {
        rows.push((
            i,
            c.office.map(str::to_string),
            c.number.to_string(),
            c.kind.map(str::to_string),
            c.source_id.map(str::to_string),
        ));
    })
    .unwrap();
    // EP1 (index 0) cites one document, US3 (index 2) two, in the order they were listed.
    assert_eq!(n, 3);
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        rows,
        vec![
            (0, s("US"), "3".to_string(), s("B2"), s("p3")),
            (2, s("US"), "2".to_string(), None, None),
            (2, None, "PATSTAT:9".to_string(), None, s("9")),
        ]
    );
}

/// Child tables are converted on worker threads: a row naming an application the dataset
/// does not hold must still end the load with an error naming the table and the key.
#[test]
fn a_child_row_without_its_application_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, numbers: &[&str]| {
        let mut b = DatasetBuilder::new();
        for n in numbers {
            let mut r = app("US", n);
            r.classes = patq_model::thin_vec![Classification {
                scheme: ClassScheme::Cpc,
                code: "H04L9/00".into(),
            }];
            r.parties = patq_model::thin_vec![applicant(1, format!("Company {n}"))];
            b.record(r).unwrap();
        }
        let ds = tmp.path().join(name);
        b.write(&ds).unwrap();
        ds
    };
    let both = write("both", &["1", "2"]);
    let one = write("one", &["1"]);
    // The applications of `one` under the child tables of `both`: US2's rows are orphans.
    std::fs::copy(
        one.join("applications.parquet"),
        both.join("applications.parquet"),
    )
    .unwrap();
    let err = load_records(&both).unwrap_err().to_string();
    assert!(
        err.contains("US2") && err.contains("not in applications"),
        "{err}"
    );
    let (_, records) = load_records(&one).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].parties[0].name, "Company 1");
}

/// Applications spanning several row groups are decoded on several threads straight into one
/// list: every record must land at its own index, in key order, with its children.
#[test]
fn applications_of_several_row_groups_load_in_key_order() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 150_000; // three row groups of at most 65,536 rows
    let mut b = DatasetBuilder::new();
    for i in 0..n {
        let mut r = app("US", &format!("{:07}", i + 1));
        r.app.filing_year = Some(2000 + (i % 20) as i32);
        r.parties = patq_model::thin_vec![applicant(0, format!("Company {i}"))];
        b.record(r).unwrap();
    }
    let ds = tmp.path().join("ds");
    b.write(&ds).unwrap();
    let (_, records) = load_records(&ds).unwrap();
    assert_eq!(records.len(), n);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.app.key, app_key("US", &format!("{:07}", i + 1)));
        assert_eq!(r.app.filing_year, Some(2000 + (i % 20) as i32));
        assert_eq!(r.parties.len(), 1);
        assert_eq!(r.parties[0].name, format!("Company {i}"));
    }
}
