//! A synthetic, hand-built dataset of 20 applications of three companies in two countries for
//! F8, F12, T3, F13-17 and P, every expected number worked out on paper (see `ROWS`).

use patq_enrich::{Harmonizer, Taxonomy};
use patq_indicators::*;
use patq_model::{ClassScheme, Classification, PatentRecord, app_key, normalize_class_code};

/// Texts (title, abstract, CPC) and what the shipped taxonomy makes of them, by its rules:
/// - FIN: G06Q40 -> finance, "supply chain finance" -> scenario supply-chain-finance, "supply
///   chain" -> industry supply-chain (no scenario of it); G06Q -> split "application".
/// - CORE: no industry rule matches; H04L9 + "consensus", no application class -> core.
/// - MEDRX: G16H -> medical, "prescription" -> scenario prescription; split application.
/// - MEDREC: G16H -> medical, "medical records" / "patient data" -> medical-records;
///   application.
/// - CHARGE: "charging pile" -> energy + scenario charging-piles (no "vehicle", so not
///   automotive; "pay" is not "payment*"); no class, no core word -> split other.
/// - POWER: "energy", "power trading" -> energy + power-trading; H04L9 only -> core.
type Text = (&'static str, &'static str, &'static [&'static str]);
const FIN: Text = (
    "Supply chain finance platform",
    "Accounts receivable of a core enterprise are split and transferred to suppliers.",
    &["G06Q40/02"],
);
const CORE: Text = (
    "Consensus method for a blockchain network",
    "Blocks are validated by sharding nodes.",
    &["H04L9/3239", "G06F16/27"],
);
const MEDRX: Text = (
    "Electronic prescription circulation based on blockchain",
    "A hospital issues a prescription that a pharmacy verifies.",
    &["G16H20/10"],
);
const MEDREC: Text = (
    "Sharing medical records between hospitals",
    "Patient data is shared with consent.",
    &["G16H10/60"],
);
const CHARGE: Text = (
    "Charging pile billing with blockchain",
    "Users pay at the charging pile.",
    &[],
);
const POWER: Text = (
    "Power trading between households",
    "Peer to peer energy exchange settled by consensus.",
    &["H04L9/3239"],
);

const RD: &str = "Red Dragon";
const SO: &str = "Small One";
const BE: &str = "Blue Eagle";

/// (number, office, applicant, applicant country, granted, cited_by, priority, year, text)
///
/// Families: A = {1,4,5,6,7} (CN1 claimed; EP 6, JP 7 and granted US 4 -> triadic),
/// B = {12,14,15,16} (US12; EP but no JP -> not triadic), {10,11}, {18,19}; singletons 2, 3, 8,
/// 9, 13, 17, 20.
/// International (office != company country, or WO): RD 4 US, 5 WO, 6 EP, 7 JP; SO 11 US;
/// BE 14 EP, 15 CN, 16 WO, 19 CN.
/// Grants: 1, 3, 4, 8, 10, 12, 13, 14, 18 (9). Cited (> 0): 2, 3, 4, 6, 9, 12, 13, 16, 17, 18
/// (10).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    u32,
    Option<&'static str>,
    i32,
    Text,
);
const ROWS: &[Row] = &[
    ("1", "CN", RD, "CN", true, 0, None, 2018, FIN),
    ("2", "CN", RD, "CN", false, 1, None, 2018, CORE),
    ("3", "CN", RD, "CN", true, 4, None, 2019, MEDRX),
    ("4", "US", RD, "CN", true, 12, Some("CN1"), 2019, FIN),
    ("5", "WO", RD, "CN", false, 0, Some("CN1"), 2019, FIN),
    ("6", "EP", RD, "CN", false, 2, Some("CN1"), 2019, FIN),
    ("7", "JP", RD, "CN", false, 0, Some("CN1"), 2019, FIN),
    ("8", "CN", RD, "CN", true, 0, None, 2020, CHARGE),
    ("9", "CN", SO, "CN", false, 3, None, 2020, CHARGE),
    ("10", "CN", SO, "CN", true, 0, None, 2020, POWER),
    ("11", "US", SO, "CN", false, 0, Some("CN10"), 2020, POWER),
    ("12", "US", BE, "US", true, 11, None, 2018, MEDREC),
    ("13", "US", BE, "US", true, 2, None, 2018, CORE),
    ("14", "EP", BE, "US", true, 0, Some("US12"), 2019, MEDREC),
    ("15", "CN", BE, "US", false, 0, Some("US12"), 2019, MEDREC),
    ("16", "WO", BE, "US", false, 1, Some("US12"), 2019, MEDREC),
    ("17", "US", BE, "US", false, 3, None, 2020, FIN),
    ("18", "US", BE, "US", true, 25, None, 2020, POWER),
    ("19", "CN", BE, "US", false, 0, Some("US18"), 2020, POWER),
    ("20", "US", BE, "US", false, 0, None, 2020, CORE),
];

/// The dataset; `with_grants = false` drops every grant flag (as a PATSTAT extract would).
fn dataset(with_grants: bool) -> Vec<PatentRecord> {
    ROWS.iter()
        .map(
            |&(num, office, who, country, granted, cited, prio, year, (title, abs, cpc))| {
                let mut r = PatentRecord::default();
                r.app.office = office.into();
                r.app.number = num.into();
                r.app.key = app_key(office, num);
                r.app.granted = with_grants.then_some(granted);
                r.app.cited_by_count = Some(cited);
                r.app.filing_year = Some(year);
                r.app.title = Some(title.into());
                r.app.abstract_text = Some(abs.into());
                r.classes = cpc
                    .iter()
                    .map(|c| Classification {
                        scheme: ClassScheme::Cpc,
                        code: normalize_class_code(c).into(),
                    })
                    .collect();
                patq_testkit::add_applicant(&mut r, who, country);
                if let Some(p) = prio {
                    patq_testkit::claim_priority(&mut r, p);
                }
                r
            },
        )
        .collect()
}

fn harmonizer() -> Harmonizer {
    Harmonizer::from_toml("").unwrap()
}

fn gid(name: &str) -> String {
    harmonizer().harmonize(name, None).id
}

use patq_testkit::assert_rate as close;

#[test]
fn group_ids_are_the_upper_case_names() {
    // The CSV expectations below spell the ids out.
    assert_eq!(
        (gid(RD), gid(SO), gid(BE)),
        (
            "RED DRAGON".to_string(),
            "SMALL ONE".to_string(),
            "BLUE EAGLE".to_string()
        )
    );
}

#[test]
fn f8_international_filings_by_office() {
    let recs = dataset(true);
    let c = Corpus::build(&recs, &harmonizer());
    let sel = c.select(&Filters::default());
    let f = international_offices::compute(&c, &sel, "CN");
    // CN international: US 4 (RD) and 11 (SO) -> 2 apps, 2 companies; WO 5, EP 6, JP 7 (RD)
    // one each. Ordered by applications, then office code: US, EP, JP, WO.
    let rows: Vec<(&str, Option<u64>, u64)> = f
        .rows
        .iter()
        .map(|r| (r.office.as_str(), r.companies, r.applications))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("US", Some(2), 2),
            ("EP", Some(1), 1),
            ("JP", Some(1), 1),
            ("WO", Some(1), 1)
        ]
    );
    // Totals: RD and SO = 2 companies, 5 applications, 4 offices.
    assert_eq!((f.companies, f.applications, f.offices), (Some(2), 5, 4));
    assert_eq!(
        f.to_csv(),
        "office,companies,applications\nUS,2,2\nEP,1,1\nJP,1,1\nWO,1,1\nTOTAL,2,5\n"
    );
    assert!(f.definition.starts_with("F8."));

    // US: CN 15, 19 (2 apps, BE only), EP 14, WO 16 -> 1 company, 4 apps, 3 offices.
    let f = international_offices::compute(&c, &sel, "US");
    assert_eq!(
        f.to_csv(),
        "office,companies,applications\nCN,1,2\nEP,1,1\nWO,1,1\nTOTAL,1,4\n"
    );
    assert_eq!(f.offices, 3);

    // From 2020 only: CN international = 11 (US, SO) -> 1 company, 1 office.
    let sel20 = c.select(&Filters {
        from_year: Some(2020),
        ..Filters::default()
    });
    let f = international_offices::compute(&c, &sel20, "CN");
    assert_eq!((f.companies, f.applications, f.offices), (Some(1), 1, 1));
}

#[test]
fn f12_top_company_trend() {
    let recs = dataset(true);
    let c = Corpus::build(&recs, &harmonizer());
    let sel = c.select(&Filters::default());
    let t = top_company_trend::compute(&c, &sel, Some("CN"), top_company_trend::DEFAULT_TOP);
    // CN groups: RD 8 apps (2018: 1,2; 2019: 3-7; 2020: 8), SO 3 (2020: 9,10,11). Only two
    // CN companies, so top 5 gives two; years 2018..2020 with zeros for SO.
    assert_eq!(t.years, vec![2018, 2019, 2020]);
    assert_eq!(t.companies.len(), 2);
    assert_eq!(
        (t.companies[0].group.as_str(), t.companies[0].applications),
        ("RED DRAGON", 8)
    );
    assert_eq!(t.companies[0].per_year, vec![2, 5, 1]);
    assert_eq!(t.companies[1].per_year, vec![0, 0, 3]);
    assert_eq!(
        t.to_csv(),
        "rank,group,year,applications\n1,RED DRAGON,2018,2\n1,RED DRAGON,2019,5\n\
         1,RED DRAGON,2020,1\n2,SMALL ONE,2018,0\n2,SMALL ONE,2019,0\n2,SMALL ONE,2020,3\n"
    );

    // Top 1 of the US: BE, 9 apps: 2018: 12,13; 2019: 14,15,16; 2020: 17-20.
    let t = top_company_trend::compute(&c, &sel, Some("US"), 1);
    assert_eq!(t.companies.len(), 1);
    assert_eq!(t.companies[0].per_year, vec![2, 3, 4]);

    // 2018, all countries: RD 2 (1,2) ties BE 2 (12,13); the tie goes to the lower id, BE.
    let sel18 = c.select(&Filters {
        from_year: Some(2018),
        to_year: Some(2018),
        ..Filters::default()
    });
    let t = top_company_trend::compute(&c, &sel18, None, 5);
    let order: Vec<&str> = t.companies.iter().map(|c| c.group.as_str()).collect();
    assert_eq!(order, vec!["BLUE EAGLE", "RED DRAGON"]);
    assert_eq!(t.years, vec![2018]);
}

#[test]
fn t3_industries_of_granted_patents() {
    let recs = dataset(true);
    let c = Corpus::build(&recs, &harmonizer());
    let sel = c.select(&Filters::default());
    let tax = Taxonomy::default();
    let t = industries::compute(&c, &sel, &tax);
    // finance = FIN apps 1,4,5,6,7,17 (6); granted 1, 4 (2); companies with a grant: RD (1).
    // supply-chain = the same six FIN apps: 6 / 2 / 1.
    // medical = 3 (MEDRX), 12,14,15,16 (MEDREC) = 5; granted 3, 12, 14 = 3; RD and BE = 2.
    // energy = 8,9 (CHARGE), 10,11,18,19 (POWER) = 6; granted 8, 10, 18 = 3; RD, SO, BE = 3.
    // Order by grants then id: energy (3), medical (3), finance (2), supply-chain (2), then the
    // zero rows by id.
    let top: Vec<(&str, Option<u64>, u64, Option<u64>)> = t.rows[..4]
        .iter()
        .map(|r| (r.industry.as_str(), r.companies, r.applications, r.grants))
        .collect();
    assert_eq!(
        top,
        vec![
            ("energy", Some(3), 6, Some(3)),
            ("medical", Some(2), 5, Some(3)),
            ("finance", Some(1), 6, Some(2)),
            ("supply-chain", Some(1), 6, Some(2)),
        ]
    );
    close(t.rows[0].grant_rate, 0.5);
    close(t.rows[1].grant_rate, 3.0 / 5.0);
    close(t.rows[2].grant_rate, 2.0 / 6.0);
    // Every taxonomy industry has a row; the rest are zero, ordered by id.
    assert_eq!(t.rows.len(), tax.industries.len());
    assert!(t.rows[4..].iter().all(|r| r.applications == 0));
    assert!(
        t.rows[4..]
            .windows(2)
            .all(|w| w[0].industry < w[1].industry)
    );
    // No industry: CORE apps 2, 13, 20 = 3; granted 13 (BE) -> 1 grant, 1 company.
    assert_eq!(
        (
            t.unclassified.applications,
            t.unclassified.grants,
            t.unclassified.companies
        ),
        (3, Some(1), Some(1))
    );
    assert_eq!(t.applications, 20);
    let csv = t.to_csv();
    assert!(
        csv.starts_with(
            "industry,name,companies,applications,grants,grant_rate\n\
             energy,Energy,3,6,3,0.5000\nmedical,Medical and health,2,5,3,0.6000\n\
             finance,Finance,1,6,2,0.3333\n"
        ),
        "{csv}"
    );
    assert!(csv.ends_with("\nunclassified,No industry matched,1,3,1,0.3333\n"));

    // Without grant status: applications stay, grants and companies are not available and the
    // order falls back to applications then id: energy 6, finance 6, supply-chain 6, medical 5.
    let recs = dataset(false);
    let c = Corpus::build(&recs, &harmonizer());
    let t = industries::compute(&c, &sel, &tax);
    let order: Vec<(&str, u64)> = t.rows[..4]
        .iter()
        .map(|r| (r.industry.as_str(), r.applications))
        .collect();
    assert_eq!(
        order,
        vec![
            ("energy", 6),
            ("finance", 6),
            ("supply-chain", 6),
            ("medical", 5)
        ]
    );
    assert!(
        t.rows
            .iter()
            .all(|r| r.grants.is_none() && r.companies.is_none() && r.grant_rate.is_none())
    );
    assert!(!t.grants_available.is_available());
    assert!(
        t.to_csv()
            .contains("\nenergy,Energy,not available: needs grant status,6,not available: needs grant status,not available: needs grant status\n")
    );
}

#[test]
fn f13_17_scenarios_inside_industries() {
    let recs = dataset(true);
    let c = Corpus::build(&recs, &harmonizer());
    let sel = c.select(&Filters::default());
    let tax = Taxonomy::default();
    let s = scenarios::compute(&c, &sel, &tax, "energy").unwrap();
    // power-trading = POWER apps 10,11 (SO), 18,19 (BE): 4 apps, grants 10, 18 = 2, companies
    // SO and BE = 2; top: BE 2 (grant 18) and SO 2 (grant 10), tie -> BE first.
    // charging-piles = CHARGE apps 8 (RD), 9 (SO): 2 apps, grant 8 = 1, 2 companies; tie ->
    // RD first. carbon: nothing. Every energy app is in a scenario.
    assert_eq!((s.applications, s.without_scenario), (6, 0));
    let rows: Vec<(&str, Option<u64>, u64, Option<u64>)> = s
        .rows
        .iter()
        .map(|r| (r.scenario.as_str(), r.companies, r.applications, r.grants))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("power-trading", Some(2), 4, Some(2)),
            ("charging-piles", Some(2), 2, Some(1)),
            ("carbon", Some(0), 0, Some(0)),
        ]
    );
    assert_eq!(
        s.top_companies_csv(),
        "industry,scenario,rank,group,applications,grants\n\
         energy,power-trading,1,BLUE EAGLE,2,1\nenergy,power-trading,2,SMALL ONE,2,1\n\
         energy,charging-piles,1,RED DRAGON,1,1\nenergy,charging-piles,2,SMALL ONE,1,0\n"
    );
    assert!(
        s.to_csv()
            .starts_with("industry,scenario,name,companies,applications,grants\nenergy,power-trading,Power trading,2,4,2\n")
    );

    let all = scenarios::compute_all(&c, &sel, &tax);
    assert_eq!(all.len(), tax.industries.len());
    let of = |id: &str| all.iter().find(|s| s.industry == id).unwrap();
    // medical: medical-records = 12,14,15,16 (BE; grants 12, 14) = 4 / 2, 1 company;
    // prescription = 3 (RD, granted) = 1 / 1, 1 company.
    let m = of("medical");
    assert_eq!((m.applications, m.without_scenario), (5, 0));
    assert_eq!(
        (
            m.rows[0].scenario.as_str(),
            m.rows[0].applications,
            m.rows[0].grants
        ),
        ("medical-records", 4, Some(2))
    );
    assert_eq!(
        (
            m.rows[1].scenario.as_str(),
            m.rows[1].applications,
            m.rows[1].grants
        ),
        ("prescription", 1, Some(1))
    );
    // finance: supply-chain-finance = 1,4,5,6,7 (RD, grants 1, 4) and 17 (BE): 6 apps, 2
    // grants, 2 companies; top RD 5 apps / 2 grants, BE 1 / 0.
    let f = &of("finance").rows[0];
    assert_eq!(
        (f.scenario.as_str(), f.companies, f.applications, f.grants),
        ("supply-chain-finance", Some(2), 6, Some(2))
    );
    let top: Vec<(&str, u64, Option<u64>)> = f
        .top_companies
        .iter()
        .map(|t| (t.group.as_str(), t.applications, t.grants))
        .collect();
    assert_eq!(
        top,
        vec![("RED DRAGON", 5, Some(2)), ("BLUE EAGLE", 1, Some(0))]
    );
    // supply-chain: the six FIN apps match the industry rule but none of its scenarios.
    assert_eq!(
        (
            of("supply-chain").applications,
            of("supply-chain").without_scenario
        ),
        (6, 6)
    );
    // The same numbers from shared matches.
    let m = industries::classify(&c, &sel, &tax);
    assert_eq!(scenarios::all_from_matches(&c, &m), all);
    let e = scenarios::compute(&c, &sel, &tax, "no-such").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("unknown industry \"no-such\"; the taxonomy has: finance, ")
    );
}

#[test]
fn p_company_profiles() {
    let recs = dataset(true);
    let c = Corpus::build(&recs, &harmonizer());
    let sel = c.select(&Filters::default());
    let tax = Taxonomy::default();
    // BE 9 apps (12-20), RD 8 (1-8), SO 3 (9-11).
    let top = company_profile::top_groups(&c, &sel, 2);
    let top: Vec<(&str, u64)> = top
        .iter()
        .map(|g| (g.group.as_str(), g.applications))
        .collect();
    assert_eq!(top, vec![("BLUE EAGLE", 9), ("RED DRAGON", 8)]);

    let p = company_profile::compute(&c, &sel, &tax, "RED DRAGON");
    // RD: apps 1-8; grants 1,3,4,8 = 4 of 9 world grants; cited 2,3,4,6 = 4 of 10 world cited.
    assert_eq!(p.applications, 8);
    assert_eq!((p.grants, p.world_grants), (Some(4), Some(9)));
    close(p.share_of_world_grants, 4.0 / 9.0);
    close(p.grant_rate, 0.5);
    assert_eq!((p.cited, p.world_cited), (Some(4), Some(10)));
    close(p.share_of_world_cited, 0.4);
    // Bands of its cited apps: 2 (1x) and 6 (2x) in 1-2; 3 (4x) in 3-10; 4 (12x) in >10.
    assert_eq!(p.citation_bands, Some(vec![2, 1, 1]));
    // Core: only app 2 (CORE); FIN and MEDRX are application patents, CHARGE neither -> 1/8.
    assert_eq!(p.core, 1);
    close(p.core_share, 1.0 / 8.0);
    // International 4, 5, 6, 7 -> 4/8.
    assert_eq!(p.international, 4);
    close(p.international_share, 0.5);
    // Families A, {2}, {3}, {8}; A is triadic.
    assert_eq!((p.extended_families, p.triadic_families), (4, Some(1)));
    assert_eq!(p.offices, vec!["CN", "EP", "JP", "US", "WO"]);
    let years: Vec<(i32, u64)> = p.years.iter().map(|y| (y.year, y.applications)).collect();
    assert_eq!(years, vec![(2018, 2), (2019, 5), (2020, 1)]);

    let m = industries::classify(&c, &sel, &tax);
    assert_eq!(company_profile::compute_matched(&c, &m, "RED DRAGON"), p);
    let all = company_profile::compute_top(&c, &m, 5);
    assert_eq!(all.len(), 3);
    assert_eq!(all[1], p);
    let be = &all[0];
    // BE: apps 12-20 = 9; grants 12,13,14,18 = 4 of 9; cited 12 (11x), 13 (2x), 16 (1x),
    // 17 (3x), 18 (25x) = 5 of 10 -> bands 1-2: 13, 16; 3-10: 17; >10: 12, 18.
    // Core: 13, 20 (CORE), 18, 19 (POWER) = 4 of 9. International 14, 15, 16, 19 = 4 of 9.
    // Families B, {13}, {17}, {18,19}, {20} = 5, none triadic (B has no JP member).
    assert_eq!(
        (be.grants, be.cited, be.citation_bands.clone()),
        (Some(4), Some(5), Some(vec![2, 1, 2]))
    );
    close(be.share_of_world_cited, 0.5);
    assert_eq!((be.core, be.international), (4, 4));
    assert_eq!((be.extended_families, be.triadic_families), (5, Some(0)));
    assert_eq!(be.offices, vec!["CN", "EP", "US", "WO"]);
    // SO: 9 (CHARGE, other), 10, 11 (POWER, core) -> core 2 of 3.
    assert_eq!(all[2].core, 2);
    assert_eq!(
        company_profile::table_csv(&all[..2]),
        "group,applications,grants,share_of_world_grants,grant_rate,cited,share_of_world_cited,\
         cited_1-2,cited_3-10,cited_>=11,core,core_share,international,international_share,\
         extended_families,triadic_families,offices\n\
         BLUE EAGLE,9,4,0.4444,0.4444,5,0.5000,2,1,2,4,0.4444,4,0.4444,5,0,CN;EP;US;WO\n\
         RED DRAGON,8,4,0.4444,0.5000,4,0.4000,2,1,1,1,0.1250,4,0.5000,4,1,CN;EP;JP;US;WO\n"
    );
    assert_eq!(
        company_profile::years_csv(&all[1..2]),
        "group,year,applications\nRED DRAGON,2018,2\nRED DRAGON,2019,5\nRED DRAGON,2020,1\n"
    );

    // Without grant status the grant figures and the triadic count (which needs a granted US
    // member) are not available; citations and the rest stay.
    let recs = dataset(false);
    let c = Corpus::build(&recs, &harmonizer());
    let p = company_profile::compute(&c, &sel, &tax, "RED DRAGON");
    assert_eq!(
        (p.grants, p.world_grants, p.triadic_families),
        (None, None, None)
    );
    assert_eq!((p.cited, p.core, p.international), (Some(4), 1, 4));
    assert!(p.to_csv().contains(",not available: needs grant status,"));
}

#[test]
fn the_suite_keeps_report_order_when_its_halves_run_on_two_threads() {
    // 250 copies of the 20 applications (numbers made unique) pass the two-thread threshold.
    let small = dataset(true);
    let big: Vec<PatentRecord> = (0..250)
        .flat_map(|k| {
            small.iter().map(move |r| {
                let mut r = r.clone();
                r.app.number = format!("{}{k:03}", r.app.number).into();
                r.app.key = app_key(&r.app.office, &r.app.number);
                r
            })
        })
        .collect();
    let (tax, o) = (Taxonomy::default(), suite::Options::default());
    let run = |recs: &[PatentRecord]| {
        let c = Corpus::build(recs, &harmonizer());
        let sel = c.select(&Filters::default());
        suite::compute(&c, &sel, &tax, &o)
    };
    let (one, two) = (run(&small), run(&big));
    let files = |v: &[suite::Output]| v.iter().map(|x| x.file.clone()).collect::<Vec<_>>();
    assert_eq!(files(&one), files(&two));
    // Grants by applicant country scale with the copies: CN companies 11 applications and 5
    // grants (1, 3, 4, 8, 10), US 9 and 4 (12, 13, 14, 18).
    let f2 = &two.iter().find(|x| x.id == "F2").unwrap().csv;
    assert!(f2.contains("CN,2750,1250,0.4545"), "{f2}");
    assert!(f2.contains("US,2250,1000,0.4444"), "{f2}");
    // The profiles (computed on the second thread) name the same three companies.
    let p = |v: &[suite::Output]| {
        v.last()
            .unwrap()
            .csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap_or("").to_string())
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(p(&one), p(&two));
    assert_eq!(p(&two).len(), 3);
}
