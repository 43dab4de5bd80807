//! Derived tables written into an existing dataset (e.g. `app_facts` for SQL engines): one
//! Parquet file per table, written under a temporary name and renamed, like every output.

use std::fs;
use std::path::Path;

use parquet::arrow::ArrowWriter;

use crate::atomic::tmp_sibling;
use crate::build::{BATCH_ROWS, writer_props};
use crate::tables::{RowBuilder, TableDef};
use crate::{StoreError, io_err};

/// Writes `rows` rows of `def` to `dir/<table>.parquet`; `fill(i, b)` sets every column of
/// row `i` (without `end_row`). Returns the rows written.
pub fn write_table(
    dir: &Path,
    def: &'static TableDef,
    rows: usize,
    mut fill: impl FnMut(usize, &mut RowBuilder),
) -> Result<u64, StoreError> {
    let path = dir.join(def.file_name());
    let tmp = tmp_sibling(&path);
    let perr = |source| StoreError::Parquet {
        path: path.display().to_string(),
        source,
    };
    let file = fs::File::create(&tmp).map_err(io_err(&tmp))?;
    let mut writer =
        ArrowWriter::try_new(file, def.schema(), Some(writer_props(def))).map_err(perr)?;
    let mut b = RowBuilder::new(def);
    for i in 0..rows {
        fill(i, &mut b);
        b.end_row();
        if b.rows() >= BATCH_ROWS {
            writer.write(&b.finish()?).map_err(perr)?;
        }
    }
    writer.write(&b.finish()?).map_err(perr)?;
    let file = writer.into_inner().map_err(perr)?;
    file.sync_all().map_err(io_err(&tmp))?;
    fs::rename(&tmp, &path).map_err(io_err(&path))?;
    Ok(rows as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::APP_FACTS;

    #[test]
    fn writes_app_facts_atomically_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let keys = ["EP1", "US2"];
        let n = write_table(dir.path(), &APP_FACTS, 2, |i, b| {
            b.str(Some(keys[i]))
                .u32(Some(i as u32))
                .u32(Some(2))
                .str(None)
                .str(Some("ACME"))
                .str(Some("organisation"))
                .str(Some("US"))
                .str(Some("applicant"))
                .u32(Some(3))
                .u32(None)
                .u32(None)
                .f64(Some(1.5))
                .bool(None)
                .str(Some("source cited-by count"));
        })
        .unwrap();
        assert_eq!(n, 2);
        let batches = crate::read::read_table(dir.path(), &APP_FACTS).unwrap();
        let c = crate::read::Cols::new(&batches[0], "app_facts");
        assert_eq!(c.req_str("key", 1).unwrap(), "US2");
        assert_eq!(c.u32("family", 1).unwrap(), Some(1));
        assert_eq!(c.u32("family_size", 1).unwrap(), Some(2));
        assert_eq!(
            c.str("applicant_entity", 1).unwrap().as_deref(),
            Some("ACME")
        );
        // Only the final file is left: no temporary sibling.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["app_facts.parquet"]);
    }
}
