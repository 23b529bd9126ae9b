package org.edgefm.host.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.edgefm.api.Check;

/**
 * The Mosquitto configuration EdgeFM ships ({@code mosquitto/edgefm.acl} and
 * {@code mosquitto/edgefm-mosquitto.conf}), rendered for one fleet: the same identity binding and
 * topic rules as the embedded broker ({@link BrokerPolicy}).
 */
public final class MosquittoFiles {
    private MosquittoFiles() {
    }

    /** The ACL file of fleet {@code fleet}. */
    public static String acl(String fleet) {
        return resource("edgefm.acl").replace("@FLEET@", Check.id(fleet, "fleet"));
    }

    /** The broker settings, naming the password and ACL files (listener lines are the user's). */
    public static String conf(Path passwordFile, Path aclFile) {
        return resource("edgefm-mosquitto.conf").replace("@PASSWORD_FILE@", passwordFile.toAbsolutePath().toString())
                .replace("@ACL_FILE@", aclFile.toAbsolutePath().toString());
    }

    private static String resource(String name) {
        try (InputStream in = MosquittoFiles.class.getResourceAsStream("/org/edgefm/host/mosquitto/" + name)) {
            if (in == null) {
                throw new IllegalStateException("mosquitto/" + name + " is missing from the host's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
