package org.edgefm.agent.kernel;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.profiles.KernelCost;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One loaded instance of a service kernel: its weights in memory and the computation of one
 * request. The matrix products are exactly those {@link KernelCost} counts, so FLOPs match the
 * catalog's workload. {@link #run} is safe to call from several threads at once (weights are only
 * read; each call takes its own working arrays and its output array from the kernel's pools), which
 * is how a light instance serves up to its parallelism of tasks.
 *
 * <p>A call allocates nothing once the pools hold as many sets as calls ever ran at once: the
 * output is an {@link Output} whose {@link Output#close()} hands its array back for the next call.
 * On this machine a fresh ND4J array of a few MB costs as much as the product that fills it (native
 * allocation and first touch), so a caller on a hot path closes each output as soon as it has been
 * read; one that never closes only loses the reuse (the garbage collector frees the array).
 */
public abstract class Kernel {
    private final KernelSpec spec;
    private final KernelCost cost;
    private final long preloadNanos;
    private final Scratch<INDArray> outputs;

    /** Creates the kernel; subclasses load their weights before calling {@link #loaded(long)}. */
    Kernel(KernelSpec spec, long preloadNanos) {
        this.spec = requireNonNull(spec, "spec is null");
        this.cost = KernelCost.of(spec);
        this.preloadNanos = preloadNanos;
        this.outputs = new Scratch<>(() -> Nd4j.create(DataType.FLOAT, cost.outputShape()[0], cost.outputShape()[1]));
    }

    /**
     * Builds a kernel: validates the spec (unknown kind or missing dimension: an
     * {@link EdgeFmException} naming it), then loads weights from {@code modelDir/spec.weights()}
     * ({@code .npy}, FP32, all matrices flattened in the order the kind documents) or generates them
     * from {@code seed}. A spec whose weights read {@code manifest.json#part} runs that part of a real
     * model instead ({@link ModelPartKernel}). Blocking: call on a worker thread.
     */
    public static Kernel load(KernelSpec spec, Path modelDir, long seed) {
        if (ModelPartKernel.isModelRef(spec.weights())) {
            return ModelPartKernel.load(spec, modelDir);
        }
        KernelCost cost = KernelCost.of(spec);
        long t0 = System.nanoTime();
        WeightSource w = spec.weights() == null ? new WeightSource(seed, null) : new WeightSource(seed, readNpy(spec, cost, modelDir));
        return switch (spec.kind()) {
            case "transformer-encoder" -> new TransformerEncoderKernel(spec, w, t0);
            case "patchify" -> new LinearKernels.Patchify(spec, w, t0);
            case "fusion" -> new LinearKernels.Fusion(spec, w, t0);
            case "head" -> new LinearKernels.Head(spec, w, t0);
            case "preprocess" -> throw new EdgeFmException("kernel 'preprocess' is a real model's input stage (expected: weights"
                    + " naming its part, MANIFEST.json#PART)");
            default -> throw new AssertionError("KernelCost.of accepted " + spec.kind());
        };
    }

    /**
     * The weights file of {@code spec} inside {@code modelDir} (the working folder without one): a
     * path that leaves the folder, also through a symbolic link, is refused with the same message
     * whether or not it exists, so an error never tells what lies outside the model folder.
     */
    static Path insideModelDir(KernelSpec spec, Path modelDir) {
        return insideModelDir(spec, spec.weights(), modelDir);
    }

    /** {@link #insideModelDir(KernelSpec, Path)} for {@code relative}, a file that {@code spec} names. */
    static Path insideModelDir(KernelSpec spec, String relative, Path modelDir) {
        Path base = (modelDir == null ? Path.of("") : modelDir).toAbsolutePath().normalize();
        Path file = base.resolve(relative).normalize();
        EdgeFmException outside = new EdgeFmException("kernel '" + spec.kind() + "': weights '" + spec.weights()
                + "' is not a file inside the model folder " + base);
        if (!file.startsWith(base) || file.equals(base)) {
            throw outside;
        }
        if (!Files.isDirectory(base)) {
            throw new EdgeFmException("kernel '" + spec.kind() + "': weights file " + file + " is not readable (the model"
                    + " folder " + base + " does not exist)");
        }
        // the nearest part of the path that exists must really lie inside the folder: a link out of it
        // (dangling or not, the file itself or a folder on the way) is refused like any outside path
        Path p = file;
        while (p != null && !Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            p = p.getParent();
        }
        try {
            if (p == null || !p.toRealPath().startsWith(base.toRealPath())) {
                throw outside;
            }
        } catch (java.io.IOException e) {
            throw outside;
        }
        return file;
    }

    private static INDArray readNpy(KernelSpec spec, KernelCost cost, Path modelDir) {
        Path file = insideModelDir(spec, modelDir);
        if (!Files.isReadable(file)) {
            throw new EdgeFmException("kernel '" + spec.kind() + "': weights file " + file + " is not readable");
        }
        NpyHeader.checkWhole(file, "kernel '" + spec.kind() + "'");
        INDArray a;
        try {
            a = Nd4j.createFromNpyFile(new File(file.toString()));
        } catch (RuntimeException e) {
            throw new EdgeFmException("kernel '" + spec.kind() + "': weights file " + file + " is not a valid .npy file", e);
        }
        long expected = cost.weightBytes() / KernelCost.BYTES_PER_ELEMENT;
        if (a.length() != expected) {
            throw new EdgeFmException("kernel '" + spec.kind() + "': weights file " + file + " holds " + a.length()
                    + " values (expected: " + expected + ")");
        }
        return a.castTo(DataType.FLOAT).reshape(a.length());
    }

    /** The spec. */
    public KernelSpec spec() {
        return spec;
    }

    /** FLOPs, bytes, weights and shapes of one request. */
    public KernelCost cost() {
        return cost;
    }

    /** The time it took to load or generate the weights, ms. */
    public double preloadMs() {
        return preloadNanos / 1e6;
    }

    /**
     * Runs one request. The inputs (one per parent stage; none for a generated input) are
     * concatenated and fitted to the kernel's input shape: flattened, repeated or cut to
     * rows x columns; they are only read. The result's array comes from this kernel's output pool:
     * close the result once the array has been read. Blocking: call on a worker thread.
     */
    public Output run(List<INDArray> inputs) {
        INDArray out = outputs.take();
        try {
            compute(fit(inputs, cost.inputShape()[0], cost.inputShape()[1]), out);
        } catch (RuntimeException | Error e) {
            outputs.give(out);
            throw e;
        }
        return new Output(out, outputs);
    }

    /**
     * Bounds the key/value caches a decoder's model part keeps per sequence (bytes); other kernels
     * keep none and ignore it.
     */
    public void limitSequenceCaches(long maxBytes) {
    }

    /**
     * Runs one request that may be a step of a generation ({@code step}, null for none): a decoder's
     * model part continues the sequence's key/value cache; every other kernel runs as {@link #run(List)}.
     */
    public Output run(List<INDArray> inputs, DecodeStep step) {
        return run(inputs);
    }

    /** Runs one request and returns a copy of the output that the caller owns (tests, one-off calls). */
    public INDArray runDetached(List<INDArray> inputs) {
        try (Output o = run(inputs)) {
            return o.array().dup();
        }
    }

    /**
     * The computation on an input of exactly the kernel's input shape, written into {@code out}
     * (output shape; its previous contents are garbage).
     */
    protected abstract void compute(INDArray x, INDArray out);

    /**
     * A kernel's result. Its array belongs to the kernel's output pool: {@link #close()} returns it
     * for reuse, after which the array must no longer be read (the next call overwrites it).
     * Closing twice is harmless.
     */
    public static final class Output implements AutoCloseable {
        private final INDArray array;
        private final Scratch<INDArray> home;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        private final org.edgefm.wire.TaskAnswer answer;
        private final boolean halfOnWire;

        Output(INDArray array, Scratch<INDArray> home) {
            this(array, home, null, false);
        }

        private Output(INDArray array, Scratch<INDArray> home, org.edgefm.wire.TaskAnswer answer, boolean halfOnWire) {
            this.array = array;
            this.home = home;
            this.answer = answer;
            this.halfOnWire = halfOnWire;
        }

        /** An output whose array belongs to the caller alone (closing it only marks it closed). */
        static Output detached(INDArray array) {
            return new Output(array, new Scratch<>(() -> null));
        }

        /** As {@link #detached(INDArray)}, with a real model's answer and how the array travels to the next part. */
        static Output detached(INDArray array, org.edgefm.wire.TaskAnswer answer, boolean halfOnWire) {
            return new Output(array, new Scratch<>(() -> null), answer, halfOnWire);
        }

        /** What a real model's head answered, or null (any other kernel, or a part without a head). */
        public org.edgefm.wire.TaskAnswer answer() {
            return answer;
        }

        /** True when the array is a real model's hidden states that its manifest sends as FP16 between agents. */
        public boolean halfOnWire() {
            return halfOnWire;
        }

        /** The output array; valid until {@link #close()}. */
        public INDArray array() {
            if (closed.get()) {
                throw new IllegalStateException("kernel output read after it was closed");
            }
            return array;
        }

        /** True once closed. */
        public boolean isClosed() {
            return closed.get();
        }

        /** Hands the array back to the kernel's pool (once). */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                home.give(array);
            }
        }
    }

    /** A deterministic input of the kernel's shape (for calibration, benchmarks and empty task bodies). */
    public INDArray sampleInput(long seed) {
        return Nd4j.randn(seed, new long[] {cost.inputShape()[0], cost.inputShape()[1]}).castTo(DataType.FLOAT);
    }

    /** Fits tensors to a rows x cols matrix: concatenated flat, repeated or cut (an adapter between stages). */
    static INDArray fit(List<INDArray> inputs, int rows, int cols) {
        long need = (long) rows * cols;
        if (inputs.size() == 1 && inputs.get(0).rank() == 2 && inputs.get(0).rows() == rows
                && inputs.get(0).columns() == cols && inputs.get(0).dataType() == DataType.FLOAT) {
            return inputs.get(0);
        }
        float[] out = new float[(int) need];
        float[] flat = concat(inputs);
        if (flat.length == 0) {
            return Nd4j.randn(0L, new long[] {rows, cols}).castTo(DataType.FLOAT);
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = flat[i % flat.length];
        }
        return Nd4j.create(out, new long[] {rows, cols}, 'c');
    }

    private static float[] concat(List<INDArray> inputs) {
        long n = 0;
        for (INDArray a : inputs) {
            n += a.length();
        }
        float[] flat = new float[(int) Math.min(n, Integer.MAX_VALUE - 8)];
        int pos = 0;
        for (INDArray a : inputs) {
            float[] f = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
            int len = Math.min(f.length, flat.length - pos);
            System.arraycopy(f, 0, flat, pos, len);
            pos += len;
        }
        return flat;
    }

    /**
     * Working arrays reused across calls: a call takes a set (made on first need), gives it back
     * when done, so concurrent calls never share one and a kernel holds as many sets as it has
     * ever run calls at once (its parallelism).
     */
    static final class Scratch<S> {
        private final Supplier<S> make;
        private final ConcurrentLinkedDeque<S> free = new ConcurrentLinkedDeque<>();

        Scratch(Supplier<S> make) {
            this.make = make;
        }

        S take() {
            S s = free.poll();
            return s != null ? s : make.get();
        }

        void give(S s) {
            free.push(s);
        }
    }

    /** Deterministic weights from a seed, or slices of a loaded flat array, in declaration order. */
    static final class WeightSource {
        private final long seed;
        private final INDArray flat;
        private long offset;
        private int count;

        WeightSource(long seed, INDArray flat) {
            this.seed = seed;
            this.flat = flat;
        }

        /** The next rows x cols matrix. */
        INDArray next(int rows, int cols) {
            long n = (long) rows * cols;
            INDArray m;
            if (flat != null) {
                m = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + n)).dup().reshape('c', rows, cols);
            } else {
                // scaled like a trained layer (variance 1/fan-in) so activations stay finite through deep stacks
                m = Nd4j.randn(seed * 1_000_003L + count, new long[] {rows, cols}).castTo(DataType.FLOAT)
                        .muli(1.0 / Math.sqrt(rows));
            }
            offset += n;
            count++;
            return m;
        }
    }
}
