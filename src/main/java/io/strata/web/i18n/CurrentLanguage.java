package io.strata.web.i18n;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.strata.kernel.ReaderLocale;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;

/** This request's language, for the layout ({@code inject:lang}) and every template's message bundles. */
@Named("lang")
@RequestScoped
public class CurrentLanguage implements ReaderLocale {

    @Inject
    CurrentVertxRequest request;

    private String tag;

    /** {@code en} or {@code zh-TW}, never anything else (it goes into {@code <html lang>}). */
    public String getTag() {
        if (tag == null) {
            var rc = request.getCurrent();
            if (rc == null) {
                tag = Language.ENGLISH;
            } else {
                Cookie c = rc.request().getCookie(Language.COOKIE);
                tag = Language.choose(c == null ? null : c.getValue(), rc.request().getHeader("Accept-Language"));
            }
        }
        return tag;
    }

    @Override
    public Locale getLocale() {
        return Language.locale(getTag());
    }

    public boolean isChinese() {
        return Language.CHINESE.equals(getTag());
    }

    /**
     * This page's path and query, URL-encoded, for the switch link to come back to; the home page
     * when this page answered a form (a GET of that address would not show it again).
     */
    public String getBack() {
        var rc = request.getCurrent();
        String uri = rc == null || !HttpMethod.GET.equals(rc.request().method()) ? "/" : rc.request().uri();
        return URLEncoder.encode(LanguageSwitch.localPath(uri), StandardCharsets.UTF_8);
    }
}
