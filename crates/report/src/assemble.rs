//! Turns the typed indicator results into report figures — the suite's tables plus the quality
//! index (T2, F11), each with its default chart — so `patq report` and the `patq serve`
//! dashboard assemble exactly the same list.

use patq_indicators::registry;
use patq_indicators::suite::Output;
use patq_rank::Ranking;

use crate::Figure;
use crate::chart::default_chart;

/// The report part T2 and F11 belong to.
pub use patq_indicators::registry::PART_QUALITY;

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
    let (min, top) = (r.min_applications.to_string(), r.top.to_string());
    [
        output(
            &registry::T2,
            &[("min", &min)],
            // The notes say which dimensions were dropped and why, and how the eligibility
            // threshold was chosen when the data lowered it.
            std::iter::once(format!("{} {}", r.definition, r.normalisation_definition))
                .chain(r.notes.iter().map(|n| format!("Note: {n}.")))
                .collect::<Vec<_>>()
                .join(" "),
            r.to_csv(),
            Some(json),
        ),
        output(
            &registry::F11,
            &[("top", &top)],
            r.f11_definition.to_string(),
            r.countries_to_csv(),
            None,
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The output of a one-table figure computed outside the suite.
fn output(
    f: &registry::Figure,
    vars: &[(&str, &str)],
    definition: String,
    csv: String,
    json: Option<serde_json::Value>,
) -> Option<Output> {
    let t = f.tables.first()?;
    Some(Output {
        id: f.id.into(),
        file: t.file.into(),
        part: f.part,
        title: t.title(vars),
        definition,
        csv,
        json,
    })
}
