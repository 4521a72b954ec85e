package taskrunner.support;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A server a test client speaks HTTP to: one in this JVM ({@link ServerFixture}) or a child process ({@link ChildServer}). */
public interface Endpoint {
    HttpRequest.Builder request(String pathAndQuery);

    HttpResponse<String> send(HttpRequest.Builder req) throws IOException, InterruptedException;
}
