//! The ranking configuration: dimensions with weights and count/share variants, the
//! normalisation, the eligibility threshold and the robustness settings, read from TOML
//! (`profiles/rank-report.toml` is the shipped default) or built from a named [`Preset`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dims::{Dimension, Variant};
use crate::normalize::Normalisation;

/// The configuration shipped with patq: the reference report's five dimensions, weight 20 each.
pub const DEFAULT_PROFILE: &str = include_str!("../../../profiles/rank-report.toml");

/// The `oecd` preset: the OECD composite quality alone, mean per application (see
/// [`crate::oecd`] and the sources in the file).
pub const OECD_PROFILE: &str = include_str!("../../../profiles/rank-oecd.toml");

/// Errors in a configuration or a preset request.
#[derive(Debug, thiserror::Error)]
pub enum RankError {
    #[error("rank configuration is not valid: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("rank configuration: {0}")]
    Invalid(String),
    #[error(
        "no dimension of the ranking is available in this dataset ({0}); nothing can be ranked"
    )]
    NoDimensionAvailable(String),
    #[error(
        "the OECD composite quality needs at least 2 of its 4 components; this dataset gives \
         only {available}; missing: {missing}"
    )]
    OecdComponents { available: String, missing: String },
}

/// One dimension's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DimensionSpec {
    /// Points out of the total weight; need not sum to 100 (scores divide by the sum).
    pub weight: f64,
    /// Overrides the configuration's `variant` for this dimension.
    #[serde(default)]
    pub variant: Option<Variant>,
}

/// Sensitivity analysis settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Robustness {
    /// Each weight moves by -step, 0, +step (floored at 0) over the full 3^d grid.
    #[serde(default = "default_step")]
    pub weight_step: f64,
    /// Bootstrap resamples of every group's applications; 0 turns the bootstrap off.
    #[serde(default = "default_resamples")]
    pub bootstrap: u32,
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_step() -> f64 {
    5.0
}
fn default_resamples() -> u32 {
    200
}
fn default_seed() -> u64 {
    42
}

impl Default for Robustness {
    fn default() -> Self {
        Robustness {
            weight_step: default_step(),
            bootstrap: default_resamples(),
            seed: default_seed(),
        }
    }
}

/// Everything that defines a ranking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankConfig {
    /// Name shown in the output (`report`, `pai`, or the user's own).
    #[serde(default = "default_name")]
    pub name: String,
    pub normalisation: Normalisation,
    /// Default variant of every dimension.
    #[serde(default)]
    pub variant: Variant,
    /// A group is ranked when it has strictly more applications than this in the selection
    /// (the reference report's threshold; [`Threshold`] says whether the data may lower it).
    pub min_applications: u64,
    /// Whether `min_applications` is kept as written or lowered for a small landscape.
    #[serde(default)]
    pub threshold: Threshold,
    /// Rows shown by the table and counted by the country distribution (F11).
    #[serde(default = "default_top")]
    pub top: usize,
    pub dimensions: BTreeMap<Dimension, DimensionSpec>,
    #[serde(default)]
    pub robustness: Robustness,
}

/// How the eligibility threshold of the quality index is chosen.
///
/// The reference report ranks companies with more than 100 applications, a size only a large
/// landscape reaches: applied to a landscape of a few thousand applications it ranks nobody.
/// `FromData` keeps the reference's threshold whenever it admits enough companies to compare,
/// and otherwise lowers it just far enough, so the table says something about any data set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    /// `min_applications` when at least [`Threshold::ENOUGH`] companies pass it; else the
    /// largest threshold that admits that many, never below [`Threshold::FLOOR`] applications.
    #[default]
    FromData,
    /// `min_applications` exactly, however few companies pass it.
    Fixed,
}

impl Threshold {
    /// Companies a ranking needs before its order means something.
    pub const ENOUGH: usize = patq_indicators::sql::ENOUGH as usize;
    /// Fewest applications a ranked company has: below this a share (grant rate, core
    /// share) moves by 20 points with one application.
    pub const FLOOR: u64 = patq_indicators::sql::FLOOR;
}

fn default_name() -> String {
    "custom".into()
}
fn default_top() -> usize {
    50
}

impl Default for RankConfig {
    /// The shipped `profiles/rank-report.toml`.
    fn default() -> Self {
        RankConfig::from_toml(DEFAULT_PROFILE)
            .expect("the embedded profiles/rank-report.toml is valid")
    }
}

impl RankConfig {
    /// Parses and checks a configuration file.
    pub fn from_toml(text: &str) -> Result<RankConfig, RankError> {
        let cfg: RankConfig = toml::from_str(text)?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Rejects settings that would make the ranking meaningless.
    pub fn validate(&self) -> Result<(), RankError> {
        let bad = |m: String| Err(RankError::Invalid(m));
        if self.dimensions.is_empty() {
            return bad("no dimensions: give at least one [dimensions.<name>] table".into());
        }
        for (d, s) in &self.dimensions {
            if !s.weight.is_finite() || s.weight < 0.0 {
                return bad(format!(
                    "dimensions.{}: weight {} must be a number >= 0",
                    d.as_str(),
                    s.weight
                ));
            }
        }
        if self.dimensions.values().all(|s| s.weight == 0.0) {
            return bad("every weight is 0: at least one dimension needs a positive weight".into());
        }
        let r = &self.robustness;
        if !r.weight_step.is_finite() || r.weight_step < 0.0 {
            return bad(format!(
                "robustness.weight_step {} must be a number >= 0",
                r.weight_step
            ));
        }
        if self.top == 0 {
            return bad("top must be at least 1".into());
        }
        Ok(())
    }

    /// The variant used for `d`.
    pub fn variant_of(&self, d: Dimension) -> Variant {
        self.dimensions
            .get(&d)
            .and_then(|s| s.variant)
            .unwrap_or(self.variant)
    }
}

/// Named rankings: the reference report's index and published alternatives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// The reference report's T2: five dimensions, weight 20 each (`profiles/rank-report.toml`).
    Report,
    /// The reference report's settings exactly: [`Preset::Report`] with the threshold of 100
    /// applications fixed, whatever the data.
    Reference,
    /// OECD-style composite quality indicator (Squicciarini, Dernis & Criscuolo 2013, OECD STI
    /// Working Paper 2013/03): forward citations within 5 years, family size, claims,
    /// generality, cohort-normalised by filing year x field with 1% trimming.
    Oecd,
    /// Patent Asset Index-like portfolio value (Ernst & Omland 2011, World Patent Information
    /// 33(1) 34-41): per family, market coverage x technology relevance, summed per group.
    Pai,
}

impl Preset {
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Report => "report",
            Preset::Reference => "reference",
            Preset::Oecd => "oecd",
            Preset::Pai => "pai",
        }
    }

    /// The configuration of the preset.
    pub fn config(self) -> Result<RankConfig, RankError> {
        match self {
            Preset::Report => Ok(RankConfig::default()),
            Preset::Reference => Ok(RankConfig {
                name: "reference".into(),
                threshold: Threshold::Fixed,
                ..RankConfig::default()
            }),
            // Whether the data has enough of the four components is only known in `rank`,
            // which returns `RankError::OecdComponents` when it has fewer than 2.
            Preset::Oecd => RankConfig::from_toml(OECD_PROFILE),
            Preset::Pai => {
                // A single absolute value: max-ratio keeps its proportions (half the leader's
                // portfolio value scores 50).
                Ok(RankConfig {
                    name: "pai".into(),
                    normalisation: Normalisation::MaxRatio,
                    dimensions: BTreeMap::from([(
                        Dimension::AssetIndex,
                        DimensionSpec {
                            weight: 100.0,
                            variant: Some(Variant::Count),
                        },
                    )]),
                    ..RankConfig::default()
                })
            }
        }
    }
}

impl std::str::FromStr for Preset {
    type Err = RankError;
    fn from_str(s: &str) -> Result<Preset, RankError> {
        match s {
            "report" => Ok(Preset::Report),
            "reference" => Ok(Preset::Reference),
            "oecd" => Ok(Preset::Oecd),
            "pai" => Ok(Preset::Pai),
            _ => Err(RankError::Invalid(format!(
                "unknown preset {s:?}: expected report, reference, oecd or pai"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_profile_is_the_reference_method() {
        let c = RankConfig::default();
        assert_eq!(c.name, "report");
        assert_eq!(c.min_applications, 100);
        assert_eq!(c.top, 50);
        assert_eq!(c.dimensions.len(), 5);
        assert!(c.dimensions.values().all(|s| s.weight == 20.0));
        assert_eq!(c.variant, Variant::Count);
        assert_eq!(c.robustness, Robustness::default());
    }

    #[test]
    fn errors_are_clear() {
        let e = RankConfig::from_toml(
            "normalisation = 'max_ratio'\nmin_applications = 1\nbogus = 1\n[dimensions.granted]\nweight = 1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown field `bogus`"), "{e}");
        let e = RankConfig::from_toml(
            "normalisation = 'max_ratio'\nmin_applications = 1\n[dimensions.grants]\nweight = 1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown variant `grants`"), "{e}");
        assert!(e.contains("granted"), "lists the valid names: {e}");
        let e = RankConfig::from_toml(
            "normalisation = 'max'\nmin_applications = 1\n[dimensions.granted]\nweight = 1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown variant `max`"), "{e}");
        let e = RankConfig::from_toml(
            "normalisation = 'max_ratio'\nmin_applications = 1\n[dimensions.granted]\nweight = -1\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "rank configuration: dimensions.granted: weight -1 must be a number >= 0"
        );
        let e = RankConfig::from_toml(
            "normalisation = 'max_ratio'\nmin_applications = 1\n[dimensions.granted]\nweight = 0\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("every weight is 0"), "{e}");
    }

    #[test]
    fn presets() {
        assert_eq!("report".parse::<Preset>().unwrap(), Preset::Report);
        assert_eq!(Preset::Report.config().unwrap(), RankConfig::default());
        let o = Preset::Oecd.config().unwrap();
        assert_eq!(o.name, "oecd");
        assert_eq!(
            o.dimensions.keys().copied().collect::<Vec<_>>(),
            [Dimension::OecdQuality]
        );
        assert_eq!(o.variant, Variant::Share);
        assert_eq!(o.normalisation, Normalisation::MaxRatio);
        assert_eq!(o.min_applications, 100);
        let p = Preset::Pai.config().unwrap();
        assert_eq!(
            p.dimensions.keys().copied().collect::<Vec<_>>(),
            [Dimension::AssetIndex]
        );
        assert!("x".parse::<Preset>().is_err());
    }
}
