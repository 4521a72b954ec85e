package taskrunner.tasks.datapusher;

import taskrunner.core.JobTaskType.JobError;
import taskrunner.core.TaskContext.StoppedException;
import taskrunner.store.BlobStore;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Fetches a resource's file into a blob as DataPusher does, but bounded: the body streams to
 * disk in 16 KiB pieces with its MD5 and byte count, never into memory. A {@code Content-Length}
 * over the limit ends the job before the body ("Resource too large to download"), a body that
 * passes it ends it at that point ("Resource too large to process"); a {@link StallGuard} cuts a
 * body that stands still or takes too long, and a stop closes it ({@link InFlight}).
 *
 * <p>Redirects are followed by hand, at most {@link #MAX_REDIRECTS}, and only to http or https;
 * the {@code Authorization} of an upload's download goes only to the origin it was meant for
 * (scheme, host and port), as the {@code requests} library DataPusher used does.
 */
final class Download {
    static final int MAX_REDIRECTS = 10;
    /** DataPusher's CHUNK_SIZE: the piece read at a time, and so the step of the size check. */
    private static final int PIECE = 16 * 1024;
    /** How much of a refusal's body is read for the job's error (which shows 200 characters). */
    private static final int REFUSAL_BYTES = 1024;

    private final HttpClient http;
    private final BlobStore blobs;
    private final long maxBytes;
    private final Duration idle;
    private final Duration total;

    Download(HttpClient http, BlobStore blobs, long maxBytes, Duration idle, Duration total) {
        this.http = http;
        this.blobs = blobs;
        this.maxBytes = maxBytes;
        this.idle = idle;
        this.total = total;
    }

    /**
     * Downloads {@code url}, sending {@code authorization} (null for none) to its origin.
     *
     * @throws JobError        for every failure the job reports: refused, unreachable, stalled, too large
     * @throws StoppedException if the job was asked to stop
     * @throws IOException      if the blob could not be written
     */
    Downloaded fetch(String url, String authorization, InFlight inFlight) throws JobError, StoppedException, IOException {
        URI origin;
        try {
            origin = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw HttpFailure.unanswered("The resource's URL is not a valid URL.", url);
        }
        try (var guard = new StallGuard(idle, total)) {
            HttpResponse<InputStream> answer = answer(origin, authorization, guard, inFlight, url);
            InputStream body = guard.watch(answer.body());
            inFlight.closeOnStop(body);
            try {
                int status = answer.statusCode();
                if (status / 100 != 2) {
                    String text = new String(body.readNBytes(REFUSAL_BYTES), StandardCharsets.UTF_8);
                    throw HttpFailure.of("DataPusher received a bad HTTP response when trying to download the data file",
                            status, url, text);
                }
                String length = answer.headers().firstValue("Content-Length").orElse(null);
                if (length != null && length.trim().matches("\\d{1,18}") && Long.parseLong(length.trim()) > maxBytes) {
                    throw new JobError("Resource too large to download: " + length.trim() + " > max (" + maxBytes + ").");
                }
                String type = answer.headers().firstValue("Content-Type").orElse("");
                int semicolon = type.indexOf(';');
                return store(body, (semicolon < 0 ? type : type.substring(0, semicolon)).trim());
            } catch (IOException e) {
                inFlight.checkStopped();
                if (guard.reason() != null) throw HttpFailure.unanswered(guard.reason(), url);
                if (e instanceof BlobFailure f) throw f.getCause();
                throw HttpFailure.unanswered("The download failed: " + HttpFailure.describe(e), url);
            } finally {
                inFlight.release();
                body.close();
            }
        }
    }

    /** The answer at the end of the redirects, its body not yet read. */
    private HttpResponse<InputStream> answer(URI origin, String authorization, StallGuard guard, InFlight inFlight, String url)
            throws JobError, StoppedException {
        URI at = origin;
        for (int hop = 0; ; hop++) {
            HttpResponse<InputStream> r;
            try {
                var request = HttpRequest.newBuilder(at).timeout(guard.headersTimeout()).GET();
                if (authorization != null && CkanSites.origin(at).equals(CkanSites.origin(origin))) request.header("Authorization", authorization);
                r = inFlight.await(http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
            } catch (HttpTimeoutException e) {
                throw HttpFailure.unanswered(guard.overTime() ? guard.totalReason() : guard.idleReason(), url);
            } catch (IOException e) {
                throw HttpFailure.unanswered("The download failed: " + HttpFailure.describe(e), url);
            } catch (IllegalArgumentException e) { // a URL the client cannot send (no host, say)
                throw HttpFailure.unanswered("The resource's URL cannot be fetched: " + e.getMessage(), url);
            }
            String location = r.headers().firstValue("Location").orElse(null);
            if (!isRedirect(r.statusCode()) || location == null) return r;
            try {
                r.body().close();
            } catch (IOException ignored) {
                // a redirect's body is not needed; failing to close it costs a connection at most
            }
            if (hop >= MAX_REDIRECTS) {
                throw HttpFailure.unanswered("The download was redirected more than " + MAX_REDIRECTS + " times.", url);
            }
            URI next;
            try {
                next = at.resolve(location.trim());
            } catch (IllegalArgumentException e) {
                throw HttpFailure.unanswered("The download was redirected to an invalid URL: " + location, url);
            }
            String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw HttpFailure.unanswered("The download was redirected to " + next + ": only http and https are followed.", url);
            }
            at = next;
        }
    }

    /** Streams the body into a new blob, counting and hashing. */
    private Downloaded store(InputStream body, String contentType) throws IOException, JobError {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has MD5", e);
        }
        BlobStore.Writer out = blobs.create();
        try {
            byte[] piece = new byte[PIECE];
            long length = 0;
            for (int n; (n = body.readNBytes(piece, 0, PIECE)) > 0; ) {
                length += n;
                if (length > maxBytes) {
                    throw new JobError("Resource too large to process: " + length + " > max (" + maxBytes + ").");
                }
                md5.update(piece, 0, n);
                try {
                    out.write(piece, 0, n);
                } catch (IOException e) {
                    throw new BlobFailure(e);
                }
            }
            String blob;
            try {
                blob = out.commit();
            } catch (IOException e) {
                throw new BlobFailure(e);
            }
            return new Downloaded(blob, length, HexFormat.of().formatHex(md5.digest()), contentType);
        } catch (IOException | JobError | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    /** Our disk failed, not the download: reported as what it is. */
    private static final class BlobFailure extends IOException {
        BlobFailure(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

}
