package org.edgefm.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes {@code scenarios/paper-table1.json}: paper 1's Table I drawn once into concrete values.
 * Table I gives ranges; this generator draws every value uniformly from its range with a fixed
 * seed ({@link #SEED}), rounds it to 3 decimals, and fills in what the paper does not state with
 * the named assumptions written into the file's comments (papers.md 5.1). The shipped file is
 * exactly this class's output (a test checks it), so a reader can see how every number came about.
 *
 * <p>Run: {@code java -cp <classpath> org.edgefm.sim.PaperTable1Generator [--seed N] [FILE]}
 * (stdout when no file is given). Another seed draws a variant of the same setting (named
 * {@code paper-table1-sN}), for checking results on draws that are not in the repository.
 */
public final class PaperTable1Generator {
    /** The seed of the one draw that produced the shipped file. */
    public static final long SEED = 20260127L;
    /** Edge devices [I]. */
    public static final int EDS = 12;
    /** Edge servers [I]. */
    public static final int ESS = 4;
    /** Users [I]: one stream each, user u at device u mod 12, task type u mod 4. */
    public static final int USERS = 16;
    /** Uplink bandwidth b_u in MB/ms [I]. */
    public static final double UPLINK_MB_PER_MS = 1.0;
    /** Transmit SNR multiplying the Nakagami power gain [I] (10 dB). */
    public static final double SNR_GAIN = 10.0;

    /**
     * The choices [I] a draw is made under: counts of devices, servers and users, the simulator's
     * parallelism exponent, and whether every light service appears in a task type.
     *
     * @param name                the scenario name ({@code -s<seed>} is appended for another seed)
     * @param eds                 edge devices
     * @param ess                 edge servers
     * @param users               users, one stream each
     * @param parallelismExponent {@code sim.parallelism-exponent} written into the planner section (0 = not written)
     * @param allLights           t1-fusion's text leaf runs light3, so that every light service is used
     *                            (the shipped paper-table1 keeps light1 there and leaves light3 unused)
     * @param dropExpired         {@code sim.deadline-action = drop-expired} written into the planner section
     */
    public record Setting(String name, int eds, int ess, int users, double parallelismExponent, boolean allLights,
            boolean dropExpired) {
        /** Validates the counts. */
        public Setting {
            if (eds < 1 || ess < 1 || users < 1 || !(parallelismExponent >= 0 && parallelismExponent <= 1)) {
                throw new IllegalArgumentException("eds, ess and users >= 1 and parallelism exponent in [0, 1] expected");
            }
        }
    }

    /** The shipped {@code paper-table1}: the idle reference (12 EDs, 4 ESs, 16 users, α = 0). */
    public static final Setting TABLE1 = new Setting("paper-table1", EDS, ESS, USERS, 0, false, false);

    /**
     * The shipped {@code paper-table1-contended}: the same Table I ranges on a fleet with one edge
     * server and 104 users, where a light instance's rate is shared by its concurrent tasks
     * ({@code sim.parallelism-exponent} 1), a task whose deadline passed before a stage starts is
     * abandoned ({@code sim.deadline-action = drop-expired}), and every light service is used; its LP
     * bound is near 90% at load 1 (docs/simulator.md).
     */
    public static final Setting CONTENDED = new Setting("paper-table1-contended", EDS, 1, 104, 1.0, true, true);

    private final long seed;
    private final Setting setting;
    private final SplittableRandom rnd;
    private final StringBuilder out = new StringBuilder();

    private PaperTable1Generator(long seed, Setting setting) {
        this.seed = seed;
        this.setting = setting;
        this.rnd = new SplittableRandom(seed);
    }

    /** The scenario of a setting drawn with a seed (named {@code NAME-s<seed>} unless it is {@link #SEED}). */
    public static String generate(long seed, Setting setting) {
        return new PaperTable1Generator(seed, setting).build();
    }

    /** The shipped scenario file's text. */
    public static String generate() {
        return generate(SEED);
    }

    /** The scenario drawn with another seed (named {@code paper-table1-s<seed>} unless it is {@link #SEED}). */
    public static String generate(long seed) {
        return generate(seed, TABLE1);
    }

    private double u(double lo, double hi) {
        double v = lo + (hi - lo) * rnd.nextDouble();
        return Math.round(v * 1000) / 1000.0;
    }

    private static String f(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s + "0" : s;
    }

    private void line(String s) {
        out.append(s).append('\n');
    }

    private String build() {
        line("// " + setting.name() + ": paper 1's simulation setting (Table I), drawn once into concrete values.");
        line("//");
        line("// Generated by org.edgefm.sim.PaperTable1Generator (seed " + seed + "); do not edit by hand:");
        line("// change the generator and re-run it (docs/simulator.md). Every range below is Table I's [S];");
        line("// each value is drawn uniformly from its range and rounded to 3 decimals [I: uniform].");
        line("// Units: MB, ms, MB/ms. Resources: cpu; ram; gpu; vram (Table I gives no units).");
        line("//");
        line("// Assumptions [I] (the paper does not state them; papers.md 1.6 and 5.1):");
        if (setting.ess() == 1) {
            line("//  - " + setting.eds() + " edge devices (ED) and 1 edge server (ES). Two-tier topology: every ED links to the ES.");
            line("//    Link bandwidth w ~ U[0.1, 1.0] MB/ms [S],");
        } else {
            line("//  - " + setting.eds() + " edge devices (ED) and " + setting.ess() + " edge servers (ES). Two-tier topology: ED i links to ES");
            line("//    i mod " + setting.ess() + " and ES (i+1) mod " + setting.ess() + "; the ESs form a full mesh. Link bandwidth w ~ U[0.1, 1.0] MB/ms [S],");
        }
        line("//    length W ~ U[0.1, 5] km [I], propagation l = 2e8 m/s [I], no extra latency.");
        line("//  - 4 core and 8 light services; speed factor 1 everywhere (rates depend on the service only).");
        line("//  - Light rate Gamma(shape k ~ U[1,2], scale σ ~ U[1,20] MB/ms) [I: reading of 'Gamma([1,2],[1,20])'].");
        line("//  - 4 task types with fixed in-tree shapes (below); A_n ~ U[0.5,4] MB, D_n ~ U[50,100] ms [S].");
        line("//  - " + setting.users() + " users; user u sits at ED u mod " + setting.eds() + " and runs task type u mod 4 (one stream each).");
        line("//    Arrivals Poisson with rate ~ U[0.15, 1.5] per ms [S, read per ms as printed; the per-slot");
        line("//    reading would make the system nearly idle]. --load L multiplies every rate.");
        line("//  - Uplink b_u = " + f(UPLINK_MB_PER_MS) + " MB/ms per bit/s/Hz [I]; channel Nakagami m ~ U[1.5,3], Ω ~ U[0.5,1] [S],");
        line("//    SNR gain " + f(SNR_GAIN) + " (10 dB) [I] multiplying the fading power gain; log base 2 [I].");
        line("//  - Slot Δt = 20 ms [I], 2,000 slots (40 s), core placement once at start (planningEpochMs 0).");
        line("//  - Costs: core 20; 4; 0 and light 4; 1; 0.5 (deploy; maintain; parallelism) [S].");
        if (setting.parallelismExponent() > 0) {
            line("//  - Simulator settings (sim.* keys, docs/simulator.md): per-task light rate f·y^-" + f(setting.parallelismExponent())
                    + " [I: contention,");
            line("//    an instance at parallelism y serves y tasks at f/y^" + f(setting.parallelismExponent()) + " each]; the rest at their defaults:");
            line("//    weighted routing, unrouted stages dropped, " + (setting.dropExpired() ? "" : "late tasks run to completion, ")
                    + "parallelism cost c^pl·x·y,");
            line("//    no light instantiation charge in slot 0.");
        } else {
            line("//  - Simulator settings (sim.* keys, all at their defaults, docs/simulator.md): weighted routing,");
            line("//    unrouted stages dropped, per-task light rate f·y^0 (eq. 11 literally: capacity x·y),");
            line("//    late tasks run to completion, parallelism cost c^pl·x·y, no light instantiation charge in slot 0.");
        }
        if (setting.dropExpired()) {
            line("//  - sim.deadline-action = drop-expired [I]: a task whose deadline passed before one of its stages");
            line("//    starts is abandoned there (counted as expired), as a serving system drops a request nobody waits for.");
        }
        if (setting.allLights()) {
            line("//  - t1-fusion's text leaf runs light3, so that all 8 light services are used [I].");
        } else {
            line("//  - light3 is drawn but used by no task type (kept so that this file's draws stay as published).");
        }
        line("{");
        line("  \"schema\": 1,");
        line("  \"name\": \"" + (seed == SEED ? setting.name() : setting.name() + "-s" + seed) + "\",");
        line("  \"description\": \"Paper 1, Table I drawn once (seed " + seed + "): " + setting.eds() + " EDs, " + setting.ess()
                + " ES" + (setting.ess() == 1 ? "" : "s") + ", 4 core + 8 light services, 4 task types, " + setting.users() + " users"
                + (setting.parallelismExponent() > 0 ? ", parallelism exponent " + f(setting.parallelismExponent()) : "") + ".\",");
        line("");
        line("  \"topology\": {");
        line("    \"nodes\": [");
        line("      // ED capacity: cpu U[1,64], ram U[1,32], gpu U[0,64], vram U[0,64] [S]");
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < setting.eds(); i++) {
            rows.add(String.format(Locale.ROOT, "      {\"id\": \"ed%02d\", \"kind\": \"device\", \"capacity\": {\"cpu\": %s, \"ram\": %s, \"gpu\": %s, \"vram\": %s}}",
                    i, f(u(1, 64)), f(u(1, 32)), f(u(0, 64)), f(u(0, 64))));
        }
        rows.add("      // ES capacity: cpu U[128,256], ram U[64,128], gpu U[1024,2048], vram U[256,512] [S]");
        for (int i = 0; i < setting.ess(); i++) {
            rows.add(String.format(Locale.ROOT, "      {\"id\": \"es%d\", \"kind\": \"edge-server\", \"capacity\": {\"cpu\": %s, \"ram\": %s, \"gpu\": %s, \"vram\": %s}}",
                    i, f(u(128, 256)), f(u(64, 128)), f(u(1024, 2048)), f(u(256, 512))));
        }
        joinRows(rows);
        line("    ],");
        line("    \"links\": [");
        rows.clear();
        for (int i = 0; i < setting.eds(); i++) {
            int[] servers = setting.ess() == 1 ? new int[] {0} : new int[] {i % setting.ess(), (i + 1) % setting.ess()};
            for (int e : servers) {
                rows.add(String.format(Locale.ROOT, "      {\"a\": \"ed%02d\", \"b\": \"es%d\", \"bandwidthMbPerMs\": %s, \"lengthKm\": %s, \"extraLatencyMs\": 0}",
                        i, e, f(u(0.1, 1.0)), f(u(0.1, 5))));
            }
        }
        for (int a = 0; a < setting.ess(); a++) {
            for (int b = a + 1; b < setting.ess(); b++) {
                rows.add(String.format(Locale.ROOT, "      {\"a\": \"es%d\", \"b\": \"es%d\", \"bandwidthMbPerMs\": %s, \"lengthKm\": %s, \"extraLatencyMs\": 0}",
                        a, b, f(u(0.1, 1.0)), f(u(0.1, 5))));
            }
        }
        joinRows(rows);
        line("    ]");
        line("  },");
        line("");
        line("  \"services\": [");
        rows.clear();
        rows.add("    // Core: r = cpu U[2,16], ram U[1,4], gpu U[4,32], vram U[4,32]; a U[2,16]; b U[0.1,1]; f U[8,32] deterministic [S]");
        for (int i = 0; i < 4; i++) {
            rows.add(String.format(Locale.ROOT, "    {\"id\": \"core%d\", \"kind\": \"core\", \"demand\": {\"cpu\": %s, \"ram\": %s, \"gpu\": %s, \"vram\": %s},"
                            + " \"workloadMb\": %s, \"outputMb\": %s, \"rate\": {\"type\": \"deterministic\", \"rate\": %s},"
                            + " \"costs\": {\"deploy\": 20.0, \"maintain\": 4.0, \"parallelism\": 0.0}}",
                    i, f(u(2, 16)), f(u(1, 4)), f(u(4, 32)), f(u(4, 32)), f(u(2, 16)), f(u(0.1, 1)), f(u(8, 32))));
        }
        rows.add("    // Light: r = cpu U[0.5,2], ram U[0,0.5], gpu U[0.25,4], vram U[0,1]; a U[0.5,2]; b U[0.25,1.5]; f Gamma(U[1,2], U[1,20]) [S]");
        for (int i = 0; i < 8; i++) {
            rows.add(String.format(Locale.ROOT, "    {\"id\": \"light%d\", \"kind\": \"light\", \"demand\": {\"cpu\": %s, \"ram\": %s, \"gpu\": %s, \"vram\": %s},"
                            + " \"workloadMb\": %s, \"outputMb\": %s, \"rate\": {\"type\": \"gamma\", \"shape\": %s, \"scale\": %s},"
                            + " \"costs\": {\"deploy\": 4.0, \"maintain\": 1.0, \"parallelism\": 0.5}}",
                    i, f(u(0.5, 2)), f(u(0, 0.5)), f(u(0.25, 4)), f(u(0, 1)), f(u(0.5, 2)), f(u(0.25, 1.5)), f(u(1, 2)), f(u(1, 20))));
        }
        joinRows(rows);
        line("  ],");
        line("");
        line("  \"taskTypes\": [");
        line("    // Shapes [I] (papers.md 5.1: 3-6 stages, 1-2 core services, light pre-processing leaves, light root).");
        rows.clear();
        rows.add(type("t0-vision", "{\"id\": \"pre\", \"service\": \"light0\", \"next\": \"enc\"}, {\"id\": \"enc\", \"service\": \"core0\", \"next\": \"post\"},"
                + " {\"id\": \"post\", \"service\": \"light4\"}"));
        rows.add(type("t1-fusion", "{\"id\": \"img\", \"service\": \"light0\", \"next\": \"enc\"}, {\"id\": \"enc\", \"service\": \"core0\", \"next\": \"fuse\"},"
                + " {\"id\": \"txt\", \"service\": \"" + (setting.allLights() ? "light3" : "light1") + "\", \"next\": \"fuse\"}, {\"id\": \"fuse\", \"service\": \"core2\", \"next\": \"post\"},"
                + " {\"id\": \"post\", \"service\": \"light6\"}"));
        rows.add(type("t2-audio", "{\"id\": \"pre\", \"service\": \"light2\", \"next\": \"enc\"}, {\"id\": \"enc\", \"service\": \"core3\", \"next\": \"post\"},"
                + " {\"id\": \"post\", \"service\": \"light7\"}"));
        rows.add(type("t3-multi", "{\"id\": \"txt\", \"service\": \"light1\", \"next\": \"tenc\"}, {\"id\": \"tenc\", \"service\": \"core1\", \"next\": \"mix\"},"
                + " {\"id\": \"aud\", \"service\": \"light2\", \"next\": \"aenc\"}, {\"id\": \"aenc\", \"service\": \"core3\", \"next\": \"mix\"},"
                + " {\"id\": \"mix\", \"service\": \"light5\", \"next\": \"post\"}, {\"id\": \"post\", \"service\": \"light6\"}"));
        joinRows(rows);
        line("  ],");
        line("");
        line("  \"users\": [");
        line("    // Channel Nakagami m U[1.5,3], Ω U[0.5,1] [S]; snrGain and uplink bandwidth [I] (header).");
        rows.clear();
        for (int uId = 0; uId < setting.users(); uId++) {
            rows.add(String.format(Locale.ROOT, "    {\"id\": \"u%02d\", \"node\": \"ed%02d\", \"uplinkBandwidthMbPerMs\": %s, \"channel\": {\"type\": \"nakagami\", \"m\": %s, \"omega\": %s, \"snrGain\": %s}}",
                    uId, uId % setting.eds(), f(UPLINK_MB_PER_MS), f(u(1.5, 3)), f(u(0.5, 1)), f(SNR_GAIN)));
        }
        joinRows(rows);
        line("  ],");
        line("");
        line("  \"workload\": [");
        line("    // Poisson, rate U[0.15,1.5] per ms [S].");
        rows.clear();
        String[] types = {"t0-vision", "t1-fusion", "t2-audio", "t3-multi"};
        for (int uId = 0; uId < setting.users(); uId++) {
            rows.add(String.format(Locale.ROOT, "    {\"user\": \"u%02d\", \"taskType\": \"%s\", \"arrivals\": {\"type\": \"poisson\", \"ratePerMs\": %s}}",
                    uId, types[uId % 4], f(u(0.15, 1.5))));
        }
        joinRows(rows);
        line("  ],");
        line("");
        line("  \"run\": {\"slotMs\": 20, \"slots\": 2000, \"planningEpochMs\": 0, \"seed\": 1},");
        line("  \"failures\": [],");
        List<String> sim = new ArrayList<>();
        if (setting.parallelismExponent() > 0) {
            sim.add("\"sim.parallelism-exponent\": " + f(setting.parallelismExponent()));
        }
        if (setting.dropExpired()) {
            sim.add("\"sim.deadline-action\": \"drop-expired\"");
        }
        line("  \"planner\": {" + String.join(", ", sim) + "}");
        line("}");
        return out.toString();
    }

    private String type(String id, String stages) {
        return String.format(Locale.ROOT, "    {\"id\": \"%s\", \"inputMb\": %s, \"deadlineMs\": %s, \"stages\": [%s]}",
                id, f(u(0.5, 4)), f(u(50, 100)), stages);
    }

    private void joinRows(List<String> rows) {
        int lastData = -1;
        for (int i = 0; i < rows.size(); i++) {
            if (!rows.get(i).trim().startsWith("//")) {
                lastData = i;
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            String r = rows.get(i);
            boolean comment = r.trim().startsWith("//");
            line(comment || i == lastData ? r : r + ",");
        }
    }
}
