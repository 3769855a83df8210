package org.aiod.backup.api;

import java.lang.reflect.Type;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * How command bodies are read over HTTP, as strictly as {@code CommandParser} reads them over AMQP: a field the
 * command does not have is refused (a restore's {@code target} must not be dropped and the dataset restored in
 * place), numbers are JSON integers ({@code "0"} and {@code 0.5} are refused), strings are JSON strings (a number
 * is not a dataset), and nothing may follow the object. The service's shared mapper stays lenient for everything
 * else it reads (the journal).
 */
public final class StrictCommandReader implements BiFunction<ObjectMapper, Type, ObjectReader> {

    private static volatile ObjectMapper strict;

    @Override
    public ObjectReader apply(ObjectMapper shared, Type type) {
        return strict(shared).readerFor(strict.constructType(type));
    }

    private static ObjectMapper strict(ObjectMapper shared) {
        ObjectMapper mapper = strict;
        if (mapper == null) {
            mapper = shared.copy()
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                    .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
            for (LogicalType scalar : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean,
                    LogicalType.Textual}) {
                for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.String,
                        CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean,
                        CoercionInputShape.EmptyString}) {
                    mapper.coercionConfigFor(scalar).setCoercion(shape, CoercionAction.Fail);
                }
            }
            // a value of its own shape is always accepted
            mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
            strict = mapper;
        }
        return mapper;
    }
}
