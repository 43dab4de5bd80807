//! Reader for USPTO bulk full-text XML (weekly `ipg`/`ipa`/`pa` files and single-document
//! files): grants (DTD v4.0-v4.5), applications (v4.x) and 2001-2004 applications (pap v1.6).
//!
//! A weekly file is many XML documents concatenated, each with its own `<?xml ...?>`
//! declaration, so the text is cut at those declarations and every piece is parsed on its
//! own: a broken document is rejected (with the byte offset where it breaks) and the next one
//! is still read. Records are located by the byte offset of their `<?xml` declaration
//! (offsets into the decoded text, which equal file offsets for UTF-8 files). Each piece ends in exactly one record, rejection or skip:
//! - sequence listings and other non-patent documents are counted skips;
//! - text between documents that belongs to none is one rejection per stretch;
//! - a document nested deeper than [`crate::limits::MAX_XML_DEPTH`] or with a field longer
//!   than [`crate::limits::MAX_FIELD_BYTES`] is rejected at the element past the limit,
//!   naming its path;
//! - documents without publication or application number are rejected naming the field.
//!
//! A date that cannot be read (publication, filing, priority, citation, related document) is
//! a field-level rejection ([`Sink::field_note`], its element path and value) and the record
//! is kept without it. Every element path of a file is reported mapped to its field or
//! ignored, with the values read per mapped path (`census`, docs/FORMATS.md).
//!
//! Mapping decisions:
//! - Numbers: US patent numbers lose the XML's zero padding after any letter prefix
//!   (`08613112` -> `8613112`, `D0656304` -> `D656304`, `RE041654` -> `RE41654`);
//!   application numbers keep their series-code digits (`12994775`), and the key is
//!   `app_key("US", number)`.
//! - Grant status: B/E/P2/P3 grants and S designs `granted = Some(true)` (a design patent's
//!   publication is its grant, so its grant date is its publication date); the design
//!   publication class keeps designs out of invention grants, as utility models are;
//!   applications `Some(false)`.
//! - `ipr_type` from `application-reference/@appl-type`: utility `PI`, plant `PL`, design
//!   `DE`; reissues `None` (a reissue is no new invention). `Application.kind` A / F (design).
//! - Parties: names as `Last, First` (organisations as written); before AIA (v4.0-v4.2)
//!   inventors appear only as applicants with `app-type="applicant-inventor"` and are listed
//!   in both roles. Assignees are owners.
//! - Priorities: foreign priority claims, US provisionals (kind `P`) and continuation /
//!   division / CIP parents (domestic priorities, as PATSTAT lists them).
//! - PCT national phase: `pct_key` = `WO` + the number in PATSTAT form (`PCT/EP2009/056266`
//!   -> `WOEP2009056266`), plus related documents `pct-371` and `pct-publication`.
//! - Citation dates are month-precision (`20011100`) and become the 1st of the month.
//! - Named entities from the (never loaded) DTDs are resolved for a common few and kept as
//!   `&name;` text otherwise; a stray `&` is text.

pub(crate) mod census;
mod codes;
mod extract;
mod parse;
mod tree;

use crate::paths::PathCensus;
use crate::sink::{FieldAction, FieldNote, excerpt};
use crate::{IngestError, Input, Location, Rejection, Sink, Skip};

use parse::{Outcome, parse_segment};

/// Reads every input of this format into the sink.
pub fn read(inputs: &[&Input], sink: &mut dyn Sink) -> Result<(), IngestError> {
    for input in inputs {
        read_input(input, sink)?;
    }
    Ok(())
}

/// Byte offsets where documents start: every `<?xml` declaration (not `<?xml-stylesheet`).
fn document_starts(text: &str) -> Vec<usize> {
    text.match_indices("<?xml")
        .map(|(i, _)| i)
        .filter(|&i| {
            matches!(
                text.as_bytes().get(i + 5),
                Some(b' ' | b'\t' | b'\r' | b'\n' | b'?')
            )
        })
        .collect()
}

fn read_input(input: &Input, sink: &mut dyn Sink) -> Result<(), IngestError> {
    let text = input.text.as_str();
    let mut bounds = document_starts(text);
    if bounds.first() != Some(&0) {
        bounds.insert(0, 0);
    }
    bounds.push(text.len());
    let reject = |sink: &mut dyn Sink, at: usize, field: Option<String>, reason: String| {
        sink.reject(Rejection {
            file: input.name.clone(),
            location: Location::Byte(at as u64),
            field,
            reason,
            excerpt: excerpt_at(text, at),
        });
    };
    let mut census = PathCensus::default();
    for (n, w) in bounds.windows(2).enumerate() {
        let (start, end) = (w[0], w[1]);
        if start == end {
            continue;
        }
        let parsed = parse_segment(&text[start..end]);
        match parsed.outcome {
            Outcome::Blank => {}
            Outcome::Garbage { at } => reject(
                sink,
                start + at,
                None,
                "text outside any XML document".into(),
            ),
            Outcome::Skip { kind } => sink.skip(Skip {
                file: input.name.clone(),
                location: Location::Byte(start as u64),
                kind,
            }),
            Outcome::Broken { at, reason } => reject(sink, start + at, None, reason),
            Outcome::TooLarge { at, field, reason } => {
                reject(sink, start + at, Some(field), reason)
            }
            Outcome::Doc(doc) => {
                let location = Location::Byte(start as u64).to_string();
                match extract::build(&doc, input.file_index, location) {
                    Ok((rec, notes)) => {
                        census::census_doc(&doc, true, &mut census);
                        for n in notes {
                            sink.field_note(FieldNote {
                                file: input.name.clone(),
                                location: Location::Byte(start as u64),
                                field: n.path,
                                action: FieldAction::Rejected,
                                value: excerpt(&n.value, 200),
                                stored: None,
                                reason: n.reason,
                            });
                        }
                        sink.record(rec).map_err(IngestError::sink(&input.name))?;
                    }
                    Err(u) => {
                        census::census_doc(&doc, false, &mut census);
                        reject(sink, start, Some(u.field), u.reason)
                    }
                }
            }
        }
        if let Some(at) = parsed.trailing_garbage {
            reject(
                sink,
                start + at,
                None,
                "text after the end of an XML document".into(),
            );
        }
        if n % 200 == 199 {
            sink.progress(end as u64);
        }
    }
    census.report(&input.name, sink);
    sink.progress(text.len() as u64);
    Ok(())
}

/// Up to 200 characters from `at` (on a character boundary), for rejection excerpts: a
/// document's start is boilerplate, the place it breaks is what helps.
fn excerpt_at(text: &str, at: usize) -> String {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    excerpt(&text[at..], 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_declarations_only() {
        let t = "<?xml version=\"1.0\"?><a/>\n<?xml-stylesheet href=\"x\"?><?xml\tversion=\"1.0\"?><b/>";
        assert_eq!(document_starts(t), vec![0, t.rfind("<?xml").unwrap()]);
        assert_eq!(excerpt_at("héllo", 2), "éllo");
    }
}
