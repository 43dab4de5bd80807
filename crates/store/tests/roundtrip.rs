//! Writing a dataset and reading it back loses nothing, merges records of one application,
//! reconciles counts, and gives the same bytes twice.

use chrono::NaiveDate;
use patq_ingest::{Location, Rejection, Sink, Skip};
use patq_model::*;
use patq_store::read::load_records;
use patq_store::{DatasetBuilder, Manifest};

fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, day)
}

fn full_record() -> PatentRecord {
    PatentRecord {
        app: Application {
            key: "EP10167109".into(),
            office: "EP".into(),
            number: "10167109".into(),
            kind: Some("A".into()),
            filing_date: d(2010, 6, 24),
            filing_year: Some(2010),
            ipr_type: Some("PI".into()),
            is_pct: false,
            pct_key: Some("WOFI2010050001".into()),
            receiving_office: None,
            source_id: Some("123".into()),
            earliest_filing_id: Some("77".into()),
            earliest_priority_date: d(2009, 6, 24),
            is_priority_filing: Some(false),
            title: Some("Système de localisation".into()),
            abstract_text: Some("An abstract.".into()),
            claims_text: Some("1. A claim.".into()),
            claims_count: Some(12),
            granted: Some(true),
            legal_status: Some("ACTIVE".into()),
            docdb_family_id: Some("43088294".into()),
            inpadoc_family_id: None,
            simple_family_size: Some(3),
            extended_family_size: Some(5),
            cited_by_count: Some(7),
            npl_citation_count: Some(1),
            provenance: Provenance {
                source_file: 0,
                location: "line 2".into(),
            },
        },
        publications: patq_model::thin_vec![
            Publication {
                office: "EP".into(),
                number: "2400812".into(),
                kind: "A1".into(),
                date: d(2011, 12, 28),
                class: PubClass::Application,
                source_id: None,
            },
            Publication {
                office: "EP".into(),
                number: "2400812".into(),
                kind: "B1".into(),
                date: d(2019, 10, 30),
                class: PubClass::Grant,
                source_id: Some("L1".into()),
            },
        ],
        parties: patq_model::thin_vec![Party {
            role: PartyRole::Applicant,
            seq: 0,
            name: "9SOLUTIONS OY".into(),
            country: Some("FI".into()),
        }],
        classes: patq_model::thin_vec![Classification {
            scheme: ClassScheme::Ipc,
            code: "H04W84/20".into(),
        }],
        priorities: patq_model::thin_vec![Priority {
            office: "FI".into(),
            number: "20095712".into(),
            kind: None,
            date: d(2009, 6, 24),
            key: "FI20095712".into(),
        }],
        citations: patq_model::thin_vec![Citation {
            office: Some("US".into()),
            number: "2005001234".into(),
            kind: Some("A1".into()),
            date: None,
            category: Some("X".into()),
            cited_by: Some("examiner".into()),
            source_id: None,
        }],
        family_members: patq_model::thin_vec![FamilyMember {
            family: FamilyKind::Simple,
            member: "US2011319033A1".into(),
            source_id: None,
        }],
        legal_events: patq_model::thin_vec![LegalEvent {
            date: d(2020, 5, 1),
            code: "PG25".into(),
            description: Some("lapse".into()),
        }],
        related: patq_model::thin_vec![RelatedDoc {
            relation: "division".into(),
            office: Some("EP".into()),
            number: "19123456".into(),
            date: None,
        }],
    }
}

fn build(dir: &std::path::Path) -> Manifest {
    build_with(dir, false)
}

/// [`build`], the records written as they arrive when `stream` (they come in key order).
fn build_with(dir: &std::path::Path, stream: bool) -> Manifest {
    let src = dir.join("src.txt");
    std::fs::write(&src, "x").unwrap();
    let mut b = DatasetBuilder::new();
    b.add_source(&src, "src.txt", "lens-csv", "UTF-8", false)
        .unwrap();
    if stream {
        b.stream_to(&dir.join("ds")).unwrap();
    }
    let (first, second) = two_records();
    b.record(full_record()).unwrap();
    b.record(first).unwrap();
    b.record(second).unwrap();
    b.reject(Rejection {
        file: "src.txt".into(),
        location: Location::Line(4),
        field: Some("Publication Date".into()),
        reason: "bad date \"2017-13-45\"".into(),
        excerpt: "US,A1".into(),
    });
    b.skip(Skip {
        file: "src.txt".into(),
        location: Location::Byte(10),
        kind: "us-sequence-listing".into(),
    });
    b.write(&dir.join("ds")).unwrap()
}

#[test]
fn roundtrip_merge_counts_and_determinism() {
    let tmp = tempfile::tempdir().unwrap();
    let m = build(tmp.path());
    assert_eq!(m.totals.records_in, 5);
    assert_eq!(
        (m.totals.records_out, m.totals.rejected, m.totals.skipped),
        (3, 1, 1)
    );
    assert_eq!((m.totals.applications, m.totals.merged), (2, 1));
    assert_eq!(m.sources[0].skipped["us-sequence-listing"], 1);
    assert_eq!(m.tables["applications"], 2);
    assert_eq!(m.tables["publications"], 2);

    let (m2, records) = load_records(&tmp.path().join("ds")).unwrap();
    assert_eq!(m2, m);
    assert_eq!(records.len(), 2);
    assert_eq!(
        records[0],
        full_record(),
        "every field survives the Parquet round trip"
    );
    assert_eq!(
        records[1].app.title.as_deref(),
        Some("second row of the same application")
    );

    let q = std::fs::read_to_string(tmp.path().join("ds/quarantine.jsonl")).unwrap();
    assert!(
        q.contains("\"field\":\"Publication Date\"") && q.contains("\"at\":4"),
        "{q}"
    );

    // Same input, same bytes.
    let tmp2 = tempfile::tempdir().unwrap();
    build(tmp2.path());
    for f in [
        "applications.parquet",
        "publications.parquet",
        "citations.parquet",
        "manifest.json",
        "quarantine.jsonl",
    ] {
        assert_eq!(
            std::fs::read(tmp.path().join("ds").join(f)).unwrap(),
            std::fs::read(tmp2.path().join("ds").join(f)).unwrap(),
            "{f}"
        );
    }
}

/// Two records of one application (US13167395), the second with a title.
fn two_records() -> (PatentRecord, PatentRecord) {
    let mut other = PatentRecord::default();
    other.app.key = "US13167395".into();
    other.app.office = "US".into();
    other.app.number = "13167395".into();
    let first = other.clone();
    other.app.title = Some("second row of the same application".into());
    (first, other)
}

/// Entries of `dir` whose names start with a dot (staging and old datasets).
fn hidden(dir: &std::path::Path) -> Vec<std::ffi::OsString> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect()
}

#[test]
fn streamed_records_make_the_same_dataset_merges_included() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let plain = build(a.path());
    let streamed = build_with(b.path(), true);
    assert_eq!(streamed.totals, plain.totals);
    assert_eq!(streamed.totals.merged, 1);
    assert!(hidden(b.path()).is_empty());
    for f in std::fs::read_dir(a.path().join("ds")).unwrap() {
        let name = f.unwrap().file_name();
        assert_eq!(
            std::fs::read(a.path().join("ds").join(&name)).unwrap(),
            std::fs::read(b.path().join("ds").join(&name)).unwrap(),
            "{name:?}"
        );
    }
}

/// A builder streaming to `ds` in a new temporary directory.
fn streaming() -> (tempfile::TempDir, std::path::PathBuf, DatasetBuilder) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ds");
    let mut b = DatasetBuilder::new();
    b.stream_to(&out).unwrap();
    (tmp, out, b)
}

/// A record out of key order (a reader's broken promise) is refused, so the reader stops
/// there; every record after it is refused too, and the dataset is not written.
#[test]
fn a_stream_out_of_key_order_fails_and_leaves_nothing() {
    let (tmp, out, mut b) = streaming();
    let (us, _) = two_records();
    b.record(us).unwrap();
    let err = b.record(full_record()).unwrap_err();
    let cause = std::error::Error::source(&err).expect("the store's error");
    match cause.downcast_ref::<patq_store::StoreError>() {
        Some(patq_store::StoreError::Order { key, previous, .. }) => {
            assert_eq!(
                (key.as_str(), previous.as_str()),
                ("EP10167109", "US13167395")
            );
        }
        other => panic!("expected an order error, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("records arrived out of key order (EP10167109 after US13167395)"),
        "{err}"
    );
    assert!(hidden(tmp.path()).is_empty(), "staging left once refused");
    let (later, _) = two_records();
    assert!(b.record(later).is_err(), "refused after it too");
    match b.write(&out) {
        Err(patq_store::StoreError::Abandoned { reason, .. }) => {
            assert!(reason.contains("out of key order"), "{reason}");
        }
        other => panic!("expected an abandoned dataset, got {other:?}"),
    }
    assert!(!out.exists());
    assert!(hidden(tmp.path()).is_empty());
}

#[test]
fn an_abandoned_stream_leaves_nothing() {
    let (tmp, out, mut b) = streaming();
    b.record(full_record()).unwrap();
    assert_eq!(
        hidden(tmp.path()).len(),
        1,
        "the staging directory while writing"
    );
    drop(b);
    assert!(!out.exists());
    assert!(hidden(tmp.path()).is_empty());
}

#[test]
fn rewriting_replaces_the_dataset_whole() {
    let tmp = tempfile::tempdir().unwrap();
    build(tmp.path());
    std::fs::write(tmp.path().join("ds/stray.txt"), "left from before").unwrap();
    build(tmp.path());
    assert!(!tmp.path().join("ds/stray.txt").exists());
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn missing_dataset_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let err = Manifest::load(tmp.path()).unwrap_err().to_string();
    assert!(err.contains("not a patq dataset"), "{err}");
}

/// The cores kept of records read in chunks (as `patq indicators` reads a dataset) fold the
/// publications into the grant flag and answer every grant question as the complete records
/// do: stated grants, grant publications, "not granted" (publications, none a grant) and
/// "unknown" (no flag, no publication).
#[test]
fn cores_fold_publications_into_grants_as_the_lists_answer() {
    let publication = |kind: &str, class: PubClass| Publication {
        office: "US".into(),
        number: format!("9{kind}").into(),
        kind: kind.into(),
        date: None,
        class,
        source_id: None,
    };
    // (stated grant flag, publication classes) -> the folded flag.
    let cases: [(Option<bool>, &[PubClass], Option<bool>); 6] = [
        (None, &[], None),
        (Some(true), &[], Some(true)),
        (Some(false), &[], Some(false)),
        (None, &[PubClass::Application], Some(false)),
        (None, &[PubClass::Application, PubClass::Grant], Some(true)),
        (Some(false), &[PubClass::Grant], Some(true)),
    ];
    let (_tmp, out, mut b) = streaming();
    for (n, (stated, classes, _)) in cases.iter().enumerate() {
        let mut r = PatentRecord::default();
        r.app.office = "US".into();
        r.app.number = format!("{n}").into();
        r.app.key = app_key("US", &r.app.number);
        r.app.granted = *stated;
        for (k, &c) in classes.iter().enumerate() {
            r.publications.push(publication(&format!("{n}{k}"), c));
        }
        b.record(r).unwrap();
    }
    b.write(&out).unwrap();
    let (_, complete) = load_records(&out).unwrap();
    let mut folded: Vec<AppCore> = Vec::new();
    patq_store::read::for_each_chunk(&out, &["citations"], 4, |chunk| {
        folded.extend(chunk.into_iter().map(AppCore::from));
        Ok::<_, patq_store::StoreError>(())
    })
    .unwrap();
    assert_eq!(folded.len(), cases.len());
    for ((full, fold), (_, _, want)) in complete.iter().zip(&folded).zip(&cases) {
        let granted = fold.has_grant_evidence().then(|| fold.is_granted());
        assert_eq!(granted, *want, "{}", full.app.key);
        assert_eq!(
            AppFields::is_granted(fold),
            full.is_granted(),
            "{}",
            full.app.key
        );
        assert_eq!(fold.has_grant_evidence(), full.has_grant_evidence());
    }
}

/// Values of kept records: counted per column and in the totals, written to quarantine.jsonl
/// after the rejected records, and `read = kept + rejected` per column; ignored columns named.
#[test]
fn field_notes_are_counted_and_quarantined() {
    use patq_ingest::{ColumnUse, FieldAction, FieldNote};
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src.txt");
    std::fs::write(&src, "x").unwrap();
    let mut b = DatasetBuilder::new();
    b.add_source(&src, "src.txt", "lens-csv", "UTF-8", false)
        .unwrap();
    let col = |c: &str, f: Option<&str>| ColumnUse {
        column: c.into(),
        field: f.map(str::to_string),
    };
    b.columns(
        "src.txt",
        &[
            col("Publication Date", Some("publications.date")),
            col("Notes", None),
        ],
    );
    b.values_read("src.txt", "Publication Date", 2);
    b.values_read("src.txt", "Publication Date", 3);
    let note = |action, value: &str, stored: Option<&str>| FieldNote {
        file: "src.txt".into(),
        location: Location::Line(2),
        field: "Publication Date".into(),
        action,
        value: value.into(),
        stored: stored.map(str::to_string),
        reason: "test".into(),
    };
    b.field_note(note(FieldAction::Rejected, "31/02/2019", None));
    b.field_note(note(
        FieldAction::Repaired,
        "2015-12-31",
        Some("2014-12-31"),
    ));
    b.record(full_record()).unwrap();
    let m = b.write(&tmp.path().join("ds")).unwrap();
    let c = &m.sources[0].fields["Publication Date"];
    assert_eq!(
        (c.read, c.kept, c.rejected, c.repaired, c.flagged),
        (5, 4, 1, 1, 0)
    );
    assert_eq!(m.totals.field_notes["rejected"], 1);
    assert_eq!(m.totals.field_notes["repaired"], 1);
    assert_eq!(m.sources[0].columns[1].field, "ignored");
    // Records reconcile as before: a value note is not a record.
    assert_eq!((m.totals.records_in, m.totals.rejected), (1, 0));
    let q = std::fs::read_to_string(tmp.path().join("ds/quarantine.jsonl")).unwrap();
    let lines: Vec<&str> = q.lines().collect();
    assert_eq!(lines.len(), 2, "{q}");
    assert!(lines[0].contains("\"action\":\"rejected\"") && lines[0].contains("31/02/2019"));
    assert!(lines[1].contains("\"stored\":\"2014-12-31\""), "{q}");
    let (again, _) = load_records(&tmp.path().join("ds")).unwrap();
    assert_eq!(again, m, "the manifest reads back");
}
