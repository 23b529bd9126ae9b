package org.edgefm.it.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.edgefm.agent.AgentConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian packages the build makes ({@code dist/agent/target/edgefm-agent_VERSION_all.deb},
 * {@code dist/host/target/edgefm_VERSION_all.deb}), read with {@code dpkg-deb} and installed with the
 * real {@code dpkg} into a scratch root with its own package database ({@code dpkg --root
 * --force-script-chrootless}: the maintainer scripts run on this machine with {@code DPKG_ROOT} set and
 * change only files under the scratch root; {@code --force-depends} because the scratch database has
 * no Java package). Install, configure with the packaged {@code edgefm-agent install}, upgrade over a
 * locally changed conffile, remove and purge. Skipped where dpkg is missing or this is not root
 * ({@code useradd} writes the scratch root's user database).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DebPackageIT {
    @TempDir
    Path dir;

    @Test
    void agentAndHostPackages_installConfigureUpgradeRemovePurge() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg")) && Files.isExecutable(Path.of("/usr/sbin/useradd")),
                "dpkg and useradd (a Debian or Ubuntu machine)");
        Assumptions.assumeTrue("0".equals(run(List.of("id", "-u")).out().strip()), "root (dpkg --root with maintainer scripts)");
        Path agentDeb = deb("agent", "edgefm-agent_");
        Path hostDeb = deb("host", "edgefm_");

        // the packages as files
        String info = ok("dpkg-deb", "--info", agentDeb.toString());
        assertThat(info).contains("Package: edgefm-agent", "Architecture: all",
                "Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, passwd", " postinst ", " prerm ", " postrm ",
                " preinst ", " conffiles ");
        String contents = ok("dpkg-deb", "--contents", agentDeb.toString());
        assertThat(contents).contains("./opt/edgefm/agent/lib/edgefm-agent.jar", "./usr/lib/systemd/system/edgefm-agent.service",
                "./usr/lib/sysusers.d/edgefm-agent.conf", "./etc/default/edgefm-agent",
                "./usr/bin/edgefm-agent -> /opt/edgefm/agent/bin/edgefm-agent");
        assertThat(contents.lines().filter(l -> l.endsWith("./opt/edgefm/agent/bin/edgefm-agent"))).singleElement()
                .asString().startsWith("-rwxr-xr-x root/root");
        assertThat(contents).doesNotContain("systemd/edgefm-agent.service.in").doesNotContain("./etc/edgefm/agent.json");
        assertThat(ok("dpkg-deb", "--info", hostDeb.toString())).contains("Package: edgefm", "conffiles");
        assertThat(ok("dpkg-deb", "--contents", hostDeb.toString())).contains("./usr/lib/systemd/system/edgefm-host.service",
                "./opt/edgefm/host/bin/edgefm", "./usr/bin/edgefm -> /opt/edgefm/host/bin/edgefm");
        for (Path deb : List.of(agentDeb, hostDeb)) {
            Path control = dir.resolve("control-" + deb.getFileName());
            ok("dpkg-deb", "--control", deb.toString(), control.toString());
            assertThat(control.resolve("conffiles")).content().contains("/etc/default/");
            for (String script : List.of("preinst", "postinst", "prerm", "postrm")) {
                if (Files.exists(control.resolve(script))) {
                    ok("sh", "-n", control.resolve(script).toString());
                    assertThat(Files.isExecutable(control.resolve(script))).as(script).isTrue();
                }
            }
        }

        // a scratch machine: its own users and package database
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nvideo:x:44:\n");
        Files.writeString(root.resolve("etc/shadow"), "root:*:19000:0:99999:7:::\n");
        Files.writeString(root.resolve("etc/gshadow"), "root:*::\nvideo:!::\n");
        Path db = Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.createDirectories(db.resolve("info"));
        Files.createDirectories(db.resolve("updates"));
        Files.createDirectories(db.resolve("triggers"));
        Files.writeString(db.resolve("status"), "");
        Files.writeString(db.resolve("available"), "");

        String installed = dpkg(root, "-i", agentDeb.toString());
        assertThat(installed).contains("edgefm-agent: not configured yet");
        assertThat(root.resolve("etc/passwd")).content().containsPattern("(?m)^edgefm:x:\\d+:\\d+:EdgeFM services:/var/lib/edgefm:/usr/sbin/nologin$");
        assertThat(root.resolve("etc/group")).content().containsPattern("(?m)^video:x:44:edgefm$");
        assertThat(Files.getPosixFilePermissions(root.resolve("var/lib/edgefm"))).isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
        int uid = Integer.parseInt(Files.readString(root.resolve("etc/passwd")).lines().filter(l -> l.startsWith("edgefm:"))
                .findFirst().orElseThrow().split(":")[2]);
        assertThat(Files.getAttribute(root.resolve("var/lib/edgefm"), "unix:uid")).isEqualTo(uid);
        assertThat(Files.readSymbolicLink(root.resolve("etc/systemd/system/multi-user.target.wants/edgefm-agent.service")))
                .isEqualTo(Path.of("/usr/lib/systemd/system/edgefm-agent.service"));
        assertThat(root.resolve("etc/edgefm/agent.json")).doesNotExist();
        assertThat(ok("dpkg-query", "--root=" + root, "-W", "-f", "${Status}", "edgefm-agent")).isEqualTo("install ok installed");

        // the packaged unit: systemd's offline checks, and the same hardening as the unit install writes
        Path unit = root.resolve("usr/lib/systemd/system/edgefm-agent.service");
        assertThat(unit).content().contains("ConditionPathExists=/etc/edgefm/agent.json", "User=edgefm",
                "SuccessExitStatus=143", "ExecStart=/opt/edgefm/agent/bin/edgefm-agent --config /etc/edgefm/agent.json");
        if (systemdAnalyze()) {
            Result sec = run(List.of("systemd-analyze", "security", "--offline=yes", "--threshold=30", "--no-pager", unit.toString()));
            assertThat(sec.rc()).as(sec.out()).isZero();
            assertThat(sec.out()).containsPattern("Overall exposure level for edgefm-agent.service: [0-2]\\.[0-9] OK");
            // verify checks that ExecStart exists: a copy naming the launcher under the scratch root
            Path copy = Files.createDirectories(dir.resolve("verify")).resolve("edgefm-agent.service");
            Files.writeString(copy, Files.readString(unit).replace("=/opt/edgefm/", "=" + root + "/opt/edgefm/"));
            Result verify = run(List.of("systemd-analyze", "verify", "--man=no", copy.toString()));
            assertThat(verify.rc()).as(verify.out()).isZero();
            assertThat(verify.out()).doesNotContain("Unknown key", "Invalid", "ignoring");
        }

        // configured with the packaged command: the configuration only, no second unit
        Path launcher = root.resolve("opt/edgefm/agent/bin/edgefm-agent");
        String configured = ok(launcher.toString(), "install", "--root", root.toString(), "--broker", "tcp://10.0.0.1:1883",
                "--node-id", "deb-1", "--advertise", "10.0.0.2", "--profile", "generic-cpu");
        assertThat(configured).contains("the Debian package's unit /usr/lib/systemd/system/edgefm-agent.service runs it");
        assertThat(AgentConfig.load(root.resolve("etc/edgefm/agent.json")).nodeId()).isEqualTo("deb-1");
        assertThat(root.resolve("etc/systemd/system/edgefm-agent.service")).doesNotExist();

        // upgrade (the same package again) over a locally changed conffile: both kept
        Path defaults = root.resolve("etc/default/edgefm-agent");
        Files.writeString(defaults, Files.readString(defaults) + "EDGEFM_JAVA_OPTS=\"-Xmx256m\"\n");
        String upgraded = dpkg(root, "-i", agentDeb.toString());
        assertThat(upgraded).doesNotContain("not configured yet");
        assertThat(defaults).content().contains("EDGEFM_JAVA_OPTS=\"-Xmx256m\"");
        assertThat(AgentConfig.load(root.resolve("etc/edgefm/agent.json")).nodeId()).isEqualTo("deb-1");

        // the host package beside it: the same user, its own unit and folders
        dpkg(root, "-i", hostDeb.toString());
        assertThat(Files.readString(root.resolve("etc/passwd")).lines().filter(l -> l.startsWith("edgefm:"))).hasSize(1);
        assertThat(root.resolve("var/lib/edgefm/host")).isDirectory();
        assertThat(root.resolve("etc/edgefm/plugins")).isDirectory();
        assertThat(root.resolve("usr/lib/systemd/system/edgefm-host.service")).content()
                .contains("ConditionPathExists=/etc/edgefm/host.json", "ExecStart=/opt/edgefm/host/bin/edgefm host --config /etc/edgefm/host.json");

        // remove keeps configuration and state; purge deletes the agent's, keeps the user and the host's
        Files.createDirectories(root.resolve("var/lib/edgefm/agent"));
        dpkg(root, "-r", "edgefm-agent");
        assertThat(root.resolve("opt/edgefm/agent")).doesNotExist();
        assertThat(root.resolve("etc/edgefm/agent.json")).exists();
        assertThat(defaults).exists();
        assertThat(root.resolve("etc/systemd/system/multi-user.target.wants/edgefm-agent.service")).doesNotExist();
        dpkg(root, "-P", "edgefm-agent");
        assertThat(root.resolve("etc/edgefm/agent.json")).doesNotExist();
        assertThat(root.resolve("etc/tmpfiles.d/edgefm-agent.conf")).as("written by install, purged").doesNotExist();
        assertThat(defaults).doesNotExist();
        assertThat(root.resolve("var/lib/edgefm/agent")).doesNotExist();
        assertThat(root.resolve("var/lib/edgefm/host")).isDirectory();
        assertThat(root.resolve("etc/passwd")).content().contains("edgefm:");
        dpkg(root, "-P", "edgefm");
        assertThat(root.resolve("opt/edgefm")).doesNotExist();
        assertThat(root.resolve("var/lib/edgefm")).doesNotExist();
    }

    /**
     * The maintainer scripts' in-place branch (no DPKG_ROOT: getent, id, useradd on this machine's
     * /etc), run in a private mount namespace whose /etc, /var/lib and /run/systemd are scratch
     * folders, so this machine's users and services are untouched.
     */
    @Test
    void maintainerScripts_inPlace_inAPrivateMountNamespace() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/sbin/useradd")),
                "unshare and useradd");
        Assumptions.assumeTrue("0".equals(run(List.of("id", "-u")).out().strip()), "root (a mount namespace)");
        Path agentDeb = deb("agent", "edgefm-agent_");
        Path control = dir.resolve("control");
        ok("dpkg-deb", "--control", agentDeb.toString(), control.toString());
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path varLib = Files.createDirectories(dir.resolve("varlib"));
        Path run = Files.createDirectories(dir.resolve("run-systemd"));
        for (String f : List.of("nsswitch.conf", "login.defs")) {
            if (Files.isRegularFile(Path.of("/etc", f))) {
                Files.copy(Path.of("/etc", f), etc.resolve(f));
            }
        }
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\nvideo:x:44:\n");
        Files.writeString(etc.resolve("shadow"), "root:*:19000:0:99999:7:::\n");
        Files.writeString(etc.resolve("gshadow"), "root:*::\nvideo:!::\n");
        String script = "set -e; mount --bind " + etc + " /etc; mount --bind " + varLib + " /var/lib;"
                + " if [ -d /run/systemd ]; then mount --bind " + run + " /run/systemd; fi;"
                + " sh " + control.resolve("postinst") + " configure ''; sh " + control.resolve("postinst") + " configure 0.0.9;"
                + " stat -c '%U:%G %a' /var/lib/edgefm; id -nG edgefm;"
                + " readlink /etc/systemd/system/multi-user.target.wants/edgefm-agent.service;"
                + " sh " + control.resolve("postrm") + " purge; echo purged";
        String out = ok("unshare", "--mount", "--propagation", "private", "sh", "-c", script);
        assertThat(out).contains("edgefm:edgefm 750", "/usr/lib/systemd/system/edgefm-agent.service", "purged").containsPattern("(?m)^edgefm video$|(?m)^edgefm.* video");
        assertThat(etc.resolve("passwd")).content().containsPattern("(?m)^edgefm:x:\\d+:\\d+:EdgeFM services:");
        assertThat(etc.resolve("systemd/system/multi-user.target.wants/edgefm-agent.service")).as("purge removes the link")
                .doesNotExist();
        assertThat(Files.readString(Path.of("/etc/passwd"))).as("this machine's users").doesNotContain("EdgeFM services");
    }

    /** A package the build made, in dist/MODULE/target next to this module. */
    private static Path deb(String module, String prefix) throws IOException {
        Path target = Path.of(System.getProperty("user.dir")).resolve("../dist/" + module + "/target").normalize();
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith("_all.deb"))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + "*_all.deb in " + target + " (mvn -B package builds it)"));
        }
    }

    private String dpkg(Path root, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("dpkg", "--root=" + root, "--force-script-chrootless", "--force-depends",
                "--force-not-root"));
        cmd.addAll(List.of(args));
        return ok(cmd.toArray(String[]::new));
    }

    private String ok(String... cmd) throws Exception {
        Result r = run(List.of(cmd));
        assertThat(r.rc()).as(String.join(" ", cmd) + ":\n" + r.out()).isZero();
        return r.out();
    }

    record Result(int rc, String out) {
    }

    private Result run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + ": no answer in 120 s");
        }
        return new Result(p.exitValue(), out);
    }

    private boolean systemdAnalyze() {
        try {
            Result r = run(List.of("systemd-analyze", "--version"));
            var m = java.util.regex.Pattern.compile("systemd (\\d+)").matcher(r.out());
            return r.rc() == 0 && m.find() && Integer.parseInt(m.group(1)) >= 250;
        } catch (Exception e) {
            return false;
        }
    }
}
