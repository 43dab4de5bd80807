//! The applications behind one number of an indicator: a spec such as `F2:grants` or `F9:3-10`
//! maps to a predicate over the [`Corpus`], so every figure can be audited row by row.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::corpus::Corpus;
use crate::table::{Csv, band_label, band_of};
use crate::{citation_bands, company_size_bands, family_size_bands, registry};

/// Which number of which indicator to explain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spec {
    /// F2/F4/F5 `applications`: the whole selection.
    Applications,
    /// F2 grants.
    Grants,
    /// F4 cited applications.
    Cited,
    /// F5 international applications.
    International,
    /// F3 families: the selected members of every selected family.
    Families,
    /// F3 multi-member families (size >= 2).
    MultiMember,
    /// F9 citation band, index into [`citation_bands::BANDS`].
    CitationBand(usize),
    /// F10 family-size band, index into [`family_size_bands::BANDS`].
    FamilySizeBand(usize),
    /// T1 company-size band, index into [`company_size_bands::BANDS`].
    CompanySizeBand(usize),
    /// F6 applications of one filing year.
    Year(i32),
    /// F7 applications (or grants) of one filing year at the F7 office.
    OfficeYear {
        /// The filing year.
        year: i32,
        /// Only the granted applications.
        grants: bool,
    },
    /// F18 first filings counted at one office (None: at every office).
    FirstFilings(Option<[u8; 2]>),
}

/// Errors of [`Spec::from_str`] and [`explain`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExplainError {
    /// The text names no spec of [`valid_specs`].
    #[error("unknown indicator spec {spec:?}; valid specs:\n{}", valid_specs())]
    Unknown {
        /// The spec as typed.
        spec: String,
    },
    /// The figure needs a field the dataset lacks (grant status, citations), so it has no
    /// applications to list rather than zero.
    #[error("{spec}: not available: the dataset has no {needs}")]
    NotAvailable {
        /// The spec, canonical.
        spec: String,
        /// The missing field, in words.
        needs: &'static str,
    },
}

/// The valid specs, one per line, for help and error texts: every figure's forms in
/// [`registry::FIGURES`], in report order.
pub fn valid_specs() -> String {
    let mut lines = Vec::new();
    for f in registry::FIGURES {
        for e in f.explain {
            let mut line = format!("{:<22}{}", e.form, e.lists);
            if !e.bands.is_empty() {
                let labels: Vec<String> = e.bands.iter().map(|&b| band_label(b)).collect();
                line.push_str(&format!(": {} (>N = >=N+1)", labels.join(" | ")));
            }
            lines.push(line);
        }
    }
    lines.join("\n")
}

/// The band of `bands` whose label is `s`; `>N` is read as `>=N+1`.
fn parse_band(s: &str, bands: &[(u64, Option<u64>)]) -> Option<usize> {
    if let Some(i) = bands.iter().position(|&b| band_label(b) == s) {
        return Some(i);
    }
    let n: u64 = s.strip_prefix('>')?.parse().ok()?;
    bands.iter().position(|&b| b == (n + 1, None))
}

impl FromStr for Spec {
    type Err = ExplainError;

    fn from_str(s: &str) -> Result<Spec, ExplainError> {
        let unknown = || ExplainError::Unknown {
            spec: s.to_string(),
        };
        let (fig, rest) = match s.trim().split_once(':') {
            Some((f, r)) => (f.to_ascii_uppercase(), Some(r.trim())),
            None => (s.trim().to_ascii_uppercase(), None),
        };
        let rest_lc = rest.map(str::to_ascii_lowercase);
        let spec = match (fig.as_str(), rest_lc.as_deref()) {
            ("F2" | "F4" | "F5", None | Some("applications")) => Spec::Applications,
            ("F2", Some("grants")) => Spec::Grants,
            ("F4", Some("cited")) => Spec::Cited,
            ("F5", Some("international")) => Spec::International,
            ("F3", None | Some("families")) => Spec::Families,
            ("F3", Some("multi")) => Spec::MultiMember,
            ("F9", Some(b)) => {
                Spec::CitationBand(parse_band(b, &citation_bands::BANDS).ok_or_else(unknown)?)
            }
            ("F10", Some(b)) => {
                Spec::FamilySizeBand(parse_band(b, &family_size_bands::BANDS).ok_or_else(unknown)?)
            }
            ("T1", Some(b)) => Spec::CompanySizeBand(
                parse_band(b, &company_size_bands::BANDS).ok_or_else(unknown)?,
            ),
            ("F6", Some(y)) => Spec::Year(y.parse().map_err(|_| unknown())?),
            ("F7", Some(r)) => {
                let (y, grants) = match r.strip_suffix(":grants") {
                    Some(y) => (y, true),
                    None => (r, false),
                };
                Spec::OfficeYear {
                    year: y.parse().map_err(|_| unknown())?,
                    grants,
                }
            }
            ("F18", None) => Spec::FirstFilings(None),
            ("F18", Some(o)) if o.eq_ignore_ascii_case("total") => Spec::FirstFilings(None),
            ("F18", Some(o)) => match o.to_ascii_uppercase().as_bytes() {
                &[x, y] if x.is_ascii_alphabetic() && y.is_ascii_alphabetic() => {
                    Spec::FirstFilings(Some([x, y]))
                }
                _ => return Err(unknown()),
            },
            _ => return Err(unknown()),
        };
        Ok(spec)
    }
}

impl fmt::Display for Spec {
    /// The canonical spec text, which parses back to the same spec.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Spec::Applications => f.write_str("F2:applications"),
            Spec::Grants => f.write_str("F2:grants"),
            Spec::Cited => f.write_str("F4:cited"),
            Spec::International => f.write_str("F5:international"),
            Spec::Families => f.write_str("F3:families"),
            Spec::MultiMember => f.write_str("F3:multi"),
            Spec::CitationBand(b) => write!(f, "F9:{}", band_label(citation_bands::BANDS[b])),
            Spec::FamilySizeBand(b) => {
                write!(f, "F10:{}", band_label(family_size_bands::BANDS[b]))
            }
            Spec::CompanySizeBand(b) => {
                write!(f, "T1:{}", band_label(company_size_bands::BANDS[b]))
            }
            Spec::Year(y) => write!(f, "F6:{y}"),
            Spec::OfficeYear { year, grants } => {
                write!(f, "F7:{year}{}", if grants { ":grants" } else { "" })
            }
            Spec::FirstFilings(None) => f.write_str("F18:TOTAL"),
            Spec::FirstFilings(Some([x, y])) => {
                write!(f, "F18:{}{}", char::from(x), char::from(y))
            }
        }
    }
}

/// The applications behind a number.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The number explained.
    pub spec: Spec,
    /// Indices into the corpus: ascending, grouped by family for family figures.
    pub apps: Vec<usize>,
    /// What the figure counts when it is not applications: `(n, "families")` for F3/F10,
    /// `(n, "companies")` for T1.
    pub counted: Option<(u64, &'static str)>,
    /// How the family figures sized the families ([`patq_enrich::FamilyMethod`]), for F3/F10.
    pub family_method: Option<&'static str>,
}

/// One application as `patq explain` shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExplainRow {
    /// Application key (office and number, as the dataset stores it).
    pub key: String,
    /// Office the application was filed at (`WO` for a PCT application).
    pub office: String,
    /// Filing year; None when the record states none.
    pub year: Option<i32>,
    /// Corporate group of the first applicant (the level company figures count).
    pub group: Option<String>,
    /// Entity (normalised legal name) of the same applicant.
    pub entity: Option<String>,
    /// Company country the figures count it under (`UNKNOWN` when no rule gives one).
    pub country: String,
    /// Which rule gave the country (`applicant_country`, `first_priority_office`, ...).
    pub country_rule: &'static str,
    /// Granted; None when the dataset holds no grant evidence.
    pub granted: Option<bool>,
    /// Filed outside the company's country (WO always), as F5 counts it.
    pub international: bool,
    /// Forward citations by the corpus's citation method; None when not available.
    pub cited_by: Option<u32>,
    /// Extended family id (the family F3 and F10 count).
    pub family: u32,
    /// Size of that family: the largest a member's source states, or its members in the data.
    pub family_size: u32,
    /// Title as the source gives it.
    pub title: Option<String>,
}

/// The columns of [`rows_csv`], in [`ExplainRow::fields`] order.
pub const ROW_HEADER: [&str; 13] = [
    "key",
    "office",
    "year",
    "group",
    "entity",
    "country",
    "country_rule",
    "granted",
    "international",
    "cited_by",
    "family",
    "family_size",
    "title",
];

impl ExplainRow {
    /// The row of application `i` of the corpus.
    pub fn new(c: &Corpus, i: usize) -> ExplainRow {
        let a = &c.info[i];
        let app = &c.records[i].app;
        let family = c.families.extended[i];
        ExplainRow {
            key: app.key.to_string(),
            office: app.office.to_string(),
            year: a.year,
            group: a.group.as_deref().map(str::to_string),
            entity: a.entity.as_deref().map(str::to_string),
            country: a.country_label().to_string(),
            country_rule: a.country_rule.as_str(),
            granted: a.granted,
            international: a.international,
            cited_by: a.cited_by,
            family,
            family_size: c.families.extended_size(family),
            title: app.title.clone(),
        }
    }

    /// The fields in [`ROW_HEADER`] order; unknowns are empty.
    pub fn fields(&self) -> [String; 13] {
        let opt = |v: Option<String>| v.unwrap_or_default();
        [
            self.key.clone(),
            self.office.clone(),
            opt(self.year.map(|y| y.to_string())),
            opt(self.group.clone()),
            opt(self.entity.clone()),
            self.country.clone(),
            self.country_rule.to_string(),
            opt(self.granted.map(|g| g.to_string())),
            self.international.to_string(),
            opt(self.cited_by.map(|n| n.to_string())),
            self.family.to_string(),
            self.family_size.to_string(),
            opt(self.title.clone()),
        ]
    }
}

/// The rows as CSV with a header.
pub fn rows_csv(rows: &[ExplainRow]) -> String {
    let mut csv = Csv::new(&ROW_HEADER);
    for r in rows {
        csv.row(r.fields());
    }
    csv.finish()
}

/// The applications of `sel` behind `spec`, computed exactly as the indicator counts them.
/// `f7_office` is the office F7 looks at.
pub fn explain(
    c: &Corpus,
    sel: &[usize],
    spec: Spec,
    f7_office: &str,
) -> Result<Explanation, ExplainError> {
    let need = |ok: bool, needs: &'static str| {
        if ok {
            Ok(())
        } else {
            Err(ExplainError::NotAvailable {
                spec: spec.to_string(),
                needs,
            })
        }
    };
    let keep = |p: &dyn Fn(usize) -> bool| sel.iter().copied().filter(|&i| p(i)).collect();
    let mut counted = None;
    let mut family_method = None;
    let apps: Vec<usize> = match spec {
        Spec::Applications => sel.to_vec(),
        Spec::Grants => {
            need(c.has_grant_status, "grant status")?;
            keep(&|i| c.info[i].granted == Some(true))
        }
        Spec::Cited => {
            need(c.has_citation_counts, "forward citation counts")?;
            keep(&|i| c.info[i].cited() == Some(true))
        }
        Spec::International => keep(&|i| c.info[i].international),
        Spec::CitationBand(b) => {
            need(c.has_citation_counts, "forward citation counts")?;
            keep(&|i| {
                c.info[i]
                    .cited_by
                    .and_then(|n| band_of(u64::from(n), &citation_bands::BANDS))
                    == Some(b)
            })
        }
        Spec::Families | Spec::MultiMember | Spec::FamilySizeBand(_) => {
            let size_ok = |size: u32| match spec {
                Spec::MultiMember => size >= 2,
                Spec::FamilySizeBand(b) => {
                    band_of(u64::from(size), &family_size_bands::BANDS) == Some(b)
                }
                _ => true,
            };
            let fams: Vec<u32> = c
                .selected_families(sel)
                .into_iter()
                .map(|(f, _)| f)
                .filter(|&f| size_ok(c.families.extended_size(f)))
                .collect();
            counted = Some((fams.len() as u64, "families"));
            family_method = Some(c.families.method.as_str());
            let mut v: Vec<usize> = keep(&|i| fams.binary_search(&c.families.extended[i]).is_ok());
            v.sort_by_key(|&i| (c.families.extended[i], i));
            v
        }
        Spec::CompanySizeBand(b) => {
            need(c.has_applicants, "applicants")?;
            let mut sizes: BTreeMap<&str, u64> = BTreeMap::new();
            for &i in sel {
                if let Some(g) = &c.info[i].group {
                    *sizes.entry(g).or_insert(0) += 1;
                }
            }
            sizes.retain(|_, n| band_of(*n, &company_size_bands::BANDS) == Some(b));
            counted = Some((sizes.len() as u64, "companies"));
            keep(&|i| {
                c.info[i]
                    .group
                    .as_deref()
                    .is_some_and(|g| sizes.contains_key(g))
            })
        }
        Spec::Year(y) => keep(&|i| c.info[i].year == Some(y)),
        Spec::OfficeYear { year, grants } => {
            if grants {
                need(c.has_grant_status, "grant status")?;
            }
            keep(&|i| {
                c.records[i].app.office == f7_office
                    && c.info[i].year == Some(year)
                    && (!grants || c.info[i].granted == Some(true))
            })
        }
        Spec::FirstFilings(office) => {
            let known = c.info.iter().any(|a| a.first_filing.is_known());
            need(known, crate::first_filings::NEEDS)?;
            keep(&|i| match (c.info[i].first_filing, office) {
                (crate::first_filings::FirstFiling::At(o), want) => want.is_none_or(|w| w == o),
                _ => false,
            })
        }
    };
    Ok(Explanation {
        spec,
        apps,
        counted,
        family_method,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(s: &str) -> Spec {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn specs_parse_and_print_back() {
        assert_eq!(spec("F2"), Spec::Applications);
        assert_eq!(spec("f5:applications"), Spec::Applications);
        assert_eq!(spec("F9:>10"), Spec::CitationBand(2));
        assert_eq!(spec("F9:>=11"), Spec::CitationBand(2));
        assert_eq!(spec("F10:>10"), Spec::FamilySizeBand(3));
        assert_eq!(spec("T1:>999"), Spec::CompanySizeBand(5));
        assert_eq!(spec("T1:10-49"), Spec::CompanySizeBand(1));
        assert_eq!(
            spec("F7:2019:grants"),
            Spec::OfficeYear {
                year: 2019,
                grants: true
            }
        );
        for s in [
            "F2:applications",
            "F2:grants",
            "F3:families",
            "F3:multi",
            "F4:cited",
            "F5:international",
            "F6:2018",
            "F7:2020",
            "F7:2020:grants",
            "F9:1-2",
            "F9:3-10",
            "F9:>=11",
            "F10:6-10",
            "T1:1-9",
        ] {
            assert_eq!(spec(s).to_string(), s);
        }
    }

    #[test]
    fn unknown_specs_list_the_valid_ones() {
        for bad in ["F8", "F9:4-5", "F9", "F6:soon", "T1:>10", "F2:granted", ""] {
            let e = bad.parse::<Spec>().unwrap_err();
            assert_eq!(
                e,
                ExplainError::Unknown {
                    spec: bad.to_string()
                }
            );
            let text = e.to_string();
            assert!(
                text.contains("F2:grants") && text.contains("size: 1-2 | 3-5 | 6-10 | >=11"),
                "{text}"
            );
        }
    }

    /// Seven invented applications (synthetic): (number, office, applicant, granted,
    /// cited_by, priority number at CN or "", year); Red is a CN company, Blue a US one.
    /// Families: {1,2,3} via priority CN1, singletons 4, 5, 6, 7. Red has 5 applications,
    /// Blue 2.
    fn corpus_records() -> Vec<patq_model::PatentRecord> {
        use patq_model::{Party, PartyRole, PatentRecord, Priority, app_key};
        let rows = [
            ("1", "CN", "Red", true, 0, "", 2018),
            ("2", "US", "Red", true, 4, "1", 2019),
            ("3", "WO", "Red", false, 12, "1", 2019),
            ("4", "CN", "Red", false, 1, "", 2019),
            ("5", "CN", "Red", true, 0, "", 2020),
            ("6", "US", "Blue", true, 2, "", 2019),
            ("7", "EP", "Blue", false, 0, "", 2019),
        ];
        rows.iter()
            .map(|&(num, office, who, granted, cited, prio, year)| {
                let mut r = PatentRecord::default();
                r.app.office = office.into();
                r.app.number = num.into();
                r.app.key = app_key(office, num);
                r.app.granted = Some(granted);
                r.app.cited_by_count = Some(cited);
                r.app.filing_year = Some(year);
                r.parties.push(Party {
                    role: PartyRole::Applicant,
                    seq: 0,
                    name: who.into(),
                    country: Some(if who == "Red" { "CN" } else { "US" }.into()),
                });
                if !prio.is_empty() {
                    r.priorities.push(Priority {
                        office: "CN".into(),
                        number: prio.into(),
                        kind: None,
                        date: None,
                        key: app_key("CN", prio),
                    });
                }
                r
            })
            .collect()
    }

    #[test]
    fn counts_equal_the_indicators() {
        let recs = corpus_records();
        let h = patq_enrich::Harmonizer::from_toml("").unwrap();
        let c = Corpus::build(&recs, &h);
        let sel = c.select(&crate::Filters::default());
        let n = |s: &str| {
            let e = explain(&c, &sel, spec(s), "CN").unwrap();
            (e.apps.len() as u64, e.counted.map(|x| x.0))
        };
        // Hand counts: grants 1,2,5,6 = 4; cited 2,3,4,6 = 4; international = 2 (US) and
        // 3 (WO) of CN company Red, 7 (EP) of US company Blue = 3.
        assert_eq!(n("F2"), (7, None));
        assert_eq!(n("F2:grants"), (4, None));
        assert_eq!(n("F4:cited"), (4, None));
        assert_eq!(n("F5:international"), (3, None));
        // Bands: 1-2 = {4 (1), 6 (2)}, 3-10 = {2 (4)}, >10 = {3 (12)}.
        assert_eq!(n("F9:1-2"), (2, None));
        assert_eq!(n("F9:3-10"), (1, None));
        assert_eq!(n("F9:>10"), (1, None));
        // Families: 5 in all, one of them (size 3) multi-member, in band 3-5.
        assert_eq!(n("F3"), (7, Some(5)));
        assert_eq!(n("F3:multi"), (3, Some(1)));
        assert_eq!(n("F10:3-5"), (3, Some(1)));
        assert_eq!(n("F10:1-2"), (4, Some(4)));
        // Both companies are in the 1-9 band.
        assert_eq!(n("T1:1-9"), (7, Some(2)));
        assert_eq!(n("T1:10-49"), (0, Some(0)));
        assert_eq!(n("F6:2019"), (5, None));
        // CN office: 1 (2018), 4 (2019), 5 (2020, granted).
        assert_eq!(n("F7:2019"), (1, None));
        assert_eq!(n("F7:2020:grants"), (1, None));

        // The same numbers from the indicators themselves.
        let f2 = crate::grants_by_country::compute(&c, &sel);
        assert_eq!(f2.world.grants, Some(4));
        let f4 = crate::citations::compute(&c, &sel);
        assert_eq!(f4.world.cited, Some(4));
        let f5 = crate::international::compute(&c, &sel);
        assert_eq!(f5.world.international, 3);
        let f9 = citation_bands::compute(&c, &sel);
        assert_eq!(f9.world.bands, vec![2, 1, 1]);
        let f3 = crate::families::compute(&c, &sel);
        assert_eq!((f3.world.families, f3.world.multi_member), (5, 1));
        let f10 = family_size_bands::compute(&c, &sel, 10);
        assert_eq!(f10.families, vec![4, 1, 0, 0]);
        let t1 = company_size_bands::compute(&c, &sel);
        assert_eq!(t1.world.bands[0], 2);
        let f7 = crate::office_grant_trend::compute(&c, &sel, "CN");
        let r2020 = f7.rows.iter().find(|r| r.year == 2020).unwrap();
        assert_eq!(r2020.grants, Some(1));

        // Family rows come grouped by family.
        let e = explain(&c, &sel, spec("F3:multi"), "CN").unwrap();
        assert_eq!(e.apps, vec![0, 1, 2]);
    }

    #[test]
    fn missing_fields_are_errors_not_empty_lists() {
        let mut recs = corpus_records();
        for r in &mut recs {
            r.app.granted = None;
            r.app.cited_by_count = None;
        }
        let h = patq_enrich::Harmonizer::from_toml("").unwrap();
        let c = Corpus::build(&recs, &h);
        let sel = c.select(&crate::Filters::default());
        for s in ["F2:grants", "F4:cited", "F9:1-2", "F7:2019:grants"] {
            let e = explain(&c, &sel, spec(s), "CN").unwrap_err();
            assert!(matches!(e, ExplainError::NotAvailable { .. }), "{s}: {e}");
        }
        assert_eq!(
            explain(&c, &sel, spec("F4:cited"), "CN")
                .unwrap_err()
                .to_string(),
            "F4:cited: not available: the dataset has no forward citation counts"
        );
        assert_eq!(
            explain(&c, &sel, spec("F7:2019"), "CN").unwrap().apps,
            vec![3]
        );
    }
}
