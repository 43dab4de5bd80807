//! Limits on the shape of one record, so no input can overflow the stack or grow one field
//! without bound: a record past them is rejected (quarantined with its location, the field
//! and the reason) and the rest of its file is still read.
//!
//! Why these numbers: the deepest element nesting in the real USPTO and EPO OPS files in the
//! shared data is 22 (MathML and tables inside a grant's description), the deepest Lens JSON
//! 8, and the longest single text field a few hundred kilobytes; the limits are far above
//! that and far below what would exhaust the stack or memory. The element tree of a record
//! is walked recursively in places (text gathering, path lookups, dropping the tree), so the
//! depth limit is what keeps those walks shallow.

/// Deepest element nesting read in an XML document (USPTO, EPO OPS).
pub const MAX_XML_DEPTH: usize = 512;

/// Deepest nesting of arrays and objects in JSON: serde_json's own recursion limit, which
/// it reports as an error ("recursion limit exceeded") rather than overflowing the stack.
pub const MAX_JSON_DEPTH: usize = 128;

/// Largest text kept for one field (one element's text, one attribute value, one JSON
/// string), in bytes.
pub const MAX_FIELD_BYTES: usize = 16 << 20;

/// The reason given for a record nested past [`MAX_XML_DEPTH`].
pub(crate) fn too_deep() -> String {
    format!("elements nested more than {MAX_XML_DEPTH} deep (the limit for one record)")
}

/// The reason given for a field longer than [`MAX_FIELD_BYTES`].
pub(crate) fn too_long() -> String {
    format!(
        "text longer than {} MiB (the limit for one field)",
        MAX_FIELD_BYTES >> 20
    )
}
