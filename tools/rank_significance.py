#!/usr/bin/env python3
"""Rank planners live and in the twin with repeats, and say whether the rankings agree significantly.

For each planner, runs K live trials of the scenario (./edgefm trial); each trial's parity section
replays its own arrivals through the twin calibrated by that trial under the same planner (the
"twin" side here). Per planner it reports the mean on-time rate of the K live trials and of their
K replays with a 95 % confidence interval (Student t, K-1 degrees of freedom), and per pair of
planners the difference of the means with its 95 % interval (Welch). A pair is "separated" on a
side when that interval excludes 0. The rankings agree at that significance when every pair
separated live is separated the same way in the twin and no pair is separated in opposite ways;
pairs separated on neither side are ties at this K (more repeats may separate them).

The last line is the verdict: the order of the planners by mean on-time rate on each side (">" between
neighbours whose pair is separated, "=" where it is not), how many pairs are separated live, and
whether the twin ranks them the same way at 95 %.

Usage (from the repository root):
  tools/rank_significance.py [--scenario trial-lab-contended] [--planners two-tier,prop-avg,greedy]
                             [--repeats 3] [--duration 40s] [--impair [NODE:]PROFILE] [--out DIR] [--reuse]
  tools/rank_significance.py --from DIR [--planners ...]      # only read DIR/PLANNER/r*/summary.json

Trials run one after another, planners interleaved (r1 of each planner, then r2, ...) so that a
change of the machine's load over time hits every planner alike. --reuse keeps the run folders
that already hold a summary.json. A trial that wrote its summary counts even when it exited non-zero
(one that completed no task exits 1: 0 % on time is a result). Exit status: 0 when the table was
printed, 1 when a trial wrote no summary or fewer than two repeats of a planner are usable, 2 for a
usage error.
docs/simulator.md, "Ranking planners live and in the twin", shows a run.
"""
import argparse
import glob
import json
import math
import os
import subprocess
import sys
import time

from rank_planners import load_avg  # the same machine-load line as the ranking tool

# two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def t975(df):
    if df < 1:
        return float("nan")
    return T975[min(int(math.floor(df)), 30) - 1] if df <= 30 else 1.96


def mean_ci(xs):
    """Mean and half-width of its 95 % interval (nan with fewer than two values)."""
    n = len(xs)
    if n == 0:
        return float("nan"), float("nan")
    m = sum(xs) / n
    if n < 2:
        return m, float("nan")
    var = sum((x - m) ** 2 for x in xs) / (n - 1)
    return m, t975(n - 1) * math.sqrt(var / n)


def welch(a, b):
    """Difference of means (a - b) and the half-width of its 95 % interval (Welch-Satterthwaite)."""
    if len(a) < 2 or len(b) < 2:
        return float("nan"), float("nan")
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    va = sum((x - ma) ** 2 for x in a) / (len(a) - 1) / len(a)
    vb = sum((x - mb) ** 2 for x in b) / (len(b) - 1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return ma - mb, 0.0
    df = (va + vb) ** 2 / ((va ** 2 / (len(a) - 1)) + (vb ** 2 / (len(b) - 1))) if va > 0 and vb > 0 else \
        (len(a) - 1 if va > 0 else len(b) - 1)
    return ma - mb, t975(df) * se


def separated(d, h):
    """+1 / -1 when the interval d ± h excludes 0, else 0."""
    if math.isnan(d) or math.isnan(h):
        return 0
    return 1 if d - h > 0 else (-1 if d + h < 0 else 0)




def read(run):
    with open(os.path.join(run, "summary.json")) as f:
        s = json.load(f)
    par = s.get("parity") or {}
    live = par.get("live") or {}
    sim = par.get("simulated") or {}
    d = par.get("directivesReplay") or {}
    during = ((s.get("machine") or {}).get("loadAvg1During") or {}).get("mean")
    return {"run": run, "status": par.get("status"), "reason": par.get("reason"), "live": live.get("onTimeRate"),
            "liveP95": live.get("p95Ms"), "twin": sim.get("onTimeRate"), "twinP95": sim.get("p95Ms"),
            "directives": d.get("onTimeRate"), "load": during}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="trial-lab-contended")
    ap.add_argument("--planners", default="two-tier,prop-avg,greedy")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--duration", default="40s")
    ap.add_argument("--out", default=None)
    ap.add_argument("--impair", default=None, help="passed to every trial (./edgefm trial --impair), e.g."
                    " orin-nx:delay=400ms; default: the scenario's own trial.impair (trial-lab-slow-link:"
                    " orin-nx:delay=500ms), 'none' switches it off")
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--from", dest="src", default=None)
    ap.add_argument("--edgefm", default=None, help="the launcher to run (default: ./edgefm of this tree)")
    a = ap.parse_args()
    planners = [p.strip() for p in a.planners.split(",") if p.strip()]
    if len(planners) < 2:
        print("rank_significance: --planners needs at least two planners", file=sys.stderr)
        return 2
    if a.repeats < 2:
        print("rank_significance: --repeats %d (expected: >= 2, an interval needs two)" % a.repeats, file=sys.stderr)
        return 2
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    edgefm = a.edgefm or os.path.join(root, "edgefm")
    out = os.path.abspath(a.src or a.out or os.path.join("trials", "rank-sig-%s-%s" % (a.scenario,
                                                                                    time.strftime("%Y%m%d-%H%M%S"))))
    if a.src is None:
        os.makedirs(out, exist_ok=True)
        for k in range(1, a.repeats + 1):
            for p in planners:
                run = os.path.join(out, p, "r%d" % k)
                if a.reuse and os.path.exists(os.path.join(run, "summary.json")):
                    continue
                print("live trial %d/%d: %s, planner %s, %s (load average %s)" % (k, a.repeats, a.scenario, p,
                                                                                 a.duration, load_avg()), flush=True)
                os.makedirs(os.path.dirname(run), exist_ok=True)
                cmd = [edgefm, "trial", "--scenario", a.scenario, "--planner", p, "--duration", a.duration,
                       "--wait-timeout", "300s", "--out", run]
                if a.impair:
                    cmd += ["--impair", a.impair]
                with open(run + ".log", "w") as log:
                    rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
                if not os.path.exists(os.path.join(run, "summary.json")):
                    print("rank_significance: the trial %s failed (exit %d); see %s.log" % (run, rc, run), file=sys.stderr)
                    return 1
                if rc != 0:
                    # a trial that completed no task exits 1 but is a result (0 % on time), its parity included
                    print("  the trial exited %d (%s.log); its summary counts" % (rc, run), flush=True)
    rows = {}
    for p in planners:
        runs = sorted(glob.glob(os.path.join(out, p, "r*", "summary.json")))
        rows[p] = [read(os.path.dirname(r)) for r in runs]
        rows[p] = [r for r in rows[p] if r["status"] == "ok" and r["live"] is not None and r["twin"] is not None]
        if len(rows[p]) < 2:
            print("rank_significance: %s has %d usable trial(s) under %s (expected: >= 2)" % (p, len(rows[p]), out),
                  file=sys.stderr)
            return 1
    print("scenario %s; run folders under %s" % (a.scenario, out))
    print("%-10s %3s  %-22s %-22s %-22s %s" % ("planner", "K", "live on time", "twin (replay) on time",
                                               "directives replay", "load during (mean)"))
    summary = {}
    for p in planners:
        live = [r["live"] for r in rows[p]]
        twin = [r["twin"] for r in rows[p]]
        dirs = [r["directives"] for r in rows[p] if r["directives"] is not None]
        loads = [r["load"] for r in rows[p] if r["load"] is not None]
        ml, hl = mean_ci(live)
        mt, ht = mean_ci(twin)
        md, hd = mean_ci(dirs)
        summary[p] = {"k": len(live), "live": live, "twin": twin, "directives": dirs, "liveMean": ml, "liveCi95": hl,
                      "twinMean": mt, "twinCi95": ht}
        print("%-10s %3d  %-22s %-22s %-22s %s" % (p, len(live), "%.1f %% ± %.1f" % (100 * ml, 100 * hl),
                                                   "%.1f %% ± %.1f" % (100 * mt, 100 * ht),
                                                   "-" if not dirs else "%.1f %% ± %.1f" % (100 * md, 100 * hd),
                                                   "-" if not loads else "%.1f" % (sum(loads) / len(loads))))
    print()
    print("pairs (difference of mean on-time, 95 % interval; separated when it excludes 0):")
    agree = True
    pairs = []
    for i in range(len(planners)):
        for j in range(i + 1, len(planners)):
            a_, b_ = planners[i], planners[j]
            dl, hl = welch(summary[a_]["live"], summary[b_]["live"])
            dt, ht = welch(summary[a_]["twin"], summary[b_]["twin"])
            sl, st = separated(dl, hl), separated(dt, ht)
            if sl != 0 and st != sl:
                agree = False
            verdict = ("same, separated on both" if sl != 0 and sl == st else
                       "opposite, both separated" if sl != 0 and st != 0 else
                       "separated live only" if sl != 0 else
                       "separated in the twin only" if st != 0 else "tie on both at this K")
            pairs.append({"a": a_, "b": b_, "live": [dl, hl], "twin": [dt, ht], "verdict": verdict})
            print("  %-10s - %-10s live %+6.1f ± %4.1f pp   twin %+6.1f ± %4.1f pp   %s" % (
                a_, b_, 100 * dl, 100 * hl, 100 * dt, 100 * ht, verdict))
    print()
    print("rankings agree at 95 %%: %s" % ("yes (every pair separated live is separated the same way in the twin)"
                                          if agree else "no"))
    live_order = order(planners, summary, pairs, "live")
    twin_order = order(planners, summary, pairs, "twin")
    verdict = verdict_line(pairs, agree, live_order, twin_order, a.repeats)
    print(verdict)
    with open(os.path.join(out, "significance.json"), "w") as f:
        json.dump({"scenario": a.scenario, "impair": a.impair, "planners": summary, "pairs": pairs, "agree": agree,
                   "liveOrder": live_order, "twinOrder": twin_order, "verdict": verdict}, f, indent=2)
    return 0


def order(planners, summary, pairs, side):
    """The planners by mean on-time rate on one side, '>' between neighbours whose pair is separated, else '='."""
    key = side + "Mean"
    ranked = sorted(planners, key=lambda p: -summary[p][key])
    sep = {}
    for pr in pairs:
        d, h = pr[side]
        sep[(pr["a"], pr["b"])] = sep[(pr["b"], pr["a"])] = separated(d, h) != 0
    text = ranked[0]
    for x, y in zip(ranked, ranked[1:]):
        text += (" > " if sep[(x, y)] else " = ") + y
    return text


def verdict_line(pairs, agree, live_order, twin_order, k):
    """One line: the orders on both sides, the pairs separated live, and whether the twin ranks them the same way."""
    live_sep = [pr for pr in pairs if separated(*pr["live"]) != 0]
    head = "verdict: live %s; twin %s; %d of %d pairs separated live at 95 %% (K = %d)" % (
        live_order, twin_order, len(live_sep), len(pairs), k)
    if not live_sep:
        return head + ": no pair differs by more than its trial-to-trial spread, so there is no live order to match"
    if agree:
        return head + ": SAME ORDER (each separated live pair is separated the same way in the twin)"
    wrong = ["%s-%s" % (pr["a"], pr["b"]) for pr in live_sep if separated(*pr["twin"]) != separated(*pr["live"])]
    return head + ": NOT THE SAME ORDER (the twin does not separate %s the same way)" % ", ".join(wrong)


if __name__ == "__main__":
    sys.exit(main())
