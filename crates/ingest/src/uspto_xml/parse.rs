//! Streams one XML document (one `<?xml ...?>` segment of a concatenated weekly file) with
//! quick-xml: checks well-formedness, keeps the bibliographic section as a small tree and
//! the abstract and claims as text, and reports where a broken document breaks.

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::tree::{Child, Node, collapse_ws, is_block};
use crate::limits::{MAX_FIELD_BYTES, MAX_XML_DEPTH, too_deep, too_long};

/// Claims text kept per record, in characters.
pub(crate) const CLAIMS_CAP: usize = 20_000;

/// The document types this reader turns into records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DocKind {
    /// `us-patent-grant` (v4.0-v4.5).
    Grant,
    /// `us-patent-application` (v4.0-v4.x).
    Application,
    /// `patent-application-publication` (pap v1.5/v1.6, 2001-2004).
    Pap,
}

impl DocKind {
    fn from_root(name: &str) -> Option<DocKind> {
        match name {
            "us-patent-grant" => Some(DocKind::Grant),
            "us-patent-application" => Some(DocKind::Application),
            "patent-application-publication" => Some(DocKind::Pap),
            _ => None,
        }
    }

    fn biblio(self) -> &'static str {
        match self {
            DocKind::Grant => "us-bibliographic-data-grant",
            DocKind::Application => "us-bibliographic-data-application",
            DocKind::Pap => "subdoc-bibliographic-information",
        }
    }
}

/// What one segment held.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Only whitespace (or comments): nothing to count.
    Blank,
    /// Text or bytes that are no XML document at all.
    Garbage {
        at: usize,
    },
    /// A well-formed document of a type this reader does not turn into records.
    Skip {
        kind: String,
    },
    /// A broken document.
    Broken {
        at: usize,
        reason: String,
    },
    /// A well-formed start of a document past a limit of [`crate::limits`] (nesting depth,
    /// field size); `field` is the element path at fault. Not read further.
    TooLarge {
        at: usize,
        field: String,
        reason: String,
    },
    Doc(Box<Doc>),
}

/// A well-formed patent document, reduced to what the record needs.
#[derive(Debug)]
pub(crate) struct Doc {
    pub kind: DocKind,
    pub biblio: Option<Node>,
    pub abstract_text: String,
    pub claims: Vec<String>,
    pub claims_count: u32,
    /// The names of the root's child elements other than the bibliographic section, each
    /// once, in document order (reported as paths: abstract, claims, description, ...).
    pub sections: Vec<String>,
}

/// The result for one segment: the document, plus stray content after its root element
/// (reported separately so the document itself is not lost).
#[derive(Debug)]
pub(crate) struct Parsed {
    pub outcome: Outcome,
    pub trailing_garbage: Option<usize>,
}

#[derive(PartialEq)]
enum Phase {
    Prolog,
    Inside,
    After,
}

/// Parses one segment; offsets in the result are relative to the segment.
pub(crate) fn parse_segment(seg: &str) -> Parsed {
    let nul = seg.find('\0');
    let mut parsed = parse_events(seg);
    // XML forbids NUL anywhere; quick-xml does not check, so it is checked here.
    if let Some(p) = nul {
        match &parsed.outcome {
            Outcome::Doc(_) => {
                if parsed.root_end.is_some_and(|end| p < end) {
                    parsed.outcome = nul_broken(p);
                } else if parsed.trailing_garbage.is_none_or(|t| p < t) {
                    parsed.trailing_garbage = Some(p);
                }
            }
            Outcome::Broken { at, .. } if p <= *at => parsed.outcome = nul_broken(p),
            Outcome::Blank => parsed.outcome = Outcome::Garbage { at: p },
            _ => {}
        }
    }
    Parsed {
        outcome: parsed.outcome,
        trailing_garbage: parsed.trailing_garbage,
    }
}

fn nul_broken(at: usize) -> Outcome {
    Outcome::Broken {
        at,
        reason: "NUL byte inside the document (not allowed in XML; file corrupted?)".into(),
    }
}

struct Raw {
    outcome: Outcome,
    trailing_garbage: Option<usize>,
    /// Offset just after the root element's end tag.
    root_end: Option<usize>,
}

/// Reads one segment's XML events into its document, or finds why there is none.
fn parse_events(seg: &str) -> Raw {
    let mut reader = Reader::from_str(seg);
    {
        let cfg = reader.config_mut();
        cfg.expand_empty_elements = true;
        // A stray `&` (`AT&T`) is a typing slip, not a reason to lose a patent.
        cfg.allow_dangling_amp = true;
        cfg.check_end_names = true;
    }
    let mut scan = Scan {
        phase: Phase::Prolog,
        saw_prolog: false,
        first_content: None,
        stack: Vec::new(),
        b: None,
        root_end: None,
        trailing: None,
    };
    loop {
        let before = reader.buffer_position() as usize;
        let step = match reader.read_event() {
            Ok(ev) => {
                let after = reader.buffer_position() as usize;
                scan.event(ev, before, after)
            }
            Err(e) => scan.read_error(reader.error_position() as usize, &e),
        };
        match step {
            Step::Next => {}
            Step::Stop => break,
            Step::Done(raw) => return raw,
        }
    }
    scan.finish(seg.len())
}

/// What the scan of a segment does after one XML event.
enum Step {
    /// Reads the next event.
    Next,
    /// Stops reading; the outcome follows from what was read.
    Stop,
    /// Stops reading with this outcome.
    Done(Raw),
}

/// Where the scan of one segment stands between two XML events.
struct Scan {
    phase: Phase,
    saw_prolog: bool,
    /// Offset of the first text that is not blank before the root element.
    first_content: Option<usize>,
    /// Local names of the open elements, root first.
    stack: Vec<String>,
    b: Option<Builder>,
    root_end: Option<usize>,
    trailing: Option<usize>,
}

impl Scan {
    /// A syntax error: trailing garbage after the root, garbage before any prolog, or a
    /// broken document.
    fn read_error(&mut self, at: usize, e: &quick_xml::Error) -> Step {
        match self.phase {
            Phase::After => {
                self.trailing.get_or_insert(at);
                Step::Stop
            }
            Phase::Prolog if !self.saw_prolog => Step::Done(Raw {
                outcome: Outcome::Garbage {
                    at: self.first_content.unwrap_or(at),
                },
                trailing_garbage: None,
                root_end: None,
            }),
            _ if cut_off(e) => Step::Done(broken(
                at,
                format!("truncated document (or an unclosed quote): {e}"),
            )),
            _ => Step::Done(broken(at, format!("not well-formed XML: {e}"))),
        }
    }

    /// One event read; `before` and `after` are the offsets around it.
    fn event(&mut self, ev: Event<'_>, before: usize, after: usize) -> Step {
        match ev {
            Event::Eof => Step::Stop,
            Event::Decl(_) | Event::DocType(_) => {
                if self.phase == Phase::After {
                    self.trailing.get_or_insert(before);
                    return Step::Stop;
                }
                self.saw_prolog = true;
                Step::Next
            }
            Event::Comment(_) | Event::PI(_) => Step::Next,
            Event::Start(e) => self.start(&e, before),
            Event::End(_) => self.end(before, after),
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                let s = match &ev {
                    Event::Text(t) => String::from_utf8_lossy(t.as_ref()),
                    Event::CData(t) => String::from_utf8_lossy(t.as_ref()),
                    Event::GeneralRef(r) => resolve_ref(r).into(),
                    _ => unreachable!("matched above"),
                };
                on_text(
                    &s,
                    before,
                    &mut self.phase,
                    &mut self.first_content,
                    &mut self.trailing,
                    &mut self.b,
                );
                if self.trailing.is_some() {
                    return Step::Stop;
                }
                match self.b.as_mut().and_then(|b| b.over.take()) {
                    Some(reason) => Step::Done(too_large(before, path_of(&self.stack), reason)),
                    None => Step::Next,
                }
            }
            Event::Empty(_) => Step::Next, // expand_empty_elements turns these into Start + End
        }
    }

    /// A start tag: the root element (naming the document type), one inside it, or trailing
    /// content after it.
    fn start(&mut self, e: &BytesStart<'_>, before: usize) -> Step {
        let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
        match self.phase {
            Phase::After => {
                self.trailing.get_or_insert(before);
                Step::Stop
            }
            Phase::Prolog => {
                if let Some(at) = self.first_content {
                    if !self.saw_prolog {
                        return Step::Done(Raw {
                            outcome: Outcome::Garbage { at },
                            trailing_garbage: None,
                            root_end: None,
                        });
                    }
                    return Step::Done(broken(at, "text before the root element".into()));
                }
                let Some(kind) = DocKind::from_root(&name) else {
                    // Not read, so not checked further: a skipped document's body
                    // does not matter.
                    let kind = match name.as_str() {
                        "sequence-cwu" => "us-sequence-listing".to_string(),
                        _ => name,
                    };
                    return Step::Done(Raw {
                        outcome: Outcome::Skip { kind },
                        trailing_garbage: None,
                        root_end: None,
                    });
                };
                self.b = Some(Builder::new(kind));
                self.phase = Phase::Inside;
                self.stack.push(name);
                Step::Next
            }
            Phase::Inside => {
                if self.stack.len() >= MAX_XML_DEPTH {
                    return Step::Done(too_large(before, path_of(&self.stack), too_deep()));
                }
                self.stack.push(name);
                if let Some(b) = self.b.as_mut() {
                    b.start(&self.stack, e);
                    if let Some(reason) = b.over.take() {
                        return Step::Done(too_large(before, path_of(&self.stack), reason));
                    }
                }
                Step::Next
            }
        }
    }

    /// An end tag; the root's end moves the scan past the document.
    fn end(&mut self, before: usize, after: usize) -> Step {
        if self.stack.is_empty() {
            // quick-xml reports unmatched end tags itself; this is a second guard.
            return Step::Done(broken(before, "end tag without a start tag".into()));
        }
        if let Some(b) = self.b.as_mut() {
            b.end(&self.stack);
        }
        self.stack.pop();
        if self.stack.is_empty() {
            self.phase = Phase::After;
            self.root_end = Some(after);
        }
        Step::Next
    }

    /// The outcome once reading stopped: the document if its root closed, else what was
    /// found instead.
    fn finish(self, seg_len: usize) -> Raw {
        let outcome = match self.phase {
            Phase::Prolog if self.saw_prolog => Outcome::Broken {
                at: seg_len,
                reason: "document has no root element (empty or truncated document)".into(),
            },
            Phase::Prolog => match self.first_content {
                Some(at) => Outcome::Garbage { at },
                None => Outcome::Blank,
            },
            Phase::Inside => {
                let stack = &self.stack;
                let open: Vec<&str> = stack.iter().rev().take(4).map(String::as_str).collect();
                return broken(
                    seg_len,
                    format!(
                        "truncated document: ends inside <{}> ({} elements unclosed: {})",
                        stack.last().map(String::as_str).unwrap_or(""),
                        stack.len(),
                        open.join(" < ")
                    ),
                );
            }
            Phase::After => match self.b {
                Some(b) => Outcome::Doc(Box::new(b.finish())),
                None => Outcome::Blank,
            },
        };
        Raw {
            outcome,
            trailing_garbage: self.trailing,
            root_end: self.root_end,
        }
    }
}

/// A broken document, failing at `at` for `reason`.
fn broken(at: usize, reason: String) -> Raw {
    Raw {
        outcome: Outcome::Broken { at, reason },
        trailing_garbage: None,
        root_end: None,
    }
}

fn too_large(at: usize, field: String, reason: String) -> Raw {
    Raw {
        outcome: Outcome::TooLarge { at, field, reason },
        trailing_garbage: None,
        root_end: None,
    }
}

/// The element path of `stack` for a rejection's field: the first four elements, then `...`
/// for the rest of a deep path and the innermost element.
fn path_of(stack: &[String]) -> String {
    let head: Vec<&str> = stack.iter().take(4).map(String::as_str).collect();
    match stack.len() {
        0..=4 => head.join("/"),
        5 => format!("{}/{}", head.join("/"), stack[4]),
        _ => format!("{}/.../{}", head.join("/"), stack[stack.len() - 1]),
    }
}

/// Errors that mean the input ended in the middle of markup.
fn cut_off(e: &quick_xml::Error) -> bool {
    use quick_xml::errors::SyntaxError::*;
    matches!(
        e,
        quick_xml::Error::Syntax(
            UnclosedTag | UnclosedComment | UnclosedCData | UnclosedDoctype | UnclosedPIOrXmlDecl
        )
    )
}

fn on_text(
    s: &str,
    at: usize,
    phase: &mut Phase,
    first_content: &mut Option<usize>,
    trailing: &mut Option<usize>,
    b: &mut Option<Builder>,
) {
    match phase {
        Phase::Inside => {
            if let Some(b) = b.as_mut() {
                b.text(s);
            }
        }
        Phase::Prolog => {
            if !s.trim().is_empty() && first_content.is_none() {
                *first_content = Some(at + (s.len() - s.trim_start().len()));
            }
        }
        Phase::After => {
            if !s.trim().is_empty() {
                *trailing = Some(at + (s.len() - s.trim_start().len()));
            }
        }
    }
}

fn attrs_of(e: &BytesStart) -> Vec<(String, String)> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .map(|a| {
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let value = match a.unescape_value() {
                Ok(v) => v.into_owned(),
                // An unknown entity in an attribute: keep the value as written.
                Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
            };
            (key, value)
        })
        .collect()
}

/// Resolves a character or entity reference. DTD entities are never loaded (the DTDs are
/// not shipped with the data), so a few common named entities are mapped here and any
/// other is kept as written, `&name;`, rather than failing the document.
pub(crate) fn resolve_ref(r: &BytesRef) -> String {
    let name = String::from_utf8_lossy(r.as_ref()).into_owned();
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        return match code.and_then(char::from_u32) {
            Some(c) if c != '\0' => c.to_string(),
            _ => format!("&{name};"),
        };
    }
    let c = match name.as_str() {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "ldquo" => '\u{201c}',
        "rdquo" => '\u{201d}',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "minus" => '\u{2212}',
        "deg" => '\u{b0}',
        "plusmn" => '\u{b1}',
        "times" => '\u{d7}',
        "divide" => '\u{f7}',
        "micro" => '\u{b5}',
        "middot" => '\u{b7}',
        "bull" => '\u{2022}',
        "hellip" => '\u{2026}',
        "copy" => '\u{a9}',
        "reg" => '\u{ae}',
        "trade" => '\u{2122}',
        "le" => '\u{2264}',
        "ge" => '\u{2265}',
        "ne" => '\u{2260}',
        "alpha" => '\u{3b1}',
        "beta" => '\u{3b2}',
        "gamma" => '\u{3b3}',
        "delta" => '\u{3b4}',
        "mu" => '\u{3bc}',
        "pi" => '\u{3c0}',
        "Omega" => '\u{3a9}',
        "angst" => '\u{c5}',
        "eacute" => '\u{e9}',
        "egrave" => '\u{e8}',
        "auml" => '\u{e4}',
        "ouml" => '\u{f6}',
        "uuml" => '\u{fc}',
        "Auml" => '\u{c4}',
        "Ouml" => '\u{d6}',
        "Uuml" => '\u{dc}',
        "szlig" => '\u{df}',
        _ => return format!("&{name};"),
    };
    c.to_string()
}

/// Collects the parts of a document the record needs while events stream past.
struct Builder {
    kind: DocKind,
    /// Open elements of the bibliographic section; empty outside it.
    open: Vec<Node>,
    biblio: Option<Node>,
    abstract_depth: Option<usize>,
    abstract_buf: String,
    claims_depth: Option<usize>,
    claim_depth: Option<usize>,
    claim_buf: String,
    claims: Vec<String>,
    claims_chars: usize,
    claims_count: u32,
    sections: Vec<String>,
    /// Why the document went past a field limit, once it has.
    over: Option<String>,
}

impl Builder {
    fn new(kind: DocKind) -> Builder {
        Builder {
            kind,
            open: Vec::new(),
            biblio: None,
            abstract_depth: None,
            abstract_buf: String::new(),
            claims_depth: None,
            claim_depth: None,
            claim_buf: String::new(),
            claims: Vec::new(),
            claims_chars: 0,
            claims_count: 0,
            sections: Vec::new(),
            over: None,
        }
    }

    /// `stack` already holds the new element.
    fn start(&mut self, stack: &[String], e: &BytesStart) {
        let depth = stack.len();
        let name = stack[depth - 1].as_str();
        if !self.open.is_empty() {
            self.open_node(name, e);
            return;
        }
        if depth == 2 {
            if name == self.kind.biblio() && self.biblio.is_none() {
                self.open_node(name, e);
                return;
            }
            if !self.sections.iter().any(|s| s == name) {
                self.sections.push(name.to_string());
            }
            match name {
                "abstract" | "subdoc-abstract" => self.abstract_depth = Some(depth),
                "claims" | "subdoc-claims" => self.claims_depth = Some(depth),
                _ => {}
            }
        }
        if self.claims_depth == Some(depth - 1) && name == "claim" {
            self.claim_depth = Some(depth);
            self.claim_buf.clear();
            self.claims_count += 1;
        }
        if is_block(name) {
            self.sep();
        }
    }

    /// `stack` still holds the closing element.
    fn end(&mut self, stack: &[String]) {
        let depth = stack.len();
        if let Some(node) = self.open.pop() {
            match self.open.last_mut() {
                Some(parent) => parent.children.push(Child::Elem(node)),
                None => self.biblio = Some(node),
            }
            return;
        }
        if is_block(&stack[depth - 1]) {
            self.sep();
        }
        if self.abstract_depth == Some(depth) {
            self.abstract_depth = None;
            self.abstract_buf.push(' ');
        }
        if self.claim_depth == Some(depth) {
            self.claim_depth = None;
            let text = collapse_ws(&self.claim_buf);
            self.claim_buf.clear();
            if !text.is_empty() && self.claims_chars <= CLAIMS_CAP {
                self.claims_chars += text.chars().count() + 1;
                self.claims.push(text);
            }
        }
        if self.claims_depth == Some(depth) {
            self.claims_depth = None;
        }
    }

    /// Opens an element of the bibliographic section, checking its attribute values' size.
    fn open_node(&mut self, name: &str, e: &BytesStart) {
        let attrs = attrs_of(e);
        if attrs.iter().any(|(_, v)| v.len() > MAX_FIELD_BYTES) {
            self.over.get_or_insert_with(too_long);
        }
        self.open.push(Node::new(name, attrs));
    }

    fn sep(&mut self) {
        if self.abstract_depth.is_some() {
            self.abstract_buf.push(' ');
        }
        if self.claim_depth.is_some() {
            self.claim_buf.push(' ');
        }
    }

    fn text(&mut self, s: &str) {
        if let Some(top) = self.open.last_mut() {
            top.push_text(s);
            if let Some(Child::Text(t)) = top.children.last()
                && t.len() > MAX_FIELD_BYTES
            {
                self.over.get_or_insert_with(too_long);
            }
            return;
        }
        if self.abstract_depth.is_some() {
            self.abstract_buf.push_str(s);
            if self.abstract_buf.len() > MAX_FIELD_BYTES {
                self.over.get_or_insert_with(too_long);
            }
        }
        // One claim longer than the whole cap is cut while reading, to bound memory.
        if self.claim_depth.is_some() && self.claim_buf.len() < CLAIMS_CAP * 4 {
            self.claim_buf.push_str(s);
        }
    }

    fn finish(self) -> Doc {
        Doc {
            kind: self.kind,
            biblio: self.biblio,
            abstract_text: collapse_ws(&self.abstract_buf),
            claims: self.claims,
            claims_count: self.claims_count,
            sections: self.sections,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(p: &Parsed) -> &Doc {
        match &p.outcome {
            Outcome::Doc(d) => d,
            other => panic!("expected a document, got {other:?}"),
        }
    }

    #[test]
    fn reads_biblio_abstract_and_claims() {
        let x = "<?xml version=\"1.0\"?>\n<!DOCTYPE us-patent-grant SYSTEM \"g.dtd\" [ ]>\n\
            <us-patent-grant file=\"f.XML\"><us-bibliographic-data-grant><invention-title>H<sub>2</sub>O &lsquo;maker&rsquo; &foo;</invention-title></us-bibliographic-data-grant>\
            <abstract><p>First  para.</p><p>Second&#x2003;para &amp; more.</p></abstract>\
            <description><p>long text</p><claims><claim>not counted</claim></claims></description>\
            <claims><claim id=\"1\"><claim-text>1. A thing comprising:<claim-text>a part;</claim-text></claim-text></claim>\
            <claim><claim-text>2. The thing of <claim-ref>claim 1</claim-ref>.</claim-text></claim></claims></us-patent-grant>\n";
        let p = parse_segment(x);
        let d = doc(&p);
        assert_eq!(d.kind, DocKind::Grant);
        assert_eq!(p.trailing_garbage, None);
        let b = d.biblio.as_ref().unwrap();
        assert_eq!(
            b.text_at(&["invention-title"]).as_deref(),
            Some("H2O \u{2018}maker\u{2019} &foo;")
        );
        assert_eq!(d.abstract_text, "First para. Second para & more.");
        assert_eq!(d.claims_count, 2);
        assert_eq!(
            d.claims,
            vec!["1. A thing comprising: a part;", "2. The thing of claim 1."]
        );
    }

    #[test]
    fn truncated_and_mismatched_documents_break() {
        let x = "<?xml version=\"1.0\"?><us-patent-grant><claims><claim>";
        match parse_segment(x).outcome {
            Outcome::Broken { at, reason } => {
                assert_eq!(at, x.len());
                assert!(
                    reason.contains("truncated") && reason.contains("<claim>"),
                    "{reason}"
                );
            }
            o => panic!("{o:?}"),
        }
        let x = "<?xml version=\"1.0\"?><us-patent-grant><a></b></us-patent-grant>";
        match parse_segment(x).outcome {
            Outcome::Broken { at, reason } => {
                assert_eq!(at, x.find("</b>").unwrap());
                assert!(reason.contains("not well-formed"), "{reason}");
            }
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn skips_garbage_blank_and_trailing() {
        assert!(matches!(parse_segment("  \n").outcome, Outcome::Blank));
        assert!(matches!(
            parse_segment("junk here").outcome,
            Outcome::Garbage { at: 0 }
        ));
        let p = parse_segment("<?xml version=\"1.0\"?><sequence-cwu><x/></sequence-cwu>");
        assert!(matches!(p.outcome, Outcome::Skip { ref kind } if kind == "us-sequence-listing"));
        let x = "<?xml version=\"1.0\"?><us-patent-grant></us-patent-grant>\n  trailing junk";
        let p = parse_segment(x);
        assert!(matches!(p.outcome, Outcome::Doc(_)));
        assert_eq!(p.trailing_garbage, x.find("trailing"));
        let x = "<?xml version=\"1.0\"?><us-patent-grant>a\0b</us-patent-grant>";
        match parse_segment(x).outcome {
            Outcome::Broken { at, .. } => assert_eq!(at, x.find('\0').unwrap()),
            o => panic!("{o:?}"),
        }
        assert!(matches!(
            parse_segment("<?xml version=\"1.0\"?>\n").outcome,
            Outcome::Broken { .. }
        ));
    }
}
