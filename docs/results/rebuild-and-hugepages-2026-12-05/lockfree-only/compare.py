#!/usr/bin/env python3
"""Each cell's better run of two map-bench builds of `lockfree`, side by side.

  compare.py DIR     reads DIR/*.csv named [r2-]start-ORDER.csv or [r2-]now-ORDER.csv
                     (map-bench --csv; `start` = e8a2b56, `now` = this session's code)

Prints a Markdown table: best Mops/s of each build, their ratio, lowest p99.9 of each.
"""
import collections
import csv
import glob
import sys

directory = sys.argv[1] if len(sys.argv) > 1 else "."
best = collections.defaultdict(dict)
for path in glob.glob(directory + "/*.csv"):
    name = path.split("/")[-1]
    build = name.removeprefix("r2-").split("-")[0]
    for row in csv.DictReader(open(path)):
        if not row["K"].isdigit() or not row["threads"].isdigit():
            continue  # the memory lines
        key = (row["mix"], row["dist"], int(row["K"]), int(row["threads"]))
        mops, p999 = float(row["mops"]), float(row["p999_ns"])
        seen = best[key].get(build)
        best[key][build] = (max(seen[0], mops), min(seen[1], p999)) if seen else (mops, p999)
print("| mix | dist | K | T | start Mops/s | now Mops/s | now/start | p99.9 start | p99.9 now |")
print("|---|---|---|---|---|---|---|---|---|")
for key in sorted(best, key=lambda k: (k[2], k[0], k[1], k[3])):
    start, now = best[key].get("start"), best[key].get("now")
    if start and now:
        print(f"| {key[0]} | {key[1]} | {key[2]:,} | {key[3]} | {start[0]:.2f} | {now[0]:.2f} | "
              f"{now[0] / start[0]:.2f} | {start[1]:.0f} | {now[1]:.0f} |")
