package org.edgefm.models.manifest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.safetensors.Fp16;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The binary form of the hidden states one part hands to the next: a 20-byte header
 * ({@code "EFA1"}, dtype byte, 3 reserved bytes, rows, columns, token count, all little-endian
 * int32), the token ids (int32; parts downstream need them for pooling), then rows × columns values
 * in FP32 or FP16 (round to nearest even), row-major. FP16 halves the bytes on the link at a
 * relative error below 2⁻¹¹ per value (values beyond ±65504 are refused rather than turned into
 * infinity).
 */
public final class ActivationCodec {
    /** Values on the wire. */
    public enum WireType {
        /** 4 bytes per value, exact. */
        FP32,
        /** 2 bytes per value. */
        FP16
    }

    /** A decoded activation. */
    public record Activation(INDArray hidden, int[] ids) {
    }

    /** Largest tensor accepted: 64 Mi values. */
    public static final long MAX_VALUES = 64L << 20;
    /** The first four bytes, {@code EFA1}, read as a little-endian int. */
    public static final int MAGIC = 0x31414645;
    private static final int HEADER = 20;

    private ActivationCodec() {
    }

    /** Encoded size in bytes, for the link estimator. */
    public static long size(long rows, long cols, int tokens, WireType type) {
        return HEADER + 4L * tokens + rows * cols * (type == WireType.FP16 ? 2 : 4);
    }

    /** Encodes hidden states [rows, cols] and the token ids (may be empty). */
    public static byte[] encode(INDArray hidden, int[] ids, WireType type) {
        INDArray m = hidden.rank() == 2 ? hidden : hidden.reshape(1, hidden.length());
        float[] f = m.dup('c').data().asFloat();
        int rows = (int) m.rows();
        int cols = (int) m.columns();
        int[] tok = ids == null ? new int[0] : ids;
        ByteBuffer b = ByteBuffer.allocate((int) size(rows, cols, tok.length, type)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).put((byte) type.ordinal()).put((byte) 0).put((byte) 0).put((byte) 0);
        b.putInt(rows).putInt(cols).putInt(tok.length);
        for (int t : tok) {
            b.putInt(t);
        }
        if (type == WireType.FP32) {
            for (float v : f) {
                b.putFloat(v);
            }
        } else {
            for (int i = 0; i < f.length; i++) {
                if (Math.abs(f[i]) > 65504f) {
                    throw new EdgeFmException("activation value " + f[i] + " at index " + i + " does not fit FP16 (|x| <= 65504); use fp32 on the wire");
                }
                b.putShort(Fp16.fromFloat(f[i]));
            }
        }
        return b.array();
    }

    /** Decodes; every malformed input is an {@link EdgeFmException} naming the field. */
    public static Activation decode(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER) {
            throw new EdgeFmException("activation: " + (bytes == null ? 0 : bytes.length) + " bytes (expected: at least the " + HEADER + "-byte header)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != MAGIC) {
            throw new EdgeFmException("activation: bad magic (expected: EFA1)");
        }
        int dt = b.get();
        b.position(8);
        if (dt < 0 || dt > 1) {
            throw new EdgeFmException("activation: dtype " + dt + " (expected: 0 fp32 or 1 fp16)");
        }
        WireType type = WireType.values()[dt];
        int rows = b.getInt();
        int cols = b.getInt();
        int tokens = b.getInt();
        if (rows <= 0 || cols <= 0 || tokens < 0 || (long) rows * cols > MAX_VALUES || tokens > MAX_VALUES) {
            throw new EdgeFmException("activation: shape " + rows + " x " + cols + " with " + tokens + " tokens (expected: positive, at most "
                    + MAX_VALUES + " values)");
        }
        long want = size(rows, cols, tokens, type);
        if (bytes.length != want) {
            throw new EdgeFmException("activation: " + bytes.length + " bytes, but " + type + " " + rows + " x " + cols + " with " + tokens
                    + " tokens needs " + want);
        }
        int[] ids = new int[tokens];
        for (int i = 0; i < tokens; i++) {
            ids[i] = b.getInt();
        }
        float[] f = new float[rows * cols];
        if (type == WireType.FP32) {
            b.asFloatBuffer().get(f);
        } else {
            for (int i = 0; i < f.length; i++) {
                f[i] = Fp16.toFloat(b.getShort());
            }
        }
        return new Activation(Nd4j.create(f, new long[] {rows, cols}, 'c'), ids);
    }
}
