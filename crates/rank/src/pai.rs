//! A Patent Asset Index-like portfolio value (Ernst & Omland 2011, "The Patent Asset Index - A
//! new approach to benchmark patent portfolios", World Patent Information 33(1) 34-41), built
//! from what the applications already carry: per family, competitive impact = market coverage
//! x technology relevance; a group's value is the sum over its families.

use std::collections::BTreeMap;

use patq_indicators::Corpus;

pub const DEFINITION: &str = "asset index (Patent Asset Index-like, after Ernst & Omland 2011, \
World Patent Information 33(1)): sum over the group's distinct extended families of competitive \
impact = market coverage x technology relevance. Market coverage = number of distinct filing \
offices the family reaches, WO excluded (a PCT filing protects nowhere by itself); unlike the \
original it is not weighted by market size (GDP). Technology relevance = the family's forward \
citations (sum of its members' cited-by counts, so a patent citing two members counts twice) \
divided by the mean of that sum over the selected families of the same earliest filing year \
(1 when that mean is 0), so young families are not punished for having had less time to be cited.";

/// Competitive impact of every extended family (indexed by family id); 0 for families with no
/// application in `sel`, which also stay out of the cohort means.
pub fn competitive_impact(c: &Corpus, sel: &[usize]) -> Vec<f64> {
    let n = c.families.extended_count();
    let mut selected = vec![false; n];
    for &i in sel {
        selected[c.families.extended[i] as usize] = true;
    }
    // Citations and earliest filing year of each family, over all its members in the data.
    let mut cites = vec![0u64; n];
    let mut year: Vec<Option<i32>> = vec![None; n];
    for (i, a) in c.info.iter().enumerate() {
        let f = c.families.extended[i] as usize;
        cites[f] += u64::from(a.cited_by.unwrap_or(0));
        if let Some(y) = a.year {
            year[f] = Some(year[f].map_or(y, |old: i32| old.min(y)));
        }
    }
    let mut cohort: BTreeMap<Option<i32>, (u64, u64)> = BTreeMap::new();
    for f in (0..n).filter(|&f| selected[f]) {
        let e = cohort.entry(year[f]).or_default();
        e.0 += cites[f];
        e.1 += 1;
    }
    (0..n)
        .map(|f| {
            if !selected[f] {
                return 0.0;
            }
            let (sum, count) = cohort[&year[f]];
            let relevance = if sum == 0 {
                1.0
            } else {
                cites[f] as f64 * count as f64 / sum as f64
            };
            let coverage = crate::oecd::protecting_offices(&c.families.extended_info[f]);
            relevance * coverage as f64
        })
        .collect()
}
