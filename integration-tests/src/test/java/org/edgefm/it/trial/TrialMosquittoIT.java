package org.edgefm.it.trial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefm.cli.Main;
import org.edgefm.host.PlannerHost;
import org.edgefm.it.MosquittoBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgefm trial --broker URL --broker-accounts FILE} against Debian's Mosquitto set up as the
 * docs say: anonymous access off, a password file made with {@code mosquitto_passwd} from the same
 * accounts the trial is given, and the ACL file shipped with the host. Two agents, 15 s of workload.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TrialMosquittoIT {
    static final String FLEET = "trialmq";
    @TempDir
    Path dir;

    @Test
    void trialOnMosquittoWithPasswordsAndAcl_completesTasks() throws Exception {
        MosquittoBroker.assumeInstalled();
        Map<String, String> accounts = new LinkedHashMap<>();
        accounts.put("edgefm-host", "host-" + System.nanoTime());
        accounts.put("agx-orin", "agx-" + System.nanoTime());
        accounts.put("orin-nx", "nx-" + System.nanoTime());
        accounts.put("edgefm-monitor", "mon-" + System.nanoTime());
        List<String> lines = new ArrayList<>();
        accounts.forEach((u, p) -> lines.add(u + ":" + p));
        Path accountsFile = dir.resolve("accounts.txt");
        Files.write(accountsFile, lines);
        // Mosquitto's password file: the same lines, hashed in place by mosquitto_passwd -U
        Path passwd = dir.resolve("passwd");
        Files.write(passwd, lines);
        Process hash = new ProcessBuilder("mosquitto_passwd", "-U", passwd.toString()).redirectErrorStream(true).start();
        assertThat(hash.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(hash.exitValue()).as(new String(hash.getInputStream().readAllBytes())).isZero();
        assertThat(Files.readString(passwd)).doesNotContain(accounts.get("agx-orin"));
        Path acl = dir.resolve("edgefm.acl");
        Files.writeString(acl, org.edgefm.host.broker.MosquittoFiles.acl(FLEET));
        // Mosquitto started as root drops to its own user: let it traverse and read the test's files.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(acl, PosixFilePermissions.fromString("rw-r--r--"));
        Path brokerDir = Files.createDirectories(dir.resolve("mosquitto"));
        try (MosquittoBroker broker = MosquittoBroker.start(brokerDir, List.of(
                org.edgefm.host.broker.MosquittoFiles.conf(passwd, acl).split("\n")))) {
            Path json = dir.resolve("trial.json");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int rc = Main.run(new String[] {"trial", "--agents", "2", "--duration", "15s", "--broker", broker.url(),
                    "--broker-accounts", accountsFile.toString(), "--fleet", FLEET, "--json", json.toString(), "--out",
                    dir.resolve("run").toString()},
                    new PrintWriter(out, true), new PrintWriter(err, true));
            System.out.println(out);
            assertThat(rc).as(err.toString()).isZero();
            JsonNode j = new ObjectMapper().readTree(Files.readString(json));
            assertThat(j.path("tasks").path("submitted").asLong()).isPositive();
            assertThat(j.path("tasks").path("completed").asLong()).isPositive();
            assertThat(j.path("directives").path("acked").asLong()).isPositive();
            assertThat(j.path("agents").size()).isEqualTo(2);
            j.path("agents").forEach(a -> assertThat(a.path("births").asInt()).isPositive());
        }
        // no agent left: this JVM has no java child (a command line in /proc is cut at 4 KiB, class path first)
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().orElse("").endsWith("/java")).count()).isZero();
    }

    @Test
    void brokerAccountsWithoutAnAccountForARunningNode_exitsWithOneLine() throws Exception {
        Path accountsFile = dir.resolve("accounts.txt");
        Files.writeString(accountsFile, "# host only\nedgefm-host:secret\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.run(new String[] {"trial", "--agents", "1", "--broker", "tcp://127.0.0.1:1", "--broker-accounts",
                accountsFile.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString().strip()).endsWith("--broker-accounts " + accountsFile + ": no account for agx-orin")
                .doesNotContain("secret").doesNotContain("\n");
    }
}
