#!/usr/bin/env python3
"""Times patq's indicator SQL (`patq sql --dialect spark`) in Spark local mode on a patq
dataset as written (one Parquet file per table) against a copy partitioned by filing year
(hive layout: applications and app_facts under filing_year=YYYY/), for the whole query set
with and without a --from/--to selection, and asserts both layouts give the same rows.

The dataset must already hold app_facts.parquet (`patq sql --dataset DS`, or a run of
scripts/spark_check.py); this script writes only under --work. Needs pyspark and Java 17.

    scripts/spark_partition_bench.py --patq target/release/patq --dataset DS --from 2015 --to 2017
"""

import argparse
import json
import os
import subprocess
import time


def queries(patq, location, years):
    cmd = [patq, "sql", "--dialect", "spark", "--location", location, "--json"]
    if years:
        cmd += ["--from", str(years[0]), "--to", str(years[1])]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def prune_facts(doc, years):
    """In the partitioned copy app_facts carries filing_year too; repeating the year condition
    on it lets Spark skip its partitions as well (the join on key alone cannot prune them)."""
    cond = f"a.filing_year >= {years[0]} AND a.filing_year <= {years[1]}"
    extra = f" AND f.filing_year >= {years[0]} AND f.filing_year <= {years[1]}"
    doc["setup"] = [s.replace(cond, cond + extra) if "VIEW sel " in s else s for s in doc["setup"]]
    assert any(extra in s for s in doc["setup"]), "selection condition not found in the sel view"
    return doc


def rounded(row):
    # Sums of doubles may add up in another order per layout; the last bits do not count.
    return tuple(float(f"{v:.12g}") if isinstance(v, float) else v for v in row)


def run_set(spark, doc):
    t = time.perf_counter()
    for st in doc["setup"]:
        spark.sql(st)
    out = {q["id"]: [rounded(r) for r in spark.sql(q["sql"]).collect()] for q in doc["queries"]}
    return time.perf_counter() - t, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patq", required=True)
    ap.add_argument("--dataset", required=True, help="dataset directory holding app_facts.parquet")
    ap.add_argument("--work", default="/tmp/patq-partition-bench")
    ap.add_argument("--from", dest="year_from", type=int, required=True)
    ap.add_argument("--to", dest="year_to", type=int, required=True)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--memory", default="6g")
    ap.add_argument("--repeat", type=int, default=2, help="runs per case; the minimum is reported")
    a = ap.parse_args()
    from pyspark.sql import SparkSession

    ds = os.path.abspath(a.dataset)
    part = os.path.join(os.path.abspath(a.work), "ds-by-year")
    t = time.perf_counter()
    spark = (
        SparkSession.builder.master(f"local[{a.cores}]")
        .appName("patq-partition-bench")
        .config("spark.driver.memory", a.memory)
        .config("spark.sql.shuffle.partitions", str(max(4, 2 * a.cores)))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    print(f"spark start: {time.perf_counter() - t:.2f} s")

    t = time.perf_counter()
    apps = spark.read.parquet(f"{ds}/applications.parquet")
    apps.write.mode("overwrite").partitionBy("filing_year").parquet(f"{part}/applications.parquet")
    facts = spark.read.parquet(f"{ds}/app_facts.parquet")
    facts.join(apps.select("key", "filing_year"), "key", "left").write.mode("overwrite") \
        .partitionBy("filing_year").parquet(f"{part}/app_facts.parquet")
    files = sum(len([f for f in fs if f.endswith(".parquet")]) for _, _, fs in os.walk(part))
    print(f"write year-partitioned copy: {time.perf_counter() - t:.2f} s ({files} files)")

    years = (a.year_from, a.year_to)
    cases = {
        ("single file", "all years"): queries(a.patq, ds, None),
        ("by year", "all years"): queries(a.patq, part, None),
        ("single file", f"{years[0]}-{years[1]}"): queries(a.patq, ds, years),
        ("by year", f"{years[0]}-{years[1]}"): prune_facts(queries(a.patq, part, years), years),
    }
    best, results = {}, {}
    # Alternate the layouts so page-cache warmth and machine load fall on both alike.
    for _ in range(a.repeat):
        for case, doc in cases.items():
            secs, out = run_set(spark, doc)
            best[case] = min(best.get(case, secs), secs)
            results[case] = out
    for sel in ("all years", f"{years[0]}-{years[1]}"):
        single, by_year = results[("single file", sel)], results[("by year", sel)]
        diff = [q for q in single if single[q] != by_year[q]]
        n = len(single)
        print(f"{sel}: single file {best[('single file', sel)]:.2f} s, by year "
              f"{best[('by year', sel)]:.2f} s for {n} queries; "
              f"{'same rows' if not diff else 'DIFFERENT rows in ' + ', '.join(diff)}")
        apps_sel = sum(r[1] for r in single["F6_trend"])
        print(f"  applications selected: {apps_sel}")
    spark.stop()


if __name__ == "__main__":
    main()
