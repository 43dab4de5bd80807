//! Applicant name normalisation: the key under which spellings of one company meet
//! (`Tencent Technology (Shenzhen) Co., Ltd.` and `TENCENT TECHNOLOGY SHENZHEN COMPANY LIMITED`
//! both become `TENCENT TECHNOLOGY SHENZHEN`).
//!
//! Steps: full-width ASCII forms to ASCII; upper case; `.` and `'` removed (so `S.A.` and
//! `MACY'S` stay one word), other punctuation to spaces; spaces collapsed; legal-form words
//! removed from the end (repeatedly: `CO LTD`, `GMBH CO KG`) and from the start (`KABUSHIKI
//! KAISHA TOSHIBA`, `株式会社日立製作所`). A name made only of a legal form is kept as is.

/// Legal forms written as separate words, longest first so `CO LTD` goes before `LTD`.
const WORD_FORMS: &[&str] = &[
    "KABUSHIKI KAISHA",
    "KABUSHIKIGAISHA",
    "COMPANY LIMITED",
    "CO LIMITED",
    "CO LTD",
    "GMBH CO KG",
    "GMBH CO",
    "CO KG",
    "CORPORATION",
    "INCORPORATED",
    "LIMITED",
    "COMPANY",
    "GMBH",
    "CORP",
    "INC",
    "LTD",
    "LLC",
    "LLP",
    "PLC",
    "PTY",
    "PTE",
    "SARL",
    "SAS",
    "SPA",
    "SRL",
    "OYJ",
    "ASA",
    "KK",
    "AG",
    "SA",
    "SE",
    "BV",
    "NV",
    "AB",
    "OY",
    "KG",
    "LP",
    "CO",
];

/// Legal forms written without spaces (Chinese, Japanese, Korean), longest first.
const GLUED_FORMS: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "有限公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "주식회사",
    "(주)",
    "公司",
];

/// Converts full-width ASCII variants (U+FF01..U+FF5E) and the ideographic space to ASCII.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// The normalised form of an applicant name (see the module docs).
pub fn normalize_name(raw: &str) -> String {
    let folded = fold_width(raw);
    let mut s = folded.to_uppercase();
    // Glued forms first: `(주)` contains punctuation that the next step would remove.
    s = strip_glued(&s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '.' || c == '\'' || c == '\u{2019}' {
            continue;
        }
        if c.is_alphanumeric() {
            out.push(c);
        } else {
            out.push(' ');
        }
    }
    let mut words: Vec<&str> = out.split_whitespace().collect();
    strip_word_forms(&mut words);
    let joined = words.join(" ");
    // A glued form can reappear once punctuation around it is gone (`（株）` aside).
    strip_glued(&joined).trim().to_string()
}

/// Removes the [`GLUED_FORMS`] at either end, repeatedly.
pub(crate) fn strip_glued(s: &str) -> String {
    let mut cur = s.trim().to_string();
    loop {
        let before = cur.len();
        for f in GLUED_FORMS {
            if cur.len() > f.len() {
                if let Some(rest) = cur.strip_suffix(f) {
                    cur = rest.trim_end().to_string();
                } else if let Some(rest) = cur.strip_prefix(f) {
                    cur = rest.trim_start().to_string();
                }
            }
        }
        if cur.len() == before {
            return cur;
        }
    }
}

fn strip_word_forms(words: &mut Vec<&str>) {
    // Japanese names put the legal form first; `THE` likewise carries nothing.
    strip_forms(
        words,
        WORD_FORMS,
        &["KABUSHIKI KAISHA", "KABUSHIKIGAISHA", "THE"],
    );
}

/// Removes the `trailing` forms from the end of `words` and the `leading` ones from its start,
/// repeatedly (so `GMBH CO KG` and `CO LTD` go), each a whole-word phrase; a name made only of
/// a form keeps it. Shared by the group key ([`normalize_name`]) and the entity key, which
/// differ only in their tables.
pub(crate) fn strip_forms(words: &mut Vec<&str>, trailing: &[&str], leading: &[&str]) {
    loop {
        let mut changed = false;
        for form in trailing {
            let f: Vec<&str> = form.split(' ').collect();
            if words.len() > f.len() && words[words.len() - f.len()..] == f[..] {
                words.truncate(words.len() - f.len());
                changed = true;
            }
        }
        for form in leading {
            let f: Vec<&str> = form.split(' ').collect();
            if words.len() > f.len() && words[..f.len()] == f[..] {
                words.drain(..f.len());
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn western_forms() {
        assert_eq!(
            normalize_name("International Business Machines Corporation"),
            "INTERNATIONAL BUSINESS MACHINES"
        );
        assert_eq!(normalize_name("Intel Corp."), "INTEL");
        assert_eq!(
            normalize_name("MasterCard International, Inc."),
            "MASTERCARD INTERNATIONAL"
        );
        assert_eq!(
            normalize_name("Siemens Aktiengesellschaft"),
            "SIEMENS AKTIENGESELLSCHAFT"
        );
        assert_eq!(normalize_name("SIEMENS AG"), "SIEMENS");
        assert_eq!(normalize_name("Robert Bosch GmbH & Co. KG"), "ROBERT BOSCH");
        assert_eq!(normalize_name("nChain Holdings Ltd"), "NCHAIN HOLDINGS");
        assert_eq!(
            normalize_name("Koninklijke Philips N.V."),
            "KONINKLIJKE PHILIPS"
        );
        assert_eq!(
            normalize_name("Nokia Technologies Oy"),
            "NOKIA TECHNOLOGIES"
        );
        assert_eq!(normalize_name("Thales S.A."), "THALES");
        assert_eq!(normalize_name("  the   Boeing  company "), "BOEING");
        assert_eq!(normalize_name("Macy's, Inc."), "MACYS");
        // A bare legal form is not emptied.
        assert_eq!(normalize_name("Ltd."), "LTD");
        assert_eq!(normalize_name("Co., Ltd."), "CO");
    }

    #[test]
    fn chinese_english_forms() {
        assert_eq!(
            normalize_name("Tencent Technology (Shenzhen) Co., Ltd."),
            "TENCENT TECHNOLOGY SHENZHEN"
        );
        assert_eq!(
            normalize_name("TENCENT TECHNOLOGY (SHENZHEN) COMPANY LIMITED"),
            "TENCENT TECHNOLOGY SHENZHEN"
        );
        assert_eq!(
            normalize_name("Advanced New Technologies Co.,Ltd."),
            "ADVANCED NEW TECHNOLOGIES"
        );
        assert_eq!(
            normalize_name("Alibaba Group Holding Limited"),
            "ALIBABA GROUP HOLDING"
        );
    }

    #[test]
    fn cjk_forms() {
        assert_eq!(normalize_name("腾讯科技（深圳）有限公司"), "腾讯科技 深圳");
        assert_eq!(
            normalize_name("支付宝(杭州)信息技术有限公司"),
            "支付宝 杭州 信息技术"
        );
        assert_eq!(
            normalize_name("中国平安保险(集团)股份有限公司"),
            "中国平安保险 集团"
        );
        assert_eq!(normalize_name("株式会社日立製作所"), "日立製作所");
        assert_eq!(normalize_name("ソニー株式会社"), "ソニー");
        assert_eq!(normalize_name("삼성전자주식회사"), "삼성전자");
        assert_eq!(normalize_name("KABUSHIKI KAISHA TOSHIBA"), "TOSHIBA");
        assert_eq!(normalize_name("Ｓｏｎｙ　Ｃｏｒｐｏｒａｔｉｏｎ"), "SONY");
    }
}
