package org.edgefm.trial.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.edgefm.sim.SimulationRun;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.Directive;
import org.edgefm.wire.TaskCompletion;

/**
 * {@code simulate --deployment-at}: what each node of one run was told to run at the start of the chosen
 * slots. A directive applied at virtual time {@code t} is in force from slot {@code ⌊t / slotMs⌋} on; the
 * deployment at slot {@code k} is each node's latest directive of a slot up to {@code k} (a node never told
 * anything by then is absent). Bounded by the nodes times the chosen slots.
 */
final class DeploymentRecorder implements SimulationRun.Observer {
    /** One node's desired services at one slot. */
    record NodeDeployment(String node, List<DesiredService> services) {
    }

    /** The deployment in force at the start of {@code slot}, node by node in id order. */
    record AtSlot(int slot, List<NodeDeployment> nodes) {
    }

    private final double slotMs;
    private final int[] slots;
    /** Per chosen slot: node → its latest directive's services up to that slot. */
    private final List<Map<String, List<DesiredService>>> state = new ArrayList<>();

    DeploymentRecorder(double slotMs, List<Integer> slots) {
        this.slotMs = slotMs;
        this.slots = slots.stream().mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < this.slots.length; i++) {
            state.add(new TreeMap<>());
        }
    }

    @Override
    public void onDirective(double nowMs, Directive directive) {
        // the loop steps at a slot's start; the small epsilon keeps a start read as k·slotMs − ulp in slot k
        long slot = (long) Math.floor(nowMs / slotMs + 1e-9);
        for (int i = 0; i < slots.length; i++) {
            if (slot <= slots[i]) {
                state.get(i).put(directive.nodeId(), directive.desired().services());
            }
        }
    }

    @Override
    public void onCompletions(List<TaskCompletion> completions) {
    }

    /** The deployments at the chosen slots, in the order they were asked for. */
    List<AtSlot> deployments() {
        List<AtSlot> out = new ArrayList<>(slots.length);
        for (int i = 0; i < slots.length; i++) {
            List<NodeDeployment> nodes = new ArrayList<>();
            state.get(i).forEach((node, services) -> nodes.add(new NodeDeployment(node, services)));
            out.add(new AtSlot(slots[i], nodes));
        }
        return out;
    }
}
