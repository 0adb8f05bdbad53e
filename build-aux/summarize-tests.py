#!/usr/bin/env python3
"""Sums the results of `meson test` runs into one closing line.

Reads each testlog.json given (meson writes one per run) and prints, per
file and in total, how many tests passed, failed and were skipped, ending
with the line "Summary: N passed, N failed, N skipped".
"""
import json
import os  # noqa: F401 (paths)
import sys

total = {"passed": 0, "failed": 0, "skipped": 0}
for path in sys.argv[1:]:
    build = os.path.basename(path)
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    try:
        with open(path, encoding="utf-8") as log:
            for line in log:
                line = line.strip()
                if not line:
                    continue
                result = json.loads(line).get("result", "")
                if result in ("OK", "EXPECTEDFAIL"):
                    counts["passed"] += 1
                elif result == "SKIP":
                    counts["skipped"] += 1
                else:
                    counts["failed"] += 1
    except FileNotFoundError:
        print(f"{build}: no test log", file=sys.stderr)
        counts["failed"] += 1
    print(f"{build}: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    for key in total:
        total[key] += counts[key]

print(f"Summary: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
sys.exit(1 if total["failed"] else 0)
