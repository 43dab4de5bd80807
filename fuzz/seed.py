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


def put_big(target, name, data):
    """Like put, uncut: the deep and long seeds must go past the readers' limits."""
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


# Past the readers' limits (crates/ingest/src/limits.rs: 512 elements, 128 JSON levels,
# 16 MiB per field): 200,000 levels of nesting and 17 MiB fields, beside good records.
DEEP = 200_000
LONG = 17 * 1024 * 1024


def deep_and_long():
    grant = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<us-patent-grant lang="EN"><us-bibliographic-data-grant>'
        b"<publication-reference><document-id><country>US</country><doc-number>08000001</doc-number>"
        b"<kind>B2</kind><date>20130416</date></document-id></publication-reference>"
        b'<application-reference appl-type="utility"><document-id><country>US</country>'
        b"<doc-number>13000001</doc-number><date>20120101</date></document-id></application-reference>"
        b"<invention-title>TITLE</invention-title></us-bibliographic-data-grant></us-patent-grant>\n"
    )
    nest = lambda tag, inner: b"<%s>" % tag * DEEP + inner + b"</%s>" % tag * DEEP
    put_big("uspto_xml", "deep.xml", grant.replace(b"TITLE", nest(b"b", b"W")) + grant)
    put_big("uspto_xml", "long.xml", grant.replace(b"TITLE", b"w" * LONG) + grant)
    doc = (
        b'<exchange-document country="EP" doc-number="3000001" kind="A1"><bibliographic-data>'
        b'<publication-reference><document-id document-id-type="docdb"><country>EP</country>'
        b"<doc-number>3000001</doc-number><kind>A1</kind><date>20160706</date></document-id>"
        b'</publication-reference><application-reference><document-id document-id-type="docdb">'
        b"<country>EP</country><doc-number>15000001</doc-number><kind>A</kind><date>20150102</date>"
        b"</document-id></application-reference>ABSTRACT</bibliographic-data></exchange-document>"
    )
    ops = lambda docs: (
        b'<?xml version="1.0"?><ops:world-patent-data xmlns:ops="http://ops.epo.org">'
        b"<exchange-documents>" + b"".join(docs) + b"</exchange-documents></ops:world-patent-data>"
    )
    good = doc.replace(b"ABSTRACT", b"")
    put_big("epo_ops", "deep.xml", ops([good, doc.replace(b"ABSTRACT", nest(b"p", b"x")), good]))
    put_big("epo_ops", "long.xml", ops([good, doc.replace(b"ABSTRACT", b"<abstract>" + b"a" * LONG + b"</abstract>"), good]))
    lens = (
        b'{"lens_id":"000-000-000-000-001","jurisdiction":"EP","doc_number":"3000001","kind":"B1",'
        b'"biblio":{"application_reference":{"jurisdiction":"EP","doc_number":"17000001","kind":"A",'
        b'"date":"2017-01-02"}}EXTRA}'
    )
    good = lens.replace(b"EXTRA", b"")
    deep = lens.replace(b"EXTRA", b',"x":' + b"[" * DEEP + b"0" + b"]" * DEEP)
    long = lens.replace(b"EXTRA", b',"abstract":[{"text":"' + b"a" * LONG + b'"}]')
    put_big("lens_json", "deep.jsonl", b"\n".join([good, deep, good]))
    put_big("lens_json", "deep-array.json", b"[" + b",".join([good, deep, good]) + b"]")
    put_big("lens_json", "long.jsonl", b"\n".join([good, long, good]))


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
    deep_and_long()


if __name__ == "__main__":
    main()
