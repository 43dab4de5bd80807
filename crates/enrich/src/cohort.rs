//! Cohort-normalised forward citations: an application's count divided by the mean count of
//! its cohort (filing year x technology section), since raw counts punish young patents and
//! fields that cite little.
//!
//! Cohort = (filing year, section) where the section is the first letter (A-H, Y) of the
//! application's first CPC class, else of its first IPC class, else `?`; a missing filing
//! year is a cohort of its own (`None`). The mean is taken over the applications of the
//! cohort whose count is known, over the whole record set given (not a filtered selection, so
//! filtering never changes an application's index). Index = count / cohort mean: 1.0 is
//! average for the cohort, 2.0 twice the average. A cohort whose mean is 0 (nobody cited) gives
//! `None` for all its members, as does an unknown count: the ratio is undefined, not 0.

use std::collections::HashMap;

use patq_model::{ClassScheme, PatentRecord};
use serde::Serialize;

/// The comparison group of an application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Cohort {
    pub year: Option<i32>,
    /// `A`-`H`, `Y`, or `?` when the application has no CPC or IPC class.
    pub section: char,
}

fn section_of(r: &PatentRecord, scheme: ClassScheme) -> Option<char> {
    r.classes
        .iter()
        .find(|c| c.scheme == scheme)
        .and_then(|c| c.code.chars().next())
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
}

impl Cohort {
    pub fn of(r: &PatentRecord) -> Cohort {
        let section = section_of(r, ClassScheme::Cpc)
            .or_else(|| section_of(r, ClassScheme::Ipc))
            .unwrap_or('?');
        Cohort {
            year: r.app.filing_year,
            section,
        }
    }
}

/// `counts[i] / mean(counts of cohort[i])`, see the module docs; `counts` and `cohorts` are
/// parallel.
pub fn cohort_index(counts: &[Option<u32>], cohorts: &[Cohort]) -> Vec<Option<f64>> {
    let mut sums: HashMap<Cohort, (u64, u64)> = HashMap::new();
    for (c, k) in counts.iter().zip(cohorts) {
        if let Some(c) = c {
            let e = sums.entry(*k).or_insert((0, 0));
            e.0 += u64::from(*c);
            e.1 += 1;
        }
    }
    counts
        .iter()
        .zip(cohorts)
        .map(|(c, k)| {
            let c = (*c)?;
            let &(sum, n) = sums.get(k)?;
            // mean = sum / n, so c / mean = c * n / sum.
            (sum > 0).then(|| f64::from(c) * n as f64 / sum as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use patq_model::Classification;

    fn rec(year: Option<i32>, classes: &[(ClassScheme, &str)]) -> PatentRecord {
        let mut r = PatentRecord::default();
        r.app.filing_year = year;
        r.classes = classes
            .iter()
            .map(|&(scheme, code)| Classification {
                scheme,
                code: code.into(),
            })
            .collect();
        r
    }

    #[test]
    fn cohorts_prefer_cpc_then_ipc() {
        let a = rec(
            Some(2015),
            &[
                (ClassScheme::Ipc, "G06F16/27"),
                (ClassScheme::Cpc, "H04L9/32"),
            ],
        );
        assert_eq!(Cohort::of(&a).section, 'H');
        let b = rec(Some(2015), &[(ClassScheme::Ipc, "G06Q20/06")]);
        assert_eq!(Cohort::of(&b).section, 'G');
        let c = rec(None, &[(ClassScheme::Uspc, "705/64")]);
        assert_eq!(
            Cohort::of(&c),
            Cohort {
                year: None,
                section: '?'
            }
        );
    }

    #[test]
    fn index_is_count_over_cohort_mean() {
        let h15 = Cohort {
            year: Some(2015),
            section: 'H',
        };
        let g15 = Cohort {
            year: Some(2015),
            section: 'G',
        };
        // H 2015: counts 0, 2, 4 (mean 2) and one unknown; G 2015: 0, 0 (mean 0).
        let counts = [Some(0), Some(2), Some(4), None, Some(0), Some(0)];
        let cohorts = [h15, h15, h15, h15, g15, g15];
        assert_eq!(
            cohort_index(&counts, &cohorts),
            vec![Some(0.0), Some(1.0), Some(2.0), None, None, None]
        );
    }
}
