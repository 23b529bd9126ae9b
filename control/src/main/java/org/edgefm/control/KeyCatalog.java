package org.edgefm.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.edgefm.api.spi.ConfigKey;
import org.edgefm.api.spi.KeyOrigin;

/**
 * Every configuration key of the installed planner parts and of the simulator, each once, with its
 * origin, its basis, its default and the parts that read it: what {@code ./edgefm keys} lists and what
 * {@code docs/keys.md} is generated from ({@link #markdown()}).
 */
public final class KeyCatalog {
    /**
     * One key.
     *
     * @param key    the declaration (the first part's where several parts declare the same key)
     * @param readBy the planner parts that read it; empty for a simulator key
     */
    public record Entry(ConfigKey key, List<String> readBy) {
        /** Validates the fields. */
        public Entry {
            Objects.requireNonNull(key, "key is null");
            readBy = List.copyOf(readBy);
        }
    }

    private final List<Entry> planner;
    private final List<Entry> simulator;

    private KeyCatalog(List<Entry> planner, List<Entry> simulator) {
        this.planner = planner;
        this.simulator = simulator;
    }

    /**
     * The catalogue of the registry's parts and the simulator's keys.
     *
     * @param registry  the installed planner parts
     * @param simulator the simulator's declared keys
     * @return the catalogue, planner keys sorted by name, simulator keys in declaration order
     */
    public static KeyCatalog of(PluginRegistry registry, List<ConfigKey> simulator) {
        Map<String, ConfigKey> first = new java.util.TreeMap<>();
        Map<String, List<String>> readers = new LinkedHashMap<>();
        registry.configKeys().forEach((part, keys) -> keys.forEach(k -> {
            first.putIfAbsent(k.name(), k);
            readers.computeIfAbsent(k.name(), n -> new ArrayList<>()).add(part);
        }));
        List<Entry> p = new ArrayList<>();
        first.forEach((n, k) -> p.add(new Entry(k, readers.get(n))));
        List<Entry> s = simulator.stream().map(k -> new Entry(k, List.of())).toList();
        return new KeyCatalog(List.copyOf(p), s);
    }

    /** The planner keys, by name. */
    public List<Entry> planner() {
        return planner;
    }

    /** The simulator keys, in declaration order. */
    public List<Entry> simulator() {
        return simulator;
    }

    /** The keys table as {@code docs/keys.md} holds it (generated; the test of the documentation compares the two). */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Configuration keys\n\n")
                .append("<!-- Generated from the key declarations by ./edgefm keys --markdown; do not edit by hand. -->\n\n")
                .append("Every key a built-in planner or the simulator reads, declared once in the code with its origin:\n\n");
        for (KeyOrigin o : KeyOrigin.values()) {
            b.append("- `").append(o.label()).append("`: ").append(meaning(o)).append('\n');
        }
        b.append("\nThe basis column gives the paper's symbol and equation for a paper key, the passage and its readings for"
                + " a paper ambiguity, what a reconstruction was rebuilt from (papers.md tags), and the reason and evidence"
                + " for a guard. Planner keys are set in a scenario's `planner` section or with `--set [PLANNER:]KEY=VALUE`;"
                + " simulator keys in the same section or with `simulate --set sim.KEY=VALUE`.\n\n");
        b.append("## Planner keys\n\n| key | default | origin | basis | meaning | read by |\n|---|---|---|---|---|---|\n");
        for (Entry e : planner) {
            row(b, e.key(), String.join(", ", e.readBy()));
        }
        b.append("\n## Simulator keys\n\n| key | default | origin | basis | meaning |\n|---|---|---|---|---|\n");
        for (Entry e : simulator) {
            row(b, e.key(), null);
        }
        b.append("\n").append(counts());
        return b.toString();
    }

    private String counts() {
        Map<KeyOrigin, Integer> n = new java.util.EnumMap<>(KeyOrigin.class);
        planner.forEach(e -> n.merge(e.key().origin(), 1, Integer::sum));
        simulator.forEach(e -> n.merge(e.key().origin(), 1, Integer::sum));
        StringBuilder b = new StringBuilder();
        b.append(planner.size()).append(" planner keys and ").append(simulator.size()).append(" simulator keys: ");
        boolean firstOne = true;
        for (KeyOrigin o : KeyOrigin.values()) {
            b.append(firstOne ? "" : ", ").append(n.getOrDefault(o, 0)).append(' ').append(o.label());
            firstOne = false;
        }
        return b.append(".\n").toString();
    }

    private static void row(StringBuilder b, ConfigKey k, String readBy) {
        b.append("| `").append(k.name()).append("` | `").append(cell(k.defaultValue())).append("` | ").append(k.origin().label())
                .append(" | ").append(cell(k.basis())).append(" | ").append(cell(k.description())).append(" |");
        if (readBy != null) {
            b.append(' ').append(readBy).append(" |");
        }
        b.append('\n');
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static String meaning(KeyOrigin o) {
        return switch (o) {
            case PAPER -> "a quantity the paper states (its symbol and equation); the default may still be ours where the"
                    + " paper gives no value";
            case PAPER_AMBIGUITY -> "the paper states it in a way that admits more than one reading; the key chooses one";
            case RECONSTRUCTION -> "a part of the method the paper does not state (or that could not be read), rebuilt by us";
            case GUARD -> "added by us where the method failed without it, with the reason and the evidence";
            case SOLVER -> "how an answer is computed, not the model: backends, limits, search sizes, seeds, scale cut-offs,"
                    + " node roles, diagnostics";
        };
    }
}
