//! Reader for EPO PATSTAT tables exported as CSV (tls201 applications joined in memory with
//! tls202/203/204/206/207/209/211/212/224 by `appln_id`), one record per tls201 row.
//!
//! Each input is recognised by its header columns, never by its name; comma, `;` and tab
//! separators are sniffed from the header. Counting: every row of every table is an input
//! record. A tls201 row ends as a record or a rejection; a child-table row that was joined
//! into a record is reported as a skip of kind `attached:<table>` (tls206 persons no link
//! referred to: `unused:tls206`; tls211 dummy publications without a number:
//! `unpublished:tls211`), so `in = out + rejected + skipped` holds across all tables. A child
//! row whose `appln_id` (or `pat_publn_id`, `person_id`) is not in the tables given is rejected:
//! it has nowhere to go.
//!
//! Keys: `app_key(appln_auth, appln_nr)`, or `appln_nr_epodoc` when `appln_nr` is absent. PCT
//! numbers are brought to one form shared with the Lens and PatentsView readers, `WO` +
//! receiving office + year + 6-digit serial (`WO2013CA50967` => `WOCA2013050967`), so the same
//! PCT application gets the same key from every source. A priority (tls204) or PCT link
//! (`internat_appln_id`) pointing at an application absent from the tls201 rows given gets the
//! key `PATSTAT:<appln_id>`, which never collides with a real office key.

use chrono::{Datelike, NaiveDate};
use patq_model::packed::{pack_app, unpack_app};
use patq_model::{
    Application, Citation, ClassScheme, Classification, DateOrder, FastMap, Party, PartyRole,
    PatentRecord, Priority, PubClass, Publication, ThinVec, ToText, app_key, canonical_id,
    classify_publication, clean_number, normalize_class_code, normalize_office, parse_date,
};

use crate::compact::{
    Arena, FirstSeen, IdKey, IdMap, Interner, get_key, id_key, numbered_ids, read_id_key,
};
use crate::delimited::{
    At, RecordFiles, Row, TableFile, ValueNote, open_tables, optional, skip_order,
};
use crate::spill::{Bucket, Layout, Spill, SpillRow, take, take_u32, take_u64};
use crate::timing::Phases;
use crate::util::{flag, opt, parse_count, pct_number};
use crate::{IngestError, Input, Sink, Skip};
use patq_model::Groups;

// ---------------------------------------------------------------------------------------------
// PATSTAT

/// A positive integer id (`appln_id`, `person_id` ...); `None` when empty or not numeric.
pub(crate) fn int_id(raw: &str) -> Option<&str> {
    let t = raw.trim();
    (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then_some(t)
}

/// Skip kinds of joined child rows, one per table (`attached:<table>`), spelled out so no
/// string is built per row.
const ATTACHED: [&str; 9] = [
    "attached:tls202",
    "attached:tls203",
    "attached:tls204",
    "attached:tls206",
    "attached:tls207",
    "attached:tls209",
    "attached:tls211",
    "attached:tls212",
    "attached:tls224",
];

/// The tables this reader joins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Table {
    T201,
    T202,
    T203,
    T204,
    T206,
    T207,
    T209,
    T211,
    T212,
    T224,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::T201 => "tls201",
            Table::T202 => "tls202",
            Table::T203 => "tls203",
            Table::T204 => "tls204",
            Table::T206 => "tls206",
            Table::T207 => "tls207",
            Table::T209 => "tls209",
            Table::T211 => "tls211",
            Table::T212 => "tls212",
            Table::T224 => "tls224",
        }
    }
}

impl Table {
    /// The tables in docs/FORMATS.md order.
    const ALL: [Table; 10] = [
        Table::T201,
        Table::T202,
        Table::T203,
        Table::T204,
        Table::T206,
        Table::T207,
        Table::T209,
        Table::T211,
        Table::T212,
        Table::T224,
    ];

    /// The columns this reader reads from the table and the field each fills; every other
    /// column is ignored (and reported so).
    fn fields(self) -> &'static [(&'static str, &'static str)] {
        const JOIN: (&str, &str) = ("appln_id", "join key (tls201 appln_id)");
        match self {
            Table::T201 => &[
                ("appln_id", "app.source_id; join key"),
                ("appln_auth", "app.office; app.key"),
                ("appln_nr", "app.number; app.key"),
                (
                    "appln_nr_epodoc",
                    "app.number; app.key (when appln_nr is empty)",
                ),
                ("appln_kind", "app.kind; app.is_pct (W)"),
                ("appln_filing_date", "app.filing_date, app.filing_year"),
                (
                    "appln_filing_year",
                    "app.filing_year (when appln_filing_date is empty)",
                ),
                ("ipr_type", "app.ipr_type"),
                ("receiving_office", "app.receiving_office"),
                ("earliest_filing_id", "app.earliest_filing_id"),
                ("earliest_filing_date", "app.earliest_priority_date"),
                ("priority", "app.is_priority_filing"),
                ("internat_appln_id", "app.pct_key"),
                ("docdb_family_id", "app.docdb_family_id"),
                ("inpadoc_family_id", "app.inpadoc_family_id"),
                ("docdb_family_size", "app.simple_family_size"),
                ("nb_citing_docdb_fam", "app.cited_by_count"),
                ("granted", "app.granted"),
            ],
            Table::T202 => &[
                JOIN,
                ("appln_title", "app.title (the first per application)"),
            ],
            Table::T203 => &[
                JOIN,
                (
                    "appln_abstract",
                    "app.abstract_text (the first per application)",
                ),
            ],
            Table::T204 => &[JOIN, ("prior_appln_id", "priorities")],
            Table::T206 => &[
                ("person_id", "join key (tls207 person_id)"),
                ("person_name", "party.name"),
                ("psn_name", "party.name (when person_name is empty)"),
                (
                    "han_name",
                    "party.name (when person_name and psn_name are empty)",
                ),
                ("person_ctry_code", "party.country"),
            ],
            Table::T207 => &[
                JOIN,
                ("person_id", "parties (the tls206 person)"),
                ("applt_seq_nr", "party (applicant) and its seq"),
                ("invt_seq_nr", "party (inventor) and its seq"),
            ],
            Table::T209 => &[JOIN, ("ipc_class_symbol", "classes (IPC)")],
            Table::T211 => &[
                ("pat_publn_id", "join key (tls212 pat_publn_id)"),
                JOIN,
                ("publn_auth", "publication.office"),
                ("publn_nr", "publication.number"),
                ("publn_kind", "publication.kind; publication.class"),
                ("publn_date", "publication.date"),
                ("publn_first_grant", "app.granted (a first grant)"),
            ],
            Table::T212 => &[
                ("pat_publn_id", "the citing publication's application"),
                ("cited_pat_publn_id", "citations (a publication)"),
                ("cited_appln_id", "citations (an application)"),
                ("cited_npl_publn_id", "app.npl_citation_count"),
                ("citn_categ", "citation.category"),
                ("citn_origin", "citation.cited_by"),
            ],
            Table::T224 => &[JOIN, ("cpc_class_symbol", "classes (CPC)")],
        }
    }
}

/// The columns of each PATSTAT table for docs/FORMATS.md: table, then each column read with
/// the field it fills (columns not listed are ignored).
pub fn column_table() -> Vec<(&'static str, &'static [(&'static str, &'static str)])> {
    Table::ALL.iter().map(|t| (t.name(), t.fields())).collect()
}

/// Names the table from its header columns, or explains why the file is not one.
fn classify(t: &TableFile<'_>, names: &[String]) -> Result<Table, String> {
    let h = |c: &str| t.has(c);
    if h("number_priority_filings") {
        return Err(
            "this is a table of priority-filing counts per office and year (Denter's \
             denominator data), not a PATSTAT application table; give it as a reference table"
                .into(),
        );
    }
    if h("short") && h("long") && h("region") {
        return Err(
            "this is an office-abbreviation reference table (code, name, region), not a \
             PATSTAT application table; give it as a reference table"
                .into(),
        );
    }
    let table = if h("pat_publn_id") && (h("citn_id") || h("cited_pat_publn_id")) {
        Table::T212
    } else if h("pat_publn_id") && h("publn_auth") && h("publn_nr") {
        Table::T211
    } else if h("appln_id") && h("appln_auth") {
        Table::T201
    } else if h("appln_id") && h("prior_appln_id") {
        Table::T204
    } else if h("person_id") && h("appln_id") {
        Table::T207
    } else if h("person_id") && h("person_name") {
        Table::T206
    } else if h("appln_id") && h("ipc_class_symbol") {
        Table::T209
    } else if h("appln_id") && h("cpc_class_symbol") {
        Table::T224
    } else if h("appln_id") && h("appln_title") {
        Table::T202
    } else if h("appln_id") && h("appln_abstract") {
        Table::T203
    } else {
        return Err(format!(
            "header {:?} matches no PATSTAT table this reader knows (tls201 appln_id+appln_auth, \
             tls202, tls203, tls204, tls206, tls207, tls209, tls211, tls212, tls224)",
            names.join(",")
        ));
    };
    Ok(table)
}

/// PATSTAT writes unknown dates as `9999-12-31`.
fn patstat_date(raw: &str) -> Result<Option<NaiveDate>, String> {
    let t = raw.trim();
    if t.is_empty() || t.starts_with("9999") {
        return Ok(None);
    }
    parse_date(t, DateOrder::DayFirst)
        .map(Some)
        .ok_or_else(|| format!("not a date: {t:?}"))
}

/// PATSTAT writes an unknown year as `9999`.
fn patstat_year(raw: &str) -> Result<Option<i32>, String> {
    let t = raw.trim();
    if t.is_empty() || t == "9999" {
        return Ok(None);
    }
    match t.parse::<i32>() {
        Ok(y) if (1700..=2200).contains(&y) => Ok(Some(y)),
        _ => Err(format!("not a year: {t:?}")),
    }
}

/// A nonzero id, `None` for empty or `0` (PATSTAT's "no link").
fn link_id(raw: &str) -> Option<&str> {
    int_id(raw).filter(|s| s.bytes().any(|b| b != b'0'))
}

/// The application key and number of a tls201 row.
fn key_of(office: &str, appln_nr: &str, epodoc: &str) -> Option<(patq_model::Text, String)> {
    let raw = if clean_number(appln_nr).is_empty() {
        epodoc
    } else {
        appln_nr
    };
    let cleaned = clean_number(raw);
    if cleaned.is_empty() {
        return None;
    }
    let number = if office == "WO" {
        pct_number(&cleaned)
            .unwrap_or_else(|| cleaned.strip_prefix("WO").unwrap_or(&cleaned).into())
    } else {
        cleaned
            .strip_prefix(office)
            .filter(|r| !r.is_empty())
            .unwrap_or(&cleaned)
            .to_string()
    };
    Some((app_key(office, &number), number))
}

/// What the join keeps of a tls201 row while the tls201 rows are read.
struct AppSlot {
    /// The application as read from tls201, packed ([`patq_model::packed`]).
    app: Box<[u8]>,
    /// `granted` column stated explicitly.
    granted_stated: bool,
    /// `internat_appln_id`: the index of that application once every tls201 row is known,
    /// or its id when it is not among them.
    internat: Option<Result<u32, IdKey>>,
}

/// What later tables tell of an application beside its rows.
#[derive(Clone, Copy, Default)]
struct AppMarks {
    /// A tls211 row marked it as the first grant.
    first_grant: bool,
    /// Its tls212 rows citing non-patent literature.
    npl: u32,
}

/// What a link to an application carries (the priority claim it becomes, the cited
/// application), kept for every tls201 row.
struct AppLink {
    /// The application's own `appln_id`.
    id: IdKey,
    key: u32,
    number: u32,
    office: u32,
    kind: u32,
    date: Option<NaiveDate>,
}

/// A tls211 publication, for its application's list and for the citations naming it.
struct PubRow {
    app: u32,
    office: u32,
    number: u32,
    kind: u32,
    date: Option<NaiveDate>,
    class: PubClass,
    pid: IdKey,
}

/// A tls212 row: the citing application and what it cites, `form` indexing its
/// [`CiteForm`]. 16 bytes (24 with the form's three fields in the row: 0.7 GB more at the
/// 90M rows of a 10M-application extract); equal rows are equal citations.
#[derive(Clone, Copy, PartialEq)]
struct CiteRow {
    id: u64,
    app: u32,
    form: u32,
}

/// What a citation row says besides its ids: category and origin (interned, or
/// [`crate::compact::NONE`]) and `tag`, what the row's `id` is (see the `CITE_*` constants).
/// An extract has a few dozen distinct ones.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct CiteForm {
    category: u32,
    origin: u32,
    tag: u8,
}

/// The distinct [`CiteForm`]s of the rows read, numbered as first seen.
#[derive(Default)]
struct CiteForms {
    forms: Vec<CiteForm>,
    ids: FastMap<CiteForm, u32>,
    /// The last form numbered: consecutive rows mostly share one.
    last: Option<(CiteForm, u32)>,
}

impl CiteForms {
    fn id(&mut self, f: CiteForm) -> u32 {
        if let Some((last, id)) = self.last
            && last == f
        {
            return id;
        }
        let next = self.forms.len() as u32;
        let id = *self.ids.entry(f).or_insert(next);
        if id == next {
            self.forms.push(f);
        }
        self.last = Some((f, id));
        id
    }

    fn get(&self, id: u32) -> CiteForm {
        self.forms[id as usize]
    }
}

/// Where the reader uses a second thread.
#[derive(Clone, Copy)]
struct Parallel {
    /// From this many applications the records are built on two threads.
    records_from: usize,
    /// Tables are read in chunks of about this many bytes on two threads
    /// ([`TableFile::for_each_row_split`]) when they hold at least two.
    chunk_bytes: usize,
    /// Citation, class and party rows held in memory per table before they are written to
    /// a temporary file ([`Spill`]).
    spill_bytes: usize,
}

/// Below these sizes a thread costs more than it saves, and small inputs keep one code path.
const PARALLEL: Parallel = Parallel {
    records_from: 4096,
    chunk_bytes: 8 << 20,
    spill_bytes: 32 << 20,
};

const CITE_PUB: u8 = 0;
const CITE_PUB_MISSING: u8 = 1;
const CITE_APPLN: u8 = 2;
const CITE_APPLN_MISSING: u8 = 3;
/// Added to a `*_MISSING` tag when `id` indexes the arena rather than holding the number.
const CITE_TEXT: u8 = 4;

struct Person {
    name: String,
    country: Option<String>,
    used: bool,
    skip: Skip,
}

#[derive(Clone, Copy)]
struct PartyRow {
    app: u32,
    person: u32,
    seq: u32,
    role: PartyRole,
}

/// A tls204 row: the claimed application's index, or its id when it is not in tls201.
struct PrioRow {
    app: u32,
    target: Result<u32, IdKey>,
}

#[derive(Clone, Copy)]
struct ClassRow {
    app: u32,
    code: u32,
    scheme: ClassScheme,
}

impl SpillRow for CiteRow {
    fn app(&self) -> u32 {
        self.app
    }
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.id.to_le_bytes());
        out.extend_from_slice(&self.app.to_le_bytes());
        out.extend_from_slice(&self.form.to_le_bytes());
    }
    fn get(b: &mut &[u8]) -> CiteRow {
        CiteRow {
            id: take_u64(b),
            app: take_u32(b),
            form: take_u32(b),
        }
    }
}

/// The roles a tls207 row gives, in their spilled form's order.
const ROLES: [PartyRole; 2] = [PartyRole::Applicant, PartyRole::Inventor];

impl SpillRow for PartyRow {
    fn app(&self) -> u32 {
        self.app
    }
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.app.to_le_bytes());
        out.extend_from_slice(&self.person.to_le_bytes());
        out.extend_from_slice(&self.seq.to_le_bytes());
        let role = ROLES.iter().position(|r| *r == self.role);
        out.push(role.expect("a tls207 role") as u8);
    }
    fn get(b: &mut &[u8]) -> PartyRow {
        PartyRow {
            app: take_u32(b),
            person: take_u32(b),
            seq: take_u32(b),
            role: ROLES[take::<1>(b)[0] as usize],
        }
    }
}

/// The schemes of tls209 and tls224, in their spilled form's order.
const SCHEMES: [ClassScheme; 2] = [ClassScheme::Ipc, ClassScheme::Cpc];

impl SpillRow for ClassRow {
    fn app(&self) -> u32 {
        self.app
    }
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.app.to_le_bytes());
        out.extend_from_slice(&self.code.to_le_bytes());
        let scheme = SCHEMES.iter().position(|s| *s == self.scheme);
        out.push(scheme.expect("a tls209 or tls224 scheme") as u8);
    }
    fn get(b: &mut &[u8]) -> ClassRow {
        ClassRow {
            app: take_u32(b),
            code: take_u32(b),
            scheme: SCHEMES[take::<1>(b)[0] as usize],
        }
    }
}

/// What an application's record is built from besides its rows in other tables: its tls201
/// row packed, kept in [`Spill`] buckets from the end of the tls201 pass on (a gigabyte at
/// 10M applications that the later passes need not hold).
struct AppOut {
    app: u32,
    packed: Box<[u8]>,
    granted_stated: bool,
    /// `internat_appln_id`: the index of that application, or its id when it is not among
    /// the tls201 rows.
    internat: Option<Result<u32, IdKey>>,
}

impl SpillRow for AppOut {
    fn app(&self) -> u32 {
        self.app
    }
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.app.to_le_bytes());
        let (link, value) = match self.internat {
            None => (0, 0),
            Some(Ok(j)) => (1, u64::from(j)),
            Some(Err(IdKey::Num(n))) => (2, n),
            Some(Err(IdKey::Text(t))) => (3, u64::from(t)),
        };
        out.push(link << 1 | u8::from(self.granted_stated));
        if link > 0 {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.extend_from_slice(&(self.packed.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.packed);
    }
    fn get(b: &mut &[u8]) -> AppOut {
        let app = take_u32(b);
        let flags = take::<1>(b)[0];
        let internat = match flags >> 1 {
            0 => None,
            link => {
                let value = take_u64(b);
                Some(match link {
                    1 => Ok(value as u32),
                    2 => Err(IdKey::Num(value)),
                    _ => Err(IdKey::Text(value as u32)),
                })
            }
        };
        let n = take_u32(b) as usize;
        let (packed, rest) = b.split_at(n);
        *b = rest;
        AppOut {
            app,
            packed: packed.into(),
            granted_stated: flags & 1 == 1,
            internat,
        }
    }
}

/// An input the reader may hold or only borrow. A held input's text is loaded from its path
/// only for the pass over its table and dropped after it, so at most one table's text is in
/// memory at a time (tls212 alone is most of a PATSTAT extract).
enum Src<'a> {
    Borrowed(&'a Input),
    Owned(Input),
}

impl Src<'_> {
    fn input(&self) -> &Input {
        match self {
            Src::Borrowed(i) => i,
            Src::Owned(i) => i,
        }
    }

    /// Loads a held input's text when it is not in memory (dropped after detection, or
    /// never read beyond its first bytes) and tells the sink how the whole file decoded.
    fn load(&mut self, sink: &mut dyn Sink) -> Result<(), IngestError> {
        if let Src::Owned(i) = self
            && i.text.is_empty()
            && i.raw_len > 0
        {
            let mut again = Input::load(&i.path, i.file_index)?;
            again.name = std::mem::take(&mut i.name);
            sink.decoded(&again.name, again.encoding, again.had_errors);
            *i = again;
        }
        Ok(())
    }

    /// The input to name the table from: a held input whose text was dropped is read only up
    /// to its header (a full load here would read every table once more; tls212 alone is
    /// gigabytes at 10M applications).
    fn head(&self) -> Result<std::borrow::Cow<'_, Input>, IngestError> {
        match self {
            Src::Owned(i) if i.text.is_empty() && i.raw_len > 0 => {
                let mut head = Input::load_head(&i.path, i.file_index, 64 * 1024)?;
                head.name.clone_from(&i.name);
                Ok(std::borrow::Cow::Owned(head))
            }
            _ => Ok(std::borrow::Cow::Borrowed(self.input())),
        }
    }

    fn release(&mut self) {
        if let Src::Owned(i) = self {
            i.text = crate::input::Content::default();
        }
    }
}

/// Reads every PATSTAT input of the run together. Records reach the sink in key order, those
/// of one key (two tls201 rows of one application) one after another in file order, which
/// is what lets `DatasetBuilder::stream_to` write them as they come.
pub fn read(inputs: &[&Input], sink: &mut dyn Sink) -> Result<(), IngestError> {
    read_sources(
        inputs.iter().map(|i| Src::Borrowed(i)).collect(),
        sink,
        PARALLEL,
    )
}

/// [`read`] for inputs handed over, which may come with their text dropped (`text` empty):
/// each file is loaded from its path for the pass over its table and dropped after it.
pub fn read_owned(inputs: Vec<Input>, sink: &mut dyn Sink) -> Result<(), IngestError> {
    read_sources(inputs.into_iter().map(Src::Owned).collect(), sink, PARALLEL)
}

/// Calls `f` for every row of every input of table `want`, releasing each input after it.
fn pass(
    srcs: &mut [Src<'_>],
    kinds: &[(Table, u8)],
    want: Table,
    sink: &mut dyn Sink,
    mut f: impl FnMut(&Row<'_>, &mut dyn Sink),
) -> Result<(), IngestError> {
    each_file(srcs, kinds, want, sink, |file, sink| {
        file.for_each_row(sink, &mut f)
    })
}

/// [`pass`] reading each file's rows on two threads ([`TableFile::for_each_row_split`]).
fn pass_split<T: Send, M: FnMut(&Row<'_>) -> T>(
    chunk_bytes: usize,
    srcs: &mut [Src<'_>],
    kinds: &[(Table, u8)],
    want: Table,
    sink: &mut dyn Sink,
    mapper: impl Fn() -> M + Sync,
    mut apply: impl FnMut(T, &At<'_>, &mut dyn Sink),
) -> Result<(), IngestError> {
    each_file(srcs, kinds, want, sink, |file, sink| {
        file.for_each_row_split(sink, chunk_bytes, &mapper, &mut apply)
    })
}

/// Calls `read` for every input of table `want`, loaded for it and released after it.
fn each_file(
    srcs: &mut [Src<'_>],
    kinds: &[(Table, u8)],
    want: Table,
    sink: &mut dyn Sink,
    mut read: impl FnMut(&TableFile<'_>, &mut dyn Sink),
) -> Result<(), IngestError> {
    for (src, &(table, delim)) in srcs.iter_mut().zip(kinds) {
        if table != want {
            continue;
        }
        let mut t = Phases::start();
        src.load(sink)?;
        if let Some((mut file, _)) = TableFile::open(src.input(), delim) {
            file.table = table.name();
            file.map_columns(table.fields());
            read(&file, sink);
            file.report(sink);
        }
        src.release();
        t.done(&format!("(patstat) pass over {}", table.name()));
    }
    Ok(())
}

/// A tls211 row as read on either thread ([`pass_split`]).
enum PubIn {
    Pub(ReadPub),
    /// PATSTAT's placeholder publication of an application never published.
    Unpublished,
}

/// A tls211 publication read, before its strings are interned.
struct ReadPub {
    /// The `pat_publn_id`'s value when canonical, else its text.
    pid: Result<u64, Box<str>>,
    app: u32,
    office: String,
    number: String,
    kind: String,
    date: Option<NaiveDate>,
    first_grant: Option<bool>,
    /// Values of the row not stored.
    notes: Vec<ValueNote>,
}

/// A tls212 row as read on either thread ([`pass_split`]), before its strings are interned.
enum CiteIn {
    Cite {
        /// The citing application.
        app: u32,
        tag: u8,
        /// The index or number `tag` says, or a missing id that is not a canonical number.
        id: Result<u64, Box<str>>,
        category: Cell,
        origin: Cell,
    },
    Npl(u32),
    Reject(&'static str, String),
}

/// A short cell (a citation category or origin) carried between threads without a heap
/// block; longer ones are boxed.
enum Cell {
    Empty,
    Short(u8, [u8; 14]),
    Long(Box<str>),
}

impl Cell {
    fn of(s: &str) -> Cell {
        match s.len() {
            0 => Cell::Empty,
            n if n <= 14 => {
                let mut b = [0; 14];
                b[..n].copy_from_slice(s.as_bytes());
                Cell::Short(n as u8, b)
            }
            _ => Cell::Long(s.into()),
        }
    }

    fn get(&self) -> Option<&str> {
        match self {
            Cell::Empty => None,
            Cell::Short(n, b) => {
                Some(std::str::from_utf8(&b[..*n as usize]).expect("cut from a str whole"))
            }
            Cell::Long(s) => Some(s),
        }
    }
}

/// One read's inputs, each named from its header (its table and separator) and loaded for the
/// pass over its table only, and where the read uses a second thread.
struct Reading<'a> {
    srcs: Vec<Src<'a>>,
    kinds: Vec<(Table, u8)>,
    /// About how many rows each input holds ([`rows_estimate`]).
    estimates: Vec<usize>,
    parallel: Parallel,
}

impl<'a> Reading<'a> {
    /// Names every input's table from its header, one file loaded at a time.
    fn new(srcs: Vec<Src<'a>>, parallel: Parallel) -> Result<Reading<'a>, IngestError> {
        let mut kinds: Vec<(Table, u8)> = Vec::new();
        let mut estimates: Vec<usize> = Vec::new();
        for src in &srcs {
            let head = src.head()?;
            let (table, f) = open_tables(&[&*head], b",;\t|", "PATSTAT", classify, Table::name)?
                .pop()
                .expect("one table per input");
            kinds.push((table, f.delim));
            estimates.push(rows_estimate(&head));
        }
        Ok(Reading {
            srcs,
            kinds,
            estimates,
            parallel,
        })
    }

    /// About how many rows the inputs of table `want` hold. Each table's row list is reserved
    /// for that many: grown by doubling instead, a large table's rows would be copied into
    /// fresh memory again and again (pages the kernel zeroes first), up to twice their size
    /// live at the last step.
    fn rows_of(&self, want: Table) -> usize {
        self.kinds
            .iter()
            .zip(&self.estimates)
            .filter(|((t, _), _)| *t == want)
            .map(|(_, &n)| n)
            .sum()
    }

    /// The inputs of table `want`.
    fn inputs_of(&self, want: Table) -> impl Iterator<Item = &Input> {
        self.srcs
            .iter()
            .zip(&self.kinds)
            .filter(move |(_, (t, _))| *t == want)
            .map(|(src, _)| src.input())
    }

    /// [`pass`] over the inputs of table `want`.
    fn pass(
        &mut self,
        want: Table,
        sink: &mut dyn Sink,
        f: impl FnMut(&Row<'_>, &mut dyn Sink),
    ) -> Result<(), IngestError> {
        pass(&mut self.srcs, &self.kinds, want, sink, f)
    }

    /// [`pass_split`] over the inputs of table `want`.
    fn pass_split<T: Send, M: FnMut(&Row<'_>) -> T>(
        &mut self,
        want: Table,
        sink: &mut dyn Sink,
        mapper: impl Fn() -> M + Sync,
        apply: impl FnMut(T, &At<'_>, &mut dyn Sink),
    ) -> Result<(), IngestError> {
        let chunk_bytes = self.parallel.chunk_bytes;
        pass_split(
            chunk_bytes,
            &mut self.srcs,
            &self.kinds,
            want,
            sink,
            mapper,
            apply,
        )
    }
}

/// The strings the passes keep: short repeated ones (offices, kinds, categories) interned,
/// each application's key and number and each publication's number in one arena.
struct Strings {
    strs: Interner,
    arena: Arena,
}

/// The error of the temporary file rows are kept in.
fn spill_error(source: std::io::Error) -> IngestError {
    IngestError::Spill {
        dir: std::env::temp_dir().display().to_string(),
        source,
    }
}

/// The reader; `parallel` says where it uses a second thread. One function per table pass,
/// in the order they run: each child table joins the applications of tls201 by `appln_id`.
fn read_sources(
    srcs: Vec<Src<'_>>,
    sink: &mut dyn Sink,
    parallel: Parallel,
) -> Result<(), IngestError> {
    let mut r = Reading::new(srcs, parallel)?;
    // The files records come from, to name the one whose record a sink refuses: the inputs
    // themselves are let go before the records are handed over.
    let record_files = RecordFiles::of(r.inputs_of(Table::T201));
    let mut st = Strings {
        strs: Interner::default(),
        // Each application's key and number, each publication's number: reserved once.
        arena: Arena::with_capacity(
            2 * r.rows_of(Table::T201) + r.rows_of(Table::T211),
            24 * r.rows_of(Table::T201) + 12 * r.rows_of(Table::T211),
        ),
    };
    let Applications { apps, links, by_id } = read_applications(&mut r, sink, &mut st)?;
    let n_apps = apps.len();
    // Records are built in key order, known now: the largest child tables are kept in
    // buckets of it ([`Spill`]), so that building them needs one bucket's rows at a time.
    // Sorting holds 32 bytes per application for a moment (320 MB at 10M), better before the
    // child rows exist than beside them.
    let order = key_order(n_apps, |i| st.arena.get(links[i].key));
    let layout = Layout::new(&order, RECORD_CHUNK);
    let app_rows = spill_applications(apps, &by_id, &st.arena, &layout, parallel)?;
    let mut marks = vec![AppMarks::default(); n_apps];
    let join = Join { by_id: &by_id };

    let (mut pubs, pub_ids) = read_publications(&mut r, sink, &join, &mut st, &mut marks)?;
    let (mut persons, person_ids) = read_persons(&mut r, sink)?;
    let parties = read_parties(&mut r, sink, &join, &layout, &mut persons, person_ids)?;
    let mut prios = read_priorities(&mut r, sink, &join, &mut st.arena)?;
    let classes = read_classes(&mut r, sink, &join, &layout, &mut st.strs)?;
    let [titles, abstracts] = read_texts(&mut r, sink, &join, n_apps)?;
    let cited = Cited {
        pub_ids: &pub_ids,
        pubs: &pubs,
    };
    let (cites, forms) = read_citations(&mut r, sink, &join, cited, &layout, &mut st, &mut marks)?;
    drop((pub_ids, by_id, r));
    let mut phase = Phases::start();
    // Rows that joined nothing and the estimates' margins leave the lists partly unused.
    pubs.shrink_to_fit();
    prios.shrink_to_fit();
    if std::env::var_os("PATQ_TIMINGS").is_some() {
        for (table, (rows, written)) in [
            ("tls201", app_rows.sizes()),
            ("tls207", parties.sizes()),
            ("tls209/224", classes.sizes()),
            ("tls212", cites.sizes()),
        ] {
            eprintln!(
                "patq: timing: (patstat) {table} rows kept: {rows}, {} MB of them in a temporary file",
                written >> 20
            );
        }
    }
    let joined = Joined {
        pub_groups: Groups::new(pubs.iter().map(|p| p.app), n_apps),
        prio_groups: Groups::new(prios.iter().map(|p| p.app), n_apps),
        st,
        links,
        marks,
        pubs,
        prios,
        persons,
        titles,
        abstracts,
        forms,
        app_rows,
        parties,
        classes,
        cites,
        layout,
        order,
    };
    joined.hand_over(sink, &record_files, parallel)?;
    phase.done("(patstat) records built and handed over");
    Ok(())
}

/// The tls201 rows kept, in file order.
struct Applications {
    apps: Vec<AppSlot>,
    links: Vec<AppLink>,
    /// Row index by `appln_id`.
    by_id: IdMap<u32>,
}

/// tls201: the applications, in file order, with the lookup of their `appln_id`s. A repeated
/// id is rejected, naming where it first appeared.
fn read_applications(
    r: &mut Reading<'_>,
    sink: &mut dyn Sink,
    st: &mut Strings,
) -> Result<Applications, IngestError> {
    let mut apps: Vec<AppSlot> = Vec::with_capacity(r.rows_of(Table::T201));
    let mut links: Vec<AppLink> = Vec::with_capacity(r.rows_of(Table::T201));
    // Repeated ids found while reading; the lookup map is built once every id is known.
    let mut first_num = FirstSeen::default();
    let mut first_text: FastMap<Box<str>, u32> = FastMap::default();
    // Rows are read (and their applications packed) on two threads, kept in file order.
    let mapper = || {
        |row: &Row<'_>| {
            app_row(row).map(|(id, app, granted_stated, internat, notes)| {
                let packed = pack_app(&app);
                let internat = internat.map(Box::<str>::from);
                // The id's value when canonical: no string to allocate, hash or parse again.
                let id = canonical_id(id).ok_or_else(|| Box::<str>::from(id));
                (id, app, packed, granted_stated, internat, notes)
            })
        }
    };
    r.pass_split(Table::T201, sink, mapper, |read, row, sink| match read {
        Ok((id, app, packed, granted_stated, internat, notes)) => {
            let next = apps.len() as u32;
            let first = match &id {
                Ok(n) => first_num.first(*n, next, || numbered_ids(links.iter().map(|l| l.id))),
                Err(text) => *first_text.entry(text.clone()).or_insert(next),
            };
            if first != next {
                let at = unpack_app(&apps[first as usize].app).provenance.location;
                let id = match id {
                    Ok(n) => n.to_string(),
                    Err(text) => text.into(),
                };
                row.reject(
                    sink,
                    Some("appln_id"),
                    format!("duplicate appln_id {id} (first at {at})"),
                );
            } else {
                for (col, raw, reason) in notes {
                    row.reject_value(sink, col, &raw, reason);
                }
                links.push(AppLink {
                    id: read_id_key(&id, &mut st.arena),
                    key: st.arena.push(&app.key),
                    number: st.arena.push(&app.number),
                    office: st.strs.id(&app.office),
                    kind: st.strs.opt(app.kind.as_deref()),
                    date: app.filing_date,
                });
                apps.push(AppSlot {
                    app: packed,
                    granted_stated,
                    internat: internat.map(|raw| Err(id_key(&raw, &mut st.arena))),
                });
            }
        }
        Err((field, reason)) => row.reject(sink, Some(field), reason),
    })?;
    // Every later table looks its rows up here (tls212: ~9 rows per application).
    drop(first_num);
    let mut by_id: IdMap<u32> = IdMap::from_num_pairs(numbered_ids(links.iter().map(|l| l.id)));
    for (text, j) in first_text {
        by_id.insert(text, j);
    }
    Ok(Applications { apps, links, by_id })
}

/// Keeps each application's row in the bucket of its place in key order, its PCT link
/// resolved now that every `appln_id` is known.
fn spill_applications(
    apps: Vec<AppSlot>,
    by_id: &IdMap<u32>,
    arena: &Arena,
    layout: &Layout,
    parallel: Parallel,
) -> Result<Spill<AppOut>, IngestError> {
    let mut app_rows: Spill<AppOut> = Spill::new(layout.buckets(), parallel.spill_bytes);
    for (i, slot) in apps.into_iter().enumerate() {
        let internat = slot.internat.map(|link| match link {
            Err(id) => get_key(by_id, id, arena).copied().ok_or(id),
            resolved => resolved,
        });
        let app = AppOut {
            app: i as u32,
            packed: slot.app,
            granted_stated: slot.granted_stated,
            internat,
        };
        app_rows.push(layout.bucket_of(app.app), &app);
    }
    app_rows.finish().map_err(spill_error)?;
    Ok(app_rows)
}

/// How a child row finds its application: by its `appln_id` among the tls201 rows.
#[derive(Clone, Copy)]
struct Join<'j> {
    by_id: &'j IdMap<u32>,
}

impl Join<'_> {
    /// The application a child row joins, or why it joins none.
    fn app_index(self, row: &Row<'_>) -> Result<u32, (&'static str, String)> {
        let raw = row.get("appln_id");
        let Some(id) = int_id(raw) else {
            return Err((
                "appln_id",
                format!("missing or non-numeric appln_id {raw:?}"),
            ));
        };
        self.by_id.get(id).copied().ok_or_else(|| {
            (
                "appln_id",
                format!(
                    "appln_id {id} is not in the tls201 rows given; the {} row has no application to join",
                    row.file.table
                ),
            )
        })
    }

    /// [`Join::app_index`], a row that joins none rejected.
    fn app_of(self, row: &Row<'_>, sink: &mut dyn Sink) -> Option<usize> {
        self.app_index(row)
            .map_err(|(field, reason)| row.reject(sink, Some(field), reason))
            .ok()
            .map(|i| i as usize)
    }
}

/// Counts a child row joined into its application as a skip of kind `attached:<table>`.
fn attached(row: &At<'_>, sink: &mut dyn Sink) {
    let kind = ATTACHED
        .iter()
        .find(|k| k[9..] == *row.file.table)
        .copied()
        .unwrap_or("attached");
    sink.skip_at(&row.file.input.name, row.location(), kind);
}

/// tls211: the publications, kept by `pat_publn_id` for tls212.
fn read_publications(
    r: &mut Reading<'_>,
    sink: &mut dyn Sink,
    join: &Join<'_>,
    st: &mut Strings,
    marks: &mut [AppMarks],
) -> Result<(Vec<PubRow>, IdMap<u32>), IngestError> {
    let join = *join;
    let mut pubs: Vec<PubRow> = Vec::with_capacity(r.rows_of(Table::T211));
    let mapper = || {
        move |row: &Row<'_>| -> Result<PubIn, (&'static str, String)> {
            let raw = row.get("pat_publn_id");
            let Some(pid) = int_id(raw) else {
                return Err((
                    "pat_publn_id",
                    format!("missing or non-numeric pat_publn_id {raw:?}"),
                ));
            };
            let app = join.app_index(row)?;
            let number = clean_number(row.get("publn_nr"));
            if number.is_empty() {
                // PATSTAT's placeholder publication of an application never published.
                return Ok(PubIn::Unpublished);
            }
            let office = normalize_office(row.get("publn_auth"));
            if office.is_empty() {
                return Err(("publn_auth", "missing publn_auth".into()));
            }
            let mut notes = Vec::new();
            let date = optional(row, "publn_date", &mut notes, patstat_date);
            let first_grant = optional(row, "publn_first_grant", &mut notes, flag);
            let kind = row.get("publn_kind").to_ascii_uppercase();
            let number = match number.strip_prefix(&office).filter(|r| !r.is_empty()) {
                Some(rest) => rest.to_string(),
                None => number,
            };
            Ok(PubIn::Pub(ReadPub {
                pid: canonical_id(pid).ok_or_else(|| pid.into()),
                app,
                office,
                number,
                kind,
                date,
                first_grant,
                notes,
            }))
        }
    };
    r.pass_split(Table::T211, sink, mapper, |read, row, sink| match read {
        Err((field, reason)) => row.reject(sink, Some(field), reason),
        Ok(PubIn::Unpublished) => row.skip(sink, "unpublished:tls211".into()),
        Ok(PubIn::Pub(p)) => {
            for (col, raw, reason) in p.notes {
                row.reject_value(sink, col, &raw, reason);
            }
            if p.first_grant == Some(true) {
                marks[p.app as usize].first_grant = true;
            }
            pubs.push(PubRow {
                app: p.app,
                class: classify_publication(&p.office, &p.kind, p.date),
                office: st.strs.id(&p.office),
                number: st.arena.push(&p.number),
                kind: st.strs.id(&p.kind),
                date: p.date,
                pid: read_id_key(&p.pid, &mut st.arena),
            });
            attached(row, sink);
        }
    })?;
    // A later row of an id replaces an earlier one, as inserting row by row did.
    let mut pub_ids: IdMap<u32> = IdMap::from_num_pairs(numbered_ids(pubs.iter().map(|p| p.pid)));
    for (j, p) in pubs.iter().enumerate() {
        if let IdKey::Text(t) = p.pid {
            pub_ids.insert(st.arena.get(t).into(), j as u32);
        }
    }
    Ok((pubs, pub_ids))
}

/// tls206: the persons, by `person_id`; their rows are counted once tls207 has linked them.
fn read_persons(
    r: &mut Reading<'_>,
    sink: &mut dyn Sink,
) -> Result<(Vec<Person>, IdMap<u32>), IngestError> {
    let mut persons: Vec<Person> = Vec::new();
    let mut person_ids: IdMap<u32> = IdMap::default();
    r.pass(Table::T206, sink, |row, sink| {
        let raw = row.get("person_id");
        let Some(id) = int_id(raw) else {
            row.reject(
                sink,
                Some("person_id"),
                format!("missing or non-numeric person_id {raw:?}"),
            );
            return;
        };
        let name = [
            row.get("person_name"),
            row.get("psn_name"),
            row.get("han_name"),
        ]
        .into_iter()
        .find(|n| !n.is_empty());
        let Some(name) = name else {
            row.reject(sink, Some("person_name"), "person without a name".into());
            return;
        };
        if person_ids.get(id).is_some() {
            row.reject(sink, Some("person_id"), format!("duplicate person_id {id}"));
            return;
        }
        let country = opt(row.get("person_ctry_code")).map(|c| normalize_office(&c));
        person_ids.insert(id.into(), persons.len() as u32);
        persons.push(Person {
            name: name.to_string(),
            country,
            used: false,
            skip: row.skip_of("attached:tls206".into()),
        });
    })?;
    person_ids.compact();
    Ok((persons, person_ids))
}

/// tls207: the links of persons to applications as applicant and/or inventor; then each
/// tls206 row is counted, as attached or (linked by no row) unused.
fn read_parties(
    r: &mut Reading<'_>,
    sink: &mut dyn Sink,
    join: &Join<'_>,
    layout: &Layout,
    persons: &mut [Person],
    person_ids: IdMap<u32>,
) -> Result<Spill<PartyRow>, IngestError> {
    let mut parties: Spill<PartyRow> = Spill::new(layout.buckets(), r.parallel.spill_bytes);
    r.pass(Table::T207, sink, |row, sink| {
        let Some(i) = join.app_of(row, sink) else {
            return;
        };
        let pid = row.get("person_id");
        let Some(&person) = person_ids.get(pid) else {
            row.reject(
                sink,
                Some("person_id"),
                format!("person_id {pid:?} is not in the tls206 rows given"),
            );
            return;
        };
        let mut roles = Vec::new();
        for (col, role) in [
            ("applt_seq_nr", PartyRole::Applicant),
            ("invt_seq_nr", PartyRole::Inventor),
        ] {
            match parse_count(row.get(col)) {
                Ok(Some(n)) if n > 0 => roles.push((role, n - 1)),
                Ok(_) => {}
                Err(e) => return row.reject(sink, Some(col), e),
            }
        }
        persons[person as usize].used = true;
        for (role, seq) in roles {
            let party = PartyRow {
                app: i as u32,
                person,
                seq,
                role,
            };
            parties.push(layout.bucket_of(party.app), &party);
        }
        attached(row, sink);
    })?;
    parties.finish().map_err(spill_error)?;
    drop(person_ids);
    let mut person_skips: Vec<Skip> = persons
        .iter_mut()
        .map(|p| {
            let mut s = p.skip.clone();
            if !p.used {
                s.kind = "unused:tls206".into();
            }
            s
        })
        .collect();
    person_skips.sort_by_key(skip_order);
    for s in person_skips {
        sink.skip(s);
    }
    Ok(parties)
}

/// tls204: the priority claims, each pointing at a tls201 row or (absent) at its id.
fn read_priorities(
    r: &mut Reading<'_>,
    sink: &mut dyn Sink,
    join: &Join<'_>,
    arena: &mut Arena,
) -> Result<Vec<PrioRow>, IngestError> {
    let mut prios: Vec<PrioRow> = Vec::with_capacity(r.rows_of(Table::T204));
    r.pass(Table::T204, sink, |row, sink| {
        let Some(i) = join.app_of(row, sink) else {
            return;
        };
        let raw = row.get("prior_appln_id");
        let Some(pid) = link_id(raw) else {
            row.reject(
                sink,
                Some("prior_appln_id"),
                format!("missing or non-numeric prior_appln_id {raw:?}"),
            );
            return;
        };
        let target = match join.by_id.get(pid) {
            Some(&j) => Ok(j),
            None => Err(id_key(pid, arena)),
        };
        prios.push(PrioRow {
            app: i as u32,
            target,
        });
        attached(row, sink);
    })?;
    Ok(prios)
}

/// tls209 and tls224: the IPC and CPC classes.
fn read_classes(
    r: &mut Reading<'_>,
    sink: &mut dyn Sink,
    join: &Join<'_>,
    layout: &Layout,
    strs: &mut Interner,
) -> Result<Spill<ClassRow>, IngestError> {
    let join = *join;
    let mut classes: Spill<ClassRow> = Spill::new(layout.buckets(), r.parallel.spill_bytes);
    for (table, col, scheme) in [
        (Table::T209, "ipc_class_symbol", ClassScheme::Ipc),
        (Table::T224, "cpc_class_symbol", ClassScheme::Cpc),
    ] {
        let mapper = || {
            move |row: &Row<'_>| -> Result<(u32, String), (&'static str, String)> {
                let app = join.app_index(row)?;
                let code = normalize_class_code(row.get(col));
                if code.is_empty() {
                    return Err((col, "empty class symbol".into()));
                }
                Ok((app, code))
            }
        };
        r.pass_split(table, sink, mapper, |read, row, sink| match read {
            Err((field, reason)) => row.reject(sink, Some(field), reason),
            Ok((app, code)) => {
                let class = ClassRow {
                    app,
                    code: strs.id(&code),
                    scheme,
                };
                classes.push(layout.bucket_of(app), &class);
                attached(row, sink);
            }
        })?;
    }
    classes.finish().map_err(spill_error)?;
    Ok(classes)
}

/// A title or abstract per application (tls202, tls203), empty lists when a table is absent.
type Texts = [Vec<Option<Box<str>>>; 2];

/// tls202 and tls203: the first non-empty title and abstract of each application.
fn read_texts(
    r: &mut Reading<'_>,
    sink: &mut dyn Sink,
    join: &Join<'_>,
    n_apps: usize,
) -> Result<Texts, IngestError> {
    let mut texts: Texts = [Vec::new(), Vec::new()];
    for (n, (table, col)) in [
        (Table::T202, "appln_title"),
        (Table::T203, "appln_abstract"),
    ]
    .into_iter()
    .enumerate()
    {
        let slots = &mut texts[n];
        r.pass(table, sink, |row, sink| {
            let Some(i) = join.app_of(row, sink) else {
                return;
            };
            if slots.is_empty() {
                slots.resize(n_apps, None);
            }
            if slots[i].is_none() {
                slots[i] = opt(row.get(col)).map(String::into_boxed_str);
            }
            attached(row, sink);
        })?;
    }
    Ok(texts)
}

/// The publications tls212 rows cite and are cited from.
#[derive(Clone, Copy)]
struct Cited<'c> {
    pub_ids: &'c IdMap<u32>,
    pubs: &'c [PubRow],
}

/// tls212: the citations, each of a publication (its application's) to a publication, an
/// application or an NPL document (counted).
fn read_citations(
    r: &mut Reading<'_>,
    sink: &mut dyn Sink,
    join: &Join<'_>,
    cited: Cited<'_>,
    layout: &Layout,
    st: &mut Strings,
    marks: &mut [AppMarks],
) -> Result<(Spill<CiteRow>, CiteForms), IngestError> {
    let mut cites: Spill<CiteRow> = Spill::new(layout.buckets(), r.parallel.spill_bytes);
    let mut forms = CiteForms::default();
    // tls212 is most of an extract: its rows are read on two threads and pushed in file order.
    let mapper = || {
        // A publication's citations are consecutive rows: the last citing id found is tried
        // first.
        let mut last: (String, u32) = (String::new(), 0);
        let (pub_ids, by_id, pubs) = (cited.pub_ids, join.by_id, cited.pubs);
        move |row: &Row<'_>| -> CiteIn {
            let raw = row.get("pat_publn_id");
            let found = if !last.0.is_empty() && last.0 == raw {
                Some(last.1)
            } else {
                pub_ids.get(raw).copied()
            };
            let Some(p) = found else {
                return CiteIn::Reject(
                    "pat_publn_id",
                    format!("citing pat_publn_id {raw:?} is not in the tls211 rows given"),
                );
            };
            last.0.clear();
            last.0.push_str(raw);
            last.1 = p;
            let app = pubs[p as usize].app;
            let missing = |tag: u8, id: &str| match patq_model::canonical_id(id) {
                Some(n) => (tag, Ok(n)),
                None => (tag + CITE_TEXT, Err(Box::<str>::from(id))),
            };
            let (tag, id) = if let Some(cp) = link_id(row.get("cited_pat_publn_id")) {
                match pub_ids.get(cp) {
                    Some(&q) => (CITE_PUB, Ok(u64::from(q))),
                    None => missing(CITE_PUB_MISSING, cp),
                }
            } else if let Some(ca) = link_id(row.get("cited_appln_id")) {
                match by_id.get(ca) {
                    Some(&j) => (CITE_APPLN, Ok(u64::from(j))),
                    None => missing(CITE_APPLN_MISSING, ca),
                }
            } else if link_id(row.get("cited_npl_publn_id")).is_some() {
                return CiteIn::Npl(app);
            } else {
                return CiteIn::Reject(
                    "cited_pat_publn_id",
                    "citation names no cited publication, application or NPL document".into(),
                );
            };
            CiteIn::Cite {
                app,
                tag,
                id,
                category: Cell::of(row.get("citn_categ")),
                origin: Cell::of(row.get("citn_origin")),
            }
        }
    };
    r.pass_split(Table::T212, sink, mapper, |cite, at, sink| match cite {
        CiteIn::Reject(field, reason) => at.reject(sink, Some(field), reason),
        CiteIn::Npl(app) => {
            marks[app as usize].npl += 1;
            attached(at, sink);
        }
        CiteIn::Cite {
            app,
            tag,
            id,
            category,
            origin,
        } => {
            let id = match id {
                Ok(n) => n,
                Err(text) => u64::from(st.arena.push(&text)),
            };
            let form = forms.id(CiteForm {
                category: st.strs.opt(category.get()),
                origin: st.strs.opt(origin.get()),
                tag,
            });
            cites.push(layout.bucket_of(app), &CiteRow { id, app, form });
            attached(at, sink);
        }
    })?;
    cites.finish().map_err(spill_error)?;
    Ok((cites, forms))
}

/// One bucket's spilled rows, read back for the records built from them.
struct Rows {
    apps: Bucket<AppOut>,
    parties: Bucket<PartyRow>,
    classes: Bucket<ClassRow>,
    cites: Bucket<CiteRow>,
}

/// Everything the passes gathered, from which the records are built in key order.
struct Joined {
    st: Strings,
    links: Vec<AppLink>,
    marks: Vec<AppMarks>,
    pubs: Vec<PubRow>,
    prios: Vec<PrioRow>,
    persons: Vec<Person>,
    titles: Vec<Option<Box<str>>>,
    abstracts: Vec<Option<Box<str>>>,
    forms: CiteForms,
    app_rows: Spill<AppOut>,
    parties: Spill<PartyRow>,
    classes: Spill<ClassRow>,
    cites: Spill<CiteRow>,
    layout: Layout,
    /// Application indices in key order.
    order: Vec<u32>,
    pub_groups: Groups,
    prio_groups: Groups,
}

impl Joined {
    fn id_text(&self, id: IdKey) -> patq_model::Text {
        id.text(&self.st.arena)
    }

    fn load(&self, b: usize, bytes: &mut Vec<u8>) -> std::io::Result<Rows> {
        Ok(Rows {
            apps: self.app_rows.bucket(b, &self.layout, bytes)?,
            parties: self.parties.bucket(b, &self.layout, bytes)?,
            classes: self.classes.bucket(b, &self.layout, bytes)?,
            cites: self.cites.bucket(b, &self.layout, bytes)?,
        })
    }

    fn publication(&self, p: &PubRow) -> Publication {
        let Strings { strs, arena } = &self.st;
        Publication {
            office: strs.get(p.office).into(),
            number: arena.get(p.number).into(),
            kind: strs.get(p.kind).into(),
            date: p.date,
            class: p.class,
            source_id: Some(self.id_text(p.pid)),
        }
    }

    fn priority(&self, target: Result<u32, IdKey>) -> Priority {
        let Strings { strs, arena } = &self.st;
        match target {
            Ok(j) => {
                let l = &self.links[j as usize];
                Priority {
                    office: strs.get(l.office).into(),
                    number: arena.get(l.number).into(),
                    kind: strs.get_opt(l.kind).map(Into::into),
                    date: l.date,
                    key: arena.get(l.key).into(),
                }
            }
            Err(id) => {
                let pid = self.id_text(id);
                Priority {
                    office: patq_model::Text::default(),
                    number: pid.clone(),
                    kind: None,
                    date: None,
                    key: patq_model::format_text!("PATSTAT:{pid}"),
                }
            }
        }
    }

    fn citation(&self, c: &CiteRow) -> Citation {
        let Strings { strs, arena } = &self.st;
        let form = self.forms.get(c.form);
        let missing = || {
            if form.tag >= CITE_TEXT {
                arena.get(c.id as u32).into()
            } else {
                c.id.to_lean_string()
            }
        };
        let (category, cited_by) = (strs.get_opt(form.category), strs.get_opt(form.origin));
        match form.tag % CITE_TEXT {
            CITE_PUB => {
                let p = &self.pubs[c.id as usize];
                Citation {
                    office: Some(strs.get(p.office).into()),
                    number: arena.get(p.number).into(),
                    kind: Some(strs.get(p.kind))
                        .filter(|k| !k.is_empty())
                        .map(Into::into),
                    date: p.date,
                    category: category.map(Into::into),
                    cited_by: cited_by.map(Into::into),
                    source_id: Some(self.id_text(p.pid)),
                }
            }
            CITE_PUB_MISSING => {
                let cp = missing();
                Citation {
                    office: None,
                    number: patq_model::format_text!("PATSTAT:{cp}"),
                    kind: None,
                    date: None,
                    category: category.map(Into::into),
                    cited_by: cited_by.map(Into::into),
                    source_id: Some(cp),
                }
            }
            CITE_APPLN => {
                let l = &self.links[c.id as usize];
                let ca = self.id_text(l.id);
                Citation {
                    office: Some(strs.get(l.office).into()),
                    number: arena.get(l.number).into(),
                    kind: None,
                    date: None,
                    category: category.map(Into::into),
                    cited_by: cited_by.map(Into::into),
                    source_id: Some(patq_model::format_text!("appln:{ca}")),
                }
            }
            _ => {
                let ca = missing();
                Citation {
                    office: None,
                    number: patq_model::format_text!("PATSTAT:appln:{ca}"),
                    kind: None,
                    date: None,
                    category: category.map(Into::into),
                    cited_by: cited_by.map(Into::into),
                    source_id: Some(patq_model::format_text!("appln:{ca}")),
                }
            }
        }
    }

    /// Application `i`'s record from its slot, title, abstract and rows, in file order,
    /// duplicates dropped, exactly as the rows were once pushed onto a record as they were
    /// read; `local` is its position in the bucket `rows` holds, `kept` scratch.
    fn build(&self, i: usize, local: usize, rows: &Rows, kept: &mut Vec<u32>) -> PatentRecord {
        let Strings { strs, arena } = &self.st;
        let slot = &rows.apps.rows[rows.apps.of(local)[0] as usize];
        let mark = self.marks[i];
        let mut rec = PatentRecord {
            app: unpack_app(&slot.packed),
            ..PatentRecord::default()
        };
        if let Some(link) = slot.internat {
            rec.app.pct_key = Some(match link {
                Ok(j) => arena.get(self.links[j as usize].key).into(),
                Err(id) => patq_model::format_text!("PATSTAT:{}", self.id_text(id)),
            });
        }
        if mark.first_grant && !slot.granted_stated {
            rec.app.granted = Some(true);
        }
        for &r in self.pub_groups.of(i) {
            push_new(
                &mut rec.publications,
                self.publication(&self.pubs[r as usize]),
            );
        }
        for &r in rows.parties.of(local) {
            let p = &rows.parties.rows[r as usize];
            let person = &self.persons[p.person as usize];
            push_new(
                &mut rec.parties,
                Party {
                    role: p.role,
                    seq: p.seq,
                    name: person.name.clone(),
                    country: person.country.as_deref().map(Into::into),
                },
            );
        }
        for &r in self.prio_groups.of(i) {
            push_new(
                &mut rec.priorities,
                self.priority(self.prios[r as usize].target),
            );
        }
        for &r in rows.classes.of(local) {
            let c = &rows.classes.rows[r as usize];
            push_new(
                &mut rec.classes,
                Classification {
                    scheme: c.scheme,
                    code: strs.get(c.code).into(),
                },
            );
        }
        let text = |v: &[Option<Box<str>>]| v.get(i).and_then(|t| t.as_deref()).map(String::from);
        rec.app.title = text(&self.titles);
        rec.app.abstract_text = text(&self.abstracts);
        // Two rows give equal citations exactly when their compact forms are equal (a cited
        // publication or application is one row or index per id; categories and origins are
        // interned), so duplicates are dropped before any string is built.
        let cites = &rows.cites.rows;
        kept.clear();
        for &r in rows.cites.of(local) {
            let c = &cites[r as usize];
            if !kept.iter().any(|&k| cites[k as usize] == *c) {
                kept.push(r);
            }
        }
        rec.citations = kept
            .iter()
            .map(|&r| self.citation(&cites[r as usize]))
            .collect();
        if mark.npl > 0 {
            rec.app.npl_citation_count = Some(mark.npl);
        }
        rec
    }

    /// The records of chunk `k` of the key order; `bucket` holds the rows of the last bucket
    /// read (a chunk lies in one bucket) and `kept`, `bytes` are scratch.
    fn build_chunk(
        &self,
        k: usize,
        bucket: &mut Option<(usize, Rows)>,
        kept: &mut Vec<u32>,
        bytes: &mut Vec<u8>,
    ) -> std::io::Result<Vec<PatentRecord>> {
        let start = k * RECORD_CHUNK;
        let b = self.layout.bucket_at(start);
        if bucket.as_ref().is_none_or(|(held, _)| *held != b) {
            // The bucket before is let go first: two of them would be held for a moment.
            *bucket = None;
            *bucket = Some((b, self.load(b, bytes)?));
        }
        let rows = &bucket.as_ref().expect("just read").1;
        let base = self.layout.positions(b).start;
        let chunk = &self.order[start..(start + RECORD_CHUNK).min(self.order.len())];
        Ok(chunk
            .iter()
            .enumerate()
            .map(|(j, &i)| self.build(i as usize, start + j - base, rows, kept))
            .collect())
    }

    /// Hands every record to the sink in key order, the rows of one key in file order, so a
    /// sink can write them as they come (`DatasetBuilder::stream_to`) instead of holding them
    /// all. From `records_from` applications on they are built on [`BUILDERS`] other
    /// threads, in chunks handed over in order through short queues, while this thread hands
    /// them to the sink (which for a streamed dataset fills the table columns).
    fn hand_over(
        &self,
        sink: &mut dyn Sink,
        record_files: &RecordFiles,
        parallel: Parallel,
    ) -> Result<(), IngestError> {
        let chunks = self.order.len().div_ceil(RECORD_CHUNK);
        if self.marks.len() < parallel.records_from {
            let (mut bucket, mut kept, mut bytes) = (None, Vec::new(), Vec::new());
            for k in 0..chunks {
                let recs = self
                    .build_chunk(k, &mut bucket, &mut kept, &mut bytes)
                    .map_err(spill_error)?;
                for rec in recs {
                    record_files.record(sink, rec)?;
                }
            }
            return Ok(());
        }
        std::thread::scope(|s| -> Result<(), IngestError> {
            let mut queues = Vec::new();
            let mut builders = Vec::new();
            for t in 0..BUILDERS {
                let (tx, rx) = std::sync::mpsc::sync_channel(2);
                queues.push(rx);
                builders.push(s.spawn(move || {
                    let (mut bucket, mut kept, mut bytes) = (None, Vec::new(), Vec::new());
                    for k in (t..chunks).step_by(BUILDERS) {
                        let recs = self.build_chunk(k, &mut bucket, &mut kept, &mut bytes);
                        // The receiver is gone only when the sink panicked or a read failed.
                        if tx.send(recs).is_err() {
                            break;
                        }
                    }
                }));
            }
            // Chunk k comes from builder k % BUILDERS; a builder that ended early (it panicked)
            // ends the hand-over, and its panic is raised below.
            let mut read = Ok(());
            'chunks: for k in 0..chunks {
                let Ok(recs) = queues[k % BUILDERS].recv() else {
                    break 'chunks;
                };
                match recs {
                    Ok(recs) => {
                        for rec in recs {
                            if let Err(e) = record_files.record(sink, rec) {
                                read = Err(e);
                                break 'chunks;
                            }
                        }
                    }
                    Err(e) => {
                        read = Err(spill_error(e));
                        break 'chunks;
                    }
                }
            }
            drop(queues);
            for b in builders {
                b.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            }
            read
        })
    }
}

/// About how many rows a table file holds, from `head`, its first bytes: their line count
/// scaled to the whole file, plus 1/16 (exact but for that margin when the whole file is in
/// memory). Never more than a row per two bytes of the file.
fn rows_estimate(head: &Input) -> usize {
    let text = head.text.as_bytes();
    if text.is_empty() {
        return 0;
    }
    // A plain counting loop vectorises.
    let lines = text.iter().filter(|&&b| b == b'\n').count().max(1) as u128;
    let raw = u128::from(head.raw_len).max(text.len() as u128);
    let scaled = (lines * raw / text.len() as u128) as usize;
    scaled
        .saturating_add(scaled / 16)
        .min((raw / 2) as usize + 1)
}

/// Records per hand-over between a building thread and the sink's.
const RECORD_CHUNK: usize = 2048;
/// Threads building records beside the one handing them to the sink: building is most of the
/// work, and the sink's thread also waits on them in order.
const BUILDERS: usize = 2;

/// Indices `0..n` sorted by `key(i)` in byte order, equal keys in index order. A 16-byte
/// prefix of each key decides most comparisons without touching the keys again.
fn key_order<'k>(n: usize, key: impl Fn(usize) -> &'k str) -> Vec<u32> {
    let prefix = |k: &str| {
        let mut b = [0u8; 16];
        let m = k.len().min(16);
        b[..m].copy_from_slice(&k.as_bytes()[..m]);
        u128::from_be_bytes(b)
    };
    let mut v: Vec<(u128, u32)> = (0..n).map(|i| (prefix(key(i)), i as u32)).collect();
    v.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| key(a.1 as usize).cmp(key(b.1 as usize)))
            .then(a.1.cmp(&b.1))
    });
    v.into_iter().map(|(_, i)| i).collect()
}

/// Appends `x` unless the list already holds an equal item.
fn push_new<T: PartialEq>(list: &mut ThinVec<T>, x: T) {
    if !list.contains(&x) {
        list.push(x);
    }
}

/// What [`app_row`] reads from a tls201 row: its `appln_id`, the application, whether
/// `granted` was stated, the raw `internat_appln_id`, and the values not stored.
type AppRow<'r> = (&'r str, Application, bool, Option<&'r str>, Vec<ValueNote>);

/// Reads the application of a tls201 row; `Err((column, reason))` rejects it.
fn app_row<'r>(row: &'r Row<'_>) -> Result<AppRow<'r>, (&'static str, String)> {
    let raw_id = row.get("appln_id");
    let id = int_id(raw_id).ok_or_else(|| {
        (
            "appln_id",
            format!("missing or non-numeric appln_id {raw_id:?}"),
        )
    })?;
    let office = normalize_office(row.get("appln_auth"));
    if office.is_empty() {
        return Err(("appln_auth", "missing appln_auth (filing office)".into()));
    }
    if office.len() != 2 || !office.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err((
            "appln_auth",
            format!("not an office code: {:?}", row.get("appln_auth")),
        ));
    }
    let (key, number) =
        key_of(&office, row.get("appln_nr"), row.get("appln_nr_epodoc")).ok_or((
            "appln_nr",
            "no application number (appln_nr or appln_nr_epodoc)".to_string(),
        ))?;
    let mut app = Application::default();
    let a = &mut app;
    a.key = key;
    a.number = number.into();
    a.source_id = Some(id.into());
    a.provenance = row.provenance();
    a.kind = opt(row.get("appln_kind"))
        .map(|k| k.to_ascii_uppercase())
        .map(Into::into);
    a.is_pct = office == "WO" || a.kind.as_deref() == Some("W");
    a.office = office.into();
    let mut notes = Vec::new();
    a.filing_date = optional(row, "appln_filing_date", &mut notes, patstat_date);
    let year = optional(row, "appln_filing_year", &mut notes, patstat_year);
    a.filing_year = a.filing_date.map(|d| d.year()).or(year);
    a.ipr_type = opt(row.get("ipr_type")).map(Into::into);
    a.receiving_office = opt(row.get("receiving_office"))
        .map(|o| normalize_office(&o))
        .map(Into::into);
    a.earliest_filing_id = link_id(row.get("earliest_filing_id")).map(Into::into);
    a.earliest_priority_date = optional(row, "earliest_filing_date", &mut notes, patstat_date);
    // Denter's extract states it in `priority`; in full PATSTAT an application is its own
    // earliest filing exactly when earliest_filing_id equals appln_id.
    a.is_priority_filing = match optional(row, "priority", &mut notes, flag) {
        Some(p) => Some(p),
        None => a.earliest_filing_id.as_deref().map(|e| e == id),
    };
    a.docdb_family_id = link_id(row.get("docdb_family_id")).map(Into::into);
    a.inpadoc_family_id = link_id(row.get("inpadoc_family_id")).map(Into::into);
    a.simple_family_size = optional(row, "docdb_family_size", &mut notes, parse_count);
    a.cited_by_count = optional(row, "nb_citing_docdb_fam", &mut notes, parse_count);
    a.granted = optional(row, "granted", &mut notes, flag);
    let granted_stated = a.granted.is_some();
    let internat = link_id(row.get("internat_appln_id"));
    Ok((id, app, granted_stated, internat, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PATSTAT extract of `n` applications with publications, applicants, a priority,
    /// classes, a title and citations (to publications, applications, missing ids and NPL).
    fn extract(n: usize) -> Vec<Input> {
        let mut t201 = String::from(
            "appln_id,appln_auth,appln_nr,appln_kind,appln_filing_date,appln_filing_year,internat_appln_id\n",
        );
        let mut t211 = String::from(
            "pat_publn_id,appln_id,publn_auth,publn_nr,publn_kind,publn_date,publn_first_grant\n",
        );
        let mut t206 = String::from("person_id,person_name,person_ctry_code\n");
        let mut t207 = String::from("person_id,appln_id,applt_seq_nr,invt_seq_nr\n");
        let mut t204 = String::from("appln_id,prior_appln_id\n");
        let mut t224 = String::from("appln_id,cpc_class_symbol\n");
        let mut t202 = String::from("appln_id,appln_title\n");
        let mut t212 = String::from(
            "pat_publn_id,citn_id,cited_pat_publn_id,cited_appln_id,cited_npl_publn_id,citn_categ,citn_origin\n",
        );
        for i in 1..=n {
            let office = ["US", "CN", "EP"][i % 3];
            let intl = if i % 7 == 0 {
                (i / 2).max(1).to_string()
            } else {
                "0".into()
            };
            t201 += &format!(
                "{i},{office},{},A,2018-0{}-1{},2018,{intl}\n",
                1000 + i,
                1 + i % 9,
                i % 10
            );
            t211 += &format!(
                "{},{i},{office},{},A1,2019-01-0{},N\n",
                10 * i,
                500 + i,
                1 + i % 9
            );
            if i % 3 == 0 {
                t211 += &format!("{},{i},{office},{},B2,2020-02-02,Y\n", 10 * i + 1, 700 + i);
            }
            t206 += &format!("{i},Company {},{}\n", i % 50, ["US", "CN", ""][i % 3]);
            t207 += &format!("{i},{i},1,0\n{},{i},0,1\n", (i % 40) + 1);
            if i > 5 && i % 4 == 0 {
                t204 += &format!("{i},{}\n{i},999999{i}\n", i - 5);
            }
            t224 += &format!("{i},G06Q  20/{}\n{i},H04L   9/0{}\n", i % 40, i % 9);
            if i % 2 == 0 {
                t202 += &format!("{i},\"Title, number {i}\"\n");
            }
            for c in 0..(i % 5) {
                let cited = 10 * (1 + (i * 7 + c) % n);
                t212 += &format!("{},{c},{cited},0,0,X,SEA\n", 10 * i);
            }
            t212 += &format!(
                "{},9,0,{},0,,APP\n{},10,0,0,77,A,\n{},11,88888{i},0,0,Y,EXA\n",
                10 * i,
                1 + i / 2,
                10 * i,
                10 * i
            );
            t212 += &format!("{},12,{},0,0,X,SEA\n", 10 * i, 10 * (1 + (i * 7) % n));
            if i % 1000 == 0 {
                // Rejected: an unknown citing publication, a short row, a quoted line end.
                t212 += &format!("7777777,1,{},0,0,X,SEA\n{i},5\n", 10 * i);
                t212 += &format!("{},13,{},0,0,\"X\nY\",\"S\"\"EA\"\n", 10 * i, 10 * i);
            }
        }
        [
            ("tls201_appln.csv", t201),
            ("tls211_pat_publn.csv", t211),
            ("tls206_person.csv", t206),
            ("tls207_pers_appln.csv", t207),
            ("tls204_appln_prior.csv", t204),
            ("tls224_appln_cpc.csv", t224),
            ("tls202_appln_title.csv", t202),
            ("tls212_citation.csv", t212),
        ]
        .into_iter()
        .map(|(name, text)| Input::from_str(name, &text))
        .collect()
    }

    /// The real Denter tls201 extract (25,097 applications, 13 buckets) gives the same
    /// records, rejections and skips with every application's row written to the temporary
    /// file as with none.
    #[test]
    fn the_denter_extract_spilled_equals_it_held() {
        let Some(p) = patq_testkit::shared_file(
            "the_denter_extract_spilled_equals_it_held",
            "blockchain-patstat-denter/raw_data_2020_autumn.csv",
        ) else {
            return;
        };
        let input = Input::load(&p, 0).unwrap();
        let read = |parallel| {
            let mut sink = crate::CollectSink::default();
            read_sources(vec![Src::Borrowed(&input)], &mut sink, parallel).unwrap();
            sink
        };
        let held = read(Parallel {
            records_from: 1000,
            chunk_bytes: 1 << 16,
            spill_bytes: usize::MAX,
        });
        let spilled = read(Parallel {
            records_from: 1000,
            chunk_bytes: 1 << 16,
            spill_bytes: 1,
        });
        assert_eq!(held.records.len(), 25097);
        assert_eq!(held.records, spilled.records);
        assert_eq!(held.rejections, spilled.rejections);
        assert_eq!(held.skips, spilled.skips);
    }

    #[test]
    fn records_read_and_built_on_two_threads_equal_those_of_one() {
        let inputs = extract(5000);
        let read = |parallel| {
            let mut sink = crate::CollectSink::default();
            read_sources(
                inputs.iter().map(Src::Borrowed).collect(),
                &mut sink,
                parallel,
            )
            .unwrap();
            sink
        };
        let one = read(Parallel {
            records_from: usize::MAX,
            chunk_bytes: usize::MAX / 2,
            spill_bytes: usize::MAX,
        });
        // 4 KiB chunks: tls212 is read in dozens of them; every 100 rows of a table are
        // written to the temporary file.
        let two = read(Parallel {
            records_from: 1000,
            chunk_bytes: 4096,
            spill_bytes: 1600,
        });
        assert_eq!(one.records.len(), 5000);
        assert_eq!(one.rejections.len(), 10, "{:?}", one.rejections);
        assert_eq!(one.records, two.records);
        assert_eq!(one.rejections, two.rejections);
        assert_eq!(one.skips, two.skips);
        // Records come in key order (what lets a dataset be written as they arrive); the
        // checks below look them up in file order.
        assert!(one.records.windows(2).all(|w| w[0].app.key < w[1].app.key));
        let mut in_file: Vec<&PatentRecord> = one.records.iter().collect();
        in_file.sort_by_key(|r| {
            let line = r.app.provenance.location.trim_start_matches("line ");
            line.parse::<u64>().expect("a line number")
        });
        // The quoted category with a line end in it is read as one field.
        assert!(
            in_file[999]
                .citations
                .iter()
                .any(|c| c.category.as_deref() == Some("X\nY"))
        );
        // The extract exercises what the records are built from.
        let r = in_file[2];
        assert_eq!(
            (r.publications.len(), r.parties.len(), r.classes.len()),
            (2, 2, 2)
        );
        assert!(
            one.records
                .iter()
                .any(|r| r.app.npl_citation_count == Some(1))
        );
        assert!(
            one.records
                .iter()
                .any(|r| r.app.title.is_some() && r.app.pct_key.is_some())
        );
        assert!(one.records.iter().any(|r| !r.priorities.is_empty()));
        assert!(one.records.iter().all(|r| r.citations.len() >= 3));
    }

    #[test]
    fn citation_rows_stay_small() {
        // 90M rows at 10M applications: each byte here is 90 MB of the ingest's peak.
        assert_eq!(std::mem::size_of::<CiteRow>(), 16);
    }

    #[test]
    fn row_estimates_scale_the_head_to_the_file() {
        let text: String = std::iter::once("appln_id,appln_auth\n".to_string())
            .chain((0..1000).map(|i| format!("{i:05},EP\n")))
            .collect();
        // The whole file: its 1,001 lines plus 1/16.
        let whole = Input::from_str("t.csv", &text);
        assert_eq!(rows_estimate(&whole), 1001 + 1001 / 16);
        // A tenth of it as the head of a file of the full size: scaled back up.
        let mut head = Input::from_str("t.csv", &text[..text.len() / 10]);
        head.raw_len = text.len() as u64;
        let n = rows_estimate(&head);
        assert!((1000..1150).contains(&n), "{n}");
        assert_eq!(rows_estimate(&Input::from_str("e.csv", "")), 0);
        // One line of a huge file cannot ask for more than a row per two bytes.
        let mut tiny = Input::from_str("t.csv", "a\n");
        tiny.raw_len = 1_000;
        assert_eq!(rows_estimate(&tiny), 501);
    }

    #[test]
    fn keys_from_numbers() {
        assert_eq!(
            key_of("US", "", "US201414306158"),
            Some(("US201414306158".into(), "201414306158".into()))
        );
        assert_eq!(
            key_of("WO", "", "WO2013CA50967"),
            Some(("WOCA2013050967".into(), "CA2013050967".into()))
        );
        assert_eq!(
            key_of("EP", "16723615", "EP20160723615"),
            Some(("EP16723615".into(), "16723615".into()))
        );
        assert_eq!(key_of("EP", " ", ""), None);
    }

    #[test]
    fn patstat_unknowns() {
        assert_eq!(patstat_date("9999-12-31"), Ok(None));
        assert_eq!(patstat_year("9999"), Ok(None));
        assert!(patstat_year("20x8").is_err());
        assert!(patstat_year("1066").is_err());
        assert!(patstat_date("2019-02-30").is_err());
        assert_eq!(flag("Y"), Ok(Some(true)));
        assert_eq!(flag("0"), Ok(Some(false)));
        assert!(flag("maybe").is_err());
    }
}
