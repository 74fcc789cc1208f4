#!/usr/bin/env python3
"""Make a large pg_dump plain file for measuring the loader's throughput.

    tests/pg/make_big_copy.py SOURCE.pg.sql OUT.sql [--copies N]

Copies SOURCE and repeats the data rows of its bigger COPY blocks N times (default
400), each copy with new ids (id + k * the block's largest id) and with the values
of UNIQUE columns (users.username, orders.order_number) made unique, so the result
is a valid dump of a much larger CRM. Rows keep their escapes, NULLs and Unicode.
Then: REDLINE_PG_BENCH_FILE=OUT.sql redline_tests --gtest_filter=PgDumpBench.*
"""
import argparse
import re

# Tables whose rows are repeated, and the column (by name) whose values must stay unique.
REPEAT = {
    "customers": None, "deals": None, "employees": None, "leads": None, "orders": "order_number",
    "payments": None, "users": "username", "vendors": None,
}

COPY_RE = re.compile(rb"^COPY public\.(\w+) \(([^)]*)\) FROM stdin;\n$")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("source")
    ap.add_argument("out")
    ap.add_argument("--copies", type=int, default=400)
    a = ap.parse_args()

    with open(a.source, "rb") as f:
        lines = f.readlines()
    out = open(a.out, "wb")
    i = 0
    while i < len(lines):
        line = lines[i]
        out.write(line)
        i += 1
        m = COPY_RE.match(line)
        if not m:
            continue
        table = m.group(1).decode()
        cols = [c.strip().decode() for c in m.group(2).split(b",")]
        rows = []
        while lines[i] != b"\\.\n":
            rows.append(lines[i])
            i += 1
        for r in rows:
            out.write(r)
        if table in REPEAT and rows:
            uniq = cols.index(REPEAT[table]) if REPEAT[table] else None
            split = [r.rstrip(b"\n").split(b"\t") for r in rows]
            max_id = max(int(f[0]) for f in split)
            for k in range(1, a.copies + 1):
                buf = []
                for f in split:
                    g = list(f)
                    g[0] = str(int(f[0]) + k * max_id).encode()
                    if uniq is not None:
                        g[uniq] = f[uniq] + b"~" + str(k).encode()
                    buf.append(b"\t".join(g) + b"\n")
                out.write(b"".join(buf))
        # the \. line is written by the outer loop
    out.close()


if __name__ == "__main__":
    main()
