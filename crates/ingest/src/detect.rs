//! Format detection from a file's content (never from its name alone), so renamed exports
//! still read correctly; `--format` overrides.

use std::fmt;
use std::str::FromStr;

/// The input formats patq reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Lens.org CSV export, 2015/16 schema or the current one.
    LensCsv,
    /// Lens.org patent API JSON, one document per line (or a JSON array / `{"data": [...]}`).
    LensJson,
    /// PATSTAT tables as CSV (tls201 applications plus tls204/206/207/209/211/212/224 ...).
    Patstat,
    /// PatentsView bulk TSV tables (g_patent, g_application, g_assignee_disambiguated ...).
    PatentsView,
    /// USPTO bulk full-text XML (grants and applications, every DTD from pap v1.6 to v4.x).
    UsptoXml,
    /// EPO Open Patent Services XML responses.
    EpoOps,
    /// Google Patents search-result CSV export.
    GoogleCsv,
}

impl Format {
    /// Every format, in the order inputs are read.
    pub const ALL: [Format; 7] = [
        Format::Patstat,
        Format::PatentsView,
        Format::LensCsv,
        Format::LensJson,
        Format::UsptoXml,
        Format::EpoOps,
        Format::GoogleCsv,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::LensCsv => "lens-csv",
            Format::LensJson => "lens-json",
            Format::Patstat => "patstat",
            Format::PatentsView => "patentsview",
            Format::UsptoXml => "uspto-xml",
            Format::EpoOps => "epo-ops",
            Format::GoogleCsv => "google-csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown format {s:?}; known: {}", names.join(", "))
            })
    }
}

/// Names the format of a decoded text from its first few kilobytes.
pub fn detect(text: &str) -> Option<Format> {
    let mut end = text.len().min(16 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = text[..end].trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('<') {
        if head.contains("ops:world-patent-data")
            || head.contains("exchange-documents")
            || head.contains("http://ops.epo.org")
            || head.contains("reg:register-document")
        {
            return Some(Format::EpoOps);
        }
        if [
            "us-patent-grant",
            "us-patent-application",
            "patent-application-publication",
            "us-sequence-listing",
            "PATDOC",
            "patent-grant",
        ]
        .iter()
        .any(|t| head.contains(t))
        {
            return Some(Format::UsptoXml);
        }
        return None;
    }
    if head.starts_with('{') || head.starts_with('[') {
        return head.contains("lens_id").then_some(Format::LensJson);
    }
    // Google Patents exports start with a "search URL:" line above the header.
    let first = head.lines().next().unwrap_or("");
    if first.starts_with("search URL:")
        || (first.contains("result link") && first.contains("priority date"))
    {
        return Some(Format::GoogleCsv);
    }
    let lower = first.to_ascii_lowercase();
    if lower.contains("lens id") {
        return Some(Format::LensCsv);
    }
    if first.contains('\t') && (lower.contains("patent_id") || lower.contains("application_id")) {
        return Some(Format::PatentsView);
    }
    if lower.contains("appln_id") || lower.contains("pat_publn_id") || lower.contains("person_id") {
        return Some(Format::Patstat);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content() {
        assert_eq!(
            detect("#,Jurisdiction,Kind,Publication Number,Lens ID\n"),
            Some(Format::LensCsv)
        );
        assert_eq!(
            detect("\u{feff}Lens ID,Jurisdiction\n"),
            Some(Format::LensCsv)
        );
        assert_eq!(detect("appln_id,appln_auth\n1,US\n"), Some(Format::Patstat));
        assert_eq!(
            detect("patent_id\tpatent_type\n"),
            Some(Format::PatentsView)
        );
        assert_eq!(detect("{\"lens_id\":\"1\"}\n"), Some(Format::LensJson));
        assert_eq!(
            detect("<?xml version=\"1.0\"?>\n<!DOCTYPE us-patent-grant SYSTEM \"x.dtd\" []>\n"),
            Some(Format::UsptoXml)
        );
        assert_eq!(
            detect(
                "<?xml version=\"1.0\"?><ops:world-patent-data xmlns:ops=\"http://ops.epo.org\">"
            ),
            Some(Format::EpoOps)
        );
        assert_eq!(
            detect("search URL:,https://patents.google.com/?q=x\nid,title\n"),
            Some(Format::GoogleCsv)
        );
        assert_eq!(detect("hello world"), None);
        assert_eq!("lens-csv".parse::<Format>(), Ok(Format::LensCsv));
        assert!("nope".parse::<Format>().is_err());
    }
}
