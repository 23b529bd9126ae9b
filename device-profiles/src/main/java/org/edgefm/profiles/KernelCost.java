package org.edgefm.profiles;

import java.util.List;
import java.util.Map;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.KernelSpec;

/**
 * The arithmetic of one request through a service kernel, computed from its {@link KernelSpec}:
 * FLOPs (2 per multiply-add of every matrix product), bytes moved (FP32 operands and result of
 * every product, no cache reuse between products), weight bytes, and the input and output tensor
 * shapes. The agent's ND4J kernels perform exactly these products, so a kernel's measured
 * GFLOP/s and the roofline's prediction use the same count.
 *
 * <p>Kinds and their dims (defaults in brackets):
 * <ul>
 *   <li>{@code transformer-encoder}: layers, hidden, heads, tokens, mlp [4 x hidden]</li>
 *   <li>{@code patchify}: image, patch, channels [3], hidden</li>
 *   <li>{@code fusion}: tokens, in, hidden, out</li>
 *   <li>{@code head}: in, out, tokens [1]</li>
 * </ul>
 *
 * @param kind        the kernel kind
 * @param flops       floating-point operations per request
 * @param bytesMoved  bytes read and written by the products per request
 * @param weightBytes FP32 weight bytes of one instance
 * @param inputShape  the input tensor shape (rows, columns)
 * @param outputShape the output tensor shape (rows, columns)
 * @param gemms       the matrix products of one request, each {m, k, n}, in execution order
 */
public record KernelCost(String kind, double flops, double bytesMoved, long weightBytes, int[] inputShape,
        int[] outputShape, List<int[]> gemms) {
    /** The kernel kinds this formula set knows. */
    public static final List<String> KINDS = List.of("transformer-encoder", "patchify", "fusion", "head", "preprocess");
    /** Bytes per element: the kernels compute in FP32. */
    public static final int BYTES_PER_ELEMENT = 4;

    /**
     * The cost of a kernel spec.
     *
     * @throws EdgeFmException naming the kind or dimension when the spec cannot be run
     */
    public static KernelCost of(KernelSpec spec) {
        Map<String, Integer> d = spec.dims();
        Acc a = new Acc();
        switch (spec.kind()) {
            case "transformer-encoder" -> {
                int layers = dim(spec, "layers", null);
                int h = dim(spec, "hidden", null);
                int heads = dim(spec, "heads", null);
                int t = dim(spec, "tokens", null);
                int mlp = dim(spec, "mlp", 4 * h);
                if (h % heads != 0) {
                    throw new EdgeFmException("kernel 'transformer-encoder': dims.hidden " + h
                            + " is not a multiple of dims.heads " + heads);
                }
                int dh = h / heads;
                for (int l = 0; l < layers; l++) {
                    a.gemm(t, h, 3 * h);                 // Q, K, V projections
                    for (int i = 0; i < heads; i++) {
                        a.gemm(t, dh, t);                // scores = Q K^T
                        a.gemm(t, t, dh);                // context = softmax(scores) V
                    }
                    a.gemm(t, h, h);                     // output projection
                    a.gemm(t, h, mlp);                   // MLP up
                    a.gemm(t, mlp, h);                   // MLP down
                }
                long w = (long) layers * (4L * h * h + 2L * h * mlp);
                return new KernelCost(spec.kind(), a.flops, a.bytes, w * BYTES_PER_ELEMENT, new int[] {t, h}, new int[] {t, h}, List.copyOf(a.gemms));
            }
            case "patchify" -> {
                int image = dim(spec, "image", null);
                int patch = dim(spec, "patch", null);
                int ch = dim(spec, "channels", 3);
                int h = dim(spec, "hidden", null);
                if (image % patch != 0) {
                    throw new EdgeFmException("kernel 'patchify': dims.image " + image + " is not a multiple of dims.patch " + patch);
                }
                int np = (image / patch) * (image / patch);
                int k = patch * patch * ch;
                a.gemm(np, k, h);
                return new KernelCost(spec.kind(), a.flops, a.bytes, (long) k * h * BYTES_PER_ELEMENT,
                        new int[] {np, k}, new int[] {np, h}, List.copyOf(a.gemms));
            }
            case "fusion" -> {
                int t = dim(spec, "tokens", null);
                int in = dim(spec, "in", null);
                int h = dim(spec, "hidden", null);
                int out = dim(spec, "out", null);
                a.gemm(t, in, h);
                a.gemm(t, h, out);
                return new KernelCost(spec.kind(), a.flops, a.bytes, ((long) in * h + (long) h * out) * BYTES_PER_ELEMENT,
                        new int[] {t, in}, new int[] {t, out}, List.copyOf(a.gemms));
            }
            case "head" -> {
                int in = dim(spec, "in", null);
                int out = dim(spec, "out", null);
                int t = dim(spec, "tokens", 1);
                a.gemm(1, t, in);                        // mean pooling over the tokens, (1/T)·1ᵀX
                a.gemm(1, in, out);
                return new KernelCost(spec.kind(), a.flops, a.bytes, (long) in * out * BYTES_PER_ELEMENT,
                        new int[] {t, in}, new int[] {1, out}, List.copyOf(a.gemms));
            }
            case "preprocess" -> {
                // a real model's input stage (tokenise a text, decode and normalise an image): bytes in,
                // a [rows, cols] tensor out; costed as one multiply-add per output value (the
                // normalisation), with no weights; what decoding takes beyond that, calibration measures
                int in = dim(spec, "in", null);
                int rows = dim(spec, "rows", null);
                int cols = dim(spec, "cols", null);
                a.gemm(rows, 1, cols);
                return new KernelCost(spec.kind(), a.flops, a.bytes + (double) in * BYTES_PER_ELEMENT, 0L,
                        new int[] {1, in}, new int[] {rows, cols}, List.copyOf(a.gemms));
            }
            default -> throw new EdgeFmException("unknown kernel kind '" + spec.kind() + "' (expected one of: "
                    + String.join(", ", KINDS) + ")");
        }
    }

    /** A dimension of the spec, its default when absent, or an error naming it. */
    public static int dim(KernelSpec spec, String name, Integer dflt) {
        Integer v = spec.dims().get(name);
        if (v == null) {
            if (dflt == null) {
                throw new EdgeFmException("kernel '" + spec.kind() + "': dims." + name + " is missing");
            }
            return dflt;
        }
        return v;
    }

    /** Elements of the input tensor. */
    public long inputElements() {
        return (long) inputShape[0] * inputShape[1];
    }

    /** Elements of the output tensor. */
    public long outputElements() {
        return (long) outputShape[0] * outputShape[1];
    }

    /** Activation bytes one request holds at a time (input, output and the widest intermediate, bounded above). */
    public long activationBytes() {
        return (inputElements() + outputElements()) * 4L * BYTES_PER_ELEMENT;
    }

    /** Arithmetic intensity in FLOP per byte. */
    public double intensity() {
        return flops / bytesMoved;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KernelCost k && k.kind.equals(kind) && k.flops == flops && k.bytesMoved == bytesMoved
                && k.weightBytes == weightBytes && java.util.Arrays.equals(k.inputShape, inputShape)
                && java.util.Arrays.equals(k.outputShape, outputShape);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(kind, flops, bytesMoved, weightBytes);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s: %.3f GFLOP, %.1f MB moved, %.1f MB weights", kind, flops / 1e9,
                bytesMoved / 1e6, weightBytes / 1e6);
    }

    private static final class Acc {
        double flops;
        double bytes;
        final java.util.ArrayList<int[]> gemms = new java.util.ArrayList<>();

        void gemm(int m, int k, int n) {
            gemms.add(new int[] {m, k, n});
            flops += 2.0 * m * k * n;
            bytes += (double) BYTES_PER_ELEMENT * ((long) m * k + (long) k * n + (long) m * n);
        }
    }
}
