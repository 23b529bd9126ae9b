package org.edgefm.sim.calibration;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefm.api.Check;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.Twin;

/**
 * What a field trial measured, for a calibrated twin: the calibration file {@code calibration.json}
 * every trial writes into its run folder (schema {@value #SCHEMA}; docs/simulator.md, "Calibrated
 * twin", describes each field). All times are in ms. Its parts are records of this package:
 * {@link Workload}, {@link Station}, {@link Link}, {@link Preload}, {@link Overheads}, {@link Dist},
 * {@link Task} with its {@link StageRun}s, and {@link Issued}.
 *
 * @param schema         {@value #SCHEMA}
 * @param scenario       the scenario the trial ran
 * @param planner        the trial's planner
 * @param workload       the workload's length, the nodes that took part and where each user's tasks entered
 * @param stations       per (node, service) that served a stage: the measured service times (from the
 *                       stage timings of the task log), the wait in the agent's worker pool and the
 *                       agent's kernel calibration
 * @param links          per pair of nodes, the link figures the trial's link estimator saw
 * @param preloads       per (node, service), the measured preload of each instance started
 * @param overheads      per-hop overheads beyond the modelled links, and the per-task residual
 * @param telemetryAgeMs the age of each node's newest telemetry when a directive was published
 *                       (not modelled by the simulator: a known gap, measured)
 * @param taskLog        the trial's arrivals (time after the workload's start, user, task type, origin node)
 * @param kernels        per node, its agent's kernel calibration: MB/ms per kernel kind (empty in files of earlier versions)
 * @param directives     every directive the trial's host published, in order, with the full desired state
 *                       (instances and routes; peer endpoints left out): what a directives replay
 *                       ({@code org.edgefm.sim.DirectivesReplay}) applies; null in files of schema
 *                       {@value #SCHEMA_1}, which did not record them
 * @param warmup         where the trial's warm-up ended and which stations it measured only then
 *                       ({@link WarmupCut}); null in earlier files (the twin takes the report's first window)
 * @param observed       what the live host's loop observed of the fleet at each slot: node readings and
 *                       link reports ({@link Observed}), for a planner replay; null in earlier files
 */
public record Calibration(String schema, String scenario, String planner, Workload workload, List<Station> stations,
        List<Link> links, List<Preload> preloads, Overheads overheads, Dist telemetryAgeMs, List<Task> taskLog,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Map<String, Double>> kernels,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Issued> directives,
        @JsonInclude(JsonInclude.Include.NON_NULL) WarmupCut warmup,
        @JsonInclude(JsonInclude.Include.NON_NULL) Observed observed) {
    /** The schema this code writes: what the first one holds, and the directives the host published. */
    public static final String SCHEMA = "edgefm-calibration/2";
    /** The first schema (no directives), still read. */
    public static final String SCHEMA_1 = "edgefm-calibration/1";
    /** Most directives a file keeps; a trial that published more records none ({@link #directivesOmitted}). */
    public static final int MAX_DIRECTIVES = 50_000;
    /** The file name in a trial's run folder. */
    public static final String FILE = "calibration.json";
    /** Most samples kept per distribution (more are thinned to this many evenly spaced order statistics). */
    public static final int MAX_SAMPLES = 2048;

    /** Validates. */
    public Calibration {
        if (!SCHEMA.equals(schema) && !SCHEMA_1.equals(schema)) {
            throw new InvalidFieldException("schema", (schema == null ? "missing" : Check.quote(schema))
                    + " (expected: " + SCHEMA + " or " + SCHEMA_1 + ")");
        }
        Check.id(scenario, "scenario");
        Check.notNull(workload, "workload");
        stations = Check.listOf(stations, "stations");
        links = Check.listOf(links, "links");
        preloads = Check.listOf(preloads, "preloads");
        Check.notNull(overheads, "overheads");
        telemetryAgeMs = telemetryAgeMs == null ? Dist.EMPTY : telemetryAgeMs;
        taskLog = Check.listOf(taskLog, "taskLog");
        kernels = kernels == null ? Map.of() : Map.copyOf(kernels);
        if (directives != null && SCHEMA_1.equals(schema)) {
            throw new InvalidFieldException("directives", "present in a file of schema " + SCHEMA_1 + " (expected: schema " + SCHEMA + ")");
        }
        directives = directives == null ? null : Check.listOf(directives, "directives");
        kernels.forEach((node, m) -> m.forEach((kind, rate) -> {
            if (!(rate != null && rate > 0) || rate.isInfinite()) {
                throw new InvalidFieldException("kernels." + node + "." + kind, rate + " (expected: > 0)");
            }
        }));
    }

    /** A calibration without a warm-up cut and without recorded readings. */
    public Calibration(String schema, String scenario, String planner, Workload workload, List<Station> stations,
            List<Link> links, List<Preload> preloads, Overheads overheads, Dist telemetryAgeMs, List<Task> taskLog,
            Map<String, Map<String, Double>> kernels, List<Issued> directives) {
        this(schema, scenario, planner, workload, stations, links, preloads, overheads, telemetryAgeMs, taskLog, kernels,
                directives, null, null);
    }

    /** The same calibration with {@code cut} and {@code readings}. */
    public Calibration with(WarmupCut cut, Observed readings) {
        return new Calibration(schema, scenario, planner, workload, stations, links, preloads, overheads, telemetryAgeMs,
                taskLog, kernels, directives, cut, readings);
    }

    /** A calibration without per-node kernel calibrations and without directives. */
    public Calibration(String schema, String scenario, String planner, Workload workload, List<Station> stations,
            List<Link> links, List<Preload> preloads, Overheads overheads, Dist telemetryAgeMs, List<Task> taskLog) {
        this(schema, scenario, planner, workload, stations, links, preloads, overheads, telemetryAgeMs, taskLog, Map.of(),
                null);
    }

    /** A calibration without directives. */
    public Calibration(String schema, String scenario, String planner, Workload workload, List<Station> stations,
            List<Link> links, List<Preload> preloads, Overheads overheads, Dist telemetryAgeMs, List<Task> taskLog,
            Map<String, Map<String, Double>> kernels) {
        this(schema, scenario, planner, workload, stations, links, preloads, overheads, telemetryAgeMs, taskLog, kernels,
                null);
    }


    /**
     * The recorded directives, for a replay that applies them.
     *
     * @throws EdgeFmException one line saying why there are none: a file of schema {@value #SCHEMA_1}
     *                         (recorded before directives were kept) or a trial that published none
     */
    public List<Issued> recordedDirectives() {
        if (directives == null) {
            throw new EdgeFmException("calibration of " + scenario + " (schema " + schema + ") holds no directives: a trial"
                    + " records them from " + SCHEMA + " on; only the planner-in-the-loop replay can run on it");
        }
        if (directives.isEmpty()) {
            throw new EdgeFmException("calibration of " + scenario + " holds no directives: its trial published none"
                    + " (or more than " + MAX_DIRECTIVES + ", which are not kept)");
        }
        return directives;
    }


    /**
     * Reads a calibration file, or {@value #FILE} in a run folder.
     *
     * @throws EdgeFmException one line: {@code calibration FILE: PATH: what is wrong (expected: ...)}
     */
    public static Calibration read(Path fileOrRunFolder) {
        return CalibrationFiles.read(fileOrRunFolder);
    }

    /** Parses a calibration document; {@code file} names it in errors. */
    public static Calibration parse(String text, Path file) {
        return CalibrationFiles.parse(text, file);
    }

    /** Writes the document (pretty-printed JSON). */
    public void write(Path file) throws IOException {
        CalibrationFiles.write(this, file);
    }

    /** One line for the console: where the calibration came from and what it holds. */
    public String describe(Path from) {
        long samples = stations.stream().mapToLong(s -> s.serviceMs().n()).sum();
        return String.format(java.util.Locale.ROOT, "calibrated from %s (trial of %s, planner %s): %d node(s), %d"
                + " station(s) with %d measured service times, %d measured link(s), %d preload(s), hop overheads p50"
                + " ingress %s / local %s / remote %s ms", from, scenario, planner, workload.nodes().size(), stations.size(),
                samples, links.stream().filter(l -> l.mbPerMs() != null && l.rttMs() != null).count(),
                preloads.stream().mapToInt(p -> p.preloadMs().length).sum(), p50(overheads.ingressMs()),
                p50(overheads.localHopMs()), p50(overheads.remoteHopMs())) + warmupNote() + (observed == null ? ""
                : String.format(java.util.Locale.ROOT, "; the live loop's readings: %d node reading(s), %d link report(s)",
                        observed.nodes().size(), observed.links().size()));
    }

    /** The warm-up's end and the stations measured only during it, for {@link #describe}; empty without a cut. */
    private String warmupNote() {
        if (warmup == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT, "; warm-up to %.1f s (%s)",
                warmup.endMs() / 1000, warmup.basis()));
        for (WarmupCut.ColdStation c : warmup.coldStations()) {
            b.append(String.format(java.util.Locale.ROOT, ", %s/%s measured during it only (%d): after it %s", c.node(),
                    c.service(), c.warmupSamples(), WarmupCut.MODEL.equals(c.drawsFrom()) ? "the model"
                            : "the service at " + String.join(", ", c.fromNodes())));
        }
        return b.toString();
    }

    private static String p50(Dist d) {
        return d.p50Ms() == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f", d.p50Ms());
    }


    /**
     * The twin: measured service times, preloads (median per node and service) and hop overheads,
     * replaying the task log when {@code replayTaskLog}.
     */
    public Twin twin(boolean replayTaskLog) {
        return twin(replayTaskLog, null);
    }

    /**
     * The twin of {@link #twin(boolean)}; with {@code scenario} and {@value Twin#UNMEASURED_KEY} =
     * {@code same-service} (its planner section; the default), a (node, service) of the trial's nodes
     * that served no stage takes the same service's measured times at the other nodes, scaled by
     * the ratio of the two agents' kernel calibrations for the service's kernel kind (1 where either
     * is unknown), instead of the scenario's model ({@link TwinBuilder}).
     */
    public Twin twin(boolean replayTaskLog, Scenario scenario) {
        return TwinBuilder.twin(this, replayTaskLog, scenario);
    }

    /**
     * The measurements of the task log's completed tasks with the times they were taken (service
     * times per node and service by stage start, ingress overheads by submission, hop overheads by
     * the parent's end), for a twin's draws local in time; {@link Twin.Timeline#NONE} when the log
     * holds no stage (files of earlier versions).
     */
    public Twin.Timeline timeline() {
        return TwinBuilder.timeline(this);
    }

    /**
     * The scenario as the trial ran it: only the nodes that took part (when the file names them),
     * each user at the node its tasks entered, and the measured links in place of the declared ones
     * ({@link TrialScenario}).
     *
     * @throws EdgeFmException when the file names a node or user the scenario lacks
     */
    public Scenario apply(Scenario s) {
        return TrialScenario.apply(this, s);
    }
}
