package io.strata.web.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How a language is chosen, where the switch may go back to, and the phrases translated on display. */
class LanguageTest {

    @Test
    void anyChineseIsTraditionalChineseAndAnythingElseEnglish() {
        assertEquals("zh-TW", Language.choose(null, "zh-TW,zh;q=0.9,en;q=0.8"));
        assertEquals("zh-TW", Language.choose(null, "zh-Hant"));
        assertEquals("zh-TW", Language.choose(null, "zh"));
        assertEquals("zh-TW", Language.choose(null, "fr, zh-CN;q=0.7, en;q=0.5"));
        assertEquals("en", Language.choose(null, "en-US,en;q=0.9,zh-TW;q=0.8"));
        assertEquals("en", Language.choose(null, "de-DE"));
        assertEquals("en", Language.choose(null, null));
        assertEquals("en", Language.choose(null, "zh;q=abc"));
    }

    @Test
    void theCookieWinsWhenItNamesOneOfTheTwo() {
        assertEquals("en", Language.choose("en", "zh-TW"));
        assertEquals("zh-TW", Language.choose("zh-tw", "en"));
        assertEquals("en", Language.choose("<script>", "en"));
        assertEquals("zh-TW", Language.choose("fr", "zh-TW"));
    }

    @Test
    void theSwitchGoesBackOnlyToAPathOfThisServer() {
        assertEquals("/vms/local/a?order=time", LanguageSwitch.localPath("/vms/local/a?order=time"));
        assertEquals("/", LanguageSwitch.localPath("//evil.example/x"));
        assertEquals("/", LanguageSwitch.localPath("https://evil.example/"));
        assertEquals("/", LanguageSwitch.localPath("/\\evil.example"));
        assertEquals("/", LanguageSwitch.localPath("/x\r\nSet-Cookie: a=b"));
        assertEquals("/", LanguageSwitch.localPath(null));
        assertEquals("/", LanguageSwitch.localPath("/language?set=en"));
    }

    @Test
    void agesAndHealthReasonsReadInChinese() {
        assertEquals("3 天 2 小時", Phrases.age("3 d 2 h", true));
        assertEquals("5 分鐘", Phrases.age("5 min", true));
        assertEquals("3 d 2 h", Phrases.age("3 d 2 h", false));
        assertEquals("42 秒前", Phrases.ago("42 s", true));
        assertEquals("42 s ago", Phrases.ago("42 s", false));
        assertEquals("存在時間 16 天 2 小時 > 14 天", Phrases.reason("age 16 d 2 h > 14 d", true));
        assertEquals("此 VM 有 12 個 snapshot > 10", Phrases.reason("12 snapshots on this VM > 10", true));
        assertEquals("鏈深度 9 > 8", Phrases.reason("chain depth 9 > 8", true));
        assertEquals("overlay 600 MiB = 映像檔 1024 MiB 的 58 % > 50 %",
                Phrases.reason("overlay 600 MiB = 58 % of the image's 1024 MiB > 50 %", true));
        assertEquals("保留期限已於 2026-11-01 到期（3 天 1 小時前）",
                Phrases.reason("lease expired 2026-11-01 (3 d 1 h ago)", true));
        assertEquals("VM 正在此 snapshot 上執行，已存在 40 天 0 小時 > 30 天",
                Phrases.reason("the VM runs on this snapshot, 40 d 0 h old > 30 d", true));
        assertEquals("something new", Phrases.reason("something new", true));
        assertEquals("使用者 bob", Phrases.timelineTitle("User bob", true));
        assertEquals("User bob", Phrases.timelineTitle("User bob", false));
    }
}
