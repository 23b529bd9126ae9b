package org.edgefm.trial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefm.wire.KernelCalibration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunConditionsTest {
    @TempDir
    Path proc;

    private void write(double load, long user, long idle, long steal) throws Exception {
        Files.writeString(proc.resolve("loadavg"), load + " 1.00 1.00 2/300 4242\n");
        Files.writeString(proc.resolve("stat"), "cpu  " + user + " 0 0 " + idle + " 0 0 0 " + steal + " 0 0\ncpu0 1 2 3 4\n");
    }

    @Test
    void interruptedRun_overloadedMachine_andKernelsSlowerThanCalibrated_areReported() throws Exception {
        write(0.5, 1000, 9000, 0);
        RunConditions c = new RunConditions(proc, 2);
        c.workloadStarted(10_000, 60_000);
        write(7.5, 1900, 9000, 100); // 900 user + 100 steal of 1,000 ticks: busy 100 %, steal 10 %
        c.sample(11_000);
        c.calibration("n1", List.of(new KernelCalibration("vit-block", 10, 2.0, null)));
        // 1 MB, 1e7 FLOP per task at a median 0.5 MB/ms: 2 ms, 5 GFLOP/s against 10 calibrated: 2 x the time
        c.measured("n1", "enc", List.of(0.5, 0.6, 0.4));
        c.measured("n1", "head", List.of(1.0)); // no kernel: not compared
        c.workloadEnded(43_000, true);

        ObjectNode j = c.toJson(Map.of("enc", new RunConditions.ServiceWork("vit-block", 1.0, 1e7)));
        assertThat(j.path("interrupted").asBoolean()).isTrue();
        assertThat(j.path("workload").path("plannedS").asDouble()).isEqualTo(60.0);
        assertThat(j.path("workload").path("actualS").asDouble()).isEqualTo(33.0);
        assertThat(j.path("machine").path("cores").asInt()).isEqualTo(2);
        assertThat(j.path("machine").path("loadAvg1Before").asDouble()).isEqualTo(0.5);
        assertThat(j.path("machine").path("loadAvg1During").path("max").asDouble()).isEqualTo(7.5);
        assertThat(j.path("machine").path("cpuStealPct").asDouble()).isEqualTo(10.0);
        assertThat(j.path("machine").path("cpuBusyPct").asDouble()).isEqualTo(100.0);
        assertThat(j.path("calibration").path("slowdowns").get(0).path("slowdown").asDouble()).isEqualTo(2.0);
        assertThat(j.path("calibration").path("slowdowns").size()).isEqualTo(1);
        assertThat(j.path("warnings").size()).isEqualTo(2);
        assertThat(j.path("warnings").get(0).asText()).contains("interrupted after 33.0 s of 60.0 s planned");
        assertThat(j.path("warnings").get(1).asText()).contains("exceeded their calibration by more than 50 %")
                .contains("enc on n1: 2.0 x").contains("the machine, not the planner").contains("7.5 on 2 cores");
    }

    @Test
    void fullRun_kernelsWithinTheMargin_noWarning() throws Exception {
        write(0.2, 100, 900, 0);
        RunConditions c = new RunConditions(proc, 8);
        c.workloadStarted(0, 10_000);
        c.calibration("n1", List.of(new KernelCalibration("vit-block", 10, 2.0, null)));
        c.measured("n1", "enc", List.of(0.7, 0.8)); // 1.33 ms, 7.5 GFLOP/s against 10: 1.33 x, inside the 50 % margin
        c.workloadEnded(10_000, false);
        ObjectNode j = c.toJson(Map.of("enc", new RunConditions.ServiceWork("vit-block", 1.0, 1e7)));
        assertThat(j.path("interrupted").asBoolean()).isFalse();
        assertThat(j.path("warnings").size()).isZero();
        assertThat(j.path("calibration").path("slowdowns").get(0).path("slowdown").asDouble()).isBetween(1.3, 1.4);
    }

    @Test
    void withoutProc_theMachineFiguresAreNull_notInvented() throws Exception {
        RunConditions c = new RunConditions(proc.resolve("absent"), 4);
        c.workloadStarted(0, 1_000);
        c.workloadEnded(1_000, false);
        ObjectNode j = c.toJson(Map.of());
        assertThat(j.path("machine").path("loadAvg1Before").isNull()).isTrue();
        assertThat(j.path("machine").path("cpuStealPct").isNull()).isTrue();
        assertThat(j.path("machine").path("source").asText()).isEqualTo("not readable");
    }
}
