package org.edgefm.agent.telemetry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edgefm.wire.GpuMetrics;

/**
 * Parses one line of Jetson's {@code tegrastats}, in the shapes of JetPack 4, 5 and 6:
 * <ul>
 *   <li>shared memory from {@code RAM used/totalMB};</li>
 *   <li>GPU load from {@code GR3D_FREQ n%} (JetPack 4: {@code n%@f}; 5, 6 and 7: {@code n%@[f]} or, on
 *       AGX Orin's two GPCs, {@code n%@[f,f]} with one load for both; some boards add {@code GR3D2_FREQ n%} for the second GPC: the larger of
 *       the two counts; the legacy {@code GR3D n%} of early releases is read too);</li>
 *   <li>every temperature {@code name@tC}, in any case ({@code GPU@45.5C}, and {@code gpu@63.5C}
 *       since JetPack 5.1.2); a sensor reading -256 (absent on some Orin modules) is left out; the
 *       GPU temperature is the {@code gpu} sensor;</li>
 *   <li>every named power rail {@code NAME cur/avg} with or without the {@code mW} unit, and JetPack 7's
 *       {@code NAME cur/avg/max}
 *       ({@code VDD_IN}, {@code VDD_CPU_GPU_CV}, {@code VDD_SOC}, {@code VDD_GPU_SOC},
 *       {@code VDD_CPU_CV}, {@code VIN_SYS_5V0}, {@code VDDQ_VDD2_1V8AO}, {@code POM_5V_*}, and the
 *       AGX Xavier's {@code GPU CPU SOC CV VDDRQ SYS5V}); the not-connected {@code NC} channels are
 *       skipped;</li>
 *   <li>total power: the board's input rail ({@code VDD_IN} on Orin Nano/NX and Xavier NX,
 *       {@code POM_5V_IN} on Nano/TX2) where it has one, else the sum of the rails (AGX Orin and
 *       AGX Xavier measure no input rail: {@code VIN_SYS_5V0} is one rail of four).</li>
 * </ul>
 */
public final class TegrastatsParser {
    /** Rails that measure the whole module's input, in order of preference. */
    public static final java.util.List<String> INPUT_RAILS = java.util.List.of("VDD_IN", "POM_5V_IN");
    /** Most rails or sensors kept from one line (a bound on what a malformed line can add). */
    public static final int MAX_NAMED = 32;

    private static final Pattern RAM = Pattern.compile("\\bRAM (\\d+)/(\\d+)MB");
    private static final Pattern GR3D = Pattern.compile("\\bGR3D2?(?:_FREQ)? (\\d+)%");
    private static final Pattern TEMP = Pattern.compile("\\b([A-Za-z][A-Za-z0-9_-]{0,31})@(-?\\d+(?:\\.\\d+)?)C\\b");
    private static final Pattern RAIL = Pattern.compile("\\b([A-Z][A-Z0-9_]{0,31}) (\\d+)(?:mW)?/(\\d+)(?:mW)?(?:/\\d+(?:mW)?)?(?=\\s|$)");

    /**
     * One parsed line.
     *
     * @param gpu           the GPU metrics (power: the total)
     * @param railsW        current power of each named rail, W, in line order
     * @param temperaturesC each sensor's temperature, lower-case name, in line order
     * @param totalPowerW   the board's total power, or null when the line has no rails
     * @param totalFrom     the input rail the total comes from, or {@code sum} of the rails
     */
    public record Reading(GpuMetrics gpu, Map<String, Double> railsW, Map<String, Double> temperaturesC, Double totalPowerW,
            String totalFrom) {
    }

    private TegrastatsParser() {
    }

    /** The GPU metrics of one line, or empty when the line is not a tegrastats line. */
    public static Optional<GpuMetrics> parse(String line, String gpuName) {
        return parseReading(line, gpuName).map(Reading::gpu);
    }

    /** Everything one line says, or empty when it is not a tegrastats line (no RAM or no GPU load). */
    public static Optional<Reading> parseReading(String line, String gpuName) {
        if (line == null) {
            return Optional.empty();
        }
        Matcher ram = RAM.matcher(line);
        if (!ram.find()) {
            return Optional.empty();
        }
        Matcher g = GR3D.matcher(line);
        int util = -1;
        while (g.find()) {
            util = Math.max(util, Integer.parseInt(g.group(1)));
        }
        if (util < 0) {
            return Optional.empty();
        }
        Map<String, Double> temps = new LinkedHashMap<>();
        Matcher t = TEMP.matcher(line);
        while (t.find() && temps.size() < MAX_NAMED) {
            double v = Double.parseDouble(t.group(2));
            if (v > -200) {
                temps.putIfAbsent(t.group(1).toLowerCase(Locale.ROOT), v);
            }
        }
        Map<String, Double> rails = new LinkedHashMap<>();
        Matcher r = RAIL.matcher(line);
        while (r.find() && rails.size() < MAX_NAMED) {
            String name = r.group(1);
            if (name.equals("NC") || name.equals("RAM") || name.equals("SWAP") || name.equals("IRAM")) {
                continue;
            }
            rails.putIfAbsent(name, Long.parseLong(r.group(2)) / 1000.0);
        }
        Double total = null;
        String from = null;
        for (String in : INPUT_RAILS) {
            if (rails.containsKey(in)) {
                total = rails.get(in);
                from = in;
                break;
            }
        }
        if (total == null && !rails.isEmpty()) {
            long mw = 0;
            for (double w : rails.values()) {
                mw += Math.round(w * 1000);
            }
            total = mw / 1000.0;
            from = "sum";
        }
        long mib = 1024L * 1024;
        GpuMetrics gm = new GpuMetrics(0, gpuName, Math.min(1, util / 100.0), Long.parseLong(ram.group(1)) * mib,
                Long.parseLong(ram.group(2)) * mib, temps.get("gpu"), total);
        return Optional.of(new Reading(gm, Collections.unmodifiableMap(rails), Collections.unmodifiableMap(temps), total, from));
    }
}
