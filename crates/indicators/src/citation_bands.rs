//! F9: how often the cited applications of each country were cited, in bands 1-2, 3-10, >10,
//! also counted per extended family and without self-citations when citation lists allow.

use patq_model::AppFields;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::citations::split_availability;
use crate::corpus::{CitationMethod, Corpus, order_countries};
use crate::table::{Availability, Csv, band_label, band_of, fmt_rate, rate};

/// Forward-citation bands as inclusive (low, high) pairs, None for no upper bound: 1-2, 3-10, >=11.
/// F9, the company profile (P) and the F9 query all band by it.
pub const BANDS: [(u64, Option<u64>); 3] = [(1, Some(2)), (3, Some(10)), (11, None)];

/// What F9 counts and how, in words: the text its tables carry.
pub const DEFINITION: &str = "F9. Citation-count bands among cited applications (>= 1 forward \
citation) by company country: 1-2, 3-10, >10 (>=11). Share = applications in the band / cited \
applications of the country. Counts by the method in `method`: the dataset's citation lists \
inverted, else the source's cited-by count. With citation lists, also: bands of family-level \
counts (distinct citing extended families other than its own) over cited families (country of \
the earliest-filed selected member), and bands of counts without self-citations (citing \
application of the same harmonised group). Mean cohort index = mean over the country's cited \
applications of forward citations / cohort mean (filing year x CPC, else IPC, section). The main \
CSV keeps the plain bands; to_csv_detail() holds the family, self-excluded and cohort columns.";

/// One row of F9: a company country, or the WORLD total.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// Company country (two-letter code), `UNKNOWN` when no rule finds one, or `WORLD` for the
    /// total row.
    pub country: String,
    /// Selected applications of the country with at least one forward citation by `method`; 0 when
    /// citation counts are not available.
    pub cited: u64,
    /// Cited applications per band of [`BANDS`], in band order; they add up to `cited`.
    pub bands: Vec<u64>,
    /// Each band's applications / `cited`, a share 0-1, in [`BANDS`] order; None when the country
    /// has no cited application.
    pub shares: Vec<Option<f64>>,
    /// Cited families and their bands; None without citation lists.
    pub cited_families: Option<u64>,
    /// Cited families per band of their family-level count (distinct other extended families
    /// citing), in [`BANDS`] order; None without citation lists.
    pub family_bands: Option<Vec<u64>>,
    /// Applications cited by another group, banded by that count; None without citation lists
    /// (or applicants).
    pub cited_excl_self: Option<u64>,
    /// Applications per band of their citations from other groups (self-citations excluded), in
    /// [`BANDS`] order; None without citation lists or applicants.
    pub bands_excl_self: Option<Vec<u64>>,
    /// Mean cohort index (forward citations / cohort mean, 1.0 = cohort average) over the country's
    /// cited applications that have one; None when none has.
    pub mean_cohort_index: Option<f64>,
}

/// F9: citation-count bands of the cited applications by company country.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CitationBands {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// Where the forward citation counts come from.
    pub method: CitationMethod,
    /// Whether forward citation counts exist; when not, every count cell holds the note.
    pub cited: Availability,
    /// Whether family-level counts exist (they need citation lists).
    pub family: Availability,
    /// Whether self-citation-free counts exist (they need citation lists and applicants).
    pub excl_self: Availability,
    /// Labels of [`BANDS`] as column names: `1-2`, `3-10`, `>=11`.
    pub band_labels: Vec<String>,
    /// One row per company country with a selected application, by cited applications descending,
    /// then country code.
    pub rows: Vec<Row>,
    /// The WORLD row: sums over all rows; its mean cohort index is over every cited application.
    pub world: Row,
}

#[derive(Clone, Default)]
struct Acc {
    plain: Banded,
    family: Banded,
    excl: Banded,
    index_sum: f64,
    index_n: u64,
}

#[derive(Clone)]
struct Banded {
    cited: u64,
    bands: Vec<u64>,
}

impl Default for Banded {
    fn default() -> Banded {
        Banded {
            cited: 0,
            bands: vec![0; BANDS.len()],
        }
    }
}

impl Banded {
    /// Counts `n` in its band; 0 or unknown is not cited and counts nowhere.
    fn add(&mut self, n: Option<u32>) {
        if let Some(b) = n.and_then(|n| band_of(u64::from(n), &BANDS)) {
            self.cited += 1;
            self.bands[b] += 1;
        }
    }
}

fn entry<'m, 'c>(
    m: &'m mut BTreeMap<&'c str, Acc>,
    c: &'c Corpus<'_, impl AppFields>,
    i: usize,
) -> &'m mut Acc {
    m.entry(c.info[i].country_label()).or_default()
}

/// F9 over the selection `sel`.
pub fn compute(c: &Corpus<'_, impl AppFields>, sel: &[usize]) -> CitationBands {
    let (family, excl_self) = split_availability(c);
    let mut m: BTreeMap<&str, Acc> = BTreeMap::new();
    for &i in sel {
        let a = &c.info[i];
        let e = entry(&mut m, c, i);
        e.plain.add(a.cited_by);
        e.excl.add(a.cited_by_excl_self);
        if a.cited() == Some(true)
            && let Some(x) = a.cohort_index
        {
            e.index_sum += x;
            e.index_n += 1;
        }
    }
    for (_, rep) in c.selected_families(sel) {
        let n = c.info[rep].cited_by_family;
        entry(&mut m, c, rep).family.add(n);
    }
    let mut world = Acc::default();
    for e in m.values() {
        for (w, x) in [
            (&mut world.plain, &e.plain),
            (&mut world.family, &e.family),
            (&mut world.excl, &e.excl),
        ] {
            w.cited += x.cited;
            w.bands.iter_mut().zip(&x.bands).for_each(|(w, x)| *w += x);
        }
        world.index_sum += e.index_sum;
        world.index_n += e.index_n;
    }
    let row = |country: String, e: Acc| Row {
        shares: e
            .plain
            .bands
            .iter()
            .map(|&b| rate(b, e.plain.cited))
            .collect(),
        country,
        cited: e.plain.cited,
        bands: e.plain.bands,
        cited_families: family.is_available().then_some(e.family.cited),
        family_bands: family.is_available().then_some(e.family.bands),
        cited_excl_self: excl_self.is_available().then_some(e.excl.cited),
        bands_excl_self: excl_self.is_available().then_some(e.excl.bands),
        mean_cohort_index: (e.index_n > 0).then(|| e.index_sum / e.index_n as f64),
    };
    let rows = order_countries(
        m.into_iter().map(|(k, e)| (k, (k, e))).collect(),
        |(_, e)| e.plain.cited,
    )
    .into_iter()
    .map(|(k, e)| row(k.to_string(), e))
    .collect();
    let world = row("WORLD".into(), world);
    CitationBands {
        definition: DEFINITION,
        method: c.citation_method,
        cited: Availability::from_flag(c.has_citation_counts, "forward citation counts"),
        family,
        excl_self,
        band_labels: BANDS.iter().map(|&b| band_label(b)).collect(),
        rows,
        world,
    }
}

fn table(header: Vec<String>, rows: impl Iterator<Item = Vec<String>>) -> String {
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut csv = Csv::new(&h);
    rows.for_each(|r| csv.row(r));
    csv.finish()
}

/// `cited`, the bands, or the availability note in each of those cells.
fn banded_cells(cited: Option<u64>, bands: Option<&Vec<u64>>, avail: &Availability) -> Vec<String> {
    match (cited, bands) {
        (Some(c), Some(b)) if avail.is_available() => std::iter::once(c)
            .chain(b.iter().copied())
            .map(|v| v.to_string())
            .collect(),
        _ => vec![avail.cell(); BANDS.len() + 1],
    }
}

impl CitationBands {
    fn all_rows(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().chain(std::iter::once(&self.world))
    }

    /// The main table: country, cited, the band counts and the band shares, one row per country,
    /// then WORLD; every count cell holds the note when citation counts are not available.
    pub fn to_csv(&self) -> String {
        let mut header = vec!["country".to_string(), "cited".to_string()];
        header.extend(self.band_labels.iter().cloned());
        header.extend(self.band_labels.iter().map(|l| format!("share_{l}")));
        let width = header.len();
        table(
            header,
            self.all_rows().map(|r| {
                let mut f = vec![r.country.clone()];
                if self.cited.is_available() {
                    f.push(r.cited.to_string());
                    f.extend(r.bands.iter().map(u64::to_string));
                    f.extend(r.shares.iter().map(|&s| fmt_rate(s)));
                } else {
                    f.extend(std::iter::repeat_n(self.cited.cell(), width - 1));
                }
                f
            }),
        )
    }

    /// Family-level bands, self-excluded bands, mean cohort index of the cited applications
    /// and the citation method, one row per country as in [`CitationBands::to_csv`].
    pub fn to_csv_detail(&self) -> String {
        let mut header = vec!["country".to_string(), "cited_families".to_string()];
        header.extend(self.band_labels.iter().map(|l| format!("families_{l}")));
        header.push("cited_excl_self".into());
        header.extend(self.band_labels.iter().map(|l| format!("excl_self_{l}")));
        header.extend(["mean_cohort_index".into(), "citation_method".into()]);
        table(
            header,
            self.all_rows().map(|r| {
                let mut f = vec![r.country.clone()];
                f.extend(banded_cells(
                    r.cited_families,
                    r.family_bands.as_ref(),
                    &self.family,
                ));
                f.extend(banded_cells(
                    r.cited_excl_self,
                    r.bands_excl_self.as_ref(),
                    &self.excl_self,
                ));
                f.push(if self.cited.is_available() {
                    fmt_rate(r.mean_cohort_index)
                } else {
                    self.cited.cell()
                });
                f.push(self.method.as_str().to_string());
                f
            }),
        )
    }
}
