//! The corpus model: families of applications generated one at a time from a single seeded
//! ChaCha stream, so that output writers can stream them and the same seed gives the same corpus.
//!
//! A family is one invention of one company: a first filing at the company's home office
//! (whose office is therefore the applicant country under METHODOLOGY's "office of the first
//! priority filing" rule), and optionally extensions at foreign offices (WO included) and
//! domestic continuations, all claiming the first filing as priority.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::calib::{self, COUNTRIES, CountryCal, GROUPS, GroupCal};
use crate::text::{self, TOPICS};

/// One publication: office, number as displayed (without office and kind), kind, date.
#[derive(Clone, Debug)]
pub struct Pub {
    pub office: &'static str,
    pub number: String,
    pub kind: &'static str,
    pub date: NaiveDate,
}

impl Pub {
    /// The Lens display key, e.g. `US 2019/0112233 A1`.
    pub fn display(&self) -> String {
        format!("{} {} {}", self.office, self.number, self.kind)
    }
}

/// One application of a family.
#[derive(Clone, Debug)]
pub struct App {
    /// Office of its publications (`WO` for a PCT application).
    pub office: &'static str,
    /// Application number as Lens writes it, e.g. `CN 201910123456 A`, `US 16/123,456`.
    pub number: String,
    /// US applications: the PatentsView `application_id` (`16/123456`) and series code.
    pub us_id: Option<(String, u32)>,
    pub filing: NaiveDate,
    pub utility_model: bool,
    /// The first publication (A1, or the U of a utility model); `None` for a US patent granted
    /// before its 18-month publication (kind B1).
    pub first_pub: Option<Pub>,
    pub grant: Option<Pub>,
    pub cited_by: u32,
    pub npl: u32,
    pub legal_status: &'static str,
}

/// One invention and all its applications.
#[derive(Clone, Debug)]
pub struct Family {
    pub country: &'static str,
    pub priority_office: &'static str,
    /// The first filing's number as in `App::number` without the office (`201910123456 A`).
    pub priority_number: String,
    pub priority_date: NaiveDate,
    /// Applicants as (name, stable id).
    pub applicants: Vec<(String, String)>,
    pub inventors: Vec<String>,
    pub title: String,
    pub abstract_text: String,
    pub cpc: Vec<&'static str>,
    pub claims: u32,
    pub apps: Vec<App>,
}

/// Running state of one applicant country.
struct CountryState {
    cal: &'static CountryCal,
    groups: Vec<&'static GroupCal>,
    group_share: f64,
    /// Cumulative Zipf weights of the tail companies.
    tail_cdf: Vec<f64>,
    apps: f64,
    families: f64,
    /// Applications that can never be an invention grant (WO, utility models).
    ungrantable: f64,
    grant_year: [f64; 6],
    cited_year: [f64; 6],
}

/// Pseudo-counts that start every country's mean family size at 1.5.
const PRIOR_APPS: f64 = 30.0;
const PRIOR_FAMILIES: f64 = 20.0;

/// Produces families until the requested number of applications is reached.
pub struct Generator {
    rng: ChaCha8Rng,
    target: u64,
    done: u64,
    countries: Vec<CountryState>,
    app_serial: HashMap<(&'static str, i32), u32>,
    pub_serial: HashMap<(&'static str, i32), u32>,
    grant_serial: HashMap<&'static str, u64>,
    cutoff: NaiveDate,
    last_filing: NaiveDate,
}

/// Scales weights so their mean under the priority-year distribution is 1.
fn normalised(rel: [f64; 6]) -> [f64; 6] {
    let mean: f64 = rel.iter().zip(calib::YEAR_SHARE).map(|(r, s)| r * s).sum();
    rel.map(|r| r / mean)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid calendar date")
}

impl Generator {
    pub fn new(applications: u64, seed: u64) -> Generator {
        // Companies grow sub-linearly with the corpus: a 10x larger corpus is modelled as a
        // larger field with more entrants, not ten copies of each company.
        let scale = (applications.max(1) as f64 / calib::DEFAULT_APPLICATIONS as f64).powf(0.8);
        let countries = COUNTRIES
            .iter()
            .map(|cal| {
                let groups: Vec<&GroupCal> =
                    GROUPS.iter().filter(|g| g.country == cal.code).collect();
                let n = ((cal.companies as f64 * scale).round() as usize).max(5);
                let mut acc = 0.0;
                let tail_cdf = (1..=n)
                    .map(|r| {
                        acc += (r as f64).powf(-calib::ZIPF_EXPONENT);
                        acc
                    })
                    .collect();
                let curve = if cal.code == "CN" {
                    calib::GRANT_YEAR_CN
                } else {
                    calib::GRANT_YEAR_OTHER
                };
                CountryState {
                    group_share: groups.iter().map(|g| g.family_share).sum(),
                    groups,
                    cal,
                    tail_cdf,
                    // Prior: 20 families of 1.5 applications, 8% of them never grantable.
                    apps: PRIOR_APPS,
                    families: PRIOR_FAMILIES,
                    ungrantable: 2.4,
                    grant_year: normalised(curve),
                    cited_year: normalised(calib::CITED_YEAR),
                }
            })
            .collect();
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            target: applications,
            done: 0,
            countries,
            app_serial: HashMap::new(),
            pub_serial: HashMap::new(),
            grant_serial: HashMap::new(),
            cutoff: date(calib::CUTOFF.0, calib::CUTOFF.1, calib::CUTOFF.2),
            last_filing: date(2020, 12, 31),
        }
    }

    /// Applications generated so far.
    pub fn done(&self) -> u64 {
        self.done
    }

    fn uniform_days(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.rng.random_range(lo..=hi)
        }
    }

    /// A geometric count with the given mean (>= 0).
    fn geometric(&mut self, mean: f64) -> u32 {
        if mean <= 0.0 {
            return 0;
        }
        let p = 1.0 / (1.0 + mean);
        let u: f64 = self.rng.random::<f64>().max(f64::MIN_POSITIVE);
        ((u.ln() / (1.0 - p).ln()).floor() as u32).min(200)
    }

    fn next_serial(
        map: &mut HashMap<(&'static str, i32), u32>,
        key: (&'static str, i32),
        start: u32,
    ) -> u32 {
        let s = map.entry(key).or_insert(start);
        *s += 1;
        *s
    }

    fn next_grant(&mut self, office: &'static str, start: u64) -> u64 {
        let s = self.grant_serial.entry(office).or_insert(start);
        *s += 1;
        *s
    }

    /// The application number (Lens form) and, for the US, the PatentsView id and series.
    fn app_number(
        &mut self,
        office: &'static str,
        home: &'static str,
        filing: NaiveDate,
        utility: bool,
    ) -> (String, Option<(String, u32)>) {
        let y = filing.year();
        match office {
            "CN" => {
                let kind_digit = if utility { 2 } else { 1 };
                let s = Self::next_serial(
                    &mut self.app_serial,
                    (if utility { "CNU" } else { "CN" }, y),
                    100_000,
                );
                let k = if utility { "U" } else { "A" };
                (format!("CN {y}{kind_digit}{s:07} {k}"), None)
            }
            "US" => {
                // Series codes follow the filing year as the USPTO's did (14/ in 2015 .. 17/ in
                // 2020), one serial counter per series. A series exhausted by a very large
                // corpus continues six codes up (20/-23/, then 26/-...), codes the real
                // 2015-2020 filings never used.
                let base = [14, 15, 15, 16, 16, 17][(y - 2015).clamp(0, 5) as usize];
                let s = Self::next_serial(&mut self.app_serial, ("US", base as i32), 100_000);
                let series = base + 6 * (s / 1_000_000);
                let s = s % 1_000_000;
                (
                    format!("US {series}/{:03},{:03}", s / 1000, s % 1000),
                    Some((format!("{series}/{s:06}"), series)),
                )
            }
            "EP" => {
                let s = Self::next_serial(&mut self.app_serial, ("EP", y), 100_000);
                (format!("EP {:02}{s:06} A", y % 100), None)
            }
            "JP" => {
                // National serials from 200,000 keep clear of PCT numbers (`JP 2019012345 W`),
                // which Lens writes with the same digits.
                let s = Self::next_serial(&mut self.app_serial, ("JP", y), 200_000);
                (format!("JP {y}{s:06} A"), None)
            }
            "KR" => {
                let s = Self::next_serial(&mut self.app_serial, ("KR", y), 100_000);
                (format!("KR {y}{s:07} A"), None)
            }
            "WO" => {
                // Lens names a PCT application by its receiving office: PCT/CN2019/012345 is
                // `CN 2019012345 W`.
                // One serial per receiving office and year (keyed by the negated year so it
                // cannot meet the national counters), as WIPO numbers them.
                let s = Self::next_serial(&mut self.app_serial, (home, -y), 0);
                (format!("{home} {y}{s:06} W"), None)
            }
            other => {
                let s = Self::next_serial(&mut self.app_serial, (other, y), 100_000);
                (format!("{other} {y}{s:07} A"), None)
            }
        }
    }

    /// The first publication of an application.
    fn first_pub(&mut self, office: &'static str, date: NaiveDate, utility: bool) -> Pub {
        let y = date.year();
        let (number, kind) = match office {
            "CN" if utility => {
                let s = Self::next_serial(&mut self.pub_serial, ("CNU", 0), 205_000_000);
                (s.to_string(), "U")
            }
            "CN" => {
                let s = Self::next_serial(&mut self.pub_serial, ("CN", 0), 105_000_000);
                (s.to_string(), "A")
            }
            "US" => {
                let s = Self::next_serial(&mut self.pub_serial, ("US", y), 0);
                (format!("{y}/{s:07}"), "A1")
            }
            "WO" => {
                let s = Self::next_serial(&mut self.pub_serial, ("WO", y), 0);
                (format!("{y}/{s:06}"), "A1")
            }
            "EP" => {
                let s = Self::next_serial(&mut self.pub_serial, ("EP", 0), 3_300_000);
                (s.to_string(), "A1")
            }
            "JP" => {
                let s = Self::next_serial(&mut self.pub_serial, ("JP", y), 0);
                (format!("{y}{s:06}"), "A")
            }
            "KR" => {
                let s = Self::next_serial(&mut self.pub_serial, ("KR", y), 0);
                (format!("{y}{s:07}"), "A")
            }
            other => {
                let s = Self::next_serial(&mut self.pub_serial, (other, 0), 1_000_000);
                (s.to_string(), "A1")
            }
        };
        Pub {
            office,
            number,
            kind,
            date,
        }
    }

    /// The grant publication; CN and EP keep the application publication's number.
    fn grant_pub(&mut self, office: &'static str, first: Option<&Pub>, date: NaiveDate) -> Pub {
        let (number, kind) = match office {
            "CN" | "EP" => (
                first.map(|p| p.number.clone()).unwrap_or_default(),
                if office == "CN" { "B" } else { "B1" },
            ),
            "US" => (
                self.next_grant("US", 9_600_000).to_string(),
                if first.is_some() { "B2" } else { "B1" },
            ),
            "JP" => (self.next_grant("JP", 6_500_000).to_string(), "B2"),
            "KR" => (self.next_grant("KR", 102_000_000).to_string(), "B1"),
            _ => (self.next_grant(office, 2_000_000).to_string(), "B1"),
        };
        Pub {
            office,
            number,
            kind,
            date,
        }
    }

    fn pick_country(&mut self) -> usize {
        // Families are drawn in proportion to share / mean family size so far, which holds the
        // application shares at their targets whatever the family-size parameters are; the
        // second factor pulls a country that has drifted from its share back towards it.
        let total = self.done as f64 + 100.0;
        let weights: Vec<f64> = self
            .countries
            .iter()
            .map(|c| {
                let real = c.apps - PRIOR_APPS + 100.0 * c.cal.app_share;
                let drift = (c.cal.app_share * total / real).clamp(0.5, 2.0);
                c.cal.app_share * c.families / c.apps * drift
            })
            .collect();
        text::pick_weighted(&mut self.rng, &weights, |w| *w)
    }

    /// Next family, or `None` once the requested number of applications is written.
    pub fn next_family(&mut self) -> Option<Family> {
        if self.done >= self.target {
            return None;
        }
        let ci = self.pick_country();
        let home = self.countries[ci].cal.code;
        let cal = self.countries[ci].cal;

        // Applicant: a large group or a tail company.
        let u: f64 = self.rng.random();
        let (applicant, p_multi, mean_extra, p_huge) = if u < self.countries[ci].group_share {
            let groups = self.countries[ci].groups.clone();
            let gi = text::pick_weighted(&mut self.rng, &groups, |g| g.family_share);
            let g = groups[gi];
            (
                (g.name.to_string(), format!("synth-{home}-g{gi}")),
                g.p_multi,
                g.mean_extra,
                g.p_huge,
            )
        } else {
            let cdf = &self.countries[ci].tail_cdf;
            let x = self.rng.random::<f64>() * cdf[cdf.len() - 1];
            let idx = cdf.partition_point(|&c| c <= x).min(cdf.len() - 1) as u64;
            (
                (text::company_name(home, idx), format!("synth-{home}-{idx}")),
                cal.p_multi,
                cal.mean_extra,
                0.0,
            )
        };
        let mut applicants = vec![applicant];
        if self.rng.random_bool(calib::CO_APPLICANT_SHARE) {
            let k = self.rng.random_range(0..60);
            applicants.push((
                text::university_name(home, k),
                format!("synth-{home}-u-{k}"),
            ));
        }

        let yi = text::pick_weighted(&mut self.rng, &calib::YEAR_SHARE, |s| *s);
        let year = calib::YEARS[yi];
        let start = date(year, 1, 1);
        let len = date(year, 12, 31).signed_duration_since(start).num_days();
        let prio_date = start + Duration::days(self.rng.random_range(0..=len));

        let topic = &TOPICS[text::pick_weighted(&mut self.rng, TOPICS, |t| t.weight)];
        let (title, abstract_text, cpc) = text::describe(&mut self.rng, topic);
        let inventors = text::inventors(&mut self.rng);
        let claims = self.rng.random_range(5..=25);

        let utility = home == "CN" && self.rng.random_bool(calib::CN_UTILITY_SHARE);
        let mut extras = 0u32;
        if !utility && self.rng.random_bool(p_multi) {
            extras = if self.rng.random_bool((p_huge / p_multi).min(1.0)) {
                10 + self.geometric(3.0)
            } else {
                1 + self.geometric(mean_extra - 1.0)
            };
        }
        let room = self.target - self.done - 1;
        extras = extras.min(room.min(u32::MAX as u64) as u32);

        // Offices of the members: the home office first, then distinct foreign offices
        // (domestic continuations when the foreign list is used up).
        let mut offices: Vec<(&'static str, bool)> = vec![(home, utility)];
        let mut foreign: Vec<(&'static str, f64)> = calib::extension_offices(home)
            .iter()
            .copied()
            .filter(|(o, _)| *o != home)
            .collect();
        for _ in 0..extras {
            if foreign.is_empty() || self.rng.random_bool(cal.domestic_extra) {
                offices.push((home, false));
            } else {
                let i = text::pick_weighted(&mut self.rng, &foreign, |(_, w)| *w);
                offices.push((foreign.remove(i).0, false));
            }
        }

        let mut apps = Vec::with_capacity(offices.len());
        let mut priority_number = String::new();
        for (i, &(office, um)) in offices.iter().enumerate() {
            let avail = self.last_filing.signed_duration_since(prio_date).num_days();
            let filing = if i == 0 {
                prio_date
            } else if office == home {
                prio_date + Duration::days(self.uniform_days(90.min(avail), 720.min(avail)))
            } else {
                // Paris Convention year: foreign filings within 12 months of the priority.
                prio_date + Duration::days(self.uniform_days(150.min(avail), 365.min(avail)))
            };
            let (number, us_id) = self.app_number(office, home, filing, um);
            if i == 0 {
                priority_number = number
                    .split_once(' ')
                    .map(|(_, n)| n.to_string())
                    .unwrap_or_default();
            }
            apps.push(self.application(ci, office, number, us_id, filing, prio_date, um, yi));
        }
        let st = &mut self.countries[ci];
        st.families += 1.0;
        st.apps += apps.len() as f64;
        st.ungrantable += apps
            .iter()
            .filter(|a| a.office == "WO" || a.utility_model)
            .count() as f64;
        self.done += apps.len() as u64;

        Some(Family {
            country: home,
            priority_office: home,
            priority_number,
            priority_date: prio_date,
            applicants,
            inventors,
            title,
            abstract_text,
            cpc,
            claims,
            apps,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn application(
        &mut self,
        ci: usize,
        office: &'static str,
        number: String,
        us_id: Option<(String, u32)>,
        filing: NaiveDate,
        prio: NaiveDate,
        utility: bool,
        yi: usize,
    ) -> App {
        let window = self.cutoff.signed_duration_since(filing).num_days();
        // Publication: 18 months from priority; CN applicants mostly ask for early publication.
        let pub_date = if utility {
            filing + Duration::days(self.uniform_days(120, 300))
        } else if office == "CN" {
            filing + Duration::days(self.uniform_days(60, 540))
        } else {
            prio + Duration::days(self.uniform_days(540, 560))
        };
        let pub_date = pub_date.max(filing + Duration::days(30)).min(self.cutoff);

        let st = &self.countries[ci];
        let grantable = office != "WO" && !utility;
        let p_grant = if grantable {
            // Rate among grantable applications that makes the country's rate over all of
            // its applications (WO and utility models included) meet F2.
            let ungrantable = st.ungrantable / st.apps;
            (st.cal.grant_rate * st.grant_year[yi] / (1.0 - ungrantable).max(0.2)).min(0.95)
        } else {
            0.0
        };
        let p_cited = (st.cal.cited_rate * st.cited_year[yi]).min(0.95);
        let granted = p_grant > 0.0 && self.rng.random_bool(p_grant);

        let first_pub;
        let mut grant = None;
        if granted {
            // Grant lag 1-4 years, but always before the cut-off.
            let lo = 365.min(window * 2 / 3);
            let hi = 1461.min(window);
            let mut g = filing + Duration::days(self.uniform_days(lo, hi));
            if office == "US" {
                // US patents issue on Tuesdays.
                let back = (g.weekday().num_days_from_monday() + 6) % 7;
                g -= Duration::days(back as i64);
            }
            let p = if office == "US" && g <= pub_date {
                None // granted before the 18-month publication: B1 without A1
            } else {
                let d = pub_date
                    .min(g - Duration::days(30))
                    .max(filing + Duration::days(1));
                Some(self.first_pub(office, d, false))
            };
            grant = Some(self.grant_pub(office, p.as_ref(), g));
            first_pub = p;
        } else {
            first_pub = Some(self.first_pub(office, pub_date, utility));
        }

        let cited_by = if self.rng.random_bool(p_cited) {
            self.citation_count()
        } else {
            0
        };
        let npl = if self.rng.random_bool(0.35) {
            self.rng.random_range(1..=6)
        } else {
            0
        };
        let legal_status = if granted || utility {
            "ACTIVE"
        } else if filing.year() <= 2017 && self.rng.random_bool(0.6) {
            "DISCONTINUED"
        } else {
            "PENDING"
        };
        App {
            office,
            number,
            us_id,
            filing,
            utility_model: utility,
            first_pub,
            grant,
            cited_by,
            npl,
            legal_status,
        }
    }

    /// Forward citations of a cited application, in the F9 bands.
    fn citation_count(&mut self) -> u32 {
        let u: f64 = self.rng.random();
        if u < calib::BAND_1_2 {
            if self.rng.random_bool(0.62) { 1 } else { 2 }
        } else if u < calib::BAND_1_2 + calib::BAND_3_10 {
            (3 + self.geometric(2.5)).min(10)
        } else {
            // A long tail above 10: geometric with mean 8 beyond the band edge.
            11 + self.geometric(8.0)
        }
    }
}
