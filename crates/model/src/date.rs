//! Date parsing for the many ways patent sources write dates (ISO, YYYYMMDD, dd/mm/yy, dd.mm.yyyy).

use chrono::NaiveDate;

/// Order of day and month in slash-separated dates, which differs between exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// dd/mm/yyyy, as Lens and most European tools write.
    #[default]
    DayFirst,
    /// mm/dd/yyyy, as US spreadsheets write.
    MonthFirst,
}

/// Parses a date written as `YYYY-MM-DD`, `YYYYMMDD`, `YYYY/MM/DD`, `dd/mm/yyyy`, `dd/mm/yy`,
/// `dd.mm.yyyy` or an ISO timestamp. Returns `None` for empty input and for impossible dates
/// (`00000000`, `2099-13-45`) so callers can report them instead of storing garbage.
///
/// Two-digit years pivot at 50: `dd/mm/49` is 2049, `dd/mm/50` is 1950, since patent data
/// starts in the 19th century but two-digit years only appear in modern exports.
pub fn parse_date(raw: &str, order: DateOrder) -> Option<NaiveDate> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    // ISO timestamps: keep the date part.
    let s = s.split(['T', ' ']).next().unwrap_or(s);
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    let num = |p: &str| -> Option<u32> {
        if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            p.parse().ok()
        }
    };
    let (y, m, d) = match parts.as_slice() {
        [one] if one.len() == 8 => (num(&one[0..4])?, num(&one[4..6])?, num(&one[6..8])?),
        [a, b, c] if a.len() == 4 => (num(a)?, num(b)?, num(c)?),
        [a, b, c] if c.len() == 4 || c.len() == 2 => {
            let (d, m) = match order {
                DateOrder::DayFirst => (num(a)?, num(b)?),
                DateOrder::MonthFirst => (num(b)?, num(a)?),
            };
            let mut y = num(c)?;
            if c.len() == 2 {
                y += if y < 50 { 2000 } else { 1900 };
            }
            (y, m, d)
        }
        _ => return None,
    };
    if !(1700..=2200).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn parses_common_forms() {
        let o = DateOrder::DayFirst;
        assert_eq!(parse_date("2015-01-06", o), ymd(2015, 1, 6));
        assert_eq!(parse_date("20150106", o), ymd(2015, 1, 6));
        assert_eq!(parse_date("06/01/2015", o), ymd(2015, 1, 6));
        assert_eq!(parse_date("06/01/15", o), ymd(2015, 1, 6));
        assert_eq!(parse_date("06/01/85", o), ymd(1985, 1, 6));
        assert_eq!(parse_date("06.01.2015", o), ymd(2015, 1, 6));
        assert_eq!(parse_date("2015-01-06T00:00:00Z", o), ymd(2015, 1, 6));
        assert_eq!(
            parse_date("01/06/2015", DateOrder::MonthFirst),
            ymd(2015, 1, 6)
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        let o = DateOrder::DayFirst;
        for bad in [
            "",
            "00000000",
            "2099-13-45",
            "2015-02-30",
            "abc",
            "12/2015",
            "1-1-1",
        ] {
            assert_eq!(parse_date(bad, o), None, "{bad}");
        }
    }
}
