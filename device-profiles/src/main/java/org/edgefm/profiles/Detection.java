package org.edgefm.profiles;

import static java.util.Objects.requireNonNull;

/**
 * The profile detection chose, and why.
 *
 * @param profile the matching profile
 * @param reason  one line naming the evidence, e.g. {@code /proc/device-tree/model is 'NVIDIA
 *                Jetson AGX Orin Developer Kit'}
 */
public record Detection(DeviceProfile profile, String reason) {
    /** Validates the fields. */
    public Detection {
        requireNonNull(profile, "profile is null");
        requireNonNull(reason, "reason is null");
    }
}
