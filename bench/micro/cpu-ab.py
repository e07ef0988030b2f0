#!/usr/bin/env python3
"""Alternating A/B runs of commands; CPU (user+sys of the child and its children, from wait4) and wall, medians.
usage: python3 bench/micro/cpu-ab.py N "label=command" "label=command" ...  (bench/PROFILE.md §2)"""
import os, sys, time, statistics, shlex, subprocess
n = int(sys.argv[1]); cmds = []
for a in sys.argv[2:]:
    l, c = a.split('=', 1); cmds.append((l, c))
res = {l: ([], [], []) for l, _ in cmds}
devnull = os.open('/dev/null', os.O_WRONLY)
for i in range(n + 2):
    order = cmds if i % 2 == 0 else cmds[::-1]
    for l, c in order:
        r, w = os.pipe()
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            os.dup2(w, 1); os.dup2(devnull, 2); os.close(r); os.close(w)
            os.execvp('/bin/sh', ['/bin/sh', '-c', 'exec ' + c])
        os.close(w)
        while os.read(r, 65536): pass
        os.close(r)
        _, st, ru = os.wait4(pid, 0)
        wall = (time.perf_counter() - t0) * 1000
        if i < 2: continue
        res[l][0].append((ru.ru_utime + ru.ru_stime) * 1000); res[l][1].append(wall); res[l][2].append(os.waitstatus_to_exitcode(st))
for l, _ in cmds:
    cpu, wall, codes = res[l]
    q = statistics.quantiles(cpu, n=4) if len(cpu) > 1 else [cpu[0]]*3
    print(f"{l:24s} cpu median {statistics.median(cpu):6.1f} ms (q1 {q[0]:6.1f} q3 {q[2]:6.1f})  wall median {statistics.median(wall):6.1f} ms  exit {sorted(set(codes))}")
