package org.edgefm.host.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.EdgeFmException;
import org.edgefm.host.HostConfig;
import org.edgefm.install.InstallPlan;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgefm host install}: what it stages under a root folder (the release's lib, the
 * configuration, a hardened unit), what it writes beside the Debian package, its errors, and the
 * unit checked by {@code systemd-analyze verify} and {@code security --offline=yes} where that tool
 * exists (systemd 250 or newer; PID 1 need not be systemd).
 */
class HostInstallerTest {
    @TempDir
    Path dir;
    Path lib;
    Path root;

    @BeforeEach
    void release() throws Exception {
        Path home = dir.resolve("edgefm-1.0");
        lib = Files.createDirectories(home.resolve("lib"));
        Files.writeString(lib.resolve("edgefm-cli.jar"), "jar");
        Files.writeString(Files.createDirectories(home.resolve("bin")).resolve("edgefm"), "#!/bin/sh\n");
        root = dir.resolve("image");
    }

    static HostInstallOptions options(Path root, Path lib, String fleet, Integer brokerPort, String planner, String scenario,
            Path credentials, String java) {
        return new HostInstallOptions(null, fleet, null, null, brokerPort, null, null, planner, scenario, credentials, root,
                java == null ? null : Path.of(java), null, lib);
    }

    @Test
    void stagesTheReleaseLibConfigAndAHardenedUnit() throws Exception {
        Path creds = Files.writeString(dir.resolve("accounts"), "host:hash\n");
        InstallPlan plan = HostInstaller.plan(options(root, lib, "lab", null, "two-tier", "trial-lab", creds, "/usr/bin/java"));
        assertThat(plan.staging()).isTrue();
        assertThat(plan.notes()).anyMatch(n -> n.contains("systemctl --root=" + root.toAbsolutePath() + " enable edgefm-host.service"));
        assertThat(plan.applyWithUser()).isNotEmpty();
        String unit = Files.readString(root.resolve("etc/systemd/system/edgefm-host.service"));
        assertThat(unit).doesNotContain(root.toString()).doesNotContainPattern("@[A-Z_]+@").contains("User=edgefm", "SuccessExitStatus=143",
                "Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/edgefm\n",
                "CapabilityBoundingSet=\n", "Description=EdgeFM planner host (fleet lab)", "# Staged for an image.",
                "ExecStart=/usr/bin/java -Xmx1g",
                "-cp /opt/edgefm/host/lib/* org.edgefm.cli.Main host --config /etc/edgefm/host.json");
        HostConfig cfg = HostConfig.load(root.resolve("etc/edgefm/host.json"));
        assertThat(cfg.fleet()).isEqualTo("lab");
        assertThat(Files.readString(root.resolve("etc/edgefm/host.json"))).contains("\"brokerBind\" : \"0.0.0.0\"",
                "\"dataDir\" : \"/var/lib/edgefm/host\"", "\"credentialsFile\" : \"/etc/edgefm/host-credentials\"",
                "\"pluginsDir\" : \"/etc/edgefm/plugins\"", "\"planner\" : \"two-tier\"", "\"scenario\" : \"trial-lab\"");
        assertThat(root.resolve("opt/edgefm/host/lib/edgefm-cli.jar")).hasContent("jar");
        assertThat(root.resolve("opt/edgefm/host/bin/edgefm")).exists();
        assertThat(root.resolve("etc/edgefm/host-credentials")).hasContent("host:hash");
        assertThat(root.resolve("etc/tmpfiles.d/edgefm-host.conf")).content()
                .contains("z /etc/edgefm/host.json 0640 root edgefm", "z /etc/edgefm/host-credentials 0640 root edgefm");
        assertThat(root.resolve("etc/sysusers.d/edgefm.conf")).content().contains("edgefm");

        // again with a port below 1024: exactly one capability; the earlier install's keys stay
        HostInstaller.plan(options(root, lib, null, 883, null, null, null, "/usr/bin/java")).applyWithUser();
        assertThat(Files.readString(root.resolve("etc/systemd/system/edgefm-host.service")))
                .contains("CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "AmbientCapabilities=CAP_NET_BIND_SERVICE");
        HostConfig again = HostConfig.load(root.resolve("etc/edgefm/host.json"));
        assertThat(again.fleet()).isEqualTo("lab");
        assertThat(again.brokerPort()).isEqualTo(883);
    }

    @Test
    void aScenarioFile_isCopiedToEtcAndNamedInTheConfiguration() throws Exception {
        Path scenario = Files.writeString(dir.resolve("lab.json"), "{}");
        HostInstaller.plan(options(root, lib, null, null, null, scenario.toString(), null, "/usr/bin/java")).applyWithUser();
        assertThat(root.resolve("etc/edgefm/lab.json")).hasContent("{}");
        assertThat(root.resolve("etc/edgefm/host.json")).content().contains("\"scenario\" : \"/etc/edgefm/lab.json\"");
    }

    @Test
    void onAMachineWithTheDebianPackage_writesTheConfigurationAndALowPortDropInOnly() throws Exception {
        Path pkgRoot = dir.resolve("pkgroot");
        Path pkgLib = Files.createDirectories(pkgRoot.resolve("opt/edgefm/host/lib"));
        Files.writeString(pkgLib.resolve("edgefm-cli.jar"), "packaged jar");
        Files.writeString(Files.createDirectories(pkgRoot.resolve("usr/lib/systemd/system")).resolve("edgefm-host.service"), "[Unit]\n");
        InstallPlan plan = HostInstaller.plan(options(pkgRoot, pkgLib, "lab", 883, null, null, null, null));
        plan.applyWithUser();
        assertThat(pkgRoot.resolve("etc/edgefm/host.json")).content().contains("\"fleet\" : \"lab\"");
        assertThat(pkgRoot.resolve("etc/systemd/system/edgefm-host.service")).doesNotExist();
        assertThat(pkgRoot.resolve("etc/systemd/system/edgefm-host.service.d/low-port.conf")).content()
                .startsWith("[Service]\n").contains("CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "AmbientCapabilities=CAP_NET_BIND_SERVICE");
        assertThat(pkgLib.resolve("edgefm-cli.jar")).hasContent("packaged jar");
        assertThat(plan.notes()).anyMatch(n -> n.contains("the Debian package's unit /usr/lib/systemd/system/edgefm-host.service runs it"));

        // the port moved back above 1024: the drop-in is named for removal
        InstallPlan back = HostInstaller.plan(options(pkgRoot, pkgLib, null, 1883, null, null, null, null));
        assertThat(back.notes()).anyMatch(n -> n.contains("no longer configured: remove /etc/systemd/system/edgefm-host.service.d/low-port.conf"));
    }

    @Test
    void dryRunDescription_hidesSecrets_andWritesNothing() throws Exception {
        Path base = Files.writeString(dir.resolve("host.json"), "{\"keystorePassword\": \"top-secret\", \"tlsPort\": 8883,"
                + " \"keystore\": \"/etc/edgefm/host.p12\"}");
        Path creds = Files.writeString(dir.resolve("accounts"), "host:secret-hash\n");
        InstallPlan plan = HostInstaller.plan(new HostInstallOptions(base, "lab", null, null, null, null, null, null, null, creds,
                root, Path.of("/usr/bin/java"), "2g", lib));
        String described = plan.describe();
        assertThat(described).contains("\"keystorePassword\" : \"(hidden)\"", "(accounts: password hashes hidden)")
                .doesNotContain("top-secret", "secret-hash");
        assertThat(root).doesNotExist();
    }

    @Test
    void errors_areOneLineAndNameWhatIsWrong() throws Exception {
        assertThatThrownBy(() -> HostInstaller.plan(options(root, dir.resolve("nolib"), null, null, null, null, null, null)))
                .isInstanceOf(EdgeFmException.class).hasMessageStartingWith("no release lib folder at " + dir.resolve("nolib"));
        assertThatThrownBy(() -> HostInstaller.plan(options(root, lib, null, null, null, null, dir.resolve("none"), null)))
                .isInstanceOf(EdgeFmException.class).hasMessage("--credentials " + dir.resolve("none") + ": no such file");
        Path bad = Files.writeString(dir.resolve("bad.json"), "[1, 2]");
        assertThatThrownBy(() -> HostInstaller.plan(new HostInstallOptions(bad, null, null, null, null, null, null, null, null,
                null, root, null, null, lib))).isInstanceOf(EdgeFmException.class).hasMessageContaining("bad.json");
        assertThatThrownBy(() -> HostInstaller.plan(options(root, lib, null, 70000, null, null, null, null)))
                .isInstanceOf(EdgeFmException.class).hasMessageContaining("/etc/edgefm/host.json");
        assertThatThrownBy(() -> new HostInstallOptions(null, null, null, null, null, null, null, null, null, null, root, null, "lots", lib))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--heap: 'lots' (expected: a size such as 1g)");
        assertThat(root).doesNotExist();
    }

    @Test
    void unit_passesSystemdAnalyzeVerifyAndSecurity() throws Exception {
        assumeThat(systemdAnalyze()).as("systemd-analyze 250 or newer (Debian: apt-get install systemd)").isTrue();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath().toString();
        for (Integer port : List.of(1883, 883)) {
            HostInstaller.plan(options(root, lib, "lab", port, null, null, null, java)).applyWithUser();
            Path unit = root.resolve("etc/systemd/system/edgefm-host.service");
            Result verify = run("systemd-analyze", "verify", "--man=no", unit.toString());
            assertThat(verify.rc()).as(port + ": " + verify.out()).isZero();
            assertThat(verify.out()).as(String.valueOf(port)).doesNotContain("Unknown key", "Failed", "Invalid", "ignoring");
            // Exposure 10 is an unprotected service (--threshold counts tenths); a JVM service without
            // MemoryDenyWriteExecute and with network access scores about 2 (systemd 252).
            Result sec = run("systemd-analyze", "security", "--offline=yes", "--threshold=30", "--no-pager", unit.toString());
            assertThat(sec.rc()).as(port + ": " + sec.out()).isZero();
            assertThat(sec.out()).as(String.valueOf(port)).containsPattern("Overall exposure level for edgefm-host.service: [0-2]\\.[0-9] OK");
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
