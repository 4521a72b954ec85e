package taskrunner;

import java.lang.reflect.InvocationTargetException;

/**
 * The jar's entry point, compiled for Java 8 so that an older {@code java} can load it and
 * say in one line what is wrong, instead of an {@code UnsupportedClassVersionError} about
 * {@link Main}. On Java 21 or newer it hands over to {@code Main} at once. It names
 * {@code Main} by reflection because a class compiled for Java 8 cannot link to one compiled
 * for 21.
 */
public final class Launcher {
    static final int NEEDED = 21;

    private Launcher() {}

    public static void main(String[] args) throws Throwable {
        int version = feature(System.getProperty("java.specification.version", "0"));
        if (version < NEEDED) {
            System.err.println("taskrunner needs Java " + NEEDED + " or newer; this is Java " + version + " ("
                    + System.getProperty("java.home") + "). Run it with a newer java, or with ./build.sh run, which finds one.");
            System.exit(1);
        }
        try {
            Class.forName("taskrunner.Main").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** 8 for "1.8", 17 for "17". */
    static int feature(String specification) {
        String s = specification.startsWith("1.") ? specification.substring(2) : specification;
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) end++;
        return end == 0 ? 0 : Integer.parseInt(s.substring(0, end));
    }
}
