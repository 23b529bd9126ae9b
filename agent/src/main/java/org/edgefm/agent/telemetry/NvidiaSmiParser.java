package org.edgefm.agent.telemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.edgefm.wire.GpuMetrics;

/**
 * Parses {@code nvidia-smi --query-gpu=index,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw
 * --format=csv[,noheader][,nounits]}. A header line, if present, decides the column order; units
 * ({@code %}, {@code MiB}, {@code W}) are accepted; {@code [N/A]} and {@code [Not Supported]} read as
 * absent. Lines that cannot be read are skipped (a probe never fails telemetry).
 */
public final class NvidiaSmiParser {
    /** The query fields, in the order the probe asks for them. */
    public static final List<String> FIELDS = List.of("index", "name", "utilization.gpu", "memory.used", "memory.total",
            "temperature.gpu", "power.draw");
    /** The command the probe runs. */
    public static final List<String> COMMAND = List.of("nvidia-smi", "--query-gpu=" + String.join(",", FIELDS),
            "--format=csv,noheader,nounits");

    private NvidiaSmiParser() {
    }

    /** Parses the tool's output; one entry per GPU line. */
    public static List<GpuMetrics> parse(String output) {
        return parse(output, FIELDS);
    }

    /**
     * Parses the output of a query of other fields ({@code fields}: their order, for lines without a
     * header; a header line still decides). Fields the query lacks read as absent (index: the line's
     * position).
     */
    public static List<GpuMetrics> parse(String output, List<String> fields) {
        List<String> cols = List.copyOf(fields);
        List<GpuMetrics> out = new ArrayList<>();
        for (String raw : output.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split(",\\s*");
            if (parts.length > 0 && parts[0].strip().toLowerCase(Locale.ROOT).startsWith("index")
                    || line.toLowerCase(Locale.ROOT).contains("memory.used")) {
                cols = new ArrayList<>();
                for (String p : parts) {
                    cols.add(p.strip().replaceAll("\\s*\\[.*]$", "").toLowerCase(Locale.ROOT));
                }
                continue;
            }
            if (parts.length != cols.size()) {
                continue; // not a data line of this query
            }
            try {
                int index = (int) num(get(cols, parts, "index"), out.size());
                String name = get(cols, parts, "name");
                Double util = numOrNull(get(cols, parts, "utilization.gpu"));
                Double used = numOrNull(get(cols, parts, "memory.used"));
                Double total = numOrNull(get(cols, parts, "memory.total"));
                out.add(new GpuMetrics(index, name == null ? "gpu" + index : name,
                        util == null ? 0 : Math.min(1, util / 100.0),
                        used == null ? 0 : (long) (used * 1024 * 1024), total == null ? 0 : (long) (total * 1024 * 1024),
                        numOrNull(get(cols, parts, "temperature.gpu")), numOrNull(get(cols, parts, "power.draw"))));
            } catch (RuntimeException skipped) {
                // a line the tool printed in an unexpected shape: leave that GPU out of this sample
            }
        }
        return out;
    }

    private static String get(List<String> cols, String[] parts, String field) {
        int i = cols.indexOf(field);
        return i >= 0 && i < parts.length ? parts[i].strip() : null;
    }

    private static double num(String s, double dflt) {
        Double d = numOrNull(s);
        return d == null ? dflt : d;
    }

    static Double numOrNull(String s) {
        if (s == null) {
            return null;
        }
        String v = s.replaceAll("(?i)\\s*(%|MiB|W|C)$", "").strip();
        if (v.isEmpty() || v.startsWith("[")) {
            return null;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
