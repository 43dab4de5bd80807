//! Lens API JSON reader: the real biopoly JSONL export, the array and wrapper forms, and
//! malformed lines.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use patq_ingest::{CollectSink, FieldAction, IngestError, Input, Location, lens_json};
use patq_model::{ClassScheme, FamilyKind, PartyRole, PatentRecord, PubClass};
use patq_testkit::shared_file;

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn read_str(text: &str) -> CollectSink {
    let input = Input::from_str("t.jsonl", text);
    let mut sink = CollectSink::default();
    lens_json::read(&[&input], &mut sink).expect("read");
    sink
}

fn by_lens_id<'a>(recs: &'a [PatentRecord], id: &str) -> &'a PatentRecord {
    recs.iter()
        .find(|r| {
            r.publications
                .iter()
                .any(|p| p.source_id.as_deref() == Some(id))
        })
        .unwrap_or_else(|| panic!("{id} missing"))
}

/// Expected values checked with python3 (`json.loads` of each line of the file): 9 lines, all
/// valid; jurisdictions US 3, CN 2, RO 2, WO 2; application keys 8 distinct (the US A1
/// 130-527-191-432-660 and B2 107-346-974-694-812 share US 201514863446); per-record counts of
/// distinct CPC/IPC symbols, patent citations (jurisdiction, number, kind, date, phase, lens_id)
/// and English claim entries as asserted below.
#[test]
fn biopoly_export() {
    let Some(p) = shared_file(
        "biopoly_export",
        "lens-api-jsonl/lens_api_biopoly_valid.jsonl",
    ) else {
        return;
    };
    let input = Input::load(&p, 3).unwrap();
    let mut sink = CollectSink::default();
    lens_json::read(&[&input], &mut sink).unwrap();
    assert!(sink.rejections.is_empty(), "{:?}", sink.rejections);
    assert!(sink.skips.is_empty());
    let recs = &sink.records;
    assert_eq!(recs.len(), 9);
    let mut juris: HashMap<&str, usize> = HashMap::new();
    for r in recs {
        *juris.entry(r.publications[0].office.as_str()).or_default() += 1;
    }
    assert_eq!(
        juris,
        HashMap::from([("US", 3), ("CN", 2), ("RO", 2), ("WO", 2)])
    );
    let keys: HashSet<&str> = recs.iter().map(|r| r.app.key.as_str()).collect();
    assert_eq!(keys.len(), 8);

    // Line 4: the US B2 grant.
    let g = by_lens_id(recs, "107-346-974-694-812");
    let a = &g.app;
    assert_eq!(a.provenance.location, "line 4");
    assert_eq!(a.provenance.source_file, 3);
    assert_eq!(
        (a.key.as_str(), a.office.as_str(), a.number.as_str()),
        ("US14863446", "US", "14863446")
    );
    assert_eq!(a.kind.as_deref(), Some("A"));
    assert_eq!(a.filing_date, ymd(2015, 9, 23));
    assert_eq!(a.filing_year, Some(2015));
    assert_eq!(a.earliest_priority_date, ymd(2015, 3, 9));
    assert_eq!(a.is_priority_filing, Some(false));
    assert!(!a.is_pct);
    assert_eq!(g.priorities.len(), 1, "the self-claim is dropped");
    let p = &g.priorities[0];
    assert_eq!(
        (p.key.as_str(), p.kind.as_deref(), p.date),
        ("US62130600", Some("P"), ymd(2015, 3, 9))
    );
    assert_eq!(a.title.as_deref(), Some("Memory devices and modules"));
    assert!(
        a.abstract_text
            .as_deref()
            .unwrap()
            .starts_with("An embodiment includes a system")
    );
    assert_eq!(a.granted, Some(true));
    assert_eq!(a.legal_status.as_deref(), Some("ACTIVE"));
    assert_eq!(a.cited_by_count, None);
    assert_eq!(a.npl_citation_count, Some(0));
    assert_eq!(
        (a.simple_family_size, a.extended_family_size),
        (Some(4), Some(4))
    );
    assert_eq!(a.claims_count, Some(20));
    assert_eq!(a.claims_text.as_deref().unwrap().chars().count(), 5427);
    assert!(
        a.claims_text
            .as_deref()
            .unwrap()
            .starts_with("1. A driver module for an operating system")
    );
    let pb = &g.publications[0];
    assert_eq!(
        (pb.office.as_str(), pb.number.as_str(), pb.kind.as_str()),
        ("US", "9785570", "B2")
    );
    assert_eq!((pb.date, pb.class), (ymd(2017, 10, 10), PubClass::Grant));
    assert_eq!(g.parties.len(), 5);
    assert_eq!(g.parties[0].role, PartyRole::Applicant);
    assert_eq!(g.parties[0].name, "SAMSUNG ELECTRONICS CO LTD");
    assert_eq!(g.parties[0].country.as_deref(), Some("KR"));
    assert_eq!(
        (
            g.parties[3].role,
            g.parties[3].seq,
            g.parties[3].name.as_str()
        ),
        (PartyRole::Inventor, 2, "NIU DIMIN")
    );
    assert_eq!(g.parties[4].role, PartyRole::Owner);
    assert_eq!(g.parties[4].name, "SAMSUNG ELECTRONICS CO. LTD");
    assert_eq!(g.parties[4].country.as_deref(), Some("KR"));
    let n = |s: ClassScheme| g.classes.iter().filter(|c| c.scheme == s).count();
    assert_eq!((n(ClassScheme::Cpc), n(ClassScheme::Ipc)), (8, 2));
    assert_eq!(g.classes[0].code, "G06F11/1048");
    assert_eq!(g.citations.len(), 9);
    let c = &g.citations[0];
    assert_eq!(
        (c.office.as_deref(), c.number.as_str(), c.kind.as_deref()),
        (Some("US"), "4570217", Some("A"))
    );
    assert_eq!(
        (c.date, c.cited_by.as_deref()),
        (ymd(1986, 2, 11), Some("SEA"))
    );
    assert_eq!(c.source_id.as_deref(), Some("120-225-703-215-322"));
    assert_eq!(g.family_members.len(), 8);
    assert_eq!(g.family_members[1].family, FamilyKind::Simple);
    assert_eq!(g.family_members[1].member, "KR 20160110148 A");
    assert_eq!(
        g.family_members[1].source_id.as_deref(),
        Some("013-051-366-465-278")
    );

    // Line 2: the A1 of the same application; Lens says in legal_status that it was granted.
    let a1 = by_lens_id(recs, "130-527-191-432-660");
    assert_eq!(a1.app.key, "US14863446");
    assert_eq!(a1.publications[0].class, PubClass::Application);
    assert_eq!(a1.app.granted, Some(true));
    assert_eq!(a1.app.cited_by_count, Some(4));
    assert_eq!(a1.citations.len(), 5);

    // Line 5: the WO publication of PCT/US2017/034582.
    let w = by_lens_id(recs, "124-237-468-990-073");
    let a = &w.app;
    assert_eq!(
        (a.key.as_str(), a.office.as_str(), a.number.as_str()),
        ("WOUS2017034582", "WO", "US2017034582")
    );
    assert!(a.is_pct);
    assert_eq!(a.kind.as_deref(), Some("W"));
    assert_eq!(a.receiving_office.as_deref(), Some("US"));
    assert_eq!(a.filing_date, ymd(2017, 5, 25));
    assert_eq!(a.earliest_priority_date, ymd(2016, 5, 26));
    assert_eq!(w.priorities[0].key, "US62341960");
    assert_eq!(a.npl_citation_count, Some(4));
    assert_eq!(a.cited_by_count, Some(1));
    assert_eq!(a.simple_family_size, Some(7));
    assert_eq!(
        a.claims_count, None,
        "a single WIPO claim entry holds every claim"
    );
    assert_eq!(a.claims_text.as_deref().unwrap().chars().count(), 9877);
    assert_eq!(a.granted, Some(false));
    assert_eq!(
        a.title.as_deref(),
        Some("3D PRINTABLE BIO GEL AND METHOD OF USE")
    );
    assert_eq!(w.citations.len(), 4);
    assert_eq!(
        w.classes
            .iter()
            .filter(|c| c.scheme == ClassScheme::Cpc)
            .count(),
        13
    );

    // Line 1: the CN application, a first filing with four applicants and no residences.
    let cn = by_lens_id(recs, "063-074-729-328-420");
    assert_eq!(cn.app.key, "CN201911342408");
    assert_eq!(cn.app.is_priority_filing, Some(true));
    assert!(cn.priorities.is_empty());
    assert_eq!(
        cn.app.title.as_deref(),
        Some(
            "Low-dielectric high-strength glass fiber reinforced bio-based PA material and preparation method thereof"
        )
    );
    let applicants: Vec<_> = cn
        .parties
        .iter()
        .filter(|p| p.role == PartyRole::Applicant)
        .collect();
    assert_eq!(applicants.len(), 4);
    assert!(applicants.iter().all(|p| p.country.is_none()));
    assert_eq!(cn.app.npl_citation_count, Some(1));
    assert_eq!(cn.app.cited_by_count, Some(2));
    assert_eq!(cn.app.claims_text, None);
    assert_eq!(cn.app.legal_status.as_deref(), Some("PENDING"));
    assert_eq!((cn.classes.len(), cn.citations.len()), (13, 5));

    // Line 3: RO, publication_type UNKNOWN, no references.
    let ro = by_lens_id(recs, "150-660-498-546-118");
    assert_eq!(ro.app.granted, None);
    assert_eq!(ro.app.npl_citation_count, None);
    assert_eq!(ro.publications[0].class, PubClass::Application);
    assert_eq!(ro.parties[0].country.as_deref(), Some("RO"));

    // Line 8: WO PCT/US2015/010531 claims the US application of line 7.
    let w2 = by_lens_id(recs, "036-622-702-426-94X");
    let us = by_lens_id(recs, "059-321-469-789-343");
    assert_eq!(w2.app.key, "WOUS2015010531");
    assert!(w2.priorities.iter().any(|p| p.key == us.app.key));
    assert_eq!(
        by_lens_id(recs, "096-845-918-954-076")
            .app
            .legal_status
            .as_deref(),
        Some("DISCONTINUED")
    );
}

const DOC: &str = r#"{"lens_id":"000-000-000-000-001","jurisdiction":"EP","doc_number":"3000001","kind":"B1","date_published":"2019-05-01","publication_type":"GRANTED_PATENT","biblio":{"application_reference":{"jurisdiction":"EP","doc_number":"17000001","kind":"A","date":"2017-01-02"}}}"#;

#[test]
fn array_and_wrapper_forms() {
    let arr = format!("[\n  {DOC},\n  {DOC}\n]\n");
    let sink = read_str(&arr);
    assert_eq!(sink.records.len(), 2);
    assert_eq!(sink.records[1].app.provenance.location, "record 2");
    assert_eq!(sink.records[0].app.key, "EP17000001");
    assert_eq!(sink.records[0].app.granted, Some(true));
    assert_eq!(sink.records[0].publications[0].class, PubClass::Grant);

    let wrapped = format!("{{\n \"total\": 1,\n \"data\": [{DOC}]\n}}");
    let sink = read_str(&wrapped);
    assert_eq!(sink.records.len(), 1);
    let one_line = format!("{{\"total\":1,\"data\":[{DOC},{DOC}]}}\n");
    assert_eq!(read_str(&one_line).records.len(), 2);

    let input = Input::from_str("t.json", &format!("[{DOC},"));
    let err = lens_json::read(&[&input], &mut CollectSink::default()).unwrap_err();
    assert!(matches!(err, IngestError::Malformed { .. }));
    assert!(err.to_string().contains("not a valid JSON array"), "{err}");
}

#[test]
fn malformed_lines() {
    let no_juris = DOC.replace(r#""jurisdiction":"EP","doc_number""#, r#""doc_number""#);
    let no_number = DOC.replace(r#""doc_number":"3000001","#, "");
    let bad_date = DOC.replace("2019-05-01", "2019-13-45");
    let neg = DOC.replace(
        r#""biblio":{"#,
        r#""biblio":{"cited_by":{"patent_count":-1},"#,
    );
    let text = format!(
        "{DOC}\n\n{{\"lens_id\": \"x\", \"jurisdiction\": \n{no_juris}\n   \n{no_number}\n{bad_date}\n42\n\0\0garbage\n{neg}\n{DOC}"
    );
    let sink = read_str(&text);
    // 11 lines, 2 blank: 9 documents.
    assert_eq!(
        sink.records.len() + sink.rejections.len() + sink.skips.len(),
        9
    );
    // A bad date or count is a field-level rejection: its document is kept without it.
    assert_eq!(sink.records.len(), 4);
    assert_eq!(sink.records[3].app.provenance.location, "line 11");
    let r = &sink.rejections;
    let got: Vec<(Location, Option<&str>)> = r
        .iter()
        .map(|r| (r.location.clone(), r.field.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Location::Line(3), None),
            (Location::Line(4), Some("jurisdiction")),
            (Location::Line(6), Some("doc_number")),
            (Location::Line(8), None),
            (Location::Line(9), None),
        ]
    );
    assert!(r[0].reason.starts_with("invalid JSON"), "{}", r[0].reason);
    assert!(r[0].excerpt.starts_with("{\"lens_id\": \"x\""));
    assert!(r[3].reason.contains("not a JSON object"));
    assert!(r[4].reason.starts_with("invalid JSON"));

    let bad_date = &sink.records[1];
    assert_eq!(bad_date.app.provenance.location, "line 7");
    assert_eq!(bad_date.publications[0].date, None);
    assert_eq!(bad_date.app.filing_date, ymd(2017, 1, 2));
    let notes = sink.notes("date_published", FieldAction::Rejected);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].location, Location::Line(7));
    assert_eq!(notes[0].value, "2019-13-45");
    assert!(
        notes[0].reason.contains("\"2019-13-45\""),
        "{}",
        notes[0].reason
    );
    let neg = &sink.records[2];
    assert_eq!(neg.app.cited_by_count, None);
    let notes = sink.notes("biblio.cited_by.patent_count", FieldAction::Rejected);
    assert_eq!(notes.len(), 1);
    assert_eq!(
        (notes[0].location.clone(), notes[0].value.as_str()),
        (Location::Line(10), "-1")
    );
    assert!(notes[0].reason.contains("negative"));
    assert_eq!(sink.field_notes.len(), 2);
    // The bad values are counted as read (read = kept + rejected per path).
    let read = |p: &str| sink.values_read[&("t.jsonl".to_string(), p.to_string())];
    assert_eq!(read("date_published"), 4);
    assert_eq!(read("biblio.cited_by.patent_count"), 1);
}

/// Every leaf key path of the real export is reported, mapped or ignored, and each mapped
/// path's values read equal an independent count: a serde_json walk of each line counting the
/// non-empty leaves (strings not blank, numbers, booleans) at that path.
#[test]
fn biopoly_key_paths_and_values_read() {
    let Some(p) = shared_file(
        "biopoly_key_paths_and_values_read",
        "lens-api-jsonl/lens_api_biopoly_valid.jsonl",
    ) else {
        return;
    };
    let input = Input::load(&p, 0).unwrap();
    let mut sink = CollectSink::default();
    lens_json::read(&[&input], &mut sink).unwrap();
    assert!(sink.field_notes.is_empty(), "{:?}", sink.field_notes);

    fn walk(v: &serde_json::Value, path: String, out: &mut BTreeMap<String, u64>) {
        use serde_json::Value;
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(x, p, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, format!("{path}[]"), out)),
            Value::Null => {
                out.entry(path).or_default();
            }
            Value::String(t) => *out.entry(path).or_default() += u64::from(!t.trim().is_empty()),
            _ => *out.entry(path).or_default() += 1,
        }
    }
    let mut want = BTreeMap::new();
    for line in std::fs::read_to_string(&p).unwrap().lines() {
        if !line.trim().is_empty() {
            walk(
                &serde_json::from_str(line).unwrap(),
                String::new(),
                &mut want,
            );
        }
    }
    let cols = &sink.columns[&input.name];
    let reported: Vec<&str> = cols.iter().map(|c| c.column.as_str()).collect();
    let all: Vec<&str> = want.keys().map(String::as_str).collect();
    assert_eq!(reported, all, "every leaf path, sorted");
    let mut mapped = 0;
    for c in cols.iter().filter(|c| c.field.is_some()) {
        let got = sink.values_read[&(input.name.clone(), c.column.clone())];
        assert_eq!(got, want[&c.column], "{}", c.column);
        mapped += 1;
    }
    // Mapped and ignored as counted from the file (python3 json walk: 84 leaf paths).
    assert_eq!((mapped, cols.len() - mapped), (50, 34), "{cols:?}");
    let ignored = sink.ignored_columns(&input.name);
    for p in [
        "doc_key",
        "docdb_id",
        "description.text",
        "biblio.parties.agents[].extracted_name.value",
    ] {
        assert!(
            ignored.contains(&p),
            "{p} not reported as ignored: {ignored:?}"
        );
    }
    let field = |p: &str| {
        cols.iter()
            .find(|c| c.column == p)
            .and_then(|c| c.field.clone())
    };
    assert_eq!(
        field("biblio.parties.applicants[].extracted_name.value").as_deref(),
        Some("parties (applicant)")
    );
    // Spot checks against the python3 count: 148 claim lines, 76 CPC symbols.
    let read = |p: &str| sink.values_read[&(input.name.clone(), p.to_string())];
    assert_eq!(read("claims[].claims[].claim_text[]"), 148);
    assert_eq!(
        read("biblio.classifications_cpc.classifications[].symbol"),
        76
    );
}

#[test]
fn long_lines_and_empty_input() {
    // A 2 MB abstract is fine.
    let big = "x".repeat(2_000_000);
    let doc = DOC.replace(
        r#""kind":"B1","#,
        &format!(r#""kind":"B1","abstract":[{{"text":"{big}","lang":"en"}}],"#),
    );
    let sink = read_str(&format!("{doc}\n"));
    assert_eq!(
        sink.records[0].app.abstract_text.as_ref().map(String::len),
        Some(2_000_000)
    );

    // A line past the limit is rejected without being parsed.
    let huge = format!(
        "{DOC}\n{{\"pad\":\"{}\"}}\n{DOC}\n",
        "y".repeat(lens_json::MAX_LINE_BYTES)
    );
    let sink = read_str(&huge);
    assert_eq!(sink.records.len(), 2);
    assert_eq!(sink.rejections.len(), 1);
    assert_eq!(sink.rejections[0].location, Location::Line(2));
    assert!(sink.rejections[0].reason.contains("MiB limit"));
    assert!(sink.rejections[0].excerpt.chars().count() <= 200);

    let sink = read_str("");
    assert!(sink.records.is_empty() && sink.rejections.is_empty());
    let sink = read_str("\n\n  \n");
    assert!(sink.records.is_empty() && sink.rejections.is_empty());
}

// ------------------------------------------------------- inputs past the reader's limits

#[test]
fn deep_and_long_documents_are_rejected_and_neighbours_read() {
    use patq_ingest::limits::MAX_FIELD_BYTES;
    let n = 200_000;
    let deep = format!(
        r#"{{"lens_id":"000-000-000-000-002","x":{}0{}}}"#,
        "[".repeat(n),
        "]".repeat(n)
    );
    let long = DOC.replace(
        r#""kind":"B1""#,
        &format!(
            r#""kind":"B1","abstract":[{{"text":"{}"}}]"#,
            "a".repeat(MAX_FIELD_BYTES + 1)
        ),
    );
    let deep_reason = "arrays and objects nested more than 128 deep (the limit for one document)";
    // One document per line, a JSON array and a `data` wrapper: each reads the good
    // documents and rejects the deep and the long one at their own place.
    let jsonl = [DOC, &deep, &long, DOC].join("\n");
    let array = format!("[{}]", [DOC, &deep, &long, DOC].join(",\n"));
    let wrapper = format!("{{\"total\":4,\"data\":{array}}}");
    for (text, unit) in [(&jsonl, "line"), (&array, "record"), (&wrapper, "record")] {
        let s = read_str(text);
        assert_eq!(
            (s.records.len(), s.rejections.len(), s.skips.len()),
            (2, 2, 0),
            "{unit}: {:?}",
            s.rejections
        );
        let r = &s.rejections[0];
        assert_eq!(r.location.to_string(), format!("{unit} 2"));
        assert!(r.reason.starts_with(deep_reason), "{}", r.reason);
        assert_eq!(r.file, "t.jsonl");
        let r = &s.rejections[1];
        assert_eq!(r.location.to_string(), format!("{unit} 3"));
        assert_eq!(r.field.as_deref(), Some("abstract"));
        assert_eq!(
            r.reason,
            "text longer than 16 MiB (the limit for one field)"
        );
    }
}

/// A list entry that cannot be stored (an applicant without a name, a priority claim or a
/// cited patent without a number) keeps its document, and each of its values that was counted
/// as read is noted as rejected, so `read = kept + rejected` still holds per path.
#[test]
fn list_entries_without_a_key_are_noted() {
    use patq_ingest::FieldAction;
    let doc = DOC.replace(
        r#""biblio":{"#,
        r#""biblio":{"parties":{"applicants":[{"residence":"US"},{"extracted_name":{"value":"ACME"},"residence":"DE"}]},"priority_claims":{"claims":[{"jurisdiction":"US","kind":"A","date":"2016-03-04"}]},"references_cited":{"citations":[{"patcit":{"document_id":{"jurisdiction":"WO","kind":"A1"}}}]},"#,
    );
    let sink = read_str(&doc);
    assert_eq!(sink.records.len(), 1, "{:?}", sink.rejections);
    let r = &sink.records[0];
    assert_eq!(r.parties.len(), 1);
    assert_eq!(r.parties[0].name.as_str(), "ACME");
    assert!(r.priorities.is_empty() && r.citations.is_empty());
    // The claim's date still dates the earliest priority.
    assert_eq!(r.app.earliest_priority_date, ymd(2016, 3, 4));
    let rejected = |path: &str| -> Vec<&str> {
        sink.notes(path, FieldAction::Rejected)
            .iter()
            .map(|n| n.value.as_str())
            .collect()
    };
    assert_eq!(rejected("biblio.parties.applicants[].residence"), ["US"]);
    assert_eq!(
        rejected("biblio.priority_claims.claims[].jurisdiction"),
        ["US"]
    );
    assert_eq!(rejected("biblio.priority_claims.claims[].kind"), ["A"]);
    assert!(rejected("biblio.priority_claims.claims[].date").is_empty());
    assert_eq!(
        rejected("biblio.references_cited.citations[].patcit.document_id.jurisdiction"),
        ["WO"]
    );
    // Every rejected value was counted as read under its path.
    for n in &sink.field_notes {
        let read = sink
            .values_read
            .iter()
            .find(|((_, c), _)| c == &n.field)
            .map_or(0, |(_, n)| *n);
        assert!(read >= 1, "{} noted but not read", n.field);
    }
}
