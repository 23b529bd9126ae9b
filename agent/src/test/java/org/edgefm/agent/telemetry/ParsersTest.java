package org.edgefm.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.edgefm.wire.GpuMetrics;
import org.edgefm.wire.HostMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParsersTest {
    private static String fixture(String name) throws IOException {
        try (InputStream in = ParsersTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String withoutComments(String s) {
        return String.join("\n", s.lines().filter(l -> !l.startsWith("#")).toList());
    }

    @Test
    void tegrastats_recordedLinesOfJetPack4To6_giveUtilMemoryTemperatureRailsAndTotalPower() throws IOException {
        List<String> lines = fixture("tegrastats-samples.txt").lines().toList();
        int checked = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("#! ") || lines.get(i).startsWith("#! expected")) {
                continue;
            }
            String[] exp = lines.get(i).substring(3).split(" ");
            String line = lines.get(i + 1);
            Optional<TegrastatsParser.Reading> m = TegrastatsParser.parseReading(line, "jetson-gpu");
            checked++;
            if (exp[0].equals("skip")) {
                assertThat(m).as(line).isEmpty();
                continue;
            }
            assertThat(m).as(line).isPresent();
            GpuMetrics g = m.get().gpu();
            assertThat(g.utilization()).as(line).isEqualTo(Double.parseDouble(exp[0]));
            assertThat(g.memUsedBytes()).isEqualTo(Long.parseLong(exp[1]) * 1024 * 1024);
            assertThat(g.memTotalBytes()).isEqualTo(Long.parseLong(exp[2]) * 1024 * 1024);
            if (exp[3].equals("none")) {
                assertThat(g.temperatureC()).as(line).isNull();
            } else {
                assertThat(g.temperatureC()).as(line).isEqualTo(Double.parseDouble(exp[3]));
            }
            if (exp[4].equals("none")) {
                assertThat(g.powerW()).as(line).isNull();
            } else {
                assertThat(g.powerW()).as(line).isCloseTo(Double.parseDouble(exp[4]), within(1e-9));
            }
            assertThat(java.util.Objects.toString(m.get().totalFrom(), "none")).as(line).isEqualTo(exp[5]);
            assertThat(m.get().railsW()).as(line).hasSize(Integer.parseInt(exp[6]));
        }
        assertThat(checked).isEqualTo(14);
    }

    @Test
    void tegrastats_agxOrin_totalIsAllFourRailsNotTheSystemRailAlone() {
        String line = "04-24-2023 00:01:24 RAM 1282/62795MB (lfb 15152x4MB) SWAP 0/31398MB (cached 0MB) CPU [0%@729,0%@729] "
                + "EMC_FREQ 0%@2133 GR3D_FREQ 0%@0 GR3D2_FREQ 0%@0 VIC_FREQ 729 APE 174 CV0@-256C CPU@42.593C Tboard@32C "
                + "GPU@-256C tj@42.593C VDD_GPU_SOC 2399mW/2399mW VDD_CPU_CV 400mW/400mW VIN_SYS_5V0 4032mW/4032mW NC 0mW/0mW "
                + "VDDQ_VDD2_1V8AO 301mW/301mW NC 0mW/0mW";
        TegrastatsParser.Reading r = TegrastatsParser.parseReading(line, "g").orElseThrow();
        assertThat(r.totalPowerW()).isCloseTo(7.132, within(1e-9));
        assertThat(r.railsW()).containsEntry("VIN_SYS_5V0", 4.032).doesNotContainKey("NC");
        assertThat(r.temperaturesC()).containsEntry("tj", 42.593).doesNotContainKey("gpu").doesNotContainKey("cv0");
    }

    @Test
    void tegrastats_recordedBusyGpuAndTwoGpcLines_readTheLoadAndEveryRail() throws IOException {
        // recorded lines, not constructed ones (sources in tegrastats-samples.txt): a GPU burn at 99 %, an AGX Orin's
        // two-GPC form at 39 %, and JetPack 7.2's three-value rails
        List<TegrastatsParser.Reading> busy = recorded("GR3D_FREQ 99%", "GR3D_FREQ 39%@[305,0]", "GR3D_FREQ 12%@[1300,1300]");
        assertThat(busy.get(0).gpu().utilization()).isEqualTo(0.99);
        assertThat(busy.get(0).railsW()).containsEntry("VDD_IN", 13.353).containsEntry("VDD_CPU_GPU_CV", 7.34);
        assertThat(busy.get(1).gpu().utilization()).isEqualTo(0.39);
        assertThat(busy.get(1).railsW()).containsOnlyKeys("VDD_GPU_SOC", "VDD_CPU_CV", "VIN_SYS_5V0");
        assertThat(busy.get(2).gpu().utilization()).isEqualTo(0.12);
        assertThat(busy.get(2).railsW()).containsEntry("VDD_GPU_SOC", 5.139).containsEntry("VIN_SYS_5V0", 5.5);
        assertThat(busy.get(2).temperaturesC()).containsEntry("gpu", 47.625).containsEntry("soc2", 48.406);
    }

    private static List<TegrastatsParser.Reading> recorded(String... marks) throws IOException {
        List<String> lines = fixture("tegrastats-samples.txt").lines().filter(l -> !l.startsWith("#")).toList();
        List<TegrastatsParser.Reading> out = new java.util.ArrayList<>();
        for (String mark : marks) {
            String line = lines.stream().filter(l -> l.contains(mark + " ")).findFirst().orElseThrow();
            out.add(TegrastatsParser.parseReading(line, "g").orElseThrow());
        }
        return out;
    }

    @Test
    void nvidiaSmi_headerWithUnits_isMappedByColumnName() throws IOException {
        List<GpuMetrics> g = NvidiaSmiParser.parse(withoutComments(fixture("nvidia-smi-samples.txt")));
        assertThat(g).hasSize(1);
        assertThat(g.get(0).name()).isEqualTo("Tesla T4");
        assertThat(g.get(0).utilization()).isEqualTo(0.98);
        assertThat(g.get(0).memUsedBytes()).isEqualTo(7234L * 1024 * 1024);
        assertThat(g.get(0).memTotalBytes()).isEqualTo(15360L * 1024 * 1024);
        assertThat(g.get(0).temperatureC()).isEqualTo(72.0);
        assertThat(g.get(0).powerW()).isNull();
    }

    @Test
    void nvidiaSmi_notAvailableFields_readAsAbsent() throws IOException {
        List<GpuMetrics> g = NvidiaSmiParser.parse(withoutComments(fixture("nvidia-smi-gb10.txt")));
        assertThat(g).hasSize(1);
        assertThat(g.get(0).name()).isEqualTo("NVIDIA GB10");
        assertThat(g.get(0).memTotalBytes()).isZero();
        assertThat(g.get(0).powerW()).isEqualTo(12.98);
        assertThat(g.get(0).utilization()).isEqualTo(0.05);
    }

    @Test
    void nvidiaSmi_noHeader_realLinesOfAnotherQuery_areReadByTheQuerysFieldOrder() {
        // verbatim from a public repository's cluster snapshot notes (nvidia-smi
        // --query-gpu=index,name,memory.total,memory.used,utilization.gpu --format=csv,noheader), A100 SXM4 80GB node
        String out = "0, NVIDIA A100-SXM4-80GB, 81920 MiB, 63337 MiB, 87 %\n"
                + "1, NVIDIA A100-SXM4-80GB, 81920 MiB, 63343 MiB, 93 %\n"
                + "2, NVIDIA A100-SXM4-80GB, 81920 MiB, 72823 MiB, 0 %\n";
        List<GpuMetrics> g = NvidiaSmiParser.parse(out, List.of("index", "name", "memory.total", "memory.used", "utilization.gpu"));
        assertThat(g).extracting(GpuMetrics::index).containsExactly(0, 1, 2);
        assertThat(g.get(1).name()).isEqualTo("NVIDIA A100-SXM4-80GB");
        assertThat(g.get(1).utilization()).isEqualTo(0.93);
        assertThat(g.get(2).memUsedBytes()).isEqualTo(72823L * 1024 * 1024);
        assertThat(g.get(0).memTotalBytes()).isEqualTo(81920L * 1024 * 1024);
        assertThat(g.get(0).powerW()).isNull();
        // the probe's own field order expects seven fields: these five-field lines are not its data lines
        assertThat(NvidiaSmiParser.parse(out)).isEmpty();
    }

    @Test
    void nvidiaSmi_headerOfALoggedRun_decidesTheColumns() {
        // verbatim rows of a public H100 run's logged gpu.csv (--format=csv with units, extra fields around the probe's)
        String out = "timestamp, index, uuid, name, utilization.gpu [%], utilization.memory [%], memory.used [MiB],"
                + " memory.total [MiB], temperature.gpu, power.draw [W]\n"
                + "2026/09/12 06:17:26.305, 2, GPU-107f0d10-2c02-7c73-7b9f-680acd29b484, NVIDIA H100 80GB HBM3, 100 %, 1 %,"
                + " 29089 MiB, 81559 MiB, 35, 154.88 W\n"
                + "2026/09/12 06:17:26.305, 3, GPU-8c958eaa-b244-64cb-6283-d37792aac963, NVIDIA H100 80GB HBM3, 100 %, 3 %,"
                + " 29089 MiB, 81559 MiB, 29, 158.86 W\n";
        List<GpuMetrics> g = NvidiaSmiParser.parse(out);
        assertThat(g).extracting(GpuMetrics::index).containsExactly(2, 3);
        assertThat(g.get(0).name()).isEqualTo("NVIDIA H100 80GB HBM3");
        assertThat(g.get(0).utilization()).isEqualTo(1.0);
        assertThat(g.get(1).temperatureC()).isEqualTo(29.0);
        assertThat(g.get(1).powerW()).isEqualTo(158.86);
        assertThat(g.get(0).memTotalBytes()).isEqualTo(81559L * 1024 * 1024);
    }

    @Test
    void nvidiaSmi_probeFormat_noHeaderNoUnits_twoGpus() {
        // the probe's own format (--format=csv,noheader,nounits, FIELDS order), with the values of the logged H100 rows
        // above reduced to the probe's fields; [N/A] as nvidia-smi prints an unsupported field
        List<GpuMetrics> g = NvidiaSmiParser.parse("2, NVIDIA H100 80GB HBM3, 100, 29089, 81559, 35, 154.88\n"
                + "3, NVIDIA H100 80GB HBM3, 100, 29089, 81559, 29, [N/A]\ngarbage line\n");
        assertThat(g).extracting(GpuMetrics::index).containsExactly(2, 3);
        assertThat(g.get(0).powerW()).isEqualTo(154.88);
        assertThat(g.get(1).powerW()).isNull();
    }

    @Test
    void hostSampler_readsPlausibleValuesOnThisMachine(@TempDir Path dir) throws Exception {
        HostSampler s = new HostSampler(dir);
        Thread.sleep(200);
        HostMetrics m = s.sample();
        assertThat(m.memTotalBytes()).isGreaterThan(256L * 1024 * 1024);
        assertThat(m.memUsedBytes()).isBetween(1L, m.memTotalBytes());
        assertThat(m.cpuLoadPerCore()).hasSize(Runtime.getRuntime().availableProcessors());
        assertThat(m.diskTotalBytes()).isPositive();
        assertThat(m.diskUsedBytes()).isLessThanOrEqualTo(m.diskTotalBytes());
        assertThat(HostSampler.machineFacts().logicalCores()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }
}
