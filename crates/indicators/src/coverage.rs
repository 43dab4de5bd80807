//! Field coverage, the data-quality view: for each field of the data model, how many of the
//! dataset's applications carry a value, and which figures stand on it, so a reader knows
//! what each number rests on (`patq info DATASET --fields`, the report's "Data quality"
//! section and sheet).
//!
//! Definition. A field is covered for an application when its record holds a value: a scalar
//! that is set (a blank text counts as absent), or a list with at least one entry (a party
//! only with a non-blank name). Share = covered / the field's base, which is every
//! application except for the PCT receiving office, whose base is the PCT applications
//! (office WO or kind W). Rows keep the order of [`FIELDS`], the one table mapping each
//! field to the figures that read it. Counts are taken record by record ([`Coverage::add`]),
//! so a dataset read in chunks gives the same numbers as one read whole.

use patq_model::{ClassScheme, PartyRole, PatentRecord};
use serde::Serialize;

use crate::first_filings;
use crate::table::{Csv, fmt_rate, rate};

/// Which applications a field's share is taken over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Base {
    /// Every application of the dataset.
    All,
    /// PCT international applications only.
    Pct,
}

/// One field of the view: its name, the figures that read it, its base and its test.
pub struct Field {
    /// The field as the view names it, e.g. `filing year` or `citation lists`.
    pub name: &'static str,
    /// Figure ids as METHODOLOGY.md names them; `-` when no figure reads the field.
    pub figures: &'static str,
    /// Which applications the field's share is taken over.
    pub base: Base,
    has: fn(&PatentRecord) -> bool,
}

fn text(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

fn party(r: &PatentRecord, role: PartyRole) -> bool {
    r.parties
        .iter()
        .any(|p| p.role == role && !p.name.trim().is_empty())
}

fn party_country(r: &PatentRecord, role: PartyRole) -> bool {
    r.parties.iter().any(|p| {
        p.role == role
            && !p.name.trim().is_empty()
            && p.country.as_deref().is_some_and(|c| !c.trim().is_empty())
    })
}

fn class(r: &PatentRecord, scheme: ClassScheme) -> bool {
    r.classes.iter().any(|c| c.scheme == scheme)
}

/// The fields in output order, each with the figures that depend on it (the one place this
/// mapping is kept).
pub const FIELDS: &[Field] = &[
    Field {
        name: "grant status (flag or publication kinds)",
        figures: "F2, F7, T3, F13-17, P, T2",
        base: Base::All,
        has: |r| r.app.granted.is_some() || !r.publications.is_empty(),
    },
    Field {
        name: "filing date",
        figures: "F3, F10 (family representative)",
        base: Base::All,
        has: |r| r.app.filing_date.is_some(),
    },
    Field {
        name: "filing year",
        figures: "F6, F7, F12, P, F4, F9 (cohorts); year filters",
        base: Base::All,
        has: |r| r.app.filing_year.is_some(),
    },
    Field {
        name: "priority date",
        figures: "F18",
        base: Base::All,
        has: |r| {
            r.app.earliest_priority_date.is_some() || r.priorities.iter().any(|p| p.date.is_some())
        },
    },
    Field {
        name: "priority claims",
        figures: "F3, F10, F18",
        base: Base::All,
        has: |r| !r.priorities.is_empty(),
    },
    Field {
        name: "earliest filing id (source)",
        figures: "F3, F10, F18",
        base: Base::All,
        has: |r| r.app.earliest_filing_id.is_some(),
    },
    Field {
        name: "first filing or later (F18 rule)",
        figures: "F18",
        base: Base::All,
        has: |r| first_filings::of(r).is_known(),
    },
    Field {
        name: "right type (ipr_type)",
        figures: "F18",
        base: Base::All,
        has: |r| r.app.ipr_type.is_some(),
    },
    Field {
        name: "PCT receiving office",
        figures: "F18",
        base: Base::Pct,
        has: |r| r.app.receiving_office.is_some(),
    },
    Field {
        name: "applicant name",
        figures: "F6, F8, F12, T1, P, T2 (companies)",
        base: Base::All,
        has: |r| party(r, PartyRole::Applicant),
    },
    Field {
        name: "applicant country",
        figures: "F2, F3, F4, F5, F8, F9, F12, T1 (company country)",
        base: Base::All,
        has: |r| party_country(r, PartyRole::Applicant),
    },
    Field {
        name: "owner name",
        figures: "companies when no applicant",
        base: Base::All,
        has: |r| party(r, PartyRole::Owner),
    },
    Field {
        name: "inventor name",
        figures: "-",
        base: Base::All,
        has: |r| party(r, PartyRole::Inventor),
    },
    Field {
        name: "IPC classes",
        figures: "T3, F13-17; F4, F9 (cohorts)",
        base: Base::All,
        has: |r| class(r, ClassScheme::Ipc),
    },
    Field {
        name: "CPC classes",
        figures: "T3, F13-17; F4, F9 (cohorts)",
        base: Base::All,
        has: |r| class(r, ClassScheme::Cpc),
    },
    Field {
        name: "title",
        figures: "T3, F13-17; topic filter",
        base: Base::All,
        has: |r| text(&r.app.title),
    },
    Field {
        name: "abstract",
        figures: "T3, F13-17; topic filter",
        base: Base::All,
        has: |r| text(&r.app.abstract_text),
    },
    Field {
        name: "claims text",
        figures: "T3, F13-17; topic filter",
        base: Base::All,
        has: |r| text(&r.app.claims_text),
    },
    Field {
        name: "claims count",
        figures: "T2 (oecd preset)",
        base: Base::All,
        has: |r| r.app.claims_count.is_some(),
    },
    Field {
        name: "publications",
        figures: "F2 (grant by kind code)",
        base: Base::All,
        has: |r| !r.publications.is_empty(),
    },
    Field {
        name: "publication kinds",
        figures: "F2, F7 (grant by kind code)",
        base: Base::All,
        has: |r| r.publications.iter().any(|p| !p.kind.trim().is_empty()),
    },
    Field {
        name: "family ids (source)",
        figures: "F3, F10",
        base: Base::All,
        has: |r| r.app.docdb_family_id.is_some() || r.app.inpadoc_family_id.is_some(),
    },
    Field {
        name: "family sizes (source)",
        figures: "F3, F10",
        base: Base::All,
        has: |r| r.app.simple_family_size.is_some() || r.app.extended_family_size.is_some(),
    },
    Field {
        name: "family members (source)",
        figures: "F3, F10",
        base: Base::All,
        has: |r| !r.family_members.is_empty(),
    },
    Field {
        name: "cited-by count (source)",
        figures: "F4, F9, T2",
        base: Base::All,
        has: |r| r.app.cited_by_count.is_some(),
    },
    Field {
        name: "citation lists",
        figures: "F4, F9, T2",
        base: Base::All,
        has: |r| !r.citations.is_empty(),
    },
];

/// The position of "citation lists" in [`FIELDS`], for [`Coverage::set_citation_lists`].
const CITATION_LISTS: usize = FIELDS.len() - 1;

/// One row of the view.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// The field's name, from [`Field::name`].
    pub field: &'static str,
    /// Applications with a value.
    pub applications: u64,
    /// The applications the share is taken over.
    pub of: u64,
    /// Which applications `of` counts.
    pub base: Base,
    /// `applications` / `of`, a share 0-1; None when the base is empty.
    pub share: Option<f64>,
    /// The figures that read the field, from [`Field::figures`].
    pub figures: &'static str,
}

/// Counts per field, accumulated record by record.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// Applications counted so far: the base of [`Base::All`].
    pub applications: u64,
    /// Of them, PCT international applications: the base of [`Base::Pct`].
    pub pct_applications: u64,
    covered: Vec<u64>,
}

/// What the coverage view counts, in words: the text its table carries.
pub const DEFINITION: &str = "Field coverage: for each field, the applications whose record \
holds a value (a set scalar, a non-blank text, a list with an entry), their share of all \
applications (of the PCT applications for the receiving office), and the figures that read \
the field. A figure standing on a field of low coverage counts only the applications that \
have it.";

impl Coverage {
    /// No application counted yet.
    pub fn new() -> Coverage {
        Coverage {
            covered: vec![0; FIELDS.len()],
            ..Coverage::default()
        }
    }

    /// The coverage of `records`, one per application.
    pub fn of(records: &[PatentRecord]) -> Coverage {
        let mut c = Coverage::new();
        c.add(records);
        c
    }

    /// Counts the next records (one per application).
    pub fn add(&mut self, records: &[PatentRecord]) {
        if self.covered.len() != FIELDS.len() {
            self.covered = vec![0; FIELDS.len()];
        }
        for r in records {
            self.applications += 1;
            let pct = r.app.is_pct;
            self.pct_applications += u64::from(pct);
            for (n, f) in self.covered.iter_mut().zip(FIELDS) {
                if (f.base == Base::All || pct) && (f.has)(r) {
                    *n += 1;
                }
            }
        }
    }

    /// Sets the applications with a citation list, for records read without their lists
    /// (the report streams the citations table instead of holding it).
    pub fn set_citation_lists(&mut self, applications: u64) {
        if self.covered.len() == FIELDS.len() {
            self.covered[CITATION_LISTS] = applications;
        }
    }

    /// The rows in [`FIELDS`] order.
    pub fn rows(&self) -> Vec<Row> {
        FIELDS
            .iter()
            .enumerate()
            .map(|(k, f)| {
                let of = match f.base {
                    Base::All => self.applications,
                    Base::Pct => self.pct_applications,
                };
                let n = self.covered.get(k).copied().unwrap_or(0);
                Row {
                    field: f.name,
                    applications: n,
                    of,
                    base: f.base,
                    share: rate(n, of),
                    figures: f.figures,
                }
            })
            .collect()
    }

    /// One row per field in [`FIELDS`] order: field, applications, of, share, figures.
    pub fn to_csv(&self) -> String {
        let mut csv = Csv::new(&["field", "applications", "of", "share", "figures"]);
        for r in self.rows() {
            csv.row([
                r.field.to_string(),
                r.applications.to_string(),
                r.of.to_string(),
                fmt_rate(r.share),
                r.figures.to_string(),
            ]);
        }
        csv.finish()
    }

    /// The view as aligned text lines (`patq info --fields`): share in percent with one
    /// decimal, counts, figures.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let rows = self.rows();
        let w = rows.iter().map(|r| r.field.len()).max().unwrap_or(0);
        let mut s = String::new();
        for r in rows {
            let pct = r
                .share
                .map_or_else(|| "-".to_string(), |x| format!("{:.1}%", x * 100.0));
            // Writing to a String cannot fail.
            let _ = writeln!(
                s,
                "  {:<w$} {pct:>6} {:>9} of {:<9} {}",
                r.field, r.applications, r.of, r.figures
            );
        }
        s
    }

    /// The view as an output of the indicator set, shown first in the report.
    pub fn output(&self) -> crate::suite::Output {
        use crate::registry::{DQ, TableDef};
        // Indexing a constant: an empty DQ entry fails the build, not the run.
        const TABLE: TableDef = DQ.tables[0];
        let applications = self.applications.to_string();
        crate::suite::Output {
            id: DQ.id.into(),
            file: TABLE.file.into(),
            part: DQ.part,
            title: TABLE.title(&[("applications", &applications)]),
            definition: DEFINITION.into(),
            csv: self.to_csv(),
            json: Some(serde_json::to_value(self.rows()).expect("coverage rows serialise")),
        }
    }
}

/// The report part of the view.
pub const PART: &str = crate::registry::PART_DATA_QUALITY;

#[cfg(test)]
mod tests {
    use super::*;
    use patq_model::{Citation, Classification, Party, Priority, PubClass, Publication};

    fn applicant(name: &str, country: Option<&str>) -> Party {
        Party {
            role: PartyRole::Applicant,
            seq: 0,
            name: name.into(),
            country: country.map(Into::into),
        }
    }

    /// Four applications (invented): 1 full, 2 partial, 3 a PCT filing, 4 nearly empty.
    fn records() -> Vec<PatentRecord> {
        let mut v = vec![PatentRecord::default(); 4];
        for (k, r) in v.iter_mut().enumerate() {
            r.app.key = format!("US{k}").into();
            r.app.office = "US".into();
            r.app.filing_year = Some(2019);
        }
        // 1: applicant with country, CPC, title, a granted publication, a citation, a
        // priority claim of itself.
        v[0].parties.push(applicant("ACME", Some("US")));
        v[0].classes.push(Classification {
            scheme: ClassScheme::Cpc,
            code: "H04L9/32".into(),
        });
        v[0].app.title = Some("Ledger".into());
        v[0].publications.push(Publication {
            office: "US".into(),
            number: "1".into(),
            kind: "B2".into(),
            date: None,
            class: PubClass::Grant,
            source_id: None,
        });
        v[0].citations.push(Citation {
            office: Some("US".into()),
            number: "9".into(),
            kind: None,
            date: None,
            category: None,
            cited_by: None,
            source_id: None,
        });
        v[0].priorities.push(Priority {
            office: "US".into(),
            number: "0".into(),
            kind: None,
            date: None,
            key: "US0".into(),
        });
        // 2: applicant without country, a blank title (absent), an IPC class, grant flag.
        v[1].parties.push(applicant("BETA", None));
        v[1].app.title = Some("  ".into());
        v[1].classes.push(Classification {
            scheme: ClassScheme::Ipc,
            code: "G06Q20/06".into(),
        });
        v[1].app.granted = Some(false);
        // 3: a PCT filing with its receiving office and a blank-named applicant (absent).
        v[2].app.office = "WO".into();
        v[2].app.is_pct = true;
        v[2].app.receiving_office = Some("CN".into());
        v[2].parties.push(applicant(" ", Some("CN")));
        // 4: no filing year.
        v[3].app.filing_year = None;
        v
    }

    #[test]
    fn shares_worked_out_by_hand() {
        let cov = Coverage::of(&records());
        let rows = cov.rows();
        let get = |name: &str| {
            let r = rows.iter().find(|r| r.field == name).expect(name);
            (r.applications, r.of)
        };
        assert_eq!((cov.applications, cov.pct_applications), (4, 1));
        // Grant status: 1 (publication) and 2 (flag) = 2 of 4.
        assert_eq!(get("grant status (flag or publication kinds)"), (2, 4));
        assert_eq!(get("filing year"), (3, 4));
        assert_eq!(get("filing date"), (0, 4));
        // Applicant name: 1 and 2 (3's is blank); country: only 1.
        assert_eq!(get("applicant name"), (2, 4));
        assert_eq!(get("applicant country"), (1, 4));
        assert_eq!(get("CPC classes"), (1, 4));
        assert_eq!(get("IPC classes"), (1, 4));
        assert_eq!(get("title"), (1, 4));
        assert_eq!(get("citation lists"), (1, 4));
        assert_eq!(get("priority claims"), (1, 4));
        // 1 is its own only priority: a first filing; the others cannot be told.
        assert_eq!(get("first filing or later (F18 rule)"), (1, 4));
        // Receiving office over the one PCT application.
        assert_eq!(get("PCT receiving office"), (1, 1));
        assert_eq!(get("publication kinds"), (1, 4));
        assert_eq!(get("cited-by count (source)"), (0, 4));
        let csv = cov.to_csv();
        assert!(csv.starts_with("field,applications,of,share,figures\n"));
        assert!(csv.contains(
            "\napplicant country,1,4,0.2500,\"F2, F3, F4, F5, F8, F9, F12, T1 (company country)\"\n"
        ));
        assert!(cov.to_text().contains("filing year"));
        assert!(cov.to_text().contains(" 75.0% "));
    }

    #[test]
    fn chunks_add_up_and_order_is_fixed() {
        let recs = records();
        let mut c = Coverage::new();
        c.add(&recs[..1]);
        c.add(&recs[1..]);
        assert_eq!(c, Coverage::of(&recs));
        let names: Vec<&str> = c.rows().iter().map(|r| r.field).collect();
        let table: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(names, table);
        c.set_citation_lists(3);
        assert_eq!(c.rows()[CITATION_LISTS].applications, 3);
        assert_eq!(c.rows()[CITATION_LISTS].field, "citation lists");
        // An empty dataset has no shares, not 0%.
        assert!(Coverage::new().rows().iter().all(|r| r.share.is_none()));
    }
}
