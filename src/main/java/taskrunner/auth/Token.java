package taskrunner.auth;

import taskrunner.store.Kind;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A login token, stored under the SHA-256 of the token (the token itself is never kept).
 * {@code userId} is null for tokens made from an account's api_key. Expiry slides: each
 * use moves {@code expires} to now + {@code ttlMs}.
 */
public record Token(String hash, String accountId, String userId, long expires, long ttlMs) {
    public static final Kind<Token> KIND = new Kind<>("token", new Kind.Codec<>() {
        public Map<String, Object> encode(Token t) {
            var m = new LinkedHashMap<String, Object>();
            m.put("account", t.accountId);
            if (t.userId != null) m.put("user", t.userId);
            m.put("expires", t.expires);
            m.put("ttl", t.ttlMs);
            m.put("hash", t.hash);
            return m;
        }

        public Token decode(Map<String, Object> m) {
            return new Token((String) m.get("hash"), (String) m.get("account"), (String) m.get("user"),
                    ((Number) m.get("expires")).longValue(), ((Number) m.get("ttl")).longValue());
        }
    });
}
