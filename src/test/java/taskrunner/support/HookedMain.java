package taskrunner.support;

import taskrunner.Hooks;
import taskrunner.Main;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link Main} with test hooks, for servers in a child JVM ({@link ChildServer#startHooked}):
 * {@code HookedMain [--halt-after-switch] [Main's flags]}. With {@code --halt-after-switch}
 * the JVM halts with status 99 (no shutdown hooks, as kill -9 would end it) right after an
 * EntryScape job switches its dataset, before the rest of its commit.
 */
public final class HookedMain {
    public static final String HALT_AFTER_SWITCH = "--halt-after-switch";
    public static final int HALT_STATUS = 99;

    private HookedMain() {}

    public static void main(String[] args) throws Exception {
        var rest = new ArrayList<>(List.of(args));
        Hooks hooks = !rest.remove(HALT_AFTER_SWITCH) ? Hooks.NONE : new Hooks() {
            @Override
            public void afterDatasetSwitch(String jobId) {
                Runtime.getRuntime().halt(HALT_STATUS);
            }
        };
        Main.run(rest.toArray(String[]::new), b -> b.hooks(hooks));
    }
}
