package org.edgefm.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.EdgeFmException;

/**
 * The services' dedicated system user ({@value #NAME}): declared for images with a
 * {@code sysusers.d} entry, created in place with {@code useradd} when an install runs as root on
 * the machine itself.
 */
public final class SystemUser {
    /** The user and group the units run as. */
    public static final String NAME = "edgefm";
    /** Its home: the state folder (it has no login shell). */
    public static final String HOME = "/var/lib/edgefm";

    private SystemUser() {
    }

    /** The {@code sysusers.d} line that declares the user (systemd creates it at boot or on package install). */
    public static String sysusersEntry() {
        return "# The EdgeFM services' system user (no login; home is the state folder).\n"
                + "u " + NAME + " - \"EdgeFM services\" " + HOME + " /usr/sbin/nologin\n";
    }

    /** True when this process runs as root (the owner of {@code /proc/self}). */
    public static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** True when the user exists on this machine. */
    public static boolean exists() {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(NAME + ":"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Creates the user on this machine unless it exists.
     *
     * @return what was done, one line
     * @throws EdgeFmException when {@code useradd} is missing or fails (the message says how to
     *                         create the user by hand)
     */
    public static String ensure() {
        if (exists()) {
            return "user " + NAME + " exists";
        }
        List<String> cmd = List.of("useradd", "--system", "--user-group", "--home-dir", HOME, "--no-create-home",
                "--shell", "/usr/sbin/nologin", "--comment", "EdgeFM services", NAME);
        String byHand = "create it by hand (" + String.join(" ", cmd) + ") and install again";
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new EdgeFmException("install: could not create the system user " + NAME + " (useradd: "
                        + (out.isEmpty() ? "exit " + p.exitValue() : out.lines().findFirst().orElse("")) + "); " + byHand);
            }
            return "created system user " + NAME;
        } catch (IOException e) {
            throw new EdgeFmException("install: could not create the system user " + NAME + " (useradd not found); " + byHand);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EdgeFmException("install: interrupted while creating the system user " + NAME);
        }
    }
}
