package org.edgefm.profiles;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Picks the catalog profile that matches a machine. Order of evidence: a Jetson board model in
 * {@code /proc/device-tree/model}, then the first GPU from {@code nvidia-smi}, then
 * {@code generic-cpu}. Matching is by the case-insensitive substrings in each profile's
 * {@code detect} section; the longest matching substring wins, so "orin nx" never matches a
 * "Xavier NX" board. Boards and GPUs sold with several memory sizes (Orin NX 8/16 GB, AGX Orin
 * 32/64 GB, A100 40/80 GB) are told apart by the memory the machine reports: the profile whose
 * nominal size is nearest (the OS reports less than the nominal size, e.g. 7.6 GB of an 8 GB
 * board). On a Jetson, the mode {@code nvpmodel -q} reports selects the power-mode variant
 * ({@code NAME@MODE}) where the board has that mode.
 */
public final class ProfileDetector {
    private final ProfileCatalog catalog;

    /** A detector over a catalog. */
    public ProfileDetector(ProfileCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /**
     * The ratio of reported to nominal RAM beyond which a board's module is not the catalogued one (the OS
     * reports 7.4-7.6 GB of an 8 GB module, 15.3-15.6 of 16, 62.8 of 64: well within it).
     */
    static final double RAM_MISMATCH = 1.5;

    /** Detects the profile of the machine described by {@code facts}. */
    public Detection detect(MachineFacts facts) {
        double ramGb = facts.ramBytes() / 1e9;
        String ram = String.format(Locale.ROOT, "%.1f GB RAM", ramGb);
        if (facts.deviceTreeModel() != null) {
            DeviceProfile p = best(facts.deviceTreeModel(), true, ramGb);
            if (p != null) {
                StringBuilder why = new StringBuilder("/proc/device-tree/model is '" + facts.deviceTreeModel() + "' (" + facts.arch()
                        + ", " + facts.logicalCores() + " cores, " + ram + String.format(Locale.ROOT, ": the %.0f GB module", p.ramGb()) + ")");
                if (ramGb > 0 && Math.abs(Math.log(ramGb / p.ramGb())) > Math.log(RAM_MISMATCH)) {
                    // e.g. an Orin Nano 4GB or a Xavier NX 16GB module: no catalogued module of this board has that much RAM
                    why.append(String.format(Locale.ROOT, "; no catalogued module of this board has %.1f GB RAM: the nearest one's"
                            + " figures (%.0f GB)", ramGb, p.ramGb()));
                }
                String l4t = MachineFacts.l4tVersion(facts.tegraRelease());
                if (l4t != null) {
                    why.append("; L4T ").append(l4t);
                }
                if (facts.powerMode() != null) {
                    if (p.findMode(facts.powerMode()).isPresent()) {
                        boolean assumed = p.findMode(facts.powerMode()).get().assumed();
                        p = p.inMode(facts.powerMode());
                        why.append("; nvpmodel mode ").append(facts.powerMode());
                        if (assumed) {
                            why.append(" (its figures are an assumption, see the catalog's source)");
                        }
                        if (p.uncapped()) {
                            why.append(String.format(Locale.ROOT, " (no power cap; power priced at %.0f W)", p.power().maxW()));
                        }
                    } else {
                        why.append("; nvpmodel mode ").append(facts.powerMode()).append(" is not catalogued for this board (base figures)");
                    }
                }
                return new Detection(p, why.toString());
            }
        }
        for (int i = 0; i < facts.gpuNames().size(); i++) {
            String gpu = facts.gpuNames().get(i);
            Long mib = i < facts.gpuMemoryMiB().size() ? facts.gpuMemoryMiB().get(i) : null;
            DeviceProfile p = best(gpu, false, mib == null ? Double.NaN : mib * 1048576.0 / 1e9);
            if (p != null) {
                return new Detection(p, "nvidia-smi reports GPU '" + gpu + "'" + (mib == null ? "" : " with " + mib + " MiB")
                        + " (host CPU '" + facts.cpuModel() + "', " + facts.logicalCores() + " cores, " + ram + ")");
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

    /**
     * The profile with the longest matching substring; among equally long matches the one whose
     * memory (main memory for a board, GPU memory for a GPU) is nearest {@code memGb} (NaN: the
     * first in catalog order).
     */
    private DeviceProfile best(String evidence, boolean board, double memGb) {
        String e = evidence.toLowerCase(Locale.ROOT);
        List<DeviceProfile> ties = new ArrayList<>();
        int bestLen = 0;
        for (DeviceProfile p : catalog.all()) {
            int len = 0;
            for (String s : board ? p.detect().deviceTreeModel() : p.detect().gpuName()) {
                String needle = s.toLowerCase(Locale.ROOT);
                if (e.contains(needle)) {
                    len = Math.max(len, needle.length());
                }
            }
            if (len > bestLen) {
                bestLen = len;
                ties.clear();
            }
            if (len > 0 && len == bestLen) {
                ties.add(p);
            }
        }
        if (ties.isEmpty()) {
            return null;
        }
        if (ties.size() == 1 || Double.isNaN(memGb) || !(memGb > 0)) {
            return ties.get(0);
        }
        DeviceProfile best = ties.get(0);
        double bestD = Double.MAX_VALUE;
        for (DeviceProfile p : ties) {
            double nominal = board || p.gpu() == null ? p.ramGb() : p.gpu().memoryGb();
            double d = Math.abs(Math.log(memGb / nominal));
            if (d < bestD) {
                bestD = d;
                best = p;
            }
        }
        return best;
    }
}
