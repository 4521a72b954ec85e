package taskrunner.tasks;

import taskrunner.core.RowTaskType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Operator-declared command tasks, read from a JSON file. */
public final class CommandTasks {
    private CommandTasks() {}

    public static List<RowTaskType> load(Path file) throws IOException {
        return List.of();
    }
}
