package org.edgefm.api;

/**
 * An argument check on a named field failed. Thrown by the constructors of API records, so an
 * invalid record can never exist; decoders catch it and prefix the field with its path in the
 * document ({@code services[2].rate.shape}).
 *
 * <p>The message reads {@code field: problem}, e.g. {@code shape: -1.0 (expected: > 0)}.
 */
public final class InvalidFieldException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The field's name. */
    private final String field;
    /** What is wrong with the value. */
    private final String problem;

    /**
     * Creates the exception for {@code field} with a problem text such as {@code "-1 (expected: >= 0)"}.
     *
     * @param field the field's name, for the error message (e.g. {@code capacity.cpu})
     * @param problem what is wrong with it, with what was expected
     */
    public InvalidFieldException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** {@return the field name as the record declares it (a JSON property name)} */
    public String field() {
        return field;
    }

    /** {@return what is wrong with the value, without the field name} */
    public String problem() {
        return problem;
    }
}
