package org.edgefm.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgefm-agent install}: the files it stages under {@code --root}, the unit's contents, and
 * the unit checked by {@code systemd-analyze verify} and {@code security --offline=yes} where that
 * tool exists (systemd 250 or newer; PID 1 need not be systemd).
 */
class AgentInstallerTest {
    @TempDir
    Path dir;
    Path jar;
    Path root;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void release() throws Exception {
        Path home = dir.resolve("edgefm-agent-1.0");
        jar = Files.createDirectories(home.resolve("lib")).resolve("edgefm-agent.jar");
        Files.writeString(jar, "jar");
        Files.writeString(Files.createDirectories(home.resolve("bin")).resolve("edgefm-agent"), "#!/bin/sh\n");
        root = dir.resolve("image");
    }

    private int install(String... args) {
        out.reset();
        err.reset();
        List<String> a = new ArrayList<>(List.of("--jar", jar.toString(), "--root", root.toString()));
        a.addAll(List.of(args));
        return AgentInstallCommand.run(a, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), null);
    }

    private String unit() throws Exception {
        return Files.readString(root.resolve("etc/systemd/system/edgefm-agent.service"));
    }

    @Test
    void stagedInstall_writesConfigUnitAndJar_withoutLeakingTheRoot() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "s3cret\n");
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        assertThat(install("--broker", "ssl://planner:8883", "--node-id", "jetson-1", "--password-file", pw.toString(),
                "--ca-file", ca.toString(), "--profile", "generic-cpu", "--advertise", "10.0.0.11", "--java", "/usr/bin/java"))
                .as(err.toString()).isZero();

        String unit = unit();
        assertThat(unit).doesNotContain(root.toString()).doesNotContain(dir.toString())
                .contains("User=edgefm", "Group=edgefm", "SuccessExitStatus=143", "Restart=on-failure",
                        "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "ReadWritePaths=/var/lib/edgefm\n",
                        "PrivateDevices=yes", "RestartPreventExitStatus=2",
                        "ExecStart=/usr/bin/java -Xmx192m -XX:+UseSerialGC -Dorg.bytedeco.javacpp.cachedir=/var/lib/edgefm/cache/javacpp"
                                + " -jar /opt/edgefm/agent/lib/edgefm-agent.jar --config /etc/edgefm/agent.json")
                .doesNotContain("MemoryDenyWriteExecute=yes").doesNotContainPattern("@[A-Z_]+@");
        assertThat(unit.lines().filter(l -> l.startsWith("ReadWritePaths="))).containsExactly("ReadWritePaths=/var/lib/edgefm");

        Path cfg = root.resolve("etc/edgefm/agent.json");
        assertThat(Files.getPosixFilePermissions(cfg)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        AgentConfig c = AgentConfig.load(cfg);
        assertThat(c.password()).isEqualTo("s3cret");
        assertThat(c.username()).isEqualTo("jetson-1");
        assertThat(c.tlsCaFile()).isEqualTo("/etc/edgefm/agent-ca.pem");
        assertThat(c.dataDir()).isEqualTo("/var/lib/edgefm/agent");
        assertThat(c.httpHost()).isEqualTo("0.0.0.0");
        assertThat(c.advertiseHost()).isEqualTo("10.0.0.11");
        assertThat(c.profile()).isEqualTo("generic-cpu");
        assertThat(root.resolve("opt/edgefm/agent/lib/edgefm-agent.jar")).hasContent("jar");
        assertThat(Files.isExecutable(root.resolve("opt/edgefm/agent/bin/edgefm-agent"))).isTrue();
        assertThat(root.resolve("etc/edgefm/agent-ca.pem")).hasContent("-----BEGIN CERTIFICATE-----");
        assertThat(root.resolve("etc/sysusers.d/edgefm.conf")).content().contains("u edgefm - ");
        assertThat(root.resolve("etc/tmpfiles.d/edgefm-agent.conf")).content()
                .contains("z /etc/edgefm/agent.json 0640 root edgefm -", "d /var/lib/edgefm 0750 edgefm edgefm -");
        assertThat(root.resolve("var/lib/edgefm")).isDirectory();
        assertThat(out.toString()).doesNotContain("s3cret").contains("systemctl --root=" + root + " enable edgefm-agent.service");
    }

    @Test
    void reinstall_keepsTheEarlierKeys_andDryRunHidesThePasswordAndWritesNothing() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "s3cret\n");
        assertThat(install("--broker", "tcp://h:1883", "--node-id", "n1", "--password-file", pw.toString(),
                "--advertise", "10.0.0.5", "--fleet", "lab")).as(err.toString()).isZero();
        // an upgrade: no flags but the new release
        assertThat(install("--http-port", "7070")).as(err.toString()).isZero();
        AgentConfig c = AgentConfig.load(root.resolve("etc/edgefm/agent.json"));
        assertThat(c.broker()).isEqualTo("tcp://h:1883");
        assertThat(c.fleet()).isEqualTo("lab");
        assertThat(c.password()).isEqualTo("s3cret");
        assertThat(c.httpPort()).isEqualTo(7070);

        root = dir.resolve("other");
        assertThat(install("--broker", "tcp://h:1883", "--node-id", "n2", "--password-file", pw.toString(),
                "--advertise", "10.0.0.6", "--dry-run")).isZero();
        assertThat(out.toString()).contains("would write " + root.resolve("etc/edgefm/agent.json"), "\"password\" : \"(hidden)\"",
                "would copy " + jar).doesNotContain("s3cret");
        assertThat(root).doesNotExist();
    }

    @Test
    void onAMachineWithTheDebianPackage_writesTheConfigurationOnly() throws Exception {
        // what the package edgefm-agent puts in place
        Path pkgJar = Files.createDirectories(root.resolve("opt/edgefm/agent/lib")).resolve("edgefm-agent.jar");
        Files.writeString(pkgJar, "packaged jar");
        Path pkgUnit = Files.createDirectories(root.resolve("usr/lib/systemd/system")).resolve("edgefm-agent.service");
        Files.writeString(pkgUnit, "[Unit]\n");
        jar = pkgJar;
        assertThat(install("--broker", "tcp://h:1883", "--node-id", "p1", "--advertise", "10.0.0.3")).as(err.toString()).isZero();
        assertThat(AgentConfig.load(root.resolve("etc/edgefm/agent.json")).nodeId()).isEqualTo("p1");
        assertThat(root.resolve("etc/systemd/system/edgefm-agent.service")).doesNotExist();
        assertThat(root.resolve("etc/sysusers.d/edgefm.conf")).doesNotExist();
        assertThat(pkgJar).hasContent("packaged jar");
        assertThat(out.toString()).contains("the Debian package's unit /usr/lib/systemd/system/edgefm-agent.service runs it")
                .doesNotContain("copied");
    }

    @Test
    void profiles_setTheDeviceSandbox() throws Exception {
        assertThat(install("--broker", "tcp://h:1883", "--node-id", "j1", "--advertise", "10.0.0.7", "--profile",
                "jetson-orin-nano-8gb")).as(err.toString()).isZero();
        assertThat(unit()).contains("PrivateDevices=no", "SupplementaryGroups=video").doesNotContain("PrivateDevices=yes");
        assertThat(install("--broker", "tcp://h:1883", "--node-id", "g1", "--advertise", "10.0.0.8", "--profile", "nvidia-l4"))
                .isZero();
        assertThat(unit()).contains("PrivateDevices=no").doesNotContain("SupplementaryGroups");
    }

    @Test
    void mistakes_areOneLine_usageExit2_failureExit1() throws Exception {
        assertThat(install("--broker", "tcp://h:1883")).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("edgefm-agent install: install: no node id (give --node-id ID)");
        assertThat(install("--node-id", "x", "--broker", "tcp://h:1883", "--advertise", "a", "--prefix", "/x")).isEqualTo(2);
        assertThat(err.toString()).startsWith("edgefm-agent install: unknown option --prefix");
        assertThat(install("--node-id", "x", "--broker", "tcp://h:1883", "--key", "k.pem")).isEqualTo(2);
        assertThat(err.toString()).contains("--key needs --cert");
        assertThat(install("--node-id", "x", "--broker", "mqtt://h", "--advertise", "a")).isEqualTo(1);
        assertThat(err.toString()).contains("broker: 'mqtt://h'");
        assertThat(install("--node-id", "x/y", "--broker", "tcp://h:1883", "--advertise", "a")).isEqualTo(1);
        assertThat(err.toString()).contains("nodeId: 'x/y'");
        assertThat(install("--node-id", "x", "--broker", "tcp://h:1883", "--password-file", dir.resolve("none").toString(),
                "--advertise", "a")).isEqualTo(1);
        assertThat(err.toString()).contains("--password-file " + dir.resolve("none") + ": cannot read it");
        assertThat(install("--node-id", "x", "--broker", "tcp://h:1883")).isEqualTo(1);
        assertThat(err.toString()).contains("give --advertise HOST");
        assertThat(install("--node-id", "x", "--broker", "tcp://h:1883", "--advertise", "a", "--heap", "lots")).isEqualTo(1);
        assertThat(err.toString()).contains("--heap: 'lots'");
        assertThat(root.resolve("etc")).doesNotExist();
    }

    @Test
    void unit_passesSystemdAnalyzeVerifyAndSecurity() throws Exception {
        assumeThat(systemdAnalyze()).as("systemd-analyze 250 or newer (Debian: apt-get install systemd)").isTrue();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath().toString();
        for (String profile : List.of("generic-cpu", "jetson-orin-nx-16gb", "nvidia-h100-80gb")) {
            assertThat(install("--broker", "tcp://h:1883", "--node-id", "n1", "--advertise", "10.0.0.9", "--profile", profile,
                    "--java", java)).as(err.toString()).isZero();
            Path unit = root.resolve("etc/systemd/system/edgefm-agent.service");
            Result verify = run("systemd-analyze", "verify", "--man=no", unit.toString());
            assertThat(verify.rc()).as(profile + ": " + verify.out()).isZero();
            assertThat(verify.out()).as(profile).doesNotContain("Unknown key", "Failed", "Invalid", "ignoring");
            // Exposure 10 is an unprotected service (--threshold counts tenths); a JVM service without
            // MemoryDenyWriteExecute and with network access scores 1.8 with a private /dev, 2.0-2.1
            // with the GPU device nodes (systemd 252).
            Result sec = run("systemd-analyze", "security", "--offline=yes", "--threshold=30", "--no-pager", unit.toString());
            assertThat(sec.rc()).as(profile + ": " + sec.out()).isZero();
            assertThat(sec.out()).as(profile).containsPattern("Overall exposure level for edgefm-agent.service: [0-2]\\.[0-9] OK");
        }
    }

    record Result(int rc, String out) {
    }

    static boolean systemdAnalyze() {
        try {
            Result r = run("systemd-analyze", "--version");
            var m = java.util.regex.Pattern.compile("systemd (\\d+)").matcher(r.out());
            return r.rc() == 0 && m.find() && Integer.parseInt(m.group(1)) >= 250;
        } catch (Exception e) {
            return false;
        }
    }

    static Result run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + ": no answer in 60 s");
        }
        return new Result(p.exitValue(), o);
    }
}
