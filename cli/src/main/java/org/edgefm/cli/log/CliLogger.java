package org.edgefm.cli.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A logger of the {@code edgefm} command: its level comes from the system properties when it is
 * made ({@link CliLogging#configuredLevel}); whether an event is written, and where, is decided by
 * {@link CliLogging}.
 */
final class CliLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    private final int configured;

    CliLogger(String name) {
        this.name = name;
        this.configured = CliLogging.configuredLevel(name);
    }

    private boolean enabled(Level level) {
        return CliLogging.enabled(name, configured, level.toInt());
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        String message = args == null || args.length == 0 ? pattern : MessageFormatter.basicArrayFormat(pattern, args);
        CliLogging.write(name, configured, level, message, t);
    }
}
