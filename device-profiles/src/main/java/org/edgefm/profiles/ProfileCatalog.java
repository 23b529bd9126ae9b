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
            "jetson-orin-nano-8gb", "jetson-orin-nx-16gb", "jetson-agx-orin-64gb", "jetson-xavier-nx-8gb",
            "nvidia-t4", "nvidia-l4", "nvidia-a100-80gb", "nvidia-h100-80gb", "rtx-4090", "generic-cpu");
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

    /** The profile with this name, if any. */
    public Optional<DeviceProfile> find(String name) {
        return Optional.ofNullable(profiles.get(name));
    }

    /** The profile with this name, or an error that lists the known names. */
    public DeviceProfile get(String name) {
        DeviceProfile p = profiles.get(name);
        if (p == null) {
            throw new EdgeFmException("unknown device profile '" + name + "' (expected one of: "
                    + String.join(", ", NAMES) + ")");
        }
        return p;
    }

    /** The profile names. */
    public Collection<String> names() {
        return NAMES;
    }
}
