#!/usr/bin/env python3
"""Rank planners live and in the calibrated twin on the same scenario.

For each planner, runs a live trial (./edgefm trial) of the scenario; each trial's parity section
replays its own arrivals through the twin calibrated by that trial under the same planner. Then
ranks the planners three ways and prints the rankings side by side:

  live      the trials' on-time rate (ties: lower p95)
  replay    each trial's parity replay (its twin, its arrivals, its planner)
  twin      one twin (the first planner's calibration) running every planner on the same
            arrivals, its task log replayed (./edgefm simulate --calibrate-from RUN --replay-task-log)

Usage (from the repository root):
  tools/rank_planners.py [--scenario trial-lab-contended] [--planners two-tier,prop-avg,greedy]
                         [--duration 60s] [--out DIR] [--seeds 3] [--reuse]

--reuse skips the trials whose run folder already holds a summary.json. Exit status: 0 when the
rankings were printed, 1 when a trial or the simulation failed, 2 for a usage error.
docs/simulator.md, "Ranking planners live and in the twin", shows a run.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def load_avg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def ranking(rows, key_rate, key_p95):
    """Planners by on-time rate (descending, to 0.1 pp), ties broken by p95 (ascending, to 1 ms);
    planners equal on both are joined by '='."""
    usable = [r for r in rows if r.get(key_rate) is not None]

    def key(r):
        p95 = r.get(key_p95)
        return (-round(r[key_rate], 3), round(p95) if p95 is not None else float("inf"))

    usable.sort(key=key)
    out = ""
    for i, r in enumerate(usable):
        if i > 0:
            out += " = " if key(r) == key(usable[i - 1]) else " > "
        out += r["planner"]
    return out


def fmt(rate, p50, p95):
    if rate is None:
        return "-"
    return "%5.1f %% p50 %6.0f p95 %6.0f" % (100 * rate, p50 or float("nan"), p95 or float("nan"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="trial-lab-contended")
    ap.add_argument("--planners", default="two-tier,prop-avg,greedy")
    ap.add_argument("--duration", default="60s")
    ap.add_argument("--out", default=None)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--reuse", action="store_true")
    a = ap.parse_args()
    planners = [p.strip() for p in a.planners.split(",") if p.strip()]
    if len(planners) < 2:
        print("rank_planners: --planners needs at least two planners", file=sys.stderr)
        return 2
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    edgefm = os.path.join(root, "edgefm")
    out = os.path.abspath(a.out or os.path.join("trials", "rank-%s-%s" % (a.scenario, time.strftime("%Y%m%d-%H%M%S"))))
    os.makedirs(out, exist_ok=True)
    rows = []
    for p in planners:
        run = os.path.join(out, p)
        summary = os.path.join(run, "summary.json")
        if not (a.reuse and os.path.exists(summary)):
            print("live trial: %s, planner %s, %s (load average %s)" % (a.scenario, p, a.duration, load_avg()), flush=True)
            with open(os.path.join(out, p + ".log"), "w") as log:
                rc = subprocess.call([edgefm, "trial", "--scenario", a.scenario, "--planner", p, "--duration", a.duration,
                                      "--wait-timeout", "300s", "--out", run], stdout=log, stderr=subprocess.STDOUT)
            if rc != 0 or not os.path.exists(summary):
                print("rank_planners: the trial of %s failed (exit %d); see %s" % (p, rc, os.path.join(out, p + ".log")),
                      file=sys.stderr)
                return 1
        with open(summary) as f:
            s = json.load(f)
        par = s.get("parity") or {}
        live = par.get("live") or {}
        sim = par.get("simulated") or {}
        machine = s.get("machine") or {}
        during = (machine.get("loadAvg1During") or {}).get("mean")
        rows.append({"planner": p, "live": live.get("onTimeRate"), "liveP50": live.get("p50Ms"), "liveP95": live.get("p95Ms"),
                     "replay": sim.get("onTimeRate"), "replayP50": sim.get("p50Ms"), "replayP95": sim.get("p95Ms"),
                     "load": during, "status": par.get("status"), "reason": par.get("reason")})
    # one twin, every planner, the first trial's arrivals
    twin_json = os.path.join(out, "twin.json")
    cmd = [edgefm, "simulate", "--scenario", a.scenario, "--planners", ",".join(planners), "--calibrate-from",
           os.path.join(out, planners[0]), "--replay-task-log", "--seeds", str(a.seeds), "--json", twin_json]
    print("twin: " + " ".join(cmd[1:]), flush=True)
    with open(os.path.join(out, "twin.log"), "w") as log:
        rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
    if rc != 0:
        print("rank_planners: the simulation failed (exit %d); see %s" % (rc, os.path.join(out, "twin.log")), file=sys.stderr)
        return 1
    with open(twin_json) as f:
        twin = json.load(f)
    by = {}
    for r in twin.get("results", []):
        by[r.get("planner")] = r
    for row in rows:
        r = by.get(row["planner"]) or {}
        rate = r.get("onTimeRate")
        row["twin"] = rate.get("mean") if isinstance(rate, dict) else rate
        lat = r.get("latencyMs") or {}
        row["twinP50"] = lat.get("p50")
        row["twinP95"] = lat.get("p95")
    print()
    print("scenario %s, %s per trial; run folders under %s" % (a.scenario, a.duration, out))
    print("%-12s %-34s %-34s %-34s %s" % ("planner", "live on time", "replay (its own twin)", "twin of " + planners[0],
                                          "load during"))
    for r in rows:
        print("%-12s %-34s %-34s %-34s %s" % (r["planner"], fmt(r["live"], r["liveP50"], r["liveP95"]),
                                             fmt(r["replay"], r["replayP50"], r["replayP95"]),
                                             fmt(r["twin"], r["twinP50"], r["twinP95"]),
                                             "-" if r["load"] is None else "%.1f" % r["load"]))
        if r["status"] != "ok":
            print("  parity of %s: %s" % (r["planner"], r["reason"]))
    live_rank = ranking(rows, "live", "liveP95")
    replay_rank = ranking(rows, "replay", "replayP95")
    twin_rank = ranking(rows, "twin", "twinP95")
    print()
    print("ranking live:   " + live_rank)
    print("ranking replay: " + replay_rank + ("  (same order)" if replay_rank == live_rank else "  (differs)"))
    print("ranking twin:   " + twin_rank + ("  (same order)" if twin_rank == live_rank else "  (differs)"))
    with open(os.path.join(out, "ranking.json"), "w") as f:
        json.dump({"scenario": a.scenario, "duration": a.duration, "rows": rows, "live": live_rank, "replay": replay_rank,
                   "twin": twin_rank}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
