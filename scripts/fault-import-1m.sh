#!/usr/bin/env bash
# fault-import-1m.sh — SIGKILL `entrevue import` of the benchmark dataset at random moments,
# and check what each kill left behind.
#
# Usage: scripts/fault-import-1m.sh [N]        (N kills, default 10)
#
# It generates the dataset with the benchmark generator (../shared/bench/gen.py, beside the
# checkout; 100,000 actors and 1,000,000 meetings by default), times one uninterrupted import,
# then N times: imports into a new database, kills the import with SIGKILL after a random delay
# between 0 and 1.2 × that time, reopens the database with `entrevue --db X -c '.stats'` and
# runs `entrevue --db X -c '.check'`. It prints one line per kill:
#
#   kill 3 at 7.41 s (running): none  (opened in 0.62 s)  check: ok: 0 records, 0 index …
#
# — the moment (and whether the import was still running or had ended), the records found
# (`none`, `all`, or `PARTIAL a/p/m` — a failure: an import must be kept whole or not at all,
# or `OPEN FAILED` when the database does not open), how long the first open took (it
# discards an unfinished import) and the check's result; then a summary.
# The exit status is 1 if any kill left a partial database, one that does not open, or a
# failed check.
#
# Environment:
#   ENTREVUE  the binary (default: target/release/entrevue under $CARGO_TARGET_DIR or
#             ./target; build it with `cargo build --release`)
#   ACTORS, MEETINGS   the dataset's size (default 100000 and 1000000)
#   DATA      where the dataset is (generated there if it lacks meetings.csv; default: a
#             folder in the scratch directory)
#   WORK      the scratch directory (default: a new temporary one, removed at the end)
#   SEED      the seed of the kill moments (default: random; printed, to repeat a run)
#   NICE      the niceness to run at (default 19)

set -euo pipefail

N=${1:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
ENTREVUE=${ENTREVUE:-${CARGO_TARGET_DIR:-$here/target}/release/entrevue}
ACTORS=${ACTORS:-100000}
MEETINGS=${MEETINGS:-1000000}
SEED=${SEED:-$RANDOM}
NICE=${NICE:-19}
GEN=$here/../shared/bench/gen.py

[[ -x $ENTREVUE ]] || { echo "no binary at $ENTREVUE: run cargo build --release" >&2; exit 2; }
[[ -f $GEN ]] || { echo "no generator at $GEN" >&2; exit 2; }

if [[ -z ${WORK:-} ]]; then
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
fi
DATA=${DATA:-$WORK/data}
RANDOM=$SEED

run() { nice -n "$NICE" "$@"; }

# Seconds since the epoch, with decimals.
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

if [[ ! -f $DATA/meetings.csv ]]; then
    echo "generating $ACTORS actors and $MEETINGS meetings in $DATA"
    start=$(now)
    run python3 "$GEN" --out "$DATA" --actors "$ACTORS" --meetings "$MEETINGS" >/dev/null
    echo "generated in $(elapsed "$start") s"
fi
rows() { echo $(($(wc -l <"$DATA/$1") - 1)); }
want_actors=$(rows actors.csv)
want_places=$(rows places.csv)
want_meetings=$(rows meetings.csv)

# The counts `.stats` gives, as "actors places meetings", or nothing if the database does not
# open.
counts() {
    local out
    out=$(run "$ENTREVUE" --db "$1" -c '.stats' 2>"$WORK/open.err") || return 0
    awk '/^actors:/ { a = $2 } /^places:/ { p = $2 } /^meetings:/ { m = $2 }
         END { print a, p, m }' <<<"$out"
}

echo "timing one uninterrupted import"
db=$WORK/db
rm -rf "$db"
start=$(now)
run "$ENTREVUE" --db "$db" import "$DATA" 2>&1 | sed 's/^/  /'
length=$(elapsed "$start")
read -r a p m <<<"$(counts "$db")"
if [[ "$a $p $m" != "$want_actors $want_places $want_meetings" ]]; then
    echo "the uninterrupted import holds $a actors, $p places, $m meetings; expected" \
        "$want_actors, $want_places, $want_meetings" >&2
    exit 1
fi
echo "import: $length s for $a actors, $p places, $m meetings; seed $SEED"

none=0 all=0 failed=0 live=0
for ((k = 1; k <= N; k++)); do
    rm -rf "$db"
    # A random moment in [0, 1.2 × length): the last sixth lands after the import ended.
    delay=$(awk -v l="$length" -v r="$RANDOM" -v s="$RANDOM" \
        'BEGIN { printf "%.2f", l * 1.2 * (r * 32768 + s) / 1073741824 }')
    # nice runs the binary in its own process, so $! is the importer itself.
    nice -n "$NICE" "$ENTREVUE" --db "$db" import "$DATA" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        state=running
        live=$((live + 1))
    else
        state=ended
    fi
    wait "$pid" 2>/dev/null || true
    opened=$(now)
    read -r a p m <<<"$(counts "$db")"
    opened=$(elapsed "$opened")
    if [[ -z ${a:-} ]]; then
        found="OPEN FAILED: $(head -c 300 "$WORK/open.err" | tr '\n' ' ')"
        failed=$((failed + 1))
        check="-"
    else
        if [[ "$a $p $m" == "0 0 0" ]]; then
            found=none
            none=$((none + 1))
        elif [[ "$a $p $m" == "$want_actors $want_places $want_meetings" ]]; then
            found=all
            all=$((all + 1))
        else
            found="PARTIAL $a/$p/$m"
            failed=$((failed + 1))
        fi
        if check=$(run "$ENTREVUE" --db "$db" -c '.check' 2>&1); then
            check=$(head -n 1 <<<"$check")
        else
            check="FAILED: $(head -c 300 <<<"$check" | tr '\n' ' ')"
            failed=$((failed + 1))
        fi
    fi
    printf 'kill %d at %s s (%s): %-5s (opened in %s s)  check: %s\n' \
        "$k" "$delay" "$state" "$found" "$opened" "$check"
done
rm -rf "$db"

echo "summary: $N kills ($live while importing), $none left nothing, $all left everything," \
    "$failed failures"
[[ $failed -eq 0 ]]
