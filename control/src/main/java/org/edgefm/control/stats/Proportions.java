package org.edgefm.control.stats;

/** Confidence intervals of proportions (shared by trial reports and simulations). */
public final class Proportions {
    private Proportions() {
    }

    /** z of a two-sided 95 % interval. */
    public static final double Z95 = 1.959963984540054;

    /**
     * The Wilson score interval of {@code successes} out of {@code n} (Wilson 1927): unlike the
     * normal approximation it stays inside [0, 1] and is usable for small {@code n} and for shares
     * near 0 or 1.
     *
     * @return {low, high}; {NaN, NaN} when {@code n} is 0
     */
    public static double[] wilson(long successes, long n, double z) {
        if (n <= 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        if (successes < 0 || successes > n) {
            throw new IllegalArgumentException("successes " + successes + " outside 0.." + n);
        }
        double p = (double) successes / n;
        double z2 = z * z;
        double centre = (p + z2 / (2.0 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
