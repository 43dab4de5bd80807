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
}

/// Counts (portfolio size matters) or shares of the group's applications (quality per filing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    #[default]
    Count,
    /// The count divided by the group's applications in the selection (grant rate, citation
    /// rate, core share, families per application, international share, asset value per
    /// application).
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
                 application of the group in the selection"
            }
            Dimension::International => {
                "international patents: applications filed at an office other than the \
                 company's home country (WO/PCT included)"
            }
            Dimension::AssetIndex => crate::pai::DEFINITION,
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
}

/// Raw value of `dim` over `apps` (indices into `facts`, repeats allowed). `impact` is the
/// competitive impact of each extended family (only read by [`Dimension::AssetIndex`]).
pub(crate) fn raw_value(
    dim: Dimension,
    variant: Variant,
    facts: &[AppFacts],
    apps: &[u32],
    impact: &[f64],
    scratch: &mut Vec<u32>,
) -> f64 {
    let count = |f: fn(&AppFacts) -> bool| apps.iter().filter(|&&i| f(&facts[i as usize])).count();
    let v = match dim {
        Dimension::Granted => count(|a| a.granted) as f64,
        Dimension::Cited => count(|a| a.cited) as f64,
        Dimension::Core => count(|a| a.core) as f64,
        Dimension::International => count(|a| a.international) as f64,
        Dimension::Families => distinct_families(facts, apps, scratch).len() as f64,
        Dimension::AssetIndex => distinct_families(facts, apps, scratch)
            .iter()
            .map(|&f| impact[f as usize])
            .sum(),
    };
    match variant {
        Variant::Count => v,
        Variant::Share if apps.is_empty() => 0.0,
        Variant::Share => v / apps.len() as f64,
    }
}

fn distinct_families<'s>(facts: &[AppFacts], apps: &[u32], scratch: &'s mut Vec<u32>) -> &'s [u32] {
    scratch.clear();
    scratch.extend(apps.iter().map(|&i| facts[i as usize].family));
    scratch.sort_unstable();
    scratch.dedup();
    scratch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_values_count_repeats_but_not_repeated_families() {
        let f = |granted, family| AppFacts {
            granted,
            cited: false,
            core: false,
            international: true,
            family,
        };
        let facts = [f(true, 0), f(false, 0), f(true, 1)];
        let impact = [2.0, 0.5];
        let mut s = Vec::new();
        // A resample holding application 0 twice and 1 once: 2 grants, 1 family (0).
        let apps = [0, 0, 1];
        let v = |d, var| raw_value(d, var, &facts, &apps, &impact, &mut Vec::new());
        assert_eq!(v(Dimension::Granted, Variant::Count), 2.0);
        assert!((v(Dimension::Granted, Variant::Share) - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(v(Dimension::Families, Variant::Count), 1.0);
        assert_eq!(v(Dimension::International, Variant::Count), 3.0);
        assert_eq!(v(Dimension::AssetIndex, Variant::Count), 2.0);
        let all = [0, 1, 2];
        assert_eq!(
            raw_value(
                Dimension::AssetIndex,
                Variant::Count,
                &facts,
                &all,
                &impact,
                &mut s
            ),
            2.5
        );
        assert_eq!(
            raw_value(
                Dimension::Families,
                Variant::Share,
                &facts,
                &all,
                &impact,
                &mut s
            ),
            2.0 / 3.0
        );
    }
}
