package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ModelCommandTest extends CliTestBase {
    static final Path FIXTURES = Path.of("../models/src/test/resources/fixtures");

    @Test
    void run_vitModelDirOnPng_printsFixtureLabels() throws IOException {
        BufferedImage img = new BufferedImage(50, 40, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 4, 0x123456);
        Path png = dir.resolve("cat.png");
        ImageIO.write(img, "png", png.toFile());
        assertThat(run("model", "run", "--model-dir", FIXTURES.resolve("vit").toString(), "--image", png.toString(), "--top", "3"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("cat.png:").containsAnyOf("cat ", "dog ", "car ", "tree ", "cup ");
        assertThat(out.toString().lines().filter(l -> l.startsWith("  ")).count()).isEqualTo(3);
    }

    @Test
    void run_bertModelDirWithTokenizer_printsCosines() {
        assertThat(run("model", "run", "--model-dir", FIXTURES.resolve("bert").toString(), "--pooling", "mean",
                "--text", "the cat sat on the mat", "--text", "the cat sat on the mat", "--text", "a red car")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("64 values each (mean pooling").contains("cos(text 1, text 2) = 1.0000");
    }

    @Test
    void plan_vitManifest_listsPartsWithMemoryAndFlops() {
        assertThat(run("model", "plan", FIXTURES.resolve("vit/manifest.json").toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("tiny-vit: vit, 2 layers x 64 wide").contains("vit-b").contains("[1,2)").contains("emb+[0,1)");
    }

    @Test
    void plan_modelFolder_makesItsManifest_withTheCutGiven() {
        Path llama = Path.of("..", "models", "src", "test", "resources", "hf", "llama").toAbsolutePath().normalize();
        assertThat(run("model", "plan", llama.toString(), "--cut", "0:1,1:3")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("llama: llama, 3 layers x 48 wide, 6 heads").contains("llama-a")
                .contains("emb+[0,1)").contains("[1,3)+head").doesNotContain("llama-c");
        assertThat(run("model", "plan", llama.toString(), "--cut", "9")).isEqualTo(1);
        assertThat(err.toString()).contains("cut '9': 9 core parts (expected: 1..3, the model's blocks)");
    }

    @Test
    void misuse_exit2_missingConfig_exit1OneLine() {
        assertThat(run("model", "run", "--model-dir", "x", "--builtin", "all-minilm-l6-v2", "--text", "a")).isEqualTo(2);
        assertThat(run("model", "run", "--model-dir", dir.toString(), "--text", "a")).isEqualTo(1);
        assertThat(err.toString()).contains("no config.json").doesNotContain("\tat ");
    }
}
