//! The dimensions a group is scored on, what each counts, whether the dataset can answer it,
//! and their raw values computed from a list of a group's applications (the same code serves
//! the ranking and every bootstrap resample, where an application may appear several times).

use serde::{Deserialize, Serialize};

/// A scored dimension. Configuration keys are the snake_case names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Granted applications (METHODOLOGY.md "Granted").
    Granted,
    /// Applications with at least one forward citation.
    Cited,
    /// Underlying (core) technology patents by the taxonomy's split.
    Core,
    /// Distinct extended (INPADOC-style) families with a member of the group.
    Families,
    /// Applications filed outside the company's home country (WO included).
    International,
    /// Patent Asset Index-like portfolio value: sum over the group's families of market
    /// coverage x technology relevance (see [`crate::pai`]).
    AssetIndex,
    /// OECD composite quality (Squicciarini, Dernis & Criscuolo 2013): per application the mean
    /// of its cohort-normalised forward citations within 5 years, family size, claims and
    /// generality (see [`crate::oecd`]); summed (count) or averaged (share) per group.
    OecdQuality,
}

/// Counts (portfolio size matters) or shares of the group's applications (quality per filing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    #[default]
    Count,
    /// The count divided by the group's applications in the selection (grant rate, citation
    /// rate, core share, families per application, international share, asset value per
    /// application, mean OECD composite quality).
    Share,
}

impl Variant {
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Count => "count",
            Variant::Share => "share",
        }
    }
}

impl Dimension {
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Granted => "granted",
            Dimension::Cited => "cited",
            Dimension::Core => "core",
            Dimension::Families => "families",
            Dimension::International => "international",
            Dimension::AssetIndex => "asset_index",
            Dimension::OecdQuality => "oecd_quality",
        }
    }

    /// Short column heading of the plain-text table.
    pub fn heading(self) -> &'static str {
        match self {
            Dimension::Granted => "Grants",
            Dimension::Cited => "Cited",
            Dimension::Core => "Core",
            Dimension::Families => "Fams",
            Dimension::International => "Intl",
            Dimension::AssetIndex => "PAI",
            Dimension::OecdQuality => "OECD",
        }
    }

    /// What is counted, as the output states it.
    pub fn definition(self) -> &'static str {
        match self {
            Dimension::Granted => {
                "granted patents: applications with a grant publication or a granted flag \
                 (utility models are not grants)"
            }
            Dimension::Cited => "cited patents: applications with >= 1 forward citation",
            Dimension::Core => {
                "underlying-technology patents: applications the taxonomy's split puts in core \
                 technology (matches the core rule, not the application rule)"
            }
            Dimension::Families => {
                "patent families: distinct extended (INPADOC-style) families with at least one \
                 application of the group in the selection; families are linked through \
                 priority claims, PCT entries, earliest-filing ids and the source's DOCDB/INPADOC \
                 family ids (a family counts once however many of its members the export has, \
                 and the source's stated family sizes do not change a count of families)"
            }
            Dimension::International => {
                "international patents: applications filed at an office other than the \
                 company's home country (WO/PCT included)"
            }
            Dimension::AssetIndex => crate::pai::DEFINITION,
            Dimension::OecdQuality => crate::oecd::DEFINITION,
        }
    }

    /// The data field the dimension needs, named in "not available" notes.
    pub(crate) fn needs(self) -> &'static str {
        match self {
            Dimension::Granted => "grant status",
            Dimension::Cited | Dimension::AssetIndex => "forward citation counts",
            Dimension::Core => "classification codes or titles/abstracts",
            Dimension::Families => "applications",
            Dimension::International => "company country",
            Dimension::OecdQuality => {
                "two of: citation lists with filing dates, applications, claim counts, classes \
                 of citing applications"
            }
        }
    }
}

/// The facts of one application the dimensions read.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct AppFacts {
    pub granted: bool,
    pub cited: bool,
    pub core: bool,
    pub international: bool,
    /// Extended family id.
    pub family: u32,
    /// 1 / the group's selected applications in that family: the application's share of the
    /// family, so that shares summed over a resample estimate the family count.
    pub family_share: f64,
    /// OECD composite quality, 0..1 (0 unless that dimension is used).
    pub quality: f64,
}

/// How families are counted over a list of applications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Counting {
    /// The group's own applications: distinct families, exactly.
    Exact,
    /// A bootstrap resample: the sum of the drawn applications' family shares. Counting
    /// distinct families among draws with replacement would shrink every group's count
    /// (about 63% of the applications of a sample of n draws from n are distinct); summed
    /// shares have the exact count as their expectation.
    Resample,
}

/// Raw value of `dim` over `apps` (indices into `facts`, repeats allowed). `impact` is the
/// competitive impact of each extended family (only read by [`Dimension::AssetIndex`]).
pub(crate) fn raw_value(
    dim: Dimension,
    variant: Variant,
    facts: &[AppFacts],
    apps: &[u32],
    impact: &[f64],
    counting: Counting,
    scratch: &mut Vec<u32>,
) -> f64 {
    let count = |f: fn(&AppFacts) -> bool| apps.iter().filter(|&&i| f(&facts[i as usize])).count();
    let family_sum = |value: &dyn Fn(u32) -> f64, scratch: &mut Vec<u32>| match counting {
        Counting::Exact => {
            scratch.clear();
            scratch.extend(apps.iter().map(|&i| facts[i as usize].family));
            scratch.sort_unstable();
            scratch.dedup();
            scratch.iter().map(|&f| value(f)).sum()
        }
        Counting::Resample => apps
            .iter()
            .map(|&i| {
                let a = &facts[i as usize];
                a.family_share * value(a.family)
            })
            .sum(),
    };
    let v = match dim {
        Dimension::Granted => count(|a| a.granted) as f64,
        Dimension::Cited => count(|a| a.cited) as f64,
        Dimension::Core => count(|a| a.core) as f64,
        Dimension::International => count(|a| a.international) as f64,
        Dimension::Families => family_sum(&|_| 1.0, scratch),
        Dimension::AssetIndex => family_sum(&|f| impact[f as usize], scratch),
        Dimension::OecdQuality => apps.iter().map(|&i| facts[i as usize].quality).sum(),
    };
    match variant {
        Variant::Count => v,
        Variant::Share if apps.is_empty() => 0.0,
        Variant::Share => v / apps.len() as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_values_exact_and_resampled() {
        // Applications 0 and 1 share family 0 (share 1/2 each), application 2 is family 1.
        let f = |granted, family, family_share| AppFacts {
            granted,
            cited: false,
            core: false,
            international: true,
            family,
            family_share,
            quality: f64::from(u8::from(granted)) / 2.0,
        };
        let facts = [f(true, 0, 0.5), f(false, 0, 0.5), f(true, 1, 1.0)];
        let impact = [2.0, 0.5];
        let v =
            |d, var, apps: &[u32], c| raw_value(d, var, &facts, apps, &impact, c, &mut Vec::new());
        let all = [0, 1, 2];
        assert_eq!(
            v(Dimension::Families, Variant::Count, &all, Counting::Exact),
            2.0
        );
        assert_eq!(
            v(
                Dimension::Families,
                Variant::Count,
                &all,
                Counting::Resample
            ),
            2.0
        );
        assert_eq!(
            v(Dimension::Families, Variant::Share, &all, Counting::Exact),
            2.0 / 3.0
        );
        assert_eq!(
            v(Dimension::AssetIndex, Variant::Count, &all, Counting::Exact),
            2.5
        );
        assert_eq!(
            v(
                Dimension::AssetIndex,
                Variant::Count,
                &all,
                Counting::Resample
            ),
            2.5
        );
        // A resample drawing application 0 twice and 2 once: 3 grants, 3 international; family
        // 0 counts 1/2 + 1/2 = 1 and family 1 counts 1 (2 families), asset 2 + 0.5.
        let draw = [0, 0, 2];
        assert_eq!(
            v(
                Dimension::Granted,
                Variant::Count,
                &draw,
                Counting::Resample
            ),
            3.0
        );
        assert!(
            (v(
                Dimension::Granted,
                Variant::Share,
                &draw,
                Counting::Resample
            ) - 1.0)
                .abs()
                < 1e-12
        );
        assert_eq!(
            v(
                Dimension::International,
                Variant::Count,
                &draw,
                Counting::Resample
            ),
            3.0
        );
        assert_eq!(
            v(
                Dimension::Families,
                Variant::Count,
                &draw,
                Counting::Resample
            ),
            2.0
        );
        assert_eq!(
            v(
                Dimension::AssetIndex,
                Variant::Count,
                &draw,
                Counting::Resample
            ),
            2.5
        );
        // OECD quality 0.5, 0, 0.5: summed 1, averaged 1/3; the draw sums 0.5 + 0.5 + 0.5.
        assert_eq!(
            v(
                Dimension::OecdQuality,
                Variant::Count,
                &all,
                Counting::Exact
            ),
            1.0
        );
        assert!(
            (v(
                Dimension::OecdQuality,
                Variant::Share,
                &all,
                Counting::Exact
            ) - 1.0 / 3.0)
                .abs()
                < 1e-12
        );
        assert_eq!(
            v(
                Dimension::OecdQuality,
                Variant::Count,
                &draw,
                Counting::Resample
            ),
            1.5
        );
        // Drawing 1 three times: family 0 counts 1.5 (it is over-represented, as bootstrap draws are).
        assert_eq!(
            v(
                Dimension::Families,
                Variant::Count,
                &[1, 1, 1],
                Counting::Resample
            ),
            1.5
        );
    }
}
