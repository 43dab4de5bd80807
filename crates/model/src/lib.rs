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

/// The concatenation of `parts` as a [`Text`], allocated once at its final size when it does
/// not fit inline (`format_text!` runs the formatting machinery and may grow the string).
pub fn concat_text(parts: &[&str]) -> Text {
    let len = parts.iter().map(|p| p.len()).sum();
    let mut t = Text::with_capacity(len);
    for p in parts {
        t.push_str(p);
    }
    t
}

pub use date::{DateOrder, parse_date};
pub use groups::Groups;
pub use ids::{FastMap, IdMap, app_key, canonical_id, clean_number, normalize_office};
pub use kind::{PubClass, classify_publication};
/// `to_string` for [`Text`]: the string is built inline when it fits.
pub use lean_string::ToLeanString as ToText;
pub use record::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concatenated_texts_equal_formatted_ones() {
        for parts in [
            &["PATSTAT:", "123456789012"][..],
            &["appln:", "7"],
            &["PATSTAT:appln:", "0070"],
            &[],
            &["", ""],
        ] {
            let formatted = format_text!("{}", parts.concat());
            assert_eq!(concat_text(parts), formatted);
        }
    }
}
