package taskrunner.entryscape.rowstore;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RowStore's per-dataset Swagger 2.0 document ({@code /dataset/{id}/swagger}), which
 * EntryScape links from an API distribution's {@code dcterms:conformsTo}: one query path
 * with an optional string parameter per column plus {@code _limit} and {@code _offset}.
 */
final class DatasetSwagger {
    private DatasetSwagger() {}

    static Map<String, Object> of(Dataset d, String datasetUrl, int maxLimit) {
        URI url = URI.create(datasetUrl);
        String basePath = url.getPath().substring(0, url.getPath().indexOf("/dataset/"));
        var params = new ArrayList<Object>();
        for (String c : d.columns()) params.add(param(c, "string", "Exact value of the column " + c));
        var limit = param("_limit", "integer", "Rows per page (1 to " + maxLimit + ")");
        limit.put("default", maxLimit);
        limit.put("maximum", maxLimit);
        params.add(limit);
        params.add(param("_offset", "integer", "Rows to skip"));
        var get = new LinkedHashMap<String, Object>();
        get.put("operationId", "datasetQuery");
        get.put("produces", List.of("application/json"));
        get.put("parameters", params);
        var responses = new LinkedHashMap<String, Object>();
        for (var r : List.of("200:Matching rows", "400:Unknown column or bad parameter", "404:No such dataset")) {
            responses.put(r.substring(0, 3), Map.of("description", r.substring(4)));
        }
        get.put("responses", responses);
        var doc = new LinkedHashMap<String, Object>();
        doc.put("swagger", "2.0");
        doc.put("info", Map.of("title", "RowStore dataset " + d.id(), "version", "1"));
        doc.put("host", url.getAuthority());
        doc.put("basePath", basePath.isEmpty() ? "/" : basePath);
        doc.put("schemes", List.of(url.getScheme()));
        doc.put("paths", Map.of("/dataset/" + d.id(), Map.of("get", get)));
        return doc;
    }

    private static Map<String, Object> param(String name, String type, String description) {
        var m = new LinkedHashMap<String, Object>();
        m.put("name", name);
        m.put("in", "query");
        m.put("required", false);
        m.put("type", type);
        m.put("description", description);
        return m;
    }
}
