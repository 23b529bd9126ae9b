package org.edgefm.host.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/** An {@link SSLSocketFactory} that hands every call to another one (subclasses add behaviour or a type). */
public class DelegatingSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory d;

    /** Wraps {@code delegate}. */
    public DelegatingSocketFactory(SSLSocketFactory delegate) {
        this.d = delegate;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return d.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return d.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return d.createSocket(s, host, port, autoClose);
    }

    @Override
    public Socket createSocket() throws IOException {
        return d.createSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return d.createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return d.createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return d.createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return d.createSocket(address, port, localAddress, localPort);
    }
}
