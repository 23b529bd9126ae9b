package org.edgefm.models.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.List;
import org.edgefm.models.BuiltinModels;
import org.edgefm.models.Weights;
import org.edgefm.models.family.Arch;
import org.edgefm.models.family.Heads;
import org.edgefm.models.family.Sequence;
import org.edgefm.models.family.Transformer;
import org.edgefm.models.family.Transformer.Part;
import org.edgefm.models.manifest.ActivationCodec;
import org.edgefm.models.manifest.ModelManifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * all-MiniLM-L6-v2 run by EdgeFM on ND4J (weights read from the ONNX initializers) against the
 * same model run by ONNX Runtime through langchain4j: cosine >= 0.9999 per sentence.
 */
class MiniLmTest {
    static final List<String> SENTENCES = List.of(
            "The cat sits on the mat.",
            "A man is playing a guitar on stage.",
            "Edge devices run parts of a foundation model.",
            "Stock markets fell sharply after the announcement.",
            "How do I reset my password?",
            "Jetson Orin boards have an integrated GPU and shared memory.",
            "Café, naïve, coöperate: accents and UTF-8 text.",
            "short");

    static Arch arch;
    static Weights weights;
    static TextTokenizer tokenizer;
    static Transformer mono;

    @BeforeAll
    static void load() {
        arch = BuiltinModels.miniLmArch();
        weights = BuiltinModels.miniLmWeights();
        tokenizer = BuiltinModels.miniLmTokenizer();
        mono = Transformer.load(arch, weights, Part.all(arch));
    }

    static float[] embed(List<Transformer> parts, String text) {
        Sequence seq = tokenizer.encode(text);
        INDArray h = null;
        for (Transformer p : parts) {
            h = p.forwardText(seq, h);
        }
        return Heads.normalize(Heads.vector(h));
    }

    @Test
    void miniLm_embeddings_equalOnnxRuntimeWithinCosine09999() {
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        for (String s : SENTENCES) {
            float[] ours = embed(List.of(mono), s);
            float[] theirs = reference.embed(s).content().vector();
            assertThat(ours).hasSize(384);
            assertThat(Heads.cosine(ours, theirs)).as(s).isGreaterThanOrEqualTo(0.9999);
        }
    }

    @Test
    void miniLm_cutIntoThreeParts_equalsMonolithicExactly_andEachPartLoadsOnlyItsTensors() {
        Transformer a = Transformer.load(arch, weights, new Part(true, 0, 2, false));
        Transformer b = Transformer.load(arch, weights, new Part(false, 2, 4, false));
        Transformer c = Transformer.load(arch, weights, new Part(false, 4, 6, true));
        for (String s : SENTENCES.subList(0, 3)) {
            assertThat(embed(List.of(a, b, c), s)).containsExactly(embed(List.of(mono), s));
        }
        assertThat(a.weightBytes() + b.weightBytes() + c.weightBytes()).isEqualTo(mono.weightBytes());
        long block = 4L * (4 * 384 * 384 + 2 * 384 * 1536 + 9 * 384 + 1536);
        assertThat(b.weightBytes()).isEqualTo(2 * block);
    }

    @Test
    void miniLm_builtinManifestWithFp16Wire_cosineToMonolithicAtLeast09999() {
        ModelManifest m = ModelManifest.builtin("all-minilm-l6-v2");
        assertThat(m.wire()).isEqualTo(ActivationCodec.WireType.FP16);
        List<Transformer> parts = List.of(m.loadPart("minilm-a", weights), m.loadPart("minilm-b", weights), m.loadPart("minilm-c", weights));
        for (String s : SENTENCES) {
            Sequence seq = tokenizer.encode(s);
            INDArray h = parts.get(0).forwardText(seq, null);
            long bytes = 0;
            for (Transformer p : parts.subList(1, parts.size())) {
                byte[] wire = ActivationCodec.encode(h, seq.ids(), m.wire());
                bytes += wire.length;
                ActivationCodec.Activation a = ActivationCodec.decode(wire);
                h = p.forwardText(new Sequence(a.ids(), null, null), a.hidden());
            }
            float[] split = Heads.normalize(Heads.vector(h));
            assertThat(Heads.cosine(split, embed(List.of(mono), s))).as(s).isGreaterThanOrEqualTo(0.9999);
            int t = seq.ids().length;
            assertThat(bytes).isEqualTo(2 * (20 + 4L * t + 2L * t * 384));
            assertThat(bytes).isEqualTo(2 * m.outputWireBytes("minilm-a", t));
        }
    }

    @Test
    void miniLm_similarSentencesScoreHigherThanUnrelated() {
        List<Transformer> m = List.of(mono);
        float[] q = embed(m, "A kitten is lying on a rug.");
        assertThat(Heads.cosine(q, embed(m, SENTENCES.get(0)))).isGreaterThan(Heads.cosine(q, embed(m, SENTENCES.get(3))) + 0.2);
    }
}
