package org.edgefm.models.family;

import static org.edgefm.models.family.PartTensors.rowVec;

import org.edgefm.models.nn.Fused;
import org.edgefm.models.nn.Ops;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A model's head on its last hidden states: final norm, then ViT class logits, a CLIP projection, a
 * BERT pooling or a decoder's lm head.
 */
final class Head {
    private final Arch arch;
    private INDArray finalG;
    private INDArray finalB;
    private INDArray headW;    // [d, out]
    private INDArray headB;
    private INDArray poolerW;
    private INDArray poolerB;
    private float logitScale = Float.NaN;
    private final float[] finalGF;
    private final float[] finalBF;
    private final float[] headBF;

    Head(PartTensors w) {
        this.arch = w.arch;
        long d = arch.hidden();
        String p = w.prefix;
        switch (arch.family()) {
            case "vit" -> {
                INDArray[] n = w.normPair(p + "layernorm", true);
                finalG = n[0];
                finalB = n[1];
                if (!arch.labels().isEmpty()) {
                    headW = w.linearT("classifier.weight", arch.labels().size(), d);
                    headB = rowVec(w.t("classifier.bias", arch.labels().size()));
                }
            }
            case "clip-vision" -> {
                INDArray[] n = w.normPair(p + "post_layernorm", true);
                finalG = n[0];
                finalB = n[1];
                if (arch.projection() > 0) {
                    headW = w.linearT("visual_projection.weight", arch.projection(), d);
                }
                readLogitScale(w);
            }
            case "clip-text" -> {
                INDArray[] n = w.normPair(p + "final_layer_norm", true);
                finalG = n[0];
                finalB = n[1];
                if (arch.projection() > 0) {
                    headW = w.linearT("text_projection.weight", arch.projection(), d);
                }
                readLogitScale(w);
            }
            case "bert" -> {
                if (arch.pooling().equals("pooler")) {
                    poolerW = w.linearT(p + "pooler.dense.weight", d, d);
                    poolerB = rowVec(w.t(p + "pooler.dense.bias", d));
                }
            }
            case "gpt2" -> {
                INDArray[] n = w.normPair(p + "ln_f", true);
                finalG = n[0];
                finalB = n[1];
                headW = w.contains("lm_head.weight") && !arch.tied() ? w.linearT("lm_head.weight", arch.vocab(), d)
                        : w.t(p + "wte.weight", arch.vocab(), d).transpose().dup('c');
            }
            case "llama" -> {
                finalG = w.normPair(p + "norm", false)[0];
                headW = w.contains("lm_head.weight") ? w.linearT("lm_head.weight", arch.vocab(), d)
                        : w.t(p + "embed_tokens.weight", arch.vocab(), d).transpose().dup('c');
            }
            default -> throw new AssertionError(arch.family());
        }
        finalGF = Fused.floats(finalG);
        finalBF = Fused.floats(finalB);
        headBF = Fused.floats(headB);
    }

    private void readLogitScale(PartTensors w) {
        if (w.contains("logit_scale")) {
            logitScale = (float) Math.exp(w.t("logit_scale").getDouble(0));
        }
    }

    /** CLIP's exp(logit_scale), or NaN where the weights hold none. */
    float logitScale() {
        return logitScale;
    }

    /** The head on hidden states [T, d] (see {@link Transformer#head}). */
    INDArray apply(INDArray h, Sequence seq) {
        return switch (arch.family()) {
            case "vit" -> {
                INDArray cls = Fused.layerNorm(h.getRow(0).reshape(1, arch.hidden()), finalGF, finalBF, arch.eps());
                yield headW == null ? cls : Fused.linear(cls, headW, headBF, null);
            }
            case "clip-vision" -> {
                INDArray pooled = Fused.layerNorm(h.getRow(0).reshape(1, arch.hidden()), finalGF, finalBF, arch.eps());
                yield headW == null ? pooled : pooled.mmul(headW);
            }
            case "clip-text" -> {
                INDArray n = Ops.layerNorm(h, finalG, finalB, arch.eps());
                int at = eosPosition(seq.idsView());
                INDArray pooled = n.getRow(at).reshape(1, arch.hidden());
                yield headW == null ? pooled : pooled.mmul(headW);
            }
            case "bert" -> pool(h, seq.attention());
            case "gpt2" -> Fused.linear(Fused.layerNorm(h, finalGF, finalBF, arch.eps()), headW, null, null);
            case "llama" -> Fused.linear(Fused.rmsNorm(h, finalGF, arch.eps()), headW, null, null);
            default -> throw new AssertionError(arch.family());
        };
    }

    private int eosPosition(int[] ids) {
        int best = 0;
        for (int i = 0; i < ids.length; i++) {
            if (arch.eosTokenId() >= 0 ? ids[i] == arch.eosTokenId() : ids[i] > ids[best]) {
                best = i;
                if (arch.eosTokenId() >= 0) {
                    break;
                }
            }
        }
        return best;
    }

    private INDArray pool(INDArray h, int[] attention) {
        return switch (arch.pooling()) {
            case "mean" -> {
                float[] m = new float[attention.length];
                float n = 0;
                for (int i = 0; i < m.length; i++) {
                    m[i] = attention[i] != 0 ? 1f : 0f;
                    n += m[i];
                }
                INDArray w = Nd4j.create(m, new long[] {1, m.length}, 'c');
                yield w.mmul(h).divi(Math.max(n, 1e-9f));
            }
            case "cls" -> h.getRow(0).reshape(1, arch.hidden()).dup();
            case "pooler" -> Transforms.tanh(Ops.linear(h.getRow(0).reshape(1, arch.hidden()), poolerW, poolerB), false);
            case "none" -> h;
            default -> throw new AssertionError(arch.pooling());
        };
    }
}
