package org.edgefm.trial.run;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trial's task submissions that their origin agent did not accept (no 202): counted, and the
 * first one and then every power of two said with its reason (the agent's endpoint, the HTTP
 * status and error, or the connection failure), so a trial whose tasks all fail at the door says
 * why instead of only counting them. Thread-safe.
 */
final class TaskRefusals {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRefusals.class);
    private static final int MAX_BODY_CHARS = 200;

    private final AtomicLong count = new AtomicLong();

    /** Counts one refusal and logs it when it is the first or the count is a power of two. */
    void refused(String taskId, String node, String endpoint, int status, String body, Throwable failure) {
        long n = count.incrementAndGet();
        if (n == 1 || Long.bitCount(n) == 1) {
            LOG.warn("{}; {} task(s) not accepted so far", line(taskId, node, endpoint, status, body, failure), n);
        }
    }

    /** How many submissions were not accepted. */
    long count() {
        return count.get();
    }

    /**
     * The one-line reason of a refusal: the task, the agent and its endpoint, then the agent's answer
     * (status and the start of its body) or the failure to reach it.
     *
     * @param status the HTTP status, or -1 when there was no answer
     */
    static String line(String taskId, String node, String endpoint, int status, String body, Throwable failure) {
        String why;
        if (failure != null) {
            Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            String msg = t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + t.getMessage();
            why = t instanceof ConnectException ? "could not connect (nothing listens there, or it is not reachable from"
                    + " this host; check the agent's --advertise address)" + msg
                    : t instanceof HttpTimeoutException ? "no answer in time" + msg
                    : t.getClass().getSimpleName() + msg;
        } else {
            String b = body == null ? "" : body.strip().replaceAll("\\s+", " ");
            if (b.length() > MAX_BODY_CHARS) {
                b = b.substring(0, MAX_BODY_CHARS) + "...";
            }
            why = "HTTP " + status + (b.isEmpty() ? "" : " " + b);
        }
        return String.format(Locale.ROOT, "task %s not accepted by %s (http://%s): %s", taskId, node, endpoint, why);
    }
}
