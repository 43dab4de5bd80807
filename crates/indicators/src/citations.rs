//! F4: cited applications (at least one forward citation) and citation rate by country, with
//! family-level and self-citation-free variants and the mean cohort-normalised citation index.

use patq_model::AppFields;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::{CitationMethod, Corpus, order_countries};
use crate::table::{Availability, Csv, fmt_opt, fmt_opt_rate, fmt_rate, rate};

/// What F4 counts and how, in words: the text its table carries.
pub const DEFINITION: &str = "F4. Cited applications by company country. Cited = received >= 1 \
forward citation, counted by the method in `method`: the dataset's own citation lists inverted \
(citations from applications of the dataset only), else the source's cited-by count. Citation \
rate = cited / all applications of the country. Family level: extended families (country of \
the earliest-filed selected member) cited by >= 1 other extended family / families. Self-citations \
excluded: cited by >= 1 application of another harmonised group. Family and self-excluded \
figures need citation lists (a source count cannot tell who cited). Mean cohort index = mean \
over the country's applications of forward citations / mean of the cohort (filing year x CPC, \
else IPC, section), 1.0 = cohort average; applications whose cohort mean is 0 are left out.";

/// One row of F4: a company country, or the WORLD total.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// Company country (two-letter code), `UNKNOWN` when no rule finds one, or `WORLD` for the
    /// total row.
    pub country: String,
    /// Selected applications of the country.
    pub applications: u64,
    /// Of them, applications with at least one forward citation; None when citation counts are not
    /// available.
    pub cited: Option<u64>,
    /// `cited` / `applications`, a share 0-1; None when citation counts are not available.
    pub citation_rate: Option<f64>,
    /// Extended families whose representative (earliest-filed selected member) has this company
    /// country.
    pub families: u64,
    /// Of `families`, those cited by at least one other extended family; None without citation
    /// lists.
    pub cited_families: Option<u64>,
    /// `cited_families` / `families`, a share 0-1; None without citation lists or without a family.
    pub family_citation_rate: Option<f64>,
    /// Applications cited by at least one application of another group (or of no known group); None
    /// without citation lists or applicants.
    pub cited_excl_self: Option<u64>,
    /// `cited_excl_self` / `applications`, a share 0-1; None without citation lists or applicants.
    pub citation_rate_excl_self: Option<f64>,
    /// Mean cohort index (forward citations / cohort mean, 1.0 = cohort average) over the country's
    /// applications that have one, uncited ones included; None when none has.
    pub mean_cohort_index: Option<f64>,
}

/// F4: cited applications and citation rates by company country.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CitationsByCountry {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// Where the forward citation counts come from.
    pub method: CitationMethod,
    /// Whether forward citation counts exist (by any method); when not, those cells hold the note.
    pub cited: Availability,
    /// Whether the family-level figures exist (they need citation lists).
    pub family: Availability,
    /// Whether the self-citation-free figures exist (they need citation lists and applicants).
    pub excl_self: Availability,
    /// One row per company country with a selected application, by applications descending, then
    /// country code.
    pub rows: Vec<Row>,
    /// The WORLD row: sums over all rows, its rates and mean over the whole selection.
    pub world: Row,
}

#[derive(Default)]
struct Acc {
    apps: u64,
    cited: u64,
    families: u64,
    cited_families: u64,
    excl_self: u64,
    index_sum: f64,
    index_n: u64,
}

/// Availability of the family-level and self-excluded figures.
pub(crate) fn split_availability(c: &Corpus<'_, impl AppFields>) -> (Availability, Availability) {
    let lists = c.citation_method == CitationMethod::CitationLists;
    let family = Availability::from_flag(lists, "citation lists");
    let excl = if lists && !c.has_applicants {
        Availability::from_flag(false, "citation lists and applicants")
    } else {
        Availability::from_flag(lists, "citation lists")
    };
    (family, excl)
}

/// F4 over the selection `sel`.
pub fn compute(c: &Corpus<'_, impl AppFields>, sel: &[usize]) -> CitationsByCountry {
    let avail = c.has_citation_counts;
    let (family, excl_self) = split_availability(c);
    let mut m: BTreeMap<&str, Acc> = BTreeMap::new();
    for &i in sel {
        let a = &c.info[i];
        let e = m.entry(a.country_label()).or_default();
        e.apps += 1;
        e.cited += u64::from(a.cited() == Some(true));
        e.excl_self += u64::from(a.cited_by_excl_self.is_some_and(|n| n > 0));
        if let Some(x) = a.cohort_index {
            e.index_sum += x;
            e.index_n += 1;
        }
    }
    for (_, rep) in c.selected_families(sel) {
        let a = &c.info[rep];
        let e = m.entry(a.country_label()).or_default();
        e.families += 1;
        e.cited_families += u64::from(a.cited_by_family.is_some_and(|n| n > 0));
    }
    let mut w = Acc::default();
    for e in m.values() {
        w.apps += e.apps;
        w.cited += e.cited;
        w.families += e.families;
        w.cited_families += e.cited_families;
        w.excl_self += e.excl_self;
        w.index_sum += e.index_sum;
        w.index_n += e.index_n;
    }
    let row = |country: String, e: &Acc| Row {
        country,
        applications: e.apps,
        cited: avail.then_some(e.cited),
        citation_rate: if avail { rate(e.cited, e.apps) } else { None },
        families: e.families,
        cited_families: family.is_available().then_some(e.cited_families),
        family_citation_rate: if family.is_available() {
            rate(e.cited_families, e.families)
        } else {
            None
        },
        cited_excl_self: excl_self.is_available().then_some(e.excl_self),
        citation_rate_excl_self: if excl_self.is_available() {
            rate(e.excl_self, e.apps)
        } else {
            None
        },
        mean_cohort_index: (e.index_n > 0).then(|| e.index_sum / e.index_n as f64),
    };
    let world = row("WORLD".into(), &w);
    let rows = order_countries(
        m.into_iter().map(|(k, e)| (k, (k, e))).collect(),
        |(_, e)| e.apps,
    )
    .into_iter()
    .map(|(k, e)| row(k.to_string(), &e))
    .collect();
    CitationsByCountry {
        definition: DEFINITION,
        method: c.citation_method,
        cited: Availability::from_flag(avail, "forward citation counts"),
        family,
        excl_self,
        rows,
        world,
    }
}

impl CitationsByCountry {
    /// One row per country, then WORLD, with the citation method on every row; a cell the data
    /// cannot give holds the availability note.
    pub fn to_csv(&self) -> String {
        let mut csv = Csv::new(&[
            "country",
            "applications",
            "cited",
            "citation_rate",
            "families",
            "cited_families",
            "family_citation_rate",
            "cited_excl_self",
            "citation_rate_excl_self",
            "mean_cohort_index",
            "citation_method",
        ]);
        for r in self.rows.iter().chain(std::iter::once(&self.world)) {
            let index = if self.cited.is_available() {
                fmt_rate(r.mean_cohort_index)
            } else {
                self.cited.cell()
            };
            csv.row([
                r.country.clone(),
                r.applications.to_string(),
                fmt_opt(r.cited, &self.cited),
                fmt_opt_rate(r.citation_rate, &self.cited),
                r.families.to_string(),
                fmt_opt(r.cited_families, &self.family),
                fmt_opt_rate(r.family_citation_rate, &self.family),
                fmt_opt(r.cited_excl_self, &self.excl_self),
                fmt_opt_rate(r.citation_rate_excl_self, &self.excl_self),
                index,
                self.method.as_str().to_string(),
            ]);
        }
        csv.finish()
    }
}
