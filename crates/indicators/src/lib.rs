//! The figures and tables of METHODOLOGY.md computed over a set of applications: each one a
//! typed result that serialises to JSON and CSV and carries its own definition text.
//!
//! Build a [`Corpus`] once (families, harmonised applicants, company countries, grant and
//! citation evidence), pick applications with [`Filters`], then call one module per figure.
//! Where the data lacks a field a figure needs, the result says so through
//! [`Availability::NotAvailable`] rather than printing zeros.

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
pub mod scenarios;
pub mod sql;
pub mod suite;
pub mod table;
pub mod top_company_trend;
pub mod trend;

pub use corpus::{AppInfo, CitationMethod, Corpus, Filters, RecordFacts, UNKNOWN_COUNTRY};
pub use dataset::{Cores, Dataset, read_cores, stored_citation_graph};
pub use table::{Availability, rate};
