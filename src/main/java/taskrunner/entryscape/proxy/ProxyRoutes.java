package taskrunner.entryscape.proxy;

import taskrunner.entryscape.EsFace;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;

import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

/**
 * EntryStore's {@code GET /store/proxy?url=...}: what the EntryScape catalog loads through its
 * own server (entrystore.js {@code loadViaProxy}; the catalog polls a RowStore dataset's
 * {@code /info} this way). A URL of this server's RowStore is answered in-process by the very
 * route a direct GET reaches ({@link Router#local}), so status, body and Content-Type are that
 * GET's; a URL on a host of {@code --proxy-allow} is fetched ({@link RemoteFetch}); anything
 * else is 403 ({@link ProxyPolicy}).
 *
 * <p>Who: everyone alike, guests too, and the cookie is neither read nor passed on. RowStore
 * reads are public, and the operator's list is EntryStore's list for guests; EntryStore also
 * lets a signed-in user fetch any public host, which would make this server a relay for every
 * account, so here nobody gets more than the list.
 */
public final class ProxyRoutes {
    private final Router router;
    private final ProxyPolicy policy;
    private final RemoteFetch remote = new RemoteFetch(RemoteFetch.TIMEOUT, RemoteFetch.MAX_BYTES);

    /** @param router the server's router, which answers this server's own URLs */
    public ProxyRoutes(Router router, Supplier<URI> base, List<String> allow) {
        this.router = router;
        this.policy = new ProxyPolicy(base, allow);
    }

    /** Before EntryStore's {@code /store/{ctx}} routes, which would take {@code /store/proxy} for a context. */
    public void install() {
        router.route("GET", "/store/proxy", EsFace.INSTANCE, this::proxy);
    }

    private Response proxy(Request req) throws InterruptedException {
        return switch (policy.judge(req.query("url"))) {
            case ProxyPolicy.Own own -> router.local("GET", own.target(), req.requestId());
            case ProxyPolicy.Remote r -> remote.fetch(r.uri(), req.header("Accept"));
            case ProxyPolicy.Refused no -> EsFace.INSTANCE.error(req, no.status(), no.message());
        };
    }
}
