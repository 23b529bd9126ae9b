package org.edgefm.models.family;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Heads that turn a model's output into an answer: class labels with scores, zero-shot similarity, next tokens. */
public final class Heads {
    private Heads() {
    }

    /** A label with its probability. */
    public record Scored(int index, String label, double score) {
    }

    /** Softmax of a vector, in double precision. */
    public static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float f : logits) {
            max = Math.max(max, f);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** The k best labels by softmax probability (labels may be empty: indexes as names). */
    public static List<Scored> topLabels(float[] logits, List<String> labels, int k) {
        double[] p = softmax(logits);
        List<Scored> all = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            all.add(new Scored(i, i < labels.size() ? labels.get(i) : Integer.toString(i), p[i]));
        }
        all.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparingInt(Scored::index));
        return all.subList(0, Math.min(k, all.size()));
    }

    /** L2-normalised copy. */
    public static float[] normalize(float[] v) {
        double n = 0;
        for (float f : v) {
            n += (double) f * f;
        }
        double inv = 1.0 / Math.max(Math.sqrt(n), 1e-12);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] * inv);
        }
        return out;
    }

    /** Cosine similarity. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of length " + a.length + " and " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.max(Math.sqrt(na) * Math.sqrt(nb), 1e-30);
    }

    /**
     * Contrastive zero-shot classification (CLIP): logits = scale · cos(image, text_i) for each label's
     * text embedding, as probabilities over the labels.
     */
    public static List<Scored> zeroShot(float[] image, List<float[]> labelTexts, List<String> labels, double scale) {
        float[] logits = new float[labelTexts.size()];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (scale * cosine(image, labelTexts.get(i)));
        }
        return topLabels(logits, labels, labels.size());
    }

    /** A vector out of a [1, n] or [n] array. */
    public static float[] vector(INDArray a) {
        return a.dup('c').data().asFloat();
    }
}
