//! The OECD preset on a hand-built SYNTHETIC dataset of 11 applications (3 ranked companies,
//! a fourth with one application, 4 unassigned citing applications) whose four components,
//! composites and ranking were worked out on paper; then the same data without citation
//! lists, without claims, and determinism.

use patq_enrich::{Harmonizer, Taxonomy};
use patq_indicators::{Corpus, Filters};
use patq_model::{
    Citation, ClassScheme, Classification, Party, PartyRole, PatentRecord, Priority, app_key,
    normalize_class_code,
};
use patq_rank::oecd::{Component, Components};
use patq_rank::*;

/// One application of the fixture.
struct App {
    office: &'static str,
    number: &'static str,
    applicant: Option<&'static str>,
    /// Filing date `YYYY-MM-DD`.
    filed: &'static str,
    cpc: &'static [&'static str],
    ipc: &'static [&'static str],
    claims: Option<u32>,
    /// Priority claimed, `OFFICE` + number (joins the extended family).
    priority: Option<&'static str>,
    /// Cited applications, `OFFICE` + number (resolved by application key).
    cites: &'static [&'static str],
}

const fn app(
    office: &'static str,
    number: &'static str,
    applicant: Option<&'static str>,
    filed: &'static str,
) -> App {
    App {
        office,
        number,
        applicant,
        filed,
        cpc: &[],
        ipc: &[],
        claims: None,
        priority: None,
        cites: &[],
    }
}

// Ranked applications, two cohorts: (2015, H) = A1, A2, B1; (2015, G) = B2, C1, C2.
// Citing applications X1-X5 are filed 2016-2020: cohorts of their own, so they do not move
// the ranked applications' normalisation.
const APPS: &[App] = &[
    App {
        cpc: &["H04L9/32"],
        claims: Some(20),
        ..app("US", "1001", Some("Alpha"), "2015-03-01")
    },
    App {
        cpc: &["H04L9/06"],
        claims: Some(10),
        priority: Some("US1001"),
        ..app("EP", "1002", Some("Alpha"), "2015-06-01")
    },
    App {
        cpc: &["H04L9/00"],
        claims: Some(5),
        ..app("CN", "2001", Some("Bravo"), "2015-01-10")
    },
    // No claim count: claims unknown for this application only.
    App {
        cpc: &["G06Q20/06"],
        ..app("US", "2002", Some("Bravo"), "2015-02-01")
    },
    App {
        cpc: &["G06Q20/36"],
        claims: Some(8),
        ..app("JP", "3001", Some("Charlie"), "2015-05-05")
    },
    App {
        cpc: &["G06Q40/04"],
        claims: Some(12),
        priority: Some("JP3001"),
        ..app("WO", "3002", Some("Charlie"), "2015-05-05")
    },
    App {
        cpc: &["H04L9/06", "G06F21/60"],
        cites: &["US1001", "CN2001"],
        ..app("KR", "9001", Some("Delta"), "2017-01-01")
    },
    // Its IPC H04L is ignored: CPC comes first.
    App {
        cpc: &["G06Q20/40"],
        ipc: &["H04L9/32"],
        cites: &["US1001", "JP3001"],
        ..app("US", "9002", None, "2019-01-01")
    },
    App {
        cpc: &["H04W12/06"],
        cites: &["US1001", "US2002"],
        ..app("US", "9003", None, "2020-06-01")
    },
    App {
        ipc: &["G06Q20/36"],
        cites: &["JP3001", "WO3002"],
        ..app("CN", "9004", None, "2018-05-05")
    },
    // No class at all: counts for forward citations, not for generality.
    App {
        cites: &["EP1002"],
        ..app("DE", "9005", None, "2016-01-01")
    },
];

/// The records; `citations` false drops every citation list, `claims` false every claim count,
/// `source_counts` gives every application a source cited-by count of 3.
fn dataset(citations: bool, claims: bool, source_counts: bool) -> Vec<PatentRecord> {
    APPS.iter()
        .map(|a| {
            let mut r = PatentRecord::default();
            r.app.office = a.office.into();
            r.app.number = a.number.into();
            r.app.key = app_key(a.office, a.number);
            let d = chrono::NaiveDate::parse_from_str(a.filed, "%Y-%m-%d").unwrap();
            r.app.filing_date = Some(d);
            r.app.filing_year = Some(chrono::Datelike::year(&d));
            r.app.claims_count = a.claims.filter(|_| claims);
            r.app.cited_by_count = source_counts.then_some(3);
            if let Some(who) = a.applicant {
                r.parties.push(Party {
                    role: PartyRole::Applicant,
                    seq: 0,
                    name: who.into(),
                    country: Some("US".into()),
                });
            }
            for (scheme, codes) in [(ClassScheme::Cpc, a.cpc), (ClassScheme::Ipc, a.ipc)] {
                r.classes.extend(codes.iter().map(|c| Classification {
                    scheme,
                    code: normalize_class_code(c).into(),
                }));
            }
            if let Some(p) = a.priority {
                patq_testkit::claim_priority(&mut r, p);
            }
            if citations {
                r.citations = a
                    .cites
                    .iter()
                    .map(|c| {
                        let (o, n) = c.split_at(2);
                        Citation {
                            office: Some(o.into()),
                            number: n.into(),
                            kind: None,
                            date: None,
                            category: None,
                            cited_by: None,
                            source_id: None,
                        }
                    })
                    .collect();
            }
            r
        })
        .collect()
}

fn config() -> RankConfig {
    let mut cfg = Preset::Oecd.config().unwrap();
    // Ranked means more than 1 application: ALPHA, BRAVO, CHARLIE, not DELTA.
    cfg.min_applications = 1;
    cfg.robustness.bootstrap = 50;
    cfg
}

fn run(recs: &[PatentRecord], cfg: &RankConfig) -> Result<Ranking, RankError> {
    let c = Corpus::build(recs, &Harmonizer::from_toml("").unwrap());
    let sel = c.select(&Filters::default());
    rank(&c, &sel, cfg, &Taxonomy::default())
}

/// (group, score) in rank order, scores to 4 decimals.
fn order(r: &Ranking) -> Vec<(&str, f64)> {
    r.rows
        .iter()
        .map(|x| (x.group.as_str(), (x.score * 1e4).round() / 1e4))
        .collect()
}

fn close(got: &[Option<f64>], want: &[Option<f64>]) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        let same = match (g, w) {
            (Some(g), Some(w)) => (g - w).abs() < 1e-9,
            (None, None) => true,
            _ => false,
        };
        assert!(same, "{got:?} != {want:?}");
    }
}

// Citation edges (citing -> cited): X1 -> A1, B1; X2 -> A1, C1; X3 -> A1, B2; X4 -> C1, C2;
// X5 -> A2. Records in APPS order: A1 A2 B1 B2 C1 C2 X1 X2 X3 X4 X5.
//
// (a) forward citations filed at most 5 years after the cited filing date:
//   A1 (2015-03-01, window to 2020-03-01): X1 2017, X2 2019 yes; X3 2020-06-01 no -> 2
//   A2: X5 2016 -> 1;  B1 (to 2020-01-10): X1 -> 1;  B2 (to 2020-02-01): X3 2020-06 no -> 0
//   C1 (to 2020-05-05): X2, X4 -> 2;  C2: X4 -> 1;  X1-X5 nobody cites them -> 0
// (b) family offices, WO excluded: {A1, A2} US + EP = 2; B1 CN 1; B2 US 1; {C1, C2} JP (+WO)
//   = 1; X1-X5 1 each
// (c) claims: A1 20, A2 10, B1 5, B2 unknown, C1 8, C2 12; X1-X5 unknown
// (d) generality, citing subclasses (CPC, else IPC), each citing application weighing 1 split
//   over its subclasses. X1 {G06F, H04L}, X2 {G06Q} (its IPC H04L ignored), X3 {H04W},
//   X4 {G06Q} (IPC), X5 none.
//   A1 <- X1, X2, X3: shares G06F 1/6, H04L 1/6, G06Q 1/3, H04W 1/3;
//        1 - (1/36 + 1/36 + 4/36 + 4/36) = 26/36 = 0.722222
//   A2 <- X5 only (no class): unknown;  B1 <- X1: 1 - (1/4 + 1/4) = 0.5;  B2 <- X3: 0
//   C1 <- X2, X4 both G06Q: 0;  C2 <- X4: 0;  X1-X5 uncited: unknown
//
// Normalised (cohorts under 100 values: no trimming; value / cohort maximum):
//   (2015, H): a max 2 -> A1 1, A2 .5, B1 .5;  b max 2 -> 1, 1, .5;  c max 20 -> 1, .5, .25;
//              d max 26/36 -> A1 1, A2 -, B1 .5 / (26/36) = 18/26 = 9/13 = .692308
//   (2015, G): a max 2 -> B2 0, C1 1, C2 .5;  b max 1 -> 1, 1, 1;  c max 12 (B2 unknown) ->
//              C1 8/12 = .666667, C2 1;  d max 0 -> all 0
// Composite = mean of the known normalised components:
//   A1 (1 + 1 + 1 + 1) / 4 = 1;  A2 (.5 + 1 + .5) / 3 = .666667
//   B1 (.5 + .5 + .25 + .692308) / 4 = .485577;  B2 (0 + 1 + 0) / 3 = .333333
//   C1 (1 + 1 + .666667 + 0) / 4 = .666667;  C2 (.5 + 1 + 1 + 0) / 4 = .625
// Company value (share variant: mean): ALPHA .833333, BRAVO .409455, CHARLIE .645833.
// Max-ratio points: ALPHA 100, CHARLIE .645833 / .833333 = 77.5, BRAVO .409455 / .833333 =
// 49.1346.

#[test]
fn every_component_by_hand() {
    let recs = dataset(true, true, false);
    let c = Corpus::build(&recs, &Harmonizer::from_toml("").unwrap());
    let comp = Components::of(&c);
    let u = None;
    let s = Some;
    close(
        &comp.raw[0],
        &[
            s(2.),
            s(1.),
            s(1.),
            s(0.),
            s(2.),
            s(1.),
            s(0.),
            s(0.),
            s(0.),
            s(0.),
            s(0.),
        ],
    );
    close(
        &comp.raw[1],
        &[
            s(2.),
            s(2.),
            s(1.),
            s(1.),
            s(1.),
            s(1.),
            s(1.),
            s(1.),
            s(1.),
            s(1.),
            s(1.),
        ],
    );
    close(
        &comp.raw[2],
        &[s(20.), s(10.), s(5.), u, s(8.), s(12.), u, u, u, u, u],
    );
    close(
        &comp.raw[3],
        &[s(26. / 36.), u, s(0.5), s(0.), s(0.), s(0.), u, u, u, u, u],
    );
    let six = |v: &Vec<Option<f64>>| v[..6].to_vec();
    close(
        &six(&comp.normalised[0]),
        &[s(1.), s(0.5), s(0.5), s(0.), s(1.), s(0.5)],
    );
    close(
        &six(&comp.normalised[1]),
        &[s(1.), s(1.), s(0.5), s(1.), s(1.), s(1.)],
    );
    close(
        &six(&comp.normalised[2]),
        &[s(1.), s(0.5), s(0.25), u, s(8. / 12.), s(1.)],
    );
    close(
        &six(&comp.normalised[3]),
        &[s(1.), u, s(9. / 13.), s(0.), s(0.), s(0.)],
    );
    let sel = c.select(&Filters::default());
    let q = oecd::quality(&c, &sel).unwrap();
    close(
        &q.composite[..6],
        &[
            s(1.),
            s(2. / 3.),
            s((1.25 + 9. / 13.) / 4.),
            s(1. / 3.),
            s(2. / 3.),
            s(0.625),
        ],
    );
    // Known among the 11 selected: (a) 11, (b) 11, (c) 5 (B2 and X1-X5 lack it), (d) 5.
    let known: Vec<(Component, u64)> = q
        .components
        .iter()
        .map(|i| (i.component, i.known))
        .collect();
    assert_eq!(
        known,
        [
            (Component::ForwardCitations5y, 11),
            (Component::FamilySize, 11),
            (Component::Claims, 5),
            (Component::Generality, 5)
        ]
    );
}

#[test]
fn oecd_ranking_by_hand() {
    let r = run(&dataset(true, true, false), &config()).unwrap();
    assert_eq!(
        order(&r),
        [("ALPHA", 100.0), ("CHARLIE", 77.5), ("BRAVO", 49.1346)]
    );
    assert_eq!(r.preset, "oecd");
    assert_eq!(r.groups, 4, "DELTA has one application: not ranked");
    let raw: Vec<f64> = r.rows.iter().map(|x| x.values[0].raw).collect();
    let bravo = ((1.25 + 9. / 13.) / 4. + 1. / 3.) / 2.;
    for (got, want) in raw.iter().zip([5. / 6., 0.645833333333, bravo]) {
        assert!((got - want).abs() < 1e-9, "{raw:?}");
    }
    // One dimension: weights cannot reorder anything.
    assert!(
        r.rows
            .iter()
            .enumerate()
            .all(|(i, x)| x.weight_rank.min == i as u32 + 1 && x.weight_rank.max == i as u32 + 1)
    );
    // Every component available: only the counts note.
    assert_eq!(
        r.notes,
        [
            "oecd_quality: components known for the 11 selected applications: forward citations \
          within 5 years 11, family size 11, claims 5, generality 5 (an application's composite \
          averages the components it has)"
        ]
    );
    let table = r.to_table_string(3);
    assert!(
        table.contains("oecd_quality (share) weight 100 = 100.0%"),
        "{table}"
    );
    assert!(table.contains("0.833"), "{table}");
    let csv = r.to_csv();
    assert!(
        csv.starts_with(
            "rank,group,country,applications,score,oecd_quality_share,oecd_quality_points,"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("\n1,ALPHA,US,2,100.0000,0.8333,100.0000,"),
        "{csv}"
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["oecd"]["components"][2]["component"], "claims");
    assert_eq!(json["oecd"]["components"][2]["known"], 5);
    // Count variant: each company has 2 applications, so the sums keep the same proportions.
    let mut count = config();
    count.variant = Variant::Count;
    let rc = run(&dataset(true, true, false), &count).unwrap();
    assert_eq!(order(&rc), order(&r));
    assert!((rc.rows[0].values[0].raw - 5. / 3.).abs() < 1e-9);
}

#[test]
fn without_citation_lists_a_and_d_are_dropped_and_said() {
    // A source cited-by count is present, but it cannot be windowed nor tell who cited.
    let r = run(&dataset(false, true, true), &config()).unwrap();
    // Composite = mean of family size and claims (normalised as above):
    // A1 (1 + 1) / 2 = 1, A2 (1 + .5) / 2 = .75, B1 (.5 + .25) / 2 = .375, B2 1 (claims
    // unknown), C1 (1 + .666667) / 2 = .833333, C2 1.
    // ALPHA .875, BRAVO .6875, CHARLIE .916667 -> CHARLIE 100, ALPHA .875 / .916667 = 95.4545,
    // BRAVO .6875 / .916667 = 75.
    assert_eq!(
        order(&r),
        [("CHARLIE", 100.0), ("ALPHA", 95.4545), ("BRAVO", 75.0)]
    );
    assert_eq!(r.notes.len(), 3, "{:?}", r.notes);
    assert_eq!(
        r.notes[0],
        "oecd_quality: forward citations within 5 years not available: needs citation lists \
         linking applications of the dataset, with filing dates (a source's cited-by count \
         cannot be windowed); dropped, the composite averages the 2 other component(s): family \
         size, claims"
    );
    assert!(
        r.notes[1].starts_with(
            "oecd_quality: generality not available: needs citation lists linking applications \
             of the dataset and the CPC/IPC classes of the citing applications; dropped"
        ),
        "{}",
        r.notes[1]
    );
    let q = r.oecd.as_ref().unwrap();
    assert!(!q.components[0].availability.is_available());
    assert!(!q.components[3].availability.is_available());
    assert!(
        r.to_table_string(3)
            .contains("Note: oecd_quality: generality not available")
    );
}

#[test]
fn fewer_than_two_components_is_an_error_naming_them() {
    let e = run(&dataset(false, false, true), &config()).unwrap_err();
    assert!(matches!(e, RankError::OecdComponents { .. }));
    let m = e.to_string();
    assert!(
        m.starts_with(
            "the OECD composite quality needs at least 2 of its 4 components; this dataset \
             gives only family size; missing: forward citations within 5 years (needs citation \
             lists"
        ),
        "{m}"
    );
    assert!(
        m.contains("; claims (needs claim counts); generality (needs"),
        "{m}"
    );
    // With citation lists but no claims: (a), (b), (d) suffice.
    assert!(run(&dataset(true, false, false), &config()).is_ok());
}

#[test]
fn oecd_ranking_is_deterministic() {
    let a = run(&dataset(true, true, false), &config()).unwrap();
    let b = run(&dataset(true, true, false), &config()).unwrap();
    assert_eq!(a, b);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    assert_eq!(a.to_csv(), b.to_csv());
    for row in &a.rows {
        let i = row.bootstrap_rank.unwrap();
        assert!(1 <= i.min && i.min <= i.max && i.max <= 3);
    }
}

/// A generated SYNTHETIC corpus: 2,400 applications of 12 companies, filed 2012-2015 in two
/// sections (8 cohorts of about 300), claims 1-40 with a 2% chance of an outlier 1,000 + i
/// (distinct, so trimming shows), a fifth joining an
/// earlier application's family at another office, and 0-4 citations of earlier applications
/// each.
fn generated(seed: u64) -> Vec<PatentRecord> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let offices = ["US", "EP", "CN", "JP", "KR"];
    let subclasses = [
        "H04L9/32",
        "G06Q20/40",
        "G06F21/60",
        "H04W12/06",
        "G06N20/00",
    ];
    let mut recs: Vec<PatentRecord> = Vec::new();
    for i in 0..2_400u32 {
        let mut r = PatentRecord::default();
        let office = offices[rng.random_range(0..offices.len())];
        r.app.office = office.into();
        r.app.number = format!("{}", 100_000 + i).into();
        r.app.key = app_key(office, &r.app.number);
        let year = 2012 + (i / 600) as i32;
        let d = chrono::NaiveDate::from_yo_opt(year, rng.random_range(1..=365)).unwrap();
        r.app.filing_date = Some(d);
        r.app.filing_year = Some(year);
        r.app.claims_count = Some(if rng.random_bool(0.02) {
            1_000 + i
        } else {
            rng.random_range(1..=40)
        });
        r.parties.push(Party {
            role: PartyRole::Applicant,
            seq: 0,
            name: format!("Company {:02}", rng.random_range(0..12)),
            country: Some("US".into()),
        });
        let first = if rng.random_bool(0.5) { 0 } else { 1 };
        let second = rng.random_range(0..subclasses.len());
        for c in [subclasses[first], subclasses[second]] {
            r.classes.push(Classification {
                scheme: ClassScheme::Cpc,
                code: normalize_class_code(c).into(),
            });
        }
        if i > 0 && rng.random_bool(0.2) {
            let p: &PatentRecord = &recs[rng.random_range(0..i as usize)];
            r.priorities.push(Priority {
                office: p.app.office.clone(),
                number: p.app.number.clone(),
                kind: None,
                date: None,
                key: p.app.key.clone(),
            });
        }
        for _ in 0..if i > 0 { rng.random_range(0..=4) } else { 0 } {
            let p = &recs[rng.random_range(0..i as usize)];
            r.citations.push(Citation {
                office: Some(p.app.office.clone()),
                number: p.app.number.clone(),
                kind: None,
                date: None,
                category: None,
                cited_by: None,
                source_id: None,
            });
        }
        recs.push(r);
    }
    recs
}

#[test]
fn generated_corpus_is_trimmed_and_deterministic() {
    let recs = generated(11);
    let c = Corpus::build(&recs, &Harmonizer::from_toml("").unwrap());
    let comp = Components::of(&c);
    // Claims in the 2012 H cohort: with n values, the k = n / 100 largest (distinct outliers)
    // are lowered to the (k+1)-th largest, so exactly k + 1 applications reach 1.0 (without
    // trimming only the largest would).
    let cohort: Vec<usize> = (0..600)
        .filter(|&i| c.records[i].classes[0].code.starts_with('H'))
        .collect();
    let k = cohort.len() / 100;
    let top = cohort
        .iter()
        .filter(|&&i| comp.normalised[2][i] == Some(1.0))
        .count();
    assert!(cohort.len() >= 200, "{} values", cohort.len());
    assert_eq!(top, k + 1, "{} values", cohort.len());
    let mut cfg = Preset::Oecd.config().unwrap();
    cfg.top = 5;
    let a = run(&recs, &cfg).unwrap();
    let b = run(&recs, &cfg).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.to_csv(), b.to_csv());
    assert_eq!(
        a.rows.len(),
        12,
        "every company has more than 100 applications"
    );
    assert!(
        a.oecd
            .as_ref()
            .unwrap()
            .components
            .iter()
            .all(|i| i.availability.is_available()),
        "{:?}",
        a.notes
    );
    assert_eq!(a.rows[0].score, 100.0);
    for r in &a.rows {
        assert!((0.0..=1.0).contains(&r.values[0].raw));
        let i = r.bootstrap_rank.unwrap();
        assert!(i.min <= i.p5 && i.p5 <= i.p95 && i.p95 <= i.max && i.max <= 12);
    }
    print!("{}", a.to_table_string(5));
}
