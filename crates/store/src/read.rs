//! Reading a dataset back: whole tables as Arrow batches, or as [`PatentRecord`]s (used to
//! check that writing loses nothing, and by small tools such as `patq explain`).

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{Date32Type, Int32Type, UInt32Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use patq_model::*;

use crate::manifest::Manifest;
use crate::tables::{ALL_TABLES, TableDef, from_days};
use crate::{StoreError, io_err};

/// Reads one table of a dataset as Arrow batches.
pub fn read_table(dir: &Path, def: &TableDef) -> Result<Vec<RecordBatch>, StoreError> {
    let path = dir.join(def.file_name());
    let perr = |source| StoreError::Parquet {
        path: path.display().to_string(),
        source,
    };
    let file = fs::File::open(&path).map_err(io_err(&path))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(perr)?
        .with_batch_size(64 * 1024)
        .build()
        .map_err(perr)?;
    let mut out = Vec::new();
    for batch in reader {
        out.push(batch?);
    }
    Ok(out)
}

/// Typed column access on a batch by name.
pub struct Cols<'a> {
    batch: &'a RecordBatch,
    table: &'static str,
}

impl<'a> Cols<'a> {
    pub fn new(batch: &'a RecordBatch, table: &'static str) -> Cols<'a> {
        Cols { batch, table }
    }

    fn col(&self, name: &str) -> Result<&'a dyn Array, StoreError> {
        self.batch
            .column_by_name(name)
            .map(|c| c.as_ref())
            .ok_or_else(|| StoreError::Column {
                path: self.table.to_string(),
                column: name.to_string(),
                message: "missing".into(),
            })
    }

    pub fn str(&self, name: &str, row: usize) -> Result<Option<String>, StoreError> {
        let c = self.col(name)?.as_string::<i32>();
        Ok((!c.is_null(row)).then(|| c.value(row).to_string()))
    }

    pub fn req_str(&self, name: &str, row: usize) -> Result<String, StoreError> {
        Ok(self.str(name, row)?.unwrap_or_default())
    }

    pub fn i32(&self, name: &str, row: usize) -> Result<Option<i32>, StoreError> {
        let c = self.col(name)?.as_primitive::<Int32Type>();
        Ok((!c.is_null(row)).then(|| c.value(row)))
    }

    pub fn u32(&self, name: &str, row: usize) -> Result<Option<u32>, StoreError> {
        let c = self.col(name)?.as_primitive::<UInt32Type>();
        Ok((!c.is_null(row)).then(|| c.value(row)))
    }

    pub fn date(&self, name: &str, row: usize) -> Result<Option<chrono::NaiveDate>, StoreError> {
        let c = self.col(name)?.as_primitive::<Date32Type>();
        Ok((!c.is_null(row)).then(|| from_days(c.value(row))))
    }

    pub fn bool(&self, name: &str, row: usize) -> Result<Option<bool>, StoreError> {
        let c = self.col(name)?.as_boolean();
        Ok((!c.is_null(row)).then(|| c.value(row)))
    }
}

/// Loads every table of a dataset back into records, in key order.
pub fn load_records(dir: &Path) -> Result<(Manifest, Vec<PatentRecord>), StoreError> {
    let manifest = Manifest::load(dir)?;
    let mut records: Vec<PatentRecord> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for def in ALL_TABLES {
        for batch in read_table(dir, def)? {
            let c = Cols::new(&batch, def.name);
            for i in 0..batch.num_rows() {
                if def.name == "applications" {
                    let app = Application {
                        key: c.req_str("key", i)?,
                        office: c.req_str("office", i)?,
                        number: c.req_str("number", i)?,
                        kind: c.str("kind", i)?,
                        filing_date: c.date("filing_date", i)?,
                        filing_year: c.i32("filing_year", i)?,
                        ipr_type: c.str("ipr_type", i)?,
                        is_pct: c.bool("is_pct", i)?.unwrap_or(false),
                        pct_key: c.str("pct_key", i)?,
                        receiving_office: c.str("receiving_office", i)?,
                        source_id: c.str("source_id", i)?,
                        earliest_filing_id: c.str("earliest_filing_id", i)?,
                        earliest_priority_date: c.date("earliest_priority_date", i)?,
                        is_priority_filing: c.bool("is_priority_filing", i)?,
                        title: c.str("title", i)?,
                        abstract_text: c.str("abstract", i)?,
                        claims_text: c.str("claims", i)?,
                        claims_count: c.u32("claims_count", i)?,
                        granted: c.bool("granted_source", i)?,
                        legal_status: c.str("legal_status", i)?,
                        docdb_family_id: c.str("docdb_family_id", i)?,
                        inpadoc_family_id: c.str("inpadoc_family_id", i)?,
                        simple_family_size: c.u32("simple_family_size", i)?,
                        extended_family_size: c.u32("extended_family_size", i)?,
                        cited_by_count: c.u32("cited_by_count", i)?,
                        npl_citation_count: c.u32("npl_citation_count", i)?,
                        provenance: Provenance {
                            source_file: c.u32("source_file", i)?.unwrap_or(0),
                            location: c.req_str("source_location", i)?,
                        },
                    };
                    index.insert(app.key.clone(), records.len());
                    records.push(PatentRecord {
                        app,
                        ..PatentRecord::default()
                    });
                    continue;
                }
                let key = c.req_str("app_key", i)?;
                let Some(&ri) = index.get(&key) else {
                    return Err(StoreError::Column {
                        path: def.name.into(),
                        column: "app_key".into(),
                        message: format!("row {i}: key {key:?} not in applications"),
                    });
                };
                let r = &mut records[ri];
                match def.name {
                    "publications" => r.publications.push(Publication {
                        office: c.req_str("office", i)?,
                        number: c.req_str("number", i)?,
                        kind: c.req_str("kind", i)?,
                        date: c.date("date", i)?,
                        class: PubClass::parse(&c.req_str("class", i)?).unwrap_or(PubClass::Other),
                        source_id: c.str("source_id", i)?,
                    }),
                    "parties" => r.parties.push(Party {
                        role: match c.req_str("role", i)?.as_str() {
                            "inventor" => PartyRole::Inventor,
                            "owner" => PartyRole::Owner,
                            _ => PartyRole::Applicant,
                        },
                        seq: c.u32("seq", i)?.unwrap_or(0),
                        name: c.req_str("name", i)?,
                        country: c.str("country", i)?,
                    }),
                    "classes" => r.classes.push(Classification {
                        scheme: match c.req_str("scheme", i)?.as_str() {
                            "cpc" => ClassScheme::Cpc,
                            "uspc" => ClassScheme::Uspc,
                            "locarno" => ClassScheme::Locarno,
                            _ => ClassScheme::Ipc,
                        },
                        code: c.req_str("code", i)?,
                    }),
                    "priorities" => r.priorities.push(Priority {
                        office: c.req_str("office", i)?,
                        number: c.req_str("number", i)?,
                        kind: c.str("kind", i)?,
                        date: c.date("date", i)?,
                        key: c.req_str("priority_key", i)?,
                    }),
                    "citations" => r.citations.push(Citation {
                        office: c.str("office", i)?,
                        number: c.req_str("number", i)?,
                        kind: c.str("kind", i)?,
                        date: c.date("date", i)?,
                        category: c.str("category", i)?,
                        cited_by: c.str("cited_by", i)?,
                        source_id: c.str("source_id", i)?,
                    }),
                    "family_members" => r.family_members.push(FamilyMember {
                        family: if c.req_str("family", i)? == "simple" {
                            FamilyKind::Simple
                        } else {
                            FamilyKind::Extended
                        },
                        member: c.req_str("member", i)?,
                        source_id: c.str("source_id", i)?,
                    }),
                    "legal_events" => r.legal_events.push(LegalEvent {
                        date: c.date("date", i)?,
                        code: c.req_str("code", i)?,
                        description: c.str("description", i)?,
                    }),
                    "related" => r.related.push(RelatedDoc {
                        relation: c.req_str("relation", i)?,
                        office: c.str("office", i)?,
                        number: c.req_str("number", i)?,
                        date: c.date("date", i)?,
                    }),
                    other => unreachable!("unknown table {other}"),
                }
            }
        }
    }
    Ok((manifest, records))
}
