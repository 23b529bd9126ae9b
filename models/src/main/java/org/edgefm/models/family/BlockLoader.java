package org.edgefm.models.family;

import static org.edgefm.models.family.PartTensors.rowVec;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Reads block {@code i} of a family under its hub names into the canonical {@link Block} (weights
 * [in, out]): pre- or post-norm, LayerNorm or RMSNorm, GPT-2's fused {@code c_attn} split into Q, K
 * and V, Llama's SwiGLU and grouped-query projections.
 */
final class BlockLoader {
    private BlockLoader() {
    }

    static Block load(PartTensors w, int i) {
        Arch arch = w.arch;
        long d = arch.hidden();
        long kv = (long) arch.kvHeads() * arch.headDim();
        long m = arch.intermediate();
        String p = w.prefix;
        return switch (arch.family()) {
            case "vit" -> {
                String b = p + "encoder.layer." + i + ".";
                INDArray[] n1 = w.normPair(b + "layernorm_before", true);
                INDArray[] n2 = w.normPair(b + "layernorm_after", true);
                yield new Block(arch, true, false, false, new INDArray[] {n1[0], n1[1], n2[0], n2[1]},
                        attn(w, b + "attention.attention.query", b + "attention.attention.key", b + "attention.attention.value",
                                b + "attention.output.dense", d, d, true),
                        geluMlp(w, b + "intermediate.dense", b + "output.dense", d, m));
            }
            case "clip-vision", "clip-text" -> {
                String b = p + "encoder.layers." + i + ".";
                INDArray[] n1 = w.normPair(b + "layer_norm1", true);
                INDArray[] n2 = w.normPair(b + "layer_norm2", true);
                yield new Block(arch, true, false, false, new INDArray[] {n1[0], n1[1], n2[0], n2[1]},
                        attn(w, b + "self_attn.q_proj", b + "self_attn.k_proj", b + "self_attn.v_proj", b + "self_attn.out_proj", d, d, true),
                        geluMlp(w, b + "mlp.fc1", b + "mlp.fc2", d, m));
            }
            case "bert" -> {
                String b = p + "encoder.layer." + i + ".";
                INDArray[] n1 = w.normPair(b + "attention.output.LayerNorm", true);
                INDArray[] n2 = w.normPair(b + "output.LayerNorm", true);
                yield new Block(arch, false, false, false, new INDArray[] {n1[0], n1[1], n2[0], n2[1]},
                        attn(w, b + "attention.self.query", b + "attention.self.key", b + "attention.self.value",
                                b + "attention.output.dense", d, d, true),
                        geluMlp(w, b + "intermediate.dense", b + "output.dense", d, m));
            }
            case "gpt2" -> {
                String b = p + "h." + i + ".";
                INDArray[] n1 = w.normPair(b + "ln_1", true);
                INDArray[] n2 = w.normPair(b + "ln_2", true);
                INDArray cAttn = w.t(b + "attn.c_attn.weight", d, 3 * d); // Conv1D: [in, out]
                INDArray cAttnB = w.t(b + "attn.c_attn.bias", 1, 3 * d);
                INDArray[] a = new INDArray[8];
                for (int j = 0; j < 3; j++) {
                    a[2 * j] = cAttn.get(NDArrayIndex.all(), NDArrayIndex.interval(j * d, (j + 1) * d)).dup('c');
                    a[2 * j + 1] = cAttnB.get(NDArrayIndex.all(), NDArrayIndex.interval(j * d, (j + 1) * d)).dup('c');
                }
                a[6] = w.t(b + "attn.c_proj.weight", d, d);
                a[7] = w.t(b + "attn.c_proj.bias", 1, d);
                INDArray[] mlp = {w.t(b + "mlp.c_fc.weight", d, m), w.t(b + "mlp.c_fc.bias", 1, m), null,
                    w.t(b + "mlp.c_proj.weight", m, d), w.t(b + "mlp.c_proj.bias", 1, d)};
                yield new Block(arch, true, false, false, new INDArray[] {n1[0], n1[1], n2[0], n2[1]}, a, mlp);
            }
            case "llama" -> {
                String b = p + "layers." + i + ".";
                INDArray[] n1 = w.normPair(b + "input_layernorm", false);
                INDArray[] n2 = w.normPair(b + "post_attention_layernorm", false);
                INDArray[] a = {w.linearT(b + "self_attn.q_proj.weight", d, d), rowVec(w.opt(b + "self_attn.q_proj.bias", d)),
                    w.linearT(b + "self_attn.k_proj.weight", kv, d), rowVec(w.opt(b + "self_attn.k_proj.bias", kv)),
                    w.linearT(b + "self_attn.v_proj.weight", kv, d), rowVec(w.opt(b + "self_attn.v_proj.bias", kv)),
                    w.linearT(b + "self_attn.o_proj.weight", d, d), null};
                INDArray[] mlp = {w.linearT(b + "mlp.gate_proj.weight", m, d), null, w.linearT(b + "mlp.up_proj.weight", m, d),
                    w.linearT(b + "mlp.down_proj.weight", d, m), null};
                yield new Block(arch, true, true, true, new INDArray[] {n1[0], null, n2[0], null}, a, mlp);
            }
            default -> throw new AssertionError(arch.family());
        };
    }

    private static INDArray[] attn(PartTensors w, String q, String k, String v, String o, long d, long kv, boolean bias) {
        return new INDArray[] {w.linearT(q + ".weight", kv, d), bias ? rowVec(w.t(q + ".bias", kv)) : null,
            w.linearT(k + ".weight", kv, d), bias ? rowVec(w.t(k + ".bias", kv)) : null,
            w.linearT(v + ".weight", kv, d), bias ? rowVec(w.t(v + ".bias", kv)) : null,
            w.linearT(o + ".weight", d, d), bias ? rowVec(w.t(o + ".bias", d)) : null};
    }

    private static INDArray[] geluMlp(PartTensors w, String up, String down, long d, long m) {
        return new INDArray[] {w.linearT(up + ".weight", m, d), rowVec(w.t(up + ".bias", m)), null,
            w.linearT(down + ".weight", d, m), rowVec(w.t(down + ".bias", d))};
    }
}
