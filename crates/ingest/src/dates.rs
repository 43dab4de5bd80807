//! Dates as the patent vendors write them, for every CSV reader.
//!
//! Styles read by [`parse_date`]:
//! - `yyyy-mm-dd`, `yyyy/mm/dd`, `yyyy.mm.dd` and `yyyymmdd` (year first: never ambiguous);
//! - `dd.mm.yyyy` and `dd.mm.yy` (dotted dates are always day first);
//! - `dd/mm/yyyy`, `dd/mm/yy`, `dd-mm-yyyy` and their month-first twins `m/d/yyyy` (Excel
//!   re-saves in US locale), one- or two-digit day and month;
//! - any of these followed by a time (`2015-01-06T00:00:00Z`, `1/6/2015 0:00`), which is
//!   dropped.
//!
//! Three rules turn what is written into a date; each is a decision the caller makes with
//! more than the value itself, so the API hands over what the value alone cannot settle:
//!
//! 1. **Day/month order is decided per file and column**, never per value: `03/04/2015` reads
//!    the same way as every other value of its column. Feed every value of the column to an
//!    [`OrderVote`]; a value whose first part is over 12 proves day first, one whose second
//!    part is over 12 proves month first. [`OrderVote::decide`] gives the proven order, the
//!    reader's documented default when no value proves either, and `None` when the column
//!    holds proof of both (then only values that prove their own order are read; the others
//!    are [`DateError::AmbiguousOrder`]).
//! 2. **A two-digit year is left open** ([`Year::TwoDigit`]): its century comes from the
//!    record, not from a fixed pivot. [`ParsedDate::candidates`] lists the dates it may be
//!    (1800s, 1900s, 2000s; never after today), the caller narrows them with the record's
//!    own year columns and [`resolve_centuries`] keeps the candidates that put the record's
//!    dates in order (a filing before its publication, and less than [`MAX_SPAN_YEARS`]
//!    before it: candidates are a century apart, so one known date decides the other). When the
//!    record cannot decide, the value is rejected ([`DateError::UndecidedCentury`]), not
//!    guessed.
//! 3. **The week-based-year defect** of 2015/16 Lens exports (late-December dates written
//!    with the year of the week they fall in, one year too late) is recognised by
//!    [`week_year_original`]; repairing it is the caller's decision, only when the record's
//!    other fields prove it.

use chrono::{Datelike, NaiveDate};

/// The order of day and month in a date whose year comes last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DayMonth {
    /// `dd/mm/yyyy`, as Lens and European tools write.
    #[default]
    DayFirst,
    /// `m/d/yyyy`, as spreadsheets in US locale re-save dates.
    MonthFirst,
}

/// The year of a date as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Year {
    /// Written with its century (`yyyy`).
    Full(i32),
    /// `yy` with its century not yet known (0..=99).
    TwoDigit(u8),
}

/// A date as written: a checked month and day, and a year that may still lack its century.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedDate {
    /// The year, with or without its century.
    pub year: Year,
    /// 1..=12, checked against the day.
    pub month: u32,
    /// 1..=31, a day that exists in `month` (29 February in any year that may be a leap one).
    pub day: u32,
}

/// Why a value is no date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The value matches none of the date styles read.
    #[error("not a date: {0:?}")]
    NotADate(String),
    /// A date style matches but the day does not exist (31 April, 29 February 2023).
    #[error("no such day: {0:?}")]
    Impossible(String),
    /// A full year outside 1700-2200, which no patent document carries.
    #[error("year out of range (1700-2200): {0:?}")]
    YearOutOfRange(String),
    /// `dd/mm` or `mm/dd` cannot be decided: the same column proves both orders.
    #[error(
        "day and month cannot be told apart in {0:?}: its column has values proving both orders"
    )]
    AmbiguousOrder(String),
    /// A two-digit year for which more than one century puts the record's dates in order.
    #[error(
        "two-digit year in {raw:?} could be {}: the record's other dates cannot decide",
        years.iter().map(i32::to_string).collect::<Vec<_>>().join(" or ")
    )]
    UndecidedCentury {
        /// The value as written.
        raw: String,
        /// The full years that fit.
        years: Vec<i32>,
    },
    /// A two-digit year for which no century puts the record's dates in order.
    #[error("two-digit year in {0:?}: no century fits the record's other dates or today")]
    NoCentury(String),
}

impl ParsedDate {
    /// The date, when the year was written in full.
    pub fn date(&self) -> Option<NaiveDate> {
        match self.year {
            Year::Full(y) => NaiveDate::from_ymd_opt(y, self.month, self.day),
            Year::TwoDigit(_) => None,
        }
    }

    /// Whether the year was written without its century.
    pub fn is_two_digit(&self) -> bool {
        matches!(self.year, Year::TwoDigit(_))
    }

    /// Every date this value may be: itself for a full year; for a two-digit year the dates
    /// in the 1800s, 1900s and 2000s that exist (29 February) and are not after `today`.
    pub fn candidates(&self, today: NaiveDate) -> Vec<NaiveDate> {
        match self.year {
            Year::Full(_) => self.date().into_iter().collect(),
            Year::TwoDigit(yy) => [1800, 1900, 2000]
                .iter()
                .filter_map(|c| NaiveDate::from_ymd_opt(c + yy as i32, self.month, self.day))
                .filter(|d| *d <= today)
                .collect(),
        }
    }
}

/// The parts of a `a?b?c` date whose year comes last, when it is one.
struct YearLast {
    first: u32,
    second: u32,
    year: Year,
    dotted: bool,
}

fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// The date part of a value: a trailing time (`T...`, ` 0:00`) is dropped.
fn date_part(raw: &str) -> &str {
    let s = raw.trim();
    s.split(['T', ' ']).next().unwrap_or(s)
}

/// Splits `a?b?c` on one separator used twice.
fn three_parts(s: &str) -> Option<(&str, &str, &str, char)> {
    let sep = s.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let mut it = s.split(sep);
    let (a, b, c) = (it.next()?, it.next()?, it.next()?);
    it.next().is_none().then_some((a, b, c, sep))
}

fn year_last(s: &str) -> Option<YearLast> {
    let (a, b, c, sep) = three_parts(s)?;
    if a.len() > 2 || b.len() > 2 || !(c.len() == 2 || c.len() == 4) {
        return None;
    }
    let year = if c.len() == 4 {
        Year::Full(digits(c)? as i32)
    } else {
        Year::TwoDigit(digits(c)? as u8)
    };
    Some(YearLast {
        first: digits(a)?,
        second: digits(b)?,
        year,
        dotted: sep == '.',
    })
}

/// The order a value proves by itself: `Some` when it is a slash or dash date with the year
/// last and exactly one of its first two parts over 12.
pub fn order_hint(raw: &str) -> Option<DayMonth> {
    let y = year_last(date_part(raw))?;
    if y.dotted {
        return None;
    }
    match (y.first > 12, y.second > 12) {
        (true, false) => Some(DayMonth::DayFirst),
        (false, true) => Some(DayMonth::MonthFirst),
        _ => None,
    }
}

/// True for a date written with the year last and separators other than dots, whose reading
/// depends on the column's [`DayMonth`] order.
pub fn needs_order(raw: &str) -> bool {
    year_last(date_part(raw)).is_some_and(|y| !y.dotted)
}

/// Votes of one column's values on its day/month order (rule 1 of the module).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OrderVote {
    /// Values that prove day-first (`31/01/2020`).
    pub day_first: u64,
    /// Values that prove month-first (`01/31/2020`).
    pub month_first: u64,
}

impl OrderVote {
    /// Counts the order `raw` proves, if any.
    pub fn add(&mut self, raw: &str) {
        match order_hint(raw) {
            Some(DayMonth::DayFirst) => self.day_first += 1,
            Some(DayMonth::MonthFirst) => self.month_first += 1,
            None => {}
        }
    }

    /// The column's order: the one its values prove, `default` when none proves either,
    /// `None` when both are proven (the column mixes orders).
    pub fn decide(&self, default: DayMonth) -> Option<DayMonth> {
        match (self.day_first > 0, self.month_first > 0) {
            (true, true) => None,
            (true, false) => Some(DayMonth::DayFirst),
            (false, true) => Some(DayMonth::MonthFirst),
            (false, false) => Some(default),
        }
    }
}

/// Reads one date in any of the module's styles. `order` is the column's day/month order
/// (see [`OrderVote`]); `None` reads only values that prove their own order. The year may be
/// left open ([`Year::TwoDigit`]); month and day are checked (a day that exists in no year
/// of the century, such as 30 February, is an error).
pub fn parse_date(raw: &str, order: Option<DayMonth>) -> Result<ParsedDate, DateError> {
    let s = date_part(raw);
    let not_a_date = || DateError::NotADate(raw.trim().to_string());
    let (year, month, day) = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let n = |r: std::ops::Range<usize>| digits(&s[r]).unwrap_or(0);
        (Year::Full(n(0..4) as i32), n(4..6), n(6..8))
    } else if let Some(y) = year_last(s) {
        let order = if y.dotted {
            Some(DayMonth::DayFirst)
        } else {
            order.or_else(|| order_hint(s))
        };
        match order {
            Some(DayMonth::DayFirst) => (y.year, y.second, y.first),
            Some(DayMonth::MonthFirst) => (y.year, y.first, y.second),
            None => return Err(DateError::AmbiguousOrder(raw.trim().to_string())),
        }
    } else {
        let (a, b, c, _) = three_parts(s).ok_or_else(not_a_date)?;
        if a.len() != 4 || b.is_empty() || b.len() > 2 || c.is_empty() || c.len() > 2 {
            return Err(not_a_date());
        }
        let n = |p: &str| digits(p).ok_or_else(not_a_date);
        (Year::Full(n(a)? as i32), n(b)?, n(c)?)
    };
    let parsed = ParsedDate { year, month, day };
    let impossible = || DateError::Impossible(raw.trim().to_string());
    match year {
        Year::Full(y) => {
            if !(1700..=2200).contains(&y) {
                return Err(DateError::YearOutOfRange(raw.trim().to_string()));
            }
            parsed.date().ok_or_else(impossible)?;
        }
        // 2000 is a leap year, so a day valid in some century is valid in the 2000s.
        Year::TwoDigit(yy) => {
            NaiveDate::from_ymd_opt(2000 + yy as i32, month, day).ok_or_else(impossible)?;
        }
    }
    Ok(parsed)
}

/// Today's date (UTC) from the system clock, the latest a two-digit year may reach.
pub fn today() -> NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + chrono::Duration::days(days as i64)
}

/// What [`resolve_centuries`] made of one date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// No date in this slot.
    Absent,
    /// The one date that fits.
    Date(NaiveDate),
    /// Several candidates fit the record: the value must be rejected.
    Undecided(Vec<NaiveDate>),
    /// No candidate fits.
    NoFit,
}

/// One date of a record for [`resolve_centuries`]: the dates it may be (one for a date written
/// in full; none when the record has no such date) and whether its year was two-digit.
#[derive(Clone, Debug, Default)]
pub struct Slot {
    /// The dates the value may be, earliest first.
    pub candidates: Vec<NaiveDate>,
    /// True when the year was two-digit, so the century is still to be chosen.
    pub open: bool,
}

/// Years a record's later date may lie after its earlier one (a publication after its filing,
/// a filing after its priority). The longest known pendency, US applications kept secret
/// from the 1930s and granted in 2000, is under 70 years; candidates are 100 years apart,
/// so a bound under 100 also leaves no fit (a rejection) rather than a far-fetched century.
pub const MAX_SPAN_YEARS: i32 = 75;

/// At most this many combinations are tried; a record has a handful of dates.
const MAX_COMBINATIONS: usize = 4096;

/// Chooses the century of each open date of a record (rule 2 of the module): every
/// combination of candidates is tried, and one is kept when each `(earlier, later)` pair that
/// involves an open slot has `earlier <= later < earlier + MAX_SPAN_YEARS`. A slot is resolved
/// when all kept combinations agree on it. Pairs of two dates written in full are not checked
/// here (they are the reader's cross-checks, and must not block a resolution).
pub fn resolve_centuries(slots: &[Slot], order: &[(usize, usize)]) -> Vec<Resolved> {
    let open: Vec<usize> = (0..slots.len())
        .filter(|&i| slots[i].open && !slots[i].candidates.is_empty())
        .collect();
    let mut out: Vec<Resolved> = slots
        .iter()
        .map(|s| match s.candidates.as_slice() {
            [] if s.open => Resolved::NoFit,
            [] => Resolved::Absent,
            [d] if !s.open => Resolved::Date(*d),
            _ => Resolved::NoFit,
        })
        .collect();
    let combos: usize = open.iter().map(|&i| slots[i].candidates.len()).product();
    if open.is_empty() || combos > MAX_COMBINATIONS {
        for &i in &open {
            out[i] = Resolved::Undecided(slots[i].candidates.clone());
        }
        return out;
    }
    let mut seen: Vec<Vec<NaiveDate>> = vec![Vec::new(); slots.len()];
    let mut pick = vec![0usize; open.len()];
    for _ in 0..combos {
        let value = |i: usize| -> Option<NaiveDate> {
            match open.iter().position(|&o| o == i) {
                Some(k) => Some(slots[i].candidates[pick[k]]),
                None => slots[i].candidates.first().copied(),
            }
        };
        let fits = order.iter().all(|&(e, l)| {
            if !open.contains(&e) && !open.contains(&l) {
                return true;
            }
            match (value(e), value(l)) {
                (Some(a), Some(b)) => a <= b && b < add_years(a, MAX_SPAN_YEARS),
                _ => true,
            }
        });
        if fits {
            for (k, &i) in open.iter().enumerate() {
                let d = slots[i].candidates[pick[k]];
                if !seen[i].contains(&d) {
                    seen[i].push(d);
                }
            }
        }
        // Next combination, odometer-style.
        for (k, &i) in open.iter().enumerate() {
            pick[k] += 1;
            if pick[k] < slots[i].candidates.len() {
                break;
            }
            pick[k] = 0;
        }
    }
    for &i in &open {
        out[i] = match seen[i].as_slice() {
            [] => Resolved::NoFit,
            [d] => Resolved::Date(*d),
            many => Resolved::Undecided(many.to_vec()),
        };
    }
    out
}

/// `d` moved by whole years (29 February becomes 28 February in a common year).
pub fn add_years(d: NaiveDate, years: i32) -> NaiveDate {
    let y = d.year() + years;
    NaiveDate::from_ymd_opt(y, d.month(), d.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, d.month(), d.day() - 1))
        .unwrap_or(d)
}

/// The date a late-December `written` date stands for when it carries the week-based-year
/// defect (rule 3 of the module): the same day one year earlier, when that day lies in the
/// Sunday-to-Saturday week holding the next 1 January, which a week-based year (Java's
/// `YYYY` in US locale) numbers with the following year. `None` when `written` cannot carry
/// the defect. This only says the defect is possible; whether the record proves it is the
/// caller's decision.
pub fn week_year_original(written: NaiveDate) -> Option<NaiveDate> {
    if written.month() != 12 {
        return None;
    }
    let original = NaiveDate::from_ymd_opt(written.year() - 1, 12, written.day())?;
    in_week_of_new_year(original).then_some(original)
}

/// True when `d` (in December) lies in the Sunday-to-Saturday week that holds the next
/// 1 January.
pub fn in_week_of_new_year(d: NaiveDate) -> bool {
    let Some(jan1) = NaiveDate::from_ymd_opt(d.year() + 1, 1, 1) else {
        return false;
    };
    let sunday = jan1 - chrono::Duration::days(jan1.weekday().num_days_from_sunday() as i64);
    d.month() == 12 && d >= sunday
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn full(raw: &str, order: Option<DayMonth>) -> Option<NaiveDate> {
        parse_date(raw, order).ok().and_then(|p| p.date())
    }

    #[test]
    fn every_style() {
        let d = Some(DayMonth::DayFirst);
        let want = Some(ymd(2015, 1, 6));
        for raw in [
            "2015-01-06",
            "2015/01/06",
            "2015.01.06",
            "20150106",
            "06/01/2015",
            "6/1/2015",
            "06-01-2015",
            "06.01.2015",
            "2015-01-06T00:00:00Z",
            " 06/01/2015 00:00 ",
        ] {
            assert_eq!(full(raw, d), want, "{raw}");
        }
        let m = Some(DayMonth::MonthFirst);
        assert_eq!(full("1/6/2015", m), want);
        assert_eq!(full("1/6/2015 0:00", m), want);
        // Dots are day first whatever the column's order.
        assert_eq!(full("06.01.2015", m), want);
        let p = parse_date("27/02/39", d).unwrap();
        assert_eq!(p.year, Year::TwoDigit(39));
        assert_eq!((p.month, p.day, p.date()), (2, 27, None));
        assert!(parse_date("27.02.39", None).unwrap().is_two_digit());
    }

    #[test]
    fn bad_values() {
        let d = Some(DayMonth::DayFirst);
        for raw in [
            "",
            "abc",
            "12/2015",
            "1-1-1",
            "2015-1",
            "2015-01-06-07",
            "123/1/2015",
        ] {
            assert!(
                matches!(parse_date(raw, d), Err(DateError::NotADate(_))),
                "{raw}"
            );
        }
        for raw in ["2099-13-45", "2015-02-30", "30/02/15", "31/04/2015"] {
            assert!(
                matches!(parse_date(raw, d), Err(DateError::Impossible(_))),
                "{raw}"
            );
        }
        for raw in ["0000-00-00", "00000000"] {
            assert!(
                matches!(parse_date(raw, d), Err(DateError::YearOutOfRange(_))),
                "{raw}"
            );
        }
        // 29 February of a two-digit year exists in the 2000s (00) but not in 1900.
        let p = parse_date("29/02/00", d).unwrap();
        assert_eq!(p.candidates(ymd(2026, 1, 1)), vec![ymd(2000, 2, 29)]);
        assert!(parse_date("29/02/01", d).is_err());
        // Month first, day over 12 in the month place.
        assert!(parse_date("13/01/2015", Some(DayMonth::MonthFirst)).is_err());
    }

    #[test]
    fn order_is_decided_per_column() {
        let vote = |values: &[&str]| {
            let mut v = OrderVote::default();
            values.iter().for_each(|x| v.add(x));
            v
        };
        let dm = vote(&["03/04/2015", "27/02/2015", "2015-01-01"]);
        assert_eq!(dm.decide(DayMonth::MonthFirst), Some(DayMonth::DayFirst));
        let md = vote(&["3/4/2015", "2/27/2015"]);
        assert_eq!(md.decide(DayMonth::DayFirst), Some(DayMonth::MonthFirst));
        assert_eq!(
            full("3/4/2015", Some(DayMonth::MonthFirst)),
            Some(ymd(2015, 3, 4))
        );
        let none = vote(&["03/04/2015", "01.02.2015"]);
        assert_eq!(none.decide(DayMonth::DayFirst), Some(DayMonth::DayFirst));
        let both = vote(&["27/02/2015", "2/27/2015"]);
        assert_eq!(both.decide(DayMonth::DayFirst), None);
        // A mixed column reads only the values that prove their own order.
        assert_eq!(full("27/02/2015", None), Some(ymd(2015, 2, 27)));
        assert!(matches!(
            parse_date("03/04/2015", None),
            Err(DateError::AmbiguousOrder(_))
        ));
        assert!(needs_order("3/4/15") && !needs_order("03.04.15") && !needs_order("20150304"));
    }

    fn slot(raw: &str, today: NaiveDate) -> Slot {
        let p = parse_date(raw, Some(DayMonth::DayFirst)).unwrap();
        Slot {
            candidates: p.candidates(today),
            open: p.is_two_digit(),
        }
    }

    #[test]
    fn two_digit_years_follow_the_record() {
        let today = ymd(2016, 9, 24);
        // Filed 27/02/39, published 1941 (written in full): 1939, never 2039 (future) or 1839
        // (a century before its publication).
        let r = resolve_centuries(
            &[slot("27/02/39", today), slot("1941-06-03", today)],
            &[(0, 1)],
        );
        assert_eq!(
            r,
            vec![
                Resolved::Date(ymd(1939, 2, 27)),
                Resolved::Date(ymd(1941, 6, 3))
            ]
        );
        // Both open, publication anchored by its year column (the caller keeps 2015 only).
        let mut p = slot("03/09/15", today);
        p.candidates.retain(|d| d.year() == 2015);
        let r = resolve_centuries(&[slot("27/02/14", today), p], &[(0, 1)]);
        assert_eq!(r[0], Resolved::Date(ymd(2014, 2, 27)));
        // Filed after the publication's day in the same two-digit year: a century earlier
        // would be more than a century before, so 2014 is the only fit.
        let r = resolve_centuries(
            &[slot("27/12/14", today), slot("2015-01-08", today)],
            &[(0, 1)],
        );
        assert_eq!(r[0], Resolved::Date(ymd(2014, 12, 27)));
        // Nothing else in the record: undecided, never guessed.
        let r = resolve_centuries(&[slot("27/02/14", today)], &[]);
        assert_eq!(
            r[0],
            Resolved::Undecided(vec![ymd(1814, 2, 27), ymd(1914, 2, 27), ymd(2014, 2, 27)])
        );
        // Two open dates and no anchor: each pairing of centuries fits.
        let r = resolve_centuries(
            &[slot("27/02/14", today), slot("03/09/15", today)],
            &[(0, 1)],
        );
        assert!(matches!(r[0], Resolved::Undecided(_)));
        // A date in the future of every century but the past one: only that one.
        let r = resolve_centuries(&[slot("01/01/99", ymd(1950, 1, 1))], &[]);
        assert_eq!(r[0], Resolved::Date(ymd(1899, 1, 1)));
        // Written-in-full dates out of order do not block anything and stay as they are.
        let r = resolve_centuries(
            &[slot("2016-01-01", today), slot("2015-01-01", today)],
            &[(0, 1)],
        );
        assert_eq!(r[0], Resolved::Date(ymd(2016, 1, 1)));
        // No century fits: published 1950, filed "01/07/50" (1950 is after, 1850 more than
        // MAX_SPAN_YEARS before).
        let r = resolve_centuries(
            &[slot("01/07/50", today), slot("1950-06-01", today)],
            &[(0, 1)],
        );
        assert_eq!(r[0], Resolved::NoFit);
        let r = resolve_centuries(&[Slot::default()], &[]);
        assert_eq!(r[0], Resolved::Absent);
    }

    #[test]
    fn week_based_year() {
        // 1 January 2015 is a Thursday: its week starts on Sunday 28 December 2014, so
        // 28-31 December 2014 were written as 2015.
        assert_eq!(
            week_year_original(ymd(2015, 12, 31)),
            Some(ymd(2014, 12, 31))
        );
        assert_eq!(
            week_year_original(ymd(2015, 12, 28)),
            Some(ymd(2014, 12, 28))
        );
        assert_eq!(week_year_original(ymd(2015, 12, 27)), None);
        // 1 January 2000 is a Saturday: its week starts on 26 December 1999.
        assert_eq!(
            week_year_original(ymd(2000, 12, 26)),
            Some(ymd(1999, 12, 26))
        );
        // 1 January 2017 is a Sunday: no December day shares its week.
        assert_eq!(week_year_original(ymd(2017, 12, 31)), None);
        assert_eq!(week_year_original(ymd(2015, 11, 30)), None);
        assert!(in_week_of_new_year(ymd(2015, 12, 31)) && !in_week_of_new_year(ymd(2016, 12, 31)));
    }
}
