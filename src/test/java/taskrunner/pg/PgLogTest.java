package taskrunner.pg;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import taskrunner.support.Postgres;

import java.sql.DriverManager;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PgLogTest {
    static Postgres pg;

    @BeforeAll
    static void start() throws Exception {
        pg = new Postgres();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) pg.close();
    }

    @Test
    void aRealPostgresAnswers() throws Exception {
        try (var c = DriverManager.getConnection(pg.newDatabase()); var s = c.createStatement(); var rs = s.executeQuery("select 1")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
    }
}
