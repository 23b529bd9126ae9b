package org.edgefm.models.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.scenario.ScenarioException;
import org.edgefm.models.Weights;
import org.edgefm.models.family.Heads;
import org.edgefm.models.family.Sequence;
import org.edgefm.models.family.Transformer;
import org.edgefm.models.manifest.ActivationCodec.Activation;
import org.edgefm.models.manifest.ActivationCodec.WireType;
import org.edgefm.models.safetensors.SafeTensors;
import org.edgefm.profiles.KernelCost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelManifestTest {
    static Path fixture(String name) {
        try {
            return Path.of(ModelManifestTest.class.getResource("/fixtures/" + name + "/manifest.json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void load_vitManifest_partsWeightsAndCostsFromRealShapes() {
        ModelManifest m = ModelManifest.load(fixture("vit"));
        assertThat(m.parts()).extracting(ModelManifest.PartSpec::id).containsExactly("vit-preprocess", "vit-a", "vit-b", "vit-classifier");
        assertThat(m.wire()).isEqualTo(WireType.FP16);
        try (Weights w = m.openWeights()) {
            long total = 0;
            for (ModelManifest.PartSpec p : m.parts()) {
                if (p.role() == ModelManifest.Role.MODEL) {
                    Transformer t = m.loadPart(p.id(), w);
                    assertThat(m.weightBytes(p.id())).as(p.id()).isEqualTo(t.weightBytes());
                    total += t.weightBytes();
                }
            }
            assertThat(total).isEqualTo(((SafeTensors) w).names().stream().mapToLong(n -> 4 * ((SafeTensors) w).entry(n).numel()).sum());
        }
        // blocks [1, 2] of a 64-wide, 4-head ViT on 17 tokens with MLP 128: one encoder layer's products
        List<KernelSpec> c = m.costSpecs("vit-b", 0);
        assertThat(c).hasSize(1);
        KernelCost k = KernelCost.of(c.get(0));
        long t = 17;
        long d = 64;
        double flops = 2.0 * t * (4 * d * d + 2 * d * 128) + 2 * 2.0 * t * t * d;
        assertThat(k.flops()).isEqualTo(flops);
        assertThat(KernelCost.of(m.costSpecs("vit-a", 0).get(0)).kind()).isEqualTo("patchify");
        assertThat(m.costSpecs("vit-classifier", 0)).extracting(KernelSpec::kind).containsExactly("head");
        assertThat(m.outputWireBytes("vit-a", 0)).isEqualTo(20 + 17 * 64 * 2);
    }

    @Test
    void split_viaManifestWithFp16Wire_sameLabelAndCloseLogits_fp32WireExact() throws IOException {
        ModelManifest m = ModelManifest.load(fixture("vit"));
        Path dir = fixture("vit").getParent();
        try (Weights w = m.openWeights(); SafeTensors ref = SafeTensors.open(dir.resolve("reference.safetensors"))) {
            float[] image = ref.floats("input.image");
            Transformer a = m.loadPart("vit-a", w);
            Transformer b = m.loadPart("vit-b", w);
            Transformer c = m.loadPart("vit-classifier", w);
            for (WireType wt : WireType.values()) {
                byte[] ab = ActivationCodec.encode(a.runBlocks(a.embedImage(image), new Sequence()), new int[0], wt);
                Activation bin = ActivationCodec.decode(ab);
                byte[] bc = ActivationCodec.encode(b.runBlocks(bin.hidden(), new Sequence()), new int[0], wt);
                INDArray logits = c.head(ActivationCodec.decode(bc).hidden(), new Sequence());
                INDArray expected = ref.get("output");
                float[] l = Heads.vector(logits);
                float[] e = Heads.vector(expected);
                double maxDiff = 0;
                for (int i = 0; i < l.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(l[i] - e[i]));
                }
                assertThat(maxDiff).as(wt.name()).isLessThan(wt == WireType.FP32 ? 1e-4 : 5e-3);
                assertThat(Heads.topLabels(l, m.arch().labels(), 1).get(0).label())
                        .isEqualTo(Heads.topLabels(e, m.arch().labels(), 1).get(0).label());
                assertThat(ab.length).isEqualTo(20 + 17 * 64 * (wt == WireType.FP16 ? 2 : 4));
            }
        }
    }

    @Test
    void load_bertManifestWithTokenizer_ok() {
        ModelManifest m = ModelManifest.load(fixture("bert"));
        assertThat(m.arch().pooling()).isEqualTo("mean");
        assertThat(m.tokenizer()).exists();
        assertThat(m.part("bert-b").part().head()).isTrue();
    }

    private void assertBad(Path dir, String json, String path, String problem) throws IOException {
        Path f = dir.resolve("m.json");
        Files.writeString(f, json);
        assertThatThrownBy(() -> ModelManifest.load(f)).isInstanceOf(ScenarioException.class)
                .hasMessageContaining("m.json: " + path + ": ").hasMessageContaining(problem)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static String vit(String parts) {
        return "{\"schema\":1,\"name\":\"x\",\"weights\":\"model.safetensors\",\"config\":\"config.json\",\"parts\":[" + parts + "]}";
    }

    @Test
    void load_invalidManifests_errorNamesFilePathAndExpectation(@TempDir Path tmp) throws IOException {
        Path vitDir = fixture("vit").getParent();
        Files.copy(vitDir.resolve("config.json"), tmp.resolve("config.json"));
        Files.copy(vitDir.resolve("model.safetensors"), tmp.resolve("model.safetensors"));
        String a = "{\"id\":\"a\",\"kind\":\"core\",\"embed\":true,\"blocks\":[0,1]}";
        assertBad(tmp, vit(a + ",{\"id\":\"b\",\"kind\":\"core\",\"blocks\":[2,2],\"head\":true}"), "parts[1].blocks", "expected: to start at block 1");
        assertBad(tmp, vit(a + ",{\"id\":\"b\",\"kind\":\"core\",\"blocks\":[1,3],\"head\":true}"), "parts[1].blocks", "<= 2, the model's layers");
        assertBad(tmp, vit(a), "parts", "no part holds the head");
        assertBad(tmp, vit("{\"id\":\"a\",\"kind\":\"core\",\"blocks\":[0,2],\"head\":true}"), "parts[0].embed", "must hold the embedding");
        assertBad(tmp, vit(a + ",{\"id\":\"a\",\"kind\":\"core\",\"blocks\":[1,2],\"head\":true}"), "parts[1].id", "used twice");
        assertBad(tmp, vit(a + ",{\"id\":\"b\",\"kind\":\"big\",\"blocks\":[1,2],\"head\":true}"), "parts[1].kind", "expected: light or core");
        assertBad(tmp, vit(a + ",{\"id\":\"b\",\"kind\":\"core\",\"blocks\":[1,2],\"head\":true,\"gpu\":1}"), "parts[1].gpu", "unknown field");
        assertBad(tmp, vit(a + ",{\"id\":\"p\",\"kind\":\"light\",\"does\":\"preprocess\"}"), "parts[1].does", "pre-processing first");
        assertBad(tmp, vit("{\"id\":\"a\",\"kind\":\"core\",\"embed\":true,\"blocks\":[0,1],\"head\":true}"), "parts[0].head",
                "expected: all 2 blocks before the head");
        assertBad(tmp, vit(a).replace("model.safetensors", "../model.safetensors"), "weights", "inside the manifest's folder");
        assertBad(tmp, vit(a).replace("config.json", "nope.json"), "config", "no such file");
        assertBad(tmp, vit(a).replace("\"schema\":1", "\"schema\":2"), "schema", "2 (expected: 1)");
        assertBad(tmp, vit(a).replace("\"parts\"", "\"wire\":\"int4\",\"parts\""), "wire", "expected: fp16 or fp32");
        assertBad(tmp, "{\"schema\":1,", "(json)", "not valid JSON");
        Files.copy(fixture("bert").getParent().resolve("config.json"), tmp.resolve("bert.json"));
        assertBad(tmp, vit("{\"id\":\"t\",\"kind\":\"light\",\"does\":\"preprocess\"}," + a.replace("[0,1]", "[0,2]").replace("}", ",\"head\":true}"))
                .replace("config.json", "bert.json"), "tokenizer", "needs the model's tokenizer.json");
    }

    @Test
    void codec_fp32RoundTripExact_fp16WithinHalfUlp() {
        INDArray h = Nd4j.randn(7L, new long[] {5, 16}).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        int[] ids = {101, 7, 9, 102};
        Activation a = ActivationCodec.decode(ActivationCodec.encode(h, ids, WireType.FP32));
        assertThat(a.hidden().data().asFloat()).containsExactly(h.dup('c').data().asFloat());
        assertThat(a.ids()).containsExactly(ids);
        byte[] half = ActivationCodec.encode(h, ids, WireType.FP16);
        assertThat(half).hasSize((int) ActivationCodec.size(5, 16, 4, WireType.FP16)).hasSize(20 + 16 + 160);
        float[] back = ActivationCodec.decode(half).hidden().data().asFloat();
        float[] orig = h.dup('c').data().asFloat();
        for (int i = 0; i < orig.length; i++) {
            assertThat(Math.abs(back[i] - orig[i])).isLessThanOrEqualTo(Math.abs(orig[i]) * 0x1p-11f + 0x1p-25f);
        }
    }

    @Test
    void codec_malformed_rejectedWithField() {
        byte[] ok = ActivationCodec.encode(Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3), new int[] {1}, WireType.FP32);
        assertThatThrownBy(() -> ActivationCodec.decode(new byte[3])).isInstanceOf(EdgeFmException.class).hasMessageContaining("header");
        byte[] magic = ok.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> ActivationCodec.decode(magic)).hasMessageContaining("magic");
        byte[] dtype = ok.clone();
        dtype[4] = 7;
        assertThatThrownBy(() -> ActivationCodec.decode(dtype)).hasMessageContaining("dtype 7");
        byte[] shape = ok.clone();
        shape[8] = (byte) 0xff;
        shape[9] = (byte) 0xff;
        shape[10] = (byte) 0xff;
        shape[11] = (byte) 0x7f;
        assertThatThrownBy(() -> ActivationCodec.decode(shape)).hasMessageContaining("shape");
        assertThatThrownBy(() -> ActivationCodec.decode(java.util.Arrays.copyOf(ok, ok.length - 1))).hasMessageContaining("needs " + ok.length);
        assertThatThrownBy(() -> ActivationCodec.encode(Nd4j.valueArrayOf(new long[] {1, 1}, 1e6f), null, WireType.FP16))
                .hasMessageContaining("does not fit FP16");
    }
}
