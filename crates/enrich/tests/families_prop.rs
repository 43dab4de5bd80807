//! Property test on synthetic records: simple families numbered by the builder (one-node
//! priority sets through a list, longer ones through a table) equal a naive numbering of the
//! sorted priority-key sets in order of first appearance, and extended families are the
//! connected components of the priority links.

use std::collections::{BTreeMap, BTreeSet};

use patq_enrich::Families;
use patq_model::{PatentRecord, app_key};
use proptest::prelude::*;

/// Application `i` is US`i`; a claim `c` names application US`c` when `c` is below the
/// record count, else an outside filing GB`c`.
fn records(claims: &[Vec<usize>]) -> Vec<PatentRecord> {
    let n = claims.len();
    claims
        .iter()
        .enumerate()
        .map(|(i, cs)| {
            let mut r = PatentRecord::default();
            r.app.office = "US".into();
            r.app.number = i.to_string().into();
            r.app.key = app_key("US", &r.app.number);
            for &c in cs {
                let p = if c < n {
                    format!("US{c}")
                } else {
                    format!("GB{c}")
                };
                patq_testkit::claim_priority(&mut r, &p);
            }
            r
        })
        .collect()
}

/// Numbers `keys` by first appearance.
fn first_appearance<K: Ord + Clone>(keys: &[K]) -> Vec<u32> {
    let mut ids: BTreeMap<K, u32> = BTreeMap::new();
    keys.iter()
        .map(|k| {
            let next = ids.len() as u32;
            *ids.entry(k.clone()).or_insert(next)
        })
        .collect()
}

proptest! {
    #[test]
    fn simple_and_extended_families_match_a_naive_build(
        claims in proptest::collection::vec(proptest::collection::vec(0usize..40, 0..4), 1..30)
    ) {
        let recs = records(&claims);
        let f = Families::build(&recs);
        // Simple: the set of claimed keys, or the application's own key when it claims none.
        let sets: Vec<BTreeSet<String>> = recs
            .iter()
            .map(|r| {
                let own: BTreeSet<String> =
                    r.priorities.iter().map(|p| p.key.to_string()).collect();
                if own.is_empty() { BTreeSet::from([r.app.key.to_string()]) } else { own }
            })
            .collect();
        prop_assert_eq!(&f.simple, &first_appearance(&sets));
        prop_assert_eq!(f.simple_count(), *f.simple.iter().max().unwrap() as usize + 1);
        // Extended: components of application -> claimed key edges, by flooding.
        let n = recs.len();
        let mut comp: Vec<usize> = (0..n).collect();
        loop {
            let mut changed = false;
            for i in 0..n {
                for j in 0..n {
                    let linked = sets[i].contains(recs[j].app.key.as_str())
                        || sets[j].contains(recs[i].app.key.as_str())
                        || recs[i].priorities.iter().any(|p| {
                            recs[j].priorities.iter().any(|q| q.key == p.key)
                        });
                    if linked && comp[i] != comp[j] {
                        let m = comp[i].min(comp[j]);
                        comp[i] = m;
                        comp[j] = m;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        prop_assert_eq!(&f.extended, &first_appearance(&comp));
        for (k, info) in f.simple_info.iter().enumerate() {
            let members = f.simple.iter().filter(|&&s| s as usize == k).count();
            prop_assert_eq!(info.size as usize, members);
        }
    }
}
