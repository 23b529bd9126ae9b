package org.edgefm.models.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;
import org.edgefm.api.EdgeFmException;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {
    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ImageIO.write(img, "png", o);
        return o.toByteArray();
    }

    @Test
    void prepare_solidColourPng_normalisedChannelMajor() throws IOException {
        BufferedImage img = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 40; x++) {
                img.setRGB(x, y, 0xff8000); // R 255, G 128, B 0
            }
        }
        float[] f = new ImagePreprocessor(8, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f})
                .prepare(new ByteArrayInputStream(png(img)), "x.png");
        assertThat(f).hasSize(3 * 64);
        assertThat(f[0]).isEqualTo(1f);
        assertThat(f[64 + 10]).isCloseTo((128 / 255f - 0.5f) / 0.5f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(f[128 + 63]).isEqualTo(-1f);
    }

    @Test
    void prepare_notAnImage_oneLineError() {
        assertThatThrownBy(() -> new ImagePreprocessor(8, new float[3], new float[] {1, 1, 1})
                .prepare(new ByteArrayInputStream("hello".getBytes()), "t.txt")).isInstanceOf(EdgeFmException.class)
                .hasMessageStartingWith("t.txt: not an image format");
    }

    @Test
    void prepare_declaredHugeImage_refusedBeforeDecoding() throws IOException {
        byte[] p = png(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB));
        // IHDR width and height at bytes 16..23: claim 100000 x 100000 (the CRC is not checked before the size)
        ByteBuffer.wrap(p).putInt(16, 100_000).putInt(20, 100_000);
        assertThatThrownBy(() -> new ImagePreprocessor(8, new float[3], new float[] {1, 1, 1})
                .prepare(new ByteArrayInputStream(p), "big.png")).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("big.png").hasMessageContaining("100000 x 100000");
    }
}
