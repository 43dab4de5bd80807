//! Prints the calibration figures of a generated corpus straight from the generator, for
//! tuning the constants: `cargo run --release -p patq-synth --example synth_stats -- 55000 42`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Datelike;
use patq_synth::Generator;

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(55_000);
    let seed = args.get(1).copied().unwrap_or(42);
    let mut g = Generator::new(n, seed);
    #[derive(Default)]
    struct C {
        apps: u64,
        fams: u64,
        multi: u64,
        intl: u64,
        granted: u64,
        cited: u64,
        huge: u64,
    }
    let mut by: BTreeMap<&str, C> = BTreeMap::new();
    let mut company_apps: HashMap<String, u64> = HashMap::new();
    let mut cn_2020: HashSet<String> = HashSet::new();
    let mut cnipa_year: BTreeMap<i32, (u64, u64)> = BTreeMap::new();
    let mut huge_by: HashMap<String, u64> = HashMap::new();
    let mut bands = [0u64; 3];
    while let Some(f) = g.next_family() {
        let c = by.entry(f.country).or_default();
        c.fams += 1;
        c.apps += f.apps.len() as u64;
        c.multi += (f.apps.len() >= 2) as u64;
        c.huge += (f.apps.len() > 10) as u64;
        if f.apps.len() > 10 {
            *huge_by.entry(f.applicants[0].0.clone()).or_default() += 1;
        }
        for a in &f.apps {
            c.intl += (a.office != f.country) as u64;
            c.granted += a.grant.is_some() as u64;
            c.cited += (a.cited_by > 0) as u64;
            if f.country == "CN" {
                *company_apps.entry(f.applicants[0].0.clone()).or_default() += 1;
                if a.filing.year() == 2020 {
                    cn_2020.insert(f.applicants[0].0.clone());
                }
                if a.cited_by > 0 {
                    bands[match a.cited_by {
                        1..=2 => 0,
                        3..=10 => 1,
                        _ => 2,
                    }] += 1;
                }
                if a.office == "CN" && !a.utility_model {
                    let e = cnipa_year.entry(a.filing.year()).or_default();
                    e.0 += 1;
                    e.1 += a.grant.is_some() as u64;
                }
            }
        }
    }
    let total: u64 = by.values().map(|c| c.apps).sum();
    let fams: u64 = by.values().map(|c| c.fams).sum();
    let multi: u64 = by.values().map(|c| c.multi).sum();
    let pct = |a: u64, b: u64| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "applications {total}, families {fams}, multi {:.1}%",
        pct(multi, fams)
    );
    println!(
        "granted {:.2}%, cited {:.2}%",
        pct(by.values().map(|c| c.granted).sum(), total),
        pct(by.values().map(|c| c.cited).sum(), total)
    );
    for (k, c) in &by {
        println!(
            "{k}: apps {:>7} ({:.1}%) fams {:>6} multi {:.1}% intl {:.1}% grant {:.1}% cited {:.1}% >10 {}",
            c.apps,
            pct(c.apps, total),
            c.fams,
            pct(c.multi, c.fams),
            pct(c.intl, c.apps),
            pct(c.granted, c.apps),
            pct(c.cited, c.apps),
            c.huge
        );
    }
    let mut t1 = [0u64; 6];
    for &a in company_apps.values() {
        t1[match a {
            0..=9 => 0,
            10..=49 => 1,
            50..=99 => 2,
            100..=499 => 3,
            500..=999 => 4,
            _ => 5,
        }] += 1;
    }
    println!(
        "CN companies {} bands 1-9/10-49/50-99/100-499/500-999/>=1000: {t1:?}",
        company_apps.len()
    );
    let mut top: Vec<(&String, &u64)> = company_apps.iter().collect();
    top.sort_by_key(|b| std::cmp::Reverse(*b.1));
    println!("CN top: {:?}", &top[..5.min(top.len())]);
    println!("CN companies filing in 2020: {}", cn_2020.len());
    println!(
        "CN cited bands 1-2/3-10/>10: {:.1}% {:.1}% {:.1}%",
        pct(bands[0], bands.iter().sum()),
        pct(bands[1], bands.iter().sum()),
        pct(bands[2], bands.iter().sum())
    );
    for (y, (a, gr)) in &cnipa_year {
        println!("CNIPA {y}: {a} apps, grant rate {:.1}%", pct(*gr, *a));
    }
    let mut h: Vec<_> = huge_by.into_iter().collect();
    h.sort_by_key(|b| std::cmp::Reverse(b.1));
    println!("families > 10 by holder: {:?}", &h[..3.min(h.len())]);
}
