package org.edgefm.trial;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.edgefm.host.fleet.FleetState;
import org.edgefm.trial.parity.TrialLog;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.InstanceStop;

/**
 * The model switches of a trial: per node, the instances each applied ack loaded (with their preload
 * times and weights) and unloaded, as the host's fleet state recorded them once per directive. Not
 * thread-safe: {@link TrialMonitor} holds its lock around every call.
 */
final class SwitchBook {
    private final Map<String, List<TrialSummary.Load>> loads = new TreeMap<>();
    private final Map<String, List<TrialSummary.Unload>> unloads = new TreeMap<>();
    /** Every load in order, for parity. */
    private final List<TrialLog.Load> loadLog = new ArrayList<>();

    /** The loads and unloads of {@code node}'s applied directive {@code version}, {@code atS} into the trial. */
    void applied(String node, long version, FleetState.AckSwitches sw, double atS) {
        List<TrialSummary.Load> l = loads.computeIfAbsent(node, k -> new ArrayList<>());
        for (InstanceStart s : sw.started()) {
            l.add(new TrialSummary.Load(s.service(), version, atS, s.preloadMs(), s.weights()));
            loadLog.add(new TrialLog.Load(node, s.service(), s.preloadMs()));
        }
        List<TrialSummary.Unload> u = unloads.computeIfAbsent(node, k -> new ArrayList<>());
        for (InstanceStop s : sw.stopped()) {
            u.add(new TrialSummary.Unload(s.service(), version, atS));
        }
    }

    /** The largest preload so far, in ms, or null without one. */
    Double maxPreloadMs() {
        Double max = null;
        for (List<TrialSummary.Load> l : loads.values()) {
            for (TrialSummary.Load x : l) {
                if (x.preloadMs() != null && (max == null || x.preloadMs() > max)) {
                    max = x.preloadMs();
                }
            }
        }
        return max;
    }

    /** Every load in order (the live list), for parity. */
    List<TrialLog.Load> loadLog() {
        return loadLog;
    }

    /** Per node that loaded or unloaded an instance: its loads and unloads in order. */
    Map<String, TrialSummary.Switches> switches() {
        Set<String> nodes = new TreeSet<>(loads.keySet());
        nodes.addAll(unloads.keySet());
        Map<String, TrialSummary.Switches> out = new LinkedHashMap<>();
        for (String n : nodes) {
            out.put(n, new TrialSummary.Switches(loads.getOrDefault(n, List.of()), unloads.getOrDefault(n, List.of())));
        }
        return out;
    }
}
