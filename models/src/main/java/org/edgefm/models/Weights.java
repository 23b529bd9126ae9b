package org.edgefm.models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.safetensors.SafeTensors;
import org.edgefm.models.safetensors.ShardedSafeTensors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Named tensors of a model, loaded one by one on demand as FP32 arrays (a service loads only the
 * tensors of its own part). Implementations: {@link SafeTensors} (one file),
 * {@link ShardedSafeTensors} (a {@code model.safetensors.index.json} over several files) and the
 * ONNX initializer reader.
 */
public interface Weights extends AutoCloseable {
    /** All tensor names. */
    Set<String> names();

    /** True if the tensor exists. */
    boolean contains(String name);

    /** The tensor's shape as stored; an {@link EdgeFmException} if absent. */
    long[] shape(String name);

    /** The tensor as a new FP32 array in row-major order; an {@link EdgeFmException} if absent or not floating point. */
    INDArray get(String name);

    /** Bytes of tensor data read so far (the memory a part's weights take as stored). */
    long loadedBytes();

    /** Where the weights come from, for error messages. */
    String describe();

    @Override
    void close();

    /**
     * Opens a safetensors checkpoint: a {@code .safetensors} file, a {@code .index.json} of shards, or
     * a directory holding {@code model.safetensors} or {@code model.safetensors.index.json}.
     */
    static Weights open(Path path) {
        if (Files.isDirectory(path)) {
            Path single = path.resolve("model.safetensors");
            Path index = path.resolve("model.safetensors.index.json");
            if (Files.isRegularFile(single)) {
                return SafeTensors.open(single);
            }
            if (Files.isRegularFile(index)) {
                return ShardedSafeTensors.open(index);
            }
            throw new EdgeFmException(path + ": no model.safetensors or model.safetensors.index.json in this directory");
        }
        if (path.getFileName() != null && path.getFileName().toString().endsWith(".index.json")) {
            return ShardedSafeTensors.open(path);
        }
        return SafeTensors.open(path);
    }
}
