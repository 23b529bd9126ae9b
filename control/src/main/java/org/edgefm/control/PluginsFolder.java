package org.edgefm.control;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.edgefm.api.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where plugin jars are looked for. In order: a folder given by flag ({@code --plugins-dir}), the
 * environment variable {@value #ENV}, the folder {@code plugins} next to the installation (the
 * launcher's {@code edgefm.home} system property), or {@code plugins} in the current folder when no
 * installation is known. A folder named by flag or environment must exist; a missing default folder
 * only means "built-in planners alone" and is mentioned once per process.
 *
 * @param path   the folder
 * @param origin how it was chosen: {@code --plugins-dir}, {@value #ENV} or {@code default}
 */
public record PluginsFolder(Path path, String origin) {
    private static final Logger LOG = LoggerFactory.getLogger(PluginsFolder.class);
    /** The environment variable naming the plugins folder. */
    public static final String ENV = "EDGEFM_PLUGINS";
    /** The system property the launchers set to the installation folder. */
    public static final String HOME_PROPERTY = "edgefm.home";
    /** The origin of a folder chosen by default. */
    public static final String DEFAULT = "default";
    private static final AtomicBoolean MISSING_MENTIONED = new AtomicBoolean();

    /** Checks the fields. */
    public PluginsFolder {
        Objects.requireNonNull(path, "path is null");
        Objects.requireNonNull(origin, "origin is null");
    }

    /** Resolves the folder from a flag (or null), this process's environment and {@code edgefm.home}. */
    public static PluginsFolder resolve(Path flag) {
        return resolve(flag, System.getenv(ENV), System.getProperty(HOME_PROPERTY));
    }

    /**
     * Resolves the folder.
     *
     * @param flag the folder given by flag, or null
     * @param env  the value of {@value #ENV}, or null
     * @param home the installation folder, or null
     * @throws ConfigException when a folder named by flag or environment does not exist or is not a folder
     */
    public static PluginsFolder resolve(Path flag, String env, String home) {
        PluginsFolder f;
        if (flag != null) {
            f = new PluginsFolder(flag, "--plugins-dir");
        } else if (env != null && !env.isBlank()) {
            f = new PluginsFolder(Path.of(env.strip()), ENV);
        } else {
            f = new PluginsFolder(home == null || home.isBlank() ? Path.of("plugins") : Path.of(home, "plugins"), DEFAULT);
        }
        if (!DEFAULT.equals(f.origin)) {
            if (!Files.exists(f.path)) {
                throw new ConfigException("plugins folder " + f.path + " (from " + f.origin + "): does not exist");
            }
            if (!Files.isDirectory(f.path)) {
                throw new ConfigException("plugins folder " + f.path + " (from " + f.origin + "): is not a folder");
            }
        }
        return f;
    }

    /** True when the folder exists. */
    public boolean exists() {
        return Files.isDirectory(path);
    }

    /**
     * Logs once per process that the default folder is missing (only built-in planners then).
     *
     * @return true when this call logged it
     */
    public boolean mentionIfMissing() {
        if (exists() || !MISSING_MENTIONED.compareAndSet(false, true)) {
            return false;
        }
        LOG.info("no plugins folder at {}: built-in planners only (create it, set {} or use --plugins-dir)",
                path.toAbsolutePath().normalize(), ENV);
        return true;
    }
}
