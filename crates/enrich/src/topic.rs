//! Topic queries: a small boolean language over words in the title, abstract and claims and
//! over CPC/IPC class prefixes, used to select a technology (the blockchain query of
//! METHODOLOGY.md ships as [`DEFAULT_TOPIC`]).
//!
//! Syntax:
//! - `blockchain`, `cryptocurrenc*` (a `*` matches any run of letters/digits inside one
//!   word), `"distributed ledger"` (a phrase: consecutive words). Words match whole words,
//!   case-insensitively; punctuation separates words, so `"proof of work"` also matches
//!   `proof-of-work`. Words in scripts written without spaces (CJK) match inside a word.
//! - `cpc:H04L9/32`, `ipc:G06Q20/065*`, `class:G06` (either scheme): a class prefix. Codes are
//!   normalised like the data (`H04L 9/32` = `H04L9/32`). A code with a main group but no
//!   subgroup (`H04L9`) matches that main group only, not `H04L99`; a trailing `*` is allowed
//!   and changes nothing. `cpc:H04L9/3236-3257` is a subgroup range (inclusive, compared as
//!   digit strings, so `H04L9/3247` and `H04L9/325` are in it).
//! - `AND`, `OR`, `NOT` (any case), parentheses; precedence NOT > AND > OR. Terms must be
//!   joined by an operator: write a phrase in quotes.
//! - `#` starts a comment up to the end of the line.

use std::fmt;

use patq_model::{ClassScheme, Classification, PatentRecord, normalize_class_code};

/// The blockchain topic of METHODOLOGY.md (Clarke, Juergens & Herrero-Solana 2020).
pub const DEFAULT_TOPIC: &str = include_str!("../../../profiles/blockchain.topic");

/// A parse error with its 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    /// Byte offset into the query text.
    pub offset: usize,
    pub message: String,
}

/// Which classification scheme a class atom looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SchemeSel {
    Cpc,
    Ipc,
    /// `class:`: CPC or IPC.
    Any,
}

/// A class atom: a normalised code prefix, or a subgroup range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassPattern {
    pub scheme: SchemeSel,
    /// Normalised code, e.g. `H04L9/3236`.
    pub code: String,
    /// Upper end of a subgroup range (`3257` in `H04L9/3236-3257`).
    pub range_end: Option<String>,
    /// Written with a trailing `*` (kept for display only; prefixes match either way).
    pub star: bool,
}

/// A query expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// A word or phrase: lower-case words, possibly containing `*`.
    Term(Vec<String>),
    Class(ClassPattern),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

/// A parsed topic query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub expr: Expr,
    /// `expr` for a record without a word of text, its terms folded to false: records that
    /// hold only classes (PATSTAT without titles and abstracts) walk a few class atoms
    /// instead of every term of a taxonomy.
    textless: Folded,
}

/// An expression with some atoms decided in advance.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Folded {
    Const(bool),
    Expr(Expr),
}

impl Folded {
    /// `e` with every term false.
    fn without_terms(e: &Expr) -> Folded {
        match e {
            Expr::Term(_) => Folded::Const(false),
            Expr::Class(_) => Folded::Expr(e.clone()),
            Expr::Not(x) => match Folded::without_terms(x) {
                Folded::Const(b) => Folded::Const(!b),
                Folded::Expr(x) => Folded::Expr(Expr::Not(Box::new(x))),
            },
            Expr::And(xs) | Expr::Or(xs) => {
                // The value that decides an AND (false) or an OR (true) on its own.
                let decisive = matches!(e, Expr::Or(_));
                let mut rest = Vec::new();
                for x in xs {
                    match Folded::without_terms(x) {
                        Folded::Const(b) if b == decisive => return Folded::Const(b),
                        Folded::Const(_) => {}
                        Folded::Expr(x) => rest.push(x),
                    }
                }
                match rest.len() {
                    0 => Folded::Const(!decisive),
                    1 => Folded::Expr(rest.pop().expect("one left")),
                    _ if decisive => Folded::Expr(Expr::Or(rest)),
                    _ => Folded::Expr(Expr::And(rest)),
                }
            }
        }
    }
}

impl Default for Query {
    /// The shipped blockchain topic.
    fn default() -> Self {
        Query::parse(DEFAULT_TOPIC).expect("the embedded profiles/blockchain.topic parses")
    }
}

impl std::str::FromStr for Query {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Query, ParseError> {
        Query::parse(s)
    }
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, ParseError> {
        let tokens = lex(text)?;
        let mut p = Parser {
            text,
            tokens,
            pos: 0,
        };
        if p.tokens.is_empty() {
            return Err(p.error_at(text.len(), "empty query"));
        }
        let expr = p.or()?;
        if let Some(t) = p.tokens.get(p.pos) {
            let msg = match t.kind {
                Tok::RParen => "unexpected ')' without a matching '('".to_string(),
                _ => format!(
                    "expected AND, OR or the end of the query before {}; write phrases in quotes (\"smart contract\")",
                    t.describe()
                ),
            };
            return Err(p.error_at(t.offset, &msg));
        }
        Ok(Query::of(expr))
    }

    /// The query of a parsed expression.
    fn of(expr: Expr) -> Query {
        Query {
            textless: Folded::without_terms(&expr),
            expr,
        }
    }

    /// True when the record matches.
    pub fn matches(&self, record: &PatentRecord) -> bool {
        self.matches_doc(&Doc::new(record))
    }

    /// Matches a prepared record; prepare once when testing many queries on one record.
    pub fn matches_doc(&self, doc: &Doc<'_>) -> bool {
        if !doc.has_words {
            return match &self.textless {
                Folded::Const(b) => *b,
                Folded::Expr(e) => eval(e, doc),
            };
        }
        eval(&self.expr, doc)
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)
    }
}

impl fmt::Display for Expr {
    /// Canonical text that parses back to the same expression.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Term(words) => {
                let bare = words.len() == 1 && !is_operator(&words[0]);
                if bare {
                    write!(f, "{}", words[0])
                } else {
                    write!(f, "\"{}\"", words.join(" "))
                }
            }
            Expr::Class(c) => {
                let s = match c.scheme {
                    SchemeSel::Cpc => "cpc",
                    SchemeSel::Ipc => "ipc",
                    SchemeSel::Any => "class",
                };
                write!(f, "{s}:{}", c.code)?;
                if let Some(e) = &c.range_end {
                    write!(f, "-{e}")?;
                }
                if c.star {
                    write!(f, "*")?;
                }
                Ok(())
            }
            Expr::And(xs) => join(f, xs, " AND ", |x| matches!(x, Expr::Or(_) | Expr::And(_))),
            Expr::Or(xs) => join(f, xs, " OR ", |x| matches!(x, Expr::Or(_))),
            Expr::Not(x) => {
                if matches!(**x, Expr::And(_) | Expr::Or(_)) {
                    write!(f, "NOT ({x})")
                } else {
                    write!(f, "NOT {x}")
                }
            }
        }
    }
}

fn join(
    f: &mut fmt::Formatter<'_>,
    xs: &[Expr],
    sep: &str,
    paren: impl Fn(&Expr) -> bool,
) -> fmt::Result {
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        if paren(x) {
            write!(f, "({x})")?;
        } else {
            write!(f, "{x}")?;
        }
    }
    Ok(())
}

fn is_operator(w: &str) -> bool {
    w.eq_ignore_ascii_case("and") || w.eq_ignore_ascii_case("or") || w.eq_ignore_ascii_case("not")
}

// ------------------------------------------------------------------ lexer

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Bare(String),
    Quoted(String),
}

#[derive(Clone, Debug)]
struct Token {
    kind: Tok,
    offset: usize,
}

impl Token {
    fn describe(&self) -> String {
        match &self.kind {
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::And => "AND".into(),
            Tok::Or => "OR".into(),
            Tok::Not => "NOT".into(),
            Tok::Bare(s) => format!("{s:?}"),
            Tok::Quoted(s) => format!("\"{s}\""),
        }
    }
}

fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn err(text: &str, offset: usize, message: impl Into<String>) -> ParseError {
    let (line, column) = position(text, offset);
    ParseError {
        line,
        column,
        offset,
        message: message.into(),
    }
}

fn lex(text: &str) -> Result<Vec<Token>, ParseError> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some(&(i, c)) = it.peek() {
        match c {
            c if c.is_whitespace() => {
                it.next();
            }
            '#' => {
                while let Some(&(_, c)) = it.peek() {
                    if c == '\n' {
                        break;
                    }
                    it.next();
                }
            }
            '(' | ')' => {
                it.next();
                let kind = if c == '(' { Tok::LParen } else { Tok::RParen };
                out.push(Token { kind, offset: i });
            }
            '"' => {
                it.next();
                let mut s = String::new();
                let mut closed = false;
                for (_, c) in it.by_ref() {
                    if c == '"' {
                        closed = true;
                        break;
                    }
                    s.push(c);
                }
                if !closed {
                    return Err(err(
                        text,
                        i,
                        "unclosed quote: a phrase needs its closing '\"'",
                    ));
                }
                out.push(Token {
                    kind: Tok::Quoted(s),
                    offset: i,
                });
            }
            _ => {
                let mut s = String::new();
                while let Some(&(_, c)) = it.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '"' | '#') {
                        break;
                    }
                    s.push(c);
                    it.next();
                }
                let kind = match s.to_ascii_uppercase().as_str() {
                    "AND" => Tok::And,
                    "OR" => Tok::Or,
                    "NOT" => Tok::Not,
                    _ => Tok::Bare(s),
                };
                out.push(Token { kind, offset: i });
            }
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------ parser

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser<'_> {
    fn error_at(&self, offset: usize, message: &str) -> ParseError {
        err(self.text, offset, message)
    }

    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.kind)
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut xs = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            xs.push(self.and()?);
        }
        Ok(flatten(xs, true))
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut xs = vec![self.unary()?];
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            xs.push(self.unary()?);
        }
        Ok(flatten(xs, false))
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == Some(&Tok::Not) {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        let Some(tok) = self.tokens.get(self.pos).cloned() else {
            let prev = self.tokens.last().map(Token::describe).unwrap_or_default();
            return Err(self.error_at(
                self.text.len(),
                &format!("the query ends after {prev}; expected a term, a class or '('"),
            ));
        };
        self.pos += 1;
        match tok.kind {
            Tok::LParen => {
                let inner = self.or()?;
                if self.peek() == Some(&Tok::RParen) {
                    self.pos += 1;
                    Ok(inner)
                } else if let Some(t) = self.tokens.get(self.pos) {
                    Err(self.error_at(
                        t.offset,
                        &format!(
                            "expected AND, OR or ')' before {}; write phrases in quotes",
                            t.describe()
                        ),
                    ))
                } else {
                    Err(self.error_at(tok.offset, "'(' is never closed"))
                }
            }
            Tok::Quoted(s) => term(&s).map_err(|m| self.error_at(tok.offset, &m)),
            Tok::Bare(s) => {
                if let Some((scheme, code)) = class_prefix(&s) {
                    class(scheme, code).map_err(|m| self.error_at(tok.offset, &m))
                } else {
                    term(&s).map_err(|m| self.error_at(tok.offset, &m))
                }
            }
            other => Err(self.error_at(
                tok.offset,
                &format!(
                    "expected a term, a class or '(' but found {}",
                    Token {
                        kind: other,
                        offset: tok.offset
                    }
                    .describe()
                ),
            )),
        }
    }
}

fn flatten(xs: Vec<Expr>, or: bool) -> Expr {
    if xs.len() == 1 {
        return xs.into_iter().next().unwrap_or(Expr::Or(Vec::new()));
    }
    let mut out = Vec::with_capacity(xs.len());
    for x in xs {
        match (x, or) {
            (Expr::Or(inner), true) | (Expr::And(inner), false) => out.extend(inner),
            (x, _) => out.push(x),
        }
    }
    if or { Expr::Or(out) } else { Expr::And(out) }
}

fn class_prefix(s: &str) -> Option<(SchemeSel, &str)> {
    let (head, code) = s.split_once(':')?;
    let scheme = match head.to_ascii_lowercase().as_str() {
        "cpc" => SchemeSel::Cpc,
        "ipc" => SchemeSel::Ipc,
        "class" => SchemeSel::Any,
        _ => return None,
    };
    Some((scheme, code))
}

fn class(scheme: SchemeSel, raw: &str) -> Result<Expr, String> {
    let (body, star) = match raw.strip_suffix('*') {
        Some(b) => (b, true),
        None => (raw, false),
    };
    let (base, range_end) = match body.split_once('-') {
        Some((b, e)) => (b, Some(e)),
        None => (body, None),
    };
    let code = normalize_class_code(base);
    let ok = code
        .chars()
        .next()
        .is_some_and(|c| matches!(c, 'A'..='H' | 'Y'))
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '/')
        && code.matches('/').count() <= 1;
    if !ok {
        return Err(format!(
            "{raw:?} is not a CPC/IPC code (expected e.g. H04L9/32, G06Q20/065* or G06)"
        ));
    }
    let range_end = match range_end {
        None => None,
        Some(e) => {
            let Some((_, low)) = code.split_once('/') else {
                return Err(format!(
                    "a range needs a subgroup: write e.g. H04L9/3236-3257, not {raw:?}"
                ));
            };
            if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "range end {e:?} in {raw:?} is not a subgroup number"
                ));
            }
            let l = low.len().max(e.len());
            if pad(low, l) > pad(e, l) {
                return Err(format!("range {raw:?} ends before it starts"));
            }
            Some(e.to_string())
        }
    };
    Ok(Expr::Class(ClassPattern {
        scheme,
        code,
        range_end,
        star,
    }))
}

fn pad(s: &str, len: usize) -> String {
    let mut t: String = s.chars().take(len).collect();
    while t.len() < len {
        t.push('0');
    }
    t
}

fn term(s: &str) -> Result<Expr, String> {
    let words: Vec<String> = s
        .split(|c: char| !(c.is_alphanumeric() || c == '*'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        return Err(format!("term {s:?} has no letters or digits"));
    }
    if let Some(w) = words.iter().find(|w| !w.chars().any(|c| c != '*')) {
        return Err(format!("wildcard {w:?} needs at least one letter or digit"));
    }
    Ok(Expr::Term(words))
}

// ------------------------------------------------------------------ evaluation

/// A record prepared for matching: its text fields split into lower-case words.
pub struct Doc<'a> {
    fields: Vec<Field>,
    classes: &'a [Classification],
    /// False when no field holds a word: every term is false.
    has_words: bool,
}

/// The words of one text field, plus their positions sorted by word, so a plain word or a
/// `prefix*` pattern is found by binary search instead of comparing it with every word (a
/// taxonomy asks hundreds of terms of every record).
struct Field {
    words: Vec<String>,
    sorted: Vec<u32>,
    /// Words with characters of an unspaced script (Chinese, Japanese, Korean): the only ones
    /// such a pattern can match inside, so the rest are never scanned for it.
    unspaced: Vec<u32>,
}

impl Field {
    fn new(words: Vec<String>) -> Field {
        let mut sorted: Vec<u32> = (0..words.len() as u32).collect();
        sorted.sort_unstable_by(|&a, &b| words[a as usize].cmp(&words[b as usize]));
        let unspaced = (0..words.len() as u32)
            .filter(|&k| words[k as usize].chars().any(is_unspaced_script))
            .collect();
        Field {
            words,
            sorted,
            unspaced,
        }
    }

    /// Whether some word matches `pattern` on its own: `Some` when the pattern is a plain word
    /// or `prefix*` (answered by binary search), `None` for other globs and unspaced scripts.
    fn has_word(&self, pattern: &str) -> Option<bool> {
        if pattern.chars().any(is_unspaced_script) {
            return None;
        }
        let (prefix, whole) = match pattern.find('*') {
            None => (pattern, true),
            Some(at) if at + 1 == pattern.len() && at > 0 => (&pattern[..at], false),
            Some(_) => return None,
        };
        let w = |i: usize| self.words[self.sorted[i] as usize].as_str();
        let at = self
            .sorted
            .partition_point(|&k| self.words[k as usize].as_str() < prefix);
        Some(
            at < self.sorted.len()
                && if whole {
                    w(at) == prefix
                } else {
                    w(at).starts_with(prefix)
                },
        )
    }
}

impl<'a> Doc<'a> {
    /// False when no text field holds a word: then every query's answer depends only on the
    /// record's classes.
    pub fn has_words(&self) -> bool {
        self.has_words
    }

    pub fn new(r: &'a PatentRecord) -> Doc<'a> {
        let fields: Vec<Field> = [&r.app.title, &r.app.abstract_text, &r.app.claims_text]
            .into_iter()
            .flatten()
            .map(|t| Field::new(words(t)))
            .collect();
        Doc {
            has_words: fields.iter().any(|f| !f.words.is_empty()),
            fields,
            classes: &r.classes,
        }
    }
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn eval(e: &Expr, d: &Doc<'_>) -> bool {
    match e {
        Expr::Term(ws) => d.fields.iter().any(|f| term_in(ws, f)),
        Expr::Class(c) => d.classes.iter().any(|x| class_matches(c, x)),
        Expr::And(xs) => xs.iter().all(|x| eval(x, d)),
        Expr::Or(xs) => xs.iter().any(|x| eval(x, d)),
        Expr::Not(x) => !eval(x, d),
    }
}

/// A term in a field: the first word's binary search rules most fields out (and answers a
/// one-word term outright) before the positional scan of [`phrase_in`].
fn term_in(pattern: &[String], field: &Field) -> bool {
    if let [p] = pattern
        && p.chars().any(is_unspaced_script)
    {
        return field
            .unspaced
            .iter()
            .any(|&k| word_matches(p, &field.words[k as usize]));
    }
    match pattern.first().and_then(|p| field.has_word(p)) {
        Some(false) => false,
        Some(true) if pattern.len() == 1 => true,
        _ => phrase_in(pattern, &field.words),
    }
}

fn phrase_in(pattern: &[String], field: &[String]) -> bool {
    if pattern.len() > field.len() {
        return false;
    }
    (0..=field.len() - pattern.len()).any(|s| {
        pattern
            .iter()
            .zip(&field[s..])
            .all(|(p, w)| word_matches(p, w))
    })
}

fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

fn word_matches(pattern: &str, word: &str) -> bool {
    if pattern.chars().any(is_unspaced_script) {
        // No word boundaries to rely on: match anywhere inside the run.
        let inner = pattern.trim_matches('*');
        if !inner.contains('*') {
            return word.contains(inner);
        }
        return glob(&format!("*{inner}*"), word);
    }
    glob(pattern, word)
}

/// `*`-only glob, iterative with backtracking to the last star. It runs over bytes: `*` is
/// ASCII and UTF-8 is self-synchronising, so a literal can only match at a character
/// boundary and the result equals a glob over chars, without allocating per word.
fn glob(pattern: &str, text: &str) -> bool {
    if !pattern.contains('*') {
        return pattern == text;
    }
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

fn class_matches(c: &ClassPattern, x: &Classification) -> bool {
    let scheme_ok = match c.scheme {
        SchemeSel::Cpc => x.scheme == ClassScheme::Cpc,
        SchemeSel::Ipc => x.scheme == ClassScheme::Ipc,
        SchemeSel::Any => matches!(x.scheme, ClassScheme::Cpc | ClassScheme::Ipc),
    };
    scheme_ok && code_matches(c, &x.code)
}

fn code_matches(c: &ClassPattern, code: &str) -> bool {
    if let Some(end) = &c.range_end {
        let Some((main, low)) = c.code.split_once('/') else {
            return false;
        };
        let Some((cmain, csub)) = code.split_once('/') else {
            return false;
        };
        if cmain != main {
            return false;
        }
        let l = low.len().max(end.len());
        let s = pad(csub, l);
        return pad(low, l) <= s && s <= pad(end, l);
    }
    if c.code.contains('/') {
        return code.starts_with(&c.code);
    }
    if c.code.len() > 4 {
        // Main group without subgroup: H04L9 must not match H04L99/00.
        return code == c.code
            || code
                .strip_prefix(&c.code)
                .is_some_and(|rest| rest.starts_with('/'));
    }
    code.starts_with(&c.code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(s: &str) -> Query {
        Query::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn rec(title: &str, classes: &[(ClassScheme, &str)]) -> PatentRecord {
        let mut r = PatentRecord::default();
        r.app.title = Some(title.into());
        r.classes = classes
            .iter()
            .map(|(s, c)| Classification {
                scheme: *s,
                code: normalize_class_code(c).into(),
            })
            .collect();
        r
    }

    #[test]
    fn precedence() {
        // NOT > AND > OR.
        assert_eq!(q("a OR b AND NOT c").to_string(), "a OR b AND NOT c");
        assert_eq!(
            q("a OR b AND NOT c").expr,
            Expr::Or(vec![
                Expr::Term(vec!["a".into()]),
                Expr::And(vec![
                    Expr::Term(vec!["b".into()]),
                    Expr::Not(Box::new(Expr::Term(vec!["c".into()])))
                ])
            ])
        );
        assert_eq!(q("(a OR b) and c").to_string(), "(a OR b) AND c");
        assert_eq!(q("NOT (a or b)").to_string(), "NOT (a OR b)");
        assert_eq!(q("a AND (b AND c)").to_string(), "a AND b AND c");
        assert_eq!(q("((a))").to_string(), "a");
    }

    #[test]
    fn round_trips() {
        for s in [
            "blockchain",
            "\"smart contract\" OR cryptocurrenc*",
            "\"or\" AND \"not this\"",
            "cpc:H04L9/3236-3257 OR ipc:G06Q20/065* OR class:G06",
            "NOT (a AND b) AND NOT c",
            "(a OR b) AND (c OR NOT d)",
        ] {
            let once = q(s);
            assert_eq!(once.to_string(), s);
            assert_eq!(q(&once.to_string()), once);
        }
        assert_eq!(q("cpc:h04l009/32").to_string(), "cpc:H04L9/32");
        assert_eq!(q("\"Proof-of-Work\"").to_string(), "\"proof of work\"");
        // The default topic parses and prints to something that parses to itself.
        let d = Query::default();
        assert_eq!(q(&d.to_string()), d);
    }

    #[test]
    fn errors_have_positions() {
        let e = Query::parse("a AND").unwrap_err();
        assert_eq!((e.line, e.column), (1, 6));
        assert!(e.message.contains("ends after AND"), "{e}");
        let e = Query::parse("a OR (b AND c").unwrap_err();
        assert_eq!((e.column, e.message.as_str()), (6, "'(' is never closed"));
        let e = Query::parse("a b").unwrap_err();
        assert_eq!(e.column, 3);
        assert!(e.message.contains("quotes"), "{e}");
        let e = Query::parse("x\n  AND \"open").unwrap_err();
        assert_eq!((e.line, e.column), (2, 7));
        assert!(e.message.contains("unclosed quote"));
        let e = Query::parse("a)").unwrap_err();
        assert_eq!(e.column, 2);
        assert!(e.message.contains("unexpected ')'"));
        let e = Query::parse("cpc:nonsense").unwrap_err();
        assert!(e.message.contains("not a CPC/IPC code"), "{e}");
        let e = Query::parse("cpc:H04L9/3257-3236").unwrap_err();
        assert!(e.message.contains("ends before it starts"), "{e}");
        let e = Query::parse("cpc:H04L-3").unwrap_err();
        assert!(e.message.contains("needs a subgroup"), "{e}");
        let e = Query::parse("# only a comment\n").unwrap_err();
        assert_eq!(e.message, "empty query");
        let e = Query::parse("a AND OR b").unwrap_err();
        assert_eq!(e.column, 7);
        let e = Query::parse("** OR b").unwrap_err();
        assert!(e.message.contains("wildcard"), "{e}");
        let e = Query::parse("\"--\"").unwrap_err();
        assert!(e.message.contains("no letters"), "{e}");
        assert_eq!(
            e.to_string(),
            "line 1, column 1: term \"--\" has no letters or digits"
        );
    }

    #[test]
    fn words_and_phrases() {
        let r = rec("A Proof-of-Work Blockchains system for UAVs", &[]);
        assert!(q("\"proof of work\"").matches(&r));
        assert!(q("blockchain*").matches(&r));
        assert!(!q("blockchain").matches(&r), "whole words only");
        assert!(!q("chain").matches(&r));
        assert!(q("uav*").matches(&r));
        assert!(q("b*s").matches(&r));
        assert!(!q("\"work proof\"").matches(&r));
        assert!(q("SYSTEM AND NOT drone").matches(&r));
        // Phrases do not run across fields.
        let mut r2 = rec("smart", &[]);
        r2.app.abstract_text = Some("contract law".into());
        assert!(!q("\"smart contract\"").matches(&r2));
        r2.app.claims_text = Some("1. A smart contract engine".into());
        assert!(q("\"smart contract\"").matches(&r2));
        // Unspaced scripts match inside a run of characters.
        let r3 = rec("一种基于区块链的数据存证方法", &[]);
        assert!(q("区块链").matches(&r3));
        assert!(!q("比特币").matches(&r3));
    }

    #[test]
    fn classes() {
        let r = rec(
            "x",
            &[
                (ClassScheme::Cpc, "H04L 9/3247"),
                (ClassScheme::Ipc, "G06Q 20/0658"),
                (ClassScheme::Cpc, "H04L99/00"),
            ],
        );
        assert!(q("cpc:H04L9/32").matches(&r));
        assert!(q("cpc:H04L9/3236-3257").matches(&r));
        assert!(!q("cpc:H04L9/3236-3239").matches(&r));
        assert!(q("cpc:H04L9/324-325").matches(&r));
        assert!(q("cpc:H04L9").matches(&r));
        assert!(q("cpc:H04L99").matches(&r));
        assert!(!q("cpc:H04L9/06").matches(&r));
        assert!(!q("cpc:G06Q").matches(&r), "G06Q is only an IPC here");
        assert!(q("ipc:G06Q20/065*").matches(&r));
        assert!(q("class:G06").matches(&r));
        assert!(!q("class:G06F").matches(&r));
        let only_main = rec("x", &[(ClassScheme::Cpc, "H04L99/00")]);
        assert!(!q("cpc:H04L9").matches(&only_main));
        let uspc = rec("x", &[(ClassScheme::Uspc, "G06")]);
        assert!(!q("class:G06").matches(&uspc));
    }

    #[test]
    fn default_topic_hand_cases() {
        let t = Query::default();
        let specific = rec(
            "Blockchain-based voting",
            &[(ClassScheme::Cpc, "G06F21/64")],
        );
        assert!(t.matches(&specific));
        let wrong_class = rec("Blockchain-based voting", &[(ClassScheme::Cpc, "A01K1/00")]);
        assert!(!t.matches(&wrong_class));
        let noisy = rec(
            "Ledger with merkle tree",
            &[(ClassScheme::Cpc, "G06F16/00")],
        );
        assert!(!t.matches(&noisy), "noisy terms need the specific classes");
        let noisy_ok = rec(
            "Ledger with merkle tree",
            &[(ClassScheme::Cpc, "H04L9/3239")],
        );
        assert!(t.matches(&noisy_ok));
        let combo = rec(
            "Apparatus",
            &[
                (ClassScheme::Cpc, "H04L9/3242"),
                (ClassScheme::Cpc, "H04L2209/56"),
            ],
        );
        assert!(t.matches(&combo));
        let half = rec("Apparatus", &[(ClassScheme::Cpc, "H04L9/3242")]);
        assert!(!t.matches(&half));
        let h50 = rec("Apparatus", &[(ClassScheme::Cpc, "H04L9/50")]);
        assert!(t.matches(&h50));
    }

    fn arb_expr() -> impl Strategy<Value = Expr> {
        let word = "[a-z][a-z0-9]{0,5}\\*?";
        let leaf = prop_oneof![
            proptest::collection::vec(word, 1..3).prop_map(Expr::Term),
            (
                "[A-H][0-9]{2}[A-Z]",
                1u32..99,
                proptest::option::of(10u32..99)
            )
                .prop_map(|(sub, main, g)| {
                    let code = match g {
                        Some(g) => format!("{sub}{main}/{g}"),
                        None => format!("{sub}{main}"),
                    };
                    Expr::Class(ClassPattern {
                        scheme: SchemeSel::Any,
                        code,
                        range_end: None,
                        star: false,
                    })
                }),
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 2..4).prop_map(|v| flatten(v, false)),
                proptest::collection::vec(inner.clone(), 2..4).prop_map(|v| flatten(v, true)),
                inner.prop_map(|x| Expr::Not(Box::new(x))),
            ]
        })
    }

    /// The char-by-char glob the byte glob replaced, as the reference.
    fn glob_chars(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|i| glob_chars(rest, &t[i..])),
            Some((c, rest)) => t.first() == Some(c) && glob_chars(rest, &t[1..]),
        }
    }

    #[test]
    fn unspaced_script_terms_match_inside_words() {
        let r = rec("基于区块链的供应链金融平台 and a ledger", &[]);
        let d = Doc::new(&r);
        assert!(Query::parse("供应链金融").unwrap().matches_doc(&d));
        assert!(Query::parse("区块链*").unwrap().matches_doc(&d));
        assert!(Query::parse("供应*金融").unwrap().matches_doc(&d));
        assert!(!Query::parse("银行").unwrap().matches_doc(&d));
        assert!(!Query::parse("金融*银行").unwrap().matches_doc(&d));
        assert!(Query::parse("ledger").unwrap().matches_doc(&d));
    }

    proptest! {
        #[test]
        fn byte_glob_equals_char_glob(p in "[a区*é]{0,6}", t in "[a区é]{0,8}") {
            let (pc, tc): (Vec<char>, Vec<char>) = (p.chars().collect(), t.chars().collect());
            prop_assert_eq!(glob(&p, &t), glob_chars(&pc, &tc));
        }

        #[test]
        fn folded_terms_match_as_the_full_query_without_text(
            e in arb_expr(),
            pick in proptest::collection::vec(proptest::bool::ANY, 8),
            no_title in proptest::bool::ANY,
        ) {
            // The record holds some of the query's own class codes (with a subgroup added
            // to main groups), so class atoms are both true and false across cases.
            fn codes(e: &Expr, out: &mut Vec<String>) {
                match e {
                    Expr::Class(c) if c.code.contains('/') => out.push(c.code.clone()),
                    Expr::Class(c) => out.push(format!("{}/00", c.code)),
                    Expr::Term(_) => {}
                    Expr::Not(x) => codes(x, out),
                    Expr::And(xs) | Expr::Or(xs) => xs.iter().for_each(|x| codes(x, out)),
                }
            }
            let mut all = Vec::new();
            codes(&e, &mut all);
            let held: Vec<(ClassScheme, &str)> = all
                .iter()
                .zip(pick.iter().cycle())
                .filter(|(_, p)| **p)
                .map(|(c, _)| (ClassScheme::Cpc, c.as_str()))
                .collect();
            let mut r = rec("", &held);
            if no_title {
                r.app.title = None;
            }
            let d = Doc::new(&r);
            prop_assert!(!d.has_words);
            prop_assert_eq!(Query::of(e.clone()).matches_doc(&d), eval(&e, &d));
        }

        #[test]
        fn display_parses_back(e in arb_expr()) {
            let text = e.to_string();
            let parsed = Query::parse(&text).map_err(|err| TestCaseError::fail(format!("{text}: {err}")))?;
            prop_assert_eq!(parsed.expr, e);
        }
    }
}
