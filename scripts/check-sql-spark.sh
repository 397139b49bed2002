#!/usr/bin/env bash
# `entrevue sql` checked with Spark SQL (local, two threads): every form on the demo, and
# Q1–Q5 of ../shared/bench on its `small` data when ../shared is there. Needs Java 17 or
# later; pyspark and duckdb go into the ignored .venv folder. Kept out of .ci/run: a local
# Spark takes about 7 s a question on two busy cores, 12 minutes in all (SCALING.md).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet pyspark==4.0.1 duckdb==2.0.0
# The debug build, as .ci/run's check uses: Spark's time dwarfs Entrevue's, and the library is
# the one the tests build.
cargo build --features parquet --bin entrevue
bin="${CARGO_TARGET_DIR:-target}/debug/entrevue"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" --db "$out/demo" -c 'load demo'
"$bin" --db "$out/demo" export --format parquet "$out/demo-bundle"
.venv/bin/python scripts/check-sql.py "$bin" "$out/demo" "$out/demo-bundle" --engine spark
if [ -f ../shared/bench/gen.py ]; then
  python3 ../shared/bench/gen.py --out "$out/small" --actors 10000 --meetings 100000
  python3 ../shared/bench/bench.py params --data "$out/small"
  "$bin" --db "$out/small-db" import "$out/small"
  "$bin" --db "$out/small-db" export --format parquet "$out/small-bundle"
  .venv/bin/python scripts/check-sql.py "$bin" "$out/small-db" "$out/small-bundle" \
    --bench "$out/small" --engine spark
else
  echo "skipped: the check on the benchmark data needs ../shared/bench"
fi
