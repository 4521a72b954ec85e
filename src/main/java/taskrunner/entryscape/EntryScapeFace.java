package taskrunner.entryscape;

import taskrunner.Face;
import taskrunner.Services;
import taskrunner.core.FaceState;
import taskrunner.core.Task;
import taskrunner.core.TaskState;
import taskrunner.entryscape.entrystore.AuthRoutes;
import taskrunner.entryscape.entrystore.Context;
import taskrunner.entryscape.entrystore.Entry;
import taskrunner.entryscape.entrystore.EntryRoutes;
import taskrunner.entryscape.entrystore.EntryStore;
import taskrunner.entryscape.entrystore.ResourceRoutes;
import taskrunner.entryscape.jobs.FileJob;
import taskrunner.entryscape.jobs.FileJobState;
import taskrunner.entryscape.jobs.JobRoutes;
import taskrunner.entryscape.jobs.JobView;
import taskrunner.entryscape.rowstore.Dataset;
import taskrunner.entryscape.rowstore.RowStore;
import taskrunner.entryscape.rowstore.RowStoreRoutes;
import taskrunner.http.Request;
import taskrunner.http.Response;
import taskrunner.http.Router;
import taskrunner.store.Kind;
import taskrunner.util.NamedLocks;

import java.util.List;
import java.util.Map;

/**
 * The EntryScape face: the Taskrunner API ({@code /taskrunner/v1/...}) over embedded
 * subsets of EntryStore ({@code /store/...}) and RowStore ({@code /rowstore/...}).
 *
 * <p>Jobs pause after each row they load for {@link taskrunner.Config#rowDelayMs()}, and
 * call {@link taskrunner.Hooks#afterDatasetSwitch} inside their commit.
 */
public final class EntryScapeFace implements Face {
    @Override
    public List<Kind<?>> kinds() {
        return List.of(Context.KIND, Entry.KIND, Dataset.KIND);
    }

    @Override
    public FaceState.Codec<?> stateCodec() {
        return FileJobState.CODEC;
    }

    /** Taskrunner's Pending, Running, Success or Failed. */
    @Override
    public Status status(Task t) {
        return new Status(JobView.status(t), t.state() == TaskState.STOPPED && t.error() == null
                ? JobView.STOPPED : t.error());
    }

    @Override
    public TaskHandling install(Router router, Services s) {
        var clock = s.tasks().clock();
        var locks = new NamedLocks();
        var auth = new EsAuth(s.identity(), s.baseUri());
        var es = new EntryStore(s.store(), s.blobs(), s.identity(), s.baseUri());
        var rows = new RowStore(s.store(), s.blobs(), s.baseUri(), locks, clock, s.config().csvLimits());
        var uploads = new Uploads(s.blobs(), s.config().maxUploadBytes());
        var job = new FileJob(s.tasks(), s.lifecycle(), s.identity(), es, rows, locks, s.config().rowDelayMs(), s.hooks());

        new AuthRoutes(auth, s.store(), es, s.config().tokenTtlMs()).install(router);
        var entries = new EntryRoutes(es, auth, clock);
        // resource routes first: /store/{ctx}/resource/{id} must not fall to a broader pattern
        new ResourceRoutes(es, entries, uploads, locks, clock).install(router);
        entries.install(router, s.config().maxBodyBytes());
        new RowStoreRoutes(rows, auth).install(router, s.config().maxUploadBytes());
        new JobRoutes(s.tasks(), s.lifecycle(), es, rows, auth, uploads, job).install(router);
        return new TaskHandling(job, job::recover);
    }

    @Override
    public String name() {
        return FileJob.FACE;
    }

    @Override
    public List<String> prefixes() {
        return List.of("/taskrunner", "/store", "/rowstore");
    }

    @Override
    public Response error(Request req, int status, String message) {
        return EsFace.INSTANCE.error(req, status, message);
    }
}
