package org.edgefm.models.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.edgefm.api.EdgeFmException;

/**
 * Turns an encoded image (PNG, JPEG, BMP, GIF: whatever the JDK's ImageIO reads) into a vision
 * model's input: decoded, resized to size × size with bilinear interpolation (as Hugging Face's ViT
 * image processor does), scaled to [0, 1], normalised per channel with the model's mean and std,
 * and laid out channel-major (RGB). The image is untrusted: its declared size is checked before the
 * pixels are decoded.
 */
public final class ImagePreprocessor {
    /** Largest accepted side, in pixels. */
    public static final int MAX_SIDE = 16384;
    /** Largest accepted pixel count. */
    public static final long MAX_PIXELS = 64L << 20;

    private final int size;
    private final float[] mean;
    private final float[] std;

    /** A pre-processor for a model of input side {@code size}. */
    public ImagePreprocessor(int size, float[] mean, float[] std) {
        if (size <= 0 || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("size " + size + ", mean and std of 3 channels expected");
        }
        this.size = size;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** Decodes and prepares one image; {@code source} names it in errors. */
    public float[] prepare(InputStream encoded, String source) {
        BufferedImage img;
        try (ImageInputStream iis = ImageIO.createImageInputStream(encoded)) {
            if (iis == null) {
                throw new EdgeFmException(source + ": cannot read image data");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new EdgeFmException(source + ": not an image format this JDK reads (PNG, JPEG, BMP, GIF, WBMP)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || w > MAX_SIDE || h > MAX_SIDE || (long) w * h > MAX_PIXELS) {
                    throw new EdgeFmException(source + ": image of " + w + " x " + h + " pixels (expected: at most " + MAX_SIDE
                            + " a side and " + MAX_PIXELS + " pixels)");
                }
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof EdgeFmException ee) {
                throw ee;
            }
            throw new EdgeFmException(source + ": cannot decode image (" + e.getMessage() + ")", e);
        }
        return prepare(img);
    }

    /** Prepares a decoded image. */
    public float[] prepare(BufferedImage img) {
        BufferedImage rgb = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img, 0, 0, size, size, null);
        } finally {
            g.dispose();
        }
        float[] out = new float[3 * size * size];
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int p = rgb.getRGB(x, y);
                int i = y * size + x;
                out[i] = (((p >> 16) & 0xff) / 255f - mean[0]) / std[0];
                out[plane + i] = (((p >> 8) & 0xff) / 255f - mean[1]) / std[1];
                out[2 * plane + i] = ((p & 0xff) / 255f - mean[2]) / std[2];
            }
        }
        return out;
    }
}
