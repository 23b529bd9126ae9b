package org.edgefm.agent.telemetry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.edgefm.wire.GpuMetrics;

/**
 * Reads GPU metrics by running {@code nvidia-smi} (GPU servers) or one line of {@code tegrastats}
 * (Jetson). Which one is decided once from the device profile's kind; a tool that is missing or
 * fails gives an empty list, never an error. Blocking: call on a worker thread.
 */
public final class GpuProbe {
    /** Which tool to use. */
    public enum Source {
        /** No GPU probe (CPU-only machines). */
        NONE,
        /** {@code nvidia-smi}. */
        NVIDIA_SMI,
        /** {@code tegrastats}. */
        TEGRASTATS
    }

    private final Source source;
    private final String gpuName;
    private volatile boolean broken;
    private volatile TegrastatsParser.Reading lastBoard;

    /** A probe using {@code source}; {@code gpuName} names the Jetson GPU in tegrastats metrics. */
    public GpuProbe(Source source, String gpuName) {
        this.source = source;
        this.gpuName = gpuName;
    }

    /** The source. */
    public Source source() {
        return source;
    }

    /** The board reading (rails, sensors) of the latest tegrastats line, or null. */
    public TegrastatsParser.Reading lastBoard() {
        return lastBoard;
    }

    /** One reading; empty when there is no GPU or the tool is unavailable. */
    public List<GpuMetrics> read() {
        if (source == Source.NONE || broken) {
            return List.of();
        }
        try {
            if (source == Source.NVIDIA_SMI) {
                return NvidiaSmiParser.parse(run(NvidiaSmiParser.COMMAND, false));
            }
            TegrastatsParser.Reading r = TegrastatsParser.parseReading(run(List.of("tegrastats", "--interval", "100"), true),
                    gpuName).orElse(null);
            lastBoard = r;
            return r == null ? List.of() : List.of(r.gpu());
        } catch (IOException e) {
            broken = true; // not installed: stop trying
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static String run(List<String> cmd, boolean firstLineOnly) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            if (firstLineOnly) {
                String line = r.readLine();
                return line == null ? "" : line;
            }
            StringBuilder sb = new StringBuilder();
            for (String line; (line = r.readLine()) != null; ) {
                sb.append(line).append('\n');
            }
            p.waitFor(5, TimeUnit.SECONDS);
            return sb.toString();
        } finally {
            p.destroy();
        }
    }
}
