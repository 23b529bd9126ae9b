package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs Prometheus's {@code promtool} (Debian package prometheus) where it is installed; skips the check otherwise. */
final class Promtool {
    private Promtool() {
    }

    static boolean present() {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(d -> new File(d, "promtool").canExecute());
    }

    static void assumePresent() {
        Assumptions.assumeTrue(present(), "promtool not installed (Debian package prometheus): check skipped");
    }

    /** {@code promtool check metrics} on an exposition: asserts exit 0 and no finding. */
    static void checkMetrics(String exposition) throws Exception {
        assumePresent();
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("promtool check metrics findings").isBlank();
        assertThat(p.exitValue()).as(out).isZero();
    }

    /** {@code promtool ARGS...}: the exit status and output. */
    static String run(List<String> args, Path dir) throws Exception {
        assumePresent();
        List<String> cmd = new java.util.ArrayList<>(List.of("promtool"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + "\n" + out;
    }
}
