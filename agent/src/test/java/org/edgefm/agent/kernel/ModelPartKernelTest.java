package org.edgefm.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefm.agent.internal.Tensors;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.models.Weights;
import org.edgefm.models.family.Sequence;
import org.edgefm.models.family.Transformer;
import org.edgefm.models.manifest.ModelManifest;
import org.edgefm.models.safetensors.SafeTensors;
import org.edgefm.profiles.KernelCost;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Services that run parts of a real model (the tiny ViT fixture of the models module), chained through the agents' tensor wire form. */
class ModelPartKernelTest {
    static final Path MODEL_DIR = Path.of("../models/src/test/resources/fixtures");

    @Test
    void threeServices_chainedThroughWireForm_equalMonolithicModelExactly() {
        ModelManifest m = ModelManifest.load(MODEL_DIR.resolve("vit/manifest.json"));
        List<Kernel> services = List.of("vit-a", "vit-b", "vit-classifier").stream()
                .map(id -> Kernel.load(m.kernelSpec(id, 0, "vit/manifest.json"), MODEL_DIR, 0)).toList();
        assertThat(services.get(0).spec().kind()).isEqualTo("transformer-encoder");
        assertThat(services.get(2).spec().kind()).isEqualTo("head");
        assertThat(services.get(1).cost()).isEqualTo(KernelCost.of(services.get(1).spec()));
        try (SafeTensors ref = SafeTensors.open(MODEL_DIR.resolve("vit/reference.safetensors")); Weights w = m.openWeights()) {
            float[] image = ref.floats("input.image");
            INDArray x = Nd4j.create(image, new long[] {3, 32 * 32}, 'c');
            for (Kernel k : services) {
                byte[] wire = Tensors.write(k.runDetached(List.of(x)));
                x = Tensors.read(wire, 0, wire.length);
            }
            Transformer mono = Transformer.load(m.arch(), w, Transformer.Part.all(m.arch()));
            INDArray whole = mono.head(mono.runBlocks(mono.embedImage(image), new Sequence()), new Sequence());
            assertThat(x.dup('c').data().asFloat()).containsExactly(whole.dup('c').data().asFloat());
        }
    }

    @Test
    void calibrationInput_runsEveryPart() {
        ModelManifest m = ModelManifest.load(MODEL_DIR.resolve("vit/manifest.json"));
        for (String id : List.of("vit-a", "vit-b", "vit-classifier")) {
            Kernel k = Kernel.load(m.kernelSpec(id, 0, "vit/manifest.json"), MODEL_DIR, 0);
            assertThat(k.runDetached(List.of(k.sampleInput(3))).length()).isGreaterThan(0);
            assertThat(k.preloadMs()).isPositive();
        }
    }

    @Test
    void specNotMatchingThePartsShapes_refusedNamingBoth() {
        KernelSpec wrong = new KernelSpec("transformer-encoder", Map.of("layers", 3, "hidden", 64, "heads", 4, "tokens", 17, "mlp", 128),
                "vit/manifest.json#vit-b");
        assertThatThrownBy(() -> Kernel.load(wrong, MODEL_DIR, 0)).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("vit/manifest.json#vit-b").hasMessageContaining("real shapes");
        KernelSpec missing = new KernelSpec("transformer-encoder", Map.of("layers", 1, "hidden", 64, "heads", 4, "tokens", 17, "mlp", 128),
                "vit/manifest.json#nope");
        assertThatThrownBy(() -> Kernel.load(missing, MODEL_DIR, 0)).isInstanceOf(EdgeFmException.class).hasMessageContaining("no part 'nope'");
    }

    @Test
    void fromPngBytes_throughFp16Wire_answersTheWholeModelsLabel() {
        ModelManifest m = ModelManifest.load(MODEL_DIR.resolve("vit/manifest.json"));
        List<Kernel> services = List.of("vit-preprocess", "vit-a", "vit-b", "vit-classifier").stream()
                .map(id -> Kernel.load(m.kernelSpec(id, 0, "vit/manifest.json"), MODEL_DIR, 0)).toList();
        assertThat(services.get(0).spec().kind()).isEqualTo("preprocess");
        long half = 0;
        long full = 0;
        for (int i = 0; i < 6; i++) {
            byte[] png = org.edgefm.models.image.SampleImages.png(32, 40 + i);
            org.edgefm.wire.TaskAnswer whole = org.edgefm.models.manifest.PartRunner.monolithic(m, png);
            INDArray x = org.edgefm.models.manifest.PartRunner.bytesRow(png);
            org.edgefm.wire.TaskAnswer answer = null;
            for (Kernel k : services) {
                try (Kernel.Output o = k.run(List.of(x))) {
                    // hidden states (and only they) go as FP16; token ids and pixels stay exact
                    assertThat(o.halfOnWire()).isEqualTo(k.spec().weights().endsWith("#vit-a") || k.spec().weights().endsWith("#vit-b"));
                    byte[] wire = Tensors.write(o.array(), o.halfOnWire());
                    if (o.halfOnWire()) {
                        half += wire.length;
                        full += Tensors.write(o.array()).length;
                    }
                    x = Tensors.read(wire, 0, wire.length);
                    answer = o.answer();
                }
            }
            assertThat(answer).isNotNull();
            assertThat(answer.label()).isEqualTo(whole.label());
            assertThat(answer.score()).isCloseTo(whole.score(), org.assertj.core.data.Offset.offset(5e-3));
        }
        assertThat((double) half / full).isBetween(0.5, 0.55);
    }

    @Test
    void preprocessPart_refusesWhatIsNotAnImage_inOneLine() {
        ModelManifest m = ModelManifest.load(MODEL_DIR.resolve("vit/manifest.json"));
        Kernel pre = Kernel.load(m.kernelSpec("vit-preprocess", 0, "vit/manifest.json"), MODEL_DIR, 0);
        INDArray notImage = org.edgefm.models.manifest.PartRunner.bytesRow("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(() -> pre.run(List.of(notImage))).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("request image").hasMessageNotContaining("\n");
        INDArray notBytes = Nd4j.create(new float[] {1.5f, 300f}, new long[] {1, 2}, 'c');
        assertThatThrownBy(() -> pre.run(List.of(notBytes))).isInstanceOf(EdgeFmException.class).hasMessageContaining("0..255");
    }
}
