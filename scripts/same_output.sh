#!/usr/bin/env bash
# Writes every output patq makes (dataset, indicators, rank, report) for each folder of
# ../shared/data and for a synthetic PATSTAT-layout corpus, so two builds can be compared
# with `diff -r`: a refactoring that claims unchanged behaviour must leave no difference.
#
#   scripts/same_output.sh BINARY OUTDIR [APPLICATIONS]
#   diff -r OUT_BEFORE OUT_AFTER
set -euo pipefail
bin=$(realpath "$1"); out=$2; n=${3:-1000000}
here=$(cd "$(dirname "$0")/.." && pwd)
data=${PATQ_SHARED:-$here/../shared}/data
mkdir -p "$out"; out=$(realpath "$out")
run() { # name input...
  local name=$1; shift
  local d=$name
  rm -rf "$d"; mkdir -p "$d"
  "$bin" ingest "$@" --out "$d/dataset" -q > "$d/ingest.txt" 2>&1 || echo "rc $?" >> "$d/ingest.txt"
  "$bin" indicators "$d/dataset" --out "$d/indicators" > "$d/indicators.txt" 2>&1 || echo "rc $?" >> "$d/indicators.txt"
  "$bin" rank "$d/dataset" --out "$d/rank" > "$d/rank.txt" 2>&1 || echo "rc $?" >> "$d/rank.txt"
  "$bin" report "$d/dataset" --out "$d/report" > "$d/report.txt" 2>&1 || echo "rc $?" >> "$d/report.txt"
  "$bin" info "$d/dataset" --fields > "$d/info.txt" 2>&1 || echo "rc $?" >> "$d/info.txt"
}
# Relative output paths keep the printed summaries comparable between two output folders.
cd "$out"
for f in "$data"/*/; do
  run "$(basename "$f")" "$f"
done
if [ "$n" != 0 ]; then
  "$bin" generate --layout patstat --applications "$n" --out "corpus-$n" -q
  run "synthetic-$n" "corpus-$n"
fi
echo "outputs in $out"
