package org.edgefm.models.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Generated test images, encoded as PNG with the JDK's ImageIO: a seeded background gradient with
 * a few filled shapes (disc, square, bar) in seeded colours. A trial sends them to a vision model
 * and calibration times its pre-processing on one; the same seed gives the same bytes.
 */
public final class SampleImages {
    private SampleImages() {
    }

    /** A {@code side} x {@code side} PNG from {@code seed}. */
    public static byte[] png(int side, long seed) {
        if (side <= 0 || side > 4096) {
            throw new IllegalArgumentException("side " + side + " (expected: 1-4096)");
        }
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new java.awt.GradientPaint(0, 0, color(r), side, side, color(r)));
            g.fillRect(0, 0, side, side);
            int shapes = 1 + r.nextInt(3);
            for (int i = 0; i < shapes; i++) {
                g.setColor(color(r));
                int w = Math.max(2, side / 4 + r.nextInt(Math.max(1, side / 2)));
                int x = r.nextInt(Math.max(1, side - w / 2));
                int y = r.nextInt(Math.max(1, side - w / 2));
                switch (r.nextInt(3)) {
                    case 0 -> g.fillOval(x, y, w, w);
                    case 1 -> g.fillRect(x, y, w, w);
                    default -> g.fillRect(x, y, w, Math.max(1, w / 4));
                }
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding in memory failed", e);
        }
        return out.toByteArray();
    }

    private static Color color(SplittableRandom r) {
        return new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
    }
}
