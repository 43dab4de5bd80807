//! Renders patq's indicator results as what a reader receives: one self-contained
//! `report.html` (inline CSS and SVG charts, no network), `report.xlsx` (one sheet per table)
//! and every table as CSV and JSON.
//!
//! The report is built from [`Figure`]s: each carries the indicator's own CSV (the same bytes
//! `patq indicators` writes), its definition and a [`ChartSpec`] saying which columns to draw,
//! so the chart, the accessible table, the workbook and the CSV always show the same numbers.
//!
//! ```
//! use patq_report::{ChartSpec, Figure, Meta, Report};
//!
//! let figure = Figure {
//!     id: "F2_grants_by_country".into(),
//!     part: "Countries".into(),
//!     title: "Applications and grants by applicant country".into(),
//!     definition: "F2: applications and grants by the applicant's country.".into(),
//!     csv: "country,applications,grants\nUS,120,80\nCN,90,30\nWORLD,210,110\n".into(),
//!     json: None,
//!     chart: Some(ChartSpec::bars("country", &["applications", "grants"])),
//! };
//! let report = Report {
//!     meta: Meta {
//!         title: "Example landscape".into(),
//!         synthetic: true,
//!         facts: vec![("applications".into(), "210".into())],
//!         generator: "patq doc example".into(),
//!     },
//!     figures: vec![figure],
//! };
//! let out = std::env::temp_dir().join(format!("patq-report-doc-{}", std::process::id()));
//! let written = report.write(&out)?;
//! assert_eq!((written.figures, written.charts, written.unavailable), (1, 1, 0));
//! let html = std::fs::read_to_string(&written.html)?;
//! assert!(html.contains("<svg") && html.contains("SYNTHETIC"));
//! assert!(out.join("tables/F2_grants_by_country.csv").is_file());
//! # std::fs::remove_dir_all(&out)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod assemble;
pub mod chart;
pub mod html;
pub mod svg;
pub mod table;
pub mod xlsx;

use std::path::{Path, PathBuf};

use patq_store::atomic::write_file;
use serde::Serialize;

pub use chart::ChartSpec;
pub use table::{Cell, Table};

/// What can go wrong while rendering.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("figure {figure}: bad table: {message}")]
    Table { figure: String, message: String },
    #[error("figure {figure}: chart column {column:?} is not in the table")]
    ChartColumn { figure: String, column: String },
    #[error("rendering the HTML: {0}")]
    Template(#[from] minijinja::Error),
    #[error("writing the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("writing {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] patq_store::StoreError),
    #[error("serialising JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// One figure or table of the report.
#[derive(Clone, Debug)]
pub struct Figure {
    /// Short id (`F2`, `T1`, `P-ant-group`), also the file name of its tables.
    pub id: String,
    /// Which part of the report it belongs to (headings group figures in this order).
    pub part: String,
    pub title: String,
    /// The definition the indicator carries, shown under the title.
    pub definition: String,
    /// The indicator's CSV: the table shown, written to tables/<id>.csv and the workbook.
    pub csv: String,
    /// The indicator's JSON result, written to tables/<id>.json when present.
    pub json: Option<serde_json::Value>,
    pub chart: Option<ChartSpec>,
}

/// Facts about the run shown in the report's header (dataset, filters, counts).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Meta {
    pub title: String,
    /// True when the data was generated: every page then says SYNTHETIC.
    pub synthetic: bool,
    /// (label, value) lines such as dataset path, sources, filters, applications selected.
    pub facts: Vec<(String, String)>,
    /// Generator line (`patq 0.1.0`); no timestamp, so re-runs are byte-identical.
    pub generator: String,
}

/// A report ready to write.
#[derive(Clone, Debug)]
pub struct Report {
    pub meta: Meta,
    pub figures: Vec<Figure>,
}

/// What [`Report::write`] produced.
#[derive(Clone, Debug, Serialize)]
pub struct Written {
    pub html: PathBuf,
    pub xlsx: PathBuf,
    pub tables: Vec<PathBuf>,
    pub figures: usize,
    pub charts: usize,
    pub unavailable: usize,
}

impl Report {
    /// Writes the marker `.patq-report`, `report.html`, `report.xlsx` and
    /// `tables/<id>.csv|json` under `out`, each file atomically (temp file + rename).
    pub fn write(&self, out: &Path) -> Result<Written, ReportError> {
        // The marker first, so that even a partly written report (or its staging) proves
        // itself patq's.
        std::fs::create_dir_all(out).map_err(|source| ReportError::Io {
            path: out.to_path_buf(),
            source,
        })?;
        let marker = out.join(patq_store::atomic::REPORT_MARKER);
        write_file(&marker, patq_store::atomic::REPORT_MARKER_TEXT)?;
        let tables_dir = out.join("tables");
        std::fs::create_dir_all(&tables_dir).map_err(|source| ReportError::Io {
            path: tables_dir.clone(),
            source,
        })?;
        let rendered = html::render(self)?;
        let html_path = out.join("report.html");
        write_file(&html_path, rendered.html.as_bytes())?;
        let xlsx_path = out.join("report.xlsx");
        write_file(&xlsx_path, &xlsx::workbook(self)?)?;
        let mut tables = Vec::new();
        for f in &self.figures {
            let p = tables_dir.join(format!("{}.csv", f.id));
            write_file(&p, f.csv.as_bytes())?;
            tables.push(p);
            if let Some(j) = &f.json {
                let p = tables_dir.join(format!("{}.json", f.id));
                let mut bytes = serde_json::to_vec_pretty(j)?;
                bytes.push(b'\n');
                write_file(&p, &bytes)?;
                tables.push(p);
            }
        }
        Ok(Written {
            html: html_path,
            xlsx: xlsx_path,
            tables,
            figures: self.figures.len(),
            charts: rendered.charts,
            unavailable: rendered.unavailable,
        })
    }
}
