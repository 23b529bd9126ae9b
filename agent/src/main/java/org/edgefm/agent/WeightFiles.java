package org.edgefm.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.profiles.KernelCost;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes deterministic {@code .npy} weight files of the size a kernel spec implies, so that an agent
 * reads its kernels' weights from disk (as a deployment would) instead of generating them: one flat
 * FP32 array of {@code KernelCost.weightBytes() / 4} values, normal with standard deviation
 * {@link #STD} (the initialisation GPT-2 and BERT use; the encoder's layer normalisation keeps the
 * activations finite), seeded. The values stand in for trained weights: they make the load time
 * real, not the outputs meaningful.
 */
public final class WeightFiles {
    /** Standard deviation of the written values. */
    public static final double STD = 0.02;

    private WeightFiles() {
    }

    /**
     * Writes {@code modelDir/spec.weights()} (parent folders made as needed), replacing a file there.
     *
     * @param spec     a kernel spec that names a weights file
     * @param modelDir the agent's model directory
     * @param seed     the random seed of the values
     * @return the file written
     * @throws EdgeFmException when the spec names no file, is not a known kernel, or the file cannot be written
     */
    public static Path write(KernelSpec spec, Path modelDir, long seed) {
        if (spec.weights() == null) {
            throw new EdgeFmException("kernel '" + spec.kind() + "': names no weights file");
        }
        long n = KernelCost.of(spec).weightBytes() / KernelCost.BYTES_PER_ELEMENT;
        Path file = modelDir.resolve(spec.weights());
        INDArray w = Nd4j.randn(seed, new long[] {n}).castTo(DataType.FLOAT).muli(STD);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, Nd4j.toNpyByteArray(w));
        } catch (IOException e) {
            throw new EdgeFmException("weights file " + file + ": cannot write (" + e.getMessage() + ")", e);
        }
        return file;
    }
}
