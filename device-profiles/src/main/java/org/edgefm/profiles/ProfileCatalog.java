package org.edgefm.profiles;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.edgefm.api.EdgeFmException;

/**
 * The built-in device profiles, read from the resource files
 * {@code org/edgefm/profiles/catalog/NAME.json}. Immutable and thread-safe.
 */
public final class ProfileCatalog {
    /** The profile names, in catalog order; each has a resource file. */
    public static final List<String> NAMES = List.of(
            "jetson-nano-4gb", "jetson-orin-nano-8gb", "jetson-orin-nano-4gb", "jetson-orin-nx-8gb", "jetson-orin-nx-16gb",
            "jetson-agx-orin-32gb", "jetson-agx-orin-64gb", "jetson-xavier-nx-8gb",
            "nvidia-t4", "nvidia-l4", "nvidia-a10", "nvidia-a10g", "nvidia-l40s", "nvidia-a100-40gb", "nvidia-a100-80gb",
            "nvidia-a100-pcie-40gb", "nvidia-a100-pcie-80gb", "nvidia-h100-pcie", "nvidia-h100-80gb", "rtx-4090", "rtx-3090-ti",
            "generic-cpu");
    /** The profile of a machine without a recognised accelerator. */
    public static final String GENERIC_CPU = "generic-cpu";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static volatile ProfileCatalog builtIn;

    private final Map<String, DeviceProfile> profiles;

    private ProfileCatalog(Map<String, DeviceProfile> profiles) {
        this.profiles = profiles;
    }

    /** The built-in catalog (read once). */
    public static ProfileCatalog builtIn() {
        ProfileCatalog c = builtIn;
        if (c == null) {
            Map<String, DeviceProfile> m = new LinkedHashMap<>();
            for (String name : NAMES) {
                m.put(name, read(name));
            }
            c = new ProfileCatalog(Map.copyOf(m));
            builtIn = c;
        }
        return c;
    }

    private static DeviceProfile read(String name) {
        String path = "catalog/" + name + ".json";
        try (InputStream in = ProfileCatalog.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new EdgeFmException("device profile '" + name + "': resource " + path + " is missing");
            }
            DeviceProfile p = MAPPER.readValue(in, DeviceProfile.class);
            if (!p.name().equals(name)) {
                throw new EdgeFmException(path + ": name '" + p.name() + "' (expected: '" + name + "')");
            }
            return p;
        } catch (IOException | IllegalArgumentException e) {
            throw new EdgeFmException(path + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** All profiles in catalog order. */
    public List<DeviceProfile> all() {
        return NAMES.stream().map(profiles::get).toList();
    }

    /**
     * The profile with this name, if any; {@code NAME@MODE} names a power mode of a board (e.g.
     * {@code jetson-orin-nano-8gb@MAXN_SUPER}).
     */
    public Optional<DeviceProfile> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        int at = name.indexOf('@');
        if (at < 0) {
            return Optional.ofNullable(profiles.get(name));
        }
        DeviceProfile base = profiles.get(name.substring(0, at));
        if (base == null || base.findMode(name.substring(at + 1)).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(base.inMode(name.substring(at + 1)));
    }

    /** The profile with this name (or {@code NAME@MODE}), or an error that lists the known names or modes. */
    public DeviceProfile get(String name) {
        Optional<DeviceProfile> p = find(name);
        if (p.isPresent()) {
            return p.get();
        }
        int at = name == null ? -1 : name.indexOf('@');
        if (at >= 0 && profiles.containsKey(name.substring(0, at))) {
            DeviceProfile base = profiles.get(name.substring(0, at));
            throw new EdgeFmException("device profile '" + base.name() + "' has no power mode '" + name.substring(at + 1)
                    + "' (expected one of: " + (base.powerModes().isEmpty() ? "none, it has no modes"
                    : String.join(", ", base.powerModes().stream().map(DeviceProfile.PowerMode::name).toList())) + ")");
        }
        throw new EdgeFmException("unknown device profile '" + name + "' (expected one of: "
                + String.join(", ", NAMES) + ")");
    }

    /** Every profile and every power-mode variant, in catalog order. */
    public List<DeviceProfile> allVariants() {
        List<DeviceProfile> out = new java.util.ArrayList<>();
        for (DeviceProfile p : all()) {
            out.add(p);
            for (DeviceProfile.PowerMode m : p.powerModes()) {
                out.add(p.inMode(m.name()));
            }
        }
        return out;
    }

    /** The profile names. */
    public Collection<String> names() {
        return NAMES;
    }
}
