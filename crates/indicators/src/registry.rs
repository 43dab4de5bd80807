//! The figure registry: every figure patq computes declares here, once, its id, tables (file
//! stems), report part, titles, definition, charts, drill-down rules and SQL, so the suite, the
//! report, the dashboard and `patq sql` look names up instead of spelling them.

use crate::sql::{self, BadParam, Params};
use crate::{
    citation_bands, citations, company_profile, company_size_bands, coverage, families,
    family_size_bands, first_filings, grants_by_country, industries, international,
    international_offices, office_grant_trend, scenarios, top_company_trend, trend,
};

/// Which code computes a figure's tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// [`crate::suite::compute`].
    Suite,
    /// [`crate::coverage::Coverage::output`]: the data-quality view shown first.
    Coverage,
    /// patq-rank's quality index, turned into outputs by patq-report.
    Rank,
}

/// One figure of METHODOLOGY.md: an id and the tables it writes, in report order.
#[derive(Clone, Copy, Debug)]
pub struct Figure {
    /// Figure id as METHODOLOGY.md names it (`F2`, `T1`, `F13-17`, `P`); unique.
    pub id: &'static str,
    /// Report part the figure belongs to (headings group figures in this order).
    pub part: &'static str,
    /// The definition every table of the figure carries; None when the computing crate writes
    /// it at run time (patq-rank's depends on the profile's dimensions and threshold).
    pub definition: Option<&'static str>,
    /// Which code computes the figure's tables.
    pub source: Source,
    /// The main table first, then companion tables.
    pub tables: &'static [TableDef],
    /// The specs `patq explain` takes for the figure's numbers; empty when it takes none.
    pub explain: &'static [ExplainForm],
}

/// One form of spec `patq explain` takes for a figure, as its help and error texts list it.
/// [`crate::explain`] parses the specs; the registry's tests check that every form parses.
#[derive(Clone, Copy, Debug)]
pub struct ExplainForm {
    /// The spec as typed, `<year>`, `<band>` or `<office>` standing for a value, `[...]` for an
    /// optional part, `, ` between equivalent spellings.
    pub form: &'static str,
    /// The applications it lists.
    pub lists: &'static str,
    /// The bands `<band>` takes, as (low, high) application or citation counts (None: open);
    /// empty without `<band>`.
    pub bands: &'static [(u64, Option<u64>)],
}

/// A form without bands.
const fn form(form: &'static str, lists: &'static str) -> ExplainForm {
    ExplainForm {
        form,
        lists,
        bands: &[],
    }
}

/// A form whose `<band>` takes one of `bands`.
const fn banded(
    form: &'static str,
    lists: &'static str,
    bands: &'static [(u64, Option<u64>)],
) -> ExplainForm {
    ExplainForm { form, lists, bands }
}

/// One table of a figure.
#[derive(Clone, Copy, Debug)]
pub struct TableDef {
    /// File stem (`F2_grants_by_country`), unique over the registry.
    pub file: &'static str,
    /// Title, or a template whose `{name}` parts [`TableDef::title`] fills in.
    pub title: &'static str,
    /// The chart the report and the dashboard draw; None for tables shown only as tables.
    pub chart: Option<Chart>,
    /// Which cells of the dashboard's table link to a `patq explain` listing.
    pub drill: Option<Drill>,
    /// The table as a query of `patq sql`.
    pub sql: Option<Sql>,
}

/// How a table is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Bars side by side, one group of bars per category.
    Bars,
    /// The series stacked into one bar per category.
    StackedBars,
    /// One line per series across the categories (years).
    Lines,
}

/// Which columns of a table become its chart (patq-report turns this into its `ChartSpec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chart {
    /// How the chart is drawn.
    pub kind: ChartKind,
    /// Column giving the categories (x axis, or the bars' labels).
    pub label: &'static str,
    /// Columns drawn as series.
    pub series: &'static [&'static str],
    /// Long tables: one series per distinct value of `pivot.0`, values from `pivot.1`.
    pub pivot: Option<(&'static str, &'static str)>,
    /// Category labels left out of the chart (e.g. the WORLD total row).
    pub skip: &'static [&'static str],
    /// Draw at most this many categories.
    pub limit: Option<usize>,
    /// With `limit`, a table longer than the limit draws its rows with the largest values of
    /// this column (in table order) rather than its first rows: a table grouped by industry
    /// with hundreds of rows would otherwise chart only its first industries.
    pub largest: Option<&'static str>,
    /// Values are fractions shown as percentages.
    pub percent: bool,
}

/// Bars of `series` columns by `label`, skipping the WORLD row.
const fn bars(label: &'static str, series: &'static [&'static str]) -> Chart {
    Chart {
        kind: ChartKind::Bars,
        label,
        series,
        pivot: None,
        skip: &["WORLD"],
        limit: None,
        largest: None,
        percent: false,
    }
}

/// Lines of `series` columns over `label`.
const fn lines(label: &'static str, series: &'static [&'static str]) -> Chart {
    Chart {
        kind: ChartKind::Lines,
        ..bars(label, series)
    }
}

impl Chart {
    const fn largest(self, column: &'static str) -> Chart {
        Chart {
            largest: Some(column),
            ..self
        }
    }

    const fn stacked(self) -> Chart {
        Chart {
            kind: ChartKind::StackedBars,
            ..self
        }
    }

    const fn percent(self) -> Chart {
        Chart {
            percent: true,
            ..self
        }
    }

    const fn limit(self, n: usize) -> Chart {
        Chart {
            limit: Some(n),
            ..self
        }
    }

    const fn pivot(self, by: &'static str, value: &'static str) -> Chart {
        Chart {
            pivot: Some((by, value)),
            ..self
        }
    }

    const fn skip(self, labels: &'static [&'static str]) -> Chart {
        Chart {
            skip: labels,
            ..self
        }
    }

    /// Every column the chart reads.
    pub fn columns(&self) -> Vec<&'static str> {
        let mut v = vec![self.label];
        match self.pivot {
            Some((by, value)) => v.extend([by, value]),
            None => v.extend(self.series.iter().copied()),
        }
        v
    }
}

/// What a row of a table stands for, and so which filter its drill-downs add.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Rows are company countries; the WORLD row adds nothing.
    Country,
    /// Only the WORLD row: per-country rows count families or companies by a representative
    /// (or size a company by all its applications), which a country filter on applications
    /// does not reproduce.
    World,
    /// Rows are years or bands: the spec takes the row label, no filter is added.
    Plain,
    /// Rows are taxonomy industries.
    Industry,
    /// Rows are companies (harmonised groups).
    Company,
    /// Rows are companies of the focus country (F12).
    FocusCompany,
}

/// Drill-down rule of a table: which cells map to an `explain` spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Drill {
    /// Column giving the row's label.
    pub label: &'static str,
    /// What a row stands for, and so which filter its drill-downs add.
    pub scope: Scope,
    /// (column, spec template) pairs: in a template `{label}` is the row's label, `{year}` its
    /// year column, `{col}` the column name.
    pub columns: &'static [(&'static str, &'static str)],
}

/// A table as SQL over the dataset's Parquet layout (see [`crate::sql`]).
#[derive(Clone, Copy, Debug)]
pub struct Sql {
    /// One line on what the query returns.
    pub about: &'static str,
    /// Builds the query from the script's parameters; fails on a parameter that is not a plain
    /// code.
    pub build: fn(&Params) -> Result<String, BadParam>,
}

/// Report part of the field-coverage view (DQ), shown first.
pub const PART_DATA_QUALITY: &str = "Data quality";
/// Report part of the country figures: F2, F3, F4, F9.
pub const PART_COUNTRIES: &str = "Countries: applications, grants, families, citations";
/// Report part of the yearly and company figures: F6, F7, T1, F12.
pub const PART_TRENDS: &str = "Trends and companies";
/// Report part of the international filings and families: F5, F8, F18, F10.
pub const PART_FAMILIES: &str = "International filings and families";
/// Report part of the taxonomy figures: T3, F13-17.
pub const PART_INDUSTRIES: &str = "Industries and scenarios";
/// Report part of the company profiles: P.
pub const PART_PROFILES: &str = "Company profiles";
/// Report part of patq-rank's quality index: T2, F11.
pub const PART_QUALITY: &str = "Quality index";

/// Appended to F7's title (`{busiest}`) when the office was not chosen.
pub const BUSIEST_OFFICE_NOTE: &str =
    " (the office with most applications; --grant-office chooses another)";

const fn table(file: &'static str, title: &'static str) -> TableDef {
    TableDef {
        file,
        title,
        chart: None,
        drill: None,
        sql: None,
    }
}

impl TableDef {
    const fn chart(self, chart: Chart) -> TableDef {
        TableDef {
            chart: Some(chart),
            ..self
        }
    }

    const fn drill(
        self,
        label: &'static str,
        scope: Scope,
        columns: &'static [(&'static str, &'static str)],
    ) -> TableDef {
        TableDef {
            drill: Some(Drill {
                label,
                scope,
                columns,
            }),
            ..self
        }
    }

    const fn sql(
        self,
        about: &'static str,
        build: fn(&Params) -> Result<String, BadParam>,
    ) -> TableDef {
        TableDef {
            sql: Some(Sql { about, build }),
            ..self
        }
    }

    /// The title with every `{name}` of the template replaced by its value in `vars`; names
    /// not in `vars` stay as written. One pass, so a value is never read as a template.
    pub fn title(&self, vars: &[(&str, &str)]) -> String {
        let mut out = String::with_capacity(self.title.len());
        let mut rest = self.title;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open..];
            let value = after.find('}').and_then(|close| {
                let name = &after[1..close];
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v, close + 1))
            });
            match value {
                Some((v, used)) => {
                    out.push_str(v);
                    rest = &after[used..];
                }
                None => {
                    out.push('{');
                    rest = &after[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }
}

const fn suite(
    id: &'static str,
    part: &'static str,
    definition: &'static str,
    tables: &'static [TableDef],
) -> Figure {
    Figure {
        id,
        part,
        definition: Some(definition),
        source: Source::Suite,
        tables,
        explain: &[],
    }
}

impl Figure {
    /// The figure with the `patq explain` specs `forms`.
    const fn explains(self, forms: &'static [ExplainForm]) -> Figure {
        Figure {
            explain: forms,
            ..self
        }
    }
}

/// DQ: field coverage, what each figure stands on ([`coverage`]).
pub const DQ: Figure = Figure {
    id: "DQ",
    part: PART_DATA_QUALITY,
    definition: Some(coverage::DEFINITION),
    source: Source::Coverage,
    explain: &[],
    tables: &[table(
        "DQ_field_coverage",
        "Field coverage: what each figure stands on ({applications} applications)",
    )
    .chart(bars("field", &["share"]).percent().skip(&[]))],
};

/// F2: applications, grants and grant rate by company country ([`grants_by_country`]).
pub const F2: Figure = suite(
    "F2",
    PART_COUNTRIES,
    grants_by_country::DEFINITION,
    &[table(
        "F2_grants_by_country",
        "Applications, grants and grant rate by applicant country",
    )
    .chart(bars("country", &["applications", "grants"]).limit(15))
    .drill(
        "country",
        Scope::Country,
        &[("applications", "F2:applications"), ("grants", "F2:grants")],
    )
    .sql(
        "applications, grants and grant rate by company country, WORLD last",
        sql::f2,
    )],
)
.explains(&[
    form("F2, F2:applications", "all selected applications"),
    form("F2:grants", "granted applications"),
]);

/// F3: families by company country and the family-size distribution ([`families`]).
pub const F3: Figure = suite(
    "F3",
    PART_COUNTRIES,
    families::DEFINITION,
    &[
        table(
            "F3_families",
            "Families by country and share of families with two or more members",
        )
        .chart(bars("country", &["multi_member_share"]).percent().limit(15))
        .drill(
            "country",
            Scope::World,
            &[("families", "F3:families"), ("multi_member", "F3:multi")],
        )
        .sql(
            "extended families by the company country of their representative, WORLD last",
            sql::f3_families,
        ),
        table("F3_family_size_distribution", "Family-size distribution")
            .chart(bars("family_size", &["families"]).limit(20))
            .sql(
                "families with a selected member by size (the larger of a size the source states and the members in the data)",
                sql::f3_size_distribution,
            ),
    ],
)
.explains(&[
    form(
        "F3, F3:families",
        "members of the selected families (counted in families)",
    ),
    form("F3:multi", "members of families with >= 2 members"),
]);

/// F4: cited applications and citation rate by company country ([`citations`]).
pub const F4: Figure = suite(
    "F4",
    PART_COUNTRIES,
    citations::DEFINITION,
    &[table(
        "F4_citations",
        "Cited applications and citation rate by country",
    )
    .chart(bars("country", &["citation_rate"]).percent().limit(15))
    .drill(
        "country",
        Scope::Country,
        &[
            ("applications", "F4:applications"),
            ("cited", "F4:cited"),
            ("citation_rate", "F4:cited"),
        ],
    )
    .sql(
        "cited applications and families, without self-citations, mean cohort index; WORLD last",
        sql::f4,
    )],
)
.explains(&[
    form("F4, F4:applications", "all selected applications"),
    form("F4:cited", "applications with >= 1 forward citation"),
]);

/// F9: citation-count bands of cited applications by company country, with a detail table
/// ([`citation_bands`]).
pub const F9: Figure = suite(
    "F9",
    PART_COUNTRIES,
    citation_bands::DEFINITION,
    &[
        table(
            "F9_citation_bands",
            "Citation-count bands of cited applications by country",
        )
        .chart(
            bars("country", &["share_1-2", "share_3-10", "share_>=11"])
                .stacked()
                .percent()
                .limit(12),
        )
        .drill(
            "country",
            Scope::Country,
            &[
                ("cited", "F4:cited"),
                ("1-2", "F9:{col}"),
                ("3-10", "F9:{col}"),
                (">=11", "F9:{col}"),
                ("share_1-2", "F9:1-2"),
                ("share_3-10", "F9:3-10"),
                ("share_>=11", "F9:>=11"),
            ],
        )
        .sql(
            "cited applications by forward-citation band (plain, per family, without \
             self-citations) by company country, WORLD last",
            sql::f9,
        ),
        table(
            "F9_citation_bands_detail",
            "Citation bands: family-level, without self-citations, cohort-normalised",
        ),
    ],
)
.explains(&[banded(
    "F9:<band>",
    "cited applications by citations",
    &citation_bands::BANDS,
)]);

/// F6: applications and applicant companies per filing year ([`trend`]).
pub const F6: Figure = suite(
    "F6",
    PART_TRENDS,
    trend::DEFINITION,
    &[table(
        "F6_trend",
        "Applications and applicant companies per filing year ({country})",
    )
    .chart(lines("year", &["applications", "companies"]))
    .drill("year", Scope::Plain, &[("applications", "F6:{label}")])
    .sql(
        "applications and distinct applicant groups per filing year; the NULL year row is \
         the applications without a filing year",
        sql::f6,
    )],
)
.explains(&[form("F6:<year>", "applications filed in <year>")]);

/// F7: applications, grants and grant rate per filing year at one office ([`office_grant_trend`]).
pub const F7: Figure = suite(
    "F7",
    PART_TRENDS,
    office_grant_trend::DEFINITION,
    &[table(
        "F7_office_grant_trend",
        "Grants and grant rate per filing year at office {office}{busiest}",
    )
    .chart(lines("year", &["applications", "grants"]))
    .drill(
        "year",
        Scope::Plain,
        &[
            ("applications", "F7:{label}"),
            ("grants", "F7:{label}:grants"),
            ("grant_rate", "F7:{label}:grants"),
        ],
    )
    .sql(
        "applications, grants and grant rate per filing year at the grant office",
        sql::f7,
    )],
)
.explains(&[form(
    "F7:<year>[:grants]",
    "applications (grants) filed in <year> at the F7 office",
)]);

/// T1: companies by number of applications, in bands, by company country ([`company_size_bands`]).
pub const T1: Figure = suite(
    "T1",
    PART_TRENDS,
    company_size_bands::DEFINITION,
    &[table(
        "T1_company_size_bands",
        "Companies by number of applications",
    )
    .chart(
        bars(
            "country",
            &["1-9", "10-49", "50-99", "100-499", "500-999", ">=1000"],
        )
        .stacked()
        .limit(12),
    )
    // Per-country rows count companies by the company's own country, while a country filter
    // selects applications; the two differ for companies filing under several countries, so
    // only WORLD drills.
    .drill(
        "country",
        Scope::World,
        &[
            ("1-9", "T1:{col}"),
            ("10-49", "T1:{col}"),
            ("50-99", "T1:{col}"),
            ("100-499", "T1:{col}"),
            ("500-999", "T1:{col}"),
            (">=1000", "T1:{col}"),
        ],
    )
    .sql(
        "companies (harmonised groups) by applications in bands, by company country, WORLD last",
        sql::t1,
    )],
)
.explains(&[banded(
    "T1:<band>",
    "applications of companies by applications",
    &company_size_bands::BANDS,
)]);

/// F12: applications per filing year of the focus country's top companies ([`top_company_trend`]).
pub const F12: Figure = suite(
    "F12",
    PART_TRENDS,
    top_company_trend::DEFINITION,
    &[table(
        "F12_top_company_trend",
        "Applications per year of the top {top} companies of {focus}",
    )
    .chart(lines("year", &[]).pivot("group", "applications"))
    .drill(
        "group",
        Scope::FocusCompany,
        &[("applications", "F6:{year}")],
    )],
);

/// F5: international applications and their share by company country ([`international`]).
pub const F5: Figure = suite(
    "F5",
    PART_FAMILIES,
    international::DEFINITION,
    &[table(
        "F5_international",
        "International applications and their share by country",
    )
    .chart(bars("country", &["share"]).percent().limit(15))
    .drill(
        "country",
        Scope::Country,
        &[
            ("applications", "F5:applications"),
            ("international", "F5:international"),
            ("share", "F5:international"),
        ],
    )
    .sql(
        "international applications (WO, or an office other than the company country), WORLD last",
        sql::f5,
    )],
)
.explains(&[
    form("F5, F5:applications", "all selected applications"),
    form(
        "F5:international",
        "applications filed outside the company's country (WO always)",
    ),
]);

/// F8: the focus country's international applications by filing office ([`international_offices`]).
pub const F8: Figure = suite(
    "F8",
    PART_FAMILIES,
    international_offices::DEFINITION,
    &[table(
        "F8_international_offices",
        "International filings of {focus} companies by office",
    )
    .chart(bars("office", &["applications"]).limit(20).skip(&["TOTAL"]))],
);

/// F18: first filings by office ([`first_filings`]).
pub const F18: Figure = suite(
    "F18",
    PART_FAMILIES,
    first_filings::DEFINITION,
    &[table(
        "F18_first_filings",
        "First filings (priority filings) by office",
    )
    .chart(
        bars("office", &["first_filings"])
            .limit(20)
            .skip(&["TOTAL"]),
    )
    // The TOTAL row's spec, F18:TOTAL, lists every first filing.
    .drill("office", Scope::Plain, &[("first_filings", "F18:{label}")])],
)
.explains(&[form(
    "F18[:<office>]",
    "first filings (counted at <office>; TOTAL or none: all)",
)]);

/// F10: families by size band and the holders of the large ones ([`family_size_bands`]).
pub const F10: Figure = suite(
    "F10",
    PART_FAMILIES,
    family_size_bands::DEFINITION,
    &[
        table("F10_family_size_bands", "Families by size band")
            .chart(bars("family_size", &["families"]))
            .drill("family_size", Scope::Plain, &[("families", "F10:{label}")])
            .sql(
                "families with a selected member by size band (one row)",
                sql::f10,
            ),
        table("F10_large_family_holders", "Who holds the large families")
            .chart(bars("group", &["large_families"]).limit(10))
            .sql(
                "harmonised groups of the representatives of the largest-band families",
                sql::f10_holders,
            ),
    ],
)
.explains(&[banded(
    "F10:<band>",
    "members of families by size",
    &family_size_bands::BANDS,
)]);

/// T3: the taxonomy's industries with companies, applications and grants ([`industries`]).
pub const T3: Figure = suite(
    "T3",
    PART_INDUSTRIES,
    industries::DEFINITION,
    &[table("T3_industries", "Industries of granted patents")
        .chart(bars("name", &["applications", "grants"]).limit(20))
        .drill(
            "industry",
            Scope::Industry,
            &[("applications", "F2:applications"), ("grants", "F2:grants")],
        )],
);

/// F13-17: the scenarios inside each industry and their top companies ([`scenarios`]).
pub const F13_17: Figure = suite(
    "F13-17",
    PART_INDUSTRIES,
    scenarios::DEFINITION,
    &[
        table("F13-17_scenarios", "Scenarios inside each industry").chart(
            bars("name", &["applications", "grants"])
                .limit(30)
                .largest("applications"),
        ),
        table(
            "F13-17_scenario_top_companies",
            "Top companies of each scenario",
        ),
    ],
);

/// P: profiles of the companies with most applications ([`company_profile`]).
pub const P: Figure = suite(
    "P",
    PART_PROFILES,
    company_profile::DEFINITION,
    &[
        table("P_company_profiles", "Profiles of the top {top} companies").drill(
            "group",
            Scope::Company,
            &[
                ("applications", "F2:applications"),
                ("grants", "F2:grants"),
                ("cited", "F4:cited"),
                ("international", "F5:international"),
            ],
        ),
        table(
            "P_company_profile_years",
            "Applications per year of the profiled companies",
        )
        .chart(lines("year", &[]).pivot("group", "applications")),
    ],
);

/// T2: the quality index of the companies above an application threshold, computed by patq-rank,
/// which writes its definition.
pub const T2: Figure = Figure {
    id: "T2",
    part: PART_QUALITY,
    definition: None,
    source: Source::Rank,
    explain: &[],
    tables: &[table(
        "T2_quality_index",
        "Quality index: companies with more than {min} applications",
    )
    .chart(bars("group", &["score"]).limit(20))
    .sql(
        "quality index of the companies above the application threshold, best first",
        sql::t2,
    )],
};

/// F11: the country distribution of the quality index's top companies, computed by patq-rank.
pub const F11: Figure = Figure {
    id: "F11",
    part: PART_QUALITY,
    definition: None,
    source: Source::Rank,
    explain: &[],
    tables: &[
        table("F11_top_countries", "Country distribution of the top {top}")
            .chart(bars("country", &["companies"])),
    ],
};

/// Every figure in report order: the data-quality view, the suite, the quality index.
pub static FIGURES: &[Figure] = &[
    DQ, F2, F3, F4, F9, F6, F7, T1, F12, F5, F8, F18, F10, T3, F13_17, P, T2, F11,
];

/// The figure with id `id` (`F2`, `F13-17`).
pub fn by_id(id: &str) -> Option<&'static Figure> {
    FIGURES.iter().find(|f| f.id == id)
}

/// The figure writing the table with file stem `file`, and that table.
pub fn by_file(file: &str) -> Option<(&'static Figure, &'static TableDef)> {
    FIGURES
        .iter()
        .find_map(|f| f.tables.iter().find(|t| t.file == file).map(|t| (f, t)))
}

/// Every table of the figures `source` computes, in report order.
pub fn tables_of(source: Source) -> impl Iterator<Item = &'static TableDef> {
    FIGURES
        .iter()
        .filter(move |f| f.source == source)
        .flat_map(|f| f.tables.iter())
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use patq_enrich::{Harmonizer, Taxonomy};
    use patq_model::{ClassScheme, Classification, PatentRecord, app_key, normalize_class_code};

    use super::*;
    use crate::coverage::Coverage;
    use crate::explain::Spec;
    use crate::{Corpus, Filters, suite};

    #[test]
    fn ids_and_file_stems_are_unique() {
        let mut ids = BTreeSet::new();
        let mut files = BTreeSet::new();
        for f in FIGURES {
            assert!(ids.insert(f.id), "figure id {} twice", f.id);
            assert!(!f.tables.is_empty(), "{} has no table", f.id);
            for t in f.tables {
                assert!(files.insert(t.file), "file stem {} twice", t.file);
                assert!(by_file(t.file).is_some_and(|(g, _)| g.id == f.id));
            }
            assert!(by_id(f.id).is_some_and(|g| g.tables[0].file == f.tables[0].file));
        }
    }

    #[test]
    fn field_coverage_names_registered_figures() {
        // "F6, F7, F12, P, F4, F9 (cohorts); year filters": the ids come before any note;
        // some fields name no figure but say what they feed in words.
        let looks_like_id = |s: &str| {
            s.starts_with(|c: char| c.is_ascii_uppercase())
                && s.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        };
        for field in coverage::FIELDS {
            let ids = field.figures.split('(').next().unwrap_or_default();
            for id in ids.split(',').map(str::trim).filter(|s| looks_like_id(s)) {
                assert!(by_id(id).is_some(), "{}: unknown figure {id:?}", field.name);
            }
        }
    }

    #[test]
    fn titles_fill_named_parts_once() {
        let t = table("X", "top {top} of {focus} {unknown} {");
        assert_eq!(
            t.title(&[("top", "{focus}"), ("focus", "CN")]),
            "top {focus} of CN {unknown} {"
        );
    }

    /// (number, office, applicant, country, granted, cited by, year, title, CPC)
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        bool,
        u32,
        i32,
        &'static str,
        &'static str,
    );

    /// Six applications of two companies in two countries, with grants, citations, a
    /// priority claim and texts the shipped taxonomy classifies.
    fn fixture() -> Vec<PatentRecord> {
        let rows: [Row; 6] = [
            (
                "1",
                "CN",
                "Red Dragon",
                "CN",
                true,
                3,
                2019,
                "Supply chain finance platform",
                "G06Q40/02",
            ),
            (
                "2",
                "US",
                "Red Dragon",
                "CN",
                true,
                12,
                2019,
                "Supply chain finance platform",
                "G06Q40/02",
            ),
            (
                "3",
                "WO",
                "Red Dragon",
                "CN",
                false,
                0,
                2020,
                "Charging pile billing with blockchain",
                "H04L9/3239",
            ),
            (
                "4",
                "US",
                "Blue Eagle",
                "US",
                true,
                1,
                2020,
                "Sharing medical records between hospitals",
                "G16H10/60",
            ),
            (
                "5",
                "EP",
                "Blue Eagle",
                "US",
                false,
                0,
                2021,
                "Power trading between households",
                "H04L9/3239",
            ),
            (
                "6",
                "CN",
                "Blue Eagle",
                "US",
                false,
                25,
                2021,
                "Electronic prescription circulation",
                "G16H20/10",
            ),
        ];
        rows.iter()
            .map(
                |&(num, office, who, country, granted, cited, year, title, cpc)| {
                    let mut r = PatentRecord::default();
                    r.app.office = office.into();
                    r.app.number = num.into();
                    r.app.key = app_key(office, num);
                    r.app.granted = Some(granted);
                    r.app.cited_by_count = Some(cited);
                    r.app.filing_year = Some(year);
                    r.app.title = Some(title.into());
                    r.classes.push(Classification {
                        scheme: ClassScheme::Cpc,
                        code: normalize_class_code(cpc).into(),
                    });
                    patq_testkit::add_applicant(&mut r, who, country);
                    if num == "2" {
                        patq_testkit::claim_priority(&mut r, "CN1");
                    }
                    r
                },
            )
            .collect()
    }

    /// A table's CSV as its header and rows of (column -> cell).
    fn parse(csv: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
        let mut rdr = csv::Reader::from_reader(csv.as_bytes());
        let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
        let rows = rdr
            .records()
            .map(|r| {
                header
                    .iter()
                    .cloned()
                    .zip(r.unwrap().iter().map(str::to_string))
                    .collect()
            })
            .collect();
        (header, rows)
    }

    #[test]
    fn chart_and_drill_columns_exist_in_the_computed_tables() {
        let records = fixture();
        let c = Corpus::build(&records, &Harmonizer::default());
        let sel = c.select(&Filters::default());
        let mut outputs = vec![Coverage::of(&records).output()];
        outputs.extend(suite::compute(
            &c,
            &sel,
            &Taxonomy::default(),
            &suite::Options::default(),
        ));

        // The suite writes exactly the registered tables, in registry order.
        let written: Vec<&str> = outputs.iter().map(|o| o.file.as_str()).collect();
        let registered: Vec<&str> = tables_of(Source::Coverage)
            .chain(tables_of(Source::Suite))
            .map(|t| t.file)
            .collect();
        assert_eq!(written, registered);

        for o in &outputs {
            let (f, t) = by_file(&o.file).unwrap();
            assert_eq!((o.id.as_str(), o.part), (f.id, f.part));
            let (header, rows) = parse(&o.csv);
            let has = |col: &str| header.iter().any(|h| h == col);
            if let Some(chart) = &t.chart {
                for col in chart.columns() {
                    assert!(
                        has(col),
                        "{}: chart column {col:?} not in {header:?}",
                        o.file
                    );
                }
            }
            let Some(d) = &t.drill else { continue };
            assert!(
                has(d.label),
                "{}: drill label {:?} not in {header:?}",
                o.file,
                d.label
            );
            for &(col, template) in d.columns {
                assert!(
                    has(col),
                    "{}: drill column {col:?} not in {header:?}",
                    o.file
                );
                // Every row's spec, filled in as the dashboard fills it, is one explain reads.
                for row in &rows {
                    let spec = template
                        .replace("{label}", &row[d.label])
                        .replace("{year}", row.get("year").map_or("", String::as_str))
                        .replace("{col}", col);
                    if d.scope == Scope::World && row[d.label] != "WORLD" {
                        continue;
                    }
                    assert!(
                        spec.parse::<Spec>().is_ok(),
                        "{}: drill spec {spec:?}",
                        o.file
                    );
                    // ... and one the figure's own explain forms list.
                    let fig = spec.split(':').next().unwrap_or_default();
                    assert!(
                        by_id(fig).is_some_and(|f| !f.explain.is_empty()),
                        "{}: drill spec {spec:?} of a figure listing no explain form",
                        o.file
                    );
                }
            }
        }
    }

    /// The concrete specs a form stands for: each spelling, each optional part with and
    /// without, each band, a year and an office.
    fn instances(e: &ExplainForm) -> Vec<String> {
        let mut out = Vec::new();
        for spelling in e.form.split(", ") {
            let mut v = vec![spelling.to_string()];
            if let (Some(open), Some(close)) = (spelling.find('['), spelling.find(']')) {
                let optional = &spelling[open..=close];
                let inner = &optional[1..optional.len() - 1];
                v = vec![
                    spelling.replace(optional, ""),
                    spelling.replace(optional, inner),
                ];
            }
            for s in v {
                let s = s.replace("<year>", "2019");
                if s.contains("<band>") {
                    out.extend(
                        e.bands
                            .iter()
                            .map(|&b| s.replace("<band>", &crate::table::band_label(b))),
                    );
                } else if s.contains("<office>") {
                    out.push(s.replace("<office>", "US"));
                    out.push(s.replace("<office>", "TOTAL"));
                } else {
                    out.push(s);
                }
            }
        }
        out
    }

    #[test]
    fn every_explain_form_parses_to_its_figure() {
        let mut forms = 0;
        for f in FIGURES {
            for e in f.explain {
                assert_eq!(e.form.contains("<band>"), !e.bands.is_empty(), "{}", e.form);
                let specs = instances(e);
                assert!(!specs.is_empty(), "{}", e.form);
                for s in specs {
                    assert!(!s.contains(['<', '>', '[']) || s.contains(">="), "{s}");
                    let spec: Spec = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
                    // The canonical text names the same figure, except for the whole
                    // selection, which F2, F4 and F5 share.
                    let canonical = spec.to_string();
                    if spec != Spec::Applications {
                        assert_eq!(canonical.split(':').next(), Some(f.id), "{s}");
                    }
                    forms += 1;
                }
            }
        }
        // F2, F3, F4, F5 3 each; F9 3 bands; F6 1; F7 2; T1 6 bands; F18 3; F10 4 bands.
        assert_eq!(forms, 31);
        let listed = crate::explain::valid_specs();
        assert_eq!(listed.lines().count(), 14, "{listed}");
    }
}
