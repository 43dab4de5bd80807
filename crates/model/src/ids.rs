//! Office codes, application numbers and the application key that ties records from different
//! sources and publications together.

/// Upper-cases and trims an office (authority) code; PATSTAT pads codes with spaces.
pub fn normalize_office(raw: &str) -> String {
    raw.trim().to_ascii_uppercase()
}

/// Strips what varies between writings of one number: spaces, commas, slashes, dots and
/// dashes (`14/306,158` and `14306158` are the same US application).
pub fn clean_number(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The application key: office followed by the cleaned number, e.g. `US14306158`.
/// A number that already starts with its office code is not prefixed twice.
pub fn app_key(office: &str, number: &str) -> String {
    let office = normalize_office(office);
    let number = clean_number(number);
    if !office.is_empty() && number.starts_with(&office) {
        number
    } else {
        format!("{office}{number}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_across_writings() {
        assert_eq!(app_key("US", "14/306,158"), "US14306158");
        assert_eq!(app_key(" us", "US 14306158"), "US14306158");
        assert_eq!(normalize_office("CN "), "CN");
    }
}
