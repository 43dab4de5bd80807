//! Applicant entities: the legal name an applicant string stands for, one level below the
//! corporate group (as PATSTAT's PSN is below its HAN).
//!
//! [`entity_of`] is a cheap per-name function (callers cache it: names repeat). It decides
//! whether a name is a person or an organisation, then builds a key under which spellings of
//! one legal entity meet:
//!
//! - scripts: full-width ASCII folded, Latin accents dropped, Hangul person names romanised
//!   (Revised Romanisation) so that `최종필` meets `CHOE JONG PIL`;
//! - punctuation: `.` and apostrophes dropped (`J. C.` = `J C`), the rest splits words;
//! - organisations: legal forms removed at either end ([`LEGAL_FORMS`]: `SA`, `CO LTD`,
//!   `AKTIENGESELLSCHAFT`, ...), connecting words dropped (`OF`, `AND`, `&`, `THE`), common
//!   abbreviations written one way ([`ABBREVIATIONS`]: `INTERNATIONAL` = `INT`,
//!   `UNIVERSITY` = `UNIV`), and `UNIV` put first (`BEIJING TECH UNIV` = `UNIV BEIJING TECH`);
//! - persons: the words in their order without separators (`MURAD; EDMOND` = `MURAD
//!   EDMOND`, the way Lens writes it), romanised Korean surname variants written one way
//!   (`CHOI` = `CHOE`); a person key keeps every word of the name, so two persons sharing a
//!   surname never meet. Words are not sorted: without a list of given names `JOHN SMITH`
//!   cannot be told from a company called `RED DRAGON`, whose words must keep their order.
//!
//! What stays apart on purpose: names that differ in a distinctive word (`MOTOROLA` and
//! `MOTOROLA SOLUTIONS`, `SAMSUNG ELECTRONICS` and `SAMSUNG SDS`, `DCN` and `DCNS`): those are
//! different legal names, joined, where they belong together, at the group level by the alias
//! file. A person's extra middle initial (`SMITH JOHN` and `SMITH JOHN A`) also stays apart:
//! an initial tells namesakes apart as often as it is dropped.

use serde::{Deserialize, Serialize};

use crate::names::{fold_width, strip_forms, strip_glued};

/// Whether an applicant is a natural person or an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Person,
    Organisation,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Organisation => "organisation",
        }
    }
}

/// An applicant name at the entity level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// The entity key (upper case, words separated by one space); empty for an empty name.
    pub key: String,
    pub kind: Kind,
}

/// Legal forms as whole words, removed from the end of an organisation's name (repeatedly,
/// so `GMBH CO KG` and `CO LTD` go) and, for the ones written first, from its start.
pub const LEGAL_FORMS: &[&str] = &[
    "LIMITED LIABILITY COMPANY",
    "KABUSHIKI KAISHA",
    "KABUSHIKIGAISHA",
    "COMPANY LIMITED",
    "CO LIMITED",
    "CO LTD",
    "PTY LTD",
    "GMBH CO KG",
    "GMBH CO",
    "CO KG",
    "SOCIETE ANONYME",
    "SOCIEDAD ANONIMA",
    "NAAMLOZE VENNOOTSCHAP",
    "BESLOTEN VENNOOTSCHAP",
    "AKTIENGESELLSCHAFT",
    "AKTIEBOLAGET",
    "AKTIEBOLAG",
    "CORPORATION",
    "INCORPORATED",
    "LIMITED",
    "COMPANY",
    "KGAA",
    "GMBH",
    "MBH",
    "CORP",
    "INC",
    "LTD",
    "LTDA",
    "LLC",
    "LLP",
    "PLC",
    "PTY",
    "PTE",
    "SARL",
    "SAS",
    "SAU",
    "SPA",
    "SRL",
    "OYJ",
    "ASA",
    "APS",
    "A S",
    "KK",
    "AG",
    "SA",
    "SE",
    "SL",
    "BV",
    "NV",
    "AB",
    "OY",
    "KG",
    "LP",
    "CO",
];

/// Legal forms written before the name.
const LEADING_FORMS: &[&str] = &["KABUSHIKI KAISHA", "KABUSHIKIGAISHA"];

/// Words that join a name's parts and carry nothing (`UNIVERSITY OF X` = `UNIV X`).
const CONNECTORS: &[&str] = &["OF", "AND", "THE", "FOR"];

/// Spellings of one word, written the short way (the way abbreviating sources such as Lens
/// and Derwent write them).
pub const ABBREVIATIONS: &[(&str, &str)] = &[
    ("UNIVERSITY", "UNIV"),
    ("UNIVERSITE", "UNIV"),
    ("UNIVERSIDAD", "UNIV"),
    ("UNIVERSITAET", "UNIV"),
    ("UNIVERSITAT", "UNIV"),
    ("UNIVERSITA", "UNIV"),
    ("INSTITUTE", "INST"),
    ("INSTITUT", "INST"),
    ("INSTITUTO", "INST"),
    ("INSTITUTION", "INST"),
    ("INTERNATIONAL", "INT"),
    ("INTL", "INT"),
    ("TECHNOLOGY", "TECH"),
    ("TECHNOLOGIES", "TECH"),
    ("TECHNOLOGICAL", "TECH"),
    ("TECHN", "TECH"),
    ("RESEARCH", "RES"),
    ("LABORATORY", "LAB"),
    ("LABORATORIES", "LAB"),
    ("LABS", "LAB"),
    ("NATIONAL", "NAT"),
    ("NATL", "NAT"),
    ("INDUSTRIAL", "IND"),
    ("INDUSTRIES", "IND"),
    ("INDUSTRY", "IND"),
    ("MANUFACTURING", "MFG"),
    ("ENGINEERING", "ENG"),
    ("ACADEMY", "ACAD"),
    ("CENTER", "CT"),
    ("CENTRE", "CT"),
    ("DEVELOPMENT", "DEV"),
    ("MEDICAL", "MED"),
    ("ELECTRONIC", "ELECTRONICS"),
    ("COMMUNICATIONS", "COMM"),
    ("COMMUNICATION", "COMM"),
    ("MECHANICAL", "MECH"),
    ("CHEMICAL", "CHEM"),
    ("AVIATION", "AVIAT"),
    ("ASSOCIATION", "ASS"),
    ("ASSOC", "ASS"),
    ("SCIENTIFIC", "SCIENT"),
    ("SYSTEM", "SYSTEMS"),
    ("&", "AND"),
];

/// Words only an organisation's name holds (beyond the legal forms): institutions and the
/// commonest business words of applicant names.
const ORGANISATION_WORDS: &[&str] = &[
    "UNIV",
    "INST",
    "INT",
    "TECH",
    "RES",
    "LAB",
    "NAT",
    "IND",
    "MFG",
    "ENG",
    "ACAD",
    "CT",
    "DEV",
    "MED",
    "ELECTRONICS",
    "ELECTRIC",
    "COMM",
    "MECH",
    "CHEM",
    "AVIAT",
    "ASS",
    "SCIENT",
    "SYSTEMS",
    "COLLEGE",
    "SCHOOL",
    "HOSPITAL",
    "FOUNDATION",
    "FOUND",
    "TRUST",
    "REGENTS",
    "GROUP",
    "HOLDINGS",
    "HOLDING",
    "BANK",
    "AGENCY",
    "ADMINISTRATION",
    "ADMINISTRATOR",
    "GOVERNMENT",
    "GOV",
    "MINISTRY",
    "DEPARTMENT",
    "DEPT",
    "NAVY",
    "ARMY",
    "STATE",
    "OFFICE",
    "COUNCIL",
    "COMMISSION",
    "SOCIETY",
    "SOC",
    "SCIENCES",
    "SCIENCE",
    "SOLUTIONS",
    "SERVICES",
    "PRODUCTS",
    "NETWORKS",
    "SOFTWARE",
    "DESIGN",
    "AEROSPACE",
    "AUTOMOTIVE",
    "ROBOTICS",
    "MOTORS",
    "ENTERPRISES",
    "PARTNERS",
    "VENTURES",
    "CAPITAL",
    "ENERGY",
    "POWER",
    "GRID",
    "CONSORTIUM",
    "CORPORATE",
    "POLITECNICO",
    "POLYTECHNIC",
    "ECOLE",
    "AEROSPATIALE",
    "US",
    "USA",
    "CHINA",
    "BEIJING",
    "SHANGHAI",
    "SHENZHEN",
];

/// Korean surnames (as the first Hangul syllable of a name) that mark a short all-Hangul
/// name as a person's.
const HANGUL_SURNAMES: &str = "김이박최정강조윤장임한오서신권황안송류유홍전고문양손배백허남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용";

/// Romanised Korean surnames written one way: the first spelling of each row.
const KOREAN_SURNAMES: &[&[&str]] = &[
    &["LEE", "YI", "RHEE", "RI"],
    &["CHOI", "CHOE"],
    &["PARK", "BAK", "PAK", "BAHK"],
    &["JEONG", "JUNG", "CHUNG"],
    &["YOON", "YUN"],
    &["KANG", "GANG"],
    &["CHO", "JO"],
    &["SHIN", "SIN"],
    &["LIM", "IM"],
    &["KIM", "GIM"],
];

/// The organisation key of a name whatever its kind: how alias-file entries, which name
/// organisations, are normalised.
pub fn organisation_key_of(raw: &str) -> String {
    let s = strip_glued(&fold_width(raw).to_uppercase());
    organisation_key(words_of(&s))
}

/// The entity of an applicant name as written in the source (see the module docs).
pub fn entity_of(raw: &str) -> Entity {
    let mut s = fold_width(raw).to_uppercase();
    if is_hangul_person(&s) {
        s = romanise_hangul(&s);
        return Entity {
            key: person_key(&words_of(&s)),
            kind: Kind::Person,
        };
    }
    // Glued forms first: `(주)` holds punctuation that splitting words would remove.
    let person_mark = s.contains(';');
    s = strip_glued(&s);
    let words = words_of(&s);
    let is_org = words
        .iter()
        .any(|w| ORGANISATION_WORDS.contains(&canonical(w)) || LEGAL_FORMS.contains(&w.as_str()))
        || LEGAL_FORMS
            .iter()
            .filter(|f| f.contains(' '))
            .any(|f| contains_phrase(&words, f));
    let looks_person = !is_org
        && (person_mark
            || ((2..=4).contains(&words.len())
                && words
                    .iter()
                    .all(|w| w.chars().all(|c| c.is_alphabetic() || c == '-'))
                && words.iter().all(|w| w.is_ascii())));
    if looks_person {
        return Entity {
            key: person_key(&words),
            kind: Kind::Person,
        };
    }
    Entity {
        key: organisation_key(words),
        kind: Kind::Organisation,
    }
}

/// Upper-case words of `s`: accents dropped, `.` and apostrophes removed, other
/// punctuation a separator; `&` kept as a word.
fn words_of(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '.' | '\'' | '\u{2019}' => {}
            '&' => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                words.push("&".to_string());
            }
            c if c.is_alphanumeric() => match fold_accent(c) {
                Some(plain) => cur.push_str(plain),
                None => cur.push(c),
            },
            _ => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// The plain Latin letters of an accented capital (None: keep the character).
fn fold_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'Æ' => "AE",
        'Ç' | 'Ć' | 'Č' => "C",
        'Ď' | 'Đ' => "D",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => "E",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'İ' => "I",
        'Ł' => "L",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => "O",
        'Œ' => "OE",
        'Ř' => "R",
        'Ś' | 'Š' | 'Ş' => "S",
        'ß' => "SS",
        'Ť' | 'Ţ' => "T",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => "U",
        'Ý' | 'Ÿ' => "Y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        _ => return None,
    })
}

/// The word written the short way ([`ABBREVIATIONS`]), else the word itself.
fn canonical(w: &str) -> &str {
    ABBREVIATIONS
        .iter()
        .find(|(long, _)| *long == w)
        .map_or(w, |&(_, short)| short)
}

fn contains_phrase(words: &[String], phrase: &str) -> bool {
    let p: Vec<&str> = phrase.split(' ').collect();
    words
        .windows(p.len())
        .any(|win| win.iter().zip(&p).all(|(a, b)| a == b))
}

fn person_key(words: &[String]) -> String {
    let ws: Vec<&str> = words
        .iter()
        .map(|w| {
            KOREAN_SURNAMES
                .iter()
                .find(|row| row.contains(&w.as_str()))
                .map_or(w.as_str(), |row| row[0])
        })
        .filter(|w| !matches!(*w, "JR" | "SR" | "&"))
        .collect();
    ws.join(" ")
}

fn organisation_key(words: Vec<String>) -> String {
    let mut ws: Vec<&str> = words
        .iter()
        .map(|w| canonical(w))
        .filter(|w| !CONNECTORS.contains(w))
        .collect();
    strip_forms(&mut ws, LEGAL_FORMS, LEADING_FORMS);
    if ws.iter().filter(|w| **w == "UNIV").count() == 1
        && let Some(at) = ws.iter().position(|w| *w == "UNIV")
    {
        let u = ws.remove(at);
        ws.insert(0, u);
    }
    let key = ws.join(" ");
    // A glued form can reappear once the punctuation around it is gone.
    strip_glued(&key)
}

fn is_hangul_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Three Hangul syllables, nothing else, the first a common surname: a Korean person's name
/// (most are three syllables; companies' Hangul names are longer or carry a legal form).
fn is_hangul_person(s: &str) -> bool {
    let t = s.trim();
    t.chars().count() == 3
        && t.chars().all(is_hangul_syllable)
        && t.chars()
            .next()
            .is_some_and(|c| HANGUL_SURNAMES.contains(c))
}

/// Revised Romanisation of Hangul syllables, one word per syllable (the way Korean names are
/// written in Latin script by patent offices: `CHOE JONG PIL`).
fn romanise_hangul(s: &str) -> String {
    const INITIAL: [&str; 19] = [
        "G", "KK", "N", "D", "TT", "R", "M", "B", "PP", "S", "SS", "", "J", "JJ", "CH", "K", "T",
        "P", "H",
    ];
    const MEDIAL: [&str; 21] = [
        "A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE", "OE", "YO", "U", "WO",
        "WE", "WI", "YU", "EU", "UI", "I",
    ];
    const FINAL: [&str; 28] = [
        "", "K", "K", "K", "N", "N", "N", "T", "L", "K", "M", "L", "L", "L", "P", "L", "M", "P",
        "P", "T", "T", "NG", "T", "T", "K", "T", "P", "T",
    ];
    let mut out = Vec::new();
    for c in s.chars().filter(|&c| is_hangul_syllable(c)) {
        let code = c as usize - 0xAC00;
        let (i, m, f) = (code / 588, (code % 588) / 28, code % 28);
        out.push(format!("{}{}{}", INITIAL[i], MEDIAL[m], FINAL[f]));
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> String {
        entity_of(s).key
    }

    fn kind(s: &str) -> Kind {
        entity_of(s).kind
    }

    #[test]
    fn legal_forms_go() {
        assert_eq!(key("Parrot S.A."), key("PARROT"));
        assert_eq!(
            key("MOTOROLA SOLUTIONS INC"),
            key("Motorola Solutions, LLC")
        );
        assert_eq!(key("Siemens Aktiengesellschaft"), key("SIEMENS AG"));
        assert_eq!(key("Robert Bosch GmbH & Co. KG"), "ROBERT BOSCH");
        assert_eq!(key("Kabushiki Kaisha Toshiba"), "TOSHIBA");
        assert_eq!(key("Samsung Electronics Co., Ltd."), "SAMSUNG ELECTRONICS");
        assert_eq!(key("Acme Widgets Pty Ltd"), "ACME WIDGETS");
        assert_eq!(key("삼성전자주식회사"), "삼성전자");
        assert_eq!(key("Ltd."), "LTD");
    }

    #[test]
    fn abbreviations_and_connectors() {
        assert_eq!(key("HONEYWELL INTERNATIONAL INC"), key("HONEYWELL INT INC"));
        assert_eq!(key("University of California"), key("UNIV CALIFORNIA"));
        assert_eq!(key("BEIJING TECHNOLOGY UNIVERSITY"), "UNIV BEIJING TECH");
        assert_eq!(
            key("UNIV CHANGCHUN SCIENCE & TECH"),
            key("Changchun University of Science and Technology")
        );
        assert_eq!(
            key("Korea Aerospace Research Institute"),
            key("KOREA AEROSPACE RES INST")
        );
        assert_eq!(
            key("SHENYANG AIRCRAFT DESIGN INST AVIATION IND CORP OF CHINA"),
            key("SHENYANG AIRCRAFT DESIGN INST AVIATION IND CORP CHINA")
        );
        assert_eq!(key("Télécom Paris SA"), "TELECOM PARIS");
    }

    #[test]
    fn distinct_legal_names_stay_apart() {
        assert_ne!(key("MOTOROLA INC"), key("MOTOROLA SOLUTIONS INC"));
        assert_ne!(key("SAMSUNG ELECTRONICS CO LTD"), key("SAMSUNG SDS CO LTD"));
        assert_ne!(key("DCN"), key("DCNS"));
        assert_ne!(key("ZHEJIANG UNIV"), key("ZHEJIANG UNIV OF TECHNOLOGY"));
    }

    #[test]
    fn persons() {
        assert_eq!(kind("MURAD; EDMOND"), Kind::Person);
        assert_eq!(kind("TROPE WINSTON"), Kind::Person);
        assert_eq!(kind("SMITH MICHAEL J. C."), Kind::Person);
        assert_eq!(kind("HONEYWELL INT INC"), Kind::Organisation);
        assert_eq!(kind("UNIV NEVADA"), Kind::Organisation);
        assert_eq!(kind("PARROT"), Kind::Organisation);
        assert_eq!(kind("MH SOLAR CO LTD"), Kind::Organisation);
        // Word order and punctuation do not matter for a person.
        assert_eq!(key("SMITH MICHAEL J C"), key("SMITH MICHAEL J. C."));
        assert_eq!(key("MURAD; EDMOND"), "MURAD EDMOND");
        assert_eq!(key("DELGADO, JR.; ROY"), "DELGADO ROY");
        assert_eq!(key("Red Dragon"), "RED DRAGON");
        // A shared surname is not the same person, nor is an extra initial.
        assert_ne!(key("SMITH JOHN"), key("SMITH JANE"));
        assert_ne!(key("ABHYANKER RAJ"), key("ABHYANKER RAJ V"));
    }

    #[test]
    fn hangul_person_names_meet_their_romanisation() {
        assert_eq!(romanise_hangul("최종필"), "CHOE JONG PIL");
        assert_eq!(kind("최종필"), Kind::Person);
        assert_eq!(key("최종필"), key("CHOE JONG PIL"));
        assert_eq!(key("최종필"), key("CHOI JONG-PIL"));
        assert_eq!(key("윤대헌"), key("YOON DAE HEON"));
        // A company's Hangul name is not romanised.
        assert_eq!(kind("삼성전자주식회사"), Kind::Organisation);
        assert_eq!(kind("엘지전자"), Kind::Organisation);
    }
}
