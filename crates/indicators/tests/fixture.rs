//! A hand-built dataset of 24 applications of three companies in two countries, whose
//! indicators were worked out on paper (see the table in `dataset`).

use patq_enrich::Harmonizer;
use patq_indicators::*;
use patq_model::{PatentRecord, app_key};

/// (number, office, applicant, applicant country, granted, cited_by, priority number, year)
///
/// Families (priority links): A = {1,4,5,6} (size 4), C = {3,10} (2), G = US11 with its 10
/// followers {11,13..18,21..24} (11), I = {19,20} (2); singletons 2, 7, 8, 9, 12 (5 families).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    u32,
    Option<&'static str>,
    i32,
);
const ROWS: &[Row] = &[
    ("1", "CN", "Red Dragon", "CN", true, 0, None, 2018),
    ("2", "CN", "Red Dragon", "CN", false, 1, None, 2018),
    ("3", "CN", "Red Dragon", "CN", true, 5, None, 2019),
    ("4", "US", "Red Dragon", "CN", true, 12, Some("CN1"), 2019),
    ("5", "WO", "Red Dragon", "CN", false, 0, Some("CN1"), 2019),
    ("6", "EP", "Red Dragon", "CN", false, 2, Some("CN1"), 2019),
    ("7", "CN", "Red Dragon", "CN", false, 0, None, 2020),
    ("8", "CN", "Small One", "CN", false, 3, None, 2020),
    ("9", "CN", "Small One", "CN", true, 0, None, 2020),
    ("10", "JP", "Red Dragon", "CN", true, 0, Some("CN3"), 2020),
    ("11", "US", "Blue Eagle", "US", true, 11, None, 2018),
    ("12", "US", "Blue Eagle", "US", true, 2, None, 2018),
    ("13", "EP", "Blue Eagle", "US", true, 0, Some("US11"), 2019),
    ("14", "JP", "Blue Eagle", "US", false, 0, Some("US11"), 2019),
    ("15", "WO", "Blue Eagle", "US", false, 1, Some("US11"), 2019),
    ("16", "CN", "Blue Eagle", "US", true, 0, Some("US11"), 2019),
    ("17", "KR", "Blue Eagle", "US", false, 4, Some("US11"), 2019),
    ("18", "US", "Blue Eagle", "US", true, 0, Some("US11"), 2019),
    ("19", "US", "Blue Eagle", "US", false, 0, None, 2020),
    (
        "20",
        "US",
        "Blue Eagle",
        "US",
        false,
        10,
        Some("US19"),
        2020,
    ),
    ("21", "AU", "Blue Eagle", "US", false, 0, Some("US11"), 2019),
    ("22", "CA", "Blue Eagle", "US", false, 0, Some("US11"), 2019),
    ("23", "SG", "Blue Eagle", "US", false, 0, Some("US11"), 2019),
    ("24", "DE", "Blue Eagle", "US", false, 0, Some("US11"), 2019),
];

fn dataset() -> Vec<PatentRecord> {
    ROWS.iter()
        .map(|&(num, office, who, country, granted, cited, prio, year)| {
            let mut r = PatentRecord::default();
            r.app.office = office.into();
            r.app.number = num.into();
            r.app.key = app_key(office, num);
            r.app.granted = Some(granted);
            r.app.cited_by_count = Some(cited);
            r.app.filing_year = Some(year);
            patq_testkit::add_applicant(&mut r, who, country);
            if let Some(p) = prio {
                patq_testkit::claim_priority(&mut r, p);
            }
            r
        })
        .collect()
}

fn harmonizer() -> Harmonizer {
    // No aliases: every name is its own group, country from the applicant.
    Harmonizer::from_toml("").unwrap()
}

use patq_testkit::assert_rate as close;

#[test]
fn f2_grants_by_country() {
    let recs = dataset();
    let c = Corpus::build(&recs, &harmonizer());
    let sel = c.select(&Filters::default());
    let f = grants_by_country::compute(&c, &sel);
    // CN company apps 1-10 = 10, granted 1,3,4,9,10 = 5; US apps 11-24 = 14, granted
    // 11,12,13,16,18 = 5. US first (more applications).
    assert_eq!(f.rows.len(), 2);
    assert_eq!(
        (f.rows[0].country.as_str(), f.rows[0].applications),
        ("US", 14)
    );
    assert_eq!(f.rows[0].grants, Some(5));
    close(f.rows[0].grant_rate, 5.0 / 14.0);
    assert_eq!(
        (f.rows[1].country.as_str(), f.rows[1].applications),
        ("CN", 10)
    );
    assert_eq!(f.rows[1].grants, Some(5));
    close(f.rows[1].grant_rate, 0.5);
    assert_eq!((f.world.applications, f.world.grants), (24, Some(10)));
    assert_eq!(f.country_rules.get("applicant_country"), Some(&24));
    assert_eq!(
        f.to_csv(),
        "country,applications,grants,grant_rate\nUS,14,5,0.3571\nCN,10,5,0.5000\nWORLD,24,10,0.4167\n"
    );
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(json["grants"]["status"], "available");
    assert!(json["definition"].as_str().unwrap().starts_with("F2."));

    // Filter: from 2019, CN companies: apps 3-10 = 8, granted 3,4,9,10 = 4.
    let sel = c.select(&Filters {
        from_year: Some(2019),
        country: Some("CN".into()),
        ..Filters::default()
    });
    let f = grants_by_country::compute(&c, &sel);
    assert_eq!((f.world.applications, f.world.grants), (8, Some(4)));
}

#[test]
fn f2_without_grant_evidence_is_not_available() {
    let mut recs = dataset();
    for r in &mut recs {
        r.app.granted = None;
    }
    let c = Corpus::build(&recs, &harmonizer());
    let f = grants_by_country::compute(&c, &c.select(&Filters::default()));
    assert_eq!(
        f.grants,
        Availability::NotAvailable {
            needs: "grant status".into()
        }
    );
    assert_eq!(f.world.grants, None);
    assert!(
        f.to_csv()
            .contains("WORLD,24,not available: needs grant status,")
    );
}

#[test]
fn f3_families_and_f10_bands() {
    let recs = dataset();
    let c = Corpus::build(&recs, &harmonizer());
    let sel = c.select(&Filters::default());
    let f = families::compute(&c, &sel);
    // CN: A(4), C(2), 2, 7, 8, 9 -> 6 families, 2 with >= 2 members. US: G(11), I(2), 12 ->
    // 3 families, 2 multi. World 9 / 4.
    assert_eq!(f.rows[0].country, "CN");
    assert_eq!((f.rows[0].families, f.rows[0].multi_member), (6, 2));
    close(f.rows[0].multi_member_share, 2.0 / 6.0);
    assert_eq!(f.rows[1].country, "US");
    assert_eq!((f.rows[1].families, f.rows[1].multi_member), (3, 2));
    assert_eq!((f.world.families, f.world.multi_member), (9, 4));
    // Sizes: five singletons, C and I of 2, A of 4, G of 11.
    let dist: Vec<(u32, u64)> = f.size_distribution.iter().map(|(&k, &v)| (k, v)).collect();
    assert_eq!(dist, vec![(1, 5), (2, 2), (4, 1), (11, 1)]);
    assert_eq!(
        f.size_distribution_csv(),
        "family_size,families\n1,5\n2,2\n4,1\n11,1\n"
    );

    let b = family_size_bands::compute(&c, &sel, 10);
    // 1-2: 5 singletons + C + I = 7; 3-5: A; 6-10: none; >10: G, held by Blue Eagle.
    assert_eq!(b.families, vec![7, 1, 0, 1]);
    assert_eq!(b.top_holders.len(), 1);
    assert_eq!(b.top_holders[0].large_families, 1);
    assert_eq!(
        b.top_holders[0].group,
        harmonizer().harmonize("Blue Eagle", None).id
    );
    assert_eq!(
        b.to_csv(),
        format!(
            // Every method's text holds a comma, so the cell is quoted.
            "family_size,families,family_method\n1-2,7,\"{m}\"\n3-5,1,\"{m}\"\n6-10,0,\"{m}\"\n>=11,1,\"{m}\"\n",
            m = b.family_method.as_str()
        )
    );
}

#[test]
fn f4_citations_and_f9_bands() {
    let recs = dataset();
    let c = Corpus::build(&recs, &harmonizer());
    let sel = c.select(&Filters::default());
    let f = citations::compute(&c, &sel);
    // Cited (count > 0): CN 2,3,4,6,8 = 5 of 10; US 11,12,15,17,20 = 5 of 14.
    assert_eq!(f.rows[0].country, "US");
    assert_eq!(f.rows[0].cited, Some(5));
    close(f.rows[0].citation_rate, 5.0 / 14.0);
    assert_eq!(f.rows[1].cited, Some(5));
    close(f.rows[1].citation_rate, 0.5);
    assert_eq!(f.world.cited, Some(10));

    let b = citation_bands::compute(&c, &sel);
    // CN counts 1,5,12,2,3 -> 1-2: 2, 3-10: 2, >10: 1; US 11,2,1,4,10 -> 2, 2, 1.
    // Tie on 5 cited: CN before US by code.
    assert_eq!(b.rows[0].country, "CN");
    assert_eq!(b.rows[0].bands, vec![2, 2, 1]);
    assert_eq!(b.rows[1].bands, vec![2, 2, 1]);
    assert_eq!((b.world.cited, b.world.bands.clone()), (10, vec![4, 4, 2]));
    close(b.world.shares[2], 0.2);
    assert_eq!(
        b.to_csv().lines().next().unwrap(),
        "country,cited,1-2,3-10,>=11,share_1-2,share_3-10,share_>=11"
    );
}

#[test]
fn f5_international() {
    let recs = dataset();
    let c = Corpus::build(&recs, &harmonizer());
    let f = international::compute(&c, &c.select(&Filters::default()));
    // CN company outside CN: 4 US, 5 WO, 6 EP, 10 JP = 4 of 10. US company outside US: 13 EP,
    // 14 JP, 15 WO, 16 CN, 17 KR, 21 AU, 22 CA, 23 SG, 24 DE = 9 of 14.
    assert_eq!(
        (f.rows[0].country.as_str(), f.rows[0].international),
        ("US", 9)
    );
    close(f.rows[0].share, 9.0 / 14.0);
    assert_eq!(
        (f.rows[1].country.as_str(), f.rows[1].international),
        ("CN", 4)
    );
    assert_eq!(f.world.international, 13);
}

#[test]
fn t1_company_size_bands() {
    let recs = dataset();
    let c = Corpus::build(&recs, &harmonizer());
    let t = company_size_bands::compute(&c, &c.select(&Filters::default()));
    // Red Dragon 8 apps (1-7, 10) and Small One 2 -> CN, band 1-9; Blue Eagle 14 -> US, 10-49.
    assert_eq!(t.rows[0].country, "CN");
    assert_eq!(
        (t.rows[0].companies, t.rows[0].bands.clone()),
        (2, vec![2, 0, 0, 0, 0, 0])
    );
    assert_eq!(
        (t.rows[1].companies, t.rows[1].bands.clone()),
        (1, vec![0, 1, 0, 0, 0, 0])
    );
    assert_eq!(t.world.bands, vec![2, 1, 0, 0, 0, 0]);
    assert_eq!(
        t.to_csv(),
        "country,companies,1-9,10-49,50-99,100-499,500-999,>=1000\n\
         CN,2,2,0,0,0,0,0\nUS,1,0,1,0,0,0,0\nWORLD,3,2,1,0,0,0,0\n"
    );
}

#[test]
fn f6_trend_and_f7_office_grants() {
    let recs = dataset();
    let c = Corpus::build(&recs, &harmonizer());
    let sel = c.select(&Filters::default());
    let t = trend::compute(&c, &sel, None);
    // 2018: 1,2,11,12 (Red, Blue); 2019: 3-6, 13-18, 21-24 = 14 (Red, Blue); 2020: 7-10, 19,
    // 20 = 6 (Red, Small, Blue).
    assert_eq!(
        t.to_csv(),
        "year,applications,companies\n2018,4,2\n2019,14,2\n2020,6,3\n"
    );
    let t = trend::compute(&c, &sel, Some("CN"));
    assert_eq!(
        t.to_csv(),
        "year,applications,companies\n2018,2,1\n2019,4,1\n2020,4,2\n"
    );
    // US office: 11, 12 (2018, both granted), 4, 18 (2019, both granted), 19, 20 (2020, none).
    let g = office_grant_trend::compute(&c, &sel, "US");
    assert_eq!(
        g.to_csv(),
        "year,applications,grants,grant_rate\n2018,2,2,1.0000\n2019,2,2,1.0000\n2020,2,0,0.0000\n"
    );
}
