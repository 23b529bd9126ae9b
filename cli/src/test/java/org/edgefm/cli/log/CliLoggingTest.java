package org.edgefm.cli.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The command's SLF4J backend: during a capture, everything to the file and only EdgeFM's warnings to the console. */
class CliLoggingTest {
    @TempDir
    Path dir;

    @Test
    void providerIsTheCommandsOwn() {
        assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(CliLoggerFactory.class);
    }

    @Test
    void capture_fileGetsInfoAndAbove_consoleOnlyEdgeFmWarnings() throws Exception {
        Logger own = LoggerFactory.getLogger("org.edgefm.control.ControlLoop");
        Logger lib = LoggerFactory.getLogger("com.hivemq.Migrations");
        List<String> console = new ArrayList<>();
        Path file = dir.resolve("host.log");
        try (CliLogging.Capture c = CliLogging.capture(file, console::add)) {
            own.info("slot {} planned", 3);
            own.warn("nodes {} offline", "[a]", new IllegalStateException("boom"));
            lib.info("migrations done");
            lib.warn("extension folder could not be used");
            lib.debug("not written");
        }
        String log = Files.readString(file);
        String thread = "[" + Thread.currentThread().getName() + "] ";
        assertThat(log).contains("[INFO] " + thread + "org.edgefm.control.ControlLoop - slot 3 planned",
                "[WARN] " + thread + "org.edgefm.control.ControlLoop - nodes [a] offline", "java.lang.IllegalStateException: boom",
                "[INFO] " + thread + "com.hivemq.Migrations - migrations done",
                "[WARN] " + thread + "com.hivemq.Migrations - extension").doesNotContain("not written");
        assertThat(console).hasSize(1);
        assertThat(console.get(0)).matches("(?s)\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[WARN\\] ControlLoop - nodes \\[a\\] offline\\R"
                + "java.lang.IllegalStateException: boom.*");
        // closed: nothing more reaches the capture
        own.warn("after");
        assertThat(console).hasSize(1);
        assertThat(Files.readString(file)).doesNotContain("after");
    }

    @Test
    void levels_longestPrefixProperty_thenDefault_thenInfo() {
        System.setProperty(CliLogging.LEVEL_PREFIX + "com.example", "warn");
        System.setProperty(CliLogging.LEVEL_PREFIX + "com.example.chatty", "debug");
        try {
            assertThat(CliLogging.configuredLevel("com.example.Quiet")).isEqualTo(30);
            assertThat(CliLogging.configuredLevel("com.example.chatty.Thing")).isEqualTo(10);
            assertThat(CliLogging.configuredLevel("org.other.Thing")).isEqualTo(20);
        } finally {
            System.clearProperty(CliLogging.LEVEL_PREFIX + "com.example");
            System.clearProperty(CliLogging.LEVEL_PREFIX + "com.example.chatty");
        }
    }
}
