package taskrunner.core;

import taskrunner.csv.CsvLimits;
import taskrunner.csv.CsvRow;
import taskrunner.csv.CsvRowReader;
import taskrunner.csv.CsvRowWriter;
import taskrunner.csv.RowFields;
import taskrunner.csv.TooLarge;
import taskrunner.store.BlobStore;
import taskrunner.store.StoreUnavailable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one row task: streams its input CSV row by row through the type's handler (or
 * drains its generator) into an output work file, publishing live counters, and
 * journaling a {@link Checkpoint} every {@code checkpointMs} milliseconds (and every
 * {@code checkpointRows} rows when that is not 0). When the rows are done, or the run is cancelled
 * between rows, it hands the work file to {@link Lifecycle} as the outcome's output: the
 * lifecycle commits it (done or stopped: the rows so far stay readable) or keeps it for a
 * resume (server shutdown).
 *
 * <p>Invariant: a checkpoint is journaled only after the output rows it counts were
 * fsynced, so resuming from it neither loses nor repeats a row.
 */
public final class RowExecution implements Execution {
    private final TaskService tasks;
    private final int checkpointRows;
    private final long checkpointMs;
    private final long rowDelayMs;
    private final CsvLimits csvLimits;

    /** @param csvLimits the input's size limits: a row over them fails the task with {@link TooLarge}'s message */
    public RowExecution(TaskService tasks, int checkpointRows, long checkpointMs, long rowDelayMs, CsvLimits csvLimits) {
        this.tasks = tasks;
        this.checkpointRows = checkpointRows;
        this.checkpointMs = checkpointMs;
        this.rowDelayMs = rowDelayMs;
        this.csvLimits = csvLimits;
    }

    @Override
    public Outcome run(Task task, TaskContext ctx) throws Exception {
        RowTaskType type = tasks.registry().row(task.type());
        if (type == null) throw new IllegalStateException("task type " + task.type() + " is not registered");
        BlobStore blobs = tasks.blobs();
        String work = workFile(task.id());
        Checkpoint cp = type.expectsInput() && task.checkpoint() != null
                && blobs.resumable(work, task.checkpoint().outputBytes()) ? task.checkpoint() : null;
        var progress = tasks.progress(task.id());
        var counts = new Counts(cp == null ? 0 : cp.rowsDone(), cp == null ? 0 : nz(task.succeeded()),
                cp == null ? 0 : nz(task.failed()));
        BlobStore.Writer out = blobs.work(work, task.id(), cp == null ? -1 : cp.outputBytes());
        boolean complete;
        try (CsvRowWriter writer = new CsvRowWriter(BlobStore.unclosable(out))) {
            complete = type.expectsInput()
                    ? mapRows(task, type, ctx, cp, writer, out, counts, progress)
                    : generateRows(type, ctx, writer, counts, progress);
        } catch (Exception e) {
            out.close();
            throw e;
        }
        Outcome o = complete ? Outcome.done() : Outcome.partial();
        return o.withCounters(counts.ok, counts.bad).withOutput(new WorkOutput(out, counts.rows));
    }

    /** Rows consumed, succeeded and failed so far; owned by the task's thread. */
    private static final class Counts {
        long rows, ok, bad;
        boolean crashed;

        Counts(long rows, long ok, long bad) {
            this.rows = rows;
            this.ok = ok;
            this.bad = bad;
        }
    }

    /** The work file as the outcome's output: committed as a blob, or kept (fsynced) for a resume. */
    private record WorkOutput(BlobStore.Writer out, long rows) implements Outcome.Output {
        public String commit() throws IOException {
            return out.commit();
        }

        public Checkpoint keep() throws IOException {
            long len = out.sync();
            out.close();
            return new Checkpoint(rows, len);
        }

        public void drop() {
            try {
                out.close();
            } catch (IOException ignored) {
                // a local copy nobody resumes from: the new holder fetches the shared one
            }
        }
    }

    /** Returns true when every input row was handled, false when the run was cancelled first. */
    private boolean mapRows(Task task, RowTaskType type, TaskContext ctx, Checkpoint cp, CsvRowWriter writer,
                            BlobStore.Writer out, Counts n, TaskService.Progress progress) throws Exception {
        var fields = new RowFields(type.mandatory(), type.optional(), type.acceptsAnyColumns());
        try (CsvRowReader reader = new CsvRowReader(tasks.blobs().open(task.input()), csvLimits)) {
            List<String> header = reader.header();
            List<String> extra = new ArrayList<>();
            for (String c : type.outputColumns()) if (!header.contains(c)) extra.add(c);
            if (cp == null) writer.write(concat(header, extra));
            for (long i = 0; i < n.rows; i++) if (reader.next() == null) break;
            long lastCheckpoint = System.nanoTime();
            CsvRow csvRow;
            while ((csvRow = reader.next()) != null) {
                if (ctx.cancelled()) return false;
                List<String> cells = csvRow.cells();
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) row.put(header.get(i), i < cells.size() ? cells.get(i) : null);
                for (String f : type.mandatory()) row.putIfAbsent(f, null);
                for (String f : type.optional()) row.putIfAbsent(f, null);
                Map<String, String> result = null;
                List<String> missing = fields.missing(row);
                String failure = missing.isEmpty() ? null : "bad field(s) " + String.join(" ", missing);
                if (failure == null) {
                    try {
                        result = type.handler().apply(row, ctx);
                    } catch (RowTaskType.RowFailure f) {
                        failure = f.getMessage();
                        result = f.output();
                    } catch (TaskContext.StoppedException e) {
                        return false; // this row is not done: a resume or a rerun does it
                    } catch (Exception e) {
                        failure = "applier crashed";
                        n.crashed = true;
                    }
                }
                var line = new ArrayList<String>(header.size() + extra.size());
                for (int i = 0; i < header.size(); i++) {
                    String col = header.get(i);
                    line.add(result != null && result.containsKey(col) ? result.get(col) : (i < cells.size() ? cells.get(i) : null));
                }
                for (String col : extra) {
                    if (col.equals("error")) line.add(failure);
                    else line.add(result == null ? null : result.get(col));
                }
                writer.write(line);
                if (failure == null) n.ok++;
                else n.bad++;
                n.rows++;
                if (progress != null) {
                    progress.succeeded = n.ok;
                    progress.failed = n.bad;
                }
                if (n.crashed) return true;
                if (rowDelayMs > 0) {
                    try {
                        ctx.sleep(Duration.ofMillis(rowDelayMs));
                    } catch (TaskContext.StoppedException e) {
                        return false;
                    }
                }
                // by time, not rows: a checkpoint is two fsyncs, and a fast task would otherwise pay them per few ms
                if ((checkpointRows > 0 && n.rows % checkpointRows == 0) || System.nanoTime() - lastCheckpoint > checkpointMs * 1_000_000) {
                    writer.flush();
                    long r = n.rows, s = n.ok, f = n.bad;
                    try {
                        long len = out.sync();
                        tasks.update(task.id(), t -> t.withCounters(s, f).withCheckpoint(new Checkpoint(r, len)));
                    } catch (StoreUnavailable e) {
                        // a database that did not take the checkpoint (servers sharing one): the next one tries again
                    }
                    lastCheckpoint = System.nanoTime();
                }
            }
            writer.flush();
            return true;
        }
    }

    /** A no-input task: its generator's rows, until it returns or the run is cancelled. */
    private static boolean generateRows(RowTaskType type, TaskContext ctx, CsvRowWriter writer, Counts n,
                                        TaskService.Progress progress) throws IOException {
        List<String> header = type.outputColumns();
        writer.write(header);
        try {
            type.generator().generate(r -> {
                ctx.checkpoint();
                var line = new ArrayList<String>(header.size());
                for (String c : header) line.add(r.get(c));
                writer.write(line);
                n.ok++;
                n.rows++;
                if (progress != null) progress.succeeded = n.ok;
            }, ctx);
        } catch (TaskContext.StoppedException e) {
            writer.flush();
            return false;
        } catch (Exception e) {
            if (ctx.cancelled()) {
                writer.flush();
                return false;
            }
            n.bad = 1;
            n.crashed = true;
        }
        writer.flush();
        return true;
    }

    /**
     * The name of a task's output work file in the blob store: made from its id, never the id
     * itself, since an id is data (a CKAN job id may hold spaces, slashes, dots or emoji) and a
     * file name is not. SHA-256, so no id can be chosen to land on another task's file.
     */
    static String workFile(String taskId) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(taskId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "w-" + java.util.HexFormat.of().formatHex(h, 0, 20) + ".out";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        var l = new ArrayList<String>(a);
        l.addAll(b);
        return l;
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }

}
