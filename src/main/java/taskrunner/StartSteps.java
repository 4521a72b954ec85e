package taskrunner;

import com.sun.net.httpserver.HttpServer;
import taskrunner.store.DataDirLock;
import taskrunner.store.Journal;
import taskrunner.store.Kind;
import taskrunner.store.OwnerOnly;
import taskrunner.store.Store;
import taskrunner.store.pg.PgLeases;
import taskrunner.store.pg.PgLog;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The steps of a start that an operator can get wrong, in the order {@link TaskServer#start}
 * takes them (bind, then lock, then open: nothing is written before the port is bound), each
 * failing as one {@link StartFailure} whose message says what to change.
 */
final class StartSteps {
    private StartSteps() {}

    /** The HTTP server, bound (the JDK binds in create) but not started. */
    static HttpServer bind(Config config) throws StartFailure {
        var addr = new InetSocketAddress(config.bind(), config.port());
        String where = config.bind() + ":" + config.port();
        if (addr.isUnresolved()) {
            throw new StartFailure("bind address " + config.bind() + " is not a known address; use --bind ADDR", null);
        }
        try {
            return HttpServer.create(addr, 1024);
        } catch (BindException e) {
            String why = String.valueOf(e.getMessage());
            if (why.contains("in use")) throw new StartFailure.PortInUse(config.bind(), config.port(), e);
            String hint = why.contains("assign") ? "--bind must be an address of this machine"
                    : why.contains("ermission") ? "ports below 1024 need privileges; try --port N"
                    : "check --bind and --port";
            throw new StartFailure("cannot listen on " + where + ": " + why + "; " + hint, e);
        } catch (IOException | RuntimeException e) {
            throw new StartFailure("cannot listen on " + where + ": " + e, e);
        }
    }

    /** Creates the data directory if it is new, and locks it for this server's life. */
    static DataDirLock lockDataDir(Path data) throws StartFailure {
        try {
            OwnerOnly.directories(data);
        } catch (FileAlreadyExistsException e) {
            throw new StartFailure("data directory " + data + " is a file, not a directory; use --data DIR", e);
        } catch (IOException e) {
            throw new StartFailure("data directory " + data + " cannot be created (" + reason(e) + "); use --data DIR", e);
        }
        try {
            return DataDirLock.acquire(data);
        } catch (DataDirLock.Held e) {
            throw new StartFailure.DataDirInUse(data, e.holder(), e);
        } catch (IOException e) {
            throw new StartFailure("data directory " + data + " is not writable (" + reason(e) + "); use --data DIR", e);
        }
    }

    /** Opens the store, translating what a damaged or unreadable directory throws into what to do. */
    static Store openStore(Path data, List<Kind<?>> kinds, long compactAfterBytes) throws StartFailure {
        try {
            return Store.open(data, kinds, compactAfterBytes);
        } catch (Journal.Unreadable e) {
            throw new StartFailure(e.getMessage() + "; nothing was changed: restore a backup (README: \"Stopping, backing up,"
                    + " restoring and moving the data directory\"), or keep the " + e.goodBytes()
                    + " bytes before it (truncate -s " + e.goodBytes() + " " + e.file() + ") and start again", e);
        } catch (IOException e) {
            throw new StartFailure("data directory " + data + " cannot be read or written (" + reason(e) + ")", e);
        } catch (RuntimeException e) {
            throw new StartFailure("data directory " + data + " holds a journal this server cannot read ("
                    + e.getMessage() + "); nothing was changed", e);
        }
    }

    /**
     * Opens the store on PostgreSQL ({@code --postgres}): the records live there, shared with every
     * server given the same URL; other servers' writes reach this one's memory within
     * {@link #PG_POLL}. A database that cannot be reached is a StartFailure that names it without
     * its credentials.
     */
    static Store openPgStore(Config config, List<Kind<?>> kinds, PgLeases leases) throws StartFailure {
        try {
            return Store.open(kinds, PgLog.opener(config.postgres(), config.node(), PG_POLL, leases));
        } catch (IOException | RuntimeException e) {
            throw new StartFailure(e.getMessage() + "; check --postgres (TASKRUNNER_POSTGRES)", e);
        }
    }

    /** How often a server on PostgreSQL reads the writes of the others. */
    static final java.time.Duration PG_POLL = java.time.Duration.ofMillis(200);

    /** An I/O failure in words: "permission denied: data/journal.jsonl" rather than a class name. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException a) return "permission denied: " + a.getFile();
        if (e instanceof NoSuchFileException n) return "no such file or directory: " + n.getFile();
        if (e instanceof FileSystemException f) {
            return (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName()) + ": " + f.getFile();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
