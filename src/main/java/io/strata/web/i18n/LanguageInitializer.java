package io.strata.web.i18n;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.arc.Arc;
import io.quarkus.qute.EngineBuilder;
import io.quarkus.qute.TemplateInstance;

/**
 * Gives every template rendered for a request the reader's locale, which the message bundles
 * ({@code msg:}, …) and the date formats read. Registered with the engine as it is built (Quarkus
 * does not pick up initializer beans by themselves). Templates rendered outside a request (mail)
 * stay English.
 */
@ApplicationScoped
public class LanguageInitializer {

    /** A client proxy: it answers for the request at hand (looked up per instance, it cost a bean resolution each time). */
    @Inject
    CurrentLanguage language;

    void register(@Observes EngineBuilder builder) {
        builder.addTemplateInstanceInitializer(this::setLocale);
    }

    void setLocale(TemplateInstance instance) {
        if (Arc.container().requestContext().isActive()) {
            instance.setLocale(language.getLocale());
        }
    }
}
