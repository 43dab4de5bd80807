//! How firm each rank is: the ranks a group takes when every weight moves by -step/0/+step
//! (the full 3^d grid, no sampling, so the result is exact and needs no seed) and over seeded
//! bootstrap resamples of every group's applications.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::Prepared;

pub const DEFINITION: &str = "Rank intervals. Weights: every weight moved by -step, 0 or +step \
(floored at 0) in all combinations (3^d scenarios for d dimensions, the unchanged weights \
included), scores recomputed with the perturbed weights divided by their sum. Bootstrap: in \
each resample every ranked group's applications are drawn with replacement (as many as it has), \
its dimensions recomputed (each drawn application adds 1/k of its family, k being the group's \
applications in that family, so the expected family count is the real one), points renormalised over the \
groups and the groups re-ranked; ChaCha8 seeded with the configured seed, one stream per \
resample. Each interval gives the lowest and highest rank seen and the 5th-95th percentile \
(nearest-rank) of the ranks.";

/// The ranks one group took over a set of scenarios.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RankInterval {
    pub min: u32,
    pub max: u32,
    /// 5th percentile of the ranks (nearest-rank method).
    pub p5: u32,
    /// 95th percentile of the ranks (nearest-rank method).
    pub p95: u32,
}

impl RankInterval {
    /// Summarises a non-empty list of ranks.
    pub fn of(mut ranks: Vec<u32>) -> RankInterval {
        ranks.sort_unstable();
        let n = ranks.len();
        let pct = |p: f64| ranks[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
        RankInterval {
            min: ranks[0],
            max: ranks[n - 1],
            p5: pct(0.05),
            p95: pct(0.95),
        }
    }

    /// `p5-p95` as the table shows it (a single number when both agree).
    pub fn span(&self) -> String {
        if self.p5 == self.p95 {
            self.p5.to_string()
        } else {
            format!("{}-{}", self.p5, self.p95)
        }
    }
}

/// Every weight vector of the -step/0/+step grid, the unchanged one first; vectors whose
/// weights are all 0 are left out (they rank nothing).
pub fn weight_grid(weights: &[f64], step: f64) -> Vec<Vec<f64>> {
    let d = weights.len() as u32;
    let mut out = Vec::with_capacity(3usize.pow(d));
    for code in 0..3usize.pow(d) {
        // Digit order 0, +1, -1 makes code 0 the unchanged weights.
        let mut c = code;
        let w: Vec<f64> = weights
            .iter()
            .map(|&w| {
                let off = match c % 3 {
                    0 => 0.0,
                    1 => step,
                    _ => -step,
                };
                c /= 3;
                (w + off).max(0.0)
            })
            .collect();
        if w.iter().any(|&x| x > 0.0) {
            out.push(w);
        }
    }
    out
}

/// Rank intervals of every group under the weight grid, and the number of scenarios.
pub(crate) fn weights(p: &Prepared, points: &[Vec<f64>], step: f64) -> (Vec<RankInterval>, usize) {
    let grid = weight_grid(&p.weights, step);
    let mut seen = vec![Vec::with_capacity(grid.len()); p.ids.len()];
    for w in &grid {
        let ranks = crate::ranks(&crate::composite(points, w), &p.ids);
        for (g, r) in ranks.into_iter().enumerate() {
            seen[g].push(r);
        }
    }
    (seen.into_iter().map(RankInterval::of).collect(), grid.len())
}

/// Rank intervals of every group over `resamples` bootstrap resamples.
pub(crate) fn bootstrap(p: &Prepared, resamples: u32, seed: u64) -> Vec<RankInterval> {
    let mut seen = vec![Vec::with_capacity(resamples as usize); p.ids.len()];
    let mut drawn: Vec<Vec<u32>> = p.apps.iter().map(|a| Vec::with_capacity(a.len())).collect();
    for b in 0..resamples {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(u64::from(b));
        for (apps, out) in p.apps.iter().zip(drawn.iter_mut()) {
            out.clear();
            out.extend((0..apps.len()).map(|_| apps[rng.random_range(0..apps.len())]));
        }
        let points = p.resampled_points(&drawn);
        let ranks = crate::ranks(&crate::composite(&points, &p.weights), &p.ids);
        for (g, r) in ranks.into_iter().enumerate() {
            seen[g].push(r);
        }
    }
    seen.into_iter().map(RankInterval::of).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_percentiles() {
        // 20 ranks 1..=20: p5 = ceil(1)-th = 1, p95 = ceil(19)-th = 19.
        let r = RankInterval::of((1..=20).rev().collect());
        assert_eq!((r.min, r.max, r.p5, r.p95), (1, 20, 1, 19));
        assert_eq!(RankInterval::of(vec![3]).span(), "3");
        assert_eq!(r.span(), "1-19");
    }

    #[test]
    fn grid_is_complete_and_floored() {
        let g = weight_grid(&[20.0, 3.0], 5.0);
        assert_eq!(g.len(), 9);
        assert_eq!(g[0], [20.0, 3.0]);
        assert!(g.contains(&vec![15.0, 0.0]) && g.contains(&vec![25.0, 8.0]));
        // 5 dimensions: 243 scenarios. A single zero weight: its all-zero corner is dropped.
        assert_eq!(weight_grid(&[20.0; 5], 5.0).len(), 243);
        assert_eq!(weight_grid(&[0.0], 5.0), [[5.0]]);
    }
}
