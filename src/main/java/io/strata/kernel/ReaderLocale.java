package io.strata.kernel;

import java.util.Locale;

/**
 * The language the current request's reader reads pages in (implemented by web.i18n.CurrentLanguage).
 * Templates made during a request get it by themselves; a page part drawn off the request (a live
 * stream's fragment) needs it taken at the start, like the CSRF token.
 */
public interface ReaderLocale {

    Locale getLocale();
}
