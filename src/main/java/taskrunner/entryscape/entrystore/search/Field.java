package taskrunner.entryscape.entrystore.search;

import taskrunner.entryscape.Rdf;
import taskrunner.entryscape.entrystore.EntryDoc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A field of EntryStore's Solr index that this server can search, the values an entry has
 * in it, and how a query value matches them ({@link Kind}). The fields are those
 * entrystore.js's SolrQuery and the EntryScape catalog ask for: the entry's own
 * ({@code uri}, {@code resource}, {@code context}, {@code rdfType}, the three type fields,
 * {@code creator}, {@code contributors}, {@code public}, {@code title}, {@code username}) and
 * the metadata ones, {@code metadata.object.uri|literal} and
 * {@code metadata.predicate.<uri|literal|literal_s|literal_t>.<first 8 hex of md5(predicate)>},
 * which take every statement of the metadata graph, as EntryStore indexes them.
 *
 * @param name as written in the query
 */
public record Field(String name, Kind kind, Function<EntryDoc, List<String>> values) {
    /**
     * How a value matches, after the field types of EntryStore's schema: {@code URI} and
     * {@code STRING} whole values ({@code string} fields; URIs compared as
     * {@link taskrunner.entryscape.entrystore.EntryStore#canonical} spells them), {@code NGRAM}
     * a part of a value ignoring case ({@code text_ngram}), {@code TEXT} whole words ignoring
     * case ({@code text}, without its stemming and stop words).
     */
    public enum Kind { URI, STRING, NGRAM, TEXT }

    /** A field name this server does not search. */
    public static final class Unknown extends Exception {
        Unknown(String message) {
            super(message);
        }
    }

    private static final Pattern HASHED = Pattern.compile("metadata\\.predicate\\.(uri|literal|literal_s|literal_t)\\.([0-9a-f]{8})");

    /** The field of a query's field name. */
    public static Field named(String name) throws Unknown {
        switch (name) {
            case "uri": return new Field(name, Kind.URI, d -> List.of(d.info().entryUri()));
            case "resource": return new Field(name, Kind.URI, d -> List.of(d.resourceUri()));
            case "context": return new Field(name, Kind.URI, d -> List.of(d.contextUri()));
            case "rdfType": return new Field(name, Kind.URI, Field::rdfTypes);
            case "graphType": return new Field(name, Kind.STRING, d -> List.of(d.info().graphType()));
            case "entryType": return new Field(name, Kind.STRING, d -> List.of(d.info().entryType()));
            case "resourceType": return new Field(name, Kind.STRING, d -> List.of(d.info().resourceType()));
            case "creator": return new Field(name, Kind.URI, d -> d.info().creator() == null ? List.of() : List.of(d.info().creator()));
            case "contributors": return new Field(name, Kind.URI, d -> d.info().contributors());
            // nothing here is readable by guests: every context is private to its owner accounts
            case "public": return new Field(name, Kind.STRING, d -> List.of("false"));
            case "title": return new Field(name, Kind.NGRAM, Field::titles);
            case "username": return new Field(name, Kind.STRING, d -> d.name() == null ? List.of() : List.of(d.name()));
            case "metadata.object.uri": return new Field(name, Kind.URI, d -> objects(d, null, true, false));
            case "metadata.object.literal": return new Field(name, Kind.TEXT, d -> objects(d, null, false, true));
            default:
        }
        var m = HASHED.matcher(name);
        if (!m.matches()) {
            throw new Unknown("Unsupported search field: " + name + " (supported: uri, resource, context, rdfType, graphType, "
                    + "entryType, resourceType, creator, contributors, public, title, username, metadata.object.uri, "
                    + "metadata.object.literal and metadata.predicate.<uri|literal|literal_s|literal_t>.<8 hex>)");
        }
        String hash = m.group(2);
        return switch (m.group(1)) {
            case "uri" -> new Field(name, Kind.URI, d -> objects(d, hash, true, false));
            case "literal" -> new Field(name, Kind.NGRAM, d -> objects(d, hash, false, false));
            case "literal_s" -> new Field(name, Kind.STRING, d -> objects(d, hash, false, false));
            default -> new Field(name, Kind.TEXT, d -> objects(d, hash, false, false));
        };
    }

    /** The first 8 hex digits of the MD5 of a predicate IRI: how EntryStore names a predicate's fields. */
    public static String hash(String predicate) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(predicate.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md5, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    /** The types of the resource: in the info graph (graph and resource type) and in the metadata. */
    private static List<String> rdfTypes(EntryDoc d) {
        var out = new ArrayList<>(d.info().resourceTypes());
        out.addAll(Rdf.values(d.metadata(), d.subject(), Rdf.RDF_TYPE));
        return out;
    }

    private static final String XSD_STRING = "http://www.w3.org/2001/XMLSchema#string";

    private static final List<String> TITLE_PREDICATES = List.of("http://xmlns.com/foaf/0.1/name",
            "http://www.w3.org/2006/vcard/ns#fn", Rdf.TITLE, "http://purl.org/dc/elements/1.1/title",
            "http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2004/02/skos/core#altLabel",
            "http://www.w3.org/2004/02/skos/core#hiddenLabel", Rdf.RDFS_LABEL, "http://schema.org/name");

    /** The names, titles and labels of the resource, as EntryStore fills {@code title}. */
    public static List<String> titles(EntryDoc d) {
        var out = new ArrayList<String>();
        for (String p : TITLE_PREDICATES) out.addAll(Rdf.values(d.metadata(), d.subject(), p));
        return out;
    }

    /**
     * The objects of the metadata's statements: of the predicates with this hash (every
     * predicate for null), URIs or literals; {@code plain} keeps only strings (no datatype or xsd:string).
     */
    @SuppressWarnings("unchecked")
    private static List<String> objects(EntryDoc d, String hash, boolean uris, boolean plain) {
        var out = new ArrayList<String>();
        for (Object po : d.metadata().values()) {
            for (var p : ((Map<String, Object>) po).entrySet()) {
                if (hash != null && !hash(p.getKey()).equals(hash)) continue;
                for (Object o : (List<Object>) p.getValue()) {
                    var obj = (Map<String, Object>) o;
                    boolean uri = "uri".equals(obj.get("type"));
                    boolean literal = "literal".equals(obj.get("type"));
                    Object datatype = obj.get("datatype");
                    boolean string = datatype == null || XSD_STRING.equals(datatype);
                    if (uris ? uri : literal && (!plain || string)) out.add((String) obj.get("value"));
                }
            }
        }
        return out;
    }
}
