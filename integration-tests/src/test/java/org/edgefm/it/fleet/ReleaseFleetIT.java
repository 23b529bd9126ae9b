package org.edgefm.it.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Death;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.Directive;
import org.edgefm.it.support.Figures;
import org.edgefm.it.support.FleetRecorder;
import org.edgefm.it.support.Lan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release on a LAN: the agent archive ({@code dist/agent/target/edgefm-agent-VERSION-linux.tar.gz},
 * unpacked with {@code tar}) installs each of four agents into its own root folder with
 * {@code edgefm-agent install --root}, and each runs the {@code ExecStart} of its staged unit (the
 * image's paths under its root folder; nothing of the build's class path) on its own machine of a
 * {@link Lan}: a network namespace with its own address and a {@code tc tbf} bandwidth cap. The
 * host is {@code edgefm trial --agents 0 --wait-for 3} on a machine of its own, with its embedded
 * broker open to the LAN. Three agents join before the workload; the fourth joins in the middle of
 * it and gets a directive; one of the first three leaves (SIGTERM: exit 143, its death) and is
 * failed over: a directive to a survivor, and every service it ran runs on a survivor. The late
 * agent gets a service within {@link #LATE_WORK_WITHIN_S} s of its birth, tasks complete, and the
 * on-time rate is at least {@link #ON_TIME_FLOOR}. Printed figures: join to first directive per agent,
 * join to first work of the late agent, failover time, tasks and on-time rate.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ReleaseFleetIT {
    private static final ObjectMapper JSON = new ObjectMapper().configure(JsonParser.Feature.ALLOW_COMMENTS, true);
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /**
     * Floor of the trial's on-time rate: the agents share this machine's cores with the host and each
     * other (and, in CI, with the build), so the floor is far below what idle boards reach.
     */
    static final double ON_TIME_FLOOR = 0.3;
    /** The late agent gets a service within this many seconds of its birth (join settle, re-placement, a slot). */
    static final double LATE_WORK_WITHIN_S = 60;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @Test
    void agentsFromTheRelease_joinOverTheLan_oneJoinsLate_oneLeaves() throws Exception {
        Path release = unpack(agentArchive());
        try (Lan lan = Lan.open("50mbit")) {
            System.out.println("[lan] " + lan.method());
            Lan.Machine hostMachine = lan.add("host", 1);
            String[] ids = {"cam-board", "board-2", "board-3", "late-board"};
            String[] profiles = {"jetson-orin-nx-16gb", "jetson-agx-orin-64gb", "jetson-orin-nano-8gb", "nvidia-l4"};
            Lan.Machine[] boards = new Lan.Machine[ids.length];
            for (int i = 0; i < ids.length; i++) {
                boards[i] = lan.add(ids[i], 11 + i);
            }
            int port = lan.freePort();
            String broker = "tcp://" + hostMachine.address() + ":" + port;
            String fleet = "lan" + ProcessHandle.current().pid();
            Path javacppCache = Files.createDirectories(dir.resolve("javacpp-cache"));

            // Install: the release's launcher, a root folder per agent, from a base configuration that
            // skips the start-up kernel calibration (seconds of CPU per agent on a 2-core CI machine).
            Path base = Files.writeString(dir.resolve("base.json"), "{\"calibrate\": false}\n");
            // The trial's embedded broker takes the fleet's accounts (one per node, the user name is the
            // node id) and a read-only monitor account for this test's recorder.
            StringBuilder accounts = new StringBuilder();
            String monitorPassword = "monitor-" + Long.toHexString(new java.security.SecureRandom().nextLong());
            accounts.append("edgefm-monitor:").append(monitorPassword).append('\n');
            List<List<String>> agentCommands = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                Path root = dir.resolve("root-" + ids[i]);
                List<String> install = new ArrayList<>(List.of(release.resolve("bin/edgefm-agent").toString(), "install",
                        "--root", root.toString(), "--broker", broker, "--node-id", ids[i], "--fleet", fleet,
                        "--advertise", boards[i].address(), "--profile", profiles[i], "--scenario", "trial-lab",
                        "--config", base.toString()));
                String password = ids[i] + "-" + Long.toHexString(new java.security.SecureRandom().nextLong());
                accounts.append(ids[i]).append(':').append(password).append('\n');
                install.addAll(List.of("--password-file", Files.writeString(dir.resolve(ids[i] + ".password"), password + "\n")
                        .toString()));
                if (i == 0) {
                    install.addAll(List.of("--label", "camera"));
                }
                String out = runOk(install, dir);
                assertThat(out).contains("wrote " + root.resolve("etc/systemd/system/edgefm-agent.service"));
                String unit = Files.readString(root.resolve("etc/systemd/system/edgefm-agent.service"));
                assertThat(unit).doesNotContain(root.toString()).contains("User=edgefm", "SuccessExitStatus=143");
                // on its own machine: the LAN namespace's prefix, then the unit's command
                List<String> onBoard = new ArrayList<>(boards[i].prefix());
                onBoard.addAll(execStart(unit, root, javacppCache));
                agentCommands.add(onBoard);
            }

            // The host: a trial that starts no agent, on its own machine.
            Path accountsFile = Files.writeString(dir.resolve("accounts.txt"), accounts);
            Path scenario = workloadSpec();
            Path run = dir.resolve("run");
            Path trialLog = dir.resolve("trial.log");
            List<String> trial = new ArrayList<>(hostMachine.prefix());
            trial.addAll(List.of(JAVA, "-Xmx640m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    "org.edgefm.cli.Main", "trial", "--agents", "0", "--wait-for", "3", "--wait-timeout", "150s",
                    "--broker-port", String.valueOf(port), "--bind", lan.namespaces() ? "0.0.0.0" : "127.0.0.1",
                    "--fleet", fleet, "--scenario", scenario.toString(), "--duration", "90s", "--out", run.toString(),
                    "--progress-interval", "5s", "--broker-accounts", accountsFile.toString()));
            Process host = start(trial, dir, trialLog, Map.of());

            FleetRecorder rec = connect("tcp://" + (lan.namespaces() ? hostMachine.address() : "127.0.0.1") + ":" + port,
                    host, trialLog, fleet, monitorPassword);
            try (rec) {
                Process[] agents = new Process[ids.length];
                for (int i = 0; i < 3; i++) {
                    agents[i] = start(agentCommands.get(i), dir.resolve("root-" + ids[i]), dir.resolve(ids[i] + ".log"),
                            Map.of("OMP_WAIT_POLICY", "PASSIVE"));
                }
                Awaitility.await("the workload starts").atMost(Duration.ofSeconds(200)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !host.isAlive() || !agents[0].isAlive() || !agents[1].isAlive() || !agents[2].isAlive()
                                || read(trialLog).contains("tasks enter at"));
                assertThat(host.isAlive()).as(read(trialLog)).isTrue();
                for (int i = 0; i < 3; i++) {
                    assertThat(agents[i].isAlive()).as(ids[i] + " runs: " + read(dir.resolve(ids[i] + ".log"))).isTrue();
                }
                long workloadNanos = System.nanoTime();
                Figures fig = Figures.of("ReleaseFleetIT");
                fig.put("lan", lan.namespaces() ? "netns" : "loopback");
                for (int i = 0; i < 3; i++) {
                    fig.seconds("joinToDirective." + ids[i], birthNanos(rec, ids[i]), firstDirective(rec, ids[i], Duration.ofSeconds(5)));
                }

                // A fourth agent joins in the middle of the workload and gets work.
                Thread.sleep(5_000); // into the workload, then the join
                agents[3] = start(agentCommands.get(3), dir.resolve("root-" + ids[3]), dir.resolve(ids[3] + ".log"),
                        Map.of("OMP_WAIT_POLICY", "PASSIVE"));
                Awaitility.await("late-board's birth").atMost(Duration.ofSeconds(120))
                        .until(() -> !host.isAlive() || rec.lastBirth(ids[3]) != null);
                assertThat(host.isAlive()).as("the trial still runs when late-board joins").isTrue();
                fig.seconds("joinToDirective." + ids[3], birthNanos(rec, ids[3]), firstDirective(rec, ids[3], Duration.ofSeconds(60)));
                assertThat(rec.lastBirth(ids[3]).dataEndpoint()).startsWith(boards[3].address() + ":");

                // One of the first three (not the camera's board: its streams enter there) leaves.
                int leaver = services(rec, ids[1]).size() >= services(rec, ids[2]).size() ? 1 : 2;
                List<String> leaverServices = services(rec, ids[leaver]);
                assertThat(leaverServices).as(ids[leaver] + " runs something to fail over").isNotEmpty();
                long before = rec.timed(null, Directive.class).size();
                agents[leaver].destroy(); // SIGTERM, as systemctl stop
                assertThat(agents[leaver].waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(agents[leaver].exitValue()).as("exit code on SIGTERM (the unit's SuccessExitStatus)").isEqualTo(143);
                long deathAt = rec.await(ids[leaver], Death.class, d -> true, Duration.ofSeconds(20)).atNanos();
                String gone = ids[leaver];
                Awaitility.await("failover directives").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> rec.timed(null, Directive.class).stream().skip(before)
                                .anyMatch(t -> t.atNanos() > deathAt && !t.message().nodeId().equals(gone)));
                long failoverAt = rec.timed(null, Directive.class).stream().skip(before)
                        .filter(t -> t.atNanos() > deathAt && !t.message().nodeId().equals(gone)).findFirst().orElseThrow().atNanos();
                fig.seconds("failover(death to first directive)", deathAt, failoverAt);
                fig.put("leaver", gone + " " + leaverServices);
                // every service the leaver ran (core and light) runs on a survivor afterwards
                Awaitility.await("the leaver's services moved to survivors").atMost(Duration.ofSeconds(60))
                        .until(() -> survivorsRun(rec, ids, gone).containsAll(leaverServices));

                Awaitility.await("the trial ends").atMost(Duration.ofSeconds(150)).until(() -> !host.isAlive());
                String log = read(trialLog);
                assertThat(host.exitValue()).as(log).isZero();
                JsonNode summary = JSON.readTree(Files.readString(run.resolve("summary.json")));
                assertThat(summary.path("tasks").path("submitted").asLong()).as(log).isPositive();
                fig.put("submitted", summary.path("tasks").path("submitted").asLong());
                fig.put("completed", summary.path("tasks").path("completed").asLong());
                fig.put("onTime", String.format(java.util.Locale.ROOT, "%.3f", summary.path("onTimeRate").asDouble()));
                fig.put("late-board services", services(rec, ids[3]));
                fig.seconds("workload start to late join", workloadNanos, birthNanos(rec, ids[3]));
                fig.put("tbf", lan.qdisc(boards[0]).replaceAll("\\s+", " "));
                long lateWork = rec.timed(ids[3], Directive.class).stream().filter(t -> !t.message().desired().services().isEmpty())
                        .mapToLong(FleetRecorder.Timed::atNanos).findFirst().orElse(-1);
                if (lateWork < 0) {
                    fig.put("joinToWork." + ids[3], "none during the trial");
                } else {
                    fig.seconds("joinToWork." + ids[3], birthNanos(rec, ids[3]), lateWork);
                }
                fig.print();
                assertThat(lateWork).as(ids[3] + " gets a service during the trial").isNotEqualTo(-1L);
                assertThat((lateWork - birthNanos(rec, ids[3])) / 1e9).as("join to first work of " + ids[3] + ", s")
                        .isLessThan(LATE_WORK_WITHIN_S);
                assertThat(summary.path("tasks").path("completed").asLong()).as(log).isPositive();
                assertThat(summary.path("onTimeRate").asDouble()).as("on-time rate").isGreaterThanOrEqualTo(ON_TIME_FLOOR);
            } catch (AssertionError | RuntimeException e) {
                String tl = read(trialLog);
                System.out.println("[trial.log, last 4000 chars] " + tl.substring(Math.max(0, tl.length() - 4000)));
                for (String id : ids) {
                    String log = read(dir.resolve(id + ".log"));
                    System.out.println("[" + id + ".log, last 3000 chars] " + log.substring(Math.max(0, log.length() - 3000)));
                }
                throw e;
            } finally {
                for (Process p : processes) {
                    stop(p);
                }
            }
        } finally {
            for (Process p : processes) {
                stop(p);
            }
        }
    }

    /** The archive the build made: -Dedgefm.it.agentArchive, else dist/agent/target next to this module. */
    static Path agentArchive() throws IOException {
        String given = System.getProperty("edgefm.it.agentArchive");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        Path target = Path.of(System.getProperty("user.dir")).resolve("../dist/agent/target").normalize();
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().matches("edgefm-agent-.*-linux\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no agent archive in " + target + " (mvn -B package builds it)"));
        }
    }

    /** Unpacks the archive with tar, as a user would, and returns its one top folder. */
    private Path unpack(Path archive) throws Exception {
        Path to = Files.createDirectories(dir.resolve("release"));
        runOk(List.of("tar", "-xzf", archive.toString(), "-C", to.toString()), dir);
        try (Stream<Path> s = Files.list(to)) {
            return s.findFirst().orElseThrow();
        }
    }

    /**
     * The unit's ExecStart with the image's paths under its root folder, JavaCPP's cache shared by
     * the agents of this test (each would otherwise unpack the same 330 MB), and the state folder as
     * a flag (the configuration names the device's {@code /var/lib/edgefm/agent}).
     */
    static List<String> execStart(String unit, Path root, Path javacppCache) {
        String line = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow().substring("ExecStart=".length());
        List<String> cmd = new ArrayList<>();
        for (String w : line.split(" ")) {
            if (w.startsWith("-Dorg.bytedeco.javacpp.cachedir=")) {
                cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + javacppCache);
            } else if (w.startsWith("/opt/edgefm/") || w.startsWith("/etc/edgefm/")) {
                cmd.add(root.resolve(w.substring(1)).toString());
            } else {
                cmd.add(w);
            }
        }
        cmd.addAll(List.of("--data-dir", root.resolve("var/lib/edgefm/agent").toString()));
        return cmd;
    }

    /** trial-lab's services and task types as a workload spec: no nodes, every stream enters at the board labelled camera. */
    private Path workloadSpec() throws IOException {
        ObjectNode s;
        try (InputStream in = getClass().getResourceAsStream("/scenarios/trial-lab.json")) {
            s = (ObjectNode) JSON.readTree(in);
        }
        s.put("name", "lan-fleet");
        ((ObjectNode) s.path("topology")).putArray("nodes");
        ((ObjectNode) s.path("topology")).putArray("links");
        for (JsonNode u : s.path("users")) {
            ((ObjectNode) u).put("node", "camera");
        }
        Path f = dir.resolve("lan-fleet.json");
        Files.writeString(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
        return f;
    }

    private FleetRecorder connect(String url, Process host, Path trialLog, String fleet, String monitorPassword) {
        FleetRecorder[] rec = new FleetRecorder[1];
        Awaitility.await("the trial's broker").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> {
                    assertThat(host.isAlive()).as(read(trialLog)).isTrue();
                    rec[0] = new FleetRecorder(url, "edgefm-monitor", monitorPassword, "edgefm/v1/" + fleet + "/#");
                    return true;
                });
        return rec[0];
    }

    private static long birthNanos(FleetRecorder rec, String node) {
        return rec.timed(node, Birth.class).get(0).atNanos();
    }

    /** When the first directive to the node arrived. */
    private static long firstDirective(FleetRecorder rec, String node, Duration atMost) {
        return rec.await(node, Directive.class, d -> true, atMost).atNanos();
    }

    /** The services (instances > 0) of the node's newest directive. */
    private static List<String> services(FleetRecorder rec, String node) {
        List<Directive> d = rec.received(node, Directive.class);
        return d.isEmpty() ? List.of() : d.get(d.size() - 1).desired().services().stream()
                .filter(s -> s.instances() > 0).map(DesiredService::service).sorted().toList();
    }

    private static List<String> coreServices(FleetRecorder rec, String node) {
        List<Directive> d = rec.received(node, Directive.class);
        return d.isEmpty() ? List.of() : d.get(d.size() - 1).desired().services().stream()
                .filter(s -> s.instances() > 0 && s.kind() == ServiceKind.CORE).map(DesiredService::service).toList();
    }

    private static List<String> survivorsRun(FleetRecorder rec, String[] ids, String gone) {
        List<String> all = new ArrayList<>();
        for (String id : ids) {
            if (!id.equals(gone)) {
                all.addAll(services(rec, id));
            }
        }
        return all;
    }

    private Process start(List<String> cmd, Path cwd, Path log, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Nothing of the build: a bare environment, as systemd gives a unit.
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static String runOk(List<String> cmd, Path cwd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("EDGEFM_JAVA", JAVA);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }

    private static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
