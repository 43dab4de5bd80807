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

    /// The name `--format` takes and messages show (`lens-csv`, `patstat`, ...).
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
///
/// XML and JSON are named by their root elements and keys; delimited tables by the names in
/// their header row, several distinctive columns per format, never by the first column alone
/// (a Lens export of 2015/16 has no `Lens ID` column, a Google export re-saved by pandas
/// writes `priority_date` for `priority date`, Excel writes `;` and a byte-order mark).
pub fn detect(text: &str) -> Option<Format> {
    let mut end = text.len().min(16 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = text[..end].trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('<') {
        return detect_xml(head);
    }
    if head.starts_with('{') || head.starts_with('[') {
        return head.contains("lens_id").then_some(Format::LensJson);
    }
    // Google Patents exports may start with a "search URL:" line above the header.
    let (first, rest) = split_first_line(head);
    if first
        .trim_start_matches('"')
        .to_ascii_lowercase()
        .starts_with("search url:")
    {
        return Some(Format::GoogleCsv);
    }
    let names = header_names(first);
    detect_header(&names).or_else(|| {
        // A blank or title line above the header (some spreadsheet re-saves add one).
        let (second, _) = split_first_line(rest.trim_start());
        let names = header_names(second);
        detect_header(&names).filter(|f| *f == Format::GoogleCsv)
    })
}

fn detect_xml(head: &str) -> Option<Format> {
    if head.contains("ops:world-patent-data")
        || head.contains("exchange-documents")
        || head.contains("http://ops.epo.org")
        || head.contains("reg:register-document")
    {
        return Some(Format::EpoOps);
    }
    [
        "us-patent-grant",
        "us-patent-application",
        "patent-application-publication",
        "us-sequence-listing",
        "PATDOC",
        "patent-grant",
    ]
    .iter()
    .any(|t| head.contains(t))
    .then_some(Format::UsptoXml)
}

/// The first line of `text` (ended by LF, CRLF or a bare CR, as 2015/16 Lens exports on
/// old Macs were) and the rest after its line end.
pub(crate) fn split_first_line(text: &str) -> (&str, &str) {
    match text.find(['\n', '\r']) {
        Some(i) => {
            let rest = &text[i..];
            let rest = rest
                .strip_prefix("\r\n")
                .or_else(|| rest.strip_prefix('\n'))
                .or_else(|| rest.strip_prefix('\r'))
                .unwrap_or(rest);
            (&text[..i], rest)
        }
        None => (text, ""),
    }
}

/// The separator of a header line: the one of `,` `;` tab `|` that splits it into the most
/// fields outside quotes (ties go to the earlier one, so `,` wins).
pub(crate) fn sniff_separator(line: &str) -> u8 {
    let mut best = (0usize, b',');
    for d in [b',', b';', b'\t', b'|'] {
        let mut in_quotes = false;
        let n = line
            .bytes()
            .filter(|&b| {
                if b == b'"' {
                    in_quotes = !in_quotes;
                }
                b == d && !in_quotes
            })
            .count();
        if n > best.0 {
            best = (n, d);
        }
    }
    best.1
}

/// A header name as compared by detection and the readers' alias tables: trimmed of blanks,
/// quotes and byte-order marks, lower-cased, `_` read as a space, runs of blanks as one.
pub fn normalize_header(name: &str) -> String {
    let t = name.trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\u{feff}');
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        let c = if c == '_' {
            ' '
        } else {
            c.to_ascii_lowercase()
        };
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

/// The normalized column names of a header line, separator sniffed.
fn header_names(line: &str) -> Vec<String> {
    let sep = sniff_separator(line);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut rec = csv::StringRecord::new();
    match rdr.read_record(&mut rec) {
        Ok(true) => rec.iter().map(normalize_header).collect(),
        _ => Vec::new(),
    }
}

/// Columns only a Lens.org CSV export has (both schema eras), normalized.
const LENS_COLUMNS: &[&str] = &[
    "lens id",
    "jurisdiction",
    "kind",
    "publication number",
    "display key",
    "publication date",
    "publication year",
    "application number",
    "application date",
    "priority numbers",
    "earliest priority date",
    "applicants",
    "inventors",
    "owners",
    "owners (us)",
    "url",
    "type",
    "document type",
    "full text",
    "has full text",
    "cited count",
    "cited by patent count",
    "cites patent count",
    "simple family size",
    "extended family size",
    "sequence count",
    "cpc classifications",
    "ipcr classifications",
    "us classifications",
    "non-patent citations",
    "npl citation count",
];

/// Columns of a Google Patents export as Google writes them and after a pandas re-save.
const GOOGLE_COLUMNS: &[&str] = &[
    "id",
    "title",
    "assignee",
    "inventor/author",
    "inventor",
    "priority date",
    "filing/creation date",
    "filing date",
    "publication date",
    "grant date",
    "result link",
    "representative figure link",
];

/// Columns of the PatentsView tables (other than `patent_id`), normalized.
const PATENTSVIEW_COLUMNS: &[&str] = &[
    "patent type",
    "patent date",
    "patent title",
    "patent abstract",
    "wipo kind",
    "num claims",
    "withdrawn",
    "application id",
    "assignee sequence",
    "inventor sequence",
    "cpc group",
    "cpc subgroup",
    "ipc sequence",
    "citation patent id",
    "foreign application id",
    "pct doc number",
    "disambig assignee organization",
    "disambig inventor name last",
    "location id",
];

/// Columns of the PATSTAT tables (other than the `appln_id`, `pat_publn_id` and `person_id`
/// keys), normalized.
const PATSTAT_COLUMNS: &[&str] = &[
    "appln auth",
    "appln nr",
    "appln kind",
    "appln filing date",
    "appln filing year",
    "appln nr epodoc",
    "ipr type",
    "receiving office",
    "earliest filing id",
    "earliest filing date",
    "internat appln id",
    "docdb family id",
    "inpadoc family id",
    "granted",
    "appln title",
    "appln abstract",
    "prior appln id",
    "person name",
    "person ctry code",
    "psn name",
    "han name",
    "applt seq nr",
    "invt seq nr",
    "ipc class symbol",
    "cpc class symbol",
    "publn auth",
    "publn nr",
    "publn kind",
    "publn date",
    "cited pat publn id",
    "cited appln id",
    "citn id",
];

/// Names the format of a header from its normalized column names.
fn detect_header(names: &[String]) -> Option<Format> {
    let has = |c: &str| names.iter().any(|n| n == c);
    let count = |set: &[&str]| names.iter().filter(|n| set.contains(&n.as_str())).count();
    // Google: its `id` and its singular `assignee`/`inventor` or its link columns; Lens
    // writes neither `id` nor `assignee`.
    if has("id")
        && count(GOOGLE_COLUMNS) >= 4
        && (has("assignee") || has("result link") || has("inventor/author"))
    {
        return Some(Format::GoogleCsv);
    }
    // `Lens ID` is Lens's own; the 2015/16 exports without it need more of the columns.
    let lens = count(LENS_COLUMNS);
    if (has("lens id") && lens >= 2) || (has("jurisdiction") && lens >= 4) {
        return Some(Format::LensCsv);
    }
    if (has("patent id") && count(PATENTSVIEW_COLUMNS) >= 1)
        || (has("location id") && has("disambig country"))
    {
        return Some(Format::PatentsView);
    }
    let patstat_key = has("appln id") || has("pat publn id") || has("person id");
    if patstat_key && (count(PATSTAT_COLUMNS) >= 1 || names.len() == 1) {
        return Some(Format::Patstat);
    }
    None
}

/// docs/FORMATS.md: for each header-row format, every column with the field it fills or
/// "ignored", generated from the readers' own column tables (and, for Lens CSV, from the
/// columns its reader reports for the real headers of both schema eras), so the document
/// and the code cannot drift apart.
pub fn formats_markdown() -> String {
    let mut out = String::from(FORMATS_INTRO);
    out.push_str("\n## Detection\n\n");
    out.push_str("A delimited file is named by its header row (the separator sniffed among `,` `;` tab `|`; names compared as described above), never by its first column:\n\n");
    out.push_str("| format | named when the header has |\n|---|---|\n");
    let list = |set: &[&str]| {
        set.iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!(
        "| google-csv | a first line `search URL:`, or `id` and `assignee`, `inventor/author` or `result link`, and 4 or more of {} |\n",
        list(GOOGLE_COLUMNS)
    ));
    out.push_str(&format!(
        "| lens-csv | `lens id` and one more, or `jurisdiction` and 3 more, of {} |\n",
        list(LENS_COLUMNS)
    ));
    out.push_str(&format!(
        "| patentsview | `patent id` and one of {}; or `location id` and `disambig country` |\n",
        list(PATENTSVIEW_COLUMNS)
    ));
    out.push_str(&format!(
        "| patstat | `appln id`, `pat publn id` or `person id`, and one of {} |\n",
        list(PATSTAT_COLUMNS)
    ));

    out.push_str("\n## Google Patents CSV (`google-csv`)\n\n");
    out.push_str(GOOGLE_NOTES);
    out.push_str("\n| column (aliases) | field |\n|---|---|\n");
    for (names, field) in crate::google_csv::column_table() {
        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        out.push_str(&format!(
            "| {} | {} |\n",
            names.join(", "),
            field.unwrap_or("ignored")
        ));
    }
    out.push_str("| any other column | ignored |\n");

    out.push_str("\n## Lens CSV (`lens-csv`)\n\n");
    out.push_str(&lens_table());

    for (title, tables) in [
        (
            "PATSTAT CSV tables (`patstat`)",
            crate::patstat::column_table(),
        ),
        (
            "PatentsView tables (`patentsview`)",
            crate::patentsview::column_table(),
        ),
    ] {
        out.push_str(&format!("\n## {title}\n\n"));
        out.push_str("Each file is named as a table by its header; columns of a table not listed are ignored.\n");
        for (table, fields) in tables {
            out.push_str(&format!("\n### {table}\n\n| column | field |\n|---|---|\n"));
            for (column, field) in fields {
                out.push_str(&format!("| `{column}` | {field} |\n"));
            }
            out.push_str("| any other column | ignored |\n");
        }
    }
    out.push_str(PATH_FORMATS_INTRO);
    out.push_str("\n## Lens API JSON (`lens-json`)\n\n");
    out.push_str("Leaf key paths: keys joined by `.`, `[]` for the items of an array (`biblio.parties.applicants[].extracted_name.value`). A value is read when it is a number, a boolean or a string not blank after trimming.\n");
    out.push_str("\n| key path | field |\n|---|---|\n");
    for (path, field) in crate::lens_json::key_table() {
        out.push_str(&format!("| `{path}` | {field} |\n"));
    }
    out.push_str("| any other path | ignored |\n");
    out.push_str(USPTO_NOTES);
    for (section, table) in crate::uspto_xml::census::tables() {
        out.push_str(&format!("\n### {section}\n\n"));
        out.push_str(&path_table(table));
    }
    out.push_str(EPO_NOTES);
    out.push_str(&path_table(crate::epo_ops::census::TABLE));
    out
}

const PATH_FORMATS_INTRO: &str = "
## Formats without a header row

Lens JSON, USPTO XML and EPO OPS XML are read by key or element path. Each path seen in a file is reported as a column, in sorted order, mapped to the field below or `ignored`, in the run summary and in `manifest.json`, with the values `read` per mapped path in kept records. A file lists at most 200 distinct ignored paths (`crate::paths::MAX_IGNORED_PATHS`); the rest are one entry `(N more ignored paths, not listed)`. A bad optional value (a date, a count) is a field-level rejection (one line of quarantine.jsonl naming the path) and the record is kept without it; a record without its key (office, number) is rejected whole.
";

const FORMATS_INTRO: &str = "# Input formats: columns and the fields they fill

Generated from the readers' own column tables: `PATQ_WRITE_FORMATS=1 cargo test -p patq-ingest --test tests google_csv::formats_doc_is_current` writes it, and that test fails when this file and the code differ.

For every header-row format (Google Patents CSV, Lens CSV, PATSTAT, PatentsView):

- Header names are compared trimmed of blanks, quotes and byte-order marks, case-insensitively, with `_` read as a space (`priority_date` is `priority date`).
- Every column of a file is reported, mapped to the field below or `ignored`, in the run summary and in `manifest.json` (`sources[].columns`).
- Per mapped column, `manifest.json` (`sources[].fields`) counts the values `read` (cells that are not blank after trimming, in rows whose record is kept; a row rejected whole is in quarantine.jsonl as a record), of which `rejected` (a value that could not be read: not stored, its record kept, one line of quarantine.jsonl with file, line, column, value and reason) and `kept`; `read = kept + rejected`.
- Rows skipped as unused (a tls206 person or PatentsView location no row refers to, a tls211 placeholder of an unpublished application) count as read: their values reach no record, and each such row is a skip in the run summary.
- A value that says \"unknown\" is read as unknown: PATSTAT's `9999-12-31`, `9999` and id `0`.
- Where a field is filled from the first of several columns (\"when ... is empty\"), the other columns' values are the same fact written another way.
";

const GOOGLE_NOTES: &str = "The export of patents.google.com (\"Download (CSV)\") with or without its `search URL:` first line, with Google's headers or snake_case ones (a pandas re-save), separated by `,` or `;` (an Excel re-save), with or without a byte-order mark, LF, CRLF or CR line ends.

Dates: `yyyy-mm-dd` (Google's own), `yyyymmdd`, `dd.mm.yyyy`, and `dd/mm/yyyy` or `m/d/yyyy` (spreadsheet re-saves). The day-month order of slashed dates is decided per column from the whole file (a value with a part above 12 shows it; a column without such a value follows the file's other date columns); when nothing shows it, a date whose order matters (`03/04/2015`) is rejected, not guessed. A two-digit year takes the century that puts the row's dates in order (priority, filing, publication; filing, grant; none after today) and is rejected when none or several do. Date reading is the shared module `crates/ingest/src/dates.rs`.
";

/// A table of element path patterns as markdown rows; the first matching pattern decides.
fn path_table(table: &[(&str, Option<&str>)]) -> String {
    let mut out = String::from("| element path pattern | field |\n|---|---|\n");
    for (pattern, field) in table {
        out.push_str(&format!(
            "| `{}` | {} |\n",
            pattern.replace('|', "\\|"),
            field.unwrap_or("ignored")
        ));
    }
    out.push_str("| any other path | ignored |\n");
    out
}

const USPTO_NOTES: &str = "
## USPTO bulk XML (`uspto-xml`)

Element paths start at the bibliographic section (`us-bibliographic-data-grant/publication-reference/document-id/date`); `/@name` is an attribute. A path is an element with text of its own (or with no child element) or an attribute; a value is such text or attribute not blank after trimming. The root's other children are one path each: `claims/claim` counts one value per claim, `abstract` one per document whose abstract has text; `description`, `drawings` and the like are ignored. Patterns below are relative to the section: `a|b` is either name, `*` any one element, `**` one or more elements (never an attribute); the first matching pattern decides.
";

const EPO_NOTES: &str = "
## EPO OPS XML (`epo-ops`)

Element paths start at the record's element, by local name (namespace prefixes dropped): `exchange-document/...`, `family-member/...` (an exchange-document inside a family member is matched as `exchange-document/...`), `register-document/...`, `inquiry-result/...`, and `publication-reference/...` for a search hit. A path is an element with text of its own (or with no child element) or an attribute (`/@name`); a value is such text or attribute not blank after trimming. Elements of the response outside any record (`ops:meta`, `patent-family`) are not paths. A bad date or class code is noted on the path that holds it. Patterns as for USPTO XML; the first match decides.

";

/// The Lens CSV columns the Lens reader reports for the header of each schema era: one row
/// per column name, one field column per era (`-` where the era has no such column).
fn lens_table() -> String {
    const ERAS: [(&str, &str); 3] = [
        (
            "2015/16 without Lens ID",
            "#,Jurisdiction,Kind,Publication Number,Publication Date,Publication Year,Application Number,Application Date,Priority Numbers,Title,Applicants,Inventors,URL,Type,Full Text,Cited Count,Simple Family Size,Extended Family Size,Sequence Count,CPC Classifications,IPCR Classifications,US Classifications,PubMed Id(s),DOI(s),Non-Patent Citations",
        ),
        (
            "2015/16",
            "#,Jurisdiction,Kind,Publication Number,Lens ID,Publication Date,Publication Year,Application Number,Application Date,Priority Numbers,Title,Applicants,Inventors,URL,Type,Full Text,Cited Count,Simple Family Size,Extended Family Size,Sequence Count,CPC Classifications,IPCR Classifications,US Classifications,PubMed Id(s),DOI(s),Non-Patent Citations",
        ),
        (
            "current",
            "#,Jurisdiction,Kind,Publication Number,Lens ID,Publication Date,Publication Year,Application Number,Application Date,Priority Numbers,Earliest Priority Date,Title,Abstract,Claims,Applicants,Inventors,Owners,Owners (US),URL,Type,Has Full Text,Cites Patent Count,Cited by Patent Count,Simple Family Size,Simple Family Members,Extended Family Size,Extended Family Members,Sequence Count,CPC Classifications,IPCR Classifications,US Classifications,NPL Citation Count,NPL Resolved Citation Count,NPL Resolved Lens ID(s),NPL Resolved External Id(s),NPL Citations,Legal Status",
        ),
    ];
    let mut rows: Vec<(String, [Option<String>; 3])> = Vec::new();
    let mut reported = false;
    for (era, (_, header)) in ERAS.iter().enumerate() {
        let input = crate::Input::from_str("lens.csv", &format!("{header}\n"));
        let mut sink = crate::CollectSink::default();
        // A header alone: only the columns are of interest here.
        let _ = crate::lens_csv::read(&[&input], &mut sink);
        for c in sink.columns.into_values().flatten() {
            reported = true;
            let field = Some(c.field.unwrap_or_else(|| "ignored".into()));
            match rows.iter_mut().find(|(n, _)| *n == c.column) {
                Some((_, fields)) => fields[era] = field,
                None => {
                    let mut fields = [None, None, None];
                    fields[era] = field;
                    rows.push((c.column, fields));
                }
            }
        }
    }
    if !reported {
        return "The Lens reader does not report its columns yet.\n".into();
    }
    let mut out = String::from(
        "Columns as the Lens reader reports them for the header of each schema era (`-`: the era has no such column).\n\n| column |",
    );
    for (era, _) in ERAS {
        out.push_str(&format!(" {era} |"));
    }
    out.push_str("\n|---|---|---|---|\n");
    for (column, fields) in rows {
        out.push_str(&format!("| `{column}` |"));
        for f in fields {
            out.push_str(&format!(" {} |", f.as_deref().unwrap_or("-")));
        }
        out.push('\n');
    }
    out.push_str("| any other column | ignored | ignored | ignored |\n");
    out
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
        assert_eq!(detect("id,title\n1,x\n"), None);
        assert_eq!(detect("jurisdiction,kind\n"), None);
        assert_eq!("lens-csv".parse::<Format>(), Ok(Format::LensCsv));
        assert!("nope".parse::<Format>().is_err());
    }

    const LENS_2016: &str = "#,Jurisdiction,Kind,Publication Number,Publication Date,Publication Year,Application Number,Application Date,Priority Numbers,Title,Applicants,Inventors,URL,Type,Full Text,Cited Count,Simple Family Size,Extended Family Size,Sequence Count,CPC Classifications,IPCR Classifications,US Classifications,PubMed Id(s),DOI(s),Non-Patent Citations";
    const LENS_2021: &str = "\"#\",Jurisdiction,Kind,Publication Number,Lens ID,Publication Date,Publication Year,Application Number,Application Date,Priority Numbers,Earliest Priority Date,Title,Applicants,Inventors,Owners (US),URL,Type,Has Full Text,Cites Patent Count,Cited by Patent Count,Simple Family Size,Extended Family Size,Sequence Count,CPC Classifications,IPCR Classifications,US Classifications,NPL Citation Count,NPL Resolved Citation Count,NPL Resolved Lens ID(s),NPL Resolved External Id(s),NPL Citations";
    const GOOGLE: &str = "id,title,assignee,inventor/author,priority date,filing/creation date,publication date,grant date,result link,representative figure link";
    const GOOGLE_PANDAS: &str = "id,title,assignee,inventor,priority_date,filing_date,publication_date,grant_date,result_link,representative_figure_link";

    /// A header re-saved the way a spreadsheet does: separator, line end, byte-order mark.
    fn resave(header: &str, sep: char, nl: &str, bom: bool) -> String {
        let h = header.replace(',', &sep.to_string());
        let row = vec!["x"; header.split(',').count()].join(&sep.to_string());
        format!("{}{h}{nl}{row}{nl}", if bom { "\u{feff}" } else { "" })
    }

    /// Every real header of every format, as written and as re-saved, and with its columns
    /// in another order: detection names the columns, not the first one.
    #[test]
    fn detects_every_variant_by_its_header() {
        let pv_patent =
            "patent_id,patent_type,patent_date,patent_title,wipo_kind,num_claims,withdrawn";
        let pv_location = "location_id,disambig_city,disambig_state,disambig_country";
        let pv_assignee = "patent_id,assignee_sequence,assignee_id,disambig_assignee_individual_name_first,disambig_assignee_individual_name_last,disambig_assignee_organization,assignee_type,location_id";
        let tls201 = "appln_id,appln_auth,appln_kind,appln_filing_year,appln_nr_epodoc,ipr_type,receiving_office,earliest_filing_id,priority";
        let tls211 =
            "pat_publn_id,publn_auth,publn_nr,publn_kind,appln_id,publn_date,publn_first_grant";
        let tls206 = "person_id,person_name,person_ctry_code,psn_name,han_name";
        let tls212 = "pat_publn_id,citn_id,cited_pat_publn_id,cited_appln_id,cited_npl_publn_id,citn_categ,citn_origin";
        let cases = [
            (LENS_2016, Format::LensCsv),
            (LENS_2021, Format::LensCsv),
            (GOOGLE, Format::GoogleCsv),
            (GOOGLE_PANDAS, Format::GoogleCsv),
            (pv_patent, Format::PatentsView),
            (pv_location, Format::PatentsView),
            (pv_assignee, Format::PatentsView),
            (tls201, Format::Patstat),
            (tls211, Format::Patstat),
            (tls206, Format::Patstat),
            (tls212, Format::Patstat),
        ];
        for (header, want) in cases {
            let quoted: String = header
                .split(',')
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(",");
            let mut reversed: Vec<&str> = header.split(',').collect();
            reversed.reverse();
            let reversed = reversed.join(",");
            for (sep, nl, bom) in [
                (',', "\n", false),
                (';', "\r\n", true),
                ('\t', "\n", false),
                (',', "\r", false),
                ('|', "\r\n", true),
            ] {
                for h in [header, quoted.as_str(), reversed.as_str()] {
                    let text = resave(h, sep, nl, bom);
                    assert_eq!(detect(&text), Some(want), "{text:?}");
                }
            }
        }
        // Google's search-URL line, with either separator.
        for sep in [',', ';'] {
            let text =
                format!("search URL:{sep}https://patents.google.com/?q=x\r\n{GOOGLE_PANDAS}\r\n");
            assert_eq!(detect(&text), Some(Format::GoogleCsv));
        }
    }
}
