package org.edgefm.models.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.edgefm.models.Weights;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes F32 safetensors files as the reference implementation does: an 8-byte little-endian
 * header length, the JSON header padded with spaces to a multiple of 8, then the tensors
 * back to back, sorted by name (all F32, so all equally aligned).
 */
public final class SafeTensorsWriter {
    private SafeTensorsWriter() {
    }

    /**
     * Writes every floating-point tensor of {@code weights} (as FP32, with the shapes it reports) to
     * {@code file}; integer buffers (such as a BERT export's {@code position_ids}) are left out.
     *
     * @return the names left out
     */
    public static java.util.List<String> write(Weights weights, Path file) throws IOException {
        Map<String, INDArray> tensors = new TreeMap<>();
        java.util.List<String> skipped = new java.util.ArrayList<>();
        for (String name : weights.names()) {
            INDArray a;
            try {
                a = weights.get(name);
            } catch (org.edgefm.api.EdgeFmException e) {
                skipped.add(name); // not floating point: no model part reads it
                continue;
            }
            tensors.put(name, a.castTo(DataType.FLOAT).reshape('c', weights.shape(name)));
        }
        write(tensors, file);
        return skipped;
    }

    /** Writes named FP32 tensors to {@code file}. */
    public static void write(Map<String, INDArray> tensors, Path file) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode header = om.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        Map<String, INDArray> sorted = new TreeMap<>(tensors);
        for (Map.Entry<String, INDArray> e : sorted.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            long bytes = 4L * e.getValue().length();
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = om.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(json);
            for (int i = json.length; i < padded; i++) {
                out.write(' ');
            }
            for (INDArray a : sorted.values()) {
                float[] f = a.dup('c').data().asFloat();
                ByteBuffer b = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(f);
                out.write(b.array());
            }
        }
    }
}
