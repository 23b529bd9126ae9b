package org.edgefm.wire;

/** MQTT quality of service levels. */
public enum Qos {
    /** QoS 0: fire and forget. */
    AT_MOST_ONCE(0),
    /** QoS 1: acknowledged, may be duplicated. */
    AT_LEAST_ONCE(1),
    /** QoS 2: exactly once (not used by EdgeFM; duplicates are handled by ids and versions). */
    EXACTLY_ONCE(2);

    private final int level;

    Qos(int level) {
        this.level = level;
    }

    /** The numeric level for MQTT client APIs. */
    public int level() {
        return level;
    }
}
