package org.edgefm.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.edgefm.api.spi.ConfigKey;
import org.edgefm.api.spi.KeyOrigin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code sim.*} key the simulator reads (its settings, the seed-paper sub-models and the fleet),
 * declared once with its default, its {@link KeyOrigin origin} and the paper symbol or the reason. The
 * keys table in {@code docs/keys.md} is generated from this list. The camel-case spellings of earlier
 * versions are still read, with a deprecation warning.
 */
public final class SimKeys {
    private static final Logger LOG = LoggerFactory.getLogger(SimKeys.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private SimKeys() {
    }

    /** The declarations, in the order of the documentation. */
    public static final List<ConfigKey> DECLARED = List.of(
            key("sim.routing", "weighted", "how a stage's node is picked from a routing table: weighted (random by the table's"
                    + " weights among usable targets) or capacity-aware (smallest expected transfer + wait + processing time)",
                    KeyOrigin.RECONSTRUCTION, "run-time routing among a table's targets is not stated (papers.md 5.1 item 6 [I])"),
            key("sim.unrouted", "drop", "a stage whose table names no usable node: drop (the task fails, unrouted) or"
                    + " nearest-host", KeyOrigin.RECONSTRUCTION, "not stated (papers.md 5.1 item 6 [I])"),
            key("sim.parallelism-exponent", "0", "α in the per-task rate f·y^(−α) of a light instance at parallelism y, in"
                    + " [0, 1]: 0 = each concurrent task draws its own rate (capacity x·y), 1 = the rate is split evenly",
                    KeyOrigin.PAPER_AMBIGUITY, "eq. (11) counts x·y concurrent tasks but not the rate each one gets"
                            + " (papers.md 1.5)"),
            key("sim.deadline-action", "complete-late", "complete-late (a late task runs to the end, counted late) or"
                    + " drop-expired (abandoned when a stage would start after its deadline)", KeyOrigin.PAPER_AMBIGUITY,
                    "eq. (9) is a hard deadline; what happens to a task that misses it is not stated"),
            key("sim.enforce-capacity", "true", "a directive whose instances exceed the node's capacity vector is refused, as"
                    + " an agent refuses it", KeyOrigin.PAPER, "eq. (8), the per-node resource constraint"),
            key("sim.parallelism-cost", "x-times-y", "x-times-y charges c^pl·x·y per slot; x charges c^pl·x (eq. 7 as"
                    + " typeset)", KeyOrigin.PAPER_AMBIGUITY, "eq. (7)'s parallelism price as typeset multiplies x only"
                            + " (papers.md 1.3)"),
            key("sim.charge-initial-light-deploy", "false", "true also charges the light instantiation price in slot 0",
                    KeyOrigin.PAPER, "eq. (7) sums c^{lt,dp} over t ≠ 0"),
            key("sim.stage-timings", "false", "put per-stage timings into every task completion (diagnostics; costs"
                    + " allocations)", KeyOrigin.SOLVER, "output only, no effect on the results"),
            key("sim.rate-samples", "64", "measured per-task rates reported per (node, service) and snapshot, at most",
                    KeyOrigin.SOLVER, "size of the telemetry the planners see, as an agent's report is bounded"),
            key("sim.compute-model", "profiles", "where processing rates come from: profiles (device-profiles calibrated"
                    + " model where the node names a profile and the service a kernel), roofline, or scenario (f_m ×"
                    + " speedFactor)", KeyOrigin.RECONSTRUCTION, "paper 1 gives f_m per service only (Table I); per-device"
                            + " rates are ours (device-profiles)"),
            key("sim.compute-precision", "fp16", "GPU engine precision for kernels without a bits dimension: fp16 or fp32",
                    KeyOrigin.RECONSTRUCTION, "device-profiles model; GPU serving normally runs fp16"),
            key("sim.compute-efficiency", "1", "roofline model only: achieved fraction of both roofs, in (0, 1]",
                    KeyOrigin.RECONSTRUCTION, "device-profiles model; 1 = the pure roofline bound"),
            key("sim.channel-coherence", "task", "task: one channel draw γ_u per task; slot: one per user and slot (block"
                    + " fading)", KeyOrigin.PAPER_AMBIGUITY, "paper 1 draws γ_u per task; LyMDO-style block fading keeps one"
                            + " draw per slot (papers.md 4.2)"),
            key("sim.genai.delay-weight", "0.001", "w_d, cost per ms of request delay (services with switching)",
                    KeyOrigin.RECONSTRUCTION, "w_d of paper 2's cost; equations not retrievable (papers.md 3.3 [I])"),
            key("sim.genai.storage-price", "0.002", "α_s per GB of stored model per slot", KeyOrigin.RECONSTRUCTION,
                    "α_s of paper 2's cost (papers.md 3.3 [I])"),
            key("sim.genai.gpu-price", "0.02", "α_g per GB of resident GPU memory per slot", KeyOrigin.RECONSTRUCTION,
                    "α_g of paper 2's cost (papers.md 3.3 [I])"),
            key("sim.genai.cloud-request-price", "0", "price per request served by a cloud node", KeyOrigin.RECONSTRUCTION,
                    "paper 2's cloud cost is not stated (papers.md 3.3 [I])"),
            key("sim.genai.cloud-library", "true", "cloud nodes serve every model without a directive and without a server"
                    + " limit", KeyOrigin.RECONSTRUCTION, "paper 2's cloud holds the whole model library (papers.md 3.2)"),
            key("sim.genai.keep-on-disk", "false", "an evicted model stays stored, so its next switch-in skips the transfer",
                    KeyOrigin.RECONSTRUCTION, "not stated (papers.md 3.3 [I])"),
            key("sim.partition", "off", "serial: chain task types from device users run as LyMDO's local → uplink → edge"
                    + " queues with the planner's user allocation shares", KeyOrigin.RECONSTRUCTION,
                    "LyMDO's partitioned execution (papers.md 4.2 [I])"),
            key("sim.partition.local-power-w", "5", "device compute power at full frequency in W (energy P·φ³ per busy ms)",
                    KeyOrigin.RECONSTRUCTION, "papers.md 4.2 [I]"),
            key("sim.partition.tx-power-w", "0.2", "maximum transmit power in W", KeyOrigin.RECONSTRUCTION,
                    "papers.md 4.2 [I]"),
            key("sim.partition.bandwidth-pool-mb-per-ms", "0", "uplink pool B (0 = the sum of the users' bandwidths)",
                    KeyOrigin.RECONSTRUCTION, "papers.md 4.2 [I]"),
            key("sim.partition.energy-budget-w", "0", "Ē, the long-term power budget (0 = each user's device power"
                    + " capacity)", KeyOrigin.RECONSTRUCTION, "papers.md 4.2 [I]"),
            key("sim.partition.energy-tolerance", "0.05", "'satisfied' means time-average power ≤ budget × (1 + this)",
                    KeyOrigin.SOLVER, "reporting threshold of the energy verdict, no effect on the run"),
            key("sim.partition.share-changes", "follow", "follow: tasks in service continue at new shares at once;"
                    + " at-start: a task keeps the shares in force when its service began", KeyOrigin.GUARD,
                    "at-start let a transmission begun under a near-zero share never finish and keep the radio powered"
                            + " (docs/simulator.md, sim.partition keys)"),
            key(Twin.NEIGHBOURS_KEY, String.valueOf(Twin.DEFAULT_NEIGHBOURS), "a calibrated twin draws each measured"
                    + " service time, ingress and hop overhead from the k samples of its kind (per node and service for"
                    + " service times) measured nearest in time to the simulated moment; 0 draws from all of them, pooled",
                    KeyOrigin.RECONSTRUCTION, "measured: a trial's slow samples cluster in time (a fresh JVM's first"
                            + " calls, a busy machine), which pooled draws spread evenly over the run (docs/simulator.md,"
                            + " \"Calibrated twin\")"),
            key(Twin.UNMEASURED_KEY, "same-service", "a calibrated twin's (node, service) that served nothing in the"
                    + " trial: same-service (the service's times measured at the other nodes, scaled by the ratio of the"
                    + " agents' kernel calibrations) or model (the scenario's compute model)", KeyOrigin.RECONSTRUCTION,
                    "measured: the compute model rates the scenario's device profiles, not the hardware a trial ran on"
                            + " (docs/simulator.md, \"Calibrated twin\")"),
            key(Twin.WARMUP_KEY, "apart", "a calibrated twin's samples taken during the trial's warm-up (calibration's"
                    + " warmup.endMs; older files: the report's first window): apart (drawn during the twin's warm-up only;"
                    + " a station with none after it takes the service's steady samples at the other nodes, scaled by the"
                    + " kernel calibrations, or the compute model) or mixed (every sample drawn all run)",
                    KeyOrigin.RECONSTRUCTION, "measured: a station the live planner left during the warm-up holds cold"
                            + " samples only (a greedy trial: edge-l4's clip-vit 173 ms mean against 31 ms steady at"
                            + " agx-orin; docs/simulator.md, \"Warm-up samples\")"),
            key(RecordedReadings.KEY, "recorded", "a twin replaying a trial's own arrivals (a trial's planner replay,"
                    + " simulate --replay-task-log): recorded (its snapshots report the live host's node readings (online"
                    + " verdict, telemetry age, CPU load) and the link reports it received, from the calibration's"
                    + " observed section) or twin (its own: every node online with telemetry of age 0, no link report)",
                    KeyOrigin.RECONSTRUCTION, "measured: live, the planners' topology is built from the agents' link"
                            + " reports (a greedy trial's host: agx-orin-edge-l4 at a 242.6 ms round trip as the workload"
                            + " began) and a node with stale telemetry is offline; the twin's from the calibration's final"
                            + " link figures, every node online (docs/simulator.md, \"Recorded readings\")"),
            key(SharedCores.KEY, "0", "N > 0: a calibrated twin's stations share N cores (a trial's agents on one"
                    + " machine): each stage in service progresses at min(1, N / (n + b)) of its pace, n the stages in"
                    + " service on all nodes, and draws work (a measured time times the pace it had live) instead of a"
                    + " wall time; 0 = each draw is the wall time measured", KeyOrigin.RECONSTRUCTION,
                    "an agent runs each stage on a worker thread and every agent's threads share the machine's cores"
                            + " (docs/simulator.md, \"Shared cores\")"),
            key(SharedCores.BACKGROUND_KEY, "0", "b, the machine's other runnable threads in the pace of"
                    + " sim.twin.shared-cores", KeyOrigin.RECONSTRUCTION,
                    "a trial's machine runs the host, the broker and whatever else (its load average)"));

    /** Camel-case spellings of earlier versions, still read with a deprecation warning: old → new. */
    public static final Map<String, String> DEPRECATED_ALIASES = aliases();

    private static ConfigKey key(String name, String def, String description, KeyOrigin origin, String basis) {
        return new ConfigKey(name, def, description, origin, basis);
    }

    private static Map<String, String> aliases() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sim.parallelismExponent", "sim.parallelism-exponent");
        m.put("sim.deadlineAction", "sim.deadline-action");
        m.put("sim.enforceCapacity", "sim.enforce-capacity");
        m.put("sim.parallelismCost", "sim.parallelism-cost");
        m.put("sim.chargeInitialLightDeploy", "sim.charge-initial-light-deploy");
        m.put("sim.stageTimings", "sim.stage-timings");
        m.put("sim.rateSamples", "sim.rate-samples");
        return Map.copyOf(m);
    }

    /**
     * The declared name of {@code key}: itself when declared, the new name of a deprecated camel-case
     * spelling (warned once per spelling), or null when unknown.
     *
     * @param key a key as written in a scenario or on the command line
     * @return the declared name, or null
     */
    public static String canonical(String key) {
        for (ConfigKey k : DECLARED) {
            if (k.name().equals(key)) {
                return key;
            }
        }
        String renamed = DEPRECATED_ALIASES.get(key);
        if (renamed != null) {
            warnDeprecated(key, renamed);
        }
        return renamed;
    }

    /** Logs once per process that {@code old} is a deprecated spelling of {@code renamed}. */
    static void warnDeprecated(String old, String renamed) {
        if (WARNED.add(old)) {
            LOG.warn("simulator key '{}' is deprecated: use '{}' (the old spelling is still read)", old, renamed);
        }
    }

    /** The declared names, in order. */
    static List<String> names() {
        return DECLARED.stream().map(ConfigKey::name).toList();
    }
}
