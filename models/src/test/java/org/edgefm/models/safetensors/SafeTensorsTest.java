package org.edgefm.models.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.Weights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private Path write(String name, String header, byte[] data) throws IOException {
        return writeRaw(name, header.getBytes(StandardCharsets.UTF_8), data);
    }

    private Path writeRaw(String name, byte[] header, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.write(header);
        out.write(data);
        Path p = dir.resolve(name);
        Files.write(p, out.toByteArray());
        return p;
    }

    private static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static byte[] f16(float... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putShort(Fp16.fromFloat(f));
        }
        return b.array();
    }

    private static byte[] bf16(float... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putShort((short) (Float.floatToRawIntBits(f) >>> 16));
        }
        return b.array();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Test
    void open_f32F16Bf16_loadsEachAsFp32WithShape() throws IOException {
        String h = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[24,30]},"
                + "\"c\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[30,34]}}";
        Path p = write("m.safetensors", h, cat(f32(1, 2, 3, 4, 5, -6.5f), f16(0.5f, -2f, 65504f), bf16(1.5f, -3f)));
        try (SafeTensors st = SafeTensors.open(p)) {
            assertThat(st.names()).containsExactly("a", "b", "c");
            assertThat(st.metadata()).containsEntry("format", "pt");
            INDArray a = st.get("a");
            assertThat(a.shape()).containsExactly(2, 3);
            assertThat(a.getFloat(1, 2)).isEqualTo(-6.5f);
            assertThat(st.get("b").toFloatVector()).containsExactly(0.5f, -2f, 65504f);
            assertThat(st.get("c").toFloatVector()).containsExactly(1.5f, -3f);
            assertThat(st.loadedBytes()).isEqualTo(34);
        }
    }

    @Test
    void open_onlyNamedTensorIsRead_loadedBytesCountsIt() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        try (SafeTensors st = SafeTensors.open(write("x.safetensors", h, f32(1, 2, 3)))) {
            assertThat(st.get("b").getFloat(0)).isEqualTo(3f);
            assertThat(st.loadedBytes()).isEqualTo(4);
        }
    }

    @Test
    void open_upstreamGoldenI32Header_listsButRefusesFloats() throws IOException {
        // byte vector from the reference implementation's tests (safetensors/src/tensor.rs)
        String h = "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
        assertThat(h.length()).isEqualTo(0x3c);
        try (SafeTensors st = SafeTensors.open(write("g.safetensors", h, new byte[16]))) {
            assertThat(st.shape("test")).containsExactly(2, 2);
            assertThatThrownBy(() -> st.get("test")).isInstanceOf(EdgeFmException.class)
                    .hasMessageContaining("g.safetensors").hasMessageContaining("'test'").hasMessageContaining("I32");
        }
    }

    @Test
    void open_rankZeroAndEmptyTensors_allowed() throws IOException {
        String h = "{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]}}";
        try (SafeTensors st = SafeTensors.open(write("s.safetensors", h, f32(7)))) {
            assertThat(st.get("s").getFloat(0)).isEqualTo(7f);
            assertThat(st.shape("e")).containsExactly(0, 3);
        }
    }

    @Test
    void open_viaDirectoryAndShardIndex_findsTensorsAcrossShards() throws IOException {
        write("model-1.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1));
        write("model-2.safetensors", "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32(2));
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"metadata\":{\"total_size\":8},\"weight_map\":{\"a\":\"model-1.safetensors\",\"b\":\"model-2.safetensors\"}}");
        try (Weights w = Weights.open(dir)) {
            assertThat(w.get("b").getFloat(0)).isEqualTo(2f);
            assertThat(w.get("a").getFloat(0)).isEqualTo(1f);
            assertThat(w.names()).containsExactlyInAnyOrder("a", "b");
        }
    }

    @Test
    void shardIndex_pathEscapingShard_rejected() throws IOException {
        Path idx = dir.resolve("x.index.json");
        Files.writeString(idx, "{\"weight_map\":{\"a\":\"../etc/passwd\"}}");
        assertThatThrownBy(() -> Weights.open(idx)).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("x.index.json").hasMessageContaining("weight_map['a']");
    }

    private void assertBad(Path p, String... parts) {
        assertThatThrownBy(() -> SafeTensors.open(p).close()).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining(p.toString()).satisfies(e -> {
                    for (String s : parts) {
                        assertThat(e.getMessage()).contains(s);
                    }
                    assertThat(e.getMessage()).doesNotContain("\n");
                });
    }

    @Test
    void open_tooShort_rejected() throws IOException {
        Path p = dir.resolve("short.safetensors");
        Files.write(p, new byte[3]);
        assertBad(p, "shorter than the 8-byte header length");
    }

    @Test
    void open_headerLengthHuge_rejectedWithoutAllocating() throws IOException {
        Path p = dir.resolve("huge.safetensors");
        Files.write(p, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array());
        assertBad(p, "header length 18446744073709551615");
    }

    @Test
    void open_headerPastEnd_rejected() throws IOException {
        Path p = dir.resolve("past.safetensors");
        Files.write(p, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertBad(p, "runs past the end");
    }

    @Test
    void open_notJson_notUtf8_notObject_rejected() throws IOException {
        assertBad(write("j.safetensors", "{\"a\":", new byte[0]), "not valid JSON");
        assertBad(writeRaw("u.safetensors", new byte[] {'{', (byte) 0xff, '}'}, new byte[0]), "not valid UTF-8");
        assertBad(write("o.safetensors", "[1,2]", new byte[0]), "not a JSON object");
    }

    @Test
    void open_duplicateName_rejected() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertBad(write("d.safetensors", h, f32(1, 2)), "Duplicate field 'a'");
    }

    @Test
    void open_unknownDtype_namesTensor() throws IOException {
        assertBad(write("t.safetensors", "{\"w\":{\"dtype\":\"F12\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1)), "tensor 'w'", "unknown dtype 'F12'");
    }

    @Test
    void open_negativeOrFractionalShape_rejected() throws IOException {
        assertBad(write("n.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", f32(1)), "tensor 'w'", "shape[0]");
        assertBad(write("f.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", f32(1)), "tensor 'w'", "shape[0]");
    }

    @Test
    void open_shapeOverflow_rejected() throws IOException {
        String h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}";
        assertBad(write("o.safetensors", h, f32(1)), "tensor 'w'", "overflows");
    }

    @Test
    void open_offsetsOutsideBuffer_rejected() throws IOException {
        assertBad(write("x.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", f32(1)), "tensor 'w'", "outside the 4-byte data buffer");
    }

    @Test
    void open_sizeMismatch_rejected() throws IOException {
        assertBad(write("m.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", f32(1, 2)), "tensor 'w'", "holds 8 bytes", "needs 12");
    }

    @Test
    void open_gapOverlapAndUncoveredTail_rejected() throws IOException {
        assertBad(write("g.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", f32(1, 2)), "tensor 'w'", "gap");
        assertBad(write("o.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                f32(1, 2)), "overlap");
        assertBad(write("t.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1, 2)), "cover 4 bytes of the 8-byte");
    }

    @Test
    void get_missingTensor_namesFileAndTensor() throws IOException {
        try (SafeTensors st = SafeTensors.open(write("m.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1)))) {
            assertThatThrownBy(() -> st.get("blocks.0.w")).isInstanceOf(EdgeFmException.class)
                    .hasMessageContaining("m.safetensors").hasMessageContaining("'blocks.0.w' not found");
        }
    }

    @Test
    void fp16_everyHalfValue_roundTripsThroughFloat() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Fp16.toFloat((short) h);
            if (Float.isNaN(f)) {
                assertThat(Float.isNaN(Fp16.toFloat(Fp16.fromFloat(f)))).isTrue();
                continue;
            }
            assertThat(Fp16.fromFloat(f) & 0xffff).as("half 0x%04x", h).isEqualTo(h);
        }
    }

    @Test
    void fp16_knownValuesAndRounding() {
        assertThat(Fp16.fromFloat(1f)).isEqualTo((short) 0x3c00);
        assertThat(Fp16.fromFloat(-2f)).isEqualTo((short) 0xc000);
        assertThat(Fp16.fromFloat(65504f)).isEqualTo((short) 0x7bff);
        assertThat(Fp16.fromFloat(65520f)).isEqualTo((short) 0x7c00); // rounds up to infinity
        assertThat(Fp16.toFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(Fp16.fromFloat(1f + 0x1p-11f)).isEqualTo((short) 0x3c00); // tie to even
        assertThat(Fp16.fromFloat(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3c02);
        assertThat(Fp16.bf16ToFloat((short) 0x3fc0)).isEqualTo(1.5f);
    }
}
