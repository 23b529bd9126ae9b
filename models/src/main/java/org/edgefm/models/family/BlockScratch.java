package org.edgefm.models.family;

import org.edgefm.models.nn.Fused;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The working arrays of a part's fused blocks on one thread: every block of a pass writes its norm,
 * Q/K/V, attention context, MLP activations and output into these, so a pass creates no ND4J array
 * per block (creating one costs microseconds, as much as a small block's whole element-wise work).
 * The output array is also the next block's input, which a block reads only before it writes its
 * output. Buffers only grow; the arrays are re-viewed when the token count changes. Not shared
 * between threads: each thread that runs a part has its own ({@link Transformer}).
 */
final class BlockScratch {
    private final int d;
    private final int qkvWidth;
    private final int ctxWidth;
    private final int mlpWidth;
    private final boolean swiglu;
    private final DataBuffer[] buffers = new DataBuffer[8];
    private int tokens = -1;
    INDArray norm;  // [T, d]: the pre-norm of attention, then of the MLP
    INDArray qkv;   // [T, q + 2·kv]
    INDArray ctx;   // [T, heads·dh]
    INDArray h;     // [T, d]: after attention and its residual
    INDArray up;    // [T, m]: the MLP's up (GELU kind) or gate (SwiGLU) product
    INDArray up2;   // [T, m]: SwiGLU's up product (null otherwise)
    INDArray tmp;   // [T, m]: a native activation's temporary (null where T·m takes the Java path)
    INDArray out;   // [T, d]

    BlockScratch(Block b) {
        d = (int) b.wq.rows();
        qkvWidth = (int) (b.wq.columns() + b.wk.columns() + b.wv.columns());
        ctxWidth = (int) b.wo.rows();
        mlpWidth = (int) b.w1.columns();
        swiglu = b.wUp != null;
    }

    /** This scratch with its arrays shaped for {@code t} tokens. */
    BlockScratch shaped(int t) {
        if (t == tokens) {
            return this;
        }
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            norm = view(0, t, d);
            qkv = view(1, t, qkvWidth);
            ctx = view(2, t, ctxWidth);
            h = view(3, t, d);
            up = view(4, t, mlpWidth);
            up2 = swiglu ? view(5, t, mlpWidth) : null;
            tmp = (long) t * mlpWidth >= Fused.NATIVE_ELEMENTS ? view(6, t, mlpWidth) : null;
            out = view(7, t, d);
        }
        tokens = t;
        return this;
    }

    /** A dense [rows, cols] array over buffer {@code i}, grown first where it is too small. */
    private INDArray view(int i, int rows, int cols) {
        long n = (long) rows * cols;
        if (buffers[i] == null || buffers[i].length() < n) {
            buffers[i] = Nd4j.createBuffer(DataType.FLOAT, n, false);
        }
        return Nd4j.create(buffers[i], new long[] {rows, cols}, new long[] {cols, 1}, 0, 'c');
    }
}
