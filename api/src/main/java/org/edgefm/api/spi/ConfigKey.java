package org.edgefm.api.spi;

import org.edgefm.api.Check;

/**
 * A configuration key a planner reads, declared so that {@code ./edgefm plugins} and the plugin's
 * README can list it. A reconstruction that no paper states (papers.md tag [I]) MUST be declared
 * with {@code assumption = true}.
 *
 * @param name         full key, {@code <planner>.<setting>} in kebab case (e.g. {@code two-tier.xi})
 * @param defaultValue the default, as text
 * @param description  one line: what it does and its unit
 * @param assumption   true when the key encodes our reconstruction rather than a stated value
 */
public record ConfigKey(String name, String defaultValue, String description, boolean assumption) {
    /**
     * Validates every field.
     *
     * @param name full key, {@code <planner>.<setting>} in kebab case (e.g. {@code two-tier.xi})
     * @param defaultValue the default, as text
     * @param description one line: what it does and its unit
     * @param assumption true when the key encodes our reconstruction rather than a stated value
     */
    public ConfigKey {
        Check.notNull(name, "name");
        Check.notNull(defaultValue, "defaultValue");
        Check.notNull(description, "description");
    }
}
