//! Kind-code rules: which publications are invention grants, utility models or applications,
//! per office, as fixed in METHODOLOGY.md ("Granted").

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::words::stored_word;

/// What a publication is, for counting grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PubClass {
    /// Published application (A1, A2, ...), including every WO publication.
    Application,
    /// Grant of an invention patent.
    Grant,
    /// Utility model (CN/JP/KR/DE U, Y): counted separately, never as an invention grant.
    UtilityModel,
    /// Design patent (US S, CN S): not an invention patent.
    Design,
    /// Anything else (reissues, corrections, search reports, unknown kinds).
    Other,
}

impl PubClass {
    /// Stable lower-case name used in Parquet and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            PubClass::Application => "application",
            PubClass::Grant => "grant",
            PubClass::UtilityModel => "utility_model",
            PubClass::Design => "design",
            PubClass::Other => "other",
        }
    }

    /// True when the publication is the grant of a right: an invention grant, or a design
    /// patent (US S/S1, CN/JP/KR S), which is published only once it is granted, so its
    /// publication date is its grant date. Utility models stay their own category.
    pub fn grants_right(self) -> bool {
        matches!(self, PubClass::Grant | PubClass::Design)
    }

    /// Inverse of [`PubClass::as_str`]; `FromStr` says which word was not known.
    pub fn parse(s: &str) -> Option<PubClass> {
        s.parse().ok()
    }
}

stored_word!(
    PubClass,
    "publication class",
    [Application, Grant, UtilityModel, Design, Other]
);

/// Classifies a publication from its office, kind code and (for pre-2001 US) its date.
///
/// Office-specific rules come first (US, EP, CN, JP, KR, WO); other offices follow the
/// WIPO ST.16 convention that A is an application, B and C are grants, U and Y utility models.
pub fn classify_publication(office: &str, kind: &str, date: Option<NaiveDate>) -> PubClass {
    let office = office.trim().to_ascii_uppercase();
    let kind = kind.trim().to_ascii_uppercase();
    let letter = kind.chars().next().unwrap_or(' ');
    use PubClass::*;
    match office.as_str() {
        "WO" => {
            if kind.is_empty() || letter == 'A' {
                Application
            } else {
                Other
            }
        }
        "US" => match kind.as_str() {
            "B1" | "B2" => Grant,
            // Before 2001 US grants carried plain A; applications were not published.
            "A" => match date {
                Some(d) if d.year() >= 2001 => Application,
                _ => Grant,
            },
            "A1" | "A2" | "A9" => Application,
            "P2" | "P3" => Grant,
            "P1" | "P4" | "P9" => Application,
            "S" | "S1" => Design,
            _ => Other,
        },
        "EP" => match kind.as_str() {
            "B1" | "B2" | "B3" => Grant,
            _ if letter == 'A' => Application,
            _ => Other,
        },
        "CN" => match letter {
            'B' | 'C' => Grant,
            'A' => Application,
            'U' | 'Y' => UtilityModel,
            'S' => Design,
            _ => Other,
        },
        "JP" => match kind.as_str() {
            "B1" | "B2" | "B" => Grant,
            _ if letter == 'A' => Application,
            _ if letter == 'U' || letter == 'Y' => UtilityModel,
            _ if letter == 'S' => Design,
            _ => Other,
        },
        "KR" => match kind.as_str() {
            "B1" | "B" => Grant,
            _ if letter == 'A' => Application,
            _ if letter == 'U' || letter == 'Y' => UtilityModel,
            _ if letter == 'S' => Design,
            _ => Other,
        },
        _ => match letter {
            'A' => Application,
            'B' | 'C' => Grant,
            'U' | 'Y' => UtilityModel,
            'S' => Design,
            _ => Other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PubClass::*;

    #[test]
    fn methodology_rules() {
        let d2000 = NaiveDate::from_ymd_opt(2000, 5, 1);
        let d2005 = NaiveDate::from_ymd_opt(2005, 5, 1);
        assert_eq!(classify_publication("US", "B2", d2005), Grant);
        assert_eq!(classify_publication("US", "A", d2000), Grant);
        assert_eq!(classify_publication("US", "A", d2005), Application);
        assert_eq!(classify_publication("US", "A1", d2005), Application);
        assert_eq!(classify_publication("US", "S", d2005), Design);
        assert_eq!(classify_publication("EP", "B1", None), Grant);
        assert_eq!(classify_publication("EP", "A1", None), Application);
        assert_eq!(classify_publication("CN", "C", None), Grant);
        assert_eq!(classify_publication("CN", "B", None), Grant);
        assert_eq!(classify_publication("CN", "U", None), UtilityModel);
        assert_eq!(classify_publication("CN", "Y", None), UtilityModel);
        assert_eq!(classify_publication("JP", "B2", None), Grant);
        assert_eq!(classify_publication("KR", "B1", None), Grant);
        assert_eq!(classify_publication("WO", "A1", None), Application);
        assert_eq!(classify_publication("WO", "B1", None), Other);
        assert_eq!(classify_publication("de ", "c1", None), Grant);
        assert_eq!(classify_publication("AU", "A1", None), Application);
    }

    #[test]
    fn names_round_trip() {
        for c in [Application, Grant, UtilityModel, Design, Other] {
            assert_eq!(PubClass::parse(c.as_str()), Some(c));
        }
    }
}
