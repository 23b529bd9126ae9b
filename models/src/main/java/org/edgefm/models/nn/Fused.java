package org.edgefm.models.nn;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Fused forms of {@link Ops}: the element-wise work of a transformer block done in one pass over
 * the activations (bias + activation, bias + residual, the whole layer/RMS norm, rotary positions,
 * the head split and merge of attention: {@link FusedAttention}) in Java on the arrays' own memory, so a block dispatches
 * only its matrix products and at most two native transcendental ops (tanh/sigmoid, softmax) to ND4J
 * instead of some forty small ops, each of which allocated a new array. Activations are dense
 * row-major FP32 matrices [tokens, width] ({@link #dense}); vectors (norm gains, biases) are Java
 * float arrays. Each kernel computes the same float expression, in the same order, as its
 * {@link Ops} counterpart (exact GELU: an erf approximation of the same accuracy), which stays as
 * the unfused reference ({@code FusedTest} compares them).
 */
public final class Fused {
    private static final float SQRT_HALF = (float) Math.sqrt(0.5);
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    /**
     * Element-wise transcendental passes over fewer values than this run in Java; larger ones are one
     * native (vectorised, multi-threaded) ND4J op. A native op costs tens of microseconds to dispatch,
     * which is the whole time of a small model's pass.
     */
    public static final int NATIVE_ELEMENTS = 1 << 16;

    private Fused() {
    }

    /** A new uninitialised FP32 matrix [rows, cols] (every kernel here writes all of its output). */
    public static INDArray alloc(long rows, long cols) {
        return Nd4j.createUninitialized(DataType.FLOAT, rows, cols);
    }

    /** True when {@code x} is FP32, row-major and contiguous from the start of its buffer, so its memory can be walked directly. */
    public static boolean isDense(INDArray x) {
        if (x.dataType() != DataType.FLOAT || x.offset() != 0 || x.data().offset() != 0 || x.length() > x.data().length()) {
            return false;
        }
        long[] shape = x.shape();
        long[] stride = x.stride();
        long want = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != want) {
                return false;
            }
            want *= shape[i];
        }
        return true;
    }

    /** {@code x} itself when {@link #isDense}, else a dense FP32 copy. */
    public static INDArray dense(INDArray x) {
        return isDense(x) ? x : x.castTo(DataType.FLOAT).dup('c');
    }

    /** The values of an array in row-major order (or null for null). */
    public static float[] floats(INDArray v) {
        if (v == null) {
            return null;
        }
        if (isDense(v)) {
            float[] f = new float[(int) v.length()];
            buf(v).get(0, f, 0, f.length);
            return f;
        }
        return v.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** A new dense FP32 copy of a dense array, outside any open workspace (so it outlives one). */
    public static INDArray copy(INDArray x) {
        INDArray out;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            out = alloc(x.rows(), x.columns());
        }
        float[] f = new float[(int) x.length()];
        buf(x).get(0, f, 0, f.length);
        buf(out).put(0, f, 0, f.length);
        return out;
    }

    /** The memory of a dense FP32 array ({@link #isDense}) as floats; anything else is refused. */
    static FloatBuffer buf(INDArray x) {
        if (!isDense(x)) {
            throw new IllegalArgumentException("not a dense FP32 row-major array: " + x.shapeInfoToString());
        }
        return x.data().asNioFloat();
    }

    /**
     * Layer normalisation of each row of {@code x} into {@code out} (may be {@code x}):
     * (x − μ)·(σ² + eps)^−½·g + b, σ² the biased variance; g and b may be null.
     */
    public static INDArray layerNorm(INDArray x, float[] g, float[] b, double eps, INDArray out) {
        FloatBuffer in = buf(x);
        FloatBuffer o = buf(out);
        int rows = (int) x.rows();
        int d = (int) x.columns();
        float[] r = new float[d];
        for (int i = 0; i < rows; i++) {
            in.get(i * d, r, 0, d);
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += r[j];
            }
            float mean = (float) (s / d);
            double v = 0;
            for (int j = 0; j < d; j++) {
                float c = r[j] - mean;
                r[j] = c;
                v += c * c;
            }
            float inv = (float) (1.0 / Math.sqrt((float) (v / d) + eps));
            for (int j = 0; j < d; j++) {
                float y = r[j] * inv;
                if (g != null) {
                    y *= g[j];
                }
                if (b != null) {
                    y += b[j];
                }
                r[j] = y;
            }
            o.put(i * d, r, 0, d);
        }
        return out;
    }

    /** A new array: {@link #layerNorm(INDArray, float[], float[], double, INDArray)} of {@code x}. */
    public static INDArray layerNorm(INDArray x, float[] g, float[] b, double eps) {
        INDArray in = dense(x);
        return layerNorm(in, g, b, eps, alloc(in.rows(), in.columns()));
    }

    /** RMS normalisation of each row into {@code out} (may be {@code x}): x·(mean(x²) + eps)^−½·g; g may be null. */
    public static INDArray rmsNorm(INDArray x, float[] g, double eps, INDArray out) {
        FloatBuffer in = buf(x);
        FloatBuffer o = buf(out);
        int rows = (int) x.rows();
        int d = (int) x.columns();
        float[] r = new float[d];
        for (int i = 0; i < rows; i++) {
            in.get(i * d, r, 0, d);
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += r[j] * r[j];
            }
            float inv = (float) (1.0 / Math.sqrt((float) (s / d) + eps));
            for (int j = 0; j < d; j++) {
                float y = r[j] * inv;
                r[j] = g == null ? y : y * g[j];
            }
            o.put(i * d, r, 0, d);
        }
        return out;
    }

    /** A new array: {@link #rmsNorm(INDArray, float[], double, INDArray)} of {@code x}. */
    public static INDArray rmsNorm(INDArray x, float[] g, double eps) {
        INDArray in = dense(x);
        return rmsNorm(in, g, eps, alloc(in.rows(), in.columns()));
    }

    /** y = x·W into a new array (W [in, out]), with b (may be null) and {@code residual} (may be null) added to each row: (x·W + b) + r. */
    public static INDArray linear(INDArray x, INDArray w, float[] b, INDArray residual) {
        return linear(x, w, b, residual, alloc(x.rows(), w.columns()));
    }

    /**
     * {@link #linear(INDArray, INDArray, float[], INDArray)} into {@code y} [rows of x, columns of W]
     * (dense; neither x nor W, but it may be the residual's own memory only where the residual is not
     * read: pass null then).
     */
    public static INDArray linear(INDArray x, INDArray w, float[] b, INDArray residual, INDArray y) {
        Nd4j.gemm(x, w, y, false, false, 1.0, 0.0);
        if (b != null || residual != null) {
            addRows(y, b, residual);
        }
        return y;
    }

    /** In place: y = (y + b) + r for each row, b (may be null) a row vector, r (may be null) of y's shape. */
    public static INDArray addRows(INDArray y, float[] b, INDArray residual) {
        FloatBuffer o = buf(y);
        FloatBuffer res = residual == null ? null : buf(residual);
        int rows = (int) y.rows();
        int d = (int) y.columns();
        float[] r = new float[d];
        float[] s = residual == null ? null : new float[d];
        for (int i = 0; i < rows; i++) {
            o.get(i * d, r, 0, d);
            if (b != null) {
                for (int j = 0; j < d; j++) {
                    r[j] += b[j];
                }
            }
            if (res != null) {
                res.get(i * d, s, 0, d);
                for (int j = 0; j < d; j++) {
                    r[j] += s[j];
                }
            }
            o.put(i * d, r, 0, d);
        }
        return y;
    }

    private static final int RELU = 0;
    private static final int GELU = 1;       // exact: 0.5·x·(1 + erf(x/√2))
    private static final int GELU_TANH = 2;  // gelu_new: tanh approximation
    private static final int QUICK_GELU = 3; // x·σ(1.702x)
    private static final int SILU = 4;

    /** The activation named as in Hugging Face configs, as one of the constants above. */
    private static int kind(String act) {
        return switch (act) {
            case "relu" -> RELU;
            case "gelu", "gelu_python" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            case "quick_gelu" -> QUICK_GELU;
            case "silu", "swish" -> SILU;
            default -> throw new IllegalArgumentException("activation '" + act + "' is not supported");
        };
    }

    /**
     * In place: the bias b (may be null) added to each row of y, then the activation named as in
     * Hugging Face configs ({@link Ops#activation}). Exact GELU runs in Java at every size (a
     * vectorised pass, {@link #gelu}); the others, from {@link #NATIVE_ELEMENTS} values up, as one
     * native op (tanh or sigmoid) on a temporary with the rest in two passes, in Java below. The
     * activation is chosen once per call, not per value (a string switch per value cost more than
     * the native erf on ViT-B/16's 605k values).
     */
    public static INDArray biasActivation(String act, INDArray y, float[] b) {
        return biasActivation(act, y, b, null);
    }

    /**
     * {@link #biasActivation(String, INDArray, float[])} with {@code tmp} (dense, y's shape, or null
     * for a new one) as the native op's temporary where the array is large enough to take that path.
     */
    public static INDArray biasActivation(String act, INDArray y, float[] b, INDArray tmp) {
        int kind = kind(act);
        FloatBuffer o = buf(y);
        int rows = (int) y.rows();
        int d = (int) y.columns();
        float[] r = new float[d];
        float[] u = new float[d];
        // exact GELU always in Java (its pass writes into u); the others in Java while small
        if (kind == GELU || kind == RELU || (long) rows * d < NATIVE_ELEMENTS) {
            for (int i = 0; i < rows; i++) {
                o.get(i * d, r, 0, d);
                addBias(r, b, d);
                if (kind == GELU) {
                    gelu(r, u, d);
                    o.put(i * d, u, 0, d);
                } else {
                    activateRow(kind, r, d);
                    o.put(i * d, r, 0, d);
                }
            }
            return y;
        }
        if (tmp == null) {
            tmp = alloc(rows, d);
        }
        FloatBuffer t = buf(tmp);
        for (int i = 0; i < rows; i++) {
            o.get(i * d, r, 0, d);
            addBias(r, b, d);
            switch (kind) {
                case GELU_TANH -> {
                    for (int j = 0; j < d; j++) {
                        float x = r[j];
                        u[j] = (x * x * x * 0.044715f + x) * SQRT_2_OVER_PI;
                    }
                }
                case QUICK_GELU -> {
                    for (int j = 0; j < d; j++) {
                        u[j] = r[j] * 1.702f;
                    }
                }
                default -> System.arraycopy(r, 0, u, 0, d); // silu
            }
            if (b != null) {
                o.put(i * d, r, 0, d);
            }
            t.put(i * d, u, 0, d);
        }
        switch (kind) {
            case GELU_TANH -> Transforms.tanh(tmp, false);
            default -> Transforms.sigmoid(tmp, false);
        }
        boolean gelu = kind == GELU_TANH;
        for (int i = 0; i < rows; i++) {
            o.get(i * d, r, 0, d);
            t.get(i * d, u, 0, d);
            if (gelu) {
                for (int j = 0; j < d; j++) {
                    r[j] = (u[j] + 1f) * r[j] * 0.5f;
                }
            } else {
                for (int j = 0; j < d; j++) {
                    r[j] = u[j] * r[j];
                }
            }
            o.put(i * d, r, 0, d);
        }
        return y;
    }

    private static void addBias(float[] r, float[] b, int d) {
        if (b != null) {
            for (int j = 0; j < d; j++) {
                r[j] += b[j];
            }
        }
    }

    /** Below this x, exact GELU takes {@link #erfc}: 1 + erf(x/√2) < 0.05 there, and the rational erf's absolute error would show. */
    private static final float GELU_TAIL = -2f;

    /**
     * Exact GELU, 0.5·x·(1 + erf(x/√2)), of r[0, n) into u, in Java at every size. The first loop is
     * branch-free arithmetic, which the JIT vectorises (under a nanosecond a value, against about
     * 20 ns for {@link #erfc}'s {@code Math.exp}): erf as a rational function of x/√2 clamped to
     * [−4, 4] (the one Eigen, XLA and TVM use for float erf; absolute error below 5e-7; erf(±4) is ±1 in
     * float). Where x &lt; −2, 1 + erf cancels, so the few such values are redone through
     * {@link #erfc} (relative error below 1.2e-7).
     */
    private static void gelu(float[] r, float[] u, int n) {
        for (int j = 0; j < n; j++) {
            float v = r[j];
            float x = Math.max(Math.min(v * SQRT_HALF, 4f), -4f);
            float x2 = x * x;
            float p = x2 * -2.72614225801306e-10f + 2.77068142495902e-08f;
            p = x2 * p + -2.10102402082508e-06f;
            p = x2 * p + -5.69250639462346e-05f;
            p = x2 * p + -7.34990630326855e-04f;
            p = x2 * p + -2.95459980854025e-03f;
            p = x2 * p + -1.60960333262415e-02f;
            float q = x2 * -1.45660718464996e-05f + -2.13374055278905e-04f;
            q = x2 * q + -1.68282697438203e-03f;
            q = x2 * q + -7.37332916720468e-03f;
            q = x2 * q + -1.42647390514189e-02f;
            u[j] = (x * p / q + 1f) * v * 0.5f;
        }
        for (int j = 0; j < n; j++) {
            float v = r[j];
            if (v < GELU_TAIL) {
                u[j] = (float) (0.5 * v * erfc(-v * SQRT_HALF));
            }
        }
    }

    /** A row through the activation, in Java (the small-array path of {@link #biasActivation}). */
    private static void activateRow(int kind, float[] r, int d) {
        switch (kind) {
            case RELU -> {
                for (int j = 0; j < d; j++) {
                    r[j] = Math.max(r[j], 0f);
                }
            }
            case GELU_TANH -> {
                for (int j = 0; j < d; j++) {
                    float x = r[j];
                    r[j] = ((float) Math.tanh((x * x * x * 0.044715f + x) * SQRT_2_OVER_PI) + 1f) * x * 0.5f;
                }
            }
            case QUICK_GELU -> {
                for (int j = 0; j < d; j++) {
                    float x = r[j];
                    r[j] = sigmoid(x * 1.702f) * x;
                }
            }
            default -> {
                for (int j = 0; j < d; j++) {
                    float x = r[j];
                    r[j] = sigmoid(x) * x; // silu
                }
            }
        }
    }

    static float sigmoid(float x) {
        return 1f / (1f + exp(-x));
    }

    private static final float LOG2E = 1.44269504088896341f;
    private static final float ROUND = 12582912f; // 1.5·2²³: adding and subtracting it rounds a float to an integer

    /**
     * e^x in float within 1.2e-7 relative (Cephes' {@code expf}: x = n·ln 2 + r with |r| ≤ ½ ln 2, a
     * degree-6 polynomial for e^r, 2^n from its exponent bits); 0 below −87.34, where e^x is subnormal,
     * +∞ above 88.37, NaN for NaN. About a third of {@code Math.exp}'s time, which is most of a small
     * attention's softmax and of a small SiLU or quick GELU.
     */
    static float exp(float x) {
        if (!(x > -87.3365478515625f)) {
            return x != x ? x : 0f;
        }
        if (x > 88.37626f) {
            return Float.POSITIVE_INFINITY;
        }
        float n = (x * LOG2E + ROUND) - ROUND;
        float r = x - n * 0.693359375f - n * -2.12194440e-4f;
        float y = (((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r
                + 1.6666665459e-1f) * r + 5.0000001201e-1f) * (r * r) + r + 1f;
        return y * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /**
     * The complementary error function, fractional error below 1.2e-7 everywhere (the Chebyshev fit
     * of Numerical Recipes, {@code erfcc}); GELU as 0.5·x·erfc(−x/√2) keeps that relative accuracy for
     * negative x too, where 1 + erf(x/√2) cancels.
     */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2.0 - ans;
    }

    /** In place on {@code gate}: SwiGLU, (σ(gate)·gate)·up, with one native sigmoid. */
    public static INDArray swiglu(INDArray gate, INDArray up) {
        return swiglu(gate, up, null);
    }

    /** {@link #swiglu(INDArray, INDArray)} with {@code tmp} (dense, gate's shape, or null for a new one) for the native sigmoid. */
    public static INDArray swiglu(INDArray gate, INDArray up, INDArray tmp) {
        FloatBuffer g = buf(gate);
        if (gate.length() < NATIVE_ELEMENTS) {
            FloatBuffer ub = buf(up);
            for (int i = 0; i < gate.length(); i++) {
                float x = g.get(i);
                g.put(i, sigmoid(x) * x * ub.get(i));
            }
            return gate;
        }
        INDArray s = tmp == null ? alloc(gate.rows(), gate.columns()) : tmp;
        Nd4j.exec(new Sigmoid(gate, s));
        FloatBuffer sb = buf(s);
        FloatBuffer ub = buf(up);
        long n = gate.length();
        for (int i = 0; i < n; i++) {
            g.put(i, sb.get(i) * g.get(i) * ub.get(i));
        }
        return gate;
    }

    /**
     * Rotary positions (Hugging Face Llama's rotate-half layout), in place, on the {@code heads}
     * heads of width {@code dh} that start at column {@code col} of each row of x, for positions
     * start..start+rows−1.
     */
    public static void rotary(INDArray x, int col, int heads, int dh, int start, double theta) {
        FloatBuffer o = buf(x);
        int rows = (int) x.rows();
        int w = (int) x.columns();
        int half = dh / 2;
        float[] c = new float[half];
        float[] s = new float[half];
        float[] r = new float[heads * dh];
        for (int p = 0; p < rows; p++) {
            for (int i = 0; i < half; i++) {
                double invFreq = 1.0 / Math.pow(theta, (2.0 * i) / dh);
                float ang = (float) (start + p) * (float) invFreq; // PyTorch's float32 angle
                c[i] = (float) Math.cos(ang);
                s[i] = (float) Math.sin(ang);
            }
            o.get(p * w + col, r, 0, r.length);
            for (int h = 0; h < heads; h++) {
                int at = h * dh;
                for (int i = 0; i < half; i++) {
                    float x1 = r[at + i];
                    float x2 = r[at + i + half];
                    r[at + i] = x1 * c[i] + (-x2) * s[i];
                    r[at + i + half] = x2 * c[i] + x1 * s[i];
                }
            }
            o.put(p * w + col, r, 0, r.length);
        }
    }

    /**
     * The rows [from, from+n) of columns [col, col+width) of a dense matrix into a new dense [n, width]
     * matrix, or appended below {@code past} (may be null) — the key/value cache of a sequence.
     */
    public static INDArray columns(INDArray x, int col, int width, INDArray past) {
        FloatBuffer in = buf(x);
        int rows = (int) x.rows();
        int w = (int) x.columns();
        int before = past == null ? 0 : (int) past.rows();
        INDArray out = alloc(before + rows, width);
        FloatBuffer o = buf(out);
        float[] r = new float[width];
        if (past != null) {
            FloatBuffer p = buf(past);
            float[] all = new float[before * width];
            p.get(0, all, 0, all.length);
            o.put(0, all, 0, all.length);
        }
        for (int i = 0; i < rows; i++) {
            in.get(i * w + col, r, 0, width);
            o.put((before + i) * width, r, 0, width);
        }
        return out;
    }
}
