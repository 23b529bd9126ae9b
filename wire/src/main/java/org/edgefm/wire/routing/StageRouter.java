package org.edgefm.wire.routing;

import java.util.List;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;

/**
 * The one reading of a routing table ({@link Route}, {@link WeightedTarget}), used by the agent
 * (on real tasks) and the simulator (on simulated ones), so a task is spread the same way in both.
 *
 * <ul>
 *   <li><b>Which route</b> ({@link #routeOf}): the first route for the task type and stage that
 *       names the task's origin, else the first one without an origin, else none.</li>
 *   <li><b>Which target</b> ({@link #pick}): a target the caller cannot use (node offline, service
 *       not hosted, no path or endpoint: the caller's predicate) and the admission-control target
 *       {@link WeightedTarget#REJECT} are skipped; the others share the task in proportion to their
 *       weights, decided by one uniform draw in [0, 1). No draw is taken when no target is
 *       usable.</li>
 *   <li><b>Admission control</b> ({@link #rejectShare}, {@link #rejects}): a new task is refused with
 *       the reject target's share of its entry stage's route weights, by one draw, taken only when the
 *       share is positive (so a run without admission control draws nothing).</li>
 * </ul>
 *
 * <p>The random source is the caller's: the simulator passes its seeded generator; the agent passes
 * {@link #keyed(String)} of the task id, so a task (and a retry of it) goes to the same node on every
 * agent that holds the same table. Pure functions, no state.
 */
public final class StageRouter {
    /** {@link #pick} found no usable target. */
    public static final int NONE = -1;

    private StageRouter() {
    }

    /**
     * The route of a stage in a routing table: the first for this origin, else the first for any
     * origin.
     *
     * @param routes   the routing table, in the directive's order
     * @param taskType task type id
     * @param stage    stage id
     * @param origin   the node where the task entered
     * @return the route, or null if the table has none for the stage
     */
    public static Route routeOf(List<Route> routes, String taskType, String stage, String origin) {
        Route any = null;
        for (Route r : routes) {
            if (r.taskType().equals(taskType) && r.stage().equals(stage)) {
                if (r.origin() == null) {
                    if (any == null) {
                        any = r;
                    }
                } else if (r.origin().equals(origin)) {
                    return r;
                }
            }
        }
        return any;
    }

    /**
     * Picks one of {@code count} targets in proportion to their weights, among those {@code usable}
     * accepts; the draw is taken once, and only when some target is usable.
     *
     * @param weights the targets' weights ({@code > 0}), first {@code count} used
     * @param count   how many targets
     * @param usable  whether the caller can send to target {@code i}
     * @param draw    a uniform draw in [0, 1)
     * @return the index of the chosen target, or {@link #NONE}
     */
    public static int pick(double[] weights, int count, IntPredicate usable, DoubleSupplier draw) {
        double total = 0;
        for (int i = 0; i < count; i++) {
            if (usable.test(i)) {
                total += weights[i];
            }
        }
        if (total <= 0) {
            return NONE;
        }
        double u = draw.getAsDouble() * total;
        int last = NONE;
        for (int i = 0; i < count; i++) {
            if (usable.test(i)) {
                last = i;
                u -= weights[i];
                if (u < 0) {
                    return i;
                }
            }
        }
        return last; // rounding left u at 0 or just above: the last usable target
    }

    /**
     * {@link #pick(double[], int, IntPredicate, DoubleSupplier)} over a route's targets; the
     * admission-control target is never picked.
     *
     * @param targets a route's targets
     * @param usable  whether the caller can send to a target
     * @param draw    a uniform draw in [0, 1)
     * @return the chosen target, or null if none is usable
     */
    public static WeightedTarget pick(List<WeightedTarget> targets, Predicate<WeightedTarget> usable, DoubleSupplier draw) {
        Objects.requireNonNull(usable, "usable is null");
        int n = targets.size();
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            weights[i] = targets.get(i).weight();
        }
        int i = pick(weights, n, k -> !targets.get(k).isReject() && usable.test(targets.get(k)), draw);
        return i == NONE ? null : targets.get(i);
    }

    /**
     * The share of new tasks a route refuses: the reject target's weight over all the weights.
     *
     * @param targets a route's targets
     * @return a share in [0, 1]; 0 without a reject target
     */
    public static double rejectShare(List<WeightedTarget> targets) {
        double total = 0;
        double reject = 0;
        for (WeightedTarget t : targets) {
            total += t.weight();
            if (t.isReject()) {
                reject += t.weight();
            }
        }
        return total > 0 ? reject / total : 0;
    }

    /**
     * Whether admission control refuses a new task, given the largest reject share among its entry
     * stages' routes; draws only when the share is positive.
     *
     * @param share the reject share, in [0, 1]
     * @param draw  a uniform draw in [0, 1)
     * @return true if the task is refused
     */
    public static boolean rejects(double share, DoubleSupplier draw) {
        return share > 0 && draw.getAsDouble() < share;
    }

    /**
     * A deterministic "draw" for a key (a task id and what is being decided): the same key gives the
     * same value on every machine and every run, and keys that differ in one character (task ids
     * numbered in sequence) give unrelated values. A 64-bit FNV-1a hash of the key's characters,
     * finished with SplitMix64's mixer, scaled to [0, 1).
     *
     * @param key the key, e.g. {@code taskId + "/" + stageId}
     * @return a value in [0, 1)
     */
    public static double uniform(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }

    /**
     * The random source of a task's decision: always {@link #uniform(String)} of the key.
     *
     * @param key the key, e.g. {@code taskId + "/" + stageId}
     * @return a source that gives the same value on every call
     */
    public static DoubleSupplier keyed(String key) {
        Objects.requireNonNull(key, "key is null");
        return () -> uniform(key);
    }

    /**
     * What a task's decisions are keyed by ({@link #keyed}): its task id, or, for a task that is one step
     * of a generation, its sequence id, so that every step of a sequence reaches the same target of each
     * route (sticky routing: the state a part keeps per sequence, such as a key/value cache, is where the
     * next step goes). A new routing table may still move a sequence; the part there reports that it
     * holds none of it, and the sender replays the sequence.
     *
     * @param taskId   the task's id
     * @param sequence the sequence id of a generation step, or null
     * @return the key, e.g. {@code key + "/" + stageId} for {@link #keyed}
     */
    public static String taskKey(String taskId, String sequence) {
        return sequence == null ? taskId : "sequence:" + sequence;
    }
}
