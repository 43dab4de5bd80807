#!/usr/bin/env python3
"""Scale benchmark of issue 6: patq against DuckDB and Polars on the same SYNTHETIC corpus.

Run by hand, not in CI (needs `pip install -r bench/requirements.txt`, several GB of disk and
minutes to hours depending on --applications):

    python3 bench/scale.py --applications 1000000 --work /tmp/patq-scale

Steps, each timed (wall clock) with its peak RSS (`/usr/bin/time -v`, every engine in its own
process so the figures do not mix):

  generate    `patq generate --layout patstat` (PATSTAT-shaped CSV tables of every office,
              with priority links in tls204 and citation edges in tls212)
  ingest      the CSV tables to Parquet: `patq ingest` (a full patq dataset) vs DuckDB
              `COPY (SELECT * FROM read_csv(..)) TO .. (FORMAT parquet)` vs Polars
              `scan_csv(..).sink_parquet(..)`, one Parquet file per table
  indicators  from each engine's own Parquet: grants and grant rate by company country (and by
              country x filing year for DuckDB/Polars), extended families by connected
              components over the priority links, forward-citation counts per application and
              per company with the F9 bands, international share. patq runs its whole
              `patq indicators` set (more figures than the other two compute).

Families in SQL and Polars: iterative label propagation. Every application starts with its own
id as label; each round, every node takes the minimum label over itself and its neighbours
through tls204 links (both directions); rounds repeat until no label changes. The fixed point
gives every connected component the smallest application id in it, the same partition as
patq's union-find. Rounds needed = the longest shortest path in a component (2 here, because
every member claims the first filing).

Then it checks that the three agree (applications, grants and grant rate by country,
families and multi-member families, cited applications and forward citations, bands,
international share by country) and prints every mismatch. Targets of the issue are printed,
not asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TABLES = [
    "tls201_appln",
    "tls204_appln_prior",
    "tls206_person",
    "tls207_pers_appln",
    "tls211_pat_publn",
    "tls212_citation",
    "tls224_appln_cpc",
]


# ------------------------------------------------------------------------------------------
# Measuring


def timed(cmd: list[str], label: str, log: Path) -> dict:
    """Runs cmd under /usr/bin/time -v; returns wall seconds and peak RSS in MB."""
    start = time.perf_counter()
    with open(log, "w") as err:
        p = subprocess.run(["/usr/bin/time", "-v", *cmd], stdout=err, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - start
    text = log.read_text(errors="replace")
    if p.returncode != 0:
        sys.exit(f"{label} failed (exit {p.returncode}); see {log}:\n{text[-3000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    rss = int(m.group(1)) / 1024 if m else float("nan")
    print(f"  {label:<22} {wall:9.2f} s  {rss:9.1f} MB", flush=True)
    return {"wall": wall, "rss": rss}


def worker(kind: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", kind, *args]


# ------------------------------------------------------------------------------------------
# Workers (run in their own process)


def duckdb_ingest(src: Path, dst: Path) -> None:
    import duckdb

    dst.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for t in TABLES:
        con.execute(
            f"COPY (SELECT * FROM read_csv('{src / (t + '.csv')}', header=true)) "
            f"TO '{dst / (t + '.parquet')}' (FORMAT parquet)"
        )


def polars_ingest(src: Path, dst: Path) -> None:
    import polars as pl

    dst.mkdir(parents=True, exist_ok=True)
    for t in TABLES:
        # Ids as 64-bit integers: the outside citations use ids above 2^32.
        pl.scan_csv(src / (t + ".csv"), infer_schema_length=10_000).sink_parquet(
            dst / (t + ".parquet")
        )


DUCKDB_SQL = """
CREATE TEMP TABLE app AS
SELECT a.appln_id, a.appln_auth, a.appln_filing_year AS year, a.granted = 'Y' AS granted,
       p.person_ctry_code AS country, p.person_id AS company
FROM '{d}/tls201_appln.parquet' a
LEFT JOIN '{d}/tls207_pers_appln.parquet' pa ON pa.appln_id = a.appln_id AND pa.applt_seq_nr = 1
LEFT JOIN '{d}/tls206_person.parquet' p ON p.person_id = pa.person_id;

CREATE TEMP TABLE pub AS SELECT pat_publn_id, appln_id FROM '{d}/tls211_pat_publn.parquet';

-- Forward citations: distinct citing applications of the corpus, self-citations dropped.
CREATE TEMP TABLE fwd AS
SELECT cited.appln_id, count(DISTINCT citing.appln_id) AS n
FROM '{d}/tls212_citation.parquet' c
JOIN pub citing ON citing.pat_publn_id = c.pat_publn_id
JOIN pub cited ON cited.pat_publn_id = c.cited_pat_publn_id
WHERE citing.appln_id <> cited.appln_id
GROUP BY cited.appln_id;

CREATE TEMP TABLE edge AS
SELECT appln_id AS a, prior_appln_id AS b FROM '{d}/tls204_appln_prior.parquet'
UNION ALL
SELECT prior_appln_id, appln_id FROM '{d}/tls204_appln_prior.parquet';
"""


def duckdb_indicators(d: Path, out: Path) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(DUCKDB_SQL.format(d=d))
    # Label propagation to a fixed point (see the module docstring).
    con.execute("CREATE TEMP TABLE lab AS SELECT appln_id AS id, appln_id AS l FROM app")
    con.execute("INSERT INTO lab SELECT DISTINCT b, b FROM edge WHERE b NOT IN (SELECT id FROM lab)")
    rounds = 0
    while True:
        rounds += 1
        con.execute(
            """CREATE OR REPLACE TEMP TABLE lab2 AS
            SELECT lab.id, least(lab.l, coalesce(min(n.l), lab.l)) AS l
            FROM lab LEFT JOIN edge ON edge.a = lab.id LEFT JOIN lab n ON n.id = edge.b
            GROUP BY lab.id, lab.l"""
        )
        changed = con.execute(
            "SELECT count(*) FROM lab JOIN lab2 USING (id) WHERE lab.l <> lab2.l"
        ).fetchone()[0]
        con.execute("DROP TABLE lab; ALTER TABLE lab2 RENAME TO lab")
        if changed == 0:
            break
    con.execute(
        """CREATE TEMP TABLE fam AS
        SELECT lab.l AS fam, count(*) AS size, any_value(app.country) AS country
        FROM app JOIN lab ON lab.id = app.appln_id GROUP BY lab.l"""
    )
    con.execute(
        """CREATE TEMP TABLE full_app AS
        SELECT app.*, coalesce(fwd.n, 0) AS fwd FROM app LEFT JOIN fwd USING (appln_id)"""
    )
    q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
    res = summary_from_rows(
        by_country=q(
            """SELECT coalesce(country, 'UNKNOWN'), count(*), count(*) FILTER (granted),
                count(*) FILTER (appln_auth = 'WO' OR (country IS NOT NULL AND appln_auth <> country)),
                count(*) FILTER (fwd > 0), sum(fwd),
                count(*) FILTER (fwd BETWEEN 1 AND 2), count(*) FILTER (fwd BETWEEN 3 AND 10),
                count(*) FILTER (fwd > 10)
            FROM full_app GROUP BY 1"""
        ),
        by_year=q(
            "SELECT coalesce(country, 'UNKNOWN'), year, count(*), count(*) FILTER (granted) "
            "FROM full_app GROUP BY 1, 2"
        ),
        fam_sizes=q("SELECT size, count(*) FROM fam GROUP BY 1"),
        fam_country=q(
            "SELECT coalesce(country, 'UNKNOWN'), count(*), count(*) FILTER (size >= 2) "
            "FROM fam GROUP BY 1"
        ),
        top_companies=q(
            "SELECT company, sum(fwd) AS s, count(*) FILTER (fwd > 0) FROM full_app "
            "GROUP BY 1 ORDER BY s DESC, company LIMIT 10"
        ),
    )
    res["label_rounds"] = rounds
    out.write_text(json.dumps(res, indent=1, sort_keys=True))


def polars_indicators(d: Path, out: Path) -> None:
    import polars as pl

    r = lambda t: pl.scan_parquet(d / f"{t}.parquet")  # noqa: E731
    first = (
        r("tls207_pers_appln")
        .filter(pl.col("applt_seq_nr") == 1)
        .join(r("tls206_person"), on="person_id", how="left")
        .select("appln_id", pl.col("person_ctry_code").alias("country"), pl.col("person_id").alias("company"))
    )
    app = (
        r("tls201_appln")
        .select("appln_id", "appln_auth", pl.col("appln_filing_year").alias("year"),
                (pl.col("granted") == "Y").alias("granted"))
        .join(first, on="appln_id", how="left")
    )
    pub = r("tls211_pat_publn").select("pat_publn_id", "appln_id")
    fwd = (
        r("tls212_citation")
        .select("pat_publn_id", "cited_pat_publn_id")
        .join(pub.rename({"appln_id": "citing"}), on="pat_publn_id")
        .join(pub.rename({"pat_publn_id": "cited_pat_publn_id", "appln_id": "cited"}), on="cited_pat_publn_id")
        .filter(pl.col("citing") != pl.col("cited"))
        .group_by("cited")
        .agg(pl.col("citing").n_unique().alias("fwd"))
        .rename({"cited": "appln_id"})
    )
    full = (
        app.join(fwd, on="appln_id", how="left")
        .with_columns(pl.col("fwd").fill_null(0), pl.col("country").fill_null("UNKNOWN"))
        .collect()
    )
    prior = r("tls204_appln_prior").select(pl.col("appln_id").alias("a"), pl.col("prior_appln_id").alias("b"))
    edge = pl.concat([prior, prior.select(pl.col("b").alias("a"), pl.col("a").alias("b"))]).collect()
    ids = pl.concat([full.select(pl.col("appln_id").alias("id")), edge.select(pl.col("b").alias("id"))]).unique()
    lab = ids.with_columns(pl.col("id").alias("l"))
    rounds = 0
    while True:
        rounds += 1
        nb = (
            edge.join(lab, left_on="b", right_on="id")
            .group_by("a")
            .agg(pl.col("l").min().alias("nl"))
        )
        new = (
            lab.join(nb, left_on="id", right_on="a", how="left")
            .with_columns(pl.min_horizontal("l", pl.col("nl").fill_null(pl.col("l"))).alias("l2"))
        )
        changed = new.filter(pl.col("l") != pl.col("l2")).height
        lab = new.select("id", pl.col("l2").alias("l"))
        if changed == 0:
            break
    fam = (
        full.join(lab, left_on="appln_id", right_on="id")
        .group_by("l")
        .agg(pl.len().alias("size"), pl.col("country").first())
    )
    intl = (pl.col("appln_auth") == "WO") | (
        (pl.col("country") != "UNKNOWN") & (pl.col("appln_auth") != pl.col("country"))
    )
    f = pl.col("fwd")
    by_country = full.group_by("country").agg(
        pl.len().alias("apps"), pl.col("granted").sum(), intl.sum().alias("intl"),
        (f > 0).sum().alias("cited"), f.sum().alias("fwd"), f.is_between(1, 2).sum().alias("b12"),
        f.is_between(3, 10).sum().alias("b310"), (f > 10).sum().alias("b11"),
    )
    res = summary_from_rows(
        by_country=by_country.rows(),
        by_year=full.group_by("country", "year").agg(pl.len(), pl.col("granted").sum()).rows(),
        fam_sizes=fam.group_by("size").agg(pl.len()).rows(),
        fam_country=fam.group_by("country").agg(pl.len(), (pl.col("size") >= 2).sum().alias("multi")).rows(),
        top_companies=full.group_by("company")
        .agg(pl.col("fwd").sum().alias("s"), (pl.col("fwd") > 0).sum().alias("n"))
        .sort(["s", "company"], descending=[True, False])
        .head(10)
        .rows(),
    )
    res["label_rounds"] = rounds
    out.write_text(json.dumps(res, indent=1, sort_keys=True))


def summary_from_rows(by_country, by_year, fam_sizes, fam_country, top_companies) -> dict:
    countries = {}
    for c, apps, granted, intl, cited, fwd, b12, b310, b11 in by_country:
        countries[c] = {
            "applications": int(apps), "granted": int(granted), "international": int(intl),
            "cited": int(cited), "forward_citations": int(fwd or 0),
            "band_1_2": int(b12), "band_3_10": int(b310), "band_gt10": int(b11),
        }
    for c, fams, multi in fam_country:
        countries.setdefault(c, {}).update({"families": int(fams), "multi_member_families": int(multi)})
    return {
        "countries": countries,
        "grants_by_country_year": {f"{c}/{y}": [int(a), int(g)] for c, y, a, g in by_year},
        "family_sizes": {str(int(s)): int(n) for s, n in fam_sizes},
        "top_companies_by_forward_citations": [[str(c), int(s), int(n)] for c, s, n in top_companies],
    }


# ------------------------------------------------------------------------------------------
# patq's outputs in the same shape


def patq_summary(ind: Path) -> dict:
    """Reads the figures patq wrote (F2, F3, F4, F5, F9 JSON) into the summary shape."""
    load = lambda name: json.loads((ind / f"{name}.json").read_text())  # noqa: E731
    countries: dict[str, dict] = {}

    def put(name: str, get) -> None:
        for row in load(name)["rows"]:
            for k, v in get(row).items():
                if v is not None:
                    countries.setdefault(row["country"], {})[k] = int(v)

    put("F2_grants_by_country", lambda r: {"applications": r["applications"], "granted": r["grants"]})
    f3 = load("F3_families")
    put("F3_families", lambda r: {"families": r["families"], "multi_member_families": r["multi_member"]})
    f4 = load("F4_citations")
    put("F4_citations", lambda r: {"cited": r["cited"]})
    put("F5_international", lambda r: {"international": r["international"]})
    put("F9_citation_bands", lambda r: dict(zip(("band_1_2", "band_3_10", "band_gt10"), r["bands"])))
    return {
        "countries": countries,
        "family_sizes": {str(k): int(v) for k, v in f3["size_distribution"].items()},
        "citation_method": f4["method"],
    }


def compare(a: dict, b: dict, an: str, bn: str) -> list[str]:
    out = []
    ca, cb = a.get("countries", {}), b.get("countries", {})
    for c in sorted(set(ca) | set(cb)):
        for k in sorted(set(ca.get(c, {})) & set(cb.get(c, {}))):
            if ca[c][k] != cb[c][k]:
                out.append(f"{c}.{k}: {an}={ca[c][k]} {bn}={cb[c][k]}")
        if (c in ca) != (c in cb):
            out.append(f"{c}: only in {an if c in ca else bn}")
    for key in ("grants_by_country_year", "family_sizes", "top_companies_by_forward_citations"):
        if key in a and key in b and a[key] != b[key]:
            out.append(f"{key} differs between {an} and {bn}")
    return out


def totals(s: dict) -> dict:
    t: dict[str, int] = {}
    for row in s["countries"].values():
        for k, v in row.items():
            t[k] = t.get(k, 0) + v
    return t


# ------------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--applications", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--work", type=Path, default=Path("/tmp/patq-scale"))
    ap.add_argument("--patq", type=Path, default=None, help="patq binary (default: build release)")
    ap.add_argument("--keep-input", action="store_true", help="reuse WORK/input if present")
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        kind, *rest = a.worker
        fn = {"duckdb-ingest": duckdb_ingest, "polars-ingest": polars_ingest,
              "duckdb-indicators": duckdb_indicators, "polars-indicators": polars_indicators}[kind]
        fn(*map(Path, rest))
        return

    patq = a.patq
    if patq is None:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "patq"], cwd=REPO, check=True)
        target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
        patq = target / "release" / "patq"
    import duckdb
    import polars

    work = a.work / f"n{a.applications}"
    work.mkdir(parents=True, exist_ok=True)
    inp = work / "input"
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    print(f"N = {a.applications:,} SYNTHETIC applications, seed {a.seed}; duckdb {duckdb.__version__}, "
          f"polars {polars.__version__}; work dir {work}")
    res: dict[str, dict] = {}
    if not (a.keep_input and (inp / "tls212_citation.csv").exists()):
        shutil.rmtree(inp, ignore_errors=True)
        res["generate"] = timed([str(patq), "generate", "--applications", str(a.applications),
                                 "--seed", str(a.seed), "--layout", "patstat", "--out", str(inp), "-q"],
                                "generate (patq)", logs / "generate.log")
    size = sum(f.stat().st_size for f in inp.glob("*.csv"))
    rows212 = sum(1 for _ in open(inp / "tls212_citation.csv")) - 1
    print(f"  input: {size / 1e6:,.0f} MB of CSV, {rows212:,} citation rows")

    for d in ("patq-ds", "duckdb-pq", "polars-pq", "patq-ind"):
        shutil.rmtree(work / d, ignore_errors=True)
    print("ingest (CSV -> Parquet)")
    res["ingest/patq"] = timed([str(patq), "ingest", str(inp), "--out", str(work / "patq-ds"), "--quiet"],
                               "patq ingest", logs / "patq-ingest.log")
    res["ingest/duckdb"] = timed(worker("duckdb-ingest", str(inp), str(work / "duckdb-pq")),
                                 "duckdb read_csv", logs / "duckdb-ingest.log")
    res["ingest/polars"] = timed(worker("polars-ingest", str(inp), str(work / "polars-pq")),
                                 "polars scan_csv", logs / "polars-ingest.log")
    print("indicators (from each engine's Parquet)")
    res["indicators/patq"] = timed([str(patq), "indicators", str(work / "patq-ds"), "--out", str(work / "patq-ind")],
                                   "patq indicators", logs / "patq-indicators.log")
    res["indicators/duckdb"] = timed(worker("duckdb-indicators", str(work / "duckdb-pq"), str(work / "duckdb.json")),
                                     "duckdb SQL", logs / "duckdb-indicators.log")
    res["indicators/polars"] = timed(worker("polars-indicators", str(work / "polars-pq"), str(work / "polars.json")),
                                     "polars", logs / "polars-indicators.log")
    for e in ("patq", "duckdb", "polars"):
        res[f"end-to-end/{e}"] = {k: res[f"ingest/{e}"][k] + res[f"indicators/{e}"][k] for k in ("wall",)}
        res[f"end-to-end/{e}"]["rss"] = max(res[f"ingest/{e}"]["rss"], res[f"indicators/{e}"]["rss"])

    print()
    print("| step | patq s | DuckDB s | Polars s | patq/DuckDB | patq/Polars | patq MB | DuckDB MB | Polars MB | patq/DuckDB RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for step in ("ingest", "indicators", "end-to-end"):
        p, d, q = (res[f"{step}/{e}"] for e in ("patq", "duckdb", "polars"))
        print(f"| {step} | {p['wall']:.2f} | {d['wall']:.2f} | {q['wall']:.2f} | {p['wall'] / d['wall']:.2f} | "
              f"{p['wall'] / q['wall']:.2f} | {p['rss']:.0f} | {d['rss']:.0f} | {q['rss']:.0f} | {p['rss'] / d['rss']:.2f} |")

    sp = patq_summary(work / "patq-ind")
    sd = json.loads((work / "duckdb.json").read_text())
    sq = json.loads((work / "polars.json").read_text())
    print()
    print("totals:", {n: totals(s) for n, s in (("patq", sp), ("duckdb", sd), ("polars", sq))})
    print(f"patq citation method: {sp['citation_method']}")
    print(f"label propagation rounds: duckdb {sd['label_rounds']}, polars {sq['label_rounds']}")
    bad = compare(sp, sd, "patq", "duckdb") + compare(sp, sq, "patq", "polars") + compare(sd, sq, "duckdb", "polars")
    print("agreement:", "all figures agree" if not bad else f"{len(bad)} mismatches")
    for m in bad[:50]:
        print("  MISMATCH", m)
    e2e = res["end-to-end/patq"], res["end-to-end/duckdb"]
    print(f"target end-to-end wall <= 0.5 x DuckDB: {'holds' if e2e[0]['wall'] <= 0.5 * e2e[1]['wall'] else 'does NOT hold'}"
          f" ({e2e[0]['wall'] / e2e[1]['wall']:.2f}x)")
    print(f"target peak RSS <= DuckDB: {'holds' if e2e[0]['rss'] <= e2e[1]['rss'] else 'does NOT hold'}"
          f" ({e2e[0]['rss'] / e2e[1]['rss']:.2f}x)")
    ind = res["indicators/patq"]["wall"]
    if a.applications == 1_000_000:
        print(f"target indicators < 10 s at 1M: {'holds' if ind < 10 else 'does NOT hold'} ({ind:.1f} s)")
    else:
        print(f"target indicators < 10 s applies at 1M; this run is N={a.applications:,} ({ind:.1f} s)")
    (work / "results.json").write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
