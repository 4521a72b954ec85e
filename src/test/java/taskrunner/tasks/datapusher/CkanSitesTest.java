package taskrunner.tasks.datapusher;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CkanSitesTest {
    @Test
    void aSiteMatchesAsDataPusherBuildsItsUrlsAndNothingElseDoes() {
        var sites = new CkanSites(List.of("http://ckan:5000", "https://data.example.org/ckan"));
        assertTrue(sites.allows("http://ckan:5000/"));
        assertTrue(sites.allows("HTTP://CKAN:5000"));
        assertTrue(sites.allows("ckan:5000"), "no scheme is http, as DataPusher's get_url has it");
        assertTrue(sites.allows("https://data.example.org:443/ckan/"));
        assertFalse(sites.allows("https://data.example.org"));
        assertFalse(sites.allows("http://ckan:5001"));
        assertFalse(sites.allows("http://ckan:5000@evil.example"));
        assertFalse(sites.allows("http://evil.example/?http://ckan:5000"));
        assertFalse(sites.allows("ftp://ckan:5000"));
        assertFalse(new CkanSites(List.of()).allows("http://ckan:5000"));
    }
}
