package org.edgefm.host;

import org.edgefm.host.broker.Credentials;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The credentials file: owner-only from its creation, PBKDF2 at today's recommended iterations. */
class CredentialsFileTest {
    @TempDir
    Path dir;

    @Test
    void write_isOwnerOnly_withCurrentIterations_andVerifies() throws Exception {
        Path f = dir.resolve("credentials");
        Credentials.write(f, Map.of("n1", "pw-one".toCharArray()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(Files.readString(f)).contains("n1:pbkdf2-sha256$600000$").doesNotContain("pw-one");
        Credentials c = Credentials.load(f);
        assertThat(c.verify("n1", "pw-one".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(c.verify("n1", "pw-one".getBytes(StandardCharsets.UTF_8))).as("second login, cached").isTrue();
        assertThat(c.verify("n1", "pw-two".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(c.verify("n2", "pw-one".getBytes(StandardCharsets.UTF_8))).isFalse();
    }
}
