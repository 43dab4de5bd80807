//! The normalised patent data model every patq reader produces and every later stage consumes.
//!
//! One [`PatentRecord`] describes one *application* (the counting unit of the methodology) with
//! everything a source said about it; no I/O happens here.

#![warn(missing_docs)]

pub mod date;
pub mod fields;
pub mod groups;
pub mod ids;
pub mod kind;
pub mod packed;
pub mod record;
mod words;

/// `format!` for [`Text`]: the string is built inline when it fits (16 bytes), without the
/// `String` that `format!` would allocate first.
#[macro_export]
macro_rules! format_text {
    ($($arg:tt)*) => {{
        let mut s = $crate::Text::new();
        ::std::fmt::Write::write_fmt(&mut s, ::std::format_args!($($arg)*))
            .expect("formatting into a string cannot fail");
        s
    }};
}

pub use date::{DateOrder, parse_date};
pub use fields::{AppCore, AppFields};
pub use groups::Groups;
pub use ids::{FastMap, IdMap, app_key, canonical_id, clean_number, normalize_office};
pub use kind::{PubClass, classify_publication};
/// `to_string` for [`Text`]: the string is built inline when it fits.
pub use lean_string::ToLeanString as ToText;
pub use record::*;
pub use words::UnknownValue;
