package org.edgefm.planner.lymdo;

import java.util.ArrayList;
import java.util.List;

/**
 * One LyMDO loop without any SPI types (papers.md 4.2, 5.3 items 2-5): per slot it writes the
 * virtual queues into the problem, lets the selector choose cuts and the convex allocator the
 * resources (drift-plus-penalty), and after the slot charges the energy actually spent to the
 * virtual queues. The controller and the tests drive it the same way.
 */
public final class LymdoEngine {
    private final PartitionSelector selector;
    private final ConvexAllocator allocator = new ConvexAllocator();
    private final EnergyQueues queues = new EnergyQueues();

    /** An engine choosing cuts with {@code selector}. */
    public LymdoEngine(PartitionSelector selector) {
        this.selector = selector;
    }

    /** Decides one slot for {@code forecast} (the expected rates and SNRs); queue values are ours. */
    public Allocation decide(SlotProblem forecast) {
        List<SlotProblem.Ue> ues = new ArrayList<>();
        for (SlotProblem.Ue u : forecast.ues()) {
            ues.add(u.withQueue(queues.get(u.id())));
        }
        return selector.select(forecast.withUes(ues), allocator);
    }

    /**
     * Charges the slot that just ended: the energy of {@code decision} under what actually happened
     * ({@code actual}: the realised arrival rates and SNRs) is added to each UE's virtual queue.
     *
     * @return the realised allocation (delays and energies under {@code actual})
     */
    public Allocation account(SlotProblem actual, Allocation decision) {
        Allocation real = ConvexAllocator.evaluate(actual, decision.cuts(), decision.localShare(), decision.txShare(),
                decision.bandwidth(), decision.edgeShare(), decision.infeasibility());
        for (int i = 0; i < actual.size(); i++) {
            SlotProblem.Ue u = actual.ues().get(i);
            double e = real.energyJ()[i];
            queues.update(u.id(), Double.isFinite(e) ? e : 0, u.energyBudgetJ());
        }
        return real;
    }

    /** The virtual queues. */
    public EnergyQueues queues() {
        return queues;
    }

    /** The allocator shared by every selector. */
    public ConvexAllocator allocator() {
        return allocator;
    }

    /** The selector. */
    public PartitionSelector selector() {
        return selector;
    }
}
