//! The figures and tables of METHODOLOGY.md computed over a set of applications: each one a
//! typed result that serialises to JSON and CSV and carries its own definition text.
//!
//! Build a [`Corpus`] once (families, harmonised applicants, company countries, grant and
//! citation evidence), pick applications with [`Filters`], then call one module per figure.
//! Where the data lacks a field a figure needs, the result says so through
//! [`Availability::NotAvailable`] rather than printing zeros.
//!
//! Every figure is declared once in [`registry::FIGURES`]: its id, tables (file stems), report
//! part, titles, definition, charts, drill-down rules and SQL. The suite, `patq sql`, the
//! report and the dashboard look figures up there rather than naming them.
//!
//! # Adding a figure
//!
//! 1. Write one module, `src/my_figure.rs`, with a `pub const DEFINITION: &str` (the text
//!    readers see, starting with the figure id) and a `compute` function returning a typed,
//!    `Serialize` result with a `to_csv` method. Declare it in this file.
//! 2. Add one entry to `src/registry.rs`: a `pub const` [`registry::Figure`] naming the id,
//!    the report part, `my_figure::DEFINITION` and each table with its file stem and title
//!    (a template such as `"... of {focus}"` when the title depends on the options), and
//!    optionally its chart, drill-down rule, SQL builder (a function in [`sql`]) and, with
//!    `.explains(&[...])`, the `patq explain` specs its numbers take; then list it in
//!    [`registry::FIGURES`] at its place in report order.
//! 3. In [`suite`], compute the result and hand its tables to the entry:
//!    `push(&mut v, &registry::MY, &[], [(r.to_csv(), json(&r))])`.
//!
//! Nothing else names the figure. `patq indicators` writes its tables, `patq report` and the
//! dashboard draw its chart and offer its drill-downs, and `patq sql` prints its query, all
//! from the registry entry, and `patq explain` lists its specs in its help and errors; only a
//! new kind of spec also touches [`explain`], which parses specs into predicates. The
//! registry's tests then check that ids and file stems are unique, that the suite writes
//! exactly the registered tables in registry order, that every chart and drill-down column
//! exists in the table the suite computes, that every drill-down template fills in to a spec
//! [`explain`] accepts, that every listed explain form parses to its own figure, and that the
//! figures [`coverage::FIELDS`] names are registered.

#![warn(missing_docs)]

pub mod citation_bands;
pub mod citations;
pub mod company_profile;
pub mod company_size_bands;
pub mod corpus;
pub mod coverage;
pub mod dataset;
pub mod explain;
pub mod families;
pub mod family_size_bands;
pub mod first_filings;
pub mod grants_by_country;
pub mod industries;
pub mod international;
pub mod international_offices;
pub mod office_grant_trend;
mod par;
pub mod registry;
pub mod scenarios;
pub mod sql;
pub mod suite;
pub mod table;
pub mod top_company_trend;
pub mod trend;

pub use corpus::{AppInfo, CitationMethod, Corpus, Filters, RecordFacts, UNKNOWN_COUNTRY};
pub use dataset::{Cores, Dataset, read_cores, stored_citation_graph};
pub use table::{Availability, rate};
