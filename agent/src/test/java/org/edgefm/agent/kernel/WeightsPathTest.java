package org.edgefm.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.api.model.KernelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights paths stay inside the model folder, and an error never tells what lies outside it. */
class WeightsPathTest {
    @TempDir
    Path dir;

    private static final Map<String, Integer> DIMS = Map.of("in", 4, "out", 4);

    @Test
    void spec_withAbsoluteOrParentPath_isRefusedAtDecoding() {
        for (String w : new String[] {"/etc/shadow", "../../etc/shadow", "a/../../b.npy", "./x.npy", "a//b.npy",
            "a\\b.npy", "x".repeat(300)}) {
            assertThatThrownBy(() -> new KernelSpec("head", DIMS, w)).as(w).isInstanceOf(InvalidFieldException.class)
                    .hasMessageContaining("weights");
        }
        assertThat(new KernelSpec("head", DIMS, "models/vit-b.npy").weights()).isEqualTo("models/vit-b.npy");
    }

    @Test
    void symlinkOutOfTheModelFolder_isRefused_withTheSameMessageWhetherOrNotTheTargetExists() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path outside = Files.writeString(dir.resolve("secret.npy"), "not for agents");
        Files.createSymbolicLink(models.resolve("exists.npy"), outside);
        Files.createSymbolicLink(models.resolve("missing.npy"), dir.resolve("no-such-file.npy"));
        String a = message(new KernelSpec("head", DIMS, "exists.npy"), models);
        String b = message(new KernelSpec("head", DIMS, "missing.npy"), models);
        assertThat(a).contains("is not a file inside the model folder").doesNotContain("secret");
        assertThat(b.replace("missing", "exists")).isEqualTo(a);
        // inside the folder: resolved
        Files.writeString(models.resolve("ok.npy"), "x");
        assertThat(Kernel.insideModelDir(new KernelSpec("head", DIMS, "ok.npy"), models))
                .isEqualTo(models.toAbsolutePath().resolve("ok.npy"));
    }

    private static String message(KernelSpec spec, Path models) {
        try {
            Kernel.insideModelDir(spec, models);
            throw new AssertionError("accepted " + spec.weights());
        } catch (EdgeFmException e) {
            return e.getMessage();
        }
    }
}
