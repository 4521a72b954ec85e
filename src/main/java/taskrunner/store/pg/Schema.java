package taskrunner.store.pg;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The tables {@link PgLog} keeps, created and migrated at open: {@code taskrunner_schema} holds one
 * row per migration applied (its number, when). Migrations run in order, each once, in one
 * transaction under an advisory lock, so servers starting together on a new database migrate it
 * once and a failed migration leaves the schema as it was. A database migrated by a newer server
 * than this one is refused, not written.
 */
final class Schema {
    /** The advisory lock migrations hold ("taskrunm"). */
    private static final long MIGRATE_LOCK = 0x7461736b72756e6dL;
    /** Migration n (from 1) is element n - 1; append only, never edit one that shipped. */
    static final List<String> MIGRATIONS = List.of("""
            create table taskrunner_records (
                kind text not null,
                id text not null,
                value text,
                version bigint not null,
                seq bigint not null,
                primary key (kind, id));
            create index taskrunner_records_seq on taskrunner_records (seq);
            create sequence taskrunner_seq;
            """, """
            create table taskrunner_servers (
                node text primary key,
                seen timestamptz not null);
            """, """
            create table taskrunner_blobs (
                id text not null,
                n int not null,
                bytes bytea not null,
                primary key (id, n));
            """, """
            create table taskrunner_leases (
                task text primary key,
                node text not null,
                epoch bigint not null,
                expires timestamptz not null);
            create index taskrunner_leases_node on taskrunner_leases (node);
            create table taskrunner_work (
                name text not null,
                off bigint not null,
                bytes bytea not null,
                primary key (name, off));
            """, """
            create table taskrunner_throttle (
                name text not null,
                client text not null,
                start_ms bigint not null,
                failures int not null,
                primary key (name, client));
            """, """
            drop table if exists taskrunner_servers;
            """); // 6: the servers' heartbeats of migration 2, replaced by the leases of migration 4

    private Schema() {}

    /** Brings the schema to {@link #MIGRATIONS}' version; {@code c} has auto-commit off. Returns the version. */
    static int migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("select pg_advisory_xact_lock(" + MIGRATE_LOCK + ")");
            s.execute("create table if not exists taskrunner_schema (version int primary key,"
                    + " applied timestamptz not null default now())");
            int current;
            try (ResultSet rs = s.executeQuery("select coalesce(max(version), 0) from taskrunner_schema")) {
                rs.next();
                current = rs.getInt(1);
            }
            if (current > MIGRATIONS.size()) {
                throw new SQLException("the database's taskrunner schema is version " + current + ", newer than this server's ("
                        + MIGRATIONS.size() + "); start a newer taskrunner");
            }
            for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
                s.execute(MIGRATIONS.get(v - 1));
                s.execute("insert into taskrunner_schema (version) values (" + v + ")");
            }
            c.commit();
            return MIGRATIONS.size();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
    }
}
