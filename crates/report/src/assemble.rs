//! Turns the typed indicator results into report figures — the suite's tables plus the quality
//! index (T2, F11), each with its default chart — so `patq report` and the `patq serve`
//! dashboard assemble exactly the same list.

use patq_indicators::suite::Output;
use patq_rank::Ranking;

use crate::Figure;
use crate::chart::default_chart;

/// The report part T2 and F11 belong to.
pub const PART_QUALITY: &str = "Quality index";

/// One output of the indicator set as a report figure, with the chart its table gets.
pub fn figure(o: Output) -> Figure {
    Figure {
        chart: default_chart(&o.file),
        id: o.file,
        part: o.part.to_string(),
        title: format!("{} — {}", o.id, o.title),
        definition: o.definition,
        csv: o.csv,
        json: o.json,
    }
}

/// T2 (the quality index) and F11 (the country distribution of its top) as outputs of the
/// indicator set.
pub fn quality_index(r: &Ranking) -> Vec<Output> {
    let json = serde_json::to_value(r).expect("rankings serialise");
    vec![
        Output {
            id: "T2".into(),
            file: "T2_quality_index".into(),
            part: PART_QUALITY,
            title: format!(
                "Quality index: companies with more than {} applications",
                r.min_applications
            ),
            // The notes say which dimensions were dropped and why, and how the eligibility
            // threshold was chosen when the data lowered it.
            definition: std::iter::once(format!("{} {}", r.definition, r.normalisation_definition))
                .chain(r.notes.iter().map(|n| format!("Note: {n}.")))
                .collect::<Vec<_>>()
                .join(" "),
            csv: r.to_csv(),
            json: Some(json),
        },
        Output {
            id: "F11".into(),
            file: "F11_top_countries".into(),
            part: PART_QUALITY,
            title: format!("Country distribution of the top {}", r.top),
            definition: r.f11_definition.to_string(),
            csv: r.countries_to_csv(),
            json: None,
        },
    ]
}
