package org.edgefm.profiles;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * Picks the catalog profile that matches a machine. Order of evidence: a Jetson board model in
 * {@code /proc/device-tree/model}, then the first GPU name from {@code nvidia-smi}, then
 * {@code generic-cpu}. Matching is by the case-insensitive substrings in each profile's
 * {@code detect} section; the longest matching substring wins, so "orin nx" never matches a
 * "Xavier NX" board.
 */
public final class ProfileDetector {
    private final ProfileCatalog catalog;

    /** A detector over a catalog. */
    public ProfileDetector(ProfileCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** Detects the profile of the machine described by {@code facts}. */
    public Detection detect(MachineFacts facts) {
        String ram = String.format(Locale.ROOT, "%.1f GB RAM", facts.ramBytes() / 1e9);
        if (facts.deviceTreeModel() != null) {
            DeviceProfile p = best(facts.deviceTreeModel(), true);
            if (p != null) {
                return new Detection(p, "/proc/device-tree/model is '" + facts.deviceTreeModel() + "' (" + facts.arch()
                        + ", " + facts.logicalCores() + " cores, " + ram + ")");
            }
        }
        for (String gpu : facts.gpuNames()) {
            DeviceProfile p = best(gpu, false);
            if (p != null) {
                return new Detection(p, "nvidia-smi reports GPU '" + gpu + "' (host CPU '" + facts.cpuModel() + "', "
                        + facts.logicalCores() + " cores, " + ram + ")");
            }
        }
        StringBuilder why = new StringBuilder();
        why.append(facts.deviceTreeModel() == null ? "no /proc/device-tree/model"
                : "device-tree model '" + facts.deviceTreeModel() + "' is not a catalogued board");
        why.append(facts.gpuNames().isEmpty() ? ", no GPU from nvidia-smi"
                : ", GPU(s) " + facts.gpuNames() + " not in the catalog");
        why.append("; CPU '").append(facts.cpuModel()).append("' (").append(facts.arch()).append(", ")
                .append(facts.logicalCores()).append(" cores, ").append(ram).append(")");
        return new Detection(catalog.get(ProfileCatalog.GENERIC_CPU), why.toString());
    }

    private DeviceProfile best(String evidence, boolean board) {
        String e = evidence.toLowerCase(Locale.ROOT);
        DeviceProfile best = null;
        int bestLen = 0;
        for (DeviceProfile p : catalog.all()) {
            for (String s : board ? p.detect().deviceTreeModel() : p.detect().gpuName()) {
                String needle = s.toLowerCase(Locale.ROOT);
                if (e.contains(needle) && needle.length() > bestLen) {
                    best = p;
                    bestLen = needle.length();
                }
            }
        }
        return best;
    }
}
