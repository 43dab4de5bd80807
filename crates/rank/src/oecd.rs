//! The OECD-style composite patent quality indicator (Squicciarini, Dernis & Criscuolo 2013,
//! "Measuring Patent Quality: Indicators of Technological and Economic Value", OECD Science,
//! Technology and Industry Working Papers 2013/03, doi:10.1787/5k4522wkw1r8-en), computed per
//! application from whichever of its four components the data can give.
//!
//! Per application: (a) forward citations within 5 years, (b) family size, (c) claims,
//! (d) generality. Each is winsorised and divided by its cohort's maximum (cohort = filing
//! year x technology field, [`patq_enrich::Cohort`]), giving 0..1; the composite is the mean of
//! the application's known normalised components. Departures from the paper, all forced by
//! what the data holds, are listed in [`DEFINITION`].

use std::collections::BTreeMap;

use patq_enrich::{CitationGraph, Cohort, FamilyInfo};
use patq_indicators::{Availability, Corpus};
use patq_model::{ClassScheme, PatentRecord};
use serde::Serialize;

use crate::RankError;

pub const DEFINITION: &str = "OECD composite quality (after Squicciarini, Dernis & Criscuolo \
2013, OECD STI Working Paper 2013/03): per application the mean of its known normalised \
components among (a) forward citations within 5 years: distinct applications of the dataset \
citing it and filed at most 5 calendar years after its filing date (the paper counts from \
publication; self-citations included; only citations inside the dataset are seen); (b) family \
size: distinct filing offices of its extended (INPADOC-style) family, WO excluded (the paper's \
number of offices protecting the invention); (c) claims: number of claims; (d) generality: \
1 - sum_j s_j^2 over the 4-character CPC subclasses (IPC when a citing application has no \
CPC) of the applications citing it, each citing application weighing 1 split equally over its \
distinct subclasses, s_j the share of subclass j (no small-sample correction; unknown when no \
citing application has a class). Each component is normalised within its cohort (filing year \
x section of the first CPC class, else IPC; the paper uses the WIPO 35 fields) over every \
application of the dataset with a known value: with n values and k = floor(n / 100), values \
below the (k+1)-th smallest are raised to it and values above the (k+1)-th largest lowered to \
it (top and bottom 1% winsorised; cohorts under 100 values are left as they are), then divided \
by the cohort's largest value (0 when that is 0). A component no selected application has is \
dropped; at least 2 of the 4 are required. A company's value is the sum (count variant) or mean \
(share variant) of its applications' composites.";

/// Citation window of component (a), in years after the cited application's filing date.
pub const WINDOW_YEARS: u32 = 5;

/// One of the four components.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    ForwardCitations5y,
    FamilySize,
    Claims,
    Generality,
}

impl Component {
    pub const ALL: [Component; 4] = [
        Component::ForwardCitations5y,
        Component::FamilySize,
        Component::Claims,
        Component::Generality,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Component::ForwardCitations5y => "forward_citations_5y",
            Component::FamilySize => "family_size",
            Component::Claims => "claims",
            Component::Generality => "generality",
        }
    }

    /// Words for notes and errors.
    pub fn label(self) -> &'static str {
        match self {
            Component::ForwardCitations5y => "forward citations within 5 years",
            Component::FamilySize => "family size",
            Component::Claims => "claims",
            Component::Generality => "generality",
        }
    }

    /// The data the component needs, named when it is missing.
    pub fn needs(self) -> &'static str {
        match self {
            Component::ForwardCitations5y => {
                "citation lists linking applications of the dataset, with filing dates (a \
                 source's cited-by count cannot be windowed)"
            }
            Component::FamilySize => "applications",
            Component::Claims => "claim counts",
            Component::Generality => {
                "citation lists linking applications of the dataset and the CPC/IPC classes of \
                 the citing applications"
            }
        }
    }
}

/// Per-application values of the four components over every record of a corpus (indexed
/// `[component][record]`, components in [`Component::ALL`] order).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Components {
    pub raw: [Vec<Option<f64>>; 4],
    /// Winsorised and divided by the cohort maximum: 0..1.
    pub normalised: [Vec<Option<f64>>; 4],
}

/// What the composite of one selection used.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComponentInfo {
    pub component: Component,
    pub availability: Availability,
    /// Selected applications with a known value.
    pub known: u64,
}

/// The composite quality of every record, and which components made it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quality {
    pub definition: &'static str,
    pub components: Vec<ComponentInfo>,
    /// 0..1 per record of the corpus (only the selection's are meaningful: components no
    /// selected application has are left out for every record); None when no available
    /// component is known, which cannot happen while family size is available.
    #[serde(skip)]
    pub composite: Vec<Option<f64>>,
}

/// Filing offices of a family that protect something: WO is left out, a PCT filing protects
/// nowhere by itself. Shared with the asset index's market coverage.
pub(crate) fn protecting_offices(f: &FamilyInfo) -> usize {
    f.offices.iter().filter(|o| o.as_str() != "WO").count()
}

/// Distinct 4-character subclasses of a record's CPC classes, else of its IPC classes.
fn subclasses(r: &PatentRecord) -> Vec<&str> {
    let of = |scheme| -> Vec<&str> {
        r.classes
            .iter()
            .filter(|c| c.scheme == scheme)
            .filter_map(|c| c.code.get(..4))
            .collect()
    };
    let mut v = of(ClassScheme::Cpc);
    if v.is_empty() {
        v = of(ClassScheme::Ipc);
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// Generality of one application from the subclass lists of the applications citing it.
pub fn generality<'a>(citing: impl IntoIterator<Item = &'a [&'a str]>) -> Option<f64> {
    let mut weight: BTreeMap<&str, f64> = BTreeMap::new();
    let mut n = 0u32;
    for subs in citing.into_iter().filter(|s| !s.is_empty()) {
        n += 1;
        let w = 1.0 / subs.len() as f64;
        for s in subs {
            *weight.entry(s).or_insert(0.0) += w;
        }
    }
    let n = f64::from(n);
    (n > 0.0).then(|| 1.0 - weight.values().map(|w| (w / n).powi(2)).sum::<f64>())
}

fn generality_all(records: &[PatentRecord], g: &CitationGraph) -> Vec<Option<f64>> {
    let subs: Vec<Vec<&str>> = records.iter().map(subclasses).collect();
    (0..records.len())
        .map(|i| generality(g.citing(i).iter().map(|&s| subs[s as usize].as_slice())))
        .collect()
}

/// `(low, high)` winsorising bounds of an ascending, non-empty list: the (k+1)-th smallest and
/// largest values, k = floor(n / 100).
pub fn trim_bounds(sorted: &[f64]) -> (f64, f64) {
    let k = sorted.len() / 100;
    (sorted[k], sorted[sorted.len() - 1 - k])
}

/// Winsorises each known value within its cohort and divides it by the cohort's (trimmed)
/// maximum; `values` and `cohorts` are parallel.
pub fn cohort_normalise(values: &[Option<f64>], cohorts: &[Cohort]) -> Vec<Option<f64>> {
    let mut by: BTreeMap<Cohort, Vec<f64>> = BTreeMap::new();
    for (v, k) in values.iter().zip(cohorts) {
        if let Some(v) = v {
            by.entry(*k).or_default().push(*v);
        }
    }
    let bounds: BTreeMap<Cohort, (f64, f64)> = by
        .into_iter()
        .map(|(k, mut xs)| {
            xs.sort_by(f64::total_cmp);
            (k, trim_bounds(&xs))
        })
        .collect();
    values
        .iter()
        .zip(cohorts)
        .map(|(v, k)| {
            let v = (*v)?;
            let (lo, hi) = bounds[k];
            Some(if hi > 0.0 { v.clamp(lo, hi) / hi } else { 0.0 })
        })
        .collect()
}

impl Components {
    /// The components of every record of `c`.
    pub fn of(c: &Corpus) -> Components {
        let n = c.records.len();
        let unknown = || vec![None; n];
        let graph = c.citation_graph.as_ref();
        let raw = [
            graph.map_or_else(unknown, |g| {
                (0..n)
                    .map(|i| g.forward_within_years(i, WINDOW_YEARS).map(f64::from))
                    .collect()
            }),
            c.families
                .extended
                .iter()
                .map(|&f| Some(protecting_offices(&c.families.extended_info[f as usize]) as f64))
                .collect(),
            c.records
                .iter()
                .map(|r| r.app.claims_count.map(f64::from))
                .collect(),
            graph.map_or_else(unknown, |g| generality_all(c.records, g)),
        ];
        let cohorts: Vec<Cohort> = c.records.iter().map(Cohort::of).collect();
        let normalised = raw.each_ref().map(|v| cohort_normalise(v, &cohorts));
        Components { raw, normalised }
    }
}

/// The composite of every record of `c`, from the components some application of `sel`
/// has; an error when fewer than 2 of the 4 are available.
pub fn quality(c: &Corpus, sel: &[usize]) -> Result<Quality, RankError> {
    let comp = Components::of(c);
    let components: Vec<ComponentInfo> = Component::ALL
        .iter()
        .zip(&comp.raw)
        .map(|(&component, raw)| {
            let known = sel.iter().filter(|&&i| raw[i].is_some()).count() as u64;
            ComponentInfo {
                component,
                availability: Availability::from_flag(known > 0, component.needs()),
                known,
            }
        })
        .collect();
    let used: Vec<&Vec<Option<f64>>> = components
        .iter()
        .zip(&comp.normalised)
        .filter(|(i, _)| i.availability.is_available())
        .map(|(_, v)| v)
        .collect();
    if used.len() < 2 {
        let list = |avail: bool| {
            components
                .iter()
                .filter(|i| i.availability.is_available() == avail)
                .map(|i| match &i.availability {
                    Availability::Available => i.component.label().to_string(),
                    Availability::NotAvailable { needs } => {
                        format!("{} (needs {needs})", i.component.label())
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        return Err(RankError::OecdComponents {
            available: list(true),
            missing: list(false),
        });
    }
    let composite = (0..c.records.len())
        .map(|i| {
            let known: Vec<f64> = used.iter().filter_map(|v| v[i]).collect();
            (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64)
        })
        .collect();
    Ok(Quality {
        definition: DEFINITION,
        components,
        composite,
    })
}

impl Quality {
    /// Plain-words notes: dropped components and how many selected applications have each.
    pub fn notes(&self, selected: usize) -> Vec<String> {
        let kept: Vec<&str> = self
            .components
            .iter()
            .filter(|i| i.availability.is_available())
            .map(|i| i.component.label())
            .collect();
        let mut notes: Vec<String> = self
            .components
            .iter()
            .filter(|i| !i.availability.is_available())
            .map(|i| {
                format!(
                    "oecd_quality: {} {}; dropped, the composite averages the {} other \
                     component(s): {}",
                    i.component.label(),
                    i.availability.cell(),
                    kept.len(),
                    kept.join(", ")
                )
            })
            .collect();
        let known: Vec<String> = self
            .components
            .iter()
            .filter(|i| i.availability.is_available())
            .map(|i| format!("{} {}", i.component.label(), i.known))
            .collect();
        notes.push(format!(
            "oecd_quality: components known for the {selected} selected applications: {} (an \
             application's composite averages the components it has)",
            known.join(", ")
        ));
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) {
        assert!(a.is_some_and(|a| (a - b).abs() < 1e-9), "{a:?} != {b}");
    }

    #[test]
    fn generality_by_hand() {
        // Citing: {G06F, H04L} (1/2 each), {G06Q}, {H04W}, and one without classes (ignored).
        // Shares 1/6, 1/6, 1/3, 1/3: 1 - (1/36 + 1/36 + 1/9 + 1/9) = 26/36.
        let c: [&[&str]; 4] = [&["G06F", "H04L"], &["G06Q"], &["H04W"], &[]];
        close(generality(c), 26.0 / 36.0);
        close(generality([&["G06Q"][..], &["G06Q"]]), 0.0);
        assert_eq!(generality([&[][..]]), None);
    }

    #[test]
    fn subclasses_prefer_cpc() {
        use patq_model::Classification;
        let mut r = PatentRecord::default();
        let class = |scheme, code: &str| Classification {
            scheme,
            code: code.into(),
        };
        r.classes = patq_model::thin_vec![
            class(ClassScheme::Ipc, "G06Q20/40"),
            class(ClassScheme::Cpc, "H04L9/32"),
            class(ClassScheme::Cpc, "H04L9/06"),
            class(ClassScheme::Cpc, "G06F21/60"),
        ];
        assert_eq!(subclasses(&r), ["G06F", "H04L"]);
        r.classes.retain(|c| c.scheme == ClassScheme::Ipc);
        assert_eq!(subclasses(&r), ["G06Q"]);
    }

    #[test]
    fn winsorising_trims_one_percent_each_side() {
        // 99 values: k = 0, nothing trimmed. 200 values 1..=200: k = 2, bounds are the 3rd
        // smallest (3) and the 3rd largest (198).
        let small: Vec<f64> = (1..=99).map(f64::from).collect();
        assert_eq!(trim_bounds(&small), (1.0, 99.0));
        let big: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(trim_bounds(&big), (3.0, 198.0));
        let k = Cohort {
            year: Some(2015),
            section: 'H',
        };
        let other = Cohort {
            year: Some(2016),
            section: 'H',
        };
        let mut values: Vec<Option<f64>> = big.iter().copied().map(Some).collect();
        values.push(None);
        values.push(Some(4.0));
        let mut cohorts = vec![k; 201];
        cohorts.push(other);
        let n = cohort_normalise(&values, &cohorts);
        // 1 and 2 are raised to 3, 199 and 200 lowered to 198, all divided by 198.
        close(n[0], 3.0 / 198.0);
        close(n[2], 3.0 / 198.0);
        close(n[99], 100.0 / 198.0);
        close(n[199], 1.0);
        assert_eq!(n[200], None);
        // Alone in its cohort: its own maximum.
        close(n[201], 1.0);
        // A cohort of zeros stays 0 (no division by 0).
        assert_eq!(cohort_normalise(&[Some(0.0)], &[k]), [Some(0.0)]);
    }
}
