package taskrunner.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 keep-alive client on one socket, for load generation only: the JDK
 * HttpClient spends more CPU per request than the server does on this 2-core machine,
 * which would measure the client instead of the server. Handles Content-Length bodies.
 */
final class KeepAliveClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;

    KeepAliveClient(URI base) throws IOException {
        socket = new Socket(base.getHost(), base.getPort());
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16384);
        host = base.getHost() + ":" + base.getPort();
    }

    /** Sends one request and reads the whole response; returns the status code. */
    int send(String method, String pathAndQuery, String headers, byte[] body) throws IOException {
        var sb = new StringBuilder(256).append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\nHost: ")
                .append(host).append("\r\n").append(headers);
        if (body != null) sb.append("Content-Length: ").append(body.length).append("\r\n");
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null) {
            out.write(head);
        } else {
            byte[] all = new byte[head.length + body.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            out.write(all);
        }
        out.flush();
        String status = line();
        int code = Integer.parseInt(status.substring(9, 12));
        long length = 0;
        String l;
        while (!(l = line()).isEmpty()) {
            if (l.regionMatches(true, 0, "Content-Length:", 0, 15)) length = Long.parseLong(l.substring(15).trim());
        }
        while (length > 0) {
            long skipped = in.skip(length);
            if (skipped <= 0) {
                if (in.read() < 0) throw new IOException("connection closed mid-body");
                skipped = 1;
            }
            length -= skipped;
        }
        return code;
    }

    private String line() throws IOException {
        var sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new IOException("connection closed");
            if (c != '\r') sb.append((char) c);
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
