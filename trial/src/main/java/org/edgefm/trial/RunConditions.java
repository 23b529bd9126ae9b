package org.edgefm.trial;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.edgefm.wire.KernelCalibration;

/**
 * What a trial's figures depend on besides the planner: whether the workload ran its full length
 * (or was interrupted, and after how long), and the machine it ran on: cores, the load average
 * before the trial and during the workload, and the share of CPU time stolen by the hypervisor
 * (from {@code /proc}, where readable). It also compares what the agents measured against their own
 * calibration, in the one unit both share for any kernel size: GFLOP/s. A node calibrates each
 * kernel kind (at standard dimensions) at start; during the trial it reports per-task rates of each
 * service (workload MB per ms of kernel time), which with the service's kernel cost (FLOPs of its
 * dimensions, {@code KernelCost}) give the throughput it achieved. When that falls below the
 * calibrated throughput by more than {@link #CALIBRATION_MARGIN} (kernel times longer than calibrated
 * by more than that), the machine was loaded beyond what the planners were told, and
 * {@link #warnings} says so: a low on-time rate then measures the machine, not the planner.
 * Thread-safe.
 *
 * <p>The margin: agents calibrate each kernel kind once, alone, at start; under the trial's own load
 * their rates vary by tens of percent (queueing, cache sharing), so only a slowdown of more than
 * half again the calibrated time ({@code 0.5}) is reported.
 */
public final class RunConditions {
    /** Kernel times longer than calibrated by more than this fraction are reported (0.5: 1.5 × the calibrated time). */
    public static final double CALIBRATION_MARGIN = 0.5;
    /** Load samples are taken at most this often. */
    private static final long SAMPLE_EVERY_MS = 1_000;
    /** Rate samples kept per (node, service). */
    private static final int MAX_RATES = 2_000;

    private final Path proc;
    private final int cores;
    private final Double loadBefore;
    private final long[] statBefore;
    private long[] statStart;
    private long[] statEnd;
    private double loadSum;
    private double loadMax = Double.NaN;
    private int loadCount;
    private long lastSampleMs = Long.MIN_VALUE / 2;
    private long startMs = -1;
    private long plannedMs = -1;
    private long endMs = -1;
    private boolean interrupted;
    private final Map<String, Map<String, Double>> calibrated = new TreeMap<>();
    private final Map<String, Map<String, List<Double>>> measured = new TreeMap<>();

    /** Conditions of this machine (reads {@code /proc}); takes the "before" reading now. */
    public RunConditions() {
        this(Path.of("/proc"), Runtime.getRuntime().availableProcessors());
    }

    /**
     * Conditions read from {@code proc} (a folder with {@code loadavg} and {@code stat}, as Linux's
     * {@code /proc}); takes the "before" reading now.
     */
    RunConditions(Path proc, int cores) {
        this.proc = proc;
        this.cores = cores;
        this.loadBefore = load1();
        this.statBefore = cpuStat();
    }

    /** The workload started at {@code startMs} (ms since the epoch) and is planned to run {@code plannedMs}. */
    public synchronized void workloadStarted(long startMs, long plannedMs) {
        this.startMs = startMs;
        this.plannedMs = plannedMs;
        this.statStart = cpuStat();
    }

    /** The workload ended at {@code endMs}, {@code interrupted} when stopped before its planned end (Ctrl-C). */
    public synchronized void workloadEnded(long endMs, boolean interrupted) {
        this.endMs = endMs;
        this.interrupted = interrupted || startMs < 0;
        this.statEnd = cpuStat();
        sample(endMs);
    }

    /** Takes a load-average sample during the workload (at most one per second; call it often). */
    public synchronized void sample(long nowMs) {
        if (startMs < 0 || nowMs - lastSampleMs < SAMPLE_EVERY_MS) {
            return;
        }
        lastSampleMs = nowMs;
        Double l = load1();
        if (l != null) {
            loadSum += l;
            loadCount++;
            loadMax = Double.isNaN(loadMax) ? l : Math.max(loadMax, l);
        }
    }

    /** A node's calibration, from its birth: the measured GFLOP/s per kernel kind. */
    public synchronized void calibration(String node, List<KernelCalibration> calibration) {
        Map<String, Double> m = calibrated.computeIfAbsent(node, k -> new TreeMap<>());
        for (KernelCalibration c : calibration) {
            if (c.gflops() > 0) {
                m.put(c.kernel(), c.gflops());
            }
        }
    }

    /**
     * What one task of a service computes.
     *
     * @param kernel     the kernel kind
     * @param workloadMb the service's workload per task (the unit of the agents' rate samples)
     * @param flops      floating-point operations of one run of its kernel
     */
    public record ServiceWork(String kernel, double workloadMb, double flops) {
    }

    /** Per-task rates a node measured for a service (MB of workload per ms of service), from its telemetry. */
    public synchronized void measured(String node, String service, List<Double> mbPerMs) {
        List<Double> l = measured.computeIfAbsent(node, k -> new TreeMap<>()).computeIfAbsent(service, k -> new ArrayList<>());
        for (Double r : mbPerMs) {
            if (r != null && r > 0 && Double.isFinite(r) && l.size() < MAX_RATES) {
                l.add(r);
            }
        }
    }

    /**
     * One (node, service) whose measured kernel rate fell below its calibration.
     *
     * @param node         the node
     * @param service      the service
     * @param kernel       its kernel kind
     * @param slowdown     calibrated over achieved GFLOP/s at the median measured rate (kernel time measured / calibrated)
     * @param samples      measured rates the median is of
     */
    public record Slowdown(String node, String service, String kernel, double slowdown, int samples) {
    }

    /**
     * Every (node, service) with a calibration and measured rates, slowest first.
     *
     * @param work per service with a kernel, what one task computes (services without one are skipped)
     */
    public synchronized List<Slowdown> slowdowns(Map<String, ServiceWork> work) {
        List<Slowdown> out = new ArrayList<>();
        measured.forEach((node, services) -> services.forEach((service, rates) -> {
            ServiceWork w = work.get(service);
            Double cal = w == null ? null : calibrated.getOrDefault(node, Map.of()).get(w.kernel());
            if (cal == null || rates.isEmpty() || !(w.flops() > 0) || !(w.workloadMb() > 0)) {
                return;
            }
            double[] r = rates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
            double msPerTask = w.workloadMb() / median;
            double achievedGflops = w.flops() / msPerTask / 1e6;
            out.add(new Slowdown(node, service, w.kernel(), cal / achievedGflops, r.length));
        }));
        out.sort((a, b) -> Double.compare(b.slowdown(), a.slowdown()));
        return out;
    }

    /** The warnings of this run (empty when none): interrupted, and kernels slower than calibrated beyond the margin. */
    public synchronized List<String> warnings(Map<String, ServiceWork> serviceKernel) {
        List<String> w = new ArrayList<>();
        if (interrupted) {
            w.add(String.format(Locale.ROOT, "the workload was interrupted after %.1f s of %.1f s planned: the figures cover"
                    + " that part only", actualS(), plannedMs / 1000.0));
        }
        List<Slowdown> slow = slowdowns(serviceKernel).stream().filter(s -> s.slowdown() > 1 + CALIBRATION_MARGIN).toList();
        if (!slow.isEmpty()) {
            Slowdown s = slow.get(0);
            w.add(String.format(Locale.ROOT, "agents' measured kernel times exceeded their calibration by more than %.0f %%"
                    + " (%d node/service pair(s); worst %s on %s: %.1f x the calibrated time)%s: the machine, not the planner,"
                    + " was likely the bottleneck", 100 * CALIBRATION_MARGIN, slow.size(), s.service(), s.node(), s.slowdown(),
                    loadCount == 0 ? "" : String.format(Locale.ROOT, "; load average during the workload %.1f on %d cores",
                            loadSum / loadCount, cores)));
        }
        return w;
    }

    /** Seconds the workload actually ran (0 when it never started). */
    public synchronized double actualS() {
        if (startMs < 0) {
            return 0;
        }
        return Math.max(0, (endMs < 0 ? System.currentTimeMillis() : endMs) - startMs) / 1000.0;
    }

    /** Whether the workload's end was recorded. */
    public synchronized boolean ended() {
        return endMs >= 0;
    }

    /** Whether the workload stopped before its planned end (or never started). */
    public synchronized boolean interrupted() {
        return interrupted;
    }

    /**
     * Adds {@code interrupted}, {@code workload} {plannedS, actualS}, {@code machine} {cores,
     * loadAvg1Before, loadAvg1During {mean, max, samples}, cpuStealPct, cpuBusyPct},
     * {@code calibration} {margin, slowdowns} and {@code warnings} to a summary document.
     */
    public synchronized void addTo(ObjectNode root, Map<String, ServiceWork> serviceKernel) {
        root.put("interrupted", interrupted);
        ObjectNode wl = root.putObject("workload");
        wl.put("plannedS", plannedMs < 0 ? null : plannedMs / 1000.0);
        wl.put("actualS", actualS());
        ObjectNode m = root.putObject("machine");
        m.put("cores", cores);
        m.put("loadAvg1Before", loadBefore);
        ObjectNode d = m.putObject("loadAvg1During");
        d.put("mean", loadCount == 0 ? null : loadSum / loadCount);
        d.put("max", loadCount == 0 ? null : loadMax);
        d.put("samples", loadCount);
        long[] from = statStart != null ? statStart : statBefore;
        long[] to = statEnd != null ? statEnd : cpuStat();
        m.put("cpuStealPct", share(from, to, 7));
        m.put("cpuBusyPct", busy(from, to));
        m.put("source", Files.isReadable(proc.resolve("stat")) ? proc.toString() : "not readable");
        ObjectNode cal = root.putObject("calibration");
        cal.put("margin", CALIBRATION_MARGIN);
        var arr = cal.putArray("slowdowns");
        for (Slowdown s : slowdowns(serviceKernel)) {
            ObjectNode o = arr.addObject();
            o.put("node", s.node());
            o.put("service", s.service());
            o.put("kernel", s.kernel());
            o.put("slowdown", Math.round(s.slowdown() * 1000) / 1000.0);
            o.put("samples", s.samples());
        }
        var warn = root.putArray("warnings");
        warnings(serviceKernel).forEach(warn::add);
    }

    /** The document {@link #addTo} adds, alone (tests). */
    ObjectNode toJson(Map<String, ServiceWork> serviceKernel) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        addTo(o, serviceKernel);
        return o;
    }

    private Double load1() {
        try {
            String s = Files.readString(proc.resolve("loadavg")).strip();
            return Double.parseDouble(s.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The aggregate {@code cpu} line of {@code stat}: user nice system idle iowait irq softirq steal ...; null if unreadable. */
    private long[] cpuStat() {
        try {
            for (String l : Files.readAllLines(proc.resolve("stat"))) {
                if (l.startsWith("cpu ")) {
                    return Arrays.stream(l.substring(4).strip().split("\\s+")).mapToLong(Long::parseLong).toArray();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: no CPU figures
        }
        return null;
    }

    /** Percentage of field {@code i} in the total CPU time between two readings (null without both). */
    private static Double share(long[] a, long[] b, int i) {
        if (a == null || b == null || a.length <= i || b.length <= i) {
            return null;
        }
        long total = total(b) - total(a);
        return total <= 0 ? null : Math.round(1000.0 * (b[i] - a[i]) / total) / 10.0;
    }

    /** Percentage of CPU time not idle or waiting for I/O between two readings. */
    private static Double busy(long[] a, long[] b) {
        if (a == null || b == null || a.length < 5 || b.length < 5) {
            return null;
        }
        long total = total(b) - total(a);
        long idle = (b[3] + b[4]) - (a[3] + a[4]);
        return total <= 0 ? null : Math.round(1000.0 * (total - idle) / total) / 10.0;
    }

    /** user..steal (guest time is already counted in user). */
    private static long total(long[] s) {
        long t = 0;
        for (int i = 0; i < Math.min(8, s.length); i++) {
            t += s[i];
        }
        return t;
    }
}
