package org.edgefm.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefm.api.EdgeFmException;

/**
 * The Java runtime a unit runs: by default the one running this process (its real path, so that a
 * later change of the system's default {@code java} link to another major version does not change
 * what the service runs), or one given on the command line.
 */
public final class JavaRuntime {
    /** The oldest Java major version EdgeFM runs on. */
    public static final int MIN_MAJOR = 17;

    private JavaRuntime() {
    }

    /**
     * The {@code java} executable for a unit.
     *
     * @param given   a path from the command line ({@code --java}), or null
     * @param staging true when the files are staged for another machine's image: a given path is
     *                then taken as it is (it names a file of that image), a found one still must exist
     * @throws EdgeFmException when a given path is not an executable file here (and not staging)
     */
    public static Path forUnit(Path given, boolean staging) {
        if (given != null) {
            if (!given.isAbsolute()) {
                throw new EdgeFmException("--java " + given + ": not an absolute path (the unit runs it as written)");
            }
            if (!staging && !Files.isExecutable(given)) {
                throw new EdgeFmException("--java " + given + ": no executable file there");
            }
            return given;
        }
        String launcherFound = System.getProperty("edgefm.java");
        String running = launcherFound != null && !launcherFound.isBlank() ? launcherFound
                : ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        try {
            return Path.of(running).toRealPath();
        } catch (IOException e) {
            return Path.of(running).toAbsolutePath();
        }
    }

    /** The major version of the running Java. */
    public static int runningMajor() {
        return Runtime.version().feature();
    }
}
