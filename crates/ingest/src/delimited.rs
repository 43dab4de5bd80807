//! Delimited tables (CSV, TSV) whose rows one reader joins by id, as the PATSTAT and
//! PatentsView readers do: header and separator sniffing, row loops on one or two threads with
//! line numbers, column bookkeeping, and rejections and skips located by line.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use csv::StringRecord;
use patq_model::{PatentRecord, Provenance, ToText};

use crate::sink::excerpt;
use crate::{IngestError, Input, Location, Rejection, Sink, Skip};

/// Rows between two progress reports.
const PROGRESS_EVERY: u64 = 500;

/// One delimited input whose header has been read.
pub(crate) struct TableFile<'a> {
    pub input: &'a Input,
    pub table: &'static str,
    pub delim: u8,
    /// Column name -> field index, first occurrence of a name; a short list scanned linearly
    /// is faster than hashing the name on every field access of every row.
    cols: Vec<(String, usize)>,
    ncols: usize,
    /// The header's names (trimmed, lower-cased) and the field each fills, for
    /// [`Sink::columns`]; set by [`TableFile::map_columns`].
    uses: Vec<crate::ColumnUse>,
    /// Indices of the mapped columns, and their non-empty values in the rows taken (rows
    /// rejected by the reader after they were read are taken back in [`At::reject`]).
    mapped: Vec<usize>,
    counts: Vec<AtomicU64>,
}

impl<'a> TableFile<'a> {
    /// Reads the header of `input` with the given separator; column names are trimmed and
    /// lower-cased. `None` for an input without any header line.
    pub fn open(input: &'a Input, delim: u8) -> Option<(TableFile<'a>, Vec<String>)> {
        let mut rdr = reader(&input.text, delim, true);
        let header = rdr.headers().ok()?.clone();
        let names: Vec<String> = header
            .iter()
            .map(|h| h.trim().trim_matches('"').trim().to_ascii_lowercase())
            .collect();
        if names.iter().all(|n| n.is_empty()) {
            return None;
        }
        let mut cols: Vec<(String, usize)> = Vec::new();
        for (i, n) in names.iter().enumerate() {
            if !cols.iter().any(|(c, _)| c == n) {
                cols.push((n.clone(), i));
            }
        }
        let t = TableFile {
            input,
            table: "",
            delim,
            cols,
            ncols: names.len(),
            uses: names
                .iter()
                .map(|n| crate::ColumnUse {
                    column: n.clone(),
                    field: None,
                })
                .collect(),
            mapped: Vec::new(),
            counts: Vec::new(),
        };
        Some((t, names))
    }

    /// Names the field each column fills (`fields`: column, field); the other columns are
    /// ignored. The first of two columns of one name is the one read.
    pub fn map_columns(&mut self, fields: &[(&str, &'static str)]) {
        self.mapped.clear();
        for (i, u) in self.uses.iter_mut().enumerate() {
            u.field = fields
                .iter()
                .find(|(c, _)| *c == u.column)
                .map(|(_, f)| f.to_string());
            if u.field.is_some() && self.cols.iter().any(|&(_, j)| j == i) {
                self.mapped.push(i);
            }
        }
        self.counts = self.mapped.iter().map(|_| AtomicU64::new(0)).collect();
    }

    /// Tells the sink the file's columns and the non-empty values read per mapped column.
    pub fn report(&self, sink: &mut dyn Sink) {
        let name = &self.input.name;
        sink.columns(name, &self.uses);
        for (&i, n) in self.mapped.iter().zip(&self.counts) {
            sink.values_read(name, &self.uses[i].column, n.load(Ordering::Relaxed));
        }
    }

    /// Counts the non-empty mapped cells of a row taken into `local` (one per mapped column).
    fn count(&self, rec: &StringRecord, local: &mut [u64]) {
        for (n, &i) in local.iter_mut().zip(&self.mapped) {
            if rec.get(i).is_some_and(|v| !v.trim().is_empty()) {
                *n += 1;
            }
        }
    }

    /// Adds a chunk's counts to the file's.
    fn flush(&self, local: &[u64]) {
        for (n, &k) in self.counts.iter().zip(local) {
            n.fetch_add(k, Ordering::Relaxed);
        }
    }

    /// Takes back the counted values of the row starting at `byte`, which the reader rejects
    /// whole after reading it: its values are in the quarantined record, not the dataset.
    /// Rejections are rare, so the row is parsed once more rather than its cells kept.
    fn uncount(&self, byte: u64) {
        if self.mapped.is_empty() {
            return;
        }
        let text = self.input.text.get(byte as usize..).unwrap_or("");
        let mut rec = StringRecord::new();
        if let Ok(true) = reader(text, self.delim, false).read_record(&mut rec) {
            let mut local = vec![0u64; self.mapped.len()];
            self.count(&rec, &mut local);
            for (n, &k) in self.counts.iter().zip(&local) {
                // Wrapping: a chunk read on the other thread may not have added its counts yet.
                n.fetch_sub(k, Ordering::Relaxed);
            }
        }
    }

    pub fn has(&self, col: &str) -> bool {
        self.index(col).is_some()
    }

    fn index(&self, col: &str) -> Option<usize> {
        self.cols.iter().find(|(c, _)| c == col).map(|&(_, i)| i)
    }

    /// Calls `f` for every data row with the right number of fields; rows with a wrong field
    /// count or a CSV syntax error are rejected here.
    pub fn for_each_row(&self, sink: &mut dyn Sink, mut f: impl FnMut(&Row<'_>, &mut dyn Sink)) {
        let whole = Chunk {
            start: 0,
            end: self.input.text.len(),
            lines_before: 0,
        };
        self.scan(whole, |event| match event {
            Scanned::Row(row) => f(&row, sink),
            Scanned::Reject(r) | Scanned::Broken(r) => sink.reject(r),
            Scanned::Progress(byte) => sink.progress(byte),
        });
        sink.progress(self.input.text.len() as u64);
    }

    /// [`TableFile::for_each_row`] on two threads for a large file: the file is cut into
    /// chunks at record starts, `map` reads the rows of two chunks in three on a second thread
    /// (each thread with a mapper of its own from `mapper`), and `apply` takes every mapped
    /// row on the caller's thread in file order, so whatever `apply` builds is what one
    /// thread would have built. `map` must only read what `apply` does not change. (The
    /// caller's thread maps one chunk in three because it also applies every row.)
    pub fn for_each_row_split<T: Send, M: FnMut(&Row<'_>) -> T>(
        &self,
        sink: &mut dyn Sink,
        chunk_bytes: usize,
        mapper: impl Fn() -> M + Sync,
        mut apply: impl FnMut(T, &At<'_>, &mut dyn Sink),
    ) {
        let chunks = self.chunks(chunk_bytes);
        if chunks.len() < 2 {
            let mut map = mapper();
            return self.for_each_row(sink, |row, sink| apply(map(row), &row.at, sink));
        }
        let mine = |k: usize| k.is_multiple_of(3);
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Deferred<T>>>(2);
            let later = &chunks;
            let mapper = &mapper;
            s.spawn(move || {
                let mut map = mapper();
                // Chunks are of about equal size: each list starts with room for as many rows
                // as the last one held.
                let mut last = 0;
                for (_, &chunk) in later.iter().enumerate().filter(|(k, _)| !mine(*k)) {
                    let mut out = Vec::with_capacity(last);
                    let mut broken = false;
                    self.scan(chunk, |event| match event {
                        Scanned::Row(row) => out.push(Deferred::Row(row.line, row.byte, map(&row))),
                        Scanned::Reject(r) => out.push(Deferred::Reject(r)),
                        Scanned::Broken(r) => {
                            broken = true;
                            out.push(Deferred::Broken(r));
                        }
                        Scanned::Progress(_) => {}
                    });
                    last = out.len();
                    // The caller stops at a broken record or when it has stopped listening.
                    if tx.send(out).is_err() || broken {
                        return;
                    }
                }
            });
            let mut map = mapper();
            for (k, &chunk) in chunks.iter().enumerate() {
                let mut broken = false;
                if mine(k) {
                    self.scan(chunk, |event| match event {
                        Scanned::Row(row) => apply(map(&row), &row.at, sink),
                        Scanned::Reject(r) => sink.reject(r),
                        Scanned::Broken(r) => {
                            broken = true;
                            sink.reject(r);
                        }
                        Scanned::Progress(byte) => sink.progress(byte),
                    });
                } else {
                    let Ok(rows) = rx.recv() else { break };
                    for d in rows {
                        match d {
                            Deferred::Row(line, byte, t) => {
                                let at = At {
                                    file: self,
                                    line,
                                    byte,
                                };
                                apply(t, &at, sink);
                            }
                            Deferred::Reject(r) => sink.reject(r),
                            Deferred::Broken(r) => {
                                broken = true;
                                sink.reject(r);
                            }
                        }
                    }
                    sink.progress(chunk.end as u64);
                }
                // Every row of the chunk has been taken: its mapped pages (tls212 alone is
                // gigabytes) need not count in resident memory any more.
                self.input.text.release(chunk.start..chunk.end);
                if broken {
                    break;
                }
            }
            // Dropping the receiver ends the second thread if it is still reading.
            drop(rx);
        });
        sink.progress(self.input.text.len() as u64);
    }

    /// The file cut into chunks of about `every` bytes, each starting where a record starts
    /// (the first chunk holds the header); one chunk for a file of less than two.
    fn chunks(&self, every: usize) -> Vec<Chunk> {
        let text = self.input.text.as_bytes();
        let mut chunks: Vec<Chunk> = Vec::new();
        let (mut start, mut lines_before) = (0usize, 0u64);
        // Each chunk is cut as soon as its end is found: its lines are counted and, the
        // finding and counting having read every page of it, a mapped file's pages are let
        // go until the chunk is read (the whole of tls212 resident at once, 3.4 GB at 10M
        // applications, was the ingest's peak).
        let mut cut = |end: usize| {
            chunks.push(Chunk {
                start,
                end,
                lines_before,
            });
            // A plain counting loop vectorises; memchr_iter stops at every line end.
            lines_before += text[start..end].iter().filter(|&&b| b == b'\n').count() as u64;
            self.input.text.release(start..end);
            start = end;
        };
        if text.len() >= 2 * every {
            each_record_start(text, self.delim, every, &mut cut);
        }
        cut(text.len());
        chunks
    }

    /// Reads the rows of one chunk and reports each row, rejected row and progress point to
    /// `each`; a record the csv reader cannot read ends the chunk (and, by the callers, the
    /// file), as the reader cannot resume inside it reliably.
    fn scan(&self, chunk: Chunk, mut each: impl FnMut(Scanned<'_>)) {
        let whole = self.input.text.as_bytes();
        let text = &self.input.text[chunk.start..chunk.end];
        let mut rdr = reader(text, self.delim, chunk.start == 0);
        if chunk.start == 0 {
            let _ = rdr.headers();
        }
        let mut rec = StringRecord::new();
        let mut n: u64 = 0;
        let mut counted = vec![0u64; self.mapped.len()];
        let mut lines = LineCounter {
            byte: chunk.start,
            line: chunk.lines_before,
        };
        let base = chunk.start as u64;
        loop {
            let byte = base + rdr.position().byte();
            let line = lines.line_at(whole, byte);
            match rdr.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    each(Scanned::Broken(Rejection {
                        file: self.input.name.clone(),
                        location: Location::Line(line.max(1)),
                        field: None,
                        reason: format!("{} row is not valid CSV: {e}", self.table),
                        excerpt: text_excerpt(&self.input.text, byte),
                    }));
                    break;
                }
            }
            // The csv crate places a record after CRLF at the `\n` and counts lines one short,
            // so the line is recounted from the byte offset of the record's first character.
            let mut byte = rec.position().map_or(byte, |p| base + p.byte());
            while matches!(whole.get(byte as usize), Some(b'\r' | b'\n')) {
                byte += 1;
            }
            let line = lines.line_at(whole, byte);
            n += 1;
            if n.is_multiple_of(PROGRESS_EVERY) {
                each(Scanned::Progress(byte));
            }
            // A blank line inside the file carries no record.
            if rec.len() <= 1 && rec.get(0).is_none_or(|s| s.trim().is_empty()) {
                continue;
            }
            let row = Row {
                at: At {
                    file: self,
                    line,
                    byte,
                },
                rec: &rec,
            };
            if rec.len() != self.ncols {
                let swallowed = rec.iter().any(|f| f.contains('\n'));
                let mut reason = format!(
                    "{} row has {} fields, the header has {}",
                    self.table,
                    rec.len(),
                    self.ncols
                );
                if swallowed {
                    reason.push_str(" (a field spans lines: probably an unclosed quote)");
                }
                each(Scanned::Reject(row.rejection(None, reason)));
                continue;
            }
            self.count(&rec, &mut counted);
            each(Scanned::Row(row));
        }
        self.flush(&counted);
    }
}

/// A part of a file that starts where a record starts.
#[derive(Clone, Copy)]
struct Chunk {
    start: usize,
    end: usize,
    /// Line ends before `start`.
    lines_before: u64,
}

/// What [`TableFile::scan`] finds.
enum Scanned<'r> {
    Row(Row<'r>),
    Reject(Rejection),
    /// A record the csv reader cannot read: the file is not read on.
    Broken(Rejection),
    Progress(u64),
}

/// A row mapped on the second thread, with its line and byte offset, or a rejection there.
enum Deferred<T> {
    Row(u64, u64, T),
    Reject(Rejection),
    Broken(Rejection),
}

/// The offsets [`each_record_start`] finds, as a list.
#[cfg(test)]
fn record_starts(text: &[u8], delim: u8, every: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    each_record_start(text, delim, every, |s| starts.push(s));
    starts
}

/// Hands `found` byte offsets, about `every` bytes apart and in increasing order, where
/// records start, each as soon as it is found: each just past a line end that is not inside
/// a quoted field, by the quoting rules the csv reader applies (a quote opens a field only at
/// its start; `""` inside a quoted field is a quote). The first offset is at least `every`;
/// none is at the end of `text`.
fn each_record_start(text: &[u8], delim: u8, every: usize, mut found: impl FnMut(usize)) {
    let (mut pos, mut quoted) = (0usize, false);
    let mut target = every;
    while target < text.len() {
        if quoted {
            let Some(q) = memchr::memchr(b'"', &text[pos..]).map(|i| pos + i) else {
                // An unclosed quote runs to the end: no record starts after it.
                break;
            };
            if text.get(q + 1) == Some(&b'"') {
                pos = q + 2;
            } else {
                quoted = false;
                pos = q + 1;
            }
            continue;
        }
        let from = pos.max(target);
        let line_end = memchr::memchr(b'\n', &text[from..]).map(|i| from + i);
        // Only quotes before that line end matter (a search to the end of the text for
        // every chunk would read a quote-free file once per chunk).
        let upto = line_end.unwrap_or(text.len());
        let quote = memchr::memchr(b'"', &text[pos..upto]).map(|i| pos + i);
        match (quote, line_end) {
            (Some(q), _) => {
                quoted = q == 0 || matches!(text[q - 1], b'\n' | b'\r') || text[q - 1] == delim;
                pos = q + 1;
            }
            (_, Some(nl)) if nl + 1 < text.len() => {
                found(nl + 1);
                pos = nl + 1;
                target = pos + every;
            }
            _ => break,
        }
    }
}

/// Turns increasing byte offsets into 1-based line numbers in linear total time.
#[derive(Default)]
struct LineCounter {
    byte: usize,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, text: &[u8], byte: u64) -> u64 {
        let to = (byte as usize).min(text.len());
        if to < self.byte {
            *self = LineCounter::default();
        }
        self.line += text[self.byte..to].iter().filter(|&&b| b == b'\n').count() as u64;
        self.byte = to;
        self.line + 1
    }
}

fn reader(text: &str, delim: u8, headers: bool) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(headers)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// The first line of the record starting at `byte`, cut for an excerpt.
fn text_excerpt(text: &str, byte: u64) -> String {
    let rest = text.get(byte as usize..).unwrap_or("");
    excerpt(rest.lines().next().unwrap_or(""), 200)
}

/// Opens every input as a table file (separator sniffed among `delims`) and names its table
/// with `classify`; `what` names the format in the error for a file without a header row.
pub(crate) fn open_tables<'a, T: Copy>(
    inputs: &[&'a Input],
    delims: &[u8],
    what: &str,
    classify: impl Fn(&TableFile<'a>, &[String]) -> Result<T, String>,
    name: impl Fn(T) -> &'static str,
) -> Result<Vec<(T, TableFile<'a>)>, IngestError> {
    let mut files = Vec::new();
    for input in inputs {
        let delim = sniff_delimiter(&input.text, delims);
        let Some((mut t, names)) = TableFile::open(input, delim) else {
            return Err(IngestError::Malformed {
                path: input.name.clone(),
                message: format!("empty file: no {what} header row"),
            });
        };
        let malformed = |message| IngestError::Malformed {
            path: input.name.clone(),
            message,
        };
        // Every column counts as read: which columns a table reads depends on the table.
        if let Some(message) = crate::csv_rows::duplicate_column(&names, |_| true) {
            return Err(malformed(message));
        }
        let table = classify(&t, &names).map_err(malformed)?;
        t.table = name(table);
        files.push((table, t));
    }
    Ok(files)
}

/// Reads the rows of a primary table (one row per record, keyed by the id `row_fn` returns); a
/// repeated id is rejected, naming the `id_col` and where the id first appeared (`location`).
pub(crate) fn keyed_rows<'a, S>(
    files: impl Iterator<Item = &'a TableFile<'a>>,
    sink: &mut dyn Sink,
    id_col: &'static str,
    row_fn: impl Fn(&Row<'_>) -> Result<(String, S), (&'static str, String)>,
    location: impl Fn(&S) -> String,
) -> (Vec<S>, HashMap<String, usize>) {
    let mut slots: Vec<S> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for f in files {
        f.for_each_row(sink, |row, sink| match row_fn(row) {
            Ok((id, slot)) => {
                if let Some(&first) = by_id.get(&id) {
                    let at = location(&slots[first]);
                    row.reject(
                        sink,
                        Some(id_col),
                        format!("duplicate {id_col} {id} (first at {at})"),
                    );
                } else {
                    by_id.insert(id, slots.len());
                    slots.push(slot);
                }
            }
            Err((field, reason)) => row.reject(sink, Some(field), reason),
        });
    }
    (slots, by_id)
}

/// Where a row of a [`TableFile`] starts, for its provenance, rejection or skip.
pub(crate) struct At<'r> {
    pub file: &'r TableFile<'r>,
    pub line: u64,
    pub byte: u64,
}

/// One data row of a [`TableFile`]: where it starts and its fields.
pub(crate) struct Row<'r> {
    pub at: At<'r>,
    pub rec: &'r StringRecord,
}

impl<'r> std::ops::Deref for Row<'r> {
    type Target = At<'r>;
    fn deref(&self) -> &At<'r> {
        &self.at
    }
}

impl Row<'_> {
    /// The trimmed value of a column, `""` when the table lacks it.
    pub fn get(&self, col: &str) -> &str {
        self.file
            .index(col)
            .and_then(|i| self.rec.get(i))
            .map(str::trim)
            .unwrap_or("")
    }
}

impl At<'_> {
    pub fn location(&self) -> Location {
        Location::Line(self.line)
    }

    pub fn provenance(&self) -> Provenance {
        Provenance {
            source_file: self.file.input.file_index,
            location: self.location().to_lean_string(),
        }
    }

    /// Rejects a row the reader read (and counted): the whole record, not one value.
    pub fn reject(&self, sink: &mut dyn Sink, field: Option<&str>, reason: String) {
        self.file.uncount(self.byte);
        sink.reject(self.rejection(field, reason));
    }

    /// Reports a value of this row, whose record is kept, as rejected: not stored.
    pub fn reject_value(&self, sink: &mut dyn Sink, column: &str, value: &str, reason: String) {
        sink.field_note(self.value_note(column, value, reason));
    }

    /// The note of a value of this row that is not stored.
    pub fn value_note(&self, column: &str, value: &str, reason: String) -> crate::FieldNote {
        let file = &self.file.input.name;
        crate::csv_rows::rejected_value(file, self.line, column, value, reason)
    }

    pub fn rejection(&self, field: Option<&str>, reason: String) -> Rejection {
        Rejection {
            file: self.file.input.name.clone(),
            location: self.location(),
            field: field.map(str::to_string),
            reason,
            excerpt: text_excerpt(&self.file.input.text, self.byte),
        }
    }

    pub fn skip(&self, sink: &mut dyn Sink, kind: String) {
        sink.skip(self.skip_of(kind));
    }

    pub fn skip_of(&self, kind: String) -> Skip {
        Skip {
            file: self.file.input.name.clone(),
            location: self.location(),
            kind,
        }
    }
}

/// The names of the files a reader's records come from, by their index (the records'
/// `provenance.source_file`), for a reader that hands records over after it has let its
/// inputs go.
pub(crate) struct RecordFiles {
    files: Vec<(u32, String)>,
}

impl RecordFiles {
    pub fn of<'i>(inputs: impl Iterator<Item = &'i Input>) -> RecordFiles {
        RecordFiles {
            files: inputs.map(|i| (i.file_index, i.name.clone())).collect(),
        }
    }

    /// Hands `rec` to the sink; a refusal is returned naming the file the record came from
    /// (the first file when the inputs share one index, as inputs not numbered by a
    /// dataset do).
    pub fn record(&self, sink: &mut dyn Sink, rec: PatentRecord) -> Result<(), IngestError> {
        let source_file = rec.app.provenance.source_file;
        sink.record(rec).map_err(|source| {
            let path = self
                .files
                .iter()
                .find(|(i, _)| *i == source_file)
                .or(self.files.first())
                .map_or_else(String::new, |(_, name)| name.clone());
            IngestError::Sink { path, source }
        })
    }
}

/// Picks the separator that splits the header line into the most columns (outside quotes).
pub(crate) fn sniff_delimiter(text: &str, candidates: &[u8]) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let mut best = (0usize, candidates[0]);
    for &d in candidates {
        let mut in_quotes = false;
        let mut n = 0;
        for b in first.bytes() {
            if b == b'"' {
                in_quotes = !in_quotes;
            } else if b == d && !in_quotes {
                n += 1;
            }
        }
        if n > best.0 {
            best = (n, d);
        }
    }
    best.1
}

/// Orders deferred skips by file and position, so they come out in input order.
pub(crate) fn skip_order(s: &Skip) -> (String, u64) {
    let at = match s.location {
        Location::Line(n) | Location::Record(n) | Location::Byte(n) => n,
    };
    (s.file.clone(), at)
}

/// A value of a kept row that is not stored: its column, raw text and why.
pub(crate) type ValueNote = (&'static str, Box<str>, String);

/// Reads an optional value: one that cannot be read is noted in `notes` and left out, and
/// the row is kept.
pub(crate) fn optional<T>(
    row: &Row<'_>,
    col: &'static str,
    notes: &mut Vec<ValueNote>,
    read: impl FnOnce(&str) -> Result<Option<T>, String>,
) -> Option<T> {
    let raw = row.get(col);
    read(raw)
        .map_err(|reason| notes.push((col, raw.into(), reason)))
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<Vec<String>> {
        let mut rdr = reader(text, b',', false);
        rdr.records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    proptest::proptest! {
        /// Cutting a text at the record starts found changes no record the csv reader reads,
        /// whatever quoting the fields use (quoted line ends and separators, doubled quotes,
        /// a quote inside an unquoted field).
        #[test]
        fn record_starts_cut_between_records(
            rows in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::prop_oneof![
                        "[a-z0-9]{0,6}",
                        "\"[a-z,\n]{0,6}\"",
                        "\"[a-z]{0,3}\"\"[a-z\n]{0,3}\"",
                        "[a-z]{1,3}\"[a-z]{0,3}",
                    ],
                    1..5,
                ),
                1..40,
            ),
            crlf in proptest::bool::ANY,
            every in 1usize..60,
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let text: String = rows.iter().map(|r| r.join(",") + end).collect();
            let whole = parse(&text);
            let starts = record_starts(text.as_bytes(), b',', every);
            let mut pieces = Vec::new();
            let mut from = 0;
            for &s in starts.iter().chain([text.len()].iter()) {
                proptest::prop_assert!(s > from || s == text.len());
                pieces.extend(parse(&text[from..s]));
                from = s;
            }
            proptest::prop_assert_eq!(pieces, whole);
        }
    }

    #[test]
    fn delimiter_sniffing() {
        assert_eq!(sniff_delimiter("a;b;c\n", b",;\t"), b';');
        assert_eq!(sniff_delimiter("a,b,\"c;d\"\n", b",;\t"), b',');
        assert_eq!(sniff_delimiter("a\tb\n", b",;\t"), b'\t');
    }
}
