package io.strata.web.i18n;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.filter.cookie.CookieFilter;
import io.strata.support.Api;
import io.strata.support.VmBuilder;

/**
 * The pages in both languages, against libvirt's test:///default host "test": English by default,
 * Traditional Chinese for a Taiwanese browser or after the header's switch (its cookie wins over the
 * browser), {@code <html lang>} to match, and refusals in the reader's language.
 */
@QuarkusTest
class LanguagePagesTest {

    /** Each main page and a text only its Chinese version has (and the English one it replaces). */
    static final Map<String, String[]> PAGES = Map.of(
            "/", new String[] { "Snapshot 健康狀態", "Snapshot health" },
            "/vms", new String[] { "虛擬機器（VM）", "Virtual machines" },
            "/vms/test/test", new String[] { "建立 snapshot", "New snapshot" },
            "/jobs", new String[] { "<h1>作業</h1>", "<h1>Jobs</h1>" },
            "/templates", new String[] { "<th>來源 VM</th>", "<th>Source VM</th>" }, // not the empty list: other classes record templates
            "/reports", new String[] { "清理報告", "Cleanup reports" },
            "/audit", new String[] { "雜湊鏈（以稽核金鑰封存）", "Hash chain (sealed with the audit key)" },
            "/admin", new String[] { "建立使用者", "Create user" },
            "/admin/policy", new String[] { "儲存政策", "Save policy" });

    String admin;

    @BeforeEach
    void users() {
        admin = Api.newUser("admin", "admin");
    }

    static CookieFilter login(String user, String password) {
        CookieFilter cookies = new CookieFilter();
        Api.loginInto(cookies, user, password);
        return cookies;
    }

    @Test
    void loginPageIsEnglishByDefaultAndChineseForATaiwaneseBrowser() {
        given().get("/login").then().statusCode(200)
                .body(containsString("<html lang=\"en\">")).body(containsString("<h1>Log in</h1>"))
                .body(containsString("href=\"/language?set=zh-TW&amp;back=%2Flogin\""));
        given().header("Accept-Language", "zh-TW,zh;q=0.9,en;q=0.8").get("/login").then().statusCode(200)
                .body(containsString("<html lang=\"zh-TW\">")).body(containsString("<h1>登入</h1>"))
                .body(not(containsString("<h1>Log in</h1>")));
        given().header("Accept-Language", "zh-Hant").get("/login").then().body(containsString("<h1>登入</h1>"));
        given().header("Accept-Language", "fr-FR").get("/login").then().body(containsString("<h1>Log in</h1>"));
    }

    @Test
    void everyMainPageRendersInEachLanguage() {
        CookieFilter session = login(admin, Api.passwordOf(admin));
        for (var page : PAGES.entrySet()) {
            String zh = given().filter(session).header("Accept-Language", "zh-TW").get(page.getKey())
                    .then().statusCode(200).extract().asString();
            assertTrue(zh.contains("<html lang=\"zh-TW\">"), page.getKey() + " says it is zh-TW");
            assertTrue(zh.contains(page.getValue()[0]), page.getKey() + " in Chinese shows " + page.getValue()[0]);
            assertTrue(!zh.contains(page.getValue()[1]), page.getKey() + " in Chinese no longer shows " + page.getValue()[1]);
            assertTrue(zh.contains(">登出</button>") && zh.contains(">作業</a>"), page.getKey() + ": the header in Chinese");

            String en = given().filter(session).get(page.getKey()).then().statusCode(200).extract().asString();
            assertTrue(en.contains("<html lang=\"en\">"), page.getKey() + " says it is en");
            assertTrue(en.contains(page.getValue()[1]), page.getKey() + " in English shows " + page.getValue()[1]);
            assertTrue(!en.contains(page.getValue()[0]), page.getKey() + " in English shows no Chinese");
        }
        given().filter(session).header("Accept-Language", "zh-TW").get("/users/" + admin + "/timeline").then()
                .statusCode(200).body(containsString("<h1>時間軸：使用者 " + admin + "</h1>"));
        given().filter(session).get("/users/" + admin + "/timeline").then()
                .statusCode(200).body(containsString("<h1>Timeline: User " + admin + "</h1>"));
    }

    @Test
    void theSwitchRemembersTheChoiceInACookieThatWinsOverTheBrowser() {
        given().redirects().follow(false).get("/language?set=zh-TW&back=/vms/test/test?order=time").then().statusCode(303)
                .header("Location", endsWith("/vms/test/test?order=time"))
                .cookie("strata-lang", "zh-TW");
        CookieFilter session = login(admin, Api.passwordOf(admin));
        given().filter(session).cookie("strata-lang", "zh-TW").header("Accept-Language", "en-US").get("/vms")
                .then().statusCode(200).body(containsString("<html lang=\"zh-TW\">")).body(containsString("虛擬機器（VM）"))
                // the rows' words (VmListRows keeps a row per language), in the reader's language too: test:///default's VM runs
                .body(containsString("<span class=\"state running\">執行中</span>"));
        given().filter(session).cookie("strata-lang", "en").header("Accept-Language", "zh-TW").get("/vms")
                .then().statusCode(200).body(containsString("<html lang=\"en\">")).body(containsString("Virtual machines"))
                .body(containsString("<span class=\"state running\">running</span>"));
        // Anything else in the cookie is ignored; the browser's language stands.
        given().filter(session).cookie("strata-lang", "\"><script>").header("Accept-Language", "zh-TW").get("/vms")
                .then().statusCode(200).body(containsString("<html lang=\"zh-TW\">")).body(not(containsString("<script>")));
    }

    @Test
    void theSwitchRefusesOtherLanguagesAndGoesBackOnlyToThisServer() {
        assertNull(given().redirects().follow(false).get("/language?set=fr&back=/vms").then().statusCode(400)
                .extract().cookie("strata-lang"), "no cookie for another language");
        assertNull(given().redirects().follow(false).urlEncodingEnabled(false).get("/language?set=zh-TW%0d%0aX:1&back=/vms")
                .then().statusCode(400).extract().cookie("strata-lang"), "no cookie for a header injection");
        given().redirects().follow(false).get("/language?set=en&back=//evil.example/").then().statusCode(303)
                .header("Location", not(containsString("evil"))).cookie("strata-lang", "en");
        given().redirects().follow(false).get("/language?set=en&back=https://evil.example/").then().statusCode(303)
                .header("Location", not(containsString("evil")));
    }

    @Test
    void aRefusalIsShownInTheReadersLanguageAndTheApiCarriesItsKey() {
        CookieFilter session = login(admin, Api.passwordOf(admin));
        given().filter(session).header("Accept-Language", "zh-TW").get("/vms/test/no-such-vm").then().statusCode(404)
                .body(containsString("<html lang=\"zh-TW\">")).body(containsString("404 找不到"))
                .body(containsString("主機 test 上沒有名為 no-such-vm 的 VM"))
                .body(containsString("no VM named no-such-vm on host test"));
        given().filter(session).get("/vms/test/no-such-vm").then().statusCode(404)
                .body(containsString("404 Not Found")).body(containsString("no VM named no-such-vm on host test"))
                .body(not(containsString("主機")));
        given().auth().preemptive().basic(admin, Api.passwordOf(admin)).get("/api/hosts/test/vms/no-such-vm").then()
                .statusCode(404).body("key", equalTo("vm_not_found"))
                .body("message", equalTo("no VM named no-such-vm on host test"));
    }

    @Test
    void aRealVmWithASnapshotReadsInChinese() {
        String vm = VmBuilder.defineVm("i18n", admin);
        Api.awaitSuccess(admin, Api.createSnapshot(admin, vm, "s1", "before the upgrade"));
        CookieFilter session = login(admin, Api.passwordOf(admin));
        String html = given().filter(session).cookie("strata-lang", "zh-TW").get("/vms/local/" + vm)
                .then().statusCode(200).extract().asString();
        assertTrue(html.contains(">還原</button>"), "revert is 還原");
        assertTrue(html.contains("data-confirm=\"要還原到這個 snapshot 嗎？"), "the confirmation in Chinese");
        assertTrue(html.contains("（目前）"), "the current snapshot marked in Chinese");
        assertTrue(html.contains("1 個 internal snapshot"), "qemu-img's view in Chinese");
        assertTrue(html.contains(">已關機</span>"), "libvirt's state in Chinese");
        assertTrue(html.matches("(?s).*\\d{4}年\\d{1,2}月\\d{1,2}日 [上下]午.*"), "dates in Taiwan's form");
        assertTrue(html.contains("秒") || html.contains("分鐘"), "ages in Chinese units");
        assertTrue(html.contains("before the upgrade"), "what people wrote stays as written");
        given().filter(session).cookie("strata-lang", "zh-TW").get("/vms/local/" + vm + "/timeline").then()
                .statusCode(200).body(containsString("← VM 頁面")).body(containsString(">成功</span>"));

        String jobs = given().filter(session).cookie("strata-lang", "zh-TW").get("/jobs?vm=" + vm)
                .then().statusCode(200).extract().asString();
        assertTrue(jobs.contains(">成功</span>"), "job states in Chinese");
        assertTrue(jobs.contains("<option value=\"SUCCEEDED\""), "the filter still sends the state's name");
    }
}
