#!/usr/bin/env python3
"""Times Q1-Q5 of ../shared/bench three ways in one run: Entrevue answering them itself, and
the SQL `entrevue sql` writes for them run by DuckDB and by a local Spark (two threads) over
the Parquet bundle of the same database. Each time is the median of --runs runs after one
warm-up run, in milliseconds, from sending the question to holding every row: Entrevue's
from its own `.timer` (one process asks every question in turn, printing its rows as CSV),
the engines' around executing the query and fetching its rows (sessions already open, views
over the bundle's files created). The questions and parameters are check-sql.py's, read
from DATA_DIR/params.json; the row counts of the three answers are printed beside the times
(check-sql.py compares the rows themselves). Each engine's query times go to stderr as they
are measured.

    bench-sql.py ENTREVUE_BIN DB BUNDLE_DIR DATA_DIR [--runs N] [--engines entrevue,duckdb,spark]

DB holds the import of DATA_DIR (`entrevue import`), BUNDLE_DIR its export (`entrevue export
--format parquet`). Prints a Markdown table.
"""

import argparse
import importlib.util
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def load_check_sql():
    """check-sql.py, whose engines and questions this reuses (its name is not a module's)."""
    spec = importlib.util.spec_from_file_location("check_sql", os.path.join(HERE, "check-sql.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def milliseconds(shown):
    """A duration as Entrevue's `.timer` prints it (`812 µs`, `3.4 ms`, `1.25 s`), in ms."""
    value, unit = shown.split()
    return float(value) * {"µs": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def time_entrevue(binary, db, questions, runs):
    """Each question's median time and row count, from one process asking them in turn."""
    lines = [".timer on", ".mode csv"]
    for question in questions:
        lines += [question + ";"] * (runs + 1)
    done = subprocess.run([binary, "--db", db, "-c", "\n".join(lines)],
                          capture_output=True, text=True, check=True)
    times, counts, rows = [], [], 0
    for line in done.stdout.splitlines():
        found = re.fullmatch(r"time: (\S+ \S+)", line)
        if found:
            times.append(milliseconds(found.group(1)))
            counts.append(max(rows - 1, 0))  # less the header
            rows = 0
        else:
            rows += 1
    if len(times) != len(questions) * (runs + 1):
        raise RuntimeError(f"expected {len(questions) * (runs + 1)} timings from Entrevue, "
                           f"got {len(times)}: {done.stderr.strip()[:300]}")
    each = runs + 1
    return [(statistics.median(times[i * each + 1:(i + 1) * each]), counts[i * each])
            for i in range(len(questions))]


def time_engine(engine, sqls, runs):
    """Each query's median time and row count on an open DuckDB or Spark session."""
    results = []
    for sql in sqls:
        took = []
        for _ in range(runs + 1):
            start = time.perf_counter()
            _, rows = engine.run(sql)
            took.append((time.perf_counter() - start) * 1000)
        results.append((statistics.median(took[1:]), len(rows)))
        # Progress, as a slow engine can take minutes a query.
        print(f"{results[-1][0]:.0f} ms, {len(rows)} rows", file=sys.stderr, flush=True)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary")
    parser.add_argument("db")
    parser.add_argument("bundle")
    parser.add_argument("data")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="entrevue,duckdb,spark")
    args = parser.parse_args()
    check_sql = load_check_sql()
    named = [(key, q) for key, q in check_sql.bench_questions(args.data) if key]
    questions = [q for _, q in named]
    engines = args.engines.split(",")
    columns = {}
    if "entrevue" in engines:
        columns["Entrevue"] = time_entrevue(args.binary, args.db, questions, args.runs)
    for name, make, dialect in [("DuckDB", check_sql.Duck, "duckdb"),
                                ("Spark", check_sql.Spark, "spark")]:
        if dialect not in engines:
            continue
        sqls = [check_sql.entrevue(args.binary, args.db, "sql", "--dialect", dialect, q)[1]
                for q in questions]
        columns[name] = time_engine(make(args.bundle), sqls, args.runs)
    print("| question | " + " | ".join(f"{n} ms (rows)" for n in columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for i, (key, question) in enumerate(named):
        cells = [f"{c[i][0]:.2f} ({c[i][1]})" for c in columns.values()]
        print(f"| {key.upper()} `{question}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
