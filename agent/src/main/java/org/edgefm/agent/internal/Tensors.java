package org.edgefm.agent.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.manifest.ActivationCodec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The binary form of a tensor between agents: {@code int rows, int cols} then rows x cols FP32
 * values, little-endian, row-major. An empty byte array is "no tensor" (a generated input). A real
 * model's hidden states may instead travel in {@link ActivationCodec}'s form (magic {@code EFA1},
 * FP16 or FP32 values), which {@link #read} recognises by its magic: no FP32 header can start with
 * it, since its rows would exceed {@link #MAX_VALUES}.
 */
public final class Tensors {
    /** Largest tensor accepted: 64 Mi values (256 MB). */
    public static final long MAX_VALUES = 64L << 20;

    private Tensors() {
    }

    /** Encodes a tensor in FP32, or (half) a real model's hidden states in FP16: half the bytes, under 2^-11 relative error. */
    public static byte[] write(INDArray a, boolean half) {
        return half ? ActivationCodec.encode(a.castTo(DataType.FLOAT), null, ActivationCodec.WireType.FP16) : write(a);
    }

    /** Encodes a 2-D (or flattened to 1 x n) tensor. */
    public static byte[] write(INDArray a) {
        INDArray m = a.rank() == 2 ? a : a.reshape(1, a.length());
        float[] f = m.castTo(DataType.FLOAT).dup('c').data().asFloat();
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(m.rows()).putInt(m.columns());
        b.asFloatBuffer().put(f);
        return b.array();
    }

    /**
     * Decodes a tensor; null for an empty array.
     *
     * @throws EdgeFmException when the bytes do not hold a tensor
     */
    public static INDArray read(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return null;
        }
        if (length < 8) {
            throw new EdgeFmException("tensor: " + length + " bytes (expected: at least an 8-byte header)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(offset) == ActivationCodec.MAGIC) {
            return ActivationCodec.decode(java.util.Arrays.copyOfRange(bytes, offset, offset + length)).hidden();
        }
        int rows = b.getInt();
        int cols = b.getInt();
        long n = (long) rows * cols;
        if (rows <= 0 || cols <= 0 || n > MAX_VALUES || length != 8 + 4 * n) {
            throw new EdgeFmException("tensor: header " + rows + " x " + cols + " does not match " + (length - 8) + " data bytes");
        }
        float[] f = new float[(int) n];
        b.asFloatBuffer().get(f);
        return Nd4j.create(f, new long[] {rows, cols}, 'c');
    }
}
