package org.edgefm.install;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.EdgeFmException;

/**
 * What an install writes, as steps on absolute target paths of the machine that will run the
 * service ({@code /etc/edgefm/agent.json}), applied under a root folder: {@code /} installs in
 * place, another folder stages an image (the targets, and so the units' contents, stay the device's
 * paths; only where the files land changes). A dry run describes the steps with secrets masked.
 *
 * <p>Ownership: installing in place as root sets each step's owner and group (the service's user
 * must exist by then; see {@link SystemUser}); a staged image gets them at boot from the
 * {@code tmpfiles.d} entries the installers write.
 */
public final class InstallPlan {
    /** One step. */
    public sealed interface Step permits WriteFile, WriteSecret, CopyFile, CopyDir, MakeDir {
        /** The absolute path on the target machine. */
        Path target();
    }

    /**
     * Writes a text file.
     *
     * @param target  absolute path on the target machine
     * @param content the content, secrets included
     * @param shown   what a dry run prints (secrets masked)
     * @param mode    permissions, {@code rw-r-----} style
     * @param owner   owner user or null (unchanged)
     * @param group   owner group or null (unchanged)
     */
    public record WriteFile(Path target, String content, String shown, String mode, String owner, String group) implements Step {
        public WriteFile {
            requireNonNull(target, "target is null");
            requireNonNull(content, "content is null");
            requireNonNull(mode, "mode is null");
        }

        @Override
        public String toString() {
            return "WriteFile[" + target + "]";
        }
    }

    /**
     * Writes a secret as bytes (a private key's keystore): a dry run names the file and its size only.
     *
     * @param target  absolute path on the target machine
     * @param content the bytes
     * @param mode    permissions, {@code rw-------} style
     * @param owner   owner user and group, or null (unchanged)
     */
    public record WriteSecret(Path target, byte[] content, String mode, String owner) implements Step {
        public WriteSecret {
            requireNonNull(target, "target is null");
            content = requireNonNull(content, "content is null").clone();
            requireNonNull(mode, "mode is null");
        }

        @Override
        public String toString() {
            return "WriteSecret[" + target + "]";
        }
    }

    /**
     * Copies a file (the release's jar, a CA certificate).
     *
     * @param target absolute path on the target machine
     * @param source file on this machine
     * @param mode   permissions
     */
    public record CopyFile(Path target, Path source, String mode) implements Step {
        public CopyFile {
            requireNonNull(target, "target is null");
            requireNonNull(source, "source is null");
            requireNonNull(mode, "mode is null");
        }
    }

    /**
     * Replaces a folder by a copy of another (its files only, not its subfolders): a release's
     * {@code lib/}, so that no jar of an earlier version stays on the class path.
     *
     * @param target absolute path on the target machine
     * @param source folder on this machine
     */
    public record CopyDir(Path target, Path source) implements Step {
        public CopyDir {
            requireNonNull(target, "target is null");
            requireNonNull(source, "source is null");
        }
    }

    /**
     * Creates a folder (kept if it exists).
     *
     * @param target absolute path on the target machine
     * @param mode   permissions
     * @param owner  owner user and group, or null
     */
    public record MakeDir(Path target, String mode, String owner) implements Step {
        public MakeDir {
            requireNonNull(target, "target is null");
            requireNonNull(mode, "mode is null");
        }
    }

    private final Path root;
    private final List<Step> steps;
    private final List<String> notes;

    /**
     * @param root  where the target paths land: {@code /} in place, another folder to stage an image
     * @param steps the steps, in order
     * @param notes lines printed after the install (what to do next, what was assumed)
     */
    public InstallPlan(Path root, List<Step> steps, List<String> notes) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.steps = List.copyOf(steps);
        this.notes = List.copyOf(notes);
        for (Step s : this.steps) {
            if (!s.target().isAbsolute()) {
                throw new IllegalArgumentException("target: " + s.target() + " (expected: an absolute path)");
            }
        }
    }

    /** The root folder. */
    public Path root() {
        return root;
    }

    /** True when the files are staged under a folder other than {@code /}. */
    public boolean staging() {
        return root.getParent() != null;
    }

    /** The steps. */
    public List<Step> steps() {
        return steps;
    }

    /** Lines to print after the install. */
    public List<String> notes() {
        return notes;
    }

    /** Where a target path lands on this machine. */
    public Path staged(Path target) {
        return root.resolve(root.getFileSystem().getPath("/").relativize(target));
    }

    /**
     * Performs the steps as {@link #apply()} does, creating the system user {@link SystemUser#NAME}
     * first when installing in place as root (a staged image gets its user from systemd-sysusers).
     *
     * @return the user's creation, if any, then one line per step done
     */
    public List<String> applyWithUser() {
        List<String> done = new ArrayList<>();
        if (!staging() && SystemUser.runningAsRoot()) {
            done.add(SystemUser.ensure());
        }
        done.addAll(apply());
        return done;
    }

    /**
     * Performs the steps. Files are written to a temporary name and moved into place, so a failed
     * install leaves the previous file whole.
     *
     * @return one line per step done ({@code wrote /etc/edgefm/agent.json})
     * @throws EdgeFmException one line naming the file that could not be written
     */
    public List<String> apply() {
        boolean setOwners = !staging() && SystemUser.runningAsRoot();
        List<String> done = new ArrayList<>();
        for (Step s : steps) {
            Path p = staged(s.target());
            try {
                if (s instanceof WriteFile w) {
                    Files.createDirectories(p.getParent());
                    Path tmp = p.resolveSibling("." + p.getFileName() + ".edgefm-tmp");
                    Files.writeString(tmp, w.content(), StandardCharsets.UTF_8);
                    chmod(tmp, w.mode());
                    if (setOwners) {
                        chown(tmp, w.owner(), w.group());
                    }
                    move(tmp, p);
                    done.add("wrote " + p);
                } else if (s instanceof WriteSecret w) {
                    Files.createDirectories(p.getParent());
                    Path tmp = p.resolveSibling("." + p.getFileName() + ".edgefm-tmp");
                    Files.deleteIfExists(tmp);
                    // created owner-only before a byte is written, so no other user ever sees the secret
                    try {
                        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    } catch (UnsupportedOperationException notPosix) {
                        Files.createFile(tmp);
                    }
                    Files.write(tmp, w.content());
                    chmod(tmp, w.mode());
                    if (setOwners && w.owner() != null) {
                        chown(tmp, w.owner(), w.owner());
                    }
                    move(tmp, p);
                    done.add("wrote " + p);
                } else if (s instanceof CopyFile c) {
                    Files.createDirectories(p.getParent());
                    Path tmp = p.resolveSibling("." + p.getFileName() + ".edgefm-tmp");
                    Files.copy(c.source(), tmp, StandardCopyOption.REPLACE_EXISTING);
                    chmod(tmp, c.mode());
                    move(tmp, p);
                    done.add("copied " + c.source() + " to " + p);
                } else if (s instanceof CopyDir c) {
                    Path fresh = p.resolveSibling("." + p.getFileName() + ".edgefm-new");
                    Path old = p.resolveSibling("." + p.getFileName() + ".edgefm-old");
                    deleteTree(fresh);
                    deleteTree(old);
                    Files.createDirectories(fresh);
                    int n = 0;
                    try (var files = Files.list(c.source())) {
                        for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                            if (Files.isRegularFile(f)) {
                                Files.copy(f, fresh.resolve(f.getFileName()));
                                chmod(fresh.resolve(f.getFileName()), "rw-r--r--");
                                n++;
                            }
                        }
                    }
                    chmod(fresh, "rwxr-xr-x");
                    if (Files.exists(p)) {
                        Files.move(p, old);
                    }
                    Files.move(fresh, p);
                    deleteTree(old);
                    done.add("copied " + n + " files of " + c.source() + " to " + p);
                } else if (s instanceof MakeDir d) {
                    Files.createDirectories(p);
                    chmod(p, d.mode());
                    if (setOwners && d.owner() != null) {
                        chown(p, d.owner(), d.owner());
                    }
                    done.add("made " + p);
                }
            } catch (IOException e) {
                throw new EdgeFmException("install: " + p + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
            }
        }
        return done;
    }

    /** What {@link #apply()} would do, with file contents and secrets masked. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Step s : steps) {
            Path p = staged(s.target());
            if (s instanceof WriteFile w) {
                sb.append("would write ").append(p).append(" (mode ").append(w.mode())
                        .append(w.owner() != null || w.group() != null
                                ? ", " + (w.owner() == null ? "" : w.owner()) + ":" + (w.group() == null ? "" : w.group()) : "")
                        .append("):\n");
                sb.append(w.shown().endsWith("\n") ? w.shown() : w.shown() + "\n").append('\n');
            } else if (s instanceof WriteSecret w) {
                sb.append("would write ").append(p).append(" (").append(w.content().length).append(" bytes, secret, mode ")
                        .append(w.mode()).append(w.owner() == null ? "" : ", owner " + w.owner()).append(")\n");
            } else if (s instanceof CopyFile c) {
                sb.append("would copy ").append(c.source()).append(" to ").append(p).append('\n');
            } else if (s instanceof CopyDir c) {
                sb.append("would replace ").append(p).append(" by a copy of ").append(c.source()).append('\n');
            } else if (s instanceof MakeDir d) {
                sb.append("would make ").append(p).append(" (mode ").append(d.mode())
                        .append(d.owner() == null ? "" : ", owner " + d.owner()).append(")\n");
            }
        }
        return sb.toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path q : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(q);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void chmod(Path p, String mode) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: nothing to set
        }
    }

    private static void chown(Path p, String owner, String group) throws IOException {
        UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
        try {
            if (owner != null) {
                UserPrincipal u = lookup.lookupPrincipalByName(owner);
                Files.setOwner(p, u);
            }
            if (group != null) {
                GroupPrincipal g = lookup.lookupPrincipalByGroupName(group);
                Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(g);
            }
        } catch (UserPrincipalNotFoundException e) {
            throw new EdgeFmException("install: " + p + ": no user or group '" + e.getName() + "' on this machine");
        }
    }
}
