#!/usr/bin/env python3
"""Runs patq's indicator SQL (`patq sql`) in DuckDB and/or Spark local mode on a patq dataset
and asserts every number equals what patq itself computes (`patq indicators` JSON, and patq's
T2 via `patq sql --reference`). Also rebuilds the extended families from the raw priority, PCT
and earliest-filing links by label propagation (connected components in SQL) and checks they
partition the applications exactly as patq's union-find does.

Installs nothing: needs `pip install duckdb` for --engines duckdb and `pip install pyspark`
(plus Java 17) for --engines spark. Exit code 0 = all equal, 1 = a difference, 2 = an engine
is not installed (with --skip-missing: reported and skipped, exit 0).

    scripts/spark_check.py --patq target/release/patq --dataset DS --engines duckdb,spark
    scripts/spark_check.py --patq target/release/patq --ingest SRC.csv --work /tmp/x
"""

import argparse
import json
import os
import subprocess
import sys
import time

REL_TOL = 1e-9


def run(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


class Duck:
    name = "duckdb"

    def __init__(self):
        import duckdb

        self.con = duckdb.connect()

    def execute(self, sql):
        self.con.execute(sql)

    def rows(self, sql):
        cur = self.con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def materialise(self, name, sql):
        self.con.execute(f"CREATE OR REPLACE TEMPORARY TABLE {name} AS {sql}")

    def close(self):
        self.con.close()


class Spark:
    name = "spark"

    def __init__(self, cores):
        from pyspark.sql import SparkSession

        self.spark = (
            SparkSession.builder.master(f"local[{cores}]")
            .appName("patq-check")
            .config("spark.driver.memory", os.environ.get("PATQ_SPARK_MEMORY", "4g"))
            .config("spark.sql.shuffle.partitions", str(max(4, 2 * cores)))
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")

    def execute(self, sql):
        self.spark.sql(sql)

    def rows(self, sql):
        return [r.asDict() for r in self.spark.sql(sql).collect()]

    def materialise(self, name, sql):
        # Cuts the lineage each iteration, so label propagation does not grow its plan.
        self.spark.sql(sql).localCheckpoint().createOrReplaceTempView(name)

    def close(self):
        self.spark.stop()


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(b, float) or isinstance(a, float):
        return abs(float(a) - float(b)) <= REL_TOL * max(1.0, abs(float(b)))
    return int(a) == int(b)


def expected(patq_dir, ref_dir):
    """patq's own results, reshaped to the columns of the SQL queries."""
    j = lambda name: json.load(open(os.path.join(patq_dir, name + ".json")))
    out = {}
    r = j("F2_grants_by_country")
    out["F2_grants_by_country"] = r["rows"] + [r["world"]]
    r = j("F3_families")
    out["F3_families"] = r["rows"] + [r["world"]]
    out["F3_family_size_distribution"] = [
        {"family_size": int(k), "families": v} for k, v in sorted(r["size_distribution"].items(), key=lambda kv: int(kv[0]))
    ]
    r = j("F4_citations")
    out["F4_citations"] = r["rows"] + [r["world"]]
    r = j("F5_international")
    out["F5_international"] = r["rows"] + [r["world"]]
    r = j("F6_trend")
    rows = list(r["rows"])
    if r["without_year"]:
        rows.append({"year": None, "applications": r["without_year"]})
    out["F6_trend"] = rows
    out["F7_office_grant_trend"] = j("F7_office_grant_trend")["rows"]
    r = j("T1_company_size_bands")
    out["T1_company_size_bands"] = [
        dict(country=x["country"], companies=x["companies"], **{f"band_{i}": b for i, b in enumerate(x["bands"])})
        for x in r["rows"] + [r["world"]]
    ]
    r = j("F9_citation_bands")
    rows = []
    for x in r["rows"] + [r["world"]]:
        d = {"country": x["country"], "cited": x["cited"], "mean_cohort_index": x["mean_cohort_index"]}
        d["cited_families"] = x["cited_families"]
        d["cited_excl_self"] = x["cited_excl_self"]
        for i in range(len(x["bands"])):
            d[f"band_{i}"] = x["bands"][i]
            d[f"share_{i}"] = x["shares"][i]
            d[f"family_band_{i}"] = x["family_bands"][i] if x["family_bands"] is not None else None
            d[f"excl_self_band_{i}"] = x["bands_excl_self"][i] if x["bands_excl_self"] is not None else None
        rows.append(d)
    out["F9_citation_bands"] = rows
    r = j("F10_family_size_bands")
    out["F10_family_size_bands"] = [{f"band_{i}": n for i, n in enumerate(r["families"])}]
    out["F10_large_family_holders"] = [
        {"applicant_group": h["group"], "large_families": h["large_families"]} for h in r["top_holders"]
    ]
    t2 = json.load(open(os.path.join(ref_dir, "T2_quality_index.json")))
    rows = []
    for x in t2["rows"]:
        d = {"rank": x["rank"], "applicant_group": x["group"], "country": x["country"],
             "applications": x["applications"], "score": x["score"]}
        for v in x["values"]:
            d[v["dimension"]] = v["raw"]
            d["p_" + v["dimension"]] = v["points"]
        rows.append(d)
    out["T2_quality_index"] = rows
    return out


def compare(qid, want, got):
    """Differences between patq's rows and the engine's, row by row in output order."""
    errs = []
    if len(want) != len(got):
        errs.append(f"{qid}: {len(want)} rows from patq, {len(got)} from SQL")
    for i, (w, g) in enumerate(zip(want, got)):
        for k, v in w.items():
            if k not in g:
                errs.append(f"{qid} row {i}: column {k} missing from SQL")
            elif isinstance(v, str) or isinstance(g[k], str):
                if v != g[k]:
                    errs.append(f"{qid} row {i} {k}: patq {v!r}, SQL {g[k]!r}")
            elif not same(g[k], v):
                errs.append(f"{qid} row {i} {k}: patq {v!r}, SQL {g[k]!r}")
    return errs


FAMILY_EDGES = """
SELECT app_key AS a, priority_key AS b FROM priorities WHERE priority_key <> ''
UNION ALL SELECT key, pct_key FROM applications WHERE pct_key IS NOT NULL AND pct_key <> ''
UNION ALL SELECT x.key, COALESCE(y.key, CONCAT('earliest_filing_id:', x.earliest_filing_id))
  FROM applications x LEFT JOIN applications y ON y.source_id = x.earliest_filing_id
  WHERE x.earliest_filing_id IS NOT NULL
"""


def families_by_label_propagation(eng, location, max_iter=50):
    """Connected components of the family links: every node takes the smallest label among
    itself and its neighbours until nothing changes. Returns (iterations, mismatches with
    app_facts.family)."""
    reg = {
        "duckdb": "CREATE OR REPLACE TEMPORARY VIEW priorities AS SELECT * FROM read_parquet('{p}')",
        "spark": "CREATE OR REPLACE TEMPORARY VIEW priorities USING parquet OPTIONS (path '{p}')",
    }[eng.name]
    eng.execute(reg.format(p=f"{location}/priorities.parquet"))
    eng.materialise("fam_edges", FAMILY_EDGES)
    eng.materialise("fam_und", "SELECT a AS x, b AS y FROM fam_edges UNION ALL SELECT b, a FROM fam_edges")
    eng.materialise(
        "fam_label",
        "SELECT node, node AS label FROM (SELECT x AS node FROM fam_und UNION SELECT key FROM applications) n",
    )
    it = 0
    while it < max_iter:
        it += 1
        eng.materialise(
            "fam_next",
            """SELECT l.node, LEAST(l.label, COALESCE(MIN(n.label), l.label)) AS label
FROM fam_label l LEFT JOIN fam_und u ON u.x = l.node LEFT JOIN fam_label n ON n.node = u.y
GROUP BY l.node, l.label""",
        )
        changed = eng.rows(
            "SELECT COUNT(*) AS n FROM fam_next a JOIN fam_label b ON a.node = b.node WHERE a.label <> b.label"
        )[0]["n"]
        eng.materialise("fam_label", "SELECT * FROM fam_next")
        if changed == 0:
            break
    bad = eng.rows(
        """SELECT
 (SELECT COUNT(*) FROM (SELECT l.label FROM fam_label l JOIN app_facts f ON l.node = f.key
   GROUP BY l.label HAVING COUNT(DISTINCT f.family) > 1) t1) AS split_labels,
 (SELECT COUNT(*) FROM (SELECT f.family FROM fam_label l JOIN app_facts f ON l.node = f.key
   GROUP BY f.family HAVING COUNT(DISTINCT l.label) > 1) t2) AS split_families"""
    )[0]
    return it, int(bad["split_labels"]) + int(bad["split_families"])


def check_engine(eng, doc, want, families):
    t = time.perf_counter()
    for st in doc["setup"]:
        eng.execute(st)
    errs = []
    for q in doc["queries"]:
        errs += compare(q["id"], want[q["id"]], eng.rows(q["sql"]))
    secs = time.perf_counter() - t
    fam = None
    if families:
        t2 = time.perf_counter()
        it, bad = families_by_label_propagation(eng, doc["location"])
        fam = (it, bad, time.perf_counter() - t2)
        if bad:
            errs.append(f"families: {bad} components differ from patq's extended families")
    return errs, secs, fam


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patq", required=True, help="patq binary")
    ap.add_argument("--dataset", help="dataset directory (patq ingest output)")
    ap.add_argument("--ingest", nargs="+", help="sources to ingest into WORK/dataset first")
    ap.add_argument("--work", default="/tmp/patq-sql-check", help="scratch directory")
    ap.add_argument("--engines", default="duckdb,spark")
    ap.add_argument("--cores", type=int, default=2, help="Spark local[N]")
    ap.add_argument("--grant-office", help="F7's office (default: each side's own, the busiest office)")
    ap.add_argument("--no-families", action="store_true", help="skip the label-propagation check")
    ap.add_argument("--skip-missing", action="store_true", help="skip engines not installed")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    timings = {}
    ds = a.dataset
    if a.ingest:
        ds = os.path.join(a.work, "dataset")
        timings["patq ingest"] = run([a.patq, "ingest", *a.ingest, "-o", ds, "-q"])
    if not ds:
        ap.error("--dataset or --ingest is required")
    out, ref = os.path.join(a.work, "patq"), os.path.join(a.work, "ref")
    office = ["--grant-office", a.grant_office] if a.grant_office else []
    timings["patq indicators"] = run([a.patq, "indicators", ds, "-o", out, *office])
    docs = {}
    for dialect in ("duckdb", "spark"):
        t = time.perf_counter()
        text = subprocess.run(
            [a.patq, "sql", "--dialect", dialect, "--dataset", ds, "--json", "--reference", ref,
             *office],
            check=True, capture_output=True, text=True,
        ).stdout
        timings[f"patq sql ({dialect}, incl. app_facts + T2 reference)"] = time.perf_counter() - t
        docs[dialect] = json.loads(text)
        docs[dialect]["location"] = os.path.abspath(ds)
    want = expected(out, ref)
    failures, missing = [], []
    for name in a.engines.split(","):
        t = time.perf_counter()
        try:
            eng = Duck() if name == "duckdb" else Spark(a.cores)
        except ImportError as e:
            missing.append(f"{name}: {e}")
            continue
        timings[f"{name} start"] = time.perf_counter() - t
        errs, secs, fam = check_engine(eng, docs[name], want, not a.no_families)
        timings[f"{name} queries ({len(docs[name]['queries'])})"] = secs
        if fam:
            timings[f"{name} families by label propagation ({fam[0]} iterations)"] = fam[2]
        eng.close()
        nums = sum(len(r) for rows in want.values() for r in rows)
        print(f"{name}: {len(errs)} differences over {len(want)} queries, {nums} values compared")
        for e in errs[:30]:
            print("  " + e)
        failures += errs
    for k, v in timings.items():
        print(f"  time {k}: {v:.2f} s")
    for m in missing:
        print(f"SKIP engine not installed: {m}")
    if failures:
        sys.exit(1)
    if missing and not a.skip_missing:
        sys.exit(2)


if __name__ == "__main__":
    main()
