//! A hand-built dataset of six companies whose quality index was worked out on paper under
//! every normalisation, with a dimension missing, with a share variant and with the PAI preset.

use patq_enrich::{Harmonizer, Taxonomy};
use patq_indicators::{Corpus, Filters};
use patq_model::{ClassScheme, Classification, PatentRecord, app_key, normalize_class_code};
use patq_rank::*;

/// (number, office, applicant, country, granted, cited_by, priority number, core)
///
/// Non-core applications carry G06Q40/04 (an application class), core ones H04L9/3239.
type App = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    u32,
    Option<&'static str>,
    bool,
);
#[rustfmt::skip]
const APPS: &[App] = &[
    ("101", "CN", "Alpha", "CN", true, 3, None, true),
    ("102", "US", "Alpha", "CN", true, 1, Some("CN101"), true),
    ("103", "CN", "Alpha", "CN", false, 0, None, false),
    ("104", "WO", "Alpha", "CN", false, 2, Some("CN101"), true),
    ("201", "US", "Bravo", "US", true, 4, None, true),
    ("202", "EP", "Bravo", "US", true, 0, None, false),
    ("203", "EP", "Bravo", "US", false, 1, None, true),
    ("301", "JP", "Charlie", "JP", true, 0, None, true),
    ("302", "JP", "Charlie", "JP", false, 0, None, false),
    ("303", "JP", "Charlie", "JP", false, 0, None, false),
    ("401", "CN", "Delta", "CN", true, 5, None, true),
    ("402", "CN", "Delta", "CN", true, 0, None, false),
    ("403", "CN", "Delta", "CN", false, 0, None, true),
    ("404", "US", "Delta", "CN", true, 1, Some("CN401"), true),
    ("405", "EP", "Delta", "CN", false, 0, Some("CN401"), true),
    ("501", "KR", "Echo", "KR", false, 0, None, false),
    ("502", "KR", "Echo", "KR", false, 0, None, false),
    ("503", "KR", "Echo", "KR", false, 0, None, false),
    // Two applications only: not ranked with a threshold of 2 (ranked means > 2).
    ("601", "US", "Foxtrot", "US", true, 2, None, true),
    ("602", "US", "Foxtrot", "US", true, 1, None, true),
];

// Raw values (count variant), groups in id order:
//
//          granted cited core families international
// ALPHA       2      3     3     2 ({101,102,104},{103})   2 (US 102, WO 104)
// BRAVO       2      2     2     3                         2 (EP 202, EP 203)
// CHARLIE     1      0     1     3                         0
// DELTA       3      2     4     3 ({401,404,405},...)     2 (US 404, EP 405)
// ECHO        0      0     0     3                         0
// highest     3      3     4     3                         2;  lowest families 2

fn dataset(with_grant_status: bool) -> Vec<PatentRecord> {
    APPS.iter()
        .map(|&(num, office, who, country, granted, cited, prio, core)| {
            let mut r = PatentRecord::default();
            r.app.office = office.into();
            r.app.number = num.into();
            r.app.key = app_key(office, num);
            r.app.granted = with_grant_status.then_some(granted);
            r.app.cited_by_count = Some(cited);
            r.app.filing_year = Some(2019);
            patq_testkit::add_applicant(&mut r, who, country);
            r.classes.push(Classification {
                scheme: ClassScheme::Cpc,
                code: normalize_class_code(if core { "H04L9/3239" } else { "G06Q40/04" }).into(),
            });
            if let Some(p) = prio {
                patq_testkit::claim_priority(&mut r, p);
            }
            r
        })
        .collect()
}

fn config(norm: Normalisation) -> RankConfig {
    RankConfig {
        normalisation: norm,
        min_applications: 2,
        top: 3,
        robustness: Robustness {
            bootstrap: 20,
            ..Robustness::default()
        },
        ..RankConfig::default()
    }
}

fn run(recs: &[PatentRecord], cfg: &RankConfig) -> Ranking {
    // No aliases: every applicant name is its own group, country from the applicant.
    let c = Corpus::build(recs, &Harmonizer::from_toml("").unwrap());
    let sel = c.select(&Filters::default());
    rank(&c, &sel, cfg, &Taxonomy::default()).unwrap()
}

/// (group, score) in rank order, scores to 4 decimals.
fn order(r: &Ranking) -> Vec<(&str, f64)> {
    r.rows
        .iter()
        .map(|x| (x.group.as_str(), (x.score * 1e4).round() / 1e4))
        .collect()
}

#[test]
fn max_ratio_by_hand() {
    let r = run(&dataset(true), &config(Normalisation::MaxRatio));
    // Points = value / highest x 100, score = mean of 5 points (weights 20 each):
    // ALPHA   66.667 + 100    + 75  + 66.667 + 100 = 408.333 / 5 = 81.6667
    // BRAVO   66.667 + 66.667 + 50  + 100    + 100 = 383.333 / 5 = 76.6667
    // CHARLIE 33.333 + 0      + 25  + 100    + 0   = 158.333 / 5 = 31.6667
    // DELTA   100    + 66.667 + 100 + 100    + 100 = 466.667 / 5 = 93.3333
    // ECHO    0      + 0      + 0   + 100    + 0   = 100     / 5 = 20
    assert_eq!(
        order(&r),
        [
            ("DELTA", 93.3333),
            ("ALPHA", 81.6667),
            ("BRAVO", 76.6667),
            ("CHARLIE", 31.6667),
            ("ECHO", 20.0)
        ]
    );
    assert_eq!(r.groups, 6, "FOXTROT has applications but is not ranked");
    assert_eq!(r.applications, 20);
    let d = &r.rows[0];
    assert_eq!(d.country, "CN");
    assert_eq!(d.applications, 5);
    let raw: Vec<f64> = d.values.iter().map(|v| v.raw).collect();
    assert_eq!(raw, [3.0, 2.0, 4.0, 3.0, 2.0]);
    // F11 over the TOP 3: DELTA CN, ALPHA CN, BRAVO US.
    let f11: Vec<(&str, u64)> = r
        .top_countries
        .iter()
        .map(|c| (c.country.as_str(), c.companies))
        .collect();
    assert_eq!(f11, [("CN", 2), ("US", 1)]);
    assert_eq!(r.countries_to_csv(), "country,companies\nCN,2\nUS,1\n");
    // Weight grid: DELTA - ALPHA = 33.3 g - 33.3 ci + 25 co + 33.3 f; at worst (ci 25, the
    // others 15) still 500 - 833 + 375 + 500 > 0; ALPHA - BRAVO = 33.3 ci + 25 co - 33.3 f,
    // at worst 500 + 375 - 833 > 0; CHARLIE - ECHO = 33.3 g + 25 co > 0. No rank moves.
    for (i, row) in r.rows.iter().enumerate() {
        let w = row.weight_rank;
        assert_eq!(
            (w.min, w.max),
            (i as u32 + 1, i as u32 + 1),
            "{}",
            row.group
        );
    }
    assert_eq!(r.robustness.weight_scenarios, 243);
    assert!(r.notes.is_empty());
    let csv = r.to_csv();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "rank,group,country,applications,score,granted_count,granted_points,cited_count,\
         cited_points,core_count,core_points,families_count,families_points,\
         international_count,international_points,weights_rank_min,weights_rank_max,\
         weights_rank_p5,weights_rank_p95,bootstrap_rank_min,bootstrap_rank_max,\
         bootstrap_rank_p5,bootstrap_rank_p95"
    );
    assert!(lines.next().unwrap().starts_with(
        "1,DELTA,CN,5,93.3333,3,100.0000,2,66.6667,4,100.0000,3,100.0000,2,100.0000,1,1,1,1,"
    ));
    let table = r.to_table_string(3);
    assert!(table.contains("Normalisation: max-ratio"), "{table}");
    assert!(
        table.contains("Countries of the TOP 3 (F11): CN 2, US 1"),
        "{table}"
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["normalisation"], "max_ratio");
    assert!(json["definition"].as_str().unwrap().starts_with("T2."));
}

#[test]
fn min_max_by_hand() {
    let r = run(&dataset(true), &config(Normalisation::MinMax));
    // Lowest is 0 everywhere but families (2): points as max-ratio except families, where
    // (x - 2) / (3 - 2) gives ALPHA 0 and every other group 100.
    // ALPHA 408.333 - 66.667 = 341.667 / 5 = 68.3333: BRAVO (76.6667) now passes it.
    assert_eq!(
        order(&r),
        [
            ("DELTA", 93.3333),
            ("BRAVO", 76.6667),
            ("ALPHA", 68.3333),
            ("CHARLIE", 31.6667),
            ("ECHO", 20.0)
        ]
    );
}

#[test]
fn percentile_by_hand() {
    let r = run(&dataset(true), &config(Normalisation::Percentile));
    // Points = (groups below + groups equal / 2) / 5 x 100, the group itself counting as equal.
    // granted 2,2,1,3,0 -> 60, 60, 30, 90, 10;   cited 3,2,0,2,0 -> 90, 60, 20, 60, 20
    // core 3,2,1,4,0    -> 70, 50, 30, 90, 10;   families 2,3,3,3,3 -> 10, 60, 60, 60, 60
    // international 2,2,0,2,0 -> 70, 70, 20, 70, 20
    // ALPHA 60+90+70+10+70 = 300/5 = 60; BRAVO 60+60+50+60+70 = 300/5 = 60 (a tie: id order)
    // CHARLIE 30+20+30+60+20 = 32; DELTA 90+60+90+60+70 = 74; ECHO 10+20+10+60+20 = 24
    assert_eq!(
        order(&r),
        [
            ("DELTA", 74.0),
            ("ALPHA", 60.0),
            ("BRAVO", 60.0),
            ("CHARLIE", 32.0),
            ("ECHO", 24.0)
        ]
    );
    // ALPHA - BRAVO = 30 w_cited + 20 w_core - 50 w_families, 0 at equal weights. Over the
    // 27 offsets of those three weights (the other two do not matter, x 9), BRAVO leads in 12
    // (30a + 20b - 50c < 0): ALPHA is 3rd in 108 of 243 scenarios, 2nd in 135. Sorted, the
    // 13th rank (p5) is 2 and the 231st (p95) is 3 for both.
    for g in [1, 2] {
        let w = r.rows[g].weight_rank;
        assert_eq!(
            (w.min, w.max, w.p5, w.p95),
            (2, 3, 2, 3),
            "{}",
            r.rows[g].group
        );
    }
    assert_eq!(r.rows[0].weight_rank.max, 1);
}

#[test]
fn log_max_by_hand() {
    let r = run(&dataset(true), &config(Normalisation::LogMax));
    // Points = ln(1 + x) / ln(1 + highest) x 100; ln2/ln4 = 50, ln3/ln4 = 79.2481,
    // ln2/ln5 = 43.0677, ln3/ln5 = 68.2606, ln4/ln5 = 86.1353, ln2/ln3 = 63.0930.
    // ALPHA   79.2481 + 100     + 86.1353 + 79.2481 + 100 = 444.6315 / 5 = 88.9263
    // BRAVO   79.2481 + 79.2481 + 68.2606 + 100     + 100 = 426.7568 / 5 = 85.3514
    // CHARLIE 50      + 0       + 43.0677 + 100     + 0   = 193.0677 / 5 = 38.6135
    // DELTA   100     + 79.2481 + 100     + 100     + 100 = 479.2481 / 5 = 95.8496
    // ECHO    0 + 0 + 0 + 100 + 0 = 20
    assert_eq!(
        order(&r),
        [
            ("DELTA", 95.8496),
            ("ALPHA", 88.9263),
            ("BRAVO", 85.3514),
            ("CHARLIE", 38.6135),
            ("ECHO", 20.0)
        ]
    );
    assert_eq!(RankConfig::default().normalisation, Normalisation::LogMax);
}

#[test]
fn missing_grant_status_is_dropped_and_said() {
    let r = run(&dataset(false), &config(Normalisation::MaxRatio));
    // Four dimensions, 25% each (max-ratio points as above without granted):
    // ALPHA (100 + 75 + 66.667 + 100) / 4 = 85.4167; BRAVO (66.667 + 50 + 100 + 100) / 4 =
    // 79.1667; CHARLIE (0 + 25 + 100 + 0) / 4 = 31.25; DELTA (66.667 + 100 + 100 + 100) / 4 =
    // 91.6667; ECHO 100 / 4 = 25.
    assert_eq!(
        order(&r),
        [
            ("DELTA", 91.6667),
            ("ALPHA", 85.4167),
            ("BRAVO", 79.1667),
            ("CHARLIE", 31.25),
            ("ECHO", 25.0)
        ]
    );
    assert_eq!(
        r.notes,
        [
            "granted not available: needs grant status; dropped, weights renormalised over the 4 \
          other dimension(s): cited 25.0%, core 25.0%, families 25.0%, international 25.0%"
        ]
    );
    assert_eq!(r.robustness.weight_scenarios, 81);
    let csv = r.to_csv();
    assert!(csv.starts_with("rank,group,country,applications,score,granted,cited_count,"));
    assert!(csv.contains(",not available: needs grant status,"), "{csv}");
    assert!(r.to_table_string(5).contains("Note: granted not available"));
}

#[test]
fn share_variant_from_a_user_file() {
    let cfg = RankConfig::from_toml(
        "name = 'grant rate'\nnormalisation = 'max_ratio'\nmin_applications = 2\n\
         [dimensions.granted]\nweight = 1\nvariant = 'share'\n[robustness]\nbootstrap = 0\n",
    )
    .unwrap();
    let r = run(&dataset(true), &cfg);
    // Grant rates 2/4, 2/3, 1/3, 3/5, 0; highest 2/3 (BRAVO):
    // ALPHA 0.5/0.667 = 75, CHARLIE 50, DELTA 0.6/0.667 = 90, ECHO 0.
    assert_eq!(
        order(&r),
        [
            ("BRAVO", 100.0),
            ("DELTA", 90.0),
            ("ALPHA", 75.0),
            ("CHARLIE", 50.0),
            ("ECHO", 0.0)
        ]
    );
    assert!(r.rows.iter().all(|x| x.bootstrap_rank.is_none()));
    // One dimension: -5/0/+5 on its weight 1 floors at 0, which is dropped: 2 scenarios.
    assert_eq!(r.robustness.weight_scenarios, 2);
}

#[test]
fn pai_preset_by_hand() {
    let mut cfg = Preset::Pai.config().unwrap();
    cfg.min_applications = 2;
    let r = run(&dataset(true), &cfg);
    // One cohort (all 2019), 16 extended families. Family citations: {101,102,104} 3+1+2 = 6,
    // {401,404,405} 5+1 = 6, 201: 4, 203: 1, 601: 2, 602: 1, the rest 0; sum 20, mean 1.25.
    // Relevance = citations / 1.25: 4.8, 4.8, 3.2, 0.8. Coverage (offices, WO excluded):
    // {CN,US,WO} 2, {CN,US,EP} 3, singletons 1. Impact: 9.6, 14.4, 3.2, 0.8.
    // ALPHA 9.6, BRAVO 3.2 + 0.8 = 4, CHARLIE 0, DELTA 14.4, ECHO 0 (ties with CHARLIE, id order).
    // Max-ratio: DELTA 100, ALPHA 66.6667, BRAVO 27.7778.
    assert_eq!(
        order(&r),
        [
            ("DELTA", 100.0),
            ("ALPHA", 66.6667),
            ("BRAVO", 27.7778),
            ("CHARLIE", 0.0),
            ("ECHO", 0.0)
        ]
    );
    assert!((r.rows[1].values[0].raw - 9.6).abs() < 1e-9);
    assert_eq!(r.preset, "pai");
}

#[test]
fn bootstrap_is_seeded() {
    let cfg = config(Normalisation::MaxRatio);
    let a = run(&dataset(true), &cfg);
    let b = run(&dataset(true), &cfg);
    assert_eq!(a, b);
    let mut other = cfg.clone();
    other.robustness.seed = 7;
    let c = run(&dataset(true), &other);
    // Same ranking; the intervals may differ with the seed but always contain valid ranks.
    assert_eq!(order(&a), order(&c));
    for r in &c.rows {
        let i = r.bootstrap_rank.unwrap();
        assert!(1 <= i.min && i.max <= 5);
    }
}
