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
        int colon = nodeColon(impair);
        return colon < 0 ? null : impair.substring(0, colon).trim();
    }

    /**
     * Where an impairment text {@code [NODE:]PROFILE} ends its NODE: the index of a ':' before any '=' (a profile's
     * own values follow '='), or -1 when it names no node; null text names none.
     */
    public static int nodeColon(String impairText) {
        if (impairText == null) {
            return -1;
        }
        int colon = impairText.indexOf(':');
        int eq = impairText.indexOf('=');
        return colon >= 0 && (eq < 0 || colon < eq) ? colon : -1;
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
