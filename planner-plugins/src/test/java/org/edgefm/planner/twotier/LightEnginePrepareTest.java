package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.ServiceObservation;
import org.edgefm.api.spi.SlotObservation;
import org.junit.jupiter.api.Test;

/**
 * {@link LightEngine#prepare}: the stream analyses of a core placement made before it comes into force are
 * taken by the first slot on it, which then analyses nothing, and every decision equals that of an engine
 * that was not prepared (the fleet of {@code bench load}, 120 nodes: slots with no placement, as while a
 * fleet joins, then the placement; also with a node lost between the preparation and the placement's first
 * slot, and with a preparation for a placement that never comes into force).
 */
class LightEnginePrepareTest {
    private static final LoadBenchFleet FLEET = new LoadBenchFleet(120);

    private final SplittableRandom random = new SplittableRandom(7);

    /** The slot's observation, with agent-like figures for the pairs of {@code last}. */
    private SlotObservation observation(long slot, CorePlacement placement, Set<String> down, LightDecision last) {
        List<ServiceObservation> services = new ArrayList<>();
        if (last != null) {
            for (ServiceAllocation a : last.allocations()) {
                int arrivals = random.nextInt(4);
                services.add(new ServiceObservation(a.node(), a.service(), a.instances(), a.parallelism(), random.nextInt(3),
                        random.nextInt(2), arrivals, arrivals, new double[] {0.05 + 0.1 * random.nextDouble()}, null));
            }
        }
        return new SlotObservation(slot, slot * 500.0, 500, FLEET.model, placement, FLEET.nodes(down), services, List.of(),
                List.of(), List.of(), null);
    }

    private static LightEngine engine() {
        return EcLyapunovController.engine(LightSettings.from(PlannerConfig.EMPTY));
    }

    /**
     * Runs two engines side by side: three slots without a placement, then {@code prepare} on the first
     * engine only, then six slots on {@code placement} ({@code down} offline from the first of them on).
     *
     * @return the analyses in the first slot on the placement: {prepared engine, the other}
     */
    private long[] sideBySide(CorePlacement prepared, Set<String> down) {
        LightEngine with = engine();
        LightEngine without = engine();
        LightDecision last = null;
        for (long slot = 0; slot < 3; slot++) {
            SlotObservation obs = observation(slot, CorePlacement.EMPTY, Set.of(), last);
            LightDecision a = with.decide(obs).plan().orElseThrow();
            assertThat(a).isEqualTo(without.decide(obs).plan().orElseThrow());
            last = a;
        }
        with.prepare(FLEET.model, prepared);
        assertThat(with.preparedAnalyses()).isPositive();
        long[] firstSlot = {-1, -1};
        for (long slot = 3; slot < 9; slot++) {
            SlotObservation obs = observation(slot, FLEET.placement, down, last);
            long before = with.analyses();
            long beforeWithout = without.analyses();
            LightDecision a = with.decide(obs).plan().orElseThrow();
            assertThat(a).as("slot %d", slot).isEqualTo(without.decide(obs).plan().orElseThrow());
            if (slot == 3) {
                firstSlot = new long[] {with.analyses() - before, without.analyses() - beforeWithout};
            }
            assertThat(a.allocations()).isNotEmpty();
            last = a;
        }
        return firstSlot;
    }

    @Test
    void prepare_firstSlotOnThePlacement_analysesNothing_andDecidesAsWithout() {
        long[] analysed = sideBySide(FLEET.placement, Set.of());
        assertThat(analysed[0]).isZero();
        assertThat(analysed[1]).isEqualTo(FLEET.model.users().size());
    }

    @Test
    void prepare_thenANodeLeaves_analysesRepaired_andDecidesAsWithout() {
        String edge = FLEET.model.topology().nodes().stream().filter(n -> n.kind() != org.edgefm.api.model.NodeKind.DEVICE)
                .filter(n -> FLEET.placement.onNode(n.id()).isEmpty()).findFirst().orElseThrow().id();
        long[] analysed = sideBySide(FLEET.placement, Set.of(edge));
        assertThat(analysed[0]).isLessThanOrEqualTo(analysed[1]);
    }

    @Test
    void prepare_forAnotherPlacement_isNotTaken_andDecidesAsWithout() {
        CorePlacement other = FLEET.placement.withoutNode(FLEET.placement.assignments().get(0).node());
        long[] analysed = sideBySide(other, Set.of());
        assertThat(analysed[0]).isEqualTo(analysed[1]).isPositive();
    }
}
