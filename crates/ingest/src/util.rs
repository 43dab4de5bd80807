//! Small helpers shared by the readers: list splitting, trimmed optional strings, numbers.
//! Dates have a module of their own, [`crate::dates`].

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
}
