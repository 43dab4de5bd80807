//! Compact in-memory forms for readers that join millions of rows before emitting a record
//! (PATSTAT): interned repeated strings, one arena for the rest, integer id keys, and the
//! grouping of child rows by application, so a join holds a few dozen bytes per row instead
//! of one heap block per string.

use patq_model::{FastMap, canonical_id};

/// Marks an absent interned string or link.
pub(crate) const NONE: u32 = u32::MAX;

/// Ids keyed as [`patq_model::IdMap`] does: canonical decimal ids as integers.
pub(crate) type IdMap<V> = patq_model::IdMap<Box<str>, V>;

/// Repeated short strings (offices, kind codes, categories, class codes), each stored once.
#[derive(Default)]
pub(crate) struct Interner {
    ids: FastMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.into());
        self.ids.insert(s.into(), i);
        i
    }

    /// [`NONE`] for `None`.
    pub fn opt(&mut self, s: Option<&str>) -> u32 {
        s.map_or(NONE, |s| self.id(s))
    }

    pub fn get(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    pub fn get_opt(&self, i: u32) -> Option<String> {
        (i != NONE).then(|| self.get(i).to_string())
    }
}

/// Strings that rarely repeat (numbers, keys), concatenated.
#[derive(Default)]
pub(crate) struct Arena {
    text: String,
    ends: Vec<usize>,
}

impl Arena {
    pub fn push(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        self.ends.push(self.text.len());
        (self.ends.len() - 1) as u32
    }

    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

/// A numeric id as the file wrote it: a number when written canonically (no leading zero,
/// fits in 64 bits), otherwise its text in the [`Arena`], so `007` and `7` stay different ids
/// exactly as they were when ids were kept as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum IdKey {
    Num(u64),
    Text(u32),
}

impl IdKey {
    pub fn text(self, arena: &Arena) -> patq_model::Text {
        match self {
            IdKey::Num(n) => patq_model::ToText::to_lean_string(&n),
            IdKey::Text(i) => arena.get(i).into(),
        }
    }
}

/// Looks up an id kept as an [`IdKey`] (its text, if any, in `arena`).
pub(crate) fn get_key<'m, V>(m: &'m IdMap<V>, id: IdKey, arena: &Arena) -> Option<&'m V> {
    match id {
        IdKey::Num(n) => m.get_num(n),
        IdKey::Text(t) => m.get_text(arena.get(t)),
    }
}

/// The [`IdKey`] of an id text, storing non-canonical text in `arena`.
pub(crate) fn id_key(id: &str, arena: &mut Arena) -> IdKey {
    match canonical_id(id) {
        Some(n) => IdKey::Num(n),
        None => IdKey::Text(arena.push(id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_their_text() {
        let mut m: IdMap<u32> = IdMap::default();
        m.insert("7".into(), 1);
        m.insert("007".into(), 2);
        m.insert("99999999999999999999999".into(), 3);
        assert_eq!(m.get("7"), Some(&1));
        assert_eq!(m.get("007"), Some(&2));
        assert_eq!(m.get("99999999999999999999999"), Some(&3));
        assert_eq!(m.get("+7"), None);
        m.insert("7".into(), 4);
        assert_eq!(m.get("7"), Some(&4));
        let mut arena = Arena::default();
        assert_eq!(id_key("0", &mut arena), IdKey::Num(0));
        let k = id_key("0042", &mut arena);
        assert_eq!(k.text(&arena), "0042");
        assert_eq!(IdKey::Num(42).text(&arena), "42");
    }
}
