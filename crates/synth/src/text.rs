//! Synthetic names, titles, abstracts and classification codes: topic templates built around the
//! blockchain query classes so that industry and scenario queries (F13-17, T3) find something.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// One technology topic: its weight among families, CPC groups (first is the main one) and the phrases titles and abstracts use.
pub struct Topic {
    pub weight: f64,
    pub cpc: &'static [&'static str],
    /// What the invention is about, used in titles ("{phrase} method and device").
    pub phrases: &'static [&'static str],
    /// The industry sentence of the abstract.
    pub context: &'static str,
}

/// The first six topics are underlying (core) technology, the rest applications; profile P
/// gives 62% underlying-technology applications for the leading group, and across the corpus
/// the two weigh about half each.
#[rustfmt::skip]
pub const TOPICS: &[Topic] = &[
    Topic { weight: 0.10, cpc: &["H04L9/50", "H04L9/3239", "H04L67/1044", "G06F16/27"],
        phrases: &["consensus", "block generation", "Byzantine fault tolerant consensus", "proof of stake consensus"],
        context: "The consensus nodes of a blockchain network vote on a block proposal" },
    Topic { weight: 0.09, cpc: &["G06F16/27", "H04L9/3247", "G06F9/45558", "H04L9/50"],
        phrases: &["smart contract execution", "smart contract engine", "smart contract upgrade"],
        context: "A smart contract deployed on the blockchain is executed in a virtual machine" },
    Topic { weight: 0.06, cpc: &["H04L9/50", "H04L67/104", "G06F16/27", "H04L9/0643"],
        phrases: &["cross-chain", "cross-chain asset transfer", "sidechain relay"],
        context: "A relay chain forwards cross-chain messages between heterogeneous blockchains" },
    Topic { weight: 0.05, cpc: &["G06F16/27", "H04L67/1097", "H04L9/50"],
        phrases: &["sharding", "state sharding", "ledger storage compression"],
        context: "The distributed ledger is split into shards stored by different node groups" },
    Topic { weight: 0.08, cpc: &["H04L9/3239", "H04L9/0637", "H04L9/3236", "H04L9/008"],
        phrases: &["privacy transaction", "zero knowledge proof", "encrypted transaction", "key management"],
        context: "Transaction data are encrypted and a zero knowledge proof is written to the ledger" },
    Topic { weight: 0.07, cpc: &["H04L9/3236", "G06F16/2379", "H04L9/50"],
        phrases: &["blockchain data query", "merkle tree verification", "block data storage"],
        context: "Block data are indexed by a merkle tree so that a light node can verify a query" },
    Topic { weight: 0.08, cpc: &["G06Q40/03", "G06Q20/3829", "H04L9/50", "G06Q10/0833"],
        phrases: &["supply chain finance", "accounts receivable financing", "asset-backed securities (ABS) issuance"],
        context: "Supply chain finance: receivables of suppliers are tokenised on the blockchain for financing" },
    Topic { weight: 0.07, cpc: &["G06Q20/065", "G06Q20/4016", "G06Q40/04", "H04L9/3247"],
        phrases: &["cross-border payment", "digital currency wallet", "cryptocurrency payment", "cross-border remittance"],
        context: "Payment: a digital currency transfer is settled between banks through a distributed ledger" },
    Topic { weight: 0.04, cpc: &["G06Q40/03", "G06Q40/02", "H04L9/50"],
        phrases: &["joint credit investigation", "credit evaluation", "loan risk control"],
        context: "Finance: several lenders share credit records through a consortium blockchain" },
    Topic { weight: 0.03, cpc: &["G06Q40/08", "G06Q40/02", "H04L9/50"],
        phrases: &["insurance claim", "insurance policy management"],
        context: "Insurance: claims are verified by smart contracts reading ledger records" },
    Topic { weight: 0.05, cpc: &["G16H10/60", "G16H40/67", "H04L9/50", "H04L9/3239"],
        phrases: &["electronic medical records sharing", "medical data authorisation"],
        context: "Medical: electronic medical records of hospitals are shared with patient consent via blockchain" },
    Topic { weight: 0.02, cpc: &["G16H20/10", "G16H10/60", "H04L9/50"],
        phrases: &["electronic prescription circulation", "drug traceability"],
        context: "Medical: prescriptions issued by doctors are recorded and circulated on a blockchain" },
    Topic { weight: 0.04, cpc: &["G06Q50/06", "Y04S10/50", "Y04S50/12", "H04L9/50"],
        phrases: &["power trading", "distributed energy trading", "green certificate trading"],
        context: "Energy: peer-to-peer power trading between prosumers is settled on a distributed ledger" },
    Topic { weight: 0.03, cpc: &["B60L53/65", "G06Q50/06", "Y02T90/16", "Y04S30/14", "H04L9/50"],
        phrases: &["charging pile sharing", "electric vehicle charging settlement"],
        context: "Energy: charging pile operators and electric vehicles settle charging fees by smart contract" },
    Topic { weight: 0.04, cpc: &["G06Q10/0833", "G06Q30/018", "H04L9/50"],
        phrases: &["commodity traceability", "anti-counterfeiting", "logistics tracking"],
        context: "Supply chain: each logistics step of a commodity is written to the blockchain for traceability" },
    Topic { weight: 0.03, cpc: &["G06F21/10", "G06Q50/18", "H04L9/50"],
        phrases: &["copyright registration", "digital content rights"],
        context: "Copyright: a digital work is registered by writing its fingerprint to the blockchain" },
    Topic { weight: 0.03, cpc: &["G06Q50/26", "G06F21/64", "H04L9/50"],
        phrases: &["government affairs data sharing", "electronic certificate", "judicial evidence storage"],
        context: "Government: certificates and evidence are notarised on a consortium blockchain" },
    Topic { weight: 0.02, cpc: &["H04W12/06", "H04L67/12", "H04L9/50"],
        phrases: &["internet of things device authentication", "vehicle-to-everything data exchange"],
        context: "Telecom and transport: devices and vehicles authenticate each other through a blockchain" },
    Topic { weight: 0.02, cpc: &["G06Q50/40", "G06Q10/02", "H04L9/50"],
        phrases: &["ride-hailing order", "freight transport settlement"],
        context: "Transport: orders and settlements of freight carriers are kept on a distributed ledger" },
];

/// How a title is phrased; `{}` is the topic phrase.
const TITLE_FORMS: &[&str] = &[
    "Blockchain-based {} method, device, electronic equipment and storage medium",
    "{} method and system based on blockchain",
    "Method and apparatus for {} using a distributed ledger",
    "{} method and device based on smart contract",
    "System and method for {} in a blockchain network",
    "Distributed ledger {} method, node and medium",
];

/// Picks an index with probability proportional to `weight(i)`.
pub fn pick_weighted<T>(rng: &mut ChaCha8Rng, items: &[T], weight: impl Fn(&T) -> f64) -> usize {
    let total: f64 = items.iter().map(&weight).sum();
    let mut u = rng.random::<f64>() * total;
    for (i, it) in items.iter().enumerate() {
        u -= weight(it);
        if u < 0.0 {
            return i;
        }
    }
    items.len() - 1
}

/// Title, abstract and CPC codes of a family on the given topic.
pub fn describe(rng: &mut ChaCha8Rng, topic: &Topic) -> (String, String, Vec<&'static str>) {
    let phrase = topic.phrases[rng.random_range(0..topic.phrases.len())];
    let mut form = TITLE_FORMS[rng.random_range(0..TITLE_FORMS.len())];
    if phrase.contains("smart contract") && form.contains("smart contract") {
        // "Smart contract engine method based on smart contract" reads badly.
        form = TITLE_FORMS[0];
    }
    let title = capitalise(&form.replace("{}", phrase));
    let abstract_text = format!(
        "The invention discloses a {phrase} scheme. {}. A node receives a transaction request, \
         verifies its signature and writes a hash of the result to a block of the blockchain, so \
         that the record cannot be tampered with and can be audited by every participant of the \
         distributed ledger. [Synthetic record generated by patq; not a real patent.]",
        topic.context
    );
    // The main group always comes first; one to three further groups follow.
    let extra = rng.random_range(1..topic.cpc.len().min(4));
    let mut cpc = vec![topic.cpc[0]];
    for _ in 0..extra {
        let c = topic.cpc[rng.random_range(1..topic.cpc.len())];
        if !cpc.contains(&c) {
            cpc.push(c);
        }
    }
    (title, abstract_text, cpc)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The IPC symbol of a CPC group: CPC-only indexing schemes (Y sections) have none, and IPC
/// subgroups are cut to two digits (`H04L9/3239` -> `H04L9/32`).
pub fn ipc_of(cpc: &str) -> Option<String> {
    if cpc.starts_with('Y') {
        return None;
    }
    let (main, sub) = cpc.split_once('/')?;
    Some(format!("{main}/{}", &sub[..sub.len().min(2)]))
}

const SYLLABLES: &[&str] = &[
    "KOR", "VAN", "TEL", "MIR", "ZEN", "QUA", "LOR", "NEX", "SOL", "VIR", "DAL", "TRO", "PEX",
    "RIN", "GAL", "MOV", "SEN", "TAK", "BRI", "FEL",
];

/// A synthetic word for index `i`, unique per index (base-20 digits as syllables).
fn word(mut i: u64) -> String {
    let mut w = String::new();
    loop {
        w.push_str(SYLLABLES[(i % 20) as usize]);
        i /= 20;
        if i == 0 {
            break;
        }
        i -= 1;
    }
    w
}

/// The name of the `idx`-th tail company of a country. Always starts with `SYNTH` so the name
/// can never be mistaken for a real applicant.
pub fn company_name(country: &str, idx: u64) -> String {
    const SECTORS: &[&str] = &[
        "TECHNOLOGY",
        "NETWORK",
        "FINTECH",
        "DATA",
        "INFORMATION",
        "DIGITAL",
        "SECURITY",
        "CHAIN",
        "SOFTWARE",
        "ENERGY",
    ];
    let suffix = match country {
        "CN" | "KR" | "TW" => "CO LTD",
        "US" | "CA" => ["INC", "LLC", "CORP"][(idx % 3) as usize],
        "JP" => "KK",
        "DE" | "CH" => "AG",
        "GB" => "LTD",
        "FR" => "SAS",
        "AU" => "PTY LTD",
        "IN" => "PVT LTD",
        "SG" => "PTE LTD",
        "RU" => "OOO",
        _ => "LTD",
    };
    let sector = SECTORS[(idx as usize / 7) % SECTORS.len()];
    format!("SYNTH {} {sector} {suffix}", word(idx))
}

/// A synthetic university of a country, used as co-applicant.
pub fn university_name(country: &str, idx: u64) -> String {
    format!(
        "SYNTH {} UNIVERSITY OF TECHNOLOGY {country}",
        word(1000 + idx % 60)
    )
}

const SURNAMES: &[&str] = &[
    "ARDEN", "BALOR", "CORVIN", "DESMER", "ELDRA", "FARREN", "GORIN", "HALVEN", "ISTRA", "JORVIK",
    "KELDAN", "LORIN", "MARVEK", "NORDAL", "ORIN", "PELLAN", "QUIRIN", "RAVEN", "SORREL", "TAVIN",
];
const GIVEN: &[&str] = &[
    "ALEX", "BEI", "CHEN", "DARA", "EMIN", "FEI", "GEON", "HANA", "IRIS", "JUN", "KAI", "LIN",
    "MIN", "NOA", "OLA", "PING", "RUI", "SAM", "TAO", "YUN",
];

/// One to four synthetic inventor names.
pub fn inventors(rng: &mut ChaCha8Rng) -> Vec<String> {
    let n = rng.random_range(1..=4);
    (0..n)
        .map(|_| {
            format!(
                "{} {}",
                SURNAMES[rng.random_range(0..SURNAMES.len())],
                GIVEN[rng.random_range(0..GIVEN.len())]
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..50_000 {
            assert!(seen.insert(word(i)), "duplicate word at {i}");
        }
    }

    #[test]
    fn ipc_from_cpc() {
        assert_eq!(ipc_of("H04L9/3239").as_deref(), Some("H04L9/32"));
        assert_eq!(ipc_of("Y04S10/50"), None);
    }
}
