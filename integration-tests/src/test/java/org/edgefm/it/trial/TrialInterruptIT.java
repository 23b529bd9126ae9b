package org.edgefm.it.trial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during a live trial: {@code edgefm trial} runs in a child JVM (as {@code ./edgefm} runs it)
 * with two agent processes; once the workload runs, the trial gets SIGINT. It must stop its agents,
 * print the summary, write {@code --json} and {@code --report} and its run folder, and leave no agent process behind.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TrialInterruptIT {
    /** Bit of SIGINT (signal 2) in the SigIgn mask of /proc/PID/status. */
    private static final long SIGINT_BIT = 1L << 1;

    @TempDir
    Path dir;

    @Test
    void sigintMidRun_writesSummaryJsonAndReportAndLeavesNoAgent() throws Exception {
        Path json = dir.resolve("trial.json");
        Path report = dir.resolve("report");
        Path out = dir.resolve("trial.out");
        Path err = dir.resolve("trial.err");
        Path run = dir.resolve("run");
        List<String> cmd = new ArrayList<>();
        if (sigintIgnoredHere()) {
            // A JVM started in the background by a non-interactive shell inherits SIGINT as ignored, and
            // so would the trial; reset it to the default as a terminal's foreground job has it.
            Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/perl")),
                    "SIGINT is ignored in this JVM and perl is not there to reset it for the child; test skipped");
            cmd.addAll(List.of("/usr/bin/perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\""));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "org.edgefm.cli.Main", "trial", "--agents", "2",
                "--duration", "120s", "--json", json.toString(), "--report", report.toString(), "--out", run.toString()));
        Process trial = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 120_000;
            // the progress line shows once the workload is being driven
            while (!Files.readString(err).contains("] tasks ") && trial.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(250);
            }
            assertThat(trial.isAlive()).as("trial still running when the workload started; stderr:%n%s",
                    Files.readString(err)).isTrue();
            Thread.sleep(3000);
            // the trial starts no other process (its command line is cut at 4 KiB in /proc, class path first)
            List<ProcessHandle> agents = trial.descendants().toList();
            assertThat(agents).hasSize(2);

            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(trial.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(trial.waitFor(100, TimeUnit.SECONDS)).as("the trial exits after SIGINT").isTrue();
            String stdout = Files.readString(out);
            System.out.println(stdout);
            // terminated by SIGINT (128 + 2) after the shutdown hook let the trial finish
            assertThat(trial.exitValue()).as(Files.readString(err)).isEqualTo(130);
            assertThat(stdout).contains("TASK TYPE", "wrote " + json, "wrote " + report.resolve("index.html"));
            JsonNode j = new ObjectMapper().readTree(Files.readString(json));
            assertThat(j.path("tasks").path("submitted").asLong()).isPositive();
            assertThat(j.path("agents").size()).isEqualTo(2);
            // the summary says the workload was cut short, and how long it really ran
            assertThat(j.path("interrupted").asBoolean()).isTrue();
            assertThat(j.path("workload").path("plannedS").asDouble()).isEqualTo(120.0);
            assertThat(j.path("workload").path("actualS").asDouble()).isBetween(1.0, 119.0);
            assertThat(j.path("machine").path("cores").asInt()).isPositive();
            assertThat(j.path("warnings").get(0).asText()).contains("interrupted after");
            assertThat(Files.list(report.resolve("figures")).map(f -> f.getFileName().toString()))
                    .anyMatch(f -> f.endsWith(".svg")).anyMatch(f -> f.endsWith(".csv"));
            assertThat(Files.size(report.resolve("index.html"))).isPositive();
            // the run folder too: summary, report and the host's log
            assertThat(new ObjectMapper().readTree(Files.readString(run.resolve("summary.json"))).path("timeline").size())
                    .isPositive();
            assertThat(run.resolve("report").resolve("index.html")).isNotEmptyFile();
            assertThat(Files.readString(run.resolve("host.log"))).contains("com.hivemq");
            assertThat(stdout).contains("report:  " + run.resolve("report").resolve("index.html"));
            for (ProcessHandle a : agents) {
                assertThat(a.isAlive()).as("agent process " + a.pid()).isFalse();
            }
        } finally {
            trial.descendants().forEach(ProcessHandle::destroyForcibly);
            trial.destroyForcibly();
        }
    }

    private static boolean sigintIgnoredHere() throws Exception {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & SIGINT_BIT) != 0;
            }
        }
        return false;
    }
}
