package org.edgefm.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.edgefm.api.InvalidFieldException;
import org.junit.jupiter.api.Test;

class TaskTypeTest {
    private static Stage s(String id, String next) {
        return new Stage(id, "svc", next);
    }

    @Test
    void inTree_topologicalOrder_putsParentsBeforeChildren() {
        TaskType t = new TaskType("t", 1, 100, List.of(s("sink", null), s("fuse", "sink"), s("a", "fuse"),
                s("b", "fuse"), s("c", "a")));
        List<String> order = t.topologicalOrder().stream().map(Stage::id).toList();
        assertThat(order).containsExactlyInAnyOrder("sink", "fuse", "a", "b", "c");
        assertThat(order.indexOf("c")).isLessThan(order.indexOf("a"));
        assertThat(order.indexOf("a")).isLessThan(order.indexOf("fuse"));
        assertThat(order.indexOf("b")).isLessThan(order.indexOf("fuse"));
        assertThat(order.get(order.size() - 1)).isEqualTo("sink");
        assertThat(t.leaves()).extracting(Stage::id).containsExactlyInAnyOrder("b", "c");
        assertThat(t.sink().id()).isEqualTo("sink");
    }

    @Test
    void twoSinks_areRefused() {
        assertThatThrownBy(() -> new TaskType("t", 1, 100, List.of(s("a", null), s("b", null))))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessage("stages: 2 stages without 'next' (expected: exactly one sink)");
    }

    @Test
    void cycleBesideTheSink_isRefused() {
        assertThatThrownBy(() -> new TaskType("t", 1, 100, List.of(s("sink", null), s("a", "b"), s("b", "a"))))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("loops back");
    }

    @Test
    void unknownSuccessor_isRefused() {
        assertThatThrownBy(() -> new TaskType("t", 1, 100, List.of(s("sink", null), s("a", "x"))))
                .hasMessage("stages[1].next: 'x' is not a stage of this task type");
    }

    @Test
    void resourceVector_arithmeticAndFit() {
        ResourceVector cap = ResourceVector.of(8, 16, 32, 8);
        ResourceVector need = ResourceVector.of(2, 1, 4, 4);
        assertThat(need.copiesFittingIn(cap)).isEqualTo(2);
        assertThat(need.times(2).fitsIn(cap)).isTrue();
        assertThat(need.times(3).fitsIn(cap)).isFalse();
        assertThat(cap.minusFloored(need.times(3)).get(Resource.VRAM)).isZero();
        assertThat(ResourceVector.ZERO.copiesFittingIn(cap)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void gammaSampler_matchesMeanAndVariance() {
        RateModel.Gamma g = new RateModel.Gamma(1.5, 4.0);
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        int n = 200_000;
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double x = g.sample(r);
            sum += x;
            sq += x * x;
        }
        double mean = sum / n;
        double var = sq / n - mean * mean;
        assertThat(mean).isCloseTo(g.mean(), org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(var).isCloseTo(g.variance(), org.assertj.core.data.Percentage.withPercentage(3));
    }
}
