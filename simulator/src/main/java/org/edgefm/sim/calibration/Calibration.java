package org.edgefm.sim.calibration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.Check;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Topology;
import org.edgefm.api.model.UserSpec;
import org.edgefm.control.stats.Quantiles;
import org.edgefm.scenario.FailureEvent;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.SharedCores;
import org.edgefm.sim.Twin;
import org.edgefm.wire.internal.Json;

/**
 * What a field trial measured, for a calibrated twin: the calibration file {@code calibration.json}
 * every trial writes into its run folder (schema {@value #SCHEMA}; docs/simulator.md, "Calibrated
 * twin", describes each field). All times are in ms.
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
 */
public record Calibration(String schema, String scenario, String planner, Workload workload, List<Station> stations,
        List<Link> links, List<Preload> preloads, Overheads overheads, Dist telemetryAgeMs, List<Task> taskLog,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Map<String, Double>> kernels,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Issued> directives) {
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
     * One directive as the trial's host published it.
     *
     * @param atMs         when it was published, ms after the workload's start (negative: before it, while the
     *                     fleet was brought up)
     * @param node         the node it went to
     * @param plannerEpoch its planner epoch
     * @param version      its version
     * @param desired      the desired state (services, instances, parallelism, routes; no peer endpoints)
     */
    public record Issued(double atMs, String node, long plannerEpoch, long version,
            @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = WireState.class) org.edgefm.wire.DesiredState desired) {
        /** Validates. */
        public Issued {
            if (Double.isNaN(atMs) || Double.isInfinite(atMs)) {
                throw new InvalidFieldException("atMs", atMs + " (expected: finite)");
            }
            Check.nodeId(node, "node");
            Check.nonNegative(plannerEpoch, "plannerEpoch");
            Check.positive(version, "version");
            Check.notNull(desired, "desired");
        }

        /** The directive to hand a fleet. */
        public org.edgefm.wire.Directive directive() {
            return new org.edgefm.wire.Directive(org.edgefm.wire.WireCodec.SCHEMA, node, plannerEpoch, version, 0, desired);
        }
    }

    /**
     * Reads a recorded desired state as an agent reads a directive's ({@link Json#WIRE}: the wire's
     * records may carry derived or newer properties that the file's strict mapper would refuse).
     */
    static final class WireState extends com.fasterxml.jackson.databind.JsonDeserializer<org.edgefm.wire.DesiredState> {
        @Override
        public org.edgefm.wire.DesiredState deserialize(com.fasterxml.jackson.core.JsonParser p,
                com.fasterxml.jackson.databind.DeserializationContext ctx) throws IOException {
            JsonNode tree = ctx.readTree(p);
            return Json.WIRE.treeToValue(tree, org.edgefm.wire.DesiredState.class);
        }
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
     * The workload the trial drove.
     *
     * @param durationMs how long arrivals were driven
     * @param windowMs   the width of the report's windows
     * @param nodes      the nodes that took part (agents born)
     * @param origins    per scenario user, the node its tasks were sent to
     */
    public record Workload(double durationMs, double windowMs, List<String> nodes, Map<String, String> origins) {
        /** Validates. */
        public Workload {
            Check.nonNegative(durationMs, "durationMs");
            Check.positive(windowMs, "windowMs");
            nodes = Check.listOf(nodes, "nodes");
            origins = Check.mapOf(origins, "origins");
        }
    }

    /**
     * A distribution of measured times.
     *
     * @param n         how many were measured
     * @param meanMs    their mean, or null without any
     * @param p50Ms     median ({@link Quantiles}), or null
     * @param p95Ms     95th percentile, or null
     * @param p99Ms     99th percentile, or null
     * @param samplesMs the samples (at most {@link #MAX_SAMPLES}; more were thinned to evenly spaced order statistics)
     */
    public record Dist(long n, Double meanMs, Double p50Ms, Double p95Ms, Double p99Ms, double[] samplesMs) {
        /** No measurement. */
        public static final Dist EMPTY = new Dist(0, null, null, null, null, new double[0]);

        /** Validates. */
        public Dist {
            Check.nonNegative(n, "n");
            samplesMs = samplesMs == null ? new double[0] : samplesMs;
            if (samplesMs.length > MAX_SAMPLES) {
                throw new InvalidFieldException("samplesMs", samplesMs.length + " samples (expected: at most " + MAX_SAMPLES + ")");
            }
            for (int i = 0; i < samplesMs.length; i++) {
                if (!(samplesMs[i] >= 0) || Double.isInfinite(samplesMs[i])) {
                    throw new InvalidFieldException("samplesMs[" + i + "]", samplesMs[i] + " (expected: >= 0)");
                }
            }
        }

        /** The distribution of {@code values} (negative ones are clamped to 0: clock granularity). */
        public static Dist of(List<Double> values) {
            double[] v = values.stream().mapToDouble(x -> Math.max(0, x)).sorted().toArray();
            if (v.length == 0) {
                return EMPTY;
            }
            double[] q = Quantiles.of(v, 0.50, 0.95, 0.99);
            double sum = 0;
            for (double x : v) {
                sum += x;
            }
            double[] kept = v;
            if (v.length > MAX_SAMPLES) {
                kept = new double[MAX_SAMPLES];
                for (int i = 0; i < MAX_SAMPLES; i++) {
                    kept[i] = v[(int) Math.round(i * (v.length - 1) / (double) (MAX_SAMPLES - 1))];
                }
            }
            return new Dist(v.length, round(sum / v.length), round(q[0]), round(q[1]), round(q[2]), kept);
        }

        private static double round(double x) {
            return Math.round(x * 1000) / 1000.0;
        }
    }

    /**
     * One (node, service) that served stages.
     *
     * @param node              the node
     * @param service           the service
     * @param serviceMs         service times of the stages it ran (stage start to end)
     * @param queueMs           waits in the agent's worker pool (queued to start), where the agent reports them
     * @param calibratedMbPerMs the agent's kernel calibration for the service's kernel kind, or null
     */
    public record Station(String node, String service, Dist serviceMs, Dist queueMs, Double calibratedMbPerMs) {
        /** Validates. */
        public Station {
            Check.nodeId(node, "node");
            Check.id(service, "service");
            Check.notNull(serviceMs, "serviceMs");
            queueMs = queueMs == null ? Dist.EMPTY : queueMs;
            if (calibratedMbPerMs != null) {
                Check.nonNegative(calibratedMbPerMs, "calibratedMbPerMs");
            }
        }
    }

    /**
     * A measured link.
     *
     * @param a       one node
     * @param b       the other
     * @param rttMs   smoothed round-trip time (mean of both directions), or null
     * @param mbPerMs smoothed throughput of stage transfers, or null
     * @param samples measurements folded in
     */
    public record Link(String a, String b, Double rttMs, Double mbPerMs, long samples) {
        /** Validates. */
        public Link {
            Check.nodeId(a, "a");
            Check.nodeId(b, "b");
            if (rttMs != null) {
                Check.nonNegative(rttMs, "rttMs");
            }
            if (mbPerMs != null) {
                Check.positive(mbPerMs, "mbPerMs");
            }
            Check.nonNegative(samples, "samples");
        }
    }

    /**
     * Measured preloads of one (node, service).
     *
     * @param node      the node
     * @param service   the service
     * @param preloadMs each instance start's preload
     */
    public record Preload(String node, String service, double[] preloadMs) {
        /** Validates. */
        public Preload {
            Check.nodeId(node, "node");
            Check.id(service, "service");
            preloadMs = preloadMs == null ? new double[0] : preloadMs;
            for (int i = 0; i < preloadMs.length; i++) {
                if (!(preloadMs[i] >= 0) || Double.isInfinite(preloadMs[i])) {
                    throw new InvalidFieldException("preloadMs[" + i + "]", preloadMs[i] + " (expected: >= 0)");
                }
            }
        }

        /** The median preload. */
        public double medianMs() {
            return preloadMs.length == 0 ? 0 : Quantiles.of(preloadMs.clone(), 0.5);
        }
    }

    /**
     * Per-hop overheads: measured times beyond the modelled link ({@code api.model.Latency} with the
     * measured link figures) and the worker pool's wait.
     *
     * @param ingressMs   submission at the origin to the first stage's queue
     * @param localHopMs  a stage's end to the next stage's queue on the same node
     * @param remoteHopMs a stage's end to the next stage's queue on another node
     * @param residualMs  per task, end-to-end latency minus its critical path's service, queue and link times
     */
    public record Overheads(Dist ingressMs, Dist localHopMs, Dist remoteHopMs, Dist residualMs) {
        /** Validates. */
        public Overheads {
            ingressMs = ingressMs == null ? Dist.EMPTY : ingressMs;
            localHopMs = localHopMs == null ? Dist.EMPTY : localHopMs;
            remoteHopMs = remoteHopMs == null ? Dist.EMPTY : remoteHopMs;
            residualMs = residualMs == null ? Dist.EMPTY : residualMs;
        }
    }

    /**
     * One task of the trial's log, and what it measured where it completed.
     *
     * @param atMs      submission, ms after the workload's start
     * @param user      the scenario user of its stream
     * @param taskType  its task type
     * @param origin    the node it was sent to
     * @param latencyMs end-to-end latency where it completed, or null
     * @param success   whether it completed successfully, or null where it never completed
     * @param inFlight  tasks of the workload submitted before it and not yet completed when it was submitted, or null
     * @param residualMs latency minus its critical path's service and link times, or null
     * @param stages    per stage (successful tasks with every stage timed), in the task type's order; empty otherwise
     */
    public record Task(double atMs, String user, String taskType, String origin,
            @JsonInclude(JsonInclude.Include.NON_NULL) Double latencyMs,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean success,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer inFlight,
            @JsonInclude(JsonInclude.Include.NON_NULL) Double residualMs,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<StageRun> stages) {
        /** Validates. */
        public Task {
            Check.nonNegative(atMs, "atMs");
            Check.id(user, "user");
            Check.id(taskType, "taskType");
            Check.nodeId(origin, "origin");
            if (latencyMs != null) {
                Check.nonNegative(latencyMs, "latencyMs");
            }
            if (inFlight != null) {
                Check.nonNegative(inFlight, "inFlight");
            }
            stages = stages == null ? List.of() : Check.listOf(stages, "stages");
        }

        /** An arrival without measurements. */
        public Task(double atMs, String user, String taskType, String origin) {
            this(atMs, user, taskType, origin, null, null, null, null, List.of());
        }
    }

    /**
     * One stage of a logged task, on the workload's clock (ms after its start).
     *
     * @param stage      the stage
     * @param node       the node that ran it
     * @param service    its service
     * @param queuedMs   when its input entered the node's worker pool (its start where the agent does not say)
     * @param startMs    start of service
     * @param endMs      end of service
     * @param hop        {@code ingress} (a leaf stage: from the submission), {@code local} or {@code remote}
     *                   (from its last parent on the same node or another one)
     * @param overheadMs the hop's time beyond the modelled link (the time to {@code queuedMs})
     */
    public record StageRun(String stage, String node, String service, double queuedMs, double startMs, double endMs,
            String hop, double overheadMs) {
        /** Validates. */
        public StageRun {
            Check.id(stage, "stage");
            Check.nodeId(node, "node");
            Check.id(service, "service");
            if (!(endMs >= startMs) || !(startMs >= queuedMs)) {
                throw new InvalidFieldException("endMs", queuedMs + " <= " + startMs + " <= " + endMs
                        + " (expected: queued <= start <= end)");
            }
            if (!List.of("ingress", "local", "remote").contains(hop)) {
                throw new InvalidFieldException("hop", Check.quote(hop) + " (expected: ingress, local or remote)");
            }
        }

        /** The service time. */
        public double serviceMs() {
            return endMs - startMs;
        }

        /** The wait in the worker pool. */
        public double waitMs() {
            return startMs - queuedMs;
        }
    }

    // ------------------------------------------------------------------ files

    /**
     * Reads a calibration file, or {@value #FILE} in a run folder.
     *
     * @throws EdgeFmException one line: {@code calibration FILE: PATH: what is wrong (expected: ...)}
     */
    public static Calibration read(Path fileOrRunFolder) {
        Path file = Files.isDirectory(fileOrRunFolder) ? fileOrRunFolder.resolve(FILE) : fileOrRunFolder;
        String text;
        try {
            if (Files.size(file) > 64L << 20) {
                throw fail(file, "(file)", Files.size(file) + " bytes (expected: at most 64 MiB)");
            }
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw fail(file, "(file)", "no such file" + (Files.isDirectory(fileOrRunFolder)
                    ? " (a trial's run folder holds one from this version on)" : ""));
        } catch (IOException e) {
            throw fail(file, "(file)", "cannot read: " + e.getMessage());
        }
        return parse(text, file);
    }

    /** Parses a calibration document; {@code file} names it in errors. */
    public static Calibration parse(String text, Path file) {
        try {
            JsonNode tree = Json.FILES.readTree(text);
            if (tree == null || !tree.isObject()) {
                throw fail(file, "(document)", "expected a JSON object at the top level");
            }
            if (!tree.path("schema").isTextual() || !(SCHEMA.equals(tree.path("schema").asText())
                    || SCHEMA_1.equals(tree.path("schema").asText()))) {
                throw fail(file, "schema", (tree.has("schema") ? tree.get("schema").toString() : "missing")
                        + " (expected: \"" + SCHEMA + "\" or \"" + SCHEMA_1 + "\")");
            }
            return Json.FILES.treeToValue(tree, Calibration.class);
        } catch (JsonProcessingException e) {
            Json.Failure f = Json.describe(e);
            throw fail(file, f.path(), f.problem());
        } catch (InvalidFieldException e) {
            throw fail(file, e.field(), e.problem());
        }
    }

    /** Writes the document (pretty-printed JSON). */
    public void write(Path file) throws IOException {
        Files.writeString(file, Json.FILES.writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n");
    }

    /** One line for the console: where the calibration came from and what it holds. */
    public String describe(Path from) {
        long samples = stations.stream().mapToLong(s -> s.serviceMs().n()).sum();
        return String.format(java.util.Locale.ROOT, "calibrated from %s (trial of %s, planner %s): %d node(s), %d"
                + " station(s) with %d measured service times, %d measured link(s), %d preload(s), hop overheads p50"
                + " ingress %s / local %s / remote %s ms", from, scenario, planner, workload.nodes().size(), stations.size(),
                samples, links.stream().filter(l -> l.mbPerMs() != null && l.rttMs() != null).count(),
                preloads.stream().mapToInt(p -> p.preloadMs().length).sum(), p50(overheads.ingressMs()),
                p50(overheads.localHopMs()), p50(overheads.remoteHopMs()));
    }

    private static String p50(Dist d) {
        return d.p50Ms() == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f", d.p50Ms());
    }

    private static EdgeFmException fail(Path file, String path, String problem) {
        return new EdgeFmException("calibration " + file + ": " + path + ": " + problem);
    }

    // ------------------------------------------------------------------ the twin

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
     * is unknown), instead of the scenario's model: the model rates a device profile, not the
     * hardware the trial ran on.
     */
    public Twin twin(boolean replayTaskLog, Scenario scenario) {
        Map<String, double[]> service = new HashMap<>();
        stations.forEach(s -> service.put(Twin.key(s.node(), s.service()), s.serviceMs().samplesMs()));
        Twin.Timeline timeline = timeline();
        Map<String, ?> planner = scenario == null ? Map.of() : scenario.planner();
        if (SharedCores.cores(planner) > 0 && !timeline.service().isEmpty()) {
            // the stations share the machine's cores in the twin: draw work, not the wall times measured
            Map<String, Twin.Series> work = SharedCores.deflate(timeline.service(), planner);
            work.forEach((k, v) -> service.put(k, v.ms()));
            timeline = new Twin.Timeline(work, timeline.ingress(), timeline.localHop(), timeline.remoteHop());
        }
        if (scenario != null && Twin.unmeasuredFromSameService(scenario.planner())) {
            Map<String, Twin.Series> series = new HashMap<>(timeline.service());
            List<String> nodes = workload.nodes().isEmpty() ? scenario.topology().nodes().stream().map(NodeSpec::id).toList()
                    : workload.nodes();
            for (org.edgefm.api.model.ServiceSpec spec : scenario.services()) {
                String kind = spec.kernel() == null ? null : spec.kernel().kind();
                for (String n : nodes) {
                    if (service.containsKey(Twin.key(n, spec.id()))) {
                        continue;
                    }
                    List<Double> pooled = new ArrayList<>();
                    List<double[]> timed = new ArrayList<>();
                    for (Station s : stations) {
                        if (!s.service().equals(spec.id()) || s.node().equals(n)) {
                            continue;
                        }
                        double f = scale(s.node(), n, kind);
                        for (double x : service.get(Twin.key(s.node(), s.service()))) {
                            pooled.add(x * f);
                        }
                        Twin.Series t = timeline.service().get(Twin.key(s.node(), s.service()));
                        for (int i = 0; t != null && i < t.size(); i++) {
                            timed.add(new double[] {t.atMs()[i], t.ms()[i] * f});
                        }
                    }
                    if (!pooled.isEmpty()) {
                        service.put(Twin.key(n, spec.id()), pooled.stream().mapToDouble(Double::doubleValue).toArray());
                        if (!timed.isEmpty()) {
                            series.put(Twin.key(n, spec.id()), series(timed));
                        }
                    }
                }
            }
            timeline = new Twin.Timeline(series, timeline.ingress(), timeline.localHop(), timeline.remoteHop());
        }
        Map<String, Double> preload = new HashMap<>();
        preloads.forEach(p -> {
            if (p.preloadMs().length > 0) {
                preload.put(Twin.key(p.node(), p.service()), p.medianMs());
            }
        });
        List<Twin.Arrival> log = null;
        if (replayTaskLog) {
            log = new ArrayList<>(taskLog.size());
            for (Task t : taskLog) {
                log.add(new Twin.Arrival(t.atMs(), t.user(), t.taskType()));
            }
        }
        return new Twin(service, preload, overheads.ingressMs().samplesMs(), overheads.localHopMs().samplesMs(),
                overheads.remoteHopMs().samplesMs(), log, timeline);
    }

    /** Time at {@code to} per time at {@code from} for a kernel kind: their calibrated rates' ratio, or 1. */
    private double scale(String from, String to, String kind) {
        Double a = kind == null ? null : kernels.getOrDefault(from, Map.of()).get(kind);
        Double b = kind == null ? null : kernels.getOrDefault(to, Map.of()).get(kind);
        return a == null || b == null ? 1 : a / b;
    }

    /**
     * The measurements of the task log's completed tasks with the times they were taken (service
     * times per node and service by stage start, ingress overheads by submission, hop overheads by
     * the parent's end), for a twin's draws local in time; {@link Twin.Timeline#NONE} when the log
     * holds no stage (files of earlier versions).
     */
    public Twin.Timeline timeline() {
        Map<String, List<double[]>> service = new HashMap<>();
        List<double[]> ingress = new ArrayList<>();
        List<double[]> local = new ArrayList<>();
        List<double[]> remote = new ArrayList<>();
        for (Task t : taskLog) {
            for (StageRun r : t.stages()) {
                service.computeIfAbsent(Twin.key(r.node(), r.service()), k -> new ArrayList<>())
                        .add(new double[] {r.startMs(), r.serviceMs()});
                double overhead = Math.max(0, r.overheadMs());
                switch (r.hop()) {
                    case "ingress" -> ingress.add(new double[] {t.atMs(), overhead});
                    case "local" -> local.add(new double[] {Math.max(0, r.queuedMs() - overhead), overhead});
                    default -> remote.add(new double[] {Math.max(0, r.queuedMs() - overhead), overhead});
                }
            }
        }
        if (service.isEmpty()) {
            return Twin.Timeline.NONE;
        }
        Map<String, Twin.Series> bySt = new HashMap<>();
        service.forEach((k, v) -> bySt.put(k, series(v)));
        return new Twin.Timeline(bySt, series(ingress), series(local), series(remote));
    }

    private static Twin.Series series(List<double[]> timed) {
        timed.sort((x, y) -> Double.compare(x[0], y[0]));
        double[] at = new double[timed.size()];
        double[] ms = new double[timed.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = timed.get(i)[0];
            ms[i] = timed.get(i)[1];
        }
        return new Twin.Series(at, ms);
    }

    /**
     * The scenario as the trial ran it: only the nodes that took part (when the file names them),
     * each user at the node its tasks entered, and the measured links in place of the declared ones
     * (a measured link has no length; its one-way fixed delay is half the measured round trip, its
     * bandwidth the measured throughput). A declared link between nodes without a measurement stays.
     *
     * @throws EdgeFmException when the file names a node or user the scenario lacks
     */
    public Scenario apply(Scenario s) {
        Set<String> keep = new LinkedHashSet<>();
        if (workload.nodes().isEmpty()) {
            s.topology().nodes().forEach(n -> keep.add(n.id()));
        } else {
            for (String n : workload.nodes()) {
                if (s.topology().node(n).isEmpty()) {
                    throw new EdgeFmException("calibration of " + scenario + ": workload.nodes: '" + n + "' is not a node of"
                            + " scenario " + s.name());
                }
                keep.add(n);
            }
        }
        List<NodeSpec> nodes = s.topology().nodes().stream().filter(n -> keep.contains(n.id())).toList();
        Map<String, LinkSpec> links = new LinkedHashMap<>();
        for (LinkSpec l : s.topology().links()) {
            if (keep.contains(l.a()) && keep.contains(l.b())) {
                links.put(pair(l.a(), l.b()), l);
            }
        }
        for (Link l : this.links) {
            if (keep.contains(l.a()) && keep.contains(l.b()) && !l.a().equals(l.b()) && l.mbPerMs() != null
                    && l.rttMs() != null) {
                links.put(pair(l.a(), l.b()), new LinkSpec(l.a(), l.b(), l.mbPerMs(), 0, l.rttMs() / 2));
            }
        }
        List<UserSpec> users = new ArrayList<>();
        for (UserSpec u : s.users()) {
            String at = workload.origins().getOrDefault(u.id(), u.node());
            if (!keep.contains(at)) {
                throw new EdgeFmException("calibration of " + scenario + ": user '" + u.id() + "' enters at '" + at
                        + "', which did not take part (workload.origins)");
            }
            users.add(new UserSpec(u.id(), at, u.uplinkBandwidthMbPerMs(), u.channel()));
        }
        List<FailureEvent> failures = s.failures().stream().filter(f -> keep.contains(f.node())).toList();
        return new Scenario(s.schema(), s.name(), s.description(), new Topology(nodes, List.copyOf(links.values())),
                s.services(), s.taskTypes(), users, s.workload(), s.run(), failures, s.planner(), s.models());
    }

    private static String pair(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }
}
