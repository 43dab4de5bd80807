//! Property: multiplying every dimension's raw values by one positive constant (a change of
//! units) leaves the ranks unchanged under max-ratio, min-max and percentile normalisation.

use patq_rank::{Normalisation, composite, normalise_all, ranks};
use proptest::prelude::*;

fn ranked(raw: &[Vec<f64>], weights: &[f64], norm: Normalisation, ids: &[String]) -> Vec<u32> {
    ranks(&composite(&normalise_all(raw, norm), weights), ids)
}

/// (raw values [dimension][group] as counts, weights) for 1-5 dimensions and 2-12 groups.
fn matrix() -> impl Strategy<Value = (Vec<Vec<f64>>, Vec<f64>)> {
    (1usize..=5, 2usize..=12).prop_flat_map(|(d, g)| {
        (
            prop::collection::vec(prop::collection::vec(0u32..2_000, g), d),
            prop::collection::vec(1u32..=40, d),
        )
            .prop_map(|(raw, w)| {
                (
                    raw.into_iter()
                        .map(|v| v.into_iter().map(f64::from).collect())
                        .collect(),
                    w.into_iter().map(f64::from).collect(),
                )
            })
    })
}

proptest! {
    #[test]
    fn scaling_every_dimension_keeps_the_ranks((raw, weights) in matrix(), k in 0.001f64..1_000.0) {
        let ids: Vec<String> = (0..raw[0].len()).map(|g| format!("g{g:02}")).collect();
        let scaled: Vec<Vec<f64>> = raw
            .iter()
            .map(|v| v.iter().map(|x| x * k).collect())
            .collect();
        for norm in [Normalisation::MaxRatio, Normalisation::MinMax, Normalisation::Percentile] {
            prop_assert_eq!(
                ranked(&raw, &weights, norm, &ids),
                ranked(&scaled, &weights, norm, &ids),
                "{}", norm.as_str()
            );
        }
    }
}
