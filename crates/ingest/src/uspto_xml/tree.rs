//! A small element tree for the bibliographic part of one USPTO document (a few kilobytes),
//! so field extraction can follow paths instead of a hand-written state machine; the long
//! description is streamed past and never stored.

/// One element of the bibliographic section.
#[derive(Debug, Default, Clone)]
pub(crate) struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Child>,
}

/// Element content in document order, so mixed content (`H<sub>2</sub>O`) keeps its text order.
#[derive(Debug, Clone)]
pub(crate) enum Child {
    Elem(Node),
    Text(String),
}

impl Node {
    pub fn new(name: &str, attrs: Vec<(String, String)>) -> Node {
        Node {
            name: name.to_string(),
            attrs,
            children: Vec::new(),
        }
    }

    pub fn push_text(&mut self, s: &str) {
        if let Some(Child::Text(t)) = self.children.last_mut() {
            t.push_str(s);
        } else {
            self.children.push(Child::Text(s.to_string()));
        }
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Child elements, in order.
    pub fn elems(&self) -> impl Iterator<Item = &Node> {
        self.children.iter().filter_map(|c| match c {
            Child::Elem(n) => Some(n),
            Child::Text(_) => None,
        })
    }

    /// Child elements with one of the given names.
    pub fn kids<'s>(&'s self, names: &'s [&'s str]) -> impl Iterator<Item = &'s Node> + 's {
        self.elems()
            .filter(move |n| names.contains(&n.name.as_str()))
    }

    /// First element reached by following `path` (each step picks the first matching child
    /// that leads to a match).
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        match path.split_first() {
            None => Some(self),
            Some((head, rest)) => self
                .elems()
                .filter(|n| n.name == *head)
                .find_map(|n| n.at(rest)),
        }
    }

    /// Every element reached by following `path`.
    pub fn all<'s>(&'s self, path: &[&str]) -> Vec<&'s Node> {
        let mut out = Vec::new();
        self.collect(path, &mut out);
        out
    }

    fn collect<'s>(&'s self, path: &[&str], out: &mut Vec<&'s Node>) {
        match path.split_first() {
            None => out.push(self),
            Some((head, rest)) => {
                for n in self.elems().filter(|n| n.name == *head) {
                    n.collect(rest, out);
                }
            }
        }
    }

    /// All descendant text, whitespace collapsed.
    pub fn text(&self) -> String {
        let mut raw = String::new();
        self.raw_text(&mut raw);
        collapse_ws(&raw)
    }

    fn raw_text(&self, out: &mut String) {
        for c in &self.children {
            match c {
                Child::Text(t) => out.push_str(t),
                Child::Elem(n) => {
                    if is_block(&n.name) {
                        out.push(' ');
                    }
                    n.raw_text(out);
                    if is_block(&n.name) {
                        out.push(' ');
                    }
                }
            }
        }
    }

    /// Text at `path` with only line breaks and tabs trimmed, for fixed-width fields whose
    /// leading spaces are significant (`  2 52`).
    pub fn raw_at(&self, path: &[&str]) -> Option<String> {
        let mut raw = String::new();
        self.at(path)?.raw_text(&mut raw);
        let t = raw.trim_matches(['\n', '\r', '\t']);
        (!t.trim().is_empty()).then(|| t.to_string())
    }

    /// Collapsed text at `path`, `None` when missing or blank.
    pub fn text_at(&self, path: &[&str]) -> Option<String> {
        self.at(path).map(Node::text).filter(|t| !t.is_empty())
    }
}

/// Elements whose boundaries separate words; inline markup (`<i>`, `<sub>`, `<claim-ref>`)
/// must not add spaces inside words and formulas.
pub(crate) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "paragraph"
            | "claim-text"
            | "heading"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "tables"
            | "row"
            | "entry"
            | "figref"
            | "maths"
            | "img"
            | "chemistry"
            | "address"
            | "first-name"
            | "last-name"
            | "given-name"
            | "family-name"
    )
}

/// Collapses runs of (Unicode) whitespace to one space and trims.
pub(crate) fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(name: &str, text: &str) -> Node {
        let mut n = Node::new(name, Vec::new());
        n.push_text(text);
        n
    }

    #[test]
    fn paths_and_text() {
        let mut root = Node::new("r", Vec::new());
        let mut a = Node::new("a", Vec::new());
        a.children.push(Child::Elem(leaf("b", "one")));
        let mut a2 = Node::new("a", Vec::new());
        a2.children.push(Child::Elem(leaf("b", "two")));
        a2.children.push(Child::Elem(leaf("c", "three")));
        root.children.push(Child::Elem(a));
        root.children.push(Child::Elem(a2));
        assert_eq!(root.text_at(&["a", "b"]).as_deref(), Some("one"));
        assert_eq!(root.text_at(&["a", "c"]).as_deref(), Some("three"));
        assert_eq!(root.all(&["a", "b"]).len(), 2);
        assert!(root.at(&["a", "x"]).is_none());
    }

    #[test]
    fn inline_markup_does_not_split_words() {
        let mut t = Node::new("invention-title", Vec::new());
        t.push_text("H");
        t.children.push(Child::Elem(leaf("sub", "2")));
        t.push_text("O  generator\n");
        assert_eq!(t.text(), "H2O generator");
        assert_eq!(collapse_ws("  a\u{2003} b \n"), "a b");
    }
}
