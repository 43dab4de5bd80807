//! The dashboard API's query-string parameters, parsed and checked against the dataset before
//! any work: an unknown or repeated name, a bad value or a value the dataset does not hold is
//! a [`ParamError`] naming the parameter (HTTP 400). No parameter ever names a file.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// The parameters every endpoint with a selection accepts.
pub const FILTER_PARAMS: [&str; 7] = [
    "from", "to", "country", "office", "company", "topic", "industry",
];

/// Longest query string accepted; the dashboard's own URLs stay far below.
pub const MAX_QUERY: usize = 4096;

/// Topic choice meaning "no topic filter".
pub const TOPIC_NONE: &str = "none";

/// A rejected parameter: what the 400 response says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("parameter {param}: {message}")]
pub struct ParamError {
    pub param: String,
    pub message: String,
}

impl ParamError {
    pub fn new(param: &str, message: impl Into<String>) -> ParamError {
        ParamError {
            param: param.to_string(),
            message: message.into(),
        }
    }
}

/// What the dataset holds, so filter values can be checked against it.
#[derive(Clone, Debug, Default)]
pub struct Known {
    pub countries: BTreeSet<String>,
    pub offices: BTreeSet<String>,
    pub companies: BTreeSet<String>,
    /// Topic choices besides [`TOPIC_NONE`] (`default`, and `file` when --topic was given).
    pub topics: BTreeSet<String>,
    pub industries: BTreeSet<String>,
}

/// Which applications the figures cover. Field order is the canonical order of the
/// parameters in URLs and JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Selection {
    pub from: Option<i32>,
    pub to: Option<i32>,
    pub country: Option<String>,
    pub office: Option<String>,
    /// Harmonised applicant group id.
    pub company: Option<String>,
    /// Topic choice id; None = no topic filter.
    pub topic: Option<String>,
    /// Taxonomy industry id.
    pub industry: Option<String>,
}

impl Selection {
    /// The bounds [`patq_indicators::Corpus::select`] applies itself.
    pub fn filters(&self) -> patq_indicators::Filters {
        patq_indicators::Filters {
            from_year: self.from,
            to_year: self.to,
            country: self.country.clone(),
            office: self.office.clone(),
        }
    }

    /// The set parameters as (name, value) in canonical order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        let mut push = |k: &'static str, x: Option<String>| {
            if let Some(x) = x {
                v.push((k, x));
            }
        };
        push("from", self.from.map(|y| y.to_string()));
        push("to", self.to.map(|y| y.to_string()));
        push("country", self.country.clone());
        push("office", self.office.clone());
        push("company", self.company.clone());
        push("topic", self.topic.clone());
        push("industry", self.industry.clone());
        v
    }

    /// One line for people: "filed 2017-2019, company country CN" or "all applications".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        match (self.from, self.to) {
            (Some(a), Some(b)) => parts.push(format!("filed {a}-{b}")),
            (Some(a), None) => parts.push(format!("filed from {a}")),
            (None, Some(b)) => parts.push(format!("filed up to {b}")),
            (None, None) => {}
        }
        for (label, v) in [
            ("company country", &self.country),
            ("office", &self.office),
            ("company", &self.company),
            ("topic", &self.topic),
            ("industry", &self.industry),
        ] {
            if let Some(v) = v {
                parts.push(format!("{label} {v}"));
            }
        }
        if parts.is_empty() {
            "all applications".into()
        } else {
            parts.join(", ")
        }
    }
}

/// A parsed query: the selection plus the endpoint's own parameters (raw, checked by it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub selection: Selection,
    pub extra: BTreeMap<String, String>,
}

fn year(param: &str, v: &str) -> Result<i32, ParamError> {
    let bad = || ParamError::new(param, format!("{v:?} is not a filing year (four digits)"));
    if v.len() != 4 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    v.parse().map_err(|_| bad())
}

fn member(param: &str, v: &str, set: &BTreeSet<String>, what: &str) -> Result<String, ParamError> {
    if set.contains(v) {
        Ok(v.to_string())
    } else {
        // Echo at most a short prefix: the message must stay small whatever was sent.
        let shown: String = v.chars().take(40).collect();
        Err(ParamError::new(
            param,
            format!("{shown:?} is not {what} of this dataset (see /api/meta)"),
        ))
    }
}

/// Parses a raw query string. `extra` names the endpoint's own parameters; anything else that
/// is not a filter is rejected. Empty values mean "not set" (what an HTML form sends for an
/// empty choice).
pub fn parse(raw: Option<&str>, extra: &[&str], known: &Known) -> Result<Query, ParamError> {
    let raw = raw.unwrap_or("");
    if raw.len() > MAX_QUERY {
        return Err(ParamError::new(
            "query",
            format!("longer than {MAX_QUERY} bytes"),
        ));
    }
    let mut seen = BTreeSet::new();
    let mut q = Query::default();
    for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
        let (k, v) = (k.as_ref(), v.trim());
        if !FILTER_PARAMS.contains(&k) && !extra.contains(&k) {
            let mut allowed: Vec<&str> = FILTER_PARAMS.to_vec();
            allowed.extend(extra);
            let shown: String = k.chars().take(40).collect();
            return Err(ParamError::new(
                &shown,
                format!("unknown parameter; allowed: {}", allowed.join(", ")),
            ));
        }
        if !seen.insert(k.to_string()) {
            return Err(ParamError::new(k, "given more than once"));
        }
        if v.is_empty() {
            continue;
        }
        let s = &mut q.selection;
        match k {
            "from" => s.from = Some(year(k, v)?),
            "to" => s.to = Some(year(k, v)?),
            "country" => s.country = Some(member(k, v, &known.countries, "a company country")?),
            "office" => s.office = Some(member(k, v, &known.offices, "a filing office")?),
            "company" => s.company = Some(member(k, v, &known.companies, "a company group")?),
            "topic" if v == TOPIC_NONE => s.topic = None,
            "topic" => s.topic = Some(member(k, v, &known.topics, "a topic choice")?),
            "industry" => s.industry = Some(member(k, v, &known.industries, "an industry")?),
            _ => {
                q.extra.insert(k.to_string(), v.to_string());
            }
        }
    }
    if let (Some(a), Some(b)) = (q.selection.from, q.selection.to)
        && a > b
    {
        return Err(ParamError::new(
            "to",
            format!("{b} is before from={a}; no year can satisfy both"),
        ));
    }
    Ok(q)
}

/// A positive integer parameter no larger than `max`.
pub fn bounded(param: &str, v: &str, max: usize) -> Result<usize, ParamError> {
    match v.parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(ParamError::new(
            param,
            format!("{v:?} is not a whole number from 1 to {max}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Known {
            countries: set(&["CN", "US", "UNKNOWN"]),
            offices: set(&["CN", "EP", "WO"]),
            companies: set(&["ACME CORP"]),
            topics: set(&["default"]),
            industries: set(&["finance"]),
        }
    }

    #[test]
    fn parses_every_filter() {
        let q = parse(
            Some("from=2017&to=2019&country=CN&office=EP&company=ACME+CORP&topic=default&industry=finance"),
            &[],
            &known(),
        )
        .unwrap();
        let s = q.selection;
        assert_eq!((s.from, s.to), (Some(2017), Some(2019)));
        assert_eq!(s.country.as_deref(), Some("CN"));
        assert_eq!(s.office.as_deref(), Some("EP"));
        assert_eq!(s.company.as_deref(), Some("ACME CORP"));
        assert_eq!(s.topic.as_deref(), Some("default"));
        assert_eq!(s.industry.as_deref(), Some("finance"));
        assert!(q.extra.is_empty());
        assert_eq!(
            s.describe(),
            "filed 2017-2019, company country CN, office EP, company ACME CORP, topic default, industry finance"
        );
    }

    #[test]
    fn empty_values_and_topic_none_mean_unset() {
        let q = parse(Some("from=&country=&topic=none"), &[], &known()).unwrap();
        assert_eq!(q.selection, Selection::default());
        assert_eq!(q.selection.describe(), "all applications");
        assert_eq!(parse(None, &[], &known()).unwrap(), Query::default());
    }

    #[test]
    fn rejects_with_the_parameter_named() {
        let k = known();
        let err = |raw: &str| parse(Some(raw), &["spec"], &k).unwrap_err();
        assert_eq!(err("colour=red").param, "colour");
        assert!(err("colour=red").message.contains("allowed: from, to"));
        assert_eq!(err("from=20x7").param, "from");
        assert_eq!(err("from=17").param, "from");
        assert_eq!(err("to=-2019").param, "to");
        assert_eq!(err("country=ZZ").param, "country");
        assert_eq!(err("office=..%2Fetc").param, "office");
        assert_eq!(err("company=NOBODY").param, "company");
        assert_eq!(err("topic=file").param, "topic");
        assert_eq!(err("industry=mining").param, "industry");
        assert_eq!(err("country=CN&country=US").param, "country");
        assert_eq!(err("from=2020&to=2019").param, "to");
        assert_eq!(err(&"a".repeat(MAX_QUERY + 1)).param, "query");
    }

    #[test]
    fn endpoint_parameters_pass_through() {
        let q = parse(Some("spec=F2%3Agrants&country=US"), &["spec"], &known()).unwrap();
        assert_eq!(q.extra.get("spec").map(String::as_str), Some("F2:grants"));
        assert_eq!(q.selection.country.as_deref(), Some("US"));
    }

    #[test]
    fn bounded_numbers() {
        assert_eq!(bounded("limit", "50", 100), Ok(50));
        assert_eq!(bounded("limit", "0", 100).unwrap_err().param, "limit");
        assert_eq!(bounded("limit", "101", 100).unwrap_err().param, "limit");
        assert_eq!(bounded("limit", "x", 100).unwrap_err().param, "limit");
    }

    #[test]
    fn pairs_are_in_canonical_order() {
        let s = Selection {
            industry: Some("finance".into()),
            from: Some(2018),
            country: Some("CN".into()),
            ..Selection::default()
        };
        assert_eq!(
            s.pairs(),
            [
                ("from", "2018".to_string()),
                ("country", "CN".to_string()),
                ("industry", "finance".to_string())
            ]
        );
    }
}
