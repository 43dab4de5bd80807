//! Forward citations computed from the data's own backward citation lists: every record's
//! `citations` are resolved to applications of the dataset and the edges inverted, so each
//! application learns which applications of the dataset cite it.
//!
//! Resolution of one cited document, first hit wins:
//! 1. its source id (PATSTAT `pat_publn_id` or `appln:<appln_id>`, Lens ID) against the
//!    source ids of publications, `appln:<id>` of applications, and non-numeric application
//!    source ids (Lens IDs; purely numeric ids are database ids whose namespace — application
//!    or publication — cannot be told apart, so they are only used through the two forms
//!    before);
//! 2. office + number against the publications of the dataset, kind-insensitively: both sides
//!    go through [`doc_key`] (cleaned, office prefix, kind suffix and leading zeros removed),
//!    so `US 8,123,456 B2`, `US08123456` and `8123456` + kind `B2` agree, and a US pre-grant
//!    publication meets in its DOCDB form (`20120057518` -> `2012057518`);
//! 3. only for a citation without a kind code (PATSTAT `cited_appln_id` citations carry
//!    none): office + number against application keys ([`app_doc_key`]). A citation with a
//!    kind names a publication, and US grant numbers can equal another application's serial
//!    number, so it never falls back to application keys.
//!
//! A key claimed by two applications keeps the first one (lowest record index) and is
//! counted in [`CitationStats::ambiguous_keys`]. Unresolved citations (documents outside the
//! dataset) are counted, never silently dropped. An application citing itself (e.g. its own
//! earlier publication) is a self-loop and is ignored; the same citing-cited pair seen
//! twice (cited from the A1 and the B1, or listed twice) counts once.
//!
//! Edges are stored as a compressed sparse row (CSR) structure of `u32` indices grouped by
//! cited application, built by counting sort: time and memory linear in records + citations.

use std::hash::BuildHasher;

use chrono::{Months, NaiveDate};
use patq_model::{AppFields, PatentRecord, Text};
use serde::Serialize;

use crate::families::Families;

/// What happened to the citations of the dataset.
/// `seen = resolved + unresolved`; `resolved = self_loops + duplicates + edges`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CitationStats {
    /// Patent citations in all records' lists.
    pub seen: u64,
    /// Citations resolved to an application of the dataset.
    pub resolved: u64,
    pub resolved_by_source_id: u64,
    pub resolved_by_publication: u64,
    pub resolved_by_application: u64,
    /// Citations to documents outside the dataset.
    pub unresolved: u64,
    /// Resolved citations from an application to itself, ignored.
    pub self_loops: u64,
    /// Resolved citations repeating a citing-cited pair already counted, ignored.
    pub duplicates: u64,
    /// Distinct citing-cited pairs of distinct applications: the forward citations.
    pub edges: u64,
    /// Lookup keys claimed by more than one application (the first one keeps the key), in
    /// the tables resolution built: the number tables only exist once a citation needed them
    /// (see `DocIndex`), so citations that all resolve by source id count source ids only.
    pub ambiguous_keys: u64,
}

/// Distinct sources per target, targets `0..n`: `src[off[t]..off[t + 1]]`, sorted ascending.
#[derive(Clone, Debug, Default)]
struct Csr {
    off: Vec<usize>,
    src: Vec<u32>,
}

impl Csr {
    /// Groups `(source, target)` pairs by target with a counting sort, then sorts and
    /// deduplicates each (small) group. Returns the structure and the number of duplicates.
    fn build(n: usize, pairs: &[(u32, u32)]) -> (Csr, u64) {
        let groups = patq_model::Groups::new(pairs.iter().map(|&(_, t)| t), n);
        let mut off = Vec::with_capacity(n + 1);
        off.push(0usize);
        let mut src = Vec::with_capacity(pairs.len());
        let mut group = Vec::new();
        for t in 0..n {
            group.clear();
            group.extend(groups.of(t).iter().map(|&k| pairs[k as usize].0));
            group.sort_unstable();
            group.dedup();
            src.extend_from_slice(&group);
            off.push(src.len());
        }
        let dups = (pairs.len() - src.len()) as u64;
        src.shrink_to_fit();
        (Csr { off, src }, dups)
    }

    fn of(&self, t: usize) -> &[u32] {
        &self.src[self.off[t]..self.off[t + 1]]
    }

    fn counts(&self) -> Vec<u32> {
        self.off.windows(2).map(|w| (w[1] - w[0]) as u32).collect()
    }
}

/// The lookup key of a publication or cited document: office + cleaned number without office
/// prefix, trailing kind code (`B2`, `A`, `U1` after a digit) and leading zeros of the digit
/// run, e.g. `("US", "08123456B2", Some("B2"))` -> `US8123456`. Kind-insensitive on purpose:
/// a citation names a document, and the A1 and B1 of one application resolve to it anyway.
pub fn doc_key(office: &str, number: &str, kind: Option<&str>) -> String {
    let mut out = String::new();
    doc_key_into(office, number, kind, &mut out);
    out
}

/// [`doc_key`] written into `out` (cleared first): resolution asks one key of each of
/// millions of cited documents, most of them outside the dataset, so the key is built in a
/// reused buffer instead of a chain of temporary strings.
pub fn doc_key_into(office: &str, number: &str, kind: Option<&str>, out: &mut String) {
    let start = office_then_number(office, number, out);
    if start > 0 && out.len() > 2 * start && out[start..].starts_with(&out[..start]) {
        out.replace_range(start..2 * start, "");
    }
    // The cleaned kind code, compared from the end without building it.
    let kind_len = kind.map_or(0, |k| cleaned(k).count());
    if kind_len > 0 && out.len() >= start + kind_len {
        let tail = out.len() - kind_len;
        let matches = kind
            .into_iter()
            .flat_map(cleaned)
            .zip(out[tail..].bytes())
            .all(|(k, n)| k == n);
        if matches && out[start..tail].ends_with(|c: char| c.is_ascii_digit()) {
            out.truncate(tail);
        }
    }
    let end = start + strip_kind_suffix(&out[start..]).len();
    out.truncate(end);
    if &out[..start] == "US" {
        let n = &out[start..];
        if n.len() == 11
            && n.bytes().all(|b| b.is_ascii_digit())
            && (n.starts_with("19") || n.starts_with("20"))
            && n.as_bytes()[4] == b'0'
        {
            // US pre-grant publications are written `20120057518` by the USPTO (year +
            // 7-digit serial) but `2012057518` in DOCDB (EPO OPS, PATSTAT): the serial's
            // leading zero is dropped, so both forms meet at the DOCDB one.
            out.remove(start + 4);
        }
    }
    strip_leading_zeros(out, start);
}

/// The lookup key of an application: its [`app_key`] with leading zeros of the number's digit
/// run removed (no kind stripping: CN application numbers end in a check character).
pub fn app_doc_key(office: &str, number: &str) -> String {
    let mut out = String::new();
    app_doc_key_into(office, number, &mut out);
    out
}

/// [`app_doc_key`] written into `out` (cleared first).
pub fn app_doc_key_into(office: &str, number: &str, out: &mut String) {
    let start = office_then_number(office, number, out);
    if start > 0 && out[start..].starts_with(&out[..start]) {
        out.replace_range(start..2 * start, "");
    }
    strip_leading_zeros(out, start);
}

/// Writes the normalised office then the cleaned number (as [`patq_model::normalize_office`] and
/// [`patq_model::clean_number`] give them) into `out`; returns where the number starts.
fn office_then_number(office: &str, number: &str, out: &mut String) -> usize {
    out.clear();
    out.extend(office.trim().chars().map(|c| c.to_ascii_uppercase()));
    let start = out.len();
    out.extend(cleaned(number).map(char::from));
    start
}

/// The bytes of [`patq_model::clean_number`]`(raw)`.
fn cleaned(raw: &str) -> impl Iterator<Item = u8> + '_ {
    raw.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_uppercase())
}

/// `1234567B2` -> `1234567`, `1234567A` -> `1234567`; a number not ending in letter(+digit)
/// after a digit is returned whole.
fn strip_kind_suffix(n: &str) -> &str {
    let b = n.as_bytes();
    let mut end = b.len();
    if end >= 2 && b[end - 1].is_ascii_digit() && b[end - 2].is_ascii_alphabetic() {
        end -= 1;
    }
    if end >= 2 && b[end - 1].is_ascii_alphabetic() && b[end - 2].is_ascii_digit() {
        return &n[..end - 1];
    }
    n
}

/// Removes zeros at the start of the first digit run of `out[from..]` (`D0654321` ->
/// `D654321`, `08123456` -> `8123456`), as the USPTO reader writes US numbers; applied to
/// both sides of every lookup, so it only has to be consistent.
fn strip_leading_zeros(out: &mut String, from: usize) {
    let n = &out[from..];
    let split = n.find(|c: char| c.is_ascii_digit()).unwrap_or(n.len());
    let rest = &n[split..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let zeros = rest.bytes().take_while(|&b| b == b'0').count();
    // An all-zero run keeps one zero, so `0` stays a number.
    let drop = if zeros == digits {
        zeros.saturating_sub(1)
    } else {
        zeros
    };
    let at = from + split;
    out.replace_range(at..at + drop, "");
}

/// How a cited document was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    SourceId,
    Publication,
    Application,
}

/// Source ids (PATSTAT publication and application ids, Lens IDs) to record indices; the
/// first record claiming an id keeps it, another one is counted as ambiguous.
type IdMap<'a> = patq_model::IdMap<&'a str, u32>;

/// [`IdMap`] owning its text ids: the publications' ids may come from a streamed table.
type OwnedIdMap = patq_model::IdMap<Text, u32>;

/// Claims `id` for record `i` in a source-id map: the first record keeps it, another one
/// counts as ambiguous. `S` is the map's id text: borrowed from the records, or a [`Text`]
/// (a numeric id is held as its integer, its inline `Text` dropped, so only text ids such as
/// Lens IDs are copied).
fn claim<S>(m: &mut patq_model::IdMap<S, u32>, id: S, i: u32, amb: &mut u64)
where
    S: std::borrow::Borrow<str> + std::hash::Hash + Eq,
{
    if *m.get_or_insert(id, i) != i {
        *amb += 1;
    }
}

/// A source-id map of the ids gathered in record order, numeric (`nums`, PATSTAT's: nearly
/// all) and text ones, each claimed as [`claim`] does, with the claims found ambiguous. The
/// numeric ids are placed at once ([`patq_model::IdMap::from_num_pairs_first`]) instead of
/// hashed one by one into a table grown by doubling.
fn claimed<S>(nums: Vec<(u64, u32)>, texts: Vec<(S, u32)>) -> (patq_model::IdMap<S, u32>, u64)
where
    S: std::borrow::Borrow<str> + std::hash::Hash + Eq,
{
    let mut amb = 0;
    let mut m = patq_model::IdMap::from_num_pairs_first(&nums, |&kept, &other| {
        amb += u64::from(kept != other);
    });
    drop(nums);
    for (id, i) in texts {
        claim(&mut m, id, i, &mut amb);
    }
    (m, amb)
}

/// The result of a scoped thread, its panic passed on.
fn joined<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// Document keys (millions: one per publication and application) copied into one buffer
/// and found by content, so building the index allocates no string per key and dropping it
/// frees no string per key.
struct KeyTable {
    bytes: String,
    /// (start in `bytes`, length, record index).
    table: hashbrown::HashTable<(usize, u32, u32)>,
    hasher: foldhash::fast::RandomState,
}

impl KeyTable {
    fn with_capacity(n: usize) -> KeyTable {
        KeyTable {
            bytes: String::new(),
            table: hashbrown::HashTable::with_capacity(n),
            hasher: Default::default(),
        }
    }

    fn get(&self, k: &str) -> Option<u32> {
        let h = self.hasher.hash_one(k);
        self.table
            .find(h, |&(s, l, _)| &self.bytes[s..s + l as usize] == k)
            .map(|e| e.2)
    }

    /// As [`claim`]: the first record keeps a key; another one claiming it is ambiguous.
    fn claim(&mut self, k: &str, i: u32, amb: &mut u64) {
        let KeyTable {
            bytes,
            table,
            hasher,
        } = self;
        let h = hasher.hash_one(k);
        match table.find(h, |&(s, l, _)| &bytes[s..s + l as usize] == k) {
            Some(&(_, _, j)) if j != i => *amb += 1,
            Some(_) => {}
            None => {
                let start = bytes.len();
                bytes.push_str(k);
                table.insert_unique(h, (start, k.len() as u32, i), |&(s, l, _)| {
                    hasher.hash_one(&bytes[s..s + l as usize])
                });
            }
        }
    }
}

/// The number of one publication as the citation index reads it, borrowed from a record or
/// from a row of a streamed publications table.
#[derive(Clone, Copy, Debug, Default)]
pub struct PubDoc<'a> {
    pub office: &'a str,
    pub number: &'a str,
    pub kind: &'a str,
}

/// The publications of the records a citation graph is built over: the records' own lists
/// ([`RecordPublications`]), or a table read on demand when the records were loaded without
/// them (a dataset's publications are about 1.2 per application; held in the records they
/// were ~10% of the indicators' memory at 10M applications).
pub trait Publications: Sync {
    type Error: Send;

    /// Calls `f(record index, source id)` for every publication with a source id, in record
    /// order and each record's publications in their order.
    fn source_ids(&self, f: &mut dyn FnMut(usize, &str)) -> Result<(), Self::Error>;

    /// Calls `f(record index, publication)` for every publication, in the same order. Only a
    /// citation named by number needs it, so a table behind it is read only then.
    fn numbers(&self, f: &mut dyn FnMut(usize, PubDoc<'_>)) -> Result<(), Self::Error>;
}

/// The publications the records hold.
#[derive(Clone, Copy)]
pub struct RecordPublications<'a>(pub &'a [PatentRecord]);

impl Publications for RecordPublications<'_> {
    type Error = std::convert::Infallible;

    fn source_ids(&self, f: &mut dyn FnMut(usize, &str)) -> Result<(), Self::Error> {
        for (i, r) in self.0.iter().enumerate() {
            for id in r.publications.iter().filter_map(|p| p.source_id.as_deref()) {
                f(i, id);
            }
        }
        Ok(())
    }

    fn numbers(&self, f: &mut dyn FnMut(usize, PubDoc<'_>)) -> Result<(), Self::Error> {
        for (i, r) in self.0.iter().enumerate() {
            for p in &r.publications {
                let doc = PubDoc {
                    office: &p.office,
                    number: &p.number,
                    kind: &p.kind,
                };
                f(i, doc);
            }
        }
        Ok(())
    }
}

/// Lookup tables from document identifiers to record indices. The source-id tables are built
/// up front; the two number tables (steps 2 and 3 of the module docs) only when a citation
/// first needs them, since a dataset whose citations all resolve by source id, or name
/// documents outside it by placeholder, never does (PATSTAT: at 10M applications they were
/// 22M keys built and probed by nobody).
struct DocIndex<'a, P: Publications, R: AppFields> {
    records: &'a [R],
    pubs: P,
    source: OwnedIdMap,
    /// `appln:<id>` keys, kept apart so no string has to be built per record.
    appln: IdMap<'a>,
    /// The number tables once a citation needed them, or why they could not be read.
    numbers: std::cell::OnceCell<Result<NumberTables, P::Error>>,
    ambiguous: u64,
}

/// Publication and application numbers as document keys ([`doc_key`], [`app_doc_key`]).
struct NumberTables {
    publication: KeyTable,
    application: KeyTable,
    ambiguous: u64,
}

impl NumberTables {
    /// The two tables are independent, so they are filled on two threads; a key claimed
    /// twice counts as ambiguous in its own table, so the total is the same in any order.
    fn build<P: Publications, R: AppFields>(
        records: &[R],
        pubs: &P,
    ) -> Result<NumberTables, P::Error> {
        let n = records.len();
        let (publication, (application, a2)) = std::thread::scope(|s| {
            let publication = s.spawn(|| {
                let (mut t, mut amb, mut key) = (KeyTable::with_capacity(n * 2), 0, String::new());
                pubs.numbers(&mut |i, p| {
                    if !p.number.is_empty() {
                        doc_key_into(p.office, p.number, Some(p.kind), &mut key);
                        t.claim(&key, i as u32, &mut amb);
                    }
                })
                .map(|()| (t, amb))
            });
            let (mut t, mut amb, mut key) = (KeyTable::with_capacity(n), 0, String::new());
            for (i, r) in records.iter().enumerate() {
                if !r.number().is_empty() {
                    app_doc_key_into(r.office(), r.number(), &mut key);
                    t.claim(&key, i as u32, &mut amb);
                }
            }
            (joined(publication), (t, amb))
        });
        let (publication, a1) = publication?;
        Ok(NumberTables {
            publication,
            application,
            ambiguous: a1 + a2,
        })
    }
}

impl<'a, P: Publications, R: AppFields> DocIndex<'a, P, R> {
    /// The two source-id tables are independent, so they are filled on two threads.
    fn build(records: &'a [R], pubs: P) -> Result<DocIndex<'a, P, R>, P::Error> {
        let n = records.len();
        let (source, (appln, a2)) = std::thread::scope(|s| {
            let source = s.spawn(|| {
                let (mut nums, mut texts) = (Vec::new(), Vec::new());
                pubs.source_ids(&mut |i, id| match patq_model::canonical_id(id) {
                    Some(k) => nums.push((k, i as u32)),
                    None if !id.is_empty() => texts.push((Text::from(id), i as u32)),
                    None => {}
                })?;
                let (mut m, amb) = claimed(nums, texts);
                // Non-numeric application ids (Lens IDs) after publication ids, so a
                // publication id is never shadowed by another record's application id.
                for (i, r) in records.iter().enumerate() {
                    if let Some(id) = r
                        .source_id()
                        .filter(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()))
                        && m.get(id).is_none()
                    {
                        claim(&mut m, Text::from(id), i as u32, &mut 0);
                    }
                }
                Ok((m, amb))
            });
            let (mut nums, mut texts) = (Vec::with_capacity(n), Vec::new());
            for (i, r) in records.iter().enumerate() {
                if let Some(id) = r.source_id().filter(|s| !s.is_empty()) {
                    match patq_model::canonical_id(id) {
                        Some(k) => nums.push((k, i as u32)),
                        None => texts.push((id, i as u32)),
                    }
                }
            }
            let (appln, amb) = claimed(nums, texts);
            (joined(source), (appln, amb))
        });
        let (source, a1) = source?;
        Ok(DocIndex {
            records,
            pubs,
            source,
            appln,
            numbers: std::cell::OnceCell::new(),
            ambiguous: a1 + a2,
        })
    }

    /// Keys claimed twice in the tables built so far.
    fn ambiguous(&self) -> u64 {
        let numbers = self.numbers.get().and_then(|t| t.as_ref().ok());
        self.ambiguous + numbers.map_or(0, |t| t.ambiguous)
    }

    /// `key` is scratch space for the document keys.
    fn resolve(&self, c: &CitedDoc<'_>, key: &mut String) -> Option<(u32, Via)> {
        if let Some(s) = c.source_id.filter(|s| !s.is_empty()) {
            let hit = match s.strip_prefix("appln:") {
                Some(id) => self.appln.get(id).copied(),
                None => self.source.get(s).copied(),
            };
            if let Some(j) = hit {
                return Some((j, Via::SourceId));
            }
        }
        let office = c.office.filter(|o| !o.trim().is_empty())?;
        // PATSTAT placeholders (`PATSTAT:123`) name documents outside the extract.
        if c.number.is_empty() || c.number.contains(':') {
            return None;
        }
        // A table that could not be read resolves nothing; the builder reports why.
        let numbers = self
            .numbers
            .get_or_init(|| NumberTables::build(self.records, &self.pubs))
            .as_ref()
            .ok()?;
        doc_key_into(office, c.number, c.kind, key);
        if let Some(j) = numbers.publication.get(key) {
            return Some((j, Via::Publication));
        }
        if c.kind.is_none_or(|k| k.trim().is_empty()) {
            app_doc_key_into(office, c.number, key);
            if let Some(j) = numbers.application.get(key) {
                return Some((j, Via::Application));
            }
        }
        None
    }
}

/// The fields of a backward citation that resolution looks at, borrowed: from a
/// [`patq_model::Citation`] or straight from a columnar citations table.
#[derive(Clone, Copy, Debug, Default)]
pub struct CitedDoc<'a> {
    pub office: Option<&'a str>,
    pub number: &'a str,
    pub kind: Option<&'a str>,
    pub source_id: Option<&'a str>,
}

impl<'a> CitedDoc<'a> {
    pub fn of(c: &'a patq_model::Citation) -> CitedDoc<'a> {
        CitedDoc {
            office: c.office.as_deref(),
            number: &c.number,
            kind: c.kind.as_deref(),
            source_id: c.source_id.as_deref(),
        }
    }
}

/// Builds a [`CitationGraph`] from citations fed one at a time, so a caller can stream them
/// (e.g. from the dataset's citations table) instead of holding every list in the records.
/// Feeding every record's `citations` in any order gives the same graph and statistics as
/// [`CitationGraph::build`].
pub struct CitationGraphBuilder<
    'a,
    P: Publications = RecordPublications<'a>,
    R: AppFields = PatentRecord,
> {
    records: &'a [R],
    index: DocIndex<'a, P, R>,
    stats: CitationStats,
    pairs: Vec<(u32, u32)>,
    key: String,
}

impl<'a> CitationGraphBuilder<'a> {
    /// Over the records' own publications.
    pub fn new(records: &'a [PatentRecord]) -> CitationGraphBuilder<'a> {
        let Ok(b) = CitationGraphBuilder::with_publications(records, RecordPublications(records));
        b
    }
}

impl<R: AppFields> CitationGraphBuilder<'_, RecordPublications<'_>, R> {
    /// The graph (the records' own publications cannot fail to be read).
    pub fn finish(self) -> CitationGraph {
        let Ok(g) = self.try_finish();
        g
    }
}

impl<'a, P: Publications, R: AppFields> CitationGraphBuilder<'a, P, R> {
    /// Over publications the records may not hold (see [`Publications`]); `records` are
    /// complete records or only their [`AppFields`].
    pub fn with_publications(
        records: &'a [R],
        pubs: P,
    ) -> Result<CitationGraphBuilder<'a, P, R>, P::Error> {
        Ok(CitationGraphBuilder {
            records,
            index: DocIndex::build(records, pubs)?,
            stats: CitationStats::default(),
            pairs: Vec::new(),
            key: String::new(),
        })
    }

    /// One citation made by record `citing`.
    pub fn add(&mut self, citing: usize, c: &CitedDoc<'_>) {
        let stats = &mut self.stats;
        stats.seen += 1;
        let Some((j, via)) = self.index.resolve(c, &mut self.key) else {
            stats.unresolved += 1;
            return;
        };
        stats.resolved += 1;
        match via {
            Via::SourceId => stats.resolved_by_source_id += 1,
            Via::Publication => stats.resolved_by_publication += 1,
            Via::Application => stats.resolved_by_application += 1,
        }
        if j as usize == citing {
            stats.self_loops += 1;
        } else {
            self.pairs.push((citing as u32, j));
        }
    }

    /// Citations fed so far.
    pub fn seen(&self) -> u64 {
        self.stats.seen
    }

    /// The graph, or the error of reading the publications when a citation needed their
    /// numbers and they could not be read.
    pub fn try_finish(self) -> Result<CitationGraph, P::Error> {
        let filing = self.records.iter().map(R::filing_date).collect();
        let mut g = CitationGraph::from_pairs(self.records.len(), self.pairs, filing);
        let mut stats = self.stats;
        stats.ambiguous_keys = self.index.ambiguous();
        if let Some(Err(e)) = self.index.numbers.into_inner() {
            return Err(e);
        }
        stats.duplicates = g.stats.duplicates;
        stats.edges = g.stats.edges;
        g.stats = stats;
        Ok(g)
    }
}

/// Forward citations of every application of a record set (indices = positions in the slice
/// given to [`CitationGraph::build`]).
#[derive(Clone, Debug)]
pub struct CitationGraph {
    /// Citing applications of each cited application, distinct and sorted.
    fwd: Csr,
    filing: Vec<Option<NaiveDate>>,
    pub stats: CitationStats,
}

/// Family-level forward citations over extended families.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FamilyCitations {
    /// Per extended family: distinct extended families, other than itself, with a member
    /// citing any of its members.
    pub per_family: Vec<u32>,
    /// Per application: distinct extended families, other than its own, with a member citing
    /// this application.
    pub per_app: Vec<u32>,
}

impl CitationGraph {
    /// Resolves and inverts the citation lists of `records` (see the module docs).
    pub fn build(records: &[PatentRecord]) -> CitationGraph {
        let mut b = CitationGraphBuilder::new(records);
        for (i, r) in records.iter().enumerate() {
            for c in &r.citations {
                b.add(i, &CitedDoc::of(c));
            }
        }
        b.finish()
    }

    /// A graph from resolved `(citing, cited)` pairs over applications `0..n`; self-loops and
    /// repeated pairs are dropped and counted. `filing` gives filing dates for
    /// [`CitationGraph::forward_within_years`] (empty: none known).
    pub fn from_edges(
        n: usize,
        pairs: &[(u32, u32)],
        filing: Vec<Option<NaiveDate>>,
    ) -> CitationGraph {
        CitationGraph::from_pairs(n, pairs.to_vec(), filing)
    }

    /// [`CitationGraph::from_edges`] on pairs handed over: self-loops are dropped in place, not
    /// into a copy of every pair.
    fn from_pairs(
        n: usize,
        mut kept: Vec<(u32, u32)>,
        mut filing: Vec<Option<NaiveDate>>,
    ) -> CitationGraph {
        let seen = kept.len();
        kept.retain(|(s, t)| s != t);
        let self_loops = (seen - kept.len()) as u64;
        let (fwd, duplicates) = Csr::build(n, &kept);
        drop(kept);
        filing.resize(n, None);
        let edges = fwd.src.len() as u64;
        CitationGraph {
            fwd,
            filing,
            stats: CitationStats {
                seen: seen as u64,
                resolved: seen as u64,
                self_loops,
                duplicates,
                edges,
                ..CitationStats::default()
            },
        }
    }

    pub fn len(&self) -> usize {
        self.filing.len()
    }

    pub fn is_empty(&self) -> bool {
        self.filing.is_empty()
    }

    /// True when at least one citation links two distinct applications of the dataset.
    pub fn has_edges(&self) -> bool {
        self.stats.edges > 0
    }

    /// Distinct applications citing application `i`, ascending.
    pub fn citing(&self, i: usize) -> &[u32] {
        self.fwd.of(i)
    }

    /// Number of distinct applications citing application `i`.
    pub fn forward(&self, i: usize) -> u32 {
        self.citing(i).len() as u32
    }

    /// [`CitationGraph::forward`] of every application.
    pub fn forward_counts(&self) -> Vec<u32> {
        self.fwd.counts()
    }

    /// Forward citations excluding self-citations: citing applications whose group equals the
    /// cited application's group are not counted. An unknown group (`None`) equals nothing,
    /// since nothing shows the two belong to one company.
    pub fn forward_excluding_group<G: Eq>(&self, groups: &[Option<G>]) -> Vec<u32> {
        (0..self.len())
            .map(|j| {
                let own = groups.get(j).and_then(Option::as_ref);
                self.citing(j)
                    .iter()
                    .filter(|&&s| {
                        own.is_none() || groups.get(s as usize).and_then(Option::as_ref) != own
                    })
                    .count() as u32
            })
            .collect()
    }

    /// Citations of application `i` by applications filed at most `years` years after it
    /// (citing filing date <= cited filing date + `years` calendar years; a citing
    /// application filed earlier than the cited one counts, since the lag is then below the
    /// window). None when `i` has no filing date; citing applications without one are not
    /// counted.
    pub fn forward_within_years(&self, i: usize, years: u32) -> Option<u32> {
        let start = self.filing[i]?;
        let end = start
            .checked_add_months(Months::new(years.saturating_mul(12)))
            .unwrap_or(NaiveDate::MAX);
        Some(
            self.citing(i)
                .iter()
                .filter(|&&s| self.filing[s as usize].is_some_and(|d| d <= end))
                .count() as u32,
        )
    }

    /// [`CitationGraph::forward_within_years`] of every application.
    pub fn forward_within_years_all(&self, years: u32) -> Vec<Option<u32>> {
        (0..self.len())
            .map(|i| self.forward_within_years(i, years))
            .collect()
    }

    /// Family-level counts over the extended families of `families` (built over the same
    /// records): citations from the cited application's own family (continuations, national
    /// phases citing their siblings) are excluded and each citing family counts once.
    pub fn family_citations(&self, families: &Families) -> FamilyCitations {
        let fam = &families.extended;
        let mut app_pairs = Vec::new();
        let mut fam_pairs = Vec::new();
        for j in 0..self.len() {
            let fj = fam[j];
            for &s in self.citing(j) {
                let fs = fam[s as usize];
                if fs != fj {
                    app_pairs.push((fs, j as u32));
                    fam_pairs.push((fs, fj));
                }
            }
        }
        let (per_app, _) = Csr::build(self.len(), &app_pairs);
        drop(app_pairs);
        let (per_family, _) = Csr::build(families.extended_count(), &fam_pairs);
        FamilyCitations {
            per_family: per_family.counts(),
            per_app: per_app.counts(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patq_model::{Citation, PubClass, Publication, app_key, clean_number, normalize_office};

    fn rec(office: &str, number: &str, pub_number: &str, kind: &str) -> PatentRecord {
        let mut r = PatentRecord::default();
        r.app.office = office.into();
        r.app.number = number.into();
        r.app.key = app_key(office, number);
        r.publications.push(Publication {
            office: office.into(),
            number: pub_number.into(),
            kind: kind.into(),
            date: None,
            class: PubClass::Application,
            source_id: None,
        });
        r
    }

    fn cite(office: Option<&str>, number: &str, kind: Option<&str>) -> Citation {
        Citation {
            office: office.map(Into::into),
            number: number.into(),
            kind: kind.map(Into::into),
            date: None,
            category: None,
            cited_by: None,
            source_id: None,
        }
    }

    /// The key functions as first written, with a string per step: the reference the
    /// buffer-reusing ones must equal.
    fn doc_key_reference(office: &str, number: &str, kind: Option<&str>) -> String {
        let office = normalize_office(office);
        let mut n = clean_number(number);
        if !office.is_empty()
            && let Some(rest) = n.strip_prefix(office.as_str())
            && !rest.is_empty()
        {
            n = rest.to_string();
        }
        let kind = kind.map(clean_number).filter(|k| !k.is_empty());
        if let Some(k) = kind
            && let Some(rest) = n.strip_suffix(k.as_str())
            && rest.ends_with(|c: char| c.is_ascii_digit())
        {
            n = rest.to_string();
        }
        n = strip_kind_suffix(&n).to_string();
        if office == "US"
            && n.len() == 11
            && n.bytes().all(|b| b.is_ascii_digit())
            && (n.starts_with("19") || n.starts_with("20"))
            && n.as_bytes()[4] == b'0'
        {
            n.remove(4);
        }
        let mut out = office;
        let from = out.len();
        out.push_str(&n);
        strip_leading_zeros(&mut out, from);
        out
    }

    fn app_doc_key_reference(office: &str, number: &str) -> String {
        let office = normalize_office(office);
        let k = app_key(&office, number);
        let mut out = office.clone();
        out.push_str(&k[office.len()..]);
        strip_leading_zeros(&mut out, office.len());
        out
    }

    proptest::proptest! {
        #[test]
        fn reused_buffer_keys_equal_reference(
            office in "[ uUsSeEpP区]{0,3}",
            number in "[uUsS0-9 ,/.AaBb区-]{0,14}",
            kind in proptest::option::of("[ AaBb12区]{0,3}"),
        ) {
            let mut buf = String::from("left over");
            doc_key_into(&office, &number, kind.as_deref(), &mut buf);
            proptest::prop_assert_eq!(&buf, &doc_key_reference(&office, &number, kind.as_deref()));
            app_doc_key_into(&office, &number, &mut buf);
            proptest::prop_assert_eq!(&buf, &app_doc_key_reference(&office, &number));
        }
    }

    #[test]
    fn doc_keys_agree_across_writings() {
        let k = "US8123456";
        assert_eq!(doc_key("US", "8123456", Some("B2")), k);
        assert_eq!(doc_key("us", "US08123456B2", None), k);
        assert_eq!(doc_key("US", "8,123,456", Some("B2")), k);
        assert_eq!(doc_key("US", "08123456", Some("B1")), k);
        assert_eq!(doc_key("US", "D0654321", Some("S")), "USD654321");
        assert_eq!(doc_key("EP", "EP2400812A1", Some("A1")), "EP2400812");
        assert_eq!(doc_key("CN", "104123456", Some("A")), "CN104123456");
        // USPTO and DOCDB forms of one US pre-grant publication (EPO OPS family of EP2400812).
        assert_eq!(doc_key("US", "20120057518", Some("A1")), "US2012057518");
        assert_eq!(doc_key("US", "2012/0057518", None), "US2012057518");
        assert_eq!(doc_key("US", "2012057518", Some("A1")), "US2012057518");
        assert_eq!(doc_key("WO", "0000", None), "WO0");
        assert_eq!(app_doc_key("US", "14/306,158"), "US14306158");
        // A CN check character is part of an application number.
        assert_eq!(app_doc_key("CN", "201510012345.X"), "CN201510012345X");
        let stripped = |n: &str| {
            let mut s = format!("X{n}");
            strip_leading_zeros(&mut s, 1);
            s
        };
        assert_eq!(stripped("00A"), "X0A");
        assert_eq!(stripped(""), "X");
        assert_eq!(stripped("D0654321"), "XD654321");
    }

    #[test]
    fn builder_fed_in_any_order_equals_build() {
        // a (0) cites b twice (one duplicate) and an outside document; b (1) cites a and
        // itself (a self-loop). Fed b's citations first, the graph and stats are the same:
        // seen 5 = resolved 4 + unresolved 1; resolved 4 = self-loop 1 + duplicate 1 +
        // edges 2 (a cites b, b cites a), so each is cited once.
        let mut a = rec("US", "1", "111", "A1");
        let mut b = rec("EP", "2", "222", "A1");
        a.citations = patq_model::thin_vec![
            cite(Some("EP"), "222", Some("A1")),
            cite(Some("EP"), "EP222", None),
            cite(Some("JP"), "999", Some("A")),
        ];
        b.citations = patq_model::thin_vec![
            cite(Some("US"), "111", Some("A1")),
            cite(Some("EP"), "222", Some("B1")),
        ];
        let recs = vec![a, b];
        let whole = CitationGraph::build(&recs);
        let mut builder = CitationGraphBuilder::new(&recs);
        for i in [1, 0] {
            for c in &recs[i].citations {
                builder.add(i, &CitedDoc::of(c));
            }
        }
        assert_eq!(builder.seen(), 5);
        let fed = builder.finish();
        assert_eq!(fed.stats, whole.stats);
        assert_eq!(
            (
                fed.stats.unresolved,
                fed.stats.self_loops,
                fed.stats.duplicates
            ),
            (1, 1, 1)
        );
        assert_eq!(fed.stats.edges, 2);
        assert_eq!(fed.forward_counts(), vec![1, 1]);
        assert_eq!(fed.citing(0), whole.citing(0));
        assert_eq!(fed.citing(1), whole.citing(1));
    }

    #[test]
    fn csr_groups_dedups_and_counts() {
        let (c, d) = Csr::build(3, &[(2, 0), (1, 0), (2, 0), (0, 2)]);
        assert_eq!(c.of(0), &[1, 2]);
        assert_eq!(c.of(1), &[] as &[u32]);
        assert_eq!(c.of(2), &[0]);
        assert_eq!(d, 1);
        assert_eq!(c.counts(), vec![2, 0, 1]);
    }

    #[test]
    fn resolution_rules_and_stats() {
        let mut a = rec("US", "13000001", "8123456", "B2");
        let b = rec("EP", "10000002", "2400812", "A1");
        let mut c = rec("US", "10123456", "20120001", "A1");
        // a cites: b by publication (kind-insensitive), c's application number without a
        // kind (application key), itself (self-loop), b again (duplicate), an outside
        // document, and US 10123456 B2 — a grant number equal to c's serial number, which
        // must not fall back to application keys.
        a.citations = patq_model::thin_vec![
            cite(Some("EP"), "2400812", Some("B1")),
            cite(Some("US"), "10/123,456", None),
            cite(Some("US"), "08123456", Some("B2")),
            cite(Some("EP"), "EP2400812A1", None),
            cite(Some("JP"), "2005123456", Some("A")),
            cite(Some("US"), "10123456", Some("B2")),
        ];
        c.citations = patq_model::thin_vec![cite(None, "PATSTAT:77", None)];
        let g = CitationGraph::build(&[a, b, c]);
        assert_eq!(g.forward_counts(), vec![0, 1, 1]);
        assert_eq!(
            g.stats,
            CitationStats {
                seen: 7,
                resolved: 4,
                resolved_by_source_id: 0,
                resolved_by_publication: 3,
                resolved_by_application: 1,
                unresolved: 3,
                self_loops: 1,
                duplicates: 1,
                edges: 2,
                ambiguous_keys: 0,
            }
        );
    }

    #[test]
    fn source_ids_resolve_patstat_and_lens() {
        let mut a = rec("US", "1", "1", "A");
        a.app.source_id = Some("555".into());
        a.publications[0].source_id = Some("9001".into());
        let mut b = rec("EP", "2", "2", "A1");
        b.app.source_id = Some("012-345-678-901-23X".into());
        let mut c = rec("CN", "3", "3", "A");
        let by_id = |id: &str| {
            let mut x = cite(None, "PATSTAT:x", None);
            x.source_id = Some(id.into());
            x
        };
        c.citations = patq_model::thin_vec![
            by_id("9001"),
            by_id("appln:555"),
            by_id("012-345-678-901-23X"),
            // A numeric id that is an application id, not a publication id: unresolved.
            by_id("555"),
        ];
        let g = CitationGraph::build(&[a, b, c]);
        assert_eq!(g.forward_counts(), vec![1, 1, 0]);
        assert_eq!(g.stats.resolved_by_source_id, 3);
        assert_eq!(g.stats.duplicates, 1);
        assert_eq!(g.stats.unresolved, 1);
    }

    /// Citations that all resolve by source id, or name outside documents by placeholder,
    /// never build the number tables; the first citation by office and number does, and only
    /// then are its ambiguous keys counted.
    #[test]
    fn number_tables_are_built_when_a_citation_first_needs_them() {
        let mut a = rec("US", "1", "7", "A");
        a.publications[0].source_id = Some("9001".into());
        // The same publication number as `a`'s: an ambiguous publication key.
        let b = rec("US", "2", "7", "A");
        let records = [a, b];
        let by_id = |id: &str| {
            let mut x = cite(None, &format!("PATSTAT:{id}"), None);
            x.source_id = Some(id.into());
            x
        };
        let mut g = CitationGraphBuilder::new(&records);
        g.add(1, &CitedDoc::of(&by_id("9001")));
        g.add(1, &CitedDoc::of(&by_id("424242")));
        assert!(g.index.numbers.get().is_none());
        let mut lean = CitationGraphBuilder::new(&records);
        lean.add(1, &CitedDoc::of(&by_id("9001")));
        let lean_stats = lean.finish().stats;
        assert_eq!((lean_stats.resolved, lean_stats.ambiguous_keys), (1, 0));

        g.add(1, &CitedDoc::of(&cite(Some("US"), "7", Some("A"))));
        assert!(g.index.numbers.get().is_some());
        let stats = g.finish().stats;
        assert_eq!(stats.resolved_by_source_id, 1);
        // `a` keeps the publication key; `b` citing it is an edge, counted once.
        assert_eq!(stats.resolved_by_publication, 1);
        assert_eq!(stats.unresolved, 1);
        assert_eq!(stats.ambiguous_keys, 1);
        assert_eq!(stats.edges, 1);
        assert_eq!(stats.duplicates, 1);
    }

    /// Publications the records do not hold, as a table streamed on demand: read once for
    /// the source ids, and again only when a citation needs the number tables.
    struct Table {
        rows: Vec<(usize, Publication)>,
        reads: std::sync::atomic::AtomicUsize,
        /// Reads after this many fail.
        fail_after: usize,
    }

    impl Table {
        fn read(&self) -> Result<(), String> {
            let n = self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if n >= self.fail_after {
                return Err(format!("read {n} failed"));
            }
            Ok(())
        }
    }

    impl Publications for Table {
        type Error = String;

        fn source_ids(&self, f: &mut dyn FnMut(usize, &str)) -> Result<(), String> {
            self.read()?;
            for (i, p) in &self.rows {
                if let Some(id) = &p.source_id {
                    f(*i, id);
                }
            }
            Ok(())
        }

        fn numbers(&self, f: &mut dyn FnMut(usize, PubDoc<'_>)) -> Result<(), String> {
            self.read()?;
            for (i, p) in &self.rows {
                let doc = PubDoc {
                    office: &p.office,
                    number: &p.number,
                    kind: &p.kind,
                };
                f(*i, doc);
            }
            Ok(())
        }
    }

    #[test]
    fn publications_read_apart_give_the_graph_of_publications_held() {
        let mut a = rec("US", "1", "7", "A");
        a.publications[0].source_id = Some("9001".into());
        let b = rec("EP", "2", "8", "B1");
        let mut c = rec("US", "3", "9", "A");
        c.publications[0].source_id = Some("LENS-ID-THAT-IS-LONG".into());
        let held = vec![a, b, c];
        let citations: Vec<(usize, Citation)> = vec![
            (1, {
                let mut x = cite(None, "PATSTAT:9001", None);
                x.source_id = Some("9001".into());
                x
            }),
            (0, cite(Some("EP"), "8", Some("B1"))),
            (0, {
                let mut x = cite(None, "X", None);
                x.source_id = Some("LENS-ID-THAT-IS-LONG".into());
                x
            }),
            (2, cite(Some("US"), "404", Some("A"))),
        ];
        let table = |fail_after| Table {
            rows: held
                .iter()
                .enumerate()
                .flat_map(|(i, r)| r.publications.iter().map(move |p| (i, p.clone())))
                .collect(),
            reads: Default::default(),
            fail_after,
        };
        let bare: Vec<PatentRecord> = held
            .iter()
            .map(|r| PatentRecord {
                publications: Default::default(),
                ..r.clone()
            })
            .collect();
        let mut want = CitationGraphBuilder::new(&held);
        let mut got = CitationGraphBuilder::with_publications(&bare, table(2)).unwrap();
        for (i, c) in &citations {
            want.add(*i, &CitedDoc::of(c));
            got.add(*i, &CitedDoc::of(c));
        }
        let (want, got) = (want.finish(), got.try_finish().unwrap());
        assert_eq!(got.stats, want.stats);
        assert_eq!(got.forward_counts(), want.forward_counts());
        assert_eq!(want.forward_counts(), vec![1, 1, 1]);
        assert_eq!(want.stats.resolved_by_publication, 1);

        // The first read fails: no builder. The number tables' read fails: the builder
        // resolves nothing by number and reports the error at the end.
        assert_eq!(
            CitationGraphBuilder::with_publications(&bare, table(0)).err(),
            Some("read 0 failed".to_string())
        );
        let mut failing = CitationGraphBuilder::with_publications(&bare, table(1)).unwrap();
        for (i, c) in &citations {
            failing.add(*i, &CitedDoc::of(c));
        }
        assert_eq!(failing.stats.resolved_by_publication, 0);
        assert_eq!(
            failing.try_finish().err(),
            Some("read 1 failed".to_string())
        );
    }

    #[test]
    fn groups_windows_and_families() {
        // 0 <- 1, 2, 3; 2 <- 3. Groups: 0 and 1 are one company; 3 unknown.
        let d = |y| NaiveDate::from_ymd_opt(y, 6, 1);
        let g = CitationGraph::from_edges(
            4,
            &[(1, 0), (2, 0), (3, 0), (3, 2), (3, 3)],
            vec![d(2010), d(2014), d(2015), d(2016)],
        );
        assert_eq!(g.stats.self_loops, 1);
        let groups = [Some("A"), Some("A"), Some("B"), None];
        assert_eq!(g.forward_excluding_group(&groups), vec![2, 0, 1, 0]);
        // Within 5 years of 2010-06-01: 2014 and 2015-06-01 (inclusive), not 2016.
        assert_eq!(g.forward_within_years(0, 5), Some(2));
        assert_eq!(
            g.forward_within_years_all(1),
            vec![Some(0), Some(0), Some(1), Some(0)]
        );
    }
}
