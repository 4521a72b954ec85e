package taskrunner.entryscape.proxy;

import taskrunner.entryscape.EsFace;
import taskrunner.http.Response;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a URL the proxy may fetch ({@link ProxyPolicy.Remote}) and answers with what the
 * host answered: its status, its body and its Content-Type, marked as content this server
 * does not vouch for ({@link Response#untrusted}).
 *
 * <p>Invariants: the request is a GET that carries only the caller's Accept, never a cookie,
 * an Authorization or any other header of the caller's; no redirect is followed (a 3xx is
 * answered 502: following it would reach a URL nobody judged); the whole fetch, headers and
 * body, ends within {@code timeout} (504 after) and holds at most {@code maxBytes} of body in
 * memory (502 above). Failures are in EntryStore's envelope and leave nothing open.
 */
final class RemoteFetch {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_BYTES = 4 << 20;

    private final Duration timeout;
    private final int maxBytes;
    private volatile HttpClient client;

    RemoteFetch(Duration timeout, int maxBytes) {
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    /** The client, made at the first fetch: a server that never fetches never starts its threads. */
    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout)
                            .proxy(HttpClient.Builder.NO_PROXY).build();
                }
                c = client;
            }
        }
        return c;
    }

    Response fetch(URI uri, String accept) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String host = uri.getRawAuthority();
        var request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        if (accept != null && accept.matches("[\\x20-\\x7e]{1,1000}")) request.header("Accept", accept);
        HttpResponse<InputStream> res = before(client().sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream()),
                deadline, host);
        try (InputStream in = res.body()) {
            int status = res.statusCode();
            if (status / 100 == 3) {
                throw EsFace.fail(502, host + " answered " + status + " (to " + res.headers().firstValue("Location").orElse("nowhere")
                        + "); the proxy follows no redirects");
            }
            byte[] body = readBefore(in, deadline, host);
            String type = res.headers().firstValue("Content-Type").orElse(null);
            return Response.untrusted(Response.bytes(status, type, body));
        } catch (IOException e) {
            throw EsFace.fail(502, "The proxy could not read the answer of " + host + ": " + e);
        }
    }

    /** The body, read on a thread of its own so that the deadline holds even while a read blocks. */
    private byte[] readBefore(InputStream in, long deadline, String host) throws InterruptedException {
        var reading = new FutureTask<>(() -> in.readNBytes(maxBytes + 1));
        Thread.ofVirtual().name("proxy-read").start(reading);
        byte[] body = before(reading, deadline, host);
        if (body.length > maxBytes) {
            throw EsFace.fail(502, "The answer of " + host + " is larger than the proxy's " + (maxBytes >> 10) + " KiB");
        }
        return body;
    }

    /** What a step of the fetch gives, by the deadline: 504 after it (the step is cancelled), 502 if it failed. */
    private <T> T before(Future<T> step, long deadline, String host) throws InterruptedException {
        try {
            return step.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            step.cancel(true);
            throw late(host);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HttpTimeoutException) throw late(host);
            throw EsFace.fail(502, "The proxy could not fetch from " + host + ": " + e.getCause());
        }
    }

    private taskrunner.http.HttpError late(String host) {
        return EsFace.fail(504, host + " did not answer within " + timeout.toMillis() + " ms");
    }
}
