//! A hand-built set of 20 applications whose families were worked out on paper: priority
//! chains, a PCT bridging two priorities, outside priorities, PATSTAT earliest-filing links
//! and PCT national phases whose PCT is absent.

use patq_enrich::Families;
use patq_model::{PatentRecord, Priority, PubClass, Publication, app_key};

struct B(PatentRecord);

fn app(office: &str, number: &str) -> B {
    let mut r = PatentRecord::default();
    r.app.office = office.into();
    r.app.number = number.into();
    r.app.key = app_key(office, number);
    B(r)
}

impl B {
    fn prio(mut self, office: &str, number: &str) -> B {
        self.0.priorities.push(Priority {
            office: office.into(),
            number: number.into(),
            kind: None,
            date: None,
            key: app_key(office, number),
        });
        self
    }
    fn pct(mut self, key: &str) -> B {
        self.0.app.pct_key = Some(key.into());
        self
    }
    fn ids(mut self, source: &str, earliest: &str) -> B {
        if !source.is_empty() {
            self.0.app.source_id = Some(source.into());
        }
        self.0.app.earliest_filing_id = Some(earliest.into());
        self
    }
    fn granted(mut self) -> B {
        self.0.publications.push(Publication {
            office: self.0.app.office.clone(),
            number: self.0.app.number.clone(),
            kind: "B1".into(),
            date: None,
            class: PubClass::Grant,
            source_id: None,
        });
        self
    }
    fn docdb(mut self, id: &str) -> B {
        self.0.app.docdb_family_id = Some(id.into());
        self
    }
}

fn fixture() -> Vec<PatentRecord> {
    vec![
        // A: a US first filing claimed at EP, JP and by a granted US continuation.
        app("US", "100").docdb("D1"),                   // 0
        app("EP", "200").prio("US", "100").docdb("D1"), // 1
        app("JP", "300").prio("US", "100"),             // 2
        app("US", "101").prio("US", "100").granted(),   // 3
        // B: a PCT claiming two GB filings, its EP regional phase, a US claiming one of them.
        app("GB", "1"),                                  // 4
        app("GB", "2"),                                  // 5
        app("WO", "10").prio("GB", "1").prio("GB", "2"), // 6
        app("EP", "11").pct("WO10"),                     // 7
        app("US", "12").prio("GB", "1"),                 // 8
        // C: two applications claiming a KR priority absent from the data.
        app("CN", "20").prio("KR", "99"), // 9
        app("KR", "21").prio("KR", "99"), // 10
        // D: PATSTAT links, one through an intermediate earliest filing.
        app("DE", "30").ids("500", "500"), // 11
        app("EP", "31").ids("501", "500"), // 12
        app("US", "32").ids("502", "501"), // 13
        // E: an earliest filing outside the data.
        app("KR", "40").ids("", "900"), // 14
        app("CN", "41").ids("", "900"), // 15
        // Singletons.
        app("CN", "50"),           // 16
        app("JP", "60").granted(), // 17
        // F: two national phases of a PCT that is not in the data.
        app("US", "70").pct("WO71"), // 18
        app("EP", "72").pct("WO71"), // 19
    ]
    .into_iter()
    .map(|b| b.0)
    .collect()
}

#[test]
fn extended_families_by_hand() {
    let recs = fixture();
    let f = Families::build(&recs);
    // Families numbered in order of their first member.
    let expect = [0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 7];
    assert_eq!(f.extended, expect);
    assert_eq!(f.extended_count(), 8);
    let sizes: Vec<u32> = f.extended_info.iter().map(|i| i.size).collect();
    assert_eq!(sizes, vec![4, 5, 2, 3, 2, 1, 1, 2]);
    assert_eq!(*f.extended_info[0].offices, vec!["EP", "JP", "US"]);
    assert_eq!(*f.extended_info[1].offices, vec!["EP", "GB", "US", "WO"]);
    assert_eq!(*f.extended_info[3].offices, vec!["DE", "EP", "US"]);
    // Only A has EP, JP and a US grant.
    let triadic: Vec<bool> = f.extended_info.iter().map(|i| i.triadic).collect();
    assert_eq!(
        triadic,
        vec![true, false, false, false, false, false, false, false]
    );
    assert_eq!(f.extended_members()[1], vec![4, 5, 6, 7, 8]);
}

#[test]
fn simple_families_by_hand() {
    let recs = fixture();
    let f = Families::build(&recs);
    // Priority sets: A all {US100}; B: GB1 {GB1}, GB2 {GB2}, WO10 and its EP phase
    // {GB1, GB2}, US12 {GB1}; C {KR99}; D: DE30 and EP31 {DE30}, US32 {EP31}; E {900};
    // the singletons themselves; F {WO71}.
    let expect = [0, 0, 0, 0, 1, 2, 3, 3, 1, 4, 4, 5, 5, 6, 7, 7, 8, 9, 10, 10];
    assert_eq!(f.simple, expect);
    assert_eq!(f.simple_count(), 11);
    assert_eq!(f.simple_info[0].source_ids, vec!["D1"]);
    assert!(f.simple_info[1].source_ids.is_empty());
    assert_eq!(*f.simple_info[1].offices, vec!["GB", "US"]);
    assert!(f.simple_info[0].triadic);
}

/// The source's family facts: a shared INPADOC or DOCDB id joins applications no priority
/// links; stated sizes size the family by the largest one stated or the members in the data,
/// whichever is larger, when members disagree.
#[test]
fn source_family_ids_link_and_stated_sizes_win() {
    use patq_enrich::FamilyMethod;
    let mut recs: Vec<PatentRecord> = ["1", "2", "3", "4", "5"]
        .iter()
        .map(|n| app("US", n).0)
        .collect();
    recs[0].app.inpadoc_family_id = Some("I7".into());
    recs[1].app.inpadoc_family_id = Some("I7".into());
    recs[2].app.docdb_family_id = Some("D9".into());
    recs[3].app.docdb_family_id = Some("D9".into());
    // Members of one family state 5 (extended) and 8 (simple size of another member):
    // the family is 8, the largest lower bound; the in-file count (2) is smaller.
    recs[0].app.extended_family_size = Some(5);
    recs[1].app.simple_family_size = Some(8);
    // A stated size smaller than the members linked in the data: the members win (2).
    recs[2].app.extended_family_size = Some(1);
    let f = Families::build(&recs);
    assert_eq!(f.extended, vec![0, 0, 1, 1, 2]);
    assert_eq!(f.method, FamilyMethod::SourceExtendedSizes);
    assert_eq!(
        (0..3).map(|k| f.extended_size(k)).collect::<Vec<_>>(),
        vec![8, 2, 1]
    );
    assert!(f.extended_size_stated(0) && f.extended_size_stated(1));
    assert!(!f.extended_size_stated(2));
    assert_eq!(f.extended_info[0].size, 2);
    // Only simple sizes stated: the method says so; without any, sizes are the members.
    recs[0].app.extended_family_size = None;
    recs[2].app.extended_family_size = None;
    let f = Families::build(&recs);
    assert_eq!(f.method, FamilyMethod::SourceSimpleSizes);
    assert_eq!(f.extended_size(0), 8);
    recs[1].app.simple_family_size = None;
    let f = Families::build(&recs);
    assert_eq!(f.method, FamilyMethod::LinkedInFile);
    assert_eq!(f.extended_size(0), 2);
    assert_eq!(f.simple_size(0), f.simple_info[0].size);
}
