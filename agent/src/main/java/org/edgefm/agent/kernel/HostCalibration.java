package org.edgefm.agent.kernel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.MachineFacts;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The short calibration a machine without a catalogued accelerator runs at its agent's first
 * start, so that its {@code generic-cpu} profile carries measured figures instead of assumed ones:
 * the FP32 GEMM rate through ND4J/OpenBLAS (a 1024 x 1024 x 1024 product, best of the timed runs
 * after a warm-up) and the memory copy bandwidth ({@code System.arraycopy} of a 64 MiB array,
 * counting read plus write, best of five). Under a second in all. The result is kept in the
 * agent's data directory ({@value #FILE}) and reused at later starts.
 *
 * @param gemmGflops       measured FP32 GEMM rate, GFLOP/s
 * @param copyGbPerS       measured copy bandwidth (read + write), GB/s
 * @param measuredAt       when
 */
public record HostCalibration(double gemmGflops, double copyGbPerS, String measuredAt) {
    /** The file in the agent's data directory. */
    public static final String FILE = "host-calibration.json";

    /** Measures this machine (blocking, about a second). */
    public static HostCalibration measure() {
        int n = 1024;
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        a.mmuli(b, c);
        double best = Double.MAX_VALUE;
        long t0 = System.nanoTime();
        for (int i = 0; i < 20 && (i < 3 || System.nanoTime() - t0 < 300_000_000L); i++) {
            long s = System.nanoTime();
            a.mmuli(b, c);
            best = Math.min(best, (System.nanoTime() - s) / 1e9);
        }
        double gflops = 2.0 * n * n * n / best / 1e9;
        byte[] src = new byte[64 << 20];
        byte[] dst = new byte[src.length];
        java.util.Arrays.fill(src, (byte) 1);
        System.arraycopy(src, 0, dst, 0, src.length);
        double bestCopy = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long s = System.nanoTime();
            System.arraycopy(src, 0, dst, 0, src.length);
            bestCopy = Math.min(bestCopy, (System.nanoTime() - s) / 1e9);
        }
        double gbps = 2.0 * src.length / bestCopy / 1e9;
        return new HostCalibration(gflops, gbps, Instant.now().toString());
    }

    /** The stored calibration, if the data directory has a readable one. */
    public static java.util.Optional<HostCalibration> load(Path dataDir) {
        Path f = dataDir.resolve(FILE);
        if (Files.isRegularFile(f)) {
            try {
                HostCalibration h = new ObjectMapper().readValue(f.toFile(), HostCalibration.class);
                if (h.gemmGflops() > 0 && h.copyGbPerS() > 0) {
                    return java.util.Optional.of(h);
                }
            } catch (IOException | RuntimeException e) {
                // unreadable: treated as absent
            }
        }
        return java.util.Optional.empty();
    }

    /** The stored calibration, or a new one measured and stored (a write failure only loses the cache). */
    public static HostCalibration loadOrMeasure(Path dataDir) {
        java.util.Optional<HostCalibration> stored = load(dataDir);
        if (stored.isPresent()) {
            return stored.get();
        }
        Path f = dataDir.resolve(FILE);
        ObjectMapper m = new ObjectMapper();
        HostCalibration h = measure();
        try {
            Files.createDirectories(dataDir);
            ObjectNode n = m.valueToTree(h);
            Files.writeString(f, m.writerWithDefaultPrettyPrinter().writeValueAsString(n), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the cache is an optimisation; the next start measures again
        }
        return h;
    }

    /**
     * The generic-cpu profile with this machine's cores and RAM and the measured rates in place of
     * the assumed ones; each replaced figure's source names the calibration.
     */
    public DeviceProfile apply(DeviceProfile generic, MachineFacts facts) {
        java.util.Map<String, String> src = new java.util.HashMap<>(generic.sources());
        String when = "measured by the agent's calibration at first start (" + measuredAt + ")";
        src.put("cpu", String.format(Locale.ROOT, "%s: %d logical cores ('%s'), FP32 GEMM %.1f GFLOP/s (ND4J/OpenBLAS 1024^3, best run)",
                when, facts.logicalCores(), facts.cpuModel(), gemmGflops));
        src.put("ramGb", "the machine's total memory as the OS reports it (OSHI)");
        src.put("memoryBandwidthGbPerS", String.format(Locale.ROOT, "%s: copy bandwidth %.1f GB/s (64 MiB arraycopy, read + write)",
                when, copyGbPerS));
        DeviceProfile.Cpu cpu = new DeviceProfile.Cpu(facts.logicalCores(), facts.arch(), facts.cpuModel(),
                generic.cpu().clockGhz(), gemmGflops);
        return new DeviceProfile(generic.name(), generic.displayName() + " (calibrated)", generic.kind(), cpu,
                Math.max(0.001, facts.ramBytes() / 1e9), null, copyGbPerS, generic.power(), generic.storage(), generic.detect(), src,
                generic.perfClass(), generic.powerModes(), null);
    }
}
