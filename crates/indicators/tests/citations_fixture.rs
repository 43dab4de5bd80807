//! A hand-built (synthetic) dataset of 12 applications of three companies whose forward
//! citations come from their own citation lists; every figure below was worked out on paper.
//!
//! | i  | app  | publication | group | ctry | filed      | class          | prio |
//! |----|------|-------------|-------|------|------------|----------------|------|
//! | 0  | CN1  | CN 101 A    | Alpha | CN   | 2015-01-10 | CPC H04L9/32   |      |
//! | 1  | US2  | US 1002 B2  | Alpha | CN   | 2020-03-01 | CPC H04L9/06   | CN1  |
//! | 2  | CN3  | CN 103 A    | Alpha | CN   | 2020-03-02 | CPC G06Q20/06  |      |
//! | 3  | US4  | US 1004 B1  | Beta  | US   | 2015-03-01 | CPC H04L9/00   |      |
//! | 4  | EP5  | EP 1005 A1  | Beta  | US   | 2015-06-01 | CPC H04L9/00   | US4  |
//! | 5  | US6  | US 1006 B2  | Beta  | US   | 2020-05-01 | CPC G06F16/27  |      |
//! | 6  | US7  | US 1007 A1  | Beta  | US   | 2021-01-01 | CPC H04L67/104 |      |
//! | 7  | US8  | US 1008 B2  | Gamma | US   | 2021-02-01 | CPC H04L9/50   |      |
//! | 8  | US9  | US 1009 B1  | Gamma | US   | 2021-03-01 | CPC G06Q40/04  |      |
//! | 9  | US10 | US 1010 A1  | Gamma | US   | 2021-04-01 | (none)         |      |
//! | 10 | CN11 | CN 111 A    | Alpha | CN   | 2021-05-01 | IPC G06Q20/38  |      |
//! | 11 | US12 | US 1012 A1  | Gamma | US   | 2021-06-01 | IPC G06Q20/40  | US8  |
//!
//! Extended families (priority links), numbered by first member: F0 {0,1}, F1 {2},
//! F2 {3,4}, F3 {5}, F4 {6}, F5 {7,11}, F6 {8}, F7 {9}, F8 {10}.
//!
//! Citations (citing -> cited, as written):
//! - 4 -> 3 `US 1004 B1`: within family F2 and within group Beta;
//! - 1 -> 3 `US 1004` kind B1; 2 -> 3 `US01004` no kind (zeros stripped, still a publication);
//! - 6 -> 3 `US1004B1`: self-citation (Beta -> Beta), other family;
//! - 6 -> 0 `CN 101` kind A, and again `CN101A` no kind: duplicate edge;
//! - 7 -> 0 and 11 -> 0 `CN 101 A`: two citing applications of one family F5;
//! - 7 -> 5 by source id `lens-1006` (no office or number);
//! - 8 -> 7 `US 1008 B2`: self-citation (Gamma -> Gamma);
//! - 9 -> 9 `US 1010 A1`: self-loop; 9 -> `US 5123456 B1`: outside the dataset;
//! - 10 -> 1 `US 1002 B2`: self-citation (Alpha -> Alpha); 10 -> `JP 2001123456 A`: outside;
//! - 11 -> 4 `EP 5` no kind: no such publication, resolved by application key.

use patq_enrich::{CitationStats, Harmonizer};
use patq_indicators::*;
use patq_model::{
    AppCore, Citation, ClassScheme, Classification, DateOrder, PatentRecord, PubClass, Publication,
    app_key, parse_date,
};

/// (office, number, publication number, kind, applicant, country, filed, class, prio)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<(ClassScheme, &'static str)>,
    Option<&'static str>,
);
#[rustfmt::skip]
const ROWS: &[Row] = &[
    ("CN", "1", "101", "A", "Alpha", "CN", "2015-01-10", Some((ClassScheme::Cpc, "H04L9/32")), None),
    ("US", "2", "1002", "B2", "Alpha", "CN", "2020-03-01", Some((ClassScheme::Cpc, "H04L9/06")), Some("CN1")),
    ("CN", "3", "103", "A", "Alpha", "CN", "2020-03-02", Some((ClassScheme::Cpc, "G06Q20/06")), None),
    ("US", "4", "1004", "B1", "Beta", "US", "2015-03-01", Some((ClassScheme::Cpc, "H04L9/00")), None),
    ("EP", "5", "1005", "A1", "Beta", "US", "2015-06-01", Some((ClassScheme::Cpc, "H04L9/00")), Some("US4")),
    ("US", "6", "1006", "B2", "Beta", "US", "2020-05-01", Some((ClassScheme::Cpc, "G06F16/27")), None),
    ("US", "7", "1007", "A1", "Beta", "US", "2021-01-01", Some((ClassScheme::Cpc, "H04L67/104")), None),
    ("US", "8", "1008", "B2", "Gamma", "US", "2021-02-01", Some((ClassScheme::Cpc, "H04L9/50")), None),
    ("US", "9", "1009", "B1", "Gamma", "US", "2021-03-01", Some((ClassScheme::Cpc, "G06Q40/04")), None),
    ("US", "10", "1010", "A1", "Gamma", "US", "2021-04-01", None, None),
    ("CN", "11", "111", "A", "Alpha", "CN", "2021-05-01", Some((ClassScheme::Ipc, "G06Q20/38")), None),
    ("US", "12", "1012", "A1", "Gamma", "US", "2021-06-01", Some((ClassScheme::Ipc, "G06Q20/40")), Some("US8")),
];

fn cite(office: &str, number: &str, kind: Option<&str>) -> Citation {
    Citation {
        office: Some(office).filter(|o| !o.is_empty()).map(Into::into),
        number: number.into(),
        kind: kind.map(Into::into),
        date: None,
        category: None,
        cited_by: None,
        source_id: None,
    }
}

fn citations(i: usize) -> Vec<Citation> {
    match i {
        1 => vec![cite("US", "1004", Some("B1"))],
        2 => vec![cite("US", "01004", None)],
        4 => vec![cite("US", "1004", Some("B1"))],
        6 => vec![
            cite("US", "US1004B1", None),
            cite("CN", "101", Some("A")),
            cite("CN", "CN101A", None),
        ],
        7 => vec![
            cite("CN", "101", Some("A")),
            Citation {
                source_id: Some("lens-1006".into()),
                ..cite("", "", None)
            },
        ],
        8 => vec![cite("US", "1008", Some("B2"))],
        9 => vec![
            cite("US", "1010", Some("A1")),
            cite("US", "5123456", Some("B1")),
        ],
        10 => vec![
            cite("US", "1002", Some("B2")),
            cite("JP", "2001123456", Some("A")),
        ],
        11 => vec![cite("CN", "101", Some("A")), cite("EP", "5", None)],
        _ => vec![],
    }
}

fn dataset() -> Vec<PatentRecord> {
    ROWS.iter()
        .enumerate()
        .map(
            |(i, &(office, num, pub_num, kind, who, country, filed, class, prio))| {
                let mut r = PatentRecord::default();
                r.app.office = office.into();
                r.app.number = num.into();
                r.app.key = app_key(office, num);
                r.app.filing_date = parse_date(filed, DateOrder::DayFirst);
                r.app.filing_year = Some(filed[..4].parse().unwrap());
                r.publications.push(Publication {
                    office: office.into(),
                    number: pub_num.into(),
                    kind: kind.into(),
                    date: None,
                    class: PubClass::Application,
                    source_id: (i == 5).then(|| "lens-1006".into()),
                });
                patq_testkit::add_applicant(&mut r, who, country);
                if let Some((scheme, code)) = class {
                    r.classes.push(Classification {
                        scheme,
                        code: code.into(),
                    });
                }
                if let Some(p) = prio {
                    patq_testkit::claim_priority(&mut r, p);
                }
                r.citations = citations(i).into();
                // A source count that the citation lists must override.
                r.app.cited_by_count = Some(50);
                r
            },
        )
        .collect()
}

fn harmonizer() -> Harmonizer {
    // No aliases: every name is its own group, country from the applicant.
    Harmonizer::from_toml("").unwrap()
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("a value");
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn inversion_stats_and_per_application_counts() {
    let recs = dataset();
    let c = Corpus::build(&recs, &harmonizer());
    assert_eq!(c.citation_method, CitationMethod::CitationLists);
    // 15 citations listed (1+1+1+3+2+1+2+2+2 for apps 1,2,4,6,7,8,9,10,11); 2 outside;
    // 13 resolved: 1 by source id (7 -> 5), 1 by application key (11 -> EP5), 11 by
    // publication; 1 self-loop (9 -> 9), 1 duplicate (6 -> 0 twice), 11 distinct edges.
    assert_eq!(
        c.citation_stats,
        Some(CitationStats {
            seen: 15,
            resolved: 13,
            resolved_by_source_id: 1,
            resolved_by_publication: 11,
            resolved_by_application: 1,
            unresolved: 2,
            self_loops: 1,
            duplicates: 1,
            edges: 11,
            ambiguous_keys: 0,
        })
    );
    // All known under the citation-lists method.
    let by =
        |f: fn(&AppInfo) -> Option<u32>| c.info.iter().map(|a| f(a).unwrap()).collect::<Vec<_>>();
    // Citing applications: 0 <- {6,7,11}; 1 <- {10}; 3 <- {1,2,4,6}; 4 <- {11}; 5 <- {7};
    // 7 <- {8}.
    assert_eq!(by(|a| a.cited_by), [3, 1, 0, 4, 1, 1, 0, 1, 0, 0, 0, 0]);
    // Without the citing application's own group: 0 keeps 3 (Beta, Gamma, Gamma); 1 loses
    // 10 (Alpha); 3 loses 4 and 6 (Beta) -> 2; 4 <- 11 Gamma; 5 <- 7 Gamma; 7 loses 8.
    assert_eq!(
        by(|a| a.cited_by_excl_self),
        [3, 0, 0, 2, 1, 1, 0, 0, 0, 0, 0, 0]
    );
    // Family level, per family, citing families other than its own:
    // F0 {0,1} <- 6 (F4), 7 and 11 (F5 once), 10 (F8) = 3;
    // F2 {3,4} <- 1 (F0), 2 (F1), 6 (F4), 11 (F5); 4 (F2) is its own family = 4;
    // F3 {5} <- F5 = 1; F5 {7,11} <- 8 (F6) = 1; all others 0. Every member shows its family's.
    assert_eq!(
        by(|a| a.cited_by_family),
        [3, 3, 0, 4, 4, 1, 0, 1, 0, 0, 0, 1]
    );
    let g = c.citation_graph.as_ref().expect("graph kept");
    // Per application, citing families other than its own: 0 <- {F4, F5} = 2;
    // 3 <- {F0, F1, F4} = 3.
    let fc = g.family_citations(&c.families);
    assert_eq!(fc.per_app[0], 2);
    assert_eq!(fc.per_app[3], 3);
    assert_eq!(fc.per_family, vec![3, 0, 4, 1, 0, 1, 0, 0, 0]);
    // 3 was filed 2015-03-01; within 5 years (up to 2020-03-01 inclusive): 4 (2015-06-01),
    // 1 (2020-03-01); not 2 (2020-03-02) nor 6 (2021).
    assert_eq!(g.forward_within_years(3, 5), Some(2));
    assert_eq!(g.forward_within_years(0, 5), Some(0));
    assert_eq!(g.forward_within_years(0, 10), Some(3));
}

#[test]
fn cohort_index_by_year_and_section() {
    let recs = dataset();
    let c = Corpus::build(&recs, &harmonizer());
    // Cohorts (year, section of first CPC else IPC): (2015,H) = {0:3, 3:4, 4:1}, mean 8/3;
    // (2020,H) = {1:1}; (2020,G) = {2:0, 5:1}, mean 1/2; (2021,H) = {6:0, 7:1}, mean 1/2;
    // (2021,G) = {8, 10, 11 (IPC G)} all 0 -> None; (2021,?) = {9} (no class), mean 0 -> None.
    let want = [
        Some(9.0 / 8.0),
        Some(1.0),
        Some(0.0),
        Some(12.0 / 8.0),
        Some(3.0 / 8.0),
        Some(2.0),
        Some(0.0),
        Some(2.0),
        None,
        None,
        None,
        None,
    ];
    for (i, w) in want.iter().enumerate() {
        match w {
            Some(w) => close(c.info[i].cohort_index, *w),
            None => assert_eq!(c.info[i].cohort_index, None, "app {i}"),
        }
    }
}

#[test]
fn f4_family_level_and_self_excluded() {
    let recs = dataset();
    let c = Corpus::build(&recs, &harmonizer());
    let f = citations::compute(&c, &c.select(&Filters::default()));
    assert_eq!(f.method, CitationMethod::CitationLists);
    // US: 8 applications (3..9, 11), cited 3,4,5,7 = 4; CN: 4 (0,1,2,10), cited 0,1 = 2.
    let us = &f.rows[0];
    assert_eq!(
        (us.country.as_str(), us.applications, us.cited),
        ("US", 8, Some(4))
    );
    close(us.citation_rate, 0.5);
    // Families by the earliest-filed member's country: US F2 (rep 3), F3, F4, F5 (rep 7),
    // F6, F7 = 6, cited F2, F3, F5 = 3; CN F0 (rep 0), F1, F8 = 3, cited F0 = 1.
    assert_eq!((us.families, us.cited_families), (6, Some(3)));
    close(us.family_citation_rate, 0.5);
    // Self-excluded cited: US 3, 4, 5 (7 only by Gamma) = 3 of 8; CN 0 = 1 of 4.
    assert_eq!(us.cited_excl_self, Some(3));
    close(us.citation_rate_excl_self, 3.0 / 8.0);
    // Mean cohort index, US: (1.5 + 0.375 + 2 + 0 + 2) / 5 = 1.175 (8, 9, 11 have none);
    // CN: (1.125 + 1 + 0) / 3 (10 has none).
    close(us.mean_cohort_index, 1.175);
    let cn = &f.rows[1];
    assert_eq!(
        (cn.cited, cn.families, cn.cited_families),
        (Some(2), 3, Some(1))
    );
    close(cn.family_citation_rate, 1.0 / 3.0);
    assert_eq!(cn.cited_excl_self, Some(1));
    close(cn.mean_cohort_index, 2.125 / 3.0);
    // World: 6 of 12 cited, 4 of 9 families, 4 self-excluded, index 8 / 8 = 1.
    let w = &f.world;
    assert_eq!(
        (w.cited, w.families, w.cited_families, w.cited_excl_self),
        (Some(6), 9, Some(4), Some(4))
    );
    close(w.mean_cohort_index, 1.0);
    let csv = f.to_csv();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "country,applications,cited,citation_rate,families,cited_families,\
family_citation_rate,cited_excl_self,citation_rate_excl_self,mean_cohort_index,citation_method"
        )
    );
    assert_eq!(
        lines.next(),
        Some("US,8,4,0.5000,6,3,0.5000,3,0.3750,1.1750,citation lists")
    );
}

#[test]
fn f9_bands_family_and_self_excluded() {
    let recs = dataset();
    let c = Corpus::build(&recs, &harmonizer());
    let b = citation_bands::compute(&c, &c.select(&Filters::default()));
    // Bands 1-2, 3-10, >=11. US cited 3 (4), 4, 5, 7 (1 each) -> [3, 1, 0]; CN 0 (3), 1 (1)
    // -> [1, 1, 0]. US first (4 cited).
    let us = &b.rows[0];
    assert_eq!(us.country, "US");
    assert_eq!((us.cited, us.bands.clone()), (4, vec![3, 1, 0]));
    // Families: US F2 (4), F3 (1), F5 (1) -> [2, 1, 0]; CN F0 (3) -> [0, 1, 0].
    assert_eq!(us.cited_families, Some(3));
    assert_eq!(us.family_bands, Some(vec![2, 1, 0]));
    // Self-excluded: US 3 (2), 4 (1), 5 (1) -> [3, 0, 0]; CN 0 (3) -> [0, 1, 0].
    assert_eq!(us.bands_excl_self, Some(vec![3, 0, 0]));
    // Mean cohort index of cited US applications: (1.5 + 0.375 + 2 + 2) / 4.
    close(us.mean_cohort_index, 5.875 / 4.0);
    let cn = &b.rows[1];
    assert_eq!(cn.bands, vec![1, 1, 0]);
    assert_eq!(cn.family_bands, Some(vec![0, 1, 0]));
    assert_eq!(cn.bands_excl_self, Some(vec![0, 1, 0]));
    close(cn.mean_cohort_index, (1.125 + 1.0) / 2.0);
    assert_eq!(b.world.bands, vec![4, 2, 0]);
    assert_eq!(b.world.family_bands, Some(vec![2, 2, 0]));
    assert_eq!(b.world.bands_excl_self, Some(vec![3, 1, 0]));
    // The main CSV keeps its columns; the detail CSV carries the new ones.
    assert_eq!(
        b.to_csv().lines().next().unwrap(),
        "country,cited,1-2,3-10,>=11,share_1-2,share_3-10,share_>=11"
    );
    let detail = b.to_csv_detail();
    let mut lines = detail.lines();
    assert_eq!(
        lines.next(),
        Some(
            "country,cited_families,families_1-2,families_3-10,families_>=11,cited_excl_self,\
excl_self_1-2,excl_self_3-10,excl_self_>=11,mean_cohort_index,citation_method"
        )
    );
    assert_eq!(
        lines.next(),
        Some("US,3,2,1,0,3,3,0,0,1.4688,citation lists")
    );
}

#[test]
fn without_lists_source_counts_cannot_split() {
    // The same applications with their citation lists dropped: the method falls back to the
    // source count (50 each), and family / self-excluded figures are not available.
    let mut recs = dataset();
    for r in &mut recs {
        r.citations.clear();
    }
    let c = Corpus::build(&recs, &harmonizer());
    assert_eq!(c.citation_method, CitationMethod::SourceCount);
    assert_eq!(c.citation_stats, None);
    assert!(c.info.iter().all(|a| a.cited_by == Some(50)
        && a.cited_by_family.is_none()
        && a.cited_by_excl_self.is_none()));
    let f = citations::compute(&c, &c.select(&Filters::default()));
    assert_eq!(f.world.cited, Some(12));
    assert_eq!(f.world.cited_families, None);
    // Every cohort's count is 50, so every index is 1.
    close(f.world.mean_cohort_index, 1.0);
    assert!(f.to_csv().lines().nth(1).unwrap().ends_with(
        ",6,not available: needs citation lists,not available: needs citation lists,\
not available: needs citation lists,not available: needs citation lists,1.0000,\
source cited-by count"
    ));
    // Only outside citations: the lists resolve nothing, so the source count is used too.
    let mut recs = dataset();
    for r in &mut recs {
        r.citations.retain(|c| c.office.as_deref() == Some("JP"));
    }
    let c = Corpus::build(&recs, &harmonizer());
    assert_eq!(c.citation_method, CitationMethod::SourceCount);
    assert_eq!(c.citation_stats.as_ref().map(|s| s.unresolved), Some(1));
    // Neither lists nor counts.
    for r in &mut recs {
        r.app.cited_by_count = None;
    }
    let c = Corpus::build(&recs, &harmonizer());
    assert_eq!(c.citation_method, CitationMethod::NotAvailable);
    let b = citation_bands::compute(&c, &c.select(&Filters::default()));
    assert!(
        b.to_csv_detail()
            .contains("not available: needs citation lists")
    );
}

/// Every figure of a corpus over compact cores, its per-record facts taken from the records in
/// chunks (as `patq indicators` reads a dataset), with the graph built over the cores.
fn suite_of_cores(recs: &[PatentRecord], chunk: usize) -> (Corpus<'static, AppCore>, String) {
    let h = harmonizer();
    let tax = patq_enrich::Taxonomy::default();
    let mut facts = RecordFacts::new(&h);
    let (mut cores, mut tax_facts) = (Vec::new(), Vec::new());
    for part in recs.chunks(chunk) {
        facts.add(part);
        tax_facts.extend(industries::facts_where(part, &tax, |_| true));
        cores.extend(part.iter().cloned().map(AppCore::from));
    }
    let cores: &'static [AppCore] = Vec::leak(cores);
    let c = Corpus::from_facts(cores, facts, || {
        let mut b = patq_enrich::CitationGraphBuilder::with_publications(
            cores,
            patq_enrich::RecordPublications(recs),
        )?;
        for (i, r) in recs.iter().enumerate() {
            for cite in &r.citations {
                b.add(i, &patq_enrich::CitedDoc::of(cite));
            }
        }
        Ok::<_, std::convert::Infallible>((b.seen() > 0).then(|| b.finish()))
    })
    .unwrap();
    let sel = c.select(&Filters::default());
    let m = industries::Matches::over(&tax, &sel, &tax_facts);
    let out = suite::compute_matched(&c, &sel, &m, &suite::Options::default());
    (c, format!("{out:?}"))
}

fn suite_of_records(recs: &[PatentRecord]) -> String {
    let c = Corpus::build(recs, &harmonizer());
    let sel = c.select(&Filters::default());
    let tax = patq_enrich::Taxonomy::default();
    format!(
        "{:?}",
        suite::compute(&c, &sel, &tax, &suite::Options::default())
    )
}

#[test]
fn a_corpus_of_cores_read_in_chunks_equals_the_corpus_of_records() {
    let with_lists = dataset();
    // Without grant evidence (no publications): grants "not available" either way.
    let mut bare = dataset();
    for r in &mut bare {
        r.publications.clear();
    }
    // Without citation lists: the source counts are the method.
    let mut counted = dataset();
    for r in &mut counted {
        r.citations.clear();
    }
    for recs in [&with_lists, &bare, &counted] {
        let c = Corpus::build(recs, &harmonizer());
        let expected = suite_of_records(recs);
        for chunk in [1, 5, recs.len()] {
            let (cc, got) = suite_of_cores(recs, chunk);
            assert_eq!(got, expected, "chunks of {chunk}");
            assert_eq!(format!("{:?}", cc.info), format!("{:?}", c.info));
            assert_eq!(format!("{:?}", cc.families), format!("{:?}", c.families));
            assert_eq!(cc.citation_method, c.citation_method);
            assert_eq!(cc.citation_stats, c.citation_stats);
            assert_eq!(cc.has_grant_status, c.has_grant_status);
        }
    }
    // The three cases differ where they should.
    let (bare_c, counted_c) = (
        Corpus::build(&bare, &harmonizer()),
        Corpus::build(&counted, &harmonizer()),
    );
    assert!(!bare_c.has_grant_status);
    assert_eq!(counted_c.citation_method, CitationMethod::SourceCount);
}
