package org.edgefm.control.internal;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * The class loader of one plugin jar: it shares only {@code org.edgefm.api} (and the JDK) with the
 * host, so a plugin cannot see or clash with the host's Vert.x, Netty, MapDB or Jackson versions.
 * Classes the plugin bundles are loaded child-first from its jar.
 */
public final class PluginClassLoader extends URLClassLoader {
    private static final String SHARED_PREFIX = "org.edgefm.api.";
    private final ClassLoader host;

    /**
     * Creates the loader.
     *
     * @param jar  the plugin jar
     * @param host the loader that holds {@code org.edgefm.api}
     */
    public PluginClassLoader(URL jar, ClassLoader host) {
        super("plugin:" + jar.getPath(), new URL[] {jar}, ClassLoader.getPlatformClassLoader());
        this.host = host;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(SHARED_PREFIX)) {
            return host.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    public URL getResource(String name) {
        // META-INF/services lookups must see only this jar, or the host's plugins would be found twice.
        URL own = findResource(name);
        return own != null ? own : super.getResource(name);
    }

    @Override
    public java.util.Enumeration<URL> getResources(String name) throws java.io.IOException {
        if (name.startsWith("META-INF/services/")) {
            return findResources(name);
        }
        return super.getResources(name);
    }
}
