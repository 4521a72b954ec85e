package taskrunner;

import taskrunner.auth.Identity;
import taskrunner.core.Lifecycle;
import taskrunner.core.Registry;
import taskrunner.core.TaskService;
import taskrunner.metrics.Metrics;
import taskrunner.store.BlobStore;
import taskrunner.store.Store;

import java.net.URI;
import java.util.function.Supplier;

/**
 * What a face needs of the core, handed to its installer. Faces read and write through
 * these and own nothing else.
 *
 * @param baseUri the server's own address once listening (for absolute URIs in answers)
 * @param hooks   the test hooks given to the builder ({@link Hooks#NONE} in production)
 * @param metrics where a face adds metrics of its own to {@code GET /metrics}
 */
public record Services(Config config, Store store, BlobStore blobs, TaskService tasks, Lifecycle lifecycle,
                       Identity identity, Registry registry, Supplier<URI> baseUri, Hooks hooks, Metrics metrics) {}
