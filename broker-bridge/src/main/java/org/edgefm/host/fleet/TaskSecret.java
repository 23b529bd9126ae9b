package org.edgefm.host.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.edgefm.api.EdgeFmException;

/**
 * The host's task secret: 32 random bytes in {@code dataDir/task-secret}, created owner-only (0600)
 * on the host's first start and kept across restarts, so that completions of tasks signed under an
 * earlier planner epoch still verify after a host restart. From it the host derives each node's
 * task key and the fleet's data token per planner epoch ({@link org.edgefm.wire.TaskTicket}).
 * Deleting the file invalidates every ticket and token issued so far (the agents get new ones with
 * the next directive).
 */
public final class TaskSecret {
    private TaskSecret() {
    }

    /** Writes the fleet's data token for task sources, owner-only (0600), replacing an older one. */
    public static void writeDataToken(Path file, String token) {
        try {
            org.edgefm.host.broker.Credentials.writeOwnerOnly(file, java.util.List.of(token));
        } catch (IOException e) {
            throw new EdgeFmException("data token " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the secret, creating it (0600) when the file does not exist. */
    public static byte[] loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] r = new byte[32];
                new SecureRandom().nextBytes(r);
                return org.edgefm.host.broker.Credentials.createOwnerOnly(file, r) ? r : loadOrCreate(file);
            }
            byte[] b = Files.readAllBytes(file);
            if (b.length < 16) {
                throw new EdgeFmException("task secret " + file + ": " + b.length
                        + " bytes (expected: at least 16; delete the file to have a new one made)");
            }
            return b;
        } catch (IOException e) {
            throw new EdgeFmException("task secret " + file + ": " + e.getMessage(), e);
        }
    }
}
