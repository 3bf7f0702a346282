package io.strata.web;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.strata.web.i18n.CurrentLanguage;
import io.strata.web.i18n.RefusalTexts;

/**
 * The error page a browser gets: status, reason and message in the reader's language (a keyed
 * message translated, with the English original beneath). Used by {@link ErrorMappers} and by
 * {@link CsrfRefusalPage}, which dresses the CSRF filter's bare 400.
 */
@ApplicationScoped
public class ErrorPages {

    @Inject
    CurrentLanguage language;
    @Inject
    RefusalTexts texts;
    @Inject
    @Location("error.html")
    Template errorPage;

    /** The English reason phrase of a status ("Bad Request"), as the JSON errors carry it. */
    static String reason(int status) {
        return Response.Status.fromStatusCode(status) == null ? "Error" : Response.Status.fromStatusCode(status).getReasonPhrase();
    }

    String render(int status, String message, String key, List<String> args) {
        String reason = reason(status);
        String shown = message;
        String original = null;
        if (language.isChinese()) {
            reason = texts.chineseReason(status);
            String translated = texts.chinese(key, args);
            if (translated != null) {
                shown = translated;
                original = message;
            }
        }
        return errorPage.data("status", status).data("reason", reason).data("message", shown)
                .data("original", original).render();
    }
}
