package org.edgefm.models.family;

import java.util.Arrays;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.Weights;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads one part's tensors by their hub names: the family's name prefix found in the file, each
 * tensor checked against the shape the config implies, linear weights turned to [in, out]; a missing
 * or misshapen tensor is an {@link EdgeFmException} naming it.
 */
final class PartTensors {
    final Arch arch;
    final Weights w;
    /** The family's prefix as the file spells it ({@code vit.}, {@code bert.}, ... or empty). */
    final String prefix;

    PartTensors(Arch arch, Weights w) {
        this.arch = arch;
        this.w = w;
        this.prefix = prefix(arch, w);
    }

    private static String prefix(Arch arch, Weights w) {
        return switch (arch.family()) {
            case "vit" -> firstPresent(w, "vit.", "", "embeddings.cls_token");
            case "clip-vision" -> firstPresent(w, "vision_model.", "", "embeddings.class_embedding");
            case "clip-text" -> firstPresent(w, "text_model.", "", "final_layer_norm.weight");
            case "bert" -> firstPresent(w, "bert.", "", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.gamma",
                    "encoder.layer.0.attention.self.query.weight");
            case "gpt2" -> firstPresent(w, "transformer.", "", "ln_f.weight", "h.0.ln_1.weight");
            case "llama" -> firstPresent(w, "model.", "", "norm.weight", "layers.0.input_layernorm.weight");
            default -> throw new AssertionError(arch.family());
        };
    }

    private static String firstPresent(Weights w, String a, String b, String... probes) {
        for (String probe : probes) {
            if (w.contains(a + probe)) {
                return a;
            }
            if (w.contains(b + probe)) {
                return b;
            }
        }
        return a;
    }

    boolean contains(String name) {
        return w.contains(name);
    }

    /** A required tensor, reshaped to {@code shape} when one is given (its element count checked). */
    INDArray t(String name, long... shape) {
        if (!w.contains(name)) {
            throw new EdgeFmException(w.describe() + ": tensor '" + name + "' not found (family " + arch.family() + ")");
        }
        INDArray a = w.get(name);
        if (shape.length > 0 && a.length() != product(shape)) {
            throw new EdgeFmException(w.describe() + ": tensor '" + name + "' has shape " + Arrays.toString(a.shape())
                    + " (expected: " + Arrays.toString(shape) + " from the model config)");
        }
        return shape.length > 0 ? a.reshape('c', shape) : a;
    }

    /** An optional tensor: null where the file has none. */
    INDArray opt(String name, long... shape) {
        return w.contains(name) ? t(name, shape) : null;
    }

    /** nn.Linear weight [out, in] → [in, out]. */
    INDArray linearT(String name, long out, long in) {
        return t(name, out, in).transpose().dup('c');
    }

    private static long product(long[] s) {
        long p = 1;
        for (long d : s) {
            p *= d;
        }
        return p;
    }

    /** A norm's scale and (when {@code bias}) shift as rows [1, d]; old {@code gamma/beta} names accepted. */
    INDArray[] normPair(String base, boolean bias) {
        long d = arch.hidden();
        INDArray g = w.contains(base + ".weight") || !w.contains(base + ".gamma") ? t(base + ".weight", d) : t(base + ".gamma", d);
        INDArray b = null;
        if (bias) {
            b = w.contains(base + ".bias") || !w.contains(base + ".beta") ? t(base + ".bias", d) : t(base + ".beta", d);
        }
        return new INDArray[] {g.reshape(1, d), b == null ? null : b.reshape(1, d)};
    }

    static INDArray rowVec(INDArray a) {
        return a == null ? null : a.reshape(1, a.length());
    }
}
