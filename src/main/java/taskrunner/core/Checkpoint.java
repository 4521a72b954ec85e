package taskrunner.core;

/**
 * How far a running row task had come at its last journaled progress: the input rows
 * consumed, and the length of its output work file once those rows were written and
 * fsynced. Resuming cuts the output back to {@code outputBytes} and skips
 * {@code rowsDone} input rows, so no row is written twice.
 */
public record Checkpoint(long rowsDone, long outputBytes) {}
