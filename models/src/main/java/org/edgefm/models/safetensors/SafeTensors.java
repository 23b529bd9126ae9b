package org.edgefm.models.safetensors;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.Weights;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One safetensors file: the header is read and checked at open, each tensor's bytes are mapped
 * from the file only when that tensor is asked for, so a service that needs a few layers of a
 * large checkpoint touches only their pages.
 *
 * <p>Format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name
 * to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the byte buffer
 * that follows the header), an optional {@code __metadata__} string map, then the buffer. The file
 * is untrusted: every check that the reference implementation makes is made here (header at most
 * 100 MB and inside the file, valid UTF-8 JSON object, no duplicate names, known dtype, non-negative
 * shape, offsets inside the buffer, contiguous from 0 and covering it, byte length equal to the
 * element count times the dtype size), each failure one line naming the file and the tensor.
 * F32, F16 and BF16 tensors are converted to FP32 arrays; other dtypes are listed but refused on load.
 */
public final class SafeTensors implements Weights {
    /** The reference implementation's header limit. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Dtypes the format defines, with their size in bytes (0 for sub-byte types). */
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("F8_E5M2", 1),
            Map.entry("F8_E4M3", 1), Map.entry("F8_E8M0", 1), Map.entry("I16", 2), Map.entry("U16", 2),
            Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4),
            Map.entry("F32", 4), Map.entry("F64", 8), Map.entry("I64", 8), Map.entry("U64", 8),
            Map.entry("C64", 8));

    /** One tensor's entry in the header. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        /** Number of elements. */
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;
    private final AtomicLong loadedBytes = new AtomicLong();

    private SafeTensors(Path file, FileChannel channel, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and validates a file; an invalid one is an {@link EdgeFmException} naming file and tensor. */
    public static SafeTensors open(Path file) {
        requireNonNull(file, "file is null");
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new EdgeFmException(file + ": cannot open safetensors file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        try {
            return read(file, ch);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new EdgeFmException(file + ": cannot read safetensors file (" + e.getMessage() + ")", e);
        }
    }

    private static SafeTensors read(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw bad(file, null, "file is " + size + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long n = lenBuf.getLong(0);
        if (n < 2 || n > MAX_HEADER_BYTES) {
            throw bad(file, null, "header length " + Long.toUnsignedString(n) + " (expected: 2.." + MAX_HEADER_BYTES + ")");
        }
        if (8 + n > size) {
            throw bad(file, null, "header length " + n + " runs past the end of the " + size + "-byte file");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(ch, hb, 8);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb.flip()).toString();
        } catch (CharacterCodingException e) {
            throw bad(file, null, "header is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw bad(file, null, "header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw bad(file, null, "header is not a JSON object");
        }
        long dataStart = 8 + n;
        long bufLen = size - dataStart;
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.equals("__metadata__")) {
                metadata = metadata(file, v);
                continue;
            }
            entries.put(name, entry(file, name, v, bufLen));
        }
        List<Entry> byOffset = new ArrayList<>(entries.values());
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long pos = 0;
        for (Entry e : byOffset) {
            if (e.begin() != pos) {
                throw bad(file, e.name(), "data_offsets [" + e.begin() + ", " + e.end() + "] "
                        + (e.begin() < pos ? "overlap the previous tensor" : "leave a gap after byte " + pos)
                        + " (tensors must be contiguous from 0)");
            }
            pos = e.end();
        }
        if (pos != bufLen) {
            throw bad(file, null, "tensors cover " + pos + " bytes of the " + bufLen + "-byte data buffer (expected: all of it)");
        }
        return new SafeTensors(file, ch, dataStart, Collections.unmodifiableMap(entries), metadata);
    }

    private static Map<String, String> metadata(Path file, JsonNode v) {
        if (!v.isObject()) {
            throw bad(file, "__metadata__", "is not a JSON object of strings");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) {
                throw bad(file, "__metadata__", "value of '" + f.getKey() + "' is not a string");
            }
            m.put(f.getKey(), f.getValue().asText());
        }
        return Collections.unmodifiableMap(m);
    }

    private static Entry entry(Path file, String name, JsonNode v, long bufLen) {
        if (!v.isObject()) {
            throw bad(file, name, "entry is not a JSON object");
        }
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw bad(file, name, "missing string 'dtype'");
        }
        String dtype = dt.asText();
        Integer elemBytes = DTYPE_BYTES.get(dtype);
        if (elemBytes == null) {
            throw bad(file, name, "unknown dtype '" + dtype + "' (expected one of " + new java.util.TreeSet<>(DTYPE_BYTES.keySet()) + ")");
        }
        JsonNode sh = v.get("shape");
        if (sh == null || !sh.isArray() || sh.size() > 16) {
            throw bad(file, name, "'shape' is not an array of at most 16 dimensions");
        }
        long[] shape = new long[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw bad(file, name, "shape[" + i + "] = " + d + " (expected: an integer >= 0)");
            }
            shape[i] = d.asLong();
            numel = multiplyOrOverflow(file, name, numel, shape[i]);
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()
                || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw bad(file, name, "'data_offsets' is not [begin, end]");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin || end > bufLen) {
            throw bad(file, name, "data_offsets [" + begin + ", " + end + "] outside the " + bufLen + "-byte data buffer");
        }
        long want = multiplyOrOverflow(file, name, numel, elemBytes);
        if (end - begin != want) {
            throw bad(file, name, "holds " + (end - begin) + " bytes, but " + dtype + " " + java.util.Arrays.toString(shape)
                    + " needs " + want);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long multiplyOrOverflow(Path file, String name, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw bad(file, name, "shape too large (element count overflows)");
        }
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** The {@code __metadata__} map (empty if absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The entry of a tensor, or null. */
    public Entry entry(String name) {
        return entries.get(name);
    }

    @Override
    public Set<String> names() {
        return entries.keySet();
    }

    @Override
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        return entryOrThrow(name).shape().clone();
    }

    @Override
    public long loadedBytes() {
        return loadedBytes.get();
    }

    @Override
    public String describe() {
        return file.toString();
    }

    /** The raw bytes of one tensor, mapped read-only from the file (little-endian). */
    public ByteBuffer raw(String name) {
        Entry e = entryOrThrow(name);
        long len = e.end() - e.begin();
        if (len > Integer.MAX_VALUE - 8) {
            throw bad(file, name, "is " + len + " bytes; tensors over 2 GiB are not supported");
        }
        try {
            MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), len);
            return m.order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException ex) {
            throw new EdgeFmException(file + ": tensor '" + name + "': cannot map (" + ex.getMessage() + ")", ex);
        }
    }

    /** One tensor as a float array (F32, F16 or BF16 in the file). */
    public float[] floats(String name) {
        Entry e = entryOrThrow(name);
        long numel = e.numel();
        if (numel > Integer.MAX_VALUE - 8) {
            throw bad(file, name, "has " + numel + " elements; more than 2^31 are not supported");
        }
        ByteBuffer b = raw(name);
        float[] out = new float[(int) numel];
        switch (e.dtype()) {
            case "F32" -> b.asFloatBuffer().get(out);
            case "F16" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Fp16.toFloat(b.getShort(2 * i));
                }
            }
            case "BF16" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Fp16.bf16ToFloat(b.getShort(2 * i));
                }
            }
            default -> throw bad(file, name, "dtype " + e.dtype() + " cannot be loaded as floats (expected: F32, F16 or BF16)");
        }
        loadedBytes.addAndGet(e.end() - e.begin());
        return out;
    }

    @Override
    public INDArray get(String name) {
        Entry e = entryOrThrow(name);
        float[] f = floats(name);
        long[] shape = e.shape().length == 0 ? new long[0] : e.shape();
        if (shape.length == 0) {
            return Nd4j.scalar(f[0]);
        }
        return Nd4j.create(f, shape, 'c');
    }

    private Entry entryOrThrow(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new EdgeFmException(file + ": tensor '" + name + "' not found (the file holds " + entries.size() + " tensors"
                    + (entries.isEmpty() ? "" : ", e.g. '" + entries.keySet().iterator().next() + "'") + ")");
        }
        return e;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do: the file was only read
        }
    }

    private static EdgeFmException bad(Path file, String tensor, String what) {
        return new EdgeFmException(file + ": " + (tensor == null ? "" : "tensor '" + tensor + "': ") + what);
    }
}
