package org.edgefm.planner.lymdo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    private final Map<String, Double> localBacklog = new HashMap<>();
    private final Map<String, Double> uplinkBacklog = new HashMap<>();

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
     * Charges the slot that just ended: the energy spent in it under {@code decision}
     * ({@code actual}: the realised arrival rates and SNRs) is added to each UE's virtual queue. The
     * energy is that of the work served in the slot, backlog included: the engine tracks each UE's
     * local-compute and uplink backlogs (papers.md 4.2's slotted queue update, in work units) so
     * that a burst that spills into later slots is charged when, and at the shares with which, it
     * is served.
     *
     * @return the realised allocation (delays and energies under {@code actual})
     */
    public Allocation account(SlotProblem actual, Allocation decision) {
        Allocation real = ConvexAllocator.evaluate(actual, decision.cuts(), decision.localShare(), decision.txShare(),
                decision.bandwidth(), decision.edgeShare(), decision.infeasibility());
        double[] spent = servedEnergyJ(actual, decision);
        for (int i = 0; i < actual.size(); i++) {
            SlotProblem.Ue u = actual.ues().get(i);
            double e = spent[i];
            queues.update(u.id(), Double.isFinite(e) ? e : 0, u.energyBudgetJ());
        }
        return real;
    }

    /**
     * Charges the slot that just ended with measured energies: {@code measuredJ[i]} J spent by UE
     * {@code i} of {@code actual} (a simulator's or device's account, which sees what the model
     * cannot: tasks in flight when the shares change, random service and transmission times). The
     * model's backlogs are still advanced so that a later slot without measurements charges
     * consistently.
     *
     * @return the realised allocation (delays and energies of the model under {@code actual})
     */
    public Allocation accountMeasured(SlotProblem actual, Allocation decision, double[] measuredJ) {
        if (measuredJ.length != actual.size()) {
            throw new IllegalArgumentException("measured energies: " + measuredJ.length + " (expected: " + actual.size() + ")");
        }
        Allocation real = ConvexAllocator.evaluate(actual, decision.cuts(), decision.localShare(), decision.txShare(),
                decision.bandwidth(), decision.edgeShare(), decision.infeasibility());
        servedEnergyJ(actual, decision);
        for (int i = 0; i < actual.size(); i++) {
            SlotProblem.Ue u = actual.ues().get(i);
            queues.update(u.id(), measuredJ[i], u.energyBudgetJ());
        }
        return real;
    }

    /**
     * The energy per UE of the work served in one slot: local busy time
     * {@code min(Δt, (W^L + n c^L(l)) / φ)} at {@code P^L φ³} and airtime
     * {@code min(Δt, (W^T + n d(l)) / (βR))} at {@code P^T ψ}, where {@code W^L} (ms of work at full
     * frequency) and {@code W^T} (MB) are the backlogs left by earlier slots; updates the backlogs.
     */
    private double[] servedEnergyJ(SlotProblem p, Allocation a) {
        double[] out = new double[p.size()];
        double dt = p.slotMs();
        for (int i = 0; i < p.size(); i++) {
            SlotProblem.Ue u = p.ues().get(i);
            int l = a.cuts()[i];
            double tasks = u.ratePerMs() * dt;
            double phi = a.localShare()[i];
            double psi = a.txShare()[i];
            double work = localBacklog.getOrDefault(u.id(), 0.0) + tasks * u.profile().local(l);
            double busy = phi > 0 ? Math.min(dt, work / phi) : 0;
            localBacklog.put(u.id(), Math.max(0, work - phi * dt));
            double r = a.bandwidth()[i] * ConvexAllocator.rate(p, u, psi);
            double mb = uplinkBacklog.getOrDefault(u.id(), 0.0) + tasks * u.profile().uplink(l);
            double air = r > 0 ? Math.min(dt, mb / r) : 0;
            uplinkBacklog.put(u.id(), Math.max(0, mb - r * dt));
            out[i] = (busy * u.localPowerW() * phi * phi * phi + air * u.txPowerW() * psi) / 1000.0;
        }
        return out;
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
