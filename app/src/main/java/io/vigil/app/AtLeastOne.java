package io.vigil.app;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A count on the command line (events, clusters, seconds): a whole number of at least 1, or a usage error (exit 2). */
final class AtLeastOne implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) {
        int n;
        try {
            n = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + io.vigil.events.Name.printable(text) + "' is not a whole number");
        }
        if (n < 1) {
            throw new TypeConversionException(n + " is too few (at least 1)");
        }
        return n;
    }
}
