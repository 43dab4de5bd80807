//! Corporate groups on top of entities: an editable alias file (`profiles/aliases.toml`) maps
//! normalised applicant names, name prefixes and regular expressions to a group with a home
//! country, so that `Alipay (Hangzhou) Information Technology` and `Advanced New
//! Technologies` both count for Ant Group.
//!
//! Every name first gets its entity ([`crate::entity`]); the alias file is matched against
//! the entity's organisation key (its entries normalised the same way), and a name no alias
//! claims is a group of its own entity. So a group is always a union of whole entities.

use std::collections::HashMap;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::entity::{Kind, entity_of, organisation_key_of};

/// The alias file shipped with patq.
pub const DEFAULT_ALIASES: &str = include_str!("../../../profiles/aliases.toml");

/// Which rule put a name in its group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchRule {
    /// The normalised name is one of the group's `names`.
    Exact,
    /// The normalised name starts with one of the group's `prefixes`.
    Prefix,
    /// One of the group's `patterns` matched.
    Pattern,
    /// No alias matched; the group is the normalised name itself.
    Unmatched,
}

/// The corporate group an applicant name belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Stable identifier: the alias file's `id`, or the normalised name when unmatched.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Home country: the alias file's `country`, else the country the source gave.
    pub country: Option<String>,
    /// True when `country` came from the alias file rather than the source.
    pub country_from_alias: bool,
    pub rule: MatchRule,
    /// The entity key of the name ([`crate::entity::Entity::key`]).
    pub entity: String,
    /// Person or organisation: a name an alias claims is an organisation.
    pub kind: Kind,
}

/// Errors in an alias file.
#[derive(Debug, thiserror::Error)]
pub enum AliasError {
    #[error("alias file is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("group {group:?}: pattern {pattern:?} is not a valid regular expression: {source}")]
    Pattern {
        group: String,
        pattern: String,
        #[source]
        source: regex::Error,
    },
    #[error("group id {0:?} is used twice")]
    DuplicateId(String),
    #[error("group {group:?}: {kind} {value:?} is empty once normalised")]
    Empty {
        group: String,
        kind: &'static str,
        value: String,
    },
    #[error(
        "{kind} {value:?} (normalised {normalised:?}) is claimed by groups {first:?} and {second:?}"
    )]
    Conflict {
        kind: &'static str,
        value: String,
        normalised: String,
        first: String,
        second: String,
    },
    #[error("group {group:?}: country {country:?} is not a two-letter code")]
    Country { group: String, country: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AliasFile {
    #[serde(default)]
    group: Vec<GroupDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupDef {
    id: String,
    name: String,
    country: Option<String>,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    prefixes: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
}

/// Harmonises applicant names into corporate groups.
#[derive(Debug)]
pub struct Harmonizer {
    groups: Vec<GroupDef>,
    exact: HashMap<String, usize>,
    /// Longest first, so the most specific prefix wins.
    prefixes: Vec<(String, usize)>,
    patterns: Vec<(Regex, usize)>,
}

impl Default for Harmonizer {
    /// The shipped alias file.
    fn default() -> Self {
        Harmonizer::from_toml(DEFAULT_ALIASES).expect("the embedded profiles/aliases.toml is valid")
    }
}

impl Harmonizer {
    /// Parses an alias file (format documented at the top of `profiles/aliases.toml`).
    pub fn from_toml(text: &str) -> Result<Harmonizer, AliasError> {
        let file: AliasFile = toml::from_str(text)?;
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut exact: HashMap<String, usize> = HashMap::new();
        let mut prefix_owner: HashMap<String, usize> = HashMap::new();
        let mut prefixes = Vec::new();
        let mut patterns = Vec::new();
        for (gi, g) in file.group.iter().enumerate() {
            if ids.insert(g.id.clone(), gi).is_some() {
                return Err(AliasError::DuplicateId(g.id.clone()));
            }
            if let Some(c) = &g.country
                && (c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()))
            {
                return Err(AliasError::Country {
                    group: g.id.clone(),
                    country: c.clone(),
                });
            }
            for (kind, list, seen) in [
                ("name", &g.names, &mut exact),
                ("prefix", &g.prefixes, &mut prefix_owner),
            ] {
                for v in list {
                    let n = organisation_key_of(v);
                    if n.is_empty() {
                        return Err(AliasError::Empty {
                            group: g.id.clone(),
                            kind,
                            value: v.clone(),
                        });
                    }
                    match seen.get(&n) {
                        Some(&other) if other != gi => {
                            return Err(AliasError::Conflict {
                                kind,
                                value: v.clone(),
                                normalised: n,
                                first: file.group[other].id.clone(),
                                second: g.id.clone(),
                            });
                        }
                        Some(_) => {}
                        None => {
                            seen.insert(n.clone(), gi);
                            if kind == "prefix" {
                                prefixes.push((n, gi));
                            }
                        }
                    }
                }
            }
            for p in &g.patterns {
                let re = Regex::new(p).map_err(|source| AliasError::Pattern {
                    group: g.id.clone(),
                    pattern: p.clone(),
                    source,
                })?;
                patterns.push((re, gi));
            }
        }
        prefixes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Ok(Harmonizer {
            groups: file.group,
            exact,
            prefixes,
            patterns,
        })
    }

    /// Number of groups in the alias file.
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// The group of an applicant name as written in the source, with the country the source
    /// gives for the applicant (if any).
    pub fn harmonize(&self, raw_name: &str, source_country: Option<&str>) -> Group {
        let norm = organisation_key_of(raw_name);
        let source_country = source_country
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty());
        let hit = self
            .exact
            .get(&norm)
            .map(|&g| (g, MatchRule::Exact))
            .or_else(|| {
                self.prefixes
                    .iter()
                    .find(|(p, _)| prefix_at_boundary(&norm, p))
                    .map(|&(_, g)| (g, MatchRule::Prefix))
            })
            .or_else(|| {
                self.patterns
                    .iter()
                    .find(|(re, _)| re.is_match(&norm))
                    .map(|&(_, g)| (g, MatchRule::Pattern))
            });
        match hit {
            Some((gi, rule)) => {
                let g = &self.groups[gi];
                let from_alias = g.country.is_some();
                Group {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    country: g.country.clone().or(source_country),
                    country_from_alias: from_alias,
                    rule,
                    entity: norm,
                    kind: Kind::Organisation,
                }
            }
            None => {
                let e = entity_of(raw_name);
                Group {
                    id: e.key.clone(),
                    name: e.key.clone(),
                    country: source_country,
                    country_from_alias: false,
                    rule: MatchRule::Unmatched,
                    entity: e.key,
                    kind: e.kind,
                }
            }
        }
    }
}

/// `name` starts with `prefix`, and the prefix does not end inside a word: `INTEL` matches
/// `INTEL IP` but not `INTELLECTUAL`. Scripts without spaces (CJK) need no boundary.
fn prefix_at_boundary(name: &str, prefix: &str) -> bool {
    let Some(rest) = name.strip_prefix(prefix) else {
        return false;
    };
    match (prefix.chars().last(), rest.chars().next()) {
        (_, None) => true,
        (Some(a), Some(b)) => !(a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric()),
        (None, Some(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(h: &Harmonizer, name: &str) -> String {
        h.harmonize(name, None).id
    }

    #[test]
    fn default_file_loads_and_covers_the_report() {
        let h = Harmonizer::default();
        assert!(h.group_count() >= 30, "only {} groups", h.group_count());
        for (name, group) in [
            ("Alibaba Group Holding Limited", "ant-group"),
            ("Advanced New Technologies Co., Ltd.", "ant-group"),
            (
                "Alipay (Hangzhou) Information Technology Co., Ltd.",
                "ant-group",
            ),
            ("支付宝(杭州)信息技术有限公司", "ant-group"),
            ("Ping An Technology (Shenzhen) Co., Ltd.", "ping-an"),
            (
                "OneConnect Smart Technology Co., Ltd. (Shenzhen)",
                "ping-an",
            ),
            ("Shenzhen Ping An Smart Healthcare", "ping-an"),
            ("Tencent Technology (Shenzhen) Company Limited", "tencent"),
            ("腾讯科技（深圳）有限公司", "tencent"),
            (
                "Beijing Jingdong Shangke Information Technology Co., Ltd.",
                "jd",
            ),
            ("JD.com", "jd"),
            ("Huawei Technologies Co., Ltd.", "huawei"),
            (
                "Beijing Baidu Netcom Science and Technology Co., Ltd.",
                "baidu",
            ),
            ("China UnionPay Co., Ltd.", "china-unionpay"),
            ("State Grid Corporation of China", "state-grid"),
            ("State Grid Zhejiang Electric Power Co., Ltd.", "state-grid"),
            ("Guangdong Power Grid of State Grid", "state-grid"),
            ("International Business Machines Corporation", "ibm"),
            ("MasterCard International Incorporated", "mastercard"),
            ("Bank of America Corporation", "bank-of-america"),
            ("Intel Corporation", "intel"),
            ("Sony Corporation", "sony"),
            ("nChain Holdings Limited", "nchain"),
            ("Coinplug, Inc.", "coinplug"),
            ("LG Electronics Inc.", "lg"),
            ("Samsung SDS Co., Ltd.", "samsung"),
            ("Fujitsu Limited", "fujitsu"),
            ("Hitachi, Ltd.", "hitachi"),
            ("NEC Corporation", "nec"),
            ("Kabushiki Kaisha Toshiba", "toshiba"),
            ("Microsoft Technology Licensing, LLC", "microsoft"),
            ("Accenture Global Solutions Limited", "accenture"),
            ("Visa International Service Association", "visa"),
            ("Siemens Aktiengesellschaft", "siemens"),
            ("Hangzhou Fuzamei Technology Co. Ltd", "fuzamei"),
        ] {
            assert_eq!(id(&h, name), group, "{name}");
        }
        // Word boundary: INTELLECTUAL is not Intel, NECTAR not NEC, LGX not LG.
        assert_eq!(
            id(&h, "Intellectual Ventures I LLC"),
            "INTELLECTUAL VENTURES I"
        );
        assert_eq!(h.harmonize("Nectar Ltd", None).rule, MatchRule::Unmatched);
        assert_eq!(h.harmonize("LGX Corp", None).rule, MatchRule::Unmatched);
    }

    #[test]
    fn rules_and_countries() {
        let h = Harmonizer::default();
        let g = h.harmonize("Advanced New Technologies Co., Ltd.", Some("KY"));
        assert_eq!(g.rule, MatchRule::Exact);
        assert_eq!(g.country.as_deref(), Some("CN"));
        assert!(g.country_from_alias);
        let g = h.harmonize("Tencent Technology (Shenzhen) Co., Ltd.", None);
        assert_eq!(g.rule, MatchRule::Prefix);
        let g = h.harmonize("Shenzhen Qianhai WeBank Co Ltd", None);
        assert_eq!((g.id.as_str(), g.rule), ("webank", MatchRule::Pattern));
        let g = h.harmonize("Acme Widgets, Inc.", Some("us"));
        assert_eq!(g.id, "ACME WIDGETS");
        assert_eq!(g.country.as_deref(), Some("US"));
        assert!(!g.country_from_alias);
        assert_eq!(g.rule, MatchRule::Unmatched);
    }

    #[test]
    fn custom_file_and_longest_prefix() {
        let h = Harmonizer::from_toml(
            r#"
            [[group]]
            id = "a"
            name = "A"
            prefixes = ["ACME"]
            [[group]]
            id = "b"
            name = "B"
            country = "DE"
            prefixes = ["Acme Robotics"]
            patterns = ["ROBO(T|TS)$"]
            "#,
        )
        .unwrap();
        assert_eq!(id(&h, "ACME ROBOTICS GMBH"), "b");
        assert_eq!(id(&h, "Acme Labs"), "a");
        assert_eq!(
            h.harmonize("Acme Labs", Some("FR")).country.as_deref(),
            Some("FR")
        );
        assert_eq!(id(&h, "Super Robots"), "b");
    }

    #[test]
    fn bad_files_are_reported() {
        let e = Harmonizer::from_toml("[[group]]\nid = \"a\"\nname = \"A\"\npatterns = [\"(\"]")
            .unwrap_err();
        assert!(matches!(e, AliasError::Pattern { .. }), "{e}");
        let e = Harmonizer::from_toml("[[group]]\nid = \"a\"\nname = \"A\"\nnames = [\"X Inc\"]\n[[group]]\nid = \"b\"\nname = \"B\"\nnames = [\"x, inc.\"]").unwrap_err();
        assert!(
            e.to_string().contains("claimed by groups \"a\" and \"b\""),
            "{e}"
        );
        let e = Harmonizer::from_toml("[[group]]\nid = \"a\"\nname = \"A\"\ncountry = \"China\"")
            .unwrap_err();
        assert!(matches!(e, AliasError::Country { .. }), "{e}");
        let e =
            Harmonizer::from_toml("[[group]]\nid = \"a\"\nname = \"A\"\naliases = []").unwrap_err();
        assert!(matches!(e, AliasError::Toml(_)), "{e}");
        let e = Harmonizer::from_toml(
            "[[group]]\nid = \"a\"\nname = \"A\"\n[[group]]\nid = \"a\"\nname = \"B\"",
        )
        .unwrap_err();
        assert!(matches!(e, AliasError::DuplicateId(_)), "{e}");
        let e = Harmonizer::from_toml("[[group]]\nid = \"a\"\nname = \"A\"\nnames = [\"...\"]")
            .unwrap_err();
        assert!(matches!(e, AliasError::Empty { .. }), "{e}");
    }
}
