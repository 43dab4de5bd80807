//! Small helpers shared by the readers: list splitting, trimmed optional strings, numbers.
//! Dates have a module of their own, [`crate::dates`].

use patq_model::clean_number;

/// Splits a Lens multi-valued field on `;;`, trimming and dropping empty items. A single `;`
/// is part of a value: Lens writes names as `MITCHELL; RALPH` and NPL citations with `;` in
/// them, each one item.
pub fn split_lens_list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(";;").map(str::trim).filter(|s| !s.is_empty())
}

/// `None` for empty or whitespace-only text, the trimmed text otherwise.
pub fn opt(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Parses a non-negative count, accepting `1,234` and `12.0`; `Err` carries the reason.
pub fn parse_count(raw: &str) -> Result<Option<u32>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let cleaned: String = t.chars().filter(|c| *c != ',').collect();
    let cleaned = cleaned.strip_suffix(".0").unwrap_or(&cleaned);
    if cleaned.starts_with('-') {
        return Err(format!("negative count {t:?}"));
    }
    cleaned
        .parse::<u32>()
        .map(Some)
        .map_err(|_| format!("not a count: {t:?}"))
}

/// PCT application number in the shared form `CC` + year + 6-digit serial (`US2017034582`),
/// from `PCT/US2017/034582`, `US2017034582`, `US 2017/34582`, `2017US34582` (EPODOC order),
/// and the 2-digit-year forms used until 2004 (`PCT/US99/12345`, `US9912345`, `99US12345`;
/// years 78-99 are 19xx). `None` when the text does not look like a PCT number, including WO
/// publication numbers (`WO 99/12345`), which name no receiving office.
pub(crate) fn pct_number(raw: &str) -> Option<String> {
    let c = clean_number(raw);
    let c = c.strip_prefix("PCT").unwrap_or(&c);
    let c = c.strip_prefix("WO").unwrap_or(c);
    let b = c.as_bytes();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (cc, year, serial) = if b.len() > 6 && b[..2].iter().all(u8::is_ascii_alphabetic) {
        let rest = &c[2..];
        // Written with slashes, the office-and-year part says how many digits the year has;
        // run together, digits whose first four are no PCT year start with a 2-digit year
        // (`US9912345`; 2-digit years ended in 2004, so `19..`/`20..` is always 4 digits).
        let slashed_year = raw
            .split('/')
            .filter(|_| raw.contains('/'))
            .map(clean_number)
            .find(|p| p.len() > 2 && p.starts_with(&c[..2]) && digits(&p[2..]))
            .map(|p| p.len() - 2);
        let short = match slashed_year {
            Some(n) => n == 2,
            None => !rest
                .get(..4)
                .and_then(|y| y.parse().ok())
                .is_some_and(plausible_pct_year),
        };
        let y = if short { 2 } else { 4 };
        (
            &c[..2],
            &rest[..y.min(rest.len())],
            &rest[y.min(rest.len())..],
        )
    } else if b.len() > 6 && b[4..6].iter().all(u8::is_ascii_alphabetic) {
        (&c[4..6], &c[..4], &c[6..])
    } else if b.len() > 4 && b[2..4].iter().all(u8::is_ascii_alphabetic) {
        (&c[2..4], &c[..2], &c[4..])
    } else {
        return None;
    };
    if !digits(year) || !digits(serial) || serial.len() > 6 {
        return None;
    }
    let year: u32 = year.parse().ok()?;
    let year = match year {
        78..=99 => 1900 + year,
        0..=77 => 2000 + year,
        y => y,
    };
    plausible_pct_year(year).then(|| format!("{cc}{year}{serial:0>6}"))
}

/// The PCT took effect in 1978.
fn plausible_pct_year(year: u32) -> bool {
    (1978..=2100).contains(&year)
}

/// `Y`/`N`, `1`/`0`, `true`/`false`.
pub(crate) fn flag(raw: &str) -> Result<Option<bool>, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "y" | "yes" | "1" | "true" | "t" => Ok(Some(true)),
        "n" | "no" | "0" | "false" | "f" => Ok(Some(false)),
        other => Err(format!("not a yes/no flag: {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_counts() {
        let split = |s| split_lens_list(s).collect::<Vec<_>>();
        assert_eq!(split("A;;B ;; ;;C"), vec!["A", "B", "C"]);
        assert_eq!(split("MITCHELL; RALPH"), vec!["MITCHELL; RALPH"]);
        assert_eq!(split("A; B;;C"), vec!["A; B", "C"]);
        assert!(split(" ;; ").is_empty());
        assert_eq!(parse_count(" 1,234 "), Ok(Some(1234)));
        assert_eq!(parse_count("12.0"), Ok(Some(12)));
        assert_eq!(parse_count(""), Ok(None));
        assert!(parse_count("-3").is_err());
        assert!(parse_count("x").is_err());
    }

    #[test]
    fn pct_numbers_share_one_form() {
        assert_eq!(
            pct_number("PCT/US2017/034582").as_deref(),
            Some("US2017034582")
        );
        assert_eq!(pct_number("WO2013CA50967").as_deref(), Some("CA2013050967"));
        assert_eq!(pct_number("US2017034582").as_deref(), Some("US2017034582"));
        assert_eq!(pct_number("US 2017/34582").as_deref(), Some("US2017034582"));
        assert_eq!(pct_number("12345"), None);
        assert_eq!(pct_number("US2017A"), None);
        // Every historic writing of PCT/US99/12345 (2-digit year until 2004).
        for raw in [
            "PCT/US99/12345",
            "PCT/US1999/012345",
            "PCT/US99/012345",
            "US9912345",
            "US1999012345",
            "WO1999US12345",
            "1999US12345",
            "99US12345",
            "pct/us 99/12345",
            "US99012345",
        ] {
            assert_eq!(pct_number(raw).as_deref(), Some("US1999012345"), "{raw}");
        }
        assert_eq!(
            pct_number("PCT/EP03/00123").as_deref(),
            Some("EP2003000123")
        );
        // A WO publication number names no receiving office.
        assert_eq!(pct_number("WO 99/12345"), None);
        assert_eq!(pct_number("WO 2004/012345"), None);
        assert_eq!(pct_number("PCT/US1850/012345"), None);
    }
}
