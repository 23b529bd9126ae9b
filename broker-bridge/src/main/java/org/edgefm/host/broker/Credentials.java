package org.edgefm.host.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.edgefm.api.Check;
import org.edgefm.api.ConfigException;

/**
 * The broker accounts of the embedded broker, read from a credentials file: one account per line,
 * {@code USERNAME:pbkdf2-sha256$ITERATIONS$SALT$HASH} (salt and hash in Base64), {@code #} starts a
 * comment. The account named by the host configuration ({@code edgefm-host} by default) is the
 * host; every other username is the id of the one node it may act for. Only salted hashes are
 * stored; {@link #toString()} names the accounts, never a hash.
 */
public final class Credentials {
    /** The default host account. */
    public static final String DEFAULT_HOST_USER = "edgefm-host";
    private static final String SCHEME = "pbkdf2-sha256";
    /** PBKDF2-HMAC-SHA256 iterations of new hashes: OWASP's current recommendation (2023). */
    static final int ITERATIONS = 600_000;

    private final Map<String, String> hashes;
    /**
     * SHA-256 of each account's password after its first successful PBKDF2 check, so a reconnecting
     * device costs one fast hash instead of 600,000 iterations (memory only).
     */
    private final Map<String, byte[]> verified = new java.util.concurrent.ConcurrentHashMap<>();

    private Credentials(Map<String, String> hashes) {
        this.hashes = Map.copyOf(hashes);
    }

    /** Reads a credentials file; errors name the file and line. */
    public static Credentials load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("credentials file " + file + ": cannot read: " + e.getMessage());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int colon = l.indexOf(':');
            String where = "credentials file " + file + ": line " + (i + 1) + ": ";
            if (colon <= 0) {
                throw new ConfigException(where + "expected USERNAME:" + SCHEME + "$ITERATIONS$SALT$HASH");
            }
            String user = l.substring(0, colon);
            String hash = l.substring(colon + 1);
            if (!Check.NODE_ID.matcher(user).matches()) {
                throw new ConfigException(where + "username '" + user + "' (expected: 1-64 of A-Z a-z 0-9 _ -: a node id or the host account)");
            }
            if (hash.split("\\$").length != 4 || !hash.startsWith(SCHEME + "$")) {
                throw new ConfigException(where + "password hash of '" + user + "' (expected: " + SCHEME
                        + "$ITERATIONS$SALT$HASH, see Credentials.hash)");
            }
            if (m.put(user, hash) != null) {
                throw new ConfigException(where + "username '" + user + "' appears twice");
            }
        }
        return new Credentials(m);
    }

    /** Accounts from clear-text passwords (hashed here; tests and first set-up). */
    public static Credentials of(Map<String, char[]> passwords) {
        Map<String, String> m = new LinkedHashMap<>();
        passwords.forEach((u, p) -> m.put(u, hash(p)));
        return new Credentials(m);
    }

    /** Writes accounts (clear-text passwords, hashed here) to a file readable by its owner only. */
    public static void write(Path file, Map<String, char[]> passwords) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# EdgeFM broker accounts: USERNAME:" + SCHEME + "$ITERATIONS$SALT$HASH");
        passwords.forEach((u, p) -> lines.add(u + ":" + hash(p)));
        writeOwnerOnly(file, lines);
    }

    /**
     * Writes lines to a file created owner-only (0600) before anything is in it, replacing {@code file}
     * atomically: a reader (the host watching its credentials file) sees the old or the new content,
     * never a half-written file.
     */
    public static void writeOwnerOnly(Path file, List<String> lines) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp"); // non-POSIX: default permissions
        }
        try {
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Removes one account from a credentials file (EdgeFM's or Mosquitto's {@code password_file}: both
     * are {@code USERNAME:HASH} lines), keeping every other line and the file's permissions, owner and
     * group, replaced atomically.
     *
     * @return false when the file has no such account (the file is left as it was)
     */
    public static boolean removeAccount(Path file, String user) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException("credentials file " + file + ": does not exist");
        }
        List<String> kept = lines.stream().filter(l -> !l.strip().startsWith(user + ":")).toList();
        if (kept.size() == lines.size()) {
            return false;
        }
        // the same permissions, owner and group as before: Mosquitto, dropped to its own user, must still read it
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, kept, StandardCharsets.UTF_8);
            var view = Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class);
            if (view != null) {
                var attrs = view.readAttributes();
                var to = Files.getFileAttributeView(tmp, java.nio.file.attribute.PosixFileAttributeView.class);
                try {
                    to.setGroup(attrs.group());
                    to.setOwner(attrs.owner());
                } catch (IOException notPermitted) {
                    // an unprivileged user keeps its own ownership
                }
                to.setPermissions(attrs.permissions());
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return true;
    }

    /** The stored hash of an account, or null (to tell whether a reloaded file changed its password). */
    String hashOf(String user) {
        return hashes.get(user);
    }

    /**
     * Creates {@code file} owner-only (0600) with {@code content}, failing if it exists: the permissions
     * hold before any byte is written, and of two processes racing to make the same secret only one
     * writes it.
     *
     * @return false when the file already existed (read it instead)
     */
    public static boolean createOwnerOnly(Path file, byte[] content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file); // non-POSIX file systems keep their default permissions
        } catch (java.nio.file.FileAlreadyExistsException exists) {
            return false;
        }
        Files.write(file, content);
        return true;
    }

    /** These accounts plus (or with a new password for) {@code user}. */
    public Credentials with(String user, char[] password) {
        Map<String, String> m = new LinkedHashMap<>(hashes);
        m.put(user, hash(password));
        return new Credentials(m);
    }

    /**
     * These accounts plus {@code user}'s account exactly as {@code other} has it (same hash), or
     * without it when {@code other} has none: a reloaded file keeps an account that is not in it,
     * such as the host's own, without changing its hash.
     */
    public Credentials withAccountOf(Credentials other, String user) {
        Map<String, String> m = new LinkedHashMap<>(hashes);
        String h = other == null ? null : other.hashes.get(user);
        if (h != null) {
            m.put(user, h);
        }
        return new Credentials(m);
    }

    /** A salted PBKDF2 hash of a password, in the file's format. */
    public static String hash(char[] password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return SCHEME + "$" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        }
    }

    /** True when {@code user} exists and {@code password} matches its hash (constant-time compare). */
    public boolean verify(String user, byte[] password) {
        String h = user == null ? null : hashes.get(user);
        if (h == null || password == null) {
            return false;
        }
        byte[] fast = sha256(password);
        byte[] known = verified.get(user);
        if (known != null && MessageDigest.isEqual(known, fast)) {
            return true;
        }
        String[] p = h.split("\\$");
        try {
            int iterations = Integer.parseInt(p[1]);
            byte[] salt = Base64.getDecoder().decode(p[2]);
            byte[] expected = Base64.getDecoder().decode(p[3]);
            char[] chars = new String(password, StandardCharsets.UTF_8).toCharArray();
            boolean ok = MessageDigest.isEqual(expected, pbkdf2(chars, salt, iterations));
            if (ok) {
                verified.put(user, fast);
            }
            return ok;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The account names. */
    public Set<String> users() {
        return hashes.keySet();
    }

    @Override
    public String toString() {
        return "Credentials[" + hashes.size() + " accounts]";
    }
}
