package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.edgefm.models.Weights;
import org.edgefm.models.family.Arch;
import org.edgefm.models.family.Heads;
import org.edgefm.models.family.Sequence;
import org.edgefm.models.family.Transformer;
import org.edgefm.models.image.ImagePreprocessor;
import org.edgefm.models.text.TextTokenizer;
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

    @Test
    void run_clipModelDir_normalisesImagesWithItsPreprocessorConfig() throws IOException {
        Path clip = Path.of("..", "models", "src", "test", "resources", "hf", "clip").toAbsolutePath().normalize();
        BufferedImage img = new BufferedImage(48, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 48; x++) {
                img.setRGB(x, y, (x * 5) << 16 | (y * 5) << 8 | 0x40);
            }
        }
        Path png = dir.resolve("gradient.png");
        ImageIO.write(img, "png", png.toFile());
        List<String> labels = List.of("a photo of a cat", "a photo of a dog", "a photo of a car");
        assertThat(run("model", "run", "--model-dir", clip.toString(), "--image", png.toString(), "--text", labels.get(0),
                "--text", labels.get(1), "--text", labels.get(2))).as(err.toString()).isZero();
        JsonNode pre = new ObjectMapper().readTree(clip.resolve("preprocessor_config.json").toFile());
        float[] mean = new float[3];
        float[] std = new float[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = (float) pre.get("image_mean").get(c).asDouble();
            std[c] = (float) pre.get("image_std").get(c).asDouble();
        }
        Map<String, Double> want = zeroShot(clip, img, labels, mean, std);
        Map<String, Double> half = zeroShot(clip, img, labels, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
        Map<String, Double> got = new HashMap<>();
        for (String line : out.toString().lines().filter(l -> l.startsWith("  ")).toList()) {
            String t = line.strip();
            int cut = t.lastIndexOf(' ');
            got.put(t.substring(0, cut).strip(), Double.parseDouble(t.substring(cut + 1)));
        }
        assertThat(got).containsOnlyKeys(labels);
        boolean halfDiffers = false;
        for (String l : labels) {
            assertThat(got.get(l)).as(l).isCloseTo(want.get(l), within(1e-4));
            halfDiffers |= Math.abs(half.get(l) - want.get(l)) > 1e-3;
        }
        assertThat(halfDiffers).as("0.5/0.5 normalisation gives other scores, so the test tells them apart").isTrue();
    }

    /** CLIP's zero-shot probabilities of one image, normalised with the mean and std given. */
    private static Map<String, Double> zeroShot(Path clip, BufferedImage img, List<String> labels, float[] mean, float[] std) {
        Arch vision = Arch.fromConfig(clip.resolve("config.json"), "clip-vision");
        Arch text = Arch.fromConfig(clip.resolve("config.json"), "clip-text");
        try (Weights w = Weights.open(clip);
                TextTokenizer tok = TextTokenizer.open(clip.resolve("tokenizer.json"), text.maxPositions())) {
            Transformer vm = Transformer.load(vision, w, Transformer.Part.all(vision));
            Transformer tm = Transformer.load(text, w, Transformer.Part.all(text));
            List<float[]> emb = new ArrayList<>();
            for (String t : labels) {
                emb.add(Heads.vector(tm.forwardText(tok.encode(t), null)));
            }
            float[] px = new ImagePreprocessor(vision.imageSize(), mean, std).prepare(img);
            float[] v = Heads.vector(vm.head(vm.runBlocks(vm.embedImage(px), new Sequence()), new Sequence()));
            double scale = Float.isNaN(tm.logitScale()) ? 100.0 : tm.logitScale();
            Map<String, Double> m = new HashMap<>();
            for (Heads.Scored s : Heads.zeroShot(v, emb, labels, scale)) {
                m.put(s.label(), s.score());
            }
            return m;
        }
    }

}
