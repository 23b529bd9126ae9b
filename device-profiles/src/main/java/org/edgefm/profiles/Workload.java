package org.edgefm.profiles;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.KernelSpec;

/**
 * The work of one item (an image, a prompt, a generated token) through a model, in the terms the
 * calibrated performance model prices: FLOPs per item, weight parameters read once per call
 * whatever the batch, activation (and KV-cache) elements read or written per item, and the GPU
 * kernels one call launches. Bytes follow the precision ({@link PerformanceModel.Precision}):
 * weights at 4, 2, 1 or 0.5625 bytes (INT4 with one FP16 scale per 32 weights), activations at 4
 * (FP32), 1 (INT8) or 2 bytes (otherwise; INT4 models keep FP16 activations and KV cache).
 *
 * @param name                      what it is, e.g. {@code resnet50} or {@code llama-3.1-8b decode@512}
 * @param kind                      {@code cnn}, {@code encoder}, {@code decoder-prefill},
 *                                  {@code decoder-decode} or {@code linear}
 * @param flopsPerItem              FLOPs per item (2 per multiply-add)
 * @param weightParams              weight parameters read per call
 * @param activationElementsPerItem activation and KV-cache elements moved per item
 * @param kernels                   kernels per call besides the decoder layers' ones
 * @param decoderLayers             decoder layers (each launches {@code llmKernelsPerLayer} kernels); 0 otherwise
 */
public record Workload(String name, String kind, double flopsPerItem, double weightParams, double activationElementsPerItem,
        double kernels, int decoderLayers) {
    /** The kinds. */
    public static final List<String> KINDS = List.of("cnn", "encoder", "decoder-prefill", "decoder-decode", "linear");
    /** Kernels per encoder layer after fusion (QKV, fused attention, output projection, MLP up, MLP down, two norms with the residual adds): 7, an estimate. */
    public static final int ENCODER_KERNELS_PER_LAYER = 7;
    /** Kernels outside the decoder layers per step (embedding, final norm, LM head): 3. */
    public static final int DECODER_EXTRA_KERNELS = 3;

    /** Validates every field. */
    public Workload {
        requireNonNull(name, "name is null");
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("workload kind '" + kind + "' (expected one of: " + String.join(", ", KINDS) + ")");
        }
        if (!(flopsPerItem >= 0) || !(weightParams >= 0) || !(activationElementsPerItem >= 0) || !(kernels >= 0)
                || decoderLayers < 0) {
            throw new IllegalArgumentException(name + ": negative or undefined work figure");
        }
    }

    /** A convolutional network of {@code gflops} GFLOP per image, {@code params} weights and {@code kernels} fused layers. */
    public static Workload cnn(String name, double gflops, double params, double activationElements, int kernels) {
        return new Workload(name, "cnn", gflops * 1e9, params, activationElements, kernels, 0);
    }

    /**
     * A transformer encoder (BERT-like) over one sequence of {@code tokens} real tokens: per layer and
     * token the QKV, output, and two MLP matrices ({@code 8 x hidden^2 + 4 x hidden x ffn} FLOPs), plus
     * fused attention ({@code 4 x hidden x tokens^2} per layer; {@code tokensRms} is the root mean square
     * of the sequence lengths, so that a mean over sequences of different lengths is exact). Weights:
     * the layers' matrices, read once per call; activations as in {@link #of} for
     * {@code transformer-encoder}; kernels: {@link #ENCODER_KERNELS_PER_LAYER} per layer plus
     * {@code extraKernels} (embedding, head).
     */
    public static Workload encoder(String name, int layers, int hidden, int ffn, double tokens, double tokensRms, int extraKernels) {
        if (layers <= 0 || hidden <= 0 || ffn <= 0 || !(tokens > 0) || !(tokensRms >= tokens) || extraKernels < 0) {
            throw new IllegalArgumentException(name + ": layers, hidden, ffn and tokens must be > 0, tokensRms >= tokens,"
                    + " extraKernels >= 0");
        }
        double h = hidden;
        double flops = layers * (tokens * (8 * h * h + 4 * h * ffn) + 4 * h * tokensRms * tokensRms);
        double weights = layers * (4 * h * h + 2 * h * ffn);
        double act = layers * tokens * (8 * h + 2.0 * ffn);
        return new Workload(name, "encoder", flops, weights, act, (double) layers * ENCODER_KERNELS_PER_LAYER + extraKernels, 0);
    }

    /**
     * A decoder-only LLM.
     *
     * @param params     parameters read per step: every weight matrix including the LM head, not the
     *                   input embedding table unless it is tied to the head
     * @param layers     decoder layers
     * @param hidden     model width
     * @param kvDim      key/value width per layer ({@code kvHeads x headDim})
     */
    public record Llm(String name, double params, int layers, int hidden, int kvDim) {
        /** Validates every field. */
        public Llm {
            requireNonNull(name, "name is null");
            if (!(params > 0) || layers <= 0 || hidden <= 0 || kvDim <= 0) {
                throw new IllegalArgumentException(name + ": params, layers, hidden and kvDim must be > 0");
            }
        }

        /** One generated token at {@code context} tokens of context: weights plus the KV cache read once. */
        public Workload decode(int context) {
            double flops = 2 * params + 4.0 * layers * context * hidden;
            double kv = 2.0 * layers * kvDim * context;
            return new Workload(name + " decode@" + context, "decoder-decode", flops, params, kv, DECODER_EXTRA_KERNELS, layers);
        }

        /** The prefill of a {@code prompt}-token prompt (one item): causal attention counts half the square. */
        public Workload prefill(int prompt) {
            double flops = 2 * params * prompt + 2.0 * layers * (double) prompt * prompt * hidden;
            double act = 2.0 * layers * kvDim * prompt + 8.0 * layers * hidden * (double) prompt;
            return new Workload(name + " prefill@" + prompt, "decoder-prefill", flops, params, act, DECODER_EXTRA_KERNELS, layers);
        }
    }

    /**
     * The workload of one request through a service kernel spec: the agent kinds of {@link KernelCost}
     * ({@code transformer-encoder} with fused attention: Q, K, V read once per layer, not per head;
     * {@code patchify}, {@code fusion}, {@code head}), {@code cnn} (dims mflops per image, params,
     * layers: the fused conv layers), and {@code decoder-llm} (dims layers, hidden,
     * heads, kvHeads [heads], mlp [4 x hidden; gated MLPs have three matrices], gated [0], vocab,
     * prompt, generate: one request is the prefill of the prompt plus {@code generate} decode steps,
     * priced at the mid-generation context; {@link #flopsPerItem} is then the request's total).
     *
     * @throws EdgeFmException naming the kind or dimension when the spec cannot be priced
     */
    public static Workload of(KernelSpec spec) {
        if ("decoder-llm".equals(spec.kind())) {
            return requestOf(spec).total();
        }
        if ("cnn".equals(spec.kind())) {
            int mflops = KernelCost.dim(spec, "mflops", null);
            int params = KernelCost.dim(spec, "params", null);
            int layers = KernelCost.dim(spec, "layers", null);
            if (mflops <= 0 || params <= 0 || layers <= 0) {
                throw new EdgeFmException("kernel 'cnn': dims.mflops, dims.params and dims.layers must be > 0");
            }
            return cnn("cnn", mflops / 1e3, params, 0, layers);
        }
        KernelCost c = KernelCost.of(spec);
        long params = c.weightBytes() / KernelCost.BYTES_PER_ELEMENT;
        double inOut = c.inputElements() + c.outputElements();
        return switch (spec.kind()) {
            case "transformer-encoder" -> {
                int layers = KernelCost.dim(spec, "layers", null);
                int h = KernelCost.dim(spec, "hidden", null);
                int t = KernelCost.dim(spec, "tokens", null);
                int mlp = KernelCost.dim(spec, "mlp", 4 * h);
                double act = (double) layers * t * (8.0 * h + 2.0 * mlp);
                yield new Workload(spec.kind(), "encoder", c.flops(), params, act, (double) layers * ENCODER_KERNELS_PER_LAYER, 0);
            }
            default -> new Workload(spec.kind(), "linear", c.flops(), params, inOut, c.gemms().size(), 0);
        };
    }

    /** Kernel kinds the performance model prices but the agent's ND4J kernels do not run. */
    public static final List<String> MODEL_ONLY_KINDS = List.of("cnn", "decoder-llm");

    /**
     * The precision a kernel spec asks for with its optional {@code bits} dim (weight bits: 32 FP32,
     * 16 FP16, 8 INT8, 4 INT4 weights with FP16 activations), else {@code dflt}.
     *
     * @throws EdgeFmException for another number of bits
     */
    public static PerformanceModel.Precision precisionOf(KernelSpec spec, PerformanceModel.Precision dflt) {
        Integer bits = spec.dims().get("bits");
        if (bits == null) {
            return dflt;
        }
        return switch (bits) {
            case 32 -> PerformanceModel.Precision.FP32;
            case 16 -> PerformanceModel.Precision.FP16;
            case 8 -> PerformanceModel.Precision.INT8;
            case 4 -> PerformanceModel.Precision.INT4;
            default -> throw new EdgeFmException("kernel '" + spec.kind() + "': dims.bits " + bits + " (expected 32, 16, 8 or 4)");
        };
    }

    /** A decoder-llm request: its prefill and its decode steps. */
    public record LlmRequest(Llm model, int prompt, int generate) {
        /** The prefill. */
        public Workload prefillWork() {
            return model.prefill(prompt);
        }

        /** One decode step at the mid-generation context. */
        public Workload decodeStep() {
            return model.decode(prompt + generate / 2);
        }

        /** The whole request as one workload (for FLOP counts); time it with {@link PerformanceModel#requestMs}. */
        public Workload total() {
            Workload p = prefillWork();
            Workload d = decodeStep();
            return new Workload(model.name() + " request", "decoder-decode", p.flopsPerItem + generate * d.flopsPerItem,
                    model.params(), p.activationElementsPerItem + generate * d.activationElementsPerItem,
                    DECODER_EXTRA_KERNELS, model.layers());
        }
    }

    /** The decoder-llm request a kernel spec describes. */
    public static LlmRequest requestOf(KernelSpec spec) {
        if (!"decoder-llm".equals(spec.kind())) {
            throw new EdgeFmException("kernel '" + spec.kind() + "' is not a decoder-llm");
        }
        int layers = KernelCost.dim(spec, "layers", null);
        int h = KernelCost.dim(spec, "hidden", null);
        int heads = KernelCost.dim(spec, "heads", null);
        int kvHeads = KernelCost.dim(spec, "kvHeads", heads);
        int gated = KernelCost.dim(spec, "gated", 0);
        int mlp = KernelCost.dim(spec, "mlp", 4 * h);
        int vocab = KernelCost.dim(spec, "vocab", null);
        int prompt = KernelCost.dim(spec, "prompt", null);
        int generate = KernelCost.dim(spec, "generate", null);
        if (h % heads != 0 || heads % kvHeads != 0) {
            throw new EdgeFmException("kernel 'decoder-llm': dims.hidden " + h + " must be a multiple of dims.heads " + heads
                    + ", and heads a multiple of dims.kvHeads " + kvHeads);
        }
        if (prompt < 1 || generate < 0) {
            throw new EdgeFmException("kernel 'decoder-llm': dims.prompt must be >= 1 and dims.generate >= 0");
        }
        int kvDim = h / heads * kvHeads;
        double perLayer = 2.0 * h * h + 2.0 * h * kvDim + (gated != 0 ? 3.0 : 2.0) * h * mlp;
        double params = layers * perLayer + (double) vocab * h;
        return new LlmRequest(new Llm("decoder-llm", params, layers, h, kvDim), prompt, generate);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%s): %.3f GFLOP/item, %.1f M weights, %.2f M act/item, %.0f kernels + %d decoder layers",
                name, kind, flopsPerItem / 1e9, weightParams / 1e6, activationElementsPerItem / 1e6, kernels, decoderLayers);
    }
}
