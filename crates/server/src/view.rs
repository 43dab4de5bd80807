//! The JSON the page draws from: each figure as the report shows it (title, definition, SVG
//! chart, table, not-available notes) plus the drill-downs — which table cells and bars map
//! to an `explain` spec, and with which extra filters.

use std::collections::BTreeMap;

use patq_indicators::registry::{self, Drill as Rule, Scope};
use patq_indicators::suite::Output;
use patq_report::{Table, assemble, svg};
use serde::Serialize;

use crate::params::Selection;
use crate::state::{Computed, Dashboard};

/// The row label of world totals.
const WORLD: &str = "WORLD";

/// One figure on the page.
#[derive(Clone, Debug, Serialize)]
pub struct FigureView {
    /// Figure id as METHODOLOGY.md names it (`F2`, `T1`).
    pub id: String,
    /// Table name (`F2_grants_by_country`): anchor, download and drill-down key.
    pub file: String,
    pub part: String,
    pub title: String,
    pub definition: String,
    pub svg: Option<String>,
    /// The table column that gives the chart's categories (bars are matched to rows by it).
    pub chart_label: Option<String>,
    pub columns: Vec<String>,
    /// Cells as the report displays them (integers plain, fractions to 4 decimals).
    pub rows: Vec<Vec<String>>,
    pub unavailable: Vec<String>,
    pub drill: Vec<Drill>,
    /// True for figures computed once on all applications (T2, F11).
    pub ignores_filters: bool,
    pub has_json: bool,
}

/// A table cell whose number `patq explain` can list: the spec, plus filters narrowing the
/// current selection to the cell's row (its country, industry or company).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Drill {
    pub row: usize,
    pub col: usize,
    pub spec: String,
    pub set: BTreeMap<&'static str, String>,
}

/// The whole `GET /api/figures` answer.
#[derive(Clone, Debug, Serialize)]
pub struct FiguresView {
    pub selection: Selection,
    pub describe: String,
    pub selected: usize,
    pub applications: usize,
    pub synthetic: bool,
    pub f7_office: Option<String>,
    pub focus_country: Option<String>,
    pub figures: Vec<FigureView>,
}

/// Sets `key` to `value` unless the selection already filters on it (a row under an equal
/// filter needs nothing more; under a different one the row is not a subset of the selection
/// the page shows, so no drill-down is offered).
fn narrow(
    set: &mut BTreeMap<&'static str, String>,
    current: Option<&String>,
    key: &'static str,
    value: &str,
) -> bool {
    match current {
        Some(c) => c == value,
        None => {
            set.insert(key, value.to_string());
            true
        }
    }
}

/// The drill-downs of one table under selection `s`.
pub fn drills(d: &Dashboard, c: &Computed, file: &str, t: &Table) -> Vec<Drill> {
    let Some(Rule {
        label,
        scope,
        columns: cols,
    }) = registry::by_file(file).and_then(|(_, t)| t.drill)
    else {
        return Vec::new();
    };
    let s = &c.selection;
    let Some(li) = t.column(label) else {
        return Vec::new();
    };
    let yi = t.column("year");
    let mut out = Vec::new();
    for (r, row) in t.rows.iter().enumerate() {
        let lab = row[li].display();
        let mut set = BTreeMap::new();
        let ok = match scope {
            Scope::Country => lab == WORLD || narrow(&mut set, s.country.as_ref(), "country", &lab),
            Scope::World => lab == WORLD,
            Scope::Plain => true,
            Scope::Industry => {
                d.known.industries.contains(&lab)
                    && narrow(&mut set, s.industry.as_ref(), "industry", &lab)
            }
            Scope::Company => narrow(&mut set, s.company.as_ref(), "company", &lab),
            Scope::FocusCompany => {
                narrow(&mut set, s.company.as_ref(), "company", &lab)
                    && c.focus_country
                        .as_ref()
                        .is_some_and(|f| narrow(&mut set, s.country.as_ref(), "country", f))
            }
        };
        if !ok {
            continue;
        }
        for &(col, template) in cols {
            let Some(ci) = t.column(col) else { continue };
            // Nothing to list behind an empty or not-available cell.
            if row[ci].as_f64().is_none() {
                continue;
            }
            let year = yi.map(|y| row[y].display()).unwrap_or_default();
            out.push(Drill {
                row: r,
                col: ci,
                spec: template
                    .replace("{label}", &lab)
                    .replace("{year}", &year)
                    .replace("{col}", col),
                set: set.clone(),
            });
        }
    }
    out
}

/// One output as the page shows it.
pub fn figure(
    d: &Dashboard,
    c: &Computed,
    o: &Output,
) -> Result<FigureView, patq_report::ReportError> {
    let f = assemble::figure(o.clone());
    let table = Table::from_csv(&f.id, &f.csv)?;
    let svg = match &f.chart {
        Some(spec) => svg::render(&spec.build(&f.id, &f.title, &table)?),
        None => None,
    };
    Ok(FigureView {
        id: o.id.clone(),
        drill: drills(d, c, &o.file, &table),
        ignores_filters: d.ignores_filters(&o.file),
        file: o.file.clone(),
        part: f.part,
        title: f.title,
        definition: f.definition,
        chart_label: svg.as_ref().and_then(|_| f.chart.map(|s| s.label)),
        svg,
        unavailable: table.unavailable_notes(),
        columns: table.columns.clone(),
        rows: table
            .rows
            .iter()
            .map(|r| r.iter().map(|x| x.display()).collect())
            .collect(),
        has_json: f.json.is_some(),
    })
}

/// Every figure of a computed selection.
pub fn figures(d: &Dashboard, c: &Computed) -> Result<FiguresView, patq_report::ReportError> {
    Ok(FiguresView {
        selection: c.selection.clone(),
        describe: c.selection.describe(),
        selected: c.sel.len(),
        applications: d.corpus.records.len(),
        synthetic: d.meta.synthetic,
        f7_office: c.f7_office.clone(),
        focus_country: c.focus_country.clone(),
        figures: c
            .outputs
            .iter()
            .map(|o| figure(d, c, o))
            .collect::<Result<_, _>>()?,
    })
}

/// A table's JSON download: the indicator's typed result, or for companion tables that exist
/// only as CSV, the rows as objects keyed by column (values as the CSV writes them).
pub fn table_json(o: &Output) -> Result<serde_json::Value, csv::Error> {
    if let Some(j) = &o.json {
        return Ok(j.clone());
    }
    let mut rdr = csv::Reader::from_reader(o.csv.as_bytes());
    let header: Vec<String> = rdr.headers()?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec?;
        let obj: serde_json::Map<String, serde_json::Value> = header
            .iter()
            .cloned()
            .zip(rec.iter().map(|v| serde_json::Value::String(v.to_string())))
            .collect();
        rows.push(serde_json::Value::Object(obj));
    }
    Ok(serde_json::json!({ "table": o.file, "definition": o.definition, "rows": rows }))
}
