//! The normalised patent data model every patq reader produces and every later stage consumes.
//!
//! One [`PatentRecord`] describes one *application* (the counting unit of the methodology) with
//! everything a source said about it; no I/O happens here.

pub mod date;
pub mod groups;
pub mod ids;
pub mod kind;
pub mod packed;
pub mod record;

/// `format!` and `to_string` for [`Text`]: the string is built inline when it fits.
pub use compact_str::{ToCompactString, format_compact};
pub use date::{DateOrder, parse_date};
pub use groups::Groups;
pub use ids::{FastMap, IdMap, app_key, canonical_id, clean_number, normalize_office};
pub use kind::{PubClass, classify_publication};
pub use record::*;
