//! Lens CSV reader tests: the real 2015/16-schema drones export, a hand-made export in the
//! current schema, and malformed inputs.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use patq_ingest::{CollectSink, IngestError, Input, Location, lens_csv};
use patq_model::{ClassScheme, FamilyKind, PartyRole, PatentRecord, PubClass};
use patq_testkit::shared_file;

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn read_str(text: &str) -> CollectSink {
    let input = Input::from_str("test.csv", text);
    let mut sink = CollectSink::default();
    lens_csv::read(&[&input], &mut sink).expect("reader failed");
    sink
}

fn by_location<'a>(sink: &'a CollectSink, loc: &str) -> &'a PatentRecord {
    sink.records
        .iter()
        .find(|r| r.app.provenance.location == loc)
        .unwrap_or_else(|| panic!("no record at {loc}"))
}

fn count_by<K: Ord>(sink: &CollectSink, f: impl Fn(&PatentRecord) -> K) -> BTreeMap<K, usize> {
    let mut m = BTreeMap::new();
    for r in &sink.records {
        *m.entry(f(r)).or_default() += 1;
    }
    m
}

// Expected values counted with python3's csv module on the raw file:
//   rows = list(csv.reader(open(path, newline='', encoding='utf-8')))[1:]
//   len(rows) -> 5884; every row has 26 fields; '#' runs 1..5884 and no field has a newline,
//   so row n is on line n+1.
//   Counter(r[14])  (Type) -> Patent Application 4031, Granted Patent 1539, Limited Patent 200,
//     unknown 86, Design right 11, Search report 10, Ammended Patent 4, ambiguous 2,
//     Statutory Invention Registration 1.
//   Counter(r[1])   (Jurisdiction) -> US 3460, WO 808, AU 366, CN 355, EP 244, RU 150, KR 130.
//   Application Numbers ending in " W" -> 808 (exactly the WO rows).
//   Distinct application keys (office + number without the kind token) -> 5880: four AU
//   applications appear twice (an A and a B2 row each).
//   sum(int(r[16])) (Cited Count) -> 47360.
//   Rows with a non-empty Non-Patent Citations -> 965; items over all rows split on ';;' only
//   -> 9202 (splitting on a single ';' too made it 9268: 34 citations hold a ';').
//   Items per row, de-duplicated within the row, summed: CPC 29032, IPCR 15190, US 5834,
//   Priority Numbers 12817. Applicants 9013, Inventors 15355 (';;' only: 28 applicants are
//   written "NAME; FIRST NAME", e.g. "MITCHELL; RALPH" on line 1230, in 28 rows without any
//   ";;" that were split into two applicants before; 36 rows in all have such a name).
//   Every date is a valid ISO date (3 empty Application Dates), every count a plain integer
//   and every 8-digit priority date valid, so nothing is rejected.
#[test]
fn drones_2016_schema() {
    let Some(path) = shared_file(
        "lens_csv::drones_2016_schema",
        "lens-csv-oldham/drones_fulltext_families_5884_raw.csv",
    ) else {
        return;
    };
    let input = Input::load(&path, 3).unwrap();
    let mut sink = CollectSink::default();
    lens_csv::read(&[&input], &mut sink).unwrap();
    for r in sink.rejections.iter().take(5) {
        eprintln!("{r}");
    }
    assert_eq!(sink.records.len() + sink.rejections.len(), 5884);
    assert_eq!(sink.rejections.len(), 0);
    assert_eq!(sink.records.len(), 5884);
    assert_drones_dates_and_notes(&path, &sink);

    let granted = count_by(&sink, |r| r.app.granted);
    assert_eq!(granted.get(&Some(true)), Some(&1539));
    assert_eq!(granted.get(&Some(false)), Some(&4031));
    assert_eq!(granted.get(&None), Some(&(200 + 86 + 11 + 10 + 4 + 2 + 1)));

    let juris = count_by(&sink, |r| r.publications[0].office.to_string());
    for (office, n) in [
        ("US", 3460),
        ("WO", 808),
        ("AU", 366),
        ("CN", 355),
        ("EP", 244),
        ("RU", 150),
        ("KR", 130),
    ] {
        assert_eq!(juris.get(office), Some(&n), "{office}");
    }
    assert_eq!(sink.records.iter().filter(|r| r.app.is_pct).count(), 808);
    let keys: std::collections::HashSet<_> = sink.records.iter().map(|r| &r.app.key).collect();
    assert_eq!(keys.len(), 5880);

    let sum = |f: &dyn Fn(&PatentRecord) -> usize| sink.records.iter().map(f).sum::<usize>();
    assert_eq!(sum(&|r| r.app.cited_by_count.unwrap() as usize), 47360);
    assert_eq!(
        sink.records
            .iter()
            .filter(|r| r.app.npl_citation_count.unwrap() > 0)
            .count(),
        965
    );
    assert_eq!(sum(&|r| r.app.npl_citation_count.unwrap() as usize), 9202);
    let classes = |s: ClassScheme| sum(&|r| r.classes.iter().filter(|c| c.scheme == s).count());
    assert_eq!(classes(ClassScheme::Cpc), 29032);
    assert_eq!(classes(ClassScheme::Ipc), 15190);
    assert_eq!(classes(ClassScheme::Uspc), 5834);
    assert_eq!(sum(&|r| r.priorities.len()), 12817);
    let parties = |role| sum(&|r| r.parties.iter().filter(|p| p.role == role).count());
    assert_eq!(parties(PartyRole::Applicant), 9013);
    assert_eq!(parties(PartyRole::Inventor), 15355);
    assert_eq!(parties(PartyRole::Owner), 0);

    // Line 1230: one applicant written with a single ';'.
    let r = by_location(&sink, "line 1230");
    let applicants: Vec<_> = r
        .parties
        .iter()
        .filter(|p| p.role == PartyRole::Applicant)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(applicants, ["MITCHELL; RALPH"]);
    let with_semicolon = sink
        .records
        .iter()
        .filter(|r| {
            r.parties
                .iter()
                .any(|p| p.role == PartyRole::Applicant && p.name.contains(';'))
        })
        .count();
    assert_eq!(with_semicolon, 36);

    // Row 1 (line 2): AT 399980 B, type "unknown".
    let r = by_location(&sink, "line 2");
    assert_eq!(r.app.provenance.source_file, 3);
    assert_eq!(r.app.key, "AT33585");
    assert_eq!(
        (r.app.office.as_str(), r.app.number.as_str()),
        ("AT", "33585")
    );
    assert_eq!(r.app.kind.as_deref(), Some("A"));
    assert_eq!(r.app.filing_date, ymd(1985, 2, 6));
    assert_eq!(r.app.filing_year, Some(1985));
    assert_eq!(r.app.granted, None);
    assert!(!r.app.is_pct);
    assert_eq!(r.app.cited_by_count, Some(6));
    assert_eq!(r.app.simple_family_size, Some(2));
    assert_eq!(r.app.extended_family_size, Some(2));
    assert_eq!(r.app.npl_citation_count, Some(0));
    assert_eq!(r.app.earliest_priority_date, ymd(1985, 2, 6));
    assert_eq!(
        r.app.title.as_deref(),
        Some(
            "Double-storey Trough Beehive For The Two-population System For Completely Suppressing Swarms"
        )
    );
    let p = &r.publications[0];
    assert_eq!(
        (p.office.as_str(), p.number.as_str(), p.kind.as_str()),
        ("AT", "399980", "B")
    );
    assert_eq!(p.date, ymd(1995, 8, 25));
    assert_eq!(p.class, PubClass::Grant);
    assert_eq!(p.source_id.as_deref(), Some("062-291-696-337-99X"));
    assert_eq!(r.priorities.len(), 1);
    assert_eq!(r.priorities[0].key, "AT33585");
    assert_eq!(r.priorities[0].kind.as_deref(), Some("A"));
    assert_eq!(r.priorities[0].date, ymd(1985, 2, 6));
    assert_eq!(r.classes.len(), 2);
    assert_eq!(r.classes[0].scheme, ClassScheme::Cpc);
    assert_eq!(r.classes[0].code, "A01K47/00");
    assert_eq!(r.classes[1].scheme, ClassScheme::Ipc);
    assert_eq!(r.parties.len(), 1);
    assert_eq!(r.parties[0].name, "MARKOWETZ FRANZ");
    assert_eq!(r.parties[0].country, None);

    // Row 2 (line 3): AT 556755 T with two French priorities and eight CPC codes.
    let r = by_location(&sink, "line 3");
    assert_eq!(r.app.key, "AT11153172");
    assert_eq!(r.app.kind.as_deref(), Some("T"));
    let pk: Vec<_> = r.priorities.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(pk, ["FR1051751", "FR1054449"]);
    assert_eq!(r.app.earliest_priority_date, ymd(2010, 3, 11));
    assert_eq!(
        r.app.title.as_deref(),
        Some(
            "Verfahren Und Gerät Zur Fernbedienung Einer Drohne, Insbesondere Einer Drohne Mit Drehflügeln"
        )
    );
    let inventors: Vec<_> = r
        .parties
        .iter()
        .filter(|p| p.role == PartyRole::Inventor)
        .collect();
    assert_eq!(inventors.len(), 2);
    assert_eq!(
        (inventors[1].seq, inventors[1].name.as_str()),
        (1, "D HAEYER FREDERIC")
    );
    assert_eq!(
        r.classes
            .iter()
            .filter(|c| c.scheme == ClassScheme::Cpc)
            .count(),
        8
    );

    // Row 18 (line 19): CA 783996 A with no application date and a D-suffixed number.
    let r = by_location(&sink, "line 19");
    assert_eq!(r.app.key, "CA783996D");
    assert_eq!(r.app.filing_date, None);
    assert_eq!(r.app.filing_year, None);
    assert_eq!(r.priorities[0].key, "CA783996T");
    assert_eq!(r.priorities[0].date, None);

    // Row 792 (line 793): a Russian patent of a Soviet application.
    let r = by_location(&sink, "line 793");
    assert_eq!(r.app.key, "SU4907184");
    assert_eq!(r.publications[0].office, "RU");
    assert_eq!(r.app.granted, Some(true));

    // Row 2979 (line 2980): the first WO row; the application is PCT/US99/12817.
    let r = by_location(&sink, "line 2980");
    assert_eq!(r.app.key, "WOUS1999012817");
    assert_eq!(r.app.office, "WO");
    assert!(r.app.is_pct);
    assert_eq!(r.app.kind.as_deref(), Some("W"));
    assert_eq!(r.app.receiving_office.as_deref(), Some("US"));
    assert_eq!(r.app.granted, Some(false));
    assert_eq!(
        (r.publications[0].number.as_str(), r.publications[0].class),
        ("2000001198", PubClass::Application)
    );
    assert_eq!(r.priorities[0].key, "US10783698");

    // Row 173 (line 174): a Chinese utility model, "Limited Patent" in Lens's words.
    let r = by_location(&sink, "line 174");
    assert_eq!(r.app.key, "CN200920245218");
    assert_eq!(r.publications[0].class, PubClass::UtilityModel);
    assert_eq!(r.app.ipr_type.as_deref(), Some("UM"));
    assert_eq!(r.app.granted, None);

    // Rows 5528 and 5800 are the application and grant of AU 1988/021211.
    let au: Vec<_> = sink
        .records
        .iter()
        .filter(|r| r.app.key == "AU1988021211")
        .collect();
    assert_eq!(au.len(), 2);
    assert_eq!(au[0].app.granted, Some(false));
    assert_eq!(au[1].app.granted, Some(true));
    assert_eq!(au[1].publications[0].number, "613074");
}

/// The drones file read independently with the csv crate: its header and rows.
fn raw_rows(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    (header, reader.records().map(Result::unwrap).collect())
}

// The week-based-year defect of the 2015/16 export (python3 on the raw file, as above):
//   rows whose Publication Date year differs from Publication Year -> 66, each a date in
//   27-31 December one year after the year column, whose day one year earlier lies in the
//   Sunday-to-Saturday week of the next 1 January. Counts by the date's year then differ from
//   the year column's on 15 years.
//   Application Dates written in late December whose day one year earlier lies in that week
//   -> 127: 101 proven defective (own priority claim dated a year earlier, or after their own
//   publication, or a CN/US/PCT number of the earlier year, e.g. KR 2014013032 W written
//   filed 2015-12-30) with nothing for the date as written; 51 of them lie after their
//   publication. The other 26 are kept as written (19 confirmed by their own priority claim's
//   date or their number's year, 7 with nothing either way).
//   Type against kind code: 29 rows say "Granted Patent" for a kind the kind table calls an
//   application (GB A 24, CA A 3, BE A1 1) or "Patent Application" for CN B (1): flagged.
fn assert_drones_dates_and_notes(path: &Path, sink: &CollectSink) {
    use patq_ingest::FieldAction::{Flagged, Rejected, Repaired};
    let (header, rows) = raw_rows(path);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut by_year_column: BTreeMap<i32, usize> = BTreeMap::new();
    for r in &rows {
        if let Ok(y) = r[col("Publication Year")].parse() {
            *by_year_column.entry(y).or_default() += 1;
        }
    }
    let by_date = count_by(sink, |r| r.publications[0].date.map(|d| d.year()));
    let by_date: BTreeMap<i32, usize> = by_date
        .into_iter()
        .filter_map(|(y, n)| Some((y?, n)))
        .collect();
    assert_eq!(by_date, by_year_column);
    assert_eq!(by_year_column.len(), 74);

    assert_eq!(sink.notes("Publication Date", Repaired).len(), 66);
    assert_eq!(sink.notes("Application Date", Repaired).len(), 101);
    let after: Vec<_> = sink
        .notes("Application Date", Repaired)
        .into_iter()
        .filter(|n| n.reason.contains("after its publication"))
        .collect();
    assert_eq!(after.len(), 51);
    assert_eq!(sink.notes("Type", Flagged).len(), 29);
    assert_eq!(sink.field_notes.len(), 66 + 101 + 29);
    assert!(sink.field_notes.iter().all(|n| n.action != Rejected));
    // No application filed after its first publication is left unflagged (none is left).
    let flagged: Vec<Location> = sink
        .notes("Application Date", Flagged)
        .iter()
        .map(|n| n.location.clone())
        .collect();
    let unflagged_after = sink
        .records
        .iter()
        .filter(|r| {
            let first = r.publications.iter().filter_map(|p| p.date).min();
            matches!((r.app.filing_date, first), (Some(f), Some(p)) if f > p)
        })
        .filter(|r| {
            let line: u64 = r.app.provenance.location[5..].parse().unwrap();
            !flagged.contains(&Location::Line(line))
        })
        .count();
    assert_eq!(unflagged_after, 0);

    // Line 2 of the repairs: CN 201410835651 A, published 2015-04-01, written filed
    // 2015-12-29, its own priority claim dated 20141229.
    let n = sink
        .notes("Application Date", Repaired)
        .into_iter()
        .find(|n| n.value == "2015-12-29" && n.reason.contains("2015-04-01"))
        .unwrap();
    assert_eq!(n.stored.as_deref(), Some("2014-12-29"));
    assert!(
        n.reason.contains("own priority claim is dated 2014-12-29"),
        "{n}"
    );
    let r = sink
        .records
        .iter()
        .find(|r| r.app.key == "CN201410835651")
        .unwrap();
    assert_eq!(r.app.filing_date, ymd(2014, 12, 29));
    assert_eq!(r.app.filing_year, Some(2014));
    // Every value read is kept or noted: per mapped column, the count of non-empty cells.
    assert_values_read(path, sink, &header, &rows);
}

/// Every mapped column's `read` count equals its non-empty cells counted here, and no column
/// has more rejected values than read ones (`kept = read - rejected`).
fn assert_values_read(
    path: &Path,
    sink: &CollectSink,
    header: &[String],
    rows: &[csv::StringRecord],
) {
    let file = path.display().to_string();
    let columns = &sink.columns[&file];
    assert_eq!(columns.len(), header.len());
    let mut mapped = 0;
    for (i, c) in columns.iter().enumerate() {
        assert_eq!(c.column, header[i].trim_start_matches('\u{feff}'));
        let read = sink.values_read.get(&(file.clone(), c.column.clone()));
        if c.field.is_none() {
            assert_eq!(read, None, "{} is ignored", c.column);
            continue;
        }
        mapped += 1;
        let cells = rows.iter().filter(|r| !r[i].trim().is_empty()).count() as u64;
        assert_eq!(read, Some(&cells), "{}", c.column);
        let rejected = sink
            .notes(&c.column, patq_ingest::FieldAction::Rejected)
            .len() as u64;
        assert!(rejected <= cells, "{}", c.column);
    }
    assert!(mapped > 10);
}

// The current-schema export (lens-csv-jetengines, python3 csv as above): 3779 rows, 31
// columns; no Publication Date disagrees with Publication Year, no filing lies after its
// publication, Earliest Priority Date always equals the earliest priority claim. Columns
// without a field: #, Owners (US), URL, Has Full Text, Cites Patent Count, Sequence Count,
// NPL Resolved Citation Count, NPL Resolved Lens ID(s), NPL Resolved External Id(s), NPL
// Citations.
#[test]
fn jetengines_current_schema_loses_nothing() {
    let Some(path) = shared_file(
        "lens_csv::jetengines_current_schema_loses_nothing",
        "lens-csv-jetengines/lens-export.csv",
    ) else {
        return;
    };
    let input = Input::load(&path, 0).unwrap();
    let mut sink = CollectSink::default();
    lens_csv::read(&[&input], &mut sink).unwrap();
    assert_eq!((sink.records.len(), sink.rejections.len()), (3779, 0));
    let (header, rows) = raw_rows(&path);
    assert_values_read(&path, &sink, &header, &rows);
    let file = path.display().to_string();
    assert_eq!(
        sink.ignored_columns(&file),
        [
            "#",
            "Owners (US)",
            "URL",
            "Has Full Text",
            "Cites Patent Count",
            "Sequence Count",
            "NPL Resolved Citation Count",
            "NPL Resolved Lens ID(s)",
            "NPL Resolved External Id(s)",
            "NPL Citations"
        ]
    );
    for n in sink.field_notes.iter().take(5) {
        eprintln!("{n}");
    }
    assert!(
        sink.field_notes
            .iter()
            .all(|n| n.field == "Type" && n.action == patq_ingest::FieldAction::Flagged)
    );
    let read = |c: &str| sink.values_read[&(file.clone(), c.to_string())];
    assert_eq!(read("Publication Date"), 3778);
    assert_eq!(read("Applicants"), 3638);
}

fn fixture(name: &str) -> Input {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name);
    Input::load(&path, 0).unwrap()
}

// tests/fixtures/ (repository root) lens_current_drones.csv is hand-made (invented companies and numbers) in the
// current Lens export schema, 38 columns, CRLF line ends. Row 1 spans lines 2-5 (two line
// breaks in its abstract, one in its claims), so rows 2..14 are on lines 6..18.
//   Document Type: Patent Application rows 1,3,5,7,8,9,11 (7); Granted Patent rows 2,6,13
//   (3); Limited Patent 4, Design Right 10, Unknown 12, Search Report 14 (4 -> None).
//   Jurisdiction: US 4 (rows 1,2,10,13), WO 2, CN 2, EP 2, JP, KR, AU, GB 1 each.
//   Application keys: 11 distinct; US 16/123,456 (rows 1,2), US 2018/054321 (WO rows 3,14)
//   and EP 18765432 A (rows 5,6) appear twice.
#[test]
fn current_schema_fixture() {
    let input = fixture("lens_current_drones.csv");
    let mut sink = CollectSink::default();
    lens_csv::read(&[&input], &mut sink).unwrap();
    for r in &sink.rejections {
        eprintln!("{r}");
    }
    assert_eq!(sink.rejections.len(), 0);
    assert_eq!(sink.records.len(), 14);
    let locs: Vec<_> = sink
        .records
        .iter()
        .map(|r| r.app.provenance.location.as_str())
        .collect();
    assert_eq!(locs[..3], ["line 2", "line 6", "line 7"]);
    assert_eq!(locs[13], "line 18");

    let granted = count_by(&sink, |r| r.app.granted);
    assert_eq!(granted.get(&Some(true)), Some(&3));
    assert_eq!(granted.get(&Some(false)), Some(&7));
    assert_eq!(granted.get(&None), Some(&4));
    let juris = count_by(&sink, |r| r.publications[0].office.to_string());
    assert_eq!(
        juris.into_iter().collect::<Vec<_>>(),
        [
            ("AU".to_string(), 1),
            ("CN".into(), 2),
            ("EP".into(), 2),
            ("GB".into(), 1),
            ("JP".into(), 1),
            ("KR".into(), 1),
            ("US".into(), 4),
            ("WO".into(), 2)
        ]
    );

    // Row 1: the US application publication, multi-line abstract with doubled quotes.
    let r = by_location(&sink, "line 2");
    assert_eq!(r.app.key, "US16123456");
    assert_eq!(r.app.number, "16123456");
    assert_eq!(r.app.kind, None);
    assert_eq!(r.app.filing_date, ymd(2018, 10, 5));
    assert_eq!(r.app.filing_year, Some(2018));
    assert_eq!(r.app.earliest_priority_date, ymd(2017, 10, 9));
    assert_eq!(r.app.granted, Some(false));
    assert_eq!(
        r.app.abstract_text.as_deref(),
        Some(
            "A docking station for an unmanned aerial vehicle, comprising:\na landing pad with \"self-centring\" guides; and\na charging tether."
        )
    );
    assert!(
        r.app
            .claims_text
            .as_deref()
            .unwrap()
            .starts_with("1. A docking station")
    );
    assert_eq!(r.app.legal_status.as_deref(), Some("ACTIVE"));
    assert_eq!(r.app.cited_by_count, Some(12));
    assert_eq!(r.app.simple_family_size, Some(4));
    assert_eq!(r.app.extended_family_size, Some(6));
    assert_eq!(r.app.npl_citation_count, Some(2));
    assert_eq!(r.app.ipr_type.as_deref(), Some("PI"));
    let p = &r.publications[0];
    assert_eq!(
        (
            p.office.as_str(),
            p.number.as_str(),
            p.kind.as_str(),
            p.class
        ),
        ("US", "20190112233", "A1", PubClass::Application)
    );
    assert_eq!(p.date, ymd(2019, 4, 18));
    assert_eq!(p.source_id.as_deref(), Some("011-222-333-444-55X"));
    let pk: Vec<_> = r
        .priorities
        .iter()
        .map(|p| (p.key.as_str(), p.kind.as_deref(), p.date))
        .collect();
    assert_eq!(
        pk,
        [
            ("US62570001", Some("P"), ymd(2017, 10, 9)),
            ("US16123456", Some("A"), ymd(2018, 10, 5))
        ]
    );
    let roles: Vec<_> = r.parties.iter().map(|p| (p.role, p.seq)).collect();
    assert_eq!(
        roles,
        [
            (PartyRole::Applicant, 0),
            (PartyRole::Inventor, 0),
            (PartyRole::Inventor, 1),
            (PartyRole::Owner, 0)
        ]
    );
    let codes: Vec<_> = r
        .classes
        .iter()
        .map(|c| (c.scheme, c.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (ClassScheme::Cpc, "B64C39/024"),
            (ClassScheme::Cpc, "B64U10/13"),
            (ClassScheme::Cpc, "G05D1/0094"),
            (ClassScheme::Ipc, "B64C39/02"),
            (ClassScheme::Ipc, "G05D1/00"),
            (ClassScheme::Uspc, "244/190"),
        ]
    );
    let simple: Vec<_> = r
        .family_members
        .iter()
        .filter(|m| m.family == FamilyKind::Simple)
        .map(|m| m.member.as_str())
        .collect();
    assert_eq!(
        simple,
        [
            "US 2019/0112233 A1",
            "US 10987654 B2",
            "WO 2019/070001 A1",
            "WO 2019/070001 A3"
        ]
    );
    assert_eq!(
        r.family_members
            .iter()
            .filter(|m| m.family == FamilyKind::Extended)
            .count(),
        6
    );

    // Row 2: the grant of the same application; merging the two yields a granted record.
    let r2 = by_location(&sink, "line 6");
    assert_eq!(r2.app.key, "US16123456");
    assert_eq!(r2.publications[0].class, PubClass::Grant);
    assert_eq!(r2.app.granted, Some(true));
    let mut merged = r.clone();
    merged.merge(r2.clone());
    assert!(merged.is_granted());
    assert_eq!(merged.publications.len(), 2);
    assert_eq!(merged.parties.len(), 5, "the grant adds owner AERODOCK");

    // Row 3: the PCT application, written without a kind token.
    let r = by_location(&sink, "line 7");
    assert_eq!(r.app.key, "WOUS2018054321");
    assert!(r.app.is_pct);
    assert_eq!(r.app.kind.as_deref(), Some("W"));
    assert_eq!(r.app.receiving_office.as_deref(), Some("US"));
    assert_eq!(r.publications[0].number, "2019070001");
    assert_eq!(r.app.cited_by_count, Some(0));

    // Row 4: Chinese utility model, dd/mm/yyyy dates, Chinese names.
    let r = by_location(&sink, "line 8");
    assert_eq!(r.app.key, "CN201821234567");
    assert_eq!(r.app.kind.as_deref(), Some("U"));
    assert_eq!(r.app.ipr_type.as_deref(), Some("UM"));
    assert_eq!(r.app.granted, None);
    assert_eq!(r.publications[0].class, PubClass::UtilityModel);
    assert_eq!(r.publications[0].date, ymd(2019, 12, 27));
    assert_eq!(r.app.filing_date, ymd(2018, 9, 3));
    assert_eq!(r.parties[0].name, "深圳市飞农科技有限公司");
    assert_eq!(r.classes.len(), 2);

    // Row 5: EP application with dd/mm/yyyy dates.
    let r = by_location(&sink, "line 9");
    assert_eq!(r.app.key, "EP18765432");
    assert_eq!(r.app.earliest_priority_date, ymd(2017, 9, 14));
    assert_eq!(r.priorities[0].key, "FR1758432");

    // Row 10: a US design.
    let r = by_location(&sink, "line 14");
    assert_eq!(r.app.key, "US29678901");
    assert_eq!(r.publications[0].number, "D876543");
    assert_eq!(r.publications[0].class, PubClass::Design);
    assert_eq!(r.app.ipr_type.as_deref(), Some("DE"));
    assert_eq!(r.app.granted, None);
    assert_eq!(r.priorities[0].kind.as_deref(), Some("F"));

    // Row 12: almost everything optional is empty.
    let r = by_location(&sink, "line 16");
    assert_eq!(r.app.key, "GB1902345");
    assert_eq!(r.app.granted, None);
    assert_eq!(r.app.cited_by_count, None);
    assert_eq!(r.app.npl_citation_count, None);
    assert_eq!(r.app.legal_status, None);
    assert_eq!(r.app.abstract_text, None);
    assert!(r.parties.is_empty() && r.classes.is_empty() && r.family_members.is_empty());

    // Row 14: the WO search report (A3): every WO A kind counts as an application.
    let r = by_location(&sink, "line 18");
    assert_eq!(r.app.key, "WOUS2018054321");
    assert_eq!(r.publications[0].class, PubClass::Application);
    assert_eq!(r.app.granted, None);

    // Merged by application: 11 applications, 3 granted.
    let mut apps: HashMap<patq_model::Text, PatentRecord> = HashMap::new();
    for r in sink.records {
        match apps.get_mut(&r.app.key) {
            Some(a) => {
                a.merge(r);
            }
            None => {
                apps.insert(r.app.key.clone(), r);
            }
        }
    }
    assert_eq!(apps.len(), 11);
    assert_eq!(apps.values().filter(|r| r.is_granted()).count(), 3);
}

const OLD_HEADER: &str = "\"#\",Jurisdiction,Kind,Publication Number,Lens ID,Publication Date,Publication Year,Application Number,Application Date,Priority Numbers,Title,Applicants,Inventors,URL,Type,Full Text,Cited Count,Simple Family Size,Extended Family Size,Sequence Count,CPC Classifications,IPCR Classifications,US Classifications,PubMed Id(s),DOI(s),Non-Patent Citations\n";

/// A valid old-schema row with `#` = n.
fn old_row(n: u32) -> String {
    format!(
        "{n},US,B2,US 9123456 B2,111-222-333-444-55{n},2015-09-01,2015,US 201314012345 A,2013-08-29,US 201314012345 A 20130829,Drone,ACME;;BETA,DOE JOHN,https://lens.org/x,Granted Patent,yes,3,1,2,0,B64C39/02,B64C39/02,244/190,,,\n"
    )
}

fn assert_reject(sink: &CollectSink, i: usize, line: u64, field: Option<&str>, reason: &str) {
    let r = &sink.rejections[i];
    assert_eq!(r.location, Location::Line(line), "{r}");
    assert_eq!(r.field.as_deref(), field, "{r}");
    assert!(r.reason.contains(reason), "{r}");
    assert_eq!(r.file, "test.csv");
}

#[test]
fn reordered_and_missing_optional_columns() {
    let text = "application number , LENS ID,jurisdiction,Title\nEP 18765432 A,1-2-3,ep,Foo\n";
    let sink = read_str(text);
    assert_eq!(sink.records.len(), 1);
    let r = &sink.records[0];
    assert_eq!(r.app.key, "EP18765432");
    assert_eq!(r.app.title.as_deref(), Some("Foo"));
    assert!(r.publications.is_empty());
    assert_eq!(r.app.granted, None);
    assert_eq!(r.app.npl_citation_count, None);
}

#[test]
fn bad_fields_are_rejected_with_line_and_field() {
    let good = old_row(1);
    let bad_date = old_row(2).replace("2015-09-01", "2015-02-30");
    let negative = old_row(3).replace(",3,1,2,0,", ",-3,1,2,0,");
    let no_juris = old_row(4).replace(",US,B2,", ",,B2,");
    let no_app = old_row(5).replace("US 201314012345 A,", ",");
    let bad_prio = old_row(6).replace("A 20130829", "A 20131399");
    let short = "7,US,B2,US 9123456 B2\n".to_string();
    let slash_date = old_row(8).replace("2013-08-29", "29/08/2013");
    let bad_year = old_row(9).replace(",2015,US", ",20x5,US");
    let text = [
        OLD_HEADER,
        &good,
        &bad_date,
        &negative,
        &no_juris,
        &no_app,
        &bad_prio,
        &short,
        &slash_date,
        &bad_year,
    ]
    .concat();
    let sink = read_str(&text);
    assert_eq!(sink.records.len() + sink.rejections.len(), 9);
    // A bad value loses only itself: the record is kept without it and the value is a
    // rejected field note naming file, line, column and value. Only rows without what the
    // record is (office, application number) or malformed as CSV are rejected whole.
    assert_eq!(sink.rejections.len(), 3);
    assert_reject(&sink, 0, 5, Some("Jurisdiction"), "empty");
    assert_reject(&sink, 1, 6, Some("Application Number"), "empty");
    assert_reject(
        &sink,
        2,
        8,
        None,
        "expected 26 fields as in the header, found 4",
    );
    assert!(sink.rejections[2].excerpt.starts_with("7,US,B2"));
    let locs: Vec<_> = sink
        .records
        .iter()
        .map(|r| r.app.provenance.location.as_str())
        .collect();
    assert_eq!(
        locs,
        ["line 2", "line 3", "line 4", "line 7", "line 9", "line 10"]
    );
    assert_eq!(sink.records[4].app.filing_date, ymd(2013, 8, 29));
    let notes: Vec<_> = sink
        .field_notes
        .iter()
        .map(|n| {
            assert_eq!(n.file, "test.csv");
            assert_eq!(n.action, patq_ingest::FieldAction::Rejected, "{n}");
            (n.location.clone(), n.field.as_str(), n.value.as_str())
        })
        .collect();
    assert_eq!(
        notes,
        [
            (Location::Line(3), "Publication Date", "2015-02-30"),
            (Location::Line(4), "Cited Count", "-3"),
            (Location::Line(7), "Priority Numbers", "20131399"),
            (Location::Line(10), "Publication Year", "20x5"),
        ]
    );
    assert!(sink.field_notes[0].reason.contains("no such day"));
    assert!(sink.field_notes[1].reason.contains("negative count"));
    // Kept without the bad value, with the rest.
    let r = &sink.records[1];
    assert_eq!(
        (r.publications[0].date, r.app.filing_date),
        (None, ymd(2013, 8, 29))
    );
    assert_eq!(
        (
            sink.records[2].app.cited_by_count,
            sink.records[2].app.simple_family_size
        ),
        (None, Some(1))
    );
    let p = &sink.records[3].priorities[0];
    assert_eq!((p.key.as_str(), p.date), ("US201314012345", None));
    assert_eq!(sink.records[5].publications[0].date, ymd(2015, 9, 1));
    // Values read count the kept records' non-empty cells: 6 records, 6 publication dates.
    let read = |c: &str| sink.values_read[&("test.csv".to_string(), c.to_string())];
    assert_eq!(
        (read("Publication Date"), read("Cited Count"), read("Type")),
        (6, 6, 6)
    );
}

/// A 2015/16 export as it was saved then: no Lens ID column, bare CR line ends, dd/mm/yy dates
/// and windows-1252 bytes. Rows are shaped like the drones file's (its header without
/// `Lens ID`), numbers invented.
#[test]
fn old_export_without_lens_id_cr_two_digit_years_and_cp1252() {
    let header = OLD_HEADER.replace("Lens ID,", "").replace('\n', "\r");
    let rows = [
        // A US application filed 27/02/39 and granted 24/12/40: 1939, never 2039.
        "1,US,A,US 2226000 A,24/12/40,1940,US 26520139 A,27/02/39,US 26520139 A 19390227,Aircraft,SOCI\u{c9}T\u{c9} A\u{c9}RIENNE,DUPONT REN\u{c9},https://lens.org/1,Granted Patent,no,5,1,1,0,,B64C1/00,244/1,,,\r",
        // Written filed 31/12/13, after its publication: the week-based year, proven by its
        // own priority claim (20121231). One applicant written with a single ';'.
        "2,FR,A1,FR 2990000 A1,08/11/13,2013,FR 1254321 A,31/12/13,FR 1254321 A 20121231,Drone,MITCHELL; RALPH,MITCHELL RALPH,https://lens.org/2,Patent Application,no,0,1,1,0,B64C39/02,B64C39/02,,,,\r",
        // No Publication Year: 15/03/85 and 02/03/84 fit 1985/1984 and 1885/1884 alike.
        "3,EP,A1,EP 0123456 A1,15/03/85,,EP 84301234 A,02/03/84,,Rotor,ACME,DOE JOHN,https://lens.org/3,Patent Application,no,2,1,1,0,,,,,,\r",
    ];
    let text = format!("{header}{}", rows.concat());
    // Windows-1252 bytes: each character of the text is one byte (É is 0xC9).
    let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    assert!(std::str::from_utf8(&bytes).is_err());
    let input = Input::from_bytes(Path::new("old.csv"), bytes, 0);
    assert_eq!(input.encoding, "windows-1252");
    let mut sink = CollectSink::default();
    lens_csv::read(&[&input], &mut sink).unwrap();
    assert_eq!((sink.records.len(), sink.rejections.len()), (3, 0));
    let locs: Vec<_> = sink
        .records
        .iter()
        .map(|r| r.app.provenance.location.as_str())
        .collect();
    assert_eq!(locs, ["line 2", "line 3", "line 4"]);
    assert!(sink.ignored_columns("old.csv").contains(&"#"));
    assert!(
        !sink.columns["old.csv"]
            .iter()
            .any(|c| c.column == "Lens ID")
    );

    let r = &sink.records[0];
    assert_eq!(r.app.key, "US26520139");
    assert_eq!(r.app.filing_date, ymd(1939, 2, 27));
    assert_eq!(r.publications[0].date, ymd(1940, 12, 24));
    assert_eq!(r.publications[0].source_id, None);
    assert_eq!(r.priorities[0].date, ymd(1939, 2, 27));
    assert_eq!(r.parties[0].name, "SOCIÉTÉ AÉRIENNE");
    assert_eq!(r.parties[1].name, "DUPONT RENÉ");

    let r = &sink.records[1];
    assert_eq!(r.app.key, "FR1254321");
    assert_eq!(r.app.filing_date, ymd(2012, 12, 31));
    assert_eq!(r.publications[0].date, ymd(2013, 11, 8));
    let applicants: Vec<_> = r
        .parties
        .iter()
        .filter(|p| p.role == PartyRole::Applicant)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(applicants, ["MITCHELL; RALPH"]);
    let repaired = sink.notes("Application Date", patq_ingest::FieldAction::Repaired);
    assert_eq!(repaired.len(), 1);
    assert_eq!(
        (
            repaired[0].location.clone(),
            repaired[0].value.as_str(),
            repaired[0].stored.as_deref()
        ),
        (Location::Line(3), "31/12/13", Some("2012-12-31"))
    );

    let r = &sink.records[2];
    assert_eq!(r.app.key, "EP84301234");
    assert_eq!((r.app.filing_date, r.publications[0].date), (None, None));
    let rejected = |c: &str| sink.notes(c, patq_ingest::FieldAction::Rejected);
    let p = rejected("Publication Date");
    assert_eq!(
        (p.len(), p[0].location.clone(), p[0].value.as_str()),
        (1, Location::Line(4), "15/03/85")
    );
    assert!(p[0].reason.contains("could be 1885 or 1985"), "{}", p[0]);
    let a = rejected("Application Date");
    assert_eq!((a.len(), a[0].value.as_str()), (1, "02/03/84"));
    assert_eq!(sink.field_notes.len(), 3);
}

/// An Excel re-save in US locale writes m/d/yyyy: the column's values with a day over 12 in
/// the second place decide the order for the whole column, 3/4/2015 included.
#[test]
fn month_first_column_is_decided_from_its_values() {
    let text = format!(
        "{OLD_HEADER}{}{}",
        old_row(1)
            .replace("2015-09-01", "3/4/2015")
            .replace("2013-08-29", "8/29/2013"),
        old_row(2)
            .replace("2015-09-01", "9/21/2015")
            .replace("2013-08-29", "1/2/2013")
            .replace("A 20130829", "A 20130102"),
    );
    let sink = read_str(&text);
    assert_eq!((sink.records.len(), sink.field_notes.len()), (2, 0));
    assert_eq!(sink.records[0].publications[0].date, ymd(2015, 3, 4));
    assert_eq!(sink.records[0].app.filing_date, ymd(2013, 8, 29));
    assert_eq!(sink.records[1].app.filing_date, ymd(2013, 1, 2));
}

#[test]
fn unclosed_quote_at_eof_is_rejected() {
    let text = format!(
        "{OLD_HEADER}{}{}",
        old_row(1),
        old_row(2).replace(",Drone,", ",\"Drone, with an open quote,")
    );
    let sink = read_str(&text);
    assert_eq!(sink.records.len(), 1);
    assert_eq!(sink.rejections.len(), 1);
    assert_reject(&sink, 0, 3, None, "unclosed quote");
}

#[test]
fn unclosed_quote_in_last_field_is_rejected() {
    // The field count is right, only the quote is open.
    let text = format!("{OLD_HEADER}{}", old_row(1).replace(",,,\n", ",,,\"open\n"));
    let sink = read_str(&text);
    assert_eq!((sink.records.len(), sink.rejections.len()), (0, 1));
    assert_reject(&sink, 0, 2, None, "unclosed quote");
}

#[test]
fn missing_identity_columns_are_fatal() {
    let input = Input::from_str("x.csv", "#,Lens ID,Title\n1,1-2,Foo\n");
    let err = lens_csv::read(&[&input], &mut CollectSink::default()).unwrap_err();
    match err {
        IngestError::Malformed { path, message } => {
            assert_eq!(path, "x.csv");
            assert!(
                message.contains("Jurisdiction, Application Number"),
                "{message}"
            );
        }
        e => panic!("unexpected {e}"),
    }
}

#[test]
fn empty_and_garbage_inputs() {
    for text in [
        "",
        "\n\n",
        "\u{0}\u{0}\u{0}",
        "garbage, not a csv\n\"unclosed",
    ] {
        let input = Input::from_str("x.csv", text);
        let mut sink = CollectSink::default();
        let res = lens_csv::read(&[&input], &mut sink);
        assert!(
            matches!(res, Err(IngestError::Malformed { .. })),
            "{text:?}"
        );
        assert!(sink.records.is_empty());
    }
    // A header alone is a valid, empty export.
    let sink = read_str(OLD_HEADER);
    assert!(sink.records.is_empty() && sink.rejections.is_empty());
}

#[test]
fn nul_bytes_and_blank_rows() {
    let nul = old_row(2).replace("Drone", "Dr\u{0}one");
    let text = format!("{OLD_HEADER}{}\n{nul}{}", old_row(1), old_row(3));
    let sink = read_str(&text);
    // The blank line is not a record; line numbers still count it.
    assert_eq!((sink.records.len(), sink.rejections.len()), (2, 1));
    assert_reject(&sink, 0, 4, Some("Title"), "NUL");
    assert_eq!(sink.records[1].app.provenance.location, "line 5");
}

#[test]
fn truncated_file_never_panics() {
    // Cut a valid two-row file at every byte: each cut must read without panicking, and every
    // started row must come out as a record or a rejection.
    let text = format!("{OLD_HEADER}{}{}", old_row(1), old_row(2));
    for cut in OLD_HEADER.len()..=text.len() {
        let Some(t) = text.get(..cut) else { continue };
        let sink = read_str(t);
        let rows = t[OLD_HEADER.len()..]
            .lines()
            .filter(|l| !l.is_empty())
            .count();
        assert_eq!(
            sink.records.len() + sink.rejections.len(),
            rows,
            "cut {cut}"
        );
    }
}

proptest::proptest! {
    #[test]
    fn arbitrary_rows_never_panic(body in "[ -~\n\r\",;/\u{0}é中]{0,400}") {
        let input = Input::from_str("p.csv", &format!("{OLD_HEADER}{body}"));
        let mut sink = CollectSink::default();
        lens_csv::read(&[&input], &mut sink).unwrap();
        for r in &sink.records {
            proptest::prop_assert!(!r.app.key.is_empty());
        }
        for r in &sink.rejections {
            proptest::prop_assert!(matches!(r.location, Location::Line(n) if n >= 2));
        }
    }
}

/// A column the reader does not read may repeat: nothing it reads is lost. (A read column
/// named twice is refused; see `csv_rows::duplicate_column`.)
#[test]
fn an_unread_column_may_repeat() {
    let text =
        "Jurisdiction,Kind,Lens ID,Application Number,Notes,notes\nEP,A1,1,EP 17000001 A,n,m\n";
    assert_eq!(read_str(text).records.len(), 1);
    let dup = text.replace(",notes\n", ",kind\n");
    let err = lens_csv::read(
        &[&Input::from_str("d.csv", &dup)],
        &mut CollectSink::default(),
    );
    assert!(matches!(err, Err(IngestError::Malformed { .. })), "{err:?}");
}
