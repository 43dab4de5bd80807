//! T2 and F11 of METHODOLOGY.md: the patent quality index of the companies (corporate groups,
//! `applicant_group`: entities joined by the alias file) with more than N applications, its
//! TOP-N country distribution, and beyond the reference, configurable weights, dimensions and
//! normalisations plus rank intervals under weight changes and bootstrap resampling.
//!
//! Build a [`patq_indicators::Corpus`], select applications, then call [`rank`] with a
//! [`RankConfig`] (the shipped `profiles/rank-report.toml`, a user file, or a [`Preset`]).
//! Two published alternatives ship as presets: `pai` ([`pai`], Patent Asset Index-like) and
//! `oecd` ([`oecd`], the OECD composite quality of Squicciarini, Dernis & Criscuolo 2013,
//! `profiles/rank-oecd.toml`), each computed only from the fields the data has.
//!
//! ```
//! use patq_rank::{DEFAULT_PROFILE, Normalisation, RankConfig};
//!
//! // The reference report's index: five dimensions of weight 20, log-max normalisation.
//! let cfg = RankConfig::from_toml(DEFAULT_PROFILE)?;
//! assert_eq!(cfg.dimensions.len(), 5);
//! assert!(cfg.dimensions.values().all(|d| d.weight == 20.0));
//! assert_eq!(cfg.normalisation, Normalisation::LogMax);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Choice of the default normalisation
//!
//! The reference T2's top scores (99.0, 91.8, 90.7) show a leader just under 100 and the next
//! groups close behind. Portfolio sizes are heavy-tailed, so proportional normalisations
//! (max-ratio, min-max) put every group far behind the leader; log-max compresses the lead the
//! way the reference's scores suggest, so it is the default. Percentile comes close but erases
//! distances altogether (only order counts). docs/QUALITY-INDEX.md has the comparison on the
//! synthetic corpus; the ignored test `default_normalisation_reproduces_the_reference_shape`
//! in `tests/synthetic.rs` reruns it.

pub mod config;
pub mod dims;
pub mod normalize;
pub mod oecd;
mod output;
pub mod pai;
pub mod robust;

use std::collections::BTreeMap;

use patq_enrich::Taxonomy;
use patq_indicators::{Availability, Corpus};
use serde::Serialize;

pub use config::{
    DEFAULT_PROFILE, DimensionSpec, Preset, RankConfig, RankError, Robustness, Threshold,
};
pub use dims::{Dimension, Variant};
pub use normalize::Normalisation;
pub use robust::RankInterval;

use dims::{AppFacts, Counting, raw_value};

pub const DEFINITION: &str = "T2. Patent quality index of companies; T2 counts corporate groups \
(applicant_group: entities joined by the alias file) of the first applicant, else first owner, \
with more than the threshold number of applications in the selection. Each dimension's raw value \
(a count, or a share of the group's applications) is turned into 0-100 points across the ranked \
groups by the stated normalisation; the score is the weighted mean of the points (weights divided \
by their sum, so a dimension the data cannot give is dropped and the others renormalised). Scores \
equal to 6 decimals tie and are ordered by group id. A company's country is the country most of \
its applications give it (ties: smallest code).";

pub const F11_DEFINITION: &str = "F11. Country distribution of the TOP-N companies of the quality \
index; F11 counts corporate groups (applicant_group: entities joined by the alias file): number of \
companies per company country, most first (ties: code order).";

/// What the ranking used of one configured dimension.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DimensionInfo {
    pub dimension: Dimension,
    pub variant: Variant,
    /// The configured weight.
    pub weight: f64,
    /// Percentage of the score after dropping unavailable dimensions (0 when unavailable).
    pub effective_weight: f64,
    pub availability: Availability,
    pub definition: &'static str,
}

/// One dimension of one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DimValue {
    pub dimension: Dimension,
    /// The count, or the share (0..1) for the share variant.
    pub raw: f64,
    /// Points 0..100 after normalisation.
    pub points: f64,
}

/// One ranked group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub rank: u32,
    pub group: String,
    pub country: String,
    pub applications: u64,
    pub score: f64,
    /// The available dimensions, in configuration order.
    pub values: Vec<DimValue>,
    /// Ranks under the weight grid.
    pub weight_rank: RankInterval,
    /// Ranks over the bootstrap resamples; None when the bootstrap is off.
    pub bootstrap_rank: Option<RankInterval>,
}

/// F11: companies of the TOP-N per country.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CountryCount {
    pub country: String,
    pub companies: u64,
}

/// How the rank intervals were obtained.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RobustnessInfo {
    pub definition: &'static str,
    pub weight_step: f64,
    pub weight_scenarios: usize,
    pub bootstrap_resamples: u32,
    pub seed: u64,
}

/// The quality index of a selection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ranking {
    pub definition: &'static str,
    /// Configuration name (`report`, `pai`, ...).
    pub preset: String,
    pub normalisation: Normalisation,
    pub normalisation_definition: &'static str,
    /// Ranked groups have strictly more applications than this.
    pub min_applications: u64,
    /// How `min_applications` was chosen, when the data lowered the configured threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold_rule: Option<String>,
    /// Applications in the selection.
    pub applications: u64,
    /// Groups with at least one application in the selection.
    pub groups: u64,
    pub dimensions: Vec<DimensionInfo>,
    /// Dropped dimensions, empty selections and other caveats, in plain words.
    pub notes: Vec<String>,
    pub robustness: RobustnessInfo,
    /// Every ranked group, best first.
    pub rows: Vec<Row>,
    /// The N of the TOP-N (table and F11).
    pub top: usize,
    pub f11_definition: &'static str,
    /// F11 over the first `top` rows.
    pub top_countries: Vec<CountryCount>,
    /// The components of the OECD composite quality, when that dimension is used.
    pub oecd: Option<oecd::Quality>,
}

/// The groups, their applications and the dimensions the data can answer.
pub(crate) struct Prepared {
    pub ids: Vec<String>,
    /// Per group, indices into `facts`.
    pub apps: Vec<Vec<u32>>,
    pub facts: Vec<AppFacts>,
    /// Competitive impact per extended family (empty unless the asset index is used).
    pub impact: Vec<f64>,
    /// Available dimensions with their variants and configured weights.
    pub dims: Vec<(Dimension, Variant)>,
    pub weights: Vec<f64>,
    pub norm: Normalisation,
}

impl Prepared {
    /// Raw values `[dimension][group]` for the given applications of each group.
    pub fn raw(&self, apps: &[Vec<u32>], counting: Counting) -> Vec<Vec<f64>> {
        let mut scratch = Vec::new();
        self.dims
            .iter()
            .map(|&(d, v)| {
                apps.iter()
                    .map(|a| raw_value(d, v, &self.facts, a, &self.impact, counting, &mut scratch))
                    .collect()
            })
            .collect()
    }

    /// Points `[dimension][group]` of a bootstrap resample.
    pub fn resampled_points(&self, apps: &[Vec<u32>]) -> Vec<Vec<f64>> {
        normalise_all(&self.raw(apps, Counting::Resample), self.norm)
    }
}

/// Points of a raw matrix `[dimension][group]`, each dimension normalised across the groups.
pub fn normalise_all(raw: &[Vec<f64>], norm: Normalisation) -> Vec<Vec<f64>> {
    raw.iter().map(|xs| norm.apply(xs)).collect()
}

/// Score of each group: the weighted mean of its points (`points[dimension][group]`).
pub fn composite(points: &[Vec<f64>], weights: &[f64]) -> Vec<f64> {
    let groups = points.first().map_or(0, Vec::len);
    let total: f64 = weights.iter().sum();
    (0..groups)
        .map(|g| {
            points
                .iter()
                .zip(weights)
                .map(|(p, w)| w * p[g])
                .sum::<f64>()
                / total
        })
        .collect()
}

/// Rank (1 = best) of each group: higher score first, scores equal to 6 decimals tie and go
/// by id, so rounding noise in the last bits never reorders groups.
pub fn ranks(scores: &[f64], ids: &[String]) -> Vec<u32> {
    let key = |s: f64| (s * 1e6).round();
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| {
        key(scores[b])
            .total_cmp(&key(scores[a]))
            .then_with(|| ids[a].cmp(&ids[b]))
    });
    let mut out = vec![0; scores.len()];
    for (pos, g) in order.into_iter().enumerate() {
        out[g] = pos as u32 + 1;
    }
    out
}

fn availability(c: &Corpus, sel: &[usize], d: Dimension, taxonomy: &Taxonomy) -> Availability {
    if d == Dimension::Core && !taxonomy.has_core_rule() {
        return Availability::NotAvailable {
            needs: format!(
                "a core-technology rule: the {} taxonomy has none (a topic profile's [split] \
                 gives one)",
                taxonomy.name
            ),
        };
    }
    let present = match d {
        Dimension::Granted => c.has_grant_status,
        Dimension::Cited | Dimension::AssetIndex => c.has_citation_counts,
        Dimension::Core => sel.iter().any(|&i| {
            let r = &c.records[i];
            !r.classes.is_empty() || r.app.title.is_some() || r.app.abstract_text.is_some()
        }),
        Dimension::Families => true,
        Dimension::International => sel.iter().any(|&i| c.info[i].country.is_some()),
        // `rank` has already returned `RankError::OecdComponents` when too few are available.
        Dimension::OecdQuality => true,
    };
    Availability::from_flag(present, d.needs())
}

/// The dimensions `cfg` asks for, each with its availability on `sel` and its weight once the
/// unavailable ones are dropped, plus the available ones with their variant and raw weight.
/// Fails when no asked-for dimension can be computed.
#[allow(clippy::type_complexity)]
fn dimension_plan(
    c: &Corpus,
    sel: &[usize],
    cfg: &RankConfig,
    taxonomy: &Taxonomy,
) -> Result<(Vec<DimensionInfo>, Vec<(Dimension, Variant)>, Vec<f64>), RankError> {
    let mut infos = Vec::new();
    let mut dims = Vec::new();
    let mut weights = Vec::new();
    for (&d, spec) in &cfg.dimensions {
        let availability = availability(c, sel, d, taxonomy);
        if availability.is_available() {
            dims.push((d, cfg.variant_of(d)));
            weights.push(spec.weight);
        }
        infos.push(DimensionInfo {
            dimension: d,
            variant: cfg.variant_of(d),
            weight: spec.weight,
            effective_weight: 0.0,
            availability,
            definition: d.definition(),
        });
    }
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        let missing: Vec<String> = infos
            .iter()
            .map(|i| format!("{}: {}", i.dimension.as_str(), i.availability.cell()))
            .collect();
        return Err(RankError::NoDimensionAvailable(missing.join("; ")));
    }
    for i in &mut infos {
        if i.availability.is_available() {
            i.effective_weight = i.weight / total * 100.0;
        }
    }
    Ok((infos, dims, weights))
}

/// Ranks the groups of `sel` by the quality index `cfg` describes. `taxonomy` decides the
/// underlying-technology patents.
pub fn rank(
    c: &Corpus,
    sel: &[usize],
    cfg: &RankConfig,
    taxonomy: &Taxonomy,
) -> Result<Ranking, RankError> {
    cfg.validate()?;
    let quality = cfg
        .dimensions
        .contains_key(&Dimension::OecdQuality)
        .then(|| oecd::quality(c, sel))
        .transpose()?;
    let mut by_group: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in sel {
        if let Some(g) = &c.info[i].group {
            by_group.entry(g).or_default().push(i);
        }
    }
    let groups = by_group.len() as u64;
    let sizes: Vec<u64> = by_group.values().map(|a| a.len() as u64).collect();
    let (min_applications, threshold_rule) = eligibility(&sizes, cfg);
    by_group.retain(|_, apps| apps.len() as u64 > min_applications);

    let (infos, dims, weights) = dimension_plan(c, sel, cfg, taxonomy)?;
    let mut notes = notes(&infos, min_applications, by_group.len());
    notes.extend(threshold_rule.clone());
    if let Some(q) = &quality {
        notes.extend(q.notes(sel.len()));
    }

    let uses = |d: Dimension| dims.iter().any(|&(x, _)| x == d);
    let mut facts = Vec::new();
    let mut apps = Vec::with_capacity(by_group.len());
    for list in by_group.values() {
        let mut idx = Vec::with_capacity(list.len());
        let mut in_family: BTreeMap<u32, u32> = BTreeMap::new();
        for &i in list {
            *in_family.entry(c.families.extended[i]).or_insert(0) += 1;
        }
        for &i in list {
            let a = &c.info[i];
            idx.push(facts.len() as u32);
            facts.push(AppFacts {
                granted: a.granted == Some(true),
                cited: a.cited() == Some(true),
                core: uses(Dimension::Core) && taxonomy.is_core(&c.records[i]),
                international: a.international,
                family: c.families.extended[i],
                family_share: 1.0 / f64::from(in_family[&c.families.extended[i]]),
                // Never None while family size (always known) is a component.
                quality: quality.as_ref().and_then(|q| q.composite[i]).unwrap_or(0.0),
            });
        }
        apps.push(idx);
    }
    let p = Prepared {
        ids: by_group.keys().map(|s| s.to_string()).collect(),
        apps,
        facts,
        impact: if uses(Dimension::AssetIndex) {
            pai::competitive_impact(c, sel)
        } else {
            Vec::new()
        },
        dims,
        weights,
        norm: cfg.normalisation,
    };

    let raw = p.raw(&p.apps, Counting::Exact);
    let points = normalise_all(&raw, p.norm);
    let scores = composite(&points, &p.weights);
    let rank_of = ranks(&scores, &p.ids);
    let (weight_iv, scenarios) = robust::weights(&p, &points, cfg.robustness.weight_step);
    let boot_iv = (cfg.robustness.bootstrap > 0)
        .then(|| robust::bootstrap(&p, cfg.robustness.bootstrap, cfg.robustness.seed));

    let mut rows: Vec<Row> = by_group
        .iter()
        .enumerate()
        .map(|(g, (id, list))| Row {
            rank: rank_of[g],
            group: id.to_string(),
            country: group_country(c, list),
            applications: list.len() as u64,
            score: scores[g],
            values: p
                .dims
                .iter()
                .enumerate()
                .map(|(d, &(dim, _))| DimValue {
                    dimension: dim,
                    raw: raw[d][g],
                    points: points[d][g],
                })
                .collect(),
            weight_rank: weight_iv[g],
            bootstrap_rank: boot_iv.as_ref().map(|b| b[g]),
        })
        .collect();
    rows.sort_by_key(|r| r.rank);
    let top_countries = country_distribution(&rows[..cfg.top.min(rows.len())]);
    Ok(Ranking {
        definition: DEFINITION,
        preset: cfg.name.clone(),
        normalisation: cfg.normalisation,
        normalisation_definition: cfg.normalisation.definition(),
        min_applications,
        threshold_rule,
        applications: sel.len() as u64,
        groups,
        dimensions: infos,
        notes,
        robustness: RobustnessInfo {
            definition: robust::DEFINITION,
            weight_step: cfg.robustness.weight_step,
            weight_scenarios: scenarios,
            bootstrap_resamples: cfg.robustness.bootstrap,
            seed: cfg.robustness.seed,
        },
        rows,
        top: cfg.top,
        f11_definition: F11_DEFINITION,
        top_countries,
        oecd: quality,
    })
}

/// The threshold a company must pass (strictly more applications), and the rule in words when
/// the data lowered the configured one. `sizes` are the applications of each company.
pub fn eligibility(sizes: &[u64], cfg: &RankConfig) -> (u64, Option<String>) {
    let configured = cfg.min_applications;
    let passing = |t: u64| sizes.iter().filter(|&&n| n > t).count();
    let floor = Threshold::FLOOR - 1;
    if cfg.threshold == Threshold::Fixed
        || configured <= floor
        || passing(configured) >= Threshold::ENOUGH
    {
        return (configured, None);
    }
    let mut desc = sizes.to_vec();
    desc.sort_unstable_by(|a, b| b.cmp(a));
    // The largest t with at least ENOUGH sizes above it is one less than the ENOUGH-th size.
    let t = desc
        .get(Threshold::ENOUGH - 1)
        .map_or(floor, |&n| n.saturating_sub(1))
        .clamp(floor, configured);
    let rule = format!(
        "threshold from the data: more than {configured} applications (the reference report's \
         rule) admits {} of {} companies, fewer than {}; the threshold is the largest that \
         admits at least {} companies, never below {} applications: more than {t} \
         applications, {} companies (--preset reference or --min-applications keep a fixed \
         threshold)",
        passing(configured),
        sizes.len(),
        Threshold::ENOUGH,
        Threshold::ENOUGH,
        Threshold::FLOOR,
        passing(t),
    );
    (t, Some(rule))
}

fn notes(infos: &[DimensionInfo], min_applications: u64, eligible: usize) -> Vec<String> {
    let mut notes = Vec::new();
    let kept: Vec<String> = infos
        .iter()
        .filter(|i| i.availability.is_available())
        .map(|i| format!("{} {:.1}%", i.dimension.as_str(), i.effective_weight))
        .collect();
    for i in infos.iter().filter(|i| !i.availability.is_available()) {
        notes.push(format!(
            "{} {}; dropped, weights renormalised over the {} other dimension(s): {}",
            i.dimension.as_str(),
            i.availability.cell(),
            kept.len(),
            kept.join(", ")
        ));
    }
    if eligible == 0 {
        notes.push(format!(
            "no company has more than {min_applications} applications in the selection: \
             nothing is ranked"
        ));
    }
    notes
}

/// The country most of the group's applications give it (ties: smallest code).
fn group_country(c: &Corpus, apps: &[usize]) -> String {
    let mut m: BTreeMap<&str, u64> = BTreeMap::new();
    for &i in apps {
        *m.entry(c.info[i].country_label()).or_insert(0) += 1;
    }
    m.into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(k, _)| k.to_string())
        .unwrap_or_default()
}

fn country_distribution(rows: &[Row]) -> Vec<CountryCount> {
    let mut m: BTreeMap<&str, u64> = BTreeMap::new();
    for r in rows {
        *m.entry(&r.country).or_insert(0) += 1;
    }
    let mut v: Vec<CountryCount> = m
        .into_iter()
        .map(|(k, n)| CountryCount {
            country: k.to_string(),
            companies: n,
        })
        .collect();
    v.sort_by(|a, b| {
        b.companies
            .cmp(&a.companies)
            .then_with(|| a.country.cmp(&b.country))
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eligibility_keeps_the_reference_threshold_when_enough_companies_pass() {
        let cfg = RankConfig::default();
        // Ten companies above 100: the reference's rule stands.
        let sizes: Vec<u64> = (0..10).map(|i| 101 + i).chain([3, 50]).collect();
        assert_eq!(eligibility(&sizes, &cfg), (100, None));
    }

    #[test]
    fn eligibility_lowers_to_the_largest_threshold_admitting_ten() {
        let cfg = RankConfig::default();
        // Sizes 80, 62, 48, 42, 39, 31, 30, 29, 29, 28, 20: the 10th largest is 28, so
        // "more than 27" admits 10 companies and "more than 28" only 9.
        let sizes = [80, 62, 48, 42, 39, 31, 30, 29, 29, 28, 20];
        let (t, rule) = eligibility(&sizes, &cfg);
        assert_eq!(t, 27);
        let rule = rule.expect("the rule is stated");
        assert!(rule.contains("admits 0 of 11 companies"), "{rule}");
        assert!(
            rule.contains("more than 27 applications, 10 companies"),
            "{rule}"
        );
        // Ties at the 10th size admit more than ten.
        let (t, _) = eligibility(&[40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 9], &cfg);
        assert_eq!(t, 39);
    }

    #[test]
    fn eligibility_never_goes_below_five_applications() {
        let cfg = RankConfig::default();
        // Only three companies at all, and the 10th largest would be 2: floor "more than 4".
        assert_eq!(eligibility(&[12, 7, 2], &cfg).0, 4);
        let sizes = [9, 8, 7, 6, 5, 5, 5, 4, 3, 2, 1];
        assert_eq!(eligibility(&sizes, &cfg).0, 4);
    }

    #[test]
    fn a_fixed_threshold_is_kept() {
        let fixed = Preset::Reference.config().unwrap();
        assert_eq!(fixed.threshold, Threshold::Fixed);
        assert_eq!(eligibility(&[80, 62, 48], &fixed), (100, None));
        // A configured threshold already at or below the floor is the user's choice.
        let low = RankConfig {
            min_applications: 1,
            ..RankConfig::default()
        };
        assert_eq!(eligibility(&[3, 2], &low), (1, None));
    }

    #[test]
    fn ranks_break_ties_by_id_and_ignore_rounding_noise() {
        let ids: Vec<String> = ["b", "a", "c"].iter().map(|s| s.to_string()).collect();
        // b and a differ by 1e-12 only: a tie, so id order puts a first.
        assert_eq!(ranks(&[50.0 + 1e-12, 50.0, 70.0], &ids), [3, 2, 1]);
    }

    #[test]
    fn composite_is_the_weighted_mean() {
        // g0: (100*20 + 50*60)/80 = 62.5; g1: (0*20 + 100*60)/80 = 75.
        let s = composite(&[vec![100.0, 0.0], vec![50.0, 100.0]], &[20.0, 60.0]);
        assert_eq!(s, [62.5, 75.0]);
    }
}
