package io.strata.web.i18n;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

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

    void register(@Observes EngineBuilder builder) {
        builder.addTemplateInstanceInitializer(LanguageInitializer::setLocale);
    }

    static void setLocale(TemplateInstance instance) {
        if (Arc.container().requestContext().isActive()) {
            instance.setLocale(Arc.container().instance(CurrentLanguage.class).get().getLocale());
        }
    }
}
