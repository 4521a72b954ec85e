package taskrunner.ckan;

import taskrunner.http.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The original's response shapes: app answers in {@code json.dumps} or {@code jsonify}
 * form with Content-Type exactly {@code application/json}; app errors as
 * {@code {"error": ...}}; framework errors as Werkzeug's HTML pages.
 */
final class CkanReplies {
    static final String JSON = "application/json";
    static final String HTML = "text/html; charset=utf-8";

    private CkanReplies() {}

    static Response dumps(int status, Object value) {
        return Response.text(status, JSON, PyJson.dumps(value));
    }

    static Response jsonify(Object value) {
        return Response.text(200, JSON, PyJson.jsonify(value));
    }

    /** {@code {"error": value}}; value is a string except for a failed job's /data. */
    static Response error(int status, Object value) {
        var m = new LinkedHashMap<String, Object>();
        m.put("error", value);
        return dumps(status, m);
    }

    static Response success() {
        return dumps(200, Map.of("success", true));
    }

    static Response notFound() {
        return html(404, "Not Found", "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.");
    }

    static Response html(int status, String title, String text) {
        return Response.text(status, HTML, "<!doctype html>\n<html lang=en>\n<title>" + status + " " + title
                + "</title>\n<h1>" + title + "</h1>\n<p>" + text + "</p>\n");
    }

    /** Werkzeug's page for a status the router decides. */
    static Response framework(int status) {
        return switch (status) {
            case 404 -> notFound();
            case 405 -> html(405, "Method Not Allowed", "The method is not allowed for the requested URL.");
            case 413 -> html(413, "Request Entity Too Large", "The data value transmitted exceeds the capacity limit.");
            case 400 -> html(400, "Bad Request", "The browser (or proxy) sent a request that this server could not understand.");
            case 414 -> html(414, "Request-URI Too Large", "The length of the requested URL exceeds the capacity limit for this server. The request cannot be processed.");
            case 431 -> html(431, "Request Header Fields Too Large", "One or more header fields exceeds the maximum size.");
            case 429 -> html(429, "Too Many Requests", "This user has exceeded an allotted request count. Try again later.");
            default -> html(500, "Internal Server Error", "The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.");
        };
    }
}
