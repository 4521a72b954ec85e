package taskrunner.kazoo;

import com.fasterxml.jackson.jr.ob.JSON;
import taskrunner.auth.Principal;
import taskrunner.core.Lifecycle;
import taskrunner.core.RowTaskType;
import taskrunner.core.Task;
import taskrunner.core.TaskService;
import taskrunner.csv.CsvCheck;
import taskrunner.csv.CsvCheckResult;
import taskrunner.csv.CsvLimits;
import taskrunner.csv.FieldProblems;
import taskrunner.csv.FormatProblem;
import taskrunner.csv.JsonRecordsToCsv;
import taskrunner.http.HttpError;
import taskrunner.http.Request;
import taskrunner.http.Response;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creating a task ({@code PUT .../tasks?category=C&action=A}): picks CSV, JSON records or
 * no input from the Content-Type, stores the input as a blob (JSON records converted to
 * CSV), validates it in one streaming pass, and only then journals the task. Refusals use
 * the seed's shapes: 500 "invalid request" with {@code csv.format} (a malformed file, or a cell
 * or row over the {@link CsvLimits}, the message saying which) or
 * {@code attachment.type.*}, 404 "bad identifier" with [CATEGORY] or [ACTION].
 *
 * <p>Invariant: a refused request leaves nothing behind (its blob is deleted); an
 * accepted one is journaled (fsynced) before the 201.
 */
final class KazooTaskIntake {
    private static final Set<String> CSV_TYPES = Set.of("text/csv", "text/comma-separated-values", "application/octet-stream");
    // curl -d sends a form type; Crossbar reads such a body as JSON too, so the seed's curl commands work.
    private static final Set<String> JSON_TYPES = Set.of("application/json", "application/x-json", "application/x-www-form-urlencoded");

    private final TaskService tasks;
    private final Lifecycle lifecycle;
    private final long maxJsonBytes;
    private final CsvLimits csvLimits;
    private final KazooEnvelope envelope;

    KazooTaskIntake(TaskService tasks, Lifecycle lifecycle, long maxJsonBytes, CsvLimits csvLimits, KazooEnvelope envelope) {
        this.envelope = envelope;
        this.tasks = tasks;
        this.lifecycle = lifecycle;
        this.maxJsonBytes = maxJsonBytes;
        this.csvLimits = csvLimits;
    }

    Response create(Request req, Principal p, String accountId) throws IOException {
        String category = req.query("category");
        String action = req.query("action");
        if (category == null || category.isEmpty() || action == null || action.isEmpty()) {
            return envelope.invalidRequest(req, null);
        }
        RowTaskType type = tasks.registry().row(category + "/" + action);
        if (type == null) {
            boolean knownCategory = tasks.registry().rowTypes().stream().anyMatch(t -> t.category().equals(category));
            return envelope.badIdentifier(req, knownCategory ? action : category);
        }
        String mime = req.mediaType();
        String fileName = req.query("file_name");
        String blob = null;
        CsvCheckResult recordsCheck = null;
        try {
            if (mime != null && CSV_TYPES.contains(mime)) {
                blob = tasks.blobs().write(req.body()).id();
            } else if (mime == null || mime.isEmpty() || JSON_TYPES.contains(mime)) {
                var records = records(req);
                if (records != null) {
                    if (records.fileName != null) fileName = records.fileName;
                    if (!records.rows.isEmpty()) {
                        if (type.expectsInput()) {
                            recordsCheck = new CsvCheck(type.mandatory(), type.optional(), type.acceptsAnyColumns(), csvLimits)
                                    .checkRecords(records.rows);
                            if (recordsCheck.problem().isPresent()) return problem(req, recordsCheck);
                        }
                        blob = tasks.blobs().write(out -> JsonRecordsToCsv.write(records.rows, out));
                    }
                }
            } else {
                return envelope.error(req, 415, "invalid_content_type",
                        Map.of("message", "unsupported content type " + mime + "; send text/csv or application/json"));
            }
            Long total = null;
            if (blob == null) {
                if (type.expectsInput()) {
                    var problems = new LinkedHashMap<String, Object>();
                    problems.put("expected_content", "text/csv");
                    if (!type.mandatory().isEmpty()) problems.put("missing_mandatory_fields", type.mandatory());
                    return attachmentProblem(req, problems);
                }
            } else {
                if (!type.expectsInput()) {
                    return attachmentProblem(req, Map.of("expected_content", "none"));
                }
                CsvCheckResult check = recordsCheck;
                if (check == null) {
                    try (InputStream in = tasks.blobs().open(blob)) {
                        check = CsvCheck.check(in, type.mandatory(), type.optional(), type.acceptsAnyColumns(), csvLimits);
                    }
                }
                if (check.problem().isPresent()) return problem(req, check);
                total = check.rowCount();
            }
            Task t = lifecycle.create(Task.draft(TaskService.newId(15), KazooFace.FACE, type.key(), accountId,
                    p.account().id(), tasks.now()).withTotal(total).withFileName(fileName).withInput(blob));
            blob = null; // the task owns it now
            return envelope.success(req, 201, Map.of("_read_only", KazooTaskJson.created(t)));
        } finally {
            if (blob != null) tasks.blobs().delete(blob);
        }
    }

    private record Records(List<Map<String, Object>> rows, String fileName) {}

    /** The {@code data.records} of a JSON body, or null for a blank body or one without data. */
    @SuppressWarnings("unchecked")
    private Records records(Request req) throws IOException {
        Object parsed;
        try {
            parsed = req.bodyJson(maxJsonBytes);
        } catch (Request.MalformedBody e) {
            throw new HttpError(envelope.invalidJson(req, e.getMessage()));
        }
        if (!(parsed instanceof Map<?, ?> top) || !(top.get("data") instanceof Map<?, ?> data)) return null;
        Object fileName = data.get("file_name");
        if (fileName != null && !(fileName instanceof String)) {
            throw new HttpError(envelope.validation(req, "file_name", "type", "Value is not of type string"));
        }
        Object recs = data.get("records");
        if (!(recs instanceof List<?> list)) return new Records(List.of(), (String) fileName);
        var rows = new ArrayList<Map<String, Object>>(list.size());
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m)) throw new HttpError(envelope.validation(req, "records", "type", "Value is not of type object"));
            rows.add((Map<String, Object>) m);
        }
        return new Records(rows, (String) fileName);
    }

    private Response problem(Request req, CsvCheckResult check) {
        var problem = check.problem().orElseThrow();
        if (problem instanceof FormatProblem f) {
            return envelope.invalidRequest(req, Map.of("csv", Map.of("format", Map.of("message", f.message()))));
        }
        var fp = (FieldProblems) problem;
        var type = new LinkedHashMap<String, Object>();
        if (!fp.unknownFields().isEmpty()) type.put("unknown_fields", fp.unknownFields());
        if (!fp.missingMandatoryFields().isEmpty()) type.put("missing_mandatory_fields", fp.missingMandatoryFields());
        if (!fp.missingMandatoryValues().isEmpty()) type.put("missing_mandatory_values", fp.missingMandatoryValues());
        return attachmentProblem(req, type);
    }

    private Response attachmentProblem(Request req, Map<String, Object> type) {
        return envelope.invalidRequest(req, Map.of("attachment", Map.of("type", type)));
    }
}
