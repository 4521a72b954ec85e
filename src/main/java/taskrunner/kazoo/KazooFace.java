package taskrunner.kazoo;

import taskrunner.Face;
import taskrunner.Services;
import taskrunner.core.FaceState;
import taskrunner.core.Recovery;
import taskrunner.core.RowExecution;
import taskrunner.core.Task;
import taskrunner.http.ErrorEnvelope;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Kazoo Tasks face: {@code /v2/...}, answering in Crossbar's envelope. Tasks are row
 * tasks; a task that was executing when the process died resumes after its last
 * checkpoint at the next start ({@code resumed_after_row} in its JSON says so).
 */
public final class KazooFace implements Face {
    public static final String FACE = "kazoo";
    /** How long a stop waits for the task to write its partial output before answering. */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);
    /** This server's envelope (its node), made by {@link #install}: a face instance serves one server. */
    private KazooEnvelope envelope;

    @Override
    public String name() {
        return FACE;
    }

    @Override
    public List<String> prefixes() {
        return List.of("/v2");
    }

    @Override
    public Response error(Request req, int status, String message) {
        return switch (status) {
            case 404 -> envelope.error(req, 404, "not_found", Map.of("message", "bad identifier"));
            case 500 -> envelope.invalidRequest(req, null);
            default -> envelope.error(req, status, message, Map.of("message", message));
        };
    }

    @Override
    public FaceState.Codec<?> stateCodec() {
        return KazooTaskState.CODEC;
    }

    /** Kazoo's status algorithm ({@link KazooStatus}); rows that failed are in the output CSV, not here. */
    @Override
    public Status status(Task t) {
        return new Status(KazooStatus.of(t), t.error());
    }

    @Override
    public TaskHandling install(Router router, Services s) {
        var tasks = s.tasks();
        envelope = new KazooEnvelope(node(s));
        var auth = new KazooAuth(s.identity(), envelope);
        var execution = new RowExecution(tasks, s.config().checkpointRows(), s.config().checkpointMs(), s.config().rowDelayMs(),
                s.config().csvLimits());
        var intake = new KazooTaskIntake(tasks, s.lifecycle(), Math.max(s.config().maxBodyBytes(), 64L << 20), s.config().csvLimits(), envelope);
        var t = new KazooTaskRoutes(tasks, s.lifecycle(), auth, intake, envelope);
        var help = new KazooHelp(s.registry(), envelope);
        var accounts = new KazooAccountRoutes(s.identity(), auth, envelope);
        long upload = s.config().maxUploadBytes();

        router.route("PUT", "/v2/user_auth", this, accounts::userAuth);
        router.route("PUT", "/v2/api_auth", this, accounts::apiAuth);
        router.route("PUT", "/v2/accounts", this, accounts::createAccount);
        router.route("PUT", "/v2/accounts/{account}", this, accounts::createAccount);
        router.route("GET", "/v2/accounts/{account}", this, accounts::getAccount);
        router.route("PUT", "/v2/accounts/{account}/users", this, accounts::createUser);
        router.route("GET", "/v2/accounts/{account}/users", this, accounts::listUsers);

        router.route("GET", "/v2/tasks", this, help::help);
        router.route("PUT", "/v2/tasks", this, upload, t::create);
        router.route("GET", "/v2/accounts/{account}/tasks", this, t::list);
        router.route("PUT", "/v2/accounts/{account}/tasks", this, upload, t::create);
        for (String prefix : new String[] {"/v2/accounts/{account}/tasks/{task}", "/v2/tasks/{task}"}) {
            router.route("GET", prefix, this, t::get);
            router.route("PATCH", prefix, this, t::start);
            router.route("DELETE", prefix, this, t::delete);
            router.route("PATCH", prefix + "/stop", this, t::stop);
            router.route("GET", prefix + "/input", this, t::input);
            router.route("GET", prefix + "/output", this, t::output);
        }

        return new TaskHandling(execution, task -> recover(s, task));
    }

    /** The node recorded in the tasks this server starts: {@code --node} (host:port with --postgres), else taskrunner@host. */
    private static String node(Services s) {
        return s.config().node() != null ? s.config().node() : KazooEnvelope.NODE_NAME;
    }

    /** A task left executing by the previous process resumes after its last checkpoint, on this node. */
    private static Recovery recover(Services s, Task task) {
        if (s.registry().row(task.type()) == null) {
            return new Recovery.Fail("task type " + task.type() + " is no longer registered");
        }
        long after = task.checkpoint() == null ? 0 : task.checkpoint().rowsDone();
        try {
            s.tasks().update(task.id(), t -> t.withFaceState(KazooTaskState.of(t).resumedAfter(after).onNode(node(s))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Recovery.Run();
    }
}
