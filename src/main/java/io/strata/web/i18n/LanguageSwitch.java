package io.strata.web.i18n;

import java.net.URI;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

/**
 * The language switch of the page header: {@code GET /language?set=zh-TW&back=/vms} remembers the
 * choice in a cookie and goes back to the page. It changes nothing but the display language (no
 * audit, no CSRF token needed: another site can at most switch a reader's language), accepts only
 * {@code en} and {@code zh-TW}, and goes back only to a path of this server.
 */
@Path("/language")
public class LanguageSwitch {

    static final int ONE_YEAR = 365 * 24 * 3600;

    @GET
    public Response choose(@QueryParam("set") String set, @QueryParam("back") String back) {
        String tag = Language.known(set);
        if (tag == null) {
            return Response.status(400).type(MediaType.TEXT_PLAIN)
                    .entity("language must be en or zh-TW\n").build();
        }
        NewCookie cookie = new NewCookie.Builder(Language.COOKIE).value(tag).path("/").maxAge(ONE_YEAR)
                .sameSite(NewCookie.SameSite.LAX).httpOnly(true).build();
        return Response.seeOther(URI.create(localPath(back))).cookie(cookie).build();
    }

    /** The path when it is one of this server's (starts with one '/', no scheme, no backslash, no control character), else "/". */
    static String localPath(String back) {
        if (back == null || !back.startsWith("/") || back.startsWith("//") || back.length() > 2000
                || back.startsWith("/language")) {
            return "/";
        }
        for (int i = 0; i < back.length(); i++) {
            char c = back.charAt(i);
            if (c == '\\' || c < 0x20 || c == 0x7f) {
                return "/";
            }
        }
        try {
            URI u = URI.create(back);
            return u.getScheme() == null && u.getAuthority() == null ? back : "/";
        } catch (IllegalArgumentException e) {
            return "/";
        }
    }
}
