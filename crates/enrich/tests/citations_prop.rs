//! Property test on synthetic records: forward citations by inversion equal a naive O(n^2)
//! count over the generated citing -> cited targets, whatever way the numbers are written.

use std::collections::BTreeSet;

use patq_enrich::{CitationGraph, Families};
use patq_model::{Citation, PatentRecord, Priority, PubClass, Publication, app_key};
use proptest::prelude::*;

/// A generated citation: its target (a record index, or an outside number) and how it is
/// written.
#[derive(Clone, Debug)]
enum Target {
    Record(usize, u8),
    Outside(u32),
}

fn office(j: usize) -> &'static str {
    if j.is_multiple_of(3) { "EP" } else { "US" }
}

/// Synthetic record `j`: publication number `1000 + 7j`, written one of three ways;
/// application number `77<7j>` never collides with publication numbers.
fn record(j: usize, style: u8, prio: Option<usize>) -> PatentRecord {
    let o = office(j);
    let b = 1000 + 7 * j;
    let mut r = PatentRecord::default();
    r.app.office = o.into();
    r.app.number = format!("77{}", 7 * j).into();
    r.app.key = app_key(o, &r.app.number);
    let number = match style % 3 {
        0 => b.to_string(),
        1 => format!("0{b}"),
        _ => format!("{o}{b}B1"),
    };
    r.publications.push(Publication {
        office: o.into(),
        number: number.into(),
        kind: "B1".into(),
        date: None,
        class: PubClass::Grant,
        source_id: None,
    });
    if let Some(p) = prio {
        r.priorities.push(Priority {
            office: office(p).into(),
            number: patq_model::format_text!("77{}", 7 * p),
            kind: None,
            date: None,
            key: app_key(office(p), &format!("77{}", 7 * p)),
        });
    }
    r
}

fn citation(t: &Target) -> Citation {
    let (o, number, kind) = match *t {
        Target::Record(j, style) => {
            let b = 1000 + 7 * j;
            let o = office(j);
            match style % 4 {
                0 => (o, b.to_string(), Some("A1")),
                1 => (o, format!("00{b}"), None),
                2 => (o, format!("{o} {b}"), Some("B2")),
                _ => (o, format!("{b}A1"), None),
            }
        }
        // Below 1000: no record's publication or application number.
        Target::Outside(x) => ("US", x.to_string(), Some("A")),
    };
    Citation {
        office: Some(o.into()),
        number: number.into(),
        kind: kind.map(Into::into),
        date: None,
        category: None,
        cited_by: None,
        source_id: None,
    }
}

fn dataset() -> impl Strategy<Value = (Vec<PatentRecord>, Vec<Vec<Target>>, Vec<Option<u8>>)> {
    (2usize..25).prop_flat_map(|n| {
        let target = prop_oneof![
            4 => (0..n, any::<u8>()).prop_map(|(j, s)| Target::Record(j, s)),
            1 => (1u32..999).prop_map(Target::Outside),
        ];
        prop::collection::vec(
            (
                any::<u8>(),
                prop::option::weighted(0.3, 0..n),
                prop::collection::vec(target, 0..6),
                prop::option::of(0u8..3),
            ),
            n,
        )
        .prop_map(|rows| {
            let mut recs = Vec::new();
            let mut targets = Vec::new();
            let mut groups = Vec::new();
            for (j, (style, prio, ts, g)) in rows.into_iter().enumerate() {
                let mut r = record(j, style, prio);
                r.citations = ts.iter().map(citation).collect();
                recs.push(r);
                targets.push(ts);
                groups.push(g);
            }
            (recs, targets, groups)
        })
    })
}

proptest! {
    #[test]
    fn inversion_equals_naive_count((recs, targets, groups) in dataset()) {
        let n = recs.len();
        let g = CitationGraph::build(&recs);
        let cites = |i: usize, j: usize| {
            targets[i].iter().any(|t| matches!(t, Target::Record(k, _) if *k == j))
        };
        let naive: Vec<u32> = (0..n)
            .map(|j| (0..n).filter(|&i| i != j && cites(i, j)).count() as u32)
            .collect();
        prop_assert_eq!(g.forward_counts(), naive.clone());

        let all: Vec<&Target> = targets.iter().flatten().collect();
        let outside = all.iter().filter(|t| matches!(t, Target::Outside(_))).count() as u64;
        let self_loops = targets
            .iter()
            .enumerate()
            .map(|(i, ts)| ts.iter().filter(|t| matches!(t, Target::Record(k, _) if *k == i)).count())
            .sum::<usize>() as u64;
        let edges: u64 = naive.iter().map(|&c| u64::from(c)).sum();
        prop_assert_eq!(g.stats.seen, all.len() as u64);
        prop_assert_eq!(g.stats.unresolved, outside);
        prop_assert_eq!(g.stats.self_loops, self_loops);
        prop_assert_eq!(g.stats.edges, edges);
        prop_assert_eq!(g.stats.duplicates, g.stats.resolved - self_loops - edges);

        let excl: Vec<u32> = (0..n)
            .map(|j| {
                (0..n)
                    .filter(|&i| i != j && cites(i, j))
                    .filter(|&i| groups[j].is_none() || groups[i] != groups[j])
                    .count() as u32
            })
            .collect();
        prop_assert_eq!(g.forward_excluding_group(&groups), excl);

        let f = Families::build(&recs);
        let fam = &f.extended;
        let fc = g.family_citations(&f);
        for (fj, &count) in fc.per_family.iter().enumerate() {
            let citing: BTreeSet<u32> = (0..n)
                .filter(|&j| fam[j] as usize == fj)
                .flat_map(|j| (0..n).filter(move |&i| cites(i, j)))
                .map(|i| fam[i])
                .filter(|&fi| fi as usize != fj)
                .collect();
            prop_assert_eq!(count, citing.len() as u32);
        }
        for j in 0..n {
            let citing: BTreeSet<u32> = (0..n)
                .filter(|&i| cites(i, j) && fam[i] != fam[j])
                .map(|i| fam[i])
                .collect();
            prop_assert_eq!(fc.per_app[j], citing.len() as u32);
        }
    }
}
