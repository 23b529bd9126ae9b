package org.edgefm.trial.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadBenchReportTest {
    @Test
    void ordered_keepsTheWrittenOrder_soTheJsonAndPrintedLinesDoNotChangeBetweenRuns() {
        Map<String, Object> m = LoadBenchReport.ordered("publishesInPerS", 1.5, "publishesOutPerS", 2.5,
                "droppedBeforeWindow", 0L, "droppedInWindow", 3L, "refusedByReason", Map.of());
        assertThat(m.keySet()).containsExactly("publishesInPerS", "publishesOutPerS", "droppedBeforeWindow",
                "droppedInWindow", "refusedByReason");
        assertThat(m.toString()).isEqualTo("{publishesInPerS=1.5, publishesOutPerS=2.5, droppedBeforeWindow=0,"
                + " droppedInWindow=3, refusedByReason={}}");
        assertThat(LoadBenchReport.triple(new double[] {1.234, 5.678, 3.0}).toString())
                .isEqualTo("{p50=1.23, p99=5.68, mean=3.0}");
    }

    @Test
    void ordered_oddCount_refusedWithOneLine() {
        assertThatThrownBy(() -> LoadBenchReport.ordered("a", 1, "b"))
                .hasMessage("keysAndValues: 3 (expected: an even count)");
    }
}
