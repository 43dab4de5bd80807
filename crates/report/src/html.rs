//! The single-file HTML report: a minijinja template with inline CSS, one section per figure
//! with its definition, SVG chart, accessible data table and "not available" panel.

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;

use crate::svg;
use crate::table::{Table, Unavailable};
use crate::{Report, ReportError};

const TEMPLATE: &str = include_str!("../templates/report.html");

/// Tables longer than this start collapsed so the page stays readable.
const OPEN_ROWS: usize = 30;

#[derive(Serialize)]
struct FigureView {
    id: String,
    anchor: String,
    title: String,
    definition: String,
    svg: Option<String>,
    columns: Vec<String>,
    rows: Vec<Vec<CellView>>,
    open: bool,
    unavailable: Vec<Unavailable>,
}

#[derive(Serialize)]
struct CellView {
    text: String,
    numeric: bool,
    /// The full reason when `text` is the short "n/a" of a not-available cell.
    note: Option<String>,
}

#[derive(Serialize)]
struct PartView {
    name: String,
    figures: Vec<FigureView>,
}

/// The rendered page and what it holds.
pub struct Rendered {
    pub html: String,
    pub charts: usize,
    /// Figures with at least one "not available" panel.
    pub unavailable: usize,
}

fn anchor(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Renders the whole report as one HTML string.
pub fn render(report: &Report) -> Result<Rendered, ReportError> {
    let mut parts: Vec<PartView> = Vec::new();
    let (mut charts, mut unavailable) = (0, 0);
    for f in &report.figures {
        let table = Table::from_csv(&f.id, &f.csv)?;
        let svg = match &f.chart {
            Some(spec) => svg::render(&spec.build(&f.id, &f.title, &table)?),
            None => None,
        };
        charts += usize::from(svg.is_some());
        let display = |c: &str| c.replace('_', " ");
        let columns: Vec<String> = table.columns.iter().map(|c| display(c)).collect();
        let mut notes = table.unavailable();
        for n in &mut notes {
            n.columns = n.columns.iter().map(|c| display(c)).collect();
        }
        unavailable += usize::from(!notes.is_empty());
        let view = FigureView {
            id: f.id.clone(),
            anchor: anchor(&f.id),
            title: f.title.clone(),
            definition: f.definition.clone(),
            svg,
            open: table.rows.len() <= OPEN_ROWS,
            rows: table
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| {
                            let text = c.display();
                            // The panel above the table says why; repeating the sentence in
                            // every cell buries the numbers that are there.
                            if text.starts_with("not available") {
                                CellView {
                                    text: "n/a".into(),
                                    numeric: false,
                                    note: Some(text),
                                }
                            } else {
                                CellView {
                                    numeric: c.as_f64().is_some(),
                                    text,
                                    note: None,
                                }
                            }
                        })
                        .collect()
                })
                .collect(),
            columns,
            unavailable: notes,
        };
        match parts.iter_mut().find(|p| p.name == f.part) {
            Some(p) => p.figures.push(view),
            None => parts.push(PartView {
                name: f.part.clone(),
                figures: vec![view],
            }),
        }
    }
    let mut env = Environment::new();
    env.add_template("report.html", TEMPLATE)?;
    let html = env.get_template("report.html")?.render(context! {
        meta => Value::from(Serde(&report.meta)),
        parts => Value::from(Serde(&parts)),
    })?;
    Ok(Rendered {
        html,
        charts,
        unavailable,
    })
}
