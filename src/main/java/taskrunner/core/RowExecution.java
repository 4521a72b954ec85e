package taskrunner.core;

import taskrunner.csv.CsvRowReader;
import taskrunner.csv.CsvRowWriter;
import taskrunner.store.BlobStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one row task: streams its input CSV row by row through the type's handler (or
 * drains its generator) into an output work file, publishing live counters, and
 * journaling a {@link Checkpoint} every {@code checkpointRows} rows or
 * {@code checkpointMs} milliseconds. At the end the work file becomes the output blob and
 * the task DONE (or STOPPED, keeping the partial output).
 *
 * <p>Invariant: a checkpoint is journaled only after the output rows it counts were
 * fsynced, so resuming from it neither loses nor repeats a row.
 */
public final class RowExecution implements TaskService.Execution {
    private final TaskService tasks;
    private final int checkpointRows;
    private final long checkpointMs;
    private final long rowDelayMs;

    public RowExecution(TaskService tasks, int checkpointRows, long checkpointMs, long rowDelayMs) {
        this.tasks = tasks;
        this.checkpointRows = checkpointRows;
        this.checkpointMs = checkpointMs;
        this.rowDelayMs = rowDelayMs;
    }

    @Override
    public void run(Task task, TaskContext ctx) throws Exception {
        RowTaskType type = tasks.registry().row(task.type());
        if (type == null) throw new IllegalStateException("task type " + task.type() + " is not registered");
        BlobStore blobs = tasks.blobs();
        String work = workFile(task.id());
        Checkpoint cp = type.expectsInput() && task.checkpoint() != null && blobs.workExists(work)
                ? task.checkpoint() : null;
        var progress = tasks.progress(task.id());
        long ok = cp == null ? 0 : nz(task.succeeded());
        long bad = cp == null ? 0 : nz(task.failed());
        BlobStore.Writer out = blobs.work(work, cp == null ? -1 : cp.outputBytes());
        boolean stopped = false;
        boolean crashed = false;
        long rows = cp == null ? 0 : cp.rowsDone();
        try (CsvRowWriter writer = new CsvRowWriter(BlobStore.unclosable(out))) {
            if (type.expectsInput()) {
                try (CsvRowReader reader = new CsvRowReader(blobs.open(task.input()))) {
                    List<String> header = reader.header();
                    List<String> extra = new ArrayList<>();
                    for (String c : type.outputColumns()) if (!header.contains(c)) extra.add(c);
                    if (cp == null) writer.write(concat(header, extra));
                    for (long i = 0; i < rows; i++) if (reader.next() == null) break;
                    long lastCheckpoint = System.nanoTime();
                    taskrunner.csv.CsvRow csvRow;
                    while ((csvRow = reader.next()) != null) {
                        List<String> cells = csvRow.cells();
                        if (ctx.cancelled()) {
                            stopped = true;
                            break;
                        }
                        Map<String, String> row = new LinkedHashMap<>();
                        for (int i = 0; i < header.size(); i++) row.put(header.get(i), i < cells.size() ? cells.get(i) : null);
                        for (String f : type.mandatory()) row.putIfAbsent(f, null);
                        for (String f : type.optional()) row.putIfAbsent(f, null);
                        Map<String, String> result;
                        String failure = badFields(type, row);
                        if (failure == null) {
                            try {
                                result = type.handler().apply(row, ctx);
                            } catch (RowTaskType.RowFailure f) {
                                failure = f.getMessage();
                                result = f.output();
                            } catch (InterruptedException | TaskContext.StoppedException e) {
                                if (ctx.cancelled()) {
                                    stopped = true;
                                    break;
                                }
                                throw e;
                            } catch (Exception e) {
                                failure = "applier crashed";
                                crashed = true;
                                result = null;
                            }
                        } else {
                            result = null;
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
                        if (failure == null) ok++;
                        else bad++;
                        rows++;
                        if (progress != null) {
                            progress.succeeded = ok;
                            progress.failed = bad;
                        }
                        if (crashed) break;
                        if (rowDelayMs > 0) {
                            try {
                                Thread.sleep(rowDelayMs);
                            } catch (InterruptedException e) {
                                if (!ctx.cancelled()) throw e;
                                stopped = true;
                                break;
                            }
                        }
                        if (rows % checkpointRows == 0 || System.nanoTime() - lastCheckpoint > checkpointMs * 1_000_000) {
                            writer.flush();
                            long len = out.sync();
                            long r = rows, s = ok, f = bad;
                            tasks.update(task.id(), t -> t.withCounters(s, f).withCheckpoint(new Checkpoint(r, len)));
                            lastCheckpoint = System.nanoTime();
                        }
                    }
                }
            } else {
                List<String> header = type.outputColumns();
                writer.write(header);
                long[] count = {0};
                try {
                    type.generator().generate(r -> {
                        ctx.checkpoint();
                        var line = new ArrayList<String>(header.size());
                        for (String c : header) line.add(r.get(c));
                        writer.write(line);
                        count[0]++;
                        if (progress != null) progress.succeeded = count[0];
                    }, ctx);
                } catch (InterruptedException | TaskContext.StoppedException e) {
                    if (!ctx.cancelled()) throw e;
                    stopped = true;
                } catch (Exception e) {
                    if (tasks.runner().shuttingDown() && !ctx.cancelled()) throw e;
                    bad = 1;
                    crashed = true;
                }
                ok = count[0];
            }
        } catch (Exception e) {
            out.close();
            throw e;
        }
        if (tasks.runner().shuttingDown() && !ctx.cancelled()) {
            out.close(); // leave it RUNNING with its checkpoint: resumed at the next start
            return;
        }
        String blob = out.commit();
        long s = ok, f = bad;
        boolean st = stopped;
        tasks.update(task.id(), t -> t.withState(st ? TaskState.STOPPED : TaskState.DONE)
                .withFinished(tasks.now()).withCounters(s, f).withOutput(blob).withCheckpoint(null));
    }

    /** The name of a task's output work file in the blob store. */
    static String workFile(String taskId) {
        return taskId + ".out";
    }

    /** Kazoo's verifier: a mandatory field whose value is missing fails the row. */
    private static String badFields(RowTaskType type, Map<String, String> row) {
        List<String> bad = null;
        for (String f : type.mandatory()) {
            String v = row.get(f);
            if (v == null) {
                if (bad == null) bad = new ArrayList<>();
                bad.add(f);
            }
        }
        return bad == null ? null : "bad field(s) " + String.join(" ", bad);
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
