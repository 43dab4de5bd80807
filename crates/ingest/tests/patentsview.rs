//! PatentsView reader: a hand-made consistent set of bulk tables (no real PatentsView file is
//! available), count reconciliation, and malformed inputs.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use patq_ingest::{
    CollectSink, FieldAction, Format, IngestError, Input, Location, detect, patentsview,
};
use patq_model::{ClassScheme, PartyRole, PatentRecord, PubClass};

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn fixture(name: &str) -> Input {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name);
    Input::load(&p, 0).expect("fixture")
}

const TABLES: [&str; 10] = [
    "pv_g_us_patent_citation.tsv",
    "pv_g_pct_data.tsv",
    "pv_g_assignee_disambiguated.tsv",
    "pv_g_patent.tsv",
    "pv_g_application.tsv",
    "pv_g_inventor_disambiguated.tsv",
    "pv_g_location_disambiguated.tsv",
    "pv_g_cpc_current.tsv",
    "pv_g_ipc_at_issue.tsv",
    "pv_g_foreign_priority.tsv",
];

fn read(inputs: &[Input]) -> CollectSink {
    let refs: Vec<&Input> = inputs.iter().collect();
    let mut sink = CollectSink::default();
    patentsview::read(&refs, &mut sink).expect("read");
    sink
}

fn reconcile(sink: &CollectSink, rows: usize) {
    assert_eq!(
        sink.records.len() + sink.rejections.len() + sink.skips.len(),
        rows
    );
}

#[test]
fn fixture_tables_are_detected_as_patentsview() {
    // The location table has no patent_id: its location_id and disambig_country name it.
    for name in TABLES {
        let text = fixture(name).text.to_string();
        assert_eq!(detect(&text), Some(Format::PatentsView), "{name}");
        // The CSV flavour of the bulk tables, with CRLF line ends.
        let csv = text.replace('\t', ",").replace('\n', "\r\n");
        assert_eq!(detect(&csv), Some(Format::PatentsView), "{name} as CSV");
    }
}

#[test]
fn hand_made_tables_join_and_reconcile() {
    let sink = read(&TABLES.map(fixture));
    assert!(sink.rejections.is_empty(), "{:?}", sink.rejections);
    // Data rows: g_patent 6, g_application 5, assignee 4, inventor 3, location 5, cpc 3,
    // ipc 2, citation 3, foreign priority 2, pct 2 = 35 = 6 records + 29 skips.
    reconcile(&sink, 35);
    assert_eq!(sink.records.len(), 6);
    let mut kinds: HashMap<&str, usize> = HashMap::new();
    for s in &sink.skips {
        *kinds.entry(s.kind.as_str()).or_default() += 1;
    }
    assert_eq!(kinds["attached:g_location_disambiguated"], 4);
    assert_eq!(kinds["unused:g_location_disambiguated"], 1);
    assert_eq!(kinds["attached:g_application"], 5);
    assert_eq!(kinds["attached:g_pct_data"], 2);
    let unused = sink
        .skips
        .iter()
        .find(|s| s.kind.starts_with("unused"))
        .unwrap();
    assert_eq!(unused.location, Location::Line(6));

    let by_id: HashMap<&str, &PatentRecord> = sink
        .records
        .iter()
        .map(|r| (r.app.source_id.as_deref().unwrap(), r))
        .collect();

    let r = by_id["10000001"];
    let a = &r.app;
    assert_eq!(
        (a.key.as_str(), a.office.as_str(), a.number.as_str()),
        ("US15285617", "US", "15285617")
    );
    assert_eq!(
        (a.filing_date, a.filing_year),
        (ymd(2016, 10, 5), Some(2016))
    );
    assert_eq!(a.earliest_priority_date, ymd(2016, 10, 5));
    assert_eq!(
        a.title.as_deref(),
        Some("Blockchain ledger, with consensus")
    );
    assert_eq!(
        a.abstract_text.as_deref(),
        Some("A ledger in which \"blocks\" are chained by hashes.")
    );
    assert_eq!(a.claims_count, Some(20));
    assert_eq!(a.granted, Some(true));
    assert_eq!(a.provenance.location, "line 2");
    let p = &r.publications[0];
    assert_eq!(
        (
            p.office.as_str(),
            p.number.as_str(),
            p.kind.as_str(),
            p.date,
            p.class
        ),
        ("US", "10000001", "B2", ymd(2018, 6, 19), PubClass::Grant)
    );
    let parties: Vec<(PartyRole, u32, &str, Option<&str>)> = r
        .parties
        .iter()
        .map(|p| (p.role, p.seq, p.name.as_str(), p.country.as_deref()))
        .collect();
    assert_eq!(
        parties,
        vec![
            (PartyRole::Owner, 0, "Acme Ledger, Inc.", Some("US")),
            (PartyRole::Owner, 1, "Jane Doe", Some("DE")),
            (PartyRole::Inventor, 0, "Jane Doe", Some("DE")),
            (PartyRole::Inventor, 1, "Wei Zhang", Some("CN")),
        ]
    );
    let classes: Vec<(ClassScheme, &str)> = r
        .classes
        .iter()
        .map(|c| (c.scheme, c.code.as_str()))
        .collect();
    assert_eq!(
        classes,
        vec![
            (ClassScheme::Cpc, "H04L9/3239"),
            (ClassScheme::Cpc, "G06Q20/065"),
            (ClassScheme::Ipc, "H04L9/32"),
        ]
    );
    assert_eq!(r.citations.len(), 2);
    let c = &r.citations[0];
    assert_eq!(
        (
            c.office.as_deref(),
            c.number.as_str(),
            c.kind.as_deref(),
            c.date
        ),
        (Some("US"), "9000001", Some("B2"), ymd(2017, 1, 3))
    );
    assert_eq!(c.cited_by.as_deref(), Some("examiner"));
    assert_eq!(r.citations[1].cited_by.as_deref(), Some("applicant"));

    let r = by_id["10000002"];
    let a = &r.app;
    assert_eq!(a.key, "US14998877");
    assert_eq!(r.publications[0].class, PubClass::Grant);
    let pr: Vec<(&str, &str, Option<NaiveDate>)> = r
        .priorities
        .iter()
        .map(|p| (p.key.as_str(), p.office.as_str(), p.date))
        .collect();
    assert_eq!(
        pr,
        vec![
            ("JP2014123456", "JP", ymd(2014, 3, 3)),
            ("EP141599991", "EP", ymd(2014, 6, 1)),
        ]
    );
    assert_eq!(a.earliest_priority_date, ymd(2014, 3, 3));
    assert_eq!(a.pct_key.as_deref(), Some("WOJP2015001234"));
    assert_eq!(r.related.len(), 2);
    assert_eq!(r.related[0].relation, "pct-application");
    assert_eq!(r.related[0].number, "JP2015001234");
    assert_eq!(r.related[0].date, ymd(2015, 2, 27));
    assert_eq!(
        (r.related[1].relation.as_str(), r.related[1].number.as_str()),
        ("pct-publication", "2015130001")
    );
    assert_eq!(r.parties[0].name, "Kabushiki Kaisha Token");
    assert_eq!(r.parties[0].country.as_deref(), Some("JP"));
    assert_eq!(r.citations[0].number, "10000001");
    assert_eq!(r.citations[0].cited_by.as_deref(), Some("other"));
    assert_eq!(r.classes[1].code, "G06F16/27");

    let d = by_id["D820001"];
    assert_eq!(d.app.key, "US29601234");
    assert_eq!(d.publications[0].class, PubClass::Design);
    assert_eq!(d.app.granted, None);
    assert_eq!(d.app.abstract_text, None);
    assert_eq!(d.parties[0].country.as_deref(), Some("US"));

    let pp = by_id["PP30001"];
    assert_eq!(pp.app.key, "US15700001");
    assert_eq!(pp.publications[0].class, PubClass::Grant);
    assert_eq!(pp.app.granted, Some(true));

    let re = by_id["RE47001"];
    assert_eq!(
        re.app.key, "USRE47001",
        "no g_application row: keyed by patent"
    );
    assert_eq!(re.app.filing_date, None);
    assert_eq!(re.app.granted, Some(true));
    assert_eq!(re.publications[0].class, PubClass::Other);
    assert_eq!(re.parties[0].country, None, "unknown location_id");

    let w = by_id["10000003"];
    assert_eq!(w.app.granted, None);
    assert_eq!(w.app.legal_status.as_deref(), Some("WITHDRAWN"));
}

#[test]
fn without_g_application_patents_key_themselves() {
    let sink = read(&[fixture("pv_g_patent.tsv")]);
    reconcile(&sink, 6);
    let keys: Vec<&str> = sink.records.iter().map(|r| r.app.key.as_str()).collect();
    assert_eq!(
        keys,
        vec![
            "US10000001",
            "US10000002",
            "USD820001",
            "USPP30001",
            "USRE47001",
            "US10000003"
        ]
    );
}

const PATENT_HEADER: &str = "patent_id\tpatent_type\tpatent_date\tpatent_title\tpatent_abstract\twipo_kind\tnum_claims\twithdrawn\tfilename\n";

#[test]
fn malformed_patent_rows() {
    let text = format!(
        "{PATENT_HEADER}\
         10000001\tutility\t2018-06-19\tOk\t\tB2\t3\t0\tf.xml\n\
         10000002\tutility\t2018-19-06\tBad date\t\tB2\t3\t0\tf.xml\n\
         \tutility\t2018-06-19\tNo id\t\tB2\t3\t0\tf.xml\n\
         10000004\tutility\t2018-06-19\tShort row\n\
         10000005\tutility\t2018-06-19\tNegative\t\tB2\t-3\t0\tf.xml\n\
         10000001\tutility\t2018-06-19\tDuplicate\t\tB2\t3\t0\tf.xml\n\
         10000007\tutility\t2018-06-19\tWithdrawn?\t\tB2\t3\tperhaps\tf.xml\n\
         10000008\tutility\t2018-06-19\t\"Unclosed\t\tB2\t3\t0\tf.xml\n\
         10000009\tutility\t2018-06-19\tSwallowed\t\tB2\t3\t0\tf.xml\n"
    );
    let input = Input::from_str("g_patent.tsv", &text);
    let mut sink = CollectSink::default();
    patentsview::read(&[&input], &mut sink).unwrap();
    // A bad date, count or flag is a rejected value: the record is kept without it.
    assert_eq!(sink.records.len(), 4);
    let notes: Vec<(u64, &str, &str)> = sink
        .field_notes
        .iter()
        .map(|n| match n.location {
            Location::Line(l) if n.action == FieldAction::Rejected => {
                (l, n.field.as_str(), n.value.as_str())
            }
            _ => panic!("a rejected value with a line expected"),
        })
        .collect();
    assert_eq!(
        notes,
        [
            (3, "patent_date", "2018-19-06"),
            (6, "num_claims", "-3"),
            (8, "withdrawn", "perhaps")
        ]
    );
    assert!(sink.field_notes[0].reason.contains("\"2018-19-06\""));
    assert!(sink.field_notes[1].reason.contains("negative"));
    let kept = sink
        .records
        .iter()
        .find(|r| r.app.title.as_deref() == Some("Bad date"));
    assert_eq!(kept.map(|r| r.publications[0].date), Some(None));
    // Values read: the rows kept (2, 3, 6, 8), not the rejected ones.
    let read = |c: &str| sink.values_read[&("g_patent.tsv".to_string(), c.to_string())];
    assert_eq!(read("patent_title"), 4);
    assert_eq!(read("num_claims"), 4);
    assert_eq!(sink.ignored_columns("g_patent.tsv"), ["filename"]);
    let got: Vec<(u64, Option<&str>)> = sink
        .rejections
        .iter()
        .map(|r| match r.location {
            Location::Line(n) => (n, r.field.as_deref()),
            _ => panic!("line locations expected"),
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (4, Some("patent_id")),
            (5, None),
            (7, Some("patent_id")),
            (9, None),
        ]
    );
    let r = &sink.rejections;
    assert!(r[1].reason.contains("has 4 fields, the header has 9"));
    assert!(
        r[2].reason
            .contains("duplicate patent_id 10000001 (first at line 2)")
    );
    assert!(r[3].reason.contains("unclosed quote"), "{}", r[3].reason);
    assert_eq!(r[0].file, "g_patent.tsv");
    assert!(r[0].excerpt.starts_with("\tutility"));
}

#[test]
fn child_rows_without_a_patent_are_rejected() {
    let cpc = Input::from_str(
        "cpc.tsv",
        "patent_id\tcpc_sequence\tcpc_section\tcpc_class\tcpc_subclass\tcpc_group\tcpc_type\n\
         10000001\t0\tH\tH04\tH04L\tH04L9/32\tinventional\n\
         99999999\t0\tH\tH04\tH04L\tH04L9/32\tinventional\n\
         10000001\t1\tH\tH04\tH04L\t\tinventional\n",
    );
    let cites = Input::from_str(
        "cite.tsv",
        "patent_id\tcitation_sequence\tcitation_patent_id\tcitation_date\trecord_name\twipo_kind\tcitation_category\n\
         10000001\t0\t9000001\t2017-02-30\tX\tB2\tcited by examiner\n",
    );
    let sink = read(&[cpc, cites, fixture("pv_g_patent.tsv")]);
    reconcile(&sink, 6 + 3 + 1);
    assert_eq!(sink.skips.len(), 2);
    let r = &sink.rejections;
    assert_eq!(r.len(), 2);
    assert_eq!(
        (r[0].file.as_str(), &r[0].location),
        ("cpc.tsv", &Location::Line(3))
    );
    assert!(
        r[0].reason
            .contains("patent_id 99999999 is not in the g_patent rows")
    );
    assert_eq!(r[1].field.as_deref(), Some("cpc_group"));
    // The citation is kept without its impossible date.
    let n = &sink.field_notes;
    assert_eq!(n.len(), 1);
    assert_eq!(
        (n[0].file.as_str(), n[0].field.as_str(), n[0].value.as_str()),
        ("cite.tsv", "citation_date", "2017-02-30")
    );
    let cited = sink.records.iter().flat_map(|r| &r.citations);
    assert!(
        cited
            .clone()
            .any(|c| c.number == "9000001" && c.date.is_none())
    );
}

#[test]
fn unknown_tables_empty_files_and_garbage() {
    for (name, text, want) in [
        ("empty.tsv", "", "empty file"),
        (
            "other.tsv",
            "patent_id\tfoo\n1\t2\n",
            "matches no PatentsView table",
        ),
        (
            "loc.tsv",
            "city\tcountry\nParis\tFR\n",
            "no patent_id column",
        ),
        ("nul.tsv", "\0\0\0\n\u{1}", "no patent_id column"),
    ] {
        let input = Input::from_str(name, text);
        let err = patentsview::read(&[&input], &mut CollectSink::default()).unwrap_err();
        assert!(matches!(err, IngestError::Malformed { .. }), "{err}");
        assert!(err.to_string().contains(want), "{name}: {err}");
    }
    // A header alone is an empty table, and NUL bytes inside a row are just text.
    let sink = read(&[Input::from_str("h.tsv", PATENT_HEADER)]);
    reconcile(&sink, 0);
    let sink = read(&[Input::from_str(
        "n.tsv",
        &format!("{PATENT_HEADER}1000\u{0}0001\tutility\t2018-06-19\tT\0\t\tB2\t3\t0\tf\n"),
    )]);
    reconcile(&sink, 1);
    assert_eq!(sink.records[0].app.key, "US10000001");
}
