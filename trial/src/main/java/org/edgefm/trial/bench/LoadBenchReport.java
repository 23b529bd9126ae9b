package org.edgefm.trial.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.edgefm.host.HostMeters;
import org.edgefm.host.PlannerHost;
import org.edgefm.host.fleet.FleetState;
import org.edgefm.scenario.Scenario;

/**
 * The load benchmark's report: the results document (a map that {@link LoadBenchRunner} writes as
 * JSON) built from the host's counters and the agents' totals, and its printed lines.
 */
final class LoadBenchReport {
    private LoadBenchReport() {
    }

    /**
     * The results document of one run: what the agents sent against what the host counted (nothing
     * lost?), directives, decision lag over the window, planners, host CPU and heap, broker throughput.
     *
     * @param host              the host, after the agents stopped
     * @param scaled            the scenario repeated to the agents' count
     * @param planner           the planner asked for
     * @param telemetryPeriodMs the agents' telemetry period
     * @param s0                the host's counters when the window began
     * @param s1                the host's counters when it ended
     * @param peakHeap          the highest heap use sampled in the window, in bytes
     * @param agentSide         the agents' own totals
     */
    static Map<String, Object> figures(PlannerHost host, Scenario scaled, String planner, long telemetryPeriodMs,
            LoadBenchSample s0, LoadBenchSample s1, long peakHeap, VirtualAgentsRunner.Summary agentSide) {
        HostMeters m = host.meters();
        VirtualFleet.Totals t = agentSide.totals();
        Map<String, FleetState.NodeView> views = new LinkedHashMap<>();
        host.fleet().state().view(host.fleet().nowMs()).forEach(v -> views.put(v.node(), v));
        long gaps = 0;
        int seqMismatch = 0;
        int unborn = 0;
        List<String> examples = new ArrayList<>();
        for (VirtualFleet.AgentCounts a : t.perAgent()) {
            FleetState.NodeView v = views.get(a.node());
            if (v == null || v.profile() == null) {
                unborn++;
                continue;
            }
            gaps += v.gaps();
            if (v.lastSeq() != a.lastSeq()) {
                seqMismatch++;
                if (examples.size() < 5) {
                    examples.add(a.node() + ": sent up to " + a.lastSeq() + ", host has " + v.lastSeq());
                }
            }
        }
        double seconds = (s1.nanos() - s0.nanos()) / 1e9;
        long telemetryIn = m.messagesIn("telemetry");
        long birthsIn = m.messagesIn("birth");
        long acksIn = m.messagesIn("ack");
        boolean nothingLost = unborn == 0 && gaps == 0 && seqMismatch == 0 && telemetryIn == t.telemetry()
                && birthsIn == t.births() && acksIn == t.acks() && m.messagesIn("death") == t.deaths()
                && m.badTotal() == 0 && t.connectionsLost() == 0 && t.sendFailures() == 0;
        // the window's slots alone: the ones after s1 are the agents going away (offline nodes, failover)
        HostMeters.LagSummary lag = m.decisionLagSummary(s0.slots(), s1.slots());

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("agents", t.agents());
        r.put("scenario", scaled.name());
        r.put("planner", planner);
        r.put("slotMs", host.loop().settings().slotMs());
        r.put("planningEpochMs", host.loop().settings().planningEpochMs());
        r.put("telemetryPeriodMs", telemetryPeriodMs);
        r.put("measuredS", round(seconds));
        r.put("nothingLost", nothingLost);
        r.put("births", ordered("sent", t.births(), "received", birthsIn, "nodesBorn", t.agents() - unborn));
        r.put("telemetry", ordered("sent", t.telemetry(), "received", telemetryIn, "gaps", gaps,
                "lastSeqMismatches", seqMismatch, "mismatchExamples", examples));
        r.put("deaths", ordered("sent", t.deaths(), "received", m.messagesIn("death")));
        r.put("badMessages", (long) m.badTotal());
        r.put("agentSide", ordered("connectionsLost", t.connectionsLost(), "sendFailures", t.sendFailures(),
                "rebirthCommands", t.rebirths(), "cpuCores", round(agentSide.cpuCores()), "heapMiB", agentSide.heapBytes() >> 20));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("issued", m.directivesIssued());
        d.put("published", m.messagesOut("directive"));
        d.put("superseded", m.directivesSuperseded());
        d.put("received", t.directives());
        d.put("acksSent", t.acks());
        d.put("acked", acksIn);
        d.put("staleAcks", t.staleAcks());
        d.put("resent", m.directivesResent());
        d.put("pendingAtEnd", host.fleet().outbox().size());
        d.put("meanBytes", round(m.directiveSizes().mean()));
        d.put("maxBytes", m.largestDirectiveBytes());
        d.put("notSentOversize", m.messagesOversize("directive"));
        r.put("directives", d);
        r.put("decisionLagMs", ordered("slots", lag.count(), "skippedSlots", s1.skipped() - s0.skipped(), "p50", round(lag.p50Ms()),
                "p99", round(lag.p99Ms()), "max", round(lag.maxMs())));
        r.put("controllerCallP99MsLast30s", round(m.windowQuantileMs(m.decisionTimer(), 0.99)));
        r.put("planners", ordered("corePlacementsInWindow", s1.corePlacements() - s0.corePlacements(),
                "corePlacements", s1.corePlacements(), "corePlacementMeanMs", round(m.placementTimer().mean(TimeUnit.MILLISECONDS)),
                "corePlacementsDropped", m.corePlacementsDropped(),
                "lightOverrunsInWindow", s1.lightOverruns() - s0.lightOverruns()));
        int cpus = Runtime.getRuntime().availableProcessors();
        double cores = (s1.cpuNanos() - s0.cpuNanos()) / (double) (s1.nanos() - s0.nanos());
        r.put("host", ordered("cpuCores", round(cores), "cpuPercentOfMachine", round(100 * cores / cpus), "machineCores", cpus,
                "heapPeakMiB", Math.max(peakHeap, s1.heapUsed()) >> 20,
                "heapMaxMiB", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() >> 20));
        if (s0.broker() != null) {
            r.put("broker", ordered("publishesInPerS", round((s1.broker().publishesIn() - s0.broker().publishesIn()) / seconds),
                    "publishesOutPerS", round((s1.broker().publishesOut() - s0.broker().publishesOut()) / seconds),
                    "droppedBeforeWindow", s0.broker().dropped(), "droppedInWindow", s1.broker().dropped() - s0.broker().dropped(),
                    // what the broker's own limits refused over the run, by reason (HiveMQ counts these as dropped)
                    "refusedByReason", new TreeMap<>(host.broker().refusals())));
        } else {
            r.put("broker", ordered("external", true, "hostInPerS", round((s1.telemetryIn() - s0.telemetryIn()) / seconds)));
        }
        return r;
    }

    /** {@code x} rounded to 2 decimals (NaN and infinities as they are). */
    static double round(double x) {
        return Double.isFinite(x) ? Math.round(x * 100) / 100.0 : x;
    }

    /**
     * A map of {@code keysAndValues} (key, value, key, value, ...) in that order: {@code Map.of}'s order
     * changes from one JVM to the next, so the JSON and the printed lines would too.
     */
    static Map<String, Object> ordered(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keysAndValues: " + keysAndValues.length + " (expected: an even count)");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** p50, p99 and mean, rounded, as a map. */
    static Map<String, Object> triple(double[] v) {
        return ordered("p50", round(v[0]), "p99", round(v[1]), "mean", round(v[2]));
    }

    @SuppressWarnings("unchecked")
    /** Prints the figures of {@link #figures}, plus the loop thread's and GC's, one line per topic. */
    static void print(PrintWriter out, Map<String, Object> r) {
        Map<String, Object> b = (Map<String, Object>) r.get("births");
        Map<String, Object> t = (Map<String, Object>) r.get("telemetry");
        Map<String, Object> d = (Map<String, Object>) r.get("directives");
        Map<String, Object> l = (Map<String, Object>) r.get("decisionLagMs");
        Map<String, Object> h = (Map<String, Object>) r.get("host");
        Map<String, Object> a = (Map<String, Object>) r.get("agentSide");
        out.printf(Locale.ROOT, "nothing lost:   %s%n", Boolean.TRUE.equals(r.get("nothingLost")) ? "yes" : "NO");
        out.printf(Locale.ROOT, "births:         sent %s, received %s (%s of %s nodes born)%n", b.get("sent"), b.get("received"),
                b.get("nodesBorn"), r.get("agents"));
        out.printf(Locale.ROOT, "telemetry:      sent %s, received %s, sequence gaps %s, last-seq mismatches %s %s%n",
                t.get("sent"), t.get("received"), t.get("gaps"), t.get("lastSeqMismatches"), t.get("mismatchExamples"));
        out.printf(Locale.ROOT, "directives:     issued %s, superseded before they were published %s, published %s, received %s,"
                        + " acked %s (stale %s), re-sent %s, pending at end %s, mean size %s B (largest %s B; %s not sent: over the"
                        + " wire's limit)%n", d.get("issued"), d.get("superseded"), d.get("published"), d.get("received"), d.get("acked"), d.get("staleAcks"), d.get("resent"), d.get("pendingAtEnd"),
                d.get("meanBytes"), d.get("maxBytes"), d.get("notSentOversize"));
        out.printf(Locale.ROOT, "decision lag:   p50 %s ms, p99 %s ms, max %s ms over %s slots, %s slots skipped"
                        + " (controller call p99 over the last 30 s %s ms)%n", l.get("p50"), l.get("p99"), l.get("max"),
                l.get("slots"), l.get("skippedSlots"), r.get("controllerCallP99MsLast30s"));
        Map<String, Object> lt = (Map<String, Object>) r.get("loopThread");
        if (lt != null) {
            Map<String, Object> cpu = (Map<String, Object>) lt.get("cpuMs");
            Map<String, Object> wall = (Map<String, Object>) lt.get("wallMs");
            Map<String, Object> delay = (Map<String, Object>) lt.get("startDelayMs");
            Map<String, Object> alloc = (Map<String, Object>) lt.get("allocatedMiB");
            Map<String, Object> gc = (Map<String, Object>) r.get("gc");
            Map<String, Object> decide = (Map<String, Object>) lt.get("controllerMs");
            Map<String, Object> handOut = (Map<String, Object>) lt.get("handOutMs");
            out.printf(Locale.ROOT, "loop thread:    per step CPU p50 %s ms, p99 %s ms (mean %s), wall p50 %s ms, p99 %s ms, start"
                            + " delay p50 %s ms, p99 %s ms, allocated %s MiB (mean) over %s steps; GC %s collections,"
                            + " %s ms in the window%n", cpu.get("p50"), cpu.get("p99"), cpu.get("mean"), wall.get("p50"),
                    wall.get("p99"), delay.get("p50"), delay.get("p99"), alloc.get("mean"), lt.get("steps"),
                    gc.get("collections"), gc.get("timeMs"));
            if (decide != null && handOut != null) {
                out.printf(Locale.ROOT, "step parts:     the controller's call p50 %s ms, p99 %s ms; the directives' hand-out p50 %s ms,"
                        + " p99 %s ms (wall; per 10 s window in the JSON's windows)%n", decide.get("p50"), decide.get("p99"),
                        handOut.get("p50"), handOut.get("p99"));
            }
        }
        Map<String, Object> p = (Map<String, Object>) r.get("planners");
        out.printf(Locale.ROOT, "planners:       %s core placements (mean %s ms, off the loop's thread), %s in the window, %s dropped"
                        + " as stale; light controller overran its budget %s times in the window%n", p.get("corePlacements"),
                p.get("corePlacementMeanMs"), p.get("corePlacementsInWindow"), p.get("corePlacementsDropped"),
                p.get("lightOverrunsInWindow"));
        out.printf(Locale.ROOT, "host process:   CPU %s cores (%s%% of %s), heap peak %s MiB of %s MiB%n", h.get("cpuCores"),
                h.get("cpuPercentOfMachine"), h.get("machineCores"), h.get("heapPeakMiB"), h.get("heapMaxMiB"));
        out.printf(Locale.ROOT, "broker:         %s%n", r.get("broker"));
        out.printf(Locale.ROOT, "agents process: CPU %s cores, heap %s MiB, connections lost %s, send failures %s,"
                        + " rebirth commands %s, bad messages at host %s%n", a.get("cpuCores"), a.get("heapMiB"),
                a.get("connectionsLost"), a.get("sendFailures"), a.get("rebirthCommands"), r.get("badMessages"));
        out.flush();
    }
}
