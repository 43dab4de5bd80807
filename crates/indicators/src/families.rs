//! F3: extended (INPADOC-style) families by country of the family's first member company,
//! the family-size distribution and the share of families with two or more members.

use patq_enrich::FamilyMethod;
use patq_model::AppFields;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::{Corpus, order_countries};
use crate::table::{Csv, fmt_rate, rate};

/// What F3 counts and how, in words: the text its tables carry.
pub const DEFINITION: &str = "F3. Families by country. Family = INPADOC-style extended family \
(the reference's INPADOC families): connected components of applications linked through \
priority claims, PCT entries, PATSTAT earliest-filing ids or the source's DOCDB/INPADOC family \
ids (union-find over the whole dataset, so filters never cut a family). A family is counted \
when one of its members is selected; its country is the company country of its earliest-filed \
selected member. Size by the method in `family_method`: when the source states family sizes \
(Lens Extended Family Size; else simple sizes such as PATSTAT docdb_family_size, a lower \
bound), the largest size a member states or the members in the data, whichever is larger \
(Lens counts publications: an application's A1 and B2 are two members); otherwise the member \
applications in the data. Multi-member share = families with size >= 2 / families.";

/// One row of F3: a company country, or the WORLD total.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// Company country of the families' representatives (earliest-filed selected member), `UNKNOWN`
    /// when no rule finds one, or `WORLD` for the total row.
    pub country: String,
    /// Extended families with a selected member whose representative has this country.
    pub families: u64,
    /// Of them, families of size 2 or more, the size by [`FamiliesByCountry::family_method`].
    pub multi_member: u64,
    /// `multi_member` / `families`, a share 0-1; None when there is no family.
    pub multi_member_share: Option<f64>,
}

/// F3: extended families by company country and the family-size distribution.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FamiliesByCountry {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// One row per country with a family, by families descending, then country code.
    pub rows: Vec<Row>,
    /// The WORLD row: every extended family with a selected member.
    pub world: Row,
    /// World family size -> number of families.
    pub size_distribution: BTreeMap<u32, u64>,
    /// Where the family sizes come from.
    pub family_method: FamilyMethod,
    /// Families whose size a member stated (the rest are sized by their members in the data).
    pub families_with_source_size: u64,
}

fn row(country: String, fams: u64, multi: u64) -> Row {
    Row {
        country,
        families: fams,
        multi_member: multi,
        multi_member_share: rate(multi, fams),
    }
}

/// F3 over the selection `sel`: the extended families with at least one selected member.
pub fn compute(c: &Corpus<'_, impl AppFields>, sel: &[usize]) -> FamiliesByCountry {
    let mut m: BTreeMap<&str, (String, u64, u64)> = BTreeMap::new();
    let mut dist = BTreeMap::new();
    let mut stated = 0;
    for (fam, rep) in c.selected_families(sel) {
        let size = c.families.extended_size(fam);
        stated += u64::from(c.families.extended_size_stated(fam));
        *dist.entry(size).or_insert(0) += 1;
        let k = c.info[rep].country_label();
        let e = m.entry(k).or_insert_with(|| (k.to_string(), 0, 0));
        e.1 += 1;
        e.2 += u64::from(size >= 2);
    }
    let (wf, wm) = m.values().fold((0, 0), |(x, y), e| (x + e.1, y + e.2));
    FamiliesByCountry {
        definition: DEFINITION,
        rows: order_countries(m, |e| e.1)
            .into_iter()
            .map(|(k, f, mm)| row(k, f, mm))
            .collect(),
        world: row("WORLD".into(), wf, wm),
        size_distribution: dist,
        family_method: c.families.method,
        families_with_source_size: stated,
    }
}

impl FamiliesByCountry {
    /// One row per country, then WORLD, with the family method on every row.
    pub fn to_csv(&self) -> String {
        // The method on every row, as the citation figures state theirs (F4, F9).
        let mut csv = Csv::new(&[
            "country",
            "families",
            "multi_member",
            "multi_member_share",
            "family_method",
        ]);
        for r in self.rows.iter().chain(std::iter::once(&self.world)) {
            csv.row([
                r.country.clone(),
                r.families.to_string(),
                r.multi_member.to_string(),
                fmt_rate(r.multi_member_share),
                self.family_method.as_str().to_string(),
            ]);
        }
        csv.finish()
    }

    /// The size distribution as its own table.
    pub fn size_distribution_csv(&self) -> String {
        let mut csv = Csv::new(&["family_size", "families"]);
        for (s, n) in &self.size_distribution {
            csv.row([s.to_string(), n.to_string()]);
        }
        csv.finish()
    }
}
