package org.edgefm.trial.run;

import java.util.Locale;
import org.edgefm.agent.AgentConfig;
import org.edgefm.api.EdgeFmException;
import org.edgefm.scenario.TrialSettings;

/**
 * An {@code --impair} argument: the profile, the agent it applies to, and the part of the workload's
 * time it applies to.
 *
 * @param profile the impairment
 * @param node    the one node whose agent is impaired, or null for every agent
 * @param fromMs  when it starts, ms after the workload started (0: from the start)
 * @param toMs    when it ends, ms after the workload started, or -1 for the end of the trial
 */
record ImpairSpec(AgentConfig.Impairment profile, String node, long fromMs, long toMs) {
    /**
     * Parses {@code [NODE:]PROFILE}, {@code [NODE:]PROFILE@START} or {@code [NODE:]PROFILE@START-END}
     * (START and END as {@link TrialRunner#parseDurationMs durations} after the workload starts: 20s, 1m,
     * 20; END after START). {@code NODE:} impairs that node's agent alone (what it sends: a node behind
     * a slow link); without it every agent is impaired.
     *
     * @throws EdgeFmException naming what is wrong
     */
    static ImpairSpec parse(String arg) {
        String text = arg == null ? "" : arg.trim();
        String node = null;
        int colon = TrialSettings.nodeColon(text);
        if (colon >= 0) {
            node = text.substring(0, colon).trim();
            if (node.isEmpty()) {
                throw new EdgeFmException("impairment '" + text + "': no node before ':' (expected NODE:PROFILE, as"
                        + " orin-nx:delay=400ms)");
            }
            text = text.substring(colon + 1).trim();
        }
        int at = text.lastIndexOf('@');
        AgentConfig.Impairment profile = AgentConfig.Impairment.parse(at < 0 ? text : text.substring(0, at));
        if (node != null && profile.isNone()) {
            throw new EdgeFmException("impairment '" + arg.trim() + "': node " + node + " needs a profile (as "
                    + node + ":delay=400ms)");
        }
        if (at < 0) {
            return new ImpairSpec(profile, node, 0, -1);
        }
        String window = text.substring(at + 1).trim();
        int dash = window.indexOf('-');
        long from = TrialRunner.parseDurationMs(dash < 0 ? window : window.substring(0, dash), 0);
        long to = dash < 0 ? -1 : TrialRunner.parseDurationMs(window.substring(dash + 1), 0);
        if (from < 0 || (dash >= 0 && to < 0)) {
            throw new EdgeFmException("impairment '" + text + "': window '" + window + "' (expected @START or @START-END,"
                    + " as @20s or @20s-40s)");
        }
        if (dash >= 0 && to <= from) {
            throw new EdgeFmException("impairment '" + text + "': window '" + window + "' ends before it starts");
        }
        if (profile.isNone()) {
            throw new EdgeFmException("impairment '" + text + "': a window needs a profile (as delay=40ms@20s-40s)");
        }
        return new ImpairSpec(profile, node, from, to);
    }

    /** The impairment the agent of {@code nodeId} gets: the profile, or none for a node it does not name. */
    AgentConfig.Impairment forNode(String nodeId, AgentConfig.Impairment profileWithGate) {
        return node == null || node.equals(nodeId) ? profileWithGate : AgentConfig.Impairment.none();
    }

    /** Which agents' data planes it impairs, for the banner and the summary. */
    String where() {
        return node == null ? "each agent's data plane" : node + "'s data plane alone";
    }

    /** Whether it applies to only part of the trial (the agents' shaper is switched on and off). */
    boolean windowed() {
        return !profile.isNone() && (fromMs > 0 || toMs >= 0);
    }

    /** Whether the impairment is on at {@code elapsedMs} after the workload started. */
    boolean onAt(long elapsedMs) {
        return elapsedMs >= fromMs && (toMs < 0 || elapsedMs < toMs);
    }

    /** The profile and its window, for the banner and the summary. */
    String describe() {
        if (profile.isNone()) {
            return "none";
        }
        String d = (node == null ? "" : node + ": ") + profile.describe();
        if (!windowed()) {
            return d;
        }
        return d + String.format(Locale.ROOT, " from %s s to %s of the workload", trim(fromMs / 1000.0),
                toMs < 0 ? "the end" : trim(toMs / 1000.0) + " s");
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
