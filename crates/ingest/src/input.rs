//! Loading an input file into text: byte-order marks, UTF-16, and detection of legacy
//! encodings (Latin-1/Windows-1252, GBK, Shift-JIS ...) so no reader ever sees invalid UTF-8.

use std::path::{Path, PathBuf};

use crate::IngestError;

/// The text of an input: the file itself mapped into memory when its bytes are UTF-8 as they
/// stand (most exports), otherwise the decoded copy. Mapping hands the reader the page cache's
/// pages instead of gigabytes of freshly zeroed memory to copy into, whose page faults alone
/// cost seconds on a multi-gigabyte extract.
pub enum Content {
    /// Decoded from another encoding, or read from a source that cannot be mapped.
    Owned(String),
    /// Checked to be UTF-8 when mapped.
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for Content {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Content::Owned(s) => s,
            // SAFETY: `Input::load` maps a file only after `str::from_utf8` accepted its
            // bytes. (Like every reader of a mapped file, this trusts that no other process
            // truncates or rewrites the input while patq reads it.)
            Content::Mapped(m) => unsafe { std::str::from_utf8_unchecked(m) },
        }
    }
}

impl Content {
    /// The whole text.
    pub fn as_str(&self) -> &str {
        self
    }

    /// Tells the system that bytes `range` will not be read again soon: the pages of a mapped
    /// file leave this process's resident memory (they stay in the page cache). Reading them
    /// again still works; it maps them back in. Owned text is left alone.
    pub fn release(&self, range: std::ops::Range<usize>) {
        if let Content::Mapped(m) = self {
            release_pages(m, range);
        }
    }
}

/// [`Content::release`] for a mapping, before it is known to hold UTF-8.
fn release_pages(m: &memmap2::Mmap, range: std::ops::Range<usize>) {
    #[cfg(unix)]
    if range.start < range.end && range.end <= m.len() {
        // SAFETY: the mapping is a read-only view of a file, so dropping its pages loses
        // nothing: a later read maps the same bytes back from the file, and every `&str`
        // into the range stays valid. A failure only means the pages stay resident.
        let _ = unsafe {
            m.unchecked_advise_range(
                memmap2::UncheckedAdvice::DontNeed,
                range.start,
                range.end - range.start,
            )
        };
    }
    #[cfg(not(unix))]
    let _ = (m, range);
}

impl Default for Content {
    fn default() -> Content {
        Content::Owned(String::new())
    }
}

impl From<String> for Content {
    fn from(s: String) -> Content {
        Content::Owned(s)
    }
}

impl Clone for Content {
    fn clone(&self) -> Content {
        Content::Owned(self.as_str().to_string())
    }
}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Content::Owned(_) => "owned",
            Content::Mapped(_) => "mapped",
        };
        write!(f, "Content({kind}, {} bytes)", self.len())
    }
}

/// One input file, decoded to UTF-8 text.
#[derive(Clone, Debug)]
pub struct Input {
    /// Where the file was read from.
    pub path: PathBuf,
    /// Name used in messages and the manifest (the path as the user gave it).
    pub name: String,
    /// Index of this file in the manifest's source list.
    pub file_index: u32,
    /// The text, decoded to UTF-8.
    pub text: Content,
    /// Encoding the bytes were decoded from (`UTF-8`, `GBK`, `windows-1252`, `UTF-16LE` ...).
    pub encoding: &'static str,
    /// True when the decoder had to replace malformed byte sequences with U+FFFD.
    pub had_errors: bool,
    /// Size of the raw file in bytes.
    pub raw_len: u64,
}

impl Input {
    /// Reads and decodes a file; a file that is UTF-8 as it stands (no BOM, not UTF-16, not
    /// bare-CR line breaks) is mapped rather than copied.
    pub fn load(path: &Path, file_index: u32) -> Result<Input, IngestError> {
        let io = |source| IngestError::Io {
            path: path.display().to_string(),
            source,
        };
        let (file, len) = open_regular(path)?;
        if len == 0 {
            return Ok(Input::from_bytes(path, Vec::new(), file_index));
        }
        // SAFETY: see `Content::deref`; the map is read-only and private to this process.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
        // Checked in pieces whose pages are let go once checked: a reader takes the text in
        // parts later, and a whole citation table resident at once would set the ingest's
        // peak.
        if !mappable_by_pieces(&map, CHECK_PIECE, |r| release_pages(&map, r)) {
            // Decoded from the mapped bytes: the file is not read a second time.
            return Ok(Input::from_bytes(path, map.to_vec(), file_index));
        }
        Ok(Input {
            path: path.to_path_buf(),
            name: path.display().to_string(),
            file_index,
            raw_len: map.len() as u64,
            text: Content::Mapped(map),
            encoding: "UTF-8",
            had_errors: false,
        })
    }

    /// The start of a file: at least `limit` bytes (the whole file when shorter) and on to the
    /// end of the line they stop in, decoded like [`Input::load`], for naming a table from its
    /// header without reading the rest. `raw_len` is the whole file's size.
    pub fn load_head(path: &Path, file_index: u32, limit: usize) -> Result<Input, IngestError> {
        use std::io::{BufRead, Read};
        let io = |source| IngestError::Io {
            path: path.display().to_string(),
            source,
        };
        let (file, raw_len) = open_regular(path)?;
        // Never past the size the file had when opened, even if it grows meanwhile.
        let mut r = std::io::BufReader::new(file.take(raw_len));
        let mut bytes = Vec::with_capacity(limit.min(raw_len as usize) + 256);
        r.by_ref()
            .take(limit as u64)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        r.read_until(b'\n', &mut bytes).map_err(io)?;
        let mut input = Input::from_bytes(path, bytes, file_index);
        input.raw_len = raw_len;
        Ok(input)
    }

    /// Decodes bytes already in memory; `path` only names them.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>, file_index: u32) -> Input {
        let raw_len = bytes.len() as u64;
        let (text, encoding, had_errors) = decode(bytes);
        Input {
            path: path.to_path_buf(),
            name: path.display().to_string(),
            file_index,
            text: text.into(),
            encoding,
            had_errors,
            raw_len,
        }
    }

    /// Convenience for tests: an input from a string literal.
    pub fn from_str(name: &str, text: &str) -> Input {
        Input::from_bytes(Path::new(name), text.as_bytes().to_vec(), 0)
    }
}

/// Opens `path` for reading if it is a regular file, with its size. Anything else (a named
/// pipe, a device such as `/dev/zero`, a socket) has no size known up front and is refused:
/// a pipe read twice loses its data and a device never ends. The file is opened without
/// blocking, so a named pipe with no writer is refused instead of waiting for one.
fn open_regular(path: &Path) -> Result<(std::fs::File, u64), IngestError> {
    let io = |source| IngestError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(IngestError::NotAFile {
            path: path.display().to_string(),
            kind: crate::walk::kind_name(&meta.file_type()),
        });
    }
    Ok((file, meta.len()))
}

/// What [`mappable_by_pieces`] answers, checked at once (the tests' reference).
#[cfg(test)]
fn mappable(bytes: &[u8]) -> bool {
    encoding_rs::Encoding::for_bom(bytes).is_none()
        && utf16_without_bom(bytes).is_none()
        && std::str::from_utf8(bytes).is_ok()
        && !only_cr_breaks(bytes)
}

/// Bytes of a mapped file checked at a time by [`mappable_by_pieces`].
const CHECK_PIECE: usize = 64 << 20;

/// True when [`decode`] would return `bytes` unchanged as UTF-8 (no BOM, not UTF-16, valid
/// UTF-8, and not a file whose only line breaks are bare CRs), the bytes checked in pieces of
/// about `piece` bytes cut where characters start, `done` told of each piece once checked
/// (to let its pages go).
fn mappable_by_pieces(
    bytes: &[u8],
    piece: usize,
    mut done: impl FnMut(std::ops::Range<usize>),
) -> bool {
    if encoding_rs::Encoding::for_bom(bytes).is_some() || utf16_without_bom(bytes).is_some() {
        return false;
    }
    let (mut at, mut cr, mut lf) = (0usize, false, false);
    while at < bytes.len() {
        let target = (at + piece.max(1)).min(bytes.len());
        let continues = |i: usize| i < bytes.len() && bytes[i] & 0xC0 == 0x80;
        // Back to the start of a character (valid UTF-8 has at most three continuation
        // bytes), or on past it when the piece is shorter than the character.
        let mut end = target;
        while continues(end) && end > at + 1 && end + 3 > target {
            end -= 1;
        }
        if continues(end) {
            end = target;
            while continues(end) && end < target + 3 {
                end += 1;
            }
        }
        let part = &bytes[at..end];
        if std::str::from_utf8(part).is_err() {
            return false;
        }
        cr |= memchr::memchr(b'\r', part).is_some();
        lf |= memchr::memchr(b'\n', part).is_some();
        done(at..end);
        at = end;
    }
    !cr || lf
}

/// Line breaks that are all bare CRs (classic Mac exports), which [`decode`] turns into LFs.
fn only_cr_breaks(text: &[u8]) -> bool {
    memchr::memchr(b'\r', text).is_some() && memchr::memchr(b'\n', text).is_none()
}

/// Decodes bytes to text. A BOM decides; otherwise UTF-16 is recognised by its NUL pattern, valid
/// UTF-8 stays UTF-8, and anything else
/// is decoded with the encoding chardetng guesses, replacing undecodable bytes rather than
/// failing. Files whose only line breaks are bare CRs (classic Mac exports) get LF line breaks.
pub fn decode(bytes: Vec<u8>) -> (String, &'static str, bool) {
    let (mut text, enc, errors) = if let Some((enc, bom_len)) =
        encoding_rs::Encoding::for_bom(&bytes)
    {
        let (cow, errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        (cow.into_owned(), enc.name(), errors)
    } else if let Some(enc) = utf16_without_bom(&bytes) {
        let (cow, errors) = enc.decode_without_bom_handling(&bytes);
        (cow.into_owned(), enc.name(), errors)
    } else {
        match String::from_utf8(bytes) {
            Ok(s) => (s, "UTF-8", false),
            Err(e) => {
                let bytes = e.into_bytes();
                let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                det.feed(&bytes, true);
                let enc = det.guess(None, chardetng::Utf8Detection::Deny);
                let (cow, _, errors) = enc.decode(&bytes);
                (cow.into_owned(), enc.name(), errors)
            }
        }
    };
    if only_cr_breaks(text.as_bytes()) {
        text = text.replace('\r', "\n");
    }
    (text, enc, errors)
}

/// UTF-16 saved without a BOM (some Windows tools do): mostly-ASCII text has a NUL in every
/// other byte, which is valid UTF-8 and would otherwise reach the readers as NUL-riddled text.
/// Judged on the first 4 KiB: at least 90% of the odd (LE) or even (BE) bytes are NUL and at
/// most 10% of the others.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() < 8 {
        return None;
    }
    let pairs = head.len() / 2;
    let zeros = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    let mostly = |n: usize| n * 10 >= pairs * 9;
    let rarely = |n: usize| n * 10 <= pairs;
    if mostly(odd) && rarely(even) {
        Some(encoding_rs::UTF_16LE)
    } else if mostly(even) && rarely(odd) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that is UTF-8 as it stands is mapped; every other one is decoded to the same text
    /// `from_bytes` gives, so the readers cannot tell the two apart.
    #[test]
    fn checking_in_pieces_agrees_with_checking_at_once() {
        let cases: [&[u8]; 10] = [
            "a,b\nMüller,1\r\n".as_bytes(),
            "日本語,€𝄞\n".as_bytes(),
            b"a,b\nM\xfcller,1\n",
            b"\xef\xbb\xbfa,b\n1,2\n",
            b"\xff\xfea\x00,\x00b\x00\n\x00",
            b"a,b\r1,2\r",
            b"a\rb\nc",
            b"ab\xe2\x82",
            b"\x80\x80\x80\x80\x80",
            b"",
        ];
        for bytes in cases {
            for piece in 1..8 {
                let mut seen = 0;
                let ok = mappable_by_pieces(bytes, piece, |r| {
                    assert_eq!(r.start, seen, "{bytes:?} {piece}");
                    seen = r.end;
                });
                assert_eq!(ok, mappable(bytes), "{bytes:?} piece {piece}");
                // Every byte checked once, in order, when the whole is mappable.
                if ok {
                    assert_eq!(seen, bytes.len());
                }
            }
        }
    }

    proptest::proptest! {
        /// Any bytes, any piece size: the same answer as checking them at once.
        #[test]
        fn any_bytes_checked_in_pieces_agree(
            bytes in proptest::collection::vec(proptest::prop_oneof![
                proptest::num::u8::ANY,
                proptest::strategy::Just(b'\n'),
                proptest::strategy::Just(0x80u8),
                proptest::strategy::Just(0xC3u8),
                proptest::strategy::Just(0xE2u8),
                proptest::strategy::Just(0xF0u8),
            ], 0..40),
            text in "[a-zü€𝄞\r\n,]{0,20}",
            piece in 1usize..9,
        ) {
            for b in [&bytes[..], text.as_bytes()] {
                proptest::prop_assert_eq!(mappable_by_pieces(b, piece, |_| {}), mappable(b));
            }
        }
    }

    #[test]
    fn utf8_files_are_mapped_and_the_rest_decoded_as_before() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let cases: [(&str, &[u8], bool); 6] = [
            ("utf8.csv", "a,b\nMüller,1\r\n".as_bytes(), true),
            ("latin1.csv", b"a,b\nM\xfcller,1\n", false),
            ("bom.csv", b"\xef\xbb\xbfa,b\n1,2\n", false),
            ("utf16.csv", b"\xff\xfea\x00,\x00b\x00\n\x00", false),
            ("cr.csv", b"a,b\r1,2\r", false),
            ("empty.csv", b"", false),
        ];
        for (name, bytes, mapped) in cases {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            let loaded = Input::load(&path, 7).unwrap();
            let decoded = Input::from_bytes(&path, bytes.to_vec(), 7);
            assert_eq!(matches!(loaded.text, Content::Mapped(_)), mapped, "{name}");
            assert_eq!(loaded.text.as_str(), decoded.text.as_str(), "{name}");
            assert_eq!(
                (loaded.encoding, loaded.had_errors, loaded.raw_len),
                (decoded.encoding, decoded.had_errors, decoded.raw_len),
                "{name}"
            );
        }
    }

    #[test]
    fn released_pages_of_a_mapped_file_read_back_the_same() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let path = dir.join("big.csv");
        // Several pages, with a multi-byte character across the cut points.
        let text: String = (0..20_000).map(|i| format!("{i},Müller\n")).collect();
        std::fs::write(&path, &text).unwrap();
        let loaded = Input::load(&path, 0).unwrap();
        assert!(matches!(loaded.text, Content::Mapped(_)));
        let borrowed: &str = &loaded.text[5_000..9_000];
        let before = borrowed.to_string();
        for range in [
            0..4_097,
            4_097..100_000,
            100_000..text.len(),
            7..7,
            0..text.len() + 1,
        ] {
            loaded.text.release(range);
        }
        assert_eq!(borrowed, before);
        assert_eq!(loaded.text.as_str(), text);
        // Owned text is left as it is.
        let owned = Input::from_str("x.csv", "a,b\n");
        owned.text.release(0..2);
        assert_eq!(owned.text.as_str(), "a,b\n");
    }

    #[test]
    fn a_head_ends_at_a_line_end_and_knows_the_file_size() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let path = dir.join("t.csv");
        let text: String = std::iter::once("appln_id,appln_auth\n".to_string())
            .chain((0..1000).map(|i| format!("{i},EP\n")))
            .collect();
        std::fs::write(&path, &text).unwrap();
        let head = Input::load_head(&path, 3, 23).unwrap();
        // 23 bytes stop inside the first data row ("0,E"), which is completed.
        assert_eq!(head.text.as_str(), "appln_id,appln_auth\n0,EP\n");
        assert_eq!((head.raw_len, head.file_index), (text.len() as u64, 3));
        let whole = Input::load_head(&path, 0, 1 << 20).unwrap();
        assert_eq!(whole.text.as_str(), text);
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let (t, enc, err) = decode(b"\xEF\xBB\xBFa,b\n".to_vec());
        assert_eq!((t.as_str(), enc, err), ("a,b\n", "UTF-8", false));
    }

    #[test]
    fn utf16le_is_decoded() {
        let mut b = vec![0xFF, 0xFE];
        for u in "Lens ID\n".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let (t, enc, _) = decode(b);
        assert_eq!((t.as_str(), enc), ("Lens ID\n", "UTF-16LE"));
    }

    #[test]
    fn utf16_without_bom_is_detected() {
        let text = "Jurisdiction,Application Number\nFR,FR 0012345\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(le), (text.to_string(), "UTF-16LE", false));
        assert_eq!(decode(be), (text.to_string(), "UTF-16BE", false));
        // A UTF-8 file with a few NULs stays UTF-8 (the readers reject those rows).
        let (_, enc, _) = decode(b"a,b\nc\0,d\ne,f\ng,h\n".to_vec());
        assert_eq!(enc, "UTF-8");
    }

    #[test]
    fn latin1_is_detected() {
        // "Société Générale" in Latin-1.
        let (t, enc, _) = decode(b"name\nSoci\xe9t\xe9 G\xe9n\xe9rale\n".to_vec());
        assert!(t.contains("Société Générale"), "{t} {enc}");
    }

    #[test]
    fn gbk_is_detected() {
        let (bytes, _, _) = encoding_rs::GBK
            .encode("华为技术有限公司,深圳市腾讯计算机系统有限公司,阿里巴巴集团控股有限公司\n");
        let (t, enc, _) = decode(bytes.into_owned());
        assert!(t.contains("华为技术有限公司"), "{t} {enc}");
    }

    #[test]
    fn cr_only_line_endings_become_lf() {
        let (t, _, _) = decode(b"a,b\rc,d\r".to_vec());
        assert_eq!(t, "a,b\nc,d\n");
    }

    #[test]
    fn garbage_never_panics() {
        let (_, _, _) = decode(vec![0xFF, 0x00, 0xC3, 0x28, 0xA0, 0xA1, 0x80]);
    }
}
