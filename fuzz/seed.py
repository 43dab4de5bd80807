#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from ../shared/data (licensed: copied at run time into the
gitignored corpus, never committed) and the hand-made tests/fixtures. Large files are cut to a
few records so libFuzzer's mutations stay fast."""

import csv
import glob
import io
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("PATQ_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))
FIX = os.path.join(ROOT, "tests", "fixtures")
SEP = b"\x1e"  # fuzz/src/lib.rs FILE_SEPARATOR
CAP = 64 * 1024


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data[:CAP])


def read(path):
    with open(path, "rb") as f:
        return f.read()


def csv_head(path, rows, delim=","):
    """Header plus the first `rows` records, re-written (records may span lines)."""
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        out = io.StringIO()
        w = csv.writer(out, delimiter=delim, lineterminator="\n")
        for i, rec in enumerate(csv.reader(f, delimiter=delim)):
            if i > rows:
                break
            w.writerow(rec)
    return out.getvalue().encode()


def main():
    if not os.path.isdir(SHARED):
        sys.exit(f"no shared data at {SHARED}")
    lens = os.path.join(SHARED, "lens-csv-oldham", "drones_fulltext_families_5884_raw.csv")
    put("lens_csv", "oldham-5.csv", csv_head(lens, 5))
    put("lens_csv", "oldham-30.csv", csv_head(lens, 30))
    put("lens_csv", "fixture.csv", read(os.path.join(FIX, "lens_current_drones.csv")))
    put("google_csv", "fixture.csv", read(os.path.join(FIX, "google_drones.csv")))

    for p in glob.glob(os.path.join(SHARED, "blockchain-patstat-denter", "*.csv")):
        put("patstat", os.path.basename(p), b"".join(read(p).splitlines(True)[:40]))
    tls = sorted(glob.glob(os.path.join(FIX, "patstat_tls*.csv")))
    put("patstat", "fixture-all.csv", SEP.join(read(p) for p in tls))
    for p in tls:
        put("patstat", os.path.basename(p), read(p))

    pv = sorted(glob.glob(os.path.join(FIX, "pv_*.tsv")))
    put("patentsview", "fixture-all.tsv", SEP.join(read(p) for p in pv))
    for p in pv:
        put("patentsview", os.path.basename(p), read(p))

    jl = read(os.path.join(SHARED, "lens-api-jsonl", "lens_api_biopoly_valid.jsonl")).splitlines(True)
    for i, line in enumerate(jl[:12]):
        put("lens_json", f"biopoly-{i}.json", line)
    put("lens_json", "biopoly-3lines.jsonl", b"".join(jl[:3]))
    put("lens_json", "biopoly-array.json", b"[" + b",".join(l.strip() for l in jl[:2]) + b"]")

    for p in glob.glob(os.path.join(SHARED, "uspto-xml", "*")):
        if p.endswith(".md"):
            continue
        docs = re.split(rb"(?=<\?xml[ ?])", read(p))
        docs = [d for d in docs if d.strip()]
        for i, d in enumerate(docs[:3]):
            put("uspto_xml", f"{os.path.basename(p)}-{i}.xml", d)
        put("uspto_xml", f"{os.path.basename(p)}-two.xml", b"".join(docs[:2]))

    for p in glob.glob(os.path.join(SHARED, "epo-ops-xml", "*.xml")):
        put("epo_ops", os.path.basename(p), read(p))
    put("epo_ops", "fixture.xml", read(os.path.join(FIX, "epo_biblio_small.xml")))


if __name__ == "__main__":
    main()
