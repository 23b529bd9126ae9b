package org.edgefm.host.http;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.edgefm.api.EdgeFmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protection of the host's HTTP API, run before every route:
 * <ul>
 *   <li>the {@code Host} header must name this host (an IP literal, {@code localhost}, the machine's
 *       names, the bind address or a configured {@code httpHosts} name): a page on another site whose
 *       name was rebound to this address (DNS rebinding) gets 421;</li>
 *   <li>everything but {@code GET /health} needs the bearer token ({@code Authorization: Bearer T}),
 *       or the cookie that {@code GET /login?token=T} sets for the dashboard (HttpOnly,
 *       SameSite=Strict); otherwise 401.</li>
 * </ul>
 * The API has GET routes only: any other method is 405 (read-only stays read-only).
 */
public final class HttpGuard implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpGuard.class);
    /** The dashboard's session cookie. */
    public static final String COOKIE = "edgefm_token";

    private final byte[] token;
    private final Set<String> names;
    private final LongAdder refusedHost = new LongAdder();
    private final LongAdder refusedToken = new LongAdder();

    /**
     * A guard for one token.
     *
     * @param token the bearer token
     * @param bind  the HTTP bind address
     * @param extra further host names to answer to
     */
    public HttpGuard(String token, String bind, List<String> extra) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        Set<String> n = new LinkedHashSet<>(List.of("localhost"));
        n.add(bind.toLowerCase(Locale.ROOT));
        try {
            InetAddress me = InetAddress.getLocalHost();
            n.add(me.getHostName().toLowerCase(Locale.ROOT));
            n.add(me.getCanonicalHostName().toLowerCase(Locale.ROOT));
        } catch (IOException | SecurityException e) {
            // no name for this machine: IP literals and localhost still work
        }
        extra.forEach(h -> n.add(h.toLowerCase(Locale.ROOT)));
        this.names = Set.copyOf(n);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String host = ctx.request().getHeader("Host");
        if (!hostAllowed(host)) {
            refusedHost.increment();
            LOG.warn("HTTP {} {}: refused Host header {} (not one of this host's names; add it to httpHosts)",
                    ctx.request().method(), ctx.request().path(), host == null ? "(none)" : "'" + host + "'");
            ctx.response().setStatusCode(421).end("Host header not accepted: add the name to httpHosts\n");
            return;
        }
        String path = ctx.request().path();
        if (path.equals("/health")) {
            ctx.next();
            return;
        }
        if (path.equals("/login")) {
            String t = ctx.request().getParam("token");
            if (t != null && matches(t)) {
                ctx.response().addCookie(Cookie.cookie(COOKIE, t).setHttpOnly(true).setPath("/")
                        .setSameSite(CookieSameSite.STRICT)).setStatusCode(303).putHeader("Location", "/").end();
            } else {
                refusedToken.increment();
                ctx.response().setStatusCode(401).end("wrong or missing token\n");
            }
            return;
        }
        String auth = ctx.request().getHeader("Authorization");
        String presented = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        if (presented == null) {
            Cookie c = ctx.request().getCookie(COOKIE);
            presented = c == null ? null : c.getValue();
        }
        if (presented == null || !matches(presented)) {
            refusedToken.increment();
            ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"edgefm\"")
                    .end(presented == null ? "missing bearer token (Authorization: Bearer TOKEN; see the host's http-token file)\n"
                            : "wrong bearer token\n");
            return;
        }
        ctx.next();
    }

    private boolean matches(String presented) {
        return MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether a Host header names this host. */
    public boolean hostAllowed(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && (end == h.length() - 1 || h.substring(end + 1).matches(":[0-9]{1,5}")); // IPv6 literal
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            if (!h.substring(colon + 1).matches("[0-9]{1,5}")) {
                return false;
            }
            h = h.substring(0, colon);
        }
        return h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || names.contains(h);
    }

    /** Requests refused for their Host header. */
    public long refusedHost() {
        return refusedHost.sum();
    }

    /** Requests refused for a missing or wrong token. */
    public long refusedToken() {
        return refusedToken.sum();
    }

    /**
     * The token of a token file, created (random, owner-only 0600) when missing.
     *
     * @param token   the token
     * @param created true when this call wrote the file (the caller prints the token once)
     */
    public record Token(String token, boolean created) {
        @Override
        public String toString() {
            return "Token[***, created=" + created + "]";
        }
    }

    /** Reads the token file, or creates it with a new random token. */
    public static Token loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] r = new byte[32];
                new SecureRandom().nextBytes(r);
                String t = Base64.getUrlEncoder().withoutPadding().encodeToString(r);
                return org.edgefm.host.broker.Credentials.createOwnerOnly(file, (t + "\n").getBytes(StandardCharsets.UTF_8))
                        ? new Token(t, true) : loadOrCreate(file);
            }
            String t = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (t.length() < 16 || !t.matches("[A-Za-z0-9._~+/=-]+")) {
                throw new EdgeFmException("httpTokenFile " + file + ": expected one token of at least 16 characters");
            }
            return new Token(t, false);
        } catch (IOException e) {
            throw new EdgeFmException("httpTokenFile " + file + ": " + e.getMessage(), e);
        }
    }
}
