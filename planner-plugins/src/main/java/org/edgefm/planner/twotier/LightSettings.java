package org.edgefm.planner.twotier;

import java.util.List;
import org.edgefm.api.ConfigException;
import org.edgefm.api.spi.ConfigKey;
import org.edgefm.api.spi.KeyOrigin;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.planner.latency.LatencyModel;

/**
 * Settings of the light-service controllers ({@code ec-lyapunov} and the light baselines).
 *
 * @param epsilon            ε: target delay-bound violation probability
 * @param v                  V: Lyapunov cost weight
 * @param maxParallelism     y_max
 * @param maxInstances       x_max per (node, service) and slot
 * @param alpha              per-task rate at parallelism y is {@code f / y^α}
 * @param parallelismTimesY  true: {@code c^pl·x·y}; false: {@code c^pl·x} as printed in eq. (7)
 * @param ecIntervalMs       Δt of the effective capacity, 0 = the slot length
 * @param minSamples         measured rate samples needed to use the empirical EC
 * @param staleAfterMs       telemetry older than this marks a node unavailable, 0 = the host's online verdict only
 * @param candidates         K: candidate nodes per stage and origin
 * @param spillRounds        re-routing rounds for demand a node cannot take
 * @param allLightCandidates light stages may use any node (else origin, servers, cloud and core hosts)
 * @param coreRouteSlackMs   core hosts within this much of the best mean latency share a stage's traffic
 * @param demandSmoothing    weight of the newest slot's arrival count in the smoothed demand (1 = that slot only)
 * @param demandFloor        a declared stream is planned for at least this fraction of its declared rate
 * @param headroom           mean-demand multiplier of the mean-sized baselines
 * @param seed               seed of the random baseline
 * @param kmPerMs            propagation speed
 * @param meanChannel        channel averaging in T̄
 * @param leafInput          leaf input sharing
 * @param meanTimeUtilization utilisation cap of the stability guard on mean per-task service time (0 = off)
 * @param costOptimalX       the sizer also weighs more instances at a lower parallelism once an x covers the backlog
 * @param measureAlpha       α per pair from the measured per-task rates at the parallelism levels it ran at
 * @param drainSlots         K: a slot's capacity is sized to clear 1/K of the virtual queue (1 = all of it)
 * @param releaseAfterSlots  a surplus instance is kept this many slots before release; -1 = auto, ceil(c^dp/c^mt) per service
 * @param ecCheck            ablation switch: false sizes ec-lyapunov on the mean rate instead of the effective capacity
 * @param virtualQueues      ablation switch: false keeps ec-lyapunov's virtual queues at 0 (no backlog drain)
 * @param meanTime           how the mean-sized baselines read a task's service time: measured E[a/f] or a/E[f]
 * @param drainBacklog       the mean-sized baselines add the reported backlog (cleared in one slot) to the mean demand
 * @param candidatesPerOrigin K: a stream's light stages are analysed on the K hosts nearest to its origin (plus the
 *                           core hosts); 0 = every reachable host
 * @param admission          admission control: entry-stage routes reject the demand the pairs cannot serve ({@link Admission})
 * @param admissionUtilization ρ of admission control: a core pair's admitted load is at most ρ times its capacity
 * @param sizeForAdmitted    with admission control, light pairs are sized for the share of each stream its core stages
 *                           admit, not for the offered demand ({@code light.admission-sizing})
 * @param rejectUnserved     with admission control, a stream with a stage that no node serves this slot is rejected
 *                           whole at arrival and its load is not counted on its other stages' pairs
 *                           ({@code light.admission-unserved})
 * @param admissionDeadline  with admission control, also admit no more than what each route finishes before its deadline
 *                           ({@code light.admission-deadline}, {@link DeadlineAdmission})
 * @param admissionEpsilon   the deadline rule's target violation probability per stage ({@code light.admission-epsilon})
 * @param serviceFloor       every light stage of a planned stream gets at least one instance on a candidate where room is left
 *                           ({@code light.service-floor}, {@link ServiceFloor})
 * @param alphaConfidence    z: a measured α is taken this many standard errors of its slope above the point estimate
 * @param admissionLightUtilization ρ_l of admission control for light pairs: a light pair admits at most ρ_l times its mean
 *                           capacity x·y^(1−α)/E[a/f], for every sizer; 0 = the sizer's own admissible rate
 *                           ({@code light.admission-light-utilization})
 * @param queueReported      ec-lyapunov's virtual queue is set to the backlog reported for a pair each slot, instead of
 *                           raised to at least it ({@code ec-lyapunov.queue-source})
 * @param queueAsDemand      the share of H a slot clears counts as covered demand in ec-lyapunov's slot objective, instead
 *                           of the drift term ({@code ec-lyapunov.queue-term})
 */
public record LightSettings(double epsilon, double v, int maxParallelism, int maxInstances, double alpha,
        boolean parallelismTimesY, double ecIntervalMs, int minSamples, double staleAfterMs, int candidates, int spillRounds,
        boolean allLightCandidates, double coreRouteSlackMs, double demandSmoothing, double demandFloor, double headroom, long seed, double kmPerMs,
        LatencyModel.MeanChannel meanChannel, LatencyModel.LeafInput leafInput,
        double meanTimeUtilization, boolean costOptimalX, boolean measureAlpha, int drainSlots, int releaseAfterSlots,
        boolean ecCheck, boolean virtualQueues, MeanTime meanTime, boolean drainBacklog, int candidatesPerOrigin,
        boolean admission, double admissionUtilization, boolean sizeForAdmitted, boolean rejectUnserved,
        boolean admissionDeadline, double admissionEpsilon, boolean serviceFloor, double alphaConfidence, boolean queueReported,
        double admissionLightUtilization, boolean queueAsDemand) {

    /** How the mean-sized baselines read the time a task holds an instance slot. */
    public enum MeanTime {
        /** {@code E[a/f]}, from the measured per-task rates once there are enough, else the catalog's rate model. */
        MEASURED,
        /** {@code a/E[f]}: the service's mean rate (the baselines before this key; too low for Gamma shapes near 1). */
        MEAN_RATE
    }

    /** Slots a surplus instance of {@code svc} is kept before release (ski rental: deploy price over maintenance price). */
    public int releaseAfterSlots(org.edgefm.api.model.ServiceSpec svc) {
        if (releaseAfterSlots >= 0) {
            return releaseAfterSlots;
        }
        double mt = svc.costs().maintain();
        double dp = svc.costs().deploy();
        if (dp <= 0) {
            return 0;
        }
        return mt <= 0 ? Integer.MAX_VALUE / 2 : (int) Math.ceil(dp / mt - 1e-9);
    }


    /** The keys of the light controllers. */
    public static final List<ConfigKey> KEYS = List.of(
            new ConfigKey("ec-lyapunov.epsilon", "0.05", "ε: allowed probability that a stage overruns its delay budget",
                    KeyOrigin.RECONSTRUCTION, "epsilon, violation probability of the statistical latency bound that Sec. III-B states; its equations were not retrievable (papers.md 1.5 [I])"),
            new ConfigKey("ec-lyapunov.v", "10", "V of drift-plus-penalty: weight of the cost (7) against the virtual queues",
                    KeyOrigin.RECONSTRUCTION, "V of drift-plus-penalty in the Lyapunov framework Sec. III-B names (papers.md 1.5 [I])"),
            new ConfigKey("ec-lyapunov.max-parallelism", "8", "y_max: highest parallelism level per instance",
                    KeyOrigin.RECONSTRUCTION, "y_max, upper bound of the parallelism level y_{v,m,t} of eqs. (11)-(12); not given (papers.md 5.1)"),
            new ConfigKey("ec-lyapunov.max-instances", "16", "x_max: most instances of one light service per node",
                    KeyOrigin.SOLVER, "x_max, search bound of x^lt per (node, service) pair"),
            new ConfigKey("ec-lyapunov.parallelism-exponent", "0.7",
                    "α: a task's rate at parallelism y is f/y^α (1 = processor sharing, no batching gain); with"
                    + " measure-parallelism-exponent the starting value of each pair's estimate",
                    KeyOrigin.RECONSTRUCTION, "alpha, a task's rate at parallelism y (f/y^alpha); the parallelism model is not stated (papers.md 1.5 [I])"),
            new ConfigKey("ec-lyapunov.parallelism-cost", "x-times-y",
                    "parallelism term of eq. (7): x-times-y = c^pl·x·y; x = c^pl·x as printed",
                    KeyOrigin.PAPER_AMBIGUITY, "eq. (7)'s parallelism price as typeset multiplies x only; c^pl x y is the likely intent (papers.md 1.3)"),
            new ConfigKey("ec-lyapunov.ec-interval-ms", "0", "Δt of the effective capacity (i.i.d. service per interval); 0 = slot length",
                    KeyOrigin.RECONSTRUCTION, "Delta-t of the effective capacity EC(theta) (papers.md 1.5 [I])"),
            new ConfigKey("ec-lyapunov.min-samples", "20", "measured rate samples needed before the empirical EC replaces the catalog's Gamma",
                    KeyOrigin.SOLVER, "measured rate samples before the empirical effective capacity replaces the catalog's Gamma"),
            new ConfigKey("ec-lyapunov.stale-after-ms", "0", "telemetry older than this makes a node unavailable; 0 = no check beyond the host's online verdict",
                    KeyOrigin.GUARD, "telemetry older than this takes a node out; off by default: a fixed three-slot limit took live nodes out of trials on a loaded machine (docs/trial.md)"),
            new ConfigKey("ec-lyapunov.candidates", "3", "K: candidate nodes per (origin, stage), best mean latency first",
                    KeyOrigin.RECONSTRUCTION, "K candidates per (origin, stage) of the greedy node resolution (papers.md 1.5 [I])"),
            new ConfigKey("ec-lyapunov.candidates-per-origin", "32",
                    "K: the mean-value analysis of a stream's light stages considers only the K hosts nearest to its origin"
                    + " (network delay of the measured topology) plus the core hosts, so a slot costs in proportion to the"
                    + " streams, not to streams x fleet size (assumption for large connected fleets; 32 keeps every shipped"
                    + " scenario whole); 0 = every reachable host",
                    KeyOrigin.SOLVER, "scale: a stream's light stages are analysed on its K nearest hosts plus the core hosts; LightChurnBench"),
            new ConfigKey("ec-lyapunov.spill-rounds", "2", "rounds that re-route demand a node could not take to the next candidate",
                    KeyOrigin.RECONSTRUCTION, "rounds that move demand a node could not take to the next candidate (papers.md 1.5 [I])"),
            new ConfigKey("ec-lyapunov.light-candidates", "origin-and-servers",
                    "where light stages may run: origin-and-servers (origin, servers, cloud, core hosts) or all",
                    KeyOrigin.RECONSTRUCTION, "where light stages may run; not stated"),
            new ConfigKey("ec-lyapunov.core-route-slack-ms", "10",
                    "core hosts within this many ms of the best mean latency share a core stage's traffic",
                    KeyOrigin.RECONSTRUCTION, "run-time routing of core stages among hosts (papers.md 5.1 item 6 [I])"),
            new ConfigKey("ec-lyapunov.demand-smoothing", "0.2",
                    "weight of the newest slot's arrival count in the smoothed per-stream demand (EWMA from the declared"
                    + " rate); 1 = the last slot's count only",
                    KeyOrigin.GUARD, "a slot's arrival count is a poor forecast for sparse streams: on jetson-lab every missed two-tier task was unrouted (60 of 829) before it (docs/simulator.md, 'jetson-lab'; LightEngineDemandTest)"),
            new ConfigKey("ec-lyapunov.demand-floor", "0.1",
                    "a declared stream is planned for at least this fraction of its declared rate, so its stages keep an"
                    + " instance and a route through lulls; 0 = none",
                    KeyOrigin.GUARD, "a declared stream keeps an instance and a route through lulls (docs/simulator.md, 'jetson-lab'; LightEngineDemandTest)"),
            new ConfigKey("ec-lyapunov.mean-time-utilization", "0.8",
                    "stability guard of the ec-lyapunov sizer: a pair's admissible rate is at most this times x·y^(1−α)/E[a/f],"
                    + " the mean per-task service time when a task draws its rate once (heavy-tailed for Gamma shapes near 1); 0 = off",
                    KeyOrigin.GUARD, "stability: for Gamma shapes near 1 a task holds a slot 2-3x longer than a/E[f]; without it queues grow (docs/simulator.md, 'The benchmark, fairly'; sweep 0.8,0)"),
            new ConfigKey("ec-lyapunov.cost-optimal-x", "false",
                    "the ec-lyapunov sizer goes on past the first instance count that covers the backlog while more"
                    + " instances at a lower parallelism could cost less in the slot (false = stop at the first covering x;"
                    + " measured: true costs more on paper-table1, docs/simulator.md)",
                    KeyOrigin.SOLVER, "search of the slot problem: stop at the first covering x or go on; true measured costlier on paper-table1 (docs/simulator.md)"),
            new ConfigKey("ec-lyapunov.measure-parallelism-exponent", "true",
                    "true: the ec-lyapunov sizer estimates α per pair from the measured per-task rates (least squares of the"
                    + " mean ln rate on ln y over the levels with min-samples samples), the configured α until two levels"
                    + " are measured; false = the configured α",
                    KeyOrigin.RECONSTRUCTION, "alpha per pair from the agents' measured per-task rates, the y-dependent fit papers.md 1.5 [I] suggests"),
            new ConfigKey("ec-lyapunov.parallelism-exponent-confidence", "0",
                    "z: with measure-parallelism-exponent, every light sizer takes a pair's α as the least-squares estimate plus z"
                    + " standard errors of its slope (from the spread of ln rate at each level), at most 1, so parallelism is"
                    + " counted as throughput only once the measurements show the gain; 0 = the point estimate",
                    KeyOrigin.GUARD, "the clamped point estimate is biased below 1 where parallelism gains nothing; z = 2 took"
                    + " y from 6.8 to 1 on paper-table1-contended's busiest pairs and cut both planners' cost 9-12% at 2x over"
                    + " 2,000 slots at the same on-time rate, but cost two-tier 0.1-1.3 points at 0.5, 4, 8 and 12x in the"
                    + " 40-slot runs, so it is off (docs/simulator.md, 'Behind at 2x: parallelism bought on noise')"),
            new ConfigKey("ec-lyapunov.queue-source", "reported",
                    "the virtual queue H of a (node, service) pair in the ec-lyapunov sizer: reported = H is the backlog the"
                    + " agent reports for the pair each slot (the virtual update only where no report came), so a spike that"
                    + " has been served or expired is forgotten and H is the same backlog the mean-sized baselines drain;"
                    + " virtual = H(t+1) = max(H(t) + z(t) - S(t)Δt, 0), raised to at least the reported backlog (the default"
                    + " before ec-lyapunov.queue-term)",
                    KeyOrigin.RECONSTRUCTION, "H of papers.md 1.5 [I] counts unmet demand; under admission control a pair's"
                    + " arrivals are held at its admissible rate S (or above it, light.admission-light-utilization = 1), so"
                    + " the virtual update has no downward drift and keeps the largest backlog ever reported; with"
                    + " queue-term = demand the sizer would chase that stale backlog (docs/simulator.md, 'The backlog as"
                    + " demand'); alone, reported was cheaper but behind at 4x and 12x ('Behind at 2x and 8x: the queue"
                    + " two-tier reads')"),
            new ConfigKey("ec-lyapunov.queue-term", "demand",
                    "how the virtual queue H enters the ec-lyapunov sizer's slot objective: demand = the share of H a slot's"
                    + " capacity clears (at most H/drain-slots) counts as covered demand, with the expected demand's weight, so"
                    + " a backlogged pair competes for its node's resources as a pair with that much expected demand does;"
                    + " drift = the drift term -H·min((S - λ)⁺Δt, H/K) beside the cost (before this key), which a pair's"
                    + " expected demand elsewhere on the node outweighs by six orders of magnitude",
                    KeyOrigin.RECONSTRUCTION, "paper 1's Sec. III-B objective was not retrievable (papers.md 1.5 [I]); with"
                    + " drift a backlogged pair on a full node got no instances while its queue held 150-650 tasks (draw 11"
                    + " of Table I, es0|light4); demand with queue-source = reported leaves two-tier with no significant"
                    + " deficit against prop-avg on eleven draws and topology variants at 0.5-12x (40 slots) and level or"
                    + " ahead over 2,000 held-out slots, 1-8% dearer (docs/simulator.md, 'The backlog as demand')"),
            new ConfigKey("ec-lyapunov.drain-slots", "1",
                    "K: the ec-lyapunov sizer sizes a slot's capacity to clear 1/K of the pair's virtual queue (backlog) on top"
                    + " of the expected demand; 1 = all of it in one slot; larger K = fewer scale-ups, longer waits",
                    KeyOrigin.RECONSTRUCTION, "how fast the virtual queue H is drained (papers.md 1.5 [I])"),
            new ConfigKey("ec-lyapunov.release-after-slots", "0",
                    "a surplus light instance is kept this many slots after it was last needed before it is released"
                    + " (ski rental); auto = ceil(c^dp/c^mt) of the service, 0 = release at once (measured: no saving on"
                    + " paper-table1, docs/simulator.md)",
                    KeyOrigin.GUARD, "release hysteresis (ski rental) against scale-down/scale-up churn; off by default: no saving measured on paper-table1 (docs/simulator.md)"),
            new ConfigKey("ec-lyapunov.ec-check", "true",
                    "ablation: false sizes the ec-lyapunov pairs on the mean rate x·y^(1−α)·E[f]/a instead of the"
                    + " effective-capacity deadline check (the stability guard and the virtual queues stay)",
                    KeyOrigin.RECONSTRUCTION, "ablation switch of the effective-capacity deadline check (papers.md 1.5 [I])"),
            new ConfigKey("ec-lyapunov.virtual-queues", "true",
                    "ablation: false keeps the ec-lyapunov virtual queues at 0 (no drift term, no backlog drain)",
                    KeyOrigin.RECONSTRUCTION, "ablation switch of the virtual queues H (papers.md 1.5 [I])"),
            new ConfigKey("light.headroom", "1.25", "mean-demand multiplier of prop-avg, greedy-light, random-light, cloud-light"
                    + " and static-light: busy instance slots λ·E[a/f] times this (1.25 = ec-lyapunov's 0.8 utilisation guard);"
                    + " compare planners over a sweep of it (simulate --sweep), not at one value",
                    KeyOrigin.RECONSTRUCTION, "PropAvg's 'capacity proportional to average demand': the factor is not stated (papers.md 1.7 [I]); swept, not fixed (docs/simulator.md, 'The benchmark, fairly')"),
            new ConfigKey("light.mean-time", "measured",
                    "the time a task holds a slot in the mean-sized baselines: measured = E[a/f] from the measured per-task"
                    + " rates (the catalog's rate model until min-samples), as ec-lyapunov's guard reads it; mean-rate = a/E[f]"
                    + " (before this key: 2-3x too low for Table I's Gamma shapes)",
                    KeyOrigin.GUARD, "fair comparison: the mean-sized baselines read E[a/f] as ec-lyapunov's guard does; a/E[f] was 2-3x too low for Table I's Gamma shapes (docs/simulator.md, 'The benchmark, fairly')"),
            new ConfigKey("light.drain-backlog", "true",
                    "the mean-sized baselines (except static-light) add each pair's reported backlog, cleared in one slot,"
                    + " to the mean demand, as ec-lyapunov's virtual queue is raised to it",
                    KeyOrigin.GUARD, "fair comparison: the mean-sized baselines see the backlog that ec-lyapunov's virtual queue is raised to (docs/simulator.md, 'The benchmark, fairly')"),
            new ConfigKey("light.seed", "1", "seed of random-light",
                    KeyOrigin.SOLVER, "seed of random-light"),
            new ConfigKey("light.admission", "reject",
                    "admission control of every light controller on the light engine (assumption: paper 1 has none; a"
                    + " guard against overload): reject = where the demand routed to a (node, service) pair exceeds what it"
                    + " may take (light: the sizer's admissible rate, with the sizer's own guard; core: admission-utilization"
                    + " times instances over a/(f·speed)), the streams through it get a reject share on their entry stages,"
                    + " refused at arrival and counted as rejected; off = every task is admitted and overload queues",
                    KeyOrigin.GUARD, "paper 1 has no admission control; under overload queues grow without bound: paper-table1 at 8x two-tier 2.80% -> 57.6% on time (docs/simulator.md, admission)"),
            new ConfigKey("light.admission-utilization", "0.9",
                    "ρ of light.admission for core pairs: a core pair is given at most ρ times instances/(a/(f·speed)) tasks"
                    + " per ms, in (0, 1]",
                    KeyOrigin.GUARD, "rho of light.admission for core pairs (docs/simulator.md, admission); 1.0 over 2,000 slots"
                    + " (held-out seeds 501-503, 0.5-12x) puts two-tier ahead of prop-avg at 4x but behind on every seed at 1x,"
                    + " 2x and 8x, so 0.9 stays (docs/simulator.md, 'Paper-length runs')"),
            new ConfigKey("light.admission-light-utilization", "1",
                    "ρ_l of light.admission for light pairs, one rule for every light controller: a light pair is given at"
                    + " most ρ_l times the mean capacity x·y^(1−α)/E[a/f] of its instances (E[a/f] and α as measured), in"
                    + " (0, 1]; sizing is unchanged (ec-lyapunov still sizes and spills on its guarded rate); 0 = each sizer's"
                    + " own admissible rate (before 1 was the default: ec-lyapunov's effective capacity with its"
                    + " mean-time-utilization guard, 0.8 of the mean capacity, and the mean sizer's mean capacity, 1.0);"
                    + " with light.admission-deadline = split the same limit is each light pair's rate C",
                    KeyOrigin.GUARD, "paper 1 has no admission step; one limit for every light tier is the fair comparison"
                    + " (the sizers differ, not what they may admit); 1 = the mean sizer's own limit, so prop-avg is"
                    + " unchanged; with 0 two-tier trailed prop-avg at 1x on six of seven draws of Table I (40 slots, admitting"
                    + " less); with 1 it is first or level at every load on six of them and at 2-12x over 2,000 held-out"
                    + " slots (docs/simulator.md, 'One admission limit for every light tier')"),
            new ConfigKey("light.admission-sizing", "admitted",
                    "with light.admission = reject, the demand the light pairs are sized for: admitted = per stream the"
                    + " share its core stages admit (per core service admission-utilization times instances over a/(f·speed),"
                    + " summed over its hosts, against the demand of every stream through it; a stream takes the smallest"
                    + " share over its core services), as the drift-plus-penalty step's arrivals are the tasks that reach a"
                    + " pair's queue; offered = the whole offered demand (before this key: light instances were sized, and"
                    + " resources spent, for tasks the core tier rejects)",
                    KeyOrigin.GUARD, "paper 1 has no admission step; on paper-table1-contended (held-out seeds 501-505, load 1)"
                    + " admitted sizing takes two-tier from 31.41% to 35.50% on time at two thirds of the cost"
                    + " (docs/simulator.md, admission sizing)"),
            new ConfigKey("light.admission-unserved", "admit",
                    "with light.admission = reject, a stream with a stage that no usable node serves this slot (no route"
                    + " after the node resolution): reject = the whole stream is rejected at arrival and its load is not"
                    + " counted on the pairs of its other stages, which it would only occupy before failing as unrouted;"
                    + " admit = it is admitted and its tasks fail at that stage (before this key)",
                    KeyOrigin.GUARD, "paper 1 has no admission step; on paper-table1-contended at 4x the light tier leaves light7"
                    + " without an instance and t2-audio's tasks run their core stage, then fail as unrouted; reject removes"
                    + " them but gives two-tier 6.02% -> 5.32% (development seeds 201-205) and 5.83% -> 5.84% (held-out"
                    + " 501-510), 1.67% -> 2.03% at 8x (docs/simulator.md, the 4x gap)"),
            new ConfigKey("light.admission-deadline", "off",
                    "with light.admission = reject, deadline-aware admission: split = a stream whose deadline D is below the"
                    + " mean-value end-to-end time T of its best route (no queueing) is rejected whole, and every (node, service)"
                    + " pair takes at most the load whose queueing delay stays within its budget with probability 1 - epsilon:"
                    + " each pair a server of rate C (light: the sizer's admissible rate for the instances granted, i.e."
                    + " ec-lyapunov's effective capacity with its guard or the mean sizer's mean capacity; core: instances over"
                    + " a/(f·speed)) fed by Poisson arrivals, limit C·t/(e^t - 1) with t = -ln(epsilon)/(C·b), b the smallest"
                    + " (D - T)/n among the streams through it (n: stages on the longest leaf-to-sink path); off = mean-rate"
                    + " limits only (before this key)",
                    KeyOrigin.RECONSTRUCTION, "paper 1 has no admission step; the delay bound is papers.md 1.5's effective-capacity"
                    + " reading (Wu and Negi) with the effective bandwidth of Poisson arrivals, the equal split of a route's slack"
                    + " over its stages is ours (docs/simulator.md, deadline-aware admission)"),
            new ConfigKey("light.admission-epsilon", "0.05",
                    "target violation probability per stage of light.admission-deadline = split, in (0, 1)",
                    KeyOrigin.RECONSTRUCTION, "epsilon of the deadline-aware admission; same default as ec-lyapunov.epsilon"
                    + " (docs/simulator.md, deadline-aware admission)"),
            new ConfigKey("light.service-floor", "off",
                    "one = after the node resolution, every light stage of a planned stream that none of its candidate nodes"
                    + " serves gets one instance reserved on its first candidate that can hold one (streams by decreasing rate),"
                    + " and that node is resolved again with the reserved instance first; off = the resolution alone decides,"
                    + " and a service with little demand can get no instance anywhere (before this key)",
                    KeyOrigin.GUARD, "paper 1 sizes each pair on its own; on paper-table1-contended at 4x light7 got no instance"
                    + " and t2-audio's admitted tasks failed as unrouted (docs/simulator.md, deadline-aware admission)"));

    /** Keys the light engine reads for every light controller (candidates, routing, demand, limits, measurement). */
    public static final java.util.Set<String> ENGINE_KEYS = java.util.Set.of("ec-lyapunov.max-instances",
            "ec-lyapunov.max-parallelism", "ec-lyapunov.parallelism-exponent", "ec-lyapunov.parallelism-cost",
            "ec-lyapunov.min-samples", "ec-lyapunov.stale-after-ms", "ec-lyapunov.candidates", "ec-lyapunov.candidates-per-origin", "ec-lyapunov.spill-rounds",
            "ec-lyapunov.light-candidates", "ec-lyapunov.core-route-slack-ms", "ec-lyapunov.demand-smoothing",
            "ec-lyapunov.demand-floor", "ec-lyapunov.measure-parallelism-exponent",
            "ec-lyapunov.parallelism-exponent-confidence", "light.admission",
            "light.admission-utilization", "light.admission-sizing", "light.admission-unserved", "light.admission-deadline",
            "light.admission-epsilon", "light.service-floor", "light.admission-light-utilization");

    /** Keys only the ec-lyapunov sizer reads. */
    public static final java.util.Set<String> EC_LYAPUNOV_KEYS = java.util.Set.of("ec-lyapunov.epsilon", "ec-lyapunov.v",
            "ec-lyapunov.ec-interval-ms", "ec-lyapunov.mean-time-utilization", "ec-lyapunov.cost-optimal-x",
            "ec-lyapunov.drain-slots", "ec-lyapunov.release-after-slots", "ec-lyapunov.ec-check", "ec-lyapunov.virtual-queues",
            "ec-lyapunov.queue-source", "ec-lyapunov.queue-term");

    /** Keys the mean sizer of the baselines reads ({@link MeanSizer}). */
    public static final java.util.Set<String> MEAN_KEYS = java.util.Set.of("light.headroom", "light.mean-time",
            "light.drain-backlog");

    /** Keys of the mean sizer plus {@code light.seed} (random-light). */
    public static final java.util.Set<String> MEAN_RANDOM_KEYS = java.util.Set.of("light.headroom", "light.mean-time",
            "light.drain-backlog", "light.seed");

    /** Reads and validates the settings. */
    public static LightSettings from(PlannerConfig c) {
        double eps = c.getDouble("ec-lyapunov.epsilon", 0.05);
        if (!(eps > 0 && eps < 1)) {
            throw new ConfigException("ec-lyapunov.epsilon: " + eps + " (expected: in (0, 1))");
        }
        double v = CoreSettings.nonNegative(c, "ec-lyapunov.v", 10);
        int ymax = atLeast(c, "ec-lyapunov.max-parallelism", 8, 1);
        int xmax = atLeast(c, "ec-lyapunov.max-instances", 16, 1);
        double alpha = c.getDouble("ec-lyapunov.parallelism-exponent", 0.7);
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new ConfigException("ec-lyapunov.parallelism-exponent: " + alpha + " (expected: in [0, 1])");
        }
        boolean xy = c.getChoice("ec-lyapunov.parallelism-cost", "x-times-y", "x-times-y", "x").equals("x-times-y");
        double dt = CoreSettings.nonNegative(c, "ec-lyapunov.ec-interval-ms", 0);
        int minS = atLeast(c, "ec-lyapunov.min-samples", 20, 1);
        double stale = CoreSettings.nonNegative(c, "ec-lyapunov.stale-after-ms", 0);
        int k = atLeast(c, "ec-lyapunov.candidates", 3, 1);
        int spill = atLeast(c, "ec-lyapunov.spill-rounds", 2, 0);
        boolean all = c.getChoice("ec-lyapunov.light-candidates", "origin-and-servers", "origin-and-servers", "all").equals("all");
        double slack = CoreSettings.nonNegative(c, "ec-lyapunov.core-route-slack-ms", 10);
        double smoothing = c.getDouble("ec-lyapunov.demand-smoothing", 0.2);
        if (!(smoothing > 0 && smoothing <= 1)) {
            throw new ConfigException("ec-lyapunov.demand-smoothing: " + smoothing + " (expected: in (0, 1])");
        }
        double floor = c.getDouble("ec-lyapunov.demand-floor", 0.1);
        if (!(floor >= 0 && floor <= 1)) {
            throw new ConfigException("ec-lyapunov.demand-floor: " + floor + " (expected: in [0, 1])");
        }
        double head = CoreSettings.positive(c, "light.headroom", 1.25);
        boolean ecCheck = c.getChoice("ec-lyapunov.ec-check", "true", "true", "false").equals("true");
        boolean virtualQueues = c.getChoice("ec-lyapunov.virtual-queues", "true", "true", "false").equals("true");
        MeanTime meanTime = c.getChoice("light.mean-time", "measured", "measured", "mean-rate").equals("measured")
                ? MeanTime.MEASURED : MeanTime.MEAN_RATE;
        boolean drainBacklog = c.getChoice("light.drain-backlog", "true", "true", "false").equals("true");
        long seed = c.getInt("light.seed", 1);
        double meanUtil = c.getDouble("ec-lyapunov.mean-time-utilization", 0.8);
        if (!(meanUtil >= 0 && meanUtil <= 1)) {
            throw new ConfigException("ec-lyapunov.mean-time-utilization: " + meanUtil + " (expected: in [0, 1])");
        }
        boolean costOptimalX = c.getChoice("ec-lyapunov.cost-optimal-x", "false", "true", "false").equals("true");
        boolean measureAlpha = c.getChoice("ec-lyapunov.measure-parallelism-exponent", "true", "true", "false").equals("true");
        int drainSlots = atLeast(c, "ec-lyapunov.drain-slots", 1, 1);
        String release = c.getString("ec-lyapunov.release-after-slots", "0").trim();
        int releaseAfter = -1;
        if (!release.equals("auto")) {
            try {
                releaseAfter = Integer.parseInt(release);
            } catch (NumberFormatException e) {
                releaseAfter = -1;
            }
            if (releaseAfter < 0) {
                throw new ConfigException("ec-lyapunov.release-after-slots: '" + release + "' (expected: auto or an integer >= 0)");
            }
        }
        boolean admission = c.getChoice("light.admission", "reject", "reject", "off").equals("reject");
        double admissionUtil = c.getDouble("light.admission-utilization", 0.9);
        if (!(admissionUtil > 0 && admissionUtil <= 1)) {
            throw new ConfigException("light.admission-utilization: " + admissionUtil + " (expected: in (0, 1])");
        }
        boolean sizeForAdmitted = c.getChoice("light.admission-sizing", "admitted", "admitted", "offered").equals("admitted");
        boolean rejectUnserved = c.getChoice("light.admission-unserved", "admit", "reject", "admit").equals("reject");
        boolean admissionDeadline = c.getChoice("light.admission-deadline", "off", "split", "off").equals("split");
        double admissionEps = c.getDouble("light.admission-epsilon", 0.05);
        if (!(admissionEps > 0 && admissionEps < 1)) {
            throw new ConfigException("light.admission-epsilon: " + admissionEps + " (expected: in (0, 1))");
        }
        boolean serviceFloor = c.getChoice("light.service-floor", "off", "one", "off").equals("one");
        double lightUtil = c.getDouble("light.admission-light-utilization", 1);
        if (!(lightUtil >= 0 && lightUtil <= 1)) {
            throw new ConfigException("light.admission-light-utilization: " + lightUtil + " (expected: 0 or in (0, 1])");
        }
        return new LightSettings(eps, v, ymax, xmax, alpha, xy, dt, minS, stale, k, spill, all, slack, smoothing, floor, head, seed,
                CoreSettings.kmPerMs(c), CoreSettings.meanChannel(c), CoreSettings.leafInput(c), meanUtil, costOptimalX, measureAlpha, drainSlots, releaseAfter,
                ecCheck, virtualQueues, meanTime, drainBacklog, CoreSettings.atLeastZero(c, "ec-lyapunov.candidates-per-origin", 32),
                admission, admissionUtil, sizeForAdmitted, rejectUnserved, admissionDeadline, admissionEps,
                serviceFloor, CoreSettings.nonNegative(c, "ec-lyapunov.parallelism-exponent-confidence", 0),
                c.getChoice("ec-lyapunov.queue-source", "reported", "virtual", "reported").equals("reported"), lightUtil,
                c.getChoice("ec-lyapunov.queue-term", "demand", "demand", "drift").equals("demand"));
    }

    private static int atLeast(PlannerConfig c, String key, int def, int min) {
        int v = c.getInt(key, def);
        if (v < min) {
            throw new ConfigException(key + ": " + v + " (expected: >= " + min + ")");
        }
        return v;
    }
}
