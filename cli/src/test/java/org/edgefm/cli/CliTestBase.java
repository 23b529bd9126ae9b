package org.edgefm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every command-line test needs: a temporary folder, and {@link #run} that runs the
 * {@code edgefm} command tree in process with its standard output and error captured.
 */
abstract class CliTestBase {
    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    /** Runs {@code edgefm args...} and returns its exit code; output in {@link #out} and {@link #err}. */
    int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }
}
