//! The key or element paths seen in one file of a format without a header row (Lens JSON,
//! USPTO XML, EPO OPS XML), reported to the sink as its "columns": every path mapped to the
//! field it fills or ignored, with the values read per mapped path, so that these formats
//! account for their input as the header-row formats do.
//!
//! A file may hold any number of distinct paths (an XML file with free-form markup): mapped
//! paths are bounded by the readers' tables, but only the first [`MAX_IGNORED_PATHS`] distinct
//! ignored paths are listed; the rest are counted (by hash, so memory stays bounded) and
//! reported as one entry naming how many were left out.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::hash::{Hash, Hasher};

use crate::Sink;
use crate::sink::ColumnUse;

/// Distinct ignored paths listed per file; further ones are counted only.
pub const MAX_IGNORED_PATHS: usize = 200;

/// The paths of one file, in the order they are reported (sorted).
#[derive(Debug, Default)]
pub(crate) struct PathCensus {
    /// Mapped path -> (field, non-empty values read in kept records).
    mapped: BTreeMap<String, (&'static str, u64)>,
    ignored: BTreeSet<String>,
    /// Hashes of the distinct ignored paths past the cap.
    more: HashSet<u64>,
}

impl PathCensus {
    /// One occurrence of `path` holding `values` non-empty values (0 for an empty value or
    /// one in a rejected record); `field_of` names the field a path fills, asked once per new
    /// path.
    pub fn see(
        &mut self,
        path: &str,
        values: u64,
        field_of: impl Fn(&str) -> Option<&'static str>,
    ) {
        if let Some((_, n)) = self.mapped.get_mut(path) {
            *n += values;
            return;
        }
        if self.ignored.contains(path) {
            return;
        }
        match field_of(path) {
            Some(field) => {
                self.mapped.insert(path.to_string(), (field, values));
            }
            None if self.ignored.len() < MAX_IGNORED_PATHS => {
                self.ignored.insert(path.to_string());
            }
            None => {
                let mut h = DefaultHasher::new();
                path.hash(&mut h);
                self.more.insert(h.finish());
            }
        }
    }

    /// Reports the file's paths (sorted) and the values read per mapped path; the count of
    /// unlisted ignored paths, if any, is one last entry.
    pub fn report(self, file: &str, sink: &mut dyn Sink) {
        let mut uses: Vec<ColumnUse> = Vec::with_capacity(self.mapped.len() + self.ignored.len());
        let mut mapped = self.mapped.iter().peekable();
        let mut ignored = self.ignored.iter().peekable();
        loop {
            let take_mapped = match (mapped.peek(), ignored.peek()) {
                (Some((m, _)), Some(i)) => m.as_str() < i.as_str(),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_mapped {
                let (path, (field, _)) = mapped.next().expect("peeked");
                uses.push(ColumnUse {
                    column: path.clone(),
                    field: Some((*field).to_string()),
                });
            } else {
                uses.push(ColumnUse {
                    column: ignored.next().expect("peeked").clone(),
                    field: None,
                });
            }
        }
        if !self.more.is_empty() {
            uses.push(ColumnUse {
                column: more_paths(self.more.len()),
                field: None,
            });
        }
        sink.columns(file, &uses);
        for (path, (_, n)) in &self.mapped {
            sink.values_read(file, path, *n);
        }
    }
}

/// The entry that stands for the ignored paths past [`MAX_IGNORED_PATHS`].
pub fn more_paths(n: usize) -> String {
    format!("({n} more ignored paths, not listed)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CollectSink;

    #[test]
    fn sorted_mapped_and_capped_ignored() {
        let field_of = |p: &str| p.starts_with('m').then_some("f");
        let mut c = PathCensus::default();
        c.see("m.b", 1, field_of);
        c.see("a", 1, field_of);
        c.see("m.b", 2, field_of);
        c.see("m.a", 0, field_of);
        for i in 0..MAX_IGNORED_PATHS + 5 {
            c.see(&format!("x{i:04}"), 1, field_of);
            c.see(&format!("x{i:04}"), 1, field_of);
        }
        let mut sink = CollectSink::default();
        c.report("f", &mut sink);
        let cols = &sink.columns["f"];
        assert_eq!(cols.len(), 3 + MAX_IGNORED_PATHS);
        assert_eq!(cols[0].column, "a");
        assert_eq!(cols[1].column, "m.a");
        assert_eq!(cols[2].field.as_deref(), Some("f"));
        assert_eq!(cols.last().unwrap().column, more_paths(6));
        assert_eq!(sink.values_read[&("f".into(), "m.b".into())], 3);
        assert_eq!(sink.values_read[&("f".into(), "m.a".into())], 0);
    }
}
