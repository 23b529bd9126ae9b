package org.edgefm.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A task's ticket: the signature with which its origin vouches that the task entered there, so the
 * host counts completions only of tasks a node of the fleet actually admitted.
 *
 * <p>The host keeps one secret ({@code dataDir/task-secret}) and derives from it, per node and
 * planner epoch, the node's task key, {@code HMAC-SHA256(secret, "edgefm-task-key|fleet|node|epoch")}.
 * The key travels only in that node's directive (whose topic only that node and the host may read).
 * When a task enters at a node, the agent signs it with its current key; the ticket
 * {@code EPOCH.MAC} with {@code MAC = HMAC-SHA256(key, "taskId|origin|taskType|submittedAtMs")},
 * its first 16 bytes in base64url, travels in the stage header from agent to agent and comes back
 * in the completion. The host recomputes the key from the ticket's epoch and the completion's
 * origin: a node cannot invent a task id, sign a task of another origin, or move a task's submit
 * time or type, without another node's key. Thread-safe (no state).
 */
public final class TaskTicket {
    private static final int MAC_BYTES = 16;

    private TaskTicket() {
    }

    /**
     * The task key of {@code node} in {@code fleet} for {@code plannerEpoch} (base64url, 43 characters).
     *
     * @param secret the host's secret (at least 16 bytes)
     */
    public static String nodeKey(byte[] secret, String fleet, String node, long plannerEpoch) {
        return b64(hmac(secret, "edgefm-task-key|" + fleet + "|" + node + "|" + plannerEpoch), 32);
    }

    /**
     * The data-plane token of {@code fleet} (base64url, 43 characters): the same for every node and
     * every planner epoch (agents that still run an earlier host run's directive exchange stage
     * data with those that run the new one), until the host's secret is replaced.
     */
    public static String dataToken(byte[] secret, String fleet) {
        return b64(hmac(secret, "edgefm-data-token|" + fleet), 32);
    }

    /**
     * Signs a task that entered at {@code origin}.
     *
     * @param nodeKey      the origin's task key (its directive's {@code taskKey})
     * @param plannerEpoch the planner epoch of that directive
     */
    public static String sign(String nodeKey, long plannerEpoch, String taskId, String origin, String taskType,
            long submittedAtMs) {
        byte[] key = Base64.getUrlDecoder().decode(nodeKey);
        return plannerEpoch + "." + b64(hmac(key, taskId + "|" + origin + "|" + taskType + "|" + submittedAtMs), MAC_BYTES);
    }

    /** The planner epoch a ticket names, or -1 when it is not of the form {@code EPOCH.MAC}. */
    public static long epoch(String ticket) {
        if (ticket == null) {
            return -1;
        }
        int dot = ticket.indexOf('.');
        if (dot <= 0 || dot > 18) {
            return -1;
        }
        try {
            long e = Long.parseLong(ticket.substring(0, dot));
            return e >= 0 ? e : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** True when {@code ticket} is the signature of the completion's task by its origin (constant time). */
    public static boolean verify(byte[] secret, String fleet, TaskCompletion c) {
        long epoch = epoch(c.ticket());
        if (epoch < 0) {
            return false;
        }
        String expected = sign(nodeKey(secret, fleet, c.origin(), epoch), epoch, c.taskId(), c.origin(), c.taskType(),
                c.submittedAtMs());
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                c.ticket().getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable: " + e.getMessage(), e);
        }
    }

    private static String b64(byte[] b, int n) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(b, n));
    }
}
