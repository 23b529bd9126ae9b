package org.edgefm.planner.baseline;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.Reason;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.SlotObservation;

/**
 * The {@code all-static} baseline's light tier: light services are placed once, like core ones,
 * sized on the declared mean demand in the first slot, and never changed; allocations on nodes
 * that are offline later are dropped (noted), nothing is re-placed.
 */
public final class StaticLightController implements LightServiceController {
    private final LightServiceController planner;
    private LightDecision fixed;

    /**
     * The baseline as shipped: its one decision is {@code prop-avg}'s on the declared demand.
     *
     * @param s validated settings
     */
    public StaticLightController(org.edgefm.planner.twotier.LightSettings s) {
        this(new PropAvgController(s));
    }

    /** @param planner the controller that makes the one decision (mean sizing on declared demand) */
    public StaticLightController(LightServiceController planner) {
        this.planner = planner;
    }

    @Override
    public PlanResult<LightDecision> decide(SlotObservation obs) {
        if (fixed == null) {
            SlotObservation first = new SlotObservation(obs.slot(), obs.nowMs(), obs.slotMs(), obs.model(), obs.corePlacement(),
                    obs.nodes(), obs.services(), List.of(), obs.users(), obs.links(), obs.previous());
            PlanResult<LightDecision> r = planner.decide(first);
            if (r.plan().isEmpty()) {
                return r;
            }
            fixed = r.plan().get();
            return r;
        }
        List<ServiceAllocation> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (ServiceAllocation a : fixed.allocations()) {
            NodeObservation n = obs.node(a.node());
            if (n != null && n.online()) {
                kept.add(a);
            } else {
                dropped.add(a.service() + "@" + a.node());
            }
        }
        List<Reason> notes = new ArrayList<>();
        if (!dropped.isEmpty()) {
            notes.add(new Reason("static-allocation-lost", "static light instances on unavailable nodes are not re-placed: "
                    + String.join(", ", dropped)));
        }
        return PlanResult.planned(new LightDecision(obs.slot(), kept, fixed.routing(), List.of(), List.of()), notes);
    }
}
