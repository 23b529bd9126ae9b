package org.edgefm.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.MachineFacts;
import org.edgefm.profiles.PerformanceModel;
import org.edgefm.profiles.ProfileCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostCalibrationTest {
    @Test
    void firstStart_measuresAndStores_laterStartsReuse_andTheProfileCarriesTheMeasuredFigures(@TempDir Path dir) {
        HostCalibration first = HostCalibration.loadOrMeasure(dir);
        assertThat(first.gemmGflops()).isGreaterThan(0.5);
        assertThat(first.copyGbPerS()).isGreaterThan(0.1);
        assertThat(Files.exists(dir.resolve(HostCalibration.FILE))).isTrue();
        HostCalibration again = HostCalibration.loadOrMeasure(dir);
        assertThat(again).isEqualTo(first);

        DeviceProfile generic = ProfileCatalog.builtIn().get("generic-cpu");
        MachineFacts facts = new MachineFacts("Test CPU", "amd64", 2, 24_000_000_000L, null, List.of());
        DeviceProfile p = first.apply(generic, facts);
        assertThat(p.cpu().fp32Gflops()).isEqualTo(first.gemmGflops()).isNotEqualTo(generic.cpu().fp32Gflops());
        assertThat(p.cpu().cores()).isEqualTo(2);
        assertThat(p.ramGb()).isEqualTo(24.0);
        assertThat(p.memoryBandwidthGbPerS()).isEqualTo(first.copyGbPerS());
        assertThat(p.sources().get("cpu")).contains("measured by the agent's calibration").contains("GFLOP/s");
        assertThat(PerformanceModel.calibrated(p).peakFlopsPerS(PerformanceModel.Engine.CPU, PerformanceModel.Precision.FP32))
                .isEqualTo(first.gemmGflops() * 1e9);
    }

    @Test
    void unreadableCache_isMeasuredAgain(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(HostCalibration.FILE), "{not json");
        assertThat(HostCalibration.loadOrMeasure(dir).gemmGflops()).isPositive();
    }
}
