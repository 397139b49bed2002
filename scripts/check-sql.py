#!/usr/bin/env python3
"""Checks `entrevue sql` by running its queries: each question is written as SQL by Entrevue,
run by DuckDB or Spark over the Parquet bundle (`entrevue export --format parquet`), asked of
Entrevue itself (`--format csv`), and the two answers compared as text, row for row: in order
when the question says `order by`, as sets of rows otherwise (Entrevue's default order may
have ties). `path` answers are compared on what both must agree on: the number of steps, the
two ends, and a chain in which each step starts where the one before ended.

    check-sql.py ENTREVUE_BIN DB BUNDLE_DIR [--engine duckdb|spark] [--bench DATA_DIR]

Without --bench, DB is expected to hold the bundled demo dataset (`load demo;`) and every
question form is asked of it; with --bench, DB holds the import of the benchmark data in
DATA_DIR, and Q1-Q5 of ../shared/bench (their parameters read from DATA_DIR/params.json) are
asked, their digests computed as bench.py computes them and compared too.

Prints one line per question; exits 1 on any difference.
"""

import argparse
import csv
import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import time

TABLES = ["actors", "places", "documents", "meetings", "participation", "sources",
          "relations", "met"]

DEMO = [
    "who met Witkoff",
    "who met Witkoff return id, meetings",
    "who met Witkoff in Florida",
    "who met Witkoff during 2025-12",
    "who met Witkoff between 2025-11-01 and 2025-12-31",
    "who met Witkoff including planned",
    "who met Umerov including all",
    "who met Umerov return actor, meetings, side, role, certainty, via",
    "who met Witkoff return handle, via order by handle",
    "who met Umerov return id, meetings order by meetings desc, id limit 3",
    "who was with Witkoff",
    "who was with Umerov return actor, meetings, side, role, via",
    "side of Ukraine",
    "when did Witkoff meet Putin",
    "where did Witkoff meet Umerov",
    "meetings with Witkoff and Dmitriev",
    "meetings with Witkoff and Kushner return id, date, place",
    "meetings in Florida during 2025-12",
    "meetings in Florida",
    "meetings in United States return meeting, date, place order by date, meeting",
    "meetings with Umerov including planned",
    "meetings with Umerov including all",
    "meetings with Umerov status planned",
    "meetings with at least 4 participants",
    "meetings with at least 2 sources return meeting, sources order by sources desc, meeting",
    "meetings return id, date, status order by date desc, id limit 5",
    "meetings order by place, date",
    "meetings including all return meeting, date order by date",
    "timeline of Umerov",
    "timeline of Witkoff including all order by date desc",
    "path from Bessent to Zelensky",
    "path from Witkoff to Umerov",
    "path from Bessent to Zelensky including all",
    "path from Witkoff to Putin in Florida",
    "sources of #m02",
    "sources of #r1",
]

# Forms SQL cannot express: `entrevue sql` must refuse them, saying so.
REFUSED = [
    "who is Oumerov",
    "where is Florida",
    "reported by #d001",
    "disputes",
    'quotes matching "Miami"',
    "meetings with Umerov as of 2025-12-01",
    "path from Bessent to Zelensky in time order",
]


def bench_questions(data_dir):
    with open(os.path.join(data_dir, "params.json")) as f:
        p = json.load(f)
    q2 = p["q2_hub"]
    q3 = p["q3"]
    # Q3's `to` is exclusive in bench.py; `between` takes the last day itself.
    last = (datetime.date.fromisoformat(q3["to"]) - datetime.timedelta(days=1)).isoformat()
    q4 = p["q4"]
    return [
        ("q1", f"who met #{p['x_high']} return id, meetings"),
        ("q1", f"who met #{p['x_low']} return id, meetings"),
        ("q2", f"meetings with #{q2[0]} and #{q2[1]} return id, date, place"),
        ("q2", f"meetings with #{p['q2_low'][0]} and #{p['q2_low'][1]} return id, date, place"),
        ("q3", f"meetings in #{q3['country']} between {q3['from']} and {last} "
               "return id, date, place"),
        ("q4", f"path from #{q4['x']} to #{q4['y']}"),
        ("q5", f"who met #{p['q5_x']} return id, meetings order by meetings desc, id limit 10"),
        (None, f"who was with #{p['x_low']}"),
        (None, f"meetings with #{p['x_low']} return meeting, date, place, participants"),
        (None, f"timeline of #{p['x_low']}"),
        (None, f"meetings in #{q3['country']} during {q3['from'][:7]} "
               "return meeting, date order by date, meeting limit 20"),
    ]


def digest(rows):
    """bench.py's digest: each value through str(), joined with |, sorted, SHA-1."""
    canon = sorted("|".join(str(v) for v in r) for r in rows)
    return hashlib.sha1("\n".join(canon).encode()).hexdigest()[:12]


class Duck:
    def __init__(self, bundle):
        import duckdb
        self.con = duckdb.connect()
        for t in TABLES:
            self.con.execute(f"CREATE VIEW {t} AS SELECT * FROM "
                             f"read_parquet('{os.path.join(bundle, t + '.parquet')}')")

    def run(self, sql):
        cur = self.con.execute(sql)
        names = [d[0] for d in cur.description]
        return names, cur.fetchall()


class Spark:
    def __init__(self, bundle):
        from pyspark.sql import SparkSession
        self.spark = (SparkSession.builder.master("local[2]").appName("check-sql")
                      .config("spark.ui.enabled", "false")
                      .config("spark.ui.showConsoleProgress", "false")
                      .config("spark.sql.shuffle.partitions", "4")
                      .getOrCreate())
        self.spark.sparkContext.setLogLevel("ERROR")
        for t in TABLES:
            self.spark.read.parquet(os.path.join(bundle, t + ".parquet")) \
                .createOrReplaceTempView(t)

    def run(self, sql):
        df = self.spark.sql(sql)
        return df.columns, [tuple(r) for r in df.collect()]


def text(value):
    """A value as Entrevue's CSV prints it: nothing for null."""
    return "" if value is None else str(value)


def entrevue(binary, db, *args):
    done = subprocess.run([binary, "--db", db, *args], capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr


def answer(binary, db, question):
    code, out, err = entrevue(binary, db, "--format", "csv", "-c", question)
    if code != 0:
        raise RuntimeError(f"entrevue failed: {err.strip()}")
    rows = list(csv.reader(io.StringIO(out)))
    return (rows[0], rows[1:]) if rows else ([], [])


def compare_path(ours, theirs):
    """What any two shortest chains share: length, ends, and being a chain."""
    if len(ours) != len(theirs):
        return f"{len(theirs)} steps from SQL, {len(ours)} from Entrevue"
    if not ours:
        return None
    if (ours[0][1], ours[-1][2]) != (theirs[0][1], theirs[-1][2]):
        return "the chains do not join the same two actors"
    if any(a[2] != b[1] for a, b in zip(theirs, theirs[1:])):
        return "the SQL's steps do not form a chain"
    return None


def check(engine, args, question, bench_key):
    code, sql, err = entrevue(args.binary, args.db, "sql", "--dialect", args.engine, question)
    if code != 0:
        return f"entrevue sql failed: {err.strip()}", None
    start = time.perf_counter()
    names, rows = engine.run(sql)
    ms = (time.perf_counter() - start) * 1000
    theirs = [[text(v) for v in r] for r in rows]
    columns, ours = answer(args.binary, args.db, question)
    if names != columns:
        return f"columns {names} from SQL, {columns} from Entrevue", ms
    if question.startswith("path "):
        problem = compare_path(ours, theirs)
    elif " order by " in question:
        problem = None if ours == theirs else "rows differ (in order)"
    else:
        problem = None if sorted(ours) == sorted(theirs) else "rows differ (as sets)"
    if problem:
        extra = [r for r in theirs if r not in ours][:3]
        missing = [r for r in ours if r not in theirs][:3]
        return f"{problem}; SQL only: {extra}; Entrevue only: {missing}", ms
    if bench_key:
        if bench_key == "q4":
            mine, expected = [(len(theirs),)] if theirs else [], [(len(ours),)] if ours else []
        else:
            mine, expected = theirs, ours
        if digest(mine) != digest(expected):
            return f"digest {digest(mine)} from SQL, {digest(expected)} from Entrevue", ms
        return f"digest {digest(mine)}", ms
    return None, ms


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary")
    parser.add_argument("db")
    parser.add_argument("bundle")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    parser.add_argument("--bench", metavar="DATA_DIR")
    args = parser.parse_args()
    engine = Duck(args.bundle) if args.engine == "duckdb" else Spark(args.bundle)
    questions = bench_questions(args.bench) if args.bench else [(None, q) for q in DEMO]
    failures = 0
    for key, question in questions:
        try:
            verdict, ms = check(engine, args, question, key)
        except Exception as e:  # an engine's error is one question's failure
            verdict, ms = f"error: {str(e).strip().splitlines()[0][:300]}", None
        ok = verdict is None or verdict.startswith("digest ")
        failures += not ok
        timing = f" ({args.engine} {ms:.0f} ms)" if ms is not None else ""
        label = f"{key}: " if key else ""
        print(f"{'ok  ' if ok else 'DIFF'} {label}{question}{timing}"
              f"{'' if verdict is None else ' — ' + verdict}", flush=True)
    if not args.bench:
        for question in REFUSED:
            code, _, err = entrevue(args.binary, args.db, "sql", question)
            refused = code != 0 and "cannot be written as SQL" in err
            failures += not refused
            print(f"{'ok  ' if refused else 'DIFF'} refused: {question}"
                  f"{'' if refused else ' — not refused as expected: ' + err.strip()}")
    print("all agree" if not failures else f"{failures} difference(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
