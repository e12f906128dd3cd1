package dev.df11.runtime.chat;

import com.hubspot.jinjava.objects.date.StrftimeFormatter;

import java.time.ZonedDateTime;
import java.util.Locale;

/** The globals transformers adds to every chat template's environment. */
public final class TemplateFunctions {

    private TemplateFunctions() {
    }

    /** {@code raise_exception(message)}: the template refuses the conversation. */
    public static Object raiseException(Object message) {
        throw new RaisedException(String.valueOf(message));
    }

    /** {@code strftime_now(format)}: the local date and time in Python's strftime format. */
    public static String strftimeNow(String format) {
        return strftime(ZonedDateTime.now(), format);
    }

    /** Python's {@code time.strftime} in the C locale (English names), as transformers' process formats it. */
    static String strftime(ZonedDateTime time, String format) {
        return StrftimeFormatter.format(time, format, Locale.US);
    }

    static final class RaisedException extends RuntimeException {
        RaisedException(String message) {
            super(message);
        }
    }
}
