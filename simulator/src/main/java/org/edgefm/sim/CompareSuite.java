package org.edgefm.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.edgefm.api.ConfigException;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.scenario.FailureEvent;
import org.edgefm.scenario.LinkImpairment;
import org.edgefm.scenario.RunSettings;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;

/**
 * The documented case lists of {@code edgefm compare --suite}: which scenarios, at which loads, with
 * which events. {@code standard} is paper-table1 at loads 0.5, 1, 2 and 3, its contended variant, the
 * heterogeneous Jetson lab, the lab with a node failure, the lab with a network impairment, and the
 * seed papers' genai-edge and lymdo-video scenarios (planners whose roles do not fit a scenario are
 * reported as not applicable there). {@code quick} is the same cases, each cut to at most
 * {@link #QUICK_SLOTS} slots, at loads 1 and 3 for paper-table1.
 *
 * <p>The event cases are built from {@code jetson-lab} by rule, not by node name, so they follow the
 * scenario (assumption [I]: the rule and the figures are ours, not a paper's):
 * <ul>
 *   <li><b>node failure</b>: the fastest node that is not a cloud node (by {@code speedFactor}, then id) is
 *       offline from a third of the horizon to two thirds;</li>
 *   <li><b>network impairment</b>: every declared link of that node keeps {@link #IMPAIRED_BANDWIDTH} of
 *       its bandwidth and gets {@link #IMPAIRED_EXTRA_MS} ms more one-way latency over the same window,
 *       what {@code tc tbf} and a delay do to a real link.</li>
 * </ul>
 * Event times scale with the horizon, so a shortened run (a slot override) keeps its events.
 */
public final class CompareSuite {
    /** The suites' names. */
    public static final List<String> NAMES = List.of("standard", "quick");
    /** Most slots per run in the quick suite. */
    public static final int QUICK_SLOTS = 300;
    /** Share of its bandwidth an impaired link keeps ([I]). */
    public static final double IMPAIRED_BANDWIDTH = 0.02;
    /** One-way latency an impaired link gains, in ms ([I]). */
    public static final double IMPAIRED_EXTRA_MS = 20.0;

    /**
     * One case: a scenario at one or more loads.
     *
     * @param scenario the scenario as it runs (events and slot override applied)
     * @param loads    the load factors
     * @param what     one line on what the case tests
     */
    public record Case(Scenario scenario, List<Double> loads, String what) {
        /** Validates every field. */
        public Case {
            Objects.requireNonNull(scenario, "scenario is null");
            loads = List.copyOf(loads);
            Objects.requireNonNull(what, "what is null");
        }
    }

    private CompareSuite() {
    }

    /**
     * The cases of a suite.
     *
     * @param name  {@code standard} or {@code quick}
     * @param slots a slot count for every scenario, or null for each scenario's own (quick: at most
     *              {@link #QUICK_SLOTS})
     * @throws ConfigException for an unknown suite or a slot count below 1
     */
    public static List<Case> cases(String name, Integer slots) {
        if (!NAMES.contains(name)) {
            throw new ConfigException("--suite: '" + name + "' (expected: " + String.join(" or ", NAMES) + ")");
        }
        if (slots != null && slots < 1) {
            throw new ConfigException("--slots: " + slots + " (expected: >= 1)");
        }
        boolean quick = name.equals("quick");
        List<Case> out = new ArrayList<>();
        Scenario table1 = sized(ScenarioLoader.resolve("paper-table1"), slots, quick);
        out.add(new Case(table1, quick ? List.of(1.0, 3.0) : List.of(0.5, 1.0, 2.0, 3.0),
                "paper 1's Table 1 system from light to heavy load"));
        out.add(new Case(sized(ScenarioLoader.resolve("paper-table1-contended"), slots, quick), List.of(1.0),
                "paper 1's system with contended light services"));
        Scenario lab = sized(ScenarioLoader.resolve("jetson-lab"), slots, quick);
        out.add(new Case(lab, List.of(1.0), "a heterogeneous Jetson fleet with GPU servers and a cloud node"));
        out.add(new Case(nodeFailure(lab), List.of(1.0), "the Jetson fleet losing its fastest edge node for a third of the run"));
        out.add(new Case(networkImpairment(lab), List.of(1.0), "the Jetson fleet with its fastest edge node's links impaired"
                + " for a third of the run"));
        out.add(new Case(sized(ScenarioLoader.resolve("genai-edge"), slots, quick), List.of(1.0),
                "seed paper 2: generative models switched at the edge"));
        out.add(new Case(sized(ScenarioLoader.resolve("lymdo-video"), slots, quick), List.of(1.0),
                "seed paper 3: partitioned video analytics with per-user shares"));
        return out;
    }

    /** The scenario with a slot override, or for the quick suite at most {@link #QUICK_SLOTS} slots. */
    static Scenario sized(Scenario s, Integer slots, boolean quick) {
        int n = slots != null ? slots : quick ? Math.min(QUICK_SLOTS, s.run().slots()) : s.run().slots();
        if (n == s.run().slots()) {
            return s;
        }
        RunSettings r = s.run();
        return s.withRun(new RunSettings(r.slotMs(), n, r.planningEpochMs(), r.seed()));
    }

    /** The node the event cases hit: the fastest that is not a cloud node. */
    static NodeSpec target(Scenario s) {
        return s.topology().nodes().stream().filter(n -> n.kind() != NodeKind.CLOUD)
                .max(Comparator.comparingDouble(NodeSpec::speedFactor).thenComparing(NodeSpec::id, Comparator.reverseOrder()))
                .orElseThrow(() -> new ConfigException("scenario " + s.name() + " has no node that is not a cloud node"));
    }

    /** The scenario with its fastest non-cloud node offline from a third of the horizon to two thirds. */
    public static Scenario nodeFailure(Scenario s) {
        NodeSpec n = target(s);
        double third = s.run().horizonMs() / 3;
        List<FailureEvent> failures = new ArrayList<>(s.failures());
        failures.add(new FailureEvent(n.id(), third, third));
        return s.withEvents(s.name() + "-node-failure", "node " + n.id() + " offline from " + ms(third) + " to "
                + ms(2 * third) + "; " + s.description(), failures, s.impairments());
    }

    /** The scenario with every link of its fastest non-cloud node impaired from a third of the horizon to two thirds. */
    public static Scenario networkImpairment(Scenario s) {
        NodeSpec n = target(s);
        double third = s.run().horizonMs() / 3;
        List<LinkImpairment> impairments = new ArrayList<>(s.impairments());
        for (LinkSpec l : s.topology().links()) {
            if (l.a().equals(n.id()) || l.b().equals(n.id())) {
                impairments.add(LinkImpairment.degraded(l.a(), l.b(), third, third, IMPAIRED_BANDWIDTH, IMPAIRED_EXTRA_MS));
            }
        }
        if (impairments.size() == s.impairments().size()) {
            throw new ConfigException("scenario " + s.name() + ": node " + n.id() + " has no declared link to impair");
        }
        return s.withEvents(s.name() + "-impaired", String.format(Locale.ROOT, "links of %s at %.0f%% bandwidth and +%.0f ms"
                + " from %s to %s; %s", n.id(), 100 * IMPAIRED_BANDWIDTH, IMPAIRED_EXTRA_MS, ms(third), ms(2 * third),
                s.description()), s.failures(), impairments);
    }

    private static String ms(double ms) {
        return ms >= 10_000 ? String.format(Locale.ROOT, "%.0f s", ms / 1000) : String.format(Locale.ROOT, "%.0f ms", ms);
    }
}
