package io.strata.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON body of every API error. {@code key} names a common refusal's message (web.i18n.ErrMsg)
 * so a client can show it in its own language; absent where the refusal has none.
 */
public record ApiError(int status, String error, String message,
        @JsonInclude(JsonInclude.Include.NON_NULL) String key) {

    public ApiError(int status, String error, String message) {
        this(status, error, message, null);
    }
}
