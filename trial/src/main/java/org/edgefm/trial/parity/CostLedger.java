package org.edgefm.trial.parity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.scenario.Scenario;

/**
 * The cost of eqs. (6)-(7) of a directive history over a horizon, one function for both sides of a
 * parity comparison ({@link org.edgefm.api.model.ServiceCosts}, as the trial's monitor and the
 * simulator charge): the state in force at the horizon's start is the base (its deployment happened
 * before, during the warm-up live and at time 0 in the simulation), each later directive pays the
 * deployment of the instances it adds, and the running price accrues per slot in force up to the
 * horizon's end. Also counts the directives and placement changes within the horizon.
 */
public final class CostLedger {
    private CostLedger() {
    }

    /**
     * What a directive history amounts to over {@code [fromMs, toMs]}.
     *
     * @param cost             eqs. (6)-(7) over the horizon
     * @param directives       directives published after {@code fromMs} up to {@code toMs}
     * @param placementChanges of those, the ones that changed a node's instance counts
     * @param directiveTimes   their times, for the windows
     * @param changeTimes      the placement changes' times
     */
    public record Tally(double cost, long directives, long placementChanges, List<Double> directiveTimes,
            List<Double> changeTimes) {
    }

    /**
     * Charges a directive history.
     *
     * @param events            directives in publication order (times on the horizon's clock)
     * @param scenario          the scenario (service costs, slot length)
     * @param parallelismTimesY the form of eq. (7)'s parallelism price ({@code sim.parallelismCost})
     * @param fromMs            the horizon's start
     * @param toMs              its end
     */
    public static Tally charge(List<TrialLog.DirectiveEvent> events, Scenario scenario, boolean parallelismTimesY,
            double fromMs, double toMs) {
        Map<String, ServiceSpec> services = new HashMap<>();
        scenario.services().forEach(s -> services.put(s.id(), s));
        double slotMs = scenario.run().slotMs();
        List<TrialLog.DirectiveEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(TrialLog.DirectiveEvent::atMs));
        Map<String, Map<String, int[]>> state = new HashMap<>();
        double cost = 0;
        double last = fromMs;
        long directives = 0;
        long changes = 0;
        List<Double> dTimes = new ArrayList<>();
        List<Double> cTimes = new ArrayList<>();
        for (TrialLog.DirectiveEvent e : sorted) {
            double t = e.atMs();
            if (t > toMs) {
                break;
            }
            Map<String, int[]> before = state.get(e.node());
            if (t > fromMs) {
                cost += running(state, services, parallelismTimesY, (t - last) / slotMs);
                last = t;
                directives++;
                dTimes.add(t);
                Map<String, int[]> had = before == null ? Map.of() : before;
                for (Map.Entry<String, int[]> s : e.instances().entrySet()) {
                    ServiceSpec spec = services.get(s.getKey());
                    if (spec != null) {
                        cost += spec.costs().deployment(s.getValue()[0], had.containsKey(s.getKey()) ? had.get(s.getKey())[0] : 0);
                    }
                }
                if (before != null && !counts(before).equals(counts(e.instances()))) {
                    changes++;
                    cTimes.add(t);
                }
            }
            state.put(e.node(), e.instances());
        }
        cost += running(state, services, parallelismTimesY, (toMs - last) / slotMs);
        return new Tally(cost, directives, changes, dTimes, cTimes);
    }

    private static double running(Map<String, Map<String, int[]>> state, Map<String, ServiceSpec> services,
            boolean parallelismTimesY, double slots) {
        if (slots <= 0) {
            return 0;
        }
        double c = 0;
        for (Map<String, int[]> node : state.values()) {
            for (Map.Entry<String, int[]> e : node.entrySet()) {
                ServiceSpec spec = services.get(e.getKey());
                if (spec != null) {
                    c += slots * spec.costs().running(spec.kind(), e.getValue()[0], e.getValue()[1], parallelismTimesY);
                }
            }
        }
        return c;
    }

    private static Map<String, Integer> counts(Map<String, int[]> m) {
        Map<String, Integer> out = new HashMap<>();
        m.forEach((k, v) -> {
            if (v[0] > 0) {
                out.put(k, v[0]);
            }
        });
        return out;
    }
}
