package taskrunner.tasks.datapusher;

import taskrunner.Config;
import taskrunner.support.DataFiles;
import taskrunner.support.FakeCkan;
import taskrunner.support.ServerFixture;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One push's world: a real server (port 0, temp dir) that may push to a fake CKAN site, a web
 * server for the resources' files, and CKAN's side of the job API.
 */
final class PushFixture implements AutoCloseable {
    /** DataPusher's own golden file, tests/static/simple.csv. */
    static final String SIMPLE = """
            date,temperature,place
            2011-01-01,1,Galway
            2011-01-02,-1,Galway
            2011-01-03,0,Galway
            2011-01-01,6,Berkeley
            2011-01-02,8,Berkeley
            2011-01-03,5,Berkeley""";
    static final List<Map<String, Object>> SIMPLE_FIELDS = List.of(
            Map.of("id", "date", "type", "timestamp"),
            Map.of("id", "temperature", "type", "numeric"),
            Map.of("id", "place", "type", "text"));
    static final String SIMPLE_TYPES_LOG = "Determined headers and types: [{'id': 'date', 'type': 'timestamp'},"
            + " {'id': 'temperature', 'type': 'numeric'}, {'id': 'place', 'type': 'text'}]";

    final FakeCkan site;
    final DataFiles files;
    final ServerFixture fx;
    final CkanSide ckan;

    PushFixture() throws IOException {
        this(c -> {});
    }

    PushFixture(Consumer<Config.Builder> settings) throws IOException {
        site = new FakeCkan(CkanSide.TOKEN);
        files = new DataFiles();
        fx = new ServerFixture(b -> b.configure(c -> settings.accept(c.datapusherCkanUrls(List.of(site.url())))));
        ckan = new CkanSide(fx, site);
    }

    /** Adds resource {@code id} whose file is at {@code url}. */
    Map<String, Object> resource(String id, String url, String format) {
        var r = new LinkedHashMap<String, Object>();
        r.put("id", id);
        r.put("name", id + ".csv");
        r.put("url", url);
        r.put("format", format);
        return site.addResource(r);
    }

    /** Serves {@code text} as a CSV file and adds resource {@code id} for it. */
    Map<String, Object> csvResource(String id, String text) {
        return resource(id, files.file(id + ".csv", text.getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/csv", true), "CSV");
    }

    static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    @Override
    public void close() throws IOException {
        fx.close();
        files.close();
        site.close();
    }
}
