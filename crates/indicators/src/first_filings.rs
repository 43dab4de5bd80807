//! F18: first filings by office, the standard landscape figure of where inventions are first
//! filed (priority filings per office).
//!
//! Definition. An application counts as a first filing when it is its own earliest priority
//! and it is a patent of invention:
//!
//! - *own earliest priority*, by the first rule the record can answer: (1) the source's id
//!   equals its earliest-filing id (PATSTAT `appln_id = earliest_filing_id`); (2) the source
//!   states it (PATSTAT extracts with a `priority` flag); (3) its priority claims: its own
//!   application is among them and no other claim is dated before its filing date (a claim
//!   with no date, or without its own application among the claims, makes it a later filing);
//!   (4) its earliest priority date equals its filing date. A record none of these rules can
//!   answer is *unknown* and is counted apart, never as a first or later filing.
//! - *patent of invention*: `ipr_type` PI when the source states the right; without it, any
//!   application whose kind is not a utility model (U) or design (F).
//! - *office*: the filing office, except that a PCT filing (office WO) counts at its
//!   receiving office (PATSTAT `receiving_office`; WO when the source does not name it).
//!
//! A dataset in which no application can be told a first or a later filing (no earliest
//! filing id, priority flag, priority claims or earliest priority date) gets the figure as
//! not available. Each application's status is taken once from its complete record
//! ([`of`], kept in [`crate::AppInfo::first_filing`]), so a corpus of compact cores answers
//! it too.

use std::collections::BTreeMap;

use patq_model::{AppFields, PatentRecord};
use serde::{Serialize, Serializer};

use crate::corpus::Corpus;
use crate::table::{Availability, Csv, fmt_opt, fmt_opt_rate, rate};

/// What F18 counts and how, in words: the text its table carries.
pub const DEFINITION: &str = "F18. First filings (priority filings) by office: applications \
that are their own earliest priority (PATSTAT appln_id = earliest_filing_id; else the \
source's priority flag; else their own application among their priority claims with none \
earlier; else earliest priority date = filing date) and are patents of invention (ipr_type \
PI, or without it not a utility model or design). A PCT filing counts at its receiving \
office. Share = the office's first filings / all first filings of the selection. Later \
filings, other rights and applications whose status no rule can tell are counted apart. \
Offices ordered by first filings, then office code.";

/// What the data needs for F18 when no record can answer it.
pub const NEEDS: &str = "priority information (earliest filing id, priority flag, priority claims or earliest priority date)";

/// One application's status for F18: 3 bytes, so it fits the padding of [`crate::AppInfo`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FirstFiling {
    /// No rule of the definition can tell from the record.
    #[default]
    Unknown,
    /// It claims the priority of an earlier application.
    Later,
    /// A first filing of another right (utility model, design, plant).
    OtherRight,
    /// A first filing of a patent of invention, counted at this office (two ASCII letters).
    At([u8; 2]),
}

impl FirstFiling {
    /// The office of a first filing of an invention.
    pub fn office(&self) -> Option<&str> {
        match self {
            // Built only from two ASCII letters, so always UTF-8.
            FirstFiling::At(o) => std::str::from_utf8(o).ok(),
            _ => None,
        }
    }

    /// Whether the record could be told first or later.
    pub fn is_known(&self) -> bool {
        *self != FirstFiling::Unknown
    }
}

impl Serialize for FirstFiling {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            FirstFiling::Unknown => "unknown",
            FirstFiling::Later => "later filing",
            FirstFiling::OtherRight => "first filing, other right",
            FirstFiling::At(_) => self.office().unwrap_or("unknown"),
        })
    }
}

/// Whether `r` is its own earliest priority, by the definition's rules in order.
fn own_earliest(r: &PatentRecord) -> Option<bool> {
    let a = &r.app;
    if let (Some(id), Some(e)) = (a.source_id.as_deref(), a.earliest_filing_id.as_deref()) {
        return Some(id == e);
    }
    if let Some(p) = a.is_priority_filing {
        return Some(p);
    }
    if !r.priorities.is_empty() {
        let own = r.priorities.iter().any(|p| p.key == a.key);
        let none_earlier = r
            .priorities
            .iter()
            .filter(|p| p.key != a.key)
            .all(|p| matches!((p.date, a.filing_date), (Some(d), Some(f)) if d >= f));
        return Some(own && none_earlier);
    }
    match (a.earliest_priority_date, a.filing_date) {
        (Some(p), Some(f)) => Some(p == f),
        _ => None,
    }
}

/// The F18 status of one complete record.
pub fn of(r: &PatentRecord) -> FirstFiling {
    let a = &r.app;
    match own_earliest(r) {
        None => return FirstFiling::Unknown,
        Some(false) => return FirstFiling::Later,
        Some(true) => {}
    }
    let invention = match a.ipr_type.as_deref() {
        Some(t) => t.trim().eq_ignore_ascii_case("PI"),
        None => !matches!(a.kind.as_deref().map(str::trim), Some("U" | "F")),
    };
    if !invention {
        return FirstFiling::OtherRight;
    }
    let office = match a.receiving_office.as_deref() {
        Some(ro) if a.office == "WO" && !ro.trim().is_empty() => ro.trim(),
        _ => a.office.as_str(),
    };
    match office.as_bytes() {
        &[x, y] if x.is_ascii_alphabetic() && y.is_ascii_alphabetic() => {
            FirstFiling::At([x.to_ascii_uppercase(), y.to_ascii_uppercase()])
        }
        // Offices are two-letter codes; anything else cannot be placed and is not guessed.
        _ => FirstFiling::Unknown,
    }
}

/// One office of F18.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// The office first filings count at: the filing office, or the receiving office of a PCT
    /// filing (two upper-case letters).
    pub office: String,
    /// Selected first filings of patents of invention counted at this office.
    pub first_filings: u64,
    /// Of them, PCT filings counted here as their receiving office.
    pub pct_filings: u64,
    /// `first_filings` / all first filings of the selection, a share 0-1.
    pub share: Option<f64>,
}

/// F18: first filings of patents of invention by office.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FirstFilings {
    /// The figure's definition, [`DEFINITION`].
    pub definition: &'static str,
    /// Whether some application of the dataset can be told a first or a later filing; when not, the
    /// counts hold the note naming [`NEEDS`].
    pub available: Availability,
    /// One row per office with a first filing, by first filings descending, then office code.
    pub rows: Vec<Row>,
    /// First filings of inventions in the selection (the rows' sum).
    pub first_filings: u64,
    /// Selected applications claiming an earlier priority.
    pub later_filings: u64,
    /// Selected first filings of other rights (utility models, designs, plants).
    pub other_rights: u64,
    /// Selected applications no rule could tell.
    pub unknown: u64,
}

/// F18 over the selection `sel`; availability is decided over the whole dataset.
pub fn compute(c: &Corpus<'_, impl AppFields>, sel: &[usize]) -> FirstFilings {
    // Over the whole dataset, as the other figures' availability: a selection without a
    // first filing is a zero, not a missing field.
    let avail = c.info.iter().any(|a| a.first_filing.is_known());
    let mut m: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let (mut later, mut other, mut unknown) = (0, 0, 0);
    for &i in sel {
        match &c.info[i].first_filing {
            FirstFiling::Unknown => unknown += 1,
            FirstFiling::Later => later += 1,
            FirstFiling::OtherRight => other += 1,
            f @ FirstFiling::At(_) => {
                let e = m.entry(f.office().unwrap_or_default()).or_default();
                e.0 += 1;
                e.1 += u64::from(c.records[i].office() == "WO");
            }
        }
    }
    let total: u64 = m.values().map(|e| e.0).sum();
    let mut rows: Vec<Row> = m
        .into_iter()
        .map(|(office, (n, pct))| Row {
            office: office.to_string(),
            first_filings: n,
            pct_filings: pct,
            share: rate(n, total),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.first_filings
            .cmp(&a.first_filings)
            .then_with(|| a.office.cmp(&b.office))
    });
    FirstFilings {
        definition: DEFINITION,
        available: Availability::from_flag(avail, NEEDS),
        rows,
        first_filings: total,
        later_filings: later,
        other_rights: other,
        unknown,
    }
}

impl FirstFilings {
    /// One row per office and a TOTAL row; not available: the TOTAL row says why.
    pub fn to_csv(&self) -> String {
        let mut csv = Csv::new(&["office", "first_filings", "pct_filings", "share"]);
        let total = Row {
            office: "TOTAL".into(),
            first_filings: self.first_filings,
            pct_filings: self.rows.iter().map(|r| r.pct_filings).sum(),
            share: rate(self.first_filings, self.first_filings),
        };
        let ok = self.available.is_available();
        for r in self.rows.iter().chain(std::iter::once(&total)) {
            csv.row([
                r.office.clone(),
                fmt_opt(ok.then_some(r.first_filings), &self.available),
                fmt_opt(ok.then_some(r.pct_filings), &self.available),
                fmt_opt_rate(r.share, &self.available),
            ]);
        }
        csv.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patq_model::{DateOrder, Priority, app_key, parse_date};

    fn rec(office: &str, number: &str) -> PatentRecord {
        let mut r = PatentRecord::default();
        r.app.office = office.into();
        r.app.number = number.into();
        r.app.key = app_key(office, number);
        r
    }

    fn claim(r: &mut PatentRecord, office: &str, number: &str, date: Option<&str>) {
        r.priorities.push(Priority {
            office: office.into(),
            number: number.into(),
            kind: None,
            date: date.map(|d| parse_date(d, DateOrder::DayFirst).unwrap()),
            key: app_key(office, number),
        });
    }

    #[test]
    fn patstat_rule_pct_at_receiving_office_and_other_rights() {
        let mut us = rec("US", "1");
        us.app.source_id = Some("10".into());
        us.app.earliest_filing_id = Some("10".into());
        us.app.ipr_type = Some("PI".into());
        assert_eq!(of(&us), FirstFiling::At(*b"US"));
        let mut ep = us.clone();
        ep.app.office = "EP".into();
        ep.app.source_id = Some("11".into());
        assert_eq!(of(&ep), FirstFiling::Later);
        let mut wo = us.clone();
        wo.app.office = "WO".into();
        wo.app.receiving_office = Some("FI".into());
        assert_eq!(of(&wo), FirstFiling::At(*b"FI"));
        assert_eq!(of(&wo).office(), Some("FI"));
        wo.app.receiving_office = None;
        assert_eq!(of(&wo), FirstFiling::At(*b"WO"));
        let mut um = us.clone();
        um.app.ipr_type = Some("UM".into());
        assert_eq!(of(&um), FirstFiling::OtherRight);
        // The id rule wins over a stated flag; the flag answers without ids.
        us.app.is_priority_filing = Some(false);
        assert_eq!(of(&us), FirstFiling::At(*b"US"));
        us.app.earliest_filing_id = None;
        assert_eq!(of(&us), FirstFiling::Later);
    }

    #[test]
    fn priority_claims_and_dates() {
        let mut own = rec("CN", "5");
        own.app.filing_date = Some(parse_date("2019-03-01", DateOrder::DayFirst).unwrap());
        claim(&mut own, "CN", "5", Some("2019-03-01"));
        assert_eq!(of(&own), FirstFiling::At(*b"CN"));
        // Another claim filed earlier makes it a later filing; one without a date too.
        let mut earlier = own.clone();
        claim(&mut earlier, "US", "7", Some("2018-01-01"));
        assert_eq!(of(&earlier), FirstFiling::Later);
        let mut undated = own.clone();
        claim(&mut undated, "US", "7", None);
        assert_eq!(of(&undated), FirstFiling::Later);
        let mut other = rec("EP", "9");
        claim(&mut other, "CN", "5", None);
        assert_eq!(of(&other), FirstFiling::Later);
        // No claims: the earliest priority date decides, else nothing can.
        let mut dated = rec("KR", "3");
        assert_eq!(of(&dated), FirstFiling::Unknown);
        dated.app.filing_date = own.app.filing_date;
        dated.app.earliest_priority_date = own.app.filing_date;
        assert_eq!(of(&dated), FirstFiling::At(*b"KR"));
        dated.app.kind = Some("U".into());
        assert_eq!(of(&dated), FirstFiling::OtherRight);
    }

    #[test]
    fn status_fits_in_three_bytes() {
        assert_eq!(std::mem::size_of::<FirstFiling>(), 3);
    }
}
