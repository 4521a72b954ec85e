package taskrunner.ckan;

import taskrunner.store.Kind;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One log record of a job, kept as its own store record (id {@code <job_id>#<seq>}) so a
 * chatty job appends one short journal line per record instead of rewriting its task.
 */
record CkanLog(String jobId, long seq, long micros, String level, String message, String module,
               String funcName, int lineno) {
    static final Kind<CkanLog> KIND = new Kind<>("ckan_log", new Kind.Codec<>() {
        public Map<String, Object> encode(CkanLog l) {
            var m = new LinkedHashMap<String, Object>();
            m.put("job", l.jobId);
            m.put("seq", l.seq);
            m.put("ts", l.micros);
            m.put("level", l.level);
            m.put("message", l.message);
            m.put("module", l.module);
            m.put("func", l.funcName);
            m.put("line", l.lineno);
            return m;
        }

        public CkanLog decode(Map<String, Object> m) {
            return new CkanLog((String) m.get("job"), ((Number) m.get("seq")).longValue(),
                    ((Number) m.get("ts")).longValue(), (String) m.get("level"), (String) m.get("message"),
                    (String) m.get("module"), (String) m.get("func"), ((Number) m.get("line")).intValue());
        }
    });

    String id() {
        return jobId + "#" + seq;
    }

    /** The wire form, keys in the original's order ({@code job_id} stripped). */
    Map<String, Object> toWire() {
        var m = new LinkedHashMap<String, Object>();
        m.put("timestamp", CkanTime.format(micros));
        m.put("message", message);
        m.put("level", level);
        m.put("module", module);
        m.put("funcName", funcName);
        m.put("lineno", lineno);
        return m;
    }
}
