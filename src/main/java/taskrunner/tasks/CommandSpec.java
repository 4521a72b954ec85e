package taskrunner.tasks;

import java.util.List;
import java.util.Map;

/**
 * One operator-declared command task, as read from the tasks file.
 *
 * @param argv      the program and its arguments; {@code {field}} in an argument is
 *                  replaced by that field's value of the row (no shell is involved)
 * @param env       extra environment variables, values templated the same way
 * @param timeoutMs per-row limit; the process is killed after it
 * @param noInput   true: run once with no row, one output row
 */
public record CommandSpec(String category, String action, String description, String doc,
                          List<String> mandatory, List<String> optional, List<String> argv,
                          Map<String, String> env, long timeoutMs, boolean noInput) {}
