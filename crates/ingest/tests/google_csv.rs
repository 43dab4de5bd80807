//! Google Patents CSV reader tests: a hand-made export and malformed inputs.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use patq_ingest::{
    CollectSink, FieldAction, Format, IngestError, Input, Location, detect, google_csv,
};
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
        &row("US-9123457-B2", "2017-02-30"), // line 6: bad grant date: kept without it
        "US-9123458-B2,Drone,Acme\n",        // line 7: short row
        &row("EP-1234567-A1", "").replace("2015-01-02", "13/01/2015"), // line 8: ok, dd/mm
        &row("XXX-1-A", ""),                 // line 9: bad office
        &row("US-9123459-B2", "").replace("Drone", "Dro\u{0}ne"), // line 10: NUL
    ]
    .concat();
    let sink = read_str(&text);
    assert_eq!(sink.records.len() + sink.rejections.len(), 8);
    assert_eq!(sink.records.len(), 3);
    let r = at(&sink, "line 6");
    assert_eq!((r.app.granted, r.app.filing_date), (None, ymd(2016, 1, 2)));
    let notes = sink.notes("grant date", FieldAction::Rejected);
    assert_eq!(notes.len(), 1);
    assert_eq!(
        (&notes[0].location, notes[0].value.as_str()),
        (&Location::Line(6), "2017-02-30")
    );
    assert_eq!(notes[0].reason, "no such day: \"2017-02-30\"");
    assert_eq!(sink.records[2].app.earliest_priority_date, ymd(2015, 1, 13));
    assert_eq!(sink.records[2].app.provenance.location, "line 8");
    assert_reject(
        &sink,
        0,
        4,
        Some("id"),
        "not a publication id: \"US9123456B2\"",
    );
    assert_reject(&sink, 1, 5, Some("id"), "empty");
    assert_reject(
        &sink,
        2,
        7,
        None,
        "expected 10 fields as in the header, found 3",
    );
    assert_reject(&sink, 3, 9, Some("id"), "XXX-1-A");
    assert_reject(&sink, 4, 10, Some("title"), "NUL");
    assert!(
        sink.rejections[2]
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

// ---------------------------------------------------------------------------------------------
// Export variants: the fixture re-saved in memory the ways exports reach patq (no search-URL
// line, pandas snake_case headers, day-first or US month-first dates, Excel's `;`, CRLF and
// BOM) must detect as Google CSV and read to the same records.

/// The fixture's header and rows, without the search-URL line.
fn fixture_table() -> (Vec<String>, Vec<Vec<String>>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/google_drones.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let body = text.split_once('\n').unwrap().1;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes());
    let mut rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let header = rows.remove(0);
    (header, rows)
}

/// How a variant re-writes the table.
struct Variant {
    name: &'static str,
    url_line: bool,
    snake_case: bool,
    date: fn(&str) -> String,
    sep: u8,
    crlf: bool,
    bom: bool,
}

fn iso(d: &str) -> String {
    d.to_string()
}

/// `f(year, month, day)` of an ISO date; other text unchanged.
fn reorder(d: &str, f: fn(&str, &str, &str) -> String) -> String {
    match d.split('-').collect::<Vec<_>>()[..] {
        [y, m, dd] => f(y, m, dd),
        _ => d.to_string(),
    }
}

fn day_first(d: &str) -> String {
    reorder(d, |y, m, dd| format!("{dd}/{m}/{y}"))
}

/// `m/d/yyyy` without leading zeros, as US Excel writes.
fn us_excel(d: &str) -> String {
    reorder(d, |y, m, dd| {
        let n = |s: &str| s.trim_start_matches('0').to_string();
        format!("{}/{}/{y}", n(m), n(dd))
    })
}

fn write_variant(v: &Variant) -> String {
    let (header, rows) = fixture_table();
    let header: Vec<String> = header
        .iter()
        .map(|h| {
            if !v.snake_case {
                return h.clone();
            }
            match h.as_str() {
                "inventor/author" => "inventor".into(),
                "filing/creation date" => "filing_date".into(),
                other => other.replace(' ', "_"),
            }
        })
        .collect();
    let dates = [4, 5, 6, 7];
    let mut w = csv::WriterBuilder::new()
        .delimiter(v.sep)
        .terminator(if v.crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for r in &rows {
        let r: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if dates.contains(&i) && !c.is_empty() {
                    (v.date)(c)
                } else {
                    c.clone()
                }
            })
            .collect();
        w.write_record(&r).unwrap();
    }
    let table = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let nl = if v.crlf { "\r\n" } else { "\n" };
    let sep = v.sep as char;
    let url = if v.url_line {
        format!("search URL:{sep}https://patents.google.com/?q=drone{nl}")
    } else {
        String::new()
    };
    let bom = if v.bom { "\u{feff}" } else { "" };
    format!("{bom}{url}{table}")
}

/// The records without their provenance (the line moves with the search-URL line).
fn comparable(sink: &CollectSink) -> Vec<PatentRecord> {
    sink.records
        .iter()
        .cloned()
        .map(|mut r| {
            r.app.provenance = Default::default();
            r
        })
        .collect()
}

const VARIANTS: &[Variant] = &[
    Variant {
        name: "as Google writes it",
        url_line: true,
        snake_case: false,
        date: iso,
        sep: b',',
        crlf: false,
        bom: false,
    },
    Variant {
        name: "without the search-URL line",
        url_line: false,
        snake_case: false,
        date: iso,
        sep: b',',
        crlf: false,
        bom: false,
    },
    Variant {
        name: "pandas re-save (snake_case)",
        url_line: false,
        snake_case: true,
        date: iso,
        sep: b',',
        crlf: false,
        bom: false,
    },
    Variant {
        name: "snake_case, dd/mm/yyyy",
        url_line: false,
        snake_case: true,
        date: day_first,
        sep: b',',
        crlf: false,
        bom: false,
    },
    Variant {
        name: "Excel (US): m/d/yyyy, CRLF, BOM",
        url_line: true,
        snake_case: false,
        date: us_excel,
        sep: b',',
        crlf: true,
        bom: true,
    },
    Variant {
        name: "Excel (Europe): `;`, dd/mm/yyyy, CRLF, BOM",
        url_line: false,
        snake_case: false,
        date: day_first,
        sep: b';',
        crlf: true,
        bom: true,
    },
    Variant {
        name: "Excel (Europe) with the search-URL line",
        url_line: true,
        snake_case: true,
        date: day_first,
        sep: b';',
        crlf: true,
        bom: true,
    },
];

#[test]
fn every_export_variant_detects_and_reads_the_same_records() {
    let want = comparable(&read_str(&write_variant(&VARIANTS[0])));
    assert_eq!(want.len(), 8);
    assert!(want.iter().all(|r| r.app.filing_date.is_some()));
    for v in VARIANTS {
        let text = write_variant(v);
        let input = Input::from_str("v.csv", &text);
        assert_eq!(detect(&input.text), Some(Format::GoogleCsv), "{}", v.name);
        let mut sink = CollectSink::default();
        google_csv::read(&[&input], &mut sink).unwrap();
        assert!(
            sink.rejections.is_empty(),
            "{}: {:?}",
            v.name,
            sink.rejections
        );
        assert!(
            sink.field_notes.is_empty(),
            "{}: {:?}",
            v.name,
            sink.field_notes
        );
        assert_eq!(comparable(&sink), want, "{}", v.name);
        let first = if v.url_line { 3 } else { 2 };
        assert_eq!(
            sink.records[0].app.provenance.location,
            format!("line {first}"),
            "{}",
            v.name
        );
        // Every column is named mapped or ignored; the links are the ignored ones.
        assert_eq!(
            sink.ignored_columns("v.csv").len(),
            2,
            "{}: {:?}",
            v.name,
            sink.columns
        );
        assert_eq!(sink.columns["v.csv"].len(), 10);
    }
}

/// The shape of the reported bug: CN rows in a pandas re-save with day-first dates, which
/// used to lose every date unsaid.
#[test]
fn cn_rows_of_a_pandas_resave_keep_their_dates() {
    let mut text = String::from(
        "id,title,assignee,inventor,priority_date,filing_date,publication_date,grant_date,result_link,representative_figure_link\n",
    );
    for i in 0..200u32 {
        let day = 1 + i % 28;
        text.push_str(&format!(
            "CN-{}-A,无人机,\"深圳市飞农科技有限公司\",\"李娜, 王伟\",{day:02}/03/2017,{day:02}/04/2018,{day:02}/10/2019,,https://patents.google.com/patent/CN{}A/en,\n",
            108000000 + i,
            108000000 + i
        ));
    }
    assert_eq!(detect(&text), Some(Format::GoogleCsv));
    let sink = read_str(&text);
    assert_eq!((sink.records.len(), sink.rejections.len()), (200, 0));
    assert!(sink.field_notes.is_empty());
    let r = &sink.records[20];
    assert_eq!(r.app.earliest_priority_date, ymd(2017, 3, 21));
    assert_eq!(r.app.filing_date, ymd(2018, 4, 21));
    assert_eq!(r.publications[0].date, ymd(2019, 10, 21));
    let read = |c: &str| sink.values_read[&("g.csv".to_string(), c.to_string())];
    assert_eq!(read("priority_date"), 200);
    assert_eq!(read("filing_date"), 200);
    assert_eq!(read("grant_date"), 0);
    assert_eq!(
        sink.ignored_columns("g.csv"),
        ["result_link", "representative_figure_link"]
    );
}

#[test]
fn dates_that_cannot_be_read_are_rejected_values_of_kept_records() {
    let text = [
        HEADER,
        // Every slashed date has both parts at most 12: the order is not shown anywhere.
        "US-1-B1,x,A,B,03/04/2015,05/06/2016,07/08/2017,07/08/2017,,\n",
        "US-2-B1,x,A,B,03/03/2015,5/6/16,2017-13-01,,,\n",
    ]
    .concat();
    let sink = read_str(&text);
    assert_eq!((sink.records.len(), sink.rejections.len()), (2, 0));
    let r = &sink.records[0];
    assert_eq!(
        (
            r.app.earliest_priority_date,
            r.app.filing_date,
            r.app.granted
        ),
        (None, None, None)
    );
    let r = &sink.records[1];
    // 03/03 reads the same either way.
    assert_eq!(r.app.earliest_priority_date, ymd(2015, 3, 3));
    let reasons: Vec<(&str, u64, &str)> = sink
        .field_notes
        .iter()
        .map(|n| {
            assert_eq!(n.action, FieldAction::Rejected);
            let Location::Line(l) = n.location else {
                panic!()
            };
            (n.field.as_str(), l, n.reason.as_str())
        })
        .collect();
    let ambiguous = "day and month cannot be told apart: no date of the file shows their order (a part above 12)";
    assert_eq!(
        reasons,
        [
            ("priority date", 2, ambiguous),
            ("filing/creation date", 2, ambiguous),
            ("publication date", 2, ambiguous),
            ("grant date", 2, ambiguous),
            ("filing/creation date", 3, ambiguous),
            ("publication date", 3, "no such day: \"2017-13-01\""),
        ]
    );
    // read = kept + rejected, per column.
    let read = |c: &str| sink.values_read[&("g.csv".to_string(), c.to_string())];
    assert_eq!(read("publication date"), 2);
    assert_eq!(read("grant date"), 1);
    let key = ("g.csv".to_string(), "result link".to_string());
    assert!(
        !sink.values_read.contains_key(&key),
        "an ignored column is not counted"
    );
}

#[test]
fn one_unambiguous_date_decides_the_order_of_the_file() {
    // The filing column shows month first (13 as the second part); the other columns,
    // without evidence of their own, follow it.
    let text = [
        HEADER,
        "US-1-B1,x,A,B,03/04/2015,05/13/2016,07/08/2017,,,\n",
    ]
    .concat();
    let sink = read_str(&text);
    let r = &sink.records[0];
    assert!(sink.field_notes.is_empty(), "{:?}", sink.field_notes);
    assert_eq!(r.app.earliest_priority_date, ymd(2015, 3, 4));
    assert_eq!(r.app.filing_date, ymd(2016, 5, 13));
    assert_eq!(r.publications[0].date, ymd(2017, 7, 8));
}

/// docs/FORMATS.md is what the readers' column tables say (set PATQ_WRITE_FORMATS=1 to
/// write it).
#[test]
fn formats_doc_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/FORMATS.md");
    let want = patq_ingest::detect::formats_markdown();
    if std::env::var_os("PATQ_WRITE_FORMATS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let doc = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        doc == want,
        "docs/FORMATS.md is stale: run `PATQ_WRITE_FORMATS=1 cargo test -p patq-ingest --test tests google_csv::formats_doc_is_current`"
    );
}

/// A two-digit year takes the century that puts the row's dates in order, and is rejected
/// when the row cannot decide.
#[test]
fn two_digit_years_take_the_century_the_row_proves() {
    let text = [
        HEADER,
        "US-3-B1,x,A,B,2015-01-02,15/06/15,2017-01-03,,,\n",
        "US-4-B1,x,A,B,,15/06/15,,,,\n",
        "US-5-B1,x,A,B,2015-01-02,15/06/99,2017-01-03,,,\n",
    ]
    .concat();
    let sink = read_str(&text);
    assert_eq!(sink.records.len(), 3);
    assert_eq!(sink.records[0].app.filing_date, ymd(2015, 6, 15));
    assert_eq!(sink.records[1].app.filing_date, None);
    assert_eq!(sink.records[2].app.filing_date, None);
    let notes: Vec<(&str, &str)> = sink
        .field_notes
        .iter()
        .map(|n| (n.value.as_str(), n.reason.as_str()))
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].1.contains("could be 1815 or 1915 or 2015"),
        "{notes:?}"
    );
    assert!(notes[1].1.contains("no century fits"), "{notes:?}");
}

/// A US design patent is published only once granted: granted, in its own class.
#[test]
fn design_patents_are_granted() {
    let sink = read_str(&format!("{HEADER}{}", row("US-D876543-S", "2020-02-25")));
    let r = &sink.records[0];
    assert_eq!(r.publications[0].class, PubClass::Design);
    assert_eq!(r.app.granted, Some(true));
}
