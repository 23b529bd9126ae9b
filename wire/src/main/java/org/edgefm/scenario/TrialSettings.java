package org.edgefm.scenario;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.api.model.Topology;

/**
 * What a live trial of a scenario does by default that the simulator needs no setting for: the
 * impairment of its agents' data planes that stands for the scenario's declared slow links on one
 * machine's loopback network ({@code ./edgefm trial --impair} overrides it).
 *
 * @param impair {@code [NODE:]PROFILE} as {@code trial --impair} takes it (as {@code orin-nx:delay=500ms}),
 *               or null for none; NODE must be a pinned node. The profile is checked by the trial, which
 *               knows the agents' impairment profiles
 */
public record TrialSettings(@JsonInclude(JsonInclude.Include.NON_NULL) String impair) {
    /** No live-trial defaults. */
    public static final TrialSettings NONE = new TrialSettings(null);

    /** Normalises a blank impairment to none. */
    public TrialSettings {
        impair = impair == null || impair.isBlank() ? null : impair.trim();
    }

    /** The node {@link #impair} names before its ':', or null when it names none (every agent) or there is none. */
    public String impairedNode() {
        if (impair == null) {
            return null;
        }
        int colon = impair.indexOf(':');
        int eq = impair.indexOf('=');
        return colon >= 0 && (eq < 0 || colon < eq) ? impair.substring(0, colon).trim() : null;
    }

    /** Checks that a named node is pinned by {@code topology}. */
    void check(Topology topology) {
        String node = impairedNode();
        if (node != null && topology.node(node).isEmpty()) {
            throw new InvalidFieldException("trial.impair", Check.quote(node)
                    + " is not a node in 'topology.nodes' (expected: NODE:PROFILE with a pinned node, as orin-nx:delay=500ms)");
        }
    }
}
