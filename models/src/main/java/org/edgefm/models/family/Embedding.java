package org.edgefm.models.family;

import static org.edgefm.models.family.PartTensors.rowVec;

import java.util.Arrays;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.nn.Fused;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model's embedding: image patches (with class token, positions and CLIP's pre-norm) or tokens
 * (with positions, BERT's token types and embedding norm) → hidden states [T, d].
 */
final class Embedding {
    private final Arch arch;
    private INDArray tokenEmb;
    private INDArray posEmb;
    private INDArray typeEmb;
    private INDArray lnG;
    private INDArray lnB;
    private INDArray patchW;   // [C·p·p, d]
    private INDArray patchB;
    private INDArray clsToken; // [1, d]
    // the vectors the fused passes read, as floats (null where the tensor is absent)
    private final float[] clsF;
    private final float[] patchBF;
    private final float[] lnGF;
    private final float[] lnBF;
    private float[] posFloats;

    Embedding(PartTensors w) {
        this.arch = w.arch;
        long d = arch.hidden();
        String p = w.prefix;
        switch (arch.family()) {
            case "vit", "clip-vision" -> {
                int c = arch.channels();
                int ps = arch.patchSize();
                long n = (long) arch.gridSide() * arch.gridSide();
                boolean vit = arch.family().equals("vit");
                String conv = vit ? p + "embeddings.patch_embeddings.projection" : p + "embeddings.patch_embedding";
                patchW = w.t(conv + ".weight", d, (long) c * ps * ps).transpose().dup('c');
                patchB = vit ? rowVec(w.t(conv + ".bias", d)) : null;
                clsToken = w.t(vit ? p + "embeddings.cls_token" : p + "embeddings.class_embedding", 1, d);
                posEmb = w.t(vit ? p + "embeddings.position_embeddings" : p + "embeddings.position_embedding.weight", n + 1, d);
                if (!vit) {
                    INDArray[] ln = w.normPair(p + "pre_layrnorm", true);
                    lnG = ln[0];
                    lnB = ln[1];
                }
            }
            case "clip-text" -> {
                tokenEmb = w.t(p + "embeddings.token_embedding.weight", arch.vocab(), d);
                posEmb = w.t(p + "embeddings.position_embedding.weight", arch.maxPositions(), d);
            }
            case "bert" -> {
                tokenEmb = w.t(p + "embeddings.word_embeddings.weight", arch.vocab(), d);
                posEmb = w.t(p + "embeddings.position_embeddings.weight", arch.maxPositions(), d);
                if (arch.typeVocab() > 0) {
                    typeEmb = w.t(p + "embeddings.token_type_embeddings.weight", arch.typeVocab(), d);
                }
                INDArray[] ln = w.normPair(p + "embeddings.LayerNorm", true);
                lnG = ln[0];
                lnB = ln[1];
            }
            case "gpt2" -> {
                tokenEmb = w.t(p + "wte.weight", arch.vocab(), d);
                posEmb = w.t(p + "wpe.weight", arch.maxPositions(), d);
            }
            case "llama" -> tokenEmb = w.t(p + "embed_tokens.weight", arch.vocab(), d);
            default -> throw new AssertionError(arch.family());
        }
        clsF = Fused.floats(clsToken);
        patchBF = Fused.floats(patchB);
        lnGF = Fused.floats(lnG);
        lnBF = Fused.floats(lnB);
    }

    /** Image [C, H, W] (normalised, row-major floats) → hidden states [1 + patches, d]. */
    INDArray image(float[] chw) {
        if (!arch.isVision()) {
            throw new EdgeFmException(arch.family() + ": embedImage on a text model");
        }
        int c = arch.channels();
        int s = arch.imageSize();
        int ps = arch.patchSize();
        int g = arch.gridSide();
        if (chw.length != c * s * s) {
            throw new EdgeFmException(arch.family() + ": image has " + chw.length + " values (expected: " + c + "x" + s + "x" + s + ")");
        }
        int k = c * ps * ps;
        float[] patches = new float[g * g * k];
        for (int py = 0; py < g; py++) {
            for (int px = 0; px < g; px++) {
                int row = (py * g + px) * k;
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < ps; y++) {
                        int src = ch * s * s + (py * ps + y) * s + px * ps;
                        System.arraycopy(chw, src, patches, row + ch * ps * ps + y * ps, ps);
                    }
                }
            }
        }
        INDArray e = Fused.linear(Nd4j.create(patches, new long[] {(long) g * g, k}, 'c'), patchW, null, null);
        // [class token; patches + bias] + positions, in one pass
        int d = arch.hidden();
        float[] cls = clsF;
        float[] pos = posFloats();
        float[] bias = patchBF;
        float[] pe = e.data().asFloat();
        float[] hv = new float[(g * g + 1) * d];
        for (int j = 0; j < d; j++) {
            hv[j] = cls[j] + pos[j];
        }
        for (int i = 0; i < g * g; i++) {
            for (int j = 0; j < d; j++) {
                float v = pe[i * d + j];
                if (bias != null) {
                    v += bias[j];
                }
                hv[(i + 1) * d + j] = v + pos[(i + 1) * d + j];
            }
        }
        INDArray h = Nd4j.create(hv, new long[] {(long) g * g + 1, d}, 'c');
        return lnG != null ? Fused.layerNorm(h, lnGF, lnBF, arch.eps(), h) : h;
    }

    /** The tokens of {@code seq} from position {@code start} on → hidden states [T, d]. */
    INDArray tokens(Sequence seq, int start) {
        if (arch.isVision()) {
            throw new EdgeFmException(arch.family() + ": embedTokens on a vision model");
        }
        int[] ids = seq.idsView();
        int t = ids.length - start;
        if (t <= 0) {
            throw new EdgeFmException(arch.family() + ": no tokens to embed");
        }
        if (arch.maxPositions() > 0 && ids.length > arch.maxPositions()) {
            throw new EdgeFmException(arch.family() + ": " + ids.length + " tokens exceed the model's " + arch.maxPositions() + " positions");
        }
        int[] rows = new int[t];
        for (int i = 0; i < t; i++) {
            int id = ids[start + i];
            if (id < 0 || id >= arch.vocab()) {
                throw new EdgeFmException(arch.family() + ": token id " + id + " outside the vocabulary of " + arch.vocab());
            }
            rows[i] = id;
        }
        INDArray h = gatherRows(tokenEmb, rows);
        if (posEmb != null) {
            int[] pos = new int[t];
            for (int i = 0; i < t; i++) {
                pos[i] = start + i;
            }
            h.addi(gatherRows(posEmb, pos));
        }
        if (typeEmb != null) {
            int[] types = Arrays.copyOfRange(seq.typeIds(), start, ids.length);
            for (int ty : types) {
                if (ty < 0 || ty >= arch.typeVocab()) {
                    throw new EdgeFmException(arch.family() + ": token type " + ty + " outside " + arch.typeVocab());
                }
            }
            h.addi(gatherRows(typeEmb, types));
        }
        return lnG != null ? Fused.layerNorm(h, lnGF, lnBF, arch.eps(), h) : h;
    }

    /** The position embeddings as floats, read once. */
    private float[] posFloats() {
        if (posFloats == null) {
            posFloats = Fused.floats(posEmb);
        }
        return posFloats;
    }

    private static INDArray gatherRows(INDArray table, int[] rows) {
        INDArray out = Nd4j.create(DataType.FLOAT, rows.length, table.columns());
        for (int i = 0; i < rows.length; i++) {
            out.putRow(i, table.getRow(rows[i]));
        }
        return out;
    }
}
