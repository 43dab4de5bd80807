//! The four ways a dimension's raw values over the ranked groups become 0..100 points.

use serde::{Deserialize, Serialize};

/// How raw values become points. The population is the set of ranked (eligible) groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalisation {
    /// `x / max * 100`; proportional, the leader scores 100.
    MaxRatio,
    /// `(x - min) / (max - min) * 100`; the last group scores 0.
    MinMax,
    /// Mid-rank percentile `(below + equal / 2) / n * 100`: only the order counts.
    Percentile,
    /// `ln(1 + x) / ln(1 + max) * 100`: compresses the lead of very large portfolios.
    LogMax,
}

impl Normalisation {
    pub const ALL: [Normalisation; 4] = [
        Normalisation::MaxRatio,
        Normalisation::MinMax,
        Normalisation::Percentile,
        Normalisation::LogMax,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Normalisation::MaxRatio => "max_ratio",
            Normalisation::MinMax => "min_max",
            Normalisation::Percentile => "percentile",
            Normalisation::LogMax => "log_max",
        }
    }

    /// The formula, as the output states it.
    pub fn definition(self) -> &'static str {
        match self {
            Normalisation::MaxRatio => {
                "max-ratio: points = value / highest value x 100 (all 0 when the highest is 0)"
            }
            Normalisation::MinMax => {
                "min-max: points = (value - lowest) / (highest - lowest) x 100 (all 0 when every \
                 group has the same value)"
            }
            Normalisation::Percentile => {
                "percentile rank: points = (groups below + groups equal / 2) / groups x 100 \
                 (the group itself counts as equal)"
            }
            Normalisation::LogMax => {
                "log-max: points = ln(1 + value) / ln(1 + highest value) x 100 (all 0 when the \
                 highest is 0)"
            }
        }
    }

    /// Points of each value, in the same order.
    pub fn apply(self, xs: &[f64]) -> Vec<f64> {
        let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
        match self {
            Normalisation::MaxRatio => xs
                .iter()
                .map(|&x| if max > 0.0 { x / max * 100.0 } else { 0.0 })
                .collect(),
            Normalisation::MinMax => xs
                .iter()
                .map(|&x| {
                    if max > min {
                        (x - min) / (max - min) * 100.0
                    } else {
                        0.0
                    }
                })
                .collect(),
            Normalisation::Percentile => {
                let mut sorted = xs.to_vec();
                sorted.sort_by(f64::total_cmp);
                let n = xs.len() as f64;
                xs.iter()
                    .map(|&x| {
                        let below = sorted.partition_point(|&v| v < x);
                        let upto = sorted.partition_point(|&v| v <= x);
                        (below as f64 + (upto - below) as f64 / 2.0) / n * 100.0
                    })
                    .collect()
            }
            Normalisation::LogMax => {
                let den = max.ln_1p();
                xs.iter()
                    .map(|&x| {
                        if den > 0.0 {
                            x.ln_1p() / den * 100.0
                        } else {
                            0.0
                        }
                    })
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-9, "{a:?} != {b:?}");
        }
    }

    #[test]
    fn formulas_by_hand() {
        let xs = [0.0, 10.0, 40.0, 40.0];
        close(
            &Normalisation::MaxRatio.apply(&xs),
            &[0.0, 25.0, 100.0, 100.0],
        );
        close(
            &Normalisation::MinMax.apply(&xs),
            &[0.0, 25.0, 100.0, 100.0],
        );
        // 0: (0 + 1/2)/4 = 12.5; 10: (1 + 1/2)/4 = 37.5; 40: (2 + 2/2)/4 = 75.
        close(
            &Normalisation::Percentile.apply(&xs),
            &[12.5, 37.5, 75.0, 75.0],
        );
        // ln(11)/ln(41) = 2.397895/3.713572 = 0.645712.
        let l = Normalisation::LogMax.apply(&xs);
        assert!((l[1] - 64.5712).abs() < 1e-3, "{l:?}");
        assert_eq!(l[0], 0.0);
        // No spread: nobody earns points (never a division by zero).
        for n in Normalisation::ALL {
            if n != Normalisation::Percentile {
                close(&n.apply(&[0.0, 0.0]), &[0.0, 0.0]);
            }
        }
        close(&Normalisation::MinMax.apply(&[3.0, 3.0]), &[0.0, 0.0]);
        close(&Normalisation::Percentile.apply(&[3.0, 3.0]), &[50.0, 50.0]);
    }
}
