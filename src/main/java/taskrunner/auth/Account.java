package taskrunner.auth;

import taskrunner.store.Kind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An account (Kazoo's model): a 32-hex id, a name, and its ancestors from the root down
 * ({@code tree}); the root account has an empty tree and is the superduper account.
 * {@code apiKeyHash} is the SHA-256 of its api_key (the key itself is shown once).
 */
public record Account(String id, String name, List<String> tree, String apiKeyHash, long created) {
    public static final Kind<Account> KIND = new Kind<>("account", new Kind.Codec<>() {
        public Map<String, Object> encode(Account a) {
            var m = new LinkedHashMap<String, Object>();
            m.put("id", a.id);
            m.put("name", a.name);
            m.put("tree", a.tree);
            if (a.apiKeyHash != null) m.put("api_key_hash", a.apiKeyHash);
            m.put("created", a.created);
            return m;
        }

        @SuppressWarnings("unchecked")
        public Account decode(Map<String, Object> m) {
            return new Account((String) m.get("id"), (String) m.get("name"),
                    new ArrayList<>((List<String>) m.get("tree")), (String) m.get("api_key_hash"),
                    ((Number) m.get("created")).longValue());
        }
    });

    public Account {
        tree = List.copyOf(tree);
    }

    /**
     * The form in which a login's {@code account_name} finds its account, Kazoo's
     * {@code kzd_accounts:normalize_name}: ASCII letters lower-cased, everything but letters
     * and digits dropped ("Acme Corp", "ACME-CORP" and "acmecorp" are all "acmecorp"; Kazoo
     * drops every byte of a non-ASCII letter, and so does this). Names need not be unique
     * in this form, as in Kazoo: a login tries every account of the name.
     */
    public static String normalizedName(String name) {
        var sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') sb.append((char) (c + ('a' - 'A')));
            else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) sb.append(c);
        }
        return sb.toString();
    }

    public boolean isRoot() {
        return tree.isEmpty();
    }

    public String parentId() {
        return tree.isEmpty() ? null : tree.get(tree.size() - 1);
    }
}
