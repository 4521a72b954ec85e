package taskrunner.kazoo;

import taskrunner.auth.Principal;
import taskrunner.core.Lifecycle;
import taskrunner.core.Task;
import taskrunner.core.TaskService;
import taskrunner.http.ContentDisposition;
import taskrunner.http.Request;
import taskrunner.http.Response;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The task routes of the Kazoo face (read, list, start, stop, delete, CSVs). Every task is
 * looked up under the request's account: a task of another account, even a descendant,
 * is "bad identifier" here, as in Kazoo.
 */
final class KazooTaskRoutes {
    private final TaskService tasks;
    private final KazooAuth auth;
    private final KazooTaskIntake intake;
    private final Lifecycle lifecycle;
    private final KazooEnvelope envelope;
    /** This server's name ({@code --node}), recorded in each task it starts; the envelope's node is its md5. */
    private final String node;

    KazooTaskRoutes(TaskService tasks, Lifecycle lifecycle, KazooAuth auth, KazooTaskIntake intake, KazooEnvelope envelope) {
        this.tasks = tasks;
        this.envelope = envelope;
        this.node = envelope.nodeName();
        this.lifecycle = lifecycle;
        this.auth = auth;
        this.intake = intake;
    }

    Response create(Request req) throws IOException {
        Principal p = auth.principal(req);
        return intake.create(req, p, auth.account(req, p));
    }

    Response list(Request req) {
        Principal p = auth.principal(req);
        String account = auth.account(req, p);
        List<Task> all = tasks.list(KazooFace.FACE, account);
        boolean paginate = !"false".equals(req.query("paginate"));
        int pageSize = paginate ? parsePageSize(req.query("page_size")) : Integer.MAX_VALUE;
        int from = 0;
        String startKey = req.query("start_key");
        if (startKey != null) from = Math.max(0, indexOf(all, decodeKey(startKey)));
        int to = (int) Math.min(all.size(), (long) from + pageSize);
        var data = new ArrayList<Map<String, Object>>(Math.max(0, to - from));
        for (int i = from; i < to; i++) data.add(KazooTaskJson.view(all.get(i), tasks));
        var paging = new LinkedHashMap<String, Object>();
        paging.put("page_size", data.size());
        if (startKey != null) paging.put("start_key", startKey);
        if (to < all.size()) paging.put("next_start_key", encodeKey(all.get(to)));
        return envelope.success(req, 200, data, paging);
    }

    Response get(Request req) throws IOException {
        Task t = find(req);
        if (t == null) return envelope.badIdentifier(req, req.param("task"));
        if (wantsCsv(req)) return csv(req, t, req.query("csv_name") == null ? "out.csv" : req.query("csv_name"));
        return envelope.success(req, 200, Map.of("_read_only", KazooTaskJson.view(t, tasks)), Map.of("page_size", 1));
    }

    // The seed shows {cause, message} "bad_identifier" for a missing task on start, input
    // and output (and ["id"] "bad identifier" on read and delete); the seed wins.
    Response input(Request req) throws IOException {
        Task t = find(req);
        if (t == null) return envelope.badIdentifierAction(req, req.param("task"), null);
        return csv(req, t, "in.csv");
    }

    Response output(Request req) throws IOException {
        Task t = find(req);
        if (t == null) return envelope.badIdentifierAction(req, req.param("task"), null);
        return csv(req, t, "out.csv");
    }

    Response start(Request req) throws IOException {
        Task t = find(req);
        if (t == null) return envelope.badIdentifierAction(req, req.param("task"), null);
        Task started;
        try {
            started = lifecycle.start(t.id(), c -> c.withFaceState(KazooTaskState.of(c).onNode(node)));
        } catch (Lifecycle.NotPending e) {
            return envelope.badIdentifierAction(req, t.id(), "task already started");
        }
        return envelope.success(req, 200, Map.of("_read_only", KazooTaskJson.action(started)), Map.of("page_size", 1));
    }

    Response stop(Request req) throws IOException {
        Task t = find(req);
        if (t == null) return envelope.badIdentifier(req, req.param("task"));
        Task now;
        try {
            now = lifecycle.stop(t.id(), KazooFace.STOP_WAIT);
        } catch (Lifecycle.NotActive e) {
            return envelope.badIdentifierAction(req, t.id(), "task is not running");
        }
        return envelope.success(req, 200, Map.of("_read_only", KazooTaskJson.action(now)), Map.of("page_size", 1));
    }

    Response delete(Request req) throws IOException {
        Task t = find(req);
        if (t == null) return envelope.badIdentifier(req, req.param("task"));
        Task gone;
        try {
            gone = lifecycle.delete(t.id());
        } catch (TaskService.TaskActive running) {
            return envelope.badIdentifierAction(req, t.id(), null);
        }
        if (gone == null) return envelope.badIdentifier(req, t.id());
        return envelope.success(req, 200, Map.of("_read_only", KazooTaskJson.action(gone)), Map.of("page_size", 1));
    }

    /** The task of the URL, if it belongs to the request's account; checks the token first. */
    private Task find(Request req) {
        Principal p = auth.principal(req);
        String account = auth.account(req, p);
        Task t = tasks.get(req.param("task"));
        if (t == null || !KazooFace.FACE.equals(t.face()) || !account.equals(t.accountId())) return null;
        return t;
    }

    private Response csv(Request req, Task t, String name) throws IOException {
        String blob = switch (name) {
            case "in.csv" -> t.input();
            case "out.csv" -> t.output();
            default -> null;
        };
        if (blob == null || !tasks.blobs().exists(blob)) return envelope.badIdentifierAction(req, t.id(), null);
        long size = tasks.blobs().size(blob);
        String file = KazooTaskJson.categoryName(t) + "_" + KazooTaskJson.actionName(t) + "_" + t.id() + "_" + name;
        return Response.stream(200, "text/csv", size, out -> {
            try (InputStream in = tasks.blobs().open(blob)) {
                in.transferTo(out);
            }
        }).header("Content-Disposition", ContentDisposition.attachment(file));
    }

    /** Crossbar's negotiation: {@code ?accept=} wins over the Accept header; first match wins. */
    private static boolean wantsCsv(Request req) {
        String accept = req.query("accept");
        if ("csv".equals(accept)) return true;
        if (accept == null) accept = req.header("Accept");
        if (accept == null) return false;
        for (String part : accept.split(",")) {
            String type = part.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            switch (type) {
                case "application/json", "application/x-json", "*/*":
                    return false;
                case "text/csv", "text/comma-separated-values", "application/octet-stream":
                    return true;
                default:
                    break;
            }
        }
        return false;
    }

    private static int parsePageSize(String s) {
        if (s == null) return 50;
        try {
            return Math.max(1, Math.min(1000, Integer.parseInt(s.trim())));
        } catch (NumberFormatException e) {
            return 50;
        }
    }

    /** Opaque cursor: the created time and id of the first task of the next page. */
    private static String encodeKey(Task t) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((t.created() + ":" + t.id()).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeKey(String key) {
        try {
            return new String(Base64.getUrlDecoder().decode(key), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static int indexOf(List<Task> all, String key) {
        int colon = key.indexOf(':');
        if (colon < 0) return all.size();
        long created;
        try {
            created = Long.parseLong(key.substring(0, colon));
        } catch (NumberFormatException e) {
            return all.size();
        }
        String id = key.substring(colon + 1);
        // the list is sorted newest first, then id descending: find the first at or after the key
        for (int i = 0; i < all.size(); i++) {
            Task t = all.get(i);
            if (t.created() < created || (t.created() == created && t.id().compareTo(id) <= 0)) return i;
        }
        return all.size();
    }
}
