package org.edgefm.api.spi;

import org.edgefm.api.Check;

/**
 * A configuration key a planner reads, declared so that {@code ./edgefm plugins}, {@code ./edgefm keys}
 * and the generated keys table can list it. Every key names its {@link KeyOrigin origin} and its
 * {@code basis}: the paper's symbol and equation for a paper key, the passage and the readings for a
 * paper ambiguity, what a reconstruction was rebuilt from, the reason and the evidence for a guard, what
 * a solver knob changes. A choice that no paper states (papers.md tag [I]) MUST NOT be declared as
 * {@link KeyOrigin#PAPER}.
 *
 * @param name         full key, {@code <planner>.<setting>} in kebab case (e.g. {@code sparse-ip.xi})
 * @param defaultValue the default, as text
 * @param description  one line: what it does and its unit
 * @param origin       where the key comes from
 * @param basis        the paper symbol, or the reason and evidence (empty only for keys declared with
 *                     the deprecated {@link #ConfigKey(String, String, String, boolean)})
 */
public record ConfigKey(String name, String defaultValue, String description, KeyOrigin origin, String basis) {
    /**
     * Validates every field.
     *
     * @param name full key, {@code <planner>.<setting>} in kebab case (e.g. {@code sparse-ip.xi})
     * @param defaultValue the default, as text
     * @param description one line: what it does and its unit
     * @param origin where the key comes from
     * @param basis the paper symbol, or the reason and evidence
     */
    public ConfigKey {
        Check.notNull(name, "name");
        Check.notNull(defaultValue, "defaultValue");
        Check.notNull(description, "description");
        Check.notNull(origin, "origin");
        Check.notNull(basis, "basis");
    }

    /**
     * A key declared with the earlier assumption flag: {@code true} becomes
     * {@link KeyOrigin#RECONSTRUCTION}, {@code false} {@link KeyOrigin#PAPER}, with an empty basis.
     *
     * @param name full key
     * @param defaultValue the default, as text
     * @param description one line: what it does and its unit
     * @param assumption true when the key encodes our reconstruction rather than a stated value
     * @deprecated name the origin and its basis: {@link #ConfigKey(String, String, String, KeyOrigin, String)}
     */
    @Deprecated(since = "0.1.0")
    public ConfigKey(String name, String defaultValue, String description, boolean assumption) {
        this(name, defaultValue, description, assumption ? KeyOrigin.RECONSTRUCTION : KeyOrigin.PAPER, "");
    }

    /**
     * True when the key encodes a choice of ours rather than a quantity the paper states: a paper
     * ambiguity, a reconstruction or a guard.
     *
     * @return whether the key is an assumption
     * @deprecated read {@link #origin()}
     */
    @Deprecated(since = "0.1.0")
    public boolean assumption() {
        return origin == KeyOrigin.PAPER_AMBIGUITY || origin == KeyOrigin.RECONSTRUCTION || origin == KeyOrigin.GUARD;
    }
}
