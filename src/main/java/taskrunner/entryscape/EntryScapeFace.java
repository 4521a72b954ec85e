package taskrunner.entryscape;

import taskrunner.FaceModule;
import taskrunner.Services;
import taskrunner.core.FaceState;
import taskrunner.entryscape.entrystore.AuthRoutes;
import taskrunner.entryscape.entrystore.Context;
import taskrunner.entryscape.entrystore.Entry;
import taskrunner.entryscape.entrystore.EntryRoutes;
import taskrunner.entryscape.entrystore.EntryStore;
import taskrunner.entryscape.entrystore.ResourceRoutes;
import taskrunner.entryscape.jobs.FileJob;
import taskrunner.entryscape.jobs.FileJobState;
import taskrunner.entryscape.jobs.JobHooks;
import taskrunner.entryscape.jobs.JobRoutes;
import taskrunner.entryscape.rowstore.Dataset;
import taskrunner.entryscape.rowstore.RowStore;
import taskrunner.entryscape.rowstore.RowStoreRoutes;
import taskrunner.http.Router;
import taskrunner.store.Kind;

import java.util.List;
import java.util.Map;

/**
 * The EntryScape face: the Taskrunner API ({@code /taskrunner/v1/...}) over embedded
 * subsets of EntryStore ({@code /store/...}) and RowStore ({@code /rowstore/...}).
 *
 * <p>Test hooks ({@link JobHooks}, system properties read when a server starts, unset in
 * production): a pause after each row a job loads, and a crash point inside a job's commit.
 */
public final class EntryScapeFace implements FaceModule {
    public static final String ROW_DELAY_PROPERTY = JobHooks.ROW_DELAY_PROPERTY;

    @Override
    public List<Kind<?>> kinds() {
        return List.of(Context.KIND, Entry.KIND, Dataset.KIND);
    }

    @Override
    public Map<String, FaceState.Codec<?>> stateCodecs() {
        return Map.of(FileJob.FACE, FileJobState.CODEC);
    }

    @Override
    public void install(Router router, Services s) {
        var clock = s.tasks().clock();
        var locks = new Locks();
        var auth = new EsAuth(s.identity(), s.baseUri());
        var es = new EntryStore(s.store(), s.blobs(), s.identity(), s.baseUri());
        var rows = new RowStore(s.store(), s.blobs(), s.baseUri(), locks, clock);
        var uploads = new Uploads(s.blobs(), s.config().maxUploadBytes());
        var job = new FileJob(s.tasks(), s.lifecycle(), es, rows, locks, JobHooks.fromSystemProperties());

        new AuthRoutes(auth, s.store(), es, s.config().tokenTtlMs()).install(router);
        var entries = new EntryRoutes(es, auth, clock);
        // resource routes first: /store/{ctx}/resource/{id} must not fall to a broader pattern
        new ResourceRoutes(es, entries, uploads, locks, clock).install(router);
        entries.install(router, s.config().maxBodyBytes());
        new RowStoreRoutes(rows, auth).install(router, s.config().maxUploadBytes());
        new JobRoutes(s.tasks(), s.lifecycle(), es, rows, auth, uploads, job).install(router);
        s.lifecycle().register(FileJob.FACE, job, job::recover);
    }
}
