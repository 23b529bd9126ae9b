package org.edgefm.cli;

import java.nio.file.Path;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.PluginsFolder;

/** The plugins folder and registry of the commands that load planners (one rule for all of them). */
final class PluginsCli {
    private PluginsCli() {
    }

    /**
     * The plugins folder: {@code --plugins-dir} (must exist), else {@code EDGEFM_PLUGINS} (must exist), else
     * {@code plugins/} next to the installation; a missing default is mentioned once.
     */
    static Path folder(Path flag) {
        PluginsFolder f = PluginsFolder.resolve(flag);
        f.mentionIfMissing();
        return f.path();
    }

    /** The registry over the class path and the plugins folder; broken jars are quarantined and logged. */
    static PluginRegistry registry(Path flag) {
        return PluginRegistry.load(PluginsCli.class.getClassLoader(), folder(flag));
    }
}
