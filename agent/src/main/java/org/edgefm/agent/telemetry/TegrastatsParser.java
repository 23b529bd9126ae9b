package org.edgefm.agent.telemetry;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edgefm.wire.GpuMetrics;

/**
 * Parses one line of Jetson's {@code tegrastats}: the GPU load from {@code GR3D_FREQ n%}, the
 * shared memory from {@code RAM used/totalMB}, the GPU temperature from {@code GPU@t C} (absent
 * when the sensor reads -256, as on some Orin modules), and the board input power from the first
 * of {@code VDD_IN}, {@code VIN_SYS_5V0}, {@code POM_5V_IN} (current value, mW; older BSPs print
 * no unit). Handles the JetPack 4, 5 and 6 line shapes.
 */
public final class TegrastatsParser {
    private static final Pattern RAM = Pattern.compile("RAM (\\d+)/(\\d+)MB");
    private static final Pattern GR3D = Pattern.compile("GR3D_FREQ (\\d+)%");
    private static final Pattern GPU_TEMP = Pattern.compile("\\bGPU@(-?\\d+(?:\\.\\d+)?)C");
    private static final Pattern POWER = Pattern.compile("\\b(VDD_IN|VIN_SYS_5V0|POM_5V_IN) (\\d+)(?:mW)?/(\\d+)(?:mW)?");

    private TegrastatsParser() {
    }

    /** The GPU metrics of one line, or empty when the line is not a tegrastats line. */
    public static Optional<GpuMetrics> parse(String line, String gpuName) {
        Matcher ram = RAM.matcher(line);
        Matcher gr3d = GR3D.matcher(line);
        if (!ram.find() || !gr3d.find()) {
            return Optional.empty();
        }
        long mib = 1024L * 1024;
        Double temp = null;
        Matcher t = GPU_TEMP.matcher(line);
        if (t.find()) {
            double v = Double.parseDouble(t.group(1));
            temp = v <= -200 ? null : v;
        }
        Double power = null;
        Matcher p = POWER.matcher(line);
        if (p.find()) {
            power = Double.parseDouble(p.group(2)) / 1000.0;
        }
        return Optional.of(new GpuMetrics(0, gpuName, Math.min(1, Integer.parseInt(gr3d.group(1)) / 100.0),
                Long.parseLong(ram.group(1)) * mib, Long.parseLong(ram.group(2)) * mib, temp, power));
    }
}
