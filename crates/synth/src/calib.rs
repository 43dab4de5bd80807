//! Calibration constants of the synthetic corpus, each tied to the published figure it
//! reproduces (ids F2..F10 refer to /work/shared/METHODOLOGY.md, which summarises the 2021
//! blockchain patent quality report).

/// The default corpus size. F2: 11,600 grants are a 21.13% grant rate, so the report counts
/// 11,600 / 0.2113 = 54,900 applications, filed 2015-01 .. 2021-06.
pub const DEFAULT_APPLICATIONS: u64 = 55_000;

/// Filing years of the first (priority) filings and the share of families in each. F6: "more
/// than 85% of applications concentrated between 2018 and 2020", counts rising every year; the
/// synthetic corpus stops at 2020 so every application can be published by the cut-off.
pub const YEARS: [i32; 6] = [2015, 2016, 2017, 2018, 2019, 2020];
pub const YEAR_SHARE: [f64; 6] = [0.02, 0.04, 0.08, 0.24, 0.29, 0.33];

/// Data cut-off: nothing is published or granted after this day (report: "filed and published
/// January 2015 to June 2021").
pub const CUTOFF: (i32, u32, u32) = (2021, 6, 30);

/// Zipf exponent of tail company sizes: below 1 so that the largest tail company stays under
/// the named groups while > 4,000 of ~4,500 CN companies have 1-9 applications (T1) and ~1,950
/// CN companies file in 2020 (F6).
pub const ZIPF_EXPONENT: f64 = 0.8;

/// Per applicant country: share of applications, grant rate, cited rate, share of families with
/// at least one more member, mean extra members of such a family, and the share of extra
/// members filed at the home office (continuations, divisionals) rather than abroad.
pub struct CountryCal {
    pub code: &'static str,
    /// Share of all applications (F2/F6: CN 32,800 of ~55,000 is ~60%; brief target 57%; US
    /// 2,661 grants / 26% = ~10,200 = 18%; KR 1,122 / 43% = ~2,600, rounded up to 6% with the
    /// KR-held utility-heavy portfolios; JP ~4%; the rest split over EU and other offices).
    pub app_share: f64,
    /// F2 grant rate by applicant country (granted / applications, WO counted as never granted).
    pub grant_rate: f64,
    /// F4 citation rate: CN 23 per 100, US 31 per 100, world 22.81%; the other countries take
    /// the remainder: (0.2281 - 0.57*0.23 - 0.18*0.31) / 0.25 = 0.165.
    pub cited_rate: f64,
    /// Probability that a family has more than one member (F3: CN 22%, US 75%, KR 46%, world
    /// 35%). For CN this is the rate of ordinary companies; the large groups below add to it.
    pub p_multi: f64,
    /// Mean number of extra members of a multi-member family, set so that the share of
    /// applications filed outside the home office meets F5 (CN 23%, US 40%).
    pub mean_extra: f64,
    /// Share of extra members filed at the home office (F5 counts only foreign filings as
    /// international, while F3 counts every member: US 75% multi-member but 40% international
    /// needs many domestic continuations).
    pub domestic_extra: f64,
    /// Size of the pool of tail companies (Zipf ranks) at 55,000 applications; not all of them
    /// get an application, and about 70% do (F6: ~4,500 CN companies; F2: 2,500 companies with
    /// grants in 29 countries). Scaled sub-linearly with corpus size.
    pub companies: u32,
}

#[rustfmt::skip]
pub const COUNTRIES: &[CountryCal] = &[
    CountryCal { code: "CN", app_share: 0.57, grant_rate: 0.19, cited_rate: 0.23, p_multi: 0.13, mean_extra: 1.2, domestic_extra: 0.28, companies: 6000 },
    CountryCal { code: "US", app_share: 0.18, grant_rate: 0.26, cited_rate: 0.31, p_multi: 0.75, mean_extra: 2.1, domestic_extra: 0.35, companies: 1500 },
    CountryCal { code: "KR", app_share: 0.06, grant_rate: 0.43, cited_rate: 0.165, p_multi: 0.46, mean_extra: 1.6, domestic_extra: 0.20, companies: 450 },
    CountryCal { code: "JP", app_share: 0.04, grant_rate: 0.25, cited_rate: 0.165, p_multi: 0.60, mean_extra: 2.0, domestic_extra: 0.15, companies: 300 },
    CountryCal { code: "DE", app_share: 0.025, grant_rate: 0.18, cited_rate: 0.165, p_multi: 0.55, mean_extra: 2.0, domestic_extra: 0.10, companies: 180 },
    CountryCal { code: "GB", app_share: 0.02, grant_rate: 0.18, cited_rate: 0.165, p_multi: 0.55, mean_extra: 2.0, domestic_extra: 0.10, companies: 160 },
    CountryCal { code: "CH", app_share: 0.015, grant_rate: 0.18, cited_rate: 0.165, p_multi: 0.60, mean_extra: 2.0, domestic_extra: 0.05, companies: 110 },
    CountryCal { code: "FR", app_share: 0.01, grant_rate: 0.18, cited_rate: 0.165, p_multi: 0.55, mean_extra: 2.0, domestic_extra: 0.10, companies: 80 },
    CountryCal { code: "CA", app_share: 0.015, grant_rate: 0.18, cited_rate: 0.165, p_multi: 0.55, mean_extra: 2.0, domestic_extra: 0.10, companies: 120 },
    CountryCal { code: "IN", app_share: 0.015, grant_rate: 0.10, cited_rate: 0.165, p_multi: 0.35, mean_extra: 1.5, domestic_extra: 0.10, companies: 150 },
    CountryCal { code: "TW", app_share: 0.015, grant_rate: 0.22, cited_rate: 0.165, p_multi: 0.50, mean_extra: 1.5, domestic_extra: 0.05, companies: 120 },
    CountryCal { code: "SG", app_share: 0.01, grant_rate: 0.18, cited_rate: 0.165, p_multi: 0.55, mean_extra: 2.0, domestic_extra: 0.05, companies: 80 },
    CountryCal { code: "AU", app_share: 0.01, grant_rate: 0.18, cited_rate: 0.165, p_multi: 0.55, mean_extra: 2.0, domestic_extra: 0.10, companies: 80 },
    CountryCal { code: "RU", app_share: 0.005, grant_rate: 0.30, cited_rate: 0.165, p_multi: 0.30, mean_extra: 1.5, domestic_extra: 0.10, companies: 50 },
];

/// Grant probability by priority year relative to the country's rate. F7: CNIPA grants 68% of
/// the 2015 filings but 12% of the 2020 ones (young applications are still pending at the
/// cut-off). Normalised in code so the year-weighted mean is 1.
pub const GRANT_YEAR_CN: [f64; 6] = [0.68, 0.55, 0.42, 0.28, 0.17, 0.12];
/// Elsewhere examination is slower to start but less front-loaded: a milder curve.
pub const GRANT_YEAR_OTHER: [f64; 6] = [1.5, 1.45, 1.35, 1.15, 0.95, 0.7];
/// Citation probability by priority year relative to the country's rate: older patents have
/// had longer to be cited (METHODOLOGY: "raw counts punish young patents").
pub const CITED_YEAR: [f64; 6] = [2.4, 2.0, 1.6, 1.2, 0.85, 0.55];

/// Bands of the forward citation count of a cited application (F9: 57% cited 1-2 times, 11%
/// more than 10 times, so 32% 3-10).
pub const BAND_1_2: f64 = 0.57;
pub const BAND_3_10: f64 = 0.32;

/// Share of CN first filings that are utility models (counted separately, never grants;
/// METHODOLOGY "CN U/Y are utility models"). Small because software-centred blockchain
/// inventions rarely qualify.
pub const CN_UTILITY_SHARE: f64 = 0.03;

/// Share of families with a co-applicant (universities, joint ventures).
pub const CO_APPLICANT_SHARE: f64 = 0.08;

/// Large groups per country: (name stem, share of the country's families, probability of a
/// multi-member family, mean extra members, probability of a >10-member family).
/// CN: T1/F6 name three groups with 6,961, 4,186 and 2,785 of 32,800 applications; the first is
/// 72% international and holds 216 of the 234 CN families above 10 members (F10, profile P).
/// US/JP/KR: F11 lists 8 US and 5 JP companies in the TOP50 (companies above 100 applications).
pub struct GroupCal {
    pub country: &'static str,
    pub name: &'static str,
    pub family_share: f64,
    pub p_multi: f64,
    pub mean_extra: f64,
    pub p_huge: f64,
}

#[rustfmt::skip]
pub const GROUPS: &[GroupCal] = &[
    GroupCal { country: "CN", name: "SYNTH ALPHA DIGITAL TECHNOLOGY CO LTD", family_share: 0.085, p_multi: 0.72, mean_extra: 2.4, p_huge: 0.12 },
    GroupCal { country: "CN", name: "SYNTH BETA FINANCIAL HOLDINGS CO LTD", family_share: 0.11, p_multi: 0.25, mean_extra: 1.4, p_huge: 0.002 },
    GroupCal { country: "CN", name: "SYNTH GAMMA NETWORK TECHNOLOGY CO LTD", family_share: 0.075, p_multi: 0.30, mean_extra: 1.6, p_huge: 0.003 },
    GroupCal { country: "CN", name: "SYNTH DELTA COMMUNICATION TECHNOLOGIES CO LTD", family_share: 0.02, p_multi: 0.55, mean_extra: 2.5, p_huge: 0.01 },
    GroupCal { country: "CN", name: "SYNTH EPSILON STATE GRID ENERGY CO LTD", family_share: 0.015, p_multi: 0.05, mean_extra: 1.1, p_huge: 0.0 },
    GroupCal { country: "US", name: "SYNTH OMEGA BUSINESS MACHINES CORP", family_share: 0.10, p_multi: 0.55, mean_extra: 1.8, p_huge: 0.005 },
    GroupCal { country: "US", name: "SYNTH SIGMA PAYMENTS INC", family_share: 0.035, p_multi: 0.85, mean_extra: 2.6, p_huge: 0.01 },
    GroupCal { country: "US", name: "SYNTH KAPPA SOFTWARE CORP", family_share: 0.03, p_multi: 0.80, mean_extra: 2.2, p_huge: 0.01 },
    GroupCal { country: "JP", name: "SYNTH ZETA ELECTRIC CORP", family_share: 0.12, p_multi: 0.65, mean_extra: 2.0, p_huge: 0.0 },
    GroupCal { country: "JP", name: "SYNTH ETA ENTERTAINMENT CORP", family_share: 0.08, p_multi: 0.70, mean_extra: 2.2, p_huge: 0.0 },
    GroupCal { country: "KR", name: "SYNTH THETA ELECTRONICS CO LTD", family_share: 0.10, p_multi: 0.60, mean_extra: 2.0, p_huge: 0.0 },
];

/// Foreign offices a country's companies extend to, with weights. F8: CN companies file
/// abroad at 29 offices, mostly US and WO; F5 counts WO/PCT filings as international.
#[rustfmt::skip]
pub fn extension_offices(country: &str) -> &'static [(&'static str, f64)] {
    match country {
        "CN" => &[
            ("US", 0.32), ("WO", 0.30), ("EP", 0.10), ("SG", 0.04), ("HK", 0.04), ("JP", 0.04),
            ("AU", 0.03), ("CA", 0.03), ("TW", 0.03), ("KR", 0.02), ("IN", 0.02), ("GB", 0.01),
            ("DE", 0.01), ("MY", 0.005), ("PH", 0.005),
        ],
        "US" => &[
            ("WO", 0.30), ("EP", 0.17), ("CN", 0.12), ("JP", 0.08), ("CA", 0.08), ("AU", 0.08),
            ("IN", 0.05), ("KR", 0.04), ("GB", 0.04), ("DE", 0.02), ("SG", 0.02),
        ],
        _ => &[
            ("US", 0.30), ("WO", 0.25), ("EP", 0.15), ("CN", 0.12), ("JP", 0.06), ("KR", 0.04),
            ("CA", 0.03), ("AU", 0.03), ("IN", 0.02),
        ],
    }
}
