//! The Parquet tables of a dataset: their columns (the contract documented in docs/SCHEMA.md)
//! and a small row-wise builder that turns records into Arrow batches.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int32Builder, StringBuilder,
    UInt32Builder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;

/// Column type of a dataset table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColType {
    /// UTF-8 string.
    Str,
    /// Signed 32-bit integer.
    I32,
    /// Unsigned 32-bit integer.
    U32,
    /// Date, stored as days since 1970-01-01 (Arrow Date32).
    Date,
    /// Boolean.
    Bool,
    /// 64-bit float.
    F64,
}

impl ColType {
    fn data_type(self) -> DataType {
        match self {
            ColType::Str => DataType::Utf8,
            ColType::I32 => DataType::Int32,
            ColType::U32 => DataType::UInt32,
            ColType::Date => DataType::Date32,
            ColType::Bool => DataType::Boolean,
            ColType::F64 => DataType::Float64,
        }
    }

    /// Name used in docs/SCHEMA.md.
    pub fn sql_name(self) -> &'static str {
        match self {
            ColType::Str => "string",
            ColType::I32 => "int32",
            ColType::U32 => "uint32",
            ColType::Date => "date32",
            ColType::Bool => "boolean",
            ColType::F64 => "float64",
        }
    }
}

/// A column: name, type, nullable, description.
pub type ColDef = (&'static str, ColType, bool, &'static str);

/// A table of the dataset.
pub struct TableDef {
    /// Name of the table, and stem of its file (`<name>.parquet`).
    pub name: &'static str,
    /// One-sentence description, as docs/SCHEMA.md and `patq schema` show it.
    pub about: &'static str,
    /// The columns, in file order.
    pub columns: &'static [ColDef],
}

use ColType::*;

/// The `applications` table: one row per application, sorted by key.
pub const APPLICATIONS: TableDef = TableDef {
    name: "applications",
    about: "One row per application (the counting unit), sorted by key.",
    columns: &[
        (
            "key",
            Str,
            false,
            "Application key: office + cleaned number, e.g. US14306158",
        ),
        (
            "office",
            Str,
            false,
            "Filing office (authority), e.g. US, CN, EP, WO",
        ),
        ("number", Str, false, "Cleaned application number"),
        (
            "kind",
            Str,
            true,
            "Application kind: A regular, W PCT, T translation, U utility model",
        ),
        ("filing_date", Date, true, "Filing date"),
        (
            "filing_year",
            I32,
            true,
            "Filing year (set when only the year is known)",
        ),
        (
            "ipr_type",
            Str,
            true,
            "PI invention, UM utility model, DE design, PL plant",
        ),
        ("is_pct", Bool, false, "PCT international application"),
        (
            "pct_key",
            Str,
            true,
            "Key of the PCT application a national phase entered from",
        ),
        (
            "receiving_office",
            Str,
            true,
            "Receiving office of a PCT filing",
        ),
        (
            "source_id",
            Str,
            true,
            "The source's own id (PATSTAT appln_id, Lens ID ...)",
        ),
        (
            "earliest_filing_id",
            Str,
            true,
            "Link to the earliest priority filing (source id space)",
        ),
        (
            "earliest_priority_date",
            Date,
            true,
            "Earliest priority date",
        ),
        (
            "is_priority_filing",
            Bool,
            true,
            "The application is itself a first filing",
        ),
        ("title", Str, true, "Title (English when available)"),
        ("abstract", Str, true, "Abstract"),
        ("claims", Str, true, "Claims text (capped)"),
        ("claims_count", U32, true, "Number of claims"),
        (
            "granted",
            Bool,
            true,
            "An invention granted: the source's flag or an invention-grant publication; null when the data cannot tell. False for a design patent, counted apart as utility models are: its grant is its publication (`grant_date`, publication class design)",
        ),
        (
            "granted_source",
            Bool,
            true,
            "Grant status as stated by the source (Lens Type, PATSTAT granted)",
        ),
        (
            "grant_date",
            Date,
            true,
            "Date of the first publication that grants a right: an invention grant, or a design patent's publication (its grant)",
        ),
        (
            "first_publication_date",
            Date,
            true,
            "Date of the first publication",
        ),
        (
            "legal_status",
            Str,
            true,
            "Legal status as worded by the source",
        ),
        (
            "docdb_family_id",
            Str,
            true,
            "DOCDB family id from the source",
        ),
        (
            "inpadoc_family_id",
            Str,
            true,
            "INPADOC family id from the source",
        ),
        (
            "simple_family_size",
            U32,
            true,
            "Simple family size per the source",
        ),
        (
            "extended_family_size",
            U32,
            true,
            "Extended family size per the source",
        ),
        (
            "cited_by_count",
            U32,
            true,
            "Forward citations as counted by the source",
        ),
        (
            "npl_citation_count",
            U32,
            true,
            "Non-patent literature references",
        ),
        (
            "source_file",
            U32,
            false,
            "Index into manifest sources of the first record",
        ),
        (
            "source_location",
            Str,
            false,
            "Location of the first record in its file",
        ),
    ],
};

/// The `publications` table: the publications of each application.
pub const PUBLICATIONS: TableDef = TableDef {
    name: "publications",
    about: "Publications of each application (A1, B2 ...).",
    columns: &[
        ("app_key", Str, false, "Application key"),
        ("office", Str, false, "Publishing office"),
        ("number", Str, false, "Cleaned publication number"),
        ("kind", Str, false, "Kind code"),
        ("date", Date, true, "Publication date"),
        (
            "class",
            Str,
            false,
            "application | grant | utility_model | design | other",
        ),
        ("source_id", Str, true, "Lens ID or other source id"),
    ],
};

/// The `parties` table: applicants, inventors and owners.
pub const PARTIES: TableDef = TableDef {
    name: "parties",
    about: "Applicants, inventors and owners as written in the source.",
    columns: &[
        ("app_key", Str, false, "Application key"),
        ("role", Str, false, "applicant | inventor | owner"),
        ("seq", U32, false, "Position in the source list, from 0"),
        ("name", Str, false, "Name as written"),
        (
            "country",
            Str,
            true,
            "Country code when the source gives it",
        ),
    ],
};

/// The `classes` table: class codes of each application.
pub const CLASSES: TableDef = TableDef {
    name: "classes",
    about: "Classification codes, CPC/IPC normalised to the H04L9/3236 form.",
    columns: &[
        ("app_key", Str, false, "Application key"),
        ("scheme", Str, false, "cpc | ipc | uspc | locarno"),
        ("code", Str, false, "Code"),
    ],
};

/// The `priorities` table: priority claims of each application.
pub const PRIORITIES: TableDef = TableDef {
    name: "priorities",
    about: "Priority claims: the earlier applications each application claims.",
    columns: &[
        ("app_key", Str, false, "Claiming application key"),
        ("seq", U32, false, "Position in the source list"),
        ("office", Str, false, "Office of the priority application"),
        ("number", Str, false, "Cleaned priority number"),
        ("kind", Str, true, "Kind of the priority application"),
        ("date", Date, true, "Priority date"),
        (
            "priority_key",
            Str,
            false,
            "Application key of the priority application",
        ),
    ],
};

/// The `citations` table: backward citations to patent publications.
pub const CITATIONS: TableDef = TableDef {
    name: "citations",
    about: "Backward citations to patent publications.",
    columns: &[
        ("app_key", Str, false, "Citing application key"),
        ("seq", U32, false, "Position in the source list"),
        ("office", Str, true, "Office of the cited publication"),
        ("number", Str, false, "Cleaned cited publication number"),
        ("kind", Str, true, "Kind code of the cited publication"),
        ("date", Date, true, "Date of the cited publication"),
        (
            "category",
            Str,
            true,
            "Search-report category (X, Y, A ...)",
        ),
        ("cited_by", Str, true, "examiner | applicant | other"),
        ("source_id", Str, true, "Source id of the cited document"),
    ],
};

/// The `family_members` table: family members as listed by the source.
pub const FAMILY_MEMBERS: TableDef = TableDef {
    name: "family_members",
    about: "Family members as listed by the source.",
    columns: &[
        ("app_key", Str, false, "Application key"),
        ("family", Str, false, "simple | extended"),
        ("member", Str, false, "Member publication, cleaned"),
        ("source_id", Str, true, "Source id of the member"),
    ],
};

/// The `legal_events` table: legal events of each application.
pub const LEGAL_EVENTS: TableDef = TableDef {
    name: "legal_events",
    about: "Legal events (INPADOC, EP register).",
    columns: &[
        ("app_key", Str, false, "Application key"),
        ("date", Date, true, "Event date"),
        ("code", Str, false, "Event code"),
        ("description", Str, true, "Event description"),
    ],
};

/// The `related` table: related documents of each application.
pub const RELATED: TableDef = TableDef {
    name: "related",
    about: "Related documents: continuations, divisions, PCT national-phase links.",
    columns: &[
        ("app_key", Str, false, "Application key"),
        (
            "relation",
            Str,
            false,
            "continuation, division, pct-371, provisional ...",
        ),
        ("office", Str, true, "Office"),
        ("number", Str, false, "Cleaned number"),
        ("date", Date, true, "Date"),
    ],
};

/// Every table, in the order they are written.
pub const ALL_TABLES: [&TableDef; 9] = [
    &APPLICATIONS,
    &PUBLICATIONS,
    &PARTIES,
    &CLASSES,
    &PRIORITIES,
    &CITATIONS,
    &FAMILY_MEMBERS,
    &LEGAL_EVENTS,
    &RELATED,
];

/// Derived facts per application, written by `patq sql --dataset DIR` (not by ingest) so that
/// SQL engines read patq's name harmonisation, company-country rule, families and citation
/// resolution instead of re-implementing them.
pub const APP_FACTS: TableDef = TableDef {
    name: "app_facts",
    about: "Derived, written by `patq sql --dataset DIR`: patq's per-application facts (harmonised \
group, company country, extended family, forward citations) for SQL engines. Not part of \
`manifest.json`; re-running `patq ingest` removes it.",
    columns: &[
        (
            "key",
            Str,
            false,
            "Application key (joins `applications.key`)",
        ),
        (
            "family",
            U32,
            false,
            "Extended (INPADOC-style) family id: connected component of priority, PCT, earliest-filing and source family-id links over the whole dataset",
        ),
        (
            "family_size",
            U32,
            false,
            "Size of the extended family as the figures count it: the largest size a member's source states (e.g. Lens Extended Family Size) or its members in the dataset, whichever is larger",
        ),
        (
            "applicant_group",
            Str,
            true,
            "Corporate group of the first applicant, else first owner: entities joined by the alias file (profiles/aliases.toml); what company figures count",
        ),
        (
            "applicant_entity",
            Str,
            true,
            "Entity of the same applicant: its normalised legal name (legal forms, punctuation, abbreviations, person word order; crates/enrich/src/entity.rs)",
        ),
        (
            "applicant_kind",
            Str,
            true,
            "person or organisation, for the same applicant (from the name: legal-form and institution words, name shape)",
        ),
        (
            "country",
            Str,
            true,
            "Company country; null when no rule found one (reported as UNKNOWN)",
        ),
        ("country_rule", Str, false, "Rule that gave the country"),
        (
            "cited_by",
            U32,
            true,
            "Forward citations by `citation_method`; null when not available",
        ),
        (
            "cited_by_family",
            U32,
            true,
            "Distinct other extended families citing the family (citation lists only)",
        ),
        (
            "cited_by_excl_self",
            U32,
            true,
            "Forward citations from other harmonised groups (citation lists with applicants only)",
        ),
        (
            "cohort_index",
            F64,
            true,
            "cited_by / mean cited_by of the cohort (filing year x CPC, else IPC, section)",
        ),
        (
            "core",
            Bool,
            true,
            "Underlying-technology patent by the shipped taxonomy; null without classes, title or abstract",
        ),
        (
            "citation_method",
            Str,
            false,
            "citation lists | source cited-by count | not available (same on every row)",
        ),
    ],
};

/// Tables derived from the dataset by patq rather than read from the sources.
pub const DERIVED_TABLES: [&TableDef; 1] = [&APP_FACTS];

impl TableDef {
    /// The table's Arrow schema.
    pub fn schema(&self) -> SchemaRef {
        Arc::new(Schema::new(
            self.columns
                .iter()
                .map(|(n, t, null, _)| Field::new(*n, t.data_type(), *null))
                .collect::<Vec<_>>(),
        ))
    }

    /// Name of the table's file in the dataset directory, `<name>.parquet`.
    pub fn file_name(&self) -> String {
        format!("{}.parquet", self.name)
    }
}

enum Col {
    Str(StringBuilder),
    I32(Int32Builder),
    U32(UInt32Builder),
    Date(Date32Builder),
    Bool(BooleanBuilder),
    F64(Float64Builder),
}

/// Builds one table row by row: each row sets every column in schema order.
pub struct RowBuilder {
    def: &'static TableDef,
    cols: Vec<Col>,
    next: usize,
    rows: usize,
}

fn days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

impl RowBuilder {
    /// An empty builder of the table `def`.
    pub fn new(def: &'static TableDef) -> RowBuilder {
        let cols = def
            .columns
            .iter()
            .map(|(_, t, _, _)| match t {
                Str => Col::Str(StringBuilder::new()),
                I32 => Col::I32(Int32Builder::new()),
                U32 => Col::U32(UInt32Builder::new()),
                Date => Col::Date(Date32Builder::new()),
                Bool => Col::Bool(BooleanBuilder::new()),
                F64 => Col::F64(Float64Builder::new()),
            })
            .collect();
        RowBuilder {
            def,
            cols,
            next: 0,
            rows: 0,
        }
    }

    fn col(&mut self) -> &mut Col {
        let i = self.next;
        self.next += 1;
        &mut self.cols[i]
    }

    /// Sets the row's next column, a string column (panics otherwise), `None` as null.
    pub fn str(&mut self, v: Option<&str>) -> &mut Self {
        match self.col() {
            Col::Str(b) => b.append_option(v),
            _ => panic!("column type mismatch in {}", self.def.name),
        }
        self
    }

    /// Sets the row's next column, a 32-bit integer column (panics otherwise), `None` as null.
    pub fn i32(&mut self, v: Option<i32>) -> &mut Self {
        match self.col() {
            Col::I32(b) => b.append_option(v),
            _ => panic!("column type mismatch in {}", self.def.name),
        }
        self
    }

    /// Sets the row's next column, a unsigned 32-bit integer column (panics otherwise), `None` as null.
    pub fn u32(&mut self, v: Option<u32>) -> &mut Self {
        match self.col() {
            Col::U32(b) => b.append_option(v),
            _ => panic!("column type mismatch in {}", self.def.name),
        }
        self
    }

    /// Sets the row's next column, a date column (panics otherwise), `None` as null.
    pub fn date(&mut self, v: Option<NaiveDate>) -> &mut Self {
        match self.col() {
            Col::Date(b) => b.append_option(v.map(days)),
            _ => panic!("column type mismatch in {}", self.def.name),
        }
        self
    }

    /// Sets the row's next column, a boolean column (panics otherwise), `None` as null.
    pub fn bool(&mut self, v: Option<bool>) -> &mut Self {
        match self.col() {
            Col::Bool(b) => b.append_option(v),
            _ => panic!("column type mismatch in {}", self.def.name),
        }
        self
    }

    /// Sets the row's next column, a 64-bit float column (panics otherwise), `None` as null.
    pub fn f64(&mut self, v: Option<f64>) -> &mut Self {
        match self.col() {
            Col::F64(b) => b.append_option(v),
            _ => panic!("column type mismatch in {}", self.def.name),
        }
        self
    }

    /// Closes the current row; every column must have been set exactly once.
    pub fn end_row(&mut self) {
        assert_eq!(
            self.next,
            self.cols.len(),
            "row of {} sets {} of {} columns",
            self.def.name,
            self.next,
            self.cols.len()
        );
        self.next = 0;
        self.rows += 1;
    }

    /// Rows built since the last [`RowBuilder::finish`].
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Takes the rows built so far as a batch and starts afresh.
    pub fn finish(&mut self) -> Result<RecordBatch, arrow::error::ArrowError> {
        let arrays: Vec<ArrayRef> = self
            .cols
            .iter_mut()
            .map(|c| -> ArrayRef {
                match c {
                    Col::Str(b) => Arc::new(b.finish()),
                    Col::I32(b) => Arc::new(b.finish()),
                    Col::U32(b) => Arc::new(b.finish()),
                    Col::Date(b) => Arc::new(b.finish()),
                    Col::Bool(b) => Arc::new(b.finish()),
                    Col::F64(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        self.rows = 0;
        RecordBatch::try_new(self.def.schema(), arrays)
    }
}

/// Converts Arrow's Date32 day number back to a date.
pub fn from_days(d: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + chrono::Duration::days(d as i64)
}
