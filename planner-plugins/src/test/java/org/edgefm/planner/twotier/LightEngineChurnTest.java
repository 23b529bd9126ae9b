package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.Topology;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.SlotObservation;
import org.junit.jupiter.api.Test;

/**
 * The light engine keeps its stream analyses across a change of the usable nodes and re-analyses only
 * the streams the change touches: on random changes of a linked cell fleet (devices and the edge
 * servers that carry the backbone leave and come back, several at once) every decision equals the one
 * of an engine that analyses every stream from scratch after each change.
 */
class LightEngineChurnTest {
    private static List<DemandEstimate> arrivals(SystemModel m, SplittableRandom r) {
        List<DemandEstimate> d = new ArrayList<>();
        for (Demand w : m.workload()) {
            d.add(new DemandEstimate(w.user(), w.taskType(), w.arrivals().meanRatePerMs() * (0.25 + 1.5 * r.nextDouble())));
        }
        return d;
    }

    private static List<NodeObservation> nodes(SystemModel m, CorePlacement p, Set<String> down) {
        Map<String, ResourceVector> used = new HashMap<>();
        for (CoreAssignment a : p.assignments()) {
            used.merge(a.node(), m.service(a.service()).demand().times(a.instances()), ResourceVector::plus);
        }
        List<NodeObservation> out = new ArrayList<>();
        for (NodeSpec n : m.topology().nodes()) {
            out.add(new NodeObservation(n.id(), !down.contains(n.id()),
                    n.capacity().minusFloored(used.getOrDefault(n.id(), ResourceVector.ZERO)), 0.0, null));
        }
        return out;
    }

    /**
     * The cell fleet plus fast links between random devices of different cells: devices (not light
     * candidates) then carry traffic between candidates, so a device that leaves changes delays an
     * analysis read without changing any candidate set.
     */
    private static SystemModel withShortcuts(SystemModel m, SplittableRandom r) {
        List<NodeSpec> devices = m.topology().nodes().stream().filter(n -> n.kind() == NodeKind.DEVICE).toList();
        List<LinkSpec> links = new ArrayList<>(m.topology().links());
        Set<String> pairs = new HashSet<>();
        links.forEach(l -> pairs.add(l.a() + "|" + l.b()));
        for (int i = 0; i < 60; i++) {
            String a = devices.get(r.nextInt(devices.size())).id();
            String b = devices.get(r.nextInt(devices.size())).id();
            if (!a.equals(b) && pairs.add(a + "|" + b) && pairs.add(b + "|" + a)) {
                links.add(new LinkSpec(a, b, 1.0 + r.nextDouble() * 10, r.nextDouble() * 5, 0));
            }
        }
        return new SystemModel(new Topology(m.topology().nodes(), links), m.services(), m.taskTypes(), m.users(), m.workload());
    }

    @Test
    void decide_onRandomNodeSetChanges_equalsAnalysingFromScratch() {
        SystemModel m = withShortcuts(CandidatesPerOriginTest.linkedCells(160), new SplittableRandom(5));
        PlannerConfig config = PlannerConfig.of(Map.of("ec-lyapunov.candidates-per-origin", 10));
        List<DemandEstimate> declared = arrivals(m, new SplittableRandom(3));
        CorePlacement p = new org.edgefm.planner.baseline.GreedyCorePlanner(CoreSettings.from(PlannerConfig.EMPTY))
                .place(new CorePlacementContext(m, declared, Set.of(), CorePlacement.EMPTY,
                        CorePlacementContext.Trigger.START, Duration.ofSeconds(30))).plan().orElseThrow();
        LightSettings s = LightSettings.from(config);
        LightEngine incremental = EcLyapunovController.engine(s);
        LightEngine reference = EcLyapunovController.engine(s);
        reference.analyseFromScratch();

        SplittableRandom r = new SplittableRandom(11);
        List<String> ids = new ArrayList<>(m.topology().nodesById().keySet());
        List<String> servers = m.topology().nodes().stream().filter(n -> n.kind() != NodeKind.DEVICE).map(NodeSpec::id).toList();
        Set<String> down = new HashSet<>();
        int changes = 0;
        int routed = 0;
        for (long k = 0; k < 60; k++) {
            if (k > 0 && r.nextInt(3) > 0) {
                changes++;
                for (int f = 1 + r.nextInt(3); f > 0; f--) {
                    String id = r.nextInt(3) == 0 ? servers.get(r.nextInt(servers.size())) : ids.get(r.nextInt(ids.size()));
                    if (down.size() >= 6 && !down.contains(id)) {
                        id = down.iterator().next(); // a few at a time: one comes back
                    }
                    if (!down.remove(id)) {
                        down.add(id);
                    }
                }
            }
            SlotObservation obs = new SlotObservation(k, k * 500.0, 500, m, p, nodes(m, p, down), List.of(), arrivals(m, r),
                    List.of(), List.of(), null);
            PlanResult<LightDecision> a = incremental.decide(obs);
            PlanResult<LightDecision> b = reference.decide(obs);
            assertThat(a.plan()).as("slot %d, %d nodes down", k, down.size()).isEqualTo(b.plan());
            assertThat(a.reasons()).as("slot %d", k).isEqualTo(b.reasons());
            routed += a.plan().isPresent() && !a.plan().get().routing().routes().isEmpty() ? 1 : 0;
        }
        System.out.printf("%d of 60 slots routed; %d analyses incremental, %d from scratch%n", routed, incremental.analyses(),
                reference.analyses());
        assertThat(changes).isGreaterThan(30);
        assertThat(routed).isGreaterThan(40);
        // the incremental engine kept most analyses: far fewer streams analysed than from scratch
        assertThat(incremental.analyses()).isLessThan(reference.analyses() / 2);
        assertThat(incremental.analyses()).isGreaterThan(m.workload().size());
    }

    @Test
    void decide_onNewCorePlacements_keepsTheDelaysAndEqualsAnalysingFromScratch() {
        SystemModel m = withShortcuts(CandidatesPerOriginTest.linkedCells(120), new SplittableRandom(7));
        List<DemandEstimate> declared = arrivals(m, new SplittableRandom(3));
        CorePlacement p = new org.edgefm.planner.baseline.GreedyCorePlanner(CoreSettings.from(PlannerConfig.EMPTY))
                .place(new CorePlacementContext(m, declared, Set.of(), CorePlacement.EMPTY,
                        CorePlacementContext.Trigger.START, Duration.ofSeconds(30))).plan().orElseThrow();
        List<String> hosts = p.assignments().stream().map(a -> a.node()).distinct().toList();
        LightSettings s = LightSettings.from(PlannerConfig.of(Map.of("ec-lyapunov.candidates-per-origin", 10)));
        LightEngine incremental = EcLyapunovController.engine(s);
        LightEngine reference = EcLyapunovController.engine(s);
        reference.analyseFromScratch();
        SplittableRandom r = new SplittableRandom(13);
        Set<String> down = new HashSet<>();
        CorePlacement current = p;
        int placements = 0;
        for (long k = 0; k < 24; k++) {
            if (k % 3 == 2) {
                // a host lost (its instances fail over), in the same slot as the usable nodes change, or the plan back
                String host = hosts.get(r.nextInt(hosts.size()));
                boolean lose = current == p;
                current = lose ? p.withoutNode(host) : p;
                if (lose) {
                    down.add(host);
                } else {
                    down.clear();
                }
                placements++;
            }
            SlotObservation obs = new SlotObservation(k, k * 500.0, 500, m, current, nodes(m, current, down), List.of(),
                    arrivals(m, r), List.of(), List.of(), null);
            assertThat(incremental.decide(obs).plan()).as("slot %d", k).isEqualTo(reference.decide(obs).plan());
        }
        assertThat(placements).isGreaterThan(5);
    }
}
