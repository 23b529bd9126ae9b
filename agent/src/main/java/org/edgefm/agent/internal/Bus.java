package org.edgefm.agent.internal;

/** Event-bus addresses between the agent's verticles (local to one agent process). */
public final class Bus {
    /** Publish a payload: body Buffer, headers {@code topic}, {@code qos}, {@code retain}; replies after the broker acknowledged. */
    public static final String PUBLISH = "edgefm.agent.publish";
    /** A directive arrived: body Buffer, header {@code topic}. */
    public static final String DIRECTIVE_IN = "edgefm.agent.directive";
    /** The host's secrets for this node arrived: body Buffer, header {@code topic}. */
    public static final String KEYS_IN = "edgefm.agent.keys";
    /** The link is up and the birth is out (published, no body). */
    public static final String CONNECTED = "edgefm.agent.connected";
    /** The host announced itself online on {@code host/state} (no body). */
    public static final String HOST_ONLINE = "edgefm.agent.host-online";
    /** Publish the birth again on the current session. */
    public static final String REBIRTH = "edgefm.agent.rebirth";
    /** Time the kernels again. */
    public static final String CALIBRATE = "edgefm.agent.calibrate";
    /** A result to deliver: body Buffer (a Result message), header {@code taskId}. */
    public static final String RESULT = "edgefm.agent.result";

    private Bus() {
    }
}
