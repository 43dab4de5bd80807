//! Finding the documents of a JSON array without parsing them, for a Lens JSON file that
//! serde_json refuses as a whole because one document in it is nested past the recursion
//! limit: each document can then be parsed (or rejected) on its own, so one bad document does
//! not lose the file. A single pass over the bytes with a depth counter; never recursive.

use std::ops::Range;

/// Byte ranges of the items of the top-level JSON array of `text` (whitespace trimmed), or
/// of the array under the top-level object's `"data"` key. `None` when the text is neither,
/// or the array is not closed.
pub(crate) fn top_items(text: &str) -> Option<Vec<Range<usize>>> {
    let b = text.as_bytes();
    let first = skip_ws(b, 0);
    match b.get(first)? {
        b'[' => array_items(b, first),
        b'{' => array_items(b, data_array(b, first)?),
        _ => None,
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The index just past the string starting at `b[i] == '"'`.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The index of the `[` that is the value of key `"data"` in the object at `b[open]`.
fn data_array(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let end = string_end(b, i)?;
                let colon = skip_ws(b, end);
                if depth == 1 && &b[i..end] == b"\"data\"" && b.get(colon) == Some(&b':') {
                    let value = skip_ws(b, colon + 1);
                    return (b.get(value) == Some(&b'[')).then_some(value);
                }
                i = end;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return None;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The items of the array at `b[open] == '['`.
fn array_items(b: &[u8], open: usize) -> Option<Vec<Range<usize>>> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = open + 1;
    let mut i = open;
    let push = |items: &mut Vec<Range<usize>>, from: usize, to: usize| {
        let from = skip_ws(b, from);
        let mut to = to;
        while to > from && b[to - 1].is_ascii_whitespace() {
            to -= 1;
        }
        if from < to {
            items.push(from..to);
        }
    };
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = string_end(b, i)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    push(&mut items, start, i);
                    return Some(items);
                }
            }
            b',' if depth == 1 => {
                push(&mut items, start, i);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(t: &str) -> Option<Vec<&str>> {
        top_items(t).map(|v| v.into_iter().map(|r| &t[r]).collect())
    }

    #[test]
    fn arrays_and_data_wrappers() {
        assert_eq!(
            items(" [ {\"a\":\"x,]\\\"\"} , [1,[2]] ,3 ]"),
            Some(vec!["{\"a\":\"x,]\\\"\"}", "[1,[2]]", "3"])
        );
        assert_eq!(
            items("{\"x\":{\"data\":[9]},\"data\" : [ {}, {\"b\":1} ]}"),
            Some(vec!["{}", "{\"b\":1}"])
        );
        assert_eq!(items("[]"), Some(vec![]));
        assert_eq!(items("[1,2"), None);
        assert_eq!(items("{\"data\":3}"), None);
        assert_eq!(items("\"s\""), None);
        let deep = format!("[{}{},1]", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(top_items(&deep).map(|v| v.len()), Some(2));
    }
}
