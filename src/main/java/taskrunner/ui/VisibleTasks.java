package taskrunner.ui;

import taskrunner.Face;
import taskrunner.auth.Account;
import taskrunner.auth.Identity;
import taskrunner.auth.Principal;
import taskrunner.core.Task;
import taskrunner.core.TaskService;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tasks of every face that one principal may see, and nothing else: the dashboard reads
 * tasks only through this class.
 *
 * <p>Rule: a task with an owner account is visible where {@link Identity#mayAccess} allows
 * (the account itself, an ancestor of it, a superduper principal), the one check every face
 * uses. A task of no account, a CKAN job, is visible to superduper principals only: CKAN's
 * administration (every job's data, delete) is the root admins', and a job key reaches one
 * job, not a dashboard.
 */
final class VisibleTasks {
    private final TaskService tasks;
    private final Identity identity;
    private final Map<String, Face> faces = new HashMap<>();

    VisibleTasks(TaskService tasks, Identity identity, List<? extends Face> faces) {
        this.tasks = tasks;
        this.identity = identity;
        for (Face f : faces) this.faces.put(f.name(), f);
    }

    boolean maySee(Principal p, Task t) {
        return t.accountId() == null ? p.superduper() : identity.mayAccess(p, t.accountId());
    }

    /** Every task {@code p} may see, newest first (ties: id descending). */
    List<DashboardTask> all(Principal p) {
        var accounts = new HashMap<String, Account>();
        var out = new ArrayList<DashboardTask>();
        for (Face f : faces.values()) {
            for (Task t : tasks.all(f.name())) {
                if (t != null && maySee(p, t)) out.add(view(t, f, accounts));
            }
        }
        out.sort(Comparator.comparingLong((DashboardTask d) -> d.task().created())
                .thenComparing(d -> d.task().id()).reversed());
        return out;
    }

    /** The task if {@code p} may see it, else null (so a task of another account is as absent as a missing one). */
    DashboardTask one(Principal p, String id) {
        Task t = id == null ? null : tasks.get(id);
        Face f = t == null ? null : faces.get(t.face());
        if (f == null || !maySee(p, t)) return null;
        return view(t, f, new HashMap<>());
    }

    private DashboardTask view(Task t, Face f, Map<String, Account> accounts) {
        Account a = t.accountId() == null ? null : accounts.computeIfAbsent(t.accountId(), identity::account);
        return DashboardTask.of(t, a, f);
    }
}
