//! F10: families by size band (1-2, 3-5, 6-10, >10) and the companies holding the families
//! larger than 10.

use patq_enrich::FamilyMethod;
use patq_model::AppFields;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::Corpus;
use crate::table::{Availability, Csv, band_label, band_of};

/// Family-size bands, inclusive (low, high) pairs with None for no upper bound: 1-2, 3-5, 6-10,
/// >=11; the last band holds the large families.
pub const BANDS: [(u64, Option<u64>); 4] = [(1, Some(2)), (3, Some(5)), (6, Some(10)), (11, None)];

/// What F10 counts and how, in words: the text its tables carry.
pub const DEFINITION: &str = "F10. Extended families with a selected member by size: 1-2, \
3-5, 6-10, >10 (>=11). Size by the method in `family_method`, as in F3: the largest family \
size a member states when the source states them (Lens counts publications), else the member \
applications in the data. Holder of a family = harmonised group of its \
earliest-filed selected member; holders of families >10 ranked by number of such families \
(ties by name).";

/// A holder of large families (more than 10 members).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Holder {
    /// Harmonised group of the families' representatives (earliest-filed selected member).
    pub group: String,
    /// Families of the last band of [`BANDS`] (11 members or more) whose representative is of this
    /// group.
    pub large_families: u64,
}

/// F10: extended families with a selected member by size band, and who holds the large ones.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FamilySizeBands {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// Labels of [`BANDS`]: `1-2`, `3-5`, `6-10`, `>=11`.
    pub band_labels: Vec<String>,
    /// Extended families with a selected member per band, in [`BANDS`] order.
    pub families: Vec<u64>,
    /// Whether the data names applicants, which the holders need.
    pub holders_available: Availability,
    /// Up to `top` holders of families > 10 members.
    pub top_holders: Vec<Holder>,
    /// Where the family sizes come from.
    pub family_method: FamilyMethod,
    /// Families whose size a member stated.
    pub families_with_source_size: u64,
}

/// F10 over the selection `sel`, listing at most `top` holders.
pub fn compute(c: &Corpus<'_, impl AppFields>, sel: &[usize], top: usize) -> FamilySizeBands {
    let mut families = vec![0; BANDS.len()];
    let mut holders: BTreeMap<&str, u64> = BTreeMap::new();
    let large = BANDS.len() - 1;
    let mut stated = 0;
    for (fam, rep) in c.selected_families(sel) {
        let size = u64::from(c.families.extended_size(fam));
        stated += u64::from(c.families.extended_size_stated(fam));
        let b = band_of(size, &BANDS).expect("a family has >= 1 member");
        families[b] += 1;
        if b == large
            && let Some(g) = &c.info[rep].group
        {
            *holders.entry(g).or_insert(0) += 1;
        }
    }
    let mut top_holders: Vec<Holder> = holders
        .into_iter()
        .map(|(g, n)| Holder {
            group: g.to_string(),
            large_families: n,
        })
        .collect();
    top_holders.sort_by(|a, b| {
        b.large_families
            .cmp(&a.large_families)
            .then_with(|| a.group.cmp(&b.group))
    });
    top_holders.truncate(top);
    FamilySizeBands {
        definition: DEFINITION,
        band_labels: BANDS.iter().map(|&b| band_label(b)).collect(),
        families,
        holders_available: Availability::from_flag(c.has_applicants, "applicants"),
        top_holders,
        family_method: c.families.method,
        families_with_source_size: stated,
    }
}

impl FamilySizeBands {
    /// The bands table.
    pub fn to_csv(&self) -> String {
        // The method on every row, as the citation figures state theirs (F4, F9).
        let mut csv = Csv::new(&["family_size", "families", "family_method"]);
        for (l, n) in self.band_labels.iter().zip(&self.families) {
            csv.row([
                l.clone(),
                n.to_string(),
                self.family_method.as_str().to_string(),
            ]);
        }
        csv.finish()
    }

    /// The holders of families > 10 members.
    pub fn holders_csv(&self) -> String {
        let mut csv = Csv::new(&["group", "large_families"]);
        if !self.holders_available.is_available() {
            csv.row([self.holders_available.cell(), String::new()]);
        }
        for h in &self.top_holders {
            csv.row([h.group.clone(), h.large_families.to_string()]);
        }
        csv.finish()
    }
}
