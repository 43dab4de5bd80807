//! Lens CSV reader tests: the real 2015/16-schema drones export, a hand-made export in the
//! current schema, and malformed inputs.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
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
//   Rows with a non-empty Non-Patent Citations -> 965; items over all rows (split_list rules:
//   ';;', else ';') -> 9268.
//   Items per row, de-duplicated within the row, summed: CPC 29032, IPCR 15190, US 5834,
//   Priority Numbers 12817. Applicants 9041, Inventors 15355 (split_list rules).
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
    assert_eq!(sum(&|r| r.app.npl_citation_count.unwrap() as usize), 9268);
    let classes = |s: ClassScheme| sum(&|r| r.classes.iter().filter(|c| c.scheme == s).count());
    assert_eq!(classes(ClassScheme::Cpc), 29032);
    assert_eq!(classes(ClassScheme::Ipc), 15190);
    assert_eq!(classes(ClassScheme::Uspc), 5834);
    assert_eq!(sum(&|r| r.priorities.len()), 12817);
    let parties = |role| sum(&|r| r.parties.iter().filter(|p| p.role == role).count());
    assert_eq!(parties(PartyRole::Applicant), 9041);
    assert_eq!(parties(PartyRole::Inventor), 15355);
    assert_eq!(parties(PartyRole::Owner), 0);

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
    assert_eq!(sink.records.len(), 2);
    assert_eq!(sink.records[0].app.provenance.location, "line 2");
    assert_eq!(sink.records[1].app.provenance.location, "line 9");
    assert_eq!(sink.records[1].app.filing_date, ymd(2013, 8, 29));
    assert_eq!(sink.rejections.len(), 7);
    assert_reject(&sink, 0, 3, Some("Publication Date"), "\"2015-02-30\"");
    assert_reject(&sink, 1, 4, Some("Cited Count"), "negative count \"-3\"");
    assert_reject(&sink, 2, 5, Some("Jurisdiction"), "empty");
    assert_reject(&sink, 3, 6, Some("Application Number"), "empty");
    assert_reject(&sink, 4, 7, Some("Priority Numbers"), "20131399");
    assert_reject(
        &sink,
        5,
        8,
        None,
        "expected 26 fields as in the header, found 4",
    );
    assert_reject(&sink, 6, 10, Some("Publication Year"), "20x5");
    assert!(sink.rejections[5].excerpt.starts_with("7,US,B2"));
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
