#!/usr/bin/env python3
"""Writes a GDELT 2.0 events file (61 tab-separated columns, no header) for import benchmarks.

    scripts/gdelt-events.py ROWS OUT.tsv [SEED]

The rows follow the columns tests/exchange.rs fills for its 50,000-row file: actors with their
CAMEO codes and countries, the event and root codes, the action's place and the source URL.
About 60% of the events are consultations (CAMEO root 04), the rest other roots; a third of the
consultations report again a meeting reported before — most of them within the last thousand
rows, as in GDELT's 15-minute files, some much earlier — so that the import merges them.
URLs are shared by a few events each. Deterministic for a seed.
"""

import random
import sys

COUNTRIES = [
    ("USA", "UNITED STATES", "US", "Washington, District of Columbia, United States", "USDC"),
    ("RUS", "RUSSIA", "RS", "Moscow, Moskva, Russia", "RS48"),
    ("UKR", "UKRAINE", "UP", "Kyiv, Kyyiv, Misto, Ukraine", "UP12"),
    ("CHN", "CHINA", "CH", "Beijing, Beijing, China", "CH22"),
    ("FRA", "FRANCE", "FR", "Paris, Ile-de-France, France", "FRA8"),
    ("DEU", "GERMANY", "GM", "Berlin, Berlin, Germany", "GM16"),
    ("TUR", "TURKEY", "TU", "Istanbul, Istanbul, Turkey", "TU34"),
    ("QAT", "QATAR", "QA", "Doha, Ad Dawhah, Qatar", "QA01"),
    ("SAU", "SAUDI ARABIA", "SA", "Riyadh, Ar Riyad, Saudi Arabia", "SA10"),
    ("IND", "INDIA", "IN", "New Delhi, Delhi, India", "IN07"),
]
ROLES = ["GOV", "BUS", "MIL", "OPP", "JUD", "MED"]
FIRST = ["ANNA", "BORIS", "CARLOS", "DARIA", "EMRE", "FARID", "GRETA", "HANS", "IVAN", "JING"]
LAST = ["PETROV", "SMITH", "KOVAL", "WANG", "DUBOIS", "MULLER", "YILMAZ", "AL THANI", "SINGH"]
CONSULT = ["040", "041", "042", "043", "044", "045", "046"]
OTHER = ["010", "020", "036", "051", "057", "111", "130", "173", "190"]


def actor(rng):
    code, name, *_ = rng.choice(COUNTRIES)
    if rng.random() < 0.3:
        return (code, name, code)
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.randrange(400)}"
    return (code + rng.choice(ROLES), person, code)


def place(rng):
    _, _, geo, city, adm1 = rng.choice(COUNTRIES)
    kind = rng.choice(["1", "2", "4"])
    parts = city.split(", ")
    if kind == "1":
        return ("1", parts[-1], geo, geo, "")
    if kind == "2":
        return ("2", ", ".join(parts[-2:]), geo, adm1, "")
    return ("4", city, geo, adm1, str(rng.randrange(1, 50)))


def row(gid, day, a1, a2, code, geo, url):
    f = [""] * 61
    f[0], f[1], f[2], f[3] = str(gid), day, day[:6], day[:4]
    f[5], f[6], f[7] = a1
    f[15], f[16], f[17] = a2
    f[26], f[27], f[28] = code, code, code[:2]
    f[51], f[52], f[53], f[54], f[58] = geo
    f[59] = day + "120000"
    f[60] = url
    return "\t".join(f)


def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    meetings = []  # (day, a1, a2, geo) of consultations written
    url, url_left = "", 0
    with open(out, "w", encoding="utf-8") as f:
        for gid in range(1, rows + 1):
            if url_left == 0:
                url = f"https://news{rng.randrange(500)}.example.org/{gid}.html"
                url_left = rng.randrange(1, 5)
            url_left -= 1
            if rng.random() < 0.4:
                day = f"2025{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
                line = row(gid, day, actor(rng), actor(rng), rng.choice(OTHER), place(rng), url)
            elif meetings and rng.random() < 0.33:
                back = rng.randrange(1, 1000) if rng.random() < 0.8 else rng.randrange(1, len(meetings) + 1)
                day, a1, a2, geo = meetings[max(0, len(meetings) - back)]
                if rng.random() < 0.5:
                    a1, a2 = a2, a1
                line = row(gid, day, a1, a2, rng.choice(CONSULT), geo, url)
            else:
                day = f"2025{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
                meeting = (day, actor(rng), actor(rng), place(rng))
                meetings.append(meeting)
                line = row(gid, day, meeting[1], meeting[2], rng.choice(CONSULT), meeting[3], url)
            f.write(line + "\n")


if __name__ == "__main__":
    main()
