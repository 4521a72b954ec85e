package taskrunner.entryscape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.auth.User;
import taskrunner.support.ServerFixture;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * User entries under {@code /store/_principals}, as entrystore.js's
 * {@code getAuth().getUserEntry()} loads them: {@code auth/user}'s {@code id} and {@code uri}
 * name the entry, which answers as the real EntryStore's {@code _admin} did
 * (entrystore-observed.md), to the user itself and to those whose account reaches the user's.
 */
class EsPrincipalsTest {
    static final String ES = "http://entrystore.org/terms/";
    static ServerFixture fx;
    static ScapeClient c;
    static String admin, parentAdmin, childUser, outsider;
    static User child;

    @BeforeAll
    static void start() throws Exception {
        fx = new ServerFixture();
        c = new ScapeClient(fx);
        admin = c.admin();
        var identity = fx.server.services().identity();
        var parent = identity.createAccount(identity.root().id(), "p-parent");
        identity.createUser(parent.account().id(), "p-parent-admin", "pw-pa", true, null, null, null);
        var sub = identity.createAccount(parent.account().id(), "p-child");
        child = identity.createUser(sub.account().id(), "p-child-user", "pw-cu", false, null, null, null);
        var b = identity.createAccount(identity.root().id(), "p-other");
        identity.createUser(b.account().id(), "p-other-admin", "pw-oa", true, null, null, null);
        parentAdmin = c.login("p-parent-admin", "pw-pa");
        childUser = c.login("p-child-user", "pw-cu");
        outsider = c.login("p-other-admin", "pw-oa");
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    static Map<String, Object> me(String token) throws Exception {
        var res = c.get("/store/auth/user", token);
        assertEquals(200, res.statusCode(), res.body());
        return ServerFixture.json(res.body());
    }

    static String entryPath(String uri) {
        return uri.substring(c.base().length() - 1) + "?includeAll&limit=50&sort=title&prio=List";
    }

    @Test
    void theRootAdminIsUnderscoreAdminAndItsEntryIsAUser() throws Exception {
        var info = me(admin);
        assertEquals("_admin", info.get("id"));
        assertEquals("admin", info.get("user"));
        assertEquals(c.base() + "store/_principals/entry/_admin", info.get("uri"));
        var res = c.get(entryPath((String) info.get("uri")), admin);
        assertEquals(200, res.statusCode(), res.body());
        EsEntryInfoTest.assertDated(res);
        var entry = ServerFixture.json(res.body());
        assertEquals("_admin", entry.get("entryId"));
        assertEquals(Map.of("customProperties", Map.of(), "name", "admin"), entry.get("resource"));
        var typed = (Map<?, ?>) ((Map<?, ?>) entry.get("info")).get(c.base() + "store/_principals/resource/_admin");
        assertEquals(List.of(ScapeClient.uri(ES + "User")), typed.get(ScapeClient.RDF_TYPE));
    }

    @Test
    void aUserReadsItsOwnEntryAndItsAccountsAncestorsReadItToo() throws Exception {
        var info = me(childUser);
        assertEquals(child.id(), info.get("id"), "a user's entry id is its core id");
        assertEquals("p-child-user", info.get("user"));
        String path = entryPath((String) info.get("uri"));
        var own = ServerFixture.json(c.get(path, childUser).body());
        assertEquals(Map.of("customProperties", Map.of(), "name", "p-child-user"), own.get("resource"));
        assertEquals(200, c.get(path, parentAdmin).statusCode(), "the parent account reaches it");
        assertEquals(200, c.get(path, admin).statusCode());
        var refused = c.get(path, outsider);
        assertEquals(403, refused.statusCode());
        assertEquals("Not authorized", ServerFixture.json(refused.body()).get("error"));
        assertEquals(401, c.get(path, null).statusCode());
        assertEquals(403, c.get("/store/_principals/entry/_admin", childUser).statusCode(), "a child does not reach the root");
    }

    @Test
    void theGuestHasAnEntryAndUnknownOrOtherSpellingsAreNotFound() throws Exception {
        var info = me(null);
        assertEquals("_guest", info.get("id"));
        var guest = c.get(entryPath((String) info.get("uri")), null);
        assertEquals(200, guest.statusCode(), guest.body());
        assertEquals("_guest", ((Map<?, ?>) ServerFixture.json(guest.body()).get("resource")).get("name"));
        assertEquals(404, c.get("/store/_principals/entry/nosuchuser", admin).statusCode());
        String adminsCoreId = fx.server.services().identity().userByName("admin").id();
        assertEquals(404, c.get("/store/_principals/entry/" + adminsCoreId, admin).statusCode(), "one id per user: _admin");
        assertTrue(c.get("/store/_principals/entry/%3Cscript%3E", admin).statusCode() == 404);
    }
}
