//! Google Patents CSV reader tests: a hand-made export and malformed inputs.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use patq_ingest::{CollectSink, Format, IngestError, Input, Location, detect, google_csv};
use patq_model::{PartyRole, PatentRecord, PubClass};

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn read_str(text: &str) -> CollectSink {
    let input = Input::from_str("g.csv", text);
    let mut sink = CollectSink::default();
    google_csv::read(&[&input], &mut sink).expect("reader failed");
    sink
}

fn at<'a>(sink: &'a CollectSink, loc: &str) -> &'a PatentRecord {
    sink.records
        .iter()
        .find(|r| r.app.provenance.location == loc)
        .unwrap_or_else(|| panic!("no record at {loc}"))
}

// tests/fixtures/ (repository root) google_drones.csv is hand-made (invented documents): the search-URL line,
// the header, and 8 rows on lines 3..10.
//   grant date filled: rows 1 (US B2), 4 (CN U), 5 (EP B1), 6 (KR B1), 8 (US B1); the CN
//   utility model stays None, so granted Some(true) 4, None 4.
//   Publication classes: grant 4, application 3 (US A1, WO A1, JP A), utility model 1.
//   Keys: 8 distinct (one per publication). Assignees 8, inventors 2+2+2+2+3+2+1+2 = 16.
#[test]
fn fixture_export() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/google_drones.csv");
    let input = Input::load(&path, 2).unwrap();
    assert_eq!(detect(&input.text), Some(Format::GoogleCsv));
    let mut sink = CollectSink::default();
    google_csv::read(&[&input], &mut sink).unwrap();
    for r in &sink.rejections {
        eprintln!("{r}");
    }
    assert_eq!((sink.records.len(), sink.rejections.len()), (8, 0));
    let locs: Vec<_> = sink
        .records
        .iter()
        .map(|r| r.app.provenance.location.clone())
        .collect();
    let want: Vec<_> = (3..=10).map(|n| format!("line {n}")).collect();
    assert_eq!(locs, want);

    let mut granted = BTreeMap::new();
    let mut classes = BTreeMap::new();
    for r in &sink.records {
        *granted.entry(r.app.granted).or_insert(0) += 1;
        *classes.entry(r.publications[0].class).or_insert(0) += 1;
        assert_eq!(r.app.provenance.source_file, 2);
    }
    assert_eq!(granted, BTreeMap::from([(None, 4), (Some(true), 4)]));
    assert_eq!(
        classes,
        BTreeMap::from([
            (PubClass::Application, 3),
            (PubClass::Grant, 4),
            (PubClass::UtilityModel, 1)
        ])
    );
    let keys: std::collections::BTreeSet<_> = sink.records.iter().map(|r| &r.app.key).collect();
    assert_eq!(keys.len(), 8);
    let role = |role| {
        sink.records
            .iter()
            .flat_map(|r| &r.parties)
            .filter(|p| p.role == role)
            .count()
    };
    assert_eq!(role(PartyRole::Applicant), 8);
    assert_eq!(role(PartyRole::Inventor), 16);

    let r = at(&sink, "line 3");
    assert_eq!(r.app.key, "US10987654");
    assert_eq!(
        (r.app.office.as_str(), r.app.number.as_str()),
        ("US", "10987654")
    );
    assert_eq!(r.app.granted, Some(true));
    assert_eq!(r.app.filing_date, ymd(2018, 10, 5));
    assert_eq!(r.app.filing_year, Some(2018));
    assert_eq!(r.app.earliest_priority_date, ymd(2017, 10, 9));
    assert_eq!(
        r.app.title.as_deref(),
        Some("Tethered drone docking station")
    );
    let p = &r.publications[0];
    assert_eq!(
        (p.office.as_str(), p.number.as_str(), p.kind.as_str()),
        ("US", "10987654", "B2")
    );
    assert_eq!(p.date, ymd(2021, 4, 27));
    assert_eq!(p.source_id.as_deref(), Some("US-10987654-B2"));
    let names: Vec<_> = r
        .parties
        .iter()
        .map(|p| (p.role, p.seq, p.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (PartyRole::Applicant, 0, "Skyhold Robotics, Inc."),
            (PartyRole::Inventor, 0, "Claire Martin"),
            (PartyRole::Inventor, 1, "Daniel Okafor")
        ]
    );

    let r = at(&sink, "line 4");
    assert_eq!(r.app.key, "US20190112233");
    assert_eq!(r.app.granted, None);
    assert_eq!(r.publications[0].class, PubClass::Application);

    let r = at(&sink, "line 5");
    assert_eq!(r.app.key, "WO2019070001");
    assert!(r.app.is_pct);

    let r = at(&sink, "line 6");
    assert_eq!(r.app.key, "CN209876543");
    assert_eq!(r.app.granted, None);
    assert_eq!(r.app.ipr_type.as_deref(), Some("UM"));
    assert_eq!(r.parties[0].name, "深圳市飞农科技有限公司");
    assert_eq!(r.parties[2].name, "李娜");

    let r = at(&sink, "line 7");
    assert_eq!(
        r.app.title.as_deref(),
        Some("Drone with foldable arms, and method of folding")
    );
    assert_eq!(r.parties.len(), 4);

    let r = at(&sink, "line 8");
    assert_eq!(r.parties[0].name, "Hanbit Aero Co., Ltd.");

    let r = at(&sink, "line 10");
    assert_eq!(r.app.key, "US11223344");
    assert_eq!(r.parties[2].name, "Robert Brown, Jr.");
}

const HEADER: &str = "id,title,assignee,inventor/author,priority date,filing/creation date,publication date,grant date,result link,representative figure link\n";

fn row(id: &str, grant: &str) -> String {
    format!(
        "{id},Drone,\"Acme, Inc.\",\"Ann Lee, Bo Kim\",2015-01-02,2016-01-02,2017-01-03,{grant},https://patents.google.com/patent/x/en,\n"
    )
}

fn assert_reject(sink: &CollectSink, i: usize, line: u64, field: Option<&str>, reason: &str) {
    let r = &sink.rejections[i];
    assert_eq!(r.location, Location::Line(line), "{r}");
    assert_eq!(r.field.as_deref(), field, "{r}");
    assert!(r.reason.contains(reason), "{r}");
    assert_eq!(r.file, "g.csv");
}

#[test]
fn without_search_url_line() {
    let text = format!(
        "{HEADER}{}{}",
        row("US-9123456-B2", "2017-01-03"),
        row("CN-108123456-A", "")
    );
    let sink = read_str(&text);
    assert_eq!(sink.records.len(), 2);
    assert_eq!(sink.records[0].app.provenance.location, "line 2");
    assert_eq!(sink.records[0].app.granted, Some(true));
    assert_eq!(sink.records[1].app.key, "CN108123456");
    assert_eq!(sink.records[1].app.granted, None);
    assert_eq!(sink.records[1].parties[0].name, "Acme, Inc.");
}

#[test]
fn bad_rows_are_rejected_with_line_and_field() {
    let text = [
        "search URL:,https://patents.google.com/?q=drone\n",
        HEADER,
        &row("US-9123456-B2", "2017-01-03"), // line 3: ok
        &row("US9123456B2", ""),             // line 4: bad id
        &row("", ""),                        // line 5: empty id
        &row("US-9123457-B2", "2017-02-30"), // line 6: bad grant date
        "US-9123458-B2,Drone,Acme\n",        // line 7: short row
        &row("EP-1234567-A1", "").replace("2015-01-02", "02/01/2015"), // line 8: ok, dd/mm
        &row("XXX-1-A", ""),                 // line 9: bad office
        &row("US-9123459-B2", "").replace("Drone", "Dro\u{0}ne"), // line 10: NUL
    ]
    .concat();
    let sink = read_str(&text);
    assert_eq!(sink.records.len() + sink.rejections.len(), 8);
    assert_eq!(sink.records.len(), 2);
    assert_eq!(sink.records[1].app.earliest_priority_date, ymd(2015, 1, 2));
    assert_eq!(sink.records[1].app.provenance.location, "line 8");
    assert_reject(
        &sink,
        0,
        4,
        Some("id"),
        "not a publication id: \"US9123456B2\"",
    );
    assert_reject(&sink, 1, 5, Some("id"), "empty");
    assert_reject(&sink, 2, 6, Some("grant date"), "\"2017-02-30\"");
    assert_reject(
        &sink,
        3,
        7,
        None,
        "expected 10 fields as in the header, found 3",
    );
    assert_reject(&sink, 4, 9, Some("id"), "XXX-1-A");
    assert_reject(&sink, 5, 10, Some("title"), "NUL");
    assert!(
        sink.rejections[3]
            .excerpt
            .starts_with("US-9123458-B2,Drone")
    );
}

#[test]
fn unclosed_quote_at_eof() {
    let text = format!(
        "{HEADER}{}{}",
        row("US-9123456-B2", ""),
        row("US-9123457-B2", "").replace("Bo Kim\",", "Bo Kim,")
    );
    // The inventor field's closing quote is missing, so it runs to the end of the file.
    let sink = read_str(&text);
    assert_eq!((sink.records.len(), sink.rejections.len()), (1, 1));
    assert_reject(&sink, 0, 3, None, "unclosed quote");
}

#[test]
fn empty_garbage_and_missing_id_column() {
    for text in [
        "",
        "search URL:,https://patents.google.com/?q=x\n",
        "title,assignee\nDrone,Acme\n",
        "\u{0}\u{0}",
    ] {
        let input = Input::from_str("g.csv", text);
        let mut sink = CollectSink::default();
        match google_csv::read(&[&input], &mut sink) {
            Err(IngestError::Malformed { path, .. }) => assert_eq!(path, "g.csv"),
            other => panic!("{text:?}: {other:?}"),
        }
        assert!(sink.records.is_empty());
    }
    let input = Input::from_str("g.csv", "title,assignee\n");
    let err = google_csv::read(&[&input], &mut CollectSink::default()).unwrap_err();
    assert!(err.to_string().contains("missing column id"), "{err}");
}

#[test]
fn truncated_file_never_panics() {
    let text = format!(
        "{HEADER}{}{}",
        row("US-9123456-B2", ""),
        row("US-9123457-B2", "")
    );
    for cut in HEADER.len()..=text.len() {
        let Some(t) = text.get(..cut) else { continue };
        let sink = read_str(t);
        let rows = t[HEADER.len()..].lines().filter(|l| !l.is_empty()).count();
        assert_eq!(
            sink.records.len() + sink.rejections.len(),
            rows,
            "cut {cut}"
        );
    }
}

proptest::proptest! {
    #[test]
    fn arbitrary_rows_never_panic(body in "[ -~\n\r\",\u{0}é中]{0,400}") {
        let input = Input::from_str("p.csv", &format!("search URL:,x\n{HEADER}{body}"));
        let mut sink = CollectSink::default();
        google_csv::read(&[&input], &mut sink).unwrap();
        for r in &sink.rejections {
            proptest::prop_assert!(matches!(r.location, Location::Line(n) if n >= 3));
        }
    }
}
