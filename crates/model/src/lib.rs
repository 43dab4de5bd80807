//! The normalised patent data model every patq reader produces and every later stage consumes.
//!
//! One [`PatentRecord`] describes one *application* (the counting unit of the methodology) with
//! everything a source said about it; no I/O happens here.
//!
//! ```
//! use patq_model::{PubClass, app_key, classify_publication};
//!
//! // One application written two ways gets one key: office, then the cleaned number.
//! assert_eq!(app_key("us", "14/306,158").as_str(), "US14306158");
//! assert_eq!(app_key("US", "14306158"), app_key("us ", "14/306,158"));
//!
//! // A publication's class follows from its office and kind code...
//! assert_eq!(classify_publication("EP", "B1", None), PubClass::Grant);
//! assert_eq!(classify_publication("CN", "U", None), PubClass::UtilityModel);
//! // ...and reads back from its stored word; an unknown word is an error, not a default.
//! assert_eq!("grant".parse::<PubClass>(), Ok(PubClass::Grant));
//! assert!("granted".parse::<PubClass>().is_err());
//! ```

#![warn(missing_docs)]

mod date;
mod fields;
mod groups;
mod ids;
mod kind;
// Public only because patq-ingest still imports `patq_model::packed::{pack_app, unpack_app}`;
// the functions are re-exported below, so it can become private once that import moves.
pub mod packed;
mod record;
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
pub use packed::{pack, pack_app, unpack, unpack_app};
pub use record::*;
pub use words::UnknownValue;
