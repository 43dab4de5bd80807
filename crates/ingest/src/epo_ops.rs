//! Reader for EPO Open Patent Services (OPS 3.2) XML responses — biblio, search results,
//! INPADOC families (plain, with biblio, with legal events), equivalents and EP Register biblio —
//! turning each exchange-document, family member, register document or equivalent into a record.
//!
//! Decisions worth knowing when reading the output:
//! - Elements are matched on local names, so any namespace prefix (`ops:`, `ns2:`, none) works.
//! - A family member and the exchange-document nested in it are one input record.
//! - Application keys use the DOCDB application number. OPS writes US DOCDB application numbers
//!   with the filing year in front (`201113167395`); the year is dropped (`US13167395`) so keys
//!   match the other sources. Priority claims that only come in EPODOC form (`EP20100167109`)
//!   are converted to DOCDB form for EP, WO and US; other offices keep the EPODOC number.
//! - `family-id` on a family member or exchange-document is the DOCDB (simple) family id. OPS
//!   gives no INPADOC family id, so `inpadoc_family_id` stays empty; `extended_family_size` is the
//!   number of distinct applications among the members when the response lists the whole family
//!   (`total-result-count` counts publications, not applications), unset otherwise.
//! - Equivalents (and search hits without constituents) carry publication numbers only: each
//!   becomes a record keyed by the publication number (office + number), since the application
//!   number is unknown. Loading them next to biblio data of the same documents therefore adds
//!   extra application keys.
//! - The EP Register keeps history; only the first (current) group of applicants, inventors,
//!   classifications, designations and lapses is read. Statuses, designated states and lapses
//!   become legal events (`EP-STATUS-<code>`, `DESIGNATED-STATES`, `LAPSED-IN-COUNTRY`).
//! - A date that is present but unreadable, or a class code that is no class code, is a
//!   field-level rejection ([`Sink::field_note`], its element path and value) and the record
//!   is kept without it. A record without its application (or, for equivalents, publication)
//!   number, and a cited patent or priority claim without a number, still reject the record.
//! - Every element path and attribute of a record is reported mapped to its field or ignored,
//!   with the values read per mapped path (`census`, docs/FORMATS.md).
//! - A record nested deeper than [`crate::limits::MAX_XML_DEPTH`] or with a field longer than
//!   [`crate::limits::MAX_FIELD_BYTES`] is rejected once its end is read, naming the element
//!   path at fault; elements past the depth limit are counted, not kept. Nesting past the
//!   limit outside any record rejects the rest of the response.

use chrono::{Datelike, NaiveDate};
use patq_model::Party;
use patq_model::{
    Citation, ClassScheme, Classification, DateOrder, FamilyKind, FamilyMember, LegalEvent,
    PartyRole, PatentRecord, Priority, Provenance, Publication, ThinVec, ToText, app_key,
    classify_publication, clean_number, normalize_class_code, normalize_office, parse_date,
};
use quick_xml::Reader;
use quick_xml::errors::SyntaxError;
use quick_xml::events::{BytesCData, BytesRef, BytesStart, Event};

use crate::limits::{MAX_FIELD_BYTES, MAX_XML_DEPTH, too_deep, too_long};
use crate::paths::PathCensus;
use crate::sink::{FieldAction, FieldNote, excerpt};
use crate::util::{opt, parse_count};
use crate::{IngestError, Input, Location, Rejection, Sink, Skip};

pub(crate) mod census;

/// Reads every OPS response into the sink. Problems with the input are reported as
/// rejections; the reader fails only when the sink refuses a record.
pub fn read(inputs: &[&Input], sink: &mut dyn Sink) -> Result<(), IngestError> {
    for input in inputs {
        Doc::new(input).run(sink)?;
    }
    Ok(())
}

/// Progress is reported after at least this many records.
const PROGRESS_EVERY: usize = 200;

// ---------------------------------------------------------------------------------------------
// A small element tree, built only for one record at a time.

#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn kids<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// First node reached by following `path` (first matching child at each step).
    fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, p| n.child(p))
    }

    /// All descendant text, whitespace-collapsed.
    fn deep_text(&self) -> String {
        fn walk(n: &Node, out: &mut String) {
            out.push_str(&n.text);
            for c in &n.children {
                out.push(' ');
                walk(c, out);
            }
        }
        let mut s = String::new();
        walk(self, &mut s);
        squash(&s)
    }

    /// Trimmed text of a direct child, `None` when absent or blank.
    fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).and_then(|c| opt(&c.deep_text()))
    }

    /// Depth-first iteration over all descendants (not self).
    fn descendants(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        let mut stack: Vec<&Node> = self.children.iter().rev().collect();
        while let Some(n) = stack.pop() {
            out.push(n);
            stack.extend(n.children.iter().rev());
        }
        out
    }
}

fn local(qname: &[u8]) -> String {
    let s = String::from_utf8_lossy(qname);
    match s.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => s.into_owned(),
    }
}

fn node_from(e: &BytesStart<'_>, reader: &Reader<&[u8]>) -> Node {
    let mut attrs = Vec::new();
    for a in e.attributes().with_checks(false).flatten() {
        let key = local(a.key.as_ref());
        let value = match a.decode_and_unescape_value(reader.decoder()) {
            Ok(v) => v.into_owned(),
            Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
        };
        attrs.push((key, value));
    }
    Node {
        name: local(e.name().as_ref()),
        attrs,
        ..Node::default()
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// Streaming over one file.

/// What the record being built is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RecKind {
    FamilyMember,
    ExchangeDocument,
    InquiryResult,
    /// `ops:publication-reference` in a search result without constituents.
    SearchHit,
    RegisterDocument,
    /// An OPS error response (`<fault>`), read whole to quote its message.
    Fault,
}

/// The response type named by the first element inside `world-patent-data`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Response {
    Family,
    Exchange,
    Equivalents,
    Register,
}

fn response_type(local_name: &str) -> Option<Response> {
    match local_name {
        "patent-family" => Some(Response::Family),
        "exchange-documents" | "biblio-search" | "exchange-document" => Some(Response::Exchange),
        "equivalents-inquiry" => Some(Response::Equivalents),
        "register-search" | "register-documents" | "register-document" => Some(Response::Register),
        _ => None,
    }
}

struct Building {
    kind: RecKind,
    start: usize,
    stack: Vec<Node>,
    /// Elements open past [`MAX_XML_DEPTH`], not kept: the record is rejected once closed.
    excess: usize,
    /// The limit the record went past, once it has.
    over: Option<Bad>,
}

impl Building {
    fn new(kind: RecKind, start: usize, node: Node) -> Building {
        Building {
            kind,
            start,
            stack: vec![node],
            excess: 0,
            over: None,
        }
    }

    /// The element path at the top of the record, for a rejection's field.
    fn path(&self) -> String {
        let names: Vec<&str> = self.stack.iter().take(4).map(|n| n.name.as_str()).collect();
        match self.stack.len() {
            0..=4 => names.join("/"),
            n => format!("{}/.../{}", names.join("/"), self.stack[n - 1].name),
        }
    }

    /// Adds an element met inside the record: an empty one to its parent, a start tag as the
    /// new innermost element (or only counted when past the depth limit).
    fn element(&mut self, node: Node, is_empty: bool) {
        if self.excess > 0 {
            self.excess += usize::from(!is_empty);
        } else if is_empty {
            if let Some(parent) = self.stack.last_mut() {
                parent.children.push(node);
            }
        } else {
            self.open(node);
        }
    }

    /// Opens an element inside the record, or counts it when past the depth limit.
    fn open(&mut self, node: Node) {
        if self.excess > 0 || self.stack.len() >= MAX_XML_DEPTH {
            self.excess += 1;
            if self.over.is_none() {
                self.over = Some(Bad::new(&self.path(), too_deep()));
            }
            return;
        }
        if node.attrs.iter().any(|(_, v)| v.len() > MAX_FIELD_BYTES) && self.over.is_none() {
            self.over = Some(Bad::new(
                &format!("{}/{}", self.path(), node.name),
                too_long(),
            ));
        }
        self.stack.push(node);
    }

    /// The innermost kept element, to append text to; `None` past the depth limit or once
    /// its text has reached the field limit (the record is then rejected).
    fn text_target(&mut self, adding: usize) -> Option<&mut Node> {
        if self.excess > 0 {
            return None;
        }
        let len = self.stack.last()?.text.len();
        if len + adding > MAX_FIELD_BYTES {
            if self.over.is_none() {
                self.over = Some(Bad::new(&self.path(), too_long()));
            }
            return None;
        }
        self.stack.last_mut()
    }
}

/// A problem that rejects one record.
#[derive(Debug)]
struct Bad {
    field: Option<String>,
    reason: String,
}

impl Bad {
    fn new(field: &str, reason: impl Into<String>) -> Bad {
        Bad {
            field: Some(field.to_string()),
            reason: reason.into(),
        }
    }
}

enum Outcome {
    Record(Box<PatentRecord>),
    Reject(Bad),
    Skip(&'static str),
}

struct Pending {
    start: usize,
    outcome: Outcome,
    /// The values of a kept record that could not be read: (column path, value, reason).
    notes: Vec<(String, String, String)>,
}

/// A value of a record that could not be read (the record is kept without it): the element
/// as the extraction names it (its last part finds the column, see [`census::locate`]), the
/// value as read and why.
struct BadValue {
    field: String,
    value: String,
    reason: String,
}

type Notes = Vec<BadValue>;

struct Doc<'a> {
    input: &'a Input,
    text: &'a str,
    newlines: Vec<usize>,
    pending: Vec<Pending>,
    /// `total-result-count` of the enclosing `patent-family`, when inside one.
    family_total: Option<Result<Option<u32>, String>>,
    since_progress: usize,
    census: PathCensus,
}

impl<'a> Doc<'a> {
    fn new(input: &'a Input) -> Doc<'a> {
        let text = input.text.as_str();
        let newlines = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect();
        Doc {
            input,
            text,
            newlines,
            pending: Vec::new(),
            family_total: None,
            since_progress: 0,
            census: PathCensus::default(),
        }
    }

    fn line(&self, byte: usize) -> u64 {
        self.newlines.partition_point(|&p| p < byte) as u64 + 1
    }

    fn rejection(&self, start: usize, field: Option<String>, reason: String) -> Rejection {
        let start = start.min(self.text.len());
        let start = (0..=start)
            .rev()
            .find(|i| self.text.is_char_boundary(*i))
            .unwrap_or(0);
        Rejection {
            file: self.input.name.clone(),
            location: Location::Line(self.line(start)),
            field,
            reason,
            excerpt: excerpt(&self.text[start..], 200),
        }
    }

    /// A problem with the document as a whole (not tied to one record).
    fn reject_doc(
        &mut self,
        sink: &mut dyn Sink,
        at: usize,
        reason: String,
    ) -> Result<(), IngestError> {
        self.flush(sink, None)?;
        let r = self.rejection(at, None, reason);
        sink.reject(r);
        Ok(())
    }

    fn run(mut self, sink: &mut dyn Sink) -> Result<(), IngestError> {
        self.walk(sink)?;
        std::mem::take(&mut self.census).report(&self.input.name, sink);
        sink.progress(self.text.len() as u64);
        Ok(())
    }

    /// Reads the document's records into the sink; stops at the first record the sink
    /// refuses.
    fn walk(&mut self, sink: &mut dyn Sink) -> Result<(), IngestError> {
        if self.text.trim().is_empty() {
            let r = self.rejection(0, None, "empty file: no OPS XML response".into());
            sink.reject(r);
            return Ok(());
        }
        Walk {
            doc: self,
            open: Vec::new(),
            response: None,
            building: None,
            saw_root: false,
        }
        .run(sink)
    }

    /// Converts a completed record element and queues (or emits) its outcome.
    fn finish(
        &mut self,
        sink: &mut dyn Sink,
        b: Option<Building>,
        end: usize,
    ) -> Result<(), IngestError> {
        let Some(mut b) = b else { return Ok(()) };
        let Some(node) = b.stack.pop() else {
            return Ok(());
        };
        let span = &self.text[b.start.min(self.text.len())..end.min(self.text.len())];
        let mut notes = Notes::new();
        let outcome = if let Some(bad) = b.over.take() {
            Outcome::Reject(bad)
        } else if let Some(nul) = span.find('\0') {
            Outcome::Reject(Bad {
                field: None,
                reason: format!("NUL byte at byte {} inside <{}>", b.start + nul, node.name),
            })
        } else {
            match b.kind {
                RecKind::FamilyMember => {
                    family_member(&node, self.family_total.as_ref(), &mut notes)
                }
                RecKind::ExchangeDocument => match exchange_document(&node, &mut notes) {
                    Ok(Some(r)) => Outcome::Record(Box::new(r)),
                    Ok(None) => Outcome::Skip("ops-document-not-found"),
                    Err(e) => Outcome::Reject(e),
                },
                RecKind::InquiryResult => wrap(
                    node.child("publication-reference")
                        .ok_or_else(|| {
                            Bad::new(
                                "publication-reference",
                                "inquiry result without a publication number",
                            )
                        })
                        .and_then(|pr| publication_only(pr, &mut notes)),
                ),
                RecKind::SearchHit => wrap(publication_only(&node, &mut notes)),
                RecKind::RegisterDocument => wrap(register_document(&node, &mut notes)),
                RecKind::Fault => {
                    let code = node.child_text("code").unwrap_or_default();
                    let message = node.child_text("message").unwrap_or_default();
                    Outcome::Reject(Bad {
                        field: None,
                        reason: format!("OPS error response: {code} {message}")
                            .trim()
                            .to_string(),
                    })
                }
            }
        };
        let kept = matches!(outcome, Outcome::Record(_));
        census::census_record(&node, kept, &mut self.census);
        let notes = notes
            .into_iter()
            .map(|n| {
                let path = census::locate(&node, &n.field, &n.value).unwrap_or(n.field);
                (path, n.value, n.reason)
            })
            .collect();
        self.pending.push(Pending {
            start: b.start,
            outcome,
            notes,
        });
        // Family and equivalents members wait for their container so they can be linked.
        if self.family_total.is_none() && b.kind != RecKind::InquiryResult {
            self.flush(sink, None)?;
        }
        Ok(())
    }

    /// Emits queued outcomes; with `family`, links each record to the publications of the other
    /// applications queued with it.
    fn flush(
        &mut self,
        sink: &mut dyn Sink,
        family: Option<FamilyKind>,
    ) -> Result<(), IngestError> {
        let pending = std::mem::take(&mut self.pending);
        let members: Vec<(String, String)> = pending
            .iter()
            .filter_map(|p| match &p.outcome {
                Outcome::Record(r) => Some(r),
                _ => None,
            })
            .flat_map(|r| {
                r.publications
                    .iter()
                    .map(|p| (r.app.key.to_string(), pub_id(p)))
                    .collect::<Vec<_>>()
            })
            .collect();
        let complete = match &self.family_total {
            Some(Ok(Some(total))) => *total as usize == pending.len(),
            _ => false,
        };
        let apps_in_family = {
            let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
            keys.sort_unstable();
            keys.dedup();
            keys.len() as u32
        };
        for p in pending {
            let location = Location::Line(self.line(p.start));
            match p.outcome {
                Outcome::Record(mut rec) => {
                    if let Some(kind) = family {
                        for (key, member) in &members {
                            let fm = FamilyMember {
                                family: kind,
                                member: member.as_str().into(),
                                source_id: None,
                            };
                            if *key != rec.app.key && !rec.family_members.contains(&fm) {
                                rec.family_members.push(fm);
                            }
                        }
                        if kind == FamilyKind::Extended && complete {
                            rec.app.extended_family_size = Some(apps_in_family);
                        }
                    }
                    rec.app.provenance = Provenance {
                        source_file: self.input.file_index,
                        location: location.to_lean_string(),
                    };
                    for (field, value, reason) in p.notes {
                        sink.field_note(FieldNote {
                            file: self.input.name.clone(),
                            location: location.clone(),
                            field,
                            action: FieldAction::Rejected,
                            value: excerpt(&value, 200),
                            stored: None,
                            reason,
                        });
                    }
                    sink.record(*rec)
                        .map_err(IngestError::sink(&self.input.name))?;
                }
                Outcome::Reject(bad) => {
                    let r = self.rejection(p.start, bad.field, bad.reason);
                    sink.reject(r);
                }
                Outcome::Skip(kind) => sink.skip(Skip {
                    file: self.input.name.clone(),
                    location,
                    kind: kind.to_string(),
                }),
            }
            self.since_progress += 1;
            if self.since_progress >= PROGRESS_EVERY {
                self.since_progress = 0;
                sink.progress(p.start as u64);
            }
        }
        Ok(())
    }
}

/// Whether a walk goes on to the next XML event or is done with the document.
enum Flow {
    Next,
    Done,
}

/// A walk over the XML events of one document: where it stands between two events.
struct Walk<'d, 'a> {
    doc: &'d mut Doc<'a>,
    /// Open elements outside a record, as qualified names for messages.
    open: Vec<String>,
    /// The kind of response, once its root or first payload element is read.
    response: Option<Response>,
    /// The record being read, when inside one.
    building: Option<Building>,
    saw_root: bool,
}

impl Walk<'_, '_> {
    /// Reads events until the end of the document, a fault in it, or a refused record.
    fn run(mut self, sink: &mut dyn Sink) -> Result<(), IngestError> {
        let mut reader = Reader::from_str(self.doc.text);
        loop {
            let before = reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let at = reader.error_position() as usize;
                    return self.xml_error(sink, at, e);
                }
            };
            let after = reader.buffer_position() as usize;
            let flow = match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let is_empty = matches!(event, Event::Empty(_));
                    let node = node_from(e, &reader);
                    self.start(sink, e, node, is_empty, before, after)?
                }
                Event::End(_) => {
                    self.end(sink, after)?;
                    Flow::Next
                }
                Event::Text(t) => {
                    let s = t.decode().map(|c| c.into_owned()).unwrap_or_default();
                    self.text(sink, s, before)?
                }
                Event::CData(t) => {
                    self.cdata(&t);
                    Flow::Next
                }
                Event::GeneralRef(r) => {
                    self.general_ref(&r);
                    Flow::Next
                }
                Event::Eof => {
                    self.eof(sink)?;
                    Flow::Done
                }
                _ => Flow::Next,
            };
            if let Flow::Done = flow {
                return Ok(());
            }
        }
    }

    /// A malformed document: rejects the record being read, else the document, and ends.
    fn xml_error(
        &mut self,
        sink: &mut dyn Sink,
        at: usize,
        e: quick_xml::Error,
    ) -> Result<(), IngestError> {
        // Every syntax error but a bad `<!` means the input ended inside markup.
        let truncated = matches!(
            &e,
            quick_xml::Error::Syntax(s) if *s != SyntaxError::InvalidBangMarkup
        );
        let open_name = self
            .building
            .as_ref()
            .and_then(|b| b.stack.first())
            .map(|n| n.name.clone())
            .or_else(|| self.open.last().cloned());
        let msg = match (truncated, open_name) {
            (true, Some(name)) => {
                format!("truncated XML: <{name}> not closed at end of file ({e})")
            }
            (true, None) => format!("truncated XML: {e}"),
            (false, _) => format!("XML error at line {}: {e}", self.doc.line(at)),
        };
        match self.building.take() {
            Some(b) => {
                self.doc.flush(sink, None)?;
                let r = self.doc.rejection(b.start, None, msg);
                sink.reject(r);
            }
            None => self.doc.reject_doc(sink, at, msg)?,
        }
        Ok(())
    }

    /// A start or empty element: part of the record being read, a response's root, or
    /// the start of a record.
    fn start(
        &mut self,
        sink: &mut dyn Sink,
        e: &BytesStart<'_>,
        node: Node,
        is_empty: bool,
        before: usize,
        after: usize,
    ) -> Result<Flow, IngestError> {
        if let Some(b) = self.building.as_mut() {
            b.element(node, is_empty);
            return Ok(Flow::Next);
        }
        let qname = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        let name = node.name.clone();
        if self.open.is_empty() {
            // A root element; several responses may be concatenated in one file.
            self.response = None;
            self.doc.family_total = None;
            self.saw_root = true;
            if name == "fault" || name == "error" {
                self.building = Some(Building::new(RecKind::Fault, before, node));
                if is_empty {
                    self.doc.finish(sink, self.building.take(), before)?;
                }
                return Ok(Flow::Next);
            }
            if name != "world-patent-data" {
                match response_type(&name) {
                    Some(r) => self.response = Some(r),
                    None => {
                        let msg = format!(
                            "unsupported OPS response <{qname}> (expected ops:world-patent-data)"
                        );
                        self.doc.reject_doc(sink, before, msg)?;
                        return Ok(Flow::Done);
                    }
                }
            }
        } else if self.response.is_none() && name != "meta" {
            // `ops:meta` (elapsed time, status) may precede the payload.
            match response_type(&name) {
                Some(r) => self.response = Some(r),
                None => {
                    let msg = format!("unsupported OPS response <{qname}>");
                    self.doc.reject_doc(sink, before, msg)?;
                    return Ok(Flow::Done);
                }
            }
        }
        if name == "patent-family" {
            self.doc.family_total = Some(
                node.attr("total-result-count")
                    .map_or(Ok(None), parse_count),
            );
        }
        let parent = self
            .open
            .last()
            .map(|q| local(q.as_bytes()))
            .unwrap_or_default();
        match record_kind(self.response, &name, &parent) {
            Some(kind) => {
                let b = Building::new(kind, before, node);
                if is_empty {
                    self.doc.finish(sink, Some(b), after)?;
                } else {
                    self.building = Some(b);
                }
            }
            None if !is_empty && self.open.len() >= MAX_XML_DEPTH => {
                // Outside any record nothing is kept, but the open names are.
                let msg = format!("{} outside any record", too_deep());
                self.doc.reject_doc(sink, before, msg)?;
                return Ok(Flow::Done);
            }
            None if !is_empty => self.open.push(qname),
            None => {}
        }
        Ok(Flow::Next)
    }

    /// An end tag: closes an element of the record (finishing it at its last), or one
    /// outside, which may complete a family or a response.
    fn end(&mut self, sink: &mut dyn Sink, after: usize) -> Result<(), IngestError> {
        if let Some(b) = self.building.as_mut() {
            if b.excess > 0 {
                b.excess -= 1;
                return Ok(());
            }
            let node = b.stack.pop().unwrap_or_default();
            match b.stack.last_mut() {
                Some(parent) => parent.children.push(node),
                None => {
                    if let Some(mut b) = self.building.take() {
                        b.stack.push(node);
                        self.doc.finish(sink, Some(b), after)?;
                    }
                }
            }
            return Ok(());
        }
        if let Some(q) = self.open.pop() {
            let name = local(q.as_bytes());
            if name == "patent-family" || name == "equivalents-inquiry" {
                let family = if name == "patent-family" {
                    FamilyKind::Extended
                } else {
                    FamilyKind::Simple
                };
                self.doc.flush(sink, Some(family))?;
                self.doc.family_total = None;
            }
        }
        if self.open.is_empty() {
            self.doc.flush(sink, None)?;
        }
        Ok(())
    }

    /// Text: kept in the record's innermost element; outside any element it ends the
    /// document as not XML.
    fn text(&mut self, sink: &mut dyn Sink, s: String, before: usize) -> Result<Flow, IngestError> {
        match self.building.as_mut() {
            Some(b) => {
                if let Some(n) = b.text_target(s.len()) {
                    n.text.push_str(&s);
                }
            }
            None if self.open.is_empty() && !s.trim().is_empty() => {
                let msg = if self.saw_root {
                    "text after the end of the XML document".to_string()
                } else {
                    "not an XML document: text before the first element".to_string()
                };
                self.doc.reject_doc(sink, before, msg)?;
                return Ok(Flow::Done);
            }
            None => {}
        }
        Ok(Flow::Next)
    }

    /// A CDATA section: kept as text of the record's innermost element.
    fn cdata(&mut self, t: &BytesCData<'_>) {
        if let Some(n) = self.building.as_mut().and_then(|b| b.text_target(t.len())) {
            n.text.push_str(&String::from_utf8_lossy(t));
        }
    }

    /// A character or entity reference: resolved into the record's innermost element's text,
    /// an unknown entity kept as written.
    fn general_ref(&mut self, r: &BytesRef<'_>) {
        if let Some(n) = self.building.as_mut().and_then(|b| b.text_target(8)) {
            let name = r.decode().map(|c| c.into_owned()).unwrap_or_default();
            match r.resolve_char_ref() {
                Ok(Some(c)) => n.text.push(c),
                _ => match quick_xml::escape::resolve_xml_entity(&name) {
                    Some(s) => n.text.push_str(s),
                    None => {
                        n.text.push('&');
                        n.text.push_str(&name);
                        n.text.push(';');
                    }
                },
            }
        }
    }

    /// The end of the input: rejects a record or response left open, else emits what is queued.
    fn eof(&mut self, sink: &mut dyn Sink) -> Result<(), IngestError> {
        let end = self.doc.text.len();
        if let Some(b) = self.building.take() {
            self.doc.flush(sink, None)?;
            let name = b.stack.first().map(|n| n.name.clone()).unwrap_or_default();
            let r = self.doc.rejection(
                b.start,
                None,
                format!("truncated XML: <{name}> not closed at end of file"),
            );
            sink.reject(r);
        } else if let Some(q) = self.open.last() {
            let msg = format!(
                "truncated XML: <{q}> not closed at end of file; any records after this point are lost"
            );
            self.doc.reject_doc(sink, end, msg)?;
        } else if !self.saw_root {
            self.doc
                .reject_doc(sink, 0, "no XML element found".into())?;
        } else {
            self.doc.flush(sink, None)?;
        }
        Ok(())
    }
}

/// The record an element starts, if any, given the response and the element's parent.
fn record_kind(response: Option<Response>, name: &str, parent: &str) -> Option<RecKind> {
    match (response, name) {
        (Some(Response::Family), "family-member") => Some(RecKind::FamilyMember),
        // A search without constituents lists bare publication references.
        (Some(Response::Exchange), "publication-reference") if parent == "search-result" => {
            Some(RecKind::SearchHit)
        }
        (Some(_), "exchange-document") => Some(RecKind::ExchangeDocument),
        (Some(Response::Equivalents), "inquiry-result") => Some(RecKind::InquiryResult),
        (Some(Response::Register), "register-document") => Some(RecKind::RegisterDocument),
        _ => None,
    }
}

fn wrap(r: Result<PatentRecord, Bad>) -> Outcome {
    match r {
        Ok(r) => Outcome::Record(Box::new(r)),
        Err(e) => Outcome::Reject(e),
    }
}

fn pub_id(p: &Publication) -> String {
    clean_number(&format!("{}{}{}", p.office, p.number, p.kind))
}

// ---------------------------------------------------------------------------------------------
// Document identifiers.

/// One `document-id` element.
#[derive(Debug, Default, Clone)]
struct DocId {
    id_type: String,
    country: Option<String>,
    number: Option<String>,
    kind: Option<String>,
    date: Option<String>,
}

fn doc_ids(parent: &Node) -> Vec<DocId> {
    parent
        .kids("document-id")
        .map(|d| DocId {
            id_type: d
                .attr("document-id-type")
                .unwrap_or("")
                .to_ascii_lowercase(),
            country: d.child_text("country"),
            number: d.child_text("doc-number"),
            kind: d.child_text("kind"),
            date: d.child_text("date"),
        })
        .collect()
}

/// Office, number and kind of a reference, normalised.
#[derive(Debug, Clone, PartialEq)]
struct Ident {
    office: String,
    number: String,
    kind: Option<String>,
    date: Option<NaiveDate>,
}

/// An optional date; a value that is no date is noted under `field` and read as absent.
fn date_field(raw: Option<&str>, field: &str, notes: &mut Notes) -> Option<NaiveDate> {
    let s = raw.map(str::trim).filter(|s| !s.is_empty())?;
    let d = parse_date(s, DateOrder::DayFirst);
    if d.is_none() {
        notes.push(BadValue {
            field: field.to_string(),
            value: s.to_string(),
            reason: format!("invalid date {s:?}"),
        });
    }
    d
}

fn valid_office(o: &str) -> bool {
    o.len() == 2 && o.bytes().all(|b| b.is_ascii_uppercase())
}

/// Splits an EPODOC number (`US2012057518`, `DK3740998T`) into office and number.
fn split_epodoc(raw: &str) -> Option<(String, String)> {
    let s = clean_number(raw);
    if s.len() < 3 || !s.is_char_boundary(2) {
        return None;
    }
    let (cc, rest) = s.split_at(2);
    let rest = rest.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    (valid_office(cc) && !rest.is_empty()).then(|| (cc.to_string(), rest.to_string()))
}

/// Application number as keyed: DOCDB US numbers lose their filing-year prefix.
fn app_number(office: &str, number: &str) -> String {
    let n = clean_number(number);
    if office == "US" && n.len() == 12 && n.bytes().all(|b| b.is_ascii_digit()) {
        let year: u32 = n[..4].parse().unwrap_or(0);
        if (1900..=2100).contains(&year) {
            return n[4..].to_string();
        }
    }
    n
}

/// Converts an EPODOC application number to DOCDB office and number where the rule is known
/// (EP `EP20100167109` → `10167109`, WO `WO2024EP63512` → `EP2024063512`, US year prefix).
fn epodoc_app(raw: &str) -> Option<(String, String, Option<String>)> {
    let s = clean_number(raw);
    if s.len() < 3 || !s.is_char_boundary(2) || !valid_office(&s[..2]) {
        return None;
    }
    let (cc, rest) = s.split_at(2);
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    match cc {
        "EP" if rest.len() == 11 && digits(rest) && rest.as_bytes()[4] == b'0' => {
            Some(("EP".into(), format!("{}{}", &rest[2..4], &rest[5..]), None))
        }
        "WO" if rest.len() > 6
            && digits(&rest[..4])
            && rest[4..6].bytes().all(|b| b.is_ascii_uppercase())
            && digits(&rest[6..]) =>
        {
            Some((
                "WO".into(),
                format!("{}{}{:0>6}", &rest[4..6], &rest[..4], &rest[6..]),
                Some("W".into()),
            ))
        }
        _ => {
            let rest = rest.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            (!rest.is_empty()).then(|| (cc.to_string(), app_number(cc, rest), None))
        }
    }
}

/// The application of an `application-reference`: DOCDB form preferred, EPODOC converted,
/// untyped (register) taken as is. The date may sit on any of the forms.
fn application(
    node: &Node,
    field: &str,
    notes: &mut Notes,
) -> Result<(Ident, Option<String>), Bad> {
    let ids = doc_ids(node);
    let epodoc = ids
        .iter()
        .find(|d| d.id_type == "epodoc")
        .and_then(|d| d.number.clone());
    let date_raw = ids
        .iter()
        .find(|d| d.id_type == "docdb" || d.id_type.is_empty())
        .and_then(|d| d.date.clone())
        .or_else(|| ids.iter().find_map(|d| d.date.clone()));
    let date = date_field(date_raw.as_deref(), &format!("{field}/date"), notes);
    let typed = ids
        .iter()
        .find(|d| (d.id_type == "docdb" || d.id_type.is_empty()) && d.number.is_some());
    let (office, number, kind) = match typed {
        Some(d) => {
            let office = normalize_office(d.country.as_deref().unwrap_or(""));
            let number = app_number(&office, d.number.as_deref().unwrap_or(""));
            (office, number, d.kind.clone())
        }
        None => match epodoc.as_deref().and_then(epodoc_app) {
            Some((o, n, k)) => (o, n, k),
            None => {
                return Err(Bad::new(
                    &format!("{field}/doc-number"),
                    "no application number (docdb or epodoc document-id)",
                ));
            }
        },
    };
    if !valid_office(&office) {
        return Err(Bad::new(
            &format!("{field}/country"),
            format!("missing or invalid office {office:?}"),
        ));
    }
    if number.is_empty() {
        return Err(Bad::new(
            &format!("{field}/doc-number"),
            "empty application number",
        ));
    }
    Ok((
        Ident {
            office,
            number,
            kind,
            date,
        },
        epodoc,
    ))
}

/// A publication from a `publication-reference` (DOCDB, untyped or EPODOC form).
fn publication(node: &Node, field: &str, notes: &mut Notes) -> Result<Option<Publication>, Bad> {
    let ids = doc_ids(node);
    let typed = ids
        .iter()
        .find(|d| (d.id_type == "docdb" || d.id_type.is_empty()) && d.number.is_some());
    let (office, number, kind, date_raw) = match typed {
        Some(d) => (
            normalize_office(d.country.as_deref().unwrap_or("")),
            clean_number(d.number.as_deref().unwrap_or("")),
            d.kind.clone().unwrap_or_default(),
            d.date.clone(),
        ),
        None => match ids.iter().find(|d| d.number.is_some()) {
            Some(d) => match split_epodoc(d.number.as_deref().unwrap_or("")) {
                Some((o, n)) => (o, n, d.kind.clone().unwrap_or_default(), d.date.clone()),
                None => {
                    return Err(Bad::new(
                        &format!("{field}/doc-number"),
                        format!("unreadable publication number {:?}", d.number),
                    ));
                }
            },
            None => return Ok(None),
        },
    };
    if !valid_office(&office) || number.is_empty() {
        return Err(Bad::new(
            &format!("{field}/country"),
            format!("publication without office or number ({office:?} {number:?})"),
        ));
    }
    let date = date_field(date_raw.as_deref(), &format!("{field}/date"), notes);
    let kind = kind.trim().to_ascii_uppercase();
    Ok(Some(Publication {
        class: classify_publication(&office, &kind, date),
        office: office.into(),
        number: number.into(),
        kind: kind.into(),
        date,
        source_id: None,
    }))
}

fn priority(
    pc: &Node,
    own: &(String, String),
    own_epodoc: Option<&str>,
    notes: &mut Notes,
) -> Result<Priority, Bad> {
    let ids = doc_ids(pc);
    let date_raw = ids
        .iter()
        .find(|d| d.id_type == "docdb")
        .and_then(|d| d.date.clone())
        .or_else(|| ids.iter().find_map(|d| d.date.clone()));
    let date = date_field(date_raw.as_deref(), "priority-claim/date", notes);
    let docdb = ids
        .iter()
        .find(|d| (d.id_type == "docdb" || d.id_type.is_empty()) && d.number.is_some());
    let (office, number, kind) = if let Some(d) = docdb {
        let office = normalize_office(d.country.as_deref().unwrap_or(""));
        let number = app_number(&office, d.number.as_deref().unwrap_or(""));
        (office, number, d.kind.clone())
    } else if let Some(e) = ids
        .iter()
        .find(|d| d.id_type == "epodoc")
        .and_then(|d| d.number.as_deref())
    {
        if own_epodoc.is_some_and(|o| clean_number(o) == clean_number(e)) {
            (own.0.clone(), own.1.clone(), None)
        } else {
            epodoc_app(e).ok_or_else(|| {
                Bad::new(
                    "priority-claim/doc-number",
                    format!("unreadable priority number {e:?}"),
                )
            })?
        }
    } else {
        return Err(Bad::new(
            "priority-claim/doc-number",
            "priority claim without a docdb or epodoc number",
        ));
    };
    if !valid_office(&office) || number.is_empty() {
        return Err(Bad::new(
            "priority-claim/country",
            format!("priority claim without office or number ({office:?} {number:?})"),
        ));
    }
    Ok(Priority {
        key: app_key(&office, &number),
        office: office.into(),
        number: number.into(),
        kind: kind.map(Into::into),
        date,
    })
}

/// Keeps one priority per key, filling kind and date from the duplicates.
fn dedupe_priorities(ps: &mut ThinVec<Priority>) {
    let mut out: ThinVec<Priority> = ThinVec::new();
    for p in ps.drain(..) {
        match out.iter_mut().find(|q| q.key == p.key) {
            Some(q) => {
                if q.kind.is_none() {
                    q.kind = p.kind;
                }
                if q.date.is_none() {
                    q.date = p.date;
                }
            }
            None => out.push(p),
        }
    }
    *ps = out;
}

fn push_unique<T: PartialEq>(v: &mut ThinVec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

// ---------------------------------------------------------------------------------------------
// Record builders.

fn new_record(app: &Ident, source_id: Option<String>) -> PatentRecord {
    let mut rec = PatentRecord::default();
    let a = &mut rec.app;
    a.key = app_key(&app.office, &app.number);
    a.office = app.office.as_str().into();
    a.number = app.number.as_str().into();
    a.kind = app
        .kind
        .as_ref()
        .map(|k| k.trim().to_ascii_uppercase())
        .map(Into::into);
    a.filing_date = app.date;
    a.filing_year = app.date.map(|d| d.year());
    a.is_pct = app.office == "WO" || a.kind.as_deref() == Some("W");
    a.source_id = source_id.map(Into::into);
    rec
}

/// Fills priority-derived fields once all priorities are known.
fn finish_priorities(rec: &mut PatentRecord) {
    dedupe_priorities(&mut rec.priorities);
    rec.app.earliest_priority_date = rec.priorities.iter().filter_map(|p| p.date).min();
    if !rec.priorities.is_empty() {
        rec.app.is_priority_filing = Some(rec.priorities.iter().any(|p| p.key == rec.app.key));
    }
}

/// One `exchange-document`; `None` for a document OPS reports as not found.
fn exchange_document(node: &Node, notes: &mut Notes) -> Result<Option<PatentRecord>, Bad> {
    if let Some(status) = node.attr("status").filter(|s| !s.trim().is_empty())
        && (status.contains("not found") || status.contains("invalid"))
    {
        return Ok(None);
    }
    let bib = node.child("bibliographic-data").ok_or_else(|| {
        Bad::new(
            "bibliographic-data",
            "exchange-document without bibliographic-data",
        )
    })?;
    let appref = bib.child("application-reference").ok_or_else(|| {
        Bad::new(
            "application-reference",
            "exchange-document without application-reference",
        )
    })?;
    let (app, own_epodoc) = application(appref, "application-reference", notes)?;
    let mut rec = new_record(&app, appref.attr("doc-id").map(str::to_string));
    rec.app.docdb_family_id = node.attr("family-id").and_then(opt).map(Into::into);

    // The publication: publication-reference, else the exchange-document's own attributes.
    let publ = match bib.child("publication-reference") {
        Some(pr) => publication(pr, "publication-reference", notes)?,
        None => None,
    };
    let publ = match publ {
        Some(p) => p,
        None => {
            let office = normalize_office(node.attr("country").unwrap_or(""));
            let number = clean_number(node.attr("doc-number").unwrap_or(""));
            let kind = node.attr("kind").unwrap_or("").trim().to_ascii_uppercase();
            if !valid_office(&office) || number.is_empty() {
                return Err(Bad::new(
                    "publication-reference",
                    "exchange-document without publication number",
                ));
            }
            Publication {
                class: classify_publication(&office, &kind, None),
                office: office.into(),
                number: number.into(),
                kind: kind.into(),
                date: None,
                source_id: None,
            }
        }
    };
    rec.publications.push(publ);

    let own = (app.office.clone(), app.number.clone());
    let claims = bib
        .child("priority-claims")
        .map(|p| p.kids("priority-claim").collect::<Vec<_>>())
        .unwrap_or_default();
    for pc in claims {
        rec.priorities
            .push(priority(pc, &own, own_epodoc.as_deref(), notes)?);
    }
    finish_priorities(&mut rec);

    if let Some(parties) = bib.child("parties") {
        rec.parties = exchange_parties(parties, PartyRole::Applicant, "applicant");
        rec.parties
            .extend(exchange_parties(parties, PartyRole::Inventor, "inventor"));
    }
    classes(bib, &mut rec, notes);
    rec.app.title = pick_lang(bib.kids("invention-title"));
    rec.app.abstract_text = pick_lang(node.kids("abstract"));
    if let Some(refs) = bib.child("references-cited") {
        citations(refs, &mut rec, notes)?;
    }
    Ok(Some(rec))
}

/// English text when given, else the first language.
fn pick_lang<'a>(nodes: impl Iterator<Item = &'a Node>) -> Option<String> {
    let all: Vec<&Node> = nodes.collect();
    all.iter()
        .find(|n| n.attr("lang").is_some_and(|l| l.eq_ignore_ascii_case("en")))
        .or_else(|| all.first())
        .and_then(|n| opt(&n.deep_text()))
}

/// Splits `9SOLUTIONS OY [FI]` into the name and the country in brackets.
fn split_name(raw: &str) -> (String, Option<String>) {
    let t = squash(raw);
    let t = t.trim_matches(|c: char| c == ',' || c.is_whitespace());
    if let (Some(open), true) = (t.rfind('['), t.ends_with(']')) {
        let cc = &t[open + 1..t.len() - 1];
        if valid_office(cc) {
            let name = t[..open].trim_matches(|c: char| c == ',' || c.is_whitespace());
            return (name.to_string(), Some(cc.to_string()));
        }
    }
    (t.to_string(), None)
}

/// Applicants or inventors of an exchange-document. OPS lists each party in several data
/// formats; the EPODOC form (which carries the country) is used when present, so nobody is
/// counted twice.
fn exchange_parties(parties: &Node, role: PartyRole, item: &str) -> ThinVec<Party> {
    let list = format!("{item}s");
    let name_el = format!("{item}-name");
    let items: Vec<&Node> = parties
        .child(&list)
        .map(|l| l.kids(item).collect())
        .unwrap_or_default();
    let of_format = |f: &str| -> Vec<&Node> {
        items
            .iter()
            .copied()
            .filter(|n| n.attr("data-format") == Some(f))
            .collect()
    };
    let mut chosen = of_format("epodoc");
    if chosen.is_empty() {
        chosen = of_format("docdb");
    }
    if chosen.is_empty() {
        chosen = of_format("original");
    }
    if chosen.is_empty() {
        chosen = items;
    }
    let mut out = ThinVec::new();
    for n in chosen {
        let raw = n
            .at(&[&name_el, "name"])
            .map(Node::deep_text)
            .unwrap_or_default();
        let (name, country) = split_name(&raw);
        if name.is_empty() {
            continue;
        }
        out.push(Party {
            role,
            seq: out.len() as u32,
            name,
            country: country.map(Into::into),
        });
    }
    out
}

/// A class code that looks like CPC/IPC after normalisation (`H04W84/20`).
fn is_class_code(code: &str) -> bool {
    let b = code.as_bytes();
    let Some(slash) = code.find('/') else {
        return false;
    };
    b.len() >= 7
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && b[3].is_ascii_uppercase()
        && slash > 4
        && b[4..slash].iter().all(u8::is_ascii_digit)
        && slash + 1 < b.len()
        && b[slash + 1..].iter().all(u8::is_ascii_digit)
}

/// The code part of an IPC-R text such as `H04W  84/    20            A I` or
/// `H04W  88/04        20090101ALN20190523BHEP`.
fn ipc_from_text(raw: &str) -> String {
    let mut acc = String::new();
    for tok in raw.split_whitespace() {
        acc.push_str(tok);
        if let Some(i) = acc.find('/')
            && acc[i + 1..].bytes().any(|b| b.is_ascii_digit())
        {
            break;
        }
    }
    if let Some(i) = acc.find('/') {
        let sub: String = acc[i + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        acc = format!("{}/{sub}", &acc[..i]);
    }
    normalize_class_code(&acc)
}

/// Adds a class code; one that is no class code is noted under `field` and left out.
fn add_class(
    rec: &mut PatentRecord,
    scheme: ClassScheme,
    raw: &str,
    field: &str,
    notes: &mut Notes,
) {
    let code = match scheme {
        ClassScheme::Uspc => squash(raw),
        _ => ipc_from_text(raw),
    };
    if code.is_empty() {
        return;
    }
    if scheme != ClassScheme::Uspc && !is_class_code(&code) {
        notes.push(BadValue {
            field: field.to_string(),
            value: raw.trim().to_string(),
            reason: format!("unrecognised class code {:?}", raw.trim()),
        });
        return;
    }
    push_unique(
        &mut rec.classes,
        Classification {
            scheme,
            code: code.into(),
        },
    );
}

/// IPC-R, legacy IPC and CPC (and US classes) of a `bibliographic-data`.
fn classes(bib: &Node, rec: &mut PatentRecord, notes: &mut Notes) {
    if let Some(ipcr) = bib.child("classifications-ipcr") {
        for c in ipcr.kids("classification-ipcr") {
            if let Some(t) = c.child_text("text") {
                add_class(rec, ClassScheme::Ipc, &t, "classification-ipcr/text", notes);
            }
        }
    }
    if let Some(ipc) = bib.child("classification-ipc") {
        for el in ["main-classification", "further-classification"] {
            for c in ipc.kids(el) {
                let t = c.deep_text();
                add_class(
                    rec,
                    ClassScheme::Ipc,
                    &t,
                    &format!("classification-ipc/{el}"),
                    notes,
                );
            }
        }
    }
    if let Some(pcs) = bib.child("patent-classifications") {
        for pc in pcs.kids("patent-classification") {
            let scheme = pc
                .child("classification-scheme")
                .and_then(|s| s.attr("scheme"))
                .unwrap_or("")
                .to_ascii_uppercase();
            if scheme.starts_with("CPC") {
                let parts: Vec<String> = ["section", "class", "subclass", "main-group", "subgroup"]
                    .iter()
                    .map(|p| pc.child_text(p).unwrap_or_default())
                    .collect();
                let raw = if parts.iter().all(|p| !p.is_empty()) {
                    format!(
                        "{}{}{}{}/{}",
                        parts[0], parts[1], parts[2], parts[3], parts[4]
                    )
                } else {
                    pc.child_text("classification-symbol").unwrap_or_default()
                };
                add_class(rec, ClassScheme::Cpc, &raw, "patent-classification", notes);
            } else if scheme == "UC"
                && let Some(sym) = pc.child_text("classification-symbol")
            {
                add_class(rec, ClassScheme::Uspc, &sym, "patent-classification", notes);
            }
        }
    }
}

/// Who made a citation, in the store's vocabulary (`examiner | applicant | other`).
fn cited_by(c: &Node) -> Option<String> {
    let by = c.attr("cited-by").map(|s| s.trim().to_ascii_lowercase());
    let phase = c.attr("cited-phase").map(|s| s.trim().to_ascii_lowercase());
    let v = match (by.as_deref(), phase.as_deref()) {
        (Some("examiner"), _) => "examiner",
        (Some("applicant"), _) => "applicant",
        (Some(b), _) if !b.is_empty() => "other",
        (_, Some(p)) if p.contains("search") || p.contains("exam") => "examiner",
        (_, Some("applicant")) => "applicant",
        (_, Some(p)) if !p.is_empty() => "other",
        _ => return None,
    };
    Some(v.to_string())
}

/// Patent citations and the NPL count of a `references-cited`.
fn citations(refs: &Node, rec: &mut PatentRecord, notes: &mut Notes) -> Result<(), Bad> {
    let mut npl = 0u32;
    for c in refs.kids("citation") {
        if c.child("nplcit").is_some() {
            npl += 1;
        }
        let Some(patcit) = c.child("patcit") else {
            continue;
        };
        let ids = doc_ids(patcit);
        let typed = ids
            .iter()
            .find(|d| (d.id_type == "docdb" || d.id_type.is_empty()) && d.number.is_some());
        let (office, number, kind, date_raw) = match typed {
            Some(d) => (
                d.country.as_deref().map(normalize_office),
                clean_number(d.number.as_deref().unwrap_or("")),
                d.kind.clone(),
                d.date.clone(),
            ),
            None => match ids.iter().find(|d| d.number.is_some()) {
                Some(d) => match split_epodoc(d.number.as_deref().unwrap_or("")) {
                    Some((o, n)) => (Some(o), n, None, d.date.clone()),
                    None => (
                        None,
                        clean_number(d.number.as_deref().unwrap_or("")),
                        None,
                        d.date.clone(),
                    ),
                },
                None => (None, String::new(), None, None),
            },
        };
        if number.is_empty() {
            return Err(Bad::new(
                "citation/patcit/document-id",
                "cited patent without a document number",
            ));
        }
        let date = date_field(date_raw.as_deref(), "citation/patcit/date", notes);
        let cats: Vec<String> = c
            .kids("category")
            .filter_map(|k| opt(&k.deep_text()))
            .collect();
        push_unique(
            &mut rec.citations,
            Citation {
                office: office.filter(|o| !o.is_empty()).map(Into::into),
                number: number.into(),
                kind: kind.map(Into::into),
                date,
                category: (!cats.is_empty()).then(|| cats.join(",")).map(Into::into),
                cited_by: cited_by(c).map(Into::into),
                source_id: None,
            },
        );
    }
    rec.app.npl_citation_count = Some(npl);
    Ok(())
}

/// One INPADOC legal event (`ops:legal`).
fn legal_event(l: &Node, notes: &mut Notes) -> Result<LegalEvent, Bad> {
    let code = l
        .attr("code")
        .and_then(opt)
        .or_else(|| l.child_text("L008EP"))
        .ok_or_else(|| Bad::new("legal/@code", "legal event without a code"))?;
    let date = date_field(l.child_text("L007EP").as_deref(), "legal/L007EP", notes);
    // The L5xx fields hold the event's details (country, free text, effective date); they
    // keep events with the same code and date apart (e.g. lapses in different states).
    let details: Vec<String> = l
        .descendants()
        .into_iter()
        .filter(|n| n.name.starts_with("L5") && n.children.is_empty())
        .filter_map(|n| {
            let v = opt(&squash(&n.text))?;
            Some(match n.attr("desc") {
                Some(d) => format!("{}: {v}", d.trim()),
                None => v,
            })
        })
        .collect();
    let desc = l.attr("desc").map(squash).filter(|d| !d.is_empty());
    let description = match (desc, details.is_empty()) {
        (Some(d), true) => Some(d),
        (Some(d), false) => Some(format!("{d} ({})", details.join("; "))),
        (None, false) => Some(details.join("; ")),
        (None, true) => None,
    };
    Ok(LegalEvent {
        date,
        code,
        description,
    })
}

/// One `ops:family-member`, with its nested exchange-document and legal events if any.
fn family_member(
    node: &Node,
    total: Option<&Result<Option<u32>, String>>,
    notes: &mut Notes,
) -> Outcome {
    if let Some(Err(e)) = total {
        return Outcome::Reject(Bad::new("patent-family/@total-result-count", e.clone()));
    }
    wrap(family_member_record(node, notes))
}

fn family_member_record(node: &Node, notes: &mut Notes) -> Result<PatentRecord, Bad> {
    let ex = match node.child("exchange-document") {
        Some(x) => exchange_document(x, notes)?,
        None => None,
    };
    let mut rec = match node.child("application-reference") {
        Some(appref) => {
            let (app, own_epodoc) = application(appref, "application-reference", notes)?;
            let mut rec = new_record(&app, appref.attr("doc-id").map(str::to_string));
            if let Some(pr) = node.child("publication-reference")
                && let Some(p) = publication(pr, "publication-reference", notes)?
            {
                rec.publications.push(p);
            }
            let own = (app.office.clone(), app.number.clone());
            for pc in node.kids("priority-claim") {
                rec.priorities
                    .push(priority(pc, &own, own_epodoc.as_deref(), notes)?);
            }
            if let Some(ex) = ex {
                rec.merge(ex);
            }
            rec
        }
        None => ex.ok_or_else(|| {
            Bad::new(
                "application-reference",
                "family member without application-reference",
            )
        })?,
    };
    if rec.publications.is_empty() {
        return Err(Bad::new(
            "publication-reference",
            "family member without publication-reference",
        ));
    }
    if let Some(f) = node.attr("family-id").and_then(opt) {
        rec.app.docdb_family_id = Some(f.into());
    }
    finish_priorities(&mut rec);
    for l in node.kids("legal") {
        rec.legal_events.push(legal_event(l, notes)?);
    }
    Ok(rec)
}

/// A record from a bare publication reference (an equivalents inquiry result, a search hit):
/// the application number is unknown, so the record is keyed by the publication number.
fn publication_only(pr: &Node, notes: &mut Notes) -> Result<PatentRecord, Bad> {
    let p = publication(pr, "publication-reference", notes)?.ok_or_else(|| {
        Bad::new(
            "publication-reference",
            "publication reference without a publication number",
        )
    })?;
    let ident = Ident {
        office: p.office.to_string(),
        number: p.number.to_string(),
        kind: None,
        date: None,
    };
    let mut rec = new_record(&ident, None);
    rec.app.docdb_family_id = pr.attr("family-id").and_then(opt).map(Into::into);
    rec.publications.push(p);
    Ok(rec)
}

/// One EP Register `reg:register-document`. The register keeps history (older applicant lists,
/// older classifications); the first group of each kind is the current one and the only one used.
fn register_document(node: &Node, notes: &mut Notes) -> Result<PatentRecord, Bad> {
    let bib = node.child("bibliographic-data").ok_or_else(|| {
        Bad::new(
            "bibliographic-data",
            "register-document without bibliographic-data",
        )
    })?;
    let appref = bib.child("application-reference").ok_or_else(|| {
        Bad::new(
            "application-reference",
            "register-document without application-reference",
        )
    })?;
    let (app, _) = application(appref, "application-reference", notes)?;
    let mut rec = new_record(&app, bib.attr("id").and_then(opt));
    for pr in bib.kids("publication-reference") {
        if let Some(p) = publication(pr, "publication-reference", notes)? {
            push_unique(&mut rec.publications, p);
        }
    }
    if let Some(ipcr) = bib.child("classifications-ipcr") {
        for c in ipcr.kids("classification-ipcr") {
            let t = c.child_text("text").unwrap_or_default();
            for part in t.split([',', ';']).flat_map(|p| p.split("//")) {
                if !part.trim().is_empty() {
                    let field = "classification-ipcr/text";
                    add_class(&mut rec, ClassScheme::Ipc, part, field, notes);
                }
            }
        }
    }
    if let Some(parties) = bib.child("parties") {
        for (role, list, item) in [
            (PartyRole::Applicant, "applicants", "applicant"),
            (PartyRole::Inventor, "inventors", "inventor"),
        ] {
            let Some(group) = parties.child(list) else {
                continue;
            };
            for p in group.kids(item) {
                let Some(name) = p
                    .at(&["addressbook", "name"])
                    .and_then(|n| opt(&n.deep_text()))
                else {
                    continue;
                };
                let country = p
                    .at(&["residence", "country"])
                    .or_else(|| p.at(&["nationality", "country"]))
                    .and_then(|c| opt(&c.deep_text()))
                    .or_else(|| {
                        p.at(&["addressbook", "address", "country"])
                            .and_then(|c| opt(&c.deep_text()))
                    });
                let seq = rec.parties.iter().filter(|x| x.role == role).count() as u32;
                rec.parties.push(Party {
                    role,
                    seq,
                    name,
                    country: country.map(Into::into),
                });
            }
        }
    }
    rec.app.title = pick_lang(bib.kids("invention-title"));
    if let Some(statuses) = node.child("ep-patent-statuses") {
        for (i, s) in statuses.kids("ep-patent-status").enumerate() {
            let text = opt(&s.deep_text());
            if i == 0 {
                rec.app.legal_status = text.as_deref().map(Into::into);
            }
            let date = date_field(
                s.attr("change-date"),
                "ep-patent-status/@change-date",
                notes,
            );
            rec.legal_events.push(LegalEvent {
                date,
                code: format!("EP-STATUS-{}", s.attr("status-code").unwrap_or("").trim()),
                description: text,
            });
        }
    }
    if let Some(d) = bib.child("designation-of-states") {
        let states: Vec<String> = d
            .descendants()
            .into_iter()
            .filter(|n| n.name == "regional" || n.name == "national")
            .flat_map(|n| n.kids("country").filter_map(|c| opt(&c.deep_text())))
            .collect();
        if !states.is_empty() {
            rec.legal_events.push(LegalEvent {
                date: date_field(
                    d.attr("change-date"),
                    "designation-of-states/@change-date",
                    notes,
                ),
                code: "DESIGNATED-STATES".into(),
                description: Some(states.join(" ")),
            });
        }
    }
    if let Some(t) = bib.child("term-of-grant") {
        for l in t.kids("lapsed-in-country") {
            let date = date_field(
                l.child_text("date").as_deref(),
                "term-of-grant/lapsed-in-country/date",
                notes,
            );
            rec.legal_events.push(LegalEvent {
                date,
                code: "LAPSED-IN-COUNTRY".into(),
                description: l.child_text("country"),
            });
        }
    }
    if let Some(refs) = bib.child("references-cited") {
        citations(refs, &mut rec, notes)?;
    }
    // Only an explicit status sets `granted`; B publications already count as grants by kind.
    if rec.legal_events.iter().any(|e| {
        e.code.starts_with("EP-STATUS-")
            && e.description
                .as_deref()
                .is_some_and(|d| d.to_ascii_lowercase().contains("patent has been granted"))
    }) {
        rec.app.granted = Some(true);
    }
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_the_country_bracket() {
        assert_eq!(
            split_name("9SOLUTIONS OY\u{2002}[FI]"),
            ("9SOLUTIONS OY".to_string(), Some("FI".to_string()))
        );
        assert_eq!(
            split_name(" NIEMI JAAKKO [FI]\n"),
            ("NIEMI JAAKKO".to_string(), Some("FI".to_string()))
        );
        assert_eq!(
            split_name("HERRALA, SAMI, "),
            ("HERRALA, SAMI".to_string(), None)
        );
        assert_eq!(split_name("ACME [X]"), ("ACME [X]".to_string(), None));
    }

    #[test]
    fn ipc_texts_normalise() {
        assert_eq!(
            ipc_from_text("H04W  84/    20            A I      "),
            "H04W84/20"
        );
        assert_eq!(
            ipc_from_text("H04L  12/   715            A I"),
            "H04L12/715"
        );
        assert_eq!(
            ipc_from_text("H04W  88/04        20090101ALN20190523BHEP"),
            "H04W88/04"
        );
        assert_eq!(ipc_from_text("H04W84/20"), "H04W84/20");
        assert!(is_class_code("H04W84/20"));
        assert!(is_class_code("Y02E10/72"));
        assert!(!is_class_code("H04W"));
        assert!(!is_class_code("BLUETOOTH/X"));
    }

    #[test]
    fn epodoc_numbers_convert() {
        assert_eq!(
            epodoc_app("EP20100167109"),
            Some(("EP".into(), "10167109".into(), None))
        );
        assert_eq!(
            epodoc_app("WO2024EP63512"),
            Some(("WO".into(), "EP2024063512".into(), Some("W".into())))
        );
        assert_eq!(
            epodoc_app("US201113167395"),
            Some(("US".into(), "13167395".into(), None))
        );
        assert_eq!(
            epodoc_app("GB20230006615"),
            Some(("GB".into(), "20230006615".into(), None))
        );
        assert_eq!(
            epodoc_app("DK19702186T"),
            Some(("DK".into(), "19702186".into(), None))
        );
        assert_eq!(epodoc_app("12"), None);
        assert_eq!(app_number("US", "201113167395"), "13167395");
        assert_eq!(app_number("EP", "10167109"), "10167109");
        assert_eq!(
            split_epodoc("DK3740998T"),
            Some(("DK".into(), "3740998".into()))
        );
    }

    #[test]
    fn cited_by_vocabulary() {
        let mk = |attrs: &[(&str, &str)]| Node {
            name: "citation".into(),
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Node::default()
        };
        assert_eq!(
            cited_by(&mk(&[("cited-by", "examiner")])).as_deref(),
            Some("examiner")
        );
        assert_eq!(
            cited_by(&mk(&[
                ("cited-phase", "undefined"),
                ("cited-by", "applicant")
            ]))
            .as_deref(),
            Some("applicant")
        );
        assert_eq!(
            cited_by(&mk(&[("cited-phase", "search")])).as_deref(),
            Some("examiner")
        );
        assert_eq!(
            cited_by(&mk(&[("cited-phase", "opposition")])).as_deref(),
            Some("other")
        );
        assert_eq!(cited_by(&mk(&[])), None);
    }
}
