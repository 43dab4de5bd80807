//! The country of a company (METHODOLOGY.md): the harmonised applicant's country (alias file,
//! else what the source says about the applicant), else the office of the first priority
//! filing, else the receiving office of a PCT filing, else the filing office; regional and
//! international offices (WO, EP, EA, AP, OA, GC, IB) never name a country. The rule used is
//! kept with the answer so every country figure can say how it was derived.

use patq_model::{PatentRecord, Text};
use serde::{Deserialize, Serialize};

use crate::groups::Group;

/// Which rule gave a company its country.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountryRule {
    /// The group's home country from the alias file.
    AliasFile,
    /// The applicant's country as the source states it.
    ApplicantCountry,
    /// The office of the earliest (first) priority filing.
    FirstPriorityOffice,
    /// The receiving office of a PCT application.
    ReceivingOffice,
    /// The office the application was filed at.
    FilingOffice,
    /// No rule applied.
    Unknown,
}

impl CountryRule {
    pub fn as_str(self) -> &'static str {
        match self {
            CountryRule::AliasFile => "alias_file",
            CountryRule::ApplicantCountry => "applicant_country",
            CountryRule::FirstPriorityOffice => "first_priority_office",
            CountryRule::ReceivingOffice => "receiving_office",
            CountryRule::FilingOffice => "filing_office",
            CountryRule::Unknown => "unknown",
        }
    }
}

/// A company's country and how it was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyCountry {
    pub country: Option<Text>,
    pub rule: CountryRule,
}

/// Offices that are not a country.
pub fn is_regional_office(office: &str) -> bool {
    matches!(
        office,
        "WO" | "EP" | "EA" | "AP" | "OA" | "GC" | "IB" | "EM" | "EU" | "XN" | "XV" | "XX" | ""
    )
}

fn national(office: &str) -> Option<Text> {
    // Checked on the stack first: this runs for every application, and most offices given
    // are already two upper-case letters.
    let &[a, b] = office.trim().as_bytes() else {
        return None;
    };
    let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
    let code = std::str::from_utf8(&code).ok()?;
    (code.bytes().all(|b| b.is_ascii_alphabetic()) && !is_regional_office(code))
        .then(|| Text::from(code))
}

/// Country of the company `group` (the harmonised applicant) on `record`. Pass `None` when
/// the record has no applicant; the office rules still apply.
pub fn company_country(group: Option<&Group>, record: &PatentRecord) -> CompanyCountry {
    if let Some(g) = group
        && let Some(c) = g.country.as_deref().and_then(national)
    {
        let rule = if g.country_from_alias {
            CountryRule::AliasFile
        } else {
            CountryRule::ApplicantCountry
        };
        return CompanyCountry {
            country: Some(c),
            rule,
        };
    }
    // The first priority: earliest dated claim, undated claims after in listed order.
    let first = record
        .priorities
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some(((p.date.is_none(), p.date, i), national(&p.office)?)))
        .min_by(|x, y| x.0.cmp(&y.0));
    if let Some((_, c)) = first {
        return CompanyCountry {
            country: Some(c),
            rule: CountryRule::FirstPriorityOffice,
        };
    }
    if record.app.is_pct
        && let Some(c) = record.app.receiving_office.as_deref().and_then(national)
    {
        return CompanyCountry {
            country: Some(c),
            rule: CountryRule::ReceivingOffice,
        };
    }
    if let Some(c) = national(&record.app.office) {
        return CompanyCountry {
            country: Some(c),
            rule: CountryRule::FilingOffice,
        };
    }
    CompanyCountry {
        country: None,
        rule: CountryRule::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groups::Harmonizer;
    use chrono::NaiveDate;
    use patq_model::Priority;

    fn prio(office: &str, date: Option<(i32, u32, u32)>) -> Priority {
        Priority {
            office: office.into(),
            number: "1".into(),
            kind: None,
            date: date.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            key: patq_model::format_text!("{office}1"),
        }
    }

    fn rec(office: &str, prios: Vec<Priority>) -> PatentRecord {
        let mut r = PatentRecord::default();
        r.app.office = office.into();
        r.priorities = prios.into();
        r
    }

    #[test]
    fn rules_in_order() {
        let h = Harmonizer::default();
        let r = rec("US", vec![prio("KR", None)]);
        // Alias file wins over the source's country and every office.
        let g = h.harmonize("Advanced New Technologies Co., Ltd.", Some("KY"));
        let c = company_country(Some(&g), &r);
        assert_eq!(
            (c.country.as_deref(), c.rule),
            (Some("CN"), CountryRule::AliasFile)
        );
        // The source's applicant country.
        let g = h.harmonize("Acme Widgets Inc", Some("de"));
        let c = company_country(Some(&g), &r);
        assert_eq!(
            (c.country.as_deref(), c.rule),
            (Some("DE"), CountryRule::ApplicantCountry)
        );
        // No applicant country: the first priority's office.
        let g = h.harmonize("Acme Widgets Inc", None);
        let c = company_country(Some(&g), &r);
        assert_eq!(
            (c.country.as_deref(), c.rule),
            (Some("KR"), CountryRule::FirstPriorityOffice)
        );
        assert_eq!(
            serde_json::to_string(&c.rule).unwrap(),
            "\"first_priority_office\""
        );
    }

    #[test]
    fn earliest_national_priority() {
        let r = rec(
            "US",
            vec![
                prio("JP", Some((2016, 5, 1))),
                prio("EP", Some((2015, 1, 1))),
                prio("GB", None),
                prio("CN", Some((2015, 6, 1))),
            ],
        );
        // EP is earliest but regional; CN is the earliest national one.
        let c = company_country(None, &r);
        assert_eq!(
            (c.country.as_deref(), c.rule),
            (Some("CN"), CountryRule::FirstPriorityOffice)
        );
    }

    #[test]
    fn office_fallbacks() {
        let mut r = rec("WO", vec![prio("WO", None)]);
        r.app.is_pct = true;
        r.app.receiving_office = Some("SG".into());
        let c = company_country(None, &r);
        assert_eq!(
            (c.country.as_deref(), c.rule),
            (Some("SG"), CountryRule::ReceivingOffice)
        );
        r.app.receiving_office = Some("IB".into());
        let c = company_country(None, &r);
        assert_eq!((c.country, c.rule), (None, CountryRule::Unknown));
        let c = company_country(None, &rec("EP", vec![]));
        assert_eq!(c.rule, CountryRule::Unknown);
        let c = company_country(None, &rec("cn", vec![]));
        assert_eq!(
            (c.country.as_deref(), c.rule),
            (Some("CN"), CountryRule::FilingOffice)
        );
    }
}
