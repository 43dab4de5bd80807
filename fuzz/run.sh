#!/bin/sh
# Runs each fuzz target in turn for SECONDS (default 600) on one core, seeding first. No
# sanitizer: the readers have no unsafe code, and ASan halves the executions per second.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]; logs in fuzz/artifacts/<target>.log.
set -eu
cd "$(dirname "$0")"
secs=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-"lens_csv google_csv patstat patentsview lens_json uspto_xml epo_ops"}
python3 seed.py
mkdir -p artifacts
for t in $targets; do
    # The XML and JSON readers also get inputs past their depth and field-size limits (the
    # deep and long seeds of seed.py): 24 MiB rather than 64 KiB.
    case $t in
        lens_json | uspto_xml | epo_ops) max_len=25165824 ;;
        *) max_len=65536 ;;
    esac
    cargo +nightly fuzz run -s none "$t" ${FUZZ_TARGET_DIR:+--target-dir "$FUZZ_TARGET_DIR"} -- \
        -max_total_time="$secs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"artifacts/$t.log" 2>&1 || echo "$t: stopped (see artifacts/$t.log)"
done
