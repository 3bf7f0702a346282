package io.strata.vm;

import static io.restassured.RestAssured.given;
import static io.strata.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.DecoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.filter.cookie.CookieFilter;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.strata.host.HostRegistry;
import io.strata.libvirt.StrataMetadata;
import io.strata.support.Api;
import io.strata.support.TestDatabase;

/**
 * The VM list of a host with many domains (libvirt's test driver over a generated definition
 * file): the API's kept JSON is per audience (a user never gets another's list, nor a 304 for
 * another's tag) and follows inventory changes; the page shows it a page at a time, in both
 * languages; a full sync writes the snapshot rows libvirt has. The kept JSON goes out gzip-compressed
 * to clients that allow it, under a tag of its own.
 */
@QuarkusTest
class VmListCacheTest {

    static final int ALICE_VMS = 60;
    static final int BOB_VMS = 45;
    static final int UNOWNED = 25;
    static final int TOTAL = ALICE_VMS + BOB_VMS + UNOWNED;

    @Inject
    HostRegistry hosts;

    String host;
    Path file;
    String admin;
    String alice;
    String bob;

    @BeforeEach
    void bigHost() throws Exception {
        admin = Api.newUser("admin", "admin");
        alice = Api.newUser("alice", "user");
        bob = Api.newUser("bob", "user");
        host = "li-" + UUID.randomUUID().toString().substring(0, 8);
        file = Files.createTempFile("strata-list-", ".xml");
        StringBuilder xml = new StringBuilder("<node>\n");
        for (int i = 1; i <= TOTAL; i++) {
            String owner = i <= ALICE_VMS ? alice : i <= ALICE_VMS + BOB_VMS ? bob : null;
            String name = String.format("vm-%03d", i);
            xml.append("<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>").append(name)
                    .append("</name><memory>131072</memory><vcpu>1</vcpu><os><type>hvm</type></os>");
            if (owner != null) {
                xml.append("<metadata><strata:vm xmlns:strata='").append(StrataMetadata.NAMESPACE).append("' owner='")
                        .append(owner).append("' template='false'/></metadata>");
            }
            xml.append("<test:runstate>5</test:runstate>");
            for (int s = 1; s <= 3; s++) {
                xml.append("<test:domainsnapshot><name>s").append(s).append("</name><state>shutoff</state><creationTime>")
                        .append(1700000000 + s).append("</creationTime><active>").append(s == 3 ? 1 : 0).append("</active>");
                if (s > 1) {
                    xml.append("<parent><name>s").append(s - 1).append("</name></parent>");
                }
                xml.append("<domain type='test'><name>").append(name).append("</name><memory>131072</memory><vcpu>1</vcpu>"
                        + "<os><type>hvm</type></os></domain></test:domainsnapshot>");
            }
            xml.append("</domain>\n");
        }
        Files.writeString(file, xml.append("</node>\n"));
        hosts.upsert(host, "test://" + file);
        Api.awaitSuccess(admin, as(admin).post("/api/hosts/" + host + "/sync").then().statusCode(202)
                .extract().jsonPath().getLong("jobId"));
    }

    @AfterEach
    void dropHost() throws Exception {
        // Other classes list every host: this one goes with its rows.
        try (var c = TestDatabase.connect(); var st = c.prepareStatement("DELETE FROM vm WHERE host = ?");
                var h = c.prepareStatement("DELETE FROM host WHERE name = ?")) {
            st.setString(1, host);
            st.executeUpdate();
            h.setString(1, host);
            h.executeUpdate();
        }
        Files.deleteIfExists(file);
    }

    String list() {
        return "/api/hosts/" + host + "/vms";
    }

    @Test
    void fullSyncWritesEveryDomainWithItsSnapshotsAndOwner() {
        assertEquals(TOTAL, TestDatabase.queryLong("SELECT count(*) FROM vm WHERE host = ?", host));
        assertEquals(TOTAL * 3L, TestDatabase.queryLong(
                "SELECT count(*) FROM snapshot s JOIN vm v ON v.id = s.vm_id WHERE v.host = ?", host));
        assertEquals(TOTAL, TestDatabase.queryLong("SELECT count(*) FROM snapshot s JOIN vm v ON v.id = s.vm_id"
                + " WHERE v.host = ? AND s.current AND s.name = 's3' AND s.parent = 's2'", host), "current and parent kept");
        assertEquals(ALICE_VMS, TestDatabase.queryLong("SELECT count(*) FROM vm WHERE host = ? AND owner = ?", host, alice));
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM snapshot s JOIN vm v ON v.id = s.vm_id"
                + " WHERE v.host = ? AND v.name = 'vm-001' AND s.name = 's1' AND s.created_at = to_timestamp(1700000001)", host),
                "creation time kept as the same instant");
        // A second sync of the unchanged host leaves the same rows (no duplicates, same ids).
        long maxId = TestDatabase.queryLong("SELECT max(s.id) FROM snapshot s JOIN vm v ON v.id = s.vm_id WHERE v.host = ?", host);
        Api.awaitSuccess(admin, as(admin).post("/api/hosts/" + host + "/sync").then().statusCode(202)
                .extract().jsonPath().getLong("jobId"));
        assertEquals(TOTAL * 3L, TestDatabase.queryLong(
                "SELECT count(*) FROM snapshot s JOIN vm v ON v.id = s.vm_id WHERE v.host = ?", host));
        assertEquals(maxId, TestDatabase.queryLong(
                "SELECT max(s.id) FROM snapshot s JOIN vm v ON v.id = s.vm_id WHERE v.host = ?", host), "unchanged rows not rewritten");
    }

    @Test
    void eachUserGetsOnlyTheirOwnListAndTag() {
        Response all = as(admin).get(list());
        all.then().statusCode(200);
        assertEquals(TOTAL, all.jsonPath().getList("name").size());
        Response a = as(alice).get(list());
        Response b = as(bob).get(list());
        // Asked twice: the second answer is the kept one and must still be the caller's own.
        for (int round = 0; round < 2; round++) {
            a = as(alice).get(list());
            b = as(bob).get(list());
            assertEquals(List.of(alice), a.jsonPath().getList("owner").stream().distinct().toList());
            assertEquals(ALICE_VMS, a.jsonPath().getList("name").size());
            assertEquals(List.of(bob), b.jsonPath().getList("owner").stream().distinct().toList());
            assertEquals(BOB_VMS, b.jsonPath().getList("name").size());
        }
        String aliceTag = a.header("ETag");
        String bobTag = b.header("ETag");
        assertNotNull(aliceTag);
        assertNotEquals(aliceTag, bobTag);
        assertNotEquals(aliceTag, all.header("ETag"));
        // Her own tag: 304 and no body; bob's tag does not match hers, so she gets her list, not his.
        as(alice).header("If-None-Match", aliceTag).get(list()).then().statusCode(304);
        Response withBobs = as(alice).header("If-None-Match", bobTag).get(list());
        assertEquals(200, withBobs.statusCode());
        assertEquals(ALICE_VMS, withBobs.jsonPath().getList("name").size());
        assertFalse(withBobs.asString().contains(bob), "nothing of bob's list");
    }

    @Test
    void aChangeOfOwnerReachesTheKeptLists() {
        String aliceTag = as(alice).get(list()).header("ETag");
        as(bob).get(list()).then().statusCode(200);
        CookieFilter page = new CookieFilter();
        Api.loginInto(page, admin, Api.passwordOf(admin));
        assertTrue(ownerCell(page, "vm-001").contains("<td>" + alice + "</td>"), "the kept row, before");
        Api.awaitSuccess(admin, as(admin).body(Map.of("owner", bob)).put(list() + "/vm-001/owner").then().statusCode(202)
                .extract().jsonPath().getLong("jobId"));
        Response a = as(alice).header("If-None-Match", aliceTag).get(list());
        assertEquals(200, a.statusCode(), "the old tag no longer matches");
        assertFalse(a.jsonPath().getList("name").contains("vm-001"));
        assertEquals(ALICE_VMS - 1, a.jsonPath().getList("name").size());
        List<Object> bobs = as(bob).get(list()).jsonPath().getList("name");
        assertTrue(bobs.contains("vm-001"));
        assertEquals(BOB_VMS + 1, bobs.size());
        // The page's kept row (VmListRows) is keyed by the whole view: the new owner shows.
        assertTrue(ownerCell(page, "vm-001").contains("<td>" + bob + "</td>"), "the kept row, after");
    }

    /** The list page's row of a VM, from its link to the end of the row. */
    private String ownerCell(CookieFilter session, String vm) {
        String html = given().filter(session).get("/vms?host=" + host).then().statusCode(200).extract().asString();
        int at = html.indexOf("/vms/" + host + "/" + vm + "\"");
        return html.substring(at, html.indexOf("</tr>", at));
    }

    /**
     * A row written with a stamp older than the newest (a sync whose transaction began earlier, a
     * node whose clock is behind) left the newest stamp as it was: alice kept a VM given to bob.
     */
    @Test
    void aChangeStampedBelowTheNewestReachesTheKeptLists() {
        String aliceTag = as(alice).get(list()).header("ETag");
        TestDatabase.queryLong("UPDATE vm SET owner = ?, synced_at = synced_at - interval '1 second'"
                + " WHERE host = ? AND name = 'vm-002' RETURNING id", bob, host);
        Response a = as(alice).header("If-None-Match", aliceTag).get(list());
        assertEquals(200, a.statusCode(), "the old tag no longer matches");
        assertFalse(a.jsonPath().getList("name").contains("vm-002"), "not alice's any more");
    }

    /** The bytes as sent: RestAssured would otherwise ask for gzip itself and hide it. */
    static final RestAssuredConfig UNDECODED = RestAssuredConfig.config().decoderConfig(DecoderConfig.decoderConfig().noContentDecoders());

    Response raw(String user, String encoding, String ifNoneMatch) {
        var request = as(user).config(UNDECODED).header("Accept-Encoding", encoding);
        return (ifNoneMatch == null ? request : request.header("If-None-Match", ifNoneMatch)).get(list());
    }

    static JsonPath gunzipped(Response r) throws IOException {
        assertEquals("gzip", r.header("Content-Encoding"));
        try (var in = new GZIPInputStream(new ByteArrayInputStream(r.asByteArray()))) {
            return JsonPath.from(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void gzipWhenAskedUnderItsOwnTagAndStillEachUsersOwn() throws Exception {
        Response plain = raw(alice, "identity", null);
        plain.then().statusCode(200).header("Vary", "Accept-Encoding");
        assertNull(plain.header("Content-Encoding"));
        Response gz = raw(alice, "gzip, deflate", null);
        gz.then().statusCode(200).header("Vary", "Accept-Encoding");
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz.asByteArray()))) {
            assertArrayEquals(plain.asByteArray(), in.readAllBytes(), "the same JSON, compressed");
        }
        assertTrue(gz.asByteArray().length < plain.asByteArray().length / 3, gz.asByteArray().length + " bytes");
        String plainTag = plain.header("ETag");
        String gzTag = gz.header("ETag");
        assertNotNull(gzTag);
        assertNotEquals(plainTag, gzTag, "two bodies, two tags");
        // A tag gives 304 only for the body it names.
        Response same = raw(alice, "gzip", gzTag);
        same.then().statusCode(304).header("ETag", gzTag).header("Vary", "Accept-Encoding");
        assertEquals(0, same.asByteArray().length);
        assertNull(same.header("Content-Encoding"), "a 304 carries no body to decode");
        raw(alice, "identity", plainTag).then().statusCode(304);
        Response plainForGzTag = raw(alice, "identity", gzTag);
        assertEquals(200, plainForGzTag.statusCode());
        assertNull(plainForGzTag.header("Content-Encoding"));
        assertEquals(ALICE_VMS, plainForGzTag.jsonPath().getList("name").size());
        Response gzForPlainTag = raw(alice, "gzip", plainTag);
        assertEquals(200, gzForPlainTag.statusCode());
        assertEquals(ALICE_VMS, gunzipped(gzForPlainTag).getList("name").size());
        // Bob with her compressed tag: his own list, compressed, under his own tag.
        Response his = raw(bob, "gzip", gzTag);
        assertEquals(200, his.statusCode());
        assertNotEquals(gzTag, his.header("ETag"));
        JsonPath bobs = gunzipped(his);
        assertEquals(List.of(bob), bobs.getList("owner").stream().distinct().toList());
        assertEquals(BOB_VMS, bobs.getList("name").size());
    }

    @Test
    void aVmGivenAwayLeavesTheKeptCompressedListToo() throws Exception {
        String gzTag = raw(alice, "gzip", null).header("ETag");
        String plainTag = raw(alice, "identity", null).header("ETag");
        TestDatabase.queryLong("UPDATE vm SET owner = ?, synced_at = synced_at - interval '1 second'"
                + " WHERE host = ? AND name = 'vm-003' RETURNING id", bob, host);
        Response gz = raw(alice, "gzip", gzTag);
        assertEquals(200, gz.statusCode(), "the old compressed tag no longer matches");
        assertFalse(gunzipped(gz).getList("name").contains("vm-003"), "not alice's any more");
        Response plain = raw(alice, "identity", plainTag);
        assertEquals(200, plain.statusCode());
        assertFalse(plain.jsonPath().getList("name").contains("vm-003"));
        assertTrue(gunzipped(raw(bob, "gzip", null)).getList("name").contains("vm-003"), "bob's now");
    }

    @Test
    void thePageShowsAHundredVmsAtATimeInBothLanguages() {
        CookieFilter session = new CookieFilter();
        Api.loginInto(session, admin, Api.passwordOf(admin));
        String first = given().filter(session).cookie("strata-lang", "en").get("/vms?host=" + host).then().statusCode(200)
                .extract().asString();
        String section = first.substring(first.indexOf("<code>" + host + "</code>"));
        assertTrue(section.contains("/vms/" + host + "/vm-100\""), "the first page ends at the 100th");
        assertFalse(section.contains("/vms/" + host + "/vm-101\""));
        assertTrue(section.contains("VMs 1–100 of " + TOTAL), section.substring(0, 400));
        assertTrue(section.contains("/vms?host=" + host + "&amp;page=2"), "a link to the next page");
        String second = given().filter(session).cookie("strata-lang", "zh-TW").get("/vms?host=" + host + "&page=2")
                .then().statusCode(200).extract().asString();
        String section2 = second.substring(second.indexOf("<code>" + host + "</code>"));
        assertTrue(section2.contains("/vms/" + host + "/vm-101\"") && section2.contains("/vms/" + host + "/vm-" + TOTAL + "\""));
        assertFalse(section2.contains("/vms/" + host + "/vm-100\""));
        assertTrue(section2.contains("第 101–" + TOTAL + " 台 VM，共 " + TOTAL + " 台"), "the range in Chinese");
        assertTrue(section2.contains("上一頁") && !section2.contains("下一頁"), "back, and no next past the last");
        // A user's pages hold their own VMs only: alice's 60 fit on one page, without links.
        CookieFilter hers = new CookieFilter();
        Api.loginInto(hers, alice, Api.passwordOf(alice));
        String own = given().filter(hers).get("/vms").then().statusCode(200).extract().asString();
        String ownSection = own.substring(own.indexOf("<code>" + host + "</code>"));
        assertTrue(ownSection.contains("/vms/" + host + "/vm-060\""));
        assertFalse(ownSection.contains("/vms/" + host + "/vm-061\""), "not bob's");
        assertFalse(ownSection.contains("page=2"));
    }
}
