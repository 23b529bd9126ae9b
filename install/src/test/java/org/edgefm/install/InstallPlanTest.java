package org.edgefm.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.edgefm.api.EdgeFmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallPlanTest {
    @TempDir
    Path dir;

    InstallPlan plan(Path root) throws Exception {
        Path lib = Files.createDirectories(dir.resolve("release/lib"));
        Files.writeString(lib.resolve("a.jar"), "a");
        Files.writeString(lib.resolve("b.jar"), "b");
        Path readme = Files.writeString(dir.resolve("release/README.md"), "readme");
        return new InstallPlan(root, List.of(
                new InstallPlan.CopyDir(Path.of("/opt/edgefm/x/lib"), lib),
                new InstallPlan.CopyFile(Path.of("/opt/edgefm/x/README.md"), readme, "rw-r--r--"),
                new InstallPlan.WriteFile(Path.of("/etc/edgefm/x.json"), "{\"password\": \"top-secret\"}\n",
                        "{\"password\": \"(hidden)\"}\n", "rw-r-----", "root", SystemUser.NAME),
                new InstallPlan.WriteSecret(Path.of("/etc/edgefm/x.p12"), "p12-secret".getBytes(StandardCharsets.UTF_8),
                        "rw-------", SystemUser.NAME),
                new InstallPlan.MakeDir(Path.of("/var/lib/edgefm/x"), "rwxr-x---", SystemUser.NAME)), List.of("then: enable it"));
    }

    @Test
    void staged_writesEveryStepUnderTheRoot_withItsMode_andAgainReplacesTheLibFolder() throws Exception {
        Path root = dir.resolve("image");
        InstallPlan plan = plan(root);
        assertThat(plan.staging()).isTrue();
        assertThat(plan.apply()).hasSize(5).first().asString().contains("copied 2 files");
        assertThat(root.resolve("opt/edgefm/x/lib/a.jar")).hasContent("a");
        assertThat(root.resolve("opt/edgefm/x/README.md")).hasContent("readme");
        assertThat(root.resolve("etc/edgefm/x.json")).content().contains("top-secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/edgefm/x.json")))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/edgefm/x.p12")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("var/lib/edgefm/x")))).isEqualTo("rwxr-x---");

        // a later install: the lib folder is the release's, a file gone from it is gone; no temporary files left
        Files.delete(dir.resolve("release/lib/b.jar"));
        plan.apply();
        try (var files = Files.list(root.resolve("opt/edgefm/x/lib"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a.jar");
        }
        try (var files = Files.list(root.resolve("etc/edgefm"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("x.json", "x.p12");
        }
    }

    @Test
    void describe_masksSecrets_andWritesNothing() throws Exception {
        Path root = dir.resolve("image");
        String d = plan(root).describe();
        assertThat(d).contains("would write " + root.resolve("etc/edgefm/x.json") + " (mode rw-r-----, root:edgefm)",
                "\"password\": \"(hidden)\"", "(10 bytes, secret, mode rw-------, owner edgefm)",
                "would replace " + root.resolve("opt/edgefm/x/lib")).doesNotContain("top-secret", "p12-secret");
        assertThat(root).doesNotExist();
    }

    @Test
    void targets_mustBeAbsolute_andAFailedWriteNamesTheFile() throws Exception {
        assertThatThrownBy(() -> new InstallPlan(dir, List.of(new InstallPlan.MakeDir(Path.of("etc"), "rwxr-xr-x", null)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("etc (expected: an absolute path)");
        Files.writeString(dir.resolve("etc"), "a file where a folder should be");
        InstallPlan blocked = new InstallPlan(dir, List.of(new InstallPlan.WriteFile(Path.of("/etc/x.json"), "{}", "{}",
                "rw-r--r--", null, null)), List.of());
        assertThatThrownBy(blocked::apply).isInstanceOf(EdgeFmException.class).hasMessageStartingWith("install: " + dir.resolve("etc/x.json"));
    }

    @Test
    void javaRuntime_aGivenPathIsTakenAsWritten_whenStaging_andMustExistInPlace() {
        assertThat(JavaRuntime.forUnit(Path.of("/opt/jdk-21/bin/java"), true)).isEqualTo(Path.of("/opt/jdk-21/bin/java"));
        assertThatThrownBy(() -> JavaRuntime.forUnit(dir.resolve("no-java"), false)).isInstanceOf(EdgeFmException.class)
                .hasMessage("--java " + dir.resolve("no-java") + ": no executable file there");
        assertThatThrownBy(() -> JavaRuntime.forUnit(Path.of("bin/java"), true)).hasMessageContaining("not an absolute path");
        assertThat(JavaRuntime.forUnit(null, false)).isAbsolute().exists();
        assertThat(SystemUser.sysusersEntry()).contains(SystemUser.NAME, SystemUser.HOME);
    }
}
