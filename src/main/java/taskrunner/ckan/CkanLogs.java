package taskrunner.ckan;

import taskrunner.store.Store;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The logs of every CKAN job: {@link CkanLog} records in the store, indexed here by job in
 * the order they were written.
 *
 * <p>Invariant: the index follows the store (it is changed only by the store's listener),
 * so a log shows up in a job dict only once it is durable. A job keeps at most
 * {@link #MAX_PER_JOB} records; later ones are dropped after one note saying so, so a
 * runaway job cannot fill the journal.
 */
final class CkanLogs {
    static final int MAX_PER_JOB = 10_000;

    private final Store store;
    private final Clock clock;
    private final Map<String, ConcurrentSkipListMap<Long, CkanLog>> byJob = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> nextSeq = new ConcurrentHashMap<>();

    CkanLogs(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
        store.listen(CkanLog.KIND, (old, now) -> {
            if (old != null && now == null) {
                var m = byJob.get(old.jobId());
                if (m != null) {
                    m.remove(old.seq());
                    if (m.isEmpty()) byJob.remove(old.jobId(), m);
                }
            } else if (now != null) {
                byJob.computeIfAbsent(now.jobId(), k -> new ConcurrentSkipListMap<>()).put(now.seq(), now);
            }
        });
        for (CkanLog l : store.all(CkanLog.KIND)) {
            byJob.computeIfAbsent(l.jobId(), k -> new ConcurrentSkipListMap<>()).put(l.seq(), l);
        }
    }

    /** Stores one record; returns once it is durable. */
    void append(String jobId, String level, String message, StackWalker.StackFrame caller) throws IOException {
        long seq = nextSeq.computeIfAbsent(jobId, k -> {
            var m = byJob.get(k);
            return new AtomicLong(m == null || m.isEmpty() ? 0 : m.lastKey() + 1);
        }).getAndIncrement();
        if (seq > MAX_PER_JOB) return;
        if (seq == MAX_PER_JOB) {
            level = "WARNING";
            message = "log limit of " + MAX_PER_JOB + " records reached; later records are dropped";
            caller = null;
        }
        var log = new CkanLog(jobId, seq, CkanTime.nowMicros(clock), level, message,
                caller == null ? "taskrunner" : simpleName(caller.getClassName()),
                caller == null ? "log" : caller.getMethodName(),
                caller == null ? 0 : Math.max(0, caller.getLineNumber()));
        store.put(CkanLog.KIND, log.id(), log);
    }

    /** All records oldest first, or with {@code limit} the newest {@code limit}, newest first. */
    List<Map<String, Object>> wire(String jobId, Integer limit) {
        var m = byJob.get(jobId);
        var out = new ArrayList<Map<String, Object>>();
        if (m == null) return out;
        if (limit == null) {
            for (CkanLog l : m.values()) out.add(l.toWire());
        } else {
            for (CkanLog l : m.descendingMap().values()) {
                if (limit >= 0 && out.size() >= limit) break;
                out.add(l.toWire());
            }
        }
        return out;
    }

    /** Deletes every record of a job; the deletes go out together so they share fsyncs. */
    void deleteAll(String jobId) throws IOException {
        nextSeq.remove(jobId);
        var m = byJob.get(jobId);
        if (m == null) return;
        var futures = new ArrayList<Future<Void>>();
        try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
            for (CkanLog l : List.copyOf(m.values())) {
                futures.add(exec.submit(() -> {
                    store.delete(CkanLog.KIND, l.id());
                    return null;
                }));
            }
        }
        for (var f : futures) {
            try {
                f.get();
            } catch (Exception e) {
                throw new IOException("deleting the logs of " + jobId, e);
            }
        }
    }

    private static String simpleName(String className) {
        int dot = className.lastIndexOf('.');
        String s = dot < 0 ? className : className.substring(dot + 1);
        int dollar = s.indexOf('$');
        return dollar < 0 ? s : s.substring(0, dollar);
    }
}
