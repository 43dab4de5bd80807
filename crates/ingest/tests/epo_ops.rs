//! Tests of the EPO OPS XML reader on the real OPS responses in `../shared/data/epo-ops-xml`
//! and on hand-written malformed inputs.
//!
//! Expected counts were taken from the raw files independently of the reader, with
//! `grep -c` and Python's ElementTree, e.g.
//! `grep -c '<ops:family-member' get_family.xml` (5),
//! `grep -c '<ops:legal ' get_family_with_legal.xml` (75), `grep -c '<citation' ...` (72), and
//! per document: `len([c for c in bib.iter(E+'citation') if c.find(E+'patcit') is not None])`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;
use patq_ingest::{CollectSink, FieldAction, Input, Location, epo_ops};
use patq_model::{ClassScheme, FamilyKind, PartyRole, PatentRecord, PubClass};
use patq_testkit::shared_file;

fn read_real(test: &str, file: &str) -> Option<CollectSink> {
    let path = shared_file(test, &format!("epo-ops-xml/{file}"))?;
    let input = Input::load(&path, 3).expect("load");
    let mut sink = CollectSink::default();
    epo_ops::read(&[&input], &mut sink).expect("read");
    Some(sink)
}

fn read_str(text: &str) -> CollectSink {
    let input = Input::from_str("test.xml", text);
    let mut sink = CollectSink::default();
    epo_ops::read(&[&input], &mut sink).expect("read never fails");
    sink
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn pubs(r: &PatentRecord) -> Vec<String> {
    r.publications
        .iter()
        .map(|p| format!("{}{}{}", p.office, p.number, p.kind))
        .collect()
}

fn has_class(r: &PatentRecord, scheme: ClassScheme, code: &str) -> bool {
    r.classes
        .iter()
        .any(|c| c.scheme == scheme && c.code == code)
}

// ---------------------------------------------------------------------------------------------
// Real OPS responses.

#[test]
fn biblio_multiple() {
    let Some(s) = read_real("biblio_multiple", "get_biblio_multiple.xml") else {
        return;
    };
    // 3 <exchange-document> elements: EP2400812A1, EP2533477A1, EP2533477B1.
    assert_eq!(
        (s.records.len(), s.rejections.len(), s.skips.len()),
        (3, 0, 0)
    );
    let r = &s.records[0];
    assert_eq!(r.app.key, "EP10167109");
    assert_eq!(r.app.kind.as_deref(), Some("A"));
    // The docdb application-reference has no date; the epodoc form carries 20100624.
    assert_eq!(r.app.filing_date, ymd(2010, 6, 24));
    assert_eq!(r.app.filing_year, Some(2010));
    assert_eq!(r.app.docdb_family_id.as_deref(), Some("43088294"));
    assert_eq!(r.app.source_id.as_deref(), Some("316859723"));
    assert_eq!(r.app.provenance.source_file, 3);
    assert_eq!(r.app.provenance.location, "line 4");
    assert_eq!(pubs(r), ["EP2400812A1"]);
    assert_eq!(r.publications[0].date, ymd(2011, 12, 28));
    assert_eq!(r.publications[0].class, PubClass::Application);
    assert_eq!(r.app.title.as_deref(), Some("BLUETOOTH NETWORKING"));
    assert!(
        r.app
            .abstract_text
            .as_deref()
            .unwrap()
            .starts_with("An apparatus enabling establishment of a Bluetooth mesh network")
    );
    // Applicant written in epodoc and twice in original format: counted once, from epodoc.
    let applicants: Vec<_> = r
        .parties
        .iter()
        .filter(|p| p.role == PartyRole::Applicant)
        .collect();
    assert_eq!(applicants.len(), 1);
    assert_eq!(applicants[0].name, "9SOLUTIONS OY");
    assert_eq!(applicants[0].country.as_deref(), Some("FI"));
    let inventors: Vec<_> = r
        .parties
        .iter()
        .filter(|p| p.role == PartyRole::Inventor)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        inventors,
        ["HERRALA SAMI", "KYLMAENEN JARI", "NIEMI JAAKKO"]
    );
    // IPC-R text `H04W  84/    20            A I`, CPCI H04W84/20 and H04W88/04.
    assert!(has_class(r, ClassScheme::Ipc, "H04W84/20"));
    assert!(has_class(r, ClassScheme::Cpc, "H04W88/04"));
    assert_eq!(r.classes.len(), 3);
    // Self priority given in epodoc form EP20100167109 only.
    assert_eq!(r.priorities.len(), 1);
    assert_eq!(r.priorities[0].key, "EP10167109");
    assert_eq!(r.app.is_priority_filing, Some(true));
    assert_eq!(r.app.earliest_priority_date, ymd(2010, 6, 24));
    // 6 patent citations, first WO02054790A2 category A by the examiner; no NPL.
    assert_eq!(r.citations.len(), 6);
    let c = &r.citations[0];
    assert_eq!(
        (c.office.as_deref(), c.number.as_str(), c.kind.as_deref()),
        (Some("WO"), "02054790", Some("A2"))
    );
    assert_eq!(c.category.as_deref(), Some("A"));
    assert_eq!(c.cited_by.as_deref(), Some("examiner"));
    assert_eq!(c.date, ymd(2002, 7, 11));
    // Citation 5 has categories Y and A.
    assert_eq!(r.citations[4].category.as_deref(), Some("Y,A"));
    assert_eq!(r.app.npl_citation_count, Some(0));

    // EP2533477A1: one citation, an NPL (category X then I).
    let a1 = &s.records[1];
    assert_eq!(a1.app.key, "EP11169280");
    assert_eq!(a1.citations.len(), 0);
    assert_eq!(a1.app.npl_citation_count, Some(1));
    assert!(has_class(a1, ClassScheme::Ipc, "H04L12/715"));
    assert!(has_class(a1, ClassScheme::Cpc, "H04L45/04"));
    assert_eq!(a1.classes.len(), 9);
    let b1 = &s.records[2];
    assert_eq!(b1.app.key, "EP11169280");
    assert_eq!(pubs(b1), ["EP2533477B1"]);
    assert_eq!(b1.publications[0].class, PubClass::Grant);
    assert_eq!(b1.app.npl_citation_count, None);
}

#[test]
fn family_without_biblio() {
    let Some(s) = read_real("family", "get_family.xml") else {
        return;
    };
    // 5 <ops:family-member family-id="43088294">, total-result-count="5".
    assert_eq!(
        (s.records.len(), s.rejections.len(), s.skips.len()),
        (5, 0, 0)
    );
    let keys: Vec<_> = s.records.iter().map(|r| r.app.key.as_str()).collect();
    // US docdb application number 201113167395 is keyed without its year prefix.
    assert_eq!(
        keys,
        [
            "EP10167109",
            "EP10167109",
            "CA2744162",
            "US13167395",
            "US13167395"
        ]
    );
    let all_pubs: Vec<String> = s.records.iter().flat_map(pubs).collect();
    assert_eq!(
        all_pubs,
        [
            "EP2400812A1",
            "EP2400812B1",
            "CA2744162A1",
            "US2012057518A1",
            "US9648662B2"
        ]
    );
    for r in &s.records {
        assert_eq!(r.app.docdb_family_id.as_deref(), Some("43088294"));
        assert_eq!(r.app.inpadoc_family_id, None);
        // 5 publications of 3 applications.
        assert_eq!(r.app.extended_family_size, Some(3));
        assert_eq!(r.priorities.len(), 1);
        assert_eq!(r.priorities[0].key, "EP10167109");
        assert_eq!(r.priorities[0].kind.as_deref(), Some("A"));
        assert_eq!(r.priorities[0].date, ymd(2010, 6, 24));
        assert!(
            r.family_members
                .iter()
                .all(|m| m.family == FamilyKind::Extended)
        );
    }
    let ca = &s.records[2];
    assert_eq!(ca.app.filing_date, ymd(2011, 6, 23));
    assert_eq!(ca.app.is_priority_filing, Some(false));
    let members: Vec<_> = ca
        .family_members
        .iter()
        .map(|m| m.member.as_str())
        .collect();
    assert_eq!(
        members,
        [
            "EP2400812A1",
            "EP2400812B1",
            "US2012057518A1",
            "US9648662B2"
        ]
    );
    // A member's own application's publications are not listed as its family members.
    assert_eq!(s.records[0].family_members.len(), 3);
    assert_eq!(s.records[4].publications[0].class, PubClass::Grant);
    assert_eq!(s.records[3].app.source_id.as_deref(), Some("342104949"));
}

#[test]
fn family_with_biblio() {
    let Some(s) = read_real("family_with_biblio", "get_family_with_biblio.xml") else {
        return;
    };
    // Each family member with its nested exchange-document is one record.
    assert_eq!(
        (s.records.len(), s.rejections.len(), s.skips.len()),
        (5, 0, 0)
    );
    // 72 <citation> elements, all patcit: 6 (EP A1) + 29 (US A1) + 37 (US B2).
    let per_record: Vec<usize> = s.records.iter().map(|r| r.citations.len()).collect();
    assert_eq!(per_record, [6, 0, 0, 29, 37]);
    assert_eq!(per_record.iter().sum::<usize>(), 72);
    let us_a1 = &s.records[3];
    assert_eq!(us_a1.app.key, "US13167395");
    // 3 applicant-cited, 69 examiner-cited in the file; the applicant ones are on the US B2.
    let by_applicant = s
        .records
        .iter()
        .flat_map(|r| &r.citations)
        .filter(|c| c.cited_by.as_deref() == Some("applicant"))
        .count();
    assert_eq!(by_applicant, 3);
    // US applicants: 4 in epodoc format (3 inventors + 9SOLUTIONS OY), 8 in original format.
    let applicants: Vec<_> = us_a1
        .parties
        .iter()
        .filter(|p| p.role == PartyRole::Applicant)
        .map(|p| (p.seq, p.name.as_str(), p.country.as_deref()))
        .collect();
    assert_eq!(
        applicants,
        [
            (0, "HERRALA SAMI", Some("FI")),
            (1, "KYLMAENEN JARI", Some("FI")),
            (2, "NIEMI JAAKKO", Some("FI")),
            (3, "9SOLUTIONS OY", Some("FI"))
        ]
    );
    // The US grant carries a US classification 370/315 (scheme UC).
    assert!(has_class(&s.records[4], ClassScheme::Uspc, "370/315"));
    assert!(has_class(&s.records[4], ClassScheme::Ipc, "H04B7/14"));
    // Family-level docdb priority (kind A) and the exchange-document's epodoc priority merge.
    assert_eq!(s.records[2].priorities.len(), 1);
    assert_eq!(s.records[2].priorities[0].kind.as_deref(), Some("A"));
    assert_eq!(
        s.records[2].app.title.as_deref(),
        Some("BLUETOOTH NETWORKING")
    );
}

#[test]
fn family_with_legal() {
    let Some(s) = read_real("family_with_legal", "get_family_with_legal.xml") else {
        return;
    };
    assert_eq!(
        (s.records.len(), s.rejections.len(), s.skips.len()),
        (5, 0, 0)
    );
    // 75 <ops:legal> events: 69 on EP2400812A1, 1 on CA2744162A1, 5 on US2012057518A1.
    let per_record: Vec<usize> = s.records.iter().map(|r| r.legal_events.len()).collect();
    assert_eq!(per_record, [69, 0, 1, 5, 0]);
    assert_eq!(per_record.iter().sum::<usize>(), 75);
    let ep = &s.records[0];
    let first = &ep.legal_events[0];
    assert_eq!(first.code, "AK");
    assert_eq!(first.date, ymd(2011, 12, 28));
    let d = first.description.as_deref().unwrap();
    assert!(d.starts_with("DESIGNATED CONTRACTING STATES"), "{d}");
    assert!(d.contains("Designated State(s): AL AT BE"), "{d}");
    // Lapses in different states on one date stay distinct events.
    let lapses_2020_05_01 = ep
        .legal_events
        .iter()
        .filter(|e| e.code == "PG25" && e.date == ymd(2020, 5, 1))
        .count();
    assert_eq!(lapses_2020_05_01, 7);
}

#[test]
fn legal_for_one_publication() {
    let Some(s) = read_real("legal", "get_legal.xml") else {
        return;
    };
    // One family member listed (EP2400812A1), total-result-count="5", 69 <ops:legal>.
    assert_eq!(
        (s.records.len(), s.rejections.len(), s.skips.len()),
        (1, 0, 0)
    );
    let r = &s.records[0];
    assert_eq!(r.app.key, "EP10167109");
    assert_eq!(r.legal_events.len(), 69);
    // The family is only partly listed, so its size in applications is unknown.
    assert_eq!(r.app.extended_family_size, None);
    let codes: Vec<_> = r.legal_events.iter().map(|e| e.code.as_str()).collect();
    // grep -c 'code="PG25"' get_legal.xml
    assert_eq!(codes.iter().filter(|c| **c == "PG25").count(), 32);
    assert_eq!(&codes[..4], ["AK", "AX", "17P", "17Q"]);
    let noop = r.legal_events.iter().find(|e| e.code == "26N").unwrap();
    assert_eq!(noop.date, ymd(2020, 11, 4));
}

#[test]
fn published_equivalents() {
    let Some(s) = read_real("equivalents", "get_published_equivalents.xml") else {
        return;
    };
    // 3 <ops:inquiry-result>, epodoc publication numbers only.
    assert_eq!(
        (s.records.len(), s.rejections.len(), s.skips.len()),
        (3, 0, 0)
    );
    let keys: Vec<_> = s.records.iter().map(|r| r.app.key.as_str()).collect();
    assert_eq!(keys, ["EP2400812", "US2012057518", "CA2744162"]);
    let us = &s.records[1];
    assert_eq!(pubs(us), ["US2012057518"]);
    let members: Vec<_> = us
        .family_members
        .iter()
        .map(|m| (m.family, m.member.as_str()))
        .collect();
    assert_eq!(
        members,
        [
            (FamilyKind::Simple, "EP2400812"),
            (FamilyKind::Simple, "CA2744162")
        ]
    );
}

#[test]
fn register_biblio() {
    let Some(s) = read_real("register", "get_register_biblio.xml") else {
        return;
    };
    assert_eq!(
        (s.records.len(), s.rejections.len(), s.skips.len()),
        (1, 0, 0)
    );
    let r = &s.records[0];
    assert_eq!(r.app.key, "EP10167109");
    assert_eq!(r.app.filing_date, ymd(2010, 6, 24));
    assert_eq!(r.app.source_id.as_deref(), Some("EP10167109P"));
    assert_eq!(
        r.app.legal_status.as_deref(),
        Some("No opposition filed within time limit")
    );
    assert_eq!(r.app.granted, Some(true));
    assert_eq!(pubs(r), ["EP2400812A1", "EP2400812B1"]);
    assert_eq!(r.publications[1].date, ymd(2019, 11, 27));
    // Current applicant group only (the register also keeps the 2011 group).
    let applicants: Vec<_> = r
        .parties
        .iter()
        .filter(|p| p.role == PartyRole::Applicant)
        .map(|p| (p.name.as_str(), p.country.as_deref()))
        .collect();
    assert_eq!(applicants, [("9Solutions Oy", Some("FI"))]);
    assert_eq!(
        r.parties
            .iter()
            .filter(|p| p.role == PartyRole::Inventor)
            .count(),
        3
    );
    // "H04W84/20,  // H04W88/04" in the current IPC group.
    assert!(has_class(r, ClassScheme::Ipc, "H04W84/20"));
    assert!(has_class(r, ClassScheme::Ipc, "H04W88/04"));
    assert_eq!(r.classes.len(), 2);
    // 4 statuses + 1 designation (37 states) + 33 lapses in the latest term-of-grant group.
    assert_eq!(r.legal_events.len(), 38);
    assert_eq!(r.legal_events[0].code, "EP-STATUS-7");
    assert_eq!(r.legal_events[0].date, ymd(2020, 10, 2));
    let designated = r
        .legal_events
        .iter()
        .find(|e| e.code == "DESIGNATED-STATES")
        .unwrap();
    assert_eq!(
        designated
            .description
            .as_deref()
            .unwrap()
            .split(' ')
            .count(),
        37
    );
    assert_eq!(
        r.legal_events
            .iter()
            .filter(|e| e.code == "LAPSED-IN-COUNTRY")
            .count(),
        33
    );
    // 6 search citations, category A, examiner.
    assert_eq!(r.citations.len(), 6);
    assert!(
        r.citations
            .iter()
            .all(|c| c.cited_by.as_deref() == Some("examiner"))
    );
    assert_eq!(r.citations[0].office.as_deref(), Some("WO"));
    assert_eq!(r.citations[0].number, "02054790");
}

#[test]
fn search_results() {
    let Some(s) = read_real("search", "search_with_constituent.xml") else {
        return;
    };
    // publications-count="3": 3 exchange-documents of 10000 hits.
    assert_eq!(
        (s.records.len(), s.rejections.len(), s.skips.len()),
        (3, 0, 0)
    );
    let keys: Vec<_> = s.records.iter().map(|r| r.app.key.as_str()).collect();
    assert_eq!(keys, ["AU2024270787", "AU2024265697", "DK19702186"]);
    let au = &s.records[0];
    assert_eq!(au.app.filing_date, ymd(2024, 5, 16));
    assert_eq!(au.app.docdb_family_id.as_deref(), Some("86386685"));
    // Priorities in epodoc form only: EP20230173822 and WO2024EP63512.
    let prio: Vec<_> = au.priorities.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(prio, ["EP23173822", "WOEP2024063512"]);
    assert_eq!(au.app.earliest_priority_date, ymd(2023, 5, 17));
    assert_eq!(au.parties[0].name, "SIEMENS GAMESA RENEWABLE ENERGY AS");
    assert_eq!(au.parties[0].country, None);
    assert_eq!(au.classes.len(), 10);
    assert!(has_class(au, ClassScheme::Cpc, "Y02E10/72"));
    let dk = &s.records[2];
    assert_eq!(dk.app.kind.as_deref(), Some("T"));
    assert_eq!(pubs(dk), ["DK3740998T3"]);
    // No English title: the original-language one is kept.
    assert_eq!(dk.app.title.as_deref(), Some("ENERGILAGRINGSSYSTEM"));
    assert_eq!(dk.parties[0].country.as_deref(), Some("NO"));
    assert_eq!(dk.classes.len(), 18);
}

// ---------------------------------------------------------------------------------------------
// Hand-written inputs.

#[test]
fn fixture_with_other_prefixes_entities_and_not_found() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/epo_biblio_small.xml");
    let input = Input::load(&path, 0).unwrap();
    let mut s = CollectSink::default();
    epo_ops::read(&[&input], &mut s).unwrap();
    assert_eq!(
        (s.records.len(), s.rejections.len(), s.skips.len()),
        (1, 0, 1)
    );
    assert_eq!(s.skips[0].kind, "ops-document-not-found");
    assert_eq!(s.skips[0].location, Location::Line(78));
    let r = &s.records[0];
    assert_eq!(r.app.key, "EP19876543");
    assert_eq!(r.app.filing_date, ymd(2019, 4, 12));
    assert_eq!(r.parties[0].name, "SMITH & JONES AG");
    assert_eq!(r.parties[0].country.as_deref(), Some("CH"));
    // Inventors only in original format: used as written, character reference resolved.
    assert_eq!(r.parties[1].name, "Müller, Anna");
    assert_eq!(r.parties[1].country, None);
    let prio: Vec<_> = r.priorities.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(prio, ["US62650001", "EP19876543"]);
    assert_eq!(r.app.earliest_priority_date, ymd(2018, 4, 13));
    assert_eq!(r.app.is_priority_filing, Some(true));
    assert_eq!(r.app.title.as_deref(), Some("Database replication"));
    assert_eq!(
        r.app.abstract_text.as_deref(),
        Some("First paragraph. Second part.")
    );
    assert!(has_class(r, ClassScheme::Ipc, "G06F16/27"));
    assert!(has_class(r, ClassScheme::Cpc, "G06F16/2365"));
    assert_eq!(r.citations.len(), 1);
    assert_eq!(r.citations[0].category.as_deref(), Some("X,Y"));
    assert_eq!(r.citations[0].cited_by.as_deref(), Some("examiner"));
    assert_eq!(r.app.npl_citation_count, Some(1));
    assert_eq!(r.publications[0].class, PubClass::Grant);
}

/// A minimal biblio response with the given exchange-documents.
fn biblio(docs: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<ops:world-patent-data xmlns=\"http://www.epo.org/exchange\" xmlns:ops=\"http://ops.epo.org\">\n<exchange-documents>\n{}</exchange-documents>\n</ops:world-patent-data>\n",
        docs.concat()
    )
}

fn doc(app_number: &str, pub_date: &str) -> String {
    format!(
        "<exchange-document country=\"EP\" doc-number=\"3000001\" kind=\"A1\">\n<bibliographic-data>\n\
<publication-reference><document-id document-id-type=\"docdb\"><country>EP</country><doc-number>3000001</doc-number><kind>A1</kind><date>{pub_date}</date></document-id></publication-reference>\n\
<application-reference><document-id document-id-type=\"docdb\"><country>EP</country>{app_number}<kind>A</kind><date>20150102</date></document-id></application-reference>\n\
</bibliographic-data>\n</exchange-document>\n"
    )
}

fn good() -> String {
    doc("<doc-number>15000001</doc-number>", "20160706")
}

#[test]
fn minimal_document_reads() {
    let s = read_str(&biblio(&[good()]));
    assert_eq!((s.records.len(), s.rejections.len()), (1, 0));
    assert_eq!(s.records[0].app.key, "EP15000001");
    assert_eq!(s.records[0].app.provenance.location, "line 4");
}

#[test]
fn missing_application_number_rejects_the_record() {
    let s = read_str(&biblio(&[good(), doc("", "20160706"), good()]));
    assert_eq!(
        (s.records.len(), s.rejections.len(), s.skips.len()),
        (2, 1, 0)
    );
    let r = &s.rejections[0];
    assert_eq!(r.field.as_deref(), Some("application-reference/doc-number"));
    assert!(r.reason.contains("no application number"), "{}", r.reason);
    // Each test document spans 6 lines; the second starts on line 10.
    assert_eq!(r.location, Location::Line(10));
    assert_eq!(r.file, "test.xml");
    assert!(r.excerpt.starts_with("<exchange-document"), "{}", r.excerpt);
}

/// A date that cannot be read is a field-level rejection naming its element path and value;
/// the record is kept without it.
#[test]
fn bad_dates_are_field_rejections_and_the_record_is_kept() {
    let bad = doc("<doc-number>15000002</doc-number>", "20161345");
    let s = read_str(&biblio(&[bad, good()]));
    assert_eq!((s.records.len(), s.rejections.len()), (2, 0));
    assert_eq!(s.records[0].app.key, "EP15000002");
    assert_eq!(s.records[0].publications[0].date, None);
    assert_eq!(s.records[0].app.filing_date, ymd(2015, 1, 2));
    assert_eq!(s.field_notes.len(), 1);
    let n = &s.field_notes[0];
    let path = "exchange-document/bibliographic-data/publication-reference/document-id/date";
    assert_eq!(
        (n.field.as_str(), n.value.as_str(), &n.location, n.action),
        (path, "20161345", &Location::Line(4), FieldAction::Rejected)
    );
    assert!(n.reason.contains("\"20161345\""), "{}", n.reason);
    // Counted as read on its path: read = kept + rejected.
    assert_eq!(
        s.values_read[&("test.xml".to_string(), path.to_string())],
        2
    );

    let legal = "<?xml version=\"1.0\"?>\n<ops:world-patent-data xmlns=\"http://www.epo.org/exchange\" xmlns:ops=\"http://ops.epo.org\">\n<ops:patent-family total-result-count=\"1\">\n<ops:family-member family-id=\"1\">\
<publication-reference><document-id document-id-type=\"docdb\"><country>EP</country><doc-number>3000001</doc-number><kind>A1</kind></document-id></publication-reference>\
<application-reference><document-id document-id-type=\"docdb\"><country>EP</country><doc-number>15000001</doc-number></document-id></application-reference>\
<ops:legal code=\"AK\" desc=\"DESIGNATED CONTRACTING STATES\"><ops:L007EP desc=\"Gazette DATE\">2016-99-01</ops:L007EP></ops:legal>\
</ops:family-member>\n</ops:patent-family>\n</ops:world-patent-data>\n";
    let s = read_str(legal);
    assert_eq!((s.records.len(), s.rejections.len()), (1, 0));
    assert_eq!(s.records[0].legal_events[0].code, "AK");
    assert_eq!(s.records[0].legal_events[0].date, None);
    assert_eq!(s.field_notes[0].field, "family-member/legal/L007EP");
    assert_eq!(s.field_notes[0].value, "2016-99-01");
}

#[test]
fn invalid_family_count_rejects_members() {
    let text = "<ops:world-patent-data xmlns=\"http://www.epo.org/exchange\" xmlns:ops=\"http://ops.epo.org\"><ops:patent-family total-result-count=\"-3\">\
<ops:family-member><publication-reference><document-id document-id-type=\"docdb\"><country>EP</country><doc-number>3000001</doc-number><kind>A1</kind></document-id></publication-reference>\
<application-reference><document-id document-id-type=\"docdb\"><country>EP</country><doc-number>15000001</doc-number></document-id></application-reference></ops:family-member>\
</ops:patent-family></ops:world-patent-data>";
    let s = read_str(text);
    assert_eq!((s.records.len(), s.rejections.len()), (0, 1));
    assert_eq!(
        s.rejections[0].field.as_deref(),
        Some("patent-family/@total-result-count")
    );
    assert!(s.rejections[0].reason.contains("negative"));
}

#[test]
fn truncated_document_keeps_complete_records() {
    let full = biblio(&[good(), good(), good()]);
    // Cut inside the third document's bibliographic-data.
    let third = full.match_indices("<exchange-document ").nth(2).unwrap().0;
    let cut = &full[..third + 150];
    let s = read_str(cut);
    assert_eq!((s.records.len(), s.rejections.len()), (2, 1));
    let r = &s.rejections[0];
    assert_eq!(r.location, Location::Line(16));
    assert_eq!(r.field, None);
    assert!(
        r.reason
            .contains("truncated XML: <exchange-document> not closed"),
        "{}",
        r.reason
    );

    // Cut between documents: the loss is reported at the end of the file.
    let second_end = full.match_indices("</exchange-document>").nth(1).unwrap().0;
    let s = read_str(&full[..second_end + "</exchange-document>".len()]);
    assert_eq!((s.records.len(), s.rejections.len()), (2, 1));
    assert!(
        s.rejections[0]
            .reason
            .contains("<exchange-documents> not closed"),
        "{}",
        s.rejections[0].reason
    );
}

#[test]
fn truncated_real_family() {
    let Some(path) = shared_file("truncated_real_family", "epo-ops-xml/get_family.xml") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    // Cut inside the 4th family member (of 5).
    let fourth = text.match_indices("<ops:family-member").nth(3).unwrap().0;
    let s = read_str(&text[..fourth + 300]);
    assert_eq!((s.records.len(), s.rejections.len()), (3, 1));
    assert_eq!(s.rejections[0].location, Location::Line(104));
    // Without the whole family, the family size in applications is not claimed.
    assert!(
        s.records
            .iter()
            .all(|r| r.app.extended_family_size.is_none())
    );
}

#[test]
fn mismatched_tags_are_an_xml_error() {
    let broken = good().replace("</bibliographic-data>", "</bibliographic-dta>");
    let s = read_str(&biblio(&[good(), broken]));
    assert_eq!((s.records.len(), s.rejections.len()), (1, 1));
    assert!(
        s.rejections[0].reason.starts_with("XML error at line"),
        "{}",
        s.rejections[0].reason
    );
    assert_eq!(s.rejections[0].location, Location::Line(10));
}

#[test]
fn wrong_root_and_unsupported_responses() {
    let s = read_str("<?xml version=\"1.0\"?>\n<html><body>nope</body></html>");
    assert_eq!((s.records.len(), s.rejections.len()), (0, 1));
    assert!(
        s.rejections[0]
            .reason
            .starts_with("unsupported OPS response <html>"),
        "{}",
        s.rejections[0].reason
    );
    assert_eq!(s.rejections[0].location, Location::Line(2));

    let s = read_str(
        "<ops:world-patent-data xmlns:ops=\"http://ops.epo.org\"><ops:fulltext-documents><x/></ops:fulltext-documents></ops:world-patent-data>",
    );
    assert_eq!((s.records.len(), s.rejections.len()), (0, 1));
    assert_eq!(
        s.rejections[0].reason,
        "unsupported OPS response <ops:fulltext-documents>"
    );

    let s = read_str(
        "<fault xmlns=\"http://ops.epo.org\"><code>CLIENT.NotFound</code><message>No results found</message></fault>",
    );
    assert_eq!((s.records.len(), s.rejections.len()), (0, 1));
    assert_eq!(
        s.rejections[0].reason,
        "OPS error response: CLIENT.NotFound No results found"
    );
}

#[test]
fn empty_garbage_and_nul_bytes() {
    for empty in ["", "  \n\n"] {
        let s = read_str(empty);
        assert_eq!((s.records.len(), s.rejections.len()), (0, 1));
        assert!(s.rejections[0].reason.starts_with("empty file"));
    }
    let s = read_str("hello world, not xml");
    assert_eq!((s.records.len(), s.rejections.len()), (0, 1));
    assert!(s.rejections[0].reason.contains("not an XML document"));

    let s = read_str("<?xml version=\"1.0\"?>");
    assert_eq!((s.records.len(), s.rejections.len()), (0, 1));
    assert_eq!(s.rejections[0].reason, "no XML element found");

    // A NUL inside the second document's text rejects that document only.
    let nul = good().replace("15000001", "150\u{0}0001");
    let s = read_str(&biblio(&[good(), nul, good()]));
    assert_eq!((s.records.len(), s.rejections.len()), (2, 1));
    assert!(s.rejections[0].reason.starts_with("NUL byte at byte"));
    assert_eq!(s.rejections[0].location, Location::Line(10));

    // Arbitrary bytes never panic, and every outcome is accounted for.
    let garbage: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let input = Input::from_bytes(Path::new("g.xml"), garbage, 0);
    let mut s = CollectSink::default();
    epo_ops::read(&[&input], &mut s).unwrap();
    assert!(s.records.is_empty());
    assert_eq!(s.rejections.len(), 1);
}

#[test]
fn truncation_at_every_point_never_panics_and_reconciles() {
    let full = biblio(&[good(), good(), good()]);
    let mut cut = 1;
    while cut < full.len() {
        let s = read_str(&full[..cut]);
        // At most the 3 documents, plus at most one rejection for the cut.
        assert!(s.records.len() <= 3, "cut {cut}");
        assert!(s.rejections.len() <= 1, "cut {cut}");
        assert!(
            !s.records.is_empty() || !s.rejections.is_empty(),
            "cut {cut}"
        );
        cut += 7;
    }
    let s = read_str(&full);
    assert_eq!((s.records.len(), s.rejections.len()), (3, 0));
}

#[test]
fn concatenated_responses_are_all_read() {
    let text = format!("{}{}", biblio(&[good()]), biblio(&[good(), good()]));
    let s = read_str(&text);
    assert_eq!((s.records.len(), s.rejections.len()), (3, 0));
}

#[test]
fn meta_elements_and_bare_search_hits() {
    let text = "<ops:world-patent-data xmlns=\"http://www.epo.org/exchange\" xmlns:ops=\"http://ops.epo.org\">\n\
<ops:meta name=\"elapsed-time\" value=\"12\"/>\n\
<ops:biblio-search total-result-count=\"2\">\n<ops:search-result>\n\
<ops:publication-reference system=\"ops.epo.org\" family-id=\"555\"><document-id document-id-type=\"docdb\"><country>EP</country><doc-number>3000001</doc-number><kind>A1</kind></document-id></ops:publication-reference>\n\
<ops:publication-reference system=\"ops.epo.org\" family-id=\"556\"><document-id document-id-type=\"docdb\"><kind>A1</kind></document-id></ops:publication-reference>\n\
</ops:search-result>\n</ops:biblio-search>\n</ops:world-patent-data>\n";
    let s = read_str(text);
    assert_eq!((s.records.len(), s.rejections.len()), (1, 1));
    assert_eq!(s.records[0].app.key, "EP3000001");
    assert_eq!(s.records[0].app.docdb_family_id.as_deref(), Some("555"));
    assert_eq!(s.rejections[0].location, Location::Line(6));
    assert_eq!(
        s.rejections[0].field.as_deref(),
        Some("publication-reference")
    );
}

/// Deterministic pseudo-random mutations (deleted or duplicated spans, stray `<`,
/// `&` and NUL) of every real file: the reader must never panic and must report something.
#[test]
fn mutated_real_files_never_panic() {
    let Some(dir) = shared_file("mutated_real_files_never_panic", "epo-ops-xml/SOURCE.md") else {
        return;
    };
    let dir = dir.parent().unwrap().to_path_buf();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| -> usize {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "xml") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for round in 0..60 {
            let mut b = bytes.clone();
            let at = next(b.len());
            let len = next(400).min(b.len() - at);
            match round % 5 {
                0 => {
                    b.drain(at..at + len);
                }
                1 => {
                    let span: Vec<u8> = b[at..at + len].to_vec();
                    b.splice(at..at, span);
                }
                2 => b.insert(at, b'<'),
                3 => b.insert(at, b'&'),
                _ => b.insert(at, 0),
            }
            let input = Input::from_bytes(&path, b, 0);
            let mut s = CollectSink::default();
            epo_ops::read(&[&input], &mut s).unwrap();
            assert!(
                !s.records.is_empty() || !s.rejections.is_empty() || !s.skips.is_empty(),
                "{} round {round}: nothing reported",
                path.display()
            );
        }
    }
}

// ------------------------------------------------------- inputs past the reader's limits

#[test]
fn deep_and_long_records_are_rejected_and_neighbours_read() {
    use patq_ingest::limits::MAX_FIELD_BYTES;
    let n = 200_000;
    let deep = good().replace(
        "</bibliographic-data>",
        &format!(
            "<abstract>{}x{}</abstract></bibliographic-data>",
            "<p>".repeat(n),
            "</p>".repeat(n)
        ),
    );
    let long = good().replace(
        "</bibliographic-data>",
        &format!(
            "<abstract><p>{}</p></abstract></bibliographic-data>",
            "a".repeat(MAX_FIELD_BYTES + 1)
        ),
    );
    let docs = [good(), deep, long, good()];
    let text = biblio(&docs);
    let s = read_str(&text);
    assert_eq!(
        (s.records.len(), s.rejections.len(), s.skips.len()),
        (2, 2, 0),
        "{:?}",
        s.rejections
    );
    let line = |i: usize| {
        text[..text.find(&docs[..i].concat()).unwrap() + docs[..i].concat().len()]
            .matches('\n')
            .count() as u64
            + 1
    };
    let expected = [
        (
            "elements nested more than 512 deep (the limit for one record)",
            "exchange-document/bibliographic-data/abstract/p/.../p",
        ),
        (
            "text longer than 16 MiB (the limit for one field)",
            "exchange-document/bibliographic-data/abstract/p",
        ),
    ];
    for (i, (r, (reason, field))) in s.rejections.iter().zip(expected).enumerate() {
        assert_eq!(r.location, Location::Line(line(i + 1)));
        assert_eq!(
            (r.reason.as_str(), r.field.as_deref()),
            (reason, Some(field))
        );
    }
    // Deep nesting around the records, outside any of them.
    let wrapped = biblio(&[good()]).replace(
        "<exchange-documents>",
        &format!("<exchange-documents>{}", "<x>".repeat(n)),
    );
    let s = read_str(&wrapped);
    assert_eq!((s.records.len(), s.rejections.len()), (0, 1));
    assert!(
        s.rejections[0].reason.contains("outside any record"),
        "{:?}",
        s.rejections
    );
}

/// Values per record path of one OPS response, counted with a quick-xml walk of its own:
/// records are `exchange-document` (outside a family member), `family-member`,
/// `register-document`, `inquiry-result` and a `publication-reference` directly in a
/// `search-result`; in each, every element with non-blank text of its own and every
/// non-blank attribute, by local names from the record's element.
fn independent_counts(text: &str) -> (BTreeMap<String, u64>, BTreeSet<String>) {
    use quick_xml::Reader;
    use quick_xml::events::Event;

    fn local(q: &[u8]) -> String {
        let s = String::from_utf8_lossy(q);
        s.rsplit(':').next().unwrap_or("").to_string()
    }
    /// An open element inside a record: name, own text, child elements.
    struct Open(String, bool, bool);
    fn path(stack: &[Open]) -> String {
        let names: Vec<&str> = stack.iter().map(|f| f.0.as_str()).collect();
        names.join("/")
    }
    let mut values: BTreeMap<String, u64> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let mut r = Reader::from_str(text);
    let mut outside: Vec<String> = Vec::new();
    let mut rec: Vec<Open> = Vec::new();
    loop {
        let ev = r.read_event().expect("well-formed real file");
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = local(e.name().as_ref());
                let starts = rec.is_empty()
                    && (matches!(
                        name.as_str(),
                        "exchange-document"
                            | "family-member"
                            | "register-document"
                            | "inquiry-result"
                    ) || (name == "publication-reference"
                        && outside.last().is_some_and(|p| p == "search-result")));
                if rec.is_empty() && !starts {
                    if matches!(ev, Event::Start(_)) {
                        outside.push(name);
                    }
                    continue;
                }
                if let Some(top) = rec.last_mut() {
                    top.2 = true;
                }
                rec.push(Open(name, false, false));
                let p = path(&rec);
                for at in e.attributes() {
                    let at = at.unwrap();
                    let ap = format!("{p}/@{}", local(at.key.as_ref()));
                    seen.insert(ap.clone());
                    let v = at.unescape_value().unwrap_or_default();
                    *values.entry(ap).or_default() += u64::from(!v.trim().is_empty());
                }
                if matches!(ev, Event::Empty(_)) {
                    let top = rec.last().unwrap();
                    if !top.2 {
                        seen.insert(p.clone());
                        values.entry(p).or_default();
                    }
                    rec.pop();
                }
            }
            Event::Text(ref t) if !rec.is_empty() => {
                let text = !String::from_utf8_lossy(t.as_ref()).trim().is_empty();
                rec.last_mut().unwrap().1 |= text;
            }
            Event::CData(_) | Event::GeneralRef(_) if !rec.is_empty() => {
                rec.last_mut().unwrap().1 = true;
            }
            Event::End(_) => {
                if rec.is_empty() {
                    outside.pop();
                    continue;
                }
                let top = rec.last().unwrap();
                if top.1 || !top.2 {
                    let p = path(&rec);
                    seen.insert(p.clone());
                    *values.entry(p).or_default() += u64::from(top.1);
                }
                rec.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (values, seen)
}

/// Every mapped element path of every real response: values read equal the independent
/// count, the reported paths are exactly those seen, ignored ones among them.
#[test]
fn real_files_paths_and_values_read() {
    let mut summary = Vec::new();
    for file in [
        "get_biblio_multiple.xml",
        "get_family.xml",
        "get_family_with_biblio.xml",
        "get_family_with_legal.xml",
        "get_legal.xml",
        "get_published_equivalents.xml",
        "get_register_biblio.xml",
        "search_with_constituent.xml",
    ] {
        let Some(path) = shared_file(
            "real_files_paths_and_values_read",
            &format!("epo-ops-xml/{file}"),
        ) else {
            return;
        };
        let input = Input::load(&path, 0).unwrap();
        let mut s = CollectSink::default();
        epo_ops::read(&[&input], &mut s).unwrap();
        assert!(
            s.rejections.is_empty() && s.field_notes.is_empty(),
            "{file}"
        );
        let (want, seen) = independent_counts(input.text.as_str());
        let cols = &s.columns[&input.name];
        let reported: BTreeSet<String> = cols.iter().map(|c| c.column.clone()).collect();
        assert_eq!(reported, seen, "{file}");
        let mut mapped = 0;
        for c in cols.iter().filter(|c| c.field.is_some()) {
            let got = s.values_read[&(input.name.clone(), c.column.clone())];
            assert_eq!(got, want[&c.column], "{file}: {}", c.column);
            mapped += 1;
        }
        assert!(mapped > 0, "{file}");
        let ignored = cols.len() - mapped;
        summary.push(format!("{file}: {mapped} mapped, {ignored} ignored"));
    }
    eprintln!("{}", summary.join("\n"));
}
