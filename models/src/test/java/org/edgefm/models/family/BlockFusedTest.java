package org.edgefm.models.family;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.edgefm.models.References;
import org.edgefm.models.nn.Ops;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fused block against the unfused reference block (every op dispatched on its own) with random
 * weights, in every form the families use: pre- and post-norm, LayerNorm and RMSNorm, each activation,
 * SwiGLU, rotary positions, grouped-query attention, causal and padding masks, a key/value cache fed
 * a prompt and then one token at a time; small (Java paths) and large (native paths) widths.
 */
class BlockFusedTest {
    static final double TOL = 1e-5;

    static INDArray rand(long seed, long... shape) {
        return Nd4j.randn(seed, shape).castTo(DataType.FLOAT).muli(0.3);
    }

    static Block block(String form, int d, int heads, int kvHeads, int m, long seed) {
        boolean llama = form.equals("llama");
        Arch arch = new Arch(llama ? "llama" : "gpt2", d, heads, kvHeads, 1, m, 1e-5, llama ? "silu" : form.replace("post-", ""),
                64, 10, 0, 0, 0, 0, 0, 10000, false, List.of(), null, -1);
        int kv = kvHeads * (d / heads);
        INDArray[] norms = {rand(seed, 1, d).addi(1), llama ? null : rand(seed + 1, 1, d), rand(seed + 2, 1, d).addi(1),
            llama ? null : rand(seed + 3, 1, d)};
        INDArray[] attn = {rand(seed + 4, d, d), llama ? null : rand(seed + 5, 1, d), rand(seed + 6, d, kv),
            llama ? null : rand(seed + 7, 1, kv), rand(seed + 8, d, kv), llama ? null : rand(seed + 9, 1, kv), rand(seed + 10, d, d),
            llama ? null : rand(seed + 11, 1, d)};
        INDArray[] mlp = {rand(seed + 12, d, m), llama ? null : rand(seed + 13, 1, m), llama ? rand(seed + 14, d, m) : null,
            rand(seed + 15, m, d), llama ? null : rand(seed + 16, 1, d)};
        return new Block(arch, !form.startsWith("post-"), llama, llama, norms, attn, mlp);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gelu", "gelu_new", "quick_gelu", "relu", "post-gelu", "llama"})
    void fusedBlock_equalsTheUnfusedBlock_wholeSequenceAndCachedSteps(String form) {
        for (int[] size : new int[][] {{32, 4, 4, 64, 7}, {256, 8, 2, 1024, 70}}) {
            int d = size[0];
            int t = size[4];
            int kvHeads = form.equals("llama") ? size[2] : size[1];
            Block b = block(form, d, size[1], kvHeads, size[3], 100 + d);
            String what = form + " " + d + " wide, " + t + " tokens";
            INDArray x = rand(7, t, d);
            INDArray causal = Ops.causalMask(t, 0);
            close(what + ", no mask", b.forward(x, null, null), b.forwardUnfused(x, null, null));
            close(what + ", causal", b.forward(x, causal, null), b.forwardUnfused(x, causal, null));
            int[] attention = new int[t];
            java.util.Arrays.fill(attention, 1);
            attention[t - 1] = 0;
            INDArray pad = Ops.paddingMask(t, attention);
            close(what + ", padding", b.forward(x, pad, null), b.forwardUnfused(x, pad, null));
            // a prompt of t-3 tokens, then three steps of one token, each continuing the cache
            Block.KvCache fused = new Block.KvCache();
            Block.KvCache plain = new Block.KvCache();
            int p = t - 3;
            INDArray prompt = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, p), org.nd4j.linalg.indexing.NDArrayIndex.all());
            close(what + ", prompt", b.forward(prompt, Ops.causalMask(p, 0), fused), b.forwardUnfused(prompt, Ops.causalMask(p, 0), plain));
            for (int i = p; i < t; i++) {
                INDArray one = x.getRow(i).reshape(1, d);
                close(what + ", step " + i, b.forward(one, Ops.causalMask(1, i), fused), b.forwardUnfused(one, Ops.causalMask(1, i), plain));
            }
            assertThat(fused.length()).isEqualTo(t);
            close(what + ", cached keys", fused.k, plain.k);
        }
    }

    static void close(String what, INDArray actual, INDArray expected) {
        assertThat(actual.shape()).as(what).containsExactly(expected.shape());
        assertThat(References.relErr(actual, expected)).as(what).isLessThanOrEqualTo(TOL);
    }
}
