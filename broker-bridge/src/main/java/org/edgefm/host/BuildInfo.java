package org.edgefm.host;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * {@code edgefm_build_info{version,java,os_arch} 1}: what runs, as Prometheus's {@code *_build_info}
 * convention has it (join it onto other series with {@code * on(instance) group_left(version)}).
 */
public final class BuildInfo {
    private BuildInfo() {
    }

    /** The version Maven wrote into the host's jar, or {@code dev} when run from classes without it. */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "dev";
        }
        String v = p.getProperty("version", "dev");
        return v.startsWith("${") ? "dev" : v;
    }

    /** Registers the gauge. */
    static void register(MeterRegistry registry) {
        Gauge.builder("edgefm.build.info", () -> 1).strongReference(true)
                .description("Build of the running EdgeFM process (always 1; the labels carry the information)")
                .tag("version", version()).tag("java", System.getProperty("java.version", "unknown"))
                .tag("os_arch", System.getProperty("os.arch", "unknown")).register(registry);
    }
}
