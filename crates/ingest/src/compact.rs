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
    /// Room for `strings` strings of `bytes` bytes in all: an arena of a 10M-application
    /// extract grown by doubling copies hundreds of megabytes into freshly zeroed pages.
    pub fn with_capacity(strings: usize, bytes: usize) -> Arena {
        Arena {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(strings),
        }
    }

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

/// Which rows, read in file order, repeat the id of an earlier one. While the ids ascend (as
/// PATSTAT writes its tables, sorted by id) an id above the last is new and nothing is
/// hashed; the first id out of order builds a hash map of the ids seen so far and every later
/// one is looked up there.
#[derive(Default)]
pub(crate) struct FirstSeen {
    last: Option<u64>,
    seen: Option<FastMap<u64, u32>>,
}

impl FirstSeen {
    /// The index of the earliest row with id `n`: `next` (and `n` recorded as seen) when no
    /// earlier row has it. `earlier` gives the (id, index) of every row recorded so far.
    pub fn first<I: Iterator<Item = (u64, u32)>>(
        &mut self,
        n: u64,
        next: u32,
        earlier: impl FnOnce() -> I,
    ) -> u32 {
        if self.seen.is_none() {
            if self.last.is_none_or(|last| n > last) {
                self.last = Some(n);
                return next;
            }
            self.seen = Some(earlier().collect());
        }
        *self
            .seen
            .as_mut()
            .expect("set above")
            .entry(n)
            .or_insert(next)
    }
}

/// The (value, index) of each canonical id among `ids`, for [`patq_model::IdMap::from_num_pairs`]
/// and [`FirstSeen::first`].
pub(crate) fn numbered_ids(
    ids: impl Iterator<Item = IdKey> + Clone,
) -> impl Iterator<Item = (u64, u32)> + Clone {
    ids.enumerate().filter_map(|(j, id)| match id {
        IdKey::Num(n) => Some((n, j as u32)),
        IdKey::Text(_) => None,
    })
}

/// The [`IdKey`] of an id a reading thread has already parsed (its value when canonical,
/// else its text), storing text in `arena`.
pub(crate) fn read_id_key(id: &Result<u64, Box<str>>, arena: &mut Arena) -> IdKey {
    match id {
        Ok(n) => IdKey::Num(*n),
        Err(text) => IdKey::Text(arena.push(text)),
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
    fn repeated_ids_are_found_in_and_out_of_order() {
        let mut seen = FirstSeen::default();
        let mut rows: Vec<u64> = Vec::new();
        let mut firsts = Vec::new();
        for n in [3, 5, 9, 5, 4, 9, 12, 4, 3] {
            let next = rows.len() as u32;
            let f = seen.first(n, next, || {
                rows.iter().enumerate().map(|(i, &k)| (k, i as u32))
            });
            if f == next {
                rows.push(n);
            }
            firsts.push(f);
        }
        // 3, 5, 9 ascend and are new; 5 repeats row 1; 4 is new (index 3); 9 repeats row 2;
        // 12 is new (4); 4 repeats row 3 and 3 row 0.
        assert_eq!(firsts, [0, 1, 2, 1, 3, 2, 4, 3, 0]);
        assert_eq!(rows, [3, 5, 9, 4, 12]);
    }

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
