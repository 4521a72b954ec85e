package taskrunner.auth;

import taskrunner.store.Kind;

import java.util.Map;

/**
 * The claim of a username (the record's id, lowercase) by one user, written after the user: created only where none
 * exists, so servers sharing a database cannot both create a user of one name (a second
 * creation is a {@link taskrunner.store.Conflict}); on one server alone its memory's index
 * decides as well. Users made before this record existed have none: the index still knows them.
 */
record UserName(String userId) {
    static final Kind<UserName> KIND = new Kind<>("username", new Kind.Codec<>() {
        public Map<String, Object> encode(UserName n) {
            return Map.of("user", n.userId());
        }

        public UserName decode(Map<String, Object> m) {
            return new UserName((String) m.get("user"));
        }
    });
}
