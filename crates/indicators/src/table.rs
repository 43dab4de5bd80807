//! Shared pieces of every indicator result: availability of a needed field, rates, and a
//! small deterministic CSV writer (no dependency on the csv crate for a handful of columns).

use serde::Serialize;

/// Whether the data holds what an indicator needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Availability {
    /// The data holds what the indicator needs.
    Available,
    /// The dataset has no evidence at all for `needs` (e.g. "grant status" in PATSTAT).
    NotAvailable {
        /// What the data lacks, in words (e.g. "grant status"); CSV cells show it after
        /// `not available: needs`.
        needs: String,
    },
}

impl Availability {
    /// [`Availability::Available`] when `present`, else [`Availability::NotAvailable`] naming
    /// `needs`.
    pub fn from_flag(present: bool, needs: &str) -> Availability {
        if present {
            Availability::Available
        } else {
            Availability::NotAvailable {
                needs: needs.to_string(),
            }
        }
    }

    /// True for [`Availability::Available`].
    pub fn is_available(&self) -> bool {
        matches!(self, Availability::Available)
    }

    /// What a CSV cell shows in place of a number that cannot be computed.
    pub fn cell(&self) -> String {
        match self {
            Availability::Available => String::new(),
            Availability::NotAvailable { needs } => format!("not available: needs {needs}"),
        }
    }
}

/// `num / den`, or None for an empty denominator (a rate of nothing is not 0%).
pub fn rate(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Rates are written with 4 decimals so the CSV is stable across platforms.
pub(crate) fn fmt_rate(r: Option<f64>) -> String {
    r.map(|r| format!("{r:.4}")).unwrap_or_default()
}

/// An optional count, or the availability note when the field is missing from the data.
pub(crate) fn fmt_opt(v: Option<u64>, avail: &Availability) -> String {
    match v {
        Some(v) => v.to_string(),
        None => avail.cell(),
    }
}

pub(crate) fn fmt_opt_rate(r: Option<f64>, avail: &Availability) -> String {
    if avail.is_available() {
        fmt_rate(r)
    } else {
        avail.cell()
    }
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Accumulates CSV rows; quoting follows RFC 4180.
pub(crate) struct Csv(String);

impl Csv {
    pub fn new(header: &[&str]) -> Csv {
        let mut c = Csv(String::new());
        c.row(header.iter().map(|s| s.to_string()));
        c
    }

    pub fn row(&mut self, fields: impl IntoIterator<Item = String>) {
        let line: Vec<String> = fields.into_iter().map(|f| field(&f)).collect();
        self.0.push_str(&line.join(","));
        self.0.push('\n');
    }

    pub fn finish(self) -> String {
        self.0
    }
}

/// Band label of `v` among `bands` given as inclusive (low, Option<high>) pairs.
pub(crate) fn band_of(v: u64, bands: &[(u64, Option<u64>)]) -> Option<usize> {
    bands
        .iter()
        .position(|&(lo, hi)| v >= lo && hi.is_none_or(|h| v <= h))
}

pub(crate) fn band_label((lo, hi): (u64, Option<u64>)) -> String {
    match hi {
        Some(h) => format!("{lo}-{h}"),
        None => format!(">={lo}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_bands() {
        let mut c = Csv::new(&["a", "b"]);
        c.row(["x,y".to_string(), "q\"".to_string()]);
        assert_eq!(c.finish(), "a,b\n\"x,y\",\"q\"\"\"\n");
        let b = [(1, Some(2)), (3, Some(10)), (11, None)];
        assert_eq!(band_of(0, &b), None);
        assert_eq!(band_of(2, &b), Some(0));
        assert_eq!(band_of(10, &b), Some(1));
        assert_eq!(band_of(500, &b), Some(2));
        assert_eq!(band_label(b[2]), ">=11");
        assert_eq!(rate(1, 0), None);
    }
}
