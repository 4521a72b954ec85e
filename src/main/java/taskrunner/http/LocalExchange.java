package taskrunner.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The exchange of a request the server makes of itself ({@link Router#local}): a method and a
 * target, no headers, an empty body, from no address. The router only reads it; the answer
 * is the {@link Response} the router returns, so nothing is ever written here.
 */
final class LocalExchange extends HttpExchange {
    private final String method;
    private final URI target;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();

    LocalExchange(String method, URI target) {
        this.method = method;
        this.target = target;
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return target;
    }

    @Override
    public String getRequestMethod() {
        return method;
    }

    @Override
    public HttpContext getHttpContext() {
        return null;
    }

    @Override
    public void close() {}

    @Override
    public InputStream getRequestBody() {
        return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public OutputStream getResponseBody() {
        throw new UnsupportedOperationException("a local exchange's answer is the Response the router returns");
    }

    @Override
    public void sendResponseHeaders(int rCode, long responseLength) {
        throw new UnsupportedOperationException("a local exchange's answer is the Response the router returns");
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return null;
    }

    @Override
    public int getResponseCode() {
        return -1;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return null;
    }

    @Override
    public String getProtocol() {
        return "HTTP/1.1";
    }

    @Override
    public Object getAttribute(String name) {
        return null;
    }

    @Override
    public void setAttribute(String name, Object value) {}

    @Override
    public void setStreams(InputStream i, OutputStream o) {}

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }
}
