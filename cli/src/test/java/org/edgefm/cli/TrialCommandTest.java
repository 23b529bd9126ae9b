package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flag checks of {@code edgefm trial} that fail before anything starts. */
class TrialCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void brokerAccountsWithoutBroker_isMisuseExit2() throws Exception {
        Path f = Files.writeString(dir.resolve("accounts.txt"), "edgefm-host:x\n");
        assertThat(run("trial", "--broker-accounts", f.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--broker-accounts: needs --broker");
    }

    @Test
    void brokerAccountsMalformedLine_namesFileAndLine_exit1() throws Exception {
        Path f = Files.writeString(dir.resolve("accounts.txt"), "# accounts\nedgefm-host:x\nagx-orin\n");
        assertThat(run("trial", "--agents", "1", "--broker", "tcp://127.0.0.1:1", "--broker-accounts", f.toString())).isEqualTo(1);
        assertThat(err.toString().strip()).endsWith("--broker-accounts " + f + " line 3: expected USER:PASSWORD");
    }

    @Test
    void brokerAccountsMissingFile_exit1() {
        Path f = dir.resolve("none.txt");
        assertThat(run("trial", "--broker", "tcp://127.0.0.1:1", "--broker-accounts", f.toString())).isEqualTo(1);
        assertThat(err.toString().strip()).endsWith("--broker-accounts " + f + ": no such file");
    }
}
