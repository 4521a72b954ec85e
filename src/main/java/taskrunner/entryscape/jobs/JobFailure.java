package taskrunner.entryscape.jobs;

/** A job cannot do what it was asked; the message becomes the job's error for the client. */
final class JobFailure extends Exception {
    JobFailure(String message) {
        super(message, null, false, false);
    }
}
