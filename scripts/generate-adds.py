#!/usr/bin/env python3
"""Writes a script of `add actor` and `add meeting` statements, for measuring how a large
writing script runs (BENCHMARKS.md): `generate-adds.py STATEMENTS > FILE`.

One statement in seven adds an actor, the others a meeting of two to four of the actors added
so far, on a day of 2020-2024. The output depends only on STATEMENTS (a fixed seed)."""

import random
import sys


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 700_000
    rng = random.Random(7)
    out = sys.stdout
    actors = 0
    for n in range(total):
        if actors < 4 or n % 7 == 0:
            actors += 1
            out.write(f"add actor #p{actors} 'Person {actors}' kind person;\n")
            continue
        cast = rng.sample(range(1, actors + 1), rng.randint(2, min(4, actors)))
        day = f"{rng.randint(2020, 2024)}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"
        withs = " ".join(f"with #p{a}" for a in cast)
        out.write(f"add meeting kind talks on {day} {withs};\n")


if __name__ == "__main__":
    main()
