package org.edgefm.models.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.References;
import org.edgefm.models.Weights;
import org.edgefm.models.family.Transformer.Part;
import org.edgefm.models.safetensors.SafeTensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Each family against the PyTorch reference of tools/make_tiny_models.py (fixtures in
 * src/test/resources/fixtures): embeddings, every block, heads within 1e-4 relative (max absolute
 * difference over the reference's largest magnitude), greedy tokens exactly.
 */
class FamilyFixturesTest {
    static final double TOL = References.TOL;

    static Path fixture(String name) {
        return References.folder("fixtures", name);
    }

    static JsonNode json(Path dir) throws IOException {
        return References.reference(dir);
    }

    static double relErr(INDArray actual, INDArray expected) {
        return References.relErr(actual, expected);
    }

    static void assertClose(String what, INDArray actual, INDArray expected) {
        assertThat(relErr(actual, expected)).as(what).isLessThanOrEqualTo(TOL);
    }

    private static INDArray row(INDArray a) {
        return a.reshape(1, a.length());
    }

    @Test
    void vit_embeddingEveryBlockAndClassifier_matchPyTorch() throws IOException {
        Path dir = fixture("vit");
        Arch arch = Arch.fromConfig(dir.resolve("config.json"), null);
        assertThat(arch.family()).isEqualTo("vit");
        assertThat(arch.labels()).hasSize(5);
        try (Weights w = Weights.open(dir); SafeTensors ref = SafeTensors.open(dir.resolve("reference.safetensors"))) {
            Transformer m = Transformer.load(arch, w, Part.all(arch));
            float[] image = ref.floats("input.image");
            INDArray h = m.embedImage(image);
            assertClose("embedding", h, ref.get("hidden.0"));
            for (int i = 0; i < arch.layers(); i++) {
                Transformer one = Transformer.load(arch, w, new Part(false, i, i + 1, false));
                assertClose("block " + i, one.runBlocks(ref.get("hidden." + i), new Sequence()), ref.get("hidden." + (i + 1)));
            }
            INDArray logits = m.head(m.runBlocks(h, new Sequence()), new Sequence());
            assertClose("logits", logits, ref.get("output"));
            String top = Heads.topLabels(Heads.vector(logits), arch.labels(), 1).get(0).label();
            assertThat(top).isEqualTo(json(dir).get("top_label").asText());
        }
    }

    @Test
    void vit_splitIntoThreeParts_equalsMonolithicExactly() {
        Path dir = fixture("vit");
        Arch arch = Arch.fromConfig(dir.resolve("config.json"), null);
        try (Weights w = Weights.open(dir); SafeTensors ref = SafeTensors.open(dir.resolve("reference.safetensors"))) {
            float[] image = ref.floats("input.image");
            Transformer mono = Transformer.load(arch, w, Part.all(arch));
            INDArray whole = mono.head(mono.runBlocks(mono.embedImage(image), new Sequence()), new Sequence());
            Transformer a = Transformer.load(arch, w, new Part(true, 0, 1, false));
            Transformer b = Transformer.load(arch, w, new Part(false, 1, 2, false));
            Transformer c = Transformer.load(arch, w, new Part(false, 2, 2, true));
            INDArray split = c.head(b.runBlocks(a.runBlocks(a.embedImage(image), new Sequence()), new Sequence()), new Sequence());
            assertThat(split.dup('c').data().asFloat()).containsExactly(whole.dup('c').data().asFloat());
            assertThat(a.weightBytes() + b.weightBytes() + c.weightBytes()).isEqualTo(mono.weightBytes());
            assertThat(b.weightBytes()).isLessThan(mono.weightBytes() / 2);
        }
    }

    @Test
    void clip_imageAndTextTowersAndZeroShot_matchPyTorch() throws IOException {
        Path dir = fixture("clip");
        JsonNode js = json(dir);
        Arch vision = Arch.fromConfig(dir.resolve("config.json"), "clip-vision");
        Arch text = Arch.fromConfig(dir.resolve("config.json"), "clip-text");
        assertThat(vision.projection()).isEqualTo(32);
        try (Weights w = Weights.open(dir); SafeTensors ref = SafeTensors.open(dir.resolve("reference.safetensors"))) {
            Transformer vm = Transformer.load(vision, w, Part.all(vision));
            INDArray h = vm.embedImage(ref.floats("input.image"));
            assertClose("vision embedding", h, ref.get("vision.hidden.0"));
            INDArray image = vm.head(vm.runBlocks(h, new Sequence()), new Sequence());
            assertClose("image embedding", image, ref.get("vision.output"));

            Transformer tm = Transformer.load(text, w, Part.all(text));
            List<float[]> texts = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (int j = 0; j < js.get("prompts").size(); j++) {
                int[] ids = ids(js.get("prompts").get(j));
                Sequence seq = new Sequence(ids, null, null);
                if (j == 0) {
                    INDArray hid = tm.runBlocks(tm.embedTokens(seq, 0), seq);
                    assertClose("text blocks", hid, ref.get("text.hidden." + text.layers()));
                }
                INDArray te = tm.forwardText(seq, null);
                assertClose("text embedding " + j, te, ref.get("text.output." + j));
                texts.add(Heads.vector(te));
                labels.add(js.get("labels").get(j).asText());
            }
            assertThat(tm.logitScale()).isCloseTo((float) (1 / 0.07), org.assertj.core.data.Offset.offset(1e-3f));
            List<Heads.Scored> zs = Heads.zeroShot(Heads.vector(image), texts, labels, tm.logitScale());
            float[] probs = ref.floats("zero_shot.probs");
            for (Heads.Scored s : zs) {
                assertThat(s.score()).isCloseTo(probs[s.index()], org.assertj.core.data.Offset.offset(1e-4));
            }
            assertThat(zs.get(0).label()).isEqualTo(js.get("top_label").asText());
        }
    }

    @Test
    void bert_blocksMeanPoolingAndPooler_matchPyTorch() throws IOException {
        Path dir = fixture("bert");
        JsonNode js = json(dir);
        Arch arch = Arch.fromConfig(dir.resolve("config.json"), null);
        try (Weights w = Weights.open(dir); SafeTensors ref = SafeTensors.open(dir.resolve("reference.safetensors"))) {
            Transformer mean = Transformer.load(arch.withPooling("mean"), w, Part.all(arch));
            Transformer pooler = Transformer.load(arch.withPooling("pooler"), w, Part.all(arch));
            for (int j = 0; j < js.get("ids").size(); j++) {
                Sequence seq = new Sequence(ids(js.get("ids").get(j)), null, null);
                if (j == 0) {
                    INDArray h = mean.embedTokens(seq, 0);
                    assertClose("embedding", h, ref.get("hidden.0"));
                    assertClose("blocks", mean.runBlocks(h, seq), ref.get("hidden." + arch.layers()));
                }
                assertClose("mean " + j, mean.forwardText(seq, null), ref.get("output.mean." + j));
                assertClose("pooler " + j, pooler.forwardText(new Sequence(ids(js.get("ids").get(j)), null, null), null),
                        ref.get("output.pooler." + j));
            }
        }
    }

    @Test
    void bert_paddedBatchRow_givesSameMeanEmbeddingAsUnpadded() throws IOException {
        Path dir = fixture("bert");
        JsonNode js = json(dir);
        Arch arch = Arch.fromConfig(dir.resolve("config.json"), null).withPooling("mean");
        try (Weights w = Weights.open(dir); SafeTensors ref = SafeTensors.open(dir.resolve("reference.safetensors"))) {
            Transformer m = Transformer.load(arch, w, Part.all(arch));
            int[] ids = ids(js.get("ids").get(2));
            int[] padded = java.util.Arrays.copyOf(ids, ids.length + 3);
            int[] att = new int[padded.length];
            java.util.Arrays.fill(att, 0, ids.length, 1);
            assertClose("padded", m.forwardText(new Sequence(padded, null, att), null), ref.get("output.mean.2"));
        }
    }

    @Test
    void gpt2Fp16_promptLogitsAndGreedyTokens_matchPyTorch() throws IOException {
        decoder("gpt2");
    }

    @Test
    void llamaBf16_promptLogitsAndGreedyTokens_matchPyTorch() throws IOException {
        decoder("llama");
    }

    private void decoder(String name) throws IOException {
        Path dir = fixture(name);
        JsonNode js = json(dir);
        Arch arch = Arch.fromConfig(dir.resolve("config.json"), null);
        int[] prompt = ids(js.get("prompt"));
        int[] greedy = ids(js.get("greedy"));
        try (Weights w = Weights.open(dir); SafeTensors ref = SafeTensors.open(dir.resolve("reference.safetensors"))) {
            Transformer m = Transformer.load(arch, w, Part.all(arch));
            Sequence seq = new Sequence(prompt, null, null);
            INDArray h = m.embedTokens(seq, 0);
            assertClose("embedding", h, ref.get("hidden.0"));
            for (int i = 0; i < arch.layers(); i++) {
                Transformer one = Transformer.load(arch, w, new Part(false, i, i + 1, false));
                assertClose("block " + i, one.runBlocks(ref.get("hidden." + i), new Sequence()), ref.get("hidden." + (i + 1)));
            }
            Generator g = new Generator(List.of(m));
            assertClose("prompt logits", g.step(prompt), ref.get("prompt.logits"));

            // with the KV cache, one token at a time: the exact reference tokens
            int[] got = new Generator(List.of(Transformer.load(arch, w, Part.all(arch)))).generate(prompt, greedy.length,
                    Generator.Sampling.greedy(), -1);
            assertThat(got).containsExactly(greedy);

            // the same model cut into three parts, each with its own caches
            List<Transformer> parts = List.of(Transformer.load(arch, w, new Part(true, 0, 1, false)),
                    Transformer.load(arch, w, new Part(false, 1, 2, false)), Transformer.load(arch, w, new Part(false, 2, 2, true)));
            assertThat(new Generator(parts).generate(prompt, greedy.length, Generator.Sampling.greedy(), -1)).containsExactly(greedy);

            // a core part lost after 4 tokens, replaced by a fresh instance: the history is replayed
            List<Transformer> parts2 = List.of(Transformer.load(arch, w, new Part(true, 0, 1, false)),
                    Transformer.load(arch, w, new Part(false, 1, 2, false)), Transformer.load(arch, w, new Part(false, 2, 2, true)));
            Generator g2 = new Generator(parts2);
            int[] firstFour = g2.generate(prompt, 4, Generator.Sampling.greedy(), -1);
            g2.failover(1, Transformer.load(arch, w, new Part(false, 1, 2, false)));
            int[] rest = new int[greedy.length - 4];
            INDArray lg = g2.step(new int[] {firstFour[3]});
            for (int i = 0; i < rest.length; i++) {
                float[] last = Heads.vector(lg.getRow(lg.rows() - 1));
                int best = 0;
                for (int j = 1; j < last.length; j++) {
                    best = last[j] > last[best] ? j : best;
                }
                rest[i] = best;
                lg = g2.step(new int[] {best});
            }
            assertThat(concat(firstFour, rest)).containsExactly(greedy);

            // step-wise logits with the cache equal the full-sequence reference at every position
            Generator stepper = new Generator(List.of(Transformer.load(arch, w, Part.all(arch))));
            int[] all = concat(prompt, greedy);
            INDArray full = ref.get("full.logits");
            INDArray first = stepper.step(java.util.Arrays.copyOf(all, prompt.length));
            assertClose("prefill", first, full.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, prompt.length),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()));
            for (int p = prompt.length; p < all.length; p++) {
                INDArray one = stepper.step(new int[] {all[p]});
                assertClose("step " + p, one, row(full.getRow(p)));
            }
        }
    }

    @Test
    void topK_sameSeedSameTokens_andEachTokenAmongTopK() {
        Path dir = fixture("gpt2");
        Arch arch = Arch.fromConfig(dir.resolve("config.json"), null);
        try (Weights w = Weights.open(dir)) {
            int[] prompt = {5, 17, 42};
            int k = 5;
            Generator.Sampling s = new Generator.Sampling(k, 20.0, 42);
            int[] a = new Generator(List.of(Transformer.load(arch, w, Part.all(arch)))).generate(prompt, 12, s, -1);
            int[] b = new Generator(List.of(Transformer.load(arch, w, Part.all(arch)))).generate(prompt, 12, s, -1);
            assertThat(a).containsExactly(b).hasSize(12);
            int[] c = new Generator(List.of(Transformer.load(arch, w, Part.all(arch)))).generate(prompt, 12,
                    new Generator.Sampling(k, 20.0, 43), -1);
            assertThat(c).isNotEqualTo(a);
            // replay: each sampled token ranks among the k best logits at its step
            Generator replay = new Generator(List.of(Transformer.load(arch, w, Part.all(arch))));
            INDArray logits = replay.step(prompt);
            for (int t : a) {
                float[] last = Heads.vector(logits.getRow(logits.rows() - 1));
                int better = 0;
                for (float f : last) {
                    if (f > last[t]) {
                        better++;
                    }
                }
                assertThat(better).as("rank of token %d", t).isLessThan(k);
                logits = replay.step(new int[] {t});
            }
        }
    }

    @Test
    void load_wrongShapeFromConfig_namesTensorAndShape() {
        Path dir = fixture("vit");
        Arch good = Arch.fromConfig(dir.resolve("config.json"), null);
        Arch wide = new Arch("vit", 128, 4, 4, 2, 128, 1e-12, "gelu", 0, 0, 0, 32, 8, 3, 0, 1e4, true, good.labels(), "cls", -1);
        try (Weights w = Weights.open(dir)) {
            assertThatThrownBy(() -> Transformer.load(wide, w, Part.all(wide))).isInstanceOf(EdgeFmException.class)
                    .hasMessageContaining("vit.embeddings.patch_embeddings.projection.weight").hasMessageContaining("expected");
            assertThatThrownBy(() -> Transformer.load(good, w, new Part(false, 0, 3, false))).isInstanceOf(EdgeFmException.class)
                    .hasMessageContaining("beyond the model's 2 layers");
        }
    }

    @Test
    void load_wrongFamily_namesMissingTensor() {
        Path dir = fixture("gpt2");
        Arch llamaShaped = Arch.fromConfig(fixture("llama").resolve("config.json"), null);
        try (Weights w = Weights.open(dir)) {
            assertThatThrownBy(() -> Transformer.load(llamaShaped, w, Part.all(llamaShaped))).isInstanceOf(EdgeFmException.class)
                    .hasMessageContaining("not found").hasMessageContaining("family llama");
        }
    }

    static int[] ids(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }

    static int[] concat(int[] a, int[] b) {
        int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
