package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.Reason;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.api.spi.WeightedTarget;
import org.junit.jupiter.api.Test;

/** {@code light.admission-deadline = split}: admit only what a route finishes before its deadline (hand-computed cases). */
class DeadlineAdmissionTest {
    // chain j (deadline 100 ms): s0 (light "pre" at the origin) -> s1 (core "enc" at c)
    private static final TaskType J = new TaskType("j", 1, 100, List.of(new Stage("s0", "pre", "s1"), new Stage("s1", "enc", null)));
    private static final RoutingTable ROUTES = new RoutingTable(List.of(
            new Route("j", "s0", "a", List.of(new WeightedTarget("a", 1))),
            new Route("j", "s0", "b", List.of(new WeightedTarget("b", 1))),
            new Route("j", "s1", null, List.of(new WeightedTarget("c", 1)))));
    /** −ln ε = 10. */
    private static final double EPS = Math.exp(-10);

    @Test
    void routeThatCannotMeetItsDeadline_admitsNothing_theOtherKeepsEverything() {
        // a: mean-value time 120 ms > D = 100 ms even through empty queues; b: 20 ms, capacity to spare
        List<Admission.Stream> streams = List.of(new Admission.Stream("a", J, 1.0, 120), new Admission.Stream("b", J, 1.0, 20));
        Map<String, Double> limit = Map.of("a|pre", 9.0, "b|pre", 9.0, "c|enc", 90.0);
        DeadlineAdmission.Rule rule = new DeadlineAdmission.Rule(EPS, Map.of("a|pre", 10.0, "b|pre", 10.0, "c|enc", 100.0));
        List<Reason> notes = new ArrayList<>();
        RoutingTable out = Admission.apply(ROUTES, streams, limit, false, rule, notes);
        assertThat(out.targets("j", "s0", "a")).containsExactly(WeightedTarget.reject(1.0));
        assertThat(out.targets("j", "s0", "b")).containsExactly(new WeightedTarget("b", 1));
        assertThat(notes).extracting(Reason::message).singleElement().asString().contains("1 whole for a deadline");

        // the same streams without the rule: nothing is rejected (the mean-rate limits cover the demand)
        assertThat(Admission.apply(ROUTES, streams, limit, false, new ArrayList<>())).isSameAs(ROUTES);
    }

    @Test
    void lightRouteWithSlack_admitsUpToTheBound() {
        // slack 100 − 60 = 40 ms over 2 stages: 20 ms per stage. Light pair a|pre serves C = 0.5 task/ms:
        // θ_b = 10/(0.5·20) = 1, λ_max = C·1/(e − 1) = 0.290988 task/ms of the stream's 1 task/ms
        List<Admission.Stream> streams = List.of(new Admission.Stream("a", J, 1.0, 60));
        Map<String, Double> limit = Map.of("a|pre", 0.5, "c|enc", 90.0);
        DeadlineAdmission.Rule rule = new DeadlineAdmission.Rule(EPS, Map.of("a|pre", 0.5, "c|enc", 100.0));
        RoutingTable out = Admission.apply(ROUTES, streams, limit, false, rule, new ArrayList<>());
        assertThat(1 - AdmissionTest.rejectShare(out, "a")).isCloseTo(0.5 / (Math.E - 1), within(1e-6));
        // without the rule the mean-rate limit alone admits half
        RoutingTable mean = Admission.apply(ROUTES, streams, limit, false, new ArrayList<>());
        assertThat(1 - AdmissionTest.rejectShare(mean, "a")).isCloseTo(0.5, within(1e-6));
    }

    @Test
    void admissibleLoad_handComputed_andInverseOfTheDelayBound() {
        assertThat(DeadlineAdmission.admissibleLoad(0.5, 20, EPS)).isCloseTo(0.5 / (Math.E - 1), within(1e-12));
        // ε = 0.05, C = 2 task/ms, b = 10 ms: θ = ln 20 / 20 = 0.149787, λ = 2θ/(e^θ − 1) = 1.853951
        assertThat(DeadlineAdmission.admissibleLoad(2, 10, 0.05)).isCloseTo(1.853951, within(1e-6));
        assertThat(DeadlineAdmission.admissibleLoad(2, 0, 0.05)).isZero();
        assertThat(DeadlineAdmission.admissibleLoad(2, -5, 0.05)).isZero();
        assertThat(DeadlineAdmission.admissibleLoad(0, 10, 0.05)).isZero();
        assertThat(DeadlineAdmission.admissibleLoad(2, Double.POSITIVE_INFINITY, 0.05)).isEqualTo(2);
        for (double b : new double[] {0.5, 3, 20, 200}) {
            double lambda = DeadlineAdmission.admissibleLoad(3, b, 0.05);
            assertThat(lambda).isBetween(0.0, 3.0);
            assertThat(DeadlineAdmission.delayBoundMs(lambda, 3, 0.05)).isCloseTo(b, within(1e-6 * b));
        }
        assertThat(DeadlineAdmission.delayBoundMs(0, 3, 0.05)).isZero();
        assertThat(DeadlineAdmission.delayBoundMs(3, 3, 0.05)).isInfinite();
        // a longer budget admits more
        assertThat(DeadlineAdmission.admissibleLoad(3, 40, 0.05)).isGreaterThan(DeadlineAdmission.admissibleLoad(3, 20, 0.05));
    }

    @Test
    void stageBudget_splitsTheSlackOverTheLongestPath() {
        // fork-join: two leaves (l1 -> m -> sink, l2 -> sink): the longest path has 3 stages
        TaskType fork = new TaskType("f", 1, 90, List.of(new Stage("l1", "p", "m"), new Stage("m", "q", "sink"),
                new Stage("l2", "r", "sink"), new Stage("sink", "s", null)));
        assertThat(DeadlineAdmission.longestPath(fork)).isEqualTo(3);
        assertThat(DeadlineAdmission.longestPath(J)).isEqualTo(2);
        assertThat(DeadlineAdmission.stageBudgetMs(fork, 30)).isCloseTo(20, within(1e-12));
        assertThat(DeadlineAdmission.stageBudgetMs(fork, 95)).isNegative();
        assertThat(DeadlineAdmission.stageBudgetMs(fork, Double.NaN)).isInfinite();
    }

    @Test
    void pairLimit_isSetByTheTightestStreamThroughIt() {
        // two streams on one core pair, budgets 20 and 2 ms per stage: the pair gets the 2 ms limit,
        // θ = 10/(10·2) = 0.5, 10·0.5/(e^0.5 − 1) = 7.707470
        List<Map<String, Double>> uses = List.of(Map.of("c|enc", 1.0, "a|pre", 1.0), Map.of("c|enc", 1.0));
        Map<String, Double> out = DeadlineAdmission.limits(Map.of("c|enc", 9.0, "a|pre", 9.0), uses, new double[] {20, 2},
                new DeadlineAdmission.Rule(EPS, Map.of("c|enc", 10.0, "a|pre", 10.0)));
        assertThat(out.get("c|enc")).isCloseTo(7.707470, within(1e-6));
        // a|pre, 20 ms: θ = 0.05, 10·0.05/(e^0.05 − 1) = 9.754, above its mean-rate limit 9, which stays
        assertThat(out.get("a|pre")).isEqualTo(9.0);
    }
}
