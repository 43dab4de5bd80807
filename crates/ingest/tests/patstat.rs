//! PATSTAT reader: the real Denter tls201 extract, a hand-made consistent set of tables, and
//! malformed inputs.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use patq_ingest::{CollectSink, FieldAction, IngestError, Input, Location, patstat};
use patq_model::{ClassScheme, PartyRole, PatentRecord, PubClass};
use patq_testkit::shared_file;

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn read_inputs(inputs: &[Input]) -> CollectSink {
    let refs: Vec<&Input> = inputs.iter().collect();
    let mut sink = CollectSink::default();
    patstat::read(&refs, &mut sink).expect("read");
    sink
}

fn read_str(name: &str, text: &str) -> CollectSink {
    read_inputs(&[Input::from_str(name, text)])
}

fn fixture(name: &str) -> Input {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name);
    Input::load(&p, 0).expect("fixture")
}

fn count_by<F: Fn(&PatentRecord) -> String>(recs: &[PatentRecord], f: F) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for r in recs {
        *m.entry(f(r)).or_insert(0) += 1;
    }
    m
}

/// Counts verified with python3 on the raw file:
/// `rows = list(csv.DictReader(open('raw_data_2020_autumn.csv', newline='')))`, then
/// `len(rows)` = 25097, `Counter(r['appln_auth'])`, `Counter(r['appln_kind'])`,
/// `Counter(r['priority'])`, `len({r['earliest_filing_id']})` = 13101,
/// `Counter(r['appln_filing_year'])`, `sum(r['receiving_office'].strip() != '')` = 4166, and
/// the keys (epodoc number, WO numbers rewritten `WO`+office+year+6-digit serial) are
/// 25097 distinct.
#[test]
fn denter_blockchain_extract() {
    let Some(p) = shared_file(
        "denter_blockchain_extract",
        "blockchain-patstat-denter/raw_data_2020_autumn.csv",
    ) else {
        return;
    };
    let input = Input::load(&p, 0).unwrap();
    let sink = read_inputs(&[input]);
    assert!(
        sink.rejections.is_empty(),
        "{:?}",
        &sink.rejections[..3.min(sink.rejections.len())]
    );
    assert!(sink.skips.is_empty());
    let recs = &sink.records;
    assert_eq!(recs.len(), 25_097);

    let offices = count_by(recs, |r| r.app.office.to_string());
    for (o, n) in [
        ("US", 7_642),
        ("CN", 6_565),
        ("WO", 4_166),
        ("EP", 1_752),
        ("KR", 1_010),
        ("JP", 613),
        ("CA", 537),
        ("AU", 502),
    ] {
        assert_eq!(offices.get(o), Some(&n), "{o}");
    }
    let kinds = count_by(recs, |r| r.app.kind.clone().unwrap_or_default().to_string());
    assert_eq!(kinds.get("A"), Some(&20_832));
    assert_eq!(kinds.get("W"), Some(&4_166));
    assert_eq!(kinds.get("T"), Some(&99));
    assert_eq!(recs.iter().filter(|r| r.app.is_pct).count(), 4_166);
    assert_eq!(
        recs.iter()
            .filter(|r| r.app.is_priority_filing == Some(true))
            .count(),
        9_488
    );
    assert_eq!(
        recs.iter()
            .filter(|r| r.app.is_priority_filing == Some(false))
            .count(),
        15_609
    );
    let efi: HashSet<_> = recs
        .iter()
        .map(|r| r.app.earliest_filing_id.clone().unwrap())
        .collect();
    assert_eq!(efi.len(), 13_101);
    let years = count_by(recs, |r| r.app.filing_year.unwrap().to_string());
    assert_eq!(years.get("2018"), Some(&7_817));
    assert_eq!(years.get("2019"), Some(&7_952));
    assert_eq!(years.get("2020"), Some(&919));
    assert_eq!(years.get("2009"), Some(&562));
    assert_eq!(
        recs.iter()
            .filter(|r| r.app.receiving_office.is_some())
            .count(),
        4_166
    );
    assert!(recs.iter().all(|r| r.app.ipr_type.as_deref() == Some("PI")));
    assert!(
        recs.iter()
            .all(|r| r.app.granted.is_none() && r.app.filing_date.is_none())
    );
    let keys: HashSet<_> = recs.iter().map(|r| r.app.key.as_str()).collect();
    assert_eq!(keys.len(), 25_097);

    // Records come in key order; the checks below find them by appln_id.
    assert!(recs.windows(2).all(|w| w[0].app.key <= w[1].app.key));
    let by_id = |id: &str| {
        &recs
            .iter()
            .find(|r| r.app.source_id.as_deref() == Some(id))
            .expect("a record of this appln_id")
            .app
    };
    // Line 2: 441442106,WO,W ,2013,WO2013CA50967,PI,CA,441442106,1
    let a = by_id("441442106");
    assert_eq!(a.key, "WOCA2013050967");
    assert_eq!(a.number, "CA2013050967");
    assert_eq!(a.source_id.as_deref(), Some("441442106"));
    assert_eq!(a.receiving_office.as_deref(), Some("CA"));
    assert_eq!(a.filing_year, Some(2013));
    assert!(a.is_pct);
    assert_eq!(a.is_priority_filing, Some(true));
    assert_eq!(a.provenance.location, "line 2");
    // Line 3: 447530608,US,A ,2014,US201414306158,PI,  ,447530608,1
    let b = by_id("447530608");
    assert_eq!(
        (b.key.as_str(), b.office.as_str(), b.kind.as_deref()),
        ("US201414306158", "US", Some("A"))
    );
    assert_eq!(b.receiving_office, None);
    assert!(!b.is_pct);
    // Line 5: 456436029,EP,A ,2016,EP20160723615,PI,  ,471824297,0
    let c = by_id("456436029");
    assert_eq!(c.key, "EP20160723615");
    assert_eq!(c.earliest_filing_id.as_deref(), Some("471824297"));
    assert_eq!(c.is_priority_filing, Some(false));
    // Last line: 537588633,GB,A ,2018,GB20200011417,PI,  ,516082361,0
    let z = by_id("537588633");
    assert_eq!(
        (z.key.as_str(), z.filing_year),
        ("GB20200011417", Some(2018))
    );
    assert_eq!(z.provenance.location, "line 25098");
}

#[test]
fn denter_reference_tables_are_refused_clearly() {
    for (name, what) in [
        (
            "priority_filings_per_authority_and_year.csv",
            "priority-filing counts",
        ),
        ("priority_filings_worldwide.csv", "priority-filing counts"),
        ("office_abbreviations_shortened.csv", "office-abbreviation"),
    ] {
        let rel = format!("blockchain-patstat-denter/{name}");
        let Some(p) = shared_file("denter_reference_tables_are_refused_clearly", &rel) else {
            return;
        };
        let input = Input::load(&p, 0).unwrap();
        let mut sink = CollectSink::default();
        let err = patstat::read(&[&input], &mut sink).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, IngestError::Malformed { .. }), "{msg}");
        assert!(
            msg.contains(what) && msg.contains("not a PATSTAT application table"),
            "{msg}"
        );
        assert!(msg.contains(name), "{msg}");
        assert!(sink.records.is_empty());
    }
}

fn fixture_set() -> CollectSink {
    // Deliberately not in dependency order: the reader must join regardless.
    let names = [
        "patstat_tls212.csv",
        "patstat_tls207.csv",
        "patstat_tls201.csv",
        "patstat_tls204.csv",
        "patstat_tls206.csv",
        "patstat_tls209.csv",
        "patstat_tls224.csv",
        "patstat_tls211.csv",
        "patstat_tls202.csv",
    ];
    read_inputs(&names.map(fixture))
}

#[test]
fn hand_made_tables_join() {
    let sink = fixture_set();
    assert!(sink.rejections.is_empty(), "{:?}", sink.rejections);
    // Rows: tls201 5, tls204 3, tls206 5, tls207 7, tls209 3, tls224 2, tls211 6, tls212 5,
    // tls202 2 = 38 = 5 records + 33 skips.
    assert_eq!(sink.records.len(), 5);
    assert_eq!(sink.skips.len(), 33);
    let kinds = {
        let mut m: HashMap<&str, usize> = HashMap::new();
        for s in &sink.skips {
            *m.entry(s.kind.as_str()).or_default() += 1;
        }
        m
    };
    assert_eq!(kinds["unused:tls206"], 1);
    assert_eq!(kinds["unpublished:tls211"], 1);
    assert_eq!(kinds["attached:tls206"], 4);
    assert_eq!(kinds["attached:tls211"], 5);
    assert_eq!(kinds["attached:tls207"], 7);
    assert_eq!(kinds["attached:tls212"], 5);
    let unused = sink
        .skips
        .iter()
        .find(|s| s.kind == "unused:tls206")
        .unwrap();
    assert_eq!(unused.location, Location::Line(6));

    let by_key: HashMap<&str, &PatentRecord> = sink
        .records
        .iter()
        .map(|r| (r.app.key.as_str(), r))
        .collect();

    let us = by_key["US15123456"];
    let a = &us.app;
    assert_eq!(
        (a.office.as_str(), a.number.as_str(), a.kind.as_deref()),
        ("US", "15123456", Some("A"))
    );
    assert_eq!(a.filing_date, ymd(2016, 3, 1));
    assert_eq!(a.filing_year, Some(2016));
    assert_eq!(a.receiving_office, None);
    assert_eq!(a.pct_key, None);
    assert_eq!(a.earliest_filing_id.as_deref(), Some("1001"));
    assert_eq!(a.earliest_priority_date, ymd(2016, 3, 1));
    assert_eq!(a.is_priority_filing, Some(true));
    assert_eq!(a.docdb_family_id.as_deref(), Some("50001"));
    assert_eq!(a.inpadoc_family_id.as_deref(), Some("60001"));
    assert_eq!(a.simple_family_size, Some(3));
    assert_eq!(a.cited_by_count, Some(4));
    assert_eq!(a.granted, Some(true));
    assert_eq!(a.title.as_deref(), Some("Distributed ledger for payments"));
    assert_eq!(a.source_id.as_deref(), Some("1001"));
    assert_eq!(us.publications.len(), 2);
    assert_eq!(us.publications[0].number, "2017262862");
    assert_eq!(us.publications[0].class, PubClass::Application);
    assert_eq!(us.publications[1].kind, "B2");
    assert_eq!(us.publications[1].class, PubClass::Grant);
    assert_eq!(us.publications[1].date, ymd(2018, 11, 6));
    assert_eq!(us.publications[1].source_id.as_deref(), Some("2002"));
    assert_eq!(us.parties.len(), 2);
    assert_eq!(us.parties[0].role, PartyRole::Applicant);
    assert_eq!(us.parties[0].name, "ACME LEDGER, INC.");
    assert_eq!(us.parties[0].country.as_deref(), Some("US"));
    assert_eq!(
        (us.parties[1].role, us.parties[1].seq),
        (PartyRole::Inventor, 0)
    );
    let classes: Vec<(ClassScheme, &str)> = us
        .classes
        .iter()
        .map(|c| (c.scheme, c.code.as_str()))
        .collect();
    assert_eq!(
        classes,
        vec![
            (ClassScheme::Ipc, "H04L9/32"),
            (ClassScheme::Ipc, "G06Q20/06"),
            (ClassScheme::Cpc, "H04L9/3239")
        ]
    );
    assert_eq!(us.citations.len(), 2);
    let c0 = &us.citations[0];
    assert_eq!(
        (
            c0.office.as_deref(),
            c0.number.as_str(),
            c0.kind.as_deref(),
            c0.date
        ),
        (Some("CN"), "108600001", Some("A"), ymd(2018, 9, 28))
    );
    assert_eq!(c0.cited_by.as_deref(), Some("SEA"));
    assert_eq!(us.citations[1].number, "PATSTAT:7777");
    assert_eq!(us.citations[1].office, None);
    assert_eq!(us.citations[1].cited_by.as_deref(), Some("APP"));
    assert!(us.priorities.is_empty());
    assert_eq!(a.npl_citation_count, None);

    let wo = by_key["WOUS2017012345"];
    assert!(wo.app.is_pct);
    assert_eq!(wo.app.number, "US2017012345");
    assert_eq!(wo.app.receiving_office.as_deref(), Some("US"));
    assert_eq!(wo.app.granted, Some(false));
    assert_eq!(wo.app.is_priority_filing, Some(false));
    assert_eq!(wo.priorities.len(), 1);
    let p = &wo.priorities[0];
    assert_eq!(
        (p.key.as_str(), p.office.as_str(), p.number.as_str()),
        ("US15123456", "US", "15123456")
    );
    assert_eq!((p.kind.as_deref(), p.date), (Some("A"), ymd(2016, 3, 1)));
    assert_eq!(wo.publications[0].class, PubClass::Application);

    let ep = by_key["EP17711111"];
    assert_eq!(ep.app.pct_key.as_deref(), Some("WOUS2017012345"));
    assert_eq!(ep.app.npl_citation_count, Some(2));
    assert!(ep.citations.is_empty());
    assert_eq!(ep.classes[0].code, "H04L2209/56");
    assert_eq!(ep.priorities[0].key, "US15123456");

    let cn = by_key["CN201810234567"];
    assert_eq!(
        cn.app.title.as_deref(),
        Some("Block chain node, with consensus")
    );
    assert_eq!(cn.publications[0].kind, "A");
    assert_eq!(cn.publications[0].class, PubClass::Application);
    assert_eq!(cn.parties.len(), 2);
    assert!(
        cn.parties
            .iter()
            .all(|p| p.name == "ZHANG WEI" && p.country.as_deref() == Some("CN"))
    );
    assert_eq!(cn.citations.len(), 1);
    assert_eq!(cn.citations[0].office.as_deref(), Some("US"));
    assert_eq!(cn.citations[0].number, "15123456");
    assert_eq!(cn.classes[0].code, "H04L9/06");

    let kr = by_key["KR20190001111"];
    assert_eq!(kr.app.number, "20190001111");
    assert_eq!(kr.app.filing_date, None);
    assert_eq!(kr.app.filing_year, Some(2019));
    assert_eq!(kr.app.ipr_type.as_deref(), Some("UM"));
    assert_eq!(kr.app.earliest_priority_date, None);
    assert_eq!(kr.app.granted, None);
    assert_eq!(kr.app.cited_by_count, None);
    assert_eq!(kr.app.simple_family_size, Some(2));
    assert!(kr.publications.is_empty());
    assert_eq!(kr.priorities[0].key, "PATSTAT:8888");
    assert_eq!(kr.priorities[0].office, "");
}

const T201: &str = "appln_id,appln_auth,appln_kind,appln_filing_year,appln_nr_epodoc,ipr_type,receiving_office,earliest_filing_id,priority\n";

fn reconcile(sink: &CollectSink, rows: usize) {
    assert_eq!(
        sink.records.len() + sink.rejections.len() + sink.skips.len(),
        rows
    );
}

/// A bad filing year is a rejected value of a kept record; a missing office rejects the
/// record (it is part of the key).
#[test]
fn bad_year_and_missing_office_are_rejected() {
    let text = format!(
        "{T201}1,US,A ,2018,US201816000001,PI,  ,1,1\n2,US,A ,20x8,US201816000002,PI,  ,2,1\n3,  ,A ,2018,US201816000003,PI,  ,3,1\n4,US,A ,1066,US201816000004,PI,  ,4,1\n"
    );
    let sink = read_str("bad.csv", &text);
    reconcile(&sink, 4);
    assert_eq!(sink.records.len(), 3);
    let r = &sink.rejections;
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].location, Location::Line(4));
    assert_eq!(r[0].field.as_deref(), Some("appln_auth"));
    assert!(r[0].reason.contains("missing appln_auth"));
    assert_eq!(r[0].file, "bad.csv");
    let notes = sink.notes("appln_filing_year", FieldAction::Rejected);
    let got: Vec<_> = notes
        .iter()
        .map(|n| (n.location.clone(), n.value.as_str()))
        .collect();
    assert_eq!(
        got,
        [(Location::Line(3), "20x8"), (Location::Line(5), "1066")]
    );
    assert!(notes[0].reason.contains("\"20x8\""), "{}", notes[0].reason);
    let r2 = sink
        .records
        .iter()
        .find(|r| r.app.source_id.as_deref() == Some("2"));
    assert_eq!(r2.map(|r| r.app.filing_year), Some(None));
    // Read counts: the rejected row's values are taken back; kept + rejected = read.
    let read = |c: &str| sink.values_read[&("bad.csv".to_string(), c.to_string())];
    assert_eq!(read("appln_filing_year"), 3);
    assert_eq!(read("appln_auth"), 3);
    assert_eq!(read("receiving_office"), 0, "blank cells are not values");
}

#[test]
fn unknown_appln_id_in_child_table_is_rejected() {
    let apps = Input::from_str(
        "tls201.csv",
        &format!("{T201}1,US,A ,2018,US201816000001,PI,  ,1,1\n"),
    );
    let ipc = Input::from_str(
        "tls209.csv",
        "appln_id,ipc_class_symbol\n1,H04L   9/32\n77,G06Q  20/06\nx,G06Q  20/06\n",
    );
    let sink = read_inputs(&[ipc, apps]);
    reconcile(&sink, 4);
    assert_eq!(sink.records.len(), 1);
    assert_eq!(sink.records[0].classes.len(), 1);
    assert_eq!(sink.skips.len(), 1);
    assert_eq!(sink.skips[0].kind, "attached:tls209");
    let r = &sink.rejections[0];
    assert_eq!(
        (r.file.as_str(), &r.location),
        ("tls209.csv", &Location::Line(3))
    );
    assert_eq!(r.field.as_deref(), Some("appln_id"));
    assert!(
        r.reason.contains("appln_id 77 is not in the tls201 rows"),
        "{}",
        r.reason
    );
    assert!(sink.rejections[1].reason.contains("non-numeric"));
}

#[test]
fn wrong_field_count_and_unclosed_quote() {
    let text = format!(
        "{T201}1,US,A ,2018,US201816000001,PI,  ,1,1\n2,US,A ,2018,US201816000002,PI\n3,US,\"A ,2018,US201816000003,PI,  ,3,1\n4,US,A ,2018,US201816000004,PI,  ,4,1\n"
    );
    let sink = read_str("count.csv", &text);
    assert_eq!(sink.records.len(), 1);
    let r = &sink.rejections;
    assert_eq!(r[0].location, Location::Line(3));
    assert!(
        r[0].reason.contains("has 6 fields, the header has 9"),
        "{}",
        r[0].reason
    );
    // The unclosed quote swallows the rest of the file into one record: one rejection, not a
    // silent loss, and the reason says why.
    assert_eq!(r.len(), 2);
    assert_eq!(r[1].location, Location::Line(4));
    assert!(r[1].reason.contains("unclosed quote"), "{}", r[1].reason);
}

#[test]
fn semicolons_nul_bytes_and_garbage() {
    let text = "appln_id;appln_auth;appln_kind;appln_filing_year;appln_nr_epodoc\n1;US;A ;2018;US201816000001\n2;U\0S;A ;2018;US201816000002\n";
    let sink = read_str("semi.csv", text);
    reconcile(&sink, 2);
    assert_eq!(sink.records[0].app.key, "US201816000001");
    assert_eq!(sink.rejections[0].field.as_deref(), Some("appln_auth"));

    let input = Input::from_bytes(
        Path::new("garbage.bin"),
        vec![0xFF, 0x00, 0xC3, 0x28, b'\n', 0x01],
        0,
    );
    let mut sink = CollectSink::default();
    let err = patstat::read(&[&input], &mut sink).unwrap_err();
    assert!(
        err.to_string().contains("matches no PATSTAT table"),
        "{err}"
    );

    let empty = Input::from_str("empty.csv", "");
    let err = patstat::read(&[&empty], &mut CollectSink::default()).unwrap_err();
    assert!(err.to_string().contains("empty file"), "{err}");

    // A header alone is a valid, empty table.
    let sink = read_str("header.csv", T201);
    reconcile(&sink, 0);
}

#[test]
fn duplicate_appln_id_and_bad_flags() {
    let text = "appln_id,appln_auth,appln_nr,appln_filing_date,granted,docdb_family_size\n1,EP,17000001,2017-01-02,Y,3\n1,EP,17000009,2017-01-02,N,3\n2,EP,17000002,2017-02-30,N,3\n3,EP,17000003,2017-01-02,maybe,3\n4,EP,17000004,2017-01-02,N,-2\n";
    let sink = read_str("dup.csv", text);
    reconcile(&sink, 5);
    assert_eq!(sink.records.len(), 4);
    assert_eq!(sink.rejections.len(), 1);
    assert_eq!(sink.rejections[0].field.as_deref(), Some("appln_id"));
    assert!(sink.rejections[0].reason.contains("first at line 2"));
    // Bad optional values: the records are kept without them.
    let f: Vec<_> = sink
        .field_notes
        .iter()
        .map(|n| (n.field.as_str(), n.value.as_str(), n.action))
        .collect();
    let rejected = FieldAction::Rejected;
    assert_eq!(
        f,
        vec![
            ("appln_filing_date", "2017-02-30", rejected),
            ("granted", "maybe", rejected),
            ("docdb_family_size", "-2", rejected),
        ]
    );
    assert!(sink.field_notes[0].reason.contains("2017-02-30"));
    let r = sink.records.iter().find(|r| r.app.number == "17000002");
    assert_eq!(
        r.map(|r| (r.app.filing_date, r.app.granted)),
        Some((None, Some(false)))
    );
    let read = |c: &str| sink.values_read[&("dup.csv".to_string(), c.to_string())];
    // Five rows, the duplicate's values taken back.
    assert_eq!(read("granted"), 4);
    assert_eq!(read("appln_filing_date"), 4);
    assert_eq!(sink.ignored_columns("dup.csv"), Vec::<&str>::new());
}

// ---------------------------------------------------------------------------------------------
// No value of a mapped column is lost unreported, on every header-row file at hand.

/// Non-empty (after trimming) cells per column of a delimited file, counted here with the csv
/// crate alone, skipping a Google `search URL:` line and the rows `skip` names by their line.
fn count_cells(text: &str, skip: &HashSet<u64>) -> (Vec<String>, Vec<u64>) {
    let text = text.trim_start_matches('\u{feff}');
    let text = match text.lines().next() {
        Some(l) if l.to_ascii_lowercase().starts_with("search url:") => {
            &text[text.find('\n').unwrap() + 1..]
        }
        _ => text,
    };
    let first = text.lines().next().unwrap_or("");
    let sep = [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|&d| first.bytes().filter(|&b| b == d).count())
        .unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sep)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let mut counts = vec![0u64; header.len()];
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let line = rec.position().map_or(0, |p| p.line());
        if skip.contains(&line) {
            continue;
        }
        for (i, v) in rec.iter().enumerate().take(counts.len()) {
            if !v.trim().is_empty() {
                counts[i] += 1;
            }
        }
    }
    (header, counts)
}

/// Reads one group of files (one format, read together) and checks every file (returning
/// what was read): each header
/// column is reported mapped or ignored, each mapped column's `read` equals the non-empty
/// cells counted independently (rows rejected whole left out), and its rejected values are
/// fewer than those read (`kept = read - rejected`).
fn check_no_silent_loss(paths: &[std::path::PathBuf]) -> CollectSink {
    let inputs: Vec<(Input, patq_ingest::Format)> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let input = Input::load(p, i as u32).unwrap();
            let format = patq_ingest::detect(&input.text)
                .unwrap_or_else(|| panic!("{} is not detected", p.display()));
            (input, format)
        })
        .collect();
    let mut sink = CollectSink::default();
    patq_ingest::read_all(&inputs, &mut sink).unwrap();
    for (input, format) in &inputs {
        let name = input.name.as_str();
        let whole: HashSet<u64> = sink
            .rejections
            .iter()
            .filter(|r| r.file == name)
            .filter_map(|r| match r.location {
                Location::Line(l) => Some(l),
                _ => None,
            })
            .collect();
        let (header, cells) = count_cells(&input.text, &whole);
        let uses = sink
            .columns
            .get(name)
            .unwrap_or_else(|| panic!("{format} reader reports no columns for {name}"));
        assert_eq!(uses.len(), header.len(), "{name}: columns reported");
        let mut mapped = 0;
        for (i, u) in uses.iter().enumerate() {
            if u.field.is_none() {
                continue;
            }
            mapped += 1;
            let key = (name.to_string(), u.column.clone());
            let read = sink.values_read.get(&key).copied().unwrap_or(0);
            assert_eq!(
                read, cells[i],
                "{name}: column {:?}: values read as reported vs counted",
                u.column
            );
            let rejected = sink
                .field_notes
                .iter()
                .filter(|n| n.file == name && n.field == u.column)
                .filter(|n| n.action == FieldAction::Rejected)
                .count() as u64;
            assert!(
                rejected <= read,
                "{name}: column {:?}: {rejected} rejected of {read} read",
                u.column
            );
        }
        assert!(mapped > 0, "{name}: no column mapped");
    }
    sink
}

#[test]
fn no_mapped_column_loses_a_value_unreported() {
    let fixtures = patq_testkit::workspace_root().join("tests/fixtures");
    let fixture_group = |prefix: &str| -> Vec<std::path::PathBuf> {
        let mut v: Vec<_> = std::fs::read_dir(&fixtures)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
            })
            .collect();
        v.sort();
        v
    };
    check_no_silent_loss(&fixture_group("patstat_"));
    check_no_silent_loss(&fixture_group("pv_"));
    check_no_silent_loss(&fixture_group("google_"));
    let test = "no_mapped_column_loses_a_value_unreported";
    if let Some(p) = shared_file(test, "blockchain-patstat-denter/raw_data_2020_autumn.csv") {
        let name = p.display().to_string();
        let sink = check_no_silent_loss(&[p]);
        let read = |c: &str| sink.values_read[&(name.clone(), c.to_string())];
        // Every row has an id and an office; receiving_office is blank but for PCT filings.
        assert_eq!((read("appln_id"), read("appln_auth")), (25_097, 25_097));
        assert_eq!(read("receiving_office"), 4_166);
        assert!(sink.field_notes.is_empty());
    }
    // The Lens files: these pass once the Lens reader reports its columns (lens_csv.rs).
    for rel in [
        "lens-csv-oldham/drones_fulltext_families_5884_raw.csv",
        "lens-csv-jetengines/lens-export.csv",
    ] {
        if let Some(p) = shared_file(test, rel) {
            check_no_silent_loss(&[p]);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Re-saved real exports: the first 50 rows of the real drones Lens export, re-written in
// memory as spreadsheets and older exports write them, are detected by their header and read
// to the same records.

/// The header and first `n` rows of a real CSV file.
fn real_rows(path: &Path, n: usize) -> (Vec<String>, Vec<Vec<String>>) {
    let input = Input::load(path, 0).unwrap();
    let mut rdr = csv::ReaderBuilder::new().from_reader(input.text.as_bytes());
    let header = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let rows = rdr
        .records()
        .take(n)
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn write_table(header: &[String], rows: &[Vec<String>], sep: u8, nl: &str, bom: bool) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(sep)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    // Line ends inside quoted fields stay as they were; those between records change.
    let text = text.replace('\n', nl);
    format!("{}{text}", if bom { "\u{feff}" } else { "" })
}

fn lens_records(text: &str) -> (CollectSink, Vec<PatentRecord>) {
    assert_eq!(
        patq_ingest::detect(text),
        Some(patq_ingest::Format::LensCsv),
        "{:?}",
        &text[..80]
    );
    let input = Input::from_str("lens.csv", text);
    let mut sink = CollectSink::default();
    patq_ingest::lens_csv::read(&[&input], &mut sink).unwrap();
    let records = sink
        .records
        .iter()
        .cloned()
        .map(|mut r| {
            r.app.provenance = Default::default();
            r
        })
        .collect();
    (sink, records)
}

fn drones_50() -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let path = shared_file(
        "lens_resaves",
        "lens-csv-oldham/drones_fulltext_families_5884_raw.csv",
    )?;
    Some(real_rows(&path, 50))
}

#[test]
fn real_lens_rows_resaved_read_to_the_same_records() {
    let Some((header, rows)) = drones_50() else {
        return;
    };
    let (_, want) = lens_records(&write_table(&header, &rows, b',', "\n", false));
    assert_eq!(want.len(), 50);
    // Excel (comma locale): CRLF and a byte-order mark.
    let (sink, got) = lens_records(&write_table(&header, &rows, b',', "\r\n", true));
    assert!(sink.rejections.is_empty(), "{:?}", sink.rejections);
    assert_eq!(got, want, "CRLF + BOM");
    // Columns in another order.
    let order: Vec<usize> = (0..header.len()).rev().collect();
    let pick = |r: &Vec<String>| order.iter().map(|&i| r[i].clone()).collect::<Vec<_>>();
    let rows_rev: Vec<Vec<String>> = rows.iter().map(pick).collect();
    let (_, got) = lens_records(&write_table(&pick(&header), &rows_rev, b',', "\n", false));
    assert_eq!(got, want, "columns reversed");
    // The 2015/16 shape without a Lens ID column, bare CR line ends and Latin-1 bytes.
    let lens_id = header.iter().position(|h| h == "Lens ID").unwrap();
    let drop = |r: &Vec<String>| {
        let mut r = r.clone();
        r.remove(lens_id);
        r
    };
    let old: Vec<Vec<String>> = rows.iter().map(drop).collect();
    let text = write_table(&drop(&header), &old, b',', "\r", false);
    let latin1: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    let input = Input::from_bytes(Path::new("old.csv"), latin1, 0);
    let (sink, got) = lens_records(&input.text);
    assert!(sink.rejections.is_empty(), "{:?}", sink.rejections);
    assert_eq!(got.len(), 50, "2015/16 without Lens ID");
}

/// Excel in a `;` locale: detected as Lens CSV, and read to the same records (the Lens reader
/// takes its separator from the header line).
#[test]
fn real_lens_rows_resaved_with_semicolons_read_to_the_same_records() {
    let Some((header, rows)) = drones_50() else {
        return;
    };
    let (_, want) = lens_records(&write_table(&header, &rows, b',', "\n", false));
    let (sink, got) = lens_records(&write_table(&header, &rows, b';', "\r\n", true));
    assert!(sink.rejections.is_empty(), "{:?}", sink.rejections);
    assert_eq!(got, want);
}

#[test]
fn real_lens_rows_resaved_with_semicolons_are_detected() {
    let Some((header, rows)) = drones_50() else {
        return;
    };
    let text = write_table(&header, &rows, b';', "\r\n", true);
    assert_eq!(
        patq_ingest::detect(&text),
        Some(patq_ingest::Format::LensCsv)
    );
}

/// The real PATSTAT extract written with every field quoted (as database exports do), or with
/// `;` and CRLF, is detected and reads to the same records.
#[test]
fn real_patstat_quoted_or_semicolon_reads_the_same() {
    let Some(path) = shared_file(
        "patstat_quoted",
        "blockchain-patstat-denter/raw_data_2020_autumn.csv",
    ) else {
        return;
    };
    let (header, rows) = real_rows(&path, usize::MAX);
    let read = |text: &str| {
        assert_eq!(
            patq_ingest::detect(text),
            Some(patq_ingest::Format::Patstat)
        );
        read_str("t.csv", text)
    };
    let want = read(&write_table(&header, &rows, b',', "\n", false));
    assert_eq!(want.records.len(), 25_097);
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    let quoted = String::from_utf8(w.into_inner().unwrap()).unwrap();
    assert!(quoted.starts_with("\"appln_id\",\"appln_auth\""));
    let got = read(&quoted);
    assert_eq!(got.records, want.records, "quoted");
    let got = read(&write_table(&header, &rows, b';', "\r\n", true));
    assert_eq!(got.records, want.records, "semicolons, CRLF, BOM");
    assert!(got.rejections.is_empty() && got.field_notes.is_empty());
}
