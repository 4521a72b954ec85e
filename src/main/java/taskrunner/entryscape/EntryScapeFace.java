package taskrunner.entryscape;

import taskrunner.Face;
import taskrunner.Services;
import taskrunner.core.FaceState;
import taskrunner.core.Task;
import taskrunner.core.TaskState;
import taskrunner.entryscape.entrystore.AuthRoutes;
import taskrunner.entryscape.entrystore.Context;
import taskrunner.entryscape.entrystore.Entry;
import taskrunner.entryscape.entrystore.EntryDocs;
import taskrunner.entryscape.entrystore.EntryRoutes;
import taskrunner.entryscape.entrystore.EntryStore;
import taskrunner.entryscape.entrystore.PrincipalRoutes;
import taskrunner.entryscape.entrystore.ResourceRoutes;
import taskrunner.entryscape.entrystore.UserEntries;
import taskrunner.entryscape.entrystore.search.SearchRoutes;
import taskrunner.entryscape.jobs.FileJob;
import taskrunner.entryscape.jobs.FileJobState;
import taskrunner.entryscape.jobs.JobRoutes;
import taskrunner.entryscape.jobs.JobView;
import taskrunner.entryscape.pipeline.ExecuteRoutes;
import taskrunner.entryscape.pipeline.RowStoreTransform;
import taskrunner.entryscape.proxy.ProxyRoutes;
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
 * subsets of EntryStore ({@code /store/...}, with its proxy and the rowstore pipeline) and
 * RowStore ({@code /rowstore/...}).
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
        var auth = new EsAuth(s.identity(), s.baseUri(), s.config().entryStoreCookieSameSite());
        var es = new EntryStore(s.store(), s.blobs(), s.identity(), s.baseUri());
        var rows = new RowStore(s.store(), s.blobs(), s.identity(), s.baseUri(), locks, clock, s.config().csvLimits());
        var uploads = new Uploads(s.blobs(), s.config().maxUploadBytes());
        var job = new FileJob(s.tasks(), s.lifecycle(), s.identity(), es, rows, locks, s.config().rowDelayMs(), s.hooks());

        var users = new UserEntries(s.identity());
        var docs = new EntryDocs(es, users);
        new AuthRoutes(auth, s.store(), es, users, s.config().tokenTtlMs()).install(router);
        // /store/proxy and /store/{ctx}/execute first: /store/{ctx} must not take them
        new ProxyRoutes(router, s.baseUri(), s.config().proxyAllow()).install();
        new ExecuteRoutes(es, auth, new RowStoreTransform(es, rows, locks, clock)).install(router, s.config().maxBodyBytes());
        var entries = new EntryRoutes(es, docs, auth, locks, clock);
        // resource routes first: /store/{ctx}/resource/{id} must not fall to a broader pattern
        new ResourceRoutes(es, entries, uploads, locks, clock, s.config().maxBodyBytes()).install(router);
        // EntryStore's own names before the /store/{ctx}... patterns that would take them
        new SearchRoutes(docs, es, auth).install(router);
        new PrincipalRoutes(docs, entries, auth).install(router);
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
