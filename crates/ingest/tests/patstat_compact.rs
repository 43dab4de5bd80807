//! PATSTAT join in compact form: ids written with leading zeros stay distinct ids, repeated
//! citation rows collapse to one citation, and reading handed-over inputs whose text was
//! dropped gives the same records as reading borrowed ones.

use std::path::PathBuf;

use patq_ingest::{CollectSink, Input, patstat};

const T201: &str = "appln_id,appln_auth,appln_nr,appln_kind,appln_filing_date,internat_appln_id\n\
7,EP,100,A,2015-01-02,0\n\
007,EP,200,A,2015-01-03,0\n\
8,US,300,A,2016-05-06,0070\n";

const T211: &str = "pat_publn_id,publn_auth,publn_nr,publn_kind,appln_id,publn_date,publn_first_grant\n\
70,EP,1000,A1,7,2016-01-01,N\n\
070,EP,2000,B1,007,2017-01-01,Y\n\
80,US,3000,A1,8,2017-06-01,N\n";

// Application 8 (publication 80) cites: publication 70 twice with the same category and
// origin (one citation), publication 070 (a different id, so a different citation), 70 again
// as category Y (a third citation), application 007 by appln_id, a publication not given
// (099) and an NPL document (counted, not listed).
const T212: &str = "pat_publn_id,citn_origin,citn_categ,cited_pat_publn_id,cited_appln_id,cited_npl_publn_id\n\
80,SEA,X,70,0,0\n\
80,SEA,X,70,0,0\n\
80,SEA,X,070,0,0\n\
80,SEA,Y,70,0,0\n\
80,APP,,0,007,0\n\
80,APP,,099,0,0\n\
80,SEA,,0,0,5\n";

/// Source id, number, category and origin of a citation.
type Cited<'a> = (Option<&'a str>, &'a str, Option<&'a str>, Option<&'a str>);

fn inputs() -> Vec<Input> {
    [("t201.csv", T201), ("t211.csv", T211), ("t212.csv", T212)]
        .into_iter()
        .map(|(n, t)| Input::from_str(n, t))
        .collect()
}

#[test]
fn leading_zero_ids_and_repeated_citations() {
    let ins = inputs();
    let refs: Vec<&Input> = ins.iter().collect();
    let mut sink = CollectSink::default();
    patstat::read(&refs, &mut sink).expect("read");
    assert!(sink.rejections.is_empty(), "{:?}", sink.rejections);
    assert_eq!(sink.records.len(), 3);
    let (a7, a007, us) = (&sink.records[0], &sink.records[1], &sink.records[2]);
    assert_eq!(a7.app.source_id.as_deref(), Some("7"));
    assert_eq!(a007.app.source_id.as_deref(), Some("007"));
    // Only 007's own publication is its first grant.
    assert_eq!((a7.app.granted, a007.app.granted), (None, Some(true)));
    // internat_appln_id 0070 is no tls201 id (007 is), so the link keeps the id.
    assert_eq!(us.app.pct_key.as_deref(), Some("PATSTAT:0070"));
    let cited: Vec<Cited<'_>> = us
        .citations
        .iter()
        .map(|c| {
            (
                c.source_id.as_deref(),
                c.number.as_str(),
                c.category.as_deref(),
                c.cited_by.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        cited,
        vec![
            (Some("70"), "1000", Some("X"), Some("SEA")),
            (Some("070"), "2000", Some("X"), Some("SEA")),
            (Some("70"), "1000", Some("Y"), Some("SEA")),
            (Some("appln:007"), "200", None, Some("APP")),
            (Some("099"), "PATSTAT:099", None, Some("APP")),
        ]
    );
    assert_eq!(us.app.npl_citation_count, Some(1));
    // 3 tls201 + 3 tls211 + 7 tls212 rows: 3 records, 10 attached child rows.
    assert_eq!(sink.skips.len(), 10);
}

#[test]
fn handed_over_inputs_read_the_same() {
    let ins = inputs();
    let refs: Vec<&Input> = ins.iter().collect();
    let mut borrowed = CollectSink::default();
    patstat::read(&refs, &mut borrowed).expect("read");

    // The same tables as files, handed over with their text dropped as `patq ingest` does.
    let dir = std::env::temp_dir().join(format!("patq-compact-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let mut owned = Vec::new();
    for (i, input) in ins.iter().enumerate() {
        let path: PathBuf = dir.join(&input.name);
        std::fs::write(&path, input.text.as_str()).expect("write");
        let mut loaded = Input::load(&path, i as u32).expect("load");
        loaded.name = input.name.clone();
        loaded.text = Default::default();
        owned.push(loaded);
    }
    let mut sink = CollectSink::default();
    patstat::read_owned(owned, &mut sink).expect("read");
    std::fs::remove_dir_all(&dir).expect("clean up");
    // Provenance names the file index, which differs between the two runs.
    let strip = |s: &CollectSink| {
        s.records
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.app.provenance.source_file = 0;
                r
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&sink), strip(&borrowed));
    assert_eq!(sink.skips, borrowed.skips);
}

/// tls201 rows whose ids ascend, then repeat (5), go back (4), repeat after that (9, 4) and
/// repeat as text (007); tls211 repeats a publication id (the later row is the one a
/// citation names); tls204 and tls212 look applications up by id after all of that.
#[test]
fn repeated_ids_in_and_out_of_order() {
    let t201 = "appln_id,appln_auth,appln_nr,appln_kind,appln_filing_date\n\
3,EP,103,A,2015-01-01\n\
5,EP,105,A,2015-01-01\n\
9,EP,109,A,2015-01-01\n\
5,EP,905,A,2015-01-01\n\
4,EP,104,A,2015-01-01\n\
007,EP,107,A,2015-01-01\n\
9,EP,909,A,2015-01-01\n\
4,EP,904,A,2015-01-01\n\
007,EP,907,A,2015-01-01\n\
12,EP,112,A,2015-01-01\n";
    let t211 = "pat_publn_id,publn_auth,publn_nr,publn_kind,appln_id,publn_date\n\
40,EP,1040,A1,4,2016-01-01\n\
40,EP,1012,A1,12,2016-01-01\n\
30,EP,1003,A1,3,2016-01-01\n";
    let t204 = "appln_id,prior_appln_id\n12,4\n12,007\n";
    let t212 = "pat_publn_id,citn_origin,citn_categ,cited_pat_publn_id,cited_appln_id\n\
30,SEA,X,40,0\n\
30,SEA,X,0,9\n";
    let ins: Vec<Input> = [
        ("t201.csv", t201),
        ("t211.csv", t211),
        ("t204.csv", t204),
        ("t212.csv", t212),
    ]
    .into_iter()
    .map(|(n, t)| Input::from_str(n, t))
    .collect();
    let refs: Vec<&Input> = ins.iter().collect();
    let mut sink = CollectSink::default();
    patstat::read(&refs, &mut sink).expect("read");
    let rejected: Vec<(String, &str)> = sink
        .rejections
        .iter()
        .map(|r| (r.location.to_string(), r.reason.as_str()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            (
                "line 5".to_string(),
                "duplicate appln_id 5 (first at line 3)"
            ),
            (
                "line 8".to_string(),
                "duplicate appln_id 9 (first at line 4)"
            ),
            (
                "line 9".to_string(),
                "duplicate appln_id 4 (first at line 6)"
            ),
            (
                "line 10".to_string(),
                "duplicate appln_id 007 (first at line 7)"
            ),
        ]
    );
    // The first row of each id is its application (records come in key order).
    let keys: Vec<(&str, &str)> = sink
        .records
        .iter()
        .map(|r| (r.app.key.as_str(), r.app.source_id.as_deref().unwrap()))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("EP103", "3"),
            ("EP104", "4"),
            ("EP105", "5"),
            ("EP107", "007"),
            ("EP109", "9"),
            ("EP112", "12"),
        ]
    );
    let ep112 = &sink.records[5];
    let claimed: Vec<&str> = ep112.priorities.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(claimed, vec!["EP104", "EP107"]);
    let ep103 = &sink.records[0];
    let cited: Vec<(Option<&str>, &str)> = ep103
        .citations
        .iter()
        .map(|c| (c.source_id.as_deref(), c.number.as_str()))
        .collect();
    // Publication id 40 names its later row (EP112's publication); appln_id 9 the first row.
    assert_eq!(cited, vec![(Some("40"), "1012"), (Some("appln:9"), "109")]);
}
