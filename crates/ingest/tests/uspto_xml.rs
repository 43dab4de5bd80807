//! Integration tests for the USPTO bulk XML reader: every real file in
//! `shared/data/uspto-xml` with counts verified independently of the reader, spot checks of
//! one document per DTD version, and malformed input.
//!
//! How the expected counts were obtained (independently of this reader): documents per file
//! with `grep -c '<?xml'` and `grep -o '<!DOCTYPE [a-z-]*' | sort | uniq -c`; kind codes,
//! `appl-type`, `<patcit`/`<nplcit` and `<category>` with grep; the rest with a Python
//! script that parses each `<?xml`-delimited document with `xml.etree.ElementTree` and
//! counts, in the bibliographic section only: `priority-claims/priority-claim`,
//! distinct IPC (IPC-R parts, `classification-ipc/*`), CPC, Locarno and USPC values,
//! applicants, inventors (explicit `inventors/inventor`, else applicants whose `app-type`
//! contains "inventor"), `assignees/assignee`, `pct-or-regional-filing-data`, and
//! `claims/claim` and `abstract` at the document level. Python counted 265 distinct raw USPC
//! strings in ipg120327.196.xml; one grant there writes `D 7510` and `D07510`, both D7/510,
//! so 264 distinct codes.

use std::collections::{BTreeMap, BTreeSet};

use patq_ingest::{CollectSink, FieldAction, Input, Location, uspto_xml};
use patq_model::{ClassScheme, PartyRole, PatentRecord, PubClass};
use patq_testkit::shared_file;

fn read_input(input: &Input) -> CollectSink {
    let mut sink = CollectSink::default();
    uspto_xml::read(&[input], &mut sink).expect("the reader never fails a whole file");
    sink
}

fn read_shared(test: &str, file: &str) -> Option<CollectSink> {
    let path = shared_file(test, &format!("uspto-xml/{file}"))?;
    let input = Input::load(&path, 3).expect("readable");
    Some(read_input(&input))
}

fn read_str(text: &str) -> CollectSink {
    read_input(&Input::from_str("test.xml", text))
}

#[derive(Debug, Default, PartialEq)]
struct Counts {
    records: usize,
    skips: usize,
    rejections: usize,
    grants: usize,
    designs: usize,
    applications: usize,
    citations: usize,
    npl: u32,
    by_examiner: usize,
    foreign_priorities: usize,
    ipc: usize,
    cpc: usize,
    locarno: usize,
    uspc: usize,
    applicants: usize,
    inventors: usize,
    owners: usize,
    pct: usize,
    claims: u32,
    abstracts: usize,
}

fn counts(s: &CollectSink) -> Counts {
    let mut c = Counts {
        records: s.records.len(),
        skips: s.skips.len(),
        rejections: s.rejections.len(),
        ..Counts::default()
    };
    for r in &s.records {
        match r.publications[0].class {
            PubClass::Grant => c.grants += 1,
            PubClass::Design => c.designs += 1,
            PubClass::Application => c.applications += 1,
            other => panic!("unexpected publication class {other:?}"),
        }
        c.citations += r.citations.len();
        c.npl += r.app.npl_citation_count.unwrap_or(0);
        c.by_examiner += r
            .citations
            .iter()
            .filter(|x| x.cited_by.as_deref() == Some("examiner"))
            .count();
        c.foreign_priorities += r.priorities.iter().filter(|p| p.office != "US").count();
        let scheme = |s: ClassScheme| r.classes.iter().filter(|x| x.scheme == s).count();
        c.ipc += scheme(ClassScheme::Ipc);
        c.cpc += scheme(ClassScheme::Cpc);
        c.locarno += scheme(ClassScheme::Locarno);
        c.uspc += scheme(ClassScheme::Uspc);
        let role = |p: PartyRole| r.parties.iter().filter(|x| x.role == p).count();
        c.applicants += role(PartyRole::Applicant);
        c.inventors += role(PartyRole::Inventor);
        c.owners += role(PartyRole::Owner);
        c.pct += usize::from(r.app.pct_key.is_some());
        c.claims += r.app.claims_count.unwrap_or(0);
        c.abstracts += usize::from(r.app.abstract_text.is_some());
    }
    c
}

fn by_pub<'a>(s: &'a CollectSink, number: &str) -> &'a PatentRecord {
    s.records
        .iter()
        .find(|r| r.publications[0].number == number)
        .unwrap_or_else(|| panic!("no record for publication {number}"))
}

fn date(s: &str) -> Option<chrono::NaiveDate> {
    Some(s.parse().unwrap())
}

// ---------------------------------------------------------------- real files: counts

#[test]
fn ipg050104_v40_counts() {
    let Some(s) = read_shared("ipg050104_v40_counts", "ipg050104.small.xml") else {
        return;
    };
    let want = Counts {
        records: 25,
        grants: 25, // 8 B1 + 17 B2
        citations: 335,
        npl: 90,
        by_examiner: 179,
        foreign_priorities: 21,
        ipc: 42,
        uspc: 107,
        applicants: 62,
        inventors: 62,
        owners: 21,
        pct: 5,
        claims: 419,
        abstracts: 25,
        ..Counts::default()
    };
    assert_eq!(counts(&s), want);
}

#[test]
fn ipg080101_v42_counts() {
    let Some(s) = read_shared("ipg080101_v42_counts", "ipg080101.small.xml") else {
        return;
    };
    let want = Counts {
        records: 25,
        grants: 19, // 18 utility (3 B1 + 15 B2) + 1 plant (P2)
        designs: 6,
        citations: 335,
        npl: 19,
        by_examiner: 133,
        foreign_priorities: 15,
        ipc: 26,
        locarno: 6,
        uspc: 71,
        applicants: 49,
        inventors: 49,
        owners: 22,
        pct: 3,
        claims: 288,
        abstracts: 19,
        ..Counts::default()
    };
    assert_eq!(counts(&s), want);
    let ipr = |t: &str| {
        s.records
            .iter()
            .filter(|r| r.app.ipr_type.as_deref() == Some(t))
            .count()
    };
    assert_eq!((ipr("PI"), ipr("DE"), ipr("PL")), (18, 6, 1));
    assert_eq!(
        s.records
            .iter()
            .filter(|r| r.app.granted == Some(true))
            .count(),
        25
    );
    // The 6 designs are granted rights, not invention grants.
    assert_eq!(s.records.iter().filter(|r| r.is_granted()).count(), 19);
    designs_are_granted(&s.records);
}

#[test]
fn ipg110104_v42_counts() {
    let Some(s) = read_shared("ipg110104_v42_counts", "ipg110104.small.xml") else {
        return;
    };
    let want = Counts {
        records: 25,
        grants: 24,
        designs: 1,
        // 1,037 <citation> elements: 883 patent + 154 non-patent.
        citations: 883,
        npl: 154,
        by_examiner: 161,
        foreign_priorities: 15,
        ipc: 40,
        locarno: 1,
        uspc: 101,
        applicants: 61,
        inventors: 61,
        owners: 24,
        pct: 1,
        claims: 303,
        abstracts: 24,
        ..Counts::default()
    };
    assert_eq!(counts(&s), want);
}

#[test]
fn ipg120327_18_design_counts() {
    let Some(s) = read_shared("ipg120327_18_design_counts", "ipg120327.18.xml") else {
        return;
    };
    let want = Counts {
        records: 18,
        designs: 18,
        citations: 442,
        npl: 56,
        by_examiner: 332,
        foreign_priorities: 1,
        locarno: 18,
        uspc: 25,
        applicants: 28,
        inventors: 26,
        owners: 14,
        claims: 18,
        ..Counts::default()
    };
    assert_eq!(counts(&s), want);
    assert!(
        s.records
            .iter()
            .all(|r| r.app.ipr_type.as_deref() == Some("DE")
                && r.classes.iter().all(|c| c.scheme != ClassScheme::Ipc))
    );
    designs_are_granted(&s.records);
}

#[test]
fn ipg120327_196_design_counts() {
    let Some(s) = read_shared("ipg120327_196_design_counts", "ipg120327.196.xml") else {
        return;
    };
    let want = Counts {
        records: 196,
        designs: 196,
        citations: 4048,
        npl: 255,
        by_examiner: 2495,
        foreign_priorities: 70,
        locarno: 196,
        uspc: 264,
        applicants: 346,
        inventors: 344,
        owners: 161,
        claims: 196,
        ..Counts::default()
    };
    assert_eq!(counts(&s), want);
    designs_are_granted(&s.records);
}

/// Every design patent is a granted right whose grant date is its publication date, and never
/// an invention grant (its own category, as utility models are).
fn designs_are_granted(records: &[PatentRecord]) {
    let designs: Vec<&PatentRecord> = records
        .iter()
        .filter(|r| r.publications.iter().any(|p| p.class == PubClass::Design))
        .collect();
    assert!(!designs.is_empty());
    for r in designs {
        assert_eq!(r.app.granted, Some(true), "{}", r.app.key);
        assert!(r.is_design() && r.right_granted() && !r.is_granted());
        let published = r.publications[0].date;
        assert!(published.is_some(), "{}", r.app.key);
        assert_eq!(r.grant_date(), published, "{}", r.app.key);
    }
}

#[test]
fn ipg130416_v43_counts_and_sequence_listings() {
    let Some(s) = read_shared("ipg130416_v43_counts", "ipg130416.small.xml") else {
        return;
    };
    let want = Counts {
        records: 25,
        skips: 2,
        grants: 23,
        designs: 2,
        citations: 920,
        npl: 308,
        by_examiner: 122,
        foreign_priorities: 13,
        ipc: 54,
        locarno: 2,
        uspc: 114,
        applicants: 71,
        inventors: 71,
        owners: 25,
        pct: 3,
        claims: 358,
        abstracts: 23,
        ..Counts::default()
    };
    assert_eq!(counts(&s), want);
    // Byte offsets of the two `<?xml` lines followed by `<!DOCTYPE sequence-cwu`.
    let skips: Vec<_> = s
        .skips
        .iter()
        .map(|k| (k.kind.as_str(), k.location.clone()))
        .collect();
    assert_eq!(
        skips,
        vec![
            ("us-sequence-listing", Location::Byte(704018)),
            ("us-sequence-listing", Location::Byte(855074)),
        ]
    );
}

#[test]
fn application_files_counts() {
    let cases = [
        (
            "ipa130117.one.xml",
            Counts {
                records: 2,
                applications: 2,
                ipc: 3,
                uspc: 3,
                applicants: 3,
                inventors: 3,
                owners: 1,
                claims: 26,
                abstracts: 2,
                ..Counts::default()
            },
        ),
        (
            "ipa061228.one.xml",
            Counts {
                records: 1,
                applications: 1,
                ipc: 2,
                uspc: 2,
                applicants: 1,
                inventors: 1,
                owners: 1,
                claims: 10,
                abstracts: 1,
                ..Counts::default()
            },
        ),
        (
            "pa040101.two.xml",
            Counts {
                records: 1,
                applications: 1,
                ipc: 1,
                uspc: 1,
                applicants: 1,
                inventors: 1,
                owners: 1,
                claims: 1,
                abstracts: 1,
                ..Counts::default()
            },
        ),
    ];
    for (file, want) in cases {
        let Some(s) = read_shared("application_files_counts", file) else {
            return;
        };
        assert_eq!(counts(&s), want, "{file}");
        assert!(
            s.records.iter().all(|r| r.app.granted == Some(false)),
            "{file}"
        );
    }
}

#[test]
fn single_grant_files_counts() {
    let cases = [
        (
            "US08613112-20131224.XML",
            Counts {
                records: 1,
                grants: 1,
                citations: 19,
                npl: 1,
                by_examiner: 12,
                foreign_priorities: 1,
                ipc: 2,
                uspc: 3,
                applicants: 2,
                inventors: 2,
                owners: 1,
                pct: 1,
                claims: 5,
                abstracts: 1,
                ..Counts::default()
            },
        ),
        (
            "US08927386-20150106.XML",
            Counts {
                records: 1,
                grants: 1,
                citations: 5,
                by_examiner: 5,
                foreign_priorities: 1,
                ipc: 5,
                cpc: 3,
                uspc: 5,
                applicants: 4,
                inventors: 4,
                owners: 2,
                pct: 1,
                claims: 19,
                abstracts: 1,
                ..Counts::default()
            },
        ),
    ];
    for (file, want) in cases {
        let Some(s) = read_shared("single_grant_files_counts", file) else {
            return;
        };
        assert_eq!(counts(&s), want, "{file}");
    }
}

// ---------------------------------------------------------------- real files: spot checks

#[test]
fn v40_grant_fields() {
    let Some(s) = read_shared("v40_grant_fields", "ipg050104.small.xml") else {
        return;
    };
    // Second document: US 06836979 B2, shoe structure with an Italian priority.
    let r = by_pub(&s, "6836979");
    let p = &r.publications[0];
    assert_eq!((p.office.as_str(), p.kind.as_str()), ("US", "B2"));
    assert_eq!(p.date, date("2005-01-04"));
    assert_eq!(p.class, PubClass::Grant);
    assert_eq!(r.app.key, "US10435630");
    assert_eq!(r.app.filing_date, date("2003-05-10"));
    assert_eq!(r.app.filing_year, Some(2003));
    assert_eq!(r.app.granted, Some(true));
    assert_eq!(r.app.ipr_type.as_deref(), Some("PI"));
    assert_eq!(r.app.title.as_deref(), Some("Shoe structure"));
    assert_eq!(r.app.claims_count, Some(24));
    // The source swaps the names: last-name Flavio, first-name Bacchiega.
    let a = &r.parties[0];
    assert_eq!(
        (a.role, a.name.as_str(), a.country.as_deref()),
        (PartyRole::Applicant, "Flavio, Bacchiega", Some("IT"))
    );
    assert_eq!(r.classes[0].scheme, ClassScheme::Ipc);
    assert_eq!(r.classes[0].code, "A43B13/14"); // written `A43B 1314`
    assert!(
        r.classes
            .iter()
            .any(|c| c.scheme == ClassScheme::Uspc && c.code == "12/142E")
    );
    assert_eq!(r.priorities.len(), 1);
    let pr = &r.priorities[0];
    assert_eq!(pr.key, "ITBG2002A000039");
    assert_eq!(pr.date, date("2002-11-27"));
    assert_eq!(r.citations.len(), 17);
    assert_eq!(r.app.earliest_priority_date, date("2002-11-27"));
    assert_eq!(r.app.provenance.source_file, 3);
    assert_eq!(r.app.source_id.as_deref(), Some("US6836979B2"));

    // First document: the first citation carries a month-precision date (19010500).
    let first = by_pub(&s, "6836899");
    assert_eq!(first.app.provenance.location, "byte 0");
    let c = &first.citations[0];
    assert_eq!(
        (c.office.as_deref(), c.number.as_str(), c.kind.as_deref()),
        (Some("US"), "675108", Some("A"))
    );
    assert_eq!(c.date, date("1901-05-01"));
    assert_eq!(c.cited_by.as_deref(), Some("examiner"));
    assert_eq!(first.app.is_priority_filing, Some(true));
}

#[test]
fn v42_plant_and_design_fields() {
    let Some(s) = read_shared("v42_plant_and_design_fields", "ipg080101.small.xml") else {
        return;
    };
    let plant = by_pub(&s, "PP18398");
    assert_eq!(plant.publications[0].kind, "P2");
    assert_eq!(plant.publications[0].class, PubClass::Grant);
    assert_eq!(plant.app.ipr_type.as_deref(), Some("PL"));
    assert_eq!(plant.app.granted, Some(true));
    assert_eq!(plant.app.key, "US11440245");
    assert_eq!(
        plant.app.title.as_deref(),
        Some("Sedum telephium plant named \u{2018}Beka\u{2019}")
    );
    assert_eq!(plant.app.provenance.location, "byte 70553");
    assert!(plant.classes.iter().any(|c| c.code == "PLT/263"));

    let design = by_pub(&s, "D558629"); // written D0558629
    assert_eq!(design.publications[0].class, PubClass::Design);
    assert_eq!(design.app.granted, Some(true));
    assert!(design.right_granted() && !design.is_granted());
    assert_eq!(design.grant_date(), design.publications[0].date);
    assert_eq!(design.app.ipr_type.as_deref(), Some("DE"));
    assert_eq!(design.app.kind.as_deref(), Some("F"));
    assert_eq!(design.app.key, "US29264501");
    let classes: Vec<(ClassScheme, &str)> = design
        .classes
        .iter()
        .map(|c| (c.scheme, c.code.as_str()))
        .collect();
    assert_eq!(
        classes,
        vec![
            (ClassScheme::Uspc, "D10/125"),
            (ClassScheme::Uspc, "D10/9"),
            (ClassScheme::Locarno, "10-07"),
        ]
    );
    assert_eq!(design.citations.len(), 13);
    assert_eq!(design.citations[0].number, "D90091");
}

#[test]
fn v42_ipcr_related_and_pct() {
    let Some(s) = read_shared("v42_ipcr_related_and_pct", "ipg110104.small.xml") else {
        return;
    };
    // Every utility grant there has IPC-R classes; designs only Locarno.
    for r in &s.records {
        let ipc = r.classes.iter().any(|c| c.scheme == ClassScheme::Ipc);
        assert_eq!(
            ipc,
            r.app.ipr_type.as_deref() == Some("PI"),
            "{}",
            r.app.key
        );
    }
    let with_pct: Vec<&PatentRecord> = s
        .records
        .iter()
        .filter(|r| r.app.pct_key.is_some())
        .collect();
    assert_eq!(with_pct.len(), 1);
    let r = with_pct[0];
    let pct = r.related.iter().find(|d| d.relation == "pct-371").unwrap();
    assert_eq!(pct.office.as_deref(), Some("WO"));
    assert_eq!(
        r.app.pct_key,
        Some(format!("WO{}", pct.number)).map(Into::into)
    );
    assert_eq!(r.app.is_priority_filing, Some(false));
}

#[test]
fn v43_grant_fields() {
    let Some(s) = read_shared("v43_grant_fields", "ipg130416.small.xml") else {
        return;
    };
    let r = by_pub(&s, "D680087");
    assert_eq!(r.app.key, "US29410027");
    assert_eq!(r.app.title.as_deref(), Some("Television set"));
    assert_eq!(r.app.npl_citation_count, Some(5));
    assert_eq!(r.citations.len(), 81);
    assert_eq!(r.citations[0].cited_by.as_deref(), Some("applicant"));
    let a = &r.parties[0];
    assert_eq!(
        (a.name.as_str(), a.country.as_deref()),
        ("Fujii, Yoshito", Some("JP"))
    );
    assert_eq!(r.priorities[0].key, "JP2011015204");
    assert_eq!(r.priorities[0].date, date("2011-07-04"));
}

#[test]
fn v44_grant_with_italian_priority() {
    let Some(s) = read_shared("v44_grant_with_italian_priority", "US08613112-20131224.XML") else {
        return;
    };
    let r = &s.records[0];
    let p = &r.publications[0];
    assert_eq!(
        (p.number.as_str(), p.kind.as_str(), p.date),
        ("8613112", "B2", date("2013-12-24"))
    );
    assert_eq!(r.app.key, "US12994775");
    assert_eq!(r.app.filing_date, date("2009-05-25"));
    assert_eq!(
        r.app.title.as_deref(),
        Some("Article of clothing particularly intended to be used along with electronic devices")
    );
    assert_eq!(r.priorities.len(), 1);
    let pr = &r.priorities[0];
    assert_eq!(
        (pr.office.as_str(), pr.number.as_str(), pr.key.as_str()),
        ("IT", "BO2008A0338", "ITBO2008A0338")
    );
    assert_eq!(pr.date, date("2008-05-28"));
    assert_eq!(r.app.earliest_priority_date, date("2008-05-28"));
    let a = &r.parties[0];
    assert_eq!(
        (a.role, a.name.as_str(), a.country.as_deref()),
        (PartyRole::Applicant, "Santucci, Massimiliano", Some("IT"))
    );
    let owner = r
        .parties
        .iter()
        .find(|p| p.role == PartyRole::Owner)
        .unwrap();
    assert_eq!(owner.country.as_deref(), Some("IT"));
    assert_eq!(r.classes[0].code, "A41D1/04");
    assert!(
        r.classes
            .iter()
            .any(|c| c.scheme == ClassScheme::Uspc && c.code == "2/69")
    );
    assert_eq!(r.citations.len(), 19);
    assert_eq!(r.app.npl_citation_count, Some(1));
    assert_eq!(r.app.pct_key.as_deref(), Some("WOEP2009056266")); // PCT/EP2009/056266
    let rel: Vec<(&str, &str)> = r
        .related
        .iter()
        .map(|d| (d.relation.as_str(), d.number.as_str()))
        .collect();
    assert_eq!(
        rel,
        vec![
            ("prior-publication", "20110185469"),
            ("pct-371", "EP2009056266"),
            ("pct-publication", "2009150026"),
        ]
    );
    assert_eq!(r.app.claims_count, Some(5));
    let claims = r.app.claims_text.as_deref().unwrap();
    assert!(claims.starts_with("1. An article of clothing comprising: a garment (11)"));
    assert_eq!(claims.lines().count(), 5);
    assert!(
        r.app
            .abstract_text
            .as_deref()
            .unwrap()
            .starts_with("An article of clothing comprises a garment (11)")
    );
}

#[test]
fn v45_grant_with_cpc() {
    let Some(s) = read_shared("v45_grant_with_cpc", "US08927386-20150106.XML") else {
        return;
    };
    let r = &s.records[0];
    assert_eq!(r.publications[0].number, "8927386");
    assert_eq!(r.app.key, "US13878453");
    let cpc: Vec<&str> = r
        .classes
        .iter()
        .filter(|c| c.scheme == ClassScheme::Cpc)
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(cpc, vec!["H01L29/66136", "H01L29/0619", "H01L21/3065"]);
    assert_eq!(r.classes[0].code, "H01L21/04");
    assert_eq!(r.priorities[0].key, "CN201110151784");
    assert_eq!(r.app.pct_key.as_deref(), Some("WOCN2012076353"));
    assert_eq!(r.parties[0].name, "Wu, Tzong Shiann");
    assert_eq!(r.parties[0].country.as_deref(), Some("CN"));
}

#[test]
fn v41_and_v43_application_fields() {
    let Some(s) = read_shared("v41_application_fields", "ipa061228.one.xml") else {
        return;
    };
    let r = &s.records[0];
    let p = &r.publications[0];
    assert_eq!(
        (p.number.as_str(), p.kind.as_str(), p.date, p.class),
        (
            "20060288462",
            "A1",
            date("2006-12-28"),
            PubClass::Application
        )
    );
    assert_eq!(r.app.key, "US11197279");
    assert_eq!(r.app.filing_date, date("2005-08-04"));
    assert_eq!(r.app.granted, Some(false));
    assert_eq!(r.parties[0].name, "Schroeder, Yvonne");
    assert_eq!(r.parties[0].country.as_deref(), Some("DE"));
    let owner = r
        .parties
        .iter()
        .find(|p| p.role == PartyRole::Owner)
        .unwrap();
    assert_eq!(
        owner.name,
        "AMERICAN EXPRESS TRAVEL RELATED SERVICES COMPANY, INC."
    );
    let codes: Vec<&str> = r.classes.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, vec!["A41D31/00", "A23G1/50", "2/1", "426/104"]);
    assert_eq!(r.related[0].relation, "continuation-in-part");
    assert_eq!(r.related[0].number, "29232669");

    let Some(s) = read_shared("v43_application_fields", "ipa130117.one.xml") else {
        return;
    };
    let r = by_pub(&s, "20130014306");
    assert_eq!(r.app.key, "US13353293");
    assert_eq!(r.app.provenance.location, "byte 14853");
    let prov: Vec<(&str, Option<&str>)> = r
        .priorities
        .iter()
        .map(|p| (p.key.as_str(), p.kind.as_deref()))
        .collect();
    assert_eq!(
        prov,
        vec![
            ("US61433841", Some("P")),
            ("US61473378", Some("P")),
            ("US61526999", Some("P")),
        ]
    );
    assert_eq!(r.app.earliest_priority_date, date("2011-01-18"));
}

#[test]
fn pap_v16_application_fields() {
    let Some(s) = read_shared("pap_v16_application_fields", "pa040101.two.xml") else {
        return;
    };
    let r = &s.records[0];
    let p = &r.publications[0];
    assert_eq!(
        (
            p.office.as_str(),
            p.number.as_str(),
            p.kind.as_str(),
            p.date
        ),
        ("US", "20040000002", "A1", date("2004-01-01"))
    );
    assert_eq!(r.app.key, "US10189364");
    assert_eq!(r.app.filing_date, date("2002-06-27"));
    assert_eq!(r.app.granted, Some(false));
    assert_eq!(
        r.app.title.as_deref(),
        Some("Garment for preventing muscle strain")
    );
    let codes: Vec<(ClassScheme, &str)> = r
        .classes
        .iter()
        .map(|c| (c.scheme, c.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        vec![(ClassScheme::Ipc, "A41B1/00"), (ClassScheme::Uspc, "2/69")]
    );
    let inv = r
        .parties
        .iter()
        .find(|p| p.role == PartyRole::Inventor)
        .unwrap();
    assert_eq!(
        (inv.name.as_str(), inv.country.as_deref()),
        ("Hollander, Scott", Some("US"))
    );
    let owner = r
        .parties
        .iter()
        .find(|p| p.role == PartyRole::Owner)
        .unwrap();
    assert_eq!(owner.name, "Hill-Rom Services, Inc.");
    let rel: Vec<(&str, &str)> = r
        .related
        .iter()
        .map(|d| (d.relation.as_str(), d.number.as_str()))
        .collect();
    assert_eq!(
        rel,
        vec![
            ("continuation", "09919271"),
            ("continuation-parent-grant", "6557176")
        ]
    );
    assert_eq!(r.priorities[0].key, "US09919271");
    assert!(
        r.app
            .abstract_text
            .as_deref()
            .unwrap()
            .starts_with("A garment adapted for wear")
    );
}

/// Cutting a real weekly file in the middle of its second document: that document is
/// rejected at the point where the third starts, and all others are still read.
#[test]
fn truncated_real_document_does_not_stop_the_file() {
    let Some(path) = shared_file(
        "truncated_real_document_does_not_stop_the_file",
        "uspto-xml/ipg080101.small.xml",
    ) else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    // Document starts: 0, 10222, 19979 (see v42_plant_and_design_fields for the layout).
    let cut = format!("{}{}", &text[..15_000], &text[19_979..]);
    let s = read_str(&cut);
    assert_eq!(
        (s.records.len(), s.rejections.len(), s.skips.len()),
        (24, 1, 0)
    );
    let rej = &s.rejections[0];
    assert_eq!(rej.location, Location::Byte(15_000));
    assert!(
        rej.reason.starts_with("truncated document"),
        "{}",
        rej.reason
    );
    assert!(rej.excerpt.starts_with("<?xml"));
    assert!(
        s.records
            .iter()
            .all(|r| r.publications[0].number != "D558728")
    );
    assert!(
        s.records
            .iter()
            .any(|r| r.publications[0].number == "D558806")
    );
}

// ---------------------------------------------------------------- malformed input

/// A minimal v4 grant with the given publication number, filing date and extra
/// bibliographic elements.
fn grant(number: &str, filing: &str, extra: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE us-patent-grant SYSTEM \"us-patent-grant-v44-2013-05-16.dtd\" [ ]>\n\
         <us-patent-grant lang=\"EN\">\n<us-bibliographic-data-grant>\n\
         <publication-reference><document-id><country>US</country><doc-number>{number}</doc-number><kind>B2</kind><date>20130416</date></document-id></publication-reference>\n\
         <application-reference appl-type=\"utility\"><document-id><country>US</country><doc-number>13000001</doc-number><date>{filing}</date></document-id></application-reference>\n\
         {extra}\n<invention-title id=\"t\">Widget</invention-title>\n\
         </us-bibliographic-data-grant>\n<claims><claim id=\"c1\"><claim-text>1. A widget.</claim-text></claim></claims>\n\
         </us-patent-grant>\n"
    )
}

fn assert_reconciles(s: &CollectSink, inputs: usize) {
    assert_eq!(
        s.records.len() + s.rejections.len() + s.skips.len(),
        inputs,
        "records {:?} rejections {:?} skips {:?}",
        s.records.len(),
        s.rejections,
        s.skips
    );
}

#[test]
fn truncated_document_in_the_middle() {
    let a = grant("08000001", "20120101", "");
    let b = grant("08000002", "20120101", "");
    let c = grant("08000003", "20120101", "");
    // Cut between elements, and in the middle of a tag.
    let open_end = b.find("<claim-text>").unwrap() + "<claim-text>1. A wid".len();
    let in_tag = b.find("<claim id=").unwrap() + "<claim id=\"c".len();
    for (cut, at_tag, reason) in [
        (
            open_end,
            None,
            "ends inside <claim-text> (4 elements unclosed",
        ),
        (
            in_tag,
            Some(b.find("<claim id=").unwrap()),
            "tag not closed",
        ),
    ] {
        let b_cut = &b[..cut];
        let text = format!("{a}{b_cut}{c}");
        let s = read_str(&text);
        assert_reconciles(&s, 3);
        let got: Vec<&str> = s
            .records
            .iter()
            .map(|r| r.publications[0].number.as_str())
            .collect();
        assert_eq!(got, vec!["8000001", "8000003"]);
        let rej = &s.rejections[0];
        // A document cut between elements breaks where the next one begins; one cut inside
        // a tag breaks at that tag.
        let at = a.len() + at_tag.unwrap_or(b_cut.len());
        assert_eq!(rej.location, Location::Byte(at as u64));
        assert_eq!(rej.field, None);
        assert!(
            rej.reason.starts_with("truncated document"),
            "{}",
            rej.reason
        );
        assert!(rej.reason.contains(reason), "{}", rej.reason);
        assert_eq!(rej.file, "test.xml");
    }
}

#[test]
fn mismatched_tags_are_rejected_where_they_break() {
    let a = grant("08000001", "20120101", "");
    let b = grant("08000002", "20120101", "").replace("</invention-title>", "</title>");
    let text = format!("{a}{b}");
    let s = read_str(&text);
    assert_reconciles(&s, 2);
    assert_eq!(s.records.len(), 1);
    let rej = &s.rejections[0];
    assert_eq!(
        rej.location,
        Location::Byte((a.len() + b.find("</title>").unwrap()) as u64)
    );
    assert!(rej.reason.contains("not well-formed"), "{}", rej.reason);
    assert!(rej.reason.contains("invention-title"), "{}", rej.reason);
    assert!(rej.excerpt.starts_with("</title>"), "{}", rej.excerpt);
}

#[test]
fn unclosed_attribute_quote_is_rejected() {
    let bad =
        grant("08000002", "20120101", "").replace("appl-type=\"utility\"", "appl-type=\"utility");
    let text = format!("{}{bad}", grant("08000001", "20120101", ""));
    let s = read_str(&text);
    assert_reconciles(&s, 2);
    assert_eq!(s.records.len(), 1);
    let rej = &s.rejections[0];
    assert!(rej.reason.contains("unclosed quote"), "{}", rej.reason);
    let tag = bad.find("<application-reference").unwrap();
    let first = text.len() - bad.len();
    assert_eq!(rej.location, Location::Byte((first + tag) as u64));
}

#[test]
fn garbage_between_and_before_documents() {
    let a = grant("08000001", "20120101", "");
    let b = grant("08000002", "20120101", "");
    let text = format!("junk header line\n{a}@@@ not xml @@@\n{b}");
    let s = read_str(&text);
    // 2 documents + 2 stretches of garbage.
    assert_reconciles(&s, 4);
    assert_eq!(s.records.len(), 2);
    let locs: Vec<(&Location, &str)> = s
        .rejections
        .iter()
        .map(|r| (&r.location, r.reason.as_str()))
        .collect();
    assert_eq!(
        locs,
        vec![
            (&Location::Byte(0), "text outside any XML document"),
            (
                &Location::Byte(text.find("@@@").unwrap() as u64),
                "text after the end of an XML document"
            ),
        ]
    );
    assert!(s.rejections[1].excerpt.starts_with("@@@ not xml"));
}

#[test]
fn unknown_and_known_entities_are_text() {
    let doc = grant("08000001", "20120101", "").replace(
        "Widget",
        "&lsquo;Widget&rsquo; &unknownent; &#x3bc;m &amp; AT&T",
    );
    let s = read_str(&doc);
    assert_reconciles(&s, 1);
    assert_eq!(s.rejections.len(), 0);
    assert_eq!(
        s.records[0].app.title.as_deref(),
        Some("\u{2018}Widget\u{2019} &unknownent; \u{3bc}m & AT&T")
    );
}

#[test]
fn empty_and_blank_files() {
    for text in ["", "\n\n  \n", "<!-- nothing -->\n"] {
        let s = read_str(text);
        assert_eq!(
            (s.records.len(), s.rejections.len(), s.skips.len()),
            (0, 0, 0),
            "{text:?}"
        );
    }
    // A declaration with nothing after it is a truncated document, not nothing.
    let s = read_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    assert_eq!(s.rejections.len(), 1);
    assert!(s.rejections[0].reason.contains("no root element"));
}

#[test]
fn nul_bytes() {
    let a = grant("08000001", "20120101", "");
    let b = grant("08000002", "20120101", "").replace("Widget", "Wid\0get");
    let text = format!("{a}{b}\0\0\0\0");
    let s = read_str(&text);
    // 2 documents + the NUL padding after the last one.
    assert_reconciles(&s, 3);
    assert_eq!(s.records.len(), 1);
    assert_eq!(s.rejections.len(), 2);
    let nul = text.find('\0').unwrap();
    assert_eq!(s.rejections[0].location, Location::Byte(nul as u64));
    assert!(s.rejections[0].reason.contains("NUL"));
    assert_eq!(
        s.rejections[1].location,
        Location::Byte((a.len() + b.len()) as u64)
    );
    // NULs alone: garbage, one rejection.
    let s = read_str("\0\0\0");
    assert_reconciles(&s, 1);
    assert_eq!(s.rejections[0].location, Location::Byte(0));
}

#[test]
fn missing_identity_is_rejected_with_the_field() {
    let no_pub = grant("", "20120101", "");
    let no_app = grant("08000002", "20120101", "").replace("<doc-number>13000001</doc-number>", "");
    let text = format!("{no_pub}{no_app}");
    let s = read_str(&text);
    assert_reconciles(&s, 2);
    assert_eq!(s.records.len(), 0);
    let fields: Vec<(Option<&str>, &str, &Location)> = s
        .rejections
        .iter()
        .map(|r| (r.field.as_deref(), r.reason.as_str(), &r.location))
        .collect();
    assert_eq!(
        fields,
        vec![
            (
                Some("publication-reference/document-id/doc-number"),
                "missing publication number",
                &Location::Byte(0)
            ),
            (
                Some("application-reference/document-id/doc-number"),
                "missing application number",
                &Location::Byte(no_pub.len() as u64)
            ),
        ]
    );
}

/// A date that cannot be read is a field-level rejection naming its element path and value;
/// the document is kept without it.
#[test]
fn invalid_dates_are_rejected_with_the_value() {
    let bad_filing = grant("08000001", "20120231", "");
    let bad_priority = grant(
        "08000002",
        "20120101",
        "<priority-claims><priority-claim sequence=\"01\" kind=\"national\"><country>DE</country><doc-number>10 2011 000 001.5</doc-number><date>2011-99-01</date></priority-claim></priority-claims>",
    );
    let good_priority = grant(
        "08000003",
        "20120101",
        "<priority-claims><priority-claim sequence=\"01\" kind=\"national\"><country>DE</country><doc-number>10 2011 000 001.5</doc-number><date>20110102</date></priority-claim></priority-claims>",
    );
    let s = read_str(&format!("{bad_filing}{bad_priority}{good_priority}"));
    assert_reconciles(&s, 3);
    assert!(s.rejections.is_empty(), "{:?}", s.rejections);
    assert_eq!(s.records.len(), 3);
    let notes: Vec<(&str, &str, &str, &Location)> = s
        .field_notes
        .iter()
        .map(|n| {
            (
                n.field.as_str(),
                n.value.as_str(),
                n.reason.as_str(),
                &n.location,
            )
        })
        .collect();
    assert_eq!(
        notes,
        vec![
            (
                "us-bibliographic-data-grant/application-reference/document-id/date",
                "20120231",
                "invalid date \"20120231\"",
                &Location::Byte(0)
            ),
            (
                "us-bibliographic-data-grant/priority-claims/priority-claim/date",
                "2011-99-01",
                "invalid date \"2011-99-01\"",
                &Location::Byte(bad_filing.len() as u64)
            ),
        ]
    );
    assert!(
        s.field_notes
            .iter()
            .all(|n| n.action == FieldAction::Rejected)
    );
    // Kept without the bad value, everything else read.
    assert_eq!(s.records[0].app.filing_date, None);
    assert_eq!(s.records[0].app.number, "13000001");
    assert_eq!(s.records[1].priorities[0].date, None);
    assert_eq!(s.records[1].priorities[0].key, "DE1020110000015");
    let r = &s.records[2];
    // Cleaned as written, check digit included (app_key does not know DE number rules).
    assert_eq!(r.priorities[0].key, "DE1020110000015");
    assert_eq!(r.priorities[0].number, "1020110000015");
    assert_eq!(r.app.earliest_priority_date, date("2011-01-02"));
    // The bad values are counted as read on their paths.
    let read = |p: &str| s.values_read[&("test.xml".to_string(), p.to_string())];
    assert_eq!(
        read("us-bibliographic-data-grant/application-reference/document-id/date"),
        3
    );
    assert_eq!(
        read("us-bibliographic-data-grant/priority-claims/priority-claim/date"),
        2
    );
}

#[test]
fn sequence_listings_and_unknown_documents_are_skipped() {
    let seq = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE sequence-cwu SYSTEM \"us-sequence-listing-2004-03-09.dtd\" [ ]>\n<sequence-cwu id=\"SEQLST-1\"><s-n>1</s-n></sequence-cwu>\n";
    let other = "<?xml version=\"1.0\"?>\n<us-chemistry><x/></us-chemistry>\n";
    let g = grant("08000001", "20120101", "");
    let text = format!("{g}{seq}{other}");
    let s = read_str(&text);
    assert_reconciles(&s, 3);
    let kinds: Vec<(&str, &Location)> = s
        .skips
        .iter()
        .map(|k| (k.kind.as_str(), &k.location))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("us-sequence-listing", &Location::Byte(g.len() as u64)),
            (
                "us-chemistry",
                &Location::Byte((g.len() + seq.len()) as u64)
            ),
        ]
    );
}

#[test]
fn claims_text_is_capped() {
    let claim = format!(
        "<claim><claim-text>{}</claim-text></claim>",
        "word ".repeat(1000)
    );
    let doc = grant("08000001", "20120101", "")
        .replace("<claims>", &format!("<claims>{}", claim.repeat(30)));
    let s = read_str(&doc);
    let r = &s.records[0];
    assert_eq!(r.app.claims_count, Some(31));
    let text = r.app.claims_text.as_deref().unwrap();
    assert_eq!(text.chars().count(), 20_000);
}

#[test]
fn document_without_declaration_is_read() {
    let g = grant("08000001", "20120101", "");
    let body = &g[g.find("<us-patent-grant").unwrap()..];
    let s = read_str(body);
    assert_reconciles(&s, 1);
    assert_eq!(s.records[0].publications[0].number, "8000001");
}

/// Every truncation and a spread of single-byte corruptions of a real document: the reader
/// never panics, never reads more than the one document, and accounts for every input.
#[test]
fn corrupted_real_document_never_panics() {
    let Some(path) = shared_file(
        "corrupted_real_document_never_panics",
        "uspto-xml/pa040101.two.xml",
    ) else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let boundaries: Vec<usize> = (0..text.len())
        .step_by(41)
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    for &cut in &boundaries {
        let s = read_str(&text[..cut]);
        let total = s.records.len() + s.rejections.len() + s.skips.len();
        assert_eq!(
            total,
            usize::from(cut > 0),
            "cut at {cut}: {:?}",
            s.rejections
        );
        assert!(
            s.records.is_empty() || cut + 30 >= text.len(),
            "cut at {cut}"
        );
    }
    for &at in boundaries.iter().step_by(3) {
        for bad in ["<", "&", "\0", "\"", ">", "</x>", "<?xml version=\"1.0\"?>"] {
            let mut t = text.clone();
            t.insert_str(at, bad);
            let s = read_str(&t);
            assert!(s.records.len() <= 2, "{bad:?} at {at}");
            assert!(
                s.records.len() + s.rejections.len() + s.skips.len() >= 1,
                "{bad:?} at {at}"
            );
        }
    }
}

// ------------------------------------------------------- inputs past the reader's limits

/// `n` nested `<b>` elements around `inner`, built without recursion.
fn nested(n: usize, inner: &str) -> String {
    format!("{}{inner}{}", "<b>".repeat(n), "</b>".repeat(n))
}

#[test]
fn deep_and_long_documents_are_rejected_and_neighbours_read() {
    use patq_ingest::limits::{MAX_FIELD_BYTES, MAX_XML_DEPTH};
    let deep_title = grant("08000002", "20120101", "").replace(
        "<invention-title id=\"t\">Widget</invention-title>",
        &format!(
            "<invention-title id=\"t\">{}</invention-title>",
            nested(200_000, "W")
        ),
    );
    // Deep inside the description, which is streamed past rather than kept.
    let deep_description = grant("08000003", "20120101", "").replace(
        "<claims>",
        &format!(
            "<description>{}</description><claims>",
            nested(200_000, "x")
        ),
    );
    let long_title = grant("08000004", "20120101", "").replace(
        ">Widget<",
        &format!(">{}<", "w".repeat(MAX_FIELD_BYTES + 1)),
    );
    let long_abstract = grant("08000005", "20120101", "").replace(
        "<claims>",
        &format!(
            "<abstract><p>{}</p></abstract><claims>",
            "a ".repeat(MAX_FIELD_BYTES / 2 + 1)
        ),
    );
    let just_deep_enough = grant("08000006", "20120101", "").replace(
        "<claims>",
        &format!(
            "<description>{}</description><claims>",
            nested(MAX_XML_DEPTH - 3, "y")
        ),
    );
    let docs = [
        grant("08000001", "20120101", ""),
        deep_title,
        deep_description,
        long_title,
        long_abstract,
        just_deep_enough,
        grant("08000007", "20120101", ""),
    ];
    let text = docs.concat();
    let s = read_str(&text);
    assert_reconciles(&s, docs.len());
    let read: Vec<&str> = s
        .records
        .iter()
        .map(|r| r.publications[0].number.as_str())
        .collect();
    assert_eq!(read, ["8000001", "8000006", "8000007"]);
    let start = |i: usize| docs[..i].concat().len() as u64;
    let rej: Vec<(u64, &str, &str)> = s
        .rejections
        .iter()
        .map(|r| match r.location {
            Location::Byte(b) => (b, r.field.as_deref().unwrap_or(""), r.reason.as_str()),
            ref l => panic!("{l:?}"),
        })
        .collect();
    assert_eq!(rej.len(), 4, "{rej:?}");
    for (i, (at, field, reason)) in rej.iter().enumerate() {
        assert!(*at > start(i + 1) && *at < start(i + 2), "{rej:?}");
        assert!(s.rejections[i].file == "test.xml");
        if i < 2 {
            assert_eq!(
                *reason,
                "elements nested more than 512 deep (the limit for one record)"
            );
            assert!(field.ends_with("/.../b"), "{field}");
        } else {
            assert_eq!(*reason, "text longer than 16 MiB (the limit for one field)");
        }
    }
    assert!(
        rej[0]
            .1
            .starts_with("us-patent-grant/us-bibliographic-data-grant/invention-title/b")
    );
    assert!(rej[1].1.starts_with("us-patent-grant/description/b/b"));
    assert_eq!(
        rej[2].1,
        "us-patent-grant/us-bibliographic-data-grant/invention-title"
    );
    assert_eq!(rej[3].1, "us-patent-grant/abstract/p");
}

/// Values per element path of one USPTO file, counted with a quick-xml walk of its own:
/// per document (cut at `<?xml` declarations), every element of the bibliographic section
/// with non-blank text of its own, every non-blank attribute, each `claim` of the claims
/// section and each abstract with text. Returns (values per path, paths seen).
fn independent_counts(text: &str) -> (BTreeMap<String, u64>, BTreeSet<String>) {
    use quick_xml::Reader;
    use quick_xml::events::Event;

    /// An open element: name, own text, child elements, any text below.
    struct Open(String, bool, bool, bool);
    fn biblio(stack: &[Open]) -> bool {
        stack.len() >= 2
            && (stack[1].0.starts_with("us-bibliographic-data-")
                || stack[1].0 == "subdoc-bibliographic-information")
    }
    fn path(stack: &[Open]) -> String {
        let names: Vec<&str> = stack[1..].iter().map(|f| f.0.as_str()).collect();
        names.join("/")
    }
    fn close(
        stack: &mut Vec<Open>,
        values: &mut BTreeMap<String, u64>,
        seen: &mut BTreeSet<String>,
    ) {
        let top = stack.last().unwrap();
        if biblio(stack) && (top.1 || !top.2) {
            let p = path(stack);
            seen.insert(p.clone());
            *values.entry(p).or_default() += u64::from(top.1);
        }
        if stack.len() == 2 && stack[1].0.ends_with("abstract") && stack[1].3 {
            *values.entry(stack[1].0.clone()).or_default() += 1;
        }
        stack.pop();
    }

    let mut values: BTreeMap<String, u64> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let starts: Vec<usize> = text.match_indices("<?xml").map(|(i, _)| i).collect();
    for (k, &a) in starts.iter().enumerate() {
        let b = starts.get(k + 1).copied().unwrap_or(text.len());
        let mut r = Reader::from_str(&text[a..b]);
        let mut stack: Vec<Open> = Vec::new();
        loop {
            let ev = r.read_event().expect("well-formed real file");
            match ev {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    if let Some(top) = stack.last_mut() {
                        top.2 = true;
                    }
                    stack.push(Open(name, false, false, false));
                    if biblio(&stack) {
                        let p = path(&stack);
                        for at in e.attributes() {
                            let at = at.unwrap();
                            let key = String::from_utf8_lossy(at.key.as_ref()).into_owned();
                            let ap = format!("{p}/@{key}");
                            seen.insert(ap.clone());
                            let v = at.unescape_value().unwrap_or_default();
                            *values.entry(ap).or_default() += u64::from(!v.trim().is_empty());
                        }
                    }
                    if stack.len() == 3 && stack[1].0.ends_with("claims") && stack[2].0 == "claim" {
                        *values.entry(format!("{}/claim", stack[1].0)).or_default() += 1;
                    }
                    if matches!(ev, Event::Empty(_)) {
                        close(&mut stack, &mut values, &mut seen);
                    }
                }
                Event::Text(ref t) => {
                    let text = !String::from_utf8_lossy(t.as_ref()).trim().is_empty();
                    for f in stack.iter_mut() {
                        f.3 |= text;
                    }
                    if let Some(top) = stack.last_mut() {
                        top.1 |= text;
                    }
                }
                Event::CData(_) | Event::GeneralRef(_) => {
                    for f in stack.iter_mut() {
                        f.3 = true;
                    }
                    if let Some(top) = stack.last_mut() {
                        top.1 = true;
                    }
                }
                Event::End(_) => close(&mut stack, &mut values, &mut seen),
                Event::Eof => break,
                _ => {}
            }
        }
    }
    (values, seen)
}

/// Every mapped element path of every real file: values read equal the independent count;
/// the ignored paths are reported (and the reported biblio paths are exactly those seen).
#[test]
fn real_files_paths_and_values_read() {
    let mut summary = Vec::new();
    for file in [
        "US08613112-20131224.XML",
        "US08927386-20150106.XML",
        "ipa061228.one.xml",
        "ipa130117.one.xml",
        "ipg050104.small.xml",
        "ipg080101.small.xml",
        "ipg110104.small.xml",
        "ipg120327.18.xml",
        "ipg120327.196.xml",
        "ipg130416.small.xml",
        "pa040101.two.xml",
    ] {
        let Some(path) = shared_file(
            "real_files_paths_and_values_read",
            &format!("uspto-xml/{file}"),
        ) else {
            return;
        };
        let input = Input::load(&path, 0).unwrap();
        let s = read_input(&input);
        assert!(
            s.rejections.is_empty() && s.field_notes.is_empty(),
            "{file}"
        );
        let (want, seen) = independent_counts(input.text.as_str());
        let cols = &s.columns[&input.name];
        let mut mapped = 0;
        for c in cols.iter().filter(|c| c.field.is_some()) {
            let got = s.values_read[&(input.name.clone(), c.column.clone())];
            assert_eq!(
                got,
                want.get(&c.column).copied().unwrap_or(0),
                "{file}: {}",
                c.column
            );
            mapped += 1;
        }
        assert!(mapped > 20, "{file}: {mapped} mapped");
        let ignored = s.ignored_columns(&input.name);
        assert!(!ignored.is_empty(), "{file}");
        let listed_all = !ignored.iter().any(|c| c.contains("more ignored paths"));
        let reported: BTreeSet<String> = cols
            .iter()
            .map(|c| c.column.clone())
            .filter(|c| c.contains("bibliographic"))
            .collect();
        if listed_all {
            assert_eq!(reported, seen, "{file}");
        }
        summary.push(format!(
            "{file}: {mapped} mapped, {} ignored",
            ignored.len()
        ));
    }
    eprintln!("{}", summary.join("\n"));
}
