package org.edgefm.models.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.Weights;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.CodedInputStream;

/**
 * The float initializers of an ONNX model exported from a Hugging Face PyTorch model, under the
 * model's own tensor names. Exporters keep the names of biases and norms but rename the weights
 * of linear layers to {@code onnx::MatMul_N} and store them [in, out]; those are recovered by
 * walking the graph: a {@code MatMul} whose output is {@code /encoder/layer.0/attention/self/query/MatMul_output_0}
 * reads the weight of {@code encoder.layer.0.attention.self.query}, which is stored here transposed
 * back to PyTorch's [out, in] as {@code ...query.weight}. Parsed with the ONNX protobuf classes that
 * ship in nd4j-api.
 */
public final class OnnxWeights implements Weights {
    private static final int FLOAT = 1;
    private final String source;
    private final Map<String, TensorProto> tensors;
    private final Set<String> transposed;
    private final AtomicLong loaded = new AtomicLong();

    private OnnxWeights(String source, Map<String, TensorProto> tensors, Set<String> transposed) {
        this.source = source;
        this.tensors = tensors;
        this.transposed = transposed;
    }

    /** Reads a model; {@code source} names it in errors. The stream is read fully, not closed. */
    public static OnnxWeights read(InputStream in, String source) {
        ModelProto model;
        try {
            CodedInputStream cin = CodedInputStream.newInstance(in);
            cin.setSizeLimit(Integer.MAX_VALUE);
            model = ModelProto.parseFrom(cin);
        } catch (IOException e) {
            throw new EdgeFmException(source + ": not a readable ONNX model (" + e.getMessage() + ")", e);
        }
        GraphProto g = model.getGraph();
        Map<String, TensorProto> byName = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            byName.put(t.getName(), t);
        }
        Map<String, TensorProto> out = new LinkedHashMap<>();
        java.util.HashSet<String> transposed = new java.util.HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            if (!t.getName().startsWith("onnx::")) {
                out.put(t.getName(), t);
            }
        }
        for (NodeProto n : g.getNodeList()) {
            if (!n.getOpType().equals("MatMul") || n.getInputCount() != 2 || n.getOutputCount() != 1) {
                continue;
            }
            TensorProto w = byName.get(n.getInput(1));
            String o = n.getOutput(0);
            if (w == null || !w.getName().startsWith("onnx::") || !o.endsWith("/MatMul_output_0") || !o.startsWith("/")) {
                continue;
            }
            String module = o.substring(1, o.length() - "/MatMul_output_0".length()).replace('/', '.');
            String name = module + ".weight";
            if (out.containsKey(name)) {
                throw new EdgeFmException(source + ": two weights map to '" + name + "'");
            }
            out.put(name, w);
            transposed.add(name);
        }
        return new OnnxWeights(source, Collections.unmodifiableMap(out), Collections.unmodifiableSet(transposed));
    }

    /** The same parsed model with its own count of loaded bytes (a second part reads it without parsing it again). */
    public OnnxWeights reopen() {
        return new OnnxWeights(source, tensors, transposed);
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        TensorProto t = tensor(name);
        long[] s = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        if (transposed.contains(name) && s.length == 2) {
            return new long[] {s[1], s[0]};
        }
        return s;
    }

    @Override
    public INDArray get(String name) {
        TensorProto t = tensor(name);
        if (t.getDataType() != FLOAT) {
            throw new EdgeFmException(source + ": tensor '" + name + "' has ONNX data type " + t.getDataType() + " (expected: 1, float)");
        }
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long numel = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new EdgeFmException(source + ": tensor '" + name + "' has a negative dimension");
            }
            numel = Math.multiplyExact(numel, d);
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw new EdgeFmException(source + ": tensor '" + name + "' has " + numel + " elements; more than 2^31 are not supported");
        }
        float[] f = new float[(int) numel];
        if (t.getFloatDataCount() > 0) {
            if (t.getFloatDataCount() != numel) {
                throw new EdgeFmException(source + ": tensor '" + name + "' holds " + t.getFloatDataCount() + " floats (expected: " + numel + ")");
            }
            for (int i = 0; i < f.length; i++) {
                f[i] = t.getFloatData(i);
            }
        } else {
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (raw.remaining() != numel * 4) {
                throw new EdgeFmException(source + ": tensor '" + name + "' holds " + raw.remaining() + " bytes (expected: " + numel * 4
                        + "; external data is not supported)");
            }
            raw.asFloatBuffer().get(f);
        }
        loaded.addAndGet(numel * 4);
        INDArray a = dims.length == 0 ? Nd4j.scalar(f[0]) : Nd4j.create(f, dims, 'c');
        return transposed.contains(name) ? a.transpose().dup('c') : a;
    }

    private TensorProto tensor(String name) {
        TensorProto t = tensors.get(name);
        if (t == null) {
            throw new EdgeFmException(source + ": tensor '" + name + "' not found among the model's " + tensors.size() + " named weights");
        }
        return t;
    }

    @Override
    public long loadedBytes() {
        return loaded.get();
    }

    @Override
    public String describe() {
        return source;
    }

    @Override
    public void close() {
        // the parsed model is released with this object
    }
}
