package org.edgefm.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.KernelSpec;
import org.junit.jupiter.api.Test;

class KernelCostTest {
    @Test
    void transformerEncoder_clipVitL14At336_matchesTheCatalogsGflops() {
        // fm-catalog A.1 row 2: ViT-L/14-336, 381.92 GFLOPs (open_clip profile)
        KernelCost c = KernelCost.of(new KernelSpec("transformer-encoder",
                Map.of("layers", 24, "hidden", 1024, "heads", 16, "tokens", 577, "mlp", 4096), null));
        assertThat(c.flops() / 1e9).isCloseTo(381.9, within(381.9 * 0.02));
        assertThat(c.inputShape()).containsExactly(577, 1024);
        assertThat(c.weightBytes()).isEqualTo(24L * (4L * 1024 * 1024 + 2L * 1024 * 4096) * 4);
    }

    @Test
    void fusion_llavaProjector_matchesTheCatalogsGflops() {
        // fm-catalog A.1 row 5: mlp2x_gelu projector, 24.2 GFLOPs for 576 tokens
        KernelCost c = KernelCost.of(new KernelSpec("fusion", Map.of("tokens", 576, "in", 1024, "hidden", 4096, "out", 4096), null));
        assertThat(c.flops() / 1e9).isCloseTo(24.2, within(0.2));
        assertThat(c.outputShape()).containsExactly(576, 4096);
    }

    @Test
    void patchify_and_head_haveTheirShapes() {
        KernelCost p = KernelCost.of(new KernelSpec("patchify", Map.of("image", 336, "patch", 14, "hidden", 1024), null));
        assertThat(p.inputShape()).containsExactly(576, 588);
        assertThat(p.flops()).isEqualTo(2.0 * 576 * 588 * 1024);
        KernelCost h = KernelCost.of(new KernelSpec("head", Map.of("in", 1024, "out", 256), null));
        assertThat(h.outputShape()).containsExactly(1, 256);
        // the mean pooling is a product too, (1/T)·1ᵀX, as the agent's kernel runs it
        KernelCost pooled = KernelCost.of(new KernelSpec("head", Map.of("in", 1024, "out", 256, "tokens", 197), null));
        assertThat(pooled.gemms()).extracting(g -> g[0] + "x" + g[1] + "x" + g[2]).containsExactly("1x197x1024", "1x1024x256");
        assertThat(pooled.flops()).isEqualTo(2.0 * 197 * 1024 + 2.0 * 1024 * 256);
    }

    @Test
    void of_unknownKind_listsTheKnownKinds() {
        assertThatThrownBy(() -> KernelCost.of(new KernelSpec("convnet", Map.of(), null)))
                .isInstanceOf(EdgeFmException.class)
                .hasMessage("unknown kernel kind 'convnet' (expected one of: transformer-encoder, patchify, fusion, head, preprocess)");
    }

    @Test
    void preprocess_costsOneMultiplyAddPerOutputValue_andNoWeights() {
        KernelCost c = KernelCost.of(new KernelSpec("preprocess", Map.of("in", 3072, "rows", 3, "cols", 1024, "tokens", 17), null));
        assertThat(c.flops()).isEqualTo(2.0 * 3 * 1024);
        assertThat(c.weightBytes()).isZero();
        assertThat(c.inputShape()).containsExactly(1, 3072);
        assertThat(c.outputShape()).containsExactly(3, 1024);
        assertThatThrownBy(() -> KernelCost.of(new KernelSpec("preprocess", Map.of("in", 8, "rows", 1), null)))
                .hasMessage("kernel 'preprocess': dims.cols is missing");
    }

    @Test
    void of_missingDimension_namesIt() {
        assertThatThrownBy(() -> KernelCost.of(new KernelSpec("fusion", Map.of("tokens", 4, "in", 8, "out", 8), null)))
                .hasMessage("kernel 'fusion': dims.hidden is missing");
        assertThatThrownBy(() -> KernelCost.of(new KernelSpec("transformer-encoder",
                Map.of("layers", 1, "hidden", 10, "heads", 3, "tokens", 4), null)))
                .hasMessageContaining("not a multiple of dims.heads 3");
    }
}
