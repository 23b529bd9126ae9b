package org.edgefm.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.edgefm.wire.GpuMetrics;
import org.edgefm.wire.HostMetrics;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class AgentMetersTest {
    private static final String ORIN_NANO_JP6 = "11-30-2025 13:26:01 RAM 2461/7620MB (lfb 3x2MB) SWAP 1243/3810MB (cached 5MB) "
            + "CPU [19%@729,14%@729,22%@729,8%@729,15%@729,17%@729] EMC_FREQ 4%@2133 GR3D_FREQ 0%@[305] APE 200 "
            + "cpu@46.531C soc2@47.312C soc0@46.593C gpu@48.218C tj@48.843C soc1@48.843C "
            + "VDD_IN 5704mW/5704mW VDD_CPU_GPU_CV 831mW/831mW VDD_SOC 1624mW/1624mW";

    private static HostMetrics host() {
        return new HostMetrics(0.25, List.of(0.5, 0.0), 3_000_000_000L, 8_000_000_000L, 0, 1_000_000_000L, 10_000_000_000L,
                64_000_000_000L, 0, 0, 47.5, 12);
    }

    @Test
    void scrape_exportsHostGpuAndBoardSeriesUnderPrometheusNames(@TempDir Path dir) throws Exception {
        AgentMeters m = new AgentMeters("orin-1");
        TegrastatsParser.Reading board = TegrastatsParser.parseReading(ORIN_NANO_JP6, "orin-gpu").orElseThrow();
        m.record(new HostSampler(dir).sample(), List.of(board.gpu()), board);
        String text = m.scrape();
        assertThat(text).contains("edgefm_node_cpu_usage_ratio{node=\"orin-1\"}")
                .contains("edgefm_node_memory_total_bytes{node=\"orin-1\"}")
                .contains("edgefm_gpu_utilization_ratio{gpu=\"0\",name=\"orin-gpu\",node=\"orin-1\"} 0.0")
                .contains("edgefm_gpu_temperature_celsius{gpu=\"0\",name=\"orin-gpu\",node=\"orin-1\"} 48.218")
                .contains("edgefm_board_power_watts{from=\"VDD_IN\",node=\"orin-1\"} 5.704")
                .contains("edgefm_board_rail_power_watts{node=\"orin-1\",rail=\"VDD_SOC\"} 1.624")
                .contains("edgefm_board_temperature_celsius{node=\"orin-1\",sensor=\"tj\"} 48.843")
                .contains("edgefm_agent_metrics_dropped_series_total{node=\"orin-1\"} 0.0")
                .contains("edgefm_build_info{java=\"");
        lint(text, dir);
    }

    @Test
    void absentReadings_areRemovedNotLeftStale() {
        AgentMeters m = new AgentMeters("n");
        m.record(host(), List.of(new GpuMetrics(0, "Tesla T4", 0.98, 1, 2, 72.0, 70.5)), null);
        assertThat(m.scrape()).contains("edgefm_gpu_power_watts{gpu=\"0\",name=\"Tesla T4\",node=\"n\"} 70.5")
                .contains("edgefm_node_cpu_temperature_celsius{node=\"n\"} 47.5");
        m.record(host(), List.of(new GpuMetrics(0, "Tesla T4", 0.5, 1, 2, 71.0, null)), null);
        assertThat(m.scrape()).doesNotContain("edgefm_gpu_power_watts")
                .contains("edgefm_gpu_utilization_ratio{gpu=\"0\",name=\"Tesla T4\",node=\"n\"} 0.5");
    }

    @Test
    void seriesAreBounded_theRestIsCounted() {
        AgentMeters m = new AgentMeters("n");
        List<GpuMetrics> many = new ArrayList<>();
        for (int i = 0; i < AgentMeters.MAX_SERIES; i++) {
            many.add(new GpuMetrics(i, "g", 0.1, 1, 2, null, null));
        }
        m.record(host(), many, null);
        String text = m.scrape();
        assertThat(text.lines().filter(l -> l.startsWith("edgefm_gpu_") || l.startsWith("edgefm_node_")).count())
                .isEqualTo(AgentMeters.MAX_SERIES);
        assertThat(text).doesNotContain("edgefm_agent_metrics_dropped_series_total{node=\"n\"} 0.0");
    }

    /** {@code promtool check metrics} (Debian package prometheus) on the exposition, where it is installed. */
    public static void lint(String text, Path dir) throws Exception {
        boolean present = System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
                .anyMatch(d -> new File(d, "promtool").canExecute());
        Assumptions.assumeTrue(present, "promtool not installed (Debian package prometheus): lint skipped");
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("promtool findings").isBlank();
    }
}
