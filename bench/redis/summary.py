#!/usr/bin/env python3
"""Medians (and min-max) per benchmark and client from go test -bench output.

    python3 bench/redis/summary.py bench/redis/results/all.txt
"""
import re
import statistics
import sys
from collections import defaultdict

runs = defaultdict(lambda: defaultdict(list))  # (bench, client) -> unit -> values
order = []
for line in open(sys.argv[1]):
    m = re.match(r'^Benchmark(\w+)/client=([\w-]+?)(-\d+)?\s+\d+\s+(.*)$', line)
    if not m:
        continue
    key = (m.group(1), m.group(2))
    if key not in runs:
        order.append(key)
    f = m.group(4).split()
    for v, unit in zip(f[0::2], f[1::2]):
        runs[key][unit].append(float(v))

units = ['ns/op', 'cpu-ns/op', 'srv-cpu-ns/op', 'B/op', 'allocs/op', 'p50-µs', 'p99-µs', 'hit-%', 'core-%']
print('| benchmark | client | n | ' + ' | '.join(units) + ' |')
print('|---|---|---:|' + '---:|' * len(units))
for key in order:
    row = [key[0], key[1], str(len(runs[key]['ns/op']))]
    for u in units:
        v = runs[key].get(u)
        if not v:
            row.append('')
            continue
        med = statistics.median(v)
        row.append(f'{med:.4g} ({min(v):.3g}-{max(v):.3g})' if u not in ('B/op', 'allocs/op', 'hit-%') else f'{med:.4g}')
    print('| ' + ' | '.join(row) + ' |')
