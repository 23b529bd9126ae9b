package org.edgefm.wire.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.junit.jupiter.api.Test;

class StageRouterTest {
    private static final List<WeightedTarget> TARGETS = List.of(
            new WeightedTarget("a", 1), new WeightedTarget("b", 3), new WeightedTarget("c", 6));

    private static Map<String, Integer> spread(int tasks, java.util.function.Predicate<WeightedTarget> usable,
            java.util.function.IntFunction<DoubleSupplier> draw) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < tasks; i++) {
            WeightedTarget t = StageRouter.pick(TARGETS, usable, draw.apply(i));
            counts.merge(t == null ? "none" : t.node(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void pick_seededRandom_spreadsInProportionToWeights() {
        SplittableRandom rnd = new SplittableRandom(7);
        Map<String, Integer> c = spread(100_000, t -> true, i -> rnd::nextDouble);
        assertThat(c.get("a") / 1e5).isCloseTo(0.1, within(0.01));
        assertThat(c.get("b") / 1e5).isCloseTo(0.3, within(0.01));
        assertThat(c.get("c") / 1e5).isCloseTo(0.6, within(0.01));
    }

    @Test
    void pick_taskIdsInSequence_spreadInProportionToWeights() {
        // ids that differ in their last characters only, as a trial numbers them
        Map<String, Integer> c = spread(100_000, t -> true, i -> StageRouter.keyed("task-" + i + "/s1"));
        assertThat(c.get("a") / 1e5).isCloseTo(0.1, within(0.01));
        assertThat(c.get("b") / 1e5).isCloseTo(0.3, within(0.01));
        assertThat(c.get("c") / 1e5).isCloseTo(0.6, within(0.01));
    }

    @Test
    void pick_unusableTarget_isSkippedAndTheOthersShareItsWeight() {
        SplittableRandom rnd = new SplittableRandom(11);
        Map<String, Integer> c = spread(100_000, t -> !t.node().equals("c"), i -> rnd::nextDouble);
        assertThat(c).doesNotContainKeys("c", "none");
        assertThat(c.get("a") / 1e5).isCloseTo(0.25, within(0.01));
        assertThat(c.get("b") / 1e5).isCloseTo(0.75, within(0.01));
    }

    @Test
    void pick_rejectTarget_isNeverPicked() {
        List<WeightedTarget> ts = List.of(WeightedTarget.reject(9), new WeightedTarget("a", 1));
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++) {
            assertThat(StageRouter.pick(ts, t -> true, rnd::nextDouble).node()).isEqualTo("a");
        }
    }

    @Test
    void pick_noUsableTarget_returnsNoneWithoutDrawing() {
        AtomicInteger draws = new AtomicInteger();
        DoubleSupplier counting = () -> {
            draws.incrementAndGet();
            return 0.5;
        };
        assertThat(StageRouter.pick(TARGETS, t -> false, counting)).isNull();
        assertThat(StageRouter.pick(new double[] {1, 2}, 2, i -> false, counting)).isEqualTo(StageRouter.NONE);
        assertThat(draws).hasValue(0);
        assertThat(StageRouter.pick(TARGETS, t -> true, counting)).isNotNull();
        assertThat(draws).hasValue(1);
    }

    @Test
    void pick_drawAtTheEdges_choosesFirstAndLastUsable() {
        assertThat(StageRouter.pick(TARGETS, t -> true, () -> 0.0).node()).isEqualTo("a");
        assertThat(StageRouter.pick(TARGETS, t -> true, () -> Math.nextDown(1.0)).node()).isEqualTo("c");
        assertThat(StageRouter.pick(TARGETS, t -> !t.node().equals("c"), () -> Math.nextDown(1.0)).node()).isEqualTo("b");
        // the cumulative weights' boundaries: [0, 0.1) a, [0.1, 0.4) b, [0.4, 1) c
        assertThat(StageRouter.pick(TARGETS, t -> true, () -> 0.1).node()).isEqualTo("b");
        assertThat(StageRouter.pick(TARGETS, t -> true, () -> 0.39).node()).isEqualTo("b");
        assertThat(StageRouter.pick(TARGETS, t -> true, () -> 0.41).node()).isEqualTo("c");
    }

    @Test
    void pick_sameSeedOrTaskId_sameChoices() {
        SplittableRandom r1 = new SplittableRandom(42);
        SplittableRandom r2 = new SplittableRandom(42);
        for (int i = 0; i < 1000; i++) {
            assertThat(StageRouter.pick(TARGETS, t -> true, r1::nextDouble))
                    .isEqualTo(StageRouter.pick(TARGETS, t -> true, r2::nextDouble));
            String key = "t" + i + "-user-1-abc/s2";
            assertThat(StageRouter.pick(TARGETS, t -> true, StageRouter.keyed(key)))
                    .isEqualTo(StageRouter.pick(TARGETS, t -> true, StageRouter.keyed(key)));
        }
        // a fixed value: the keyed draw does not depend on the JVM or the run
        assertThat(StageRouter.uniform("task-1/s1")).isEqualTo(StageRouter.uniform("task-1/s1"))
                .isNotEqualTo(StageRouter.uniform("task-2/s1")).isBetween(0.0, 1.0);
    }

    @Test
    void uniform_keysInSequence_areSpreadOverTheUnitInterval() {
        int[] buckets = new int[10];
        for (int i = 0; i < 100_000; i++) {
            double u = StageRouter.uniform("t" + i + "/admission");
            assertThat(u).isGreaterThanOrEqualTo(0).isLessThan(1);
            buckets[(int) (u * 10)]++;
        }
        for (int b : buckets) {
            assertThat(b).isBetween(9_500, 10_500);
        }
    }

    @Test
    void rejects_shareOfTasksRefused_andNoDrawWithoutShare() {
        assertThat(StageRouter.rejectShare(List.of(WeightedTarget.reject(1), new WeightedTarget("a", 3)))).isEqualTo(0.25);
        assertThat(StageRouter.rejectShare(TARGETS)).isZero();
        int refused = 0;
        for (int i = 0; i < 100_000; i++) {
            refused += StageRouter.rejects(0.25, StageRouter.keyed("task-" + i + "/admission")) ? 1 : 0;
        }
        assertThat(refused / 1e5).isCloseTo(0.25, within(0.01));
        assertThat(StageRouter.rejects(0, () -> {
            throw new AssertionError("drew without a reject share");
        })).isFalse();
    }

    @Test
    void routeOf_originRouteFirst_elseTheFirstForAnyOrigin() {
        Route any1 = new Route("tt", "s1", null, List.of(new WeightedTarget("a", 1)));
        Route any2 = new Route("tt", "s1", null, List.of(new WeightedTarget("b", 1)));
        Route n1 = new Route("tt", "s1", "n1", List.of(new WeightedTarget("c", 1)));
        Route other = new Route("tt", "s2", "n1", List.of(new WeightedTarget("c", 1)));
        List<Route> table = List.of(any1, any2, n1, other);
        assertThat(StageRouter.routeOf(table, "tt", "s1", "n1")).isSameAs(n1);
        assertThat(StageRouter.routeOf(table, "tt", "s1", "n2")).isSameAs(any1);
        assertThat(StageRouter.routeOf(table, "tt", "s2", "n2")).isNull();
        assertThat(StageRouter.routeOf(table, "other", "s1", "n1")).isNull();
    }

    @Test
    void taskKey_stepsOfASequence_shareOneKey_otherTasksKeepTheirOwn() {
        assertThat(StageRouter.taskKey("t-1", null)).isEqualTo("t-1");
        assertThat(StageRouter.taskKey("t-1", "gen-7")).isEqualTo(StageRouter.taskKey("t-2", "gen-7")).isNotEqualTo("t-1");
        List<WeightedTarget> ts = List.of(new WeightedTarget("a", 1), new WeightedTarget("b", 1), new WeightedTarget("c", 1));
        java.util.Set<String> nodes = new java.util.HashSet<>();
        for (int s = 0; s < 30; s++) {
            String first = StageRouter.pick(ts, t -> true, StageRouter.keyed(StageRouter.taskKey("task-" + s + "-0", "gen-" + s) + "/s1")).node();
            for (int step = 1; step < 8; step++) {
                assertThat(StageRouter.pick(ts, t -> true, StageRouter.keyed(StageRouter.taskKey("task-" + s + "-" + step, "gen-" + s) + "/s1"))
                        .node()).isEqualTo(first);
            }
            nodes.add(first);
        }
        assertThat(nodes).as("sequences spread over the targets").containsExactlyInAnyOrder("a", "b", "c");
    }

}
