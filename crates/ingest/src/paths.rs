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

/// Whether an element path (`a/b/@attr`) matches a table pattern: segments separated by `/`;
/// a segment `x|y` matches either name, `x*` any name starting with `x`, `*` any one
/// element, `**` one or more elements. Wildcards never match an attribute (`@name`), which a
/// pattern names explicitly.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let pats: Vec<&str> = pattern.split('/').collect();
    let segs: Vec<&str> = path.split('/').collect();
    segments_match(&pats, &segs)
}

fn segments_match(pats: &[&str], segs: &[&str]) -> bool {
    let Some((p, rest)) = pats.split_first() else {
        return segs.is_empty();
    };
    if *p == "**" {
        return (1..=segs.len())
            .take_while(|&k| !segs[k - 1].starts_with('@'))
            .any(|k| segments_match(rest, &segs[k..]));
    }
    let Some((s, more)) = segs.split_first() else {
        return false;
    };
    let one = |alt: &str| match alt.strip_suffix('*') {
        Some(prefix) => s.starts_with(prefix) && !s.starts_with('@'),
        None => alt == *s,
    };
    p.split('|').any(one) && segments_match(rest, more)
}

/// The field of the first pattern of `table` matching `path`; `None` (ignored) when no pattern
/// matches or the matching one is itself marked ignored.
pub fn table_field(table: &[(&str, Option<&'static str>)], path: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(pattern, _)| path_matches(pattern, path))
        .and_then(|(_, field)| *field)
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
    fn patterns() {
        assert!(path_matches("a/b|c/d", "a/c/d"));
        assert!(!path_matches("a/b|c/d", "a/c/d/e"));
        assert!(!path_matches("a/b|c/d", "a/c"));
        assert!(path_matches("a/*/d", "a/x/d"));
        assert!(path_matches("us-*/x", "us-parties/x"));
        assert!(path_matches("a/**", "a/b/c"));
        assert!(!path_matches("a/**", "a/b/@c"), "wildcards skip attributes");
        assert!(!path_matches("a/*", "a/@c"));
        assert!(path_matches("a/**/d/@e", "a/b/c/d/@e"));
        assert!(!path_matches("a/**", "a"));
        let t = [("a/x", None), ("a/*", Some("f"))];
        assert_eq!(table_field(&t, "a/x"), None);
        assert_eq!(table_field(&t, "a/y"), Some("f"));
        assert_eq!(table_field(&t, "b"), None);
    }

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
