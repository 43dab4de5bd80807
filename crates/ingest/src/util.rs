//! Small helpers shared by the readers: list splitting, trimmed optional strings, numbers.

/// Splits a multi-valued field on `;;` (Lens) or, when absent, on `;`, trimming and dropping
/// empty items.
pub fn split_list(raw: &str) -> Vec<String> {
    let sep = if raw.contains(";;") { ";;" } else { ";" };
    raw.split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
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
        assert_eq!(split_list("A;;B ;; ;;C"), vec!["A", "B", "C"]);
        assert_eq!(split_list("A; B"), vec!["A", "B"]);
        assert_eq!(parse_count(" 1,234 "), Ok(Some(1234)));
        assert_eq!(parse_count("12.0"), Ok(Some(12)));
        assert_eq!(parse_count(""), Ok(None));
        assert!(parse_count("-3").is_err());
        assert!(parse_count("x").is_err());
    }
}
