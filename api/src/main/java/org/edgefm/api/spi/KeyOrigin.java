package org.edgefm.api.spi;

import java.util.Locale;

/**
 * Where a configuration key comes from, so that a reader can tell a paper's parameter from our reading
 * of an ambiguous passage, a reconstruction, a guard added to make the method work, and a knob of the
 * solver. Every key names one ({@link ConfigKey#origin()}) and says why in {@link ConfigKey#basis()}.
 */
public enum KeyOrigin {
    /**
     * A quantity the paper states: the basis names its symbol and equation. The default may still be
     * ours where the paper gives no value; the basis says so.
     */
    PAPER,
    /**
     * The paper states it in a way that admits more than one reading; the key chooses one. The basis
     * names the passage and the readings.
     */
    PAPER_AMBIGUITY,
    /**
     * A part of the method that the paper does not state (or that could not be read), rebuilt by us;
     * the basis says from what.
     */
    RECONSTRUCTION,
    /**
     * Added by us to keep the method working where it failed without it (overload, stale or sparse
     * measurements, infeasible instances); the basis gives the reason and the evidence.
     */
    GUARD,
    /**
     * A knob of how an answer is computed rather than of the model: a solver backend, limits, search
     * sizes, seeds, scale cut-offs, which node plays a role, diagnostics.
     */
    SOLVER;

    /**
     * The kebab-case label used in listings and documentation ({@code paper-ambiguity}).
     *
     * @return the label
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The origin with this label.
     *
     * @param label a label as {@link #label()} writes it
     * @return the origin
     * @throws IllegalArgumentException when no origin has this label
     */
    public static KeyOrigin ofLabel(String label) {
        for (KeyOrigin o : values()) {
            if (o.label().equals(label)) {
                return o;
            }
        }
        throw new IllegalArgumentException("key origin: '" + label + "' (expected: paper, paper-ambiguity, reconstruction,"
                + " guard or solver)");
    }
}
