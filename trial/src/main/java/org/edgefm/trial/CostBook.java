package org.edgefm.trial;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.scenario.Scenario;
import org.edgefm.trial.parity.TrialLog;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.Directive;

/**
 * The directives in force per node and what follows from them: the cost of eqs. (6)-(7), charged from
 * each directive's first publication through {@link org.edgefm.api.model.ServiceCosts} exactly as the
 * simulator and the planners charge it; the placement changes (a node's instance counts changed); and
 * the directive log parity replays. Not thread-safe: {@link TrialMonitor} holds its lock around every
 * call.
 */
final class CostBook {
    private final Map<String, ServiceSpec> services = new HashMap<>();
    private final double slotMs;
    /** Per node, per service, the instances and parallelism in force. */
    private final Map<String, Map<String, int[]>> desired = new HashMap<>();
    /** Per node, until when its directive in force is charged. */
    private final Map<String, Long> desiredSince = new HashMap<>();
    private double cost;
    /** The form of eq. (7)'s parallelism price and whether slot 0's light instances pay deployment (the simulator's sim.* keys). */
    private boolean parallelismCostTimesY = true;
    private boolean chargeInitialLightDeploy;
    /** When the first directive was seen: the start of slot t = 0 for eq. (7). */
    private long firstDirectiveMs = -1;
    private long placementChanges;
    private final List<Long> placementTimes = new ArrayList<>();
    private final List<TrialLog.DirectiveEvent> directiveLog = new ArrayList<>();

    CostBook(Scenario scenario) {
        scenario.services().forEach(s -> services.put(s.id(), s));
        this.slotMs = scenario.run().slotMs();
    }

    /** How the cost is read, as in the simulator ({@code sim.parallelism-cost}, {@code sim.charge-initial-light-deploy}). */
    void costForm(boolean parallelismTimesY, boolean chargeInitialLightDeploy) {
        this.parallelismCostTimesY = parallelismTimesY;
        this.chargeInitialLightDeploy = chargeInitialLightDeploy;
    }

    /**
     * Directive {@code d} first published at {@code now} is in force from then: the node's previous one is
     * charged up to now, deployment per new instance (light ones from slot 1 on), then the running price
     * per slot while it is in force.
     */
    void inForce(Directive d, long now) {
        accrue(d.nodeId(), now);
        if (firstDirectiveMs < 0) {
            firstDirectiveMs = now;
        }
        boolean slotZero = now - firstDirectiveMs < slotMs;
        Map<String, int[]> before = desired.getOrDefault(d.nodeId(), Map.of());
        Map<String, int[]> after = new HashMap<>();
        for (DesiredService s : d.desired().services()) {
            after.put(s.service(), new int[] {s.instances(), s.parallelism()});
            ServiceSpec spec = services.get(s.service());
            int had = before.containsKey(s.service()) ? before.get(s.service())[0] : 0;
            if (spec != null && (spec.kind() == ServiceKind.CORE || !slotZero || chargeInitialLightDeploy)) {
                cost += spec.costs().deployment(s.instances(), had);
            }
        }
        Map<String, Integer> had = new HashMap<>();
        before.forEach((k, v) -> had.put(k, v[0]));
        Map<String, Integer> has = new HashMap<>();
        after.forEach((k, v) -> has.put(k, v[0]));
        if (desired.containsKey(d.nodeId()) && !had.equals(has)) {
            placementChanges++;
            placementTimes.add(now);
        }
        desired.put(d.nodeId(), after);
        desiredSince.put(d.nodeId(), now);
        directiveLog.add(new TrialLog.DirectiveEvent(now, d.nodeId(), after, d.withoutSecrets()));
    }

    /** The running price of {@code node}'s directive in force, charged up to {@code now}. */
    private void accrue(String node, long now) {
        Long since = desiredSince.get(node);
        Map<String, int[]> in = desired.get(node);
        if (since == null || in == null) {
            return;
        }
        double slots = (now - since) / slotMs;
        for (Map.Entry<String, int[]> e : in.entrySet()) {
            ServiceSpec spec = services.get(e.getKey());
            if (spec != null) {
                cost += slots * spec.costs().running(spec.kind(), e.getValue()[0], e.getValue()[1], parallelismCostTimesY);
            }
        }
        desiredSince.put(node, now);
    }

    /** The cost so far, with every directive in force charged up to {@code now}. */
    double costUntil(long now) {
        for (String n : new ArrayList<>(desired.keySet())) {
            accrue(n, now);
        }
        return cost;
    }

    /** The cost charged so far. */
    double cost() {
        return cost;
    }

    /** Directives that changed a node's instance counts. */
    long placementChanges() {
        return placementChanges;
    }

    /** When each placement change was published (ms since the epoch), in order. */
    List<Long> placementTimes() {
        return placementTimes;
    }

    /** The directives in order of first publication (the live list, for parity). */
    List<TrialLog.DirectiveEvent> directiveLog() {
        return directiveLog;
    }
}
