package org.edgefm.models.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.References;
import org.edgefm.models.Weights;
import org.edgefm.models.family.Arch;
import org.edgefm.models.family.Generator;
import org.edgefm.models.family.Sequence;
import org.edgefm.models.family.Transformer;
import org.edgefm.models.safetensors.SafeTensors;
import org.edgefm.models.safetensors.SafeTensorsWriter;
import org.edgefm.models.text.TextTokenizer;
import org.edgefm.scenario.ScenarioException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Model folders in the Hugging Face layout made by tools/make_hf_models.py (src/test/resources/hf:
 * config.json as transformers writes it, hub tensor names with the buffers older versions saved, a
 * sharded Llama, tokenizer.json files), read through {@link ModelFolder} with no manifest written by
 * hand, cut into parts and run part by part as services run them: outputs equal PyTorch's within
 * 1e-4 relative, tokenisers give the reference ids, greedy tokens are exactly PyTorch's.
 */
class ModelFolderTest {
    static final double TOL = References.TOL;

    static Path folder(String name) {
        return References.folder("hf", name);
    }

    static JsonNode reference(Path dir) throws IOException {
        return References.reference(dir);
    }

    static double relErr(INDArray actual, INDArray expected) {
        return References.relErr(actual, expected);
    }

    /** The folder's manifest as {@code --model-dir} makes it, written next to links to its files. */
    static ModelManifest manifest(Path dir, Path out, String cut) throws IOException {
        return ModelManifest.load(ModelFolder.open(dir, null).write(out, cut, "fp32", null));
    }

    static List<PartRunner> load(ModelManifest m) {
        List<PartRunner> rs = new ArrayList<>();
        for (ModelManifest.PartSpec p : m.parts()) {
            rs.add(PartRunner.load(m, p.id()));
        }
        return rs;
    }

    /** Runs the model parts (all but pre-processing) on {@code in}, each part as its own runner. */
    static INDArray runModelParts(List<PartRunner> rs, INDArray in) {
        INDArray x = in;
        for (PartRunner r : rs.subList(1, rs.size())) {
            x = r.run(x);
        }
        return x;
    }

    static INDArray idsRow(JsonNode ids) {
        float[] f = new float[ids.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ids.get(i).asInt();
        }
        return Nd4j.create(f, new long[] {1, f.length}, 'c');
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    @Test
    void vit_familyAndShapesFromTheConfig_normalisationFromThePreprocessorConfig_logitsEqualPyTorch(@TempDir Path tmp)
            throws IOException {
        Path dir = folder("vit");
        ModelFolder f = ModelFolder.open(dir, null);
        assertThat(f.arch().family()).isEqualTo("vit");
        assertThat(f.arch().layers()).isEqualTo(3);
        assertThat(f.arch().hidden()).isEqualTo(48);
        assertThat(f.arch().heads()).isEqualTo(6);
        assertThat(f.arch().labels()).containsExactly("ant", "bee", "cow", "doe");
        assertThat(f.inputs()).isEqualTo("images");
        ModelManifest m = manifest(dir, tmp, null);
        // default cut: preprocess (light), blocks split in two core parts, the classifier (light)
        assertThat(m.parts()).extracting(ModelManifest.PartSpec::id).containsExactly("vit-preprocess", "vit-a", "vit-b", "vit-head");
        assertThat(m.parts()).extracting(ModelManifest.PartSpec::kind).containsExactly("light", "core", "core", "light");
        assertThat(m.part("vit-a").part().to()).isEqualTo(1);
        assertThat(m.imageMean()).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(m.imageStd()).containsExactly(0.229f, 0.224f, 0.225f);
        assertThat(Files.isSymbolicLink(tmp.resolve("model.safetensors"))).isTrue(); // the user's folder is linked, not copied
        try (SafeTensors ref = SafeTensors.open(dir.resolve("reference.safetensors"))) {
            INDArray pixels = ref.get("input.pixels").reshape('c', 3, 24 * 24);
            List<PartRunner> rs = load(m);
            try {
                INDArray logits = runModelParts(rs, pixels);
                assertThat(relErr(logits, ref.get("output.logits"))).isLessThanOrEqualTo(TOL);
                assertThat(rs.get(rs.size() - 1).answer(logits).label()).isEqualTo(reference(dir).get("top_label").asText());
            } finally {
                rs.forEach(PartRunner::close);
            }
        }
    }

    @Test
    void bert_sentenceTransformersFolder_meanPooling_tokenizerIds_andEmbeddingsEqualPyTorch(@TempDir Path tmp) throws IOException {
        Path dir = folder("bert");
        ModelManifest m = manifest(dir, tmp, "3"); // one core part per block
        assertThat(m.arch().pooling()).isEqualTo("mean"); // from 1_Pooling/config.json
        assertThat(m.parts()).extracting(ModelManifest.PartSpec::id).containsExactly("bert-preprocess", "bert-a", "bert-b", "bert-c",
                "bert-head");
        JsonNode r = reference(dir);
        List<PartRunner> rs = load(m);
        try (SafeTensors ref = SafeTensors.open(dir.resolve("reference.safetensors"))) {
            for (int j = 0; j < r.get("texts").size(); j++) {
                INDArray ids = rs.get(0).run(PartRunner.bytesRow(r.get("texts").get(j).asText().getBytes(StandardCharsets.UTF_8)));
                assertThat(ints(r.get("ids").get(j))).as("token ids of text %d", j)
                        .containsExactly(ids.data().asInt());
                INDArray emb = runModelParts(rs, ids);
                assertThat(relErr(emb, ref.get("output.embedding." + j))).as("text %d", j).isLessThanOrEqualTo(TOL);
            }
        } finally {
            rs.forEach(PartRunner::close);
        }
    }

    @Test
    void gpt2_tiedLmHead_staleMaskBuffers_logitsAndGreedyTokensEqualPyTorch(@TempDir Path tmp) throws IOException {
        decoder("gpt2", tmp, null);
    }

    @Test
    void llama_shardedCheckpoint_groupedQueryAttention_logitsAndGreedyTokensEqualPyTorch(@TempDir Path tmp) throws IOException {
        ModelFolder f = ModelFolder.open(folder("llama"), null);
        assertThat(f.weights()).isEqualTo("model.safetensors.index.json");
        assertThat(f.files()).contains("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");
        assertThat(f.arch().kvHeads()).isEqualTo(2);
        assertThat(f.arch().ropeTheta()).isEqualTo(500000.0);
        decoder("llama", tmp, "0:1,1:3");
    }

    private static void decoder(String name, Path tmp, String cut) throws IOException {
        Path dir = folder(name);
        ModelManifest m = manifest(dir, tmp, cut);
        assertThat(ModelFolder.open(dir, null).inputs()).isEqualTo("prompts");
        // the lm head stays on the last core part
        assertThat(m.parts()).extracting(ModelManifest.PartSpec::kind).containsExactly("light", "core", "core");
        assertThat(m.parts().get(2).part().head()).isTrue();
        JsonNode r = reference(dir);
        List<PartRunner> rs = load(m);
        try (SafeTensors ref = SafeTensors.open(dir.resolve("reference.safetensors"))) {
            for (int j = 0; j < r.get("texts").size(); j++) {
                byte[] prompt = r.get("texts").get(j).asText().getBytes(StandardCharsets.UTF_8);
                INDArray ids = rs.get(0).run(PartRunner.bytesRow(prompt));
                int[] want = ints(r.get("ids").get(j));
                assertThat(ids.data().asInt()).as("token ids of prompt %d", j)
                        .containsExactly(want);
                INDArray logits = runModelParts(rs, ids);
                assertThat(relErr(logits, ref.get("output.logits." + j))).as("prompt %d", j).isLessThanOrEqualTo(TOL);
                int[] greedy = ints(r.get("greedy").get(j));
                // the split run's answer for the prompt is the first greedy token
                assertThat(PartRunner.monolithic(rs, prompt).label()).isEqualTo("token " + greedy[0]);
                // token by token with each part's key/value cache, parts as loaded from the folder
                List<Transformer> parts = rs.subList(1, rs.size()).stream().map(PartRunner::transformer).toList();
                assertThat(new Generator(parts).generate(want, greedy.length, Generator.Sampling.greedy(), -1))
                        .as("greedy tokens of prompt %d", j).containsExactly(greedy);
            }
        } finally {
            rs.forEach(PartRunner::close);
        }
    }

    @Test
    void clip_wholeCheckpoint_visionTowerCutIntoParts_textTowerLabels_embeddingsAndZeroShotProbabilitiesEqualPyTorch(@TempDir Path tmp)
            throws IOException {
        Path dir = folder("clip");
        ModelFolder f = ModelFolder.open(dir, null);
        assertThat(f.arch().family()).isEqualTo("clip-vision"); // model_type clip: the vision tower is served
        assertThat(f.zeroShot()).isTrue();
        assertThat(f.inputs()).isEqualTo("images");
        assertThat(f.arch().layers()).isEqualTo(3);
        assertThat(f.arch().hidden()).isEqualTo(48); // vision_config, not text_config (40)
        assertThat(f.arch().projection()).isEqualTo(24);
        JsonNode r = reference(dir);
        List<String> labels = ZeroShotLabels.parse("cat, dog,car", "--labels");
        assertThat(labels).containsExactly("cat", "dog", "car");
        ZeroShotLabels z = f.zeroShotLabels(labels, null);
        assertThat(z.scale()).isCloseTo(Math.exp(4.6052), org.assertj.core.data.Offset.offset(1e-3));
        Arch text = Arch.fromConfig(dir.resolve("config.json"), "clip-text");
        try (SafeTensors ref = SafeTensors.open(dir.resolve("reference.safetensors")); Weights w = Weights.open(dir.resolve("model.safetensors"));
                TextTokenizer tok = TextTokenizer.open(dir.resolve("tokenizer.json"), text.maxPositions())) {
            Transformer tower = Transformer.load(text, w, Transformer.Part.all(text));
            for (int j = 0; j < labels.size(); j++) {
                assertThat(z.prompts().get(j)).isEqualTo(r.get("texts").get(j).asText()); // "a photo of a cat"
                Sequence seq = tok.encode(z.prompts().get(j));
                assertThat(seq.ids()).as("token ids of prompt %d", j).containsExactly(ints(r.get("ids").get(j)));
                INDArray emb = tower.forwardText(seq, null);
                assertThat(relErr(emb, ref.get("output.text_embeds." + j))).as("text embedding %d", j).isLessThanOrEqualTo(TOL);
                INDArray unit = ref.get("output.text_embeds." + j).div(ref.get("output.text_embeds." + j).norm2Number());
                assertThat(relErr(Nd4j.create(z.embeddings().get(j), new long[] {1, 24}, 'c'), unit)).isLessThanOrEqualTo(TOL);
            }
            z.write(tmp.resolve("labels.json"));
            ModelManifest m = ModelManifest.load(f.write(tmp, "3", "fp32", "labels.json"));
            assertThat(m.parts()).extracting(ModelManifest.PartSpec::id).containsExactly("clipv-preprocess", "clipv-a", "clipv-b",
                    "clipv-c", "clipv-head");
            assertThat(m.parts()).extracting(ModelManifest.PartSpec::kind).containsExactly("light", "core", "core", "core", "light");
            assertThat(m.zeroShot().labels()).containsExactly("cat", "dog", "car");
            assertThat(m.imageMean()).containsExactly(0.48145466f, 0.4578275f, 0.40821073f); // CLIP's, from preprocessor_config.json
            // the head's cost counts the projection and the label similarities; its output is one logit per label
            assertThat(m.costSpecs("clipv-head", 0)).extracting(k -> k.dims().get("out")).containsExactly(24, 3);
            assertThat(m.outputWireBytes("clipv-head", 0)).isEqualTo(ActivationCodec.size(1, 3, 0, ActivationCodec.WireType.FP32));
            List<PartRunner> rs = load(m);
            try {
                for (int k = 0; k < 2; k++) {
                    INDArray pixels = ref.get("input.pixels." + k).reshape('c', 3, 32 * 32);
                    INDArray h = pixels;
                    for (PartRunner pr : rs.subList(1, rs.size() - 1)) {
                        h = pr.run(h); // the vision tower's blocks, part by part
                    }
                    PartRunner head = rs.get(rs.size() - 1);
                    INDArray imageEmb = head.transformer().head(h, new Sequence());
                    assertThat(relErr(imageEmb, ref.get("output.image_embeds." + k))).as("image embedding %d", k).isLessThanOrEqualTo(TOL);
                    INDArray logits = head.run(h);
                    double[] p = org.edgefm.models.family.Heads.softmax(logits.dup('c').data().asFloat());
                    INDArray probs = Nd4j.create(p, new long[] {1, p.length}, 'c').castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
                    assertThat(relErr(probs, ref.get("output.probs." + k))).as("zero-shot probabilities %d", k).isLessThanOrEqualTo(TOL);
                    assertThat(head.answer(logits).label()).isEqualTo(r.get("top_label").get(k).asText());
                }
                // a PNG through every part, pre-processing included, answers with one of the labels
                byte[] png = org.edgefm.models.image.SampleImages.png(64, 7);
                assertThat(PartRunner.monolithic(rs, png).label()).isIn("cat", "dog", "car");
            } finally {
                rs.forEach(PartRunner::close);
            }
        }
    }

    @Test
    void clip_labelsAndPromptAndLabelFile_everyMistakeSaysWhat(@TempDir Path tmp) throws IOException {
        assertThat(ZeroShotLabels.parse(null, "--labels")).isEqualTo(ZeroShotLabels.DEFAULT_LABELS);
        Path file = tmp.resolve("labels.txt");
        Files.writeString(file, "# animals\ncat\n\n  a photo of a dog  \n");
        assertThat(ZeroShotLabels.parse(file.toString(), "--labels")).containsExactly("cat", "a photo of a dog");
        assertThat(ZeroShotLabels.prompt("cat", null)).isEqualTo("a photo of a cat");
        assertThat(ZeroShotLabels.prompt("a photo of a dog", null)).isEqualTo("a photo of a dog"); // already a prompt
        assertThat(ZeroShotLabels.prompt("cat", "a sketch of a {}.")).isEqualTo("a sketch of a cat.");
        assertThatThrownBy(() -> ZeroShotLabels.parse("cat,,dog", "--labels")).hasMessage("--labels 'cat,,dog': an empty label (expected:"
                + " labels separated by commas, e.g. cat,dog,car, or a file with one label a line)");
        assertThatThrownBy(() -> ZeroShotLabels.parse("cat,dog,cat", "--labels")).hasMessage("--labels 'cat,dog,cat': label 'cat' given twice");
        Files.writeString(file, "# nothing\n");
        assertThatThrownBy(() -> ZeroShotLabels.parse(file.toString(), "--labels")).hasMessage("--labels " + file + ": 0 labels (expected: 1-1024)");
        assertThatThrownBy(() -> ZeroShotLabels.prompt("cat", "a photo")).hasMessageContaining("expected one {} where the label goes");
        // a label file that does not fit the model, and zero-shot labels on another family
        Path dir = folder("clip");
        ModelFolder f = ModelFolder.open(dir, null);
        new ZeroShotLabels(List.of("cat"), List.of("a photo of a cat"), List.of(new float[5]), 100).write(tmp.resolve("labels.json"));
        ModelManifest m = ModelManifest.load(f.write(tmp.resolve("m"), null, "fp32", "labels.json"));
        Files.copy(tmp.resolve("labels.json"), tmp.resolve("m").resolve("labels.json"));
        assertThatThrownBy(() -> PartRunner.load(m, "clipv-head")).isInstanceOf(ScenarioException.class)
                .hasMessageContaining("embeddings[0]").hasMessageContaining("5 numbers (expected: 24 numbers, the model's projection width)");
        assertThatThrownBy(() -> ModelFolder.open(folder("vit"), null).zeroShotLabels(List.of("cat"), null))
                .hasMessageContaining("a vit model has no zero-shot head");
        Path noTok = copy("clip", tmp.resolve("c"));
        Files.delete(noTok.resolve("tokenizer.json"));
        assertThatThrownBy(() -> ModelFolder.open(noTok, null)).hasMessageStartingWith(noTok + ": no tokenizer.json (a CLIP model's"
                + " zero-shot labels go through its text tower");
    }

    // ------------------------------------------------------------------ cuts

    @Test
    void cut_evenByCount_byRanges_andEveryWrongCutSaysWhy() {
        assertThat(ModelFolder.parseCut(null, 12)).extracting(c -> c[0] + ":" + c[1]).containsExactly("0:6", "6:12");
        assertThat(ModelFolder.parseCut("3", 7)).extracting(c -> c[0] + ":" + c[1]).containsExactly("0:2", "2:4", "4:7");
        assertThat(ModelFolder.parseCut(null, 1)).extracting(c -> c[0] + ":" + c[1]).containsExactly("0:1");
        assertThat(ModelFolder.parseCut("0:4, 4:5,5:12", 12)).extracting(c -> c[0] + ":" + c[1]).containsExactly("0:4", "4:5", "5:12");
        assertThatThrownBy(() -> ModelFolder.parseCut("13", 12)).hasMessage("cut '13': 13 core parts (expected: 1..12, the model's blocks)");
        assertThatThrownBy(() -> ModelFolder.parseCut("0:4,5:12", 12)).hasMessage("cut '0:4,5:12': '5:12' (expected: a non-empty"
                + " range starting at block 4, where the previous one ended)");
        assertThatThrownBy(() -> ModelFolder.parseCut("0:6", 12)).hasMessage("cut '0:6': ends at block 6 (expected: 12, the model's blocks)");
        assertThatThrownBy(() -> ModelFolder.parseCut("half", 12)).hasMessageContaining("'half' (expected: N core parts, or FROM:TO");
    }

    // ------------------------------------------------------------------ a folder that is not right

    /** A copy of a fixture folder whose files can be changed. */

    @Test
    void imagePreprocessor_normalisesWithTheFoldersMeanAndStd_orHalfWithoutAConfig(@TempDir Path tmp) throws IOException {
        Path dir = folder("clip");
        Arch vision = Arch.fromConfig(dir.resolve("config.json"), "clip-vision");
        java.awt.image.BufferedImage grey = new java.awt.image.BufferedImage(7, 5, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                grey.setRGB(x, y, 0x336699);
            }
        }
        JsonNode pre = new ObjectMapper().readTree(dir.resolve("preprocessor_config.json").toFile());
        float[] px = ModelFolder.imagePreprocessor(dir, vision).prepare(grey);
        int plane = vision.imageSize() * vision.imageSize();
        int[] rgb = {0x33, 0x66, 0x99};
        for (int c = 0; c < 3; c++) {
            double want = (rgb[c] / 255.0 - pre.get("image_mean").get(c).asDouble()) / pre.get("image_std").get(c).asDouble();
            assertThat(px[c * plane + plane / 2]).as("channel %d", c).isCloseTo((float) want, org.assertj.core.data.Offset.offset(1e-5f));
        }
        Path bare = copy("clip", tmp.resolve("bare"));
        Files.delete(bare.resolve("preprocessor_config.json"));
        float[] half = ModelFolder.imagePreprocessor(bare, vision).prepare(grey);
        assertThat(half[0]).isCloseTo((float) ((0x33 / 255.0 - 0.5) / 0.5), org.assertj.core.data.Offset.offset(1e-5f));
        Files.writeString(bare.resolve("preprocessor_config.json"), "{\"image_mean\": [0.5, 0.5], \"image_std\": [1, 1, 1]}");
        assertThatThrownBy(() -> ModelFolder.imagePreprocessor(bare, vision)).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("preprocessor_config.json: image_mean [0.5,0.5] (expected: 3 numbers, one per channel)");
    }

    private static Path copy(String name, Path tmp) throws IOException {
        Path src = folder(name);
        Path out = tmp.resolve(name);
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path to = out.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return out;
    }

    private static void editConfig(Path dir, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = (ObjectNode) json.readTree(dir.resolve("config.json").toFile());
        edit.accept(c);
        json.writeValue(dir.resolve("config.json").toFile(), c);
    }

    @Test
    void unsupportedModelType_namesItAndTheSupportedFamilies(@TempDir Path tmp) throws IOException {
        Path dir = copy("bert", tmp);
        editConfig(dir, c -> c.put("model_type", "t5").putArray("architectures").add("T5ForConditionalGeneration"));
        assertThatThrownBy(() -> ModelFolder.open(dir, null)).isInstanceOf(EdgeFmException.class)
                .hasMessage(dir.resolve("config.json") + ": model_type 't5' (T5ForConditionalGeneration) is not a supported family"
                        + " (expected one of vit, clip, bert, gpt2, llama)");
        editConfig(dir, c -> c.put("model_type", "clip")); // read as its vision tower, which a BERT config does not describe
        assertThatThrownBy(() -> ModelFolder.open(dir, null)).hasMessageStartingWith(dir.resolve("config.json") + ": ")
                .hasMessageContaining("image_size/patch_size");
    }

    @Test
    void noModelType_theFamilyComesFromArchitectures(@TempDir Path tmp) throws IOException {
        Path dir = copy("vit", tmp);
        editConfig(dir, c -> c.remove("model_type"));
        assertThat(ModelFolder.open(dir, null).arch().family()).isEqualTo("vit");
    }

    @Test
    void missingTokenizer_orWeights_saysWhatIsMissing(@TempDir Path tmp) throws IOException {
        Path dir = copy("gpt2", tmp);
        Files.delete(dir.resolve("tokenizer.json"));
        assertThatThrownBy(() -> ModelFolder.open(dir, null)).hasMessageStartingWith(dir + ": no tokenizer.json (a gpt2 model needs its"
                + " own tokenizer.json");
        Files.move(dir.resolve("model.safetensors"), dir.resolve("pytorch_model.bin"));
        assertThatThrownBy(() -> ModelFolder.open(dir, null)).hasMessageStartingWith(dir + ": no model.safetensors or"
                + " model.safetensors.index.json (found pytorch_model.bin: only safetensors weights load");
        assertThatThrownBy(() -> ModelFolder.open(tmp.resolve("none"), null)).hasMessageContaining("not a folder");
        assertThatThrownBy(() -> ModelFolder.open(tmp, null)).hasMessageContaining(": no config.json (expected: a Hugging Face model folder");
    }

    @Test
    void missingTensor_isNamed_whenThePartThatNeedsItLoads(@TempDir Path tmp) throws IOException {
        Path dir = copy("vit", tmp);
        Map<String, INDArray> kept = new LinkedHashMap<>();
        try (Weights w = Weights.open(dir.resolve("model.safetensors"))) {
            for (String n : w.names()) {
                if (!n.equals("vit.encoder.layer.2.intermediate.dense.weight")) {
                    kept.put(n, w.get(n));
                }
            }
        }
        SafeTensorsWriter.write(kept, dir.resolve("model.safetensors"));
        ModelManifest m = manifest(dir, tmp.resolve("m"), null);
        PartRunner.load(m, "vit-a").close(); // block 0 is whole
        assertThatThrownBy(() -> PartRunner.load(m, "vit-b")).isInstanceOf(EdgeFmException.class)
                .hasMessageEndingWith(": tensor 'vit.encoder.layer.2.intermediate.dense.weight' not found (family vit)")
                .hasMessageNotContaining("\n");
    }

    @Test
    void configThatDisagreesWithTheTensors_namesTheTensorAndBothShapes(@TempDir Path tmp) throws IOException {
        Path dir = copy("llama", tmp);
        editConfig(dir, c -> c.put("intermediate_size", 100));
        ModelManifest m = manifest(dir, tmp.resolve("m"), null);
        assertThatThrownBy(() -> PartRunner.load(m, "llama-a")).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("tensor 'model.layers.0.mlp.gate_proj.weight' has shape [128, 48] (expected: [100, 48] from the"
                        + " model config)");
    }

    @Test
    void memoryOfEachPart_isWhatItsTensorsTakeAsFp32(@TempDir Path tmp) throws IOException {
        ModelManifest m = manifest(folder("llama"), tmp, null);
        try (Weights w = m.openWeights()) {
            for (ModelManifest.PartSpec p : m.parts()) {
                if (p.role() == ModelManifest.Role.MODEL) {
                    assertThat(m.loadPart(p.id(), w).weightBytes()).as(p.id()).isEqualTo(m.weightBytes(p.id()));
                }
            }
        }
    }
}
