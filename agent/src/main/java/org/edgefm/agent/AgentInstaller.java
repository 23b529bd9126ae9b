package org.edgefm.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.EdgeFmException;

/**
 * Installs the agent as a systemd service under a prefix: the configuration
 * ({@code etc/edgefm/agent.json}, mode 600 because it may hold the MQTT password), the unit
 * ({@code etc/systemd/system/edgefm-agent.service}) and the jar ({@code opt/edgefm/edgefm-agent.jar},
 * copied when a built jar is given). A dry run describes the same files without writing, with the
 * password masked.
 */
public final class AgentInstaller {
    /** The unit's name. */
    public static final String UNIT = "edgefm-agent.service";

    private AgentInstaller() {
    }

    /**
     * One file the installer writes.
     *
     * @param path    where
     * @param content what (for the config: the real content, password included)
     * @param shown   what a dry run prints (the password masked)
     * @param secret  true when the file must be readable by its owner only
     */
    public record FileToWrite(Path path, String content, String shown, boolean secret) {
        @Override
        public String toString() {
            return "FileToWrite[" + path + "]";
        }
    }

    /**
     * What an install does.
     *
     * @param files     files to write
     * @param jarSource the built jar to copy, or null when none was found
     * @param jarTarget where the unit expects the jar
     */
    public record Plan(List<FileToWrite> files, Path jarSource, Path jarTarget) {
    }

    /** Plans an install of {@code config} under {@code prefix}; {@code jar} is the built device jar, or null. */
    public static Plan plan(AgentConfig config, Path prefix, Path jar) {
        Path etc = prefix.resolve("etc/edgefm");
        Path configPath = etc.resolve("agent.json");
        Path jarTarget = prefix.resolve("opt/edgefm/edgefm-agent.jar");
        Path dataDefault = prefix.resolve("var/lib/edgefm/agent").toAbsolutePath();
        AgentConfig installed = config.dataDir().startsWith(System.getProperty("user.home"))
                ? new AgentConfig(config.fleet(), config.nodeId(), config.broker(), config.username(), config.password(),
                        config.tlsCaFile(), config.mqttVersion(), config.profile(), dataDefault.toString(),
                        dataDefault.resolve("models").toString(), config.httpHost(), config.httpPort(), config.advertiseHost(),
                        config.telemetryPeriodMs(), config.reconnectMinMs(), config.reconnectMaxMs(), config.calibrate(),
                        config.scenario(), config.taskTypes(), config.links(), config.impairment(), config.tlsKeystore())
                : config;
        String json = installed.toJson();
        String shown = installed.password() == null ? json
                : json.replace("\"password\" : " + jsonString(installed.password()), "\"password\" : \"(hidden)\"");
        String unit = String.join("\n",
                "[Unit]",
                "Description=EdgeFM device agent (node " + installed.nodeId() + ", fleet " + installed.fleet() + ")",
                "After=network-online.target",
                "Wants=network-online.target",
                "",
                "[Service]",
                "Type=simple",
                "# ND4J's OpenMP threads sleep between ops instead of spinning on the BLAS threads' cores",
                "Environment=OMP_WAIT_POLICY=PASSIVE",
                "ExecStart=/usr/bin/java -Xmx192m -XX:+UseSerialGC -Dorg.bytedeco.javacpp.cachedir="
                        + prefix.resolve("var/cache/edgefm/javacpp").toAbsolutePath() + " -jar " + jarTarget.toAbsolutePath()
                        + " --config " + configPath.toAbsolutePath(),
                "Restart=always",
                "RestartSec=2",
                "# SIGTERM: the agent publishes its death and stops cleanly",
                "KillSignal=SIGTERM",
                "TimeoutStopSec=20",
                "",
                "[Install]",
                "WantedBy=multi-user.target",
                "");
        List<FileToWrite> files = new ArrayList<>();
        files.add(new FileToWrite(configPath, json, shown, true));
        files.add(new FileToWrite(prefix.resolve("etc/systemd/system").resolve(UNIT), unit, unit, false));
        return new Plan(List.copyOf(files), jar, jarTarget);
    }

    /** Writes the files and copies the jar. */
    public static void apply(Plan plan) {
        try {
            for (FileToWrite f : plan.files()) {
                Files.createDirectories(f.path().getParent());
                Files.writeString(f.path(), f.content());
                if (f.secret()) {
                    try {
                        Files.setPosixFilePermissions(f.path(), PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException ignored) {
                        // not a POSIX file system
                    }
                }
            }
            if (plan.jarSource() != null) {
                Files.createDirectories(plan.jarTarget().getParent());
                Files.copy(plan.jarSource(), plan.jarTarget(), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new EdgeFmException("install failed: " + e.getMessage(), e);
        }
    }

    /** The text a dry run prints: every file with its content, and the jar step. */
    public static String describe(Plan plan) {
        StringBuilder sb = new StringBuilder();
        for (FileToWrite f : plan.files()) {
            sb.append("would write ").append(f.path()).append(f.secret() ? " (mode 600)" : "").append(":\n");
            sb.append(f.shown().endsWith("\n") ? f.shown() : f.shown() + "\n").append('\n');
        }
        if (plan.jarSource() != null) {
            sb.append("would copy ").append(plan.jarSource()).append(" to ").append(plan.jarTarget()).append('\n');
        } else {
            sb.append("the unit runs ").append(plan.jarTarget()).append("; no built jar was found to copy there"
                    + " (build it: mvn -B -pl agent -am package -Pcpu,device-jar -DskipTests)\n");
        }
        sb.append("then: systemctl daemon-reload && systemctl enable --now ").append(UNIT).append('\n');
        return sb.toString();
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The device jar under {@code agent/target/} of a source tree, if built. */
    public static Path findBuiltJar(Path repoRoot) {
        Path dir = repoRoot.resolve("agent/target");
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("edgefm-agent-.*-device\\.jar")).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
