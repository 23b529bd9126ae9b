package org.edgefm.control;

import java.util.Objects;
import org.edgefm.api.model.SystemModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model a {@link ControlLoop} plans for: the declared one, or the one its {@link FleetModel} builds
 * from the nodes that joined (refreshed when the fleet's membership changes), with the measured links
 * on top ({@link LinkEstimator}); and whether joins have settled enough for a core re-placement.
 * Used on the loop's thread; {@link #model()} may be read from any thread.
 */
final class PlanningModel {
    // logs under the loop's name: what the loop does is found in one place in the logs
    private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);

    private final Fleet fleet;
    /** Builds the model from the nodes that joined, or null for a fixed model. */
    private final FleetModel fleetModel;
    private final LinkEstimator.Settings linkSettings;
    /** The model in force; null while a fleet model waits for the first node. */
    // volatile: read by HTTP handlers without the loop's lock (an immutable value)
    private volatile SystemModel model;
    private LinkEstimator links;
    private long seenMembership = -1;
    /** The model grew (nodes joined) since the last core placement. */
    private boolean joinPending;
    /** Fleet clock when the model first grew since the last core placement (or first appeared), NaN when none. */
    private double growingSinceMs = Double.NaN;
    private boolean waitingLogged;

    /**
     * @param model      the declared model, or the fleet model's current one (null before any node joined)
     * @param fleetModel builds the model from joins, or null for a fixed model
     */
    PlanningModel(Fleet fleet, SystemModel model, FleetModel fleetModel, LinkEstimator.Settings linkSettings) {
        this.fleet = fleet;
        this.model = model;
        this.fleetModel = fleetModel;
        this.linkSettings = Objects.requireNonNull(linkSettings, "links is null");
        this.links = model == null ? null : new LinkEstimator(linkSettings, model);
        if (fleetModel != null && model != null) {
            fleet.users(model.users());
        }
    }

    /** The model in force, or null before any node joined (never blocks). */
    SystemModel model() {
        return model;
    }

    /** The measured links over the model, or null before any node joined. */
    LinkEstimator links() {
        return links;
    }

    /** True when the model is built from the nodes that join (not a scenario's fixed fleet). */
    boolean joins() {
        return fleetModel != null;
    }

    /** True while nodes joined (or came back) since the last core placement. */
    boolean joinPending() {
        return joinPending;
    }

    /** Nodes came back after their core services were failed over: planned for again, as a join is. */
    void markJoinPending() {
        joinPending = true;
    }

    /** A core placement for the fleet as it is was asked for: no join is pending any more. */
    void joinsPlaced() {
        joinPending = false;
        growingSinceMs = Double.NaN;
    }

    /**
     * Asks the fleet model for the model in force when the fleet's membership changed.
     *
     * @return false while no node has joined (nothing to plan for)
     */
    boolean refresh(double nowMs) {
        if (fleetModel == null) {
            return true;
        }
        long v = fleet.membershipVersion();
        if (v != seenMembership || model == null) {
            seenMembership = v;
            SystemModel m = fleetModel.refresh(fleet.joined(), nowMs);
            if (m != null && m != model) {
                boolean first = model == null;
                model = m;
                if (links == null) {
                    links = new LinkEstimator(linkSettings, m);
                } else {
                    links.redeclare(m);
                }
                fleet.users(m.users());
                joinPending = !first;
                if (Double.isNaN(growingSinceMs)) {
                    growingSinceMs = nowMs;
                }
                LOG.info("planners' fleet: {} node(s) joined, {} stream(s) bound to them{}", m.topology().nodes().size(),
                        m.workload().size(), first ? "" : "; core re-placement once joins settle");
            }
        }
        if (model == null && !waitingLogged) {
            waitingLogged = true;
            LOG.info("waiting for the first node to join before planning");
        }
        return model != null;
    }

    /**
     * True when no node has joined for {@code fleet.joinSettleMs}, or the model has kept growing for ten
     * times that (a fleet that never stops joining is still placed).
     */
    boolean joinsSettled(double nowMs) {
        if (fleetModel == null) {
            return true; // a scenario's fixed fleet: nothing joins
        }
        double settle = fleetModel.settings().joinSettleMs();
        if (Double.isNaN(fleetModel.changedAtMs())) {
            return true; // fleet.model=declared: the model never grows
        }
        return nowMs - fleetModel.changedAtMs() >= settle || (!Double.isNaN(growingSinceMs) && nowMs - growingSinceMs >= 10 * settle);
    }
}
