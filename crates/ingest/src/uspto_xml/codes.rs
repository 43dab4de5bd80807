//! Normalisers for the code and number writings peculiar to USPTO XML: fixed-width USPC and
//! pre-2006 IPC fields, Locarno classes, PCT application numbers, zero-padded patent numbers
//! and month-precision citation dates.

use chrono::NaiveDate;
use patq_model::{DateOrder, clean_number, normalize_class_code, parse_date};

/// USPC from the fixed-width field USPTO writes: 3 characters of class (right-aligned,
/// `  2`, ` D1`, `D10`, `PLT`, `002`), 3 of subclass, then a decimal or alpha suffix
/// (` 15104002` = 15/104.002, ` 24 11 F` = 24/11F, `257E21001` = 257/E21.001,
/// `426104000` = 426/104). Returns the `class/subclass` form with padding removed.
pub(crate) fn uspc_code(raw: &str) -> Option<String> {
    let raw = raw.trim_end();
    if raw.trim().is_empty() {
        return None;
    }
    if !raw.is_ascii() || raw.contains('/') || raw.len() <= 3 {
        return Some(raw.split_whitespace().collect::<Vec<_>>().join(""));
    }
    let (class, rest) = raw.split_at(3);
    let rest = format!("{rest:<3}");
    let (sub, suffix) = rest.split_at(3);
    Some(uspc_join(class, sub, suffix))
}

/// USPC from separate class and subclass elements (pap v1.6: `002` + `069000`).
pub(crate) fn uspc_parts(class: &str, subclass: &str) -> Option<String> {
    let class = class.trim();
    let subclass = subclass.trim();
    if class.is_empty() {
        return None;
    }
    if !subclass.is_ascii() || subclass.len() < 3 {
        return Some(uspc_join(class, subclass, ""));
    }
    let (sub, suffix) = subclass.split_at(3);
    Some(uspc_join(class, sub, suffix))
}

fn uspc_join(class: &str, sub: &str, suffix: &str) -> String {
    let class: String = class.chars().filter(|c| !c.is_whitespace()).collect();
    let class = strip_zeros_after_letters(&class);
    let sub: String = sub.chars().filter(|c| !c.is_whitespace()).collect();
    let sub = strip_zeros_after_letters(&sub);
    let suffix: String = suffix.chars().filter(|c| !c.is_whitespace()).collect();
    let suffix = if suffix.bytes().all(|b| b.is_ascii_digit()) {
        let digits = suffix.trim_end_matches('0');
        if digits.is_empty() {
            String::new()
        } else {
            format!(".{digits}")
        }
    } else if suffix.starts_with(|c: char| c.is_ascii_digit()) {
        format!(".{suffix}")
    } else {
        suffix
    };
    format!("{class}/{sub}{suffix}")
}

/// `D0612345` -> `D612345`, `007` -> `7`, `PLT` -> `PLT`, `000` -> `0`.
fn strip_zeros_after_letters(s: &str) -> String {
    let split = s.find(|c: char| c.is_ascii_digit()).unwrap_or(s.len());
    let (letters, digits) = s.split_at(split);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return s.to_string();
    }
    let trimmed = digits.trim_start_matches('0');
    let trimmed = if trimmed.is_empty() && !digits.is_empty() {
        "0"
    } else {
        trimmed
    };
    format!("{letters}{trimmed}")
}

/// IPC from the pre-2006 fixed-width field (`A45F  504` = A45F 5/04, `H01L 21302` = H01L
/// 21/302, `C07C24900` = C07C 249/00): 4 characters of subclass, 3 of main group
/// (right-aligned), then the subgroup.
pub(crate) fn ipc_fixed(raw: &str) -> Option<String> {
    let raw = raw.trim_end();
    if raw.trim().is_empty() {
        return None;
    }
    if raw.contains('/') || !raw.is_ascii() || raw.len() < 8 {
        return Some(normalize_class_code(raw));
    }
    let (sub, rest) = raw.split_at(4);
    let (main, group) = rest.split_at(3);
    let main = main.trim();
    let group = group.trim();
    if main.is_empty()
        || group.is_empty()
        || !main.bytes().all(|b| b.is_ascii_digit())
        || !group.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(normalize_class_code(raw));
    }
    Some(normalize_class_code(&format!("{sub}{main}/{group}")))
}

/// IPC-R / CPC from their parts (section, class, subclass, main group, subgroup).
pub(crate) fn assembled_class(
    section: &str,
    class: &str,
    subclass: &str,
    main: &str,
    sub: &str,
) -> Option<String> {
    let head = format!("{}{}{}", section.trim(), class.trim(), subclass.trim());
    if head.is_empty() {
        return None;
    }
    let main = main.trim();
    let sub = sub.trim();
    let code = if main.is_empty() {
        head
    } else if sub.is_empty() {
        format!("{head}{main}/00")
    } else {
        format!("{head}{main}/{sub}")
    };
    Some(normalize_class_code(&code))
}

/// Locarno `1007` -> `10-07` (class-subclass, as WIPO writes it).
pub(crate) fn locarno_code(raw: &str) -> Option<String> {
    let t: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return None;
    }
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("{}-{}", &t[..2], &t[2..]));
    }
    Some(t)
}

/// PCT application number in PATSTAT/DOCDB form: country, 4-digit year, 6-digit serial
/// (`PCT/EP2009/056266` -> `EP2009056266`, `PCTNL00/00518` -> `NL2000000518`,
/// `PCT/JP02/07639` -> `JP2002007639`). `None` when the number is not written that way.
pub(crate) fn pct_number(raw: &str) -> Option<String> {
    let up = raw.trim().to_ascii_uppercase();
    let rest = up.strip_prefix("PCT")?;
    let rest = rest.trim_start_matches(['/', ' ', '-']);
    let country: String = rest.chars().take(2).collect();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let tail = &rest[2..];
    let parts: Vec<&str> = tail
        .split(['/', ' ', '-'])
        .filter(|p| !p.is_empty())
        .collect();
    if !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let (year, serial) = match parts.as_slice() {
        [y, s] => (y.to_string(), s.to_string()),
        [one] if one.len() == 10 => (one[..4].to_string(), one[4..].to_string()),
        [one] if one.len() == 7 => (one[..2].to_string(), one[2..].to_string()),
        _ => return None,
    };
    let year = match year.len() {
        4 => year,
        // PCT filings began in 1978.
        2 => {
            let y: u32 = year.parse().ok()?;
            format!("{}", if y >= 78 { 1900 + y } else { 2000 + y })
        }
        _ => return None,
    };
    if serial.is_empty() || serial.len() > 6 {
        return None;
    }
    Some(format!("{country}{year}{serial:0>6}"))
}

/// A US patent or publication number without the zero padding of the XML
/// (`08613112` -> `8613112`, `D0656304` -> `D656304`, `RE041654` -> `RE41654`); other
/// writings are only cleaned (`2002/0043158` -> `20020043158`).
pub(crate) fn us_number(raw: &str) -> String {
    let c = clean_number(raw);
    let c = c.strip_prefix("US").map(str::to_string).unwrap_or(c);
    strip_zeros_after_letters(&c)
}

/// A cited document's number: cleaned, without its office prefix, zero padding removed for
/// US numbers (`WO 89/03351` -> `8903351`).
pub(crate) fn cited_number(office: &str, raw: &str) -> String {
    if office == "US" {
        return us_number(raw);
    }
    let c = clean_number(raw);
    match c.strip_prefix(office) {
        Some(rest) if !office.is_empty() && !rest.is_empty() => rest.to_string(),
        _ => c,
    }
}

/// Citation dates are month-precision in USPTO XML (`20011100`): day 00 becomes the 1st of
/// the month and month 00 January, so citation lags can still be computed. Anything else
/// that does not parse is `None` (a cited document's date never decides a record's fate).
pub(crate) fn partial_date(raw: &str) -> Option<NaiveDate> {
    let t = raw.trim();
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = t[..4].parse().ok()?;
        let m: u32 = t[4..6].parse().ok()?;
        let d: u32 = t[6..].parse().ok()?;
        let (m, d) = if m == 0 { (1, 1) } else { (m, d.max(1)) };
        if !(1700..=2200).contains(&y) {
            return None;
        }
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    parse_date(t, DateOrder::DayFirst)
}

/// `cited by examiner` -> `examiner`, `cited by applicant` -> `applicant`, ...
pub(crate) fn cited_by(category: &str) -> Option<String> {
    let t = category.trim().to_ascii_lowercase();
    if t.is_empty() {
        return None;
    }
    Some(t.strip_prefix("cited by ").unwrap_or(&t).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uspc_fixed_width() {
        let cases = [
            ("  2 52", "2/52"),
            (" 24303", "24/303"),
            (" 12142 E", "12/142E"),
            (" 68181 R", "68/181R"),
            ("224257", "224/257"),
            ("D10125", "D10/125"),
            ("D10  9", "D10/9"),
            ("D 1128", "D1/128"),
            (" D1106", "D1/106"),
            ("002001000", "2/1"),
            ("426104000", "426/104"),
            (" 15104002", "15/104.002"),
            ("257E21001", "257/E21.001"),
            (" 16DIG 12", "16/DIG.12"),
            ("PLT263", "PLT/263"),
            ("438416", "438/416"),
        ];
        for (raw, want) in cases {
            assert_eq!(uspc_code(raw).as_deref(), Some(want), "{raw:?}");
        }
        assert_eq!(uspc_code("   "), None);
        assert_eq!(uspc_parts("002", "069000").as_deref(), Some("2/69"));
        assert_eq!(uspc_parts("D02", "896").as_deref(), Some("D2/896"));
    }

    #[test]
    fn old_ipc_fixed_width() {
        assert_eq!(ipc_fixed("A45F  504").as_deref(), Some("A45F5/04"));
        assert_eq!(ipc_fixed("A43B 1314").as_deref(), Some("A43B13/14"));
        assert_eq!(ipc_fixed("H01L 21302").as_deref(), Some("H01L21/302"));
        assert_eq!(ipc_fixed("C07C24900").as_deref(), Some("C07C249/00"));
        assert_eq!(ipc_fixed("A41B001/00").as_deref(), Some("A41B1/00"));
        assert_eq!(ipc_fixed(""), None);
        assert_eq!(
            assembled_class("H", "04", "L", "9", "32").as_deref(),
            Some("H04L9/32")
        );
        assert_eq!(
            assembled_class("A", "41", "D", "27", "20").as_deref(),
            Some("A41D27/20")
        );
        assert_eq!(locarno_code("1007").as_deref(), Some("10-07"));
    }

    #[test]
    fn pct_numbers() {
        assert_eq!(
            pct_number("PCT/EP2009/056266").as_deref(),
            Some("EP2009056266")
        );
        assert_eq!(pct_number("PCTNL00/00518").as_deref(), Some("NL2000000518"));
        assert_eq!(
            pct_number("PCT/JP02/07639").as_deref(),
            Some("JP2002007639")
        );
        assert_eq!(pct_number("PCT/US99/1234").as_deref(), Some("US1999001234"));
        assert_eq!(pct_number("EP2009056266"), None);
        assert_eq!(pct_number("PCT/E1/2"), None);
        assert_eq!(pct_number("PCTEPé12345678"), None);
        assert_eq!(pct_number("PCTEP12é45678"), None);
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(us_number("08613112"), "8613112");
        assert_eq!(us_number("D0656304"), "D656304");
        assert_eq!(us_number("RE041654"), "RE41654");
        assert_eq!(us_number("PP015123"), "PP15123");
        assert_eq!(us_number("2002/0043158"), "20020043158");
        assert_eq!(us_number("20040000002"), "20040000002");
        assert_eq!(cited_number("WO", "WO 89/03351"), "8903351");
        assert_eq!(cited_number("EP", "0 890 321"), "0890321");
        assert_eq!(
            partial_date("20011100"),
            NaiveDate::from_ymd_opt(2001, 11, 1)
        );
        assert_eq!(
            partial_date("19010000"),
            NaiveDate::from_ymd_opt(1901, 1, 1)
        );
        assert_eq!(partial_date("2001-13-99"), None);
        assert_eq!(cited_by("cited by examiner").as_deref(), Some("examiner"));
        assert_eq!(cited_by(" Cited by other ").as_deref(), Some("other"));
    }
}
