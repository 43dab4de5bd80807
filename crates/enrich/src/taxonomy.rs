//! The technology taxonomy of `profiles/taxonomy.toml`: the core-technology vs application
//! split and industries with scenarios, each rule a topic query (CPC/IPC prefixes and
//! keywords), so analysts can edit the rules without touching code.

use std::collections::HashSet;
use std::sync::Arc;

use patq_model::{Classification, FastMap, PatentRecord};
use serde::{Deserialize, Serialize};

use crate::topic::{Doc, ParseError, Query};

/// The taxonomy shipped with patq.
pub const DEFAULT_TAXONOMY: &str = include_str!("../../../profiles/taxonomy.toml");

/// Errors in a taxonomy file.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    #[error("taxonomy file is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("{rule}: {source}")]
    Query {
        /// Which rule: `split.core`, `industry finance`, `industry finance, scenario abs`.
        rule: String,
        #[source]
        source: ParseError,
    },
    #[error("{0} is defined twice")]
    Duplicate(String),
}

/// Where a patent sits in the core / application split.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    /// Underlying (core) technology: matches the core rule and not the application rule.
    Core,
    /// Matches the application rule.
    Application,
    /// Neither rule matched.
    #[default]
    Other,
}

/// Everything the taxonomy says about one record, as indices into [`Taxonomy::industries`]:
/// what indicators keep per application so the text is matched once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    pub split: Split,
    /// Matching industries in file order, each with the indices of its matching scenarios.
    /// Shared: records with the same class list and no words share one list (a clone is a
    /// count increment, not a copy per application); behind a thin pointer, so the facts of
    /// an application are 16 bytes.
    pub industries: Arc<Vec<(usize, Vec<usize>)>>,
}

/// The facts of class lists already seen, for [`Taxonomy::facts_memo`] (one per thread).
#[derive(Default)]
pub struct FactsMemo<'r>(FastMap<&'r [Classification], Facts>);

impl FactsMemo<'_> {
    /// Lists remembered at most: past this, new lists are evaluated every time, so a corpus
    /// whose lists rarely repeat costs bounded memory.
    const CAPACITY: usize = 1 << 16;
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    split: SplitDef,
    #[serde(default)]
    industry: Vec<IndustryDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SplitDef {
    core: String,
    application: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndustryDef {
    id: String,
    name: String,
    query: String,
    #[serde(default)]
    scenario: Vec<ScenarioDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioDef {
    id: String,
    name: String,
    query: String,
}

/// A scenario inside an industry.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub id: String,
    pub name: String,
    pub query: Query,
}

/// An industry and its scenarios.
#[derive(Clone, Debug)]
pub struct Industry {
    pub id: String,
    pub name: String,
    pub query: Query,
    pub scenarios: Vec<Scenario>,
}

/// Parsed taxonomy rules.
#[derive(Clone, Debug)]
pub struct Taxonomy {
    pub core: Query,
    pub application: Query,
    pub industries: Vec<Industry>,
}

impl Default for Taxonomy {
    /// The shipped taxonomy.
    fn default() -> Self {
        Taxonomy::from_toml(DEFAULT_TAXONOMY).expect("the embedded profiles/taxonomy.toml is valid")
    }
}

fn parse(rule: impl Fn() -> String, text: &str) -> Result<Query, TaxonomyError> {
    Query::parse(text).map_err(|source| TaxonomyError::Query {
        rule: rule(),
        source,
    })
}

impl Taxonomy {
    /// Parses a taxonomy file (format documented at the top of `profiles/taxonomy.toml`).
    pub fn from_toml(text: &str) -> Result<Taxonomy, TaxonomyError> {
        let f: File = toml::from_str(text)?;
        let core = parse(|| "split.core".into(), &f.split.core)?;
        let application = parse(|| "split.application".into(), &f.split.application)?;
        let mut seen = HashSet::new();
        let mut industries = Vec::with_capacity(f.industry.len());
        for i in f.industry {
            if !seen.insert(i.id.clone()) {
                return Err(TaxonomyError::Duplicate(format!("industry {}", i.id)));
            }
            let query = parse(|| format!("industry {}", i.id), &i.query)?;
            let mut scen_seen = HashSet::new();
            let mut scenarios = Vec::with_capacity(i.scenario.len());
            for s in i.scenario {
                if !scen_seen.insert(s.id.clone()) {
                    return Err(TaxonomyError::Duplicate(format!(
                        "industry {}, scenario {}",
                        i.id, s.id
                    )));
                }
                let query = parse(|| format!("industry {}, scenario {}", i.id, s.id), &s.query)?;
                scenarios.push(Scenario {
                    id: s.id,
                    name: s.name,
                    query,
                });
            }
            industries.push(Industry {
                id: i.id,
                name: i.name,
                query,
                scenarios,
            });
        }
        Ok(Taxonomy {
            core,
            application,
            industries,
        })
    }

    /// Core, application or neither (see [`Split`]).
    pub fn split(&self, record: &PatentRecord) -> Split {
        self.split_of(&Doc::new(record))
    }

    fn split_of(&self, doc: &Doc<'_>) -> Split {
        if self.application.matches_doc(doc) {
            Split::Application
        } else if self.core.matches_doc(doc) {
            Split::Core
        } else {
            Split::Other
        }
    }

    /// True for an underlying (core) technology patent.
    pub fn is_core(&self, record: &PatentRecord) -> bool {
        self.split(record) == Split::Core
    }

    /// The split and the industries of `record`, its words read once. An industry matches
    /// through its own rule or through any of its scenarios.
    pub fn facts(&self, record: &PatentRecord) -> Facts {
        self.facts_of(&Doc::new(record))
    }

    fn facts_of(&self, doc: &Doc<'_>) -> Facts {
        Facts {
            split: self.split_of(doc),
            industries: self.industries_of(doc).into(),
        }
    }

    /// [`Taxonomy::facts`], remembering the answer for records without text: theirs depends
    /// only on the class list, and corpora without titles or abstracts (PATSTAT extracts, the
    /// synthetic corpus: 96 distinct lists in 1M applications) repeat a few lists, so most
    /// records are answered by one lookup instead of evaluating every rule's class atoms.
    pub fn facts_memo<'r>(&self, record: &'r PatentRecord, memo: &mut FactsMemo<'r>) -> Facts {
        let doc = Doc::new(record);
        if doc.has_words() {
            return self.facts_of(&doc);
        }
        if let Some(f) = memo.0.get(record.classes.as_slice()) {
            return f.clone();
        }
        let f = self.facts_of(&doc);
        if memo.0.len() < FactsMemo::CAPACITY {
            memo.0.insert(&record.classes, f.clone());
        }
        f
    }

    fn industries_of(&self, doc: &Doc<'_>) -> Vec<(usize, Vec<usize>)> {
        let mut out = Vec::new();
        for (x, ind) in self.industries.iter().enumerate() {
            let scen: Vec<usize> = (0..ind.scenarios.len())
                .filter(|&s| ind.scenarios[s].query.matches_doc(doc))
                .collect();
            if !scen.is_empty() || ind.query.matches_doc(doc) {
                out.push((x, scen));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patq_model::{ClassScheme, Classification, normalize_class_code};

    /// The record's industries and scenarios by id, from [`Taxonomy::facts`].
    fn classify<'t>(t: &'t Taxonomy, r: &PatentRecord) -> Vec<(&'t str, Vec<&'t str>)> {
        t.facts(r)
            .industries
            .iter()
            .map(|(x, scen)| {
                let ind = &t.industries[*x];
                let scen = scen.iter().map(|&s| ind.scenarios[s].id.as_str()).collect();
                (ind.id.as_str(), scen)
            })
            .collect()
    }

    fn rec(title: &str, abs: &str, cpc: &[&str]) -> PatentRecord {
        let mut r = PatentRecord::default();
        r.app.title = Some(title.into());
        r.app.abstract_text = Some(abs.into());
        r.classes = cpc
            .iter()
            .map(|c| Classification {
                scheme: ClassScheme::Cpc,
                code: normalize_class_code(c).into(),
            })
            .collect();
        r
    }

    /// The indicators hold the facts of every application: 16 bytes each.
    #[test]
    fn facts_are_two_words() {
        assert_eq!(std::mem::size_of::<Facts>(), 16);
    }

    #[test]
    fn default_has_the_report_industries() {
        let t = Taxonomy::default();
        assert!(t.industries.len() >= 12, "{}", t.industries.len());
        for id in [
            "finance",
            "medical",
            "energy",
            "logistics",
            "automotive",
            "telecom",
            "government",
            "copyright",
            "supply-chain",
            "iot",
            "education",
            "insurance",
        ] {
            assert!(t.industries.iter().any(|i| i.id == id), "missing {id}");
        }
        let scen = |ind: &str| -> Vec<&str> {
            let i = t.industries.iter().find(|i| i.id == ind).unwrap();
            i.scenarios.iter().map(|s| s.id.as_str()).collect()
        };
        for s in [
            "supply-chain-finance",
            "asset-securitization",
            "joint-credit",
            "cross-border-payment",
            "digital-currency",
        ] {
            assert!(scen("finance").contains(&s), "finance lacks {s}");
        }
        assert!(scen("medical").contains(&"prescription"));
        assert!(scen("medical").contains(&"medical-records"));
        assert!(scen("energy").contains(&"power-trading"));
        assert!(scen("energy").contains(&"charging-piles"));
    }

    #[test]
    fn split_hand_cases() {
        let t = Taxonomy::default();
        // Consensus protocol with a crypto class only: core.
        let r = rec(
            "Consensus method for a blockchain network",
            "",
            &["H04L9/3239", "G06F16/27"],
        );
        assert_eq!(t.split(&r), Split::Core);
        assert!(t.is_core(&r));
        // Same, plus a business-method class: application.
        let r = rec("Consensus method", "", &["H04L9/3239", "G06Q40/04"]);
        assert_eq!(t.split(&r), Split::Application);
        assert!(!t.is_core(&r));
        // Keyword only, no class: core by keyword.
        let r = rec("Sharding of a ledger", "", &[]);
        assert_eq!(t.split(&r), Split::Core);
        let r = rec("A method of brewing beer", "", &["C12C1/00"]);
        assert_eq!(t.split(&r), Split::Other);
    }

    #[test]
    fn classify_hand_cases() {
        let t = Taxonomy::default();
        let r = rec(
            "Blockchain-based supply chain finance platform",
            "Accounts receivable of a core enterprise are split and transferred to suppliers.",
            &["G06Q40/02"],
        );
        let c = classify(&t, &r);
        assert_eq!(c[0], ("finance", vec!["supply-chain-finance"]));
        assert!(c.iter().any(|(i, _)| *i == "supply-chain"));
        let r = rec(
            "Electronic prescription circulation based on blockchain",
            "A hospital issues a prescription that a pharmacy verifies.",
            &["G16H20/10"],
        );
        let c = classify(&t, &r);
        assert_eq!(c, vec![("medical", vec!["prescription"])]);
        let r = rec(
            "Charging pile billing with blockchain",
            "electric vehicle users",
            &[],
        );
        let c = classify(&t, &r);
        assert!(c.contains(&("energy", vec!["charging-piles"])), "{c:?}");
        let r = rec("Method of brewing beer", "", &["C12C1/00"]);
        assert!(classify(&t, &r).is_empty());
        assert_eq!(t.facts(&r), Facts::default());
    }

    #[test]
    fn facts_agree_with_split_and_classify() {
        let t = Taxonomy::default();
        let r = rec(
            "Electronic prescription circulation based on blockchain",
            "A hospital issues a prescription that a pharmacy verifies.",
            &["G16H20/10"],
        );
        let f = t.facts(&r);
        assert_eq!(f.split, Split::Application);
        let medical = t.industries.iter().position(|i| i.id == "medical").unwrap();
        let presc = t.industries[medical]
            .scenarios
            .iter()
            .position(|s| s.id == "prescription")
            .unwrap();
        assert_eq!(*f.industries, [(medical, vec![presc])]);
        let r = rec("Sharding of a ledger", "", &[]);
        assert_eq!(t.facts(&r).split, Split::Core);
    }

    #[test]
    fn bad_files_name_the_rule() {
        let e = Taxonomy::from_toml(
            "[split]\ncore = 'a'\napplication = 'b'\n[[industry]]\nid = 'x'\nname = 'X'\nquery = 'a'\n[[industry.scenario]]\nid = 's'\nname = 'S'\nquery = 'a AND'\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "industry x, scenario s: line 1, column 6: the query ends after AND; expected a term, a class or '('"
        );
        let e = Taxonomy::from_toml("[split]\ncore = '('\napplication = 'b'\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("split.core: line 1, column 2: the query ends after '('"),
            "{e}"
        );
        let e = Taxonomy::from_toml(
            "[split]\ncore = 'a'\napplication = 'b'\n[[industry]]\nid = 'x'\nname = 'X'\nquery = 'a'\n[[industry]]\nid = 'x'\nname = 'Y'\nquery = 'b'\n",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "industry x is defined twice");
        assert!(matches!(
            Taxonomy::from_toml("[split]\ncore = 'a'\n"),
            Err(TaxonomyError::Toml(_))
        ));
    }

    proptest::proptest! {
        /// Remembered facts equal computed ones, for records with and without text whose
        /// class lists repeat (taken from a small pool, in any order).
        #[test]
        fn remembered_facts_equal_computed_ones(
            picks in proptest::collection::vec(
                (proptest::collection::vec(0usize..8, 0..4), proptest::option::of(0usize..3)),
                1..60,
            )
        ) {
            const CODES: [&str; 8] = [
                "G06Q40/02", "H04L9/3239", "G16H10/60", "G06F16/27", "Y02E40/70", "G06Q20/065",
                "B60L53/00", "A01B1/00",
            ];
            const TEXTS: [&str; 3] = ["Supply chain finance", "charging pile billing", ""];
            let t = Taxonomy::default();
            let records: Vec<PatentRecord> = picks
                .iter()
                .map(|(codes, text)| {
                    let cpc: Vec<&str> = codes.iter().map(|&k| CODES[k]).collect();
                    let mut r = rec("", "", &cpc);
                    r.app.title = text.map(|k| TEXTS[k].to_string());
                    r.app.abstract_text = None;
                    r
                })
                .collect();
            let mut memo = FactsMemo::default();
            for r in &records {
                proptest::prop_assert_eq!(t.facts_memo(r, &mut memo), t.facts(r));
            }
        }
    }
}
