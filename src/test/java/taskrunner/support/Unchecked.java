package taskrunner.support;

/** A call that may throw, inside a condition that may not ({@link ServerFixture#await}'s): a failure fails the test. */
public final class Unchecked {
    private Unchecked() {}

    /** What may throw. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws Exception;
    }

    public static <T> T call(Call<T> c) {
        try {
            return c.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
